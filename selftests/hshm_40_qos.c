// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm QoS: the order the peer serves backlogged classes in (WRR shares
 * follow the weights; fifo follows submission order), and reservations
 * (a flood of one class never takes another class's reserve of request
 * slots or of the data area).  Needs a peer whose cost can be set: the
 * loopback peer's knobs, or hshm-peer's set-cost hook (HSHM_PEER_HOOKS=1),
 * which the v1 profiles serve one message per hand-over.  The echo is the
 * profile's (hs_svc_echo()).
 */
#include "kselftest_harness.h"
#include "hshm_test.h"

#define MS		1000000ull
#define PER_CLASS	200
#define NFLOOD		(HS_NR_CLASSES * PER_CLASS)
#define BLOCKER_LEN	(32 * 1024)
#define BLOCKER_KIB_NS	20000000ull	/* 32 KiB: 640 ms at the peer */
#define SHARE_TOL	0.05		/* relative */

FIXTURE(qos)
{
	int fd;
	struct hshm_info info;
};

FIXTURE_SETUP(qos)
{
	hs_fixture_setup(_metadata, &self->fd, &self->info);
}

FIXTURE_TEARDOWN(qos)
{
	hs_fixture_teardown(self->fd, 30000);
}

/* Completion order of one blocker (user_data 0) and the flood behind it. */
struct flood {
	uint64_t order[NFLOOD + 1];	/* user_data in completion order */
	uint8_t cls[NFLOOD + 1];	/* class of each completion */
	unsigned int n;
};

/*
 * The peer is made busy with one big request; meanwhile PER_CLASS 16-byte
 * requests of each class are queued, interleaved, from one fd (user_data
 * 1.. in submission order).  Then everything is reaped in completion order,
 * which is the order the peer served them in.  The peer's cost is put back
 * only then: hshm-peer's set-cost hook would be served among the flood.
 */
static void blocker_flood(struct __test_metadata *_metadata, int fd,
			  const char *sched, struct flood *fl)
{
	static uint8_t big[BLOCKER_LEN], big_out[BLOCKER_LEN];
	struct hshm_completion *cs = calloc(1024, sizeof(*cs));
	uint8_t in[16], out[16];
	struct hshm_submit s;
	uint64_t t_submit, t_flooded, blocker_done = 0;
	unsigned int i, c;
	uint32_t n;

	ASSERT_NE(NULL, cs);
	ASSERT_EQ(0, hs_sysfs_write("weights", "8 2 1 1"));
	ASSERT_EQ(0, hs_sysfs_write("batch_max", "32"));
	ASSERT_EQ(0, hs_sysfs_write("scheduler", sched));
	memset(big, 'b', sizeof(big));
	memset(in, 'f', sizeof(in));

	ASSERT_EQ(0, hs_cost(HS_DEF_MSG_NS, BLOCKER_KIB_NS));
	hs_prep(&s, big, BLOCKER_LEN, big_out, BLOCKER_LEN, hs_svc_echo(),
		HSHM_CLASS_BEST_EFFORT, 0);
	t_submit = hs_now_ns();
	ASSERT_EQ(0, hs_submit(fd, &s));
	/* alone at the peer, which has started on it (and read its cost) */
	ASSERT_EQ(0, hs_wait_in_flight(1, 5000));
	hs_sleep_ms(20);
	for (i = 0; i < PER_CLASS; i++) {
		for (c = 0; c < HS_NR_CLASSES; c++) {
			hs_prep(&s, in, 16, out, 16, hs_svc_echo(), c,
				1 + i * HS_NR_CLASSES + c);
			ASSERT_EQ(0, hs_submit(fd, &s));
		}
	}
	t_flooded = hs_now_ns();

	fl->n = 0;
	while (fl->n < NFLOOD + 1) {
		ASSERT_EQ(0, hs_complete(fd, cs, 1024, 1, 30000, &n));
		ASSERT_LT(0u, n);
		ASSERT_GE(NFLOOD + 1u, fl->n + n);
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, cs[i].status);
			ASSERT_GE((uint64_t)NFLOOD, cs[i].user_data);
			if (!cs[i].user_data) {
				blocker_done = t_submit + cs[i].latency_ns;
			} else {
				ASSERT_EQ((cs[i].user_data - 1) % HS_NR_CLASSES,
					  cs[i].qos_class);
			}
			fl->order[fl->n] = cs[i].user_data;
			fl->cls[fl->n] = cs[i].qos_class;
			fl->n++;
		}
	}
	/* the measurement holds only if the flood was queued in time */
	ASSERT_LT(t_flooded, blocker_done)
		TH_LOG("queueing the flood took %llu ms, longer than the blocker",
		       (unsigned long long)((t_flooded - t_submit) / MS));
	ASSERT_EQ(0ull, fl->order[0]) TH_LOG("the blocker was not served first");
	ASSERT_EQ(0, hs_cost_restore());
	free(cs);
}

/* WRR: over whole rounds with every class backlogged, shares = weights. */
TEST_F_TIMEOUT(qos, wrr_weights, 180)
{
	static const unsigned int w[HS_NR_CLASSES] = { 8, 2, 1, 1 };
	const unsigned int round = 12;
	struct flood *fl = calloc(1, sizeof(*fl));
	unsigned int last[HS_NR_CLASSES] = { 0 }, cnt[HS_NR_CLASSES] = { 0 };
	unsigned int start, end, win, i, c, inversions = 0;

	HS_REQUIRE_COST();
	if (self->info.max_requests < NFLOOD + 1)
		SKIP(return, "needs max_requests >= %u", NFLOOD + 1);
	ASSERT_NE(NULL, fl);
	blocker_flood(_metadata, self->fd, "wrr", fl);
	for (i = 1; i < fl->n; i++) {
		last[fl->cls[i]] = i;
		if (fl->order[i] < fl->order[i - 1])
			inversions++;
	}
	EXPECT_LT(0u, inversions);
	/*
	 * Skip one batch after the blocker: it may have been built while the
	 * flood was still arriving.  End with the first class to run dry:
	 * until then every class was backlogged whenever the peer got a batch.
	 */
	start = 1 + self->info.batch_max;
	end = fl->n;
	for (c = 0; c < HS_NR_CLASSES; c++)
		if (last[c] + 1 < end)
			end = last[c] + 1;
	ASSERT_LT(start, end);
	win = (end - start) / round * round;
	ASSERT_LE(10 * round, win) TH_LOG("window of %u completions", win);
	for (i = start; i < start + win; i++)
		cnt[fl->cls[i]]++;
	for (c = 0; c < HS_NR_CLASSES; c++) {
		double want = (double)w[c] / round;
		double got = (double)cnt[c] / win;

		TH_LOG("%s: %u of %u (%.3f, weight share %.3f)",
		       hs_class_names[c], cnt[c], win, got, want);
		EXPECT_GE(SHARE_TOL, (got > want ? got - want : want - got) /
				     want);
	}
	free(fl);
}

/* fifo: one queue, served in submission order whatever the class. */
TEST_F_TIMEOUT(qos, fifo_order, 180)
{
	struct flood *fl = calloc(1, sizeof(*fl));
	unsigned int i, wrong = 0;

	HS_REQUIRE_COST();
	if (self->info.max_requests < NFLOOD + 1)
		SKIP(return, "needs max_requests >= %u", NFLOOD + 1);
	ASSERT_NE(NULL, fl);
	blocker_flood(_metadata, self->fd, "fifo", fl);
	for (i = 1; i < fl->n; i++) {
		if (fl->order[i] != i) {
			if (wrong++ < 5)
				TH_LOG("position %u: request %llu", i,
				       (unsigned long long)fl->order[i]);
		}
	}
	EXPECT_EQ(0u, wrong);
	free(fl);
}

/*
 * Flood @flood_cls from a O_NONBLOCK fd until EAGAIN, then count how many
 * @probe_cls requests still get in (at most @probe_max).  Nothing completes
 * meanwhile in a way that frees room: completions hold their room until
 * reaped, and nothing is reaped.
 */
static void flood_then_probe(struct __test_metadata *_metadata,
			     uint32_t len, uint8_t flood_cls, uint8_t probe_cls,
			     unsigned int flood_max, unsigned int probe_max,
			     unsigned int *nflood, unsigned int *nprobe)
{
	uint8_t *in = calloc(1, len);
	struct hshm_submit s;
	int nb = hs_open(O_NONBLOCK), ret = 0;

	ASSERT_NE(NULL, in);
	ASSERT_LE(0, nb);
	ASSERT_EQ(0, hs_cost(50 * MS, HS_DEF_KIB_NS));
	*nflood = *nprobe = 0;
	while (*nflood < flood_max) {
		/* no response room: the buffer is the payload's alone */
		hs_prep(&s, in, len, NULL, 0, hs_svc_echo(), flood_cls,
			*nflood);
		ret = hs_submit(nb, &s);
		if (ret)
			break;
		(*nflood)++;
	}
	EXPECT_EQ(-EAGAIN, ret);
	while (*nprobe < probe_max) {
		hs_prep(&s, in, len, NULL, 0, hs_svc_echo(), probe_cls,
			*nprobe);
		ret = hs_submit(nb, &s);
		if (ret) {
			EXPECT_EQ(-EAGAIN, ret);
			break;
		}
		(*nprobe)++;
	}
	TH_LOG("%u x %u bytes of %s, then %u of %s", *nflood, len,
	       hs_class_names[flood_cls], *nprobe, hs_class_names[probe_cls]);
	/* closed first: what it queued goes, and the set-cost hook gets room */
	close(nb);
	ASSERT_EQ(0, hs_cost(0, 0));
	ASSERT_EQ(0, hs_wait_idle(60000));
	free(in);
}

/* A best-effort flood leaves realtime its reserve of request slots. */
TEST_F_TIMEOUT(qos, reservation_slots, 120)
{
	unsigned int nbe, nrt;

	HS_REQUIRE_COST();
	flood_then_probe(_metadata, 16, HSHM_CLASS_BEST_EFFORT,
			 HSHM_CLASS_REALTIME, self->info.max_requests + 1, 300,
			 &nbe, &nrt);
	EXPECT_LT(0u, nbe);
	EXPECT_GT(self->info.max_requests, nbe);
	/* all of realtime's 20%, which is at least 100 slots by default */
	EXPECT_LE(self->info.max_requests * 20 / 100, nrt);
	if (self->info.max_requests >= 1024) {
		EXPECT_LE(100u, nrt);
	}
}

/* The same without reservations: the flood takes everything. */
TEST_F_TIMEOUT(qos, reservation_slots_control, 120)
{
	unsigned int nbe, nrt;

	HS_REQUIRE_COST();
	ASSERT_EQ(0, hs_sysfs_write("reservations", "0 0 0 0"));
	flood_then_probe(_metadata, 16, HSHM_CLASS_BEST_EFFORT,
			 HSHM_CLASS_REALTIME, self->info.max_requests + 1, 300,
			 &nbe, &nrt);
	EXPECT_EQ(self->info.max_requests, nbe);
	EXPECT_GT(100u, nrt);
}

/* A flood of big best-effort requests leaves realtime its data reserve. */
TEST_F_TIMEOUT(qos, reservation_data, 120)
{
	const uint32_t len = 64 * 1024;
	unsigned int nbe, nrt, nrt0;
	uint64_t reserve = self->info.data_size / 5;	/* 20% */

	HS_REQUIRE_COST();
	flood_then_probe(_metadata, len, HSHM_CLASS_BEST_EFFORT,
			 HSHM_CLASS_REALTIME, 1000, 1000, &nbe, &nrt);
	/* best effort gets at most the shared 60% */
	EXPECT_GE(self->info.data_size * 6 / 10, (uint64_t)nbe * len);
	/* realtime gets its whole 20% */
	EXPECT_LE(reserve / len, nrt);

	ASSERT_EQ(0, hs_sysfs_write("reservations", "0 0 0 0"));
	flood_then_probe(_metadata, len, HSHM_CLASS_BEST_EFFORT,
			 HSHM_CLASS_REALTIME, 1000, 1000, &nbe, &nrt0);
	EXPECT_EQ(self->info.data_size / len, nbe);
	EXPECT_EQ(0u, nrt0);
}

HS_HARNESS_MAIN
