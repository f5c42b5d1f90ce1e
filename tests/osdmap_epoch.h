/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the test and bench clients: the newest epoch in an MOSDMap front, as
 * a filesystem client's osdmap handler would find it before decoding the
 * map. monc itself never parses osdmaps.
 */
#ifndef _MONC_TESTS_OSDMAP_EPOCH_H
#define _MONC_TESTS_OSDMAP_EPOCH_H

#include <linux/minmax.h>
#include <linux/types.h>

#include "compat.h"

/*
 * MOSDMap front: fsid[16], then map<u32 epoch, bufferlist> incremental and
 * map<u32 epoch, bufferlist> full ({le32 count, count x {le32 epoch, le32
 * len, len bytes}} each), then more we do not need. Returns the highest
 * epoch found, 0 if none or if the front is malformed.
 */
static inline u32 monc_test_osdmap_epoch(const u8 *p, size_t len)
{
	const u8 *end = p + len;
	u32 newest = 0, n, e, l;
	int pass;

	if (len < 16)
		return 0;
	p += 16;
	for (pass = 0; pass < 2; pass++) {
		if (end - p < 4)
			return 0;
		n = get_unaligned_le32(p);
		p += 4;
		while (n--) {
			if (end - p < 8)
				return 0;
			e = get_unaligned_le32(p);
			l = get_unaligned_le32(p + 4);
			p += 8;
			if (l > end - p)
				return 0;
			p += l;
			newest = max(newest, e);
		}
	}
	return newest;
}

#endif /* _MONC_TESTS_OSDMAP_EPOCH_H */
