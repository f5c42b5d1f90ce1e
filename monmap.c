// SPDX-License-Identifier: GPL-2.0
/* MonMap decoding: placeholder, being written. */
#define pr_fmt(fmt) "monc: " fmt

#include "internal.h"
