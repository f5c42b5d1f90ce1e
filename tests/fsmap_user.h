/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the test client and monfs: find a filesystem by name in an
 * MFSMapUser front, as fs/ceph's ceph_mdsc_handle_fsmap() does for
 * mds_namespace=, and tell whether an mdsmap is that filesystem's. monc
 * itself never parses these maps; a client does, as here. Every length is
 * checked against the end of the front.
 */
#ifndef _MONC_TESTS_FSMAP_USER_H
#define _MONC_TESTS_FSMAP_USER_H

#include <linux/string.h>
#include <linux/types.h>

#include "compat.h"

static inline bool monc_test_take(const u8 **p, const u8 *end, size_t n)
{
	if ((size_t)(end - *p) < n)
		return false;
	*p += n;
	return true;
}

/*
 * MFSMapUser front: le32 epoch, then FSMapUser: u8 struct_v, u8 compat,
 * le32 length, and within that length le32 epoch, le32 legacy fscid,
 * le32 count, and count x fs_info_t {u8 v, u8 compat, le32 length, within
 * it le32 fscid and a le32-length name, then fields we skip}.
 *
 * Returns 0 and the fscid of @name in *@fscid, -ENOENT if the map has no
 * such filesystem, -EINVAL if the front is malformed. *@epoch is the
 * map's epoch in either of the first two cases.
 */
static inline int monc_test_fsmap_find(const u8 *p, size_t len,
				       const char *name, s32 *fscid,
				       u32 *epoch)
{
	const u8 *end = p + len, *q, *send, *info, *iend;
	size_t nlen = strlen(name);
	u32 n, l, nl;

	q = p;
	if (!monc_test_take(&q, end, 4 + 2 + 4))
		return -EINVAL;
	*epoch = get_unaligned_le32(p);
	l = get_unaligned_le32(p + 6);
	if (l > (size_t)(end - q))
		return -EINVAL;
	send = q + l;
	p = q;
	if (!monc_test_take(&q, send, 12))
		return -EINVAL;
	n = get_unaligned_le32(p + 8);
	while (n--) {
		p = q;
		if (!monc_test_take(&q, send, 6))
			return -EINVAL;
		l = get_unaligned_le32(p + 2);
		info = q;
		if (!monc_test_take(&q, send, l))
			return -EINVAL;
		iend = q;
		p = info;
		if (!monc_test_take(&info, iend, 8))
			return -EINVAL;
		nl = get_unaligned_le32(p + 4);
		if (nl > (size_t)(iend - info))
			return -EINVAL;
		if (nl == nlen && !memcmp(info, name, nl)) {
			*fscid = (s32)get_unaligned_le32(p);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Whether an MMDSMap front (fsid[16], le32 epoch, the map) carries @name
 * as a le32-length string: the MDSMap encodes its filesystem's name so.
 */
static inline bool monc_test_mdsmap_named(const u8 *p, size_t len,
					  const char *name)
{
	size_t nlen = strlen(name), i;

	if (len < 20 + 4 + nlen)
		return false;
	for (i = 20; i + 4 + nlen <= len; i++)
		if (get_unaligned_le32(p + i) == nlen &&
		    !memcmp(p + i + 4, name, nlen))
			return true;
	return false;
}

#endif /* _MONC_TESTS_FSMAP_USER_H */
