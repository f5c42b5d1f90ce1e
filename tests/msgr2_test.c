// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of messenger_v2.c, the msgr2.1 frame codec: known-answer
 * frames, built from doc/dev/msgr2.rst by an independent encoder (a
 * table-driven crc32c in Python, checked against the standard check value
 * of "123456789"), and hostile input: every truncation of every known
 * frame, every single-bit flip, bad crcs, bad lengths and segment counts,
 * unknown tags, an aborted late status, and malformed bodies.
 *
 * Inputs are copied into heap buffers of exactly their length, so a read
 * past the end is also a KASAN report.
 */
#include <kunit/test.h>
#include <linux/crc32c.h>
#include <linux/in.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "../internal.h"
#include "../messenger_v2.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

/*
 * A real exchange with a Tentacle 20.2.4 monitor bound to
 * v2:127.0.0.1:13300 only, auth none, crc mode, recorded by
 * tests/msgr2_capture.py (tests/msgr2-capture-tentacle.txt). The client's
 * frames were accepted by the monitor; the monitor's are as it sent them.
 * Client: HELLO to v2:127.0.0.1:13300; AUTH_REQUEST (none, crc; payload
 * mode MON, client.admin, global_id 0); AUTH_SIGNATURE (zeros, the same
 * frame as the monitor's);
 * CLIENT_IDENT (any:127.0.0.1:0/0x12345678, gid 4099, global_seq 1, monc's
 * features, cookie 0x0123456789abcdef); KEEPALIVE2 of
 * 1700000000.123456789; MMonSubscribe v3 (seq 1, tid 0, priority 127,
 * compat 1) for "monmap".
 * Monitor: banner (supported 3: revision 1 and compression, required 0),
 * HELLO (a monitor; we are v2:127.0.0.1:52414), AUTH_DONE (global_id
 * 4099, crc), AUTH_SIGNATURE (zeros: auth none has no key), SERVER_IDENT,
 * MMonMap (seq 1, priority 196, ack 1, flags 3; a MonMap v10 of one v2-only
 * monitor) and KEEPALIVE2_ACK.
 */
static const u8 cap_client_hello[72] = {
	0x01, 0x01, 0x24, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x3f, 0xbd, 0x6b, 0x06,
	0x08, 0x01, 0x01, 0x01, 0x1c, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0x33, 0xf4,
	0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x30, 0x05, 0x4a, 0xf0,
};

static const u8 cap_client_keepalive2[44] = {
	0x12, 0x01, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xd8, 0xd5, 0xf5, 0x99,
	0x00, 0xf1, 0x53, 0x65, 0x15, 0xcd, 0x5b, 0x07,
	0xc0, 0x52, 0x70, 0x86,
};

static const u8 cap_client_subscribe[117] = {
	0x11, 0x02, 0x29, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x1b, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x75, 0x3d, 0x9e, 0x07,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0f, 0x00, 0x7f, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x0a, 0xcd, 0xe1, 0x3a, 0x01, 0x00, 0x00,
	0x00, 0x06, 0x00, 0x00, 0x00, 0x6d, 0x6f, 0x6e,
	0x6d, 0x61, 0x70, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0e, 0x84, 0x40, 0xf1, 0x21, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00,
};

static const u8 cap_client_auth_request[74] = {
	0x02, 0x01, 0x26, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x8c, 0x5e, 0xe4, 0xbe,
	0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00,
	0x0a, 0x08, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00,
	0x00, 0x61, 0x64, 0x6d, 0x69, 0x6e, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd8, 0xed,
	0xe5, 0x0c,
};

static const u8 cap_client_ident[159] = {
	0x08, 0x01, 0x7b, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x73, 0x8a, 0x98, 0x95,
	0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01,
	0x1c, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x78, 0x56, 0x34, 0x12, 0x10, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x01, 0x1c, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x33, 0xf4, 0x7f,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xfe, 0xaa, 0xa4, 0x7a, 0xb8,
	0x8f, 0x01, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xef, 0xcd, 0xab, 0x89, 0x67,
	0x45, 0x23, 0x01, 0x40, 0x06, 0x68, 0x8c,
};

static const u8 cap_mon_banner[26] = {
	0x63, 0x65, 0x70, 0x68, 0x20, 0x76, 0x32, 0x0a,
	0x10, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

static const u8 cap_mon_hello[72] = {
	0x01, 0x01, 0x24, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x3f, 0xbd, 0x6b, 0x06,
	0x01, 0x01, 0x01, 0x01, 0x1c, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0xcc, 0xbe,
	0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x63, 0x81, 0x39, 0x95,
};

static const u8 cap_mon_auth_done[52] = {
	0x06, 0x01, 0x10, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x5b, 0x06, 0x30, 0xa6,
	0x03, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xf7, 0x9e, 0xcd, 0x83,
};

static const u8 cap_mon_auth_signature[68] = {
	0x07, 0x01, 0x20, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xa8, 0x0c, 0x98, 0x72,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x55, 0xc9, 0x6e, 0x75,
};

static const u8 cap_mon_server_ident[124] = {
	0x09, 0x01, 0x58, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x83, 0xa1, 0xf3, 0xe6,
	0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01,
	0x1c, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x33, 0xf4, 0x7f, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xfd, 0xff, 0xff, 0xff, 0x07, 0x3f,
	0x00, 0x00, 0x04, 0x02, 0x00, 0x02, 0x01, 0x0c,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xba, 0x60, 0x3a, 0x32,
};

static const u8 cap_mon_monmap[288] = {
	0x11, 0x02, 0x29, 0x00, 0x00, 0x00, 0x08, 0x00,
	0xc6, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x10, 0x57, 0x82, 0x1b,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0xc4, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00,
	0x00, 0xc7, 0xf0, 0x18, 0x83, 0xc2, 0x00, 0x00,
	0x00, 0x0a, 0x06, 0xbc, 0x00, 0x00, 0x00, 0x11,
	0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44,
	0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x01,
	0x00, 0x00, 0x00, 0xe0, 0xfd, 0x09, 0x6b, 0x4b,
	0x5a, 0x83, 0x3a, 0xe0, 0xfd, 0x09, 0x6b, 0x4b,
	0x5a, 0x83, 0x3a, 0x01, 0x01, 0x08, 0x00, 0x00,
	0x00, 0xff, 0x0f, 0x00, 0x80, 0x01, 0x00, 0x00,
	0x00, 0x01, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x61,
	0x06, 0x01, 0x3d, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x61, 0x02, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x01, 0x1c, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x33, 0xf4, 0x7f,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xe0, 0xfd, 0x09, 0x6b, 0xaf,
	0x37, 0x84, 0x3a, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x61, 0x14, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x0e, 0xe6, 0xce, 0x83, 0xd6,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const u8 cap_mon_keepalive2_ack[44] = {
	0x13, 0x01, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xec, 0x5e, 0xe0, 0x3b,
	0x00, 0xf1, 0x53, 0x65, 0x15, 0xcd, 0x5b, 0x07,
	0xc0, 0x52, 0x70, 0x86,
};

static const u8 kat_banner[MONC_V2_BANNER_FULL_LEN] = {
	'c', 'e', 'p', 'h', ' ', 'v', '2', '\n', 0x10, 0x00,
	0x01, 0, 0, 0, 0, 0, 0, 0,
	0x01, 0, 0, 0, 0, 0, 0, 0,
};

static const void *exact_copy(struct kunit *test, const void *src, size_t len)
{
	void *buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, src, len);
	return buf;
}

/* Parse @len bytes of @src from an exact-length copy. */
static int parse(struct kunit *test, const void *src, size_t len,
		 struct monc_v2_frame *f, size_t *need)
{
	return monc_v2_parse_frame(exact_copy(test, src, len), len, f, need);
}

/* Decode @len bytes of a banner payload from an exact-length copy. */
static int banner_payload(struct kunit *test, const void *src, size_t len,
			  u64 *feat)
{
	return monc_v2_decode_banner_payload(exact_copy(test, src, len), len,
					     feat);
}

static void v2_addr(struct monc_entity_addr *a, u16 port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;

	memset(a, 0, sizeof(*a));
	a->type = MONC_ADDR_TYPE_MSGR2;
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	in->sin_addr.s_addr = htonl(0x7f000001);
}

static void crc32c_check_test(struct kunit *test)
{
	/* the standard check value, raw (no final xor) as Ceph uses it */
	KUNIT_EXPECT_EQ(test, crc32c(~0U, "123456789", 9), 0x1cf96d7cU);
}

static void banner_test(struct kunit *test)
{
	u8 buf[MONC_V2_BANNER_FULL_LEN];
	u16 plen;
	u64 feat;
	u8 b[MONC_V2_BANNER_FULL_LEN];

	monc_v2_encode_banner(buf);
	KUNIT_EXPECT_EQ(test, memcmp(buf, kat_banner, sizeof(buf)), 0);

	KUNIT_EXPECT_EQ(test, monc_v2_decode_banner_prefix(kat_banner, &plen), 0);
	KUNIT_EXPECT_EQ(test, plen, 16);
	KUNIT_EXPECT_EQ(test, banner_payload(test, kat_banner + 10, 16, &feat),
			0);
	KUNIT_EXPECT_EQ(test, feat, 1ULL);

	/* Tentacle's: compression offered, nothing required */
	KUNIT_EXPECT_EQ(test, monc_v2_decode_banner_prefix(cap_mon_banner,
							   &plen), 0);
	KUNIT_EXPECT_EQ(test, banner_payload(test, cap_mon_banner + 10, plen,
					     &feat), 0);
	KUNIT_EXPECT_EQ(test, feat, 3ULL);

	/* a v1 banner, garbage, a short payload length */
	KUNIT_EXPECT_EQ(test, monc_v2_decode_banner_prefix("ceph v027\n", &plen),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, monc_v2_decode_banner_prefix("GET / HTTP", &plen),
			-EPROTO);
	memcpy(b, kat_banner, sizeof(b));
	b[8] = 15;
	KUNIT_EXPECT_EQ(test, monc_v2_decode_banner_prefix(b, &plen), -EINVAL);

	/* every truncation of the payload */
	for (plen = 0; plen < 16; plen++)
		KUNIT_EXPECT_EQ(test, banner_payload(test, kat_banner + 10,
						     plen, &feat), -EINVAL);
	/* a longer payload: its tail ignored */
	{
		u8 longer[24] = { 0x03, [8] = 0x01 };

		KUNIT_EXPECT_EQ(test, banner_payload(test, longer, 24, &feat),
				0);
		KUNIT_EXPECT_EQ(test, feat, 3ULL);
	}
	/* a peer without revision 1; one requiring compression */
	memcpy(b, kat_banner, sizeof(b));
	b[10] = 0;
	KUNIT_EXPECT_EQ(test, monc_v2_decode_banner_payload(b + 10, 16, &feat),
			-EOPNOTSUPP);
	memcpy(b, kat_banner, sizeof(b));
	b[10] = 3;
	b[18] = 3;
	KUNIT_EXPECT_EQ(test, monc_v2_decode_banner_payload(b + 10, 16, &feat),
			-EOPNOTSUPP);
}

/* Build a frame of @n segments into @out; the test fails if it fails. */
static ssize_t build(struct kunit *test, u8 tag, const void *const *segs,
		     const u32 *lens, unsigned int n, u8 *out, size_t size)
{
	ssize_t len = monc_v2_build_frame(tag, segs, lens, n, out, size);

	KUNIT_EXPECT_GT(test, len, 0);
	return len;
}

/* Our encoders give the client frames Tentacle accepted, byte for byte. */
static void known_answer_build_test(struct kunit *test)
{
	/* the MMonSubscribe front: segment 1 of the captured frame */
	const u8 *front = cap_client_subscribe + MONC_V2_PREAMBLE_LEN +
			  MONC_V2_HEADER2_LEN + MONC_V2_CRC_LEN;
	struct monc_msg_header hdr = {};
	struct monc_entity_addr peer;
	u8 ctrl[64], frame[160];
	const void *segs[4];
	u32 lens[4];
	void *p = ctrl;
	ssize_t n;

	v2_addr(&peer, 13300);
	KUNIT_ASSERT_EQ(test, monc_v2_encode_hello(&p, ctrl + sizeof(ctrl),
						   MONC_ENTITY_TYPE_CLIENT,
						   &peer), 0);
	segs[0] = ctrl;
	lens[0] = (u8 *)p - ctrl;
	n = build(test, MONC_V2_TAG_HELLO, segs, lens, 1, frame, sizeof(frame));
	KUNIT_ASSERT_EQ(test, n, (ssize_t)sizeof(cap_client_hello));
	KUNIT_EXPECT_EQ(test, memcmp(frame, cap_client_hello, n), 0);
	KUNIT_EXPECT_EQ(test, monc_v2_frame_len(MONC_V2_TAG_HELLO, lens, 1),
			sizeof(cap_client_hello));

	p = ctrl;
	KUNIT_ASSERT_EQ(test, monc_v2_encode_keepalive2(&p, ctrl + 8,
							1700000000,
							123456789), 0);
	lens[0] = 8;
	n = build(test, MONC_V2_TAG_KEEPALIVE2, segs, lens, 1, frame,
		  sizeof(frame));
	KUNIT_ASSERT_EQ(test, n, (ssize_t)sizeof(cap_client_keepalive2));
	KUNIT_EXPECT_EQ(test, memcmp(frame, cap_client_keepalive2, n), 0);

	hdr.seq = cpu_to_le64(1);
	hdr.type = cpu_to_le16(15);
	hdr.priority = cpu_to_le16(127);
	hdr.version = cpu_to_le16(3);
	hdr.compat_version = cpu_to_le16(1);
	p = ctrl;
	KUNIT_ASSERT_EQ(test, monc_v2_encode_header2(&p, ctrl + sizeof(ctrl),
						     &hdr, 0), 0);
	KUNIT_ASSERT_EQ(test, (u8 *)p - ctrl, MONC_V2_HEADER2_LEN);
	lens[0] = MONC_V2_HEADER2_LEN;
	segs[1] = front;
	lens[1] = get_unaligned_le32(cap_client_subscribe + 8);
	segs[2] = NULL;
	lens[2] = 0;
	segs[3] = NULL;
	lens[3] = 0;
	n = build(test, MONC_V2_TAG_MESSAGE, segs, lens, 4, frame,
		  sizeof(frame));
	KUNIT_ASSERT_EQ(test, n, (ssize_t)sizeof(cap_client_subscribe));
	KUNIT_EXPECT_EQ(test, memcmp(frame, cap_client_subscribe, n), 0);
	/* one byte short of room; an empty control segment */
	KUNIT_EXPECT_EQ(test, monc_v2_build_frame(MONC_V2_TAG_MESSAGE, segs,
						  lens, 4, frame, n - 1),
			(ssize_t)-ENOSPC);
	lens[0] = 0;
	KUNIT_EXPECT_EQ(test, monc_v2_build_frame(MONC_V2_TAG_MESSAGE, segs,
						  lens, 4, frame, n),
			(ssize_t)-EINVAL);
}

/* The auth and ident frames Tentacle accepted, byte for byte. */
static void known_answer_auth_build_test(struct kunit *test)
{
	static const u8 payload[] = {
		10,				/* AUTH_MODE_MON */
		8, 0, 0, 0, 5, 0, 0, 0, 'a', 'd', 'm', 'i', 'n',
		0, 0, 0, 0, 0, 0, 0, 0,		/* global_id 0 */
	};
	static const u32 modes[] = { MONC_V2_CON_MODE_CRC };
	struct monc_v2_client_ident ci = {
		.gid = 4099, .global_seq = 1,
		.features_supported = monc_supported_features,
		.cookie = 0x0123456789abcdefULL,
	};
	static const u8 zeros[32];
	struct monc_entity_addr me, peer;
	u8 ctrl[160], frame[200];
	const void *segs[1] = { ctrl };
	u32 lens[1];
	void *p = ctrl;
	ssize_t n;
	int ret;

	ret = monc_v2_encode_auth_request(&p, ctrl + sizeof(ctrl),
					  MONC_V2_AUTH_NONE, modes, 1, payload,
					  sizeof(payload));
	KUNIT_ASSERT_EQ(test, ret, 0);
	lens[0] = (u8 *)p - ctrl;
	n = build(test, MONC_V2_TAG_AUTH_REQUEST, segs, lens, 1, frame,
		  sizeof(frame));
	KUNIT_ASSERT_EQ(test, n, (ssize_t)sizeof(cap_client_auth_request));
	KUNIT_EXPECT_EQ(test, memcmp(frame, cap_client_auth_request, n), 0);

	segs[0] = zeros;
	lens[0] = sizeof(zeros);
	n = build(test, MONC_V2_TAG_AUTH_SIGNATURE, segs, lens, 1, frame,
		  sizeof(frame));
	/* both sides sent this same frame */
	KUNIT_ASSERT_EQ(test, n, (ssize_t)sizeof(cap_mon_auth_signature));
	KUNIT_EXPECT_EQ(test, memcmp(frame, cap_mon_auth_signature, n), 0);

	v2_addr(&me, 0);
	me.type = MONC_ADDR_TYPE_ANY;
	me.nonce = 0x12345678;
	v2_addr(&peer, 13300);
	p = ctrl;
	ret = monc_v2_encode_client_ident(&p, ctrl + sizeof(ctrl), &me, &peer,
					  &ci);
	KUNIT_ASSERT_EQ(test, ret, 0);
	segs[0] = ctrl;
	lens[0] = (u8 *)p - ctrl;
	n = build(test, MONC_V2_TAG_CLIENT_IDENT, segs, lens, 1, frame,
		  sizeof(frame));
	KUNIT_ASSERT_EQ(test, n, (ssize_t)sizeof(cap_client_ident));
	KUNIT_EXPECT_EQ(test, memcmp(frame, cap_client_ident, n), 0);
	/* one byte short */
	p = ctrl;
	ret = monc_v2_encode_client_ident(&p, ctrl + lens[0] - 1, &me, &peer,
					  &ci);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	p = ctrl;
	ret = monc_v2_encode_auth_request_more(&p, ctrl + 6, "abc", 3);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	p = ctrl;
	ret = monc_v2_encode_auth_request_more(&p, ctrl + 7, "abc", 3);
	KUNIT_EXPECT_EQ(test, ret, 0);
}

/* Parse a captured frame; the test stops if it does not parse whole. */
static void parse_cap(struct kunit *test, const u8 *cap, size_t len, u8 tag,
		      struct monc_v2_frame *f)
{
	size_t need = 0;

	KUNIT_ASSERT_EQ(test, parse(test, cap, len, f, &need), 0);
	KUNIT_EXPECT_EQ(test, need, len);
	KUNIT_ASSERT_EQ(test, f->desc.tag, tag);
}

/* Our decoders read what Tentacle sent. */
static void known_answer_parse_test(struct kunit *test)
{
	struct monc_v2_server_ident id;
	struct monc_v2_auth_done done;
	struct monc_entity_addr a, want;
	struct monc_msg_header hdr;
	struct monc_monmap *map;
	struct monc_v2_frame f;
	const char *blob;
	const void *cur;
	u32 sec, nsec, blen;
	u64 ack;
	int ret;
	u8 type;

	parse_cap(test, cap_mon_hello, sizeof(cap_mon_hello),
		  MONC_V2_TAG_HELLO, &f);
	KUNIT_EXPECT_EQ(test, f.desc.nseg, 1);
	ret = monc_v2_decode_hello(f.seg[0], f.seg[0] + f.desc.len[0], &type,
				   &a);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, type, MONC_ENTITY_TYPE_MON);
	v2_addr(&want, 52414);
	KUNIT_EXPECT_EQ(test, a.type, (u32)MONC_ADDR_TYPE_MSGR2);
	KUNIT_EXPECT_TRUE(test, monc_addr_equal(&a.ss, &want.ss));

	parse_cap(test, cap_mon_auth_done, sizeof(cap_mon_auth_done),
		  MONC_V2_TAG_AUTH_DONE, &f);
	ret = monc_v2_decode_auth_done(f.seg[0], f.seg[0] + f.desc.len[0],
				       &done);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, done.global_id, 4099ULL);
	KUNIT_EXPECT_EQ(test, done.con_mode, (u32)MONC_V2_CON_MODE_CRC);
	KUNIT_EXPECT_EQ(test, done.payload_len, 0U);

	parse_cap(test, cap_mon_auth_signature, sizeof(cap_mon_auth_signature),
		  MONC_V2_TAG_AUTH_SIGNATURE, &f);
	KUNIT_EXPECT_EQ(test, f.desc.len[0], 32U);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(f.seg[0], 0, 32));

	parse_cap(test, cap_mon_server_ident, sizeof(cap_mon_server_ident),
		  MONC_V2_TAG_SERVER_IDENT, &f);
	ret = monc_v2_decode_server_ident(f.seg[0], f.seg[0] + f.desc.len[0],
					  &id);
	KUNIT_ASSERT_EQ(test, ret, 0);
	v2_addr(&want, 13300);
	KUNIT_EXPECT_TRUE(test, monc_addr_equal(&id.addr.ss, &want.ss));
	KUNIT_EXPECT_EQ(test, id.gid, 0LL);
	KUNIT_EXPECT_EQ(test, id.global_seq, 2ULL);
	KUNIT_EXPECT_EQ(test, id.features_supported, 0x3f07fffffffdffffULL);
	KUNIT_EXPECT_EQ(test, id.features_required, 0x0c01020002040000ULL);
	KUNIT_EXPECT_EQ(test, id.flags, 1ULL);		/* lossy */

	parse_cap(test, cap_mon_keepalive2_ack, sizeof(cap_mon_keepalive2_ack),
		  MONC_V2_TAG_KEEPALIVE2_ACK, &f);
	ret = monc_v2_decode_keepalive2_ack(f.seg[0], f.seg[0] + f.desc.len[0],
					    &sec, &nsec);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, sec, 1700000000U);
	KUNIT_EXPECT_EQ(test, nsec, 123456789U);

	/* the MMonMap: a Tentacle MonMap of one v2-only monitor, decoded */
	parse_cap(test, cap_mon_monmap, sizeof(cap_mon_monmap),
		  MONC_V2_TAG_MESSAGE, &f);
	KUNIT_EXPECT_EQ(test, f.desc.nseg, 2);
	ret = monc_v2_decode_header2(f.seg[0], f.seg[0] + f.desc.len[0], &hdr,
				     &ack);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(hdr.seq), 1ULL);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(hdr.type), 4);	/* MON_MAP */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(hdr.priority), 196);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(hdr.version), 1);
	KUNIT_EXPECT_EQ(test, ack, 1ULL);
	cur = f.seg[1];
	KUNIT_ASSERT_EQ(test, monc_dec_str(&cur, f.seg[1] + f.desc.len[1],
					   &blob, &blen), 0);
	KUNIT_ASSERT_EQ(test, monc_monmap_decode(blob, blen, &map), 0);
	KUNIT_EXPECT_EQ(test, map->num_mon, 1U);
	KUNIT_EXPECT_STREQ(test, map->mon[0].name, "a");
	KUNIT_EXPECT_EQ(test, map->mon[0].addr.ss.ss_family, 0);
	KUNIT_EXPECT_TRUE(test, monc_addr_equal(&map->mon[0].addr_v2.ss,
						&want.ss));
	kfree(map);
}

static const struct {
	const u8 *p;
	size_t len;
} kats[] = {
	{ cap_client_hello, sizeof(cap_client_hello) },
	{ cap_client_auth_request, sizeof(cap_client_auth_request) },
	{ cap_client_ident, sizeof(cap_client_ident) },
	{ cap_client_keepalive2, sizeof(cap_client_keepalive2) },
	{ cap_client_subscribe, sizeof(cap_client_subscribe) },
	{ cap_mon_hello, sizeof(cap_mon_hello) },
	{ cap_mon_auth_done, sizeof(cap_mon_auth_done) },
	{ cap_mon_auth_signature, sizeof(cap_mon_auth_signature) },
	{ cap_mon_server_ident, sizeof(cap_mon_server_ident) },
	{ cap_mon_monmap, sizeof(cap_mon_monmap) },
	{ cap_mon_keepalive2_ack, sizeof(cap_mon_keepalive2_ack) },
};

/* Every truncation asks for more, never reads past the end. */
static void truncation_test(struct kunit *test)
{
	struct monc_v2_frame f;
	size_t k, len, need;
	int ret;

	for (k = 0; k < ARRAY_SIZE(kats); k++) {
		for (len = 0; len < kats[k].len; len++) {
			need = 0;
			ret = parse(test, kats[k].p, len, &f, &need);
			KUNIT_EXPECT_EQ_MSG(test, ret, -EAGAIN,
					    "frame %zu cut at %zu", k, len);
			KUNIT_EXPECT_EQ(test, need, len < MONC_V2_PREAMBLE_LEN ?
					MONC_V2_PREAMBLE_LEN : kats[k].len);
		}
	}
}

/*
 * Every single-bit flip is refused: crc32c catches every one, in the
 * preamble, a segment, the crcs or the late status (0x0e with a bit
 * flipped is no longer "complete" in its low nibble, or is 0x1e, 0x2e,
 * 0x4e, 0x8e: complete with a high bit set, which Ceph also accepts).
 */
static void bit_flip_test(struct kunit *test)
{
	struct monc_v2_frame f;
	size_t k, i, need, late_at;
	unsigned int bit, accepted = 0;
	u8 *buf;
	int ret;

	for (k = 0; k < ARRAY_SIZE(kats); k++) {
		buf = kunit_kmalloc(test, kats[k].len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		late_at = kats[k].len - MONC_V2_EPILOGUE_LEN;
		for (i = 0; i < kats[k].len; i++) {
			for (bit = 0; bit < 8; bit++) {
				memcpy(buf, kats[k].p, kats[k].len);
				buf[i] ^= 1 << bit;
				ret = monc_v2_parse_frame(buf, kats[k].len, &f,
							  &need);
				if (kats[k].p[1] > 1 && i == late_at &&
				    bit >= 4) {
					KUNIT_EXPECT_EQ(test, ret, 0);
					accepted++;
					continue;
				}
				KUNIT_EXPECT_TRUE_MSG(test, ret == -EBADMSG ||
						      ret == -EINVAL ||
						      ret == -EAGAIN,
						      "frame %zu byte %zu bit %u: %d",
						      k, i, bit, ret);
			}
		}
	}
	KUNIT_EXPECT_EQ(test, accepted, 8U);	/* two frames, 4 each */
}

/* A preamble with the given fields and a right crc. */
static void mk_preamble(u8 *b, u8 tag, u8 nseg, const u32 *lens)
{
	struct monc_v2_desc d = { .tag = tag, .nseg = nseg };
	int i;

	for (i = 0; i < MONC_V2_MAX_SEGMENTS; i++)
		d.len[i] = lens[i];
	monc_v2_encode_preamble(&d, b);
}

struct pre_case {
	const char *name;
	u8 tag;
	u8 nseg;
	u32 lens[4];
	int ret;
};

static const struct pre_case pre_cases[] = {
	{ "hello", MONC_V2_TAG_HELLO, 1, { 36 }, 0 },
	{ "four segments", MONC_V2_TAG_MESSAGE, 4, { 41, 1, 1, 1 }, 0 },
	{ "empty middle segments", MONC_V2_TAG_MESSAGE, 4, { 41, 0, 0, 1 }, 0 },
	{ "largest control", MONC_V2_TAG_AUTH_DONE, 1,
	  { MONC_V2_MAX_CONTROL_LEN }, 0 },
	{ "largest front", MONC_V2_TAG_MESSAGE, 2,
	  { 41, MONC_V2_MAX_FRONT_LEN }, 0 },
	{ "tag 0", 0, 1, { 8 }, -EINVAL },
	{ "tag past the last known", MONC_V2_TAG_MAX + 1, 1, { 8 }, -EINVAL },
	{ "tag 0xff", 0xff, 1, { 8 }, -EINVAL },
	{ "no segments", MONC_V2_TAG_HELLO, 0, { 8 }, -EINVAL },
	{ "five segments", MONC_V2_TAG_MESSAGE, 5, { 8, 1, 1, 1 }, -EINVAL },
	{ "255 segments", MONC_V2_TAG_MESSAGE, 255, { 8, 1, 1, 1 }, -EINVAL },
	{ "empty control", MONC_V2_TAG_HELLO, 1, { 0 }, -EINVAL },
	{ "empty last segment", MONC_V2_TAG_MESSAGE, 2, { 41, 0 }, -EINVAL },
	{ "control one past the limit", MONC_V2_TAG_AUTH_DONE, 1,
	  { MONC_V2_MAX_CONTROL_LEN + 1 }, -EINVAL },
	{ "control 0xffffffff", MONC_V2_TAG_AUTH_DONE, 1,
	  { 0xffffffff }, -EINVAL },
	{ "front one past the limit", MONC_V2_TAG_MESSAGE, 2,
	  { 41, MONC_V2_MAX_FRONT_LEN + 1 }, -EINVAL },
	{ "middle 0x80000000", MONC_V2_TAG_MESSAGE, 3,
	  { 41, 1, 0x80000000 }, -EINVAL },
	{ "data 0xffffffff", MONC_V2_TAG_MESSAGE, 4,
	  { 41, 1, 1, 0xffffffff }, -EINVAL },
};

static void pre_desc(const struct pre_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pre, pre_cases, pre_desc);

static void preamble_test(struct kunit *test)
{
	const struct pre_case *c = test->param_value;
	struct monc_v2_desc d;
	struct monc_v2_frame f;
	u8 b[MONC_V2_PREAMBLE_LEN];
	size_t need;
	int i, ret;

	mk_preamble(b, c->tag, c->nseg, c->lens);
	ret = monc_v2_decode_preamble(b, &d);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, d.tag, c->tag);
		KUNIT_EXPECT_EQ(test, d.nseg, c->nseg);
		for (i = 0; i < c->nseg; i++)
			KUNIT_EXPECT_EQ(test, d.len[i], c->lens[i]);
		/* and a frame with it asks for the whole of it */
		KUNIT_EXPECT_EQ(test, parse(test, b, sizeof(b), &f, &need),
				-EAGAIN);
		KUNIT_EXPECT_GT(test, need, (size_t)MONC_V2_PREAMBLE_LEN);
	} else {
		KUNIT_EXPECT_EQ(test, parse(test, b, sizeof(b), &f, &need),
				ret);
	}
	/* the same preamble with its crc off by one bit: refused first */
	b[MONC_V2_PREAMBLE_LEN - 1] ^= 0x80;
	KUNIT_EXPECT_EQ(test, monc_v2_decode_preamble(b, &d), -EBADMSG);
}

/* Bad crcs and late status, each alone with every other byte right. */
static void epilogue_test(struct kunit *test)
{
	size_t len = sizeof(cap_mon_monmap);
	size_t ctrl_crc = MONC_V2_PREAMBLE_LEN + MONC_V2_HEADER2_LEN;
	size_t late = len - MONC_V2_EPILOGUE_LEN;
	struct monc_v2_frame f;
	size_t need;
	u8 *b;
	int i;

	b = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);

	memcpy(b, cap_mon_monmap, len);
	put_unaligned_le32(get_unaligned_le32(b + ctrl_crc) + 1, b + ctrl_crc);
	KUNIT_EXPECT_EQ(test, monc_v2_parse_frame(b, len, &f, &need), -EBADMSG);

	for (i = 0; i < 3; i++) {
		memcpy(b, cap_mon_monmap, len);
		b[late + 1 + 4 * i] ^= 1;
		KUNIT_EXPECT_EQ_MSG(test, monc_v2_parse_frame(b, len, &f, &need),
				    -EBADMSG, "segment %d crc", i + 1);
	}
	/* a segment past the count has crc 0 (as Tentacle sent it), not -1 */
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(b + late + 5), 0U);
	memcpy(b, cap_mon_monmap, len);
	put_unaligned_le32(~0U, b + late + 5);
	KUNIT_EXPECT_EQ(test, monc_v2_parse_frame(b, len, &f, &need), -EBADMSG);

	/* aborted, zero, garbage late status */
	memcpy(b, cap_mon_monmap, len);
	b[late] = 0x01;
	KUNIT_EXPECT_EQ(test, monc_v2_parse_frame(b, len, &f, &need), -EINVAL);
	b[late] = 0x00;
	KUNIT_EXPECT_EQ(test, monc_v2_parse_frame(b, len, &f, &need), -EINVAL);
	b[late] = 0xff;
	KUNIT_EXPECT_EQ(test, monc_v2_parse_frame(b, len, &f, &need), -EINVAL);

	/* an empty segment inside the count has crc -1, not 0 */
	{
		static const u8 h2[MONC_V2_HEADER2_LEN], data[1];
		const void *segs[4] = { h2, data, NULL, data };
		u32 lens[4] = { sizeof(h2), 1, 0, 1 };
		u8 fr[128];
		ssize_t n;

		n = monc_v2_build_frame(MONC_V2_TAG_MESSAGE, segs, lens, 4, fr,
					sizeof(fr));
		KUNIT_ASSERT_GT(test, n, 0);
		KUNIT_EXPECT_EQ(test, fr[1], 4);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(fr + n - 8), ~0U);
		KUNIT_EXPECT_EQ(test, parse(test, fr, n, &f, &need), 0);
		put_unaligned_le32(0, fr + n - 8);
		KUNIT_EXPECT_EQ(test, parse(test, fr, n, &f, &need), -EBADMSG);
	}

	/* a frame followed by the next one's bytes: only its own is used */
	b = kunit_kmalloc(test, len + 7, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	memcpy(b, cap_mon_monmap, len);
	memset(b + len, 0xee, 7);
	KUNIT_EXPECT_EQ(test, monc_v2_parse_frame(b, len + 7, &f, &need), 0);
	KUNIT_EXPECT_EQ(test, need, len);
}

static void auth_frames_test(struct kunit *test)
{
	static const u8 done[] = {
		0x39, 0x30, 0, 0, 0, 0, 0, 0,	/* global_id 12345 */
		0x01, 0, 0, 0,			/* crc */
		0x03, 0, 0, 0, 'a', 'b', 'c',	/* payload */
	};
	static const u8 bad[] = {
		0x02, 0, 0, 0,			/* cephx */
		0xf3, 0xff, 0xff, 0xff,		/* -13 */
		0x01, 0, 0, 0, 0x02, 0, 0, 0,	/* methods: cephx */
		0x02, 0, 0, 0, 0x02, 0, 0, 0, 0x01, 0, 0, 0, /* modes */
	};
	static const u32 modes[] = { MONC_V2_CON_MODE_CRC };
	struct monc_v2_bad_method bm;
	struct monc_v2_auth_done d;
	const void *pl;
	u8 out[32], *b;
	void *p = out;
	size_t cut;
	u32 len;
	int ret;

	b = (u8 *)exact_copy(test, done, sizeof(done));
	KUNIT_ASSERT_EQ(test, monc_v2_decode_auth_done(b, b + sizeof(done),
						       &d), 0);
	KUNIT_EXPECT_EQ(test, d.global_id, 12345ULL);
	KUNIT_EXPECT_EQ(test, d.con_mode, (u32)MONC_V2_CON_MODE_CRC);
	KUNIT_EXPECT_EQ(test, d.payload_len, 3U);
	KUNIT_EXPECT_EQ(test, memcmp(d.payload, "abc", 3), 0);
	for (cut = 0; cut < sizeof(done); cut++) {
		b = (u8 *)exact_copy(test, done, cut);
		KUNIT_EXPECT_EQ(test, monc_v2_decode_auth_done(b, b + cut, &d),
				-EINVAL);
	}
	/* a mode neither crc nor secure; a payload length past the end */
	b = (u8 *)exact_copy(test, done, sizeof(done));
	b[8] = 3;
	KUNIT_EXPECT_EQ(test, monc_v2_decode_auth_done(b, b + sizeof(done), &d),
			-EINVAL);
	b[8] = 1;
	b[12] = 4;
	KUNIT_EXPECT_EQ(test, monc_v2_decode_auth_done(b, b + sizeof(done), &d),
			-EINVAL);
	b[12] = 0xff;
	b[15] = 0xff;
	ret = monc_v2_decode_auth_reply_more(b + 12, b + sizeof(done), &pl,
					     &len);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);

	b = (u8 *)exact_copy(test, bad, sizeof(bad));
	KUNIT_ASSERT_EQ(test, monc_v2_decode_auth_bad_method(b, b + sizeof(bad),
							     &bm), 0);
	KUNIT_EXPECT_EQ(test, bm.method, 2U);
	KUNIT_EXPECT_EQ(test, bm.result, -13);
	KUNIT_EXPECT_EQ(test, bm.nmethods, 1U);
	KUNIT_EXPECT_EQ(test, bm.methods[0], 2U);
	KUNIT_EXPECT_EQ(test, bm.nmodes, 2U);
	KUNIT_EXPECT_EQ(test, bm.modes[1], 1U);
	for (cut = 0; cut < sizeof(bad); cut++) {
		b = (u8 *)exact_copy(test, bad, cut);
		KUNIT_EXPECT_EQ(test, monc_v2_decode_auth_bad_method(b, b + cut,
								     &bm),
				-EINVAL);
	}
	/* a list longer than MONC_V2_MAX_LIST, and one of 0xffffffff */
	{
		u8 big[8 + 4 + 4 * (MONC_V2_MAX_LIST + 1) + 4] = {};

		put_unaligned_le32(MONC_V2_MAX_LIST + 1, big + 8);
		b = (u8 *)exact_copy(test, big, sizeof(big));
		ret = monc_v2_decode_auth_bad_method(b, b + sizeof(big), &bm);
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
		put_unaligned_le32(0xffffffff, big + 8);
		b = (u8 *)exact_copy(test, big, sizeof(big));
		ret = monc_v2_decode_auth_bad_method(b, b + sizeof(big), &bm);
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	}

	ret = monc_v2_encode_auth_request(&p, out + sizeof(out),
					  MONC_V2_AUTH_NONE, modes, 1, "xy", 2);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, (u8 *)p - out, 4 + 4 + 4 + 4 + 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(out), 1U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(out + 4), 1U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(out + 8), 1U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(out + 12), 2U);
	KUNIT_EXPECT_EQ(test, memcmp(out + 16, "xy", 2), 0);
	p = out;
	ret = monc_v2_encode_auth_request(&p, out + 17, MONC_V2_AUTH_NONE,
					  modes, 1, "xy", 2);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
}

static void ident_test(struct kunit *test)
{
	struct monc_entity_addr a1, a2;
	struct monc_v2_server_ident id;
	struct monc_msg_header hdr;
	u8 buf[128], *b;
	void *p = buf;
	size_t len, cut;
	u32 sec, nsec;
	u64 ack;

	v2_addr(&a2, 3300);
	v2_addr(&a1, 6789);
	a1.type = MONC_ADDR_TYPE_LEGACY;
	/* addrvec [v2, v1], gid 7, global_seq 8, features 9/10, 0, cookie 11 */
	KUNIT_ASSERT_EQ(test, monc_enc_u8(&p, buf + sizeof(buf), 2), 0);
	KUNIT_ASSERT_EQ(test, monc_enc_u32(&p, buf + sizeof(buf), 2), 0);
	KUNIT_ASSERT_EQ(test, monc_enc_addr(&p, buf + sizeof(buf), &a2), 0);
	KUNIT_ASSERT_EQ(test, monc_enc_addr(&p, buf + sizeof(buf), &a1), 0);
	monc_enc_u64(&p, buf + sizeof(buf), 7);
	monc_enc_u64(&p, buf + sizeof(buf), 8);
	monc_enc_u64(&p, buf + sizeof(buf), 9);
	monc_enc_u64(&p, buf + sizeof(buf), 10);
	monc_enc_u64(&p, buf + sizeof(buf), 0);
	monc_enc_u64(&p, buf + sizeof(buf), 11);
	len = (u8 *)p - buf;
	b = (u8 *)exact_copy(test, buf, len);
	KUNIT_ASSERT_EQ(test, monc_v2_decode_server_ident(b, b + len, &id), 0);
	KUNIT_EXPECT_EQ(test, id.gid, 7LL);
	KUNIT_EXPECT_EQ(test, id.global_seq, 8ULL);
	KUNIT_EXPECT_EQ(test, id.features_supported, 9ULL);
	KUNIT_EXPECT_EQ(test, id.features_required, 10ULL);
	KUNIT_EXPECT_EQ(test, id.cookie, 11ULL);
	KUNIT_EXPECT_EQ(test, id.addr.type, (u32)MONC_ADDR_TYPE_MSGR2);
	KUNIT_EXPECT_TRUE(test, monc_addr_equal(&id.addr.ss, &a2.ss));
	for (cut = 0; cut < len; cut++) {
		b = (u8 *)exact_copy(test, buf, cut);
		KUNIT_EXPECT_EQ(test, monc_v2_decode_server_ident(b, b + cut,
								  &id),
				-EINVAL);
	}
	/* an empty addrvec */
	buf[1] = 0;
	memmove(buf + 5, buf + len - 48, 48);
	b = (u8 *)exact_copy(test, buf, 5 + 48);
	KUNIT_EXPECT_EQ(test, monc_v2_decode_server_ident(b, b + 53, &id),
			-EINVAL);

	/* header2: every truncation; a longer one */
	memset(buf, 0x5a, sizeof(buf));
	for (cut = 0; cut < MONC_V2_HEADER2_LEN; cut++) {
		b = (u8 *)exact_copy(test, buf, cut);
		KUNIT_EXPECT_EQ(test, monc_v2_decode_header2(b, b + cut, &hdr,
							     &ack), -EINVAL);
	}
	b = (u8 *)exact_copy(test, buf, MONC_V2_HEADER2_LEN + 3);
	KUNIT_EXPECT_EQ(test, monc_v2_decode_header2(b, b + MONC_V2_HEADER2_LEN +
						     3, &hdr, &ack), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr.front_len), 0U);
	b = (u8 *)exact_copy(test, buf, 7);
	KUNIT_EXPECT_EQ(test, monc_v2_decode_ack(b, b + 7, &ack), -EINVAL);
	b = (u8 *)exact_copy(test, buf, 7);
	KUNIT_EXPECT_EQ(test, monc_v2_decode_keepalive2_ack(b, b + 7, &sec,
							    &nsec), -EINVAL);
}

/* ---------------------------------------------------------------------- */
/*
 * The msgr2 connection (msgr2.c over messenger_glue.c), driven over a test
 * pipe: the monitor's side is the captured Tentacle stream above, and
 * hostile variants of it. Every malformed input must fault the connection
 * with the expected error, hand the session nothing made of it, and leave
 * nothing behind once closed.
 */
#define CAP_PORT	13300
#define CON_IN_MAX	4096
#define CON_OUT_MAX	4096

struct con_fx {
	struct kunit *test;
	struct monc_conn *con;
	struct monc_msgr_test_pipe tp;
	u8 in[CON_IN_MAX];
	u8 out[CON_OUT_MAX];
	size_t out_seen;		/* output bytes already checked */
	int faults;
	int fault_err;
	unsigned int nr_msgs;
	u16 last_type;
	u8 last_front[512];
	u32 last_front_len;
};

static void con_fx_dispatch(void *priv, struct monc_conn *con,
			    struct monc_msg *msg)
{
	struct con_fx *fx = priv;

	fx->nr_msgs++;
	fx->last_type = le16_to_cpu(msg->hdr.type);
	fx->last_front_len = min_t(u32, msg->front_len,
				   sizeof(fx->last_front));
	memcpy(fx->last_front, msg->front, fx->last_front_len);
	monc_msg_put(msg);
}

static void con_fx_fault(void *priv, struct monc_conn *con, int err)
{
	struct con_fx *fx = priv;

	fx->faults++;
	fx->fault_err = err;
}

static struct monc_msg *con_fx_alloc(void *priv, struct monc_conn *con,
				     const struct monc_msg_header *hdr,
				     int *skip)
{
	return monc_msg_new(le16_to_cpu(hdr->type),
			    le32_to_cpu(hdr->front_len), GFP_KERNEL);
}

static const struct monc_conn_ops con_fx_ops = {
	.dispatch = con_fx_dispatch,
	.fault = con_fx_fault,
	.alloc_msg = con_fx_alloc,
};

static int con_fx_res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void con_fx_res_free(struct kunit_resource *res)
{
	struct con_fx *fx = res->data;

	if (fx->con)
		monc_tcp_transport.close(fx->con);
	fx->con = NULL;
}

static struct con_fx *con_fx_open(struct kunit *test)
{
	struct con_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->test = test;
	fx->tp.in = fx->in;
	fx->tp.out = fx->out;
	fx->tp.out_cap = sizeof(fx->out);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, con_fx_res_init,
							 con_fx_res_free,
							 GFP_KERNEL, fx));
	fx->con = monc_msgr2_test_open(&con_fx_ops, fx, &fx->tp, CAP_PORT);
	KUNIT_ASSERT_NOT_NULL(test, fx->con);
	return fx;
}

static void con_fx_feed(struct con_fx *fx, const void *buf, size_t len)
{
	KUNIT_ASSERT_LE(fx->test, fx->tp.in_len + len, sizeof(fx->in));
	memcpy(fx->in + fx->tp.in_len, buf, len);
	fx->tp.in_len += len;
}

/* The session's MAuth hello for client.admin, auth none, global id 0. */
static void con_fx_send_hello(struct con_fx *fx)
{
	struct monc_msg *msg = monc_msg_new(MONC_MSG_AUTH, 128, GFP_KERNEL);
	void *p, *end, *len_at, *payload;

	KUNIT_ASSERT_NOT_NULL(fx->test, msg);
	p = msg->front;
	end = p + msg->front_alloc;
	monc_enc_u64(&p, end, 0);
	monc_enc_u16(&p, end, 0xffff);
	monc_enc_u64(&p, end, 0);
	monc_enc_u32(&p, end, 0);			/* protocol: hello */
	len_at = p;
	monc_enc_u32(&p, end, 0);
	payload = p;
	monc_enc_u8(&p, end, 1);
	monc_enc_u32(&p, end, 1);
	monc_enc_u32(&p, end, 1);			/* auth none */
	monc_enc_u32(&p, end, MONC_ENTITY_TYPE_CLIENT);
	monc_enc_str(&p, end, "admin", 5);
	monc_enc_u64(&p, end, 0);
	put_unaligned_le32(p - payload, len_at);
	monc_enc_u32(&p, end, 0);			/* monmap epoch */
	msg->hdr.type = cpu_to_le16(MONC_MSG_AUTH);
	msg->front_len = p - msg->front;
	msg->hdr.front_len = cpu_to_le32(msg->front_len);
	KUNIT_ASSERT_EQ(fx->test, monc_tcp_transport.send(fx->con, msg), 0);
}

/* The next frame the client wrote, checked and parsed. */
static void con_fx_next_out(struct con_fx *fx, u8 tag, struct monc_v2_frame *f)
{
	size_t need = 0;
	int ret;

	ret = monc_v2_parse_frame(fx->out + fx->out_seen,
				  fx->tp.out_len - fx->out_seen, f, &need);
	KUNIT_ASSERT_EQ(fx->test, ret, 0);
	KUNIT_EXPECT_EQ(fx->test, f->desc.tag, tag);
	fx->out_seen += need;
}

/*
 * Take the connection to @stage with the captured monitor: 1 banner and
 * HELLO in, 2 AUTH_DONE in (and our signature out), 3 session open.
 */
static void con_fx_stage(struct con_fx *fx, int stage,
			 struct monc_v2_frame *ident)
{
	struct kunit *test = fx->test;
	struct monc_msgr_test_info info;
	struct monc_v2_frame f;

	if (!ident)
		ident = &f;

	con_fx_send_hello(fx);
	con_fx_feed(fx, cap_mon_banner, sizeof(cap_mon_banner));
	con_fx_feed(fx, cap_mon_hello, sizeof(cap_mon_hello));
	monc_msgr_test_run(fx->con);
	KUNIT_ASSERT_EQ(test, fx->faults, 0);
	/* our banner, HELLO and AUTH_REQUEST, as in the capture */
	KUNIT_ASSERT_GE(test, fx->tp.out_len, (size_t)MONC_V2_BANNER_FULL_LEN);
	KUNIT_EXPECT_EQ(test, memcmp(fx->out, kat_banner, sizeof(kat_banner)),
			0);
	fx->out_seen = MONC_V2_BANNER_FULL_LEN;
	KUNIT_ASSERT_EQ(test, fx->tp.out_len - fx->out_seen,
			sizeof(cap_client_hello) +
			sizeof(cap_client_auth_request));
	KUNIT_EXPECT_EQ(test, memcmp(fx->out + fx->out_seen, cap_client_hello,
				     sizeof(cap_client_hello)), 0);
	fx->out_seen += sizeof(cap_client_hello);
	KUNIT_EXPECT_EQ(test, memcmp(fx->out + fx->out_seen,
				     cap_client_auth_request,
				     sizeof(cap_client_auth_request)), 0);
	fx->out_seen += sizeof(cap_client_auth_request);
	if (stage < 2)
		return;

	con_fx_feed(fx, cap_mon_auth_done, sizeof(cap_mon_auth_done));
	monc_msgr_test_run(fx->con);	/* AUTH_DONE, handed over */
	monc_msgr_test_run(fx->con);	/* our AUTH_SIGNATURE out */
	KUNIT_ASSERT_EQ(test, fx->faults, 0);
	KUNIT_EXPECT_EQ(test, fx->nr_msgs, 1U);
	KUNIT_EXPECT_EQ(test, fx->last_type, MONC_MSG_AUTH_REPLY);
	/* MAuthReply: protocol none, result 0, global id 4099, no payload */
	KUNIT_ASSERT_EQ(test, fx->last_front_len, 24U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fx->last_front), 1U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fx->last_front + 4), 0U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(fx->last_front + 8), 4099ULL);
	/* our signature is the monitor's frame: zeros, auth none */
	KUNIT_ASSERT_EQ(test, fx->tp.out_len - fx->out_seen,
			sizeof(cap_mon_auth_signature));
	KUNIT_EXPECT_EQ(test, memcmp(fx->out + fx->out_seen,
				     cap_mon_auth_signature,
				     sizeof(cap_mon_auth_signature)), 0);
	fx->out_seen += sizeof(cap_mon_auth_signature);
	if (stage < 3)
		return;

	con_fx_feed(fx, cap_mon_auth_signature, sizeof(cap_mon_auth_signature));
	con_fx_feed(fx, cap_mon_server_ident, sizeof(cap_mon_server_ident));
	monc_msgr_test_run(fx->con);
	KUNIT_ASSERT_EQ(test, fx->faults, 0);
	con_fx_next_out(fx, MONC_V2_TAG_CLIENT_IDENT, ident);
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_TRUE(test, info.open);
	KUNIT_EXPECT_NE(test, info.features, 0ULL);
	KUNIT_EXPECT_EQ(test, monc_tcp_transport.peer_features(fx->con),
			info.features);
}

static void con_happy_test(struct kunit *test)
{
	struct con_fx *fx = con_fx_open(test);
	struct monc_entity_addr me, peer;
	struct monc_v2_frame f;
	struct monc_msg *msg;
	const void *p, *end;
	u64 gid;
	u32 n;
	u8 v;

	con_fx_stage(fx, 3, &f);
	/* CLIENT_IDENT: our address (any, port 0), the monitor's, gid 4099 */
	p = f.seg[0];
	end = p + f.desc.len[0];
	KUNIT_ASSERT_EQ(test, monc_dec_u8(&p, end, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 2);
	KUNIT_ASSERT_EQ(test, monc_dec_u32(&p, end, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 1U);
	KUNIT_ASSERT_EQ(test, monc_dec_addr(&p, end, &me), 0);
	KUNIT_EXPECT_EQ(test, me.type, (u32)MONC_ADDR_TYPE_ANY);
	KUNIT_ASSERT_EQ(test, monc_dec_addr(&p, end, &peer), 0);
	KUNIT_EXPECT_EQ(test, peer.type, (u32)MONC_ADDR_TYPE_MSGR2);
	KUNIT_ASSERT_EQ(test, monc_dec_u64(&p, end, &gid), 0);
	KUNIT_EXPECT_EQ(test, gid, 4099ULL);

	/* a map and a keepalive ack in: the map is handed over whole */
	con_fx_feed(fx, cap_mon_monmap, sizeof(cap_mon_monmap));
	con_fx_feed(fx, cap_mon_keepalive2_ack, sizeof(cap_mon_keepalive2_ack));
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_EQ(test, fx->faults, 0);
	KUNIT_EXPECT_EQ(test, fx->nr_msgs, 2U);
	KUNIT_EXPECT_EQ(test, fx->last_type, MONC_MSG_MON_MAP);
	KUNIT_EXPECT_NE(test, monc_tcp_transport.last_keepalive_ack(fx->con),
			0UL);

	/* a message out: MESSAGE, seq 1, acking the map */
	msg = monc_msg_new(MONC_MSG_MON_SUBSCRIBE, 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	memset(msg->front, 0xab, 16);
	msg->hdr.type = cpu_to_le16(MONC_MSG_MON_SUBSCRIBE);
	KUNIT_ASSERT_EQ(test, monc_tcp_transport.send(fx->con, msg), 0);
	monc_tcp_transport.keepalive(fx->con);
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_EQ(test, fx->faults, 0);
	con_fx_next_out(fx, MONC_V2_TAG_ACK, &f);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(f.seg[0]), 1ULL);
	con_fx_next_out(fx, MONC_V2_TAG_KEEPALIVE2, &f);
	con_fx_next_out(fx, MONC_V2_TAG_MESSAGE, &f);
	KUNIT_EXPECT_EQ(test, f.desc.nseg, 2);
	KUNIT_EXPECT_EQ(test, f.desc.len[1], 16U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(f.seg[0]), 1ULL);
	/* ack_seq: header2 bytes 28..35 */
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(f.seg[0] + 28), 1ULL);
	KUNIT_EXPECT_EQ(test, fx->out_seen, fx->tp.out_len);
}

/* The bytes a hostile case feeds after its stage, and what must follow. */
struct con_bad {
	const char *name;
	int stage;		/* con_fx_stage() first: 0 none, 1, 2, 3 */
	void (*make)(u8 *buf, size_t *len);
	bool eof;		/* the peer closes after the bytes */
	int err;		/* the fault expected */
};

static void put_preamble(u8 *buf, u8 tag, u8 nseg, u32 len0, u32 len1)
{
	struct monc_v2_desc d = { .tag = tag, .nseg = nseg };

	d.len[0] = len0;
	d.len[1] = len1;
	monc_v2_encode_preamble(&d, buf);
}

static void mk_v1_banner(u8 *b, size_t *n)
{
	memcpy(b, "ceph v027\n", 10);
	memset(b + 10, 0, 16);
	*n = 26;
}

static void mk_compression_required(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_banner, sizeof(cap_mon_banner));
	put_unaligned_le64(MONC_V2_FEATURE_COMPRESSION, b + 18);
	*n = sizeof(cap_mon_banner);
}

static void mk_truncated_banner(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_banner, 14);
	*n = 14;
}

static void mk_truncated_preamble(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_banner, sizeof(cap_mon_banner));
	memcpy(b + sizeof(cap_mon_banner), cap_mon_hello, 20);
	*n = sizeof(cap_mon_banner) + 20;
}

static void mk_bad_preamble_crc(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_banner, sizeof(cap_mon_banner));
	memcpy(b + sizeof(cap_mon_banner), cap_mon_hello, sizeof(cap_mon_hello));
	b[sizeof(cap_mon_banner) + 29] ^= 0x10;
	*n = sizeof(cap_mon_banner) + sizeof(cap_mon_hello);
}

static void mk_bad_control_crc(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_banner, sizeof(cap_mon_banner));
	memcpy(b + sizeof(cap_mon_banner), cap_mon_hello, sizeof(cap_mon_hello));
	b[sizeof(cap_mon_banner) + sizeof(cap_mon_hello) - 1] ^= 0x01;
	*n = sizeof(cap_mon_banner) + sizeof(cap_mon_hello);
}

static void mk_hello_then(u8 *b, size_t *n, const u8 *pre)
{
	memcpy(b, cap_mon_banner, sizeof(cap_mon_banner));
	memcpy(b + sizeof(cap_mon_banner), pre, MONC_V2_PREAMBLE_LEN);
	*n = sizeof(cap_mon_banner) + MONC_V2_PREAMBLE_LEN;
}

static void mk_zero_segments(u8 *b, size_t *n)
{
	u8 pre[MONC_V2_PREAMBLE_LEN];

	put_preamble(pre, MONC_V2_TAG_HELLO, 0, 36, 0);
	mk_hello_then(b, n, pre);
}

static void mk_five_segments(u8 *b, size_t *n)
{
	u8 pre[MONC_V2_PREAMBLE_LEN];

	put_preamble(pre, MONC_V2_TAG_HELLO, 5, 36, 1);
	mk_hello_then(b, n, pre);
}

static void mk_oversized_control(u8 *b, size_t *n)
{
	u8 pre[MONC_V2_PREAMBLE_LEN];

	put_preamble(pre, MONC_V2_TAG_HELLO, 1, MONC_V2_MAX_CONTROL_LEN + 1, 0);
	mk_hello_then(b, n, pre);
}

static void mk_unknown_tag(u8 *b, size_t *n)
{
	u8 pre[MONC_V2_PREAMBLE_LEN];

	put_preamble(pre, MONC_V2_TAG_MAX + 1, 1, 8, 0);
	mk_hello_then(b, n, pre);
}

static void mk_control_two_segments(u8 *b, size_t *n)
{
	u8 pre[MONC_V2_PREAMBLE_LEN];

	put_preamble(pre, MONC_V2_TAG_HELLO, 2, 36, 4);
	mk_hello_then(b, n, pre);
}

static void mk_closed_mid_frame(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_auth_done, 40);
	*n = 40;
}

static void mk_frame(u8 *b, size_t *n, u8 tag, const void *body, u32 len)
{
	const void *segs[1] = { body };
	ssize_t r = monc_v2_build_frame(tag, segs, &len, 1, b, 512);

	*n = r > 0 ? r : 0;
}

static void mk_hello_again(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_hello, sizeof(cap_mon_hello));
	*n = sizeof(cap_mon_hello);
}

static void mk_ident_in_auth(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_server_ident, sizeof(cap_mon_server_ident));
	*n = sizeof(cap_mon_server_ident);
}

static void mk_message_in_auth(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_monmap, sizeof(cap_mon_monmap));
	*n = sizeof(cap_mon_monmap);
}

static void mk_done_secure(u8 *b, size_t *n)
{
	u8 body[8 + 4 + 4] = { 3, 0x10 };

	put_unaligned_le32(MONC_V2_CON_MODE_SECURE, body + 8);
	mk_frame(b, n, MONC_V2_TAG_AUTH_DONE, body, sizeof(body));
}

static void mk_done_no_gid(u8 *b, size_t *n)
{
	u8 body[8 + 4 + 4] = { 0 };

	put_unaligned_le32(MONC_V2_CON_MODE_CRC, body + 8);
	mk_frame(b, n, MONC_V2_TAG_AUTH_DONE, body, sizeof(body));
}

static void mk_done_payload_past_end(u8 *b, size_t *n)
{
	u8 body[8 + 4 + 4 + 2] = { 3, 0x10 };

	put_unaligned_le32(MONC_V2_CON_MODE_CRC, body + 8);
	put_unaligned_le32(3, body + 12);
	mk_frame(b, n, MONC_V2_TAG_AUTH_DONE, body, sizeof(body));
}

static void mk_reply_more_for_none(u8 *b, size_t *n)
{
	u8 body[4 + 2] = { 2 };

	mk_frame(b, n, MONC_V2_TAG_AUTH_REPLY_MORE, body, sizeof(body));
}

static void mk_bad_signature(u8 *b, size_t *n)
{
	u8 sig[32];

	memset(sig, 0, sizeof(sig));
	sig[31] = 1;
	mk_frame(b, n, MONC_V2_TAG_AUTH_SIGNATURE, sig, sizeof(sig));
}

static void mk_short_signature(u8 *b, size_t *n)
{
	u8 sig[31] = { 0 };

	mk_frame(b, n, MONC_V2_TAG_AUTH_SIGNATURE, sig, sizeof(sig));
}

static void mk_done_twice(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_auth_done, sizeof(cap_mon_auth_done));
	*n = sizeof(cap_mon_auth_done);
}

static void mk_message_bad_epilogue(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_monmap, sizeof(cap_mon_monmap));
	b[sizeof(cap_mon_monmap) - 1] ^= 0x80;
	*n = sizeof(cap_mon_monmap);
}

static void mk_message_aborted(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_monmap, sizeof(cap_mon_monmap));
	b[sizeof(cap_mon_monmap) - MONC_V2_EPILOGUE_LEN] = 0x0d;
	*n = sizeof(cap_mon_monmap);
}

static void mk_message_oversized_front(u8 *b, size_t *n)
{
	put_preamble(b, MONC_V2_TAG_MESSAGE, 2, MONC_V2_HEADER2_LEN,
		     MONC_V2_MAX_FRONT_LEN + 1);
	*n = MONC_V2_PREAMBLE_LEN;
}

static void mk_message_short_header(u8 *b, size_t *n)
{
	u8 hdr[MONC_V2_HEADER2_LEN - 1] = { 1 };

	mk_frame(b, n, MONC_V2_TAG_MESSAGE, hdr, sizeof(hdr));
}

static void mk_message_seq_gap(u8 *b, size_t *n)
{
	u8 hdr[MONC_V2_HEADER2_LEN] = { 5 };	/* seq 5, expected 1 */

	mk_frame(b, n, MONC_V2_TAG_MESSAGE, hdr, sizeof(hdr));
}

static void mk_auth_frame_when_ready(u8 *b, size_t *n)
{
	memcpy(b, cap_mon_auth_done, sizeof(cap_mon_auth_done));
	*n = sizeof(cap_mon_auth_done);
}

static void mk_keepalive_short(u8 *b, size_t *n)
{
	u8 body[4] = { 0 };

	mk_frame(b, n, MONC_V2_TAG_KEEPALIVE2, body, sizeof(body));
}

static void mk_session_reset(u8 *b, size_t *n)
{
	u8 body[1] = { 1 };

	mk_frame(b, n, MONC_V2_TAG_SESSION_RESET, body, sizeof(body));
}

static void mk_closed_when_ready(u8 *b, size_t *n)
{
	*n = 0;
}

static const struct con_bad con_bad_cases[] = {
	{ "msgr v1 banner", 0, mk_v1_banner, false, -EPROTO },
	{ "compression required", 0, mk_compression_required, false,
	  -EOPNOTSUPP },
	{ "closed in the banner", 0, mk_truncated_banner, true, -ECONNRESET },
	{ "truncated preamble", 0, mk_truncated_preamble, true, -ECONNRESET },
	{ "bad preamble crc", 0, mk_bad_preamble_crc, false, -EBADMSG },
	{ "bad control crc", 0, mk_bad_control_crc, false, -EBADMSG },
	{ "zero segments", 0, mk_zero_segments, false, -EINVAL },
	{ "five segments", 0, mk_five_segments, false, -EINVAL },
	{ "oversized control segment", 0, mk_oversized_control, false,
	  -EINVAL },
	{ "unknown tag", 0, mk_unknown_tag, false, -EINVAL },
	{ "control frame of two segments", 0, mk_control_two_segments, false,
	  -EPROTO },
	{ "hello twice", 1, mk_hello_again, false, -EPROTO },
	{ "server ident during auth", 1, mk_ident_in_auth, false, -EPROTO },
	{ "message during auth", 1, mk_message_in_auth, false, -EPROTO },
	{ "closed mid-frame", 1, mk_closed_mid_frame, true, -ECONNRESET },
	{ "auth done in secure mode", 1, mk_done_secure, false, -EPROTO },
	{ "auth done without a global id", 1, mk_done_no_gid, false, -EPROTO },
	{ "auth done payload past the end", 1, mk_done_payload_past_end, false,
	  -EPROTO },
	{ "auth reply more for auth none", 1, mk_reply_more_for_none, false,
	  -EPROTO },
	{ "bad auth signature", 2, mk_bad_signature, false, -EPROTO },
	{ "short auth signature", 2, mk_short_signature, false, -EPROTO },
	{ "auth done twice", 2, mk_done_twice, false, -EPROTO },
	{ "message with a bad epilogue crc", 3, mk_message_bad_epilogue, false,
	  -EBADMSG },
	{ "message aborted by its sender", 3, mk_message_aborted, false,
	  -EINVAL },
	{ "oversized front", 3, mk_message_oversized_front, false, -EINVAL },
	{ "short message header", 3, mk_message_short_header, false, -EPROTO },
	{ "message seq gap", 3, mk_message_seq_gap, false, -EBADE },
	{ "auth frame in session", 3, mk_auth_frame_when_ready, false,
	  -EPROTO },
	{ "short keepalive2", 3, mk_keepalive_short, false, -EPROTO },
	{ "session reset", 3, mk_session_reset, false, -ECONNRESET },
	{ "closed in session", 3, mk_closed_when_ready, true, -ECONNRESET },
};

static void con_bad_desc(const struct con_bad *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(con_bad, con_bad_cases, con_bad_desc);

static void con_hostile_test(struct kunit *test)
{
	const struct con_bad *c = test->param_value;
	struct con_fx *fx = con_fx_open(test);
	struct monc_msgr_test_info info;
	struct monc_msg *msg;
	unsigned int msgs;
	u8 *buf;
	size_t n = 0;

	buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	if (c->stage)
		con_fx_stage(fx, c->stage, NULL);
	else
		con_fx_send_hello(fx);
	msgs = fx->nr_msgs;
	c->make(buf, &n);
	con_fx_feed(fx, buf, n);
	fx->tp.eof = c->eof;
	monc_msgr_test_run(fx->con);
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_EQ(test, fx->faults, 1);
	KUNIT_EXPECT_EQ(test, fx->fault_err, c->err);
	/* nothing made of the bad frame reached the session */
	KUNIT_EXPECT_EQ(test, fx->nr_msgs, msgs);
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_TRUE(test, info.dead);
	msg = monc_msg_new(MONC_MSG_STATFS, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, monc_tcp_transport.send(fx->con, msg), -ENOTCONN);
	monc_tcp_transport.close(fx->con);
	fx->con = NULL;
	KUNIT_EXPECT_EQ(test, monc_msgr_test_nr_conns(), 0);
}

static struct kunit_case msgr2_cases[] = {
	KUNIT_CASE(crc32c_check_test),
	KUNIT_CASE(banner_test),
	KUNIT_CASE(known_answer_build_test),
	KUNIT_CASE(known_answer_auth_build_test),
	KUNIT_CASE(known_answer_parse_test),
	KUNIT_CASE(truncation_test),
	KUNIT_CASE(bit_flip_test),
	KUNIT_CASE_PARAM(preamble_test, pre_gen_params),
	KUNIT_CASE(epilogue_test),
	KUNIT_CASE(auth_frames_test),
	KUNIT_CASE(ident_test),
	{}
};

static struct kunit_suite msgr2_suite = {
	.name = "monc_msgr2",
	.test_cases = msgr2_cases,
};

static struct kunit_case msgr2_con_cases[] = {
	KUNIT_CASE(con_happy_test),
	KUNIT_CASE_PARAM(con_hostile_test, con_bad_gen_params),
	{}
};

static struct kunit_suite msgr2_con_suite = {
	.name = "monc_msgr2_con",
	.test_cases = msgr2_con_cases,
};

kunit_test_suites(&msgr2_suite, &msgr2_con_suite);

MODULE_DESCRIPTION("KUnit tests of monc's msgr2.1 frame codec");
MODULE_LICENSE("GPL");
