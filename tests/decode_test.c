// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of decode.h: every reader at its boundaries (exact fit, one
 * byte short, extreme values, counts that would overflow), the address
 * forms Ceph uses, and every writer at exact fit and one byte short.
 *
 * Inputs are copied into a heap buffer of exactly their length, so a read
 * one byte past the end is also a KASAN report, not just a wrong answer.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "../decode.h"

/* Copy @len bytes of @src to a test-lifetime buffer of exactly @len bytes. */
static const void *exact_copy(struct kunit *test, const void *src, size_t len)
{
	void *buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, src, len);
	return buf;
}

/* ---- Scalars ---------------------------------------------------------- */

enum scalar_kind { K_U8, K_U16, K_U32, K_U64, K_S32, K_FSID };

struct scalar_case {
	const char *name;
	enum scalar_kind kind;
	u8 in[16];
	size_t len;
	int ret;
	u64 val;	/* the value read; for K_S32 the s32 as u64 */
};

static const struct scalar_case scalar_cases[] = {
	{ "u8 exact fit 0xff", K_U8, { 0xff }, 1, 0, 0xff },
	{ "u8 empty", K_U8, {}, 0, -EINVAL },
	{ "u16 exact fit 0xffff", K_U16, { 0xff, 0xff }, 2, 0, 0xffff },
	{ "u16 little-endian", K_U16, { 0x85, 0x1a }, 2, 0, 0x1a85 },
	{ "u16 one short", K_U16, { 0xff }, 1, -EINVAL },
	{ "u32 exact fit 0xffffffff", K_U32, { 0xff, 0xff, 0xff, 0xff }, 4, 0,
	  0xffffffff },
	{ "u32 0x7fffffff", K_U32, { 0xff, 0xff, 0xff, 0x7f }, 4, 0,
	  0x7fffffff },
	{ "u32 one short", K_U32, { 0xff, 0xff, 0xff }, 3, -EINVAL },
	{ "u32 from a longer buffer", K_U32, { 1, 2, 3, 4, 5 }, 5, 0,
	  0x04030201 },
	{ "u64 exact fit max", K_U64, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff }, 8, 0, U64_MAX },
	{ "u64 one short", K_U64, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	  7, -EINVAL },
	{ "s32 0xffffffff is -1", K_S32, { 0xff, 0xff, 0xff, 0xff }, 4, 0,
	  (u64)-1 },
	{ "s32 0x7fffffff", K_S32, { 0xff, 0xff, 0xff, 0x7f }, 4, 0,
	  0x7fffffff },
	{ "s32 0x80000000 is S32_MIN", K_S32, { 0, 0, 0, 0x80 }, 4, 0,
	  (u64)(s64)S32_MIN },
	{ "s32 one short", K_S32, { 0xff, 0xff, 0xff }, 3, -EINVAL },
	{ "fsid exact fit", K_FSID, { 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33,
	  0x33, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 }, 16, 0,
	  0x1111111122223333ULL },
	{ "fsid one short", K_FSID, { 0x11 }, 15, -EINVAL },
};

static void scalar_desc(const struct scalar_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scalar, scalar_cases, scalar_desc);

static const size_t scalar_size[] = {
	[K_U8] = 1, [K_U16] = 2, [K_U32] = 4, [K_U64] = 8, [K_S32] = 4,
	[K_FSID] = 16,
};

static void dec_scalar_test(struct kunit *test)
{
	const struct scalar_case *c = test->param_value;
	const void *buf = exact_copy(test, c->in, c->len);
	const void *p = buf, *end = buf + c->len;
	uuid_t fsid;
	u64 got = 0x5a5a5a5a5a5a5a5aULL;
	u8 v8 = 0x5a;
	u16 v16 = 0x5a5a;
	u32 v32 = 0x5a5a5a5a;
	s32 s = 0x5a5a5a5a;
	int ret;

	memset(&fsid, 0x5a, sizeof(fsid));
	switch (c->kind) {
	case K_U8:
		ret = monc_dec_u8(&p, end, &v8);
		got = v8;
		break;
	case K_U16:
		ret = monc_dec_u16(&p, end, &v16);
		got = v16;
		break;
	case K_U32:
		ret = monc_dec_u32(&p, end, &v32);
		got = v32;
		break;
	case K_U64:
		ret = monc_dec_u64(&p, end, &got);
		break;
	case K_S32:
		ret = monc_dec_s32(&p, end, &s);
		got = (u64)(s64)s;
		break;
	case K_FSID:
	default:
		ret = monc_dec_fsid(&p, end, &fsid);
		got = get_unaligned_be64(fsid.b);
		break;
	}
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (ret) {
		/* failure leaves the cursor and the output untouched */
		KUNIT_EXPECT_PTR_EQ(test, p, buf);
		KUNIT_EXPECT_EQ(test, got, c->kind == K_U8 ? 0x5aULL :
				c->kind == K_U16 ? 0x5a5aULL :
				c->kind == K_U32 || c->kind == K_S32 ?
				0x5a5a5a5aULL : 0x5a5a5a5a5a5a5a5aULL);
	} else {
		KUNIT_EXPECT_PTR_EQ(test, p, buf + scalar_size[c->kind]);
		KUNIT_EXPECT_EQ(test, got, c->val);
	}
}

static void dec_has_skip_copy_test(struct kunit *test)
{
	static const u8 src[4] = { 1, 2, 3, 4 };
	const void *buf = exact_copy(test, src, sizeof(src));
	const void *end = buf + 4, *p;
	u8 dst[5];

	KUNIT_EXPECT_TRUE(test, monc_dec_has(buf, end, 4));
	KUNIT_EXPECT_FALSE(test, monc_dec_has(buf, end, 5));
	KUNIT_EXPECT_TRUE(test, monc_dec_has(end, end, 0));
	KUNIT_EXPECT_FALSE(test, monc_dec_has(end, end, 1));
	KUNIT_EXPECT_FALSE(test, monc_dec_has(end + 1, end, 0));
	KUNIT_EXPECT_FALSE(test, monc_dec_has(buf, end, SIZE_MAX));

	p = buf;
	KUNIT_EXPECT_EQ(test, monc_dec_skip(&p, end, 5), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, p, buf);
	KUNIT_EXPECT_EQ(test, monc_dec_skip(&p, end, SIZE_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, monc_dec_skip(&p, end, 4), 0);
	KUNIT_EXPECT_PTR_EQ(test, p, end);
	KUNIT_EXPECT_EQ(test, monc_dec_skip(&p, end, 0), 0);
	KUNIT_EXPECT_EQ(test, monc_dec_skip(&p, end, 1), -EINVAL);

	p = buf;
	memset(dst, 0xee, sizeof(dst));
	KUNIT_EXPECT_EQ(test, monc_dec_copy(&p, end, dst, 5), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, p, buf);
	KUNIT_EXPECT_EQ(test, dst[0], 0xee);
	KUNIT_EXPECT_EQ(test, monc_dec_copy(&p, end, dst, 4), 0);
	KUNIT_EXPECT_PTR_EQ(test, p, end);
	KUNIT_EXPECT_EQ(test, memcmp(dst, src, 4), 0);
	KUNIT_EXPECT_EQ(test, dst[4], 0xee);
}

/* ---- Counts and strings ----------------------------------------------- */

struct count_case {
	const char *name;
	u32 count;
	size_t min_size;
	size_t avail;		/* bytes after the le32 */
	bool short_prefix;	/* only 3 bytes of the le32 */
	int ret;
};

static const struct count_case count_cases[] = {
	{ "0 items, nothing left", 0, 8, 0, false, 0 },
	{ "1 item of 4 in exactly 4", 1, 4, 4, false, 0 },
	{ "2 items of 4 in 7 (one short)", 2, 4, 7, false, -EINVAL },
	{ "3 items of min_size 0 (as 1) in 3", 3, 0, 3, false, 0 },
	{ "4 items of min_size 0 (as 1) in 3", 4, 0, 3, false, -EINVAL },
	{ "0xffffffff items of 8 (overflows when multiplied)", 0xffffffff, 8,
	  64, false, -EINVAL },
	{ "0x20000000 items of 8 (product is 2^32)", 0x20000000, 8, 64, false,
	  -EINVAL },
	{ "0x7fffffff items of 1", 0x7fffffff, 1, 64, false, -EINVAL },
	{ "0x80000000 items (negative as s32)", 0x80000000, 1, 64, false,
	  -EINVAL },
	{ "count itself one short", 0, 1, 0, true, -EINVAL },
};

static void count_desc(const struct count_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(count, count_cases, count_desc);

static void dec_count_test(struct kunit *test)
{
	const struct count_case *c = test->param_value;
	size_t len = c->short_prefix ? 3 : 4 + c->avail;
	u8 *src = kunit_kzalloc(test, len, GFP_KERNEL);
	const void *buf, *p;
	u32 n = 0x5a5a5a5a;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, src);
	if (!c->short_prefix)
		put_unaligned_le32(c->count, src);
	buf = exact_copy(test, src, len);
	p = buf;
	ret = monc_dec_count(&p, buf + len, c->min_size, &n);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (ret) {
		KUNIT_EXPECT_PTR_EQ(test, p, buf);
		KUNIT_EXPECT_EQ(test, n, 0x5a5a5a5aU);
	} else {
		KUNIT_EXPECT_PTR_EQ(test, p, buf + 4);
		KUNIT_EXPECT_EQ(test, n, c->count);
	}
}

struct str_case {
	const char *name;
	u32 len_field;
	size_t avail;		/* bytes after the le32 */
	size_t total;		/* 0: 4 + avail; else a shorter buffer */
	int ret;
};

static const struct str_case str_cases[] = {
	{ "empty string", 0, 0, 0, 0 },
	{ "exact fit", 5, 5, 0, 0 },
	{ "one short", 5, 4, 0, -EINVAL },
	{ "shorter than the buffer", 3, 5, 0, 0 },
	{ "length 0x7fffffff", 0x7fffffff, 8, 0, -EINVAL },
	{ "length 0xffffffff (wraps the cursor)", 0xffffffff, 8, 0, -EINVAL },
	{ "length prefix one short", 0, 0, 3, -EINVAL },
};

static void str_desc(const struct str_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(str, str_cases, str_desc);

static void dec_str_test(struct kunit *test)
{
	const struct str_case *c = test->param_value;
	size_t len = c->total ? c->total : 4 + c->avail;
	u8 *src = kunit_kzalloc(test, 4 + c->avail, GFP_KERNEL);
	const char *s = NULL;
	const void *buf, *p;
	u32 n = 0x5a5a5a5a;
	size_t i;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, src);
	put_unaligned_le32(c->len_field, src);
	for (i = 0; i < c->avail; i++)
		src[4 + i] = 'a' + i;
	buf = exact_copy(test, src, len);
	p = buf;
	ret = monc_dec_str(&p, buf + len, &s, &n);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (ret) {
		KUNIT_EXPECT_PTR_EQ(test, p, buf);
		KUNIT_EXPECT_NULL(test, s);
		KUNIT_EXPECT_EQ(test, n, 0x5a5a5a5aU);
	} else {
		KUNIT_EXPECT_EQ(test, n, c->len_field);
		KUNIT_EXPECT_PTR_EQ(test, (const void *)s, buf + 4);
		KUNIT_EXPECT_PTR_EQ(test, p, buf + 4 + c->len_field);
		if (n)
			KUNIT_EXPECT_EQ(test, s[0], 'a');
	}
}

/* ---- Versioned struct headers ----------------------------------------- */

struct struct_case {
	const char *name;
	u8 hdr[6];
	size_t len;		/* bytes in the buffer, header included */
	u8 compat_max;
	int ret;
	int skip_ret;		/* monc_dec_skip_struct() */
};

static const struct struct_case struct_cases[] = {
	{ "exact fit", { 9, 6, 4, 0, 0, 0 }, 10, 9, 0, 0 },
	{ "empty body", { 1, 1, 0, 0, 0, 0 }, 6, 1, 0, 0 },
	{ "body shorter than the buffer", { 1, 1, 2, 0, 0, 0 }, 10, 1, 0, 0 },
	{ "len one past the end", { 9, 6, 5, 0, 0, 0 }, 10, 9, -EINVAL,
	  -EINVAL },
	{ "len 0xffffffff", { 9, 6, 0xff, 0xff, 0xff, 0xff }, 10, 9, -EINVAL,
	  -EINVAL },
	{ "len 0x7fffffff", { 9, 6, 0xff, 0xff, 0xff, 0x7f }, 10, 9, -EINVAL,
	  -EINVAL },
	{ "compat equal to the max", { 9, 9, 0, 0, 0, 0 }, 6, 9, 0, 0 },
	{ "compat one too new", { 10, 10, 0, 0, 0, 0 }, 6, 9, -EINVAL, 0 },
	{ "compat 0xff", { 0xff, 0xff, 0, 0, 0, 0 }, 6, 9, -EINVAL, 0 },
	{ "header one short", { 1, 1, 0, 0, 0 }, 5, 1, -EINVAL, -EINVAL },
	{ "only struct_v", { 1 }, 1, 1, -EINVAL, -EINVAL },
};

static void struct_desc(const struct struct_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(struct, struct_cases, struct_desc);

static void dec_struct_test(struct kunit *test)
{
	const struct struct_case *c = test->param_value;
	u8 src[16] = {};
	struct monc_struct_hdr h = { .v = 0x5a };
	const void *buf, *p, *send = NULL;
	int ret;

	memcpy(src, c->hdr, sizeof(c->hdr));
	buf = exact_copy(test, src, c->len);
	p = buf;
	ret = monc_dec_struct(&p, buf + c->len, c->compat_max, &h, &send);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (ret) {
		KUNIT_EXPECT_PTR_EQ(test, p, buf);
		KUNIT_EXPECT_NULL(test, send);
	} else {
		KUNIT_EXPECT_EQ(test, h.v, c->hdr[0]);
		KUNIT_EXPECT_EQ(test, h.compat, c->hdr[1]);
		KUNIT_EXPECT_EQ(test, h.len, get_unaligned_le32(c->hdr + 2));
		KUNIT_EXPECT_PTR_EQ(test, p, buf + 6);
		KUNIT_EXPECT_PTR_EQ(test, send, buf + 6 + h.len);
	}

	p = buf;
	ret = monc_dec_skip_struct(&p, buf + c->len);
	KUNIT_EXPECT_EQ(test, ret, c->skip_ret);
	KUNIT_EXPECT_PTR_EQ(test, p, ret ? buf :
			    buf + 6 + get_unaligned_le32(c->hdr + 2));
}

/* ---- Addresses -------------------------------------------------------- */

#define AF_BAD	1	/* AF_UNIX: a family no monitor address has */

/* What a test address is, and how to put it on the wire. */
struct taddr {
	u8 form;	/* marker: 0 legacy, 1 versioned; 0xff: raw byte 2 */
	u32 type;
	u32 nonce;
	u16 family;
	u16 port;
	u8 ip[16];
	s32 salen;	/* versioned sockaddr length; 0: the family's */
	u8 compat;	/* versioned struct compat; 0: 1 */
	s32 len_delta;	/* added to the versioned struct len */
	u8 extra;	/* bytes added inside the versioned struct */
};

#define V4(a, b, c, d)	{ a, b, c, d }
#define V6_LO		{ [15] = 1 }
#define V6_DOC		{ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 }

static size_t family_salen(u16 family)
{
	return family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	       sizeof(struct sockaddr_in);
}

/* The sockaddr bytes, family in host order, as struct sockaddr_* holds it. */
static void taddr_sockaddr(const struct taddr *t, u8 *sa)
{
	memset(sa, 0, MONC_SS_LEN);
	memcpy(sa, &t->family, 2);
	put_unaligned_be16(t->port, sa + 2);
	if (t->family == AF_INET6)
		memcpy(sa + 8, t->ip, 16);
	else
		memcpy(sa + 4, t->ip, 4);
}

/* Write @t with its marker unless @no_marker. Returns bytes written. */
static size_t put_taddr(u8 *p, const struct taddr *t, bool no_marker)
{
	u8 sa[MONC_SS_LEN];
	u8 *start = p, *len_at;
	u32 salen;
	size_t copy;

	taddr_sockaddr(t, sa);
	if (t->form == 0) {
		/* legacy: le32 type (low byte 0 is the marker), family BE */
		put_unaligned_le32(t->type, p);
		put_unaligned_le32(t->nonce, p + 4);
		put_unaligned_be16(t->family, sa);
		memcpy(p + 8, sa, MONC_SS_LEN);
		return 8 + MONC_SS_LEN;
	}
	if (!no_marker)
		*p++ = t->form == 0xff ? 2 : t->form;
	/* salen -1: write 0; -2: write 0xffffffff (and nothing after it) */
	salen = t->salen == -1 ? 0 : t->salen == -2 ? U32_MAX :
		t->salen ? t->salen : family_salen(t->family);
	copy = salen <= MONC_SS_LEN ? salen : 0;
	put_unaligned_le16(t->family, sa);
	*p++ = 1;
	*p++ = t->compat ? t->compat : 1;
	len_at = p;
	p += 4;
	put_unaligned_le32(t->type, p);
	put_unaligned_le32(t->nonce, p + 4);
	put_unaligned_le32(salen, p + 8);
	p += 12;
	memcpy(p, sa, copy);
	p += copy;
	memset(p, 0xee, t->extra);
	p += t->extra;
	put_unaligned_le32(p - len_at - 4 + t->len_delta, len_at);
	return p - start;
}

/* Whether @a decoded to @t (family, port, address). */
static void expect_addr(struct kunit *test, const struct monc_entity_addr *a,
			const struct taddr *t, u32 type)
{
	u8 sa[MONC_SS_LEN];

	KUNIT_EXPECT_EQ(test, a->type, type);
	KUNIT_EXPECT_EQ(test, a->nonce, t->nonce);
	KUNIT_EXPECT_EQ(test, a->ss.ss_family, t->family);
	taddr_sockaddr(t, sa);
	KUNIT_EXPECT_EQ(test, memcmp(&a->ss, sa, family_salen(t->family)), 0);
	if (t->family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&a->ss;

		KUNIT_EXPECT_EQ(test, ntohs(in->sin_port), t->port);
	}
}

enum addr_fn { F_LEGACY, F_LEGACY_UNSET, F_VERSIONED, F_ADDR, F_ADDRVEC };

#define VEC_NONE	0xff

struct addr_case {
	const char *name;
	enum addr_fn fn;
	u8 vec_marker;		/* F_ADDRVEC: 2 writes a count; else VEC_NONE */
	u32 vec_count;		/* for vec_marker 2; 0xffffffff: nent */
	struct taddr ent[4];
	int nent;
	int cut;		/* bytes removed from the end */
	int trail;		/* bytes appended, which must not be read */
	int ret;
	int exp;		/* the entry expected in the output, or -1 */
	u32 exp_type;
};

#define T_LEG		MONC_ADDR_TYPE_LEGACY
#define T_V2		MONC_ADDR_TYPE_MSGR2
#define T_ANY		MONC_ADDR_TYPE_ANY

#define LEG4(a, b, c, d, pt)	{ .form = 0, .family = AF_INET, .port = pt, \
				  .ip = V4(a, b, c, d) }
#define VER4(t, a, b, c, d, pt)	{ .form = 1, .type = t, .family = AF_INET, \
				  .port = pt, .ip = V4(a, b, c, d) }
#define VER6(t, ip6, pt)	{ .form = 1, .type = t, .family = AF_INET6, \
				  .port = pt, .ip = ip6 }

static const struct addr_case addr_cases[] = {
	/* the legacy 136-byte form */
	{ "legacy v4 exact fit", F_LEGACY, VEC_NONE, 0,
	  { LEG4(127, 0, 0, 1, 6789) }, 1, 0, 0, 0, 0, 0 },
	{ "legacy v4 one short", F_LEGACY, VEC_NONE, 0,
	  { LEG4(127, 0, 0, 1, 6789) }, 1, 1, 0, -EINVAL, -1 },
	{ "legacy v6 with nonce", F_LEGACY, VEC_NONE, 0,
	  { { .form = 0, .nonce = 0xffffffff, .family = AF_INET6, .port = 3300,
	      .ip = V6_DOC } }, 1, 0, 4, 0, 0, 0 },
	{ "legacy family 0 refused", F_LEGACY, VEC_NONE, 0,
	  { { .form = 0 } }, 1, 0, 0, -EINVAL, -1 },
	{ "legacy family 0 allowed when unset is", F_LEGACY_UNSET, VEC_NONE, 0,
	  { { .form = 0 } }, 1, 0, 0, 0, 0, 0 },
	{ "legacy unknown family", F_LEGACY, VEC_NONE, 0,
	  { { .form = 0, .family = AF_BAD, .port = 1 } }, 1, 0, 0, -EINVAL,
	  -1 },
	{ "legacy family 0xffff", F_LEGACY_UNSET, VEC_NONE, 0,
	  { { .form = 0, .family = 0xffff } }, 1, 0, 0, -EINVAL, -1 },

	/* the versioned form, after its marker */
	{ "versioned v4 exact fit", F_VERSIONED, VEC_NONE, 0,
	  { VER4(T_LEG, 10, 1, 2, 3, 6789) }, 1, 0, 0, 0, 0, T_LEG },
	{ "versioned v4 one short", F_VERSIONED, VEC_NONE, 0,
	  { VER4(T_LEG, 10, 1, 2, 3, 6789) }, 1, 1, 0, -EINVAL, -1 },
	{ "versioned v6 exact fit", F_VERSIONED, VEC_NONE, 0,
	  { VER6(T_V2, V6_LO, 3300) }, 1, 0, 0, 0, 0, T_V2 },
	{ "versioned v6 one short", F_VERSIONED, VEC_NONE, 0,
	  { VER6(T_V2, V6_LO, 3300) }, 1, 1, 0, -EINVAL, -1 },
	{ "versioned length 0 is unset", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .type = T_LEG, .salen = -1 } }, 1, 0, 0, 0, 0,
	  T_LEG },
	{ "versioned family 0, 28 bytes, is unset", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .salen = 28 } }, 1, 0, 0, 0, 0, 0 },
	{ "versioned length 1", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .family = AF_INET, .salen = 1 } }, 1, 0, 0, -EINVAL,
	  -1 },
	{ "versioned v4 length 15", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .family = AF_INET, .salen = 15 } }, 1, 0, 0, -EINVAL,
	  -1 },
	{ "versioned v4 length 17", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .family = AF_INET, .salen = 17 } }, 1, 0, 0, -EINVAL,
	  -1 },
	{ "versioned v6 length 29", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .family = AF_INET6, .salen = 29 } }, 1, 0, 0, -EINVAL,
	  -1 },
	{ "versioned length 0xffffffff", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .family = AF_INET, .salen = -2 } }, 1, 0, 0, -EINVAL,
	  -1 },
	{ "versioned unknown family", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .family = AF_BAD, .salen = 16 } }, 1, 0, 0, -EINVAL,
	  -1 },
	{ "versioned compat 2", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .family = AF_INET, .compat = 2 } }, 1, 0, 0, -EINVAL,
	  -1 },
	{ "versioned struct len one past the end", F_VERSIONED, VEC_NONE, 0,
	  { { .form = 1, .family = AF_INET, .len_delta = 1 } }, 1, 0, 0,
	  -EINVAL, -1 },
	{ "versioned struct len too short for its fields", F_VERSIONED,
	  VEC_NONE, 0, { { .form = 1, .family = AF_INET, .len_delta = -1 } },
	  1, 0, 8, -EINVAL, -1 },
	{ "versioned struct with newer fields skipped", F_VERSIONED, VEC_NONE,
	  0, { { .form = 1, .type = T_ANY, .family = AF_INET, .port = 1,
		 .ip = V4(1, 2, 3, 4), .extra = 5 } }, 1, 0, 3, 0, 0, T_ANY },

	/* entity_addr_t with its marker */
	{ "addr marker 0 is legacy, type LEGACY", F_ADDR, VEC_NONE, 0,
	  { { .form = 0, .type = 0x12345600, .family = AF_INET, .port = 6789,
	      .ip = V4(127, 0, 0, 1) } }, 1, 0, 0, 0, 0, T_LEG },
	{ "addr marker 0 unset is type NONE", F_ADDR, VEC_NONE, 0,
	  { { .form = 0 } }, 1, 0, 0, 0, 0, MONC_ADDR_TYPE_NONE },
	{ "addr marker 1", F_ADDR, VEC_NONE, 0,
	  { VER6(T_ANY, V6_DOC, 6789) }, 1, 0, 2, 0, 0, T_ANY },
	{ "addr marker 2 refused", F_ADDR, VEC_NONE, 0,
	  { { .form = 0xff, .family = AF_INET } }, 1, 0, 0, -EINVAL, -1 },
	{ "addr marker only", F_ADDR, VEC_NONE, 0,
	  { VER4(T_LEG, 1, 1, 1, 1, 1) }, 1, 34, 0, -EINVAL, -1 },

	/* entity_addrvec_t */
	{ "addrvec marker 0 legacy v4", F_ADDRVEC, VEC_NONE, 0,
	  { LEG4(127, 0, 0, 1, 6789) }, 1, 0, 1, 0, 0, T_LEG },
	{ "addrvec marker 0 legacy one short", F_ADDRVEC, VEC_NONE, 0,
	  { LEG4(127, 0, 0, 1, 6789) }, 1, 1, 0, -EINVAL, -1 },
	{ "addrvec marker 0 unset: no v1", F_ADDRVEC, VEC_NONE, 0,
	  { { .form = 0 } }, 1, 0, 1, -ENOENT, -1 },
	{ "addrvec marker 1 legacy type", F_ADDRVEC, VEC_NONE, 0,
	  { VER4(T_LEG, 10, 0, 0, 1, 6789) }, 1, 0, 1, 0, 0, T_LEG },
	{ "addrvec marker 1 msgr2 only: no v1", F_ADDRVEC, VEC_NONE, 0,
	  { VER4(T_V2, 10, 0, 0, 1, 3300) }, 1, 0, 1, -ENOENT, -1 },
	{ "addrvec marker 1 legacy type but unset: no v1", F_ADDRVEC, VEC_NONE,
	  0, { { .form = 1, .type = T_LEG, .salen = -1 } }, 1, 0, 0, -ENOENT,
	  -1 },
	{ "addrvec [v2, v1] v4 (as Pacific sends)", F_ADDRVEC, 2, 0xffffffff,
	  { VER4(T_V2, 127, 0, 0, 1, 3300), VER4(T_LEG, 127, 0, 0, 1, 6789) },
	  2, 0, 3, 0, 1, T_LEG },
	{ "addrvec [v2, v1] v6", F_ADDRVEC, 2, 0xffffffff,
	  { VER6(T_V2, V6_DOC, 3300), VER6(T_LEG, V6_DOC, 6789) }, 2, 0, 0, 0,
	  1, T_LEG },
	{ "addrvec [v2, v1] one short", F_ADDRVEC, 2, 0xffffffff,
	  { VER4(T_V2, 127, 0, 0, 1, 3300), VER4(T_LEG, 127, 0, 0, 1, 6789) },
	  2, 1, 0, -EINVAL, -1 },
	{ "addrvec any counts as v1", F_ADDRVEC, 2, 0xffffffff,
	  { VER4(T_V2, 1, 1, 1, 1, 3300), VER6(T_ANY, V6_LO, 6789) }, 2, 0, 0,
	  0, 1, T_ANY },
	{ "addrvec first of two v1 kept", F_ADDRVEC, 2, 0xffffffff,
	  { VER4(T_LEG, 1, 1, 1, 1, 1), VER4(T_LEG, 2, 2, 2, 2, 2) }, 2, 0, 0,
	  0, 0, T_LEG },
	{ "addrvec legacy entry inside a vector", F_ADDRVEC, 2, 0xffffffff,
	  { VER4(T_V2, 1, 1, 1, 1, 3300), LEG4(1, 1, 1, 1, 6789) }, 2, 0, 0,
	  0, 1, T_LEG },
	{ "addrvec unset legacy entry skipped", F_ADDRVEC, 2, 0xffffffff,
	  { { .form = 0 }, VER4(T_ANY, 1, 1, 1, 1, 6789) }, 2, 0, 0, 0, 1,
	  T_ANY },
	{ "addrvec msgr2 only: no v1", F_ADDRVEC, 2, 0xffffffff,
	  { VER4(T_V2, 1, 1, 1, 1, 3300), VER6(T_V2, V6_LO, 3300) }, 2, 0, 2,
	  -ENOENT, -1 },
	{ "addrvec empty: no v1", F_ADDRVEC, 2, 0, {}, 0, 0, 0, -ENOENT, -1 },
	{ "addrvec count one more than there are", F_ADDRVEC, 2, 3,
	  { VER4(T_LEG, 1, 1, 1, 1, 1), VER4(T_LEG, 2, 2, 2, 2, 2) }, 2, 0, 0,
	  -EINVAL, -1 },
	{ "addrvec count 0xffffffff", F_ADDRVEC, 2, 0xffffffff - 1,
	  { VER4(T_LEG, 1, 1, 1, 1, 1) }, 1, 0, 0, -EINVAL, -1 },
	{ "addrvec count 17 (above MONC_ADDRVEC_MAX)", F_ADDRVEC, 2, 17,
	  { VER4(T_LEG, 1, 1, 1, 1, 1) }, 1, 0, 19 * 40, -EINVAL, -1 },
	{ "addrvec entry with marker 2", F_ADDRVEC, 2, 0xffffffff,
	  { { .form = 0xff, .family = AF_INET } }, 1, 0, 0, -EINVAL, -1 },
	{ "addrvec entry of unknown family", F_ADDRVEC, 2, 0xffffffff,
	  { VER4(T_LEG, 1, 1, 1, 1, 1),
	    { .form = 1, .type = T_LEG, .family = AF_BAD, .salen = 16 } }, 2,
	  0, 0, -EINVAL, -1 },
	{ "addrvec marker 3", F_ADDRVEC, 3, 0, {}, 0, 0, 40, -EINVAL, -1 },
	{ "addrvec count one short", F_ADDRVEC, 2, 0, {}, 0, 1, 0, -EINVAL,
	  -1 },
	{ "addrvec nothing at all", F_ADDRVEC, VEC_NONE, 0, {}, 0, 0, 0,
	  -EINVAL, -1 },
};

static void addr_desc(const struct addr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(addr, addr_cases, addr_desc);

static void dec_addr_test(struct kunit *test)
{
	const struct addr_case *c = test->param_value;
	u8 *src = kunit_kzalloc(test, 2048, GFP_KERNEL);
	struct monc_entity_addr a, sentinel;
	const void *buf, *p, *end;
	size_t len = 0, body;
	int i, ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, src);
	if (c->vec_marker != VEC_NONE)
		src[len++] = c->vec_marker;
	if (c->vec_marker == 2) {
		put_unaligned_le32(c->vec_count == 0xffffffff ? c->nent :
				   c->vec_count == 0xfffffffe ? 0xffffffff :
				   c->vec_count, src + len);
		len += 4;
	}
	for (i = 0; i < c->nent; i++)
		len += put_taddr(src + len, &c->ent[i],
				 c->fn == F_VERSIONED);
	body = len - c->cut;
	len = body + c->trail;	/* the trailing bytes are zeros */
	buf = exact_copy(test, src, len);
	p = buf;
	end = buf + len;

	memset(&sentinel, 0x5a, sizeof(sentinel));
	a = sentinel;
	switch (c->fn) {
	case F_LEGACY:
		ret = monc_dec_addr_legacy(&p, end, &a, false);
		break;
	case F_LEGACY_UNSET:
		ret = monc_dec_addr_legacy(&p, end, &a, true);
		break;
	case F_VERSIONED:
		ret = monc_dec_addr_versioned(&p, end, &a);
		break;
	case F_ADDR:
		ret = monc_dec_addr(&p, end, &a);
		break;
	case F_ADDRVEC:
	default:
		ret = monc_dec_addrvec(&p, end, &a);
		break;
	}
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	/* consumed the field exactly (not the trailing bytes), or nothing */
	KUNIT_EXPECT_PTR_EQ(test, p, ret == -EINVAL ? buf : buf + body);
	if (ret == 0 && c->exp >= 0) {
		const struct taddr *t = &c->ent[c->exp];

		if (c->fn == F_LEGACY || c->fn == F_LEGACY_UNSET)
			expect_addr(test, &a, t, t->type);
		else
			expect_addr(test, &a, t, c->exp_type);
	}
	if (ret && c->fn == F_ADDRVEC)
		KUNIT_EXPECT_EQ(test, memcmp(&a, &sentinel, sizeof(a)), 0);
}

/* The addrvec of monitor "a" in the Pacific capture, byte for byte. */
static const u8 pacific_addrvec[] = {
	0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x1c, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x1a, 0x85, 0x7f, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void dec_addrvec_capture_test(struct kunit *test)
{
	const void *buf = exact_copy(test, pacific_addrvec,
				     sizeof(pacific_addrvec));
	const void *p = buf, *end = buf + sizeof(pacific_addrvec);
	const struct sockaddr_in *in;
	struct monc_entity_addr a;
	size_t cut;

	KUNIT_ASSERT_EQ(test, monc_dec_addrvec(&p, end, &a), 0);
	KUNIT_EXPECT_PTR_EQ(test, p, end);
	KUNIT_EXPECT_EQ(test, a.type, (u32)MONC_ADDR_TYPE_LEGACY);
	KUNIT_EXPECT_EQ(test, a.ss.ss_family, AF_INET);
	in = (const struct sockaddr_in *)&a.ss;
	KUNIT_EXPECT_EQ(test, ntohs(in->sin_port), 6789);
	KUNIT_EXPECT_EQ(test, ntohl(in->sin_addr.s_addr), 0x7f000001U);

	/* every truncation fails and leaves the cursor alone */
	for (cut = 0; cut < sizeof(pacific_addrvec); cut++) {
		buf = exact_copy(test, pacific_addrvec, cut);
		p = buf;
		KUNIT_EXPECT_EQ_MSG(test, monc_dec_addrvec(&p, buf + cut, &a),
				    -EINVAL, "truncated to %zu", cut);
		KUNIT_EXPECT_PTR_EQ(test, p, buf);
	}
}

static void ss_set_test(struct kunit *test)
{
	struct sockaddr_storage ss;
	u8 sa[MONC_SS_LEN] = { 0xff, 0xff, 0x1a, 0x85, 127, 0, 0, 1 };
	const struct sockaddr_in *in = (const void *)&ss;

	KUNIT_EXPECT_EQ(test, monc_ss_set(&ss, AF_INET, sa, 16), 0);
	KUNIT_EXPECT_EQ(test, ss.ss_family, AF_INET);
	KUNIT_EXPECT_EQ(test, ntohs(in->sin_port), 6789);
	KUNIT_EXPECT_EQ(test, monc_ss_set(&ss, AF_INET, sa, 15), -EINVAL);
	KUNIT_EXPECT_EQ(test, monc_ss_set(&ss, AF_INET6, sa, 28), 0);
	KUNIT_EXPECT_EQ(test, ss.ss_family, AF_INET6);
	KUNIT_EXPECT_EQ(test, monc_ss_set(&ss, AF_INET6, sa, 27), -EINVAL);
	KUNIT_EXPECT_EQ(test, monc_ss_set(&ss, AF_BAD, sa, 128), -EINVAL);
	KUNIT_EXPECT_EQ(test, monc_ss_set(&ss, 0, sa, 128), -EINVAL);
}

static void addr_is_v1_test(struct kunit *test)
{
	struct monc_entity_addr a = {};

	a.ss.ss_family = AF_INET;
	a.type = MONC_ADDR_TYPE_LEGACY;
	KUNIT_EXPECT_TRUE(test, monc_addr_is_v1(&a));
	a.type = MONC_ADDR_TYPE_ANY;
	KUNIT_EXPECT_TRUE(test, monc_addr_is_v1(&a));
	a.type = MONC_ADDR_TYPE_MSGR2;
	KUNIT_EXPECT_FALSE(test, monc_addr_is_v1(&a));
	a.type = MONC_ADDR_TYPE_NONE;
	KUNIT_EXPECT_FALSE(test, monc_addr_is_v1(&a));
	a.type = MONC_ADDR_TYPE_LEGACY;
	a.ss.ss_family = 0;
	KUNIT_EXPECT_FALSE(test, monc_addr_is_v1(&a));
}

/* ---- Writers ---------------------------------------------------------- */

enum writer_kind { W_U8, W_U16, W_U32, W_U64, W_COPY, W_STR, W_FSID,
		   W_ADDR_LEGACY, W_STRUCT, W_ADDR4, W_ADDR6, W_ADDR_UNSET };

struct writer_case {
	const char *name;
	enum writer_kind kind;
	size_t size;		/* the bytes it writes */
	size_t room;		/* the bytes it is given */
	int ret;
};

static const struct writer_case writer_cases[] = {
	{ "u8 exact fit", W_U8, 1, 1, 0 },
	{ "u8 no room", W_U8, 1, 0, -ENOSPC },
	{ "u16 exact fit", W_U16, 2, 2, 0 },
	{ "u16 one short", W_U16, 2, 1, -ENOSPC },
	{ "u32 exact fit", W_U32, 4, 4, 0 },
	{ "u32 one short", W_U32, 4, 3, -ENOSPC },
	{ "u64 exact fit", W_U64, 8, 8, 0 },
	{ "u64 one short", W_U64, 8, 7, -ENOSPC },
	{ "copy exact fit", W_COPY, 5, 5, 0 },
	{ "copy one short", W_COPY, 5, 4, -ENOSPC },
	{ "str exact fit", W_STR, 4 + 5, 9, 0 },
	{ "str one short", W_STR, 4 + 5, 8, -ENOSPC },
	{ "str length prefix only", W_STR, 4 + 5, 4, -ENOSPC },
	{ "fsid exact fit", W_FSID, 16, 16, 0 },
	{ "fsid one short", W_FSID, 16, 15, -ENOSPC },
	{ "legacy addr exact fit", W_ADDR_LEGACY, 136, 136, 0 },
	{ "legacy addr one short", W_ADDR_LEGACY, 136, 135, -ENOSPC },
	{ "struct start exact fit", W_STRUCT, 6, 6, 0 },
	{ "struct start one short", W_STRUCT, 6, 5, -ENOSPC },
	{ "versioned v4 addr exact fit", W_ADDR4, 1 + 6 + 12 + 16, 35, 0 },
	{ "versioned v4 addr one short", W_ADDR4, 1 + 6 + 12 + 16, 34,
	  -ENOSPC },
	{ "versioned v6 addr exact fit", W_ADDR6, 1 + 6 + 12 + 28, 47, 0 },
	{ "versioned v6 addr one short", W_ADDR6, 1 + 6 + 12 + 28, 46,
	  -ENOSPC },
	{ "versioned unset addr exact fit", W_ADDR_UNSET, 1 + 6 + 12, 19, 0 },
	{ "versioned unset addr one short", W_ADDR_UNSET, 1 + 6 + 12, 18,
	  -ENOSPC },
};

static void writer_desc(const struct writer_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(writer, writer_cases, writer_desc);

static const u8 fsid_bytes[16] = {
	0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33,
	0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
};

static void test_addr(struct monc_entity_addr *a, enum writer_kind kind)
{
	memset(a, 0, sizeof(*a));
	a->type = MONC_ADDR_TYPE_LEGACY;
	a->nonce = 0x01020304;
	if (kind == W_ADDR6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(3300);
		in6->sin6_addr.s6_addr[15] = 1;
	} else if (kind != W_ADDR_UNSET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(6789);
		in->sin_addr.s_addr = htonl(0x7f000001);
	}
}

/* Write one field of @kind at *@p; the written bytes decode back. */
static int write_one(struct kunit *test, enum writer_kind kind, void **p,
		     void *end)
{
	struct monc_entity_addr a;
	uuid_t fsid;
	void *len_at;
	int ret;

	switch (kind) {
	case W_U8:
		return monc_enc_u8(p, end, 0xfe);
	case W_U16:
		return monc_enc_u16(p, end, 0xfedc);
	case W_U32:
		return monc_enc_u32(p, end, 0xfedcba98);
	case W_U64:
		return monc_enc_u64(p, end, 0xfedcba9876543210ULL);
	case W_COPY:
		return monc_enc_copy(p, end, "hello", 5);
	case W_STR:
		return monc_enc_str(p, end, "hello", 5);
	case W_FSID:
		memcpy(fsid.b, fsid_bytes, 16);
		return monc_enc_fsid(p, end, &fsid);
	case W_STRUCT:
		ret = monc_enc_struct_start(p, end, 9, 6, &len_at);
		if (!ret)
			monc_enc_struct_end(*p, len_at);
		return ret;
	case W_ADDR_LEGACY:
		test_addr(&a, W_ADDR4);
		return monc_enc_addr_legacy(p, end, &a);
	case W_ADDR4:
	case W_ADDR6:
	case W_ADDR_UNSET:
	default:
		test_addr(&a, kind);
		return monc_enc_addr(p, end, &a);
	}
}

/* The field written by write_one() reads back as what was written. */
static void check_one(struct kunit *test, enum writer_kind kind,
		      const void *buf, size_t len)
{
	const void *p = buf, *end = buf + len, *send;
	struct monc_entity_addr a, want;
	struct monc_struct_hdr h;
	const char *s;
	u64 v64;
	u32 v32;
	u16 v16;
	u8 v8;

	switch (kind) {
	case W_U8:
		KUNIT_EXPECT_EQ(test, monc_dec_u8(&p, end, &v8), 0);
		KUNIT_EXPECT_EQ(test, v8, 0xfe);
		break;
	case W_U16:
		KUNIT_EXPECT_EQ(test, monc_dec_u16(&p, end, &v16), 0);
		KUNIT_EXPECT_EQ(test, v16, 0xfedc);
		KUNIT_EXPECT_EQ(test, ((const u8 *)buf)[0], 0xdc);
		break;
	case W_U32:
		KUNIT_EXPECT_EQ(test, monc_dec_u32(&p, end, &v32), 0);
		KUNIT_EXPECT_EQ(test, v32, 0xfedcba98);
		KUNIT_EXPECT_EQ(test, ((const u8 *)buf)[0], 0x98);
		break;
	case W_U64:
		KUNIT_EXPECT_EQ(test, monc_dec_u64(&p, end, &v64), 0);
		KUNIT_EXPECT_EQ(test, v64, 0xfedcba9876543210ULL);
		KUNIT_EXPECT_EQ(test, ((const u8 *)buf)[0], 0x10);
		break;
	case W_COPY:
		KUNIT_EXPECT_EQ(test, memcmp(buf, "hello", 5), 0);
		break;
	case W_STR:
		KUNIT_EXPECT_EQ(test, monc_dec_str(&p, end, &s, &v32), 0);
		KUNIT_EXPECT_EQ(test, v32, 5);
		KUNIT_EXPECT_EQ(test, memcmp(s, "hello", 5), 0);
		break;
	case W_FSID:
		KUNIT_EXPECT_EQ(test, memcmp(buf, fsid_bytes, 16), 0);
		break;
	case W_STRUCT:
		KUNIT_EXPECT_EQ(test, monc_dec_struct(&p, end, 9, &h, &send), 0);
		KUNIT_EXPECT_EQ(test, h.v, 9);
		KUNIT_EXPECT_EQ(test, h.compat, 6);
		KUNIT_EXPECT_EQ(test, h.len, 0);
		break;
	case W_ADDR_LEGACY:
		/* legacy: the family is big-endian on the wire */
		KUNIT_EXPECT_EQ(test, ((const u8 *)buf)[8], 0);
		KUNIT_EXPECT_EQ(test, ((const u8 *)buf)[9], AF_INET);
		KUNIT_EXPECT_EQ(test,
				monc_dec_addr_legacy(&p, end, &a, false), 0);
		test_addr(&want, W_ADDR4);
		KUNIT_EXPECT_EQ(test, memcmp(&a.ss, &want.ss, sizeof(a.ss)), 0);
		KUNIT_EXPECT_EQ(test, a.type, want.type);
		KUNIT_EXPECT_EQ(test, a.nonce, want.nonce);
		break;
	default:
		KUNIT_EXPECT_EQ(test, monc_dec_addr(&p, end, &a), 0);
		test_addr(&want, kind);
		KUNIT_EXPECT_EQ(test, memcmp(&a.ss, &want.ss, sizeof(a.ss)), 0);
		KUNIT_EXPECT_EQ(test, a.type, want.type);
		KUNIT_EXPECT_EQ(test, a.nonce, want.nonce);
		break;
	}
	if (kind != W_COPY && kind != W_FSID)
		KUNIT_EXPECT_PTR_EQ(test, p, end);
}

static void enc_writer_test(struct kunit *test)
{
	const struct writer_case *c = test->param_value;
	/* a canary byte after the room, which must survive */
	u8 *buf = kunit_kmalloc(test, c->room + 1, GFP_KERNEL);
	void *p;
	size_t i;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memset(buf, 0xa5, c->room + 1);
	p = buf;
	ret = write_one(test, c->kind, &p, buf + c->room);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, buf[c->room], 0xa5);
	if (ret) {
		KUNIT_EXPECT_PTR_EQ(test, p, (void *)buf);
		for (i = 0; i < c->room; i++)
			KUNIT_EXPECT_EQ(test, buf[i], 0xa5);
		return;
	}
	KUNIT_EXPECT_PTR_EQ(test, p, (void *)buf + c->size);
	check_one(test, c->kind, buf, c->size);
}

static void enc_addr_bad_family_test(struct kunit *test)
{
	struct monc_entity_addr a = {};
	u8 buf[64];
	void *p = buf;

	a.ss.ss_family = AF_BAD;
	KUNIT_EXPECT_EQ(test, monc_enc_addr(&p, buf + sizeof(buf), &a),
			-EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, p, (void *)buf);
}

static struct kunit_case monc_decode_test_cases[] = {
	KUNIT_CASE_PARAM(dec_scalar_test, scalar_gen_params),
	KUNIT_CASE(dec_has_skip_copy_test),
	KUNIT_CASE_PARAM(dec_count_test, count_gen_params),
	KUNIT_CASE_PARAM(dec_str_test, str_gen_params),
	KUNIT_CASE_PARAM(dec_struct_test, struct_gen_params),
	KUNIT_CASE_PARAM(dec_addr_test, addr_gen_params),
	KUNIT_CASE(dec_addrvec_capture_test),
	KUNIT_CASE(ss_set_test),
	KUNIT_CASE(addr_is_v1_test),
	KUNIT_CASE_PARAM(enc_writer_test, writer_gen_params),
	KUNIT_CASE(enc_addr_bad_family_test),
	{}
};

static struct kunit_suite monc_decode_test_suite = {
	.name = "monc_decode",
	.test_cases = monc_decode_test_cases,
};

kunit_test_suite(monc_decode_test_suite);

MODULE_DESCRIPTION("KUnit tests of monc's decode.h");
MODULE_LICENSE("GPL");
