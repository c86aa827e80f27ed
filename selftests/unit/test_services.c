// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of common/hshm_services.c: known vectors, error results,
 * and a cross-check of every service, as each peer profile means it,
 * against the independent reference in selftests/hshm_ref.h.
 */
#include "unit.h"

#include "hshm_peer.h"
#include "hshm_services.h"
#include "../hshm_ref.h"

static const unsigned int all_services[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 66,
};

static uint32_t le32_at(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

TEST(hash_vectors)
{
	const uint8_t *digits = (const uint8_t *)"123456789";

	EXPECT_EQ(0xcbf43926u, hshm_svc_crc32(digits, 9));
	EXPECT_EQ(0u, hshm_svc_crc32(digits, 0));
	EXPECT_EQ(0xe8b7be43u, hshm_svc_crc32((const uint8_t *)"a", 1));
	EXPECT_EQ(0x811c9dc5u, hshm_svc_fnv1a(digits, 0));
	EXPECT_EQ(0xe40c292cu, hshm_svc_fnv1a((const uint8_t *)"a", 1));
	EXPECT_EQ(0xbf9cf968u, hshm_svc_fnv1a((const uint8_t *)"foobar", 6));
	EXPECT_EQ(5381u, hshm_svc_djb2(digits, 0));
	EXPECT_EQ(5381u * 33 + 'a', hshm_svc_djb2((const uint8_t *)"a", 1));

	/* and the reference agrees on the same vectors */
	EXPECT_EQ(0xcbf43926u, ref_crc32(digits, 9));
	EXPECT_EQ(0x811c9dc5u, ref_fnv1a(digits, 0));
	EXPECT_EQ(0xe40c292cu, ref_fnv1a((const uint8_t *)"a", 1));
	EXPECT_EQ(5381u, ref_djb2(digits, 0));
}

TEST(hash_services_write_le32)
{
	uint8_t buf[16];
	uint32_t out_len;

	memcpy(buf, "123456789", 9);
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_CRC32, buf, 9, sizeof(buf), &out_len));
	ASSERT_EQ(4u, out_len);
	EXPECT_EQ(0x26, buf[0]);
	EXPECT_EQ(0x39, buf[1]);
	EXPECT_EQ(0xf4, buf[2]);
	EXPECT_EQ(0xcb, buf[3]);

	buf[0] = 'a';
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_FNV1A, buf, 1, 4, &out_len));
	ASSERT_EQ(4u, out_len);
	EXPECT_EQ(0xe40c292cu, le32_at(buf));

	buf[0] = 'a';
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_DJB2, buf, 1, 4, &out_len));
	EXPECT_EQ(5381u * 33 + 'a', le32_at(buf));
}

TEST(text_services)
{
	char buf[64];
	uint32_t out_len;

	strcpy(buf, "Hello, World xyz ABC 09");
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_CAESAR_ENC, (uint8_t *)buf, 23,
				   sizeof(buf), &out_len));
	EXPECT_EQ(23u, out_len);
	EXPECT_STREQ("Khoor, Zruog abc DEF 09", buf);
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_CAESAR_DEC, (uint8_t *)buf, 23,
				   sizeof(buf), &out_len));
	EXPECT_STREQ("Hello, World xyz ABC 09", buf);
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_ROT13_ENC, (uint8_t *)buf, 23,
				   sizeof(buf), &out_len));
	EXPECT_STREQ("Uryyb, Jbeyq klm NOP 09", buf);
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_REVERSE, (uint8_t *)buf, 23,
				   sizeof(buf), &out_len));
	EXPECT_STREQ("90 PON mlk qyebJ ,byyrU", buf);
	strcpy(buf, "A");
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_XOR_ENC, (uint8_t *)buf, 1,
				   sizeof(buf), &out_len));
	EXPECT_EQ('A' ^ 0x5a, buf[0]);
}

TEST(no_such_service)
{
	static const unsigned int bad[] = { 0, 16, 17, 65, 67, 1000, 65535 };
	uint8_t buf[32] = "payload";
	uint32_t out_len = 99;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(HSHM_WIRE_RESULT_NOSERVICE,
			  hshm_service_run(bad[i], buf, 7, sizeof(buf), &out_len));
		EXPECT_EQ(0u, out_len);
		EXPECT_EQ(0, memcmp(buf, "payload", 7));
	}
}

TEST(room_too_small)
{
	static const unsigned int hashes[] = { 9, 10, 11 };
	uint8_t buf[8] = "abc";
	uint32_t out_len, room;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hashes); i++) {
		for (room = 1; room < 4; room++) {
			out_len = 99;
			EXPECT_EQ(HSHM_WIRE_RESULT_FAIL,
				  hshm_service_run(hashes[i], buf, 1, room,
						   &out_len));
			EXPECT_EQ(0u, out_len);
		}
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  hshm_service_run(hashes[i], buf, 1, 4, &out_len));
		EXPECT_EQ(4u, out_len);
	}
	/* no payload, or less room than payload, fails for every service */
	for (i = 0; i < ARRAY_SIZE(all_services); i++) {
		EXPECT_EQ(HSHM_WIRE_RESULT_FAIL,
			  hshm_service_run(all_services[i], buf, 0, 8, &out_len));
		EXPECT_EQ(HSHM_WIRE_RESULT_FAIL,
			  hshm_service_run(all_services[i], buf, 5, 4, &out_len));
	}
}

TEST(random_outputs)
{
	static const char alnum[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint8_t buf[256];
	uint32_t out_len, i;
	uint64_t s = 0x1234;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rng_next(&s);
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_RANDOM_STRING, buf, 200, sizeof(buf),
				   &out_len));
	ASSERT_EQ(200u, out_len);
	for (i = 0; i < out_len; i++) {
		ASSERT_NE(NULL, strchr(alnum, buf[i]));
	}
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  hshm_service_run(HSHM_SVC_RANDOM_CHAR, buf, 200, sizeof(buf),
				   &out_len));
	ASSERT_EQ(1u, out_len);
}

/* Every service against the reference, random payloads of many lengths. */
TEST(cross_check_reference)
{
	static const uint32_t fixed_len[] = { 1, 2, 3, 4, 5, 7, 8, 128, 4096 };
	uint8_t *buf = malloc(8192), *in = malloc(8192), *exp = malloc(8192);
	uint64_t s = 0x9e3779b97f4a7c15ull;
	unsigned int iter, k, mismatches = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, exp);
	for (iter = 0; iter < 600; iter++) {
		uint32_t len, i, out_len, exp_len;
		int alpha = iter % 3 == 0;

		len = iter < ARRAY_SIZE(fixed_len) * 10 ?
		      fixed_len[iter % ARRAY_SIZE(fixed_len)] :
		      1 + rng_next(&s) % 5000;
		for (i = 0; i < len; i++) {
			uint64_t r = rng_next(&s);

			/* a third of the payloads are mostly letters */
			in[i] = alpha ? (uint8_t)("azAZmnMN ,.!09"[r % 14] +
						  (r >> 8) % 2) :
					(uint8_t)r;
		}
		for (k = 0; k < ARRAY_SIZE(all_services); k++) {
			unsigned int svc = all_services[k];
			uint8_t r;

			memcpy(buf, in, len);
			r = hshm_service_run(svc, buf, len, len < 4 ? 4 : len,
					     &out_len);
			ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS, r);
			ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
				  ref_service(svc, in, len, exp, &exp_len));
			EXPECT_EQ(exp_len, out_len);
			if (out_len != exp_len || memcmp(buf, exp, exp_len)) {
				if (mismatches++ < 5)
					TH_LOG("service %u len %u differs",
					       svc, len);
			}
		}
	}
	EXPECT_EQ(0u, mismatches);
	free(buf);
	free(in);
	free(exp);
}

/*
 * A payload whose FNV-1a is 0: the generators must seed with 1 instead,
 * not with 0 (xorshift would stay 0 for ever).
 */
TEST(zero_seed)
{
	static const uint8_t zero[5] = { 0x3d, 0x48, 0xf2, 0x00, 0xe2 };
	static const unsigned int gen[] = { 12, 13, 14, 15 };
	uint8_t buf[8], exp[8];
	uint32_t out_len, exp_len, i, k;

	ASSERT_EQ(0u, hshm_svc_fnv1a(zero, sizeof(zero)));
	ASSERT_EQ(0u, ref_fnv1a(zero, sizeof(zero)));
	for (k = 0; k < ARRAY_SIZE(gen); k++) {
		memcpy(buf, zero, sizeof(zero));
		ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  hshm_service_run(gen[k], buf, sizeof(zero),
					   sizeof(buf), &out_len));
		ref_service(gen[k], zero, sizeof(zero), exp, &exp_len);
		ASSERT_EQ(exp_len, out_len);
		EXPECT_EQ(0, memcmp(exp, buf, out_len)) TH_LOG("service %u",
							       gen[k]);
	}
	/* xorshift32 from seed 1: the first word is 0x00042021, LE */
	EXPECT_EQ(0x00042021u, ref_xs32(1));
	memcpy(buf, zero, sizeof(zero));
	hshm_service_run(HSHM_SVC_XORSHIFT, buf, 5, sizeof(buf), &out_len);
	for (i = 0; i < 4; i++)
		EXPECT_EQ((uint8_t)(0x00042021u >> (8 * i)), buf[i]);
}

/* Inverse pairs undo each other. */
TEST(inverse_pairs)
{
	static const unsigned int pairs[][2] = { { 3, 4 }, { 5, 6 }, { 7, 8 },
						 { 8, 7 }, { 2, 2 } };
	uint8_t buf[300], orig[300];
	uint64_t s = 77;
	uint32_t out_len, i;
	unsigned int p;

	for (i = 0; i < sizeof(orig); i++)
		orig[i] = (uint8_t)rng_next(&s);
	for (p = 0; p < ARRAY_SIZE(pairs); p++) {
		memcpy(buf, orig, sizeof(buf));
		hshm_service_run(pairs[p][0], buf, sizeof(buf), sizeof(buf),
				 &out_len);
		hshm_service_run(pairs[p][1], buf, sizeof(buf), sizeof(buf),
				 &out_len);
		EXPECT_EQ(0, memcmp(buf, orig, sizeof(buf)));
	}
}

/* The profiles the reference knows are the profiles of common/. */
TEST(reference_knows_every_profile)
{
	const struct hshm_peer_profile *p;
	unsigned int i, n = 0;

	for (i = 0; (p = hshm_peer_profile_get(i)); i++, n++)
		EXPECT_NE(REF_SET_UNKNOWN, ref_profile_set(p->name))
			TH_LOG("profile %s", p->name);
	EXPECT_EQ(REF_NR_PROFILES, n);
	for (i = 0; i < REF_NR_PROFILES; i++)
		EXPECT_NE(NULL, hshm_peer_profile_find(ref_profiles[i].name));
	EXPECT_EQ(REF_SET_UNKNOWN, ref_profile_set("nosuch"));
	EXPECT_EQ(REF_SET_UNKNOWN, ref_profile_set(NULL));
	EXPECT_EQ(REF_SET_UNKNOWN, ref_profile_set("sel4"));
}

/* V1-10 and V1-12 as the reference has them, fact by fact. */
TEST(reference_v1_vectors)
{
	static uint8_t big[2050];
	uint8_t out[64];
	uint32_t n;

	/* seL4: 1 and 2 XOR, 10-13 check hex and write nothing, rest echo */
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 1, (const uint8_t *)"abc",
					 3, out, &n));
	EXPECT_EQ(3u, n);
	EXPECT_EQ('a' ^ 0x5a, out[0]);
	EXPECT_EQ('c' ^ 0x5a, out[2]);
	EXPECT_EQ(1, ref_profile_service("freertos-v1", 2,
					 (const uint8_t *)"A", 1, out, &n));
	EXPECT_EQ('A' ^ 0x5a, out[0]);
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 10,
					 (const uint8_t *)"4869aF", 6, out,
					 &n));
	EXPECT_EQ(0, memcmp(out, "4869aF", 6));
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 13,
					 (const uint8_t *)"4869\n", 5, out,
					 &n));
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 11,
					 (const uint8_t *)"4869", 5, out, &n));
	EXPECT_EQ(5u, n);
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 12,
					 (const uint8_t *)"\x7f", 1, out, &n));
	EXPECT_EQ(2, ref_profile_service("sel4-v1", 10,
					 (const uint8_t *)"486", 3, out, &n));
	EXPECT_EQ(3u, n);
	EXPECT_EQ(0, memcmp(out, "486", 3));
	EXPECT_EQ(2, ref_profile_service("sel4-v1", 10,
					 (const uint8_t *)"48 ", 3, out, &n));
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 10,
					 (const uint8_t *)"48\x1f", 3, out, &n));
	EXPECT_EQ(2, ref_profile_service("sel4-v1", 10,
					 (const uint8_t *)"48g9", 4, out, &n));
	EXPECT_EQ(2, ref_profile_service("sel4-v1", 10,
					 (const uint8_t *)"48 9", 4, out, &n));
	memset(big, '0', sizeof(big));
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 10, big, 2048, big, &n));
	big[2048] = '\n';
	EXPECT_EQ(2, ref_profile_service("sel4-v1", 10, big, 2049, big, &n));
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 9, big, 2049, big, &n));
	EXPECT_EQ(2049u, n);
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 0, (const uint8_t *)"x",
					 1, out, &n));
	EXPECT_EQ(1, ref_profile_service("sel4-v1", 999, (const uint8_t *)"x",
					 1, out, &n));
	/* hvisor-tool: 1 and 2 XOR, 66 echo, every other id unknown */
	EXPECT_EQ(1, ref_profile_service("hvisor-tool-v1", 2,
					 (const uint8_t *)"ab", 2, out, &n));
	EXPECT_EQ('b' ^ 0x5a, out[1]);
	EXPECT_EQ(1, ref_profile_service("hvisor-tool-v1", 66,
					 (const uint8_t *)"ab", 2, out, &n));
	EXPECT_EQ(0, memcmp(out, "ab", 2));
	EXPECT_EQ(3, ref_profile_service("hvisor-tool-v1", 10,
					 (const uint8_t *)"4869", 4, out, &n));
	EXPECT_EQ(4u, n);
	EXPECT_EQ(3, ref_profile_service("hvisor-tool-v1", 3,
					 (const uint8_t *)"ab", 2, out, &n));
	/* hshm: the reference set */
	EXPECT_EQ(1, ref_profile_service("hshm", 2, (const uint8_t *)"ab", 2,
					 out, &n));
	EXPECT_EQ(0, memcmp(out, "ba", 2));
	EXPECT_EQ(3, ref_profile_service("hshm", 999, (const uint8_t *)"ab", 2,
					 out, &n));
	EXPECT_EQ(0u, n);
	EXPECT_EQ(-1, ref_profile_service("nosuch", 1, (const uint8_t *)"ab",
					  2, out, &n));
	EXPECT_EQ(0u, n);
}

/* A payload for the cross-check: binary, letters, or hex of some shape. */
static uint32_t cross_payload(uint8_t *in, unsigned int iter, uint64_t *s)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	static const uint32_t fixed_len[] = {
		1, 2, 3, 4, 5, 7, 8, 128, 2047, 2048, 2049, 2050, 4096,
	};
	uint32_t len, i;

	len = iter < ARRAY_SIZE(fixed_len) * 6 ?
	      fixed_len[iter % ARRAY_SIZE(fixed_len)] :
	      1 + rng_next(s) % 5000;
	for (i = 0; i < len; i++) {
		uint64_t r = rng_next(s);

		switch (iter % 6) {
		case 0:
		case 1:
			in[i] = (uint8_t)r;
			break;
		case 2:
			in[i] = (uint8_t)("azAZmnMN ,.!09"[r % 14] + (r >> 8) % 2);
			break;
		default:
			in[i] = (uint8_t)digits[r % 22];
			break;
		}
	}
	/* hex with a trailing control character or not; one stray byte */
	if (iter % 6 == 4)
		in[len - 1] = (uint8_t)"\n\0\x7f Z\x1f\r!"[(iter / 6) % 8];
	if (iter % 6 == 5 && iter % 4 == 1)
		in[rng_next(s) % len] = 'g';
	return len;
}

/*
 * Every profile's meaning of many ids, against the reference: the same
 * result, length and bytes, for binary, text and hex payloads.
 */
TEST(profiles_cross_check_reference)
{
	static const unsigned int ids[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
		65, 66, 67, 999, 65535,
	};
	uint8_t *buf = malloc(8192), *in = malloc(8192), *exp = malloc(8192);
	const struct hshm_peer_profile *p;
	uint64_t s = 0x5a5a1234ull;
	unsigned int iter, k, pi, mismatches = 0, checked = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, exp);
	for (iter = 0; iter < 300; iter++) {
		uint32_t len = cross_payload(in, iter, &s);

		for (pi = 0; (p = hshm_peer_profile_get(pi)); pi++) {
			for (k = 0; k < ARRAY_SIZE(ids); k++) {
				uint32_t out_len = 99, exp_len = 98;
				int r, e;

				memcpy(buf, in, len);
				r = hshm_peer_profile_service(p, ids[k], buf,
							      len, len + 4,
							      &out_len);
				e = ref_profile_service(p->name, ids[k], in,
							len, exp, &exp_len);
				checked++;
				if (r == e && out_len == exp_len &&
				    !memcmp(buf, exp, out_len))
					continue;
				if (mismatches++ < 5)
					TH_LOG("%s: service %u len %u: result %d/%d length %u/%u",
					       p->name, ids[k], len, r, e,
					       out_len, exp_len);
			}
		}
	}
	EXPECT_EQ(0u, mismatches);
	EXPECT_LT(20000u, checked);
	free(buf);
	free(in);
	free(exp);
}

/*
 * The echo of the guest tests (hs_svc_echo()): 1 on hshm's peer, 66 on
 * the v1 peers', and it echoes on every profile, by both implementations.
 */
TEST(profile_echo_id_echoes)
{
	const struct hshm_peer_profile *p;
	uint8_t in[300], buf[304], exp[304];
	uint64_t s = 66;
	unsigned int i, id;
	uint32_t n;

	EXPECT_EQ(1u, ref_profile_echo("hshm"));
	EXPECT_EQ(0u, ref_profile_echo("nosuch"));
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)rng_next(&s);
	memcpy(in, "4869", 4);	/* hex-looking, in case it matters */
	for (i = 0; (p = hshm_peer_profile_get(i)); i++) {
		id = ref_profile_echo(p->name);
		if (p->services != HSHM_SVC_SET_HSHM)
			EXPECT_EQ(66u, id) TH_LOG("%s", p->name);
		memcpy(buf, in, sizeof(in));
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  hshm_peer_profile_service(p, id, buf, sizeof(in),
						    sizeof(buf), &n));
		EXPECT_EQ(sizeof(in), n);
		EXPECT_EQ(0, memcmp(buf, in, sizeof(in))) TH_LOG("%s", p->name);
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  ref_profile_service(p->name, id, in, sizeof(in), exp,
					      &n));
		EXPECT_EQ(sizeof(in), n);
		EXPECT_EQ(0, memcmp(exp, in, sizeof(in))) TH_LOG("%s", p->name);
	}
}

TEST_HARNESS_MAIN
