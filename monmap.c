// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor map: decode a MonMap as monitors send it, build the initial
 * map from option addresses, look monitors up and pick one to hunt.
 *
 * Locking: none here. A struct monc_monmap is never changed once built; the
 * session replaces it whole under its mutex (see mon_client.c). So nothing
 * in this file takes a lock or calls out of it.
 *
 * The encodings (Ceph's src/mon/MonMap.cc). A monitor picks one from the
 * features of the connection, so a client may see any of them:
 *
 *   v1	le16 1 (no MONNAMES): fsid, le32 epoch,
 *	vector<entity_inst_t> (rank order), utime_t last_changed, created
 *   v2	le16 2 (no MONENC): fsid, epoch, map<string, entity_addr_t>,
 *	last_changed, created
 *   v3-v5 ENCODE_START(v, 3) (no SERVER_NAUTILUS gives v5): fsid, epoch,
 *	map<string, entity_addr_t> mon_addr, last_changed, created;
 *	v4+: mon_feature_t persistent and optional features;
 *	v5: map<string, mon_info_t>, which supersedes mon_addr
 *   v6-v9 ENCODE_START(v, 6) (Pacific sends v9, compat 6): fsid, epoch,
 *	last_changed, created, the two mon_feature_t,
 *	map<string, mon_info_t>, vector<string> ranks, then fields a client
 *	does not need (v7 min_mon_release, v8 removed_ranks, strategy,
 *	disallowed_leaders, v9 the stretch mode fields), skipped by length
 *
 * mon_info_t is ENCODE_START(5, 1): string name, entity_addrvec_t
 * public_addrs (a single entity_addr_t in its v2, as v5 maps carry it),
 * v2+ le16 priority, v4+ le16 weight, v5+ map<string, string> crush_loc.
 *
 * The legacy u16 version is told from ENCODE_START as Ceph's
 * DECODE_START_LEGACY_COMPAT_LEN_16(9, 3, 3) does: a first byte below 3 is
 * the low byte of the le16 version, and no compat or length follows.
 *
 * Ranks. From v6 the map carries them: rank i is the monitor named by
 * ranks[i]. Before v6 Ceph computes them (MonMap::calc_legacy_ranks()): the
 * monitors sorted by their legacy address, compared as the bytes of Ceph's
 * in-memory entity_addr_t (le32 type, le32 nonce, then the sockaddr with its
 * family in host order, that is little-endian on every host Ceph supports)
 * and by name where addresses are equal. The decoded map is sorted by rank:
 * map->mon[i].rank == i.
 */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/jhash.h>
#include <linux/kstrtox.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "internal.h"
#include "fault.h"

/* The newest MonMap encoding and compat we understand. */
#define MONMAP_V_MAX		9
/* The oldest ENCODE_START form; older ones have a le16 version. */
#define MONMAP_V_ENCODE_START	3
/* The newest mon_info_t compat we understand. */
#define MON_INFO_V_MAX		5

/* Smallest encodings, to bound counts before anything is allocated. */
#define MIN_STR_LEN		4			/* le32 length */
#define MIN_ADDR_LEN		(1 + 6 + 12)		/* versioned, empty */
#define MIN_INST_LEN		(9 + MIN_ADDR_LEN)	/* name + addr */
#define MIN_MON_ADDR_LEN	(MIN_STR_LEN + MIN_ADDR_LEN)
#define MIN_MON_INFO_LEN	(MIN_STR_LEN + 6)	/* key + header */
#define UTIME_LEN		8			/* le32 sec, nsec */

/* Bytes of Ceph's entity_addr_t (type, nonce, sockaddr union). */
#define RANK_KEY_LEN		(8 + sizeof(struct sockaddr_in6))

/* The exclude mask of monc_monmap_pick() has a bit per monitor. */
static_assert(MONC_MAX_MONS <= 64);

static struct monc_monmap *monmap_alloc(u32 n, gfp_t gfp)
{
	struct monc_monmap *map;

	/* num_mon starts at 0: monitors are added one at a time */
	map = monc_kzalloc(struct_size(map, mon, n), gfp);
	return map;
}

/* A long name is kept as its first bytes, '~' and a hash of the whole. */
#define MONC_NAME_HASH_LEN	9	/* "~%08x" */

/*
 * A monitor name: at least one byte, no NUL inside (names are compared as
 * C strings, and a NUL would make two different wire names equal). Ceph
 * does not bound its length; a name longer than MONC_MON_NAME_MAX is
 * stored shortened to exactly that many bytes, its first ones then '~' and
 * the jhash of the whole name, so that the same wire name always gives the
 * same short one (the mon_info_t key, its inner name and the ranks are
 * matched by name) and two long names that share a prefix stay apart.
 */
static int dec_name(const void **p, const void *end, char *name,
		    const char **why)
{
	const size_t keep = MONC_MON_NAME_MAX - MONC_NAME_HASH_LEN;
	const char *s;
	u32 len;

	if (monc_dec_str(p, end, &s, &len)) {
		*why = "truncated name";
		return -EINVAL;
	}
	if (len == 0 || memchr(s, 0, len)) {
		*why = "bad name";
		return -EINVAL;
	}
	if (len > MONC_MON_NAME_MAX) {
		memcpy(name, s, keep);
		snprintf(name + keep, MONC_NAME_HASH_LEN + 1, "~%08x",
			 jhash(s, len, 0));
		return 0;
	}
	memcpy(name, s, len);
	name[len] = 0;
	return 0;
}

/* Whether mon[0..n) already holds @name. */
static bool name_taken(const struct monc_monmap *map, u32 n, const char *name)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (!strcmp(map->mon[i].name, name))
			return true;
	return false;
}

/*
 * Append a monitor whose name is already in mon[num_mon].name and whose
 * msgr v1 and msgr2 addresses are @v1 and @v2 (either zeroed if it has no
 * such address). A monitor with neither is refused: no client could reach
 * it. One with only one kind is kept; the session picks, among the
 * monitors, those its messenger can reach (monc_monmap_lacking()).
 */
static int add_mon(struct monc_monmap *map, const struct monc_entity_addr *v1,
		   const struct monc_entity_addr *v2, const char **why)
{
	struct monc_mon_info *m = &map->mon[map->num_mon];

	if (name_taken(map, map->num_mon, m->name)) {
		*why = "duplicate name";
		return -EINVAL;
	}
	if (!monc_addr_is_v1(v1) && !monc_addr_is_v2(v2)) {
		*why = "monitor without a v1 or v2 address";
		return -EINVAL;
	}
	if (monc_addr_is_v1(v1))
		m->addr = *v1;
	if (monc_addr_is_v2(v2))
		m->addr_v2 = *v2;
	m->rank = map->num_mon;
	map->num_mon++;
	return 0;
}

/* A monitor known by one address (the v1 to v5 forms), of either kind. */
static int add_mon_one(struct monc_monmap *map, const struct monc_entity_addr *a,
		       const char **why)
{
	static const struct monc_entity_addr none;

	return monc_addr_is_v2(a) ? add_mon(map, &none, a, why) :
				    add_mon(map, a, &none, why);
}

/* A le32 count of monitors, checked before it sizes the allocation. */
static int dec_num_mon(const void **p, const void *end, size_t min_size,
		       u32 *n, const char **why)
{
	if (monc_dec_count(p, end, min_size, n)) {
		*why = "monitor count past the end";
		return -EINVAL;
	}
	if (*n == 0) {
		*why = "no monitors";
		return -EINVAL;
	}
	if (*n > MONC_MAX_MONS) {
		*why = "too many monitors";
		return -EINVAL;
	}
	return 0;
}

/* v1: vector<entity_inst_t>, named by position as Ceph names them. */
static int dec_inst_vector(const void **p, const void *end,
			   struct monc_monmap **mapp, const char **why)
{
	struct monc_entity_addr a;
	struct monc_monmap *map;
	u32 n, i;

	if (dec_num_mon(p, end, MIN_INST_LEN, &n, why))
		return -EINVAL;
	map = monmap_alloc(n, GFP_NOFS);
	if (!map)
		return -ENOMEM;
	*mapp = map;
	for (i = 0; i < n; i++) {
		/* entity_name_t: u8 type, le64 num; the position is what counts */
		if (monc_dec_skip(p, end, 9) || monc_dec_addr(p, end, &a)) {
			*why = "truncated or bad entity_inst";
			return -EINVAL;
		}
		snprintf(map->mon[i].name, sizeof(map->mon[i].name), "%u", i);
		if (add_mon_one(map, &a, why))
			return -EINVAL;
	}
	return 0;
}

/*
 * map<string, entity_addr_t> mon_addr (v2-v5). Kept when @mapp is not NULL;
 * else (v5, where mon_info supersedes it) only checked and skipped.
 */
static int dec_mon_addr(const void **p, const void *end,
			struct monc_monmap **mapp, const char **why)
{
	char name[MONC_MON_NAME_MAX + 1];
	struct monc_entity_addr a;
	struct monc_monmap *map;
	u32 n, i;

	if (!mapp) {
		if (monc_dec_count(p, end, MIN_MON_ADDR_LEN, &n)) {
			*why = "mon_addr count past the end";
			return -EINVAL;
		}
		for (i = 0; i < n; i++) {
			if (dec_name(p, end, name, why))
				return -EINVAL;
			if (monc_dec_addr(p, end, &a)) {
				*why = "bad mon_addr address";
				return -EINVAL;
			}
		}
		return 0;
	}

	if (dec_num_mon(p, end, MIN_MON_ADDR_LEN, &n, why))
		return -EINVAL;
	map = monmap_alloc(n, GFP_NOFS);
	if (!map)
		return -ENOMEM;
	*mapp = map;
	for (i = 0; i < n; i++) {
		if (dec_name(p, end, map->mon[i].name, why))
			return -EINVAL;
		if (monc_dec_addr(p, end, &a)) {
			*why = "bad mon_addr address";
			return -EINVAL;
		}
		if (add_mon_one(map, &a, why))
			return -EINVAL;
	}
	return 0;
}

/* One mon_info_t, whose map key is already in mon[num_mon].name. */
static int dec_mon_info(const void **p, const void *end,
			struct monc_monmap *map, const char **why)
{
	char name[MONC_MON_NAME_MAX + 1];
	struct monc_entity_addr v1, v2;
	struct monc_struct_hdr h;
	const void *send;

	if (monc_dec_struct(p, end, MON_INFO_V_MAX, &h, &send)) {
		*why = "bad mon_info_t header";
		return -EINVAL;
	}
	if (dec_name(p, send, name, why))
		return -EINVAL;
	if (strcmp(name, map->mon[map->num_mon].name)) {
		*why = "mon_info_t name differs from its key";
		return -EINVAL;
	}
	if (monc_dec_addrvec_both(p, send, &v1, &v2)) {
		*why = "bad mon_info_t addrvec";
		return -EINVAL;
	}
	/* priority, weight, crush_loc and anything newer: not needed */
	*p = send;
	return add_mon(map, &v1, &v2, why);
}

/* map<string, mon_info_t> (v5+). */
static int dec_mon_info_map(const void **p, const void *end,
			    struct monc_monmap **mapp, const char **why)
{
	struct monc_monmap *map;
	u32 n, i;

	if (dec_num_mon(p, end, MIN_MON_INFO_LEN, &n, why))
		return -EINVAL;
	map = monmap_alloc(n, GFP_NOFS);
	if (!map)
		return -ENOMEM;
	*mapp = map;
	for (i = 0; i < n; i++) {
		if (dec_name(p, end, map->mon[i].name, why) ||
		    dec_mon_info(p, end, map, why))
			return -EINVAL;
	}
	return 0;
}

/* vector<string> ranks (v6+): every monitor exactly once. */
static int dec_ranks(const void **p, const void *end, struct monc_monmap *map,
		     const char **why)
{
	char name[MONC_MON_NAME_MAX + 1];
	u64 seen = 0;
	u32 n, i, j;

	if (monc_dec_count(p, end, MIN_STR_LEN, &n)) {
		*why = "ranks count past the end";
		return -EINVAL;
	}
	if (n != map->num_mon) {
		*why = "ranks and monitors differ in number";
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (dec_name(p, end, name, why))
			return -EINVAL;
		for (j = 0; j < map->num_mon; j++)
			if (!strcmp(map->mon[j].name, name))
				break;
		if (j == map->num_mon) {
			*why = "rank names an unknown monitor";
			return -EINVAL;
		}
		if (seen & BIT_ULL(j)) {
			*why = "monitor ranked twice";
			return -EINVAL;
		}
		seen |= BIT_ULL(j);
		map->mon[j].rank = i;
	}
	return 0;
}

static int cmp_rank(const void *a, const void *b)
{
	const struct monc_mon_info *x = a, *y = b;

	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Ceph's entity_addr_t as it sits in memory, for the legacy rank order. */
static void rank_key(const struct monc_entity_addr *a, u8 *key)
{
	put_unaligned_le32(a->type, key);
	put_unaligned_le32(a->nonce, key + 4);
	memcpy(key + 8, &a->ss, sizeof(struct sockaddr_in6));
	put_unaligned_le16(a->ss.ss_family, key + 8);
}

/* Ceph's legacy_or_front_addr(): before v6 a monitor has one address. */
static const struct monc_entity_addr *
legacy_or_front(const struct monc_mon_info *m)
{
	return m->addr.ss.ss_family ? &m->addr : &m->addr_v2;
}

static int cmp_legacy_rank(const void *a, const void *b)
{
	const struct monc_mon_info *x = a, *y = b;
	u8 kx[RANK_KEY_LEN], ky[RANK_KEY_LEN];
	int c;

	rank_key(legacy_or_front(x), kx);
	rank_key(legacy_or_front(y), ky);
	c = memcmp(kx, ky, RANK_KEY_LEN);
	return c ? c : strcmp(x->name, y->name);
}

/**
 * monc_monmap_decode_why() - decode a MonMap, saying why it was refused
 * @buf: the MonMap blob: for an MMonMap, the bytes after the le32 length
 *	that starts its front
 * @len: bytes in @buf
 * @out: the decoded map, on success
 * @reason: on failure, a static string saying what was wrong (may be NULL)
 *
 * Decodes every encoding a monitor may send (see the top of this file):
 * the le16 v1 and v2 forms, ENCODE_START(3..5, 3) and ENCODE_START(6..9,
 * 6). Keeps the fsid, the epoch and, per monitor, its name, its first
 * msgr v1 address (type LEGACY or ANY) and its first msgr2 address (type
 * MSGR2), either zeroed if it has none; the monitors come out sorted by
 * rank (mon[i].rank == i).
 *
 * The map is refused, with nothing allocated left behind, if it is
 * truncated anywhere, declares a length past the end, has a compat newer
 * than we know, no monitors, more than %MONC_MAX_MONS, a count that cannot
 * fit in the bytes left, an address of an unknown family, two monitors of
 * the same name, a monitor with neither a v1 nor a v2 address, or ranks
 * that do not name each monitor exactly once. Bytes after the map's struct (or after the
 * last field of a legacy map) are ignored, as Ceph ignores them.
 *
 * Context: process context; allocates with GFP_NOFS.
 * Return: 0 and the map in *@out (free it with kfree()), -EINVAL if the
 * map is malformed, or -ENOMEM.
 */
int monc_monmap_decode_why(const void *buf, size_t len,
			   struct monc_monmap **out, const char **reason)
{
	const void *p = buf, *end = buf + len;
	struct monc_monmap *map = NULL;
	struct monc_struct_hdr h;
	const char *why = "";
	uuid_t fsid;
	u32 epoch;
	u8 v, hi;
	int ret;

	if (monc_dec_u8(&p, end, &v)) {
		why = "empty";
		goto bad;
	}
	if (v < MONMAP_V_ENCODE_START) {
		/* the legacy le16 version; its map ends with the buffer */
		if (monc_dec_u8(&p, end, &hi) || v == 0 || hi) {
			why = "bad legacy version";
			goto bad;
		}
	} else {
		p = buf;
		if (monc_dec_struct(&p, end, MONMAP_V_MAX, &h, &end)) {
			why = "bad header, compat too new or length past the end";
			goto bad;
		}
	}
	if (monc_dec_fsid(&p, end, &fsid) || monc_dec_u32(&p, end, &epoch)) {
		why = "truncated fsid or epoch";
		goto bad;
	}

	if (v == 1)
		ret = dec_inst_vector(&p, end, &map, &why);
	else if (v < 6)
		ret = dec_mon_addr(&p, end, v < 5 ? &map : NULL, &why);
	else
		ret = 0;
	if (ret)
		goto fail;

	if (monc_dec_skip(&p, end, 2 * UTIME_LEN)) {
		why = "truncated last_changed or created";
		goto bad;
	}
	if (v >= 4 && (monc_dec_skip_struct(&p, end) ||
		       monc_dec_skip_struct(&p, end))) {
		why = "bad mon_feature_t";
		goto bad;
	}
	if (v >= 5) {
		ret = dec_mon_info_map(&p, end, &map, &why);
		if (ret)
			goto fail;
	}

	if (v >= 6) {
		if (dec_ranks(&p, end, map, &why))
			goto bad;
		sort(map->mon, map->num_mon, sizeof(map->mon[0]), cmp_rank,
		     NULL);
	} else {
		u32 i;

		sort(map->mon, map->num_mon, sizeof(map->mon[0]),
		     cmp_legacy_rank, NULL);
		for (i = 0; i < map->num_mon; i++)
			map->mon[i].rank = i;
	}
	/* min_mon_release and newer fields: skipped with the struct end */

	map->fsid = fsid;
	map->epoch = epoch;
	pr_debug("monmap v%u epoch %u fsid %pUb, %u monitors\n", v, epoch,
		 &fsid, map->num_mon);
	*out = map;
	return 0;

bad:
	ret = -EINVAL;
fail:
	if (ret == -EINVAL)
		pr_warn_ratelimited("bad monmap (%zu bytes): %s\n", len, why);
	if (reason)
		*reason = ret == -EINVAL ? why : "out of memory";
	kfree(map);
	return ret;
}

/**
 * monc_monmap_decode() - decode a MonMap
 * @buf: the MonMap blob
 * @len: bytes in @buf
 * @out: the decoded map, on success
 *
 * monc_monmap_decode_why() without the reason.
 *
 * Context: process context; allocates with GFP_NOFS.
 * Return: 0, -EINVAL or -ENOMEM.
 */
int monc_monmap_decode(const void *buf, size_t len, struct monc_monmap **out)
{
	return monc_monmap_decode_why(buf, len, out, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(monc_monmap_decode);

static u16 ss_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

static void ss_set_port(struct sockaddr_storage *ss, u16 port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/**
 * monc_monmap_from_addrs() - build the initial map from option addresses
 * @addrs: monitor addresses, struct sockaddr_in or sockaddr_in6
 * @n: entries in @addrs, 1 to %MONC_MAX_MONS
 * @gfp: allocation flags
 *
 * The map has epoch 0, a zero fsid, and monitors named "noname-0",
 * "noname-1", ... ranked in the order given, as a client knows them before
 * any monitor has sent the real map. Only the family, port and address of
 * each entry are kept. An entry on port %MONC_MSGR2_PORT is a v2 address;
 * one with port 0 (none given) is both, v1 on %MONC_DEFAULT_PORT and v2 on
 * %MONC_MSGR2_PORT; any other is a v1 address.
 *
 * Return: the map (free it with kfree()), or NULL if @n is out of range, an
 * address is neither AF_INET nor AF_INET6, or allocation fails.
 */
struct monc_monmap *monc_monmap_from_addrs(const struct sockaddr_storage *addrs,
					   unsigned int n, gfp_t gfp)
{
	struct monc_monmap *map;
	unsigned int i;

	if (n == 0 || n > MONC_MAX_MONS)
		return NULL;
	map = monmap_alloc(n, gfp);
	if (!map)
		return NULL;
	for (i = 0; i < n; i++) {
		struct monc_mon_info *m = &map->mon[i];

		switch (addrs[i].ss_family) {
		case AF_INET:
			memcpy(&m->addr.ss, &addrs[i], sizeof(struct sockaddr_in));
			break;
		case AF_INET6:
			memcpy(&m->addr.ss, &addrs[i], sizeof(struct sockaddr_in6));
			break;
		default:
			kfree(map);
			return NULL;
		}
		m->addr.type = MONC_ADDR_TYPE_LEGACY;
		switch (ss_port(&m->addr.ss)) {
		case 0:
			/* no port: both default ports, as Ceph's MonMap does */
			m->addr_v2 = m->addr;
			m->addr_v2.type = MONC_ADDR_TYPE_MSGR2;
			ss_set_port(&m->addr.ss, MONC_DEFAULT_PORT);
			ss_set_port(&m->addr_v2.ss, MONC_MSGR2_PORT);
			break;
		case MONC_MSGR2_PORT:
			/* the msgr2 port: a v2 address, as mount.ceph takes it */
			m->addr_v2 = m->addr;
			m->addr_v2.type = MONC_ADDR_TYPE_MSGR2;
			memset(&m->addr, 0, sizeof(m->addr));
			break;
		}
		m->rank = i;
		snprintf(m->name, sizeof(m->name), "noname-%u", i);
	}
	map->num_mon = n;
	return map;
}
EXPORT_SYMBOL_IF_KUNIT(monc_monmap_from_addrs);

/**
 * monc_addr_equal() - whether two socket addresses name the same endpoint
 * @a: an address
 * @b: another
 *
 * Compares family, port and address (and, for IPv6, the scope id); ignores
 * padding and the IPv6 flow label.
 *
 * Return: true if equal; false if not, or if the family is neither
 * AF_INET nor AF_INET6.
 */
bool monc_addr_equal(const struct sockaddr_storage *a,
		     const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	switch (a->ss_family) {
	case AF_INET: {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr,
			       sizeof(x->sin6_addr)) &&
		       x->sin6_scope_id == y->sin6_scope_id;
	}
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(monc_addr_equal);

/**
 * monc_monmap_find() - the index of a monitor, by address
 * @map: the map
 * @ss: the address, as monc_addr_equal() compares it
 *
 * A monitor is at @ss if its v1 or its v2 address is.
 *
 * Return: the index of the first monitor at @ss (its rank, for a decoded
 * map), or -ENOENT.
 */
int monc_monmap_find(const struct monc_monmap *map,
		     const struct sockaddr_storage *ss)
{
	u32 i;

	for (i = 0; i < map->num_mon; i++)
		if (monc_addr_equal(&map->mon[i].addr.ss, ss) ||
		    monc_addr_equal(&map->mon[i].addr_v2.ss, ss))
			return i;
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(monc_monmap_find);

/**
 * monc_monmap_contains() - whether a monitor is at an address
 * @map: the map
 * @ss: the address
 *
 * Return: true if monc_monmap_find() finds it.
 */
bool monc_monmap_contains(const struct monc_monmap *map,
			  const struct sockaddr_storage *ss)
{
	return monc_monmap_find(map, ss) >= 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_monmap_contains);

/**
 * monc_monmap_lacking() - the monitors a messenger cannot reach
 * @map: the map
 * @v2: true for msgr2, false for msgr v1
 *
 * For monc_monmap_pick()'s exclude mask: a monitor known only by a v2
 * address cannot be reached with msgr v1, nor one known only by a v1
 * address with msgr2.
 *
 * Return: bit i set if monitor i has no address of that kind.
 */
u64 monc_monmap_lacking(const struct monc_monmap *map, bool v2)
{
	u32 n = min_t(u32, map->num_mon, 64);
	u64 mask = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		const struct monc_mon_info *m = &map->mon[i];

		if (!(v2 ? &m->addr_v2 : &m->addr)->ss.ss_family)
			mask |= BIT_ULL(i);
	}
	return mask;
}
EXPORT_SYMBOL_IF_KUNIT(monc_monmap_lacking);

/**
 * monc_monmap_pick() - a random monitor to try
 * @map: the map
 * @exclude: bit i set means "not monitor i" (those being tried already, or
 *	the one that just failed)
 *
 * Every monitor not excluded is equally likely, so that clients spread
 * over the monitors when they hunt.
 *
 * Return: the index of a monitor not in @exclude, or -ENOENT if all are.
 */
int monc_monmap_pick(const struct monc_monmap *map, u64 exclude)
{
	u32 n = min_t(u32, map->num_mon, 64);
	u32 left = 0, k, i;

	for (i = 0; i < n; i++)
		if (!(exclude & BIT_ULL(i)))
			left++;
	if (!left)
		return -ENOENT;
	k = get_random_u32_below(left);
	for (i = 0; i < n; i++) {
		if (exclude & BIT_ULL(i))
			continue;
		if (!k--)
			return i;
	}
	return -ENOENT;	/* not reached */
}
EXPORT_SYMBOL_IF_KUNIT(monc_monmap_pick);

/* One address: ip, ip:port, [ip6], [ip6]:port or a bare ip6. */
static int parse_one_addr(const char *s, size_t len,
			  struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	const char *end = s + len, *port = NULL, *host, *p;
	unsigned int portnum = 0;	/* none given: the default ports */
	char pbuf[6];
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (!len)
		return -EINVAL;
	if (*s == '[') {
		p = memchr(s, ']', len);
		if (!p)
			return -EINVAL;
		host = s + 1;
		hlen = p - host;
		if (p + 1 < end) {
			if (p[1] != ':')
				return -EINVAL;
			port = p + 2;
		}
		if (!in6_pton(host, hlen, sin6->sin6_addr.s6_addr, -1, &p) ||
		    p != host + hlen)
			return -EINVAL;
		sin6->sin6_family = AF_INET6;
	} else if (in4_pton(s, len, (u8 *)&sin->sin_addr.s_addr, ':', &p) &&
		   (p == end || *p == ':')) {
		sin->sin_family = AF_INET;
		if (p < end)
			port = p + 1;
	} else if (in6_pton(s, len, sin6->sin6_addr.s6_addr, -1, &p) &&
		   p == end) {
		sin6->sin6_family = AF_INET6;
	} else {
		return -EINVAL;
	}
	if (port) {
		if (end - port < 1 || end - port >= sizeof(pbuf))
			return -EINVAL;
		memcpy(pbuf, port, end - port);
		pbuf[end - port] = '\0';
		if (kstrtouint(pbuf, 10, &portnum) || !portnum ||
		    portnum > 65535)
			return -EINVAL;
	}
	if (ss->ss_family == AF_INET)
		sin->sin_port = htons(portnum);
	else
		sin6->sin6_port = htons(portnum);
	return 0;
}

/**
 * monc_parse_mon_addrs() - parse a list of monitor addresses for the options
 * @str: the list: addresses separated by @delim, each an IPv4 address, an
 *	IPv6 address in brackets, either followed by ":port", or a bare IPv6
 *	address. A missing port is left 0, which monc_create() takes as
 *	Ceph's MonMap does: the monitor's v1 address on %MONC_DEFAULT_PORT
 *	(6789) and its v2 address on %MONC_MSGR2_PORT (3300). The syntax of
 *	fs/ceph's mon_addr= option (with @delim '/')
 * @len: the length of @str, which need not be NUL-terminated (it stops at
 *	a NUL)
 * @delim: the separator, '/' or ','; not a character of an address
 * @opts: its @mon_addr and @num_mon are filled in (nothing else); on
 *	error they are left in an unspecified state
 * @bad: if not NULL, set on error to the entry that is wrong (in @str)
 * @bad_len: if not NULL, set on error to that entry's length
 *
 * For client modules: a filesystem passes its mount option's value, then
 * fills the rest of @opts and calls monc_create(). An empty list, an empty
 * entry (two delimiters in a row, a trailing one), a bad address or a port
 * out of 1..65535 is refused.
 *
 * Context: any context; does not sleep or allocate.
 *
 * Return: 0, -EINVAL for a malformed list, or -E2BIG for more than
 * %MONC_MAX_MONS addresses.
 */
int monc_parse_mon_addrs(const char *str, size_t len, char delim,
			 struct monc_options *opts, const char **bad,
			 size_t *bad_len)
{
	const char *p = str, *end, *next;
	unsigned int n = 0;
	size_t elen = 0;
	int ret;

	end = str + strnlen(str, len);
	opts->num_mon = 0;
	if (p == end) {
		ret = -EINVAL;
		goto fail;
	}
	for (;;) {
		next = memchr(p, delim, end - p);
		elen = (next ? next : end) - p;
		if (n == MONC_MAX_MONS) {
			ret = -E2BIG;
			goto fail;
		}
		ret = parse_one_addr(p, elen, &opts->mon_addr[n]);
		if (ret)
			goto fail;
		n++;
		if (!next)
			break;
		p = next + 1;
		if (p == end) {		/* a trailing delimiter */
			elen = 0;
			ret = -EINVAL;
			goto fail;
		}
	}
	opts->num_mon = n;
	return 0;

fail:
	if (bad)
		*bad = p;
	if (bad_len)
		*bad_len = elen;
	return ret;
}
EXPORT_SYMBOL_GPL(monc_parse_mon_addrs);

/**
 * monc_parse_ms_mode() - parse an ms_mode= value
 * @str: "legacy", "crc", "secure", "prefer-crc" or "prefer-secure" (the
 *	values of fs/ceph's ms_mode= mount option), NUL-terminated
 *
 * For client modules: put the result in monc_options.ms_mode.
 *
 * Context: any context.
 *
 * Return: a %MONC_MS_MODE_* value, or -EINVAL for anything else.
 */
int monc_parse_ms_mode(const char *str)
{
	static const char *const names[] = {
		[MONC_MS_MODE_LEGACY] = "legacy",
		[MONC_MS_MODE_CRC] = "crc",
		[MONC_MS_MODE_SECURE] = "secure",
		[MONC_MS_MODE_PREFER_CRC] = "prefer-crc",
		[MONC_MS_MODE_PREFER_SECURE] = "prefer-secure",
	};
	unsigned int i;

	for (i = MONC_MS_MODE_LEGACY; i < ARRAY_SIZE(names); i++)
		if (!strcmp(str, names[i]))
			return i;
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(monc_parse_ms_mode);

/**
 * monc_monmap_set_kind() - make every address of an initial map one kind
 * @map: a map from monc_monmap_from_addrs()
 * @v2: true: each monitor's address becomes its msgr2 address; false: its
 *	msgr v1 address
 *
 * An ms_mode other than the default says which protocol the initial
 * addresses speak, whatever their port. A monitor given without a port has
 * both kinds, on the default port of each; it keeps the one asked for.
 */
void monc_monmap_set_kind(struct monc_monmap *map, bool v2)
{
	u32 i;

	for (i = 0; i < map->num_mon; i++) {
		struct monc_mon_info *m = &map->mon[i];
		struct monc_entity_addr a = m->addr.ss.ss_family ? m->addr :
					    m->addr_v2;

		if (m->addr.ss.ss_family && m->addr_v2.ss.ss_family) {
			/* both (no port given): keep the one of that kind */
			if (v2)
				memset(&m->addr, 0, sizeof(m->addr));
			else
				memset(&m->addr_v2, 0, sizeof(m->addr_v2));
			continue;
		}

		memset(&m->addr, 0, sizeof(m->addr));
		memset(&m->addr_v2, 0, sizeof(m->addr_v2));
		a.type = v2 ? MONC_ADDR_TYPE_MSGR2 : MONC_ADDR_TYPE_LEGACY;
		if (v2)
			m->addr_v2 = a;
		else
			m->addr = a;
	}
}
EXPORT_SYMBOL_IF_KUNIT(monc_monmap_set_kind);
