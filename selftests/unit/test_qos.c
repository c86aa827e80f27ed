// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of common/hshm_qos.[ch]: the class names and their
 * grammar, the WRR picker, the reserved + shared quota accounting and the
 * log-linear histogram arithmetic.
 */
#include "unit.h"

#include <math.h>

#include <linux/hshm.h>
#include <linux/hshm_netlink.h>

#include "hshm_qos.h"

#define ALL_CLASSES	0xfu

static unsigned int weight_sum(const u16 *w)
{
	return w[0] + w[1] + w[2] + w[3];
}

/* -------------------------------------------------------- class names */

/* The ABI's names (sysfs, netlink), spelled out here on purpose. */
static const char *const class_names[HSHM_NR_CLASSES] = {
	"realtime", "throughput", "reliable", "best_effort",
};

static int lookup(const char *s)
{
	return hshm_class_lookup(s, strlen(s));
}

TEST(class_names_and_numbers)
{
	unsigned int c;

	EXPECT_EQ(4, HSHM_CLASS_COUNT);
	EXPECT_EQ(HSHM_CLASS_COUNT, HSHM_NR_CLASSES);
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		char num[2] = { (char)('0' + c), '\0' };

		ASSERT_TRUE(!!hshm_class_str(c));
		EXPECT_STREQ(class_names[c], hshm_class_str(c));
		EXPECT_EQ((int)c, lookup(class_names[c]));
		EXPECT_EQ((int)c, lookup(num));
	}
	EXPECT_TRUE(!hshm_class_str(HSHM_NR_CLASSES));
	EXPECT_TRUE(!hshm_class_str(HSHM_CLASS_AUTO));
	EXPECT_TRUE(!hshm_class_str(~0u));
}

/* Any case, and '-' for '_'. */
TEST(class_spellings)
{
	EXPECT_EQ(HSHM_CLASS_REALTIME, lookup("REALTIME"));
	EXPECT_EQ(HSHM_CLASS_REALTIME, lookup("RealTime"));
	EXPECT_EQ(HSHM_CLASS_THROUGHPUT, lookup("Throughput"));
	EXPECT_EQ(HSHM_CLASS_RELIABLE, lookup("reliablE"));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, lookup("best_effort"));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, lookup("best-effort"));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, lookup("Best-Effort"));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, lookup("BEST_EFFORT"));
}

TEST(class_rejects)
{
	static const char *const bad[] = {
		"", "4", "9", "00", "01", "-1", "+1", " 1", "1 ", "auto",
		"rt", "be", "real", "realtimes", "realtime ", " realtime",
		"real time", "besteffort", "best effort", "best__effort",
		"best_effort_", "_best_effort", "realtime\n", "r\xc3\xa9liable",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, lookup(bad[i])) {
			TH_LOG("accepted '%s'", bad[i]);
		}
	}
	EXPECT_EQ(-EINVAL, hshm_class_lookup(NULL, 0));
	/* an embedded NUL is a character like any other */
	EXPECT_EQ(-EINVAL, hshm_class_lookup("realtime", sizeof("realtime")));
}

/* The length bounds the text: no terminating NUL needed. */
TEST(class_length_bounds)
{
	EXPECT_EQ(HSHM_CLASS_REALTIME, hshm_class_lookup("realtime=500us", 8));
	EXPECT_EQ(HSHM_CLASS_RELIABLE, hshm_class_lookup("2:closed", 1));
	EXPECT_EQ(-EINVAL, hshm_class_lookup("realtime", 7));
	EXPECT_EQ(-EINVAL, hshm_class_lookup("12", 2));
	EXPECT_EQ(HSHM_CLASS_THROUGHPUT, hshm_class_lookup("12", 1));
}

/* ---------------------------------------------------------------- WRR */

static const u16 weight_sets[][HSHM_NR_CLASSES] = {
	{ 4, 2, 2, 1 },
	{ 8, 2, 1, 1 },
	{ 4, 4, 1, 1 },
	{ 1, 1, 1, 1 },
	{ 1000, 1, 7, 300 },
};

/* With every class backlogged, each whole round gives exactly the weights. */
TEST(wrr_exact_shares)
{
	unsigned int s, round, i, c;

	for (s = 0; s < ARRAY_SIZE(weight_sets); s++) {
		const u16 *w = weight_sets[s];
		unsigned int sum = weight_sum(w);
		unsigned int total[HSHM_NR_CLASSES] = { 0 };
		struct hshm_wrr wrr;

		hshm_wrr_init(&wrr, w);
		for (round = 0; round < 50; round++) {
			unsigned int cnt[HSHM_NR_CLASSES] = { 0 };

			for (i = 0; i < sum; i++) {
				int pick = hshm_wrr_pick(&wrr, ALL_CLASSES);

				ASSERT_GE(pick, 0);
				ASSERT_LT(pick, HSHM_NR_CLASSES);
				cnt[pick]++;
				total[pick]++;
			}
			for (c = 0; c < HSHM_NR_CLASSES; c++) {
				ASSERT_EQ(w[c], cnt[c]) {
					TH_LOG("set %u round %u class %u",
					       s, round, c);
				}
			}
		}
		for (c = 0; c < HSHM_NR_CLASSES; c++) {
			EXPECT_EQ(50u * w[c], total[c]);
		}
	}
}

/*
 * The classes interleave inside a round (one message per class in turn),
 * so the first picks of a round visit every class before any repeats.
 */
TEST(wrr_interleaves)
{
	static const u16 w[HSHM_NR_CLASSES] = { 8, 2, 1, 1 };
	struct hshm_wrr wrr;
	unsigned int i;

	hshm_wrr_init(&wrr, w);
	for (i = 0; i < HSHM_NR_CLASSES; i++) {
		EXPECT_EQ((int)i, hshm_wrr_pick(&wrr, ALL_CLASSES));
	}
}

/* Only backlogged classes are picked, and one is always picked. */
TEST(wrr_work_conserving)
{
	struct hshm_wrr wrr;
	uint64_t s = 42;
	unsigned int s_idx, i;

	for (s_idx = 0; s_idx < ARRAY_SIZE(weight_sets); s_idx++) {
		hshm_wrr_init(&wrr, weight_sets[s_idx]);
		EXPECT_EQ(-1, hshm_wrr_pick(&wrr, 0));
		for (i = 0; i < 20000; i++) {
			unsigned int mask = rng_next(&s) % 16;
			int pick = hshm_wrr_pick(&wrr, mask);

			if (!mask) {
				ASSERT_EQ(-1, pick);
				continue;
			}
			ASSERT_GE(pick, 0);
			ASSERT_NE(0u, mask & (1u << pick));
		}
	}
	/* a single backlogged class gets every pick, however low its weight */
	hshm_wrr_init(&wrr, weight_sets[1]);
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(3, hshm_wrr_pick(&wrr, 1u << 3));
	}
	/* bits above the classes are ignored */
	EXPECT_EQ(-1, hshm_wrr_pick(&wrr, 0xf0));
}

/*
 * A class that was idle does not come back with more than one round of
 * credit: credit never exceeds the weight, and once everything is
 * backlogged again its share over whole rounds is its weight (within one
 * round's worth).
 */
TEST(wrr_idle_credit_not_hoarded)
{
	static const u16 w[HSHM_NR_CLASSES] = { 4, 2, 2, 1 };
	struct hshm_wrr wrr;
	unsigned int i, c, cnt[HSHM_NR_CLASSES] = { 0 };
	const unsigned int rounds = 20;

	hshm_wrr_init(&wrr, w);
	/* class 0 idle for a long time while the others are served */
	for (i = 0; i < 10000; i++) {
		int pick = hshm_wrr_pick(&wrr, 0xe);

		ASSERT_NE(0, pick);
		for (c = 0; c < HSHM_NR_CLASSES; c++) {
			ASSERT_LE(wrr.credit[c], w[c]);
		}
	}
	/* everybody backlogged */
	for (i = 0; i < rounds * 9; i++) {
		int pick = hshm_wrr_pick(&wrr, ALL_CLASSES);

		ASSERT_GE(pick, 0);
		cnt[pick]++;
		for (c = 0; c < HSHM_NR_CLASSES; c++) {
			ASSERT_LE(wrr.credit[c], w[c]);
		}
	}
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		EXPECT_LE(cnt[c], rounds * w[c] + w[c]);
		EXPECT_GE(cnt[c] + w[c], rounds * w[c]);
	}
	/* the idle class's extra is at most what one round holds */
	EXPECT_LE(cnt[0], rounds * w[0] + w[0]);
}

/* Changing weights mid-round: clipped at once, exact from the next round. */
TEST(wrr_set_weights_mid_round)
{
	static const u16 w1[HSHM_NR_CLASSES] = { 4, 2, 2, 1 };
	static const u16 w2[HSHM_NR_CLASSES] = { 1, 1, 3, 1 };
	static const u16 w3[HSHM_NR_CLASSES] = { 8, 2, 1, 1 };
	unsigned int i, c, guard, cnt[HSHM_NR_CLASSES];
	struct hshm_wrr wrr;

	hshm_wrr_init(&wrr, w1);
	for (i = 0; i < 3; i++)
		hshm_wrr_pick(&wrr, ALL_CLASSES);
	hshm_wrr_set_weights(&wrr, w2);
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		EXPECT_EQ(w2[c], wrr.weight[c]);
		EXPECT_LE(wrr.credit[c], w2[c]);
	}
	/* finish the current round: nobody exceeds the new weight in it */
	memset(cnt, 0, sizeof(cnt));
	for (guard = 0; guard < 100; guard++) {
		for (c = 0; c < HSHM_NR_CLASSES; c++)
			if (wrr.credit[c])
				break;
		if (c == HSHM_NR_CLASSES)
			break;
		cnt[hshm_wrr_pick(&wrr, ALL_CLASSES)]++;
	}
	ASSERT_LT(guard, 100u);
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		EXPECT_LE(cnt[c], w2[c]);
	}
	/* whole rounds from here on are exact */
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < 30 * weight_sum(w2); i++)
		cnt[hshm_wrr_pick(&wrr, ALL_CLASSES)]++;
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		EXPECT_EQ(30u * w2[c], cnt[c]);
	}

	/* raising weights mid-round: exact within a round's slack, then exact */
	hshm_wrr_pick(&wrr, ALL_CLASSES);
	hshm_wrr_set_weights(&wrr, w3);
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < 30 * weight_sum(w3); i++)
		cnt[hshm_wrr_pick(&wrr, ALL_CLASSES)]++;
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		EXPECT_LE(cnt[c], 30u * w3[c] + w2[c]);
		EXPECT_GE(cnt[c] + w3[c], 30u * w3[c]);
	}
}

/* ------------------------------------------------ schedulers, DRR */

/* The ABI's names (sysfs, netlink's tools), spelled out here on purpose. */
TEST(sched_names)
{
	static const char *const bad[] = {
		"", "rr", "wrr ", " wrr", "wrr\n", "dr", "drrr", "fif", "4",
		"0", "fifo_", "w-rr",
	};
	unsigned int i;

	EXPECT_STREQ("wrr", hshm_sched_str(HSHM_SCHED_WRR));
	EXPECT_STREQ("fifo", hshm_sched_str(HSHM_SCHED_FIFO));
	EXPECT_STREQ("drr", hshm_sched_str(HSHM_SCHED_DRR));
	EXPECT_TRUE(!hshm_sched_str(HSHM_NR_SCHEDS));
	/* numbered as the netlink enum */
	EXPECT_EQ(HSHM_NL_SCHED_WRR, HSHM_SCHED_WRR);
	EXPECT_EQ(HSHM_NL_SCHED_FIFO, HSHM_SCHED_FIFO);
	EXPECT_EQ(HSHM_NL_SCHED_DRR, HSHM_SCHED_DRR);
	for (i = 0; i < HSHM_NR_SCHEDS; i++) {
		const char *n = hshm_sched_str(i);

		EXPECT_EQ((int)i, hshm_sched_lookup(n, strlen(n)));
	}
	EXPECT_EQ(HSHM_SCHED_DRR, hshm_sched_lookup("DRR", 3));
	EXPECT_EQ(HSHM_SCHED_FIFO, hshm_sched_lookup("fifo\n", 4));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, hshm_sched_lookup(bad[i], strlen(bad[i]))) {
			TH_LOG("accepted '%s'", bad[i]);
		}
	}
}

/* The first class of a ready bitmap at or after a class, wrapping. */
TEST(cls_from_wraps)
{
	unsigned int mask, from, want, k;

	for (mask = 1; mask <= ALL_CLASSES; mask++) {
		for (from = 0; from <= HSHM_NR_CLASSES; from++) {
			for (k = 0; k < HSHM_NR_CLASSES; k++) {
				want = (from + k) % HSHM_NR_CLASSES;
				if (mask & (1u << want))
					break;
			}
			EXPECT_EQ(want, hshm_cls_from(mask, from)) {
				TH_LOG("mask %#x from %u", mask, from);
			}
		}
	}
}

/*
 * What the dispatcher does with DRR: pick, send the class's first request
 * if it fits, else pick again.  Class c's requests are size[c] bytes.
 * Returns the class that sent, -1 for an empty mask, -2 if no class sent
 * within two rounds of visits (never: a round that sends nothing is
 * followed by one that does).
 */
static int drr_send(struct hshm_drr *d, unsigned int mask, const u32 *size)
{
	unsigned int tries;

	for (tries = 0; tries <= 2 * HSHM_NR_CLASSES; tries++) {
		int c = hshm_drr_pick(d, mask);

		if (c < 0)
			return c;
		if (hshm_drr_fits(d, (unsigned int)c, size[c], mask)) {
			hshm_drr_charge(d, (unsigned int)c, size[c]);
			return c;
		}
	}
	return -2;
}

/*
 * Every class backlogged with requests of its own size: DRR's bytes per
 * class follow the weights, whatever the sizes, where WRR's messages do.
 * A class's bytes stay within about two quanta and two requests of its
 * share of the total, so the run lasts until that is 1% of the smallest
 * share.  Returns the largest error of a share, in percent of it.
 */
static double drr_share_error(const u16 *w, const u32 *size, u32 base,
			      u64 *bytes, u64 *sends)
{
	unsigned int c, k, sum = weight_sum(w);
	u64 total = 0, horizon = 0, slack;
	struct hshm_drr d;
	double worst = 0;

	hshm_drr_init(&d, w, base);
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		bytes[c] = 0;
		slack = 0;
		for (k = 0; k < HSHM_NR_CLASSES; k++)
			if (slack < 2 * ((u64)d.quantum[c] + size[k]))
				slack = 2 * ((u64)d.quantum[c] + size[k]);
		/* 100 x slack is at most 1% of class c's share of it */
		if (horizon < 100 * slack * sum / w[c])
			horizon = 100 * slack * sum / w[c];
	}
	for (*sends = 0; total < horizon; (*sends)++) {
		int c = drr_send(&d, ALL_CLASSES, size);

		if (c < 0)
			return 100;
		bytes[c] += size[c];
		total += size[c];
	}
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		double want = (double)w[c] / sum;
		double got = (double)bytes[c] / (double)total;
		double err = fabs(got - want) / want * 100;

		if (err > worst)
			worst = err;
	}
	return worst;
}

TEST(drr_byte_shares_mixed_sizes)
{
	/* qos.md's weights and sizes, and a mix beyond them */
	static const u16 weights[][HSHM_NR_CLASSES] = {
		{ 4, 2, 2, 1 }, { 8, 2, 1, 1 }, { 4, 4, 1, 1 }, { 1, 1, 1, 1 },
	};
	static const u32 sizes[][HSHM_NR_CLASSES] = {
		{ 128, 1024, 16384, 65536 },
		{ 65536, 128, 1024, 16384 },
		{ 1024, 1024, 1024, 1024 },
		{ 64, 300, 7000, 262144 },
	};
	static const u32 bases[] = { HSHM_DRR_QUANTUM_MIN, HSHM_DRR_QUANTUM_DEF,
				     65536 };
	u64 bytes[HSHM_NR_CLASSES], sends;
	unsigned int s, z, b;

	for (s = 0; s < ARRAY_SIZE(weights); s++)
		for (z = 0; z < ARRAY_SIZE(sizes); z++)
			for (b = 0; b < ARRAY_SIZE(bases); b++) {
				double err = drr_share_error(weights[s], sizes[z],
							     bases[b], bytes,
							     &sends);

				EXPECT_LE(err, 1.0) {
					TH_LOG("weights %u:%u:%u:%u sizes %u..%u base %u: %.2f%% off after %llu sends (%llu %llu %llu %llu)",
					       weights[s][0], weights[s][1],
					       weights[s][2], weights[s][3],
					       sizes[z][0], sizes[z][3], bases[b], err,
					       (unsigned long long)sends,
					       (unsigned long long)bytes[0],
					       (unsigned long long)bytes[1],
					       (unsigned long long)bytes[2],
					       (unsigned long long)bytes[3]);
				}
			}
}

/*
 * Equal sizes and a quantum of one request: DRR is WRR, visit after
 * visit (each class sends its weight in requests per round).
 */
TEST(drr_equal_sizes_rounds)
{
	static const u16 w[HSHM_NR_CLASSES] = { 4, 2, 2, 1 };
	static const u32 size[HSHM_NR_CLASSES] = { 100, 100, 100, 100 };
	static const int want[] = {
		0, 0, 0, 0, 1, 1, 2, 2, 3,
		0, 0, 0, 0, 1, 1, 2, 2, 3,
	};
	struct hshm_drr d;
	unsigned int i;

	hshm_drr_init(&d, w, 100);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ASSERT_EQ(want[i], drr_send(&d, ALL_CLASSES, size)) {
			TH_LOG("send %u", i);
		}
	}
}

/* Only backlogged classes send, and one always does, soon. */
TEST(drr_work_conserving)
{
	struct hshm_drr d;
	uint64_t s = 7;
	unsigned int s_idx, i, c;
	u32 size[HSHM_NR_CLASSES];

	for (s_idx = 0; s_idx < ARRAY_SIZE(weight_sets); s_idx++) {
		hshm_drr_init(&d, weight_sets[s_idx], HSHM_DRR_QUANTUM_MIN);
		EXPECT_EQ(-1, hshm_drr_pick(&d, 0));
		for (i = 0; i < 20000; i++) {
			unsigned int mask = rng_next(&s) % 16;
			int pick;

			for (c = 0; c < HSHM_NR_CLASSES; c++)
				size[c] = (u32)(rng_next(&s) % 70000);
			pick = drr_send(&d, mask, size);
			if (!mask) {
				ASSERT_EQ(-1, pick);
				continue;
			}
			ASSERT_GE(pick, 0);
			ASSERT_NE(0u, mask & (1u << pick));
		}
	}
	/* one class alone, of requests far above its quantum: each time */
	hshm_drr_init(&d, weight_sets[1], HSHM_DRR_QUANTUM_MIN);
	size[3] = 262144;
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(3, drr_send(&d, 1u << 3, size));
	}
	EXPECT_EQ(-1, hshm_drr_pick(&d, 0xf0));
}

/*
 * A class that had nothing waiting leaves the round with nothing left;
 * what it had left is kept while it stays busy.  A big request sent
 * alone leaves no debt: the next requests share fairly at once.
 */
TEST(drr_idle_class_keeps_nothing)
{
	static const u16 w[HSHM_NR_CLASSES] = { 1, 1, 1, 1 };
	static const u32 size[HSHM_NR_CLASSES] = { 10, 500, 500, 500 };
	static const u32 big[HSHM_NR_CLASSES] = { 32768, 512, 512, 512 };
	static const u32 even[HSHM_NR_CLASSES] = { 512, 512, 512, 512 };
	unsigned int i, cnt[HSHM_NR_CLASSES] = { 0 };
	struct hshm_drr d;

	hshm_drr_init(&d, w, 1000);
	/* class 0 sends one small request and the rest stays its own */
	ASSERT_EQ(0, drr_send(&d, 1u << 0, size));
	EXPECT_EQ(990u, d.deficit[0]);
	ASSERT_EQ(0, drr_send(&d, ALL_CLASSES, size));
	EXPECT_EQ(980u, d.deficit[0]);
	/* then it goes idle while the others are served */
	for (i = 0; i < 100; i++) {
		ASSERT_NE(0, drr_send(&d, 0xe, size));
	}
	EXPECT_EQ(0u, d.deficit[0]);

	/* a 32 KiB request alone, quantum 1000: sent, nothing owed */
	hshm_drr_init(&d, w, 1000);
	ASSERT_EQ(0, drr_send(&d, 1u << 0, big));
	EXPECT_GT(1000u, d.deficit[0]);
	/* now all busy with 512-byte requests: round robin from here */
	for (i = 0; i < 400; i++) {
		int c = drr_send(&d, ALL_CLASSES, even);

		ASSERT_GE(c, 0);
		cnt[c]++;
	}
	for (i = 0; i < HSHM_NR_CLASSES; i++) {
		EXPECT_LE(cnt[i], 102u);
		EXPECT_GE(cnt[i], 98u);
	}
}

/*
 * Empty requests cost a byte: a class of them sends a quantum's worth
 * per visit, not for ever.  Requests far above every class's quantum: the
 * rounds in which none fits are skipped at once, and the classes still
 * take turns.
 */
TEST(drr_small_quantum_and_empty_requests)
{
	static const u16 w[HSHM_NR_CLASSES] = { 1, 1, 1, 1 };
	static const u32 size[HSHM_NR_CLASSES] = { 0, 262144, 262144, 262144 };
	struct hshm_drr d;
	unsigned int i;

	hshm_drr_init(&d, w, HSHM_DRR_QUANTUM_MIN);
	for (i = 0; i < HSHM_DRR_QUANTUM_MIN; i++) {
		ASSERT_EQ(0, drr_send(&d, ALL_CLASSES, size));
	}
	/* class 0's visit is over: 64 one-byte sends */
	ASSERT_EQ(0, hshm_drr_pick(&d, ALL_CLASSES));
	EXPECT_FALSE(hshm_drr_fits(&d, 0, 0, ALL_CLASSES));
	/* the big ones alone: turn by turn, each send within two rounds */
	for (i = 0; i < 30; i++) {
		ASSERT_EQ((int)(1 + i % 3), drr_send(&d, 0xe, size)) {
			TH_LOG("send %u", i);
		}
	}
}

/* A new weight takes effect within the visit and is exact from then on. */
TEST(drr_set_quantum)
{
	static const u16 w1[HSHM_NR_CLASSES] = { 8, 2, 1, 1 };
	static const u16 w2[HSHM_NR_CLASSES] = { 1, 1, 1, 4 };
	static const u32 size[HSHM_NR_CLASSES] = { 128, 1024, 16384, 65536 };
	u64 bytes[HSHM_NR_CLASSES] = { 0 }, total = 0;
	struct hshm_drr d;
	unsigned int i, c;

	hshm_drr_init(&d, w1, 65536);
	ASSERT_EQ(0, drr_send(&d, ALL_CLASSES, size));
	hshm_drr_set_quantum(&d, w2, 65536);
	EXPECT_EQ(65536u, d.deficit[0]);
	EXPECT_EQ(4u * 65536, d.quantum[3]);
	for (i = 0; i < 200000; i++) {
		int pick = drr_send(&d, ALL_CLASSES, size);

		ASSERT_GE(pick, 0);
		bytes[pick] += size[pick];
		total += size[pick];
	}
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		double want = (double)w2[c] / weight_sum(w2);

		EXPECT_LE(fabs((double)bytes[c] / (double)total - want) / want,
			  0.01) {
			TH_LOG("class %u: %llu of %llu bytes", c,
			       (unsigned long long)bytes[c],
			       (unsigned long long)total);
		}
	}
}

/* -------------------------------------------------------------- quota */

static const u8 default_reserve[HSHM_NR_CLASSES] = { 20, 10, 10, 0 };

static u32 take_all(struct hshm_quota *q, unsigned int cls, u32 unit)
{
	u32 got = 0;

	while (hshm_quota_take(q, cls, unit))
		got += unit;
	return got;
}

static int quota_consistent(const struct hshm_quota *q)
{
	u32 sum = 0, over = 0;
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		sum += q->used[c];
		if (q->used[c] > q->reserve[c])
			over += q->used[c] - q->reserve[c];
	}
	return sum == q->used_total && over == q->shared_used &&
	       q->used_total <= q->total;
}

TEST(quota_reserve_then_shared)
{
	struct hshm_quota q;

	hshm_quota_init(&q, 1000);
	ASSERT_EQ(0, hshm_quota_set_reserve(&q, default_reserve));
	EXPECT_EQ(200u, q.reserve[0]);
	EXPECT_EQ(100u, q.reserve[1]);
	EXPECT_EQ(100u, q.reserve[2]);
	EXPECT_EQ(0u, q.reserve[3]);
	EXPECT_EQ(600u, hshm_quota_shared_total(&q));

	/* within the reserve nothing is shared */
	ASSERT_TRUE(hshm_quota_take(&q, 0, 150));
	EXPECT_EQ(0u, q.shared_used);
	/* crossing the reserve: only the excess is shared */
	ASSERT_TRUE(hshm_quota_take(&q, 0, 100));
	EXPECT_EQ(50u, q.shared_used);
	EXPECT_EQ(250u, q.used[0]);
	/* giving back refills the reserve last: the shared part first */
	hshm_quota_give(&q, 0, 60);
	EXPECT_EQ(0u, q.shared_used);
	EXPECT_EQ(190u, q.used[0]);
	EXPECT_TRUE(quota_consistent(&q));
	hshm_quota_give(&q, 0, 190);
	EXPECT_EQ(0u, q.used_total);

	/* a class with no reserve gets exactly the shared part */
	EXPECT_EQ(600u, take_all(&q, 3, 1));
	/* the reserves of the others are intact */
	EXPECT_EQ(200u, take_all(&q, 0, 1));
	EXPECT_EQ(100u, take_all(&q, 1, 1));
	EXPECT_EQ(100u, take_all(&q, 2, 1));
	EXPECT_EQ(1000u, q.used_total);
	EXPECT_FALSE(hshm_quota_take(&q, 3, 1));
	EXPECT_TRUE(quota_consistent(&q));
}

/* A failed take leaves the accounting untouched. */
TEST(quota_failed_take_no_change)
{
	struct hshm_quota q, before;

	hshm_quota_init(&q, 100);
	ASSERT_EQ(0, hshm_quota_set_reserve(&q, default_reserve));
	ASSERT_TRUE(hshm_quota_take(&q, 3, 50));
	before = q;
	EXPECT_FALSE(hshm_quota_take(&q, 3, 11));
	EXPECT_EQ(0, memcmp(&before, &q, sizeof(q)));
	EXPECT_FALSE(hshm_quota_take(&q, 0, 101));
	EXPECT_EQ(0, memcmp(&before, &q, sizeof(q)));
}

/*
 * Whatever the others do, a class can always take what is left of its
 * reserve: random floods and gives by three classes, with class 0 probing.
 */
TEST(quota_flood_never_takes_reserve)
{
	static const u8 reserves[][HSHM_NR_CLASSES] = {
		{ 20, 10, 10, 0 }, { 40, 0, 0, 0 }, { 25, 25, 25, 25 },
		{ 0, 0, 0, 0 }, { 100, 0, 0, 0 },
	};
	unsigned int r, i, victim, c;
	uint64_t s = 99;

	for (r = 0; r < ARRAY_SIZE(reserves); r++) {
		for (victim = 0; victim < HSHM_NR_CLASSES; victim++) {
			struct hshm_quota q;

			hshm_quota_init(&q, 8192);
			ASSERT_EQ(0, hshm_quota_set_reserve(&q, reserves[r]));
			for (i = 0; i < 5000; i++) {
				u32 n = 1 + rng_next(&s) % 64;

				c = rng_next(&s) % HSHM_NR_CLASSES;
				if (c == victim)
					continue;
				if (rng_next(&s) % 3 == 0) {
					if (n > q.used[c])
						n = q.used[c];
					hshm_quota_give(&q, c, n);
				} else {
					hshm_quota_take(&q, c, n);
				}
				ASSERT_TRUE(quota_consistent(&q));
				if (i % 97 == 0) {
					u32 left = q.reserve[victim] -
						   q.used[victim];

					if (left) {
						ASSERT_TRUE(hshm_quota_take(&q, victim,
									    left));
						hshm_quota_give(&q, victim, left);
					}
				}
			}
			/* whatever else happened, the full reserve is there */
			if (q.reserve[victim]) {
				ASSERT_TRUE(hshm_quota_take(&q, victim,
							    q.reserve[victim]));
			}
		}
	}
}

/* Changing the reserves while units are held never takes them away. */
TEST(quota_set_reserve_with_units_held)
{
	static const u8 over[HSHM_NR_CLASSES] = { 50, 50, 1, 0 };
	static const u8 half[HSHM_NR_CLASSES] = { 50, 50, 0, 0 };
	struct hshm_quota q, before;

	hshm_quota_init(&q, 1000);
	ASSERT_EQ(0, hshm_quota_set_reserve(&q, default_reserve));
	ASSERT_EQ(600u, take_all(&q, 3, 1));

	before = q;
	EXPECT_EQ(-EINVAL, hshm_quota_set_reserve(&q, over));
	EXPECT_EQ(0, memcmp(&before, &q, sizeof(q)));

	/* class 3 now holds far more than the shared part (which is 0) */
	ASSERT_EQ(0, hshm_quota_set_reserve(&q, half));
	EXPECT_EQ(600u, q.used[3]);
	EXPECT_EQ(600u, q.used_total);
	EXPECT_TRUE(quota_consistent(&q));
	/* nothing is over-allocated: only what is physically free is given */
	EXPECT_EQ(400u, take_all(&q, 0, 1));
	EXPECT_FALSE(hshm_quota_take(&q, 1, 1));
	EXPECT_FALSE(hshm_quota_take(&q, 3, 1));
	EXPECT_LE(q.used_total, q.total);
	/* the holder gives back without underflow, refilling class 1 */
	hshm_quota_give(&q, 3, 600);
	EXPECT_EQ(0u, q.used[3]);
	EXPECT_TRUE(quota_consistent(&q));
	EXPECT_EQ(500u, take_all(&q, 1, 1));
	EXPECT_FALSE(hshm_quota_take(&q, 3, 1));
	/* class 0 holds 400 of its 500: exactly 100 more */
	EXPECT_EQ(100u, take_all(&q, 0, 1));
}

/* Giving everything back restores the initial state; refill works. */
TEST(quota_give_refills)
{
	struct hshm_quota q;
	unsigned int round, c;

	hshm_quota_init(&q, 4096);
	ASSERT_EQ(0, hshm_quota_set_reserve(&q, default_reserve));
	for (round = 0; round < 3; round++) {
		u32 got[HSHM_NR_CLASSES];

		got[3] = take_all(&q, 3, 7);
		got[2] = take_all(&q, 2, 7);
		got[1] = take_all(&q, 1, 7);
		got[0] = take_all(&q, 0, 7);
		ASSERT_TRUE(quota_consistent(&q));
		for (c = 0; c < HSHM_NR_CLASSES; c++)
			hshm_quota_give(&q, c, got[c]);
		for (c = 0; c < HSHM_NR_CLASSES; c++) {
			ASSERT_EQ(0u, q.used[c]);
		}
		ASSERT_EQ(0u, q.used_total);
		ASSERT_EQ(0u, q.shared_used);
	}
}

/* ---------------------------------------------------------- histogram */

/* The driver's geometry and hshm-bench's. */
static const unsigned int geometries[] = { HSHM_HIST_SUB_BITS, 6 };

static void check_value(struct __test_metadata *_metadata, u64 v,
			unsigned int sb)
{
	unsigned int b = hshm_hist_index(v, sb);
	u64 lo, hi, mid, err;

	ASSERT_LT(b, hshm_hist_nbuckets(sb));
	lo = hshm_hist_low(b, sb);
	hi = hshm_hist_high(b, sb);
	ASSERT_LE(lo, v) TH_LOG("v %llu bucket %u", (unsigned long long)v, b);
	ASSERT_GE(hi, v) TH_LOG("v %llu bucket %u", (unsigned long long)v, b);
	mid = lo + (hi - lo) / 2;
	err = mid > v ? mid - v : v - mid;
	/* err / v <= 2^-sub_bits */
	ASSERT_LE(err, v >> sb) TH_LOG("v %llu mid %llu sub_bits %u",
				       (unsigned long long)v,
				       (unsigned long long)mid, sb);
}

TEST(hist_geometry)
{
	unsigned int sb;

	EXPECT_EQ(8u, HSHM_HIST_SUB);
	EXPECT_EQ(496u, HSHM_HIST_BUCKETS);
	EXPECT_EQ(HSHM_HIST_BUCKETS, hshm_hist_nbuckets(HSHM_HIST_SUB_BITS));
	EXPECT_EQ(3776u, hshm_hist_nbuckets(6));
	EXPECT_EQ(HSHM_HIST_BUCKETS_MAX,
		  hshm_hist_nbuckets(HSHM_HIST_SUB_BITS_MAX));
	for (sb = 0; sb <= HSHM_HIST_SUB_BITS_MAX; sb++) {
		EXPECT_LE(hshm_hist_nbuckets(sb), HSHM_HIST_BUCKETS_MAX);
		EXPECT_EQ(hshm_hist_nbuckets(sb) - 1, hshm_hist_index(~0ull, sb));
	}
	/* 1000 ns: 960..1023 with 3 sub-bits, exactly 1000..1007 with 6 */
	EXPECT_EQ(63u, hshm_hist_index(1000, 3));
	EXPECT_EQ(960ull, hshm_hist_low(63, 3));
	EXPECT_EQ(1023ull, hshm_hist_high(63, 3));
	EXPECT_EQ(317u, hshm_hist_index(1000, 6));
	EXPECT_EQ(1000ull, hshm_hist_low(317, 6));
	EXPECT_EQ(1007ull, hshm_hist_high(317, 6));
	/* the first buckets above the exact ones */
	EXPECT_EQ(16u, hshm_hist_index(16, 3));
	EXPECT_EQ(16u, hshm_hist_index(17, 3));
	EXPECT_EQ(17u, hshm_hist_index(18, 3));
	EXPECT_EQ(64u, hshm_hist_index(64, 6));
	EXPECT_EQ(127u, hshm_hist_index(127, 6));
	EXPECT_EQ(128u, hshm_hist_index(128, 6));
	EXPECT_EQ(128u, hshm_hist_index(129, 6));
}

TEST(hist_bucket_bounds)
{
	unsigned int g, b, i, k;

	for (g = 0; g < ARRAY_SIZE(geometries); g++) {
		unsigned int sb = geometries[g], n = hshm_hist_nbuckets(sb);
		uint64_t s = 5;

		for (i = 0; i < 100000; i++)
			check_value(_metadata, i, sb);
		for (k = 0; k < 64; k++) {
			u64 p = 1ull << k;

			check_value(_metadata, p, sb);
			check_value(_metadata, p - 1, sb);
			check_value(_metadata, p + 1, sb);
			check_value(_metadata, p + p / 2, sb);
		}
		for (i = 0; i < 200000; i++) {
			u64 v = rng_next(&s);

			/* spread over every magnitude */
			check_value(_metadata, v >> (rng_next(&s) % 64), sb);
		}
		check_value(_metadata, ~0ull, sb);
		EXPECT_EQ(n - 1, hshm_hist_index(~0ull, sb));
		EXPECT_EQ(~0ull, hshm_hist_high(n - 1, sb));
		EXPECT_EQ(0u, hshm_hist_index(0, sb));
		EXPECT_EQ(0ull, hshm_hist_low(0, sb));

		/* buckets tile the value range with no gap and no overlap */
		for (b = 0; b + 1 < n; b++) {
			ASSERT_EQ(hshm_hist_high(b, sb) + 1,
				  hshm_hist_low(b + 1, sb));
			ASSERT_EQ(b, hshm_hist_index(hshm_hist_low(b, sb), sb));
			ASSERT_EQ(b, hshm_hist_index(hshm_hist_high(b, sb), sb));
			ASSERT_LT(hshm_hist_low(b, sb), hshm_hist_low(b + 1, sb));
		}
		/* small values are exact */
		for (i = 0; i < 1u << sb; i++) {
			EXPECT_EQ(hshm_hist_low(i, sb), hshm_hist_high(i, sb));
		}
	}
}

struct hist {
	u64 b[HSHM_HIST_BUCKETS_MAX];
	unsigned int sub_bits;
	u64 count;
	u64 max;
};

static void hist_reset(struct hist *h, unsigned int sub_bits)
{
	memset(h, 0, sizeof(*h));
	h->sub_bits = sub_bits;
}

static void hist_add(struct hist *h, u64 v, u64 n)
{
	h->b[hshm_hist_index(v, h->sub_bits)] += n;
	h->count += n;
	if (v > h->max)
		h->max = v;
}

static u64 pct(const struct hist *h, unsigned int permille)
{
	return hshm_hist_percentile(h->b, h->sub_bits, h->count, permille,
				    h->max);
}

static int within(u64 got, u64 want)
{
	u64 err = got > want ? got - want : want - got;

	return err * 8 <= want;
}

TEST(hist_percentiles)
{
	struct hist *h = calloc(1, sizeof(*h));
	unsigned int g;
	u64 v;

	ASSERT_NE(NULL, h);
	for (g = 0; g < ARRAY_SIZE(geometries); g++) {
		unsigned int sb = geometries[g];

		TH_LOG("sub_bits %u", sb);
		hist_reset(h, sb);
		EXPECT_EQ(0ull, pct(h, 500));

		/* uniform 1..100000 */
		for (v = 1; v <= 100000; v++)
			hist_add(h, v, 1);
		EXPECT_TRUE(within(pct(h, 500), 50000));
		EXPECT_TRUE(within(pct(h, 950), 95000));
		EXPECT_TRUE(within(pct(h, 990), 99000));
		EXPECT_EQ(100000ull, pct(h, 1000));
		EXPECT_LE(pct(h, 500), pct(h, 950));
		EXPECT_LE(pct(h, 950), pct(h, 990));
		EXPECT_LE(pct(h, 990), pct(h, 1000));

		/* one value: every percentile is (close to) it, never above max */
		hist_reset(h, sb);
		hist_add(h, 1234567, 1000);
		EXPECT_TRUE(within(pct(h, 500), 1234567));
		EXPECT_LE(pct(h, 990), 1234567ull);
		EXPECT_EQ(1234567ull, pct(h, 1000));

		/* two modes: 90% at 100 us, 10% at 10 ms */
		hist_reset(h, sb);
		hist_add(h, 100000, 900);
		hist_add(h, 10000000, 100);
		EXPECT_TRUE(within(pct(h, 500), 100000));
		EXPECT_TRUE(within(pct(h, 900), 100000));
		EXPECT_TRUE(within(pct(h, 901), 10000000));
		EXPECT_TRUE(within(pct(h, 990), 10000000));

		/* the rank is rounded up: of 1, 2, 3 the median is 2 */
		hist_reset(h, sb);
		hist_add(h, 1, 1);
		hist_add(h, 2, 1);
		hist_add(h, 3, 1);
		EXPECT_EQ(2ull, pct(h, 500));
		EXPECT_EQ(2ull, pct(h, 340));
		EXPECT_EQ(1ull, pct(h, 333));
		EXPECT_EQ(3ull, pct(h, 990));

		/* exact small values: 50 x 3 and 50 x 7 */
		hist_reset(h, sb);
		hist_add(h, 3, 50);
		hist_add(h, 7, 50);
		EXPECT_EQ(3ull, pct(h, 500));
		EXPECT_EQ(7ull, pct(h, 510));
		EXPECT_EQ(3ull, pct(h, 0));

		/* exponential-ish: 2^k appears 2^(20-k) times */
		hist_reset(h, sb);
		for (v = 0; v <= 20; v++)
			hist_add(h, 1ull << (10 + v), 1ull << (20 - v));
		/* half of all samples are the smallest value */
		EXPECT_TRUE(within(pct(h, 500), 1024));
		EXPECT_TRUE(within(pct(h, 750), 2048));
	}
	/* 1000 ns: midpoint 991 of 960..1023; with 6 bits 1003, clipped to 1000 */
	hist_reset(h, HSHM_HIST_SUB_BITS);
	hist_add(h, 1000, 1);
	EXPECT_EQ(991ull, pct(h, 500));
	hist_reset(h, 6);
	hist_add(h, 1000, 1);
	EXPECT_EQ(1000ull, pct(h, 500));
	free(h);
}

TEST_HARNESS_MAIN
