/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Authentication as the session sees it: auth.c picks the method and does
 * auth none; auth_x.c does cephx. The session owns the MAuth framing (the
 * paxos header, protocol, payload length, monmap epoch); this interface
 * produces and consumes only the auth payloads.
 *
 * Callers serialize calls on one struct monc_auth (the session mutex).
 *
 * The session's sequence, per connection to a monitor:
 *   monc_auth_reset(); send MAuth(protocol 0, monc_auth_build_hello());
 *   on each MAuthReply: monc_auth_handle_reply() ->
 *     MONC_AUTH_AGAIN: send MAuth(monc_auth_protocol(),
 *                                 monc_auth_build_request());
 *     MONC_AUTH_DONE:  authenticated (first time: session established;
 *                      later: a renewal went through);
 *     < 0:             a refusal (the MAuthReply's negative result, or
 *                      -EACCES: the cephx status) is final for a mount;
 *                      any other error is a reply not taken (malformed,
 *                      does not open) and fails this monitor only.
 *   on the tick, once established: if monc_auth_need_renew(), send
 *   MAuth(monc_auth_protocol(), monc_auth_build_request()).
 */
#ifndef _MONC_AUTH_H
#define _MONC_AUTH_H

#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "mon_client.h"

struct monc_auth;

/* Result of monc_auth_handle_reply(). */
#define MONC_AUTH_DONE		0	/* authenticated: global id known */
#define MONC_AUTH_AGAIN		1	/* send monc_auth_build_request() */

struct monc_auth *monc_auth_create(unsigned int methods, const char *name,
				   const u8 *secret, unsigned int secret_len);
void monc_auth_destroy(struct monc_auth *auth);

/* Forget per-session state before a new session (keeps tickets to renew). */
void monc_auth_reset(struct monc_auth *auth);

/* Forget the global id and every ticket: the next session starts afresh. */
bool monc_auth_forget_identity(struct monc_auth *auth);

/*
 * The protocol number for the next MAuth's protocol field: 0 for the
 * hello, then the negotiated method.
 */
u32 monc_auth_protocol(struct monc_auth *auth);

/* Write the hello payload (methods offered, entity name, global id). */
int monc_auth_build_hello(struct monc_auth *auth, void **p, void *end);

/* Write the next request payload of the negotiated method. */
int monc_auth_build_request(struct monc_auth *auth, void **p, void *end);

/*
 * Handle an MAuthReply already split by the session: @protocol, @result
 * (0 or a negative errno), @global_id and the payload. Returns
 * MONC_AUTH_DONE, MONC_AUTH_AGAIN or a negative errno (-EACCES for the
 * monitor's refusal in a cephx reply, -EINVAL for a malformed payload,
 * -EBADMSG for a cephx blob that does not open, -ENOMEM).
 */
int monc_auth_handle_reply(struct monc_auth *auth, u32 protocol, int result,
			   u64 global_id, const void *payload, u32 len);

/*
 * The session key of the exchange that just finished, which msgr2 signs
 * its auth frames with: *@len 0 for auth none (no key).
 */
int monc_auth_session_key(struct monc_auth *auth, u8 *buf, u32 *len,
			  u8 *secret, u32 *secret_len);

/* True when tickets are due for renewal (the tick then re-authenticates). */
bool monc_auth_need_renew(struct monc_auth *auth);

u64 monc_auth_global_id(struct monc_auth *auth);
const char *monc_auth_name(struct monc_auth *auth);

/* debugfs: method, ticket expiry, renewal count. Never the secret. */
void monc_auth_show(struct monc_auth *auth, struct seq_file *s);

/*
 * Room that is always enough for one payload of monc_auth_build_hello() or
 * monc_auth_build_request(): cephx ticket blobs longer than
 * MONC_X_MAX_TICKET_BLOB are refused when they arrive.
 */
#define MONC_X_MAX_TICKET_BLOB	3072
#define MONC_AUTH_PAYLOAD_MAX	(MONC_X_MAX_TICKET_BLOB + 128)

/*
 * cephx (auth_x.c), driven by auth.c only; the declarations are here for
 * auth.c and the KUnit suite. Same serialization rule as above.
 */
struct monc_auth_x;

struct monc_auth_x *monc_x_create(const u8 *secret, unsigned int secret_len);
void monc_x_destroy(struct monc_auth_x *x);
void monc_x_reset(struct monc_auth_x *x);
void monc_x_forget_tickets(struct monc_auth_x *x);
int monc_x_build_request(struct monc_auth_x *x, void **p, void *end);
int monc_x_handle_reply(struct monc_auth_x *x, const void *payload, u32 len);
bool monc_x_need_renew(struct monc_auth_x *x);
int monc_x_session_key(struct monc_auth_x *x, u8 *buf, u32 *len);
int monc_x_con_secret(struct monc_auth_x *x, u8 *buf, u32 *len);
void monc_x_want(struct monc_auth_x *x, u32 services);
void monc_x_show(struct monc_auth_x *x, struct seq_file *s);

/*
 * The ciphers of cephx (crypto.c): aes (CryptoKey type 1) and aes256k
 * (type 2, CEPH_CRYPTO_AES256KRB5: RFC 8009's aes256-cts-hmac-sha384-192).
 * Same serialization rule: one struct monc_crypto belongs to one cephx
 * state.
 */
#define MONC_CRYPTO_AES			1
#define MONC_CRYPTO_AES256KRB5		2
#define MONC_AES_KEY_LEN		16
#define MONC_AES256K_KEY_LEN		32
#define MONC_KEY_MAX_LEN		32

/*
 * cephx key usages (Ceph's CephxProtocol.h, Linux 7.0's
 * auth_x_protocol.h). aes256k derives Ke and Ki from the key and the
 * usage; aes ignores it.
 */
/* the AUTH session's connection secret, under the AUTH session key */
#define MONC_X_USAGE_AUTH_CONNECTION_SECRET	0x03
/*
 * CephXServiceTicket ("blob for me", with the session key): under the
 * client's secret for the AUTH ticket, under the AUTH session key for the
 * other services' tickets
 */
#define MONC_X_USAGE_TICKET_SESSION_KEY		0x04
/* the service's ticket blob, when sealed with the old AUTH session key */
#define MONC_X_USAGE_TICKET_BLOB		0x05

struct monc_key {
	u16 type;			/* MONC_CRYPTO_* */
	u16 len;			/* 16 or 32 */
	u8 key[MONC_KEY_MAX_LEN];
};

struct crypto_sync_skcipher;
struct crypto_skcipher;
struct skcipher_request;
struct crypto_shash;

struct monc_crypto {
	struct crypto_sync_skcipher *cbc;	/* aes */
	struct crypto_skcipher *cts;		/* aes256k */
	struct skcipher_request *cts_req;
	struct crypto_shash *hmac384;		/* aes256k: KDF and integrity */
	struct crypto_shash *hmac256;		/* aes256k: challenge hash */
};

int monc_key_set(struct monc_key *k, u16 type, const void *secret, u32 len);
u32 monc_key_len(u16 type);
const char *monc_key_type_name(u16 type);
int monc_crypto_init(struct monc_crypto *c, u16 type);
void monc_crypto_free(struct monc_crypto *c);
bool monc_crypto_supports(const struct monc_crypto *c, u16 type);
u32 monc_crypto_head_len(u16 type);
u32 monc_crypto_sealed_len(u16 type, u32 len);
int monc_crypto_encrypt(struct monc_crypto *c, const struct monc_key *key,
			u32 usage, const u8 *confounder, u8 *buf, u32 len);
int monc_crypto_decrypt(struct monc_crypto *c, const struct monc_key *key,
			u32 usage, u8 *buf, u32 len, u32 *plain_off,
			u32 *plain_len);
int monc_crypto_hmac_sha256(struct monc_crypto *c, const struct monc_key *key,
			    const void *data, u32 len, u8 *out);
int monc_hmac_sha256(const u8 *key, u32 key_len, const void *data, u32 len,
		     u8 *out);

/*
 * msgr2 secure mode (crypto.c): AES-128-GCM, 12-byte nonces (le32 fixed,
 * le64 counter), 16-byte tags. The connection secret holds the key, then
 * the client's receive nonce, then its transmit nonce.
 */
#define MONC_GCM_KEY_LEN		16
#define MONC_GCM_IV_LEN			12
#define MONC_GCM_TAG_LEN		16
#define MONC_GCM_BLOCK_LEN		16
#define MONC_GCM_SECRET_LEN		(MONC_GCM_KEY_LEN + 2 * MONC_GCM_IV_LEN)

struct crypto_aead;
struct aead_request;

/**
 * struct monc_gcm - one connection's secure-mode cipher
 * @tfm: gcm(aes), keyed
 * @req: its request
 * @rx_nonce: the nonce of the next frame part received
 * @tx_nonce: the nonce of the next frame part sent
 * @rx_first: @rx_nonce's first value (to see it come round)
 * @tx_first: @tx_nonce's first value
 * @rx_wrapped: @rx_first was used
 * @tx_wrapped: @tx_first was used
 */
struct monc_gcm {
	struct crypto_aead *tfm;
	struct aead_request *req;
	u8 rx_nonce[MONC_GCM_IV_LEN];
	u8 tx_nonce[MONC_GCM_IV_LEN];
	u8 rx_first[MONC_GCM_IV_LEN];
	u8 tx_first[MONC_GCM_IV_LEN];
	bool rx_wrapped;
	bool tx_wrapped;
};

int monc_gcm_init(struct monc_gcm *g, const u8 *secret, u32 len);
void monc_gcm_free(struct monc_gcm *g);
int monc_gcm_encrypt(struct monc_gcm *g, void *buf, u32 len);
int monc_gcm_decrypt(struct monc_gcm *g, void *buf, u32 len);

/* cephx key usages of the authorizer exchange (client <-> service) */
#define MONC_X_USAGE_AUTHORIZE			0x10
#define MONC_X_USAGE_AUTHORIZE_CHALLENGE	0x11
#define MONC_X_USAGE_AUTHORIZE_REPLY		0x12

/* Longest connection secret an authorizer reply may carry (msgr2). */
#define MONC_MAX_CON_SECRET_LEN		64

/*
 * An authorizer for one connection to a service (auth_x.c; the exported
 * API is in mon_client.h). It holds copies of what it needs (the ticket's
 * session key, secret id and blob), so that it outlives renewals and never
 * touches the session: @lock serializes its own calls.
 */
struct monc_authorizer {
	struct mutex lock;		/* the fields below, and @crypto */
	u32 protocol;			/* MONC_AUTH_NONE or MONC_AUTH_CEPHX */
	u32 service;			/* entity type bit */
	u64 global_id;
	u64 secret_id;
	u64 nonce;
	struct monc_key key;		/* the ticket's session key */
	struct monc_crypto crypto;
	bool have_crypto;
	u8 *buf;			/* authorizer bytes: part a, sealed b */
	u32 len;
	u32 a_len;			/* bytes of part a */
	u32 alloc;
	u8 scratch[64];			/* signature block, in kmalloc'ed memory */
#if IS_ENABLED(CONFIG_KUNIT)
	const u8 *test_confounder;
#endif
};

int monc_x_authorizer_ticket(struct monc_auth_x *x, u32 service,
			     struct monc_authorizer *a);
int monc_x_authorizer_seal(struct monc_authorizer *a, bool have_challenge,
			   u64 server_challenge);
int monc_x_authorizer_challenge(struct monc_authorizer *a,
				const void *challenge, u32 len);
int monc_x_authorizer_reply(struct monc_authorizer *a, const void *reply,
			    u32 len, u8 *con_secret, u32 *con_secret_len);
void monc_x_invalidate(struct monc_auth_x *x, u32 service);
int monc_x_calc_signature(struct monc_authorizer *a, bool cephx_v2,
			  const struct monc_sig_fields *f, u64 *sig);

#if IS_ENABLED(CONFIG_KUNIT)
/* crypto.c's RFC 8009 primitives, for the known answers. */
int monc_krb5_hmac(struct monc_crypto *c, const u8 *key, u32 key_len,
		   const void *prefix, u32 prefix_len, const void *data,
		   u32 len, u8 *out, u32 out_len);
int monc_krb5_kdf(struct monc_crypto *c, const u8 *key, u32 usage, u8 type,
		  u8 *out, u32 out_len);

/* Test hooks (auth_x.c, exported only in kernels with KUnit). */
struct monc_auth_x *monc_auth_x_of(struct monc_auth *auth);
void monc_x_test_set_challenge(struct monc_auth_x *x, u64 client_challenge);
void monc_x_test_age(struct monc_auth_x *x, unsigned int seconds);
unsigned int monc_x_renewals(struct monc_auth_x *x);
int monc_x_ticket_info(struct monc_auth_x *x, unsigned int service,
		       u64 *secret_id, u32 *blob_len, u32 *ttl);
void monc_x_test_set_confounder(struct monc_auth_x *x, const u8 *confounder);
int monc_x_encrypt(struct monc_auth_x *x, const struct monc_key *key,
		   u32 usage, const void *plain, u32 len, void **p, void *end);
int monc_x_decrypt(struct monc_auth_x *x, const struct monc_key *key,
		   u32 usage, const void **p, const void *end, u8 **buf,
		   u32 *plain_len);
int monc_x_challenge_key(struct monc_auth_x *x, u64 server_challenge,
			 u64 client_challenge, u64 *key);
int monc_x_authorizer_encode_a(struct monc_authorizer *a, u64 secret_id,
			       const u8 *blob, u32 blob_len);
int monc_authorizer_test_rekey(struct monc_authorizer *a);
#endif

#endif /* _MONC_AUTH_H */
