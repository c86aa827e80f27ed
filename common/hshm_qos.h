/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure QoS logic shared by the driver, the tools and the unit tests: the
 * class and scheduler names and their grammar, the weighted and deficit
 * round-robin pickers, reserved + shared quota accounting, and the
 * log-linear latency histogram arithmetic.  None of it locks; callers do.
 */
#ifndef _HSHM_QOS_H
#define _HSHM_QOS_H

#include "hshm_port.h"

#define HSHM_NR_CLASSES		4
#define HSHM_WEIGHT_MIN		1
#define HSHM_WEIGHT_MAX		1000

/**
 * hshm_class_str() - name of a class
 * @c: class, 0..%HSHM_NR_CLASSES - 1
 *
 * The one table of class names: sysfs (classes/<name>/, stats),
 * netlink and the tools print these.
 *
 * Return: the name, or NULL for anything but a class.
 */
static inline const char *hshm_class_str(unsigned int c)
{
	static const char *const names[HSHM_NR_CLASSES] = {
		"realtime", "throughput", "reliable", "best_effort",
	};

	return c < HSHM_NR_CLASSES ? names[c] : NULL;
}

/* A character of a class name as hshm_class_str() spells it. */
static inline char hshm_class_fold(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return (char)(ch - 'A' + 'a');
	return ch == '-' ? '_' : ch;
}

/* Is @s (@len bytes) @name, as hshm_class_fold() spells it? */
static inline bool hshm_name_is(const char *name, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && name[i]; i++)
		if (hshm_class_fold(s[i]) != name[i])
			return false;
	return i == len && !name[i];
}

/**
 * hshm_class_lookup() - class of a name or a number
 * @s: the text, not necessarily NUL-terminated
 * @len: its length in bytes
 *
 * The one grammar of classes, for every parser (sysfs, libhshm, the
 * tools): a name of hshm_class_str() in any case and with '-' taken for
 * '_' ("Best-Effort" is best_effort), or a class number "0".."3".  Nothing
 * else: no abbreviation, no white space (callers trim it if their syntax
 * allows it).
 *
 * Return: the class, or -EINVAL.
 */
static inline int hshm_class_lookup(const char *s, size_t len)
{
	unsigned int c;

	if (len == 1 && s[0] >= '0' && s[0] < '0' + HSHM_NR_CLASSES)
		return s[0] - '0';
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		if (hshm_name_is(hshm_class_str(c), s, len))
			return (int)c;
	return -EINVAL;
}

/* Every class: the mask of a ready bitmap with all of them set. */
#define HSHM_CLASS_MASK		((1u << HSHM_NR_CLASSES) - 1)

/**
 * hshm_cls_from() - the first class of a mask at or after a class
 * @mask: bit c set for class c; not 0
 * @from: where to start, 0..%HSHM_NR_CLASSES (wraps around)
 *
 * A pick from a ready bitmap: two bit operations, whatever the number of
 * classes.
 *
 * Return: the first class of @mask in the order @from, @from + 1, ...,
 * wrapping around to 0.
 */
static inline unsigned int hshm_cls_from(unsigned int mask, unsigned int from)
{
	unsigned int hi = from < HSHM_NR_CLASSES ? mask & ~((1u << from) - 1) : 0;

	return hshm_ffs_nz(hi ? hi : mask);
}

/*
 * The request schedulers, numbered as the netlink enum HSHM_NL_SCHED_*
 * (the uapi header), named as sysfs, netlink's tools and hshm-bench spell
 * them.
 */
enum hshm_sched_kind {
	HSHM_SCHED_WRR,
	HSHM_SCHED_FIFO,
	HSHM_SCHED_DRR,
	HSHM_NR_SCHEDS
};

/**
 * hshm_sched_str() - name of a request scheduler
 * @s: %HSHM_SCHED_WRR...
 *
 * The one table of their names: "wrr" (weighted round robin, counting
 * messages), "fifo" (one queue in the order of submission) and "drr"
 * (deficit round robin, counting bytes).
 *
 * Return: the name, or NULL for anything but a scheduler.
 */
static inline const char *hshm_sched_str(unsigned int s)
{
	static const char *const names[HSHM_NR_SCHEDS] = {
		[HSHM_SCHED_WRR] = "wrr",
		[HSHM_SCHED_FIFO] = "fifo",
		[HSHM_SCHED_DRR] = "drr",
	};

	return s < HSHM_NR_SCHEDS ? names[s] : NULL;
}

/**
 * hshm_sched_lookup() - scheduler of a name
 * @s: the text, not necessarily NUL-terminated
 * @len: its length in bytes
 *
 * The one grammar of schedulers: a name of hshm_sched_str(), in any case.
 *
 * Return: the scheduler, or -EINVAL.
 */
static inline int hshm_sched_lookup(const char *s, size_t len)
{
	unsigned int k;

	for (k = 0; k < HSHM_NR_SCHEDS; k++)
		if (hshm_name_is(hshm_sched_str(k), s, len))
			return (int)k;
	return -EINVAL;
}

/**
 * struct hshm_wrr - weighted round robin with uniform credit reset
 * @weight: per-class weight, %HSHM_WEIGHT_MIN..%HSHM_WEIGHT_MAX
 * @credit: messages each class may still send in this round
 * @credited: bit c set while class c has credit left
 * @next: class the next pick starts looking at
 *
 * Every backlogged class with credit is visited in turn, one message at a
 * time, so a round of weights 8 2 1 1 interleaves the classes; when no
 * backlogged class has credit left, all credits are reset together.  A
 * pick is a look at a bitmap; the reset, once per round, touches every
 * class.
 */
struct hshm_wrr {
	u16 weight[HSHM_NR_CLASSES];
	u16 credit[HSHM_NR_CLASSES];
	u8 credited;
	u8 next;
};

void hshm_wrr_init(struct hshm_wrr *w, const u16 *weight);
void hshm_wrr_set_weights(struct hshm_wrr *w, const u16 *weight);
int hshm_wrr_pick(struct hshm_wrr *w, unsigned int backlog_mask);
void hshm_wrr_refund(struct hshm_wrr *w, unsigned int cls);

/* DRR's base quantum in bytes (sysfs drr_quantum), a class's is weight x it */
#define HSHM_DRR_QUANTUM_MIN	64u
#define HSHM_DRR_QUANTUM_DEF	4096u
#define HSHM_DRR_QUANTUM_MAX	1048576u

/**
 * struct hshm_drr - deficit round robin over the classes, in bytes
 * @quantum: bytes a class earns per visit: its weight x the base quantum
 * @deficit: bytes each class may still send in its visit
 * @need: the size of the request a class could not send, 0 if none
 * @cur: the class being visited
 * @visiting: @cur's visit goes on
 * @fails: visits in a row that sent nothing
 *
 * The classes with a request waiting are visited in turn (sch_drr).  A
 * visit adds the class's quantum to its deficit; the class sends while
 * its next request fits in the deficit, which each request's bytes
 * reduce, and keeps what is left for its next visit; a class found with
 * nothing waiting leaves the round and loses what it had.  Over time
 * each backlogged class sends bytes in the ratio of the weights, whatever
 * the sizes.  A pick is a look at a bitmap; only when a whole round of
 * visits sent nothing (every request bigger than what its class has) does
 * it touch every class, to skip the rounds in which none could send.
 */
struct hshm_drr {
	u32 quantum[HSHM_NR_CLASSES];
	u64 deficit[HSHM_NR_CLASSES];
	u32 need[HSHM_NR_CLASSES];
	u8 cur;
	bool visiting;
	u8 fails;
};

void hshm_drr_init(struct hshm_drr *d, const u16 *weight, u32 base);
void hshm_drr_set_quantum(struct hshm_drr *d, const u16 *weight, u32 base);
int hshm_drr_pick(struct hshm_drr *d, unsigned int backlog_mask);
bool hshm_drr_fits(struct hshm_drr *d, unsigned int cls, u32 bytes,
		   unsigned int backlog_mask);
void hshm_drr_charge(struct hshm_drr *d, unsigned int cls, u32 bytes);

/**
 * struct hshm_quota - reserved + shared accounting of one resource
 * @total: units in all
 * @reserve: units reserved to each class
 * @used: units each class holds
 * @shared_used: units held beyond the holders' reserves
 * @used_total: units held in all
 *
 * A class takes from its reserve first and then from the shared part
 * (@total minus all reserves); giving back refills the reserve first.
 */
struct hshm_quota {
	u32 total;
	u32 reserve[HSHM_NR_CLASSES];
	u32 used[HSHM_NR_CLASSES];
	u32 shared_used;
	u32 used_total;
};

void hshm_quota_init(struct hshm_quota *q, u32 total);
int hshm_quota_set_reserve(struct hshm_quota *q, const u8 *percent);
bool hshm_quota_take(struct hshm_quota *q, unsigned int cls, u32 n);
void hshm_quota_give(struct hshm_quota *q, unsigned int cls, u32 n);
u32 hshm_quota_shared_total(const struct hshm_quota *q);

/*
 * Log-linear histogram of u64 values, its geometry given by sub_bits:
 * values below 2^sub_bits have a bucket each; above, every power of two is
 * cut into 2^sub_bits buckets, so a bucket's width is at most
 * 2^-sub_bits of its lower bound.  The driver counts latencies with
 * HSHM_HIST_SUB_BITS (3: <= 12.5% error, HSHM_HIST_BUCKETS buckets) and
 * says so over netlink; hshm-bench uses more.  sub_bits is at most
 * HSHM_HIST_SUB_BITS_MAX, so HSHM_HIST_BUCKETS_MAX counts hold any
 * histogram.
 */
#define HSHM_HIST_SUB_BITS	3
#define HSHM_HIST_SUB		8u	/* 1 << HSHM_HIST_SUB_BITS */
#define HSHM_HIST_BUCKETS	((64 - HSHM_HIST_SUB_BITS + 1) * HSHM_HIST_SUB)
#define HSHM_HIST_SUB_BITS_MAX	6
#define HSHM_HIST_BUCKETS_MAX	((64u - HSHM_HIST_SUB_BITS_MAX + 1) << \
				 HSHM_HIST_SUB_BITS_MAX)

/**
 * hshm_hist_nbuckets() - number of buckets of a geometry
 * @sub_bits: 0..%HSHM_HIST_SUB_BITS_MAX
 *
 * Return: (65 - @sub_bits) * 2^@sub_bits.
 */
static inline unsigned int hshm_hist_nbuckets(unsigned int sub_bits)
{
	return (64 - sub_bits + 1) << sub_bits;
}

unsigned int hshm_hist_index(u64 v, unsigned int sub_bits);
u64 hshm_hist_low(unsigned int b, unsigned int sub_bits);
u64 hshm_hist_high(unsigned int b, unsigned int sub_bits);
u64 hshm_hist_percentile(const u64 *buckets, unsigned int sub_bits, u64 count,
			 unsigned int permille, u64 max);

#endif /* _HSHM_QOS_H */
