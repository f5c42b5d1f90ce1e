# SPDX-License-Identifier: GPL-2.0
#
# monc: the out-of-tree Ceph monitor client module.
#
#   make [modules]        build monc.ko against KDIR (Debian's 6.1 headers by
#                         default; KDIR=<uml build> ARCH=um for UML; W=1 passes on)
#   make clean
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

KDIR ?= /usr/src/linux-headers-6.1.0-56-amd64
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

.PHONY: all modules clean check demo bench soak style uml-kernel

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
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

# issue #6's long load/failslab/unload variant (about 10 min under UML)
soak:
	@MONC_MODE=soak MONC_TEST_TIMEOUT=$${MONC_TEST_TIMEOUT:-1500} \
		UML_TIMEOUT=$${UML_TIMEOUT:-2400} tests/uml/check.sh

style:
	@tests/uml/style.sh
