// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the QoS arithmetic (common/hshm_qos.c): the WRR and DRR
 * pickers, reserved + shared quota accounting and the log-linear latency
 * histogram.
 *
 * Part of hshm_kunit.ko, built when the target kernel has CONFIG_KUNIT.
 * The code under test is compiled into this object from its own source
 * file, so the test module links no object of hshm.ko (see Kbuild) and
 * can reach the file's static helpers.
 */
#include <kunit/test.h>
#include <linux/prandom.h>

#include "../common/hshm_qos.c"
#include "hshm_kunit.h"

#define ALL	((1u << HSHM_NR_CLASSES) - 1)

/* ---- WRR ----------------------------------------------------------------- */

/* Every class backlogged: each round of sum(weights) picks is exact. */
static void hshm_wrr_exact_shares(struct kunit *test)
{
	static const u16 weight[HSHM_NR_CLASSES] = { 8, 2, 1, 1 };
	unsigned int round, i, count[HSHM_NR_CLASSES];
	struct hshm_wrr w;

	hshm_wrr_init(&w, weight);
	for (round = 0; round < 50; round++) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < 12; i++) {
			int c = hshm_wrr_pick(&w, ALL);

			KUNIT_ASSERT_GE(test, c, 0);
			KUNIT_ASSERT_LT(test, c, HSHM_NR_CLASSES);
			count[c]++;
		}
		for (i = 0; i < HSHM_NR_CLASSES; i++)
			KUNIT_EXPECT_EQ_MSG(test, count[i], (unsigned int)weight[i],
					    "round %u class %u", round, i);
	}
}

/* A round visits the classes in turn, one message at a time. */
static void hshm_wrr_interleaves(struct kunit *test)
{
	static const u16 weight[HSHM_NR_CLASSES] = { 3, 2, 1, 1 };
	static const int want[] = { RT, TP, REL, BE, RT, TP, RT,
				    RT, TP, REL, BE, RT, TP, RT };
	struct hshm_wrr w;
	unsigned int i;

	hshm_wrr_init(&w, weight);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ_MSG(test, hshm_wrr_pick(&w, ALL), want[i],
				    "pick %u", i);
}

/* Never idle while something is backlogged; -1 only for nothing. */
static void hshm_wrr_work_conserving(struct kunit *test)
{
	static const u16 weight[HSHM_NR_CLASSES] = { 8, 2, 1, 1 };
	struct hshm_wrr w;
	unsigned int i, mask;

	hshm_wrr_init(&w, weight);
	KUNIT_EXPECT_EQ(test, hshm_wrr_pick(&w, 0), -1);
	/* bits above the classes are not classes */
	KUNIT_EXPECT_EQ(test, hshm_wrr_pick(&w, ~ALL), -1);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, hshm_wrr_pick(&w, BIT(BE)), BE);
	for (mask = 1; mask <= ALL; mask++) {
		for (i = 0; i < 30; i++) {
			int c = hshm_wrr_pick(&w, mask);

			KUNIT_ASSERT_GE(test, c, 0);
			KUNIT_EXPECT_TRUE_MSG(test, mask & BIT(c),
					      "mask %#x picked %d", mask, c);
		}
	}
}

/* A class that was idle does not save up credit for a burst later. */
static void hshm_wrr_idle_credit_not_hoarded(struct kunit *test)
{
	static const u16 weight[HSHM_NR_CLASSES] = { 4, 4, 1, 1 };
	unsigned int i, rt = 0;
	struct hshm_wrr w;

	hshm_wrr_init(&w, weight);
	/* throughput alone for many rounds */
	for (i = 0; i < 400; i++)
		KUNIT_ASSERT_EQ(test, hshm_wrr_pick(&w, BIT(TP)), TP);
	/* then both: realtime gets its share, not 400 picks in a row */
	for (i = 0; i < 80; i++)
		rt += hshm_wrr_pick(&w, BIT(RT) | BIT(TP)) == RT;
	KUNIT_EXPECT_GE(test, rt, 36u);
	KUNIT_EXPECT_LE(test, rt, 44u);
}

/* A refund gives back one credit, never more than the weight. */
static void hshm_wrr_refund_credit(struct kunit *test)
{
	static const u16 weight[HSHM_NR_CLASSES] = { 2, 1, 1, 1 };
	struct hshm_wrr w;

	hshm_wrr_init(&w, weight);
	KUNIT_ASSERT_EQ(test, hshm_wrr_pick(&w, BIT(RT)), RT);
	KUNIT_EXPECT_EQ(test, w.credit[RT], 1);
	hshm_wrr_refund(&w, RT);
	KUNIT_EXPECT_EQ(test, w.credit[RT], 2);
	hshm_wrr_refund(&w, RT);
	KUNIT_EXPECT_EQ(test, w.credit[RT], 2);
	/*
	 * The refunded credit is spent again before the round ends: the
	 * turn has passed to throughput, then realtime sends twice.
	 */
	KUNIT_EXPECT_EQ(test, hshm_wrr_pick(&w, BIT(RT) | BIT(TP)), TP);
	KUNIT_EXPECT_EQ(test, hshm_wrr_pick(&w, BIT(RT) | BIT(TP)), RT);
	KUNIT_EXPECT_EQ(test, hshm_wrr_pick(&w, BIT(RT) | BIT(TP)), RT);
	KUNIT_EXPECT_EQ(test, w.credit[RT], 0);
	KUNIT_EXPECT_EQ(test, w.credit[TP], 0);
	/* other classes' credit is untouched by a refund */
	hshm_wrr_refund(&w, RT);
	KUNIT_EXPECT_EQ(test, w.credit[TP], 0);
	KUNIT_EXPECT_EQ(test, w.credit[REL], 1);
}

/* Lowering a weight mid-round clips the credit now; raising waits. */
static void hshm_wrr_set_weights_mid_round(struct kunit *test)
{
	static const u16 w1[HSHM_NR_CLASSES] = { 8, 8, 1, 1 };
	static const u16 w2[HSHM_NR_CLASSES] = { 1, 20, 1, 1 };
	unsigned int i, count[HSHM_NR_CLASSES] = { 0 };
	struct hshm_wrr w;

	hshm_wrr_init(&w, w1);
	KUNIT_ASSERT_EQ(test, hshm_wrr_pick(&w, BIT(RT)), RT);
	KUNIT_ASSERT_EQ(test, w.credit[RT], 7);
	hshm_wrr_set_weights(&w, w2);
	KUNIT_EXPECT_EQ(test, w.credit[RT], 1);
	KUNIT_EXPECT_EQ(test, w.credit[TP], 8);
	KUNIT_EXPECT_EQ(test, w.weight[TP], 20);
	/* rest of this round: 1 RT and 8 TP; the next one uses the weights */
	for (i = 0; i < 9; i++)
		count[hshm_wrr_pick(&w, BIT(RT) | BIT(TP))]++;
	KUNIT_EXPECT_EQ(test, count[RT], 1u);
	KUNIT_EXPECT_EQ(test, count[TP], 8u);
	memset(count, 0, sizeof(count));
	for (i = 0; i < 21 * 5; i++)
		count[hshm_wrr_pick(&w, BIT(RT) | BIT(TP))]++;
	KUNIT_EXPECT_EQ(test, count[RT], 5u);
	KUNIT_EXPECT_EQ(test, count[TP], 100u);
}

/* The weight range ends: 1000 against 1. */
static void hshm_wrr_weight_limits(struct kunit *test)
{
	static const u16 weight[HSHM_NR_CLASSES] = {
		HSHM_WEIGHT_MAX, HSHM_WEIGHT_MIN, HSHM_WEIGHT_MIN,
		HSHM_WEIGHT_MIN
	};
	unsigned int i, count[HSHM_NR_CLASSES] = { 0 };
	struct hshm_wrr w;

	hshm_wrr_init(&w, weight);
	for (i = 0; i < 3 * (HSHM_WEIGHT_MAX + 1); i++)
		count[hshm_wrr_pick(&w, BIT(RT) | BIT(BE))]++;
	KUNIT_EXPECT_EQ(test, count[RT], 3u * HSHM_WEIGHT_MAX);
	KUNIT_EXPECT_EQ(test, count[BE], 3u);
	KUNIT_EXPECT_EQ(test, count[TP] + count[REL], 0u);
}

static struct kunit_case hshm_wrr_cases[] = {
	KUNIT_CASE(hshm_wrr_exact_shares),
	KUNIT_CASE(hshm_wrr_interleaves),
	KUNIT_CASE(hshm_wrr_work_conserving),
	KUNIT_CASE(hshm_wrr_idle_credit_not_hoarded),
	KUNIT_CASE(hshm_wrr_refund_credit),
	KUNIT_CASE(hshm_wrr_set_weights_mid_round),
	KUNIT_CASE(hshm_wrr_weight_limits),
	{}
};

static struct kunit_suite hshm_wrr_suite = {
	.name = "hshm-wrr",
	.test_cases = hshm_wrr_cases,
};

/* ---- DRR ----------------------------------------------------------------- */

/*
 * As the dispatcher does: pick, send the class's first request (size[c]
 * bytes) if it fits, else pick again; the class that sent, -1 for an
 * empty mask, -2 if none sent within two rounds of visits.
 */
static int hshm_drr_send(struct hshm_drr *d, unsigned int mask,
			 const u32 *size)
{
	unsigned int tries;

	for (tries = 0; tries <= 2 * HSHM_NR_CLASSES; tries++) {
		int c = hshm_drr_pick(d, mask);

		if (c < 0)
			return c;
		if (hshm_drr_fits(d, c, size[c], mask)) {
			hshm_drr_charge(d, c, size[c]);
			return c;
		}
	}
	return -2;
}

/*
 * Every class backlogged with messages of its own size, from 128 B to
 * 16 KiB: bytes follow the weights 8 2 1 1 within 1%, whatever the base
 * quantum (the visits in which nobody can send, with a quantum far below
 * the sizes, are skipped by a 64-bit division).  A class's bytes stay
 * within two quanta and two requests of its share, so the run lasts 100
 * times that for the smallest share.
 */
static void hshm_drr_byte_shares(struct kunit *test)
{
	static const u16 weight[HSHM_NR_CLASSES] = { 8, 2, 1, 1 };
	static const u32 size[HSHM_NR_CLASSES] = { 128, 1024, 4096, 16384 };
	static const u32 bases[] = { HSHM_DRR_QUANTUM_MIN, HSHM_DRR_QUANTUM_DEF,
				     65536 };
	unsigned int b, c;

	for (b = 0; b < ARRAY_SIZE(bases); b++) {
		u64 bytes[HSHM_NR_CLASSES] = { 0 }, total = 0, horizon;
		struct hshm_drr d;

		hshm_drr_init(&d, weight, bases[b]);
		horizon = 4800ull * (bases[b] + 16384);
		while (total < horizon) {
			int pick = hshm_drr_send(&d, ALL, size);

			KUNIT_ASSERT_GE(test, pick, 0);
			bytes[pick] += size[pick];
			total += size[pick];
		}
		for (c = 0; c < HSHM_NR_CLASSES; c++) {
			u64 want = div_u64(total * weight[c], 12);
			u64 diff = bytes[c] > want ? bytes[c] - want : want - bytes[c];

			KUNIT_EXPECT_LE_MSG(test, diff * 100, want,
					    "base %u class %u: %llu of %llu bytes",
					    bases[b], c, bytes[c], total);
		}
	}
}

/* Only backlogged classes send, and one does within two rounds. */
static void hshm_drr_work_conserving(struct kunit *test)
{
	static const u16 weight[HSHM_NR_CLASSES] = { 4, 2, 2, 1 };
	u32 size[HSHM_NR_CLASSES] = { 0, 0, 0, 262144 };
	struct rnd_state rnd;
	struct hshm_drr d;
	unsigned int i, c;

	prandom_seed_state(&rnd, 7);
	hshm_drr_init(&d, weight, HSHM_DRR_QUANTUM_MIN);
	KUNIT_EXPECT_EQ(test, hshm_drr_pick(&d, 0), -1);
	KUNIT_EXPECT_EQ(test, hshm_drr_pick(&d, ~ALL), -1);
	for (i = 0; i < 1000; i++)
		KUNIT_ASSERT_EQ(test, hshm_drr_send(&d, BIT(BE), size), BE);
	for (i = 0; i < 20000; i++) {
		unsigned int mask = prandom_u32_state(&rnd) & ALL;
		int pick;

		for (c = 0; c < HSHM_NR_CLASSES; c++)
			size[c] = prandom_u32_state(&rnd) % 70000;
		pick = hshm_drr_send(&d, mask, size);
		if (!mask) {
			KUNIT_ASSERT_EQ(test, pick, -1);
			continue;
		}
		KUNIT_ASSERT_GE(test, pick, 0);
		KUNIT_ASSERT_TRUE(test, mask & BIT(pick));
	}
}

static struct kunit_case hshm_drr_cases[] = {
	KUNIT_CASE(hshm_drr_byte_shares),
	KUNIT_CASE(hshm_drr_work_conserving),
	{}
};

static struct kunit_suite hshm_drr_suite = {
	.name = "hshm-drr",
	.test_cases = hshm_drr_cases,
};

/* ---- quota --------------------------------------------------------------- */

/* The invariants every sequence of operations keeps. */
static void hshm_quota_check(struct kunit *test, const struct hshm_quota *q)
{
	u32 used = 0, over = 0, reserved = 0;
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		used += q->used[c];
		over += hshm_quota_over(q->used[c], q->reserve[c]);
		reserved += q->reserve[c];
	}
	KUNIT_EXPECT_EQ(test, q->used_total, used);
	KUNIT_EXPECT_EQ(test, q->shared_used, over);
	KUNIT_EXPECT_LE(test, reserved, q->total);
	KUNIT_EXPECT_EQ(test, hshm_quota_shared_total(q), q->total - reserved);
	KUNIT_EXPECT_LE(test, q->used_total, q->total);
}

/* Reserve first, then the shared part, then nothing. */
static void hshm_quota_reserve_then_shared(struct kunit *test)
{
	static const u8 pct[HSHM_NR_CLASSES] = { 30, 10, 10, 0 };
	struct hshm_quota q;

	hshm_quota_init(&q, 100);
	KUNIT_ASSERT_EQ(test, hshm_quota_set_reserve(&q, pct), 0);
	KUNIT_EXPECT_EQ(test, q.reserve[RT], 30u);
	KUNIT_EXPECT_EQ(test, hshm_quota_shared_total(&q), 50u);

	KUNIT_EXPECT_TRUE(test, hshm_quota_take(&q, RT, 30));
	KUNIT_EXPECT_EQ(test, q.shared_used, 0u);
	KUNIT_EXPECT_TRUE(test, hshm_quota_take(&q, RT, 5));
	KUNIT_EXPECT_EQ(test, q.shared_used, 5u);
	/* best effort has no reserve: only the 45 shared units left */
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, BE, 46));
	KUNIT_EXPECT_TRUE(test, hshm_quota_take(&q, BE, 45));
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, BE, 1));
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, RT, 1));
	/* throughput and reliable still have their reserves */
	KUNIT_EXPECT_TRUE(test, hshm_quota_take(&q, TP, 10));
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, TP, 1));
	KUNIT_EXPECT_TRUE(test, hshm_quota_take(&q, REL, 10));
	KUNIT_EXPECT_EQ(test, q.used_total, 100u);
	hshm_quota_check(test, &q);
}

/* A refused take changes nothing. */
static void hshm_quota_failed_take_no_change(struct kunit *test)
{
	static const u8 pct[HSHM_NR_CLASSES] = { 20, 20, 20, 20 };
	struct hshm_quota q, before;

	hshm_quota_init(&q, 10);
	KUNIT_ASSERT_EQ(test, hshm_quota_set_reserve(&q, pct), 0);
	KUNIT_ASSERT_TRUE(test, hshm_quota_take(&q, BE, 4));
	before = q;
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, BE, 1));
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, RT, 3));
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, RT, U32_MAX));
	KUNIT_EXPECT_EQ(test, memcmp(&q, &before, sizeof(q)), 0);
	hshm_quota_check(test, &q);
}

/* Giving back refills the reserve before the shared part. */
static void hshm_quota_give_refills_reserve(struct kunit *test)
{
	static const u8 pct[HSHM_NR_CLASSES] = { 50, 0, 0, 0 };
	struct hshm_quota q;

	hshm_quota_init(&q, 20);
	KUNIT_ASSERT_EQ(test, hshm_quota_set_reserve(&q, pct), 0);
	KUNIT_ASSERT_TRUE(test, hshm_quota_take(&q, RT, 15));
	KUNIT_EXPECT_EQ(test, q.shared_used, 5u);
	hshm_quota_give(&q, RT, 3);
	KUNIT_EXPECT_EQ(test, q.shared_used, 2u);
	hshm_quota_give(&q, RT, 4);
	KUNIT_EXPECT_EQ(test, q.shared_used, 0u);
	KUNIT_EXPECT_EQ(test, q.used[RT], 8u);
	/* the whole shared part is free again for the others */
	KUNIT_EXPECT_TRUE(test, hshm_quota_take(&q, TP, 10));
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, TP, 1));
	hshm_quota_check(test, &q);
}

/* Reserves: percent of the total rounded down, at most 100 in all. */
static void hshm_quota_set_reserve_limits(struct kunit *test)
{
	static const u8 odd[HSHM_NR_CLASSES] = { 50, 25, 25, 0 };
	static const u8 over[HSHM_NR_CLASSES] = { 50, 25, 25, 1 };
	static const u8 big[HSHM_NR_CLASSES] = { 255, 0, 0, 0 };
	struct hshm_quota q, before;

	hshm_quota_init(&q, 7);
	KUNIT_ASSERT_EQ(test, hshm_quota_set_reserve(&q, odd), 0);
	KUNIT_EXPECT_EQ(test, q.reserve[RT], 3u);
	KUNIT_EXPECT_EQ(test, q.reserve[TP], 1u);
	KUNIT_EXPECT_EQ(test, q.reserve[REL], 1u);
	KUNIT_EXPECT_EQ(test, hshm_quota_shared_total(&q), 2u);
	before = q;
	KUNIT_EXPECT_EQ(test, hshm_quota_set_reserve(&q, over), -EINVAL);
	KUNIT_EXPECT_EQ(test, hshm_quota_set_reserve(&q, big), -EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(&q, &before, sizeof(q)), 0);
	/* no overflow of total * percent for the largest totals */
	hshm_quota_init(&q, U32_MAX);
	KUNIT_ASSERT_EQ(test, hshm_quota_set_reserve(&q, odd), 0);
	KUNIT_EXPECT_EQ(test, q.reserve[RT], U32_MAX / 2);
	hshm_quota_check(test, &q);
}

/* New reserves with units held: the excess counts as shared. */
static void hshm_quota_set_reserve_while_held(struct kunit *test)
{
	static const u8 none[HSHM_NR_CLASSES] = { 0, 0, 0, 0 };
	static const u8 rt[HSHM_NR_CLASSES] = { 40, 0, 0, 0 };
	struct hshm_quota q;

	hshm_quota_init(&q, 10);
	KUNIT_ASSERT_EQ(test, hshm_quota_set_reserve(&q, none), 0);
	KUNIT_ASSERT_TRUE(test, hshm_quota_take(&q, BE, 8));
	KUNIT_ASSERT_EQ(test, hshm_quota_set_reserve(&q, rt), 0);
	/* BE holds 8 of a shared part of 6: over until it gives back */
	KUNIT_EXPECT_EQ(test, q.shared_used, 8u);
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, BE, 1));
	KUNIT_EXPECT_TRUE(test, hshm_quota_take(&q, RT, 2));
	KUNIT_EXPECT_FALSE(test, hshm_quota_take(&q, RT, 1));
	hshm_quota_give(&q, BE, 4);
	KUNIT_EXPECT_EQ(test, q.shared_used, 4u);
	KUNIT_EXPECT_TRUE(test, hshm_quota_take(&q, RT, 2));
	KUNIT_EXPECT_EQ(test, q.used[RT], 4u);
	KUNIT_EXPECT_EQ(test, q.shared_used, 4u);
	hshm_quota_check(test, &q);
}

/* Whether @cls may take @n more units, from the definition. */
static bool hshm_quota_fits(const struct hshm_quota *q, unsigned int cls,
			    u32 n)
{
	u32 free_res = q->reserve[cls] > q->used[cls] ?
		       q->reserve[cls] - q->used[cls] : 0;
	u32 extra = n > free_res ? n - free_res : 0;

	if (n > q->total - q->used_total)
		return false;
	/* what fits in the reserve is always allowed */
	return !extra || q->shared_used + extra <= hshm_quota_shared_total(q);
}

/* New random reserves: refused exactly when they add up to over 100. */
static void hshm_quota_random_reserve(struct kunit *test,
				      struct hshm_quota *q,
				      struct rnd_state *rnd)
{
	unsigned int k, sum = 0;
	u8 pct[HSHM_NR_CLASSES];

	for (k = 0; k < HSHM_NR_CLASSES; k++) {
		pct[k] = (prandom_u32_state(rnd) % 5) * 9;
		sum += pct[k];
	}
	KUNIT_EXPECT_EQ(test, hshm_quota_set_reserve(q, pct),
			sum > 100 ? -EINVAL : 0);
}

/*
 * Random takes, gives and reserve changes (fixed seed): the invariants
 * hold after each, a class can always take up to its free reserve, and a
 * refused take is refused for a reason.
 */
static void hshm_quota_random_walk(struct kunit *test)
{
	struct rnd_state rnd;
	struct hshm_quota q;
	unsigned int i, c;
	bool fits;

	prandom_seed_state(&rnd, 0x68736d71756f7461ULL);
	hshm_quota_init(&q, 64);
	for (i = 0; i < 20000; i++) {
		u32 r = prandom_u32_state(&rnd);
		u32 n = (r >> 8) % 9;

		c = r % HSHM_NR_CLASSES;
		switch ((r >> 4) % 8) {
		case 0:
			hshm_quota_random_reserve(test, &q, &rnd);
			break;
		case 1:
		case 2:
		case 3:
			hshm_quota_give(&q, c, min(n, q.used[c]));
			break;
		default:
			/* the model first: hshm_quota_take() changes @q */
			fits = hshm_quota_fits(&q, c, n);
			KUNIT_ASSERT_EQ_MSG(test, hshm_quota_take(&q, c, n), fits,
					    "step %u: class %u takes %u", i, c, n);
			break;
		}
		hshm_quota_check(test, &q);
	}
}

static struct kunit_case hshm_quota_cases[] = {
	KUNIT_CASE(hshm_quota_reserve_then_shared),
	KUNIT_CASE(hshm_quota_failed_take_no_change),
	KUNIT_CASE(hshm_quota_give_refills_reserve),
	KUNIT_CASE(hshm_quota_set_reserve_limits),
	KUNIT_CASE(hshm_quota_set_reserve_while_held),
	KUNIT_CASE(hshm_quota_random_walk),
	{}
};

static struct kunit_suite hshm_quota_suite = {
	.name = "hshm-quota",
	.test_cases = hshm_quota_cases,
};

/* ---- histogram ----------------------------------------------------------- */

/* The driver's geometry, HSHM_HIST_SUB_BITS. */
static unsigned int hist_index(u64 v)
{
	return hshm_hist_index(v, HSHM_HIST_SUB_BITS);
}

static u64 hist_low(unsigned int b)
{
	return hshm_hist_low(b, HSHM_HIST_SUB_BITS);
}

static u64 hist_high(unsigned int b)
{
	return hshm_hist_high(b, HSHM_HIST_SUB_BITS);
}

/* Below HSHM_HIST_SUB every value has its own bucket. */
static void hshm_hist_small_values(struct kunit *test)
{
	u64 v;

	for (v = 0; v < HSHM_HIST_SUB; v++) {
		KUNIT_EXPECT_EQ(test, hist_index(v), (unsigned int)v);
		KUNIT_EXPECT_EQ(test, hist_low(v), v);
		KUNIT_EXPECT_EQ(test, hist_high(v), v);
	}
	KUNIT_EXPECT_EQ(test, hist_index(8), 8u);
	KUNIT_EXPECT_EQ(test, hist_index(15), 15u);
	KUNIT_EXPECT_EQ(test, hist_index(16), 16u);
	KUNIT_EXPECT_EQ(test, hist_index(17), 16u);
	KUNIT_EXPECT_EQ(test, hist_index(18), 17u);
}

/* The buckets tile 0..U64_MAX without gaps, each at most 1/8 wide. */
static void hshm_hist_buckets_tile(struct kunit *test)
{
	unsigned int b;

	KUNIT_EXPECT_EQ(test, hist_low(0), 0ULL);
	for (b = 0; b < HSHM_HIST_BUCKETS; b++) {
		u64 lo = hist_low(b);
		u64 hi = hist_high(b);

		KUNIT_ASSERT_LE_MSG(test, lo, hi, "bucket %u", b);
		KUNIT_EXPECT_EQ_MSG(test, hist_index(lo), b, "low of %u", b);
		KUNIT_EXPECT_EQ_MSG(test, hist_index(hi), b, "high of %u", b);
		if (b + 1 < HSHM_HIST_BUCKETS)
			KUNIT_EXPECT_EQ_MSG(test, hist_low(b + 1),
					    hi + 1, "after %u", b);
		if (b >= HSHM_HIST_SUB)
			KUNIT_EXPECT_LE_MSG(test, hi - lo + 1,
					    lo / HSHM_HIST_SUB, "width of %u", b);
	}
	KUNIT_EXPECT_EQ(test, hist_high(HSHM_HIST_BUCKETS - 1),
			U64_MAX);
	KUNIT_EXPECT_EQ(test, hist_index(U64_MAX), HSHM_HIST_BUCKETS - 1);
}

/* Random values of every magnitude land in a bucket that holds them. */
static void hshm_hist_random_values(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int i, b;

	prandom_seed_state(&rnd, 0x6869737467726dULL);
	for (i = 0; i < 20000; i++) {
		u64 v = ((u64)prandom_u32_state(&rnd) << 32) |
			prandom_u32_state(&rnd);

		v >>= i % 64;
		b = hist_index(v);
		KUNIT_ASSERT_LT(test, b, HSHM_HIST_BUCKETS);
		KUNIT_ASSERT_LE_MSG(test, hist_low(b), v, "%llu", v);
		KUNIT_ASSERT_GE_MSG(test, hist_high(b), v, "%llu", v);
	}
}

/**
 * struct hshm_hist_fixture - a histogram being filled by a test
 * @buckets: counts
 * @count: their sum
 * @max: largest value added
 */
struct hshm_hist_fixture {
	u64 buckets[HSHM_HIST_BUCKETS];
	u64 count;
	u64 max;
};

static void hshm_hist_add(struct hshm_hist_fixture *h, u64 v, u64 n)
{
	h->buckets[hist_index(v)] += n;
	h->count += n;
	if (v > h->max)
		h->max = v;
}

static u64 hshm_hist_pct(struct hshm_hist_fixture *h, unsigned int permille)
{
	return hshm_hist_percentile(h->buckets, HSHM_HIST_SUB_BITS, h->count,
				    permille, h->max);
}

static int hshm_hist_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct hshm_hist_fixture),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

/* Empty, one value, the maximum, the clip to the maximum. */
static void hshm_hist_percentile_edges(struct kunit *test)
{
	struct hshm_hist_fixture *h = test->priv;

	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 500), 0ULL);
	hshm_hist_add(h, 1000, 1);
	/* bucket of 1000 is 960..1023, midpoint 991, below the max */
	KUNIT_EXPECT_EQ(test, hist_low(hist_index(1000)), 960ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 500), 991ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 0), 991ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 1000), 1000ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 2000), 1000ULL);
	/* the estimate never exceeds the exact maximum */
	h->max = 970;
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 500), 970ULL);
	/* a count larger than the buckets hold: the maximum */
	h->count = 5;
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 990), 970ULL);
}

/* Rank is ceil(count * permille / 1000). */
static void hshm_hist_percentile_rank(struct kunit *test)
{
	struct hshm_hist_fixture *h = test->priv;

	hshm_hist_add(h, 1, 1);
	hshm_hist_add(h, 2, 1);
	hshm_hist_add(h, 3, 1);
	hshm_hist_add(h, 4, 1);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 250), 1ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 251), 2ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 500), 2ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 501), 3ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 999), 4ULL);
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 1), 1ULL);
}

/* 1..100000 once each: estimates within the 1/8 bucket error. */
static void hshm_hist_percentile_uniform(struct kunit *test)
{
	static const unsigned int pm[] = { 10, 100, 500, 900, 950, 990, 999 };
	struct hshm_hist_fixture *h = test->priv;
	unsigned int i;
	u64 v;

	for (v = 1; v <= 100000; v++)
		hshm_hist_add(h, v, 1);
	for (i = 0; i < ARRAY_SIZE(pm); i++) {
		u64 exact = 100ULL * pm[i];
		u64 got = hshm_hist_pct(h, pm[i]);

		KUNIT_EXPECT_LE_MSG(test, got, exact + exact / 8, "P%u", pm[i]);
		KUNIT_EXPECT_GE_MSG(test, got, exact - exact / 8, "P%u", pm[i]);
	}
	KUNIT_EXPECT_EQ(test, hshm_hist_pct(h, 1000), 100000ULL);
}

/* A bimodal distribution: the tail percentiles find the slow mode. */
static void hshm_hist_percentile_tail(struct kunit *test)
{
	struct hshm_hist_fixture *h = test->priv;
	u64 p50, p99;

	hshm_hist_add(h, 20000, 985);		/* 20 us */
	hshm_hist_add(h, 5000000, 15);		/* 5 ms */
	p50 = hshm_hist_pct(h, 500);
	p99 = hshm_hist_pct(h, 990);
	KUNIT_EXPECT_GE(test, p50, 20000ULL - 20000 / 8);
	KUNIT_EXPECT_LE(test, p50, 20000ULL + 20000 / 8);
	KUNIT_EXPECT_GE(test, p99, 5000000ULL - 5000000 / 8);
	KUNIT_EXPECT_LE(test, p99, 5000000ULL);
	/* rank 985 is still the fast mode, 986 the slow one */
	KUNIT_EXPECT_LE(test, hshm_hist_pct(h, 985), 20000ULL + 20000 / 8);
	KUNIT_EXPECT_GE(test, hshm_hist_pct(h, 986), 5000000ULL - 5000000 / 8);
}

static struct kunit_case hshm_hist_cases[] = {
	KUNIT_CASE(hshm_hist_small_values),
	KUNIT_CASE(hshm_hist_buckets_tile),
	KUNIT_CASE(hshm_hist_random_values),
	KUNIT_CASE(hshm_hist_percentile_edges),
	KUNIT_CASE(hshm_hist_percentile_rank),
	KUNIT_CASE(hshm_hist_percentile_uniform),
	KUNIT_CASE(hshm_hist_percentile_tail),
	{}
};

static struct kunit_suite hshm_hist_suite = {
	.name = "hshm-hist",
	.init = hshm_hist_init,
	.test_cases = hshm_hist_cases,
};

kunit_test_suites(&hshm_wrr_suite, &hshm_drr_suite, &hshm_quota_suite,
		  &hshm_hist_suite);

/* hshm_kunit.ko: this file and the other kernel/hshm_kunit_*.c */
MODULE_DESCRIPTION("KUnit suites of hshm: WRR, DRR, quota, histogram, pool, wire");
MODULE_LICENSE("GPL");
