/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounds-checked little-endian decode and encode helpers for Ceph wire data.
 *
 * This is the only place where raw pointer arithmetic on wire data lives.
 * Every reader takes the cursor by reference and an explicit end pointer.
 * It either consumes exactly the bytes of its field and returns 0, or leaves
 * the cursor untouched and returns -EINVAL; it never reads at or past @end.
 * Writers do the same against the end of the output buffer and return
 * -ENOSPC when the field does not fit.
 *
 * The common idiom, as in net/ceph, is a goto on the first short read:
 *
 *	if (monc_dec_u32(&p, end, &n))
 *		goto bad;
 */
#ifndef _MONC_DECODE_H
#define _MONC_DECODE_H

#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include "compat.h"

/* Entity address types (entity_addr_t::type). */
#define MONC_ADDR_TYPE_NONE	0
#define MONC_ADDR_TYPE_LEGACY	1	/* msgr v1 */
#define MONC_ADDR_TYPE_MSGR2	2
#define MONC_ADDR_TYPE_ANY	3

/* The legacy entity_addr: le32 type, le32 nonce, 128-byte sockaddr_storage. */
#define MONC_LEGACY_ADDR_LEN	136
#define MONC_SS_LEN		128

/* Upper bound on the entries of an addrvec we accept from the wire. */
#define MONC_ADDRVEC_MAX	16

/*
 * A decoded entity address. @ss holds a struct sockaddr_in or sockaddr_in6
 * in host order for the family and network order for port and address, as
 * the socket layer wants it.
 */
struct monc_entity_addr {
	u32 type;
	u32 nonce;
	struct sockaddr_storage ss;
};

/* A versioned-struct header: the fields of Ceph's ENCODE_START. */
struct monc_struct_hdr {
	u8 v;
	u8 compat;
	u32 len;
};

static inline bool monc_dec_has(const void *p, const void *end, size_t n)
{
	return p <= end && n <= (size_t)(end - p);
}

static inline int monc_dec_skip(const void **p, const void *end, size_t n)
{
	if (!monc_dec_has(*p, end, n))
		return -EINVAL;
	*p += n;
	return 0;
}

static inline int monc_dec_copy(const void **p, const void *end, void *dst,
				size_t n)
{
	if (!monc_dec_has(*p, end, n))
		return -EINVAL;
	memcpy(dst, *p, n);
	*p += n;
	return 0;
}

static inline int monc_dec_u8(const void **p, const void *end, u8 *v)
{
	if (!monc_dec_has(*p, end, 1))
		return -EINVAL;
	*v = *(const u8 *)*p;
	*p += 1;
	return 0;
}

static inline int monc_dec_u16(const void **p, const void *end, u16 *v)
{
	if (!monc_dec_has(*p, end, 2))
		return -EINVAL;
	*v = get_unaligned_le16(*p);
	*p += 2;
	return 0;
}

static inline int monc_dec_u32(const void **p, const void *end, u32 *v)
{
	if (!monc_dec_has(*p, end, 4))
		return -EINVAL;
	*v = get_unaligned_le32(*p);
	*p += 4;
	return 0;
}

static inline int monc_dec_u64(const void **p, const void *end, u64 *v)
{
	if (!monc_dec_has(*p, end, 8))
		return -EINVAL;
	*v = get_unaligned_le64(*p);
	*p += 8;
	return 0;
}

static inline int monc_dec_s32(const void **p, const void *end, s32 *v)
{
	u32 u;
	int ret = monc_dec_u32(p, end, &u);

	if (!ret)
		*v = (s32)u;
	return ret;
}

/*
 * A le32 length or count, checked against what remains: each of the @n
 * items takes at least @min_size bytes, so a count that cannot possibly fit
 * is rejected before anyone multiplies or allocates with it. @min_size of
 * 0 is treated as 1.
 */
static inline int monc_dec_count(const void **p, const void *end, size_t min_size,
				 u32 *n)
{
	const void *q = *p;
	u32 v;

	if (monc_dec_u32(&q, end, &v))
		return -EINVAL;
	if (!min_size)
		min_size = 1;
	if (v > (size_t)(end - q) / min_size)
		return -EINVAL;
	*p = q;
	*n = v;
	return 0;
}

/*
 * A le32-length-prefixed string or blob. On success *@s points into the
 * buffer (not NUL-terminated) and *@len is its length.
 */
static inline int monc_dec_str(const void **p, const void *end, const char **s,
			       u32 *len)
{
	const void *q = *p;
	u32 n;

	if (monc_dec_u32(&q, end, &n) || !monc_dec_has(q, end, n))
		return -EINVAL;
	*s = q;
	*len = n;
	*p = q + n;
	return 0;
}

static inline int monc_dec_fsid(const void **p, const void *end, uuid_t *fsid)
{
	return monc_dec_copy(p, end, fsid->b, sizeof(fsid->b));
}

/*
 * ENCODE_START header: u8 struct_v, u8 compat, le32 len. Fails unless
 * @compat_max >= compat (we understand that encoding) and len fits in the
 * buffer. On success *@struct_end is where the struct ends; the caller
 * decodes against it and then jumps there, skipping fields it does not know.
 * Like Ceph's DECODE_START, it does not check compat against struct_v.
 */
static inline int monc_dec_struct(const void **p, const void *end, u8 compat_max,
				  struct monc_struct_hdr *h,
				  const void **struct_end)
{
	const void *q = *p;

	if (monc_dec_u8(&q, end, &h->v) || monc_dec_u8(&q, end, &h->compat) ||
	    monc_dec_u32(&q, end, &h->len))
		return -EINVAL;
	if (h->compat > compat_max || !monc_dec_has(q, end, h->len))
		return -EINVAL;
	*struct_end = q + h->len;
	*p = q;
	return 0;
}

/*
 * Skip a whole versioned struct (header and body) whose contents we do not
 * need, whatever its version: a compat we could not decode does not matter
 * for a struct we never look inside.
 */
static inline int monc_dec_skip_struct(const void **p, const void *end)
{
	struct monc_struct_hdr h;
	const void *q = *p, *send;

	if (monc_dec_struct(&q, end, U8_MAX, &h, &send))
		return -EINVAL;
	*p = send;
	return 0;
}

/*
 * Fill @ss from @sa, @salen bytes laid out as struct sockaddr_in or
 * sockaddr_in6 (port and address in network order); the family field in @sa
 * is ignored and @family written instead, in host order.
 */
static inline int monc_ss_set(struct sockaddr_storage *ss, u16 family,
			      const void *sa, size_t salen)
{
	memset(ss, 0, sizeof(*ss));
	switch (family) {
	case AF_INET: {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (salen < sizeof(*in))
			return -EINVAL;
		memcpy(in, sa, sizeof(*in));
		in->sin_family = AF_INET;
		return 0;
	}
	case AF_INET6: {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (salen < sizeof(*in6))
			return -EINVAL;
		memcpy(in6, sa, sizeof(*in6));
		in6->sin6_family = AF_INET6;
		return 0;
	}
	default:
		return -EINVAL;
	}
}

/*
 * The legacy 136-byte entity_addr: le32 type, le32 nonce, then a raw
 * sockaddr_storage whose family field is big-endian on the wire. Only
 * AF_INET and AF_INET6 are accepted; family 0 (an unset address, as a
 * client sends in its banner) is accepted only when @allow_unset.
 */
static inline int monc_dec_addr_legacy(const void **p, const void *end,
				       struct monc_entity_addr *a, bool allow_unset)
{
	const void *q = *p;
	u8 raw[MONC_SS_LEN];
	u16 family;

	if (monc_dec_u32(&q, end, &a->type) || monc_dec_u32(&q, end, &a->nonce) ||
	    monc_dec_copy(&q, end, raw, sizeof(raw)))
		return -EINVAL;
	family = get_unaligned_be16(raw);
	if (family == 0 && allow_unset)
		memset(&a->ss, 0, sizeof(a->ss));
	else if (monc_ss_set(&a->ss, family, raw, sizeof(raw)))
		return -EINVAL;
	*p = q;
	return 0;
}

/*
 * The versioned entity_addr_t (after its marker byte 1): ENCODE_START(1,1),
 * le32 type, le32 nonce, le32 sockaddr length, then the sockaddr with a
 * little-endian family. Ceph encodes an unset address either with length 0
 * or as a whole zeroed sockaddr of family 0 (AF_UNSPEC, up to the 28 bytes
 * of its sockaddr union); both decode to a zeroed @a->ss. A set address must
 * be AF_INET or AF_INET6 with exactly that family's sockaddr length, which
 * is what every Ceph encoder writes.
 */
static inline int monc_dec_addr_versioned(const void **p, const void *end,
					  struct monc_entity_addr *a)
{
	struct monc_struct_hdr h;
	const void *q = *p, *send;
	u8 raw[sizeof(struct sockaddr_in6)];
	u32 salen;
	u16 family;

	if (monc_dec_struct(&q, end, 1, &h, &send) ||
	    monc_dec_u32(&q, send, &a->type) || monc_dec_u32(&q, send, &a->nonce) ||
	    monc_dec_u32(&q, send, &salen))
		return -EINVAL;
	if (salen == 1 || salen > sizeof(raw) || !monc_dec_has(q, send, salen))
		return -EINVAL;
	memset(raw, 0, sizeof(raw));
	memcpy(raw, q, salen);
	family = get_unaligned_le16(raw);
	if (salen == 0 || family == 0) {
		memset(&a->ss, 0, sizeof(a->ss));
	} else {
		if ((family == AF_INET && salen != sizeof(struct sockaddr_in)) ||
		    (family == AF_INET6 && salen != sizeof(struct sockaddr_in6)))
			return -EINVAL;
		if (monc_ss_set(&a->ss, family, raw, salen))
			return -EINVAL;
	}
	*p = send;
	return 0;
}

/* Whether @a is a set msgr v1 address (type LEGACY or ANY, family set). */
static inline bool monc_addr_is_v1(const struct monc_entity_addr *a)
{
	return (a->type == MONC_ADDR_TYPE_LEGACY ||
		a->type == MONC_ADDR_TYPE_ANY) && a->ss.ss_family != 0;
}

/*
 * An entity_addr_t as Nautilus and later encode it: a marker byte, 1 for the
 * versioned form; 0 starts the legacy form (the marker is then the first
 * byte of its le32 type, which is 0 for every legacy address). As in Ceph, a
 * legacy address decodes with type LEGACY, whatever its type field held, or
 * NONE if it is unset (family 0; @a->ss zeroed). Callers that need a usable
 * address check it, e.g. with monc_addr_is_v1().
 */
static inline int monc_dec_addr(const void **p, const void *end,
				struct monc_entity_addr *a)
{
	const void *q = *p;
	u8 marker;

	if (!monc_dec_has(q, end, 1))
		return -EINVAL;
	marker = *(const u8 *)q;
	if (marker == 0) {
		if (monc_dec_addr_legacy(&q, end, a, true))
			return -EINVAL;
		a->type = a->ss.ss_family ? MONC_ADDR_TYPE_LEGACY :
					    MONC_ADDR_TYPE_NONE;
		*p = q;
		return 0;
	}
	if (marker != 1)
		return -EINVAL;
	q++;
	if (monc_dec_addr_versioned(&q, end, a))
		return -EINVAL;
	*p = q;
	return 0;
}

/* Whether @a is a set msgr2 address (type MSGR2, family set). */
static inline bool monc_addr_is_v2(const struct monc_entity_addr *a)
{
	return a->type == MONC_ADDR_TYPE_MSGR2 && a->ss.ss_family != 0;
}

/*
 * An entity_addrvec_t, keeping its first set msgr v1 address (type LEGACY
 * or ANY, see monc_addr_is_v1()) in @v1 and its first set msgr2 address
 * (type MSGR2) in @v2; an address of a kind the vector lacks comes out
 * zeroed (type NONE, family 0), and entries of other types are skipped.
 * Marker 0: one legacy address (type LEGACY; family 0 means an empty
 * vector); 1: one versioned address; 2: le32 count, then entity_addr_t's,
 * each with its own marker (0 or 1) as Ceph's vector decoder allows.
 * Returns -EINVAL if the vector is malformed or holds more than
 * MONC_ADDRVEC_MAX entries; @v1 and @v2 are then untouched.
 */
static inline int monc_dec_addrvec_both(const void **p, const void *end,
					struct monc_entity_addr *v1,
					struct monc_entity_addr *v2)
{
	struct monc_entity_addr a, b1 = {}, b2 = {};
	const void *q = *p;
	u32 n = 1, i;
	u8 marker;

	if (monc_dec_u8(&q, end, &marker))
		return -EINVAL;
	if (marker == 0 || marker == 1) {
		q = *p;		/* one entity_addr_t, marker included */
	} else if (marker != 2 ||
		   /* the smallest entry: marker, struct header, three le32 */
		   monc_dec_count(&q, end, 1 + 6 + 12, &n) ||
		   n > MONC_ADDRVEC_MAX) {
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (monc_dec_addr(&q, end, &a))
			return -EINVAL;
		if (!b1.ss.ss_family && monc_addr_is_v1(&a))
			b1 = a;
		else if (!b2.ss.ss_family && monc_addr_is_v2(&a))
			b2 = a;
	}
	*v1 = b1;
	*v2 = b2;
	*p = q;
	return 0;
}

/*
 * An entity_addrvec_t, keeping the first set msgr v1 address in @v1 (see
 * monc_dec_addrvec_both()). Returns -EINVAL if the vector is malformed,
 * and -ENOENT (with the cursor advanced past the vector) if it decodes but
 * has no v1 address; @v1 is untouched unless it returns 0.
 */
static inline int monc_dec_addrvec(const void **p, const void *end,
				   struct monc_entity_addr *v1)
{
	struct monc_entity_addr a, b;

	if (monc_dec_addrvec_both(p, end, &a, &b))
		return -EINVAL;
	if (!a.ss.ss_family)
		return -ENOENT;
	*v1 = a;
	return 0;
}

/* Writers. */

static inline int monc_enc_has(const void *p, const void *end, size_t n)
{
	return monc_dec_has(p, end, n) ? 0 : -ENOSPC;
}

static inline int monc_enc_u8(void **p, void *end, u8 v)
{
	if (monc_enc_has(*p, end, 1))
		return -ENOSPC;
	*(u8 *)*p = v;
	*p += 1;
	return 0;
}

static inline int monc_enc_u16(void **p, void *end, u16 v)
{
	if (monc_enc_has(*p, end, 2))
		return -ENOSPC;
	put_unaligned_le16(v, *p);
	*p += 2;
	return 0;
}

static inline int monc_enc_u32(void **p, void *end, u32 v)
{
	if (monc_enc_has(*p, end, 4))
		return -ENOSPC;
	put_unaligned_le32(v, *p);
	*p += 4;
	return 0;
}

static inline int monc_enc_u64(void **p, void *end, u64 v)
{
	if (monc_enc_has(*p, end, 8))
		return -ENOSPC;
	put_unaligned_le64(v, *p);
	*p += 8;
	return 0;
}

static inline int monc_enc_copy(void **p, void *end, const void *src, size_t n)
{
	if (monc_enc_has(*p, end, n))
		return -ENOSPC;
	memcpy(*p, src, n);
	*p += n;
	return 0;
}

/* A le32-length-prefixed string. */
static inline int monc_enc_str(void **p, void *end, const char *s, size_t n)
{
	if (n > U32_MAX || monc_enc_has(*p, end, 4 + n))
		return -ENOSPC;
	monc_enc_u32(p, end, n);
	return monc_enc_copy(p, end, s, n);
}

static inline int monc_enc_fsid(void **p, void *end, const uuid_t *fsid)
{
	return monc_enc_copy(p, end, fsid->b, sizeof(fsid->b));
}

/*
 * The legacy 136-byte entity_addr, family big-endian as the v1 banner and
 * connect messages carry it.
 */
static inline int monc_enc_addr_legacy(void **p, void *end,
				       const struct monc_entity_addr *a)
{
	u8 raw[MONC_SS_LEN];

	if (monc_enc_has(*p, end, MONC_LEGACY_ADDR_LEN))
		return -ENOSPC;
	memcpy(raw, &a->ss, sizeof(raw));
	put_unaligned_be16(a->ss.ss_family, raw);
	monc_enc_u32(p, end, a->type);
	monc_enc_u32(p, end, a->nonce);
	return monc_enc_copy(p, end, raw, sizeof(raw));
}

/*
 * Start a versioned struct: write v, compat and a placeholder length, and
 * return in *@len_at where monc_enc_struct_end() patches it.
 */
static inline int monc_enc_struct_start(void **p, void *end, u8 v, u8 compat,
					void **len_at)
{
	if (monc_enc_has(*p, end, 6))
		return -ENOSPC;
	monc_enc_u8(p, end, v);
	monc_enc_u8(p, end, compat);
	*len_at = *p;
	return monc_enc_u32(p, end, 0);
}

static inline void monc_enc_struct_end(void *p, void *len_at)
{
	put_unaligned_le32(p - (len_at + 4), len_at);
}

/*
 * An entity_addr_t in the versioned form (marker 1, ENCODE_START(1,1), le32
 * type, le32 nonce, le32 sockaddr length, sockaddr with a little-endian
 * family), as monc_dec_addr() reads it. An unset address (family 0) is
 * written with length 0; a family other than AF_INET/AF_INET6 is -EINVAL.
 */
static inline int monc_enc_addr(void **p, void *end,
				const struct monc_entity_addr *a)
{
	u8 raw[sizeof(struct sockaddr_in6)];
	u32 salen;
	void *len_at;

	switch (a->ss.ss_family) {
	case 0:
		salen = 0;
		break;
	case AF_INET:
		salen = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		salen = sizeof(struct sockaddr_in6);
		break;
	default:
		return -EINVAL;
	}
	if (monc_enc_has(*p, end, 1 + 6 + 12 + salen))
		return -ENOSPC;
	memcpy(raw, &a->ss, salen);
	if (salen)
		put_unaligned_le16(a->ss.ss_family, raw);
	monc_enc_u8(p, end, 1);
	monc_enc_struct_start(p, end, 1, 1, &len_at);
	monc_enc_u32(p, end, a->type);
	monc_enc_u32(p, end, a->nonce);
	monc_enc_u32(p, end, salen);
	monc_enc_copy(p, end, raw, salen);
	monc_enc_struct_end(*p, len_at);
	return 0;
}

#endif /* _MONC_DECODE_H */
