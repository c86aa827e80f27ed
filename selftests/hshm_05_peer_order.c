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

TEST_HARNESS_MAIN
