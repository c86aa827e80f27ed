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
