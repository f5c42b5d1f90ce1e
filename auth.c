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
 * Locking: none here. Every call on one struct monc_auth is serialized by
 * the caller (the session mutex); nothing in this file takes a lock or
 * calls back into the session.
 */

#define pr_fmt(fmt) "monc: " fmt

#include <linux/bits.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/module.h>
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
 * monc_auth_clone() - a copy of @src for another connection
 * @src: the state to copy
 * @gfp: allocation flags (GFP_NOFS on paths a filesystem may hit)
 *
 * For hunting several monitors in parallel: each connection authenticates
 * with its own copy (its own server challenge), and the session keeps the
 * copy of the connection that wins and destroys the others. A copy has
 * the name, methods, secret, global id and cephx tickets of @src (so that
 * it reclaims the global id) and starts negotiating, like after
 * monc_auth_reset().
 *
 * Return: the copy, or an ERR_PTR (-ENOMEM, or the crypto API's error).
 */
struct monc_auth *monc_auth_clone(const struct monc_auth *src, gfp_t gfp)
{
	struct monc_auth *auth;
	int err;

	auth = monc_kzalloc(sizeof(*auth), gfp);
	if (!auth)
		return ERR_PTR(-ENOMEM);
	auth->methods = src->methods;
	memcpy(auth->name, src->name, sizeof(auth->name));
	auth->global_id = src->global_id;
	if (src->x) {
		auth->x = monc_x_clone(src->x, gfp);
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
EXPORT_SYMBOL_IF_KUNIT(monc_auth_clone);

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
 * negative errno: -EINVAL for a malformed or unexpected reply, -EACCES
 * when a cephx blob fails to decrypt.
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
