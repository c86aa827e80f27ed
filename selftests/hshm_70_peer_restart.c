// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm over ivshmem: the peer partition dies in the middle of a stream
 * and comes back.  The host side (selftests/qemu/with-peer.sh --restart)
 * starts hshm-peer again a few seconds after it died; hshm-peer's test
 * hook (service 0xfff0) makes it SIGKILL itself at a chosen point of a
 * batch.  Runs only where the scenario says the peer is restarted
 * (HSHM_PEER_RESTART=1, with HSHM_PEER_HOOKS=1); skips elsewhere.
 *
 * Asserted: every request of the stream completes exactly once, those the
 * dead peer never answered with -ETIMEDOUT within their timeout (nothing
 * hangs), the counters balance, and traffic resumes once the peer is back;
 * and, with timeouts longer than the restart, that nothing is lost: the
 * requests the dead peer left are served by the restarted one, with the
 * bytes the peer's profile gives (peers.md D-1), a v1 server's clobber of
 * the queue header repaired.
 */
#include <poll.h>

#include "kselftest_harness.h"
#include "hshm_test.h"

#define PEER_SVC_DIE	0xfff0
#define BEFORE		8	/* answered before the peer dies */
#define AFTER		8	/* queued behind the fatal message */
#define SHORT_MS	500	/* their timeout: shorter than the restart */
#define COST_NS		(20 * 1000 * 1000ull)

FIXTURE(restart)
{
	int fd;
};

static bool restart_scenario(void)
{
	return !strcmp(hs_env("HSHM_PEER_RESTART", "0"), "1") &&
	       hs_peer_hooks();
}

/* The 6.1 harness runs the body after a SKIP in setup: skip there. */
FIXTURE_SETUP(restart)
{
	self->fd = -1;
	if (!restart_scenario())
		return;
	hs_restore_defaults();
	ASSERT_EQ(0, hs_wait_idle(30000));
	self->fd = hs_open(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(restart)
{
	if (self->fd >= 0)
		close(self->fd);
}

static void submit_one(struct __test_metadata *_metadata, int fd,
		       uint16_t svc, uint64_t user_data, uint32_t timeout_ms)
{
	static char payload[64] = "a request in the stream", out[64];
	struct hshm_submit s;

	hs_prep(&s, payload, sizeof(payload), out, sizeof(out), svc,
		HSHM_CLASS_RELIABLE, user_data);
	s.timeout_ms = timeout_ms;
	ASSERT_EQ(0, hs_submit(fd, &s)) TH_LOG("submit: %s", strerror(errno));
}

#define NSTREAM		(BEFORE + AFTER + 1)

/*
 * The next completions of the stream, at least one within @wait_ms, each
 * a request of the stream that had not completed before (@seen counts).
 */
static uint32_t reap_stream(struct __test_metadata *_metadata, int fd,
			    struct hshm_completion *comp, unsigned int *seen,
			    uint32_t wait_ms)
{
	uint32_t n = 0, i;

	EXPECT_EQ(0, hs_complete(fd, comp, NSTREAM, 1, wait_ms, &n));
	EXPECT_LT(0U, n) TH_LOG("no completion in %u ms: a hang", wait_ms);
	for (i = 0; i < n; i++) {
		uint64_t u = comp[i].user_data;

		if (u >= NSTREAM || seen[u]) {
			EXPECT_GT((uint64_t)NSTREAM, u);
			EXPECT_EQ(0u, u < NSTREAM ? seen[u] : 0u)
				TH_LOG("request %llu completed twice",
				       (unsigned long long)u);
			return 0;
		}
		seen[u]++;
	}
	return n;
}

TEST_F_TIMEOUT(restart, killed_mid_stream, 180)
{
	struct hshm_completion comp[BEFORE + AFTER + 1];
	unsigned int seen[BEFORE + AFTER + 1] = { 0 };
	unsigned int got = 0, timed_out = 0, ok = 0, i;
	struct hs_stats before, after;
	uint64_t t0, waited_ms;
	int ret;

	if (!restart_scenario())
		SKIP(return, "the peer is not restarted in this scenario");
	ASSERT_EQ(0, hs_echo_call(self->fd, 5000));
	ASSERT_EQ(0, hs_stats_read(&before));
	/* Slow the peer down so the stream is still at it when it dies. */
	ASSERT_EQ(0, hs_peer_set_cost(COST_NS, 0));

	for (i = 0; i < BEFORE; i++)
		submit_one(_metadata, self->fd, HSHM_SVC_ECHO, i, 20000);
	submit_one(_metadata, self->fd, PEER_SVC_DIE, BEFORE, SHORT_MS);
	for (i = 0; i < AFTER; i++)
		submit_one(_metadata, self->fd, HSHM_SVC_ECHO,
			   BEFORE + 1 + i, SHORT_MS);

	t0 = hs_now_ns();
	while (got < NSTREAM) {
		uint32_t n = reap_stream(_metadata, self->fd, comp, seen, 30000);

		ASSERT_LT(0U, n);
		for (i = 0; i < n; i++) {
			uint64_t u = comp[i].user_data;

			if (u < BEFORE) {
				EXPECT_EQ(0, comp[i].status);
				ok++;
			} else if (u > BEFORE) {
				/* The dead peer never answered them. */
				EXPECT_EQ(-ETIMEDOUT, comp[i].status);
				timed_out += comp[i].status == -ETIMEDOUT;
			} else {
				/* The fatal message itself is answered "fail"
				 * before the peer dies, or never.
				 */
				EXPECT_TRUE(comp[i].status == -EREMOTEIO ||
					    comp[i].status == -ETIMEDOUT);
			}
		}
		got += n;
	}
	waited_ms = (hs_now_ns() - t0) / 1000000;
	EXPECT_EQ((unsigned int)BEFORE, ok);
	EXPECT_EQ((unsigned int)AFTER, timed_out);
	/* The stream took the service time plus at most about the timeout. */
	EXPECT_GT(BEFORE * COST_NS / 1000000 + SHORT_MS + 10000, waited_ms);

	/* The restarted peer finishes the abandoned batch; traffic resumes. */
	t0 = hs_now_ns();
	do {
		ret = hs_echo_call(self->fd, 1000);
	} while (ret && hs_now_ns() - t0 < 60ull * 1000000000ull);
	ASSERT_EQ(0, ret) TH_LOG("traffic did not resume in 60 s: %d", ret);
	TH_LOG("traffic resumed %llu ms after the stream ended",
	       (unsigned long long)((hs_now_ns() - t0) / 1000000));
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, hs_echo_call(self->fd, 5000));

	ASSERT_EQ(0, hs_wait_idle(30000));
	ASSERT_EQ(0, hs_stats_read(&after));
	hs_expect_balanced(_metadata, &before, &after);
}

TEST_HARNESS_MAIN

/* A zone reboot mid-stream loses nothing that may wait for the restart. */
TEST_F_TIMEOUT(restart, killed_mid_stream_nothing_lost, 180)
{
	static const char payload[64] = "served by the restarted peer";
	struct hshm_completion comp[BEFORE + AFTER + 1];
	uint8_t out[BEFORE + AFTER + 1][64], want[64];
	unsigned int seen[BEFORE + AFTER + 1] = { 0 };
	unsigned int got = 0, ok = 0, i;
	uint64_t hdr0 = 0, hdr1 = 0;
	struct hs_stats before, after;
	uint32_t want_len;
	uint16_t svc = hs_svc_echo();

	if (!restart_scenario())
		SKIP(return, "the peer is not restarted in this scenario");
	ASSERT_EQ(0, hs_echo_call(self->fd, 5000));
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  ref_profile_service(hs_profile(), svc,
				      (const uint8_t *)payload, sizeof(payload),
				      want, &want_len));
	ASSERT_EQ(0, hs_fault_read("bad_header", &hdr0));
	ASSERT_EQ(0, hs_stats_read(&before));
	ASSERT_EQ(0, hs_peer_set_cost(COST_NS, 0));

	for (i = 0; i < BEFORE + AFTER + 1; i++) {
		struct hshm_submit s;

		hs_prep(&s, payload, sizeof(payload), out[i], sizeof(out[i]),
			i == BEFORE ? PEER_SVC_DIE : svc, HSHM_CLASS_RELIABLE, i);
		/* Longer than the restart: the peer comes back in time. */
		s.timeout_ms = 60000;
		ASSERT_EQ(0, hs_submit(self->fd, &s));
	}
	while (got < NSTREAM) {
		uint32_t n = reap_stream(_metadata, self->fd, comp, seen, 90000);

		ASSERT_LT(0U, n);
		for (i = 0; i < n; i++) {
			uint64_t u = comp[i].user_data;

			if (u == BEFORE) {
				/* The fatal message: "fail" before it dies. */
				EXPECT_EQ(-EREMOTEIO, comp[i].status);
				continue;
			}
			EXPECT_EQ(0, comp[i].status)
				TH_LOG("request %llu: %d", (unsigned long long)u,
				       comp[i].status);
			if (comp[i].status)
				continue;
			EXPECT_EQ(want_len, comp[i].length);
			EXPECT_EQ(0, memcmp(want, out[u], want_len))
				TH_LOG("request %llu: wrong bytes",
				       (unsigned long long)u);
			ok++;
		}
		got += n;
	}
	EXPECT_EQ((unsigned int)(BEFORE + AFTER), ok);
	/* The restarted peer runs at its own default cost. */
	ASSERT_EQ(0, hs_wait_idle(30000));
	ASSERT_EQ(0, hs_stats_read(&after));
	hs_expect_balanced(_metadata, &before, &after);
	ASSERT_EQ(0, hs_fault_read("bad_header", &hdr1));
	TH_LOG("profile %s: %u of %u served, header repaired %llu times",
	       hs_profile(), ok, BEFORE + AFTER,
	       (unsigned long long)(hdr1 - hdr0));
	/* A v1 server overwrites the header of a busy or idle queue (V1-3). */
	if (strcmp(hs_profile(), "hshm"))
		EXPECT_LT(hdr0, hdr1);
}
