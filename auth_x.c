// SPDX-License-Identifier: GPL-2.0
/*
 * cephx, as a monitor session needs it: prove knowledge of the secret,
 * get the AUTH ticket (and a MON service ticket in the same round trip),
 * and renew them before they expire.
 *
 * The exchange, after the hello picked cephx:
 *
 *   monitor: CephXServerChallenge     u8 v 1, le64 server_challenge
 *   client:  CephXAuthenticate        le16 op 0x0100 (GET_AUTH_SESSION_KEY),
 *                                     u8 v 3, le64 client_challenge, le64 key,
 *                                     old ticket {u8 v 1, le64 secret_id,
 *                                                 le32 len, blob},
 *                                     le32 other_keys (services wanted)
 *   monitor: le16 op, le32 result, ticket reply (AUTH ticket, sealed with
 *            the client's secret), le32 len + connection secret (empty on
 *            msgr v1), le32 len + ticket reply (other services, sealed with
 *            the new AUTH session key)
 *
 * A ticket reply is u8 v 1, le32 n, then n times: le32 service, u8 v 1,
 * sealed CephXServiceTicket {u8 v 1, CryptoKey {le16 type, utime created,
 * le16 len, key}, utime validity}, u8 is_enc, then le32 len + ticket
 * blob {u8 v 1, le64 secret_id, le32 len, opaque blob}, itself sealed with
 * the service's old session key when is_enc is 1 (renewal).
 *
 * "Sealed" means le32 length, then {u8 v 1, le64 magic 0xff009cad8826aa55,
 * plaintext} encrypted with the key's cipher (crypto.c): aes (type 1) or
 * aes256k (type 2, AES256KRB5). aes256k keys encrypt per key usage: the
 * CephXServiceTicket with MONC_X_USAGE_TICKET_SESSION_KEY, the sealed
 * ticket blob with MONC_X_USAGE_TICKET_BLOB (auth.h).
 *
 * The challenge key proves the secret. With an aes secret it is the XOR
 * of the le64 words of the sealed {le64 server_challenge, le64
 * client_challenge}, length prefix included (36 bytes: 4 words). With an
 * aes256k secret (Tentacle, "auth/cephx: modify client + server challenges
 * hashing"; Linux 7.0) the random confounder would make that differ each
 * time, so it is the XOR of the four le64 words of HMAC-SHA-256, keyed
 * with the raw 32-byte secret, of the bare 16-byte {server, client}.
 *
 * Session keys: a Tentacle monitor gives the AUTH ticket a session key of
 * the client secret's type ("auth/cephx: session key type is set to
 * client key type"); every ticket's CryptoKey says its own type, and it is
 * used with that type's cipher.
 *
 * Renewal resends CephXAuthenticate on the same session, with a fresh
 * client challenge, the session's server challenge and the old AUTH
 * ticket; Pacific requires the old ticket from v3 clients both on renewal
 * and when reclaiming the global id on a new session.
 *
 * Service tickets (OSD, MDS, MGR) come in the same reply when wanted
 * (monc_x_want()), and authorizers for them are built from copies of the
 * ticket: part a {u8 1, le64 global id, le32 service, ticket blob}, then
 * part b, CephXAuthorize {u8 2, le64 nonce, u8 have_challenge, le64
 * server challenge + 1} sealed with the ticket's session key for usage
 * 0x10; the service's challenge comes sealed for 0x11 and its reply
 * {u8 v, le64 nonce + 1, v2: connection secret} for 0x12.
 *
 * Locking: none here; auth.c's caller (the session mutex) serializes every
 * call on one state, and an authorizer's own mutex every call on it.
 * Memory: ticket blobs and decrypt buffers are GFP_NOFS; the cipher is
 * allocated once, at create time.
 */

#define pr_fmt(fmt) "monc: " fmt

#include <linux/bits.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <crypto/aes.h>
#include <crypto/sha2.h>

#include "auth.h"
#include "internal.h"
#include "fault.h"

#define MONC_X_GET_AUTH_SESSION_KEY	0x0100
#define MONC_X_AUTHENTICATE_V		3	/* what Pacific wants (reclaim) */
#define MONC_X_ENC_MAGIC		0xff009cad8826aa55ULL
#define MONC_X_ENC_HDR_LEN		9	/* u8 v, le64 magic */
#define MONC_X_CHALLENGE_LEN		9	/* u8 v, le64 challenge */
#define MONC_X_AUTHORIZE_B_LEN		18	/* u8 v, le64 nonce, u8, le64 */

/* Service bits are entity types: MON 1, MDS 2, OSD 4, CLIENT 8, MGR 16, AUTH 32. */
#define MONC_X_NSERVICES		6
#define MONC_X_AUTH			0x20
#define MONC_X_WANT			(MONC_X_AUTH | MONC_ENTITY_TYPE_MON)

/* Largest sealed blob accepted from a monitor, and largest plaintext sealed. */
#define MONC_X_MAX_SEALED		(MONC_X_MAX_TICKET_BLOB + 64)
#define MONC_X_MAX_PLAIN		256

/* A renewal request in flight is resent after this long without an answer. */
#define MONC_X_RESEND_JIFFIES		(10 * HZ)

struct monc_x_ticket {
	bool have;
	struct monc_key key;		/* the session key for the service */
	u64 secret_id;
	u8 *blob;			/* opaque, for the service */
	u32 blob_len;
	u32 ttl;			/* seconds, as the monitor gave it */
	time64_t expires;		/* boottime seconds */
	time64_t renew_after;
};

struct monc_auth_x {
	struct monc_key secret;
	struct monc_crypto crypto;
	u32 want;			/* services to hold tickets for */
	bool have_challenge;		/* server challenge of this session */
	u64 server_challenge;
	bool request_sent;		/* a CephXAuthenticate awaits its reply */
	bool renewing;			/* ... sent while already authenticated */
	bool authenticated;		/* on this session */
	unsigned long last_request;	/* jiffies */
	unsigned int auths;		/* successful replies, ever */
	unsigned int renewals;		/* of which renewals on a session */
	struct monc_x_ticket tickets[MONC_X_NSERVICES];
	/* msgr2 secure mode's key material, from the last session key reply */
	u8 con_secret[MONC_MAX_CON_SECRET_LEN];
	u32 con_secret_len;

#if IS_ENABLED(CONFIG_KUNIT)
	bool test_challenge_set;
	u64 test_challenge;
	const u8 *test_confounder;
#endif
};

static const char * const monc_x_service_names[MONC_X_NSERVICES] = {
	"mon", "mds", "osd", "client", "mgr", "auth"
};

static int monc_x_service_index(u32 service)
{
	if (!service || (service & (service - 1)) ||
	    service >= BIT(MONC_X_NSERVICES))
		return -EINVAL;
	return __ffs(service);
}

static void monc_x_ticket_clear(struct monc_x_ticket *t)
{
	kfree(t->blob);
	memzero_explicit(t, sizeof(*t));
}

/*
 * Seal @plain (at most MONC_X_MAX_PLAIN bytes) with @key as encode_encrypt()
 * does and write le32 length + ciphertext at *@p. @confounder is aes256k's
 * (NULL: random).
 */
static int monc_x_seal(struct monc_crypto *c, const struct monc_key *key,
		       u32 usage, const u8 *confounder, const void *plain,
		       u32 len, void **p, void *end)
{
	u32 head = monc_crypto_head_len(key->type);
	u32 clen;
	u8 *buf;
	int ret;

	if (len > MONC_X_MAX_PLAIN)
		return -EINVAL;
	clen = monc_crypto_sealed_len(key->type, MONC_X_ENC_HDR_LEN + len);
	if (monc_enc_has(*p, end, 4 + clen))
		return -ENOSPC;

	buf = monc_kmalloc(clen, GFP_NOFS);
	if (!buf)
		return -ENOMEM;
	buf[head] = 1;
	put_unaligned_le64(MONC_X_ENC_MAGIC, buf + head + 1);
	memcpy(buf + head + MONC_X_ENC_HDR_LEN, plain, len);
	ret = monc_crypto_encrypt(c, key, usage, confounder, buf,
				  MONC_X_ENC_HDR_LEN + len);
	if (!ret) {
		monc_enc_u32(p, end, clen);
		monc_enc_copy(p, end, buf, clen);
	}
	kfree_sensitive(buf);
	return ret;
}

/*
 * Open @clen bytes of ciphertext sealed with @key: on success *@buf is a
 * kmalloc'ed buffer whose first *@plain_len bytes are the plaintext after
 * the encryption header. -EINVAL for an absurd length, -EACCES if it does
 * not open (wrong key, tampered, wrong magic), -ENOMEM.
 */
static int monc_x_open(struct monc_crypto *c, const struct monc_key *key,
		       u32 usage, const void *sealed, u32 clen, u8 **buf,
		       u32 *plain_len)
{
	u32 off, plen;
	u8 *b;
	int ret;

	if (!clen || clen > MONC_X_MAX_SEALED)
		return -EINVAL;
	b = monc_kmemdup(sealed, clen, GFP_NOFS);
	if (!b)
		return -ENOMEM;
	ret = monc_crypto_decrypt(c, key, usage, b, clen, &off, &plen);
	if (ret) {
		if (ret != -ENOMEM)
			ret = -EACCES;
		goto err_free;
	}
	ret = -EACCES;
	if (plen < MONC_X_ENC_HDR_LEN || b[off] != 1 ||
	    get_unaligned_le64(b + off + 1) != MONC_X_ENC_MAGIC)
		goto err_free;

	plen -= MONC_X_ENC_HDR_LEN;
	memmove(b, b + off + MONC_X_ENC_HDR_LEN, plen);
	memzero_explicit(b + plen, clen - plen);
	*buf = b;
	*plain_len = plen;
	return 0;

err_free:
	kfree_sensitive(b);
	return ret;
}

/**
 * monc_x_encrypt() - seal a plaintext as cephx does and write it out
 * @x: the state (for its transforms)
 * @key: the key; its type picks the cipher
 * @usage: the cephx key usage (aes256k)
 * @plain: the plaintext
 * @len: its length, at most 256 bytes
 * @p: output cursor, advanced past le32 length and ciphertext
 * @end: end of the output
 *
 * Return: 0, -ENOSPC if the output is too small, -EINVAL if @len is too
 * long, -ENOMEM, or a cipher error.
 */
VISIBLE_IF_KUNIT int monc_x_encrypt(struct monc_auth_x *x,
				    const struct monc_key *key, u32 usage,
				    const void *plain, u32 len, void **p,
				    void *end)
{
	const u8 *confounder = NULL;

#if IS_ENABLED(CONFIG_KUNIT)
	confounder = x->test_confounder;
#endif
	return monc_x_seal(&x->crypto, key, usage, confounder, plain, len, p,
			   end);
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_encrypt);

/**
 * monc_x_decrypt() - read and open a sealed blob
 * @x: the state (for its transforms)
 * @key: the key; its type picks the cipher
 * @usage: the cephx key usage the blob was sealed with (aes256k)
 * @p: input cursor at the le32 length; advanced past the blob on success
 * @end: end of the input
 * @buf: on success, a kmalloc'ed buffer whose first *@plain_len bytes are
 *	the plaintext; free it with kfree_sensitive()
 * @plain_len: the plaintext length
 *
 * Return: 0; -EINVAL if the length runs past @end or is absurd; -EACCES if
 * the blob does not open (wrong length, bad HMAC or padding, wrong magic:
 * the wrong key); -ENOMEM.
 */
VISIBLE_IF_KUNIT int monc_x_decrypt(struct monc_auth_x *x,
				    const struct monc_key *key, u32 usage,
				    const void **p, const void *end, u8 **buf,
				    u32 *plain_len)
{
	const void *q = *p;
	const char *sealed;
	u32 clen;
	int ret;

	if (monc_dec_str(&q, end, &sealed, &clen) || clen > MONC_X_MAX_SEALED)
		return -EINVAL;
	ret = monc_x_open(&x->crypto, key, usage, sealed, clen, buf,
			  plain_len);
	if (!ret)
		*p = q;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_decrypt);

/**
 * monc_x_challenge_key() - the proof of the secret in CephXAuthenticate
 * @x: the state (its secret and transforms)
 * @server_challenge: from the monitor
 * @client_challenge: ours
 * @key: the result
 *
 * aes: seals {le64 server_challenge, le64 client_challenge} with the
 * secret and XORs the le64 words of the sealed form, length prefix
 * included. aes256k: XORs the le64 words of HMAC-SHA-256 of the same 16
 * bytes, keyed with the secret.
 *
 * Return: 0 or a negative errno.
 */
VISIBLE_IF_KUNIT int monc_x_challenge_key(struct monc_auth_x *x,
					  u64 server_challenge,
					  u64 client_challenge, u64 *key)
{
	u8 plain[16], sealed[4 + 32];
	void *p = sealed;
	unsigned int i, n;
	u64 k = 0;
	int ret;

	put_unaligned_le64(server_challenge, plain);
	put_unaligned_le64(client_challenge, plain + 8);
	if (x->secret.type == MONC_CRYPTO_AES256KRB5) {
		BUILD_BUG_ON(sizeof(sealed) < SHA256_DIGEST_SIZE);
		ret = monc_crypto_hmac_sha256(&x->crypto, &x->secret, plain,
					      sizeof(plain), sealed);
		n = SHA256_DIGEST_SIZE;
	} else {
		ret = monc_x_encrypt(x, &x->secret, 0, plain, sizeof(plain),
				     &p, sealed + sizeof(sealed));
		n = (u8 *)p - sealed;
	}
	if (ret)
		goto out;
	for (i = 0; i + 8 <= n; i += 8)
		k ^= get_unaligned_le64(sealed + i);
	*key = k;
out:
	memzero_explicit(sealed, sizeof(sealed));
	memzero_explicit(plain, sizeof(plain));
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_challenge_key);

/**
 * monc_x_create() - cephx state for one client
 * @secret: the secret, copied
 * @secret_len: its length, which picks the cipher: %MONC_AES_KEY_LEN (16,
 *	an aes key) or %MONC_AES256K_KEY_LEN (32, an aes256k key)
 *
 * Context: process context, may sleep.
 * Return: the state, ERR_PTR(-EINVAL) for a bad secret, ERR_PTR(-ENOMEM)
 * or the crypto API's error if the secret's cipher is unavailable.
 */
struct monc_auth_x *monc_x_create(const u8 *secret, unsigned int secret_len)
{
	struct monc_auth_x *x;
	u16 type;
	int err;

	if (secret_len == MONC_AES_KEY_LEN)
		type = MONC_CRYPTO_AES;
	else if (secret_len == MONC_AES256K_KEY_LEN)
		type = MONC_CRYPTO_AES256KRB5;
	else
		return ERR_PTR(-EINVAL);
	if (!secret)
		return ERR_PTR(-EINVAL);
	x = monc_kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return ERR_PTR(-ENOMEM);
	monc_key_set(&x->secret, type, secret, secret_len);
	x->want = MONC_X_WANT;
	err = monc_crypto_init(&x->crypto, type);
	if (err)
		goto err_free_x;
	return x;

err_free_x:
	kfree_sensitive(x);
	return ERR_PTR(err);
}

/**
 * monc_x_destroy() - free cephx state, zeroing the secret and session keys
 * @x: the state
 */
void monc_x_destroy(struct monc_auth_x *x)
{
	int i;

	for (i = 0; i < MONC_X_NSERVICES; i++)
		monc_x_ticket_clear(&x->tickets[i]);
	monc_crypto_free(&x->crypto);	/* key schedules are zeroed */
	kfree_sensitive(x);
}

/**
 * monc_x_reset() - forget the session's challenge; keep tickets to reclaim
 * @x: the state
 */
void monc_x_reset(struct monc_auth_x *x)
{
	x->have_challenge = false;
	x->server_challenge = 0;
	x->request_sent = false;
	x->renewing = false;
	x->authenticated = false;
	memzero_explicit(x->con_secret, sizeof(x->con_secret));
	x->con_secret_len = 0;
}

/**
 * monc_x_forget_tickets() - drop every ticket and its session key
 * @x: the state
 *
 * The next CephXAuthenticate presents no old ticket.
 */
void monc_x_forget_tickets(struct monc_auth_x *x)
{
	int i;

	for (i = 0; i < MONC_X_NSERVICES; i++)
		monc_x_ticket_clear(&x->tickets[i]);
}

/**
 * monc_x_build_request() - write a CephXAuthenticate
 * @x: the state
 * @p: output cursor
 * @end: end of the output
 *
 * Used both for the first authentication of a session (after the server
 * challenge) and for renewal; it always carries the old AUTH ticket if we
 * hold one, and asks for the MON ticket too.
 *
 * Return: 0, -ENOSPC, -EINVAL without a server challenge, or a crypto error.
 */
int monc_x_build_request(struct monc_auth_x *x, void **p, void *end)
{
	const struct monc_x_ticket *t = &x->tickets[__ffs(MONC_X_AUTH)];
	u64 client_challenge, key;
	int ret;

	if (!x->have_challenge)
		return -EINVAL;
	get_random_bytes(&client_challenge, sizeof(client_challenge));
#if IS_ENABLED(CONFIG_KUNIT)
	if (x->test_challenge_set)
		client_challenge = x->test_challenge;
#endif
	ret = monc_x_challenge_key(x, x->server_challenge, client_challenge,
				   &key);
	if (ret)
		return ret;

	if (monc_enc_u16(p, end, MONC_X_GET_AUTH_SESSION_KEY) ||
	    monc_enc_u8(p, end, MONC_X_AUTHENTICATE_V) ||
	    monc_enc_u64(p, end, client_challenge) ||
	    monc_enc_u64(p, end, key) ||
	    monc_enc_u8(p, end, 1) ||
	    monc_enc_u64(p, end, t->blob ? t->secret_id : 0) ||
	    monc_enc_str(p, end, t->blob, t->blob ? t->blob_len : 0) ||
	    monc_enc_u32(p, end, x->want & ~MONC_X_AUTH))
		return -ENOSPC;

	x->request_sent = true;
	x->renewing = x->authenticated;
	x->last_request = jiffies;
	pr_debug("cephx: authenticate%s, old ticket %u bytes\n",
		 x->renewing ? " (renewal)" : "", t->blob ? t->blob_len : 0);
	return 0;
}

/* CephXServiceTicket: u8 v 1, CryptoKey, utime validity. */
static int monc_x_parse_service_ticket(const struct monc_crypto *crypto,
				       const u8 *buf, u32 len,
				       struct monc_x_ticket *t)
{
	const void *p = buf, *end = buf + len;
	u16 type, klen;
	u32 sec, nsec;
	u8 v;

	const void *key;

	if (monc_dec_u8(&p, end, &v) || v != 1 ||
	    monc_dec_u16(&p, end, &type) ||
	    monc_dec_skip(&p, end, 8) ||		/* created */
	    monc_dec_u16(&p, end, &klen) || !monc_dec_has(p, end, klen))
		return -EINVAL;
	key = p;
	if (monc_dec_skip(&p, end, klen) ||
	    monc_dec_u32(&p, end, &sec) || monc_dec_u32(&p, end, &nsec))
		return -EINVAL;
	/* a type we do not know, or a length that does not fit the type */
	if (monc_key_set(&t->key, type, key, klen))
		return -EINVAL;
	if (!monc_crypto_supports(crypto, type))
		return -EOPNOTSUPP;
	t->ttl = sec;
	return 0;
}

/* le32 len, then CephXTicketBlob {u8 v 1, le64 secret_id, le32 len, blob}. */
static int monc_x_parse_ticket_blob(const void **p, const void *end,
				    struct monc_x_ticket *t)
{
	const void *q = *p, *bend;
	const char *blob;
	u32 len, blob_len;
	u8 v;

	if (monc_dec_u32(&q, end, &len) || !monc_dec_has(q, end, len))
		return -EINVAL;
	bend = q + len;
	if (monc_dec_u8(&q, bend, &v) || v != 1 ||
	    monc_dec_u64(&q, bend, &t->secret_id) ||
	    monc_dec_str(&q, bend, &blob, &blob_len) || q != bend ||
	    !blob_len || blob_len > MONC_X_MAX_TICKET_BLOB)
		return -EINVAL;
	t->blob = monc_kmemdup(blob, blob_len, GFP_NOFS);
	if (!t->blob)
		return -ENOMEM;
	t->blob_len = blob_len;
	*p = bend;
	return 0;
}

static int monc_x_parse_ticket(struct monc_auth_x *x,
			       const struct monc_key *key,
			       const void **p, const void *end,
			       struct monc_x_ticket *fresh)
{
	struct monc_x_ticket *t;
	const void *tp;
	u32 service, plen;
	u8 v, is_enc;
	u8 *buf;
	time64_t now;
	int idx, ret;

	if (monc_dec_u32(p, end, &service) || monc_dec_u8(p, end, &v))
		return -EINVAL;
	idx = monc_x_service_index(service);
	if (idx < 0 || v != 1 || fresh[idx].have)
		return -EINVAL;
	t = &fresh[idx];

	ret = monc_x_decrypt(x, key, MONC_X_USAGE_TICKET_SESSION_KEY, p, end,
			     &buf, &plen);
	if (ret)
		return ret;
	ret = monc_x_parse_service_ticket(&x->crypto, buf, plen, t);
	kfree_sensitive(buf);
	if (ret)
		return ret;

	if (monc_dec_u8(p, end, &is_enc) || is_enc > 1)
		return -EINVAL;
	if (is_enc) {
		/* renewal: sealed with the session key of the old ticket */
		if (!x->tickets[idx].have)
			return -EINVAL;
		ret = monc_x_decrypt(x, &x->tickets[idx].key,
				     MONC_X_USAGE_TICKET_BLOB, p, end, &buf,
				     &plen);
		if (ret)
			return ret;
		tp = buf;
		ret = monc_x_parse_ticket_blob(&tp, buf + plen, t);
		kfree_sensitive(buf);
	} else {
		ret = monc_x_parse_ticket_blob(p, end, t);
	}
	if (ret)
		return ret;

	now = ktime_get_boottime_seconds();
	t->expires = now + t->ttl;
	t->renew_after = t->expires - t->ttl / 4;
	t->have = true;
	pr_debug("cephx: %s ticket secret_id %llu ttl %u blob %u bytes, %s session key\n",
		 monc_x_service_names[idx], t->secret_id, t->ttl, t->blob_len,
		 monc_key_type_name(t->key.type));
	return 0;
}

/* u8 v 1, le32 n, n tickets, each sealed with @key. */
static int monc_x_parse_ticket_reply(struct monc_auth_x *x,
				     const struct monc_key *key,
				     const void **p, const void *end,
				     struct monc_x_ticket *fresh)
{
	u32 n, i;
	u8 v;
	int ret;

	if (monc_dec_u8(p, end, &v) || v != 1 ||
	    monc_dec_count(p, end, 4 + 1 + 4 + 1 + 4, &n) ||
	    n > MONC_X_NSERVICES)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		ret = monc_x_parse_ticket(x, key, p, end, fresh);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The connection secret section of a session key reply: the secret (a
 * string: le32 n, n bytes) sealed with the new AUTH session key, usage
 * AUTH_CONNECTION_SECRET. Empty on msgr v1, in crc mode and on renewals.
 */
static int monc_x_parse_con_secret(struct monc_auth_x *x,
				   const struct monc_key *key, const void *p,
				   const void *end, u8 *secret, u32 *secret_len)
{
	const void *q;
	const char *s;
	u32 plen, n;
	u8 *buf;
	int ret;

	*secret_len = 0;
	if (p == end)
		return 0;
	ret = monc_x_decrypt(x, key, MONC_X_USAGE_AUTH_CONNECTION_SECRET, &p,
			     end, &buf, &plen);
	if (ret)
		return ret;
	q = buf;
	ret = -EINVAL;
	if (monc_dec_str(&q, buf + plen, &s, &n) ||
	    n > MONC_MAX_CON_SECRET_LEN)
		goto out;
	memcpy(secret, s, n);
	*secret_len = n;
	ret = 0;
out:
	kfree_sensitive(buf);
	return ret;
}

static int monc_x_handle_session_key(struct monc_auth_x *x, const void *p,
				     const void *end)
{
	struct monc_x_ticket fresh[MONC_X_NSERVICES] = {};
	const struct monc_x_ticket *auth_t = &fresh[__ffs(MONC_X_AUTH)];
	u8 secret[MONC_MAX_CON_SECRET_LEN];
	u32 secret_len = 0;
	const char *sect;
	const void *q;
	u32 len;
	int i, ret;

	ret = monc_x_parse_ticket_reply(x, &x->secret, &p, end, fresh);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (!auth_t->have)
		goto out;

	/* We always ask for other keys, so both sections must be there. */
	if (monc_dec_str(&p, end, &sect, &len))	/* connection secret */
		goto out;
	ret = monc_x_parse_con_secret(x, &auth_t->key, sect, sect + len,
				      secret, &secret_len);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (monc_dec_str(&p, end, &sect, &len))	/* service tickets */
		goto out;
	if (len) {
		q = sect;
		ret = monc_x_parse_ticket_reply(x, &auth_t->key, &q,
						sect + len, fresh);
		if (ret)
			goto out;
		ret = -EINVAL;
		if (q != sect + len)
			goto out;
	}
	if (p != end)
		pr_debug("cephx: %zu trailing bytes ignored\n",
			 (size_t)(end - p));

	for (i = 0; i < MONC_X_NSERVICES; i++) {
		if (!fresh[i].have)
			continue;
		monc_x_ticket_clear(&x->tickets[i]);
		x->tickets[i] = fresh[i];
		fresh[i].blob = NULL;
	}
	memcpy(x->con_secret, secret, secret_len);
	x->con_secret_len = secret_len;
	ret = 0;
out:
	for (i = 0; i < MONC_X_NSERVICES; i++)
		monc_x_ticket_clear(&fresh[i]);
	memzero_explicit(secret, sizeof(secret));
	return ret;
}

/**
 * monc_x_session_key() - the AUTH ticket's session key
 * @x: the state
 * @buf: where to copy it
 * @len: in: room at @buf; out: the key's length
 *
 * msgr2 signs its auth exchange with it (AUTH_SIGNATURE).
 *
 * Return: 0, or -ENOENT without an AUTH ticket (or too little room).
 */
int monc_x_session_key(struct monc_auth_x *x, u8 *buf, u32 *len)
{
	const struct monc_x_ticket *t = &x->tickets[__ffs(MONC_X_AUTH)];

	if (!t->have || t->key.len > *len)
		return -ENOENT;
	memcpy(buf, t->key.key, t->key.len);
	*len = t->key.len;
	return 0;
}

/**
 * monc_x_con_secret() - the connection secret of the last session key reply
 * @x: the state
 * @buf: where to copy it
 * @len: in: room at @buf; out: the secret's length, 0 if the reply had none
 *
 * msgr2 secure mode keys its cipher with it.
 *
 * Return: 0, or -ENOSPC with too little room.
 */
int monc_x_con_secret(struct monc_auth_x *x, u8 *buf, u32 *len)
{
	if (x->con_secret_len > *len)
		return -ENOSPC;
	memcpy(buf, x->con_secret, x->con_secret_len);
	*len = x->con_secret_len;
	return 0;
}

/**
 * monc_x_handle_reply() - handle a cephx MAuthReply payload
 * @x: the state
 * @payload: the payload
 * @len: its length
 *
 * The first reply of a session carries the server challenge; the next
 * ones answer a CephXAuthenticate. Tickets are replaced only when the
 * whole reply decodes.
 *
 * A monitor checks our proof of the secret before it seals the tickets
 * with that same secret, and refuses a wrong one in the MAuthReply's
 * result: tickets that do not open here were not sealed by a monitor that
 * accepted us (corrupted or forged), and are no refusal.
 *
 * Return: %MONC_AUTH_AGAIN after the challenge, %MONC_AUTH_DONE when the
 * tickets are in, -EACCES only when the reply's status is a refusal (the
 * monitor said no; its value is logged), or an error that says the reply
 * could not be taken: -EINVAL (malformed, unexpected), -EBADMSG (a sealed
 * part does not open or verify), -EOPNOTSUPP (a key type we lack),
 * -ENOMEM.
 */
int monc_x_handle_reply(struct monc_auth_x *x, const void *payload, u32 len)
{
	const void *p = payload, *end = payload + len;
	u16 op;
	s32 result;
	u8 v;
	int ret;

	if (!x->have_challenge) {
		if (len != MONC_X_CHALLENGE_LEN || monc_dec_u8(&p, end, &v) ||
		    v != 1 || monc_dec_u64(&p, end, &x->server_challenge)) {
			pr_err_ratelimited("cephx: malformed server challenge\n");
			return -EINVAL;
		}
		x->have_challenge = true;
		return MONC_AUTH_AGAIN;
	}

	if (!x->request_sent) {
		pr_err_ratelimited("cephx: reply without a request\n");
		return -EINVAL;
	}
	if (monc_dec_u16(&p, end, &op) || monc_dec_s32(&p, end, &result) ||
	    op != MONC_X_GET_AUTH_SESSION_KEY) {
		pr_err_ratelimited("cephx: malformed reply\n");
		return -EINVAL;
	}
	if (result) {
		pr_err_ratelimited("cephx: monitor refused: %d\n", result);
		return -EACCES;
	}

	ret = monc_x_handle_session_key(x, p, end);
	if (ret) {
		if (ret == -EACCES) {
			pr_err_ratelimited("cephx: ticket reply does not open (corrupted or forged)\n");
			ret = -EBADMSG;
		} else if (ret != -ENOMEM) {
			pr_err_ratelimited("cephx: malformed ticket reply: %d\n",
					   ret);
		}
		return ret;
	}
	x->request_sent = false;
	x->auths++;
	if (x->renewing)
		x->renewals++;
	x->renewing = false;
	x->authenticated = true;
	return MONC_AUTH_DONE;
}

/**
 * monc_x_need_renew() - whether a wanted ticket is past its renew time
 * @x: the state
 *
 * A ticket is due after 3/4 of its lifetime. A renewal in flight holds
 * off another one for ten seconds.
 *
 * Return: true if monc_x_build_request() should be sent.
 */
bool monc_x_need_renew(struct monc_auth_x *x)
{
	time64_t now = ktime_get_boottime_seconds();
	bool missing = false;
	int i;

	if (!x->authenticated || !x->have_challenge)
		return false;
	if (x->request_sent &&
	    time_before(jiffies, x->last_request + MONC_X_RESEND_JIFFIES))
		return false;
	for (i = 0; i < MONC_X_NSERVICES; i++) {
		if (!(x->want & BIT(i)))
			continue;
		if (!x->tickets[i].have)
			missing = true;
		else if (now >= x->tickets[i].renew_after)
			return true;
	}
	/* a service the monitors do not give us: ask again, but not often */
	return missing && time_after_eq(jiffies, x->last_request +
					MONC_X_RESEND_JIFFIES);
}

/**
 * monc_x_want() - hold tickets for more services
 * @x: the state
 * @services: entity type bits (MDS 2, OSD 4, MGR 16); AUTH and MON are
 *	always held
 *
 * The next renewal asks for them; monc_x_need_renew() is true until they
 * are in.
 */
void monc_x_want(struct monc_auth_x *x, u32 services)
{
	x->want |= services & (BIT(MONC_X_NSERVICES) - 1);
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_want);

/**
 * monc_x_invalidate() - forget a service's ticket, so that a new one comes
 * @x: the state
 * @service: the entity type bit
 *
 * A service refused our authorizer: its ticket (or the rotating secret it
 * was sealed with) is no longer good. The ticket is dropped and, since the
 * service is wanted, the tick's next renewal fetches a fresh one; until
 * then monc_x_authorizer_ticket() says -ENOKEY.
 */
void monc_x_invalidate(struct monc_auth_x *x, u32 service)
{
	int idx = monc_x_service_index(service);

	if (idx < 0 || service == MONC_X_AUTH)
		return;
	x->want |= service;
	if (x->tickets[idx].have)
		pr_debug("cephx: %s ticket secret_id %llu invalidated\n",
			 monc_x_service_names[idx], x->tickets[idx].secret_id);
	monc_x_ticket_clear(&x->tickets[idx]);
	/* a renewal in flight may predate the refusal: allow another now */
	x->request_sent = false;
	x->last_request = jiffies - MONC_X_RESEND_JIFFIES;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_invalidate);

/**
 * monc_x_authorizer_encode_a() - allocate an authorizer's buffer, write part a
 * @a: the authorizer; @a->key, @a->service and @a->global_id are set
 * @secret_id: the ticket's secret id
 * @blob: the ticket blob
 * @blob_len: its length
 *
 * Part a is {u8 1, le64 global id, le32 service, ticket blob {u8 1, le64
 * secret_id, le32 len, blob}}; the buffer has room for part b after it.
 *
 * Return: 0 or -ENOMEM.
 */
VISIBLE_IF_KUNIT int monc_x_authorizer_encode_a(struct monc_authorizer *a,
						u64 secret_id, const u8 *blob,
						u32 blob_len)
{
	u32 len = 1 + 8 + 4 + 1 + 8 + 4 + blob_len;
	void *p, *end;

	a->alloc = len + 4 + monc_crypto_sealed_len(a->key.type,
						    MONC_X_ENC_HDR_LEN +
						    MONC_X_AUTHORIZE_B_LEN);
	a->buf = monc_kzalloc(a->alloc, GFP_NOFS);
	if (!a->buf)
		return -ENOMEM;
	p = a->buf;
	end = a->buf + a->alloc;
	monc_enc_u8(&p, end, 1);
	monc_enc_u64(&p, end, a->global_id);
	monc_enc_u32(&p, end, a->service);
	monc_enc_u8(&p, end, 1);
	monc_enc_u64(&p, end, secret_id);
	monc_enc_str(&p, end, blob, blob_len);
	a->a_len = len;
	a->len = len;
	a->secret_id = secret_id;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_authorizer_encode_a);

/**
 * monc_x_authorizer_ticket() - copy a service's ticket into an authorizer
 * @x: the state
 * @service: the entity type bit (MON, MDS, OSD or MGR)
 * @a: the authorizer; its key, secret id and part a are set
 *
 * Part a is {u8 1, le64 global id, le32 service, ticket blob {u8 1, le64
 * secret_id, le32 len, blob}}; @a->global_id must be set.
 *
 * Return: 0; -EINVAL for a bad service; -ENOKEY without an unexpired
 * ticket (the service is then wanted, so the tick asks for one); -ENOMEM.
 */
int monc_x_authorizer_ticket(struct monc_auth_x *x, u32 service,
			     struct monc_authorizer *a)
{
	int idx = monc_x_service_index(service);
	const struct monc_x_ticket *t;

	if (idx < 0 || service == MONC_X_AUTH ||
	    service == MONC_ENTITY_TYPE_CLIENT)
		return -EINVAL;
	x->want |= service;
	t = &x->tickets[idx];
	if (!t->have || ktime_get_boottime_seconds() >= t->expires)
		return -ENOKEY;

	a->key = t->key;
	a->service = service;
	return monc_x_authorizer_encode_a(a, t->secret_id, t->blob,
					  t->blob_len);
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_authorizer_ticket);

/**
 * monc_x_authorizer_seal() - (re)write part b of an authorizer
 * @a: the authorizer, with part a and crypto in place
 * @have_challenge: whether the service challenged us
 * @server_challenge: its challenge; part b carries it plus one
 *
 * Part b is CephXAuthorize {u8 2, le64 nonce, u8 have_challenge, le64
 * server_challenge + 1}, sealed with the ticket's session key for
 * MONC_X_USAGE_AUTHORIZE.
 *
 * Return: 0 or a negative errno.
 */
int monc_x_authorizer_seal(struct monc_authorizer *a, bool have_challenge,
			   u64 server_challenge)
{
	u8 plain[MONC_X_AUTHORIZE_B_LEN];
	const u8 *confounder = NULL;
	void *p = a->buf + a->a_len, *end = a->buf + a->alloc;
	int ret;

	plain[0] = 2;
	put_unaligned_le64(a->nonce, plain + 1);
	plain[9] = have_challenge;
	put_unaligned_le64(have_challenge ? server_challenge + 1 : 0,
			   plain + 10);
#if IS_ENABLED(CONFIG_KUNIT)
	confounder = a->test_confounder;
#endif
	ret = monc_x_seal(&a->crypto, &a->key, MONC_X_USAGE_AUTHORIZE,
			  confounder, plain, sizeof(plain), &p, end);
	memzero_explicit(plain, sizeof(plain));
	if (ret)
		return ret;
	a->len = (u8 *)p - a->buf;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_authorizer_seal);

/**
 * monc_x_authorizer_challenge() - answer a service's CephXAuthorizeChallenge
 * @a: the authorizer
 * @challenge: the sealed challenge as msgr v1 carries it (no length prefix)
 * @len: its length
 *
 * The challenge opens with the session key for
 * MONC_X_USAGE_AUTHORIZE_CHALLENGE to {u8 v, le64 server_challenge}; part
 * b is then sealed again with it.
 *
 * Return: 0; -EACCES if it does not open (not our ticket's key, tampered);
 * -EINVAL if it is malformed; -ENOMEM.
 */
int monc_x_authorizer_challenge(struct monc_authorizer *a,
				const void *challenge, u32 len)
{
	const void *p, *end;
	u64 server_challenge;
	u32 plen;
	u8 *buf;
	u8 v;
	int ret;

	ret = monc_x_open(&a->crypto, &a->key,
			  MONC_X_USAGE_AUTHORIZE_CHALLENGE, challenge, len,
			  &buf, &plen);
	if (ret)
		return ret;
	p = buf;
	end = buf + plen;
	if (monc_dec_u8(&p, end, &v) || !v ||
	    monc_dec_u64(&p, end, &server_challenge))
		ret = -EINVAL;
	kfree_sensitive(buf);
	if (ret)
		return ret;
	return monc_x_authorizer_seal(a, true, server_challenge);
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_authorizer_challenge);

/**
 * monc_x_authorizer_reply() - verify a service's CephXAuthorizeReply
 * @a: the authorizer
 * @reply: le32 length + sealed {u8 v, le64 nonce + 1, v >= 2: le32 len +
 *	connection secret}, as the connect reply carries it
 * @len: its length
 * @con_secret: where to copy the connection secret, or NULL
 * @con_secret_len: in: room at @con_secret; out: bytes copied (0 if none)
 *
 * Return: 0 when the service proved it holds the ticket's session key;
 * -EACCES if the reply does not open or carries the wrong nonce; -EINVAL
 * if it is malformed or the secret does not fit; -ENOMEM.
 */
int monc_x_authorizer_reply(struct monc_authorizer *a, const void *reply,
			    u32 len, u8 *con_secret, u32 *con_secret_len)
{
	const void *p = reply, *end = reply + len, *q, *qend;
	const char *secret;
	u32 plen, slen, room = 0;
	u64 nonce_plus_one;
	u8 *buf;
	u8 v;
	int ret;

	if (con_secret_len) {
		room = *con_secret_len;
		*con_secret_len = 0;
	}
	ret = monc_dec_str(&p, end, &secret, &slen);
	if (ret)
		return -EINVAL;
	ret = monc_x_open(&a->crypto, &a->key, MONC_X_USAGE_AUTHORIZE_REPLY,
			  secret, slen, &buf, &plen);
	if (ret)
		return ret;
	q = buf;
	qend = buf + plen;
	ret = -EINVAL;
	if (monc_dec_u8(&q, qend, &v) || !v ||
	    monc_dec_u64(&q, qend, &nonce_plus_one))
		goto out;
	ret = -EACCES;
	if (nonce_plus_one != a->nonce + 1)
		goto out;
	ret = -EINVAL;
	if (v >= 2) {
		if (monc_dec_str(&q, qend, &secret, &slen) ||
		    slen > MONC_MAX_CON_SECRET_LEN)
			goto out;
		if (con_secret && con_secret_len) {
			if (slen > room)
				goto out;
			memcpy(con_secret, secret, slen);
			*con_secret_len = slen;
		}
	}
	ret = 0;
out:
	kfree_sensitive(buf);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_authorizer_reply);

/**
 * monc_x_calc_signature() - the msgr v1 signature of a message
 * @a: the authorizer (its session key and scratch buffer)
 * @cephx_v2: whether CEPHX_V2 is in the features in effect
 * @f: the fields signed
 * @sig: the signature, in CPU order (the footer carries it le64)
 *
 * With CEPHX_V2 (every release since Mimic), the block is {le32 header
 * crc, front crc, front len, middle crc, middle len, data crc, data len,
 * low word of seq}: an aes key encrypts it bare (AES-CBC, 48 bytes out)
 * and the signature is the XOR of the first four le64 words; an aes256k
 * key takes the XOR of the four le64 words of its HMAC-SHA-256 (Linux
 * 7.0, Tentacle). Without it, the block is {le32 16, header crc, front
 * crc, middle crc, data crc} sealed with the encryption header, and the
 * signature is the first le64 of the ciphertext: aes only, since an
 * aes256k seal has a random confounder.
 *
 * Return: 0, -EOPNOTSUPP (aes256k without CEPHX_V2) or a cipher error.
 */
int monc_x_calc_signature(struct monc_authorizer *a, bool cephx_v2,
			  const struct monc_sig_fields *f, u64 *sig)
{
	u8 *b = a->scratch;
	u8 blk[32];
	int ret, i;

	BUILD_BUG_ON(sizeof(a->scratch) < 48);
	if (!cephx_v2) {
		void *p = b, *end = b + sizeof(a->scratch);

		if (a->key.type != MONC_CRYPTO_AES)
			return -EOPNOTSUPP;
		put_unaligned_le32(16, blk);
		put_unaligned_le32(f->header_crc, blk + 4);
		put_unaligned_le32(f->front_crc, blk + 8);
		put_unaligned_le32(f->middle_crc, blk + 12);
		put_unaligned_le32(f->data_crc, blk + 16);
		ret = monc_x_seal(&a->crypto, &a->key, 0, NULL, blk, 20, &p,
				  end);
		if (!ret)
			*sig = get_unaligned_le64(b + 4);
		goto out;
	}

	put_unaligned_le32(f->header_crc, blk);
	put_unaligned_le32(f->front_crc, blk + 4);
	put_unaligned_le32(f->front_len, blk + 8);
	put_unaligned_le32(f->middle_crc, blk + 12);
	put_unaligned_le32(f->middle_len, blk + 16);
	put_unaligned_le32(f->data_crc, blk + 20);
	put_unaligned_le32(f->data_len, blk + 24);
	put_unaligned_le32(lower_32_bits(f->seq), blk + 28);
	if (a->key.type == MONC_CRYPTO_AES256KRB5) {
		ret = monc_crypto_hmac_sha256(&a->crypto, &a->key, blk,
					      sizeof(blk), b);
	} else {
		memcpy(b, blk, sizeof(blk));
		ret = monc_crypto_encrypt(&a->crypto, &a->key, 0, NULL, b,
					  sizeof(blk));
	}
	if (!ret) {
		u64 s = 0;

		for (i = 0; i < 32; i += 8)
			s ^= get_unaligned_le64(b + i);
		*sig = s;
	}
out:
	memzero_explicit(a->scratch, sizeof(a->scratch));
	memzero_explicit(blk, sizeof(blk));
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_calc_signature);

/**
 * monc_x_show() - debugfs view: tickets, expiry, renewals; never keys
 * @x: the state
 * @s: the seq_file
 */
void monc_x_show(struct monc_auth_x *x, struct seq_file *s)
{
	time64_t now = ktime_get_boottime_seconds();
	const struct monc_x_ticket *t;
	int i;

	seq_printf(s, "cephx_cipher: %s\n", monc_key_type_name(x->secret.type));
	seq_printf(s, "cephx_authentications: %u\n", x->auths);
	seq_printf(s, "cephx_renewals: %u\n", x->renewals);
	for (i = 0; i < MONC_X_NSERVICES; i++) {
		t = &x->tickets[i];
		if (!t->have)
			continue;
		seq_printf(s, "cephx_ticket: %s secret_id %llu ttl %us expires_in %llds renew_in %llds key %s\n",
			   monc_x_service_names[i], t->secret_id, t->ttl,
			   (long long)(t->expires - now),
			   (long long)(t->renew_after - now),
			   monc_key_type_name(t->key.type));
	}
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * monc_x_test_set_challenge() - use a fixed client challenge (KUnit only)
 * @x: the state
 * @client_challenge: the challenge every later request uses
 */
void monc_x_test_set_challenge(struct monc_auth_x *x, u64 client_challenge)
{
	x->test_challenge_set = true;
	x->test_challenge = client_challenge;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_test_set_challenge);

/**
 * monc_x_test_set_confounder() - seal aes256k with a fixed confounder
 * @x: the state
 * @confounder: 16 bytes used by every later aes256k seal, or NULL for
 *	random ones again; the caller keeps it alive (KUnit only)
 */
void monc_x_test_set_confounder(struct monc_auth_x *x, const u8 *confounder)
{
	x->test_confounder = confounder;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_test_set_confounder);

/**
 * monc_x_test_age() - pretend @seconds passed (KUnit only)
 * @x: the state
 * @seconds: how far to move every ticket's times and the last request
 */
void monc_x_test_age(struct monc_auth_x *x, unsigned int seconds)
{
	int i;

	for (i = 0; i < MONC_X_NSERVICES; i++) {
		x->tickets[i].expires -= seconds;
		x->tickets[i].renew_after -= seconds;
	}
	x->last_request -= (unsigned long)seconds * HZ;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_test_age);

/**
 * monc_x_renewals() - renewal count (KUnit only)
 * @x: the state
 *
 * Return: successful renewals so far.
 */
unsigned int monc_x_renewals(struct monc_auth_x *x)
{
	return x->renewals;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_renewals);

/**
 * monc_x_ticket_info() - what we hold for a service (KUnit only)
 * @x: the state
 * @service: the entity type bit (MON 1 ... AUTH 0x20)
 * @secret_id: its ticket's secret id
 * @blob_len: its ticket blob's length
 * @ttl: its lifetime as given
 *
 * Return: 0, or -ENOENT if there is no ticket for @service.
 */
int monc_x_ticket_info(struct monc_auth_x *x, unsigned int service,
		       u64 *secret_id, u32 *blob_len, u32 *ttl)
{
	int idx = monc_x_service_index(service);

	if (idx < 0 || !x->tickets[idx].have)
		return -ENOENT;
	*secret_id = x->tickets[idx].secret_id;
	*blob_len = x->tickets[idx].blob_len;
	*ttl = x->tickets[idx].ttl;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_x_ticket_info);
#endif
