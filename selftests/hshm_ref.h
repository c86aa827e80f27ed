/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference implementation of the hshm services for the tests, and of
 * the service sets of the public v1 peers (ref_profile_service()).
 *
 * Written from the service definitions (Documentation/hshm/services.rst,
 * uapi/linux/hshm_wire.h), independently of common/hshm_services.c, so
 * that the tests catch a mistake in either: the CRC is table driven, the
 * letter shifts work on an alphabet table, words are stored byte by byte.
 * Header only, usable by the guest tests, the host unit tests and the
 * demo.  Thread safe once the constructor has run.
 */
#ifndef _HSHM_REF_H
#define _HSHM_REF_H

#include <stdint.h>
#include <string.h>
#include <linux/hshm_wire.h>

static uint32_t ref_crc_table[256];

static void __attribute__((constructor, unused)) ref_crc_table_init(void)
{
	uint32_t n, c;
	int k;

	for (n = 0; n < 256; n++) {
		c = n;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		ref_crc_table[n] = c;
	}
}

static inline uint32_t ref_crc32(const uint8_t *p, size_t len)
{
	uint32_t c = ~0u;

	while (len--)
		c = ref_crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ ~0u;
}

static inline uint32_t ref_fnv1a(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static inline uint32_t ref_djb2(const uint8_t *p, size_t len)
{
	uint32_t h = 5381;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h << 5) + h + p[i];
	return h;
}

static inline void ref_le32(uint8_t *out, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t ref_xs32(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* Letters move @k places along their own alphabet, the rest stays. */
static inline uint8_t ref_rotate(uint8_t c, unsigned int k)
{
	static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
	static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const char *p;

	if (c >= 'a' && c <= 'z') {
		p = strchr(lower, c);
		return (uint8_t)lower[(p - lower + k) % 26];
	}
	if (c >= 'A' && c <= 'Z') {
		p = strchr(upper, c);
		return (uint8_t)upper[(p - upper + k) % 26];
	}
	return c;
}

static inline char ref_alnum(uint32_t i)
{
	/* "0-9A-Za-z", 62 characters */
	i %= 62;
	if (i < 10)
		return (char)('0' + i);
	if (i < 36)
		return (char)('A' + i - 10);
	return (char)('a' + i - 36);
}

static inline int ref_known_service(unsigned int svc)
{
	return (svc >= 1 && svc <= 15) || svc == 66;
}

/**
 * ref_service() - expected response of service @svc to a payload
 * @svc: service id
 * @in: payload
 * @len: payload length, at least 1
 * @out: room for max(@len, 4) bytes
 * @out_len: response length
 *
 * Return: the wire service result (HSHM_WIRE_RESULT_SUCCESS or
 * HSHM_WIRE_RESULT_NOSERVICE), assuming the peer has room for 4 bytes.
 */
static inline int ref_service(unsigned int svc, const uint8_t *in, size_t len,
			      uint8_t *out, uint32_t *out_len)
{
	uint32_t seed, x;
	size_t i;

	*out_len = 0;
	if (!ref_known_service(svc))
		return HSHM_WIRE_RESULT_NOSERVICE;
	seed = ref_fnv1a(in, len);
	if (!seed)
		seed = 1;
	*out_len = (uint32_t)len;
	switch (svc) {
	case 1:
	case 66:
		memcpy(out, in, len);
		break;
	case 2:
		for (i = 0; i < len; i++)
			out[i] = in[len - 1 - i];
		break;
	case 3:
	case 4:
	case 7:
	case 8:
		for (i = 0; i < len; i++)
			out[i] = ref_rotate(in[i], svc == 3 ? 3 :
						   svc == 4 ? 23 : 13);
		break;
	case 5:
	case 6:
		for (i = 0; i < len; i++)
			out[i] = in[i] ^ 0x5a;
		break;
	case 9:
		ref_le32(out, ref_djb2(in, len));
		*out_len = 4;
		break;
	case 10:
		ref_le32(out, ref_crc32(in, len));
		*out_len = 4;
		break;
	case 11:
		ref_le32(out, ref_fnv1a(in, len));
		*out_len = 4;
		break;
	case 12: {
		uint8_t w[4];

		x = seed;
		for (i = 0; i < len; i++) {
			if (i % 4 == 0) {
				x = ref_xs32(x);
				ref_le32(w, x);
			}
			out[i] = w[i % 4];
		}
		break;
	}
	case 13:
		x = seed;
		for (i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			out[i] = (uint8_t)(x >> 16);
		}
		break;
	case 14:
	case 15:
		x = seed;
		if (svc == 15)
			*out_len = 1;
		for (i = 0; i < *out_len; i++) {
			x = ref_xs32(x);
			out[i] = (uint8_t)ref_alnum(x);
		}
		break;
	}
	return HSHM_WIRE_RESULT_SUCCESS;
}

/*
 * The public v1 peers give the ids other meanings (peers.md V1-10 and
 * V1-12, Documentation/hshm/peers.rst).  Written from those facts, not
 * from common/hshm_services.c: the hex check looks digits up in a string,
 * the XOR is done on a copy.
 */
enum ref_set {
	REF_SET_UNKNOWN = -1,
	REF_SET_HSHM,		/* hshm's own: ref_service() */
	REF_SET_SEL4_V1,	/* the v1 seL4 server and its FreeRTOS port */
	REF_SET_HVISOR_TOOL_V1,	/* hvisor-tool's hyper_amp_service */
};

static const struct {
	const char *name;
	enum ref_set set;
} ref_profiles[] = {
	{ "hshm", REF_SET_HSHM },
	{ "sel4-v1", REF_SET_SEL4_V1 },
	{ "freertos-v1", REF_SET_SEL4_V1 },
	{ "hvisor-tool-v1", REF_SET_HVISOR_TOOL_V1 },
};

#define REF_NR_PROFILES	(sizeof(ref_profiles) / sizeof(ref_profiles[0]))

/* The service set of the peer profile @profile, or REF_SET_UNKNOWN. */
static inline enum ref_set ref_profile_set(const char *profile)
{
	size_t i;

	for (i = 0; profile && i < REF_NR_PROFILES; i++)
		if (!strcmp(profile, ref_profiles[i].name))
			return ref_profiles[i].set;
	return REF_SET_UNKNOWN;
}

/*
 * V1-10: the payload of a print service, as ASCII hex: at most 2048
 * bytes; of an odd length the last byte must be a control character
 * (0x00-0x1f or 0x7f: NUL, CR, LF...), which is dropped; every other byte
 * a hex digit of either case.
 */
static inline int ref_v1_hex_ok(const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	size_t i;

	if (len > 2048)
		return 0;
	if (len % 2) {
		if (in[len - 1] >= 0x20 && in[len - 1] != 0x7f)
			return 0;
		len--;
	}
	for (i = 0; i < len; i++)
		if (!memchr(digits, in[i], sizeof(digits) - 1))
			return 0;
	return 1;
}

/*
 * What a v1 peer of @set answers.  The length is never rewritten (V1-8):
 * *@out_len is @len whatever the result, and the response is the payload
 * unless an XOR ran.  The seL4 server's XOR fails when the payload ends
 * at the end of the data area: that is taken not to be the case.
 */
static inline int ref_v1_service(enum ref_set set, unsigned int svc,
				 const uint8_t *in, size_t len, uint8_t *out,
				 uint32_t *out_len)
{
	int flip = svc == 1 || svc == 2;
	size_t i;

	*out_len = (uint32_t)len;
	for (i = 0; i < len; i++)
		out[i] = flip ? in[i] ^ 0x5a : in[i];
	if (set == REF_SET_HVISOR_TOOL_V1)
		/* 1 encrypt, 2 decrypt, 66 echo, nothing else */
		return flip || svc == 66 ? HSHM_WIRE_RESULT_SUCCESS :
					  HSHM_WIRE_RESULT_NOSERVICE;
	/* seL4: 10-13 print (nothing written back), every other id echoes */
	if (svc >= 10 && svc <= 13 && !ref_v1_hex_ok(in, len))
		return HSHM_WIRE_RESULT_FAIL;
	return HSHM_WIRE_RESULT_SUCCESS;
}

/**
 * ref_profile_service() - expected answer of a peer of a profile
 * @profile: the peer profile's name ("hshm", "sel4-v1", ...)
 * @svc: service id
 * @in: payload
 * @len: payload length, at least 1
 * @out: room for max(@len, 4) bytes: the response, or for a failed
 *	service what the data area holds afterwards
 * @out_len: the length the peer answers (the completion's length)
 *
 * Return: the wire service result, or -1 for a profile this file does not
 * know.  The peer is taken to have room past the payload (4 bytes at
 * least, and the payload not at the very end of the data area).
 */
static inline int ref_profile_service(const char *profile, unsigned int svc,
				      const uint8_t *in, size_t len,
				      uint8_t *out, uint32_t *out_len)
{
	enum ref_set set = ref_profile_set(profile);

	*out_len = 0;
	if (set == REF_SET_UNKNOWN)
		return -1;
	if (set == REF_SET_HSHM)
		return ref_service(svc, in, len, out, out_len);
	return ref_v1_service(set, svc, in, len, out, out_len);
}

/*
 * A service id that echoes on the peer of @profile: 1 on hshm's, 66 on
 * the v1 peers (the seL4 server echoes every id but 1, 2 and 10-13,
 * hvisor-tool's has 66 for echo); 0 for an unknown profile.
 */
static inline unsigned int ref_profile_echo(const char *profile)
{
	switch (ref_profile_set(profile)) {
	case REF_SET_HSHM:
		return 1;
	case REF_SET_SEL4_V1:
	case REF_SET_HVISOR_TOOL_V1:
		return 66;
	default:
		return 0;
	}
}

/* Response capacity a request of @len bytes needs for service @svc. */
static inline uint32_t ref_response_room(size_t len)
{
	return len < 4 ? 4 : (uint32_t)len;
}

#endif /* _HSHM_REF_H */
