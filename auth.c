// SPDX-License-Identifier: GPL-2.0
/*
 * Authentication for a monitor session: method negotiation (the MAuth
 * hello), auth none, and dispatch to cephx (auth_x.c) when the monitor
 * picks it.
 *
 * The session owns the MAuth framing; this file produces and consumes only
 * the auth payloads:
 *
 *   hello (protocol 0):  u8 struct_v 1, le32 n, le32 method[n],
 *                        entity name (le32 type, le32 len, id),
 *                        le64 global id (0, or the old one to reclaim)
 *
 * It also exports the service ticket and authorizer API of mon_client.h
 * (the end of this file), which a client calls for its own connections to
 * OSDs, MDSs and managers.
 *
 * Locking: the session's calls on one struct monc_auth are serialized by
 * the session mutex, held by the caller. The exported API takes that mutex
 * itself, through monc_session_auth_lock() (mon_client.c), only to read or
 * change the tickets; an authorizer is a copy with its own mutex, which
 * nothing else nests inside.
 */

#define pr_fmt(fmt) "monc: " fmt

#include <linux/bits.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "auth.h"
#include "internal.h"
#include "fault.h"

#define MONC_AUTH_HELLO_V	1
#define MONC_AUTH_ALL_METHODS	(BIT(MONC_AUTH_NONE) | BIT(MONC_AUTH_CEPHX))

struct monc_auth {
	unsigned int methods;		/* BIT(MONC_AUTH_*) offered */
	char name[MONC_MAX_NAME_LEN + 1];
	u32 protocol;			/* negotiated method; 0 while negotiating */
	bool done;			/* authenticated on this session */
	u64 global_id;			/* kept across sessions, to reclaim */
	struct monc_auth_x *x;		/* cephx state, if cephx is offered */
};

static const char *monc_auth_method_name(u32 protocol)
{
	switch (protocol) {
	case MONC_AUTH_NONE:
		return "none";
	case MONC_AUTH_CEPHX:
		return "cephx";
	default:
		return "unknown";
	}
}

/**
 * monc_auth_create() - set up authentication for a client
 * @methods: bitmask of BIT(%MONC_AUTH_NONE) and BIT(%MONC_AUTH_CEPHX) to
 *	offer; 0 means auth none only
 * @name: entity id without "client."; NULL means "admin"
 * @secret: the cephx key: 16 bytes for an aes key (CryptoKey type 1), 32
 *	for an aes256k key (type 2); required when cephx is offered, ignored
 *	otherwise. It is copied; the copy is zeroed on free.
 * @secret_len: length of @secret
 *
 * Context: process context; may sleep (allocates with GFP_KERNEL).
 * Return: the new state, or ERR_PTR(-EINVAL) for an unknown method, a bad
 * name or a missing or malformed secret, or ERR_PTR(-ENOMEM).
 */
struct monc_auth *monc_auth_create(unsigned int methods, const char *name,
				   const u8 *secret, unsigned int secret_len)
{
	struct monc_auth *auth;
	size_t len;
	int err;

	if (!methods)
		methods = BIT(MONC_AUTH_NONE);
	if (methods & ~MONC_AUTH_ALL_METHODS) {
		pr_err("unknown auth methods 0x%x\n", methods);
		return ERR_PTR(-EINVAL);
	}
	if (!name)
		name = "admin";
	len = strnlen(name, MONC_MAX_NAME_LEN + 1);
	if (len == 0 || len > MONC_MAX_NAME_LEN) {
		pr_err("entity name must be 1 to %d characters\n",
		       MONC_MAX_NAME_LEN);
		return ERR_PTR(-EINVAL);
	}
	if ((methods & BIT(MONC_AUTH_CEPHX)) &&
	    (!secret || (secret_len != MONC_AES_KEY_LEN &&
			 secret_len != MONC_AES256K_KEY_LEN))) {
		pr_err("cephx needs a %d-byte (aes) or %d-byte (aes256k) secret\n",
		       MONC_AES_KEY_LEN, MONC_AES256K_KEY_LEN);
		return ERR_PTR(-EINVAL);
	}

	auth = monc_kzalloc(sizeof(*auth), GFP_KERNEL);
	if (!auth)
		return ERR_PTR(-ENOMEM);
	auth->methods = methods;
	memcpy(auth->name, name, len);
	if (methods & BIT(MONC_AUTH_CEPHX)) {
		auth->x = monc_x_create(secret, secret_len);
		if (IS_ERR(auth->x)) {
			err = PTR_ERR(auth->x);
			goto err_free_auth;
		}
	}
	return auth;

err_free_auth:
	kfree(auth);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_create);

/**
 * monc_auth_destroy() - free the state; secrets and session keys are zeroed
 * @auth: the state, or NULL or an error pointer (then nothing happens)
 */
void monc_auth_destroy(struct monc_auth *auth)
{
	if (IS_ERR_OR_NULL(auth))
		return;
	if (auth->x)
		monc_x_destroy(auth->x);
	kfree_sensitive(auth);
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_destroy);

/**
 * monc_auth_reset() - forget per-session state before a new session
 * @auth: the state
 *
 * The next MAuth is a hello again. The global id and cephx tickets are
 * kept: the hello offers the global id back and cephx presents the old
 * ticket, which is how a Pacific monitor lets a client reclaim its id.
 */
void monc_auth_reset(struct monc_auth *auth)
{
	auth->protocol = 0;
	auth->done = false;
	if (auth->x)
		monc_x_reset(auth->x);
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_reset);

/**
 * monc_auth_forget_identity() - start the next session as a new client
 * @auth: the state
 *
 * A monitor refuses to let a client reclaim its global id with an AUTH
 * ticket whose rotating secret it no longer has ("attempt to reclaim
 * global_id using bad ticket"): a client starved or suspended past the
 * ticket's lifetime, or one that took a ticket from a rogue monitor,
 * would be refused by every monitor for good. Dropping the global id and
 * every ticket makes the next exchange a first one (hello with global id
 * 0, no old ticket), which gets a new global id.
 *
 * Return: true if there was an identity to forget.
 */
bool monc_auth_forget_identity(struct monc_auth *auth)
{
	bool had = auth->global_id;

	auth->global_id = 0;
	if (auth->x)
		monc_x_forget_tickets(auth->x);
	monc_auth_reset(auth);
	return had;
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_forget_identity);

/**
 * monc_auth_protocol() - the protocol field of the next MAuth
 * @auth: the state
 *
 * Return: 0 while negotiating (the hello), then the method the monitor
 * picked (%MONC_AUTH_NONE or %MONC_AUTH_CEPHX).
 */
u32 monc_auth_protocol(struct monc_auth *auth)
{
	return auth->protocol;
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_protocol);

/**
 * monc_auth_build_hello() - write the hello payload
 * @auth: the state
 * @p: cursor in the output buffer, advanced past the payload
 * @end: end of the output buffer
 *
 * Writes the methods offered (in ascending order, as libceph does), the
 * entity name (type client) and the global id (0 at first, then the one
 * to reclaim). At most %MONC_AUTH_PAYLOAD_MAX bytes. It changes no state,
 * so it may be sent to several monitors at once; call monc_auth_reset()
 * before a new session.
 *
 * Return: 0, or -ENOSPC if the buffer is too small (*@p is then undefined
 * within the buffer).
 */
int monc_auth_build_hello(struct monc_auth *auth, void **p, void *end)
{
	unsigned int n = hweight32(auth->methods);
	u32 m;

	if (monc_enc_u8(p, end, MONC_AUTH_HELLO_V) || monc_enc_u32(p, end, n))
		return -ENOSPC;
	for (m = MONC_AUTH_NONE; m <= MONC_AUTH_CEPHX; m++) {
		if ((auth->methods & BIT(m)) && monc_enc_u32(p, end, m))
			return -ENOSPC;
	}
	if (monc_enc_u32(p, end, MONC_ENTITY_TYPE_CLIENT) ||
	    monc_enc_str(p, end, auth->name, strlen(auth->name)) ||
	    monc_enc_u64(p, end, auth->global_id))
		return -ENOSPC;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_build_hello);

/**
 * monc_auth_build_request() - write the next request of the method
 * @auth: the state
 * @p: cursor in the output buffer, advanced past the payload
 * @end: end of the output buffer
 *
 * Called after monc_auth_handle_reply() returned %MONC_AUTH_AGAIN, and to
 * renew cephx tickets when monc_auth_need_renew() says so.
 *
 * Return: 0, -ENOSPC if the buffer is too small, or -EINVAL if the method
 * has nothing to send (auth none, or no method negotiated yet).
 */
int monc_auth_build_request(struct monc_auth *auth, void **p, void *end)
{
	if (auth->protocol != MONC_AUTH_CEPHX || !auth->x)
		return -EINVAL;
	return monc_x_build_request(auth->x, p, end);
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_build_request);

static int monc_auth_check_result(int result)
{
	if (result > 0)
		return -EINVAL;
	if (result < -MAX_ERRNO)
		return -EIO;
	return result;
}

/**
 * monc_auth_handle_reply() - handle an MAuthReply
 * @auth: the state
 * @protocol: the reply's protocol field
 * @result: the reply's result (0 or a negative errno)
 * @global_id: the reply's global id
 * @payload: the reply's auth payload
 * @len: its length
 *
 * A monitor error in @result is returned as is (a positive or out of range
 * one as -EINVAL or -EIO). While negotiating, @protocol must be one of the
 * methods offered. For auth none, success ends negotiation with @global_id.
 *
 * Return: %MONC_AUTH_DONE when authenticated (the global id is known),
 * %MONC_AUTH_AGAIN when monc_auth_build_request() must be sent, or a
 * negative errno. With @result 0, -EACCES means the monitor refused (the
 * status of a cephx reply) and every other error that the reply could not
 * be taken: -EINVAL for a malformed or unexpected one, -EBADMSG for a
 * cephx blob that does not open or verify, -EOPNOTSUPP for a key type
 * this kernel lacks, -ENOMEM.
 */
int monc_auth_handle_reply(struct monc_auth *auth, u32 protocol, int result,
			   u64 global_id, const void *payload, u32 len)
{
	int ret;

	if (result) {
		ret = monc_auth_check_result(result);
		pr_err_ratelimited("auth %s for client.%s refused by the monitor: %d%s\n",
				   protocol ? monc_auth_method_name(protocol) :
				   "negotiation", auth->name, ret,
				   ret == -EACCES ? " (wrong key or unknown entity?)" : "");
		return ret;
	}

	if (!auth->protocol) {
		if (protocol > MONC_AUTH_CEPHX || !(auth->methods & BIT(protocol))) {
			pr_err_ratelimited("monitor picked auth method %u, not offered\n",
					   protocol);
			return -EINVAL;
		}
		auth->protocol = protocol;
		pr_debug("auth method %s\n", monc_auth_method_name(protocol));
	} else if (protocol != auth->protocol) {
		pr_err_ratelimited("auth reply for method %u, expected %u\n",
				   protocol, auth->protocol);
		return -EINVAL;
	}

	if (!global_id) {
		pr_err_ratelimited("auth reply without a global id\n");
		return -EINVAL;
	}

	switch (auth->protocol) {
	case MONC_AUTH_NONE:
		ret = MONC_AUTH_DONE;
		break;
	case MONC_AUTH_CEPHX:
		ret = monc_x_handle_reply(auth->x, payload, len);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret == MONC_AUTH_DONE) {
		if (auth->global_id && auth->global_id != global_id)
			pr_debug("global id %llu replaces %llu\n", global_id,
				 auth->global_id);
		auth->global_id = global_id;
		auth->done = true;
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_handle_reply);

/**
 * monc_auth_session_key() - the key material of the auth exchange, for msgr2
 * @auth: the state, after monc_auth_handle_reply() returned %MONC_AUTH_DONE
 * @buf: where to copy the session key (%MONC_KEY_MAX_LEN bytes are enough);
 *	msgr2 signs the auth exchange with it
 * @len: in: room at @buf; out: the key's length, 0 for auth none
 * @secret: where to copy the connection secret (%MONC_MAX_CON_SECRET_LEN
 *	bytes are enough); secure mode keys its cipher with it
 * @secret_len: in: room at @secret; out: its length, 0 if there is none
 *	(auth none, crc mode)
 *
 * Context: process context, under the caller's lock that serializes every
 * call on @auth.
 * Return: 0, or -ENOENT when no exchange finished on this session.
 */
int monc_auth_session_key(struct monc_auth *auth, u8 *buf, u32 *len,
			  u8 *secret, u32 *secret_len)
{
	if (!auth->done)
		return -ENOENT;
	if (auth->protocol == MONC_AUTH_CEPHX && auth->x)
		return monc_x_session_key(auth->x, buf, len) ?:
		       monc_x_con_secret(auth->x, secret, secret_len);
	*len = 0;
	*secret_len = 0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_session_key);

/**
 * monc_auth_need_renew() - whether tickets are due for renewal
 * @auth: the state
 *
 * True for cephx, once authenticated, when a ticket is past about 75% of
 * its lifetime and no renewal was sent in the last few seconds. The tick
 * then sends monc_auth_build_request(). Always false for auth none.
 *
 * Return: true if a renewal request should be sent.
 */
bool monc_auth_need_renew(struct monc_auth *auth)
{
	if (!auth->done || auth->protocol != MONC_AUTH_CEPHX)
		return false;
	return monc_x_need_renew(auth->x);
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_need_renew);

/**
 * monc_auth_global_id() - the global id the monitors gave this client
 * @auth: the state
 *
 * Return: the global id, 0 before the first successful authentication.
 */
u64 monc_auth_global_id(struct monc_auth *auth)
{
	return auth->global_id;
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_global_id);

/**
 * monc_auth_name() - the entity id (without "client.")
 * @auth: the state
 *
 * Return: the NUL-terminated id, valid as long as @auth.
 */
const char *monc_auth_name(struct monc_auth *auth)
{
	return auth->name;
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_name);

/**
 * monc_auth_show() - debugfs view: method, global id, cephx tickets
 * @auth: the state
 * @s: the seq_file
 *
 * Shows the methods offered and negotiated, the global id and, for cephx,
 * each ticket's expiry and the renewal count. Never a secret or key.
 */
void monc_auth_show(struct monc_auth *auth, struct seq_file *s)
{
	seq_printf(s, "auth_name: client.%s\n", auth->name);
	seq_printf(s, "auth_offered:%s%s\n",
		   auth->methods & BIT(MONC_AUTH_NONE) ? " none" : "",
		   auth->methods & BIT(MONC_AUTH_CEPHX) ? " cephx" : "");
	seq_printf(s, "auth_method: %s\n", auth->protocol ?
		   monc_auth_method_name(auth->protocol) : "(negotiating)");
	seq_printf(s, "auth_state: %s\n", auth->done ? "authenticated" :
		   "authenticating");
	seq_printf(s, "global_id: %llu\n", auth->global_id);
	if (auth->x && auth->protocol == MONC_AUTH_CEPHX)
		monc_x_show(auth->x, s);
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_show);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * monc_auth_x_of() - the cephx state of @auth, for the KUnit suite
 * @auth: the state
 *
 * Return: the cephx state, or NULL if cephx is not offered.
 */
struct monc_auth_x *monc_auth_x_of(struct monc_auth *auth)
{
	return auth->x;
}
EXPORT_SYMBOL_IF_KUNIT(monc_auth_x_of);
#endif

/* ---------------------------------------------------------------------- */
/* Service tickets and authorizers: the API of mon_client.h */

#define MONC_WANTABLE_SERVICES	(MONC_SERVICE_MON | MONC_SERVICE_MDS | \
				 MONC_SERVICE_OSD | MONC_SERVICE_MGR)

static bool monc_service_ok(unsigned int service)
{
	return service && !(service & (service - 1)) &&
	       (service & MONC_WANTABLE_SERVICES);
}

/**
 * monc_want_tickets() - hold cephx tickets for these services from now on
 * @monc: the client
 * @services: %MONC_SERVICE_OSD, %MONC_SERVICE_MDS, %MONC_SERVICE_MGR (and
 *	%MONC_SERVICE_MON, always held) ORed together
 *
 * The tickets come with the next authentication or renewal (the tick sends
 * one within a keepalive interval when a wanted ticket is missing) and are
 * renewed with the others. With auth none it does nothing. Asking before
 * monc_open_session() gets them with the first authentication.
 *
 * Context: process context; takes the session mutex.
 * Return: 0, or -EINVAL for an unknown service bit.
 */
int monc_want_tickets(struct monc_client *monc, unsigned int services)
{
	struct monc_auth *auth;

	if (!services || (services & ~MONC_WANTABLE_SERVICES))
		return -EINVAL;
	auth = monc_session_auth_lock(monc);
	if (auth->x)
		monc_x_want(auth->x, services);
	monc_session_auth_unlock(monc);
	return 0;
}
EXPORT_SYMBOL_GPL(monc_want_tickets);

/**
 * monc_invalidate_ticket() - drop a service's ticket after a refusal
 * @monc: the client
 * @service: one %MONC_SERVICE_* bit
 *
 * For a connection whose authorizer the service refused (msgr v1
 * TAG_BADAUTHORIZER): the ticket, or the rotating secret the service
 * sealed it with, is stale. monc drops it and asks the monitors for a new
 * one at once (within a keepalive interval); monc_authorizer_create()
 * returns -ENOKEY until it is in. Authorizers already built keep their
 * copy. Nothing happens with auth none.
 *
 * Context: process context; takes the session mutex.
 */
void monc_invalidate_ticket(struct monc_client *monc, unsigned int service)
{
	struct monc_auth *auth;

	if (!monc_service_ok(service))
		return;
	auth = monc_session_auth_lock(monc);
	if (auth->x && auth->protocol == MONC_AUTH_CEPHX)
		monc_x_invalidate(auth->x, service);
	monc_session_auth_unlock(monc);
}
EXPORT_SYMBOL_GPL(monc_invalidate_ticket);

/* auth none: {u8 1, entity name (le32 type, le32 len, id), le64 global id} */
static int monc_none_authorizer(struct monc_auth *auth,
				struct monc_authorizer *a)
{
	size_t nlen = strlen(auth->name);
	void *p, *end;

	a->alloc = 1 + 4 + 4 + nlen + 8;
	a->buf = monc_kzalloc(a->alloc, GFP_NOFS);
	if (!a->buf)
		return -ENOMEM;
	p = a->buf;
	end = a->buf + a->alloc;
	if (monc_enc_u8(&p, end, 1) ||
	    monc_enc_u32(&p, end, MONC_ENTITY_TYPE_CLIENT) ||
	    monc_enc_str(&p, end, auth->name, nlen) ||
	    monc_enc_u64(&p, end, auth->global_id))
		return -ENOSPC;
	a->len = a->alloc;
	return 0;
}

/**
 * monc_authorizer_create() - build an authorizer for a connection
 * @monc: the client
 * @service: the %MONC_SERVICE_* bit of the daemon to connect to
 *
 * With cephx the authorizer carries the service's ticket and a fresh
 * nonce, sealed with the ticket's session key (CephXAuthorize v2, the
 * cephx v2 form with room for a server challenge); the service is wanted
 * from now on. With auth none it carries the entity name and global id.
 * It copies what it needs: renewals and invalidations do not change it,
 * and it stays usable after monc_stop() (it is pure computation).
 *
 * Context: process context; may sleep (allocates its cipher transforms,
 * takes the session mutex briefly).
 * Return: the authorizer; ERR_PTR(-ENOKEY) when no unexpired ticket is held
 * yet (one is being asked for: try again after a keepalive interval or
 * two), -EAGAIN before the first authentication, -EINVAL for a bad
 * service, -ENOMEM, or the crypto API's error.
 */
struct monc_authorizer *monc_authorizer_create(struct monc_client *monc,
					       unsigned int service)
{
	struct monc_authorizer *a;
	struct monc_auth *auth;
	int err;

	if (!monc_service_ok(service))
		return ERR_PTR(-EINVAL);
	a = monc_kzalloc(sizeof(*a), GFP_NOFS);
	if (!a)
		return ERR_PTR(-ENOMEM);
	mutex_init(&a->lock);
	a->service = service;

	auth = monc_session_auth_lock(monc);
	a->global_id = auth->global_id;
	a->protocol = auth->protocol;
	if (!auth->global_id || !auth->protocol)
		err = -EAGAIN;
	else if (auth->protocol == MONC_AUTH_CEPHX)
		err = monc_x_authorizer_ticket(auth->x, service, a);
	else
		err = monc_none_authorizer(auth, a);
	monc_session_auth_unlock(monc);
	if (err)
		goto err_free;
	if (a->protocol != MONC_AUTH_CEPHX)
		return a;

	err = monc_crypto_init(&a->crypto, a->key.type);
	if (err)
		goto err_free;
	a->have_crypto = true;
	get_random_bytes(&a->nonce, sizeof(a->nonce));
	err = monc_x_authorizer_seal(a, false, 0);
	if (err)
		goto err_free;
	return a;

err_free:
	monc_authorizer_destroy(a);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(monc_authorizer_create);

/**
 * monc_authorizer_destroy() - free an authorizer; its keys are zeroed
 * @a: the authorizer, or NULL or an error pointer (nothing happens)
 *
 * Context: any context that may sleep.
 */
void monc_authorizer_destroy(struct monc_authorizer *a)
{
	if (IS_ERR_OR_NULL(a))
		return;
	if (a->have_crypto)
		monc_crypto_free(&a->crypto);
	kfree_sensitive(a->buf);
	mutex_destroy(&a->lock);
	kfree_sensitive(a);
}
EXPORT_SYMBOL_GPL(monc_authorizer_destroy);

/**
 * monc_authorizer_protocol() - the connect's authorizer_protocol field
 * @a: the authorizer
 *
 * Context: any.
 * Return: %MONC_AUTH_CEPHX or %MONC_AUTH_NONE.
 */
u32 monc_authorizer_protocol(struct monc_authorizer *a)
{
	return a->protocol;
}
EXPORT_SYMBOL_GPL(monc_authorizer_protocol);

/**
 * monc_authorizer_buf() - the bytes to send after ceph_msg_connect
 * @a: the authorizer
 * @len: their number (the connect's authorizer_len)
 *
 * The buffer changes after monc_authorizer_add_challenge(); it is valid
 * until then or until monc_authorizer_destroy().
 *
 * Context: any; the caller serializes it with the calls that change @a.
 * Return: the bytes.
 */
const void *monc_authorizer_buf(struct monc_authorizer *a, u32 *len)
{
	*len = a->len;
	return a->buf;
}
EXPORT_SYMBOL_GPL(monc_authorizer_buf);

/**
 * monc_authorizer_add_challenge() - answer the service's challenge
 * @a: the authorizer
 * @challenge: the connect reply's authorizer bytes after
 *	TAG_CHALLENGE_AUTHORIZER (16)
 * @len: their number
 *
 * Seals part b again with the server challenge plus one; send the connect
 * again with monc_authorizer_buf().
 *
 * Context: process context; may sleep.
 * Return: 0; -EACCES if the challenge does not open with the ticket's
 * session key (a hostile or confused peer); -EINVAL if it is malformed or
 * @a is not cephx; -ENOMEM.
 */
int monc_authorizer_add_challenge(struct monc_authorizer *a,
				  const void *challenge, u32 len)
{
	int ret;

	if (a->protocol != MONC_AUTH_CEPHX)
		return -EINVAL;
	mutex_lock(&a->lock);
	ret = monc_x_authorizer_challenge(a, challenge, len);
	mutex_unlock(&a->lock);
	if (ret)
		pr_err_ratelimited("authorizer challenge from the service rejected: %d\n",
				   ret);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_authorizer_add_challenge);

/**
 * monc_authorizer_verify_reply() - authenticate the service (mutual auth)
 * @a: the authorizer
 * @reply: the connect reply's authorizer bytes (READY or SEQ)
 * @len: their number
 * @con_secret: where to put the connection secret (msgr2), or NULL
 * @con_secret_len: in: room at @con_secret; out: its length, 0 if none.
 *	May be NULL with @con_secret.
 *
 * The service proves it could open the ticket (so it knows the session
 * key) by answering our nonce plus one, sealed with that key. An empty
 * reply fails with cephx: a real service always sends one. With auth none
 * any reply is accepted.
 *
 * Context: process context; may sleep.
 * Return: 0; -EACCES when the reply does not open or has the wrong nonce
 * (drop the connection: this is not the service); -EINVAL when it is
 * malformed or the secret does not fit; -ENOMEM.
 */
int monc_authorizer_verify_reply(struct monc_authorizer *a,
				 const void *reply, u32 len,
				 u8 *con_secret, u32 *con_secret_len)
{
	int ret;

	if (con_secret_len && !con_secret)
		*con_secret_len = 0;
	if (a->protocol != MONC_AUTH_CEPHX)
		return 0;
	mutex_lock(&a->lock);
	ret = monc_x_authorizer_reply(a, reply, len, con_secret,
				      con_secret_len);
	mutex_unlock(&a->lock);
	if (ret)
		pr_err_ratelimited("authorizer reply from the service rejected: %d\n",
				   ret);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_authorizer_verify_reply);

/**
 * monc_authorizer_sign() - the signature for a message's footer
 * @a: the authorizer of the connection
 * @features: the features in effect on it (ours AND the peer's)
 * @f: the message's header and footer fields, CRCs already computed
 * @sig: the footer's sig field; set FOOTER_SIGNED (bit 2) in its flags
 *
 * Without MSG_AUTH in @features, or with auth none, *@sig is 0 (the
 * footer then has no sig field). The scheme follows @features' CEPHX_V2.
 *
 * Context: process context; may sleep. Calls on one authorizer are
 * serialized by its mutex.
 * Return: 0, or -EOPNOTSUPP (an aes256k key without CEPHX_V2) or a cipher
 * error.
 */
int monc_authorizer_sign(struct monc_authorizer *a, u64 features,
			 const struct monc_sig_fields *f, __le64 *sig)
{
	u64 s = 0;
	int ret = 0;

	if (a->protocol == MONC_AUTH_CEPHX &&
	    (features & MONC_FEATURE_MSG_AUTH)) {
		mutex_lock(&a->lock);
		ret = monc_x_calc_signature(a, features & MONC_FEATURE_CEPHX_V2,
					    f, &s);
		mutex_unlock(&a->lock);
	}
	*sig = cpu_to_le64(s);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_authorizer_sign);

/**
 * monc_authorizer_check() - check a received message's signature
 * @a: the authorizer of the connection
 * @features: the features in effect on it
 * @f: the message's header and footer fields as received
 * @sig: the footer's sig field as received
 *
 * Without MSG_AUTH in @features, or with auth none, there is nothing to
 * check.
 *
 * Context: process context; may sleep.
 * Return: 0 if the signature matches; -EBADMSG if not (drop the message
 * and the connection: it was forged or corrupted); a cipher error.
 */
int monc_authorizer_check(struct monc_authorizer *a, u64 features,
			  const struct monc_sig_fields *f, __le64 sig)
{
	__le64 want;
	int ret;

	if (a->protocol != MONC_AUTH_CEPHX ||
	    !(features & MONC_FEATURE_MSG_AUTH))
		return 0;
	ret = monc_authorizer_sign(a, features, f, &want);
	if (ret)
		return ret;
	if (want != sig) {
		pr_err_ratelimited("message seq %llu from the service: bad signature\n",
				   f->seq);
		return -EBADMSG;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(monc_authorizer_check);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * monc_authorizer_test_rekey() - seal part b with a wrong key (tests only)
 * @a: a cephx authorizer
 *
 * Flips a bit of the copy of the session key and seals part b again, so
 * that a service must refuse it: the integration test's "wrong key".
 *
 * Return: 0 or a negative errno.
 */
int monc_authorizer_test_rekey(struct monc_authorizer *a)
{
	int ret;

	if (a->protocol != MONC_AUTH_CEPHX)
		return -EINVAL;
	mutex_lock(&a->lock);
	a->key.key[0] ^= 0x01;
	ret = monc_x_authorizer_seal(a, false, 0);
	mutex_unlock(&a->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(monc_authorizer_test_rekey);
#endif
