/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msgr2.1 frames (messenger_v2.c): the banner, the preamble, crc-mode and
 * secure-mode frames and the bodies of the control frames a monitor client
 * exchanges.
 *
 * Layouts from Ceph's doc/dev/msgr2.rst, src/msg/async/frames_v2.h and
 * ProtocolV2.cc, and Linux's net/ceph/messenger_v2.c.
 */
#ifndef MONC_MESSENGER_V2_H
#define MONC_MESSENGER_V2_H

#include <linux/types.h>

#include "auth.h"
#include "decode.h"

/* The banner: "ceph v2\n", le16 payload length, le64 supported, required. */
#define MONC_V2_BANNER			"ceph v2\n"
#define MONC_V2_BANNER_LEN		8
#define MONC_V2_BANNER_PREFIX_LEN	(MONC_V2_BANNER_LEN + 2)
#define MONC_V2_BANNER_PAYLOAD_LEN	16
#define MONC_V2_BANNER_FULL_LEN		(MONC_V2_BANNER_PREFIX_LEN + \
					 MONC_V2_BANNER_PAYLOAD_LEN)

/* msgr2 features (the banner's). */
#define MONC_V2_FEATURE_REVISION_1	BIT_ULL(0)	/* msgr2.1 */
#define MONC_V2_FEATURE_COMPRESSION	BIT_ULL(1)
#define MONC_V2_FEATURES_SUPPORTED	MONC_V2_FEATURE_REVISION_1
#define MONC_V2_FEATURES_REQUIRED	MONC_V2_FEATURE_REVISION_1

/* Frame tags (frames_v2.h Tag). */
#define MONC_V2_TAG_HELLO			1
#define MONC_V2_TAG_AUTH_REQUEST		2
#define MONC_V2_TAG_AUTH_BAD_METHOD		3
#define MONC_V2_TAG_AUTH_REPLY_MORE		4
#define MONC_V2_TAG_AUTH_REQUEST_MORE		5
#define MONC_V2_TAG_AUTH_DONE			6
#define MONC_V2_TAG_AUTH_SIGNATURE		7
#define MONC_V2_TAG_CLIENT_IDENT		8
#define MONC_V2_TAG_SERVER_IDENT		9
#define MONC_V2_TAG_IDENT_MISSING_FEATURES	10
#define MONC_V2_TAG_SESSION_RECONNECT		11
#define MONC_V2_TAG_SESSION_RESET		12
#define MONC_V2_TAG_SESSION_RETRY		13
#define MONC_V2_TAG_SESSION_RETRY_GLOBAL	14
#define MONC_V2_TAG_SESSION_RECONNECT_OK	15
#define MONC_V2_TAG_WAIT			16
#define MONC_V2_TAG_MESSAGE			17
#define MONC_V2_TAG_KEEPALIVE2			18
#define MONC_V2_TAG_KEEPALIVE2_ACK		19
#define MONC_V2_TAG_ACK				20
#define MONC_V2_TAG_COMPRESSION_REQUEST		21
#define MONC_V2_TAG_COMPRESSION_DONE		22
#define MONC_V2_TAG_MAX				22

/*
 * The preamble: u8 tag, u8 segment count, four (le32 length, le16
 * alignment), two reserved bytes, le32 crc32c (seed 0) of the 28 before.
 */
#define MONC_V2_PREAMBLE_LEN		32
#define MONC_V2_CRC_LEN			4
#define MONC_V2_MAX_SEGMENTS		4
/* late_status, then the crc32c (seed -1) of segments 1, 2 and 3 */
#define MONC_V2_EPILOGUE_LEN		(1 + 3 * MONC_V2_CRC_LEN)
#define MONC_V2_LATE_STATUS_COMPLETE	0x0e
#define MONC_V2_LATE_STATUS_MASK	0x0f

/*
 * Secure mode (msgr2.1): the preamble and the first 48 bytes of the control
 * segment (zero-padded) are sealed together, one GCM operation; the rest of
 * the control segment, padded to 16 bytes, is a second one; segments 1 to
 * 3, each padded to 16 bytes, and an epilogue block (late_status, 15 zero
 * bytes) a third. Each operation appends its 16-byte tag.
 */
#define MONC_V2_INLINE_LEN		48
#define MONC_V2_SECURE_HEAD_LEN		(MONC_V2_PREAMBLE_LEN + \
					 MONC_V2_INLINE_LEN + MONC_GCM_TAG_LEN)
#define MONC_V2_SECURE_EPILOGUE_LEN	(MONC_GCM_BLOCK_LEN + MONC_GCM_TAG_LEN)

/*
 * The largest segments monc accepts. A monitor's control frames carry at
 * most a cephx ticket reply; its messages' fronts are bounded as msgr v1's
 * are. No monitor message monc reads has a middle or data segment worth
 * keeping, but a peer may send them, so they are bounded, not refused.
 */
#define MONC_V2_MAX_CONTROL_LEN		(64U << 10)
#define MONC_V2_MAX_FRONT_LEN		(16U << 20)
#define MONC_V2_MAX_MIDDLE_LEN		(16U << 20)
#define MONC_V2_MAX_DATA_LEN		(16U << 20)

/* The alignments Ceph's and Linux's senders put in the preamble. */
#define MONC_V2_ALIGN_CONTROL		8

/* ceph_msg_header2, packed: the control segment of a MESSAGE frame. */
#define MONC_V2_HEADER2_LEN		41

/* Auth methods and connection modes (msgr2.rst, auth/Auth.h). */
#define MONC_V2_AUTH_NONE		1
#define MONC_V2_AUTH_CEPHX		2
#define MONC_V2_CON_MODE_CRC		1
#define MONC_V2_CON_MODE_SECURE		2

/* Most entries of a method or mode list we accept from the wire. */
#define MONC_V2_MAX_LIST		16

/**
 * struct monc_v2_desc - a frame's preamble, decoded
 * @tag: MONC_V2_TAG_*
 * @nseg: segments, 1 to %MONC_V2_MAX_SEGMENTS
 * @len: each segment's length; 0 past @nseg
 * @align: each segment's alignment (informational)
 */
struct monc_v2_desc {
	u8 tag;
	u8 nseg;
	u32 len[MONC_V2_MAX_SEGMENTS];
	u16 align[MONC_V2_MAX_SEGMENTS];
};

/**
 * struct monc_v2_frame - a whole crc-mode frame, parsed in place
 * @desc: its preamble
 * @seg: each segment's bytes, inside the parsed buffer
 */
struct monc_v2_frame {
	struct monc_v2_desc desc;
	const void *seg[MONC_V2_MAX_SEGMENTS];
};

/* What a monitor says in AUTH_BAD_METHOD. */
struct monc_v2_bad_method {
	u32 method;
	s32 result;
	u32 nmethods;
	u32 methods[MONC_V2_MAX_LIST];
	u32 nmodes;
	u32 modes[MONC_V2_MAX_LIST];
};

/* What a monitor says in AUTH_DONE; @payload points into the frame. */
struct monc_v2_auth_done {
	u64 global_id;
	u32 con_mode;
	const void *payload;
	u32 payload_len;
};

/* What a client says in CLIENT_IDENT, besides the addresses. */
struct monc_v2_client_ident {
	u64 gid;
	u64 global_seq;
	u64 features_supported;
	u64 features_required;
	u64 flags;
	u64 cookie;
};

/* What a monitor says in SERVER_IDENT (the fields a client uses). */
struct monc_v2_server_ident {
	struct monc_entity_addr addr;	/* its first address */
	s64 gid;
	u64 global_seq;
	u64 features_supported;
	u64 features_required;
	u64 flags;
	u64 cookie;
};

void monc_v2_encode_banner(void *buf);
int monc_v2_decode_banner_prefix(const void *buf, u16 *payload_len);
int monc_v2_decode_banner_payload(const void *buf, size_t len, u64 *features);

void monc_v2_encode_preamble(const struct monc_v2_desc *d, void *buf);
int monc_v2_decode_preamble(const void *buf, struct monc_v2_desc *d);
size_t monc_v2_frame_rest_len(const struct monc_v2_desc *d);
size_t monc_v2_frame_len(u8 tag, const u32 *lens, unsigned int n);
ssize_t monc_v2_build_frame(u8 tag, const void *const *segs,
			    const u32 *lens, unsigned int n, void *buf,
			    size_t size);
int monc_v2_parse_frame(const void *buf, size_t len,
			struct monc_v2_frame *f, size_t *need);
size_t monc_v2_secure_rest_len(const struct monc_v2_desc *d);
size_t monc_v2_secure_frame_len(u8 tag, const u32 *lens, unsigned int n);
ssize_t monc_v2_build_secure_frame(struct monc_gcm *g, u8 tag,
				   const void *const *segs, const u32 *lens,
				   unsigned int n, void *buf, size_t size);
int monc_v2_open_secure_head(struct monc_gcm *g, void *buf,
			     struct monc_v2_desc *d);
int monc_v2_open_secure_rest(struct monc_gcm *g, void *buf,
			     const struct monc_v2_desc *d,
			     struct monc_v2_frame *f);

int monc_v2_encode_hello(void **p, void *end, u8 entity_type,
			 const struct monc_entity_addr *peer);
int monc_v2_decode_hello(const void *p, const void *end, u8 *entity_type,
			 struct monc_entity_addr *addr_for_me);
int monc_v2_encode_auth_request(void **p, void *end, u32 method,
				const u32 *modes, unsigned int nmodes,
				const void *payload, u32 payload_len);
int monc_v2_encode_auth_request_more(void **p, void *end, const void *payload,
				     u32 len);
int monc_v2_encode_client_ident(void **p, void *end,
				const struct monc_entity_addr *me,
				const struct monc_entity_addr *peer,
				const struct monc_v2_client_ident *ci);
int monc_v2_decode_auth_bad_method(const void *p, const void *end,
				   struct monc_v2_bad_method *b);
int monc_v2_decode_auth_reply_more(const void *p, const void *end,
				   const void **payload, u32 *len);
int monc_v2_decode_auth_done(const void *p, const void *end,
			     struct monc_v2_auth_done *d);
int monc_v2_encode_header2(void **p, void *end,
			   const struct monc_msg_header *hdr, u64 ack_seq);
int monc_v2_decode_header2(const void *p, const void *end,
			   struct monc_msg_header *hdr, u64 *ack_seq);
int monc_v2_encode_keepalive2(void **p, void *end, u32 sec, u32 nsec);
int monc_v2_decode_keepalive2_ack(const void *p, const void *end, u32 *sec,
				  u32 *nsec);
int monc_v2_decode_ack(const void *p, const void *end, u64 *seq);
int monc_v2_decode_server_ident(const void *p, const void *end,
				struct monc_v2_server_ident *id);

#endif
