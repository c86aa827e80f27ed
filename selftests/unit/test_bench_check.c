// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit test of hshm-bench's response check (userspace/hshm-bench/
 * check.c), no device needed: runs of requests as hshm-bench sends them,
 * answered as a peer of some profile answers (by the independent
 * reference, selftests/hshm_ref.h), are judged against the answers the
 * profile hshm-bench is told expects (common/, hshm_peer_profile_service()).
 * Right profile: every response completes; wrong profile: every one is a
 * bad response, neither completed nor failed.
 */
#include <errno.h>

#include "unit.h"

#include "hshm_peer.h"
#include "bench.h"
#include "../hshm_ref.h"

#define MAX_LEN		65536

static const uint32_t run_sizes[] = { 1, 3, 4, 7, 128, 1024, MAX_LEN };
#define NR_RUN_SIZES	ARRAY_SIZE(run_sizes)

/* The payload of class @cls as hshm-bench makes it (load.c). */
static void bench_payload(uint8_t *p, uint32_t len, unsigned int cls)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 131u + 7u + cls);
}

/*
 * The completion a peer of profile @peer gives, through hshm's driver, to
 * @service on the @len bytes at @in with room @cap for the response: the
 * status, result and length, and the response copied only for status 0.
 */
static void peer_answers(const char *peer, uint16_t service,
			 const uint8_t *in, uint32_t len, uint32_t cap,
			 struct hshm_completion *c, uint8_t *resp)
{
	static uint8_t out[MAX_LEN + 4];
	uint32_t n;
	int res = ref_profile_service(peer, service, in, len, out, &n);

	memset(c, 0, sizeof(*c));
	c->service_id = service;
	c->result = (uint8_t)res;
	c->length = n;
	c->latency_ns = 1000;
	switch (res) {
	case HSHM_WIRE_RESULT_SUCCESS:
		c->status = n > cap ? -EMSGSIZE : 0;
		break;
	case HSHM_WIRE_RESULT_FAIL:
		c->status = -EREMOTEIO;
		break;
	default:
		c->status = -EOPNOTSUPP;
		break;
	}
	if (!c->status)
		memcpy(resp, out, n);
}

struct tally {
	unsigned int completed, failed, bad;
};

/* bench_check() as an int, for the harness's comparisons */
static int judge(const struct bench_expect *e, const struct hshm_completion *c,
		 const uint8_t *resp)
{
	return (int)bench_check(e, c, resp);
}

/*
 * @n requests of @service over run_sizes, answered by a peer of profile
 * @peer, checked as hshm-bench checks them when told the peer is
 * @expected.
 */
static void run(struct __test_metadata *_metadata, const char *peer,
		const char *expected, uint16_t service, unsigned int n,
		struct tally *t)
{
	const struct hshm_peer_profile *prof = hshm_peer_profile_find(expected);
	struct bench_expect e[NR_RUN_SIZES];
	uint8_t *payload = malloc(MAX_LEN), *resp = malloc(MAX_LEN + 4);
	struct hshm_completion c;
	unsigned int i, k;

	ASSERT_NE(NULL, prof);
	ASSERT_NE(NULL, payload);
	ASSERT_NE(NULL, resp);
	memset(t, 0, sizeof(*t));
	bench_payload(payload, MAX_LEN, 1);
	for (k = 0; k < NR_RUN_SIZES; k++)
		ASSERT_EQ(0, bench_expect_init(&e[k], prof, service, payload,
					       run_sizes[k]));
	for (i = 0; i < n; i++) {
		uint32_t len = run_sizes[i % NR_RUN_SIZES];
		uint32_t cap = bench_response_cap(len);

		memset(resp, 0xee, cap);
		peer_answers(peer, service, payload, len, cap, &c, resp);
		switch (bench_check(&e[i % NR_RUN_SIZES], &c, resp)) {
		case VERDICT_COMPLETED:
			t->completed++;
			break;
		case VERDICT_FAILED:
			t->failed++;
			break;
		case VERDICT_BAD:
			t->bad++;
			break;
		}
	}
	for (k = 0; k < NR_RUN_SIZES; k++)
		bench_expect_free(&e[k]);
	free(payload);
	free(resp);
}

/*
 * Service 2 is reverse on hshm's peer and XOR 0x5A on the seL4 server's:
 * checked against the right profile nothing is bad, against the wrong
 * one everything is.
 */
TEST(service_2_run_hshm_and_sel4)
{
	static const char *const prof[] = { "hshm", "sel4-v1" };
	struct tally t;
	unsigned int p, q;

	for (p = 0; p < 2; p++) {
		for (q = 0; q < 2; q++) {
			run(_metadata, prof[p], prof[q], 2, 70, &t);
			TH_LOG("peer %s, checked as %s: %u completed, %u failed, %u bad",
			       prof[p], prof[q], t.completed, t.failed, t.bad);
			EXPECT_EQ(0u, t.failed);
			if (p == q) {
				EXPECT_EQ(70u, t.completed);
				EXPECT_EQ(0u, t.bad);
			} else {
				EXPECT_EQ(0u, t.completed);
				EXPECT_EQ(70u, t.bad);
			}
		}
	}
}

/* What the expectations of service 2 hold: reverse, then XOR 0x5A. */
TEST(service_2_expectations)
{
	static const uint8_t in[5] = { 1, 2, 3, 4, 5 };
	struct bench_expect e;
	unsigned int i;

	ASSERT_EQ(0, bench_expect_init(&e, hshm_peer_profile_find("hshm"), 2,
				       in, 5));
	EXPECT_TRUE(bench_expect_ok(&e));
	EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS, e.result);
	EXPECT_EQ(5u, e.length);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(in[4 - i], e.bytes[i]);
	bench_expect_free(&e);
	ASSERT_EQ(0, bench_expect_init(&e, hshm_peer_profile_find("sel4-v1"),
				       2, in, 5));
	EXPECT_TRUE(bench_expect_ok(&e));
	EXPECT_EQ(5u, e.length);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(in[i] ^ 0x5a, e.bytes[i]);
	bench_expect_free(&e);
	EXPECT_EQ(NULL, e.bytes);
}

/* Every profile's echo completes; service 1 is an echo on hshm's only. */
TEST(echo_per_profile)
{
	const struct hshm_peer_profile *p;
	struct tally t;
	unsigned int i;

	for (i = 0; (p = hshm_peer_profile_get(i)); i++) {
		run(_metadata, p->name, p->name, ref_profile_echo(p->name), 30,
		    &t);
		EXPECT_EQ(30u, t.completed) TH_LOG("%s", p->name);
	}
	run(_metadata, "hshm", "freertos-v1", 1, 30, &t);
	EXPECT_EQ(30u, t.bad);
	run(_metadata, "hvisor-tool-v1", "hshm", 1, 30, &t);
	EXPECT_EQ(30u, t.bad);
}

/*
 * A failure the profile gives is a failure, not a bad response; the
 * same answer from a peer of another profile is bad.
 */
TEST(expected_failures)
{
	struct bench_expect e;
	uint8_t in[16];
	struct tally t;

	/* hvisor-tool has no service 3; hshm's is Caesar */
	run(_metadata, "hvisor-tool-v1", "hvisor-tool-v1", 3, 21, &t);
	EXPECT_EQ(21u, t.failed);
	EXPECT_EQ(0u, t.bad);
	run(_metadata, "hvisor-tool-v1", "hshm", 3, 21, &t);
	EXPECT_EQ(21u, t.bad);
	/* the seL4 server fails to print a payload that is not hex */
	bench_payload(in, sizeof(in), 1);
	ASSERT_EQ(0, bench_expect_init(&e, hshm_peer_profile_find("sel4-v1"),
				       10, in, sizeof(in)));
	EXPECT_FALSE(bench_expect_ok(&e));
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL, e.result);
	EXPECT_EQ(16u, e.length);
	bench_expect_free(&e);
	/* ...but for the 1-byte one (0x08: dropped, nothing left to print) */
	run(_metadata, "sel4-v1", "sel4-v1", 10, 21, &t);
	EXPECT_EQ(18u, t.failed);
	EXPECT_EQ(3u, t.completed);
	EXPECT_EQ(0u, t.bad);
	/* hshm's peer answers 10 with a CRC: bad for a seL4 expectation */
	run(_metadata, "hshm", "sel4-v1", 10, 21, &t);
	EXPECT_EQ(21u, t.bad);
	/* unknown to hshm's peer: length 0 */
	run(_metadata, "hshm", "hshm", 999, 21, &t);
	EXPECT_EQ(21u, t.failed);
	run(_metadata, "hvisor-tool-v1", "hshm", 999, 21, &t);
	EXPECT_EQ(21u, t.bad) TH_LOG("length len is not hshm's length 0");
}

/* Answers that are not the profile's, one way or another. */
TEST(wrong_answers_are_bad)
{
	static const uint8_t in[8] = "abcdefg";
	const struct hshm_peer_profile *h = hshm_peer_profile_find("hshm");
	struct hshm_completion c;
	struct bench_expect e;
	uint8_t resp[8];

	ASSERT_EQ(0, bench_expect_init(&e, h, 1, in, sizeof(in)));
	memset(&c, 0, sizeof(c));
	c.result = HSHM_WIRE_RESULT_SUCCESS;
	c.length = 8;
	memcpy(resp, in, 8);
	EXPECT_EQ(VERDICT_COMPLETED, judge(&e, &c, resp));
	/* one byte off */
	resp[7] ^= 1;
	EXPECT_EQ(VERDICT_BAD, judge(&e, &c, resp));
	resp[7] ^= 1;
	/* another length */
	c.length = 7;
	EXPECT_EQ(VERDICT_BAD, judge(&e, &c, resp));
	c.length = 8;
	/* a result bit that is not success, with status 0 */
	c.result = HSHM_WIRE_RESULT_FAIL;
	EXPECT_EQ(VERDICT_BAD, judge(&e, &c, resp));
	/* the peer failed an echo, or has none */
	c.status = -EREMOTEIO;
	EXPECT_EQ(VERDICT_BAD, judge(&e, &c, resp));
	c.status = -EOPNOTSUPP;
	c.result = HSHM_WIRE_RESULT_NOSERVICE;
	c.length = 0;
	EXPECT_EQ(VERDICT_BAD, judge(&e, &c, resp));
	/* a response longer than the echo */
	c.status = -EMSGSIZE;
	c.result = HSHM_WIRE_RESULT_SUCCESS;
	c.length = 9;
	EXPECT_EQ(VERDICT_BAD, judge(&e, &c, resp));
	bench_expect_free(&e);
}

/* No answer is a failure whatever the profile expects. */
TEST(no_answer_is_failed)
{
	static const int status[] = {
		-ETIMEDOUT, -ETIME, -ECANCELED, -EPROTO, -EIO, -EFAULT,
	};
	static const uint8_t in[4] = "abc";
	struct hshm_completion c;
	struct bench_expect e;
	uint8_t resp[4] = { 0 };
	unsigned int i;

	ASSERT_EQ(0, bench_expect_init(&e, hshm_peer_profile_find("sel4-v1"),
				       1, in, sizeof(in)));
	for (i = 0; i < ARRAY_SIZE(status); i++) {
		memset(&c, 0, sizeof(c));
		c.status = status[i];
		EXPECT_EQ(VERDICT_FAILED, judge(&e, &c, resp))
			TH_LOG("status %d", status[i]);
	}
	bench_expect_free(&e);
}

/* Room for hshm's 4-byte hashes, even of a 1-byte payload. */
TEST(response_cap)
{
	static const uint8_t in[1] = { 'a' };
	struct bench_expect e;

	EXPECT_EQ(4u, bench_response_cap(1));
	EXPECT_EQ(4u, bench_response_cap(4));
	EXPECT_EQ(5u, bench_response_cap(5));
	ASSERT_EQ(0, bench_expect_init(&e, hshm_peer_profile_find("hshm"),
				       HSHM_SVC_DJB2, in, 1));
	EXPECT_TRUE(bench_expect_ok(&e));
	EXPECT_EQ(4u, e.length);
	EXPECT_EQ(0x06, e.bytes[0]);
	EXPECT_EQ(0xb6, e.bytes[1]);
	bench_expect_free(&e);
}

TEST_HARNESS_MAIN
