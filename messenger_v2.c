// SPDX-License-Identifier: GPL-2.0
/*
 * msgr2.1 frames: the codec under monc's msgr2 transport. Functions over
 * buffers; no socket, no lock; secure mode's seal and open use the
 * connection's cipher (crypto.c), which moves its nonces on and may
 * allocate a scatterlist for a vmalloc'ed buffer. Every byte
 * they read comes from a monitor and is bounds-checked through decode.h.
 *
 * The wire (Ceph's doc/dev/msgr2.rst and src/msg/async/frames_v2.h, and
 * libceph's msgr2 code in Linux), crc mode, revision 1:
 *
 *   banner	"ceph v2\n", le16 16, le64 supported, le64 required features
 *   frame	preamble (32 bytes):
 *		  u8 tag, u8 segment count (1 to 4),
 *		  4 x (le32 length, le16 alignment), 2 reserved bytes,
 *		  le32 crc32c(0) of the 28 bytes before it
 *		segment 0 (the control segment, never empty),
 *		le32 crc32c(-1) of segment 0,
 *		and, when there is more than one segment:
 *		segments 1 .. count-1 back to back (no padding in crc mode),
 *		epilogue: u8 late_status (0x0e: complete),
 *		  le32 crc32c(-1) of segments 1, 2 and 3: -1 for an empty
 *		  segment the count includes, 0 for one past the count
 *		  (Tentacle and Linux both write and check it so)
 *
 * The last segment a preamble counts is never empty (a sender drops
 * trailing empty segments); lengths past the count are ignored.
 *
 * Secure mode, revision 1 (Ceph's FrameAssembler, Linux's secure-mode
 * path), each "sealed" piece one AES-GCM operation with its own nonce and
 * a 16-byte tag after it:
 *
 *   head	sealed: preamble (as above, crc included), then the first
 *		48 bytes of segment 0, zero-padded to 48 (96 bytes on the wire)
 *   remainder	if segment 0 is longer than 48: sealed: the rest of it,
 *		zero-padded to a multiple of 16
 *   tail	if there is more than one segment: sealed: segments 1 .. 3,
 *		each zero-padded to a multiple of 16, then the epilogue block:
 *		u8 late_status (0x0e), 15 zero bytes
 *
 * No crc besides the preamble's: the tags authenticate everything.
 */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/crc32c.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "internal.h"
#include "messenger_v2.h"

/**
 * monc_v2_encode_banner() - write our msgr2 banner
 * @buf: %MONC_V2_BANNER_FULL_LEN bytes
 *
 * Context: any context.
 */
void monc_v2_encode_banner(void *buf)
{
	memcpy(buf, MONC_V2_BANNER, MONC_V2_BANNER_LEN);
	put_unaligned_le16(MONC_V2_BANNER_PAYLOAD_LEN, buf + MONC_V2_BANNER_LEN);
	put_unaligned_le64(MONC_V2_FEATURES_SUPPORTED,
			   buf + MONC_V2_BANNER_PREFIX_LEN);
	put_unaligned_le64(MONC_V2_FEATURES_REQUIRED,
			   buf + MONC_V2_BANNER_PREFIX_LEN + 8);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_encode_banner);

/**
 * monc_v2_decode_banner_prefix() - check a peer's banner prefix
 * @buf: %MONC_V2_BANNER_PREFIX_LEN bytes
 * @payload_len: the payload length that follows
 *
 * Context: any context.
 * Return: 0; -EPROTO if the peer speaks msgr v1 ("ceph v027") or no Ceph
 * at all; -EINVAL if the payload cannot hold the two feature words.
 */
int monc_v2_decode_banner_prefix(const void *buf, u16 *payload_len)
{
	if (memcmp(buf, MONC_V2_BANNER, MONC_V2_BANNER_LEN))
		return -EPROTO;
	*payload_len = get_unaligned_le16(buf + MONC_V2_BANNER_LEN);
	if (*payload_len < MONC_V2_BANNER_PAYLOAD_LEN)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_banner_prefix);

/**
 * monc_v2_decode_banner_payload() - check a peer's msgr2 features
 * @buf: the payload
 * @len: its length (from the prefix; longer payloads are accepted and
 *	their tail ignored)
 * @features: the peer's supported features
 *
 * The peer must support what we require (revision 1) and require nothing
 * we do not support (compression is offered by neither side then).
 *
 * Context: any context.
 * Return: 0, -EINVAL if truncated, -EOPNOTSUPP on a feature mismatch.
 */
int monc_v2_decode_banner_payload(const void *buf, size_t len, u64 *features)
{
	const void *p = buf, *end = buf + len;
	u64 supported, required;

	if (monc_dec_u64(&p, end, &supported) ||
	    monc_dec_u64(&p, end, &required))
		return -EINVAL;
	if ((MONC_V2_FEATURES_REQUIRED & ~supported) ||
	    (required & ~MONC_V2_FEATURES_SUPPORTED))
		return -EOPNOTSUPP;
	*features = supported;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_banner_payload);

/**
 * monc_v2_encode_preamble() - write a preamble and its crc
 * @d: the frame; @d->nseg entries of @d->len and @d->align are written
 * @buf: %MONC_V2_PREAMBLE_LEN bytes
 *
 * Context: any context.
 */
void monc_v2_encode_preamble(const struct monc_v2_desc *d, void *buf)
{
	u8 *p = buf;
	unsigned int i;

	memset(buf, 0, MONC_V2_PREAMBLE_LEN);
	p[0] = d->tag;
	p[1] = d->nseg;
	for (i = 0; i < d->nseg && i < MONC_V2_MAX_SEGMENTS; i++) {
		put_unaligned_le32(d->len[i], p + 2 + 6 * i);
		put_unaligned_le16(d->align[i], p + 6 + 6 * i);
	}
	put_unaligned_le32(crc32c(0, buf, MONC_V2_PREAMBLE_LEN - MONC_V2_CRC_LEN),
			   p + MONC_V2_PREAMBLE_LEN - MONC_V2_CRC_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_encode_preamble);

static const u32 monc_v2_seg_max[MONC_V2_MAX_SEGMENTS] = {
	MONC_V2_MAX_CONTROL_LEN, MONC_V2_MAX_FRONT_LEN,
	MONC_V2_MAX_MIDDLE_LEN, MONC_V2_MAX_DATA_LEN,
};

/**
 * monc_v2_decode_preamble() - check and decode a preamble
 * @buf: %MONC_V2_PREAMBLE_LEN bytes from the peer
 * @d: the frame it announces
 *
 * Refuses a bad crc, a tag monc does not know, a segment count out of 1 to
 * 4, an empty control segment, an empty last segment, and a segment longer
 * than monc accepts (MONC_V2_MAX_*_LEN).
 *
 * Context: any context.
 * Return: 0, -EBADMSG (crc), or -EINVAL.
 */
int monc_v2_decode_preamble(const void *buf, struct monc_v2_desc *d)
{
	const u8 *p = buf;
	u32 crc;
	int i;

	crc = crc32c(0, buf, MONC_V2_PREAMBLE_LEN - MONC_V2_CRC_LEN);
	if (crc != get_unaligned_le32(p + MONC_V2_PREAMBLE_LEN - MONC_V2_CRC_LEN))
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	d->tag = p[0];
	d->nseg = p[1];
	if (d->tag < MONC_V2_TAG_HELLO || d->tag > MONC_V2_TAG_MAX)
		return -EINVAL;
	if (d->nseg < 1 || d->nseg > MONC_V2_MAX_SEGMENTS)
		return -EINVAL;
	for (i = 0; i < d->nseg; i++) {
		d->len[i] = get_unaligned_le32(p + 2 + 6 * i);
		d->align[i] = get_unaligned_le16(p + 6 + 6 * i);
		if (d->len[i] > monc_v2_seg_max[i])
			return -EINVAL;
	}
	if (!d->len[0] || !d->len[d->nseg - 1])
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_preamble);

/**
 * monc_v2_frame_rest_len() - the bytes of a frame after its preamble
 * @d: a preamble monc_v2_decode_preamble() accepted (lengths bounded)
 *
 * Context: any context.
 * Return: the length, crc mode.
 */
size_t monc_v2_frame_rest_len(const struct monc_v2_desc *d)
{
	size_t n = (size_t)d->len[0] + MONC_V2_CRC_LEN;
	int i;

	if (d->nseg > 1) {
		for (i = 1; i < d->nseg; i++)
			n += d->len[i];
		n += MONC_V2_EPILOGUE_LEN;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_frame_rest_len);

/* The segment count a sender announces: trailing empty ones dropped. */
static unsigned int monc_v2_nseg(const u32 *lens, unsigned int n)
{
	while (n > 1 && !lens[n - 1])
		n--;
	return n;
}

/*
 * The preamble of a frame we send: trailing empty segments dropped, each
 * length checked against monc's limits. -EINVAL for bad arguments.
 */
static int monc_v2_out_desc(struct monc_v2_desc *d, u8 tag, const u32 *lens,
			    unsigned int n)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->tag = tag;
	if (n < 1 || n > MONC_V2_MAX_SEGMENTS || !lens[0])
		return -EINVAL;
	d->nseg = monc_v2_nseg(lens, n);
	for (i = 0; i < d->nseg; i++) {
		if (lens[i] > monc_v2_seg_max[i])
			return -EINVAL;
		d->len[i] = lens[i];
		d->align[i] = MONC_V2_ALIGN_CONTROL;
	}
	return 0;
}

/* The descriptor of a frame of @tag with the @n segment lengths @lens. */
static void monc_v2_desc_of(struct monc_v2_desc *d, u8 tag, const u32 *lens,
			    unsigned int n)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->tag = tag;
	d->nseg = monc_v2_nseg(lens, min_t(unsigned int, n,
					   MONC_V2_MAX_SEGMENTS));
	for (i = 0; i < d->nseg; i++)
		d->len[i] = lens[i];
}

/**
 * monc_v2_frame_len() - the length of a crc-mode frame
 * @tag: its tag
 * @lens: its segments' lengths, @lens[0] (control) not 0
 * @n: entries in @lens, 1 to %MONC_V2_MAX_SEGMENTS
 *
 * Context: any context.
 * Return: the whole frame's length, preamble included.
 */
size_t monc_v2_frame_len(u8 tag, const u32 *lens, unsigned int n)
{
	struct monc_v2_desc d;

	monc_v2_desc_of(&d, tag, lens, n);
	return MONC_V2_PREAMBLE_LEN + monc_v2_frame_rest_len(&d);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_frame_len);

/**
 * monc_v2_build_frame() - write a whole crc-mode frame
 * @tag: its tag
 * @segs: its segments' bytes (an empty one may be NULL)
 * @lens: their lengths; @lens[0] (control) must not be 0
 * @n: entries in @segs and @lens, 1 to %MONC_V2_MAX_SEGMENTS
 * @buf: where to write it
 * @size: bytes at @buf
 *
 * Trailing empty segments are dropped, as Ceph's senders drop them.
 *
 * Context: any context.
 * Return: the frame's length, -EINVAL for bad arguments or -ENOSPC.
 */
ssize_t monc_v2_build_frame(u8 tag, const void *const *segs,
			    const u32 *lens, unsigned int n, void *buf,
			    size_t size)
{
	void *p = buf + MONC_V2_PREAMBLE_LEN, *end = buf + size;
	struct monc_v2_desc d;
	unsigned int i;
	size_t total;

	if (monc_v2_out_desc(&d, tag, lens, n))
		return -EINVAL;
	total = MONC_V2_PREAMBLE_LEN + monc_v2_frame_rest_len(&d);
	if (total > size)
		return -ENOSPC;
	monc_v2_encode_preamble(&d, buf);
	monc_enc_copy(&p, end, segs[0], lens[0]);
	monc_enc_u32(&p, end, crc32c(~0U, segs[0], lens[0]));
	if (d.nseg > 1) {
		for (i = 1; i < d.nseg; i++)
			monc_enc_copy(&p, end, segs[i], lens[i]);
		monc_enc_u8(&p, end, MONC_V2_LATE_STATUS_COMPLETE);
		for (i = 1; i < MONC_V2_MAX_SEGMENTS; i++)
			monc_enc_u32(&p, end, i < d.nseg ?
				     crc32c(~0U, segs[i], lens[i]) : 0);
	}
	return p - buf;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_build_frame);

/**
 * monc_v2_parse_frame() - check a whole crc-mode frame in a buffer
 * @buf: the bytes received, starting with a preamble
 * @len: how many
 * @f: the frame, its segments pointing into @buf, on success
 * @need: on success or -EAGAIN, the frame's whole length
 *
 * Checks the preamble (see monc_v2_decode_preamble()), the control
 * segment's crc and, with more than one segment, the epilogue's late
 * status and each segment's crc.
 *
 * Context: any context.
 * Return: 0; -EAGAIN if @len is short of the frame (then *@need says how
 * long it is, or %MONC_V2_PREAMBLE_LEN if even the preamble is missing);
 * -EBADMSG for a bad crc; -EINVAL for a malformed frame or an aborted one.
 */
int monc_v2_parse_frame(const void *buf, size_t len,
			struct monc_v2_frame *f, size_t *need)
{
	const void *p = buf + MONC_V2_PREAMBLE_LEN, *end = buf + len;
	const void *epi;
	u32 crc;
	u8 late;
	int i, ret;

	if (len < MONC_V2_PREAMBLE_LEN) {
		*need = MONC_V2_PREAMBLE_LEN;
		return -EAGAIN;
	}
	ret = monc_v2_decode_preamble(buf, &f->desc);
	if (ret)
		return ret;
	*need = MONC_V2_PREAMBLE_LEN + monc_v2_frame_rest_len(&f->desc);
	if (len < *need)
		return -EAGAIN;

	f->seg[0] = p;
	if (monc_dec_skip(&p, end, f->desc.len[0]) ||
	    monc_dec_u32(&p, end, &crc))
		return -EINVAL;	/* not reached: the length was checked */
	if (crc != crc32c(~0U, f->seg[0], f->desc.len[0]))
		return -EBADMSG;
	for (i = 1; i < MONC_V2_MAX_SEGMENTS; i++) {
		f->seg[i] = p;
		if (i < f->desc.nseg && monc_dec_skip(&p, end, f->desc.len[i]))
			return -EINVAL;
	}
	if (f->desc.nseg == 1)
		return 0;

	epi = p;
	if (monc_dec_u8(&p, end, &late))
		return -EINVAL;
	if ((late & MONC_V2_LATE_STATUS_MASK) != MONC_V2_LATE_STATUS_COMPLETE)
		return -EINVAL;
	for (i = 1; i < MONC_V2_MAX_SEGMENTS; i++) {
		u32 want = i < f->desc.nseg ?
			   crc32c(~0U, f->seg[i], f->desc.len[i]) : 0;

		if (monc_dec_u32(&p, end, &crc))
			return -EINVAL;
		if (crc != want)
			return -EBADMSG;
	}
	WARN_ON_ONCE(p - epi != MONC_V2_EPILOGUE_LEN);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_parse_frame);

/* Secure mode pads each sealed piece to the GCM block size. */
static u32 monc_v2_padded(u32 len)
{
	return ALIGN(len, MONC_GCM_BLOCK_LEN);
}

/**
 * monc_v2_secure_rest_len() - the bytes of a secure frame after its head
 * @d: a preamble monc_v2_decode_preamble() accepted (lengths bounded)
 *
 * The head is %MONC_V2_SECURE_HEAD_LEN bytes: the sealed preamble and
 * inline control bytes. After it: the rest of the control segment, padded,
 * and its tag, if the control segment is longer than %MONC_V2_INLINE_LEN;
 * then, with more than one segment, segments 1 to 3 padded and the sealed
 * epilogue.
 *
 * Context: any context.
 * Return: the length, 0 for a frame that is all head.
 */
size_t monc_v2_secure_rest_len(const struct monc_v2_desc *d)
{
	size_t n = 0;
	int i;

	if (d->len[0] > MONC_V2_INLINE_LEN)
		n += monc_v2_padded(d->len[0] - MONC_V2_INLINE_LEN) +
		     MONC_GCM_TAG_LEN;
	if (d->nseg > 1) {
		for (i = 1; i < d->nseg; i++)
			n += monc_v2_padded(d->len[i]);
		n += MONC_V2_SECURE_EPILOGUE_LEN;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_secure_rest_len);

/**
 * monc_v2_secure_frame_len() - the length of a secure-mode frame
 * @tag: its tag
 * @lens: its segments' lengths, @lens[0] (control) not 0
 * @n: entries in @lens, 1 to %MONC_V2_MAX_SEGMENTS
 *
 * Context: any context.
 * Return: the whole frame's length on the wire.
 */
size_t monc_v2_secure_frame_len(u8 tag, const u32 *lens, unsigned int n)
{
	struct monc_v2_desc d;

	monc_v2_desc_of(&d, tag, lens, n);
	return MONC_V2_SECURE_HEAD_LEN + monc_v2_secure_rest_len(&d);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_secure_frame_len);

/* Copy @len bytes to *@p and zero-pad them to the block size. */
static void monc_v2_put_padded(u8 **p, const void *src, u32 len)
{
	u32 padded = monc_v2_padded(len);

	if (len)
		memcpy(*p, src, len);
	memset(*p + len, 0, padded - len);
	*p += padded;
}

/**
 * monc_v2_build_secure_frame() - write and seal a whole secure-mode frame
 * @g: the connection's cipher (its transmit nonce moves on by one per
 *	sealed piece: one, two or three)
 * @tag: the frame's tag
 * @segs: its segments' bytes (an empty one may be NULL)
 * @lens: their lengths; @lens[0] (control) must not be 0
 * @n: entries in @segs and @lens, 1 to %MONC_V2_MAX_SEGMENTS
 * @buf: where to write it: kmalloc'ed or kvmalloc'ed (a scatterlist)
 * @size: bytes at @buf
 *
 * Trailing empty segments are dropped, as Ceph's senders drop them.
 *
 * Context: process context; may sleep. The caller serializes calls on @g.
 * Return: the frame's length, -EINVAL for bad arguments, -ENOSPC, or the
 * cipher's error (-ERANGE: out of nonces).
 */
ssize_t monc_v2_build_secure_frame(struct monc_gcm *g, u8 tag,
				   const void *const *segs, const u32 *lens,
				   unsigned int n, void *buf, size_t size)
{
	struct monc_v2_desc d;
	u8 *p = buf, *piece;
	unsigned int i;
	u32 inl;
	int ret;

	if (monc_v2_out_desc(&d, tag, lens, n))
		return -EINVAL;
	if (MONC_V2_SECURE_HEAD_LEN + monc_v2_secure_rest_len(&d) > size)
		return -ENOSPC;

	/* the head: preamble and up to 48 control bytes, zero-padded */
	monc_v2_encode_preamble(&d, p);
	inl = min_t(u32, d.len[0], MONC_V2_INLINE_LEN);
	memcpy(p + MONC_V2_PREAMBLE_LEN, segs[0], inl);
	memset(p + MONC_V2_PREAMBLE_LEN + inl, 0, MONC_V2_INLINE_LEN - inl);
	ret = monc_gcm_encrypt(g, p, MONC_V2_PREAMBLE_LEN + MONC_V2_INLINE_LEN);
	if (ret)
		return ret;
	p += MONC_V2_SECURE_HEAD_LEN;

	/* the rest of the control segment */
	if (d.len[0] > inl) {
		piece = p;
		monc_v2_put_padded(&p, segs[0] + inl, d.len[0] - inl);
		ret = monc_gcm_encrypt(g, piece, p - piece);
		if (ret)
			return ret;
		p += MONC_GCM_TAG_LEN;
	}

	/* segments 1 to 3 and the epilogue */
	if (d.nseg > 1) {
		piece = p;
		for (i = 1; i < d.nseg; i++)
			monc_v2_put_padded(&p, segs[i], d.len[i]);
		memset(p, 0, MONC_GCM_BLOCK_LEN);
		p[0] = MONC_V2_LATE_STATUS_COMPLETE;
		p += MONC_GCM_BLOCK_LEN;
		ret = monc_gcm_encrypt(g, piece, p - piece);
		if (ret)
			return ret;
		p += MONC_GCM_TAG_LEN;
	}
	return p - (u8 *)buf;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_build_secure_frame);

/**
 * monc_v2_open_secure_head() - open and check a secure frame's head
 * @g: the connection's cipher (its receive nonce moves on by one)
 * @buf: %MONC_V2_SECURE_HEAD_LEN bytes from the peer, kmalloc'ed or
 *	kvmalloc'ed; opened in place: the preamble, then the inline control
 *	bytes
 * @d: the frame the preamble announces
 *
 * Context: process context; may sleep. The caller serializes calls on @g.
 * Return: 0; -EBADMSG for a bad tag (tampered, replayed or out of order)
 * or a bad preamble crc; -EINVAL for a preamble monc_v2_decode_preamble()
 * refuses; or the cipher's error.
 */
int monc_v2_open_secure_head(struct monc_gcm *g, void *buf,
			     struct monc_v2_desc *d)
{
	int ret;

	ret = monc_gcm_decrypt(g, buf, MONC_V2_SECURE_HEAD_LEN);
	if (ret)
		return ret;
	return monc_v2_decode_preamble(buf, d);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_open_secure_head);

/**
 * monc_v2_open_secure_rest() - open the rest of a secure frame
 * @g: the connection's cipher (its receive nonce moves on by one per
 *	sealed piece)
 * @buf: the whole frame: its head, already opened by
 *	monc_v2_open_secure_head(), then monc_v2_secure_rest_len() bytes from
 *	the peer; kmalloc'ed or kvmalloc'ed
 * @d: the frame's preamble, as decoded
 * @f: the frame, its segments pointing into @buf, on success
 *
 * Opens the pieces in place and moves the control segment's remainder
 * next to its inline part, so that each segment is contiguous.
 *
 * Context: process context; may sleep. The caller serializes calls on @g.
 * Return: 0; -EBADMSG for a bad tag; -EINVAL for an aborted frame; or the
 * cipher's error.
 */
int monc_v2_open_secure_rest(struct monc_gcm *g, void *buf,
			     const struct monc_v2_desc *d,
			     struct monc_v2_frame *f)
{
	u8 *ctrl = buf + MONC_V2_PREAMBLE_LEN;
	u8 *p = buf + MONC_V2_SECURE_HEAD_LEN;
	u32 rem, n;
	int i, ret;

	f->desc = *d;
	f->seg[0] = ctrl;
	if (d->len[0] > MONC_V2_INLINE_LEN) {
		rem = d->len[0] - MONC_V2_INLINE_LEN;
		n = monc_v2_padded(rem) + MONC_GCM_TAG_LEN;
		ret = monc_gcm_decrypt(g, p, n);
		if (ret)
			return ret;
		memmove(ctrl + MONC_V2_INLINE_LEN, p, rem);
		p += n;
	}
	for (i = 1; i < MONC_V2_MAX_SEGMENTS; i++)
		f->seg[i] = p;
	if (d->nseg == 1)
		return 0;

	n = MONC_V2_SECURE_EPILOGUE_LEN;
	for (i = 1; i < d->nseg; i++)
		n += monc_v2_padded(d->len[i]);
	ret = monc_gcm_decrypt(g, p, n);
	if (ret)
		return ret;
	for (i = 1; i < d->nseg; i++) {
		f->seg[i] = p;
		p += monc_v2_padded(d->len[i]);
	}
	for (; i < MONC_V2_MAX_SEGMENTS; i++)
		f->seg[i] = p;
	if ((p[0] & MONC_V2_LATE_STATUS_MASK) != MONC_V2_LATE_STATUS_COMPLETE)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_open_secure_rest);

/**
 * monc_v2_encode_hello() - a HELLO body: our entity type, the peer's address
 * @p: cursor
 * @end: end of the buffer
 * @entity_type: ours (MONC_ENTITY_TYPE_CLIENT)
 * @peer: the address we connected to
 *
 * Context: any context.
 * Return: 0, -ENOSPC or -EINVAL (an address family we cannot encode).
 */
int monc_v2_encode_hello(void **p, void *end, u8 entity_type,
			 const struct monc_entity_addr *peer)
{
	return monc_enc_u8(p, end, entity_type) ?: monc_enc_addr(p, end, peer);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_encode_hello);

/**
 * monc_v2_decode_hello() - a peer's HELLO body
 * @p: the control segment
 * @end: its end
 * @entity_type: the peer's entity type
 * @addr_for_me: the address the peer sees us at
 *
 * Context: any context.
 * Return: 0 or -EINVAL.
 */
int monc_v2_decode_hello(const void *p, const void *end, u8 *entity_type,
			 struct monc_entity_addr *addr_for_me)
{
	if (monc_dec_u8(&p, end, entity_type) ||
	    monc_dec_addr(&p, end, addr_for_me))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_hello);

/**
 * monc_v2_encode_auth_request() - an AUTH_REQUEST body
 * @p: cursor
 * @end: end of the buffer
 * @method: MONC_V2_AUTH_NONE or MONC_V2_AUTH_CEPHX
 * @modes: the connection modes we accept, preferred first
 * @nmodes: entries in @modes
 * @payload: the auth method's request (auth.c builds it)
 * @payload_len: its length
 *
 * Layout: le32 method, vector<le32> preferred modes, bufferlist payload.
 *
 * Context: any context.
 * Return: 0 or -ENOSPC.
 */
int monc_v2_encode_auth_request(void **p, void *end, u32 method,
				const u32 *modes, unsigned int nmodes,
				const void *payload, u32 payload_len)
{
	unsigned int i;
	int ret;

	ret = monc_enc_u32(p, end, method) ?: monc_enc_u32(p, end, nmodes);
	for (i = 0; !ret && i < nmodes; i++)
		ret = monc_enc_u32(p, end, modes[i]);
	return ret ?: monc_enc_u32(p, end, payload_len) ?:
		      monc_enc_copy(p, end, payload, payload_len);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_encode_auth_request);

/**
 * monc_v2_encode_auth_request_more() - an AUTH_REQUEST_MORE body
 * @p: cursor
 * @end: end of the buffer
 * @payload: the auth method's next request
 * @len: its length
 *
 * Context: any context.
 * Return: 0 or -ENOSPC.
 */
int monc_v2_encode_auth_request_more(void **p, void *end, const void *payload,
				     u32 len)
{
	return monc_enc_u32(p, end, len) ?: monc_enc_copy(p, end, payload, len);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_encode_auth_request_more);

/**
 * monc_v2_encode_client_ident() - a CLIENT_IDENT body
 * @p: cursor
 * @end: end of the buffer
 * @me: our address (type ANY, our nonce; the monitor's HELLO tells the IP)
 * @peer: the monitor's address we connected to
 * @ci: gid (our global_id), global_seq, features, flags and cookie
 *
 * Layout: entity_addrvec_t of @me alone, entity_addr_t @peer, le64 gid,
 * global_seq, supported and required features, flags, cookie.
 *
 * Context: any context.
 * Return: 0, -ENOSPC or -EINVAL (an address family we cannot encode).
 */
int monc_v2_encode_client_ident(void **p, void *end,
				const struct monc_entity_addr *me,
				const struct monc_entity_addr *peer,
				const struct monc_v2_client_ident *ci)
{
	return monc_enc_u8(p, end, 2) ?: monc_enc_u32(p, end, 1) ?:
	       monc_enc_addr(p, end, me) ?: monc_enc_addr(p, end, peer) ?:
	       monc_enc_u64(p, end, ci->gid) ?:
	       monc_enc_u64(p, end, ci->global_seq) ?:
	       monc_enc_u64(p, end, ci->features_supported) ?:
	       monc_enc_u64(p, end, ci->features_required) ?:
	       monc_enc_u64(p, end, ci->flags) ?:
	       monc_enc_u64(p, end, ci->cookie);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_encode_client_ident);

/* A vector<le32> of at most MONC_V2_MAX_LIST entries. */
static int monc_v2_dec_list(const void **p, const void *end, u32 *n, u32 *v)
{
	u32 i;

	if (monc_dec_count(p, end, 4, n) || *n > MONC_V2_MAX_LIST)
		return -EINVAL;
	for (i = 0; i < *n; i++)
		monc_dec_u32(p, end, &v[i]);	/* the count was checked */
	return 0;
}

/**
 * monc_v2_decode_auth_bad_method() - an AUTH_BAD_METHOD body
 * @p: the control segment
 * @end: its end
 * @b: what it says
 *
 * Context: any context.
 * Return: 0 or -EINVAL (truncated, or a list of more than
 * %MONC_V2_MAX_LIST entries).
 */
int monc_v2_decode_auth_bad_method(const void *p, const void *end,
				   struct monc_v2_bad_method *b)
{
	if (monc_dec_u32(&p, end, &b->method) ||
	    monc_dec_s32(&p, end, &b->result) ||
	    monc_v2_dec_list(&p, end, &b->nmethods, b->methods) ||
	    monc_v2_dec_list(&p, end, &b->nmodes, b->modes))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_auth_bad_method);

/**
 * monc_v2_decode_auth_reply_more() - an AUTH_REPLY_MORE body
 * @p: the control segment
 * @end: its end
 * @payload: the auth method's reply, inside the segment
 * @len: its length
 *
 * Context: any context.
 * Return: 0 or -EINVAL.
 */
int monc_v2_decode_auth_reply_more(const void *p, const void *end,
				   const void **payload, u32 *len)
{
	if (monc_dec_u32(&p, end, len) || !monc_dec_has(p, end, *len))
		return -EINVAL;
	*payload = p;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_auth_reply_more);

/**
 * monc_v2_decode_auth_done() - an AUTH_DONE body
 * @p: the control segment
 * @end: its end
 * @d: what it says: le64 global_id, le32 connection mode, bufferlist
 *	payload (the auth method's last reply)
 *
 * Context: any context.
 * Return: 0, or -EINVAL (truncated, or a connection mode that is neither
 * crc nor secure).
 */
int monc_v2_decode_auth_done(const void *p, const void *end,
			     struct monc_v2_auth_done *d)
{
	if (monc_dec_u64(&p, end, &d->global_id) ||
	    monc_dec_u32(&p, end, &d->con_mode) ||
	    monc_v2_decode_auth_reply_more(p, end, &d->payload,
					   &d->payload_len))
		return -EINVAL;
	if (d->con_mode != MONC_V2_CON_MODE_CRC &&
	    d->con_mode != MONC_V2_CON_MODE_SECURE)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_auth_done);

/**
 * monc_v2_encode_header2() - a MESSAGE frame's control segment
 * @p: cursor
 * @end: end of the buffer
 * @hdr: the message's header (seq, tid, type, priority, version, data_off,
 *	compat_version are taken from it)
 * @ack_seq: the last sequence number we received
 *
 * Layout (ceph_msg_header2, packed, 41 bytes): le64 seq, le64 tid, le16
 * type, le16 priority, le16 version, le32 data_pre_padding_len, le16
 * data_off, le64 ack_seq, u8 flags, le16 compat_version, le16 reserved.
 *
 * Context: any context.
 * Return: 0 or -ENOSPC.
 */
int monc_v2_encode_header2(void **p, void *end,
			   const struct monc_msg_header *hdr, u64 ack_seq)
{
	if (monc_enc_has(*p, end, MONC_V2_HEADER2_LEN))
		return -ENOSPC;
	monc_enc_u64(p, end, le64_to_cpu(hdr->seq));
	monc_enc_u64(p, end, le64_to_cpu(hdr->tid));
	monc_enc_u16(p, end, le16_to_cpu(hdr->type));
	monc_enc_u16(p, end, le16_to_cpu(hdr->priority));
	monc_enc_u16(p, end, le16_to_cpu(hdr->version));
	monc_enc_u32(p, end, 0);
	monc_enc_u16(p, end, le16_to_cpu(hdr->data_off));
	monc_enc_u64(p, end, ack_seq);
	monc_enc_u8(p, end, 0);
	monc_enc_u16(p, end, le16_to_cpu(hdr->compat_version));
	monc_enc_u16(p, end, 0);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_encode_header2);

/**
 * monc_v2_decode_header2() - a peer's MESSAGE control segment
 * @p: the control segment
 * @end: its end; a longer segment is accepted and its tail ignored
 * @hdr: seq, tid, type, priority, version, data_off and compat_version are
 *	set from it; the rest is zeroed (the caller fills the lengths from
 *	the preamble)
 * @ack_seq: the peer's ack of our messages
 *
 * Context: any context.
 * Return: 0 or -EINVAL (shorter than %MONC_V2_HEADER2_LEN).
 */
int monc_v2_decode_header2(const void *p, const void *end,
			   struct monc_msg_header *hdr, u64 *ack_seq)
{
	u64 seq, tid;
	u16 type, prio, ver, off, compat;
	u32 pad;
	u8 flags;

	if (!monc_dec_has(p, end, MONC_V2_HEADER2_LEN))
		return -EINVAL;
	monc_dec_u64(&p, end, &seq);
	monc_dec_u64(&p, end, &tid);
	monc_dec_u16(&p, end, &type);
	monc_dec_u16(&p, end, &prio);
	monc_dec_u16(&p, end, &ver);
	monc_dec_u32(&p, end, &pad);
	monc_dec_u16(&p, end, &off);
	monc_dec_u64(&p, end, ack_seq);
	monc_dec_u8(&p, end, &flags);
	monc_dec_u16(&p, end, &compat);
	memset(hdr, 0, sizeof(*hdr));
	hdr->seq = cpu_to_le64(seq);
	hdr->tid = cpu_to_le64(tid);
	hdr->type = cpu_to_le16(type);
	hdr->priority = cpu_to_le16(prio);
	hdr->version = cpu_to_le16(ver);
	hdr->data_off = cpu_to_le16(off);
	hdr->compat_version = cpu_to_le16(compat);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_header2);

/**
 * monc_v2_encode_keepalive2() - a KEEPALIVE2 body: a utime_t
 * @p: cursor
 * @end: end of the buffer
 * @sec: seconds
 * @nsec: nanoseconds
 *
 * Context: any context.
 * Return: 0 or -ENOSPC.
 */
int monc_v2_encode_keepalive2(void **p, void *end, u32 sec, u32 nsec)
{
	return monc_enc_u32(p, end, sec) ?: monc_enc_u32(p, end, nsec);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_encode_keepalive2);

/**
 * monc_v2_decode_keepalive2_ack() - a KEEPALIVE2_ACK body
 * @p: the control segment
 * @end: its end
 * @sec: the echoed seconds
 * @nsec: the echoed nanoseconds
 *
 * Context: any context.
 * Return: 0 or -EINVAL.
 */
int monc_v2_decode_keepalive2_ack(const void *p, const void *end, u32 *sec,
				  u32 *nsec)
{
	if (monc_dec_u32(&p, end, sec) || monc_dec_u32(&p, end, nsec))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_keepalive2_ack);

/**
 * monc_v2_decode_ack() - an ACK body: le64 the last sequence received
 * @p: the control segment
 * @end: its end
 * @seq: the sequence number
 *
 * Context: any context.
 * Return: 0 or -EINVAL.
 */
int monc_v2_decode_ack(const void *p, const void *end, u64 *seq)
{
	return monc_dec_u64(&p, end, seq);
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_ack);

/**
 * monc_v2_decode_server_ident() - a SERVER_IDENT body
 * @p: the control segment
 * @end: its end
 * @id: what it says
 *
 * Layout: entity_addrvec_t addrs, le64 gid, le64 global_seq, le64
 * supported features, le64 required features, le64 flags, le64 cookie.
 * The monitor's first msgr2 address (else its first v1 one) is kept.
 *
 * Context: any context.
 * Return: 0 or -EINVAL (truncated, malformed or empty addrvec).
 */
int monc_v2_decode_server_ident(const void *p, const void *end,
				struct monc_v2_server_ident *id)
{
	struct monc_entity_addr v1, v2;
	u64 gid;

	if (monc_dec_addrvec_both(&p, end, &v1, &v2) ||
	    monc_dec_u64(&p, end, &gid) ||
	    monc_dec_u64(&p, end, &id->global_seq) ||
	    monc_dec_u64(&p, end, &id->features_supported) ||
	    monc_dec_u64(&p, end, &id->features_required) ||
	    monc_dec_u64(&p, end, &id->flags) ||
	    monc_dec_u64(&p, end, &id->cookie))
		return -EINVAL;
	if (!v1.ss.ss_family && !v2.ss.ss_family)
		return -EINVAL;
	id->addr = v2.ss.ss_family ? v2 : v1;
	id->gid = (s64)gid;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_v2_decode_server_ident);
