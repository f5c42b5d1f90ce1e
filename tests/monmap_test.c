// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of monmap.c: the MonMaps a Pacific monitor really sent (from
 * shared/protocol/raw-v1-client-statfs.txt), one Tentacle's encoder wrote
 * with monitors of v1, v2 and both kinds, every encoding built by a
 * small test encoder, one named case per way a map must be refused
 * (including every truncation of the real maps), and lookup and pick.
 *
 * Blobs are copied into heap buffers of exactly their length, so a decoder
 * reading past the end is also a KASAN report.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "../internal.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

/*
 * The MonMap blob (the MMonMap front after its le32 length) that Pacific
 * 16.2.15 sends to a client with SERVER_NAUTILUS: struct_v 9, compat 6,
 * one monitor "a" at v1:127.0.0.1:6789.
 */
static const u8 pacific_v9_blob[166] = {
	0x09, 0x06, 0xa0, 0x00, 0x00, 0x00, 0x11, 0x11,
	0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44,
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x01, 0x00,
	0x00, 0x00, 0x63, 0xd6, 0x04, 0x6b, 0x04, 0xbb,
	0xd5, 0x34, 0x63, 0xd6, 0x04, 0x6b, 0x04, 0xbb,
	0xd5, 0x34, 0x01, 0x01, 0x08, 0x00, 0x00, 0x00,
	0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x61, 0x05,
	0x01, 0x35, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x61, 0x02, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x01, 0x01, 0x1c, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x1a, 0x85, 0x7f, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x61, 0x10, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * The legacy v1 MonMap (le16 version 1, vector<entity_inst_t>) the same
 * monitor sends to a client without MONNAMES: 187 bytes.
 */
static const u8 pacific_legacy_v1_blob[187] = {
	0x01, 0x00, 0x11, 0x11, 0x11, 0x11, 0x22, 0x22,
	0x33, 0x33, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55,
	0x55, 0x55, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x1a, 0x85, 0x7f,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x63, 0xd6, 0x04, 0x6b, 0x04,
	0xbb, 0xd5, 0x34, 0x63, 0xd6, 0x04, 0x6b, 0x04,
	0xbb, 0xd5, 0x34,
};

static const u8 test_fsid[16] = {
	0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33,
	0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
};

/* Copy @len bytes of @src to a test-lifetime buffer of exactly @len bytes. */
static const void *exact_copy(struct kunit *test, const void *src, size_t len)
{
	void *buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, src, len);
	return buf;
}

static void free_map_res(struct kunit_resource *res)
{
	kfree(res->data);
}

/* Have @map freed when the test ends. */
static void own_map(struct kunit *test, struct monc_monmap *map)
{
	void *res = kunit_alloc_resource(test, NULL, free_map_res, GFP_KERNEL,
					 map);

	if (!res)
		kfree(map);
	KUNIT_ASSERT_NOT_NULL_MSG(test, res, "no memory for a resource");
}

/* Decode, and have the map freed when the test ends. */
static int decode(struct kunit *test, const void *blob, size_t len,
		  struct monc_monmap **map)
{
	const void *buf = exact_copy(test, blob, len);
	int ret;

	*map = NULL;
	ret = monc_monmap_decode(buf, len, map);
	if (!ret) {
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, *map);
		own_map(test, *map);
	} else {
		KUNIT_EXPECT_NULL(test, *map);
	}
	return ret;
}

static void expect_v4(struct kunit *test, const struct monc_entity_addr *a,
		      u32 ip, u16 port)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)&a->ss;

	KUNIT_EXPECT_EQ(test, a->ss.ss_family, AF_INET);
	KUNIT_EXPECT_EQ(test, ntohl(in->sin_addr.s_addr), ip);
	KUNIT_EXPECT_EQ(test, ntohs(in->sin_port), port);
}

static void pacific_v9_test(struct kunit *test)
{
	struct monc_monmap *map;
	uuid_t want;

	KUNIT_ASSERT_EQ(test, uuid_parse("11111111-2222-3333-4444-555555555555",
					 &want), 0);
	KUNIT_ASSERT_EQ(test, decode(test, pacific_v9_blob,
				     sizeof(pacific_v9_blob), &map), 0);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&map->fsid, &want));
	KUNIT_EXPECT_EQ(test, map->epoch, 1);
	KUNIT_ASSERT_EQ(test, map->num_mon, 1);
	KUNIT_EXPECT_STREQ(test, map->mon[0].name, "a");
	KUNIT_EXPECT_EQ(test, map->mon[0].rank, 0);
	KUNIT_EXPECT_EQ(test, map->mon[0].addr.type,
			(u32)MONC_ADDR_TYPE_LEGACY);
	expect_v4(test, &map->mon[0].addr, 0x7f000001, 6789);
}

static void pacific_legacy_v1_test(struct kunit *test)
{
	struct monc_monmap *map;
	uuid_t want;

	KUNIT_ASSERT_EQ(test, uuid_parse("11111111-2222-3333-4444-555555555555",
					 &want), 0);
	KUNIT_ASSERT_EQ(test, decode(test, pacific_legacy_v1_blob,
				     sizeof(pacific_legacy_v1_blob), &map), 0);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&map->fsid, &want));
	KUNIT_EXPECT_EQ(test, map->epoch, 1);
	KUNIT_ASSERT_EQ(test, map->num_mon, 1);
	/* Ceph names the monitors of a v1 map by their position */
	KUNIT_EXPECT_STREQ(test, map->mon[0].name, "0");
	KUNIT_EXPECT_EQ(test, map->mon[0].rank, 0);
	expect_v4(test, &map->mon[0].addr, 0x7f000001, 6789);
}

/*
 * A MonMap from Tentacle 20.2.4's encoder (struct_v 10, compat 6, 383
 * bytes), written by its monmaptool:
 *   monmaptool --create --fsid 11111111-2222-3333-4444-555555555555
 *	--add a v2:127.0.0.1:3300
 *	--addv b [v2:127.0.0.1:3301,v1:127.0.0.1:6790]
 *	--add c v1:127.0.0.1:6791
 * Its ranks are b, c, a; mon_info_t is v6; the v10 fields (the auth
 * ciphers) follow the ranks.
 */
static const u8 tentacle_v10_v2_blob[383] = {
	0x0a, 0x06, 0x79, 0x01, 0x00, 0x00, 0x11, 0x11,
	0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44,
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x00, 0x00,
	0x00, 0x00, 0x17, 0xfb, 0x09, 0x6b, 0x25, 0xc8,
	0x4f, 0x1b, 0x17, 0xfb, 0x09, 0x6b, 0x25, 0xc8,
	0x4f, 0x1b, 0x01, 0x01, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x61, 0x06,
	0x01, 0x3d, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x61, 0x02, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x01, 0x01, 0x1c, 0x00, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x0c, 0xe4, 0x7f, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x17, 0xfb, 0x09, 0x6b, 0xf7, 0x76,
	0x50, 0x1b, 0x01, 0x00, 0x00, 0x00, 0x62, 0x06,
	0x01, 0x60, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x62, 0x02, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x01, 0x01, 0x1c, 0x00, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x0c, 0xe5, 0x7f, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x01, 0x01, 0x1c, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0x1a,
	0x86, 0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x17, 0xfb, 0x09,
	0x6b, 0xb8, 0xd5, 0x50, 0x1b, 0x01, 0x00, 0x00,
	0x00, 0x63, 0x06, 0x01, 0x3d, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x63, 0x02, 0x01, 0x00,
	0x00, 0x00, 0x01, 0x01, 0x01, 0x1c, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0x1a,
	0x87, 0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x17, 0xfb, 0x09,
	0x6b, 0x06, 0xb2, 0x50, 0x1b, 0x03, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x62, 0x01, 0x00,
	0x00, 0x00, 0x63, 0x01, 0x00, 0x00, 0x00, 0x61,
	0x14, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
};

static void tentacle_addrvec_test(struct kunit *test)
{
	struct monc_monmap *map;
	uuid_t want;

	KUNIT_ASSERT_EQ(test, uuid_parse("11111111-2222-3333-4444-555555555555",
					 &want), 0);
	KUNIT_ASSERT_EQ(test, decode(test, tentacle_v10_v2_blob,
				     sizeof(tentacle_v10_v2_blob), &map), 0);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&map->fsid, &want));
	KUNIT_EXPECT_EQ(test, map->epoch, 0);
	KUNIT_ASSERT_EQ(test, map->num_mon, 3);
	/* b, v1 and v2 */
	KUNIT_EXPECT_STREQ(test, map->mon[0].name, "b");
	KUNIT_EXPECT_EQ(test, map->mon[0].addr.type,
			(u32)MONC_ADDR_TYPE_LEGACY);
	expect_v4(test, &map->mon[0].addr, 0x7f000001, 6790);
	KUNIT_EXPECT_EQ(test, map->mon[0].addr_v2.type,
			(u32)MONC_ADDR_TYPE_MSGR2);
	expect_v4(test, &map->mon[0].addr_v2, 0x7f000001, 3301);
	/* c, v1 only */
	KUNIT_EXPECT_STREQ(test, map->mon[1].name, "c");
	expect_v4(test, &map->mon[1].addr, 0x7f000001, 6791);
	KUNIT_EXPECT_EQ(test, map->mon[1].addr_v2.ss.ss_family, 0);
	/* a, v2 only: kept, no longer refused */
	KUNIT_EXPECT_STREQ(test, map->mon[2].name, "a");
	KUNIT_EXPECT_EQ(test, map->mon[2].addr.ss.ss_family, 0);
	expect_v4(test, &map->mon[2].addr_v2, 0x7f000001, 3300);
	KUNIT_EXPECT_EQ(test, map->mon[2].rank, 2);

	KUNIT_EXPECT_EQ(test, monc_monmap_lacking(map, false), BIT_ULL(2));
	KUNIT_EXPECT_EQ(test, monc_monmap_lacking(map, true), BIT_ULL(1));
}

/* ---- A MonMap encoder, after Ceph's MonMap::encode() ------------------- */

#define T_LEG	MONC_ADDR_TYPE_LEGACY
#define T_V2	MONC_ADDR_TYPE_MSGR2
#define T_ANY	MONC_ADDR_TYPE_ANY
#define T_NONE	MONC_ADDR_TYPE_NONE
#define AF_BAD	1	/* AF_UNIX */

struct tmaddr {
	u32 type;
	u16 family;
	u16 port;
	u8 ip[16];
};

struct tmon {
	const char *name;
	int naddr;
	struct tmaddr addr[MONC_ADDRVEC_MAX + 2];
};

/* How to encode a map, and what to break in it. */
struct tspec {
	u8 v;
	u8 compat;			/* 0: 3 for v3-v5, 6 for v6+ */
	int nmon;
	const struct tmon *mon;
	int gen;			/* > 0: generate this many monitors */
	int nranks;			/* -1: one per monitor, in order */
	const char *ranks[4];
	/* damage */
	bool set_count;
	u32 count;			/* the monitor count written */
	bool set_len;
	u32 len;			/* the outer struct len written */
	s32 len_delta;			/* added to the outer struct len */
	u8 info_compat;			/* mon 0's mon_info_t compat */
	s32 info_len_delta;		/* added to mon 0's mon_info_t len */
	const char *info_name;		/* mon 0's name inside mon_info_t */
	u8 legacy_hi;			/* high byte of the legacy version */
	u8 extra;			/* bytes of newer fields in the struct */
	bool legacy_form;		/* v3-v5: legacy entity_addr_t */
	bool nul_name;			/* mon 0's name gets a NUL inside */
};

struct wbuf {
	u8 *p;
	u8 *start;
};

static void w8(struct wbuf *w, u8 v)
{
	*w->p++ = v;
}

static void w16(struct wbuf *w, u16 v)
{
	put_unaligned_le16(v, w->p);
	w->p += 2;
}

static void w32(struct wbuf *w, u32 v)
{
	put_unaligned_le32(v, w->p);
	w->p += 4;
}

static void wbytes(struct wbuf *w, const void *b, size_t n)
{
	memcpy(w->p, b, n);
	w->p += n;
}

static void wstr(struct wbuf *w, const char *s)
{
	w32(w, strlen(s));
	wbytes(w, s, strlen(s));
}

/* ENCODE_START: returns where the length goes, for wend(). */
static u8 *wstart(struct wbuf *w, u8 v, u8 compat)
{
	u8 *len_at;

	w8(w, v);
	w8(w, compat);
	len_at = w->p;
	w32(w, 0);
	return len_at;
}

static void wend(struct wbuf *w, u8 *len_at, s32 delta)
{
	put_unaligned_le32(w->p - len_at - 4 + delta, len_at);
}

static void tm_sockaddr(const struct tmaddr *a, u8 *sa, size_t *salen)
{
	memset(sa, 0, MONC_SS_LEN);
	put_unaligned_be16(a->port, sa + 2);
	if (a->family == AF_INET6) {
		memcpy(sa + 8, a->ip, 16);
		*salen = sizeof(struct sockaddr_in6);
	} else {
		memcpy(sa + 4, a->ip, 4);
		*salen = sizeof(struct sockaddr_in);
	}
}

/* The legacy 136-byte entity_addr_t: type 0, family big-endian. */
static void waddr_legacy(struct wbuf *w, const struct tmaddr *a)
{
	u8 sa[MONC_SS_LEN];
	size_t salen;

	tm_sockaddr(a, sa, &salen);
	put_unaligned_be16(a->family, sa);
	w32(w, 0);
	w32(w, 0);
	wbytes(w, sa, MONC_SS_LEN);
}

/* The versioned entity_addr_t, marker included. */
static void waddr(struct wbuf *w, const struct tmaddr *a)
{
	u8 sa[MONC_SS_LEN];
	size_t salen;
	u8 *len_at;

	tm_sockaddr(a, sa, &salen);
	put_unaligned_le16(a->family, sa);
	w8(w, 1);
	len_at = wstart(w, 1, 1);
	w32(w, a->type);
	w32(w, 0);
	w32(w, salen);
	wbytes(w, sa, salen);
	wend(w, len_at, 0);
}

/* A monitor's one address in the pre-addrvec forms: its first v1 one. */
static const struct tmaddr *legacy_addr(const struct tmon *m)
{
	int i;

	for (i = 0; i < m->naddr; i++)
		if (m->addr[i].type == T_LEG || m->addr[i].type == T_ANY)
			return &m->addr[i];
	return &m->addr[0];
}

static void wname(struct wbuf *w, const struct tspec *s, const struct tmon *m,
		  int i)
{
	if (i == 0 && s->nul_name) {
		w32(w, 3);
		wbytes(w, "a\0b", 3);
	} else {
		wstr(w, m->name);
	}
}

static void wmon_info(struct wbuf *w, const struct tspec *s,
		      const struct tmon *m, int i)
{
	bool first = i == 0;
	u8 *len_at;
	int j;

	wname(w, s, m, i);
	len_at = wstart(w, s->v >= 6 ? 5 : 2,
			first && s->info_compat ? s->info_compat : 1);
	if (first && s->info_name)
		wstr(w, s->info_name);
	else
		wname(w, s, m, i);
	if (s->v >= 6) {
		w8(w, 2);
		w32(w, m->naddr);
		for (j = 0; j < m->naddr; j++)
			waddr(w, &m->addr[j]);
	} else {
		waddr(w, legacy_addr(m));
	}
	w16(w, 0);			/* priority */
	if (s->v >= 6) {
		w16(w, 0);		/* weight */
		w32(w, 0);		/* crush_loc */
	}
	wend(w, len_at, first ? s->info_len_delta : 0);
}

static void wfeatures(struct wbuf *w, u64 features)
{
	u8 *len_at = wstart(w, 1, 1);

	put_unaligned_le64(features, w->p);
	w->p += 8;
	wend(w, len_at, 0);
}

/* Encode @s into @w; the monitors are @mons (s->mon or generated). */
static void encode_monmap(struct wbuf *w, const struct tspec *s,
			  const struct tmon *mons, int nmon)
{
	u32 count = s->set_count ? s->count : nmon;
	u8 *len_at = NULL;
	int i;

	if (s->v < 3) {
		w16(w, s->v | s->legacy_hi << 8);
	} else {
		len_at = wstart(w, s->v, s->compat ? s->compat :
				s->v >= 6 ? 6 : 3);
	}
	wbytes(w, test_fsid, 16);
	w32(w, 7);				/* epoch */
	if (s->v == 1) {
		w32(w, count);
		for (i = 0; i < nmon; i++) {
			w8(w, MONC_ENTITY_TYPE_MON);
			put_unaligned_le64(i, w->p);
			w->p += 8;
			waddr_legacy(w, legacy_addr(&mons[i]));
		}
	} else if (s->v < 6) {
		w32(w, s->v < 5 ? count : nmon);
		for (i = 0; i < nmon; i++) {
			wname(w, s, &mons[i], i);
			if (s->v == 2 || s->legacy_form)
				waddr_legacy(w, legacy_addr(&mons[i]));
			else
				waddr(w, legacy_addr(&mons[i]));
		}
	}
	for (i = 0; i < 16; i++)
		w8(w, 0x40 + i);		/* last_changed, created */
	if (s->v >= 4) {
		wfeatures(w, 0xff);
		wfeatures(w, 0);
	}
	if (s->v >= 5) {
		w32(w, count);
		for (i = 0; i < nmon; i++)
			wmon_info(w, s, &mons[i], i);
	}
	if (s->v >= 6) {
		if (s->nranks < 0) {
			w32(w, nmon);
			for (i = 0; i < nmon; i++)
				wstr(w, mons[i].name);
		} else {
			w32(w, s->nranks);
			for (i = 0; i < s->nranks; i++)
				wstr(w, s->ranks[i]);
		}
	}
	if (s->v >= 7)
		w8(w, 16);			/* min_mon_release */
	if (s->v >= 8) {
		w32(w, 0);			/* removed_ranks */
		w8(w, 1);			/* strategy */
		w32(w, 0);			/* disallowed_leaders */
	}
	if (s->v >= 9) {
		w8(w, 0);			/* stretch_mode_enabled */
		w32(w, 0);			/* tiebreaker_mon */
		w32(w, 0);			/* stretch_marked_down_mons */
	}
	for (i = 0; i < s->extra; i++)
		w8(w, 0xee);
	if (len_at) {
		wend(w, len_at, s->len_delta);
		if (s->set_len)
			put_unaligned_le32(s->len, len_at);
	}
}

#define GEN_MAX		(MONC_MAX_MONS + 1)
#define BLOB_MAX	(GEN_MAX * 512)

/* Monitors m0, m1, ... at 10.0.i.1:6789, with a msgr2 address first. */
static struct tmon *gen_mons(struct kunit *test, int n)
{
	struct tmon *m = kunit_kcalloc(test, n, sizeof(*m), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	for (i = 0; i < n; i++) {
		char *name = kunit_kzalloc(test, 8, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, name);
		snprintf(name, 8, "m%d", i);
		m[i].name = name;
		m[i].naddr = 2;
		m[i].addr[0] = (struct tmaddr){ T_V2, AF_INET, 3300,
						{ 10, 0, i, 1 } };
		m[i].addr[1] = (struct tmaddr){ T_LEG, AF_INET, 6789,
						{ 10, 0, i, 1 } };
	}
	return m;
}

/* Encode @s into a test-lifetime buffer; returns its length. */
static size_t build(struct kunit *test, const struct tspec *s, u8 **out,
		    const struct tmon **mons)
{
	struct wbuf w;
	const struct tmon *m = s->mon;
	int n = s->nmon;

	w.start = kunit_kzalloc(test, BLOB_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w.start);
	w.p = w.start;
	if (s->gen) {
		m = gen_mons(test, s->gen);
		n = s->gen;
	}
	encode_monmap(&w, s, m, n);
	KUNIT_ASSERT_LE(test, (size_t)(w.p - w.start), (size_t)BLOB_MAX);
	*out = w.start;
	if (mons)
		*mons = m;
	return w.p - w.start;
}

/* ---- Maps that decode ------------------------------------------------- */

#define A4(t, a, b, c, d, port)	{ t, AF_INET, port, { a, b, c, d } }
#define A6(t, port, ...)	{ t, AF_INET6, port, { __VA_ARGS__ } }

/*
 * Three monitors. By legacy address (port before address, as in Ceph's
 * in-memory entity_addr_t) they rank c (10.0.0.2:6789), a (10.0.0.3:6789),
 * b (10.0.0.1:6790).
 */
static const struct tmon three4[] = {
	{ "a", 2, { A4(T_V2, 10, 0, 0, 3, 3300), A4(T_LEG, 10, 0, 0, 3, 6789) } },
	{ "b", 2, { A4(T_V2, 10, 0, 0, 1, 3300), A4(T_LEG, 10, 0, 0, 1, 6790) } },
	{ "c", 2, { A4(T_V2, 10, 0, 0, 2, 3300), A4(T_LEG, 10, 0, 0, 2, 6789) } },
};

/* Three monitors with IPv6, an "any" address and a v1-only one. */
static const struct tmon three6[] = {
	{ "x", 2, { A6(T_V2, 3300, 0x20, 0x01, 0x0d, 0xb8, [15] = 1),
		    A6(T_LEG, 6789, 0x20, 0x01, 0x0d, 0xb8, [15] = 1) } },
	{ "y", 1, { A6(T_ANY, 6789, 0xfe, 0x80, [15] = 2) } },
	{ "z", 1, { A4(T_LEG, 127, 0, 0, 1, 6789) } },
};

/*
 * Addrvecs: a v2-only monitor, v1 after v2, two of each kind (the first
 * is kept), an address of type NONE (skipped) and an "any" one (v1).
 */
static const struct tmon vec_kinds[] = {
	{ "p", 1, { A4(T_V2, 10, 0, 0, 1, 3300) } },
	{ "q", 4, { A4(T_V2, 10, 0, 0, 2, 3300), A4(T_V2, 10, 0, 0, 9, 3301),
		    A4(T_LEG, 10, 0, 0, 2, 6789),
		    A4(T_LEG, 10, 0, 0, 9, 6790) } },
	{ "r", 3, { A4(T_NONE, 10, 0, 0, 3, 1), A4(T_ANY, 10, 0, 0, 3, 6789),
		    A6(T_V2, 3300, 0xfe, 0x80, [15] = 3) } },
};

/* Only msgr2 addresses; by address they rank t (.1), u (.2), s (.3). */
static const struct tmon v2_three[] = {
	{ "s", 1, { A4(T_V2, 10, 0, 0, 3, 3300) } },
	{ "t", 1, { A4(T_V2, 10, 0, 0, 1, 3300) } },
	{ "u", 1, { A4(T_V2, 10, 0, 0, 2, 3300) } },
};

static const struct tmon long_name[] = {
	{ "0123456789012345678901234567890123456789012345678901234567890123",
	  1, { A4(T_LEG, 127, 0, 0, 1, 6789) } },
};

struct accept_case {
	const char *name;
	struct tspec s;
	int order[3];		/* order[rank] = index into s.mon */
};

#define LEGACY_ORDER	{ 2, 0, 1 }

static const struct accept_case accept_cases[] = {
	{ "v1 le16, ranked by address", { .v = 1, .nmon = 3, .mon = three4 },
	  LEGACY_ORDER },
	{ "v2 le16 with names", { .v = 2, .nmon = 3, .mon = three4 },
	  LEGACY_ORDER },
	{ "v3 ENCODE_START(3,3)", { .v = 3, .nmon = 3, .mon = three4 },
	  LEGACY_ORDER },
	{ "v3 with legacy-form addresses",
	  { .v = 3, .nmon = 3, .mon = three4, .legacy_form = true },
	  LEGACY_ORDER },
	{ "v4 with features", { .v = 4, .nmon = 3, .mon = three4 },
	  LEGACY_ORDER },
	{ "v5 with mon_info_t v2", { .v = 5, .nmon = 3, .mon = three4 },
	  LEGACY_ORDER },
	{ "v6 with explicit ranks",
	  { .v = 6, .nmon = 3, .mon = three4, .nranks = 3,
	    .ranks = { "b", "c", "a" } }, { 1, 2, 0 } },
	{ "v7", { .v = 7, .nmon = 3, .mon = three4, .nranks = -1 },
	  { 0, 1, 2 } },
	{ "v8", { .v = 8, .nmon = 3, .mon = three4, .nranks = 3,
		  .ranks = { "c", "b", "a" } }, { 2, 1, 0 } },
	{ "v9 IPv6, any and IPv4",
	  { .v = 9, .nmon = 3, .mon = three6, .nranks = 3,
	    .ranks = { "z", "x", "y" } }, { 2, 0, 1 } },
	{ "v9 with newer fields at its end",
	  { .v = 9, .nmon = 3, .mon = three6, .nranks = -1, .extra = 9 },
	  { 0, 1, 2 } },
	{ "v10 compat 6 (newer, readable)",
	  { .v = 10, .nmon = 3, .mon = three6, .nranks = -1, .extra = 3 },
	  { 0, 1, 2 } },
	{ "v9 compat 9", { .v = 9, .compat = 9, .nmon = 3, .mon = three6,
			   .nranks = -1 }, { 0, 1, 2 } },
	{ "v9 name of MONC_MON_NAME_MAX bytes",
	  { .v = 9, .nmon = 1, .mon = long_name, .nranks = -1 }, { 0 } },
	{ "v1 name of a 64-byte monitor is its position",
	  { .v = 1, .nmon = 1, .mon = long_name }, { 0 } },
	{ "v9 addrvecs: v2 only, v1 and v2, none and any",
	  { .v = 9, .nmon = 3, .mon = vec_kinds, .nranks = 3,
	    .ranks = { "r", "p", "q" } }, { 2, 0, 1 } },
	{ "v9 msgr2 only", { .v = 9, .nmon = 3, .mon = v2_three,
			     .nranks = -1 }, { 0, 1, 2 } },
	{ "v3 msgr2 addresses, ranked by them",
	  { .v = 3, .nmon = 3, .mon = v2_three }, { 1, 2, 0 } },
	{ "v5 msgr2 addresses, ranked by them",
	  { .v = 5, .nmon = 3, .mon = v2_three }, { 1, 2, 0 } },
};

static void accept_desc(const struct accept_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(accept, accept_cases, accept_desc);

/* That @a is @t, or unset if @t is NULL. */
static void expect_tm(struct kunit *test, const struct monc_entity_addr *a,
		      const struct tmaddr *t)
{
	u8 sa[MONC_SS_LEN];
	size_t salen;

	if (!t) {
		KUNIT_EXPECT_EQ(test, a->ss.ss_family, 0);
		return;
	}
	tm_sockaddr(t, sa, &salen);
	KUNIT_EXPECT_EQ(test, a->ss.ss_family, t->family);
	KUNIT_EXPECT_EQ(test, memcmp((const u8 *)&a->ss + 2, sa + 2,
				     salen - 2), 0);
}

/* @m's first address of a kind (v1: LEGACY or ANY; v2: MSGR2), or NULL. */
static const struct tmaddr *first_of(const struct tmon *m, bool v2)
{
	int i;

	for (i = 0; i < m->naddr; i++) {
		u32 t = m->addr[i].type;

		if (v2 ? t == T_V2 : t == T_LEG || t == T_ANY)
			return &m->addr[i];
	}
	return NULL;
}

/*
 * What monitor @m's decoded addresses must be: from v6 its whole addrvec
 * is encoded; before, its one legacy_addr(), kept as what its type says.
 */
static void expect_mon_addrs(struct kunit *test, const struct tspec *s,
			     const struct monc_mon_info *d,
			     const struct tmon *m)
{
	const struct tmaddr *one = legacy_addr(m);

	if (s->v >= 6) {
		expect_tm(test, &d->addr, first_of(m, false));
		expect_tm(test, &d->addr_v2, first_of(m, true));
	} else if (one->type == T_V2 && s->v >= 3 && !s->legacy_form) {
		expect_tm(test, &d->addr, NULL);
		expect_tm(test, &d->addr_v2, one);
	} else {
		expect_tm(test, &d->addr, one);
		expect_tm(test, &d->addr_v2, NULL);
	}
}

static void accept_test(struct kunit *test)
{
	const struct accept_case *c = test->param_value;
	const struct tmon *mons;
	struct monc_monmap *map;
	char name[16];
	size_t len;
	u8 *blob;
	int r;

	len = build(test, &c->s, &blob, &mons);
	KUNIT_ASSERT_EQ(test, decode(test, blob, len, &map), 0);
	KUNIT_EXPECT_EQ(test, memcmp(map->fsid.b, test_fsid, 16), 0);
	KUNIT_EXPECT_EQ(test, map->epoch, 7);
	KUNIT_ASSERT_EQ(test, map->num_mon, (u32)c->s.nmon);
	for (r = 0; r < c->s.nmon; r++) {
		const struct tmon *m = &mons[c->order[r]];

		KUNIT_EXPECT_EQ(test, map->mon[r].rank, (u32)r);
		if (c->s.v == 1) {
			snprintf(name, sizeof(name), "%d", c->order[r]);
			KUNIT_EXPECT_STREQ(test, map->mon[r].name, name);
		} else {
			KUNIT_EXPECT_STREQ(test, map->mon[r].name, m->name);
		}
		expect_mon_addrs(test, &c->s, &map->mon[r], m);
	}
}

/*
 * Names longer than MONC_MON_NAME_MAX (Ceph does not bound them) are kept
 * shortened, and stay distinct when they share a long prefix: the map
 * decodes, ranks find them, and a monitor is not refused for its name.
 */
#define LONG_PREFIX \
	"mon-with-a-name-longer-than-any-host-name-in-practice-0123456789"

static const struct tmon long_names[] = {
	{ LONG_PREFIX "-first-of-two-that-share-this-prefix", 1,
	  { A4(T_LEG, 127, 0, 0, 1, 6789) } },
	{ LONG_PREFIX "-second-of-two-that-share-this-prefix", 1,
	  { A4(T_LEG, 127, 0, 0, 1, 6790) } },
	{ "c", 1, { A4(T_LEG, 127, 0, 0, 1, 6791) } },
};

static void long_names_test(struct kunit *test)
{
	struct tspec s = { .v = 9, .nmon = 3, .mon = long_names, .nranks = 3,
			   .ranks = { "c", long_names[1].name,
				      long_names[0].name } };
	struct monc_monmap *map;
	size_t len;
	u8 *blob;
	int i;

	len = build(test, &s, &blob, NULL);
	KUNIT_ASSERT_EQ(test, decode(test, blob, len, &map), 0);
	KUNIT_ASSERT_EQ(test, map->num_mon, 3U);
	KUNIT_EXPECT_STREQ(test, map->mon[0].name, "c");
	KUNIT_EXPECT_EQ(test, strlen(map->mon[1].name),
			(size_t)MONC_MON_NAME_MAX);
	KUNIT_EXPECT_EQ(test, strlen(map->mon[2].name),
			(size_t)MONC_MON_NAME_MAX);
	KUNIT_EXPECT_STRNEQ(test, map->mon[1].name, map->mon[2].name);
	KUNIT_EXPECT_EQ(test, strncmp(map->mon[1].name, LONG_PREFIX, 40), 0);
	expect_v4(test, &map->mon[0].addr, 0x7f000001, 6791);
	expect_v4(test, &map->mon[1].addr, 0x7f000001, 6790);
	expect_v4(test, &map->mon[2].addr, 0x7f000001, 6789);

	/* the v5 form (no ranks), and the v2 mon_addr map */
	for (i = 0; i < 2; i++) {
		struct tspec t = { .v = i ? 2 : 5, .nmon = 3,
				   .mon = long_names };

		len = build(test, &t, &blob, NULL);
		KUNIT_ASSERT_EQ(test, decode(test, blob, len, &map), 0);
		KUNIT_EXPECT_EQ(test, map->num_mon, 3U);
	}
}

/* The most monitors there may be, and a map with them. */
static void max_mons_test(struct kunit *test)
{
	struct tspec s = { .v = 9, .gen = MONC_MAX_MONS, .nranks = -1 };
	struct monc_monmap *map;
	size_t len;
	u8 *blob;
	int i;

	len = build(test, &s, &blob, NULL);
	KUNIT_ASSERT_EQ(test, decode(test, blob, len, &map), 0);
	KUNIT_ASSERT_EQ(test, map->num_mon, (u32)MONC_MAX_MONS);
	for (i = 0; i < MONC_MAX_MONS; i++) {
		char name[8];

		snprintf(name, sizeof(name), "m%d", i);
		KUNIT_EXPECT_STREQ(test, map->mon[i].name, name);
		expect_v4(test, &map->mon[i].addr, 0x0a000001 | i << 8, 6789);
	}

	s.v = 1;
	len = build(test, &s, &blob, NULL);
	KUNIT_ASSERT_EQ(test, decode(test, blob, len, &map), 0);
	KUNIT_EXPECT_EQ(test, map->num_mon, (u32)MONC_MAX_MONS);
}

/* ---- Maps that must be refused ---------------------------------------- */

static const struct tmon no_addr[] = {
	{ "a", 0, {} },
};

static const struct tmon none_addr[] = {
	{ "a", 1, { A4(T_NONE, 127, 0, 0, 1, 6789) } },
};

static const struct tmon bad_family[] = {
	{ "a", 2, { A4(T_V2, 127, 0, 0, 1, 3300),
		    { T_LEG, AF_BAD, 6789, { 127, 0, 0, 1 } } } },
};

static const struct tmon dup_names[] = {
	{ "a", 1, { A4(T_LEG, 127, 0, 0, 1, 6789) } },
	{ "a", 1, { A4(T_LEG, 127, 0, 0, 2, 6789) } },
};

static const struct tmon tmon_empty_name[] = {
	{ "", 1, { A4(T_LEG, 127, 0, 0, 1, 6789) } },
};

static const struct tmon many_addrs[] = {
	{ "a", MONC_ADDRVEC_MAX + 1, {
		[0 ... MONC_ADDRVEC_MAX] = A4(T_LEG, 127, 0, 0, 1, 6789) } },
};

#define V9(...)		{ .v = 9, .nranks = -1, __VA_ARGS__ }
#define THREE		.nmon = 3, .mon = three4

struct reject_case {
	const char *name;
	struct tspec s;
};

static const struct reject_case reject_cases[] = {
	{ "no monitors (v9)", V9(.nmon = 0) },
	{ "no monitors (v1)", { .v = 1, .nmon = 0 } },
	{ "no monitors (v2)", { .v = 2, .nmon = 0 } },
	{ "no monitors (v5)", { .v = 5, .nmon = 0 } },
	{ "MONC_MAX_MONS + 1 monitors (v9)", V9(.gen = MONC_MAX_MONS + 1) },
	{ "MONC_MAX_MONS + 1 monitors (v1)",
	  { .v = 1, .gen = MONC_MAX_MONS + 1 } },
	{ "count 0xffffffff (overflows when multiplied)",
	  V9(THREE, .set_count = true, .count = 0xffffffff) },
	{ "count 0x80000000 (negative as s32)",
	  V9(THREE, .set_count = true, .count = 0x80000000) },
	{ "count 0x20000000 (x8 wraps u32)",
	  V9(THREE, .set_count = true, .count = 0x20000000) },
	{ "count one more than encoded (v9)",
	  V9(THREE, .set_count = true, .count = 4) },
	{ "count one more than encoded (v1)",
	  { .v = 1, THREE, .set_count = true, .count = 4 } },
	{ "count 0xffffffff (v2)",
	  { .v = 2, THREE, .set_count = true, .count = 0xffffffff } },
	{ "compat 10, newer than we know",
	  { .v = 10, .compat = 10, THREE, .nranks = -1 } },
	{ "compat 0xff", { .v = 0xff, .compat = 0xff, THREE, .nranks = -1 } },
	{ "struct len one past the end", V9(THREE, .len_delta = 1) },
	{ "struct len 0xffffffff", V9(THREE, .set_len = true,
				      .len = 0xffffffff) },
	{ "struct len 0x7fffffff", V9(THREE, .set_len = true,
				      .len = 0x7fffffff) },
	{ "struct len ends inside the ranks", V9(THREE, .len_delta = -20) },
	{ "struct len 0", V9(THREE, .set_len = true, .len = 0) },
	{ "mon_info_t compat 6", V9(THREE, .info_compat = 6) },
	{ "mon_info_t len past the end", V9(THREE, .info_len_delta = 4096) },
	{ "mon_info_t len cuts its addrvec", V9(THREE, .info_len_delta = -9) },
	{ "unknown address family (v9)",
	  V9(.nmon = 1, .mon = bad_family) },
	{ "unknown address family (v1)",
	  { .v = 1, .nmon = 1, .mon = bad_family } },
	{ "unknown address family (v2)",
	  { .v = 2, .nmon = 1, .mon = bad_family } },
	{ "unknown address family (v3)",
	  { .v = 3, .nmon = 1, .mon = bad_family } },
	{ "duplicate names (v9)", { .v = 9, .nmon = 2, .mon = dup_names,
				    .nranks = 2, .ranks = { "a", "a" } } },
	{ "duplicate names (v2)", { .v = 2, .nmon = 2, .mon = dup_names } },
	{ "duplicate names (v5)", { .v = 5, .nmon = 2, .mon = dup_names } },
	{ "monitor without an address (v9, empty addrvec)",
	  V9(.nmon = 1, .mon = no_addr) },
	{ "monitor whose one address is of type NONE (v9)",
	  V9(.nmon = 1, .mon = none_addr) },
	{ "monitor whose one address is of type NONE (v3)",
	  { .v = 3, .nmon = 1, .mon = none_addr } },
	{ "addrvec above MONC_ADDRVEC_MAX", V9(.nmon = 1, .mon = many_addrs) },
	{ "a monitor ranked twice",
	  { .v = 9, THREE, .nranks = 3, .ranks = { "a", "b", "a" } } },
	{ "a rank naming an unknown monitor",
	  { .v = 9, THREE, .nranks = 3, .ranks = { "a", "b", "d" } } },
	{ "fewer ranks than monitors",
	  { .v = 9, THREE, .nranks = 2, .ranks = { "a", "b" } } },
	{ "more ranks than monitors",
	  { .v = 9, THREE, .nranks = 4, .ranks = { "a", "b", "c", "a" } } },
	{ "legacy version 0", { .v = 0, THREE } },
	{ "legacy version 0x0101", { .v = 1, THREE, .legacy_hi = 1 } },
	{ "legacy version 0x0102", { .v = 2, THREE, .legacy_hi = 1 } },
	{ "empty name (v9)", V9(.nmon = 1, .mon = tmon_empty_name) },
	{ "empty name (v2)", { .v = 2, .nmon = 1, .mon = tmon_empty_name } },
	{ "name with a NUL inside", V9(THREE, .nul_name = true) },
	{ "mon_info_t name differs from its key",
	  V9(THREE, .info_name = "d") },
};

/*
 * The rejection table: the named cases above, then every truncation of
 * the two captured maps, each its own case. The parameter is a pointer
 * into case_ids[], whose index says which.
 */
#define N_NAMED		ARRAY_SIZE(reject_cases)
#define N_TRUNC_V9	sizeof(pacific_v9_blob)
#define N_TRUNC_V1	sizeof(pacific_legacy_v1_blob)
#define N_TRUNC_T	sizeof(tentacle_v10_v2_blob)
#define N_REJECT	(N_NAMED + N_TRUNC_V9 + N_TRUNC_V1 + N_TRUNC_T)

static const u8 case_ids[N_REJECT];

static void reject_desc(const u8 *id, char *desc)
{
	size_t i = id - case_ids;

	if (i < N_NAMED)
		strscpy(desc, reject_cases[i].name, KUNIT_PARAM_DESC_SIZE);
	else if (i < N_NAMED + N_TRUNC_V9)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE,
			 "Pacific v9 map truncated to %zu of %zu bytes",
			 i - N_NAMED, N_TRUNC_V9);
	else if (i < N_NAMED + N_TRUNC_V9 + N_TRUNC_V1)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE,
			 "Pacific legacy v1 map truncated to %zu of %zu bytes",
			 i - N_NAMED - N_TRUNC_V9, N_TRUNC_V1);
	else
		snprintf(desc, KUNIT_PARAM_DESC_SIZE,
			 "Tentacle v1+v2 map truncated to %zu of %zu bytes",
			 i - N_NAMED - N_TRUNC_V9 - N_TRUNC_V1, N_TRUNC_T);
}

KUNIT_ARRAY_PARAM(reject, case_ids, reject_desc);

static void reject_test(struct kunit *test)
{
	size_t i = (const u8 *)test->param_value - case_ids;
	struct monc_monmap *map;
	size_t len;
	u8 *blob;

	if (i < N_NAMED) {
		len = build(test, &reject_cases[i].s, &blob, NULL);
		KUNIT_EXPECT_EQ(test, decode(test, blob, len, &map), -EINVAL);
	} else if (i < N_NAMED + N_TRUNC_V9) {
		len = i - N_NAMED;
		KUNIT_EXPECT_EQ(test, decode(test, pacific_v9_blob, len, &map),
				-EINVAL);
	} else if (i < N_NAMED + N_TRUNC_V9 + N_TRUNC_V1) {
		len = i - N_NAMED - N_TRUNC_V9;
		KUNIT_EXPECT_EQ(test, decode(test, pacific_legacy_v1_blob, len,
					     &map), -EINVAL);
	} else {
		len = i - N_NAMED - N_TRUNC_V9 - N_TRUNC_V1;
		KUNIT_EXPECT_EQ(test, decode(test, tentacle_v10_v2_blob, len,
					     &map), -EINVAL);
	}
}

/*
 * The encoder is right: each rejected map, undamaged, decodes. (Without
 * this the table could pass on an encoder bug.)
 */
static void reject_baseline_test(struct kunit *test)
{
	struct tspec s = { .v = 9, .nmon = 3, .mon = three4, .nranks = -1 };
	struct monc_monmap *map;
	size_t len;
	u8 *blob;
	int v;

	for (v = 1; v <= 10; v++) {
		s.v = v;
		len = build(test, &s, &blob, NULL);
		KUNIT_EXPECT_EQ_MSG(test, decode(test, blob, len, &map), 0,
				    "v%d", v);
	}
	/* and the encoder's v9 is byte for byte what Pacific sent */
	{
		static const struct tmon a[] = {
			{ "a", 1, { A4(T_LEG, 127, 0, 0, 1, 6789) } },
		};
		struct tspec p = { .v = 9, .nmon = 1, .mon = a, .nranks = -1 };

		len = build(test, &p, &blob, NULL);
		KUNIT_ASSERT_EQ(test, len, sizeof(pacific_v9_blob));
		/* epoch and the two utime_t differ: the encoder's own */
		KUNIT_EXPECT_EQ(test, memcmp(blob, pacific_v9_blob, 22), 0);
		KUNIT_EXPECT_EQ(test, memcmp(blob + 42, pacific_v9_blob + 42,
					     len - 42), 0);
	}
}

/* What every decoded map must satisfy, whatever bytes it came from. */
static void expect_sane(struct kunit *test, const struct monc_monmap *map)
{
	u32 i, j;

	KUNIT_ASSERT_GE(test, map->num_mon, 1U);
	KUNIT_ASSERT_LE(test, map->num_mon, (u32)MONC_MAX_MONS);
	for (i = 0; i < map->num_mon; i++) {
		const struct monc_mon_info *m = &map->mon[i];

		KUNIT_EXPECT_EQ(test, m->rank, i);
		KUNIT_EXPECT_GT(test, strnlen(m->name, sizeof(m->name)), 0);
		KUNIT_EXPECT_LT(test, strnlen(m->name, sizeof(m->name)),
				sizeof(m->name));
		/* an address of either kind; each set one of its kind */
		KUNIT_EXPECT_TRUE(test, m->addr.ss.ss_family ||
				  m->addr_v2.ss.ss_family);
		if (m->addr.ss.ss_family)
			KUNIT_EXPECT_TRUE(test, monc_addr_is_v1(&m->addr));
		if (m->addr_v2.ss.ss_family)
			KUNIT_EXPECT_TRUE(test, monc_addr_is_v2(&m->addr_v2));
		KUNIT_EXPECT_TRUE(test, !m->addr.ss.ss_family ||
				  m->addr.ss.ss_family == AF_INET ||
				  m->addr.ss.ss_family == AF_INET6);
		KUNIT_EXPECT_TRUE(test, !m->addr_v2.ss.ss_family ||
				  m->addr_v2.ss.ss_family == AF_INET ||
				  m->addr_v2.ss.ss_family == AF_INET6);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, m->name, map->mon[j].name);
	}
}

/*
 * Every byte of a real and of an encoded map, set to each of a few values:
 * the decoder either refuses the result or returns a sane map, and never
 * reads outside the buffer (KASAN) or leaks (kmemleak, after the run).
 */
static void mutate_test(struct kunit *test)
{
	static const u8 vals[] = { 0x00, 0x01, 0x02, 0x7f, 0x80, 0xff };
	struct tspec s = { .v = 9, .nmon = 3, .mon = three6, .nranks = -1 };
	struct monc_monmap *map;
	unsigned int accepted = 0, refused = 0;
	const u8 *blobs[3];
	size_t lens[3], i, k;
	u8 *blob, *copy;
	int b, ret;

	blobs[0] = pacific_v9_blob;
	lens[0] = sizeof(pacific_v9_blob);
	lens[1] = build(test, &s, &blob, NULL);
	blobs[1] = blob;
	blobs[2] = tentacle_v10_v2_blob;
	lens[2] = sizeof(tentacle_v10_v2_blob);

	for (b = 0; b < 3; b++) {
		copy = kunit_kmalloc(test, lens[b], GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
		for (i = 0; i < lens[b]; i++) {
			for (k = 0; k < ARRAY_SIZE(vals); k++) {
				memcpy(copy, blobs[b], lens[b]);
				if (copy[i] == vals[k])
					continue;
				copy[i] = vals[k];
				map = NULL;
				ret = monc_monmap_decode(copy, lens[b], &map);
				if (ret) {
					KUNIT_ASSERT_EQ(test, ret, -EINVAL);
					KUNIT_ASSERT_NULL(test, map);
					refused++;
					continue;
				}
				accepted++;
				KUNIT_ASSERT_NOT_NULL(test, map);
				expect_sane(test, map);
				kfree(map);
			}
		}
	}
	kunit_info(test, "%u mutants accepted, %u refused\n", accepted,
		   refused);
	KUNIT_EXPECT_GT(test, refused, 0U);
}

/* ---- Building, looking up, picking ------------------------------------ */

static void set_v4(struct sockaddr_storage *ss, u32 ip, u16 port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	memset(ss, 0x77, sizeof(*ss));	/* padding must not matter */
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	in->sin_addr.s_addr = htonl(ip);
}

static void set_v6(struct sockaddr_storage *ss, u8 last, u16 port, u32 scope)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	in6->sin6_addr.s6_addr[0] = 0x20;
	in6->sin6_addr.s6_addr[15] = last;
	in6->sin6_scope_id = scope;
}

static void from_addrs_test(struct kunit *test)
{
	struct sockaddr_storage *ss;
	struct monc_monmap *map;
	int i;

	ss = kunit_kcalloc(test, MONC_MAX_MONS + 1, sizeof(*ss), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ss);
	set_v4(&ss[0], 0x7f000001, 6789);
	set_v6(&ss[1], 1, 6789, 0);
	set_v4(&ss[2], 0x7f000001, 6790);

	map = monc_monmap_from_addrs(ss, 3, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	own_map(test, map);
	KUNIT_EXPECT_EQ(test, map->epoch, 0);
	KUNIT_EXPECT_TRUE(test, uuid_is_null(&map->fsid));
	KUNIT_ASSERT_EQ(test, map->num_mon, 3);
	KUNIT_EXPECT_STREQ(test, map->mon[0].name, "noname-0");
	KUNIT_EXPECT_STREQ(test, map->mon[2].name, "noname-2");
	KUNIT_EXPECT_EQ(test, map->mon[1].rank, 1);
	KUNIT_EXPECT_EQ(test, map->mon[1].addr.type,
			(u32)MONC_ADDR_TYPE_LEGACY);
	expect_v4(test, &map->mon[2].addr, 0x7f000001, 6790);
	KUNIT_EXPECT_EQ(test, monc_monmap_find(map, &ss[1]), 1);
	KUNIT_EXPECT_EQ(test, monc_monmap_find(map, &ss[2]), 2);

	KUNIT_EXPECT_NULL(test, monc_monmap_from_addrs(ss, 0, GFP_KERNEL));
	for (i = 0; i <= MONC_MAX_MONS; i++)
		set_v4(&ss[i], 0x7f000001, 6789 + i);
	map = monc_monmap_from_addrs(ss, MONC_MAX_MONS, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	own_map(test, map);
	KUNIT_EXPECT_EQ(test, map->num_mon, MONC_MAX_MONS);
	KUNIT_EXPECT_EQ(test, monc_monmap_find(map, &ss[MONC_MAX_MONS - 1]),
			MONC_MAX_MONS - 1);
	KUNIT_EXPECT_NULL(test, monc_monmap_from_addrs(ss, MONC_MAX_MONS + 1,
						       GFP_KERNEL));
	ss[1].ss_family = AF_BAD;
	KUNIT_EXPECT_NULL(test, monc_monmap_from_addrs(ss, 3, GFP_KERNEL));
	ss[1].ss_family = 0;
	KUNIT_EXPECT_NULL(test, monc_monmap_from_addrs(ss, 3, GFP_KERNEL));
}

/* ms_mode: the initial addresses' kind, and the option's values. */
static void ms_mode_test(struct kunit *test)
{
	struct sockaddr_storage *ss;
	struct monc_monmap *map;

	ss = kunit_kcalloc(test, 2, sizeof(*ss), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ss);
	set_v4(&ss[0], 0x7f000001, 6789);
	set_v4(&ss[1], 0x7f000001, MONC_MSGR2_PORT);
	map = monc_monmap_from_addrs(ss, 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	own_map(test, map);
	/* by default, port 3300 is a v2 address and any other a v1 one */
	KUNIT_EXPECT_EQ(test, map->mon[0].addr.type, (u32)MONC_ADDR_TYPE_LEGACY);
	KUNIT_EXPECT_EQ(test, map->mon[0].addr_v2.ss.ss_family, 0);
	KUNIT_EXPECT_EQ(test, map->mon[1].addr.ss.ss_family, 0);
	KUNIT_EXPECT_EQ(test, map->mon[1].addr_v2.type,
			(u32)MONC_ADDR_TYPE_MSGR2);
	expect_v4(test, &map->mon[1].addr_v2, 0x7f000001, MONC_MSGR2_PORT);
	KUNIT_EXPECT_EQ(test, monc_monmap_lacking(map, false), 2ULL);
	KUNIT_EXPECT_EQ(test, monc_monmap_find(map, &ss[1]), 1);

	/* a msgr2 ms_mode: all v2, whatever the port */
	monc_monmap_set_kind(map, true);
	KUNIT_EXPECT_EQ(test, monc_monmap_lacking(map, true), 0ULL);
	KUNIT_EXPECT_EQ(test, monc_monmap_lacking(map, false), 3ULL);
	expect_v4(test, &map->mon[0].addr_v2, 0x7f000001, 6789);
	KUNIT_EXPECT_EQ(test, map->mon[0].addr_v2.type,
			(u32)MONC_ADDR_TYPE_MSGR2);
	/* legacy: all v1 */
	monc_monmap_set_kind(map, false);
	KUNIT_EXPECT_EQ(test, monc_monmap_lacking(map, false), 0ULL);
	KUNIT_EXPECT_EQ(test, monc_monmap_lacking(map, true), 3ULL);
	expect_v4(test, &map->mon[1].addr, 0x7f000001, MONC_MSGR2_PORT);
	KUNIT_EXPECT_EQ(test, map->mon[1].addr.type,
			(u32)MONC_ADDR_TYPE_LEGACY);

	/* no port (0): both kinds, on 6789 and 3300; a mode keeps its own */
	set_v4(&ss[0], 0x7f000001, 0);
	map = monc_monmap_from_addrs(ss, 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	own_map(test, map);
	expect_v4(test, &map->mon[0].addr, 0x7f000001, MONC_DEFAULT_PORT);
	KUNIT_EXPECT_EQ(test, map->mon[0].addr.type, (u32)MONC_ADDR_TYPE_LEGACY);
	expect_v4(test, &map->mon[0].addr_v2, 0x7f000001, MONC_MSGR2_PORT);
	KUNIT_EXPECT_EQ(test, map->mon[0].addr_v2.type,
			(u32)MONC_ADDR_TYPE_MSGR2);
	monc_monmap_set_kind(map, true);
	KUNIT_EXPECT_EQ(test, map->mon[0].addr.ss.ss_family, 0);
	expect_v4(test, &map->mon[0].addr_v2, 0x7f000001, MONC_MSGR2_PORT);
	map = monc_monmap_from_addrs(ss, 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	own_map(test, map);
	monc_monmap_set_kind(map, false);
	KUNIT_EXPECT_EQ(test, map->mon[0].addr_v2.ss.ss_family, 0);
	expect_v4(test, &map->mon[0].addr, 0x7f000001, MONC_DEFAULT_PORT);

	KUNIT_EXPECT_EQ(test, monc_parse_ms_mode("legacy"), MONC_MS_MODE_LEGACY);
	KUNIT_EXPECT_EQ(test, monc_parse_ms_mode("crc"), MONC_MS_MODE_CRC);
	KUNIT_EXPECT_EQ(test, monc_parse_ms_mode("secure"), MONC_MS_MODE_SECURE);
	KUNIT_EXPECT_EQ(test, monc_parse_ms_mode("prefer-crc"),
			MONC_MS_MODE_PREFER_CRC);
	KUNIT_EXPECT_EQ(test, monc_parse_ms_mode("prefer-secure"),
			MONC_MS_MODE_PREFER_SECURE);
	KUNIT_EXPECT_EQ(test, monc_parse_ms_mode(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, monc_parse_ms_mode("CRC"), -EINVAL);
	KUNIT_EXPECT_EQ(test, monc_parse_ms_mode("crc "), -EINVAL);
}

struct eq_case {
	const char *name;
	int a_fam, b_fam;	/* 4, 6, or AF_BAD */
	u32 a_ip, b_ip;		/* v4 address, or v6 last byte */
	u16 a_port, b_port;
	u32 a_scope, b_scope;
	bool equal;
};

static const struct eq_case eq_cases[] = {
	{ "v4 same", 4, 4, 0x7f000001, 0x7f000001, 6789, 6789, 0, 0, true },
	{ "v4 other port", 4, 4, 0x7f000001, 0x7f000001, 6789, 6790, 0, 0,
	  false },
	{ "v4 other address", 4, 4, 0x7f000001, 0x7f000002, 6789, 6789, 0, 0,
	  false },
	{ "v6 same", 6, 6, 1, 1, 6789, 6789, 0, 0, true },
	{ "v6 other address", 6, 6, 1, 2, 6789, 6789, 0, 0, false },
	{ "v6 other port", 6, 6, 1, 1, 6789, 3300, 0, 0, false },
	{ "v6 other scope", 6, 6, 1, 1, 6789, 6789, 1, 2, false },
	{ "v4 and v6", 4, 6, 1, 1, 6789, 6789, 0, 0, false },
	{ "unknown families", AF_BAD, AF_BAD, 1, 1, 1, 1, 0, 0, false },
};

static void eq_desc(const struct eq_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(eq, eq_cases, eq_desc);

static void set_case_addr(struct sockaddr_storage *ss, int fam, u32 ip,
			  u16 port, u32 scope)
{
	if (fam == 4) {
		set_v4(ss, ip, port);
	} else if (fam == 6) {
		set_v6(ss, ip, port, scope);
	} else {
		memset(ss, 0, sizeof(*ss));
		ss->ss_family = fam;
	}
}

static void addr_equal_test(struct kunit *test)
{
	const struct eq_case *c = test->param_value;
	struct sockaddr_storage a, b;

	set_case_addr(&a, c->a_fam, c->a_ip, c->a_port, c->a_scope);
	set_case_addr(&b, c->b_fam, c->b_ip, c->b_port, c->b_scope);
	KUNIT_EXPECT_EQ(test, monc_addr_equal(&a, &b), c->equal);
	KUNIT_EXPECT_EQ(test, monc_addr_equal(&b, &a), c->equal);
}

static void find_contains_test(struct kunit *test)
{
	struct tspec s = { .v = 9, .nmon = 3, .mon = three6, .nranks = 3,
			   .ranks = { "z", "x", "y" } };
	struct sockaddr_storage ss;
	struct monc_monmap *map;
	size_t len;
	u8 *blob;

	len = build(test, &s, &blob, NULL);
	KUNIT_ASSERT_EQ(test, decode(test, blob, len, &map), 0);

	set_v4(&ss, 0x7f000001, 6789);		/* z, rank 0 */
	KUNIT_EXPECT_EQ(test, monc_monmap_find(map, &ss), 0);
	KUNIT_EXPECT_TRUE(test, monc_monmap_contains(map, &ss));
	set_v4(&ss, 0x7f000001, 3300);
	KUNIT_EXPECT_EQ(test, monc_monmap_find(map, &ss), -ENOENT);
	KUNIT_EXPECT_FALSE(test, monc_monmap_contains(map, &ss));
	set_v6(&ss, 1, 6789, 0);
	((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr[2] = 0x0d;
	((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr[1] = 0x01;
	((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr[3] = 0xb8;
	KUNIT_EXPECT_EQ(test, monc_monmap_find(map, &ss), 1);	/* x */
	/* x's msgr2 address finds it too */
	((struct sockaddr_in6 *)&ss)->sin6_port = htons(3300);
	KUNIT_EXPECT_EQ(test, monc_monmap_find(map, &ss), 1);
	((struct sockaddr_in6 *)&ss)->sin6_port = htons(3301);
	KUNIT_EXPECT_FALSE(test, monc_monmap_contains(map, &ss));
}

static void pick_test(struct kunit *test)
{
	struct sockaddr_storage ss[5];
	struct monc_monmap *map;
	unsigned int seen[5];
	u64 exclude;
	int i, r;

	for (i = 0; i < 5; i++)
		set_v4(&ss[i], 0x7f000001, 6789 + i);
	map = monc_monmap_from_addrs(ss, 5, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	own_map(test, map);

	for (exclude = 0; exclude < BIT_ULL(5); exclude++) {
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < 400; i++) {
			r = monc_monmap_pick(map, exclude);
			if (exclude == BIT_ULL(5) - 1) {
				KUNIT_ASSERT_EQ(test, r, -ENOENT);
				continue;
			}
			KUNIT_ASSERT_GE(test, r, 0);
			KUNIT_ASSERT_LT(test, r, 5);
			KUNIT_ASSERT_FALSE_MSG(test, exclude & BIT_ULL(r),
					       "picked excluded %d of %llx",
					       r, exclude);
			seen[r]++;
		}
		/* every candidate comes up (p of a miss: (3/4)^400) */
		for (i = 0; i < 5; i++)
			if (!(exclude & BIT_ULL(i)))
				KUNIT_EXPECT_GT_MSG(test, seen[i], 0U,
						    "never picked %d of %llx",
						    i, exclude);
	}
	/* bits above the map's monitors do not matter */
	KUNIT_EXPECT_EQ(test, monc_monmap_pick(map, ~0ULL << 5 | 0xf), 4);
	KUNIT_EXPECT_EQ(test, monc_monmap_pick(map, ~0ULL), -ENOENT);
	map->num_mon = 0;
	KUNIT_EXPECT_EQ(test, monc_monmap_pick(map, 0), -ENOENT);
}

/* ---- monc_parse_mon_addrs() ------------------------------------------ */

struct addrs_case {
	const char *s;
	char delim;
	int ret;		/* 0: ok with n addresses */
	unsigned int n;
	u16 port0;		/* the first address's port when ok */
	int bad_off;		/* on error: where the bad entry starts */
};

static const struct addrs_case addrs_cases[] = {
	{ "127.0.0.1:6789/127.0.0.1:6790/127.0.0.1:6791", '/', 0, 3, 6789 },
	{ "10.0.0.1", '/', 0, 1, 0 },	/* no port: 0 */
	{ "10.0.0.1:3300,10.0.0.2", ',', 0, 2, 3300 },
	{ "[::1]:6790/[fe80::2]", '/', 0, 2, 6790 },
	{ "::1", '/', 0, 1, 0 },
	{ "", '/', -EINVAL, 0, 0, 0 },
	{ "127.0.0.1/", '/', -EINVAL, 0, 0, 10 },
	{ "/127.0.0.1", '/', -EINVAL, 0, 0, 0 },
	{ "127.0.0.1//127.0.0.2", '/', -EINVAL, 0, 0, 10 },
	{ "127.0.0.1/300.0.0.1:6789", '/', -EINVAL, 0, 0, 10 },
	{ "127.0.0.1:0", '/', -EINVAL, 0, 0, 0 },
	{ "127.0.0.1:65536", '/', -EINVAL, 0, 0, 0 },
	{ "127.0.0.1:67x9", '/', -EINVAL, 0, 0, 0 },
	{ "127.0.0.1:", '/', -EINVAL, 0, 0, 0 },
	{ "[::1", '/', -EINVAL, 0, 0, 0 },
	{ "[::1]x6789", '/', -EINVAL, 0, 0, 0 },
	{ "[127.0.0.1]:6789", '/', -EINVAL, 0, 0, 0 },
	{ "mon.example.com:6789", '/', -EINVAL, 0, 0, 0 },
	{ "127.0.0.1/127.0.0.1", ',', -EINVAL, 0, 0, 0 },
};

static void addrs_desc(const struct addrs_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%s' (%c)", c->s, c->delim);
}

KUNIT_ARRAY_PARAM(addrs, addrs_cases, addrs_desc);

/* Issue #16 item 19: one mon_addr parser for every client module. */
static void parse_mon_addrs_test(struct kunit *test)
{
	const struct addrs_case *c = test->param_value;
	struct monc_options *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	const char *bad = NULL;
	size_t bad_len = 0;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, o);
	ret = monc_parse_mon_addrs(c->s, strlen(c->s), c->delim, o, &bad,
				   &bad_len);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret) {
		KUNIT_EXPECT_PTR_EQ(test, bad, c->s + c->bad_off);
		return;
	}
	KUNIT_EXPECT_EQ(test, o->num_mon, c->n);
	if (o->mon_addr[0].ss_family == AF_INET)
		KUNIT_EXPECT_EQ(test, ntohs(((struct sockaddr_in *)
					     &o->mon_addr[0])->sin_port),
				c->port0);
	else
		KUNIT_EXPECT_EQ(test, ntohs(((struct sockaddr_in6 *)
					     &o->mon_addr[0])->sin6_port),
				c->port0);
}

/* More than MONC_MAX_MONS, and a list that is not NUL-terminated. */
static void parse_mon_addrs_limits_test(struct kunit *test)
{
	struct monc_options *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	char *s = kunit_kzalloc(test, 16 * (MONC_MAX_MONS + 1), GFP_KERNEL);
	size_t len = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i <= MONC_MAX_MONS; i++)
		len += sprintf(s + len, "%s10.0.0.%d", i ? "/" : "", i + 1);
	KUNIT_EXPECT_EQ(test, monc_parse_mon_addrs(s, len, '/', o, NULL, NULL),
			-E2BIG);
	/* the first MONC_MAX_MONS of them, by length alone */
	KUNIT_EXPECT_EQ(test, monc_parse_mon_addrs(s, strrchr(s, '/') - s,
						   '/', o, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, o->num_mon, (unsigned int)MONC_MAX_MONS);
}

static struct kunit_case monc_monmap_test_cases[] = {
	KUNIT_CASE(pacific_v9_test),
	KUNIT_CASE(pacific_legacy_v1_test),
	KUNIT_CASE(tentacle_addrvec_test),
	KUNIT_CASE_PARAM(accept_test, accept_gen_params),
	KUNIT_CASE(max_mons_test),
	KUNIT_CASE(long_names_test),
	KUNIT_CASE_PARAM(parse_mon_addrs_test, addrs_gen_params),
	KUNIT_CASE(parse_mon_addrs_limits_test),
	KUNIT_CASE(reject_baseline_test),
	KUNIT_CASE_PARAM(reject_test, reject_gen_params),
	KUNIT_CASE(mutate_test),
	KUNIT_CASE(from_addrs_test),
	KUNIT_CASE(ms_mode_test),
	KUNIT_CASE_PARAM(addr_equal_test, eq_gen_params),
	KUNIT_CASE(find_contains_test),
	KUNIT_CASE(pick_test),
	{}
};

static struct kunit_suite monc_monmap_test_suite = {
	.name = "monc_monmap",
	.test_cases = monc_monmap_test_cases,
};

kunit_test_suite(monc_monmap_test_suite);

MODULE_DESCRIPTION("KUnit tests of monc's monmap.c");
MODULE_LICENSE("GPL");
