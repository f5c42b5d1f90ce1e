// SPDX-License-Identifier: GPL-2.0
/* msgr v1 connection: placeholder, being written. */
#define pr_fmt(fmt) "monc: " fmt

#include "internal.h"
