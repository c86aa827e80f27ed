// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm reference services.  Each runs in place on the payload and writes
 * its response over it.  The algorithms are fixed and documented so that
 * any peer, and any test, can compute the same bytes independently.
 */
#include "hshm_services.h"
#include "../uapi/linux/hshm_wire.h"

#define HSHM_SVC_XOR_KEY	0x5a
#define HSHM_SVC_CAESAR_SHIFT	3

static const char hshm_svc_alnum[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * hshm_svc_fnv1a() - 32-bit FNV-1a hash
 * @buf: bytes
 * @len: their number
 *
 * Return: the hash (offset basis 0x811c9dc5, prime 0x01000193).
 */
u32 hshm_svc_fnv1a(const u8 *buf, u32 len)
{
	u32 h = 0x811c9dc5u;
	u32 i;

	for (i = 0; i < len; i++) {
		h ^= buf[i];
		h *= 0x01000193u;
	}
	return h;
}

/**
 * hshm_svc_crc32() - CRC-32 (IEEE 802.3, reflected, as zlib computes it)
 * @buf: bytes
 * @len: their number
 *
 * Return: the CRC ("123456789" gives 0xcbf43926).
 */
u32 hshm_svc_crc32(const u8 *buf, u32 len)
{
	u32 crc = 0xffffffffu;
	u32 i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= buf[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/**
 * hshm_svc_djb2() - Bernstein's hash, h = h * 33 + c from 5381, mod 2^32
 * @buf: bytes
 * @len: their number
 *
 * Return: the hash.
 */
u32 hshm_svc_djb2(const u8 *buf, u32 len)
{
	u32 h = 5381;
	u32 i;

	for (i = 0; i < len; i++)
		h = h * 33 + buf[i];
	return h;
}

static u32 hshm_svc_xorshift32(u32 x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static u32 hshm_svc_seed(const u8 *buf, u32 len)
{
	u32 seed = hshm_svc_fnv1a(buf, len);

	return seed ? seed : 1;
}

static void hshm_svc_put_le32(u8 *buf, u32 v)
{
	buf[0] = v & 0xff;
	buf[1] = (v >> 8) & 0xff;
	buf[2] = (v >> 16) & 0xff;
	buf[3] = (v >> 24) & 0xff;
}

static u8 hshm_svc_shift(u8 c, u8 shift)
{
	if (c >= 'a' && c <= 'z')
		return 'a' + (c - 'a' + shift) % 26;
	if (c >= 'A' && c <= 'Z')
		return 'A' + (c - 'A' + shift) % 26;
	return c;
}

static void hshm_svc_reverse(u8 *buf, u32 len)
{
	u32 i, j;

	for (i = 0, j = len - 1; i < j; i++, j--) {
		u8 t = buf[i];

		buf[i] = buf[j];
		buf[j] = t;
	}
}

/**
 * hshm_service_run() - run one service on a payload, in place
 * @service_id: HSHM_SVC_* id
 * @buf: payload; the response is written over it
 * @len: payload length, at least 1
 * @room: bytes writable at @buf (at least @len)
 * @out_len: response length
 *
 * Responses are never longer than max(@len, %HSHM_SVC_MIN_ROOM).
 *
 * Return: a HSHM_WIRE_RESULT_* value; %HSHM_WIRE_RESULT_NOSERVICE (with
 * @out_len 0) for an id outside the set, %HSHM_WIRE_RESULT_FAIL when
 * @room cannot hold the response.
 */
u8 hshm_service_run(u16 service_id, u8 *buf, u32 len, u32 room, u32 *out_len)
{
	u32 i, x;

	*out_len = 0;
	if (!len || room < len)
		return HSHM_WIRE_RESULT_FAIL;

	switch (service_id) {
	case HSHM_SVC_ECHO:
	case HSHM_SVC_ECHO66:
		break;
	case HSHM_SVC_REVERSE:
		hshm_svc_reverse(buf, len);
		break;
	case HSHM_SVC_CAESAR_ENC:
	case HSHM_SVC_CAESAR_DEC:
	case HSHM_SVC_ROT13_ENC:
	case HSHM_SVC_ROT13_DEC:
		x = service_id == HSHM_SVC_CAESAR_ENC ? HSHM_SVC_CAESAR_SHIFT :
		    service_id == HSHM_SVC_CAESAR_DEC ? 26 - HSHM_SVC_CAESAR_SHIFT :
		    13;
		for (i = 0; i < len; i++)
			buf[i] = hshm_svc_shift(buf[i], (u8)x);
		break;
	case HSHM_SVC_XOR_ENC:
	case HSHM_SVC_XOR_DEC:
		for (i = 0; i < len; i++)
			buf[i] ^= HSHM_SVC_XOR_KEY;
		break;
	case HSHM_SVC_DJB2:
	case HSHM_SVC_CRC32:
	case HSHM_SVC_FNV1A:
		if (room < HSHM_SVC_MIN_ROOM)
			return HSHM_WIRE_RESULT_FAIL;
		x = service_id == HSHM_SVC_DJB2 ? hshm_svc_djb2(buf, len) :
		    service_id == HSHM_SVC_CRC32 ? hshm_svc_crc32(buf, len) :
		    hshm_svc_fnv1a(buf, len);
		hshm_svc_put_le32(buf, x);
		*out_len = 4;
		return HSHM_WIRE_RESULT_SUCCESS;
	case HSHM_SVC_XORSHIFT:
		x = hshm_svc_seed(buf, len);
		for (i = 0; i < len; i += 4) {
			u8 word[4];
			u32 k;

			x = hshm_svc_xorshift32(x);
			hshm_svc_put_le32(word, x);
			for (k = 0; k < 4 && i + k < len; k++)
				buf[i + k] = word[k];
		}
		break;
	case HSHM_SVC_LCG:
		x = hshm_svc_seed(buf, len);
		for (i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (x >> 16) & 0xff;
		}
		break;
	case HSHM_SVC_RANDOM_STRING:
	case HSHM_SVC_RANDOM_CHAR:
		x = hshm_svc_seed(buf, len);
		if (service_id == HSHM_SVC_RANDOM_CHAR)
			len = 1;
		for (i = 0; i < len; i++) {
			x = hshm_svc_xorshift32(x);
			buf[i] = hshm_svc_alnum[x % 62];
		}
		break;
	default:
		return HSHM_WIRE_RESULT_NOSERVICE;
	}
	*out_len = len;
	return HSHM_WIRE_RESULT_SUCCESS;
}

/* The value of a hex digit, or -1 for any other byte. */
static int hshm_svc_nibble(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * hshm_svc_hex_len() - decode check of an ASCII hex payload (V1-10)
 * @buf: the payload
 * @len: its length
 *
 * Two hex digits (either case) make one byte.  Of a payload of odd length
 * the last byte is dropped if it is a control character (0x00-0x1f, as
 * NUL, CR and LF, or 0x7f); otherwise an odd length fails.  Any other
 * byte that is not a hex digit fails.
 *
 * Return: the number of bytes the payload decodes to, or -EINVAL.
 */
int hshm_svc_hex_len(const u8 *buf, u32 len)
{
	u32 i;

	if (len & 1) {
		u8 last = buf[len - 1];

		if (last >= 0x20 && last != 0x7f)
			return -EINVAL;
		len--;
	}
	for (i = 0; i < len; i++)
		if (hshm_svc_nibble(buf[i]) < 0)
			return -EINVAL;
	return (int)(len / 2);
}

/**
 * hshm_svc_hex_byte() - one decoded byte of a hex payload
 * @buf: a payload hshm_svc_hex_len() accepted
 * @i: index of the decoded byte, below what hshm_svc_hex_len() returned
 *
 * Return: the byte that digits 2 * @i and 2 * @i + 1 encode.
 */
u8 hshm_svc_hex_byte(const u8 *buf, u32 i)
{
	return (u8)(hshm_svc_nibble(buf[2 * i]) << 4 |
		    hshm_svc_nibble(buf[2 * i + 1]));
}

/**
 * hshm_service_prints() - is @service_id a print-only service of @set?
 * @set: the peer's service set
 * @service_id: the id
 *
 * Return: true for the seL4 server's 10-13 (V1-10), which decode and print
 * the payload and write nothing back.
 */
bool hshm_service_prints(enum hshm_svc_set set, u16 service_id)
{
	return set == HSHM_SVC_SET_SEL4_V1 &&
	       service_id >= HSHM_SVC_V1_PRINT_FIRST &&
	       service_id <= HSHM_SVC_V1_PRINT_LAST;
}

static void hshm_svc_xor(u8 *buf, u32 len, u8 key)
{
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] ^= key;
}

/*
 * V1-10.  @room is the number of bytes from @buf to the end of the data
 * area, so offset + length >= the data area's size is len >= room.
 */
static u8 hshm_svc_sel4_v1(u16 service_id, u8 *buf, u32 len, u32 room)
{
	switch (service_id) {
	case 1:
	case 2:
		if (len >= room)
			return HSHM_WIRE_RESULT_FAIL;
		hshm_svc_xor(buf, len, HSHM_SVC_V1_XOR_KEY);
		return HSHM_WIRE_RESULT_SUCCESS;
	case HSHM_SVC_V1_PRINT_FIRST ... HSHM_SVC_V1_PRINT_LAST:
		/* Bytes beyond the data area are taken for non-hex. */
		if (len > HSHM_SVC_V1_HEX_MAX || len > room ||
		    hshm_svc_hex_len(buf, len) < 0)
			return HSHM_WIRE_RESULT_FAIL;
		return HSHM_WIRE_RESULT_SUCCESS;
	default:
		/* Echo: every other id, never "no such service". */
		return HSHM_WIRE_RESULT_SUCCESS;
	}
}

/* V1-12: 1 encrypt, 2 decrypt (both XOR with the v1 key), 66 echo. */
static u8 hshm_svc_hvisor_tool_v1(u16 service_id, u8 *buf, u32 len, u32 room)
{
	switch (service_id) {
	case HSHM_SVC_HT_ENCRYPT:
	case HSHM_SVC_HT_DECRYPT:
		if (len > room)
			return HSHM_WIRE_RESULT_FAIL;
		hshm_svc_xor(buf, len, HSHM_SVC_V1_XOR_KEY);
		return HSHM_WIRE_RESULT_SUCCESS;
	case HSHM_SVC_HT_ECHO:
		return HSHM_WIRE_RESULT_SUCCESS;
	default:
		return HSHM_WIRE_RESULT_NOSERVICE;
	}
}

/**
 * hshm_service_run_set() - run a service as the peer of @set means it
 * @set: the peer's service set (struct hshm_peer_profile.services)
 * @service_id: the id the request carries
 * @buf: payload, in place; the response is written over it
 * @len: payload length
 * @room: bytes from @buf to the end of the data area
 * @out_len: response length
 *
 * %HSHM_SVC_SET_HSHM is hshm_service_run().  The v1 sets never rewrite the
 * length (V1-8): *@out_len is @len whatever the result, and a failed or
 * print-only service leaves the payload as it was.  Tools call this to
 * compute the response a peer of a profile gives (peers.md D-8).
 *
 * Return: a HSHM_WIRE_RESULT_* value.
 */
u8 hshm_service_run_set(enum hshm_svc_set set, u16 service_id, u8 *buf,
			u32 len, u32 room, u32 *out_len)
{
	switch (set) {
	case HSHM_SVC_SET_SEL4_V1:
		*out_len = len;
		return hshm_svc_sel4_v1(service_id, buf, len, room);
	case HSHM_SVC_SET_HVISOR_TOOL_V1:
		*out_len = len;
		return hshm_svc_hvisor_tool_v1(service_id, buf, len, room);
	case HSHM_SVC_SET_HSHM:
	default:
		return hshm_service_run(service_id, buf, len, room, out_len);
	}
}
