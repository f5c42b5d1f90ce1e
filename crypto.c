// SPDX-License-Identifier: GPL-2.0
/*
 * The two ciphers cephx uses, behind one interface, and msgr2 secure
 * mode's AES-GCM (at the end):
 *
 *  aes (CryptoKey type 1, 16-byte keys): AES-128-CBC with Ceph's fixed IV
 *	"cephsageyudagreg", PKCS#7-padded (always at least one pad byte).
 *
 *  aes256k (CryptoKey type 2, CEPH_CRYPTO_AES256KRB5, 32-byte keys):
 *	aes256-cts-hmac-sha384-192 of RFC 8009, as Ceph Tentacle's
 *	CryptoAES256KRB5 does it: for a key usage U, Ke = KDF(key, U | 0xaa,
 *	256 bits) and Ki = KDF(key, U | 0x55, 192 bits), KDF being RFC 8009's
 *	KDF-HMAC-SHA2 with HMAC-SHA-384 (one round: HMAC(key, be32 1 | label
 *	| 0x00 | be32 bits), truncated). Sealing prepends a random 16-byte
 *	confounder, encrypts with AES-256 in CBC-CS3 ciphertext stealing with
 *	a zero IV (the kernel's cts(cbc(aes))), and appends the first 24
 *	bytes of HMAC-SHA-384(Ki, zero IV | ciphertext). Nothing is padded:
 *	the sealed form is 16 + plaintext + 24 bytes. An aes256k key also
 *	keys HMAC-SHA-256 with its raw 32 bytes, for cephx's challenge hash.
 *
 * Only crypto API transforms that exist in Linux 6.1 are used (cbc(aes),
 * cts(cbc(aes)), hmac(sha384), hmac(sha256)); the krb5 library of 6.15 is
 * not needed. Keys are set on the transforms for each operation, so one
 * struct monc_crypto serves every key of a cephx state.
 *
 * Locking: none. The owner (one cephx state, under the session mutex)
 * serializes every call on one struct monc_crypto. Buffers handed to
 * encrypt and decrypt go into a scatterlist: they must be kmalloc'ed
 * (the GCM functions also take kvmalloc'ed ones).
 */

#define pr_fmt(fmt) "monc: " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <kunit/visibility.h>

#include "auth.h"
#include "decode.h"
#include "fault.h"

#define MONC_AES_IV		"cephsageyudagreg"

/* RFC 8009 aes256-cts-hmac-sha384-192 */
#define MONC_K5_KE_LEN		32	/* 256-bit encryption key */
#define MONC_K5_KI_LEN		24	/* 192-bit integrity key */
#define MONC_K5_KE_LABEL	0xaa
#define MONC_K5_KI_LABEL	0x55

/**
 * monc_key_set() - fill a key from its CryptoKey type and secret bytes
 * @k: the key
 * @type: %MONC_CRYPTO_AES or %MONC_CRYPTO_AES256KRB5
 * @secret: the key bytes
 * @len: their number: 16 for aes, 32 for aes256k
 *
 * Context: any.
 * Return: 0, or -EINVAL for an unknown type or a length that does not
 * fit it (@k is then zeroed).
 */
int monc_key_set(struct monc_key *k, u16 type, const void *secret, u32 len)
{
	memzero_explicit(k, sizeof(*k));
	if (!len || len != monc_key_len(type))
		return -EINVAL;
	k->type = type;
	k->len = len;
	memcpy(k->key, secret, len);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_key_set);

/**
 * monc_key_len() - the key length of a CryptoKey type
 * @type: the type
 *
 * Return: 16 for aes, 32 for aes256k, 0 for anything else.
 */
u32 monc_key_len(u16 type)
{
	switch (type) {
	case MONC_CRYPTO_AES:
		return MONC_AES_KEY_LEN;
	case MONC_CRYPTO_AES256KRB5:
		return MONC_AES256K_KEY_LEN;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(monc_key_len);

/**
 * monc_key_type_name() - the name Ceph's configuration gives a key type
 * @type: the type
 *
 * Return: "aes", "aes256k" or "unknown".
 */
const char *monc_key_type_name(u16 type)
{
	switch (type) {
	case MONC_CRYPTO_AES:
		return "aes";
	case MONC_CRYPTO_AES256KRB5:
		return "aes256k";
	default:
		return "unknown";
	}
}
EXPORT_SYMBOL_IF_KUNIT(monc_key_type_name);

/**
 * monc_crypto_init() - allocate the transforms
 * @c: the transforms, zeroed by the caller
 * @type: the key type that must work (the client secret's type)
 *
 * The transforms of the other type are allocated too, so that session
 * keys of either type can be used, but their absence is not an error.
 *
 * Context: process context, may sleep; allocates as GFP_NOFS.
 * Return: 0, -ENOMEM or the crypto API's error for a transform @type needs.
 */
int monc_crypto_init(struct monc_crypto *c, u16 type)
{
	unsigned int nofs = memalloc_nofs_save();
	struct crypto_skcipher *cts;
	int err = 0;

	c->cbc = monc_crypto_alloc_sync_skcipher("cbc(aes)", 0, 0);
	if (IS_ERR(c->cbc)) {
		if (type == MONC_CRYPTO_AES)
			err = PTR_ERR(c->cbc);
		c->cbc = NULL;
	}
	if (err)
		goto out;

	/* CRYPTO_ALG_ASYNC in the mask: a synchronous implementation only */
	cts = monc_crypto_alloc_skcipher("cts(cbc(aes))", 0, CRYPTO_ALG_ASYNC);
	if (!IS_ERR(cts)) {
		c->cts = cts;
		c->cts_req = monc_skcipher_request_alloc(cts, GFP_NOFS);
		if (!c->cts_req)
			err = -ENOMEM;
	} else {
		err = PTR_ERR(cts);
	}
	if (!err) {
		c->hmac384 = monc_crypto_alloc_shash("hmac(sha384)", 0, 0);
		if (IS_ERR(c->hmac384)) {
			err = PTR_ERR(c->hmac384);
			c->hmac384 = NULL;
		}
	}
	if (!err) {
		c->hmac256 = monc_crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(c->hmac256)) {
			err = PTR_ERR(c->hmac256);
			c->hmac256 = NULL;
		}
	}
	if (err) {
		pr_debug("aes256k unavailable: %d\n", err);
		if (type != MONC_CRYPTO_AES256KRB5)
			err = 0;
	}
out:
	memalloc_nofs_restore(nofs);
	if (err) {
		pr_err("cephx %s: crypto transforms unavailable: %d\n",
		       monc_key_type_name(type), err);
		monc_crypto_free(c);
	}
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(monc_crypto_init);

/**
 * monc_crypto_free() - free the transforms (their keys are zeroed)
 * @c: the transforms; any of them may be NULL
 */
void monc_crypto_free(struct monc_crypto *c)
{
	skcipher_request_free(c->cts_req);	/* zeroes it */
	crypto_free_skcipher(c->cts);
	crypto_free_sync_skcipher(c->cbc);
	crypto_free_shash(c->hmac384);
	crypto_free_shash(c->hmac256);
	memset(c, 0, sizeof(*c));
}
EXPORT_SYMBOL_IF_KUNIT(monc_crypto_free);

/**
 * monc_crypto_supports() - whether keys of @type can be used with @c
 * @c: the transforms
 * @type: a key type
 *
 * Return: true if every transform @type needs was allocated.
 */
bool monc_crypto_supports(const struct monc_crypto *c, u16 type)
{
	switch (type) {
	case MONC_CRYPTO_AES:
		return c->cbc;
	case MONC_CRYPTO_AES256KRB5:
		return c->cts && c->hmac384 && c->hmac256;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(monc_crypto_supports);

/**
 * monc_crypto_head_len() - bytes before the plaintext in a sealed buffer
 * @type: the key type
 *
 * Return: 16 (the confounder) for aes256k, 0 for aes.
 */
u32 monc_crypto_head_len(u16 type)
{
	return type == MONC_CRYPTO_AES256KRB5 ? AES_BLOCK_SIZE : 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_crypto_head_len);

/**
 * monc_crypto_sealed_len() - the length of @len bytes once sealed
 * @type: the key type
 * @len: the plaintext length
 *
 * Return: the ciphertext length (and the room encrypt needs): @len padded
 * to the next whole block for aes, 16 + @len + 24 for aes256k.
 */
u32 monc_crypto_sealed_len(u16 type, u32 len)
{
	if (type == MONC_CRYPTO_AES256KRB5)
		return AES_BLOCK_SIZE + len + MONC_K5_KI_LEN;
	return round_down(len, AES_BLOCK_SIZE) + AES_BLOCK_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(monc_crypto_sealed_len);

/**
 * monc_krb5_hmac() - truncated HMAC-SHA-384 of an optional prefix and data
 * @c: the transforms (hmac(sha384))
 * @key: the HMAC key
 * @key_len: its length
 * @prefix: bytes hashed first, or NULL
 * @prefix_len: their number
 * @data: the data
 * @len: its length
 * @out: the result
 * @out_len: how many bytes of the 48-byte digest to keep
 *
 * Return: 0 or the crypto API's error.
 */
VISIBLE_IF_KUNIT int monc_krb5_hmac(struct monc_crypto *c, const u8 *key,
				    u32 key_len, const void *prefix,
				    u32 prefix_len, const void *data, u32 len,
				    u8 *out, u32 out_len)
{
	SHASH_DESC_ON_STACK(desc, c->hmac384);
	u8 digest[SHA384_DIGEST_SIZE];
	int ret;

	if (out_len > sizeof(digest))
		return -EINVAL;
	ret = crypto_shash_setkey(c->hmac384, key, key_len);
	if (ret)
		return ret;
	desc->tfm = c->hmac384;
	ret = crypto_shash_init(desc);
	if (!ret && prefix_len)
		ret = crypto_shash_update(desc, prefix, prefix_len);
	if (!ret)
		ret = crypto_shash_finup(desc, data, len, digest);
	shash_desc_zero(desc);
	if (!ret)
		memcpy(out, digest, out_len);
	memzero_explicit(digest, sizeof(digest));
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_krb5_hmac);

/**
 * monc_krb5_kdf() - RFC 8009's KDF-HMAC-SHA2 for a key usage
 * @c: the transforms (hmac(sha384))
 * @key: the base key (32 bytes)
 * @usage: the key usage
 * @type: the label's last byte: 0xaa for Ke, 0x55 for Ki, 0x99 for Kc
 * @out: the derived key
 * @out_len: its length in bytes, at most 48 (one HMAC round)
 *
 * Return: 0 or the crypto API's error.
 */
VISIBLE_IF_KUNIT int monc_krb5_kdf(struct monc_crypto *c, const u8 *key,
				   u32 usage, u8 type, u8 *out, u32 out_len)
{
	u8 in[4 + 5 + 1 + 4];

	/* be32 counter 1 | label (be32 usage, type byte) | 0x00 | be32 bits */
	put_unaligned_be32(1, in);
	put_unaligned_be32(usage, in + 4);
	in[8] = type;
	in[9] = 0;
	put_unaligned_be32(out_len * 8, in + 10);
	return monc_krb5_hmac(c, key, MONC_AES256K_KEY_LEN, NULL, 0, in,
			      sizeof(in), out, out_len);
}
EXPORT_SYMBOL_IF_KUNIT(monc_krb5_kdf);

/* AES-128-CBC with the fixed IV over @len bytes of @buf, in place. */
static int monc_aes_crypt(struct monc_crypto *c, const struct monc_key *key,
			  bool encrypt, u8 *buf, u32 len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, c->cbc);
	struct scatterlist sg;
	u8 iv[AES_BLOCK_SIZE];
	int ret;

	ret = crypto_sync_skcipher_setkey(c->cbc, key->key, key->len);
	if (ret)
		return ret;
	memcpy(iv, MONC_AES_IV, AES_BLOCK_SIZE);
	sg_init_one(&sg, buf, len);
	skcipher_request_set_sync_tfm(req, c->cbc);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	ret = encrypt ? crypto_skcipher_encrypt(req) :
			crypto_skcipher_decrypt(req);
	skcipher_request_zero(req);
	return ret;
}

/* AES-256-CBC-CS3 with a zero IV over @len >= 16 bytes of @buf, in place. */
static int monc_cts_crypt(struct monc_crypto *c, const u8 *ke, bool encrypt,
			  u8 *buf, u32 len)
{
	struct skcipher_request *req = c->cts_req;
	struct scatterlist sg;
	u8 iv[AES_BLOCK_SIZE] = {};
	int ret;

	ret = crypto_skcipher_setkey(c->cts, ke, MONC_K5_KE_LEN);
	if (ret)
		return ret;
	sg_init_one(&sg, buf, len);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	return encrypt ? crypto_skcipher_encrypt(req) :
			 crypto_skcipher_decrypt(req);
}

static int monc_k5_keys(struct monc_crypto *c, const struct monc_key *key,
			u32 usage, u8 *ke, u8 *ki)
{
	int ret;

	ret = monc_krb5_kdf(c, key->key, usage, MONC_K5_KE_LABEL, ke,
			    MONC_K5_KE_LEN);
	if (!ret)
		ret = monc_krb5_kdf(c, key->key, usage, MONC_K5_KI_LABEL, ki,
				    MONC_K5_KI_LEN);
	return ret;
}

static int monc_k5_encrypt(struct monc_crypto *c, const struct monc_key *key,
			   u32 usage, const u8 *confounder, u8 *buf, u32 len)
{
	static const u8 zero_iv[AES_BLOCK_SIZE];
	u8 ke[MONC_K5_KE_LEN], ki[MONC_K5_KI_LEN];
	u32 clen = AES_BLOCK_SIZE + len;
	int ret;

	if (confounder)
		memcpy(buf, confounder, AES_BLOCK_SIZE);
	else
		get_random_bytes(buf, AES_BLOCK_SIZE);
	ret = monc_k5_keys(c, key, usage, ke, ki);
	if (!ret)
		ret = monc_cts_crypt(c, ke, true, buf, clen);
	if (!ret)
		ret = monc_krb5_hmac(c, ki, sizeof(ki), zero_iv,
				     sizeof(zero_iv), buf, clen, buf + clen,
				     MONC_K5_KI_LEN);
	memzero_explicit(ke, sizeof(ke));
	memzero_explicit(ki, sizeof(ki));
	return ret;
}

static int monc_k5_decrypt(struct monc_crypto *c, const struct monc_key *key,
			   u32 usage, u8 *buf, u32 len, u32 *plain_len)
{
	static const u8 zero_iv[AES_BLOCK_SIZE];
	u8 ke[MONC_K5_KE_LEN], ki[MONC_K5_KI_LEN], mac[MONC_K5_KI_LEN];
	u32 clen;
	int ret;

	/* at least the confounder and the HMAC */
	if (len < AES_BLOCK_SIZE + MONC_K5_KI_LEN)
		return -EACCES;
	clen = len - MONC_K5_KI_LEN;
	ret = monc_k5_keys(c, key, usage, ke, ki);
	if (!ret)
		ret = monc_krb5_hmac(c, ki, sizeof(ki), zero_iv,
				     sizeof(zero_iv), buf, clen, mac,
				     sizeof(mac));
	if (!ret && crypto_memneq(mac, buf + clen, sizeof(mac)))
		ret = -EACCES;	/* wrong key, wrong usage or tampered */
	if (!ret)
		ret = monc_cts_crypt(c, ke, false, buf, clen);
	if (!ret)
		*plain_len = clen - AES_BLOCK_SIZE;
	memzero_explicit(ke, sizeof(ke));
	memzero_explicit(ki, sizeof(ki));
	return ret;
}

/**
 * monc_crypto_encrypt() - seal a plaintext in place
 * @c: the transforms
 * @key: the key; its type picks the cipher
 * @usage: the cephx key usage (aes256k only; aes ignores it)
 * @confounder: aes256k's 16-byte confounder, or NULL for a random one
 *	(a fixed one is for known-answer tests)
 * @buf: kmalloc'ed, monc_crypto_sealed_len(@key->type, @len) bytes, with
 *	the plaintext at offset monc_crypto_head_len(@key->type)
 * @len: the plaintext length
 *
 * On success @buf holds the sealed form, monc_crypto_sealed_len() bytes.
 *
 * Context: any context that may use the crypto API synchronously.
 * Return: 0, -EOPNOTSUPP if @c lacks the key type's transforms, or the
 * crypto API's error.
 */
int monc_crypto_encrypt(struct monc_crypto *c, const struct monc_key *key,
			u32 usage, const u8 *confounder, u8 *buf, u32 len)
{
	u32 pad;

	if (!monc_crypto_supports(c, key->type))
		return -EOPNOTSUPP;
	if (key->type == MONC_CRYPTO_AES256KRB5)
		return monc_k5_encrypt(c, key, usage, confounder, buf, len);
	pad = monc_crypto_sealed_len(key->type, len) - len;
	memset(buf + len, pad, pad);
	return monc_aes_crypt(c, key, true, buf, len + pad);
}
EXPORT_SYMBOL_IF_KUNIT(monc_crypto_encrypt);

/**
 * monc_crypto_decrypt() - open a sealed blob in place
 * @c: the transforms
 * @key: the key; its type picks the cipher
 * @usage: the cephx key usage it was sealed with (aes256k)
 * @buf: kmalloc'ed, the sealed blob
 * @len: its length
 * @plain_off: where the plaintext starts in @buf
 * @plain_len: the plaintext length
 *
 * aes256k checks the HMAC before decrypting; aes checks the padding.
 *
 * Context: as monc_crypto_encrypt().
 * Return: 0; -EACCES if the blob does not open (wrong length, bad HMAC,
 * bad padding: a wrong key or a tampered blob); -EOPNOTSUPP if @c lacks
 * the key type's transforms; or the crypto API's error.
 */
int monc_crypto_decrypt(struct monc_crypto *c, const struct monc_key *key,
			u32 usage, u8 *buf, u32 len, u32 *plain_off,
			u32 *plain_len)
{
	u32 pad, i;
	int ret;

	if (!monc_crypto_supports(c, key->type))
		return -EOPNOTSUPP;
	if (key->type == MONC_CRYPTO_AES256KRB5) {
		*plain_off = AES_BLOCK_SIZE;
		return monc_k5_decrypt(c, key, usage, buf, len, plain_len);
	}

	if (!len || len % AES_BLOCK_SIZE)
		return -EACCES;
	ret = monc_aes_crypt(c, key, false, buf, len);
	if (ret)
		return ret;
	pad = buf[len - 1];
	if (!pad || pad > AES_BLOCK_SIZE)
		return -EACCES;
	for (i = len - pad; i < len; i++) {
		if (buf[i] != pad)
			return -EACCES;
	}
	*plain_off = 0;
	*plain_len = len - pad;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_crypto_decrypt);

/**
 * monc_crypto_hmac_sha256() - HMAC-SHA-256 keyed with an aes256k key
 * @c: the transforms
 * @key: an aes256k key; its raw 32 bytes are the HMAC key
 * @data: the data
 * @len: its length
 * @out: the 32-byte digest
 *
 * Context: as monc_crypto_encrypt().
 * Return: 0, -EINVAL for an aes key, -EOPNOTSUPP without the transform, or
 * the crypto API's error.
 */
int monc_crypto_hmac_sha256(struct monc_crypto *c, const struct monc_key *key,
			    const void *data, u32 len,
			    u8 *out)
{
	SHASH_DESC_ON_STACK(desc, c->hmac256);
	int ret;

	if (key->type != MONC_CRYPTO_AES256KRB5)
		return -EINVAL;
	if (!c->hmac256)
		return -EOPNOTSUPP;
	ret = crypto_shash_setkey(c->hmac256, key->key, key->len);
	if (ret)
		return ret;
	desc->tfm = c->hmac256;
	ret = crypto_shash_digest(desc, data, len, out);
	shash_desc_zero(desc);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_crypto_hmac_sha256);

/**
 * monc_hmac_sha256() - HMAC-SHA-256 with a raw key, for msgr2's
 *	AUTH_SIGNATURE
 * @key: the key bytes (a cephx session key, aes or aes256k: its secret)
 * @key_len: their number
 * @data: the data
 * @len: its length
 * @out: the 32-byte digest
 *
 * Allocates the transform for the call: it runs twice per msgr2
 * connection.
 *
 * Context: process context; may sleep.
 * Return: 0 or the crypto API's error.
 */
int monc_hmac_sha256(const u8 *key, u32 key_len, const void *data, u32 len,
		     u8 *out)
{
	struct crypto_shash *tfm;
	int ret;

	tfm = monc_crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_shash_setkey(tfm, key, key_len);
	if (!ret) {
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		ret = crypto_shash_digest(desc, data, len, out);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_hmac_sha256);

/*
 * msgr2 secure mode: AES-128-GCM keyed by the cephx connection secret
 * (Ceph's src/msg/async/crypto_onwire.cc, Linux's net/ceph/messenger_v2.c).
 * Tentacle 20.2 still has AES-128-GCM alone, whatever the session key's
 * type: an aes256k session key changes the secret's sealing, not its
 * use. The secret (64 bytes from a monitor) starts with the 16-byte key,
 * then the client's receive nonce and its transmit nonce, 12 bytes each:
 * le32 fixed, le64 counter. The counter goes up by one after each GCM
 * operation (msgr2.1); no AAD, 16-byte tags. Nothing rekeys: a sender
 * that comes back to its first nonce is out of nonces (Ceph throws and
 * drops the connection), after 2^64 operations.
 */

/* A scatterlist over @len bytes at @buf, which kvmalloc() may have vmalloc'ed. */
static int monc_gcm_sg(struct sg_table *t, struct scatterlist *one, u8 *buf,
		       u32 len)
{
	struct scatterlist *sg;
	unsigned int i, n, off, chunk;
	int ret;

	if (!is_vmalloc_addr(buf)) {
		sg_init_one(one, buf, len);
		t->sgl = one;
		t->orig_nents = 0;	/* nothing to free */
		return 0;
	}
	off = offset_in_page(buf);
	n = DIV_ROUND_UP(off + len, PAGE_SIZE);
	ret = monc_sg_alloc_table(t, n, GFP_NOFS);
	if (ret)
		return ret;
	for_each_sg(t->sgl, sg, n, i) {
		chunk = min_t(u32, len, PAGE_SIZE - off);
		sg_set_page(sg, vmalloc_to_page(buf), chunk, off);
		buf += chunk;
		len -= chunk;
		off = 0;
	}
	return 0;
}

/**
 * monc_gcm_init() - set up secure mode's AES-GCM from a connection secret
 * @g: the state, zeroed by the caller
 * @secret: the connection secret: key, receive nonce, transmit nonce
 * @len: its length, at least %MONC_GCM_SECRET_LEN (the rest is unused)
 *
 * Context: process context; may sleep; allocates as GFP_NOFS.
 * Return: 0, -EINVAL for a short secret, -ENOMEM or the crypto API's error.
 */
int monc_gcm_init(struct monc_gcm *g, const u8 *secret, u32 len)
{
	unsigned int nofs;
	int ret;

	if (len < MONC_GCM_SECRET_LEN)
		return -EINVAL;
	nofs = memalloc_nofs_save();
	g->tfm = monc_crypto_alloc_aead("gcm(aes)", 0, 0);
	if (IS_ERR(g->tfm)) {
		ret = PTR_ERR(g->tfm);
		g->tfm = NULL;
		goto out;
	}
	ret = crypto_aead_setkey(g->tfm, secret, MONC_GCM_KEY_LEN) ?:
	      crypto_aead_setauthsize(g->tfm, MONC_GCM_TAG_LEN);
	if (ret)
		goto out;
	if (crypto_aead_ivsize(g->tfm) != MONC_GCM_IV_LEN) {
		ret = -EINVAL;
		goto out;
	}
	g->req = monc_aead_request_alloc(g->tfm, GFP_NOFS);
	if (!g->req) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(g->rx_nonce, secret + MONC_GCM_KEY_LEN, MONC_GCM_IV_LEN);
	memcpy(g->tx_nonce, secret + MONC_GCM_KEY_LEN + MONC_GCM_IV_LEN,
	       MONC_GCM_IV_LEN);
	memcpy(g->rx_first, g->rx_nonce, MONC_GCM_IV_LEN);
	memcpy(g->tx_first, g->tx_nonce, MONC_GCM_IV_LEN);
out:
	memalloc_nofs_restore(nofs);
	if (ret)
		monc_gcm_free(g);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_gcm_init);

/**
 * monc_gcm_free() - free the transform; the key and nonces are zeroed
 * @g: the state (may be all zeros)
 *
 * Context: process context.
 */
void monc_gcm_free(struct monc_gcm *g)
{
	aead_request_free(g->req);	/* kfree_sensitive() */
	crypto_free_aead(g->tfm);
	memzero_explicit(g, sizeof(*g));
}
EXPORT_SYMBOL_IF_KUNIT(monc_gcm_free);

/*
 * The nonce for the next operation, or -ERANGE when the counter came back
 * to where it started: 2^64 operations under one key, and a nonce must
 * never repeat.
 */
static int monc_gcm_nonce(u8 *nonce, const u8 *first, bool *wrapped)
{
	if (!memcmp(nonce, first, MONC_GCM_IV_LEN)) {
		if (*wrapped)
			return -ERANGE;
		*wrapped = true;
	}
	return 0;
}

static void monc_gcm_next(u8 *nonce)
{
	u8 *counter = nonce + MONC_GCM_IV_LEN - 8;

	put_unaligned_le64(get_unaligned_le64(counter) + 1, counter);
}

static int monc_gcm_crypt(struct monc_gcm *g, bool encrypt, u8 *buf, u32 len)
{
	u8 *nonce = encrypt ? g->tx_nonce : g->rx_nonce;
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist one;
	struct sg_table t;
	u32 sg_len = encrypt ? len + MONC_GCM_TAG_LEN : len;
	int ret;

	if (!g->req)
		return -EINVAL;
	ret = encrypt ? monc_gcm_nonce(nonce, g->tx_first, &g->tx_wrapped) :
			monc_gcm_nonce(nonce, g->rx_first, &g->rx_wrapped);
	if (ret)
		return ret;
	ret = monc_gcm_sg(&t, &one, buf, sg_len);
	if (ret)
		return ret;
	aead_request_set_callback(g->req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	aead_request_set_ad(g->req, 0);
	aead_request_set_crypt(g->req, t.sgl, t.sgl, len, nonce);
	ret = crypto_wait_req(encrypt ? crypto_aead_encrypt(g->req) :
			      crypto_aead_decrypt(g->req), &wait);
	if (t.orig_nents)
		sg_free_table(&t);
	/* the nonce is spent whatever happened: never use it twice */
	monc_gcm_next(nonce);
	return ret;
}

/**
 * monc_gcm_encrypt() - encrypt in place and append the tag
 * @g: the state
 * @buf: @len bytes of plaintext, then room for %MONC_GCM_TAG_LEN more;
 *	kmalloc'ed or kvmalloc'ed (it goes into a scatterlist)
 * @len: the plaintext length
 *
 * Uses the transmit nonce and moves it on.
 *
 * Context: process context; may sleep. The caller serializes calls on @g.
 * Return: 0; -ERANGE when out of nonces; or the crypto API's error.
 */
int monc_gcm_encrypt(struct monc_gcm *g, void *buf, u32 len)
{
	return monc_gcm_crypt(g, true, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(monc_gcm_encrypt);

/**
 * monc_gcm_decrypt() - check the tag and decrypt in place
 * @g: the state
 * @buf: ciphertext and its tag, kmalloc'ed or kvmalloc'ed; the first
 *	@len - %MONC_GCM_TAG_LEN bytes are the plaintext on success
 * @len: their length, at least %MONC_GCM_TAG_LEN
 *
 * Uses the receive nonce and moves it on, whatever the outcome: a frame
 * sealed under a nonce already used (a replay, or frames out of order)
 * fails its tag.
 *
 * Context: process context; may sleep. The caller serializes calls on @g.
 * Return: 0; -EBADMSG for a bad tag (tampered, replayed, wrong key);
 * -EINVAL if @len is shorter than a tag; -ERANGE when out of nonces; or the
 * crypto API's error.
 */
int monc_gcm_decrypt(struct monc_gcm *g, void *buf, u32 len)
{
	if (len < MONC_GCM_TAG_LEN)
		return -EINVAL;
	return monc_gcm_crypt(g, false, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(monc_gcm_decrypt);
