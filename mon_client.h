/* SPDX-License-Identifier: GPL-2.0 */
/*
 * monc: a Ceph monitor client for kernel filesystem and block clients.
 *
 * This is the only header a client module includes. A client fills a
 * struct monc_options and a struct monc_handlers, creates a client, opens
 * the session and waits for the mount; then it follows the maps through its
 * handlers, issues statfs and get_version requests, and finally stops and
 * destroys the client.
 *
 *	monc = monc_create(&opts, &my_handlers, my_priv);
 *	if (IS_ERR(monc))
 *		return PTR_ERR(monc);
 *	err = monc_open_session(monc);
 *	if (!err)
 *		err = monc_wait_mount(monc);
 *	...
 *	monc_stop(monc);
 *	monc_destroy(monc);
 *
 * Every exported symbol has the monc_ prefix, so monc.ko loads beside
 * libceph.
 */
#ifndef _MONC_MON_CLIENT_H
#define _MONC_MON_CLIENT_H

#include <linux/bits.h>
#include <linux/socket.h>
#include <linux/types.h>
#include <linux/uuid.h>

/* Most monitor addresses a client may list, and most monitors in a monmap. */
#define MONC_MAX_MONS		32

/* Longest entity id (the part after "client."). */
#define MONC_MAX_NAME_LEN	64

/* Auth methods, as numbered on the wire (CEPH_AUTH_*). */
#define MONC_AUTH_NONE		1
#define MONC_AUTH_CEPHX		2

/*
 * A cephx secret is an aes key (CryptoKey type 1, AES-128, 16 bytes) or an
 * aes256k key (type 2, AES256KRB5, RFC 8009's aes256-cts-hmac-sha384-192,
 * 32 bytes: what Tentacle's ceph-authtool makes); its length tells which.
 */
#define MONC_SECRET_LEN		16
#define MONC_SECRET_AES256K_LEN	32
#define MONC_SECRET_MAX_LEN	32

/* Defaults, used where an option is 0. */
#define MONC_DEFAULT_MOUNT_TIMEOUT_MS		60000
#define MONC_DEFAULT_KEEPALIVE_INTERVAL_MS	2000
#define MONC_DEFAULT_KEEPALIVE_TIMEOUT_MS	10000
#define MONC_DEFAULT_HUNT_INTERVAL_MS		3000
#define MONC_DEFAULT_HUNT_BACKOFF		2
#define MONC_DEFAULT_HUNT_MAX_MULT		10
#define MONC_DEFAULT_HUNT_PARALLEL		3
#define MONC_DEFAULT_HUNT_STAGGER_MS		50
#define MONC_HUNT_STAGGER_OFF			UINT_MAX

/* The largest values monc_create() accepts. */
#define MONC_MAX_TIMEOUT_MS			3600000	/* any *_ms option */
#define MONC_MAX_HUNT_BACKOFF			16
#define MONC_MAX_HUNT_MAX_MULT			1000

/* The port of a monitor address given without one. */
#define MONC_DEFAULT_PORT			6789
#define MONC_MSGR2_PORT				3300

/**
 * struct monc_options - how to reach and talk to the monitors
 * @mon_addr: monitor addresses (struct sockaddr_in or sockaddr_in6); the
 *	initial monmap until a monitor sends the real one. Port 3300 is a v2
 *	address, port 0 both a v1 address on 6789 and a v2 one on 3300, any
 *	other port a v1 address (see @ms_mode)
 * @num_mon: entries used in @mon_addr, 1 to %MONC_MAX_MONS
 * @name: entity id without the "client." prefix; NULL means "admin"
 * @auth_methods: bitmask of BIT(%MONC_AUTH_NONE) and BIT(%MONC_AUTH_CEPHX);
 *	0 means auth none only
 * @secret: the cephx secret, required with cephx: the raw key bytes, not
 *	the encoded CryptoKey
 * @secret_len: length of @secret: %MONC_SECRET_LEN (aes) or
 *	%MONC_SECRET_AES256K_LEN (aes256k)
 * @mount_timeout_ms: bound of monc_wait_mount() and of every synchronous
 *	request; 0 for the default
 * @keepalive_interval_ms: how often the tick sends keepalive2
 * @keepalive_timeout_ms: no keepalive ack for this long means the monitor
 *	is dead or silent, and monc hunts for another
 * @hunt_interval_ms: how long a round of hunting waits before trying other
 *	monitors
 * @hunt_backoff: the hunt interval is multiplied by this after each round
 *	that fails (1 = no backoff)
 * @hunt_max_mult: the multiplier stops growing here
 * @hunt_parallel: how many monitors a round of hunting connects to at once
 * @hunt_stagger_ms: a round connects to one monitor, and to the next only
 *	when none has answered for this long (or one failed), up to
 *	@hunt_parallel; %MONC_HUNT_STAGGER_OFF connects to all at once
 * @ms_mode: which protocol carries the session, as fs/ceph's ms_mode=
 *	(%MONC_MS_MODE_*, monc_parse_ms_mode()); 0 for monc's default
 *
 * Every timing option is 0 for its default (the MONC_DEFAULT_* constants).
 */
struct monc_options {
	struct sockaddr_storage mon_addr[MONC_MAX_MONS];
	unsigned int num_mon;
	const char *name;
	unsigned int auth_methods;
	const u8 *secret;
	unsigned int secret_len;
	unsigned int mount_timeout_ms;
	unsigned int keepalive_interval_ms;
	unsigned int keepalive_timeout_ms;
	unsigned int hunt_interval_ms;
	unsigned int hunt_backoff;
	unsigned int hunt_max_mult;
	unsigned int hunt_parallel;
	unsigned int hunt_stagger_ms;
	unsigned int ms_mode;
};

/*
 * Values of monc_options.ms_mode. LEGACY is msgr v1 only, on the monitors'
 * v1 addresses; the others are msgr2 only, on their v2 addresses, and name
 * the connection modes offered: CRC or SECURE alone, PREFER_CRC and
 * PREFER_SECURE both, the named one first (secure mode needs cephx).
 * DEFAULT: a monitor's v1 address when it has one, else its v2 address,
 * offering secure then crc; a monitor with both is tried at its v2 address
 * in every second round of a hunt, so that one which refuses v1 is still
 * reached. Of the initial addresses, those on port %MONC_MSGR2_PORT are v2
 * addresses, those with port 0 both (6789 and 3300) and the rest v1.
 */
#define MONC_MS_MODE_DEFAULT		0
#define MONC_MS_MODE_LEGACY		1
#define MONC_MS_MODE_CRC		2
#define MONC_MS_MODE_SECURE		3
#define MONC_MS_MODE_PREFER_CRC		4
#define MONC_MS_MODE_PREFER_SECURE	5

int monc_parse_ms_mode(const char *str);

struct monc_client;

/**
 * enum monc_event_type - what the event handler is told about
 * @MONC_EV_SESSION_OPEN: a session was established (a new one after a
 *	loss, or the first); @global_id is the id the monitors gave
 * @MONC_EV_SESSION_LOST: the session's monitor failed or went silent
 *	(@err); monc hunts for another on its own
 * @MONC_EV_AUTH_REFUSED: after the mount, a monitor refused our auth or
 *	its renewal (@err: the negative result of its MAuthReply, -EACCES
 *	for one out of range or for the refusal status of a cephx reply);
 *	the session is lost with it. An auth reply that monc cannot take
 *	(malformed, or sealed tickets that do not open or verify) is no
 *	refusal, nor is a result of -EIO or -EAGAIN (a monitor that cannot
 *	authenticate anyone yet, such as one still without its rotating
 *	keys): each fails that monitor as a protocol error does (the hunt
 *	goes on, or the open session is lost: %MONC_EV_SESSION_LOST alone)
 * @MONC_EV_MONMAP: a new monmap of @epoch was installed
 */
enum monc_event_type {
	MONC_EV_SESSION_OPEN,
	MONC_EV_SESSION_LOST,
	MONC_EV_AUTH_REFUSED,
	MONC_EV_MONMAP,
};

/**
 * struct monc_event - an event for the event handler
 * @type: what happened
 * @err: the error, for %MONC_EV_SESSION_LOST and %MONC_EV_AUTH_REFUSED
 * @global_id: for %MONC_EV_SESSION_OPEN
 * @epoch: for %MONC_EV_MONMAP
 */
struct monc_event {
	enum monc_event_type type;
	int err;
	u64 global_id;
	u32 epoch;
};

/**
 * struct monc_handlers - what the client module wants told
 * @osdmap: an MOSDMap arrived (required); @front is the whole message
 *	front, valid only during the call
 * @mdsmap: an MMDSMap arrived; if NULL, monc never subscribes to the mdsmap
 * @monmap_changed: a new monmap of @epoch was installed (optional)
 * @fsmap_user: an MFSMapUser arrived (optional): the filesystems by name
 *	and fscid. If set, monc subscribes to "fsmap.user" instead of the
 *	default filesystem's mdsmap, and the client picks a filesystem with
 *	monc_follow_fs(); @front as for @osdmap
 * @event: something happened to the session (optional): see
 *	&enum monc_event_type. Events come in order; when the client falls
 *	more than 16 behind, the oldest are dropped (debugfs counts them).
 *
 * Handlers run in process context from monc's workqueue, one at a time per
 * client, without monc's locks held and outside the connection's work (a
 * slow handler does not stall the session): they may call monc_got_map(),
 * monc_want_map(), monc_request_next_osdmap(), the async requests and
 * even the synchronous ones, but must not call monc_stop() or
 * monc_destroy() (that warns and returns without effect).
 */
struct monc_handlers {
	void (*osdmap)(struct monc_client *monc, void *priv,
		       const void *front, size_t len);
	void (*mdsmap)(struct monc_client *monc, void *priv,
		       const void *front, size_t len);
	void (*monmap_changed)(struct monc_client *monc, void *priv, u32 epoch);
	void (*fsmap_user)(struct monc_client *monc, void *priv,
			   const void *front, size_t len);
	void (*event)(struct monc_client *monc, void *priv,
		      const struct monc_event *ev);
};

/* The maps one can subscribe to. */
enum monc_map {
	MONC_MAP_MONMAP,
	MONC_MAP_OSDMAP,
	MONC_MAP_MDSMAP,
	MONC_MAP_FSMAP_USER,	/* "fsmap.user": every filesystem's name and id */
	MONC_MAP_COUNT
};

/* monc_follow_fs(): the cluster's default filesystem ("mdsmap"). */
#define MONC_FS_DEFAULT		(-1)

/**
 * struct monc_statfs - the cluster's usage, as MStatfsReply gives it
 * @kb: total capacity in KiB
 * @kb_used: KiB used
 * @kb_avail: KiB available
 * @num_objects: number of objects
 */
struct monc_statfs {
	u64 kb;
	u64 kb_used;
	u64 kb_avail;
	u64 num_objects;
};

/* No data pool: statfs of the whole cluster. */
#define MONC_NO_POOL	(-1LL)

/* Completion callback of the async requests; runs once, in process context. */
typedef void (*monc_done_t)(void *arg, int err);

struct monc_client *monc_create(const struct monc_options *opts,
				const struct monc_handlers *handlers,
				void *priv);
int monc_open_session(struct monc_client *monc);
int monc_wait_mount(struct monc_client *monc);
int monc_reopen_session(struct monc_client *monc);
void monc_stop(struct monc_client *monc);
void monc_destroy(struct monc_client *monc);

int monc_want_map(struct monc_client *monc, enum monc_map map, u32 epoch,
		  bool continuous);
void monc_got_map(struct monc_client *monc, enum monc_map map, u32 epoch);
int monc_request_next_osdmap(struct monc_client *monc);
int monc_follow_fs(struct monc_client *monc, int fscid);

int monc_statfs(struct monc_client *monc, s64 data_pool,
		struct monc_statfs *buf);
int monc_statfs_async(struct monc_client *monc, s64 data_pool,
		      struct monc_statfs *buf, monc_done_t done, void *arg);
int monc_get_version(struct monc_client *monc, const char *what,
		     u64 *newest, u64 *oldest);
int monc_get_version_async(struct monc_client *monc, const char *what,
			   u64 *newest, u64 *oldest, monc_done_t done,
			   void *arg);

/* Monitor commands: the longest command, input and output monc takes. */
#define MONC_COMMAND_MAX	4096
#define MONC_COMMAND_IN_MAX	(4U << 20)
#define MONC_COMMAND_OUT_MAX	(4U << 20)

int monc_command(struct monc_client *monc, const char *cmd, const void *in,
		 size_t in_len, char *status, size_t status_len, void *out,
		 size_t *out_len, unsigned int timeout_ms);
int monc_blocklist_add(struct monc_client *monc,
		       const struct sockaddr_storage *addr, u32 nonce,
		       unsigned int expire_secs);
int monc_wait_osdmap(struct monc_client *monc, u32 epoch,
		     unsigned int timeout_ms);
int monc_wait_latest_osdmap(struct monc_client *monc,
			    unsigned int timeout_ms);

u64 monc_global_id(struct monc_client *monc);
int monc_fsid(struct monc_client *monc, uuid_t *fsid);
int monc_last_error(struct monc_client *monc, char *buf, size_t len);

int monc_parse_mon_addrs(const char *str, size_t len, char delim,
			 struct monc_options *opts, const char **bad,
			 size_t *bad_len);

/*
 * Service tickets and authorizers, for a client's own connections to OSDs,
 * MDSs and managers (auth.c, auth_x.c). The flow over msgr v1, as
 * net/ceph/messenger_v1.c does it:
 *
 *	monc_want_tickets(monc, MONC_SERVICE_OSD);	(once, after create)
 *	a = monc_authorizer_create(monc, MONC_SERVICE_OSD);
 *	send ceph_msg_connect with authorizer_protocol =
 *	    monc_authorizer_protocol(a) and the bytes of monc_authorizer_buf();
 *	TAG_CHALLENGE_AUTHORIZER: monc_authorizer_add_challenge(a, reply),
 *	    then send the connect again with the new bytes;
 *	TAG_BADAUTHORIZER: monc_invalidate_ticket(monc, MONC_SERVICE_OSD),
 *	    destroy @a and create a new one (-ENOKEY until the new ticket is in);
 *	READY/SEQ: monc_authorizer_verify_reply(a, reply, ...) authenticates
 *	    the server; then monc_authorizer_sign() each message sent and
 *	    monc_authorizer_check() each message received, when the features
 *	    in effect have MSG_AUTH (bit 23).
 *	monc_authorizer_destroy(a) when the connection is gone.
 */

/* Services (CEPH_ENTITY_TYPE_*), for monc_want_tickets() and authorizers. */
#define MONC_SERVICE_MON	0x01
#define MONC_SERVICE_MDS	0x02
#define MONC_SERVICE_OSD	0x04
#define MONC_SERVICE_MGR	0x10

/* Feature bits that change what an authorizer does. */
#define MONC_FEATURE_MSG_AUTH	BIT_ULL(23)
#define MONC_FEATURE_CEPHX_V2	BIT_ULL(61)

/**
 * struct monc_sig_fields - what a msgr v1 message signature covers
 * @header_crc: the header's crc field
 * @front_crc: the footer's front crc
 * @middle_crc: the footer's middle crc
 * @data_crc: the footer's data crc
 * @front_len: the header's front length
 * @middle_len: the header's middle length
 * @data_len: the header's data length
 * @seq: the header's sequence number
 *
 * All in CPU byte order, as the message carries them once decoded.
 */
struct monc_sig_fields {
	u32 header_crc;
	u32 front_crc;
	u32 middle_crc;
	u32 data_crc;
	u32 front_len;
	u32 middle_len;
	u32 data_len;
	u64 seq;
};

struct monc_authorizer;

int monc_want_tickets(struct monc_client *monc, unsigned int services);
void monc_invalidate_ticket(struct monc_client *monc, unsigned int service);
struct monc_authorizer *monc_authorizer_create(struct monc_client *monc,
					       unsigned int service);
void monc_authorizer_destroy(struct monc_authorizer *a);
u32 monc_authorizer_protocol(struct monc_authorizer *a);
const void *monc_authorizer_buf(struct monc_authorizer *a, u32 *len);
int monc_authorizer_add_challenge(struct monc_authorizer *a,
				  const void *challenge, u32 len);
int monc_authorizer_verify_reply(struct monc_authorizer *a,
				 const void *reply, u32 len,
				 u8 *con_secret, u32 *con_secret_len);
int monc_authorizer_sign(struct monc_authorizer *a, u64 features,
			 const struct monc_sig_fields *f, __le64 *sig);
int monc_authorizer_check(struct monc_authorizer *a, u64 features,
			  const struct monc_sig_fields *f, __le64 sig);

#endif /* _MONC_MON_CLIENT_H */
