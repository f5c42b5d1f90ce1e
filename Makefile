# SPDX-License-Identifier: GPL-2.0
#
# monc: the out-of-tree Ceph monitor client module.
#
#   make [modules]        build monc.ko and the sample/test client modules
#                         against KDIR: the running kernel's headers
#                         (/lib/modules/$(uname -r)/build) when installed, else
#                         the newest /usr/src/linux-headers-* (with a note
#                         saying which package to install); KDIR=<uml build>
#                         ARCH=um for UML; W=1 and C=2 pass on
#   make install          build monc.ko alone and install it for KDIR's kernel
#                         (modules_install with M=; INSTALL_MOD_PATH passes on)
#   make clean
#   dkms add .            dkms.conf builds and installs monc.ko alone
#   make check            the one test command: KUnit + kmemleak + sanitisers +
#                         integration tests against ceph-mon, all inside UML, plus
#                         a W=1 build for Debian and a load test on its stock
#                         kernel under QEMU. Last line: "N passed, M failed".
#                         MONC_SCRIPTS="00 20" runs only the integration scripts
#                         whose names start so; tests/uml/README.md has the rest.
#   make demo, make soak  boot UML with a monitor cluster and run tests/demo/*.sh
#                         or tests/soak/*.sh
#   make bench            tests/bench/run.sh: monc vs libceph vs librados
#   make style            checkpatch --strict, sparse (C=2) and a W=1 build for
#                         Debian, sparse over the KUnit suites for UML
#   make -s uml-kernel    build or reuse the UML test kernel; print its build dir
#
# check, demo, bench and style build in private copies of the tree under
# BUILD_DIR, never in the source tree, so they do not clash with each other or
# with an in-tree `make`. The UML kernel is cached under MONC_UML_CACHE.
#
# The module itself is described in Kbuild; kbuild reads this file only for
# the rules below, never for objects.

# The kernel to build for: KDIR, else the running kernel's headers, else the
# newest installed Debian headers, with a note naming the package to install.
KVER ?= $(shell uname -r)
ifeq ($(origin KDIR),undefined)
ifneq ($(wildcard /lib/modules/$(KVER)/build/Makefile),)
KDIR := /lib/modules/$(KVER)/build
else
KDIR := $(patsubst %/Module.symvers,%,$(lastword $(shell ls -d \
	/usr/src/linux-headers-*/Module.symvers 2>/dev/null | sort -V)))
KDIR_NOTE := monc: no headers for the running kernel $(KVER) (apt-get install \
	linux-headers-$(KVER)); building for $(or $(KDIR),nothing)
endif
endif
BUILD_DIR ?= /var/tmp/monc-build
MONC_UML_CACHE ?= /var/cache/monc-uml
export KDIR BUILD_DIR MONC_UML_CACHE

# `make -s` makes the helper scripts quiet too.
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
QUIET := 1
endif
export QUIET

ifneq ($(KERNELRELEASE),)
# Invoked by kbuild without a Kbuild file beside us: nothing to build.
$(error monc: Kbuild is missing)
endif

.PHONY: all modules install clean kdir check demo bench soak style uml-kernel \
	fresh

all: modules

# Say once which kernel a module build is for, and stop if there is none.
kdir:
	$(if $(KDIR_NOTE),@echo "$(KDIR_NOTE)" >&2)
	$(if $(wildcard $(KDIR)/Makefile),,$(error monc: no kernel headers in \
		'$(KDIR)'; apt-get install linux-headers-amd64 or pass KDIR=))

modules: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) MONC_TESTS=n modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) MONC_TESTS=n modules_install

clean: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

uml-kernel:
	@tests/uml/build-kernel.sh

check:
	@MONC_MODE=check tests/uml/check.sh

demo:
	@MONC_MODE=demo tests/uml/check.sh

# The bench boots UML itself and writes bench/results.md (15-20 min).
bench:
	@tests/bench/run.sh

# The long variants make check samples: load, failslab, unload, the whole
# fakemon table, cephx renewal over 3 TTLs (about 30 min under UML)
soak:
	@MONC_MODE=soak MONC_TEST_TIMEOUT=$${MONC_TEST_TIMEOUT:-1500} \
		UML_TIMEOUT=$${UML_TIMEOUT:-3600} tests/uml/check.sh

style:
	@tests/uml/style.sh

# A fresh Debian 12 (debootstrap minbase), a clean clone of this tree and
# make demo inside it, with nothing preinstalled (about 20 to 30 min).
fresh:
	@tests/fresh.sh
