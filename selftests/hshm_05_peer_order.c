// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm and the peer's start (peers.md D-1): the first program of every
 * scenario, so that it sees the channel as insmod left it.
 *
 * Everywhere: the device names the profile of the peer it was told of
 * (HSHM_PEER_PROFILE), shows the peer ready once it answered, and the
 * queue header was never found overwritten.  Where the scenario starts
 * the peer after the driver (HSHM_PEER_LATE=1: hshm-peer
 * --start-after-linux): the peer is absent at first, a request submitted
 * meanwhile waits for it and is served, and a v1 server that starts then
 * leaves the queue alone, because the driver kept it 0xEEEEEEEE (V1-3).
 */
#include "kselftest_harness.h"
#include "hshm_test.h"

static bool late_scenario(void)
{
	return !strcmp(hs_env("HSHM_PEER_LATE", "0"), "1");
}

static void read_state(struct __test_metadata *_metadata, char *buf,
		       size_t len)
{
	ASSERT_LT(0, hs_sysfs_read("peer_state", buf, len));
	buf[strcspn(buf, "\n")] = 0;
}

TEST(peer_starts_after_the_driver)
{
	static const char payload[32] = "sent before the peer started";
	uint8_t out[32], want[32];
	struct hshm_call call;
	uint64_t hdr = 1;
	uint32_t want_len;
	char st[32];
	int fd;

	if (!late_scenario())
		SKIP(return, "the peer starts before the driver here");
	read_state(_metadata, st, sizeof(st));
	ASSERT_STREQ("absent", st)
		TH_LOG("the peer was already there: start it later");
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  ref_profile_service(hs_profile(), hs_svc_echo(),
				      (const uint8_t *)payload, sizeof(payload),
				      want, &want_len));
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, payload, sizeof(payload), out, sizeof(out),
		hs_svc_echo(), HSHM_CLASS_REALTIME, 1);
	/* Longer than the peer takes to come: served, not timed out. */
	call.submit.timeout_ms = 60000;
	ASSERT_EQ(0, hs_call(fd, &call));
	EXPECT_EQ(0, call.completion.status);
	EXPECT_EQ(want_len, call.completion.length);
	EXPECT_EQ(0, memcmp(want, out, want_len));
	TH_LOG("served %llu ms after submission, once the peer had started",
	       (unsigned long long)(call.completion.latency_ns / 1000000));
	close(fd);
	read_state(_metadata, st, sizeof(st));
	EXPECT_STREQ("ready", st);
	ASSERT_EQ(0, hs_fault_read("bad_header", &hdr));
	EXPECT_EQ(0ull, (unsigned long long)hdr)
		TH_LOG("the starting peer overwrote the queue header");
}

TEST(peer_profile_and_state)
{
	const char *want = getenv("HSHM_PEER_PROFILE");
	char prof[32], st[32];
	uint64_t hdr = 1;
	int fd;

	ASSERT_LT(0, hs_sysfs_read("peer_profile", prof, sizeof(prof)));
	prof[strcspn(prof, "\n")] = 0;
	if (want && *want)
		EXPECT_STREQ(want, prof);
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, hs_echo_call(fd, 60000));
	close(fd);
	read_state(_metadata, st, sizeof(st));
	EXPECT_STREQ("ready", st);
	/* No peer restarted yet: nobody overwrote the header. */
	ASSERT_EQ(0, hs_fault_read("bad_header", &hdr));
	EXPECT_EQ(0ull, (unsigned long long)hdr);
}

/*
 * A peer that serves one message per hand-over, with the driver not told
 * so (profile hshm, handover 0): it finds out from the peer's behaviour
 * within a few hand-overs, sends again what the peer left, and every
 * request is served with the right bytes (peers.md D-2).  Against hshm's
 * own peer, which serves whole batches, nothing is left and the size
 * stays batch_max.  Runs last: it changes the profile for a while.
 */
#define NLEARN	64

TEST(handover_learned)
{
	static const char payload[48] = "one of a burst";
	struct hshm_completion comp[NLEARN];
	uint8_t out[NLEARN][48], want[48];
	char prof[32], buf[32];
	uint64_t learned, r0, r1;
	unsigned int done = 0, i;
	uint32_t want_len, n;
	int fd;

	ASSERT_LT(0, hs_sysfs_read("peer_profile", prof, sizeof(prof)));
	prof[strcspn(prof, "\n")] = 0;
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  ref_profile_service(hs_profile(), hs_svc_echo(),
				      (const uint8_t *)payload, sizeof(payload),
				      want, &want_len));
	ASSERT_EQ(0, hs_sysfs_write("peer_profile", "hshm"));
	ASSERT_EQ(0, hs_sysfs_write("handover", "0"));
	ASSERT_EQ(0, hs_sysfs_write("batch_max", "32"));
	ASSERT_EQ(0, hs_sysfs_read_u64("resent", &r0));
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	/* Bursts, so that hand-overs carry many whenever they can. */
	for (int round = 0; round < 4; round++) {
		for (i = 0; i < NLEARN; i++) {
			struct hshm_submit s;

			hs_prep(&s, payload, sizeof(payload), out[i],
				sizeof(out[i]), hs_svc_echo(),
				HSHM_CLASS_THROUGHPUT, i);
			s.timeout_ms = 60000;
			ASSERT_EQ(0, hs_submit(fd, &s));
		}
		for (done = 0; done < NLEARN; done += n) {
			ASSERT_EQ(0, hs_complete(fd, comp, NLEARN, 1, 90000, &n));
			ASSERT_LT(0u, n);
			for (i = 0; i < n; i++) {
				ASSERT_EQ(0, comp[i].status);
				ASSERT_EQ(want_len, comp[i].length);
				EXPECT_EQ(0, memcmp(want, out[comp[i].user_data],
						    want_len));
			}
		}
	}
	close(fd);
	ASSERT_EQ(0, hs_sysfs_read_u64("handover_learned", &learned));
	ASSERT_EQ(0, hs_sysfs_read_u64("resent", &r1));
	TH_LOG("peer %s: learned %llu per hand-over, %llu sent again",
	       hs_profile(), (unsigned long long)learned,
	       (unsigned long long)(r1 - r0));
	if (strcmp(hs_profile(), "hshm")) {
		/* 2 right after a probe for more (every 64 full hand-overs). */
		EXPECT_GE(2ull, (unsigned long long)learned);
		EXPECT_LT(r0, r1);
	} else {
		EXPECT_EQ(32ull, (unsigned long long)learned);
		EXPECT_EQ(r0, r1);
	}
	snprintf(buf, sizeof(buf), "%s", prof);
	ASSERT_EQ(0, hs_sysfs_write("peer_profile", buf));
}

TEST_HARNESS_MAIN
