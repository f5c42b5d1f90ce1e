// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of crypto.c: RFC 8009's published test vectors for
 * aes256-cts-hmac-sha384-192 (Appendix A: key derivation, encryption with
 * the given confounders, the checksum), the aes cipher's round trip and
 * padding, and each malformed ciphertext rejected. The RFC's vectors use
 * key usage 2 and the base key below; crypto.c derives Ke and Ki itself,
 * so the encryption vectors test the KDF as well.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../auth.h"
#include "../compat.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

#ifndef KUNIT_EXPECT_MEMEQ
#define KUNIT_EXPECT_MEMEQ(test, a, b, n) \
	KUNIT_EXPECT_EQ(test, memcmp(a, b, n), 0)
#endif

/* RFC 8009 Appendix A, enctype aes256-cts-hmac-sha384-192 */
static const u8 rfc_base_key[32] = {
	0x6d, 0x40, 0x4d, 0x37, 0xfa, 0xf7, 0x9f, 0x9d, 0xf0, 0xd3, 0x35, 0x68,
	0xd3, 0x20, 0x66, 0x98, 0x00, 0xeb, 0x48, 0x36, 0x47, 0x2e, 0xa8, 0xa0,
	0x26, 0xd1, 0x6b, 0x71, 0x82, 0x46, 0x0c, 0x52,
};

#define RFC_USAGE	2

static const u8 rfc_kc[24] = {
	0xef, 0x57, 0x18, 0xbe, 0x86, 0xcc, 0x84, 0x96, 0x3d, 0x8b, 0xbb, 0x50,
	0x31, 0xe9, 0xf5, 0xc4, 0xba, 0x41, 0xf2, 0x8f, 0xaf, 0x69, 0xe7, 0x3d,
};

static const u8 rfc_ke[32] = {
	0x56, 0xab, 0x22, 0xbe, 0xe6, 0x3d, 0x82, 0xd7, 0xbc, 0x52, 0x27, 0xf6,
	0x77, 0x3f, 0x8e, 0xa7, 0xa5, 0xeb, 0x1c, 0x82, 0x51, 0x60, 0xc3, 0x83,
	0x12, 0x98, 0x0c, 0x44, 0x2e, 0x5c, 0x7e, 0x49,
};

static const u8 rfc_ki[24] = {
	0x69, 0xb1, 0x65, 0x14, 0xe3, 0xcd, 0x8e, 0x56, 0xb8, 0x20, 0x10, 0xd5,
	0xc7, 0x30, 0x12, 0xb6, 0x22, 0xc4, 0xd0, 0x0f, 0xfc, 0x23, 0xed, 0x1f,
};

/* plaintexts: the first 0, 6, 16 and 21 bytes of 00 01 02 ... */
static const u8 rfc_plain[21] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
};

static const u8 rfc_mic[24] = {
	0x45, 0xee, 0x79, 0x15, 0x67, 0xee, 0xfc, 0xa3, 0x7f, 0x4a, 0xc1, 0xe0,
	0x22, 0x2d, 0xe8, 0x0d, 0x43, 0xc3, 0xbf, 0xa0, 0x66, 0x99, 0x67, 0x2a,
};

static const u8 rfc_ct_0[40] = {
	0x41, 0xf5, 0x3f, 0xa5, 0xbf, 0xe7, 0x02, 0x6d, 0x91, 0xfa, 0xf9, 0xbe,
	0x95, 0x91, 0x95, 0xa0, 0x58, 0x70, 0x72, 0x73, 0xa9, 0x6a, 0x40, 0xf0,
	0xa0, 0x19, 0x60, 0x62, 0x1a, 0xc6, 0x12, 0x74, 0x8b, 0x9b, 0xbf, 0xbe,
	0x7e, 0xb4, 0xce, 0x3c,
};

static const u8 rfc_ct_6[46] = {
	0x4e, 0xd7, 0xb3, 0x7c, 0x2b, 0xca, 0xc8, 0xf7, 0x4f, 0x23, 0xc1, 0xcf,
	0x07, 0xe6, 0x2b, 0xc7, 0xb7, 0x5f, 0xb3, 0xf6, 0x37, 0xb9, 0xf5, 0x59,
	0xc7, 0xf6, 0x64, 0xf6, 0x9e, 0xab, 0x7b, 0x60, 0x92, 0x23, 0x75, 0x26,
	0xea, 0x0d, 0x1f, 0x61, 0xcb, 0x20, 0xd6, 0x9d, 0x10, 0xf2,
};

static const u8 rfc_ct_16[56] = {
	0xbc, 0x47, 0xff, 0xec, 0x79, 0x98, 0xeb, 0x91, 0xe8, 0x11, 0x5c, 0xf8,
	0xd1, 0x9d, 0xac, 0x4b, 0xbb, 0xe2, 0xe1, 0x63, 0xe8, 0x7d, 0xd3, 0x7f,
	0x49, 0xbe, 0xca, 0x92, 0x02, 0x77, 0x64, 0xf6, 0x8c, 0xf5, 0x1f, 0x14,
	0xd7, 0x98, 0xc2, 0x27, 0x3f, 0x35, 0xdf, 0x57, 0x4d, 0x1f, 0x93, 0x2e,
	0x40, 0xc4, 0xff, 0x25, 0x5b, 0x36, 0xa2, 0x66,
};

static const u8 rfc_ct_21[61] = {
	0x40, 0x01, 0x3e, 0x2d, 0xf5, 0x8e, 0x87, 0x51, 0x95, 0x7d, 0x28, 0x78,
	0xbc, 0xd2, 0xd6, 0xfe, 0x10, 0x1c, 0xcf, 0xd5, 0x56, 0xcb, 0x1e, 0xae,
	0x79, 0xdb, 0x3c, 0x3e, 0xe8, 0x64, 0x29, 0xf2, 0xb2, 0xa6, 0x02, 0xac,
	0x86, 0xfe, 0xf6, 0xec, 0xb6, 0x47, 0xd6, 0x29, 0x5f, 0xae, 0x07, 0x7a,
	0x1f, 0xeb, 0x51, 0x75, 0x08, 0xd2, 0xc1, 0x6b, 0x41, 0x92, 0xe0, 0x1f,
	0x62,
};

struct rfc_enc_case {
	const char *name;
	u32 plain_len;
	u8 confounder[16];
	const u8 *ct;
	u32 ct_len;
};

static const struct rfc_enc_case rfc_enc_cases[] = {
	{ "no_plaintext", 0,
	  { 0xf7, 0x64, 0xe9, 0xfa, 0x15, 0xc2, 0x76, 0x47,
	    0x8b, 0x2c, 0x7d, 0x0c, 0x4e, 0x5f, 0x58, 0xe4 },
	  rfc_ct_0, sizeof(rfc_ct_0) },
	{ "plaintext_shorter_than_a_block", 6,
	  { 0xb8, 0x0d, 0x32, 0x51, 0xc1, 0xf6, 0x47, 0x14,
	    0x94, 0x25, 0x6f, 0xfe, 0x71, 0x2d, 0x0b, 0x9a },
	  rfc_ct_6, sizeof(rfc_ct_6) },
	{ "plaintext_one_block", 16,
	  { 0x53, 0xbf, 0x8a, 0x0d, 0x10, 0x52, 0x65, 0xd4,
	    0xe2, 0x76, 0x42, 0x86, 0x24, 0xce, 0x5e, 0x63 },
	  rfc_ct_16, sizeof(rfc_ct_16) },
	{ "plaintext_longer_than_a_block", 21,
	  { 0x76, 0x3e, 0x65, 0x36, 0x7e, 0x86, 0x4f, 0x02,
	    0xf5, 0x51, 0x53, 0xc7, 0xe3, 0xb5, 0x8a, 0xf1 },
	  rfc_ct_21, sizeof(rfc_ct_21) },
};

static void rfc_enc_desc(const struct rfc_enc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rfc_enc, rfc_enc_cases, rfc_enc_desc);

static int crypto_test_init(struct kunit *test)
{
	struct monc_crypto *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, monc_crypto_init(c, MONC_CRYPTO_AES256KRB5), 0);
	KUNIT_ASSERT_TRUE(test, monc_crypto_supports(c, MONC_CRYPTO_AES));
	test->priv = c;
	return 0;
}

static void crypto_test_exit(struct kunit *test)
{
	monc_crypto_free(test->priv);
}

static struct monc_key *rfc_key(struct kunit *test)
{
	struct monc_key *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_EQ(test, monc_key_set(k, MONC_CRYPTO_AES256KRB5,
					   rfc_base_key, sizeof(rfc_base_key)),
			0);
	return k;
}

/* RFC 8009 A: Kc, Ke and Ki for key usage 2 */
static void rfc8009_key_derivation(struct kunit *test)
{
	u8 out[48];

	KUNIT_ASSERT_EQ(test, monc_krb5_kdf(test->priv, rfc_base_key, RFC_USAGE,
					    0x99, out, 24), 0);
	KUNIT_EXPECT_MEMEQ(test, out, rfc_kc, sizeof(rfc_kc));
	KUNIT_ASSERT_EQ(test, monc_krb5_kdf(test->priv, rfc_base_key, RFC_USAGE,
					    0xaa, out, 32), 0);
	KUNIT_EXPECT_MEMEQ(test, out, rfc_ke, sizeof(rfc_ke));
	KUNIT_ASSERT_EQ(test, monc_krb5_kdf(test->priv, rfc_base_key, RFC_USAGE,
					    0x55, out, 24), 0);
	KUNIT_EXPECT_MEMEQ(test, out, rfc_ki, sizeof(rfc_ki));
}

/* RFC 8009 A: the checksum (get_mic) of the 21-byte plaintext with Kc */
static void rfc8009_checksum(struct kunit *test)
{
	u8 mic[24];

	KUNIT_ASSERT_EQ(test, monc_krb5_hmac(test->priv, rfc_kc, sizeof(rfc_kc),
					     NULL, 0, rfc_plain,
					     sizeof(rfc_plain), mic,
					     sizeof(mic)), 0);
	KUNIT_EXPECT_MEMEQ(test, mic, rfc_mic, sizeof(rfc_mic));
}

/* RFC 8009 A: encryption with the given confounder, then decryption */
static void rfc8009_encryption(struct kunit *test)
{
	const struct rfc_enc_case *c = test->param_value;
	struct monc_key *k = rfc_key(test);
	u32 off = 0, plen = 0;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, monc_crypto_sealed_len(k->type, c->plain_len),
			c->ct_len);
	KUNIT_ASSERT_EQ(test, monc_crypto_head_len(k->type), 16U);
	buf = kunit_kzalloc(test, c->ct_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf + 16, rfc_plain, c->plain_len);
	KUNIT_ASSERT_EQ(test, monc_crypto_encrypt(test->priv, k, RFC_USAGE,
						  c->confounder, buf,
						  c->plain_len), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, c->ct, c->ct_len);

	KUNIT_ASSERT_EQ(test, monc_crypto_decrypt(test->priv, k, RFC_USAGE, buf,
						  c->ct_len, &off, &plen), 0);
	KUNIT_EXPECT_EQ(test, off, 16U);
	KUNIT_ASSERT_EQ(test, plen, c->plain_len);
	KUNIT_EXPECT_MEMEQ(test, buf + off, rfc_plain, plen);
}

/*
 * Every way an aes256k ciphertext can be wrong is -EACCES: a flipped bit
 * anywhere (confounder, data or HMAC), another key usage, another key, a
 * truncation, and anything shorter than a confounder and an HMAC.
 */
static void aes256k_rejects_malformed(struct kunit *test)
{
	const struct rfc_enc_case *c = &rfc_enc_cases[3];
	struct monc_key *k = rfc_key(test);
	struct monc_key *other = rfc_key(test);
	u32 off, plen, i, n = c->ct_len;
	u8 *buf;

	buf = kunit_kmalloc(test, n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < n * 8; i++) {
		memcpy(buf, c->ct, n);
		buf[i / 8] ^= BIT(i % 8);
		KUNIT_EXPECT_EQ_MSG(test, monc_crypto_decrypt(test->priv, k,
							      RFC_USAGE, buf,
							      n, &off, &plen),
				    -EACCES, "bit %u flipped", i);
	}
	memcpy(buf, c->ct, n);
	KUNIT_EXPECT_EQ(test, monc_crypto_decrypt(test->priv, k, RFC_USAGE + 1,
						  buf, n, &off, &plen),
			-EACCES);
	other->key[0] ^= 1;
	memcpy(buf, c->ct, n);
	KUNIT_EXPECT_EQ(test, monc_crypto_decrypt(test->priv, other, RFC_USAGE,
						  buf, n, &off, &plen),
			-EACCES);
	for (i = 0; i < n; i++) {
		memcpy(buf, c->ct, n);
		KUNIT_EXPECT_EQ_MSG(test, monc_crypto_decrypt(test->priv, k,
							      RFC_USAGE, buf,
							      i, &off, &plen),
				    -EACCES, "truncated to %u", i);
	}
}

/* aes: a round trip, the padding always present, bad padding rejected */
static void aes_round_trip_and_padding(struct kunit *test)
{
	static const u8 key16[16] = { 0x8c, 0x5d, 0x1f, 0x0a, 0x7b };
	struct monc_key k;
	u32 len, off, plen, sealed;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, monc_key_set(&k, MONC_CRYPTO_AES, key16, 16), 0);
	KUNIT_EXPECT_EQ(test, monc_crypto_head_len(MONC_CRYPTO_AES), 0U);
	buf = kunit_kmalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (len = 0; len <= 33; len++) {
		sealed = monc_crypto_sealed_len(MONC_CRYPTO_AES, len);
		KUNIT_EXPECT_EQ(test, sealed, (len / 16 + 1) * 16);
		memcpy(buf, rfc_plain, min_t(u32, len, sizeof(rfc_plain)));
		KUNIT_ASSERT_EQ(test, monc_crypto_encrypt(test->priv, &k, 0,
							  NULL, buf, len), 0);
		KUNIT_ASSERT_EQ(test, monc_crypto_decrypt(test->priv, &k, 0,
							  buf, sealed, &off,
							  &plen), 0);
		KUNIT_EXPECT_EQ(test, off, 0U);
		KUNIT_EXPECT_EQ(test, plen, len);
	}
	/* not whole blocks, empty */
	KUNIT_EXPECT_EQ(test, monc_crypto_decrypt(test->priv, &k, 0, buf, 20,
						  &off, &plen), -EACCES);
	KUNIT_EXPECT_EQ(test, monc_crypto_decrypt(test->priv, &k, 0, buf, 0,
						  &off, &plen), -EACCES);
}

/* Keys: the CryptoKey type decides the length; nothing else is taken. */
static void key_types_and_lengths(struct kunit *test)
{
	u8 digest[32];
	struct monc_key k;

	KUNIT_EXPECT_EQ(test, monc_key_set(&k, MONC_CRYPTO_AES, rfc_base_key, 16),
			0);
	KUNIT_EXPECT_EQ(test, monc_key_set(&k, MONC_CRYPTO_AES, rfc_base_key, 32),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, monc_key_set(&k, MONC_CRYPTO_AES256KRB5,
					   rfc_base_key, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, monc_key_set(&k, MONC_CRYPTO_AES256KRB5,
					   rfc_base_key, 32), 0);
	KUNIT_EXPECT_EQ(test, monc_key_set(&k, 0, rfc_base_key, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, monc_key_set(&k, 3, rfc_base_key, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, k.type, 0);
	KUNIT_EXPECT_STREQ(test, monc_key_type_name(MONC_CRYPTO_AES), "aes");
	KUNIT_EXPECT_STREQ(test, monc_key_type_name(MONC_CRYPTO_AES256KRB5),
			   "aes256k");
	/* the challenge HMAC is aes256k's alone */
	KUNIT_ASSERT_EQ(test, monc_key_set(&k, MONC_CRYPTO_AES, rfc_base_key, 16),
			0);
	KUNIT_EXPECT_EQ(test, monc_crypto_hmac_sha256(test->priv, &k, "x", 1,
						      digest), -EINVAL);
}

static struct kunit_case crypto_test_cases[] = {
	KUNIT_CASE(rfc8009_key_derivation),
	KUNIT_CASE(rfc8009_checksum),
	KUNIT_CASE_PARAM(rfc8009_encryption, rfc_enc_gen_params),
	KUNIT_CASE(aes256k_rejects_malformed),
	KUNIT_CASE(aes_round_trip_and_padding),
	KUNIT_CASE(key_types_and_lengths),
	{}
};

static struct kunit_suite crypto_test_suite = {
	.name = "monc_crypto",
	.init = crypto_test_init,
	.exit = crypto_test_exit,
	.test_cases = crypto_test_cases,
};

kunit_test_suite(crypto_test_suite);

MODULE_DESCRIPTION("KUnit tests for monc's cephx ciphers (RFC 8009 vectors)");
MODULE_LICENSE("GPL");
