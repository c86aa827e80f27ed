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
#define FLOOD_MAX	1000u		/* requests queued behind the blocker */
#define FLOOD_LEN_MAX	1024u
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

/* What is queued behind the blocker: per class, how many and how big. */
struct flood_spec {
	const char *sched;
	const char *weights;
	unsigned int per_class[HS_NR_CLASSES];
	uint32_t len[HS_NR_CLASSES];
};

/* Completion order of one blocker (user_data 0) and the flood behind it. */
struct flood {
	uint64_t order[FLOOD_MAX + 1];	/* user_data in completion order */
	uint8_t cls[FLOOD_MAX + 1];	/* class of each completion */
	uint32_t len[FLOOD_MAX + 1];	/* its bytes */
	uint8_t sub_cls[FLOOD_MAX + 1];	/* class of each user_data */
	unsigned int n;
};

static unsigned int flood_total(const struct flood_spec *sp)
{
	unsigned int c, n = 0;

	for (c = 0; c < HS_NR_CLASSES; c++)
		n += sp->per_class[c];
	return n;
}

/*
 * The peer is made busy with one big request; meanwhile the requests of
 * @sp are queued, the classes interleaved, from one fd (user_data 1.. in
 * submission order).  Then everything is reaped in completion order,
 * which is the order the peer served them in.  The peer's cost is put back
 * only then: hshm-peer's set-cost hook would be served among the flood.
 */
static void blocker_flood(struct __test_metadata *_metadata, int fd,
			  const struct flood_spec *sp, struct flood *fl)
{
	static uint8_t big[BLOCKER_LEN], big_out[BLOCKER_LEN];
	static uint8_t in[FLOOD_LEN_MAX], out[FLOOD_MAX + 1][FLOOD_LEN_MAX];
	struct hshm_completion *cs = calloc(1024, sizeof(*cs));
	unsigned int total = flood_total(sp), i, c, ud = 0;
	uint64_t t_submit, t_flooded, blocker_done = 0;
	struct hshm_submit s;
	uint32_t n;

	ASSERT_NE(NULL, cs);
	ASSERT_GE(FLOOD_MAX, total);
	ASSERT_EQ(0, hs_sysfs_write("weights", sp->weights));
	ASSERT_EQ(0, hs_sysfs_write("batch_max", "32"));
	ASSERT_EQ(0, hs_sysfs_write("scheduler", sp->sched));
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
	for (i = 0; ud < total; i++) {
		for (c = 0; c < HS_NR_CLASSES; c++) {
			if (i >= sp->per_class[c])
				continue;
			ASSERT_GE(FLOOD_LEN_MAX, sp->len[c]);
			ud++;
			fl->sub_cls[ud] = (uint8_t)c;
			hs_prep(&s, in, sp->len[c], out[ud], sp->len[c],
				hs_svc_echo(), c, ud);
			ASSERT_EQ(0, hs_submit(fd, &s));
		}
	}
	t_flooded = hs_now_ns();

	fl->n = 0;
	while (fl->n < total + 1) {
		ASSERT_EQ(0, hs_complete(fd, cs, 1024, 1, 30000, &n));
		ASSERT_LT(0u, n);
		ASSERT_GE(total + 1, fl->n + n);
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, cs[i].status);
			ASSERT_GE((uint64_t)total, cs[i].user_data);
			if (!cs[i].user_data) {
				blocker_done = t_submit + cs[i].latency_ns;
			} else {
				ASSERT_EQ(fl->sub_cls[cs[i].user_data],
					  cs[i].qos_class);
			}
			fl->order[fl->n] = cs[i].user_data;
			fl->cls[fl->n] = cs[i].qos_class;
			fl->len[fl->n] = cs[i].user_data ?
					 sp->len[cs[i].qos_class] : 0;
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

/* PER_CLASS 16-byte requests of each class, weights 8 2 1 1 */
static const struct flood_spec flood_even = {
	.weights = "8 2 1 1",
	.per_class = { PER_CLASS, PER_CLASS, PER_CLASS, PER_CLASS },
	.len = { 16, 16, 16, 16 },
};

/*
 * The window of a flood in which every class was backlogged whenever the
 * peer got a batch: from one batch after the blocker (it may have been
 * built while the flood was still arriving) to the first class to run dry.
 */
static void flood_window(struct __test_metadata *_metadata,
			 const struct flood *fl, unsigned int batch_max,
			 unsigned int *start, unsigned int *end)
{
	unsigned int last[HS_NR_CLASSES] = { 0 }, i, c;

	for (i = 1; i < fl->n; i++)
		last[fl->cls[i]] = i;
	*start = 1 + batch_max;
	*end = fl->n;
	for (c = 0; c < HS_NR_CLASSES; c++)
		if (last[c] + 1 < *end)
			*end = last[c] + 1;
	ASSERT_LT(*start, *end);
}

/* WRR: over whole rounds with every class backlogged, shares = weights. */
TEST_F_TIMEOUT(qos, wrr_weights, 180)
{
	static const unsigned int w[HS_NR_CLASSES] = { 8, 2, 1, 1 };
	struct flood_spec sp = flood_even;
	const unsigned int round = 12;
	struct flood *fl = calloc(1, sizeof(*fl));
	unsigned int cnt[HS_NR_CLASSES] = { 0 };
	unsigned int start, end, win, i, c, inversions = 0;

	HS_REQUIRE_COST();
	if (self->info.max_requests < NFLOOD + 1)
		SKIP(return, "needs max_requests >= %u", NFLOOD + 1);
	ASSERT_NE(NULL, fl);
	sp.sched = "wrr";
	blocker_flood(_metadata, self->fd, &sp, fl);
	for (i = 1; i < fl->n; i++)
		if (fl->order[i] < fl->order[i - 1])
			inversions++;
	EXPECT_LT(0u, inversions);
	flood_window(_metadata, fl, self->info.batch_max, &start, &end);
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

/*
 * DRR: with every class backlogged, bytes follow the weights whatever the
 * sizes.  Equal weights and sizes of 64 B to 1 KiB: equal bytes, so the
 * message counts differ 16 to 1 (where WRR's would be equal), within
 * SHARE_TOL over the window; a quantum of 1 KiB makes the rounds short.
 */
TEST_F_TIMEOUT(qos, drr_byte_shares, 180)
{
	static const struct flood_spec base = {
		.sched = "drr",
		.weights = "1 1 1 1",
		/* 40 rounds of 1 KiB a class: 16, 1, 4 and 2 messages */
		.per_class = { 640, 40, 160, 80 },
		.len = { 64, 1024, 256, 512 },
	};
	struct flood *fl = calloc(1, sizeof(*fl));
	uint64_t bytes[HS_NR_CLASSES] = { 0 }, total = 0;
	unsigned int cnt[HS_NR_CLASSES] = { 0 }, start, end, i, c;

	HS_REQUIRE_COST();
	if (self->info.max_requests < flood_total(&base) + 1)
		SKIP(return, "needs max_requests >= %u", flood_total(&base) + 1);
	ASSERT_NE(NULL, fl);
	ASSERT_EQ(0, hs_sysfs_write("reservations", "0 0 0 0"));
	ASSERT_EQ(0, hs_sysfs_write("drr_quantum", "1024"));
	blocker_flood(_metadata, self->fd, &base, fl);
	flood_window(_metadata, fl, self->info.batch_max, &start, &end);
	for (i = start; i < end; i++) {
		cnt[fl->cls[i]]++;
		bytes[fl->cls[i]] += fl->len[i];
		total += fl->len[i];
	}
	/* at least 20 rounds of the biggest messages */
	ASSERT_LE(20u, cnt[HSHM_CLASS_THROUGHPUT]);
	for (c = 0; c < HS_NR_CLASSES; c++) {
		double got = (double)bytes[c] / (double)total;

		TH_LOG("%s: %u messages, %llu of %llu bytes (%.3f, weight share 0.250)",
		       hs_class_names[c], cnt[c], (unsigned long long)bytes[c],
		       (unsigned long long)total, got);
		EXPECT_GE(SHARE_TOL, (got > 0.25 ? got - 0.25 : 0.25 - got) /
				     0.25);
	}
	free(fl);
}

/* fifo: one queue, served in submission order whatever the class. */
TEST_F_TIMEOUT(qos, fifo_order, 180)
{
	struct flood *fl = calloc(1, sizeof(*fl));
	struct flood_spec sp = flood_even;
	unsigned int i, wrong = 0;

	HS_REQUIRE_COST();
	if (self->info.max_requests < NFLOOD + 1)
		SKIP(return, "needs max_requests >= %u", NFLOOD + 1);
	ASSERT_NE(NULL, fl);
	sp.sched = "fifo";
	blocker_flood(_metadata, self->fd, &sp, fl);
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
