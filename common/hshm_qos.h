/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure QoS logic shared by the driver, the tools and the unit tests: the
 * class names and their grammar, the weighted round-robin picker, reserved
 * + shared quota accounting, and the log-linear latency histogram
 * arithmetic.  None of it locks; callers do.
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
	size_t i;

	if (len == 1 && s[0] >= '0' && s[0] < '0' + HSHM_NR_CLASSES)
		return s[0] - '0';
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		const char *name = hshm_class_str(c);

		for (i = 0; i < len && name[i]; i++)
			if (hshm_class_fold(s[i]) != name[i])
				break;
		if (i == len && !name[i])
			return (int)c;
	}
	return -EINVAL;
}

/**
 * struct hshm_wrr - weighted round robin with uniform credit reset
 * @weight: per-class weight, %HSHM_WEIGHT_MIN..%HSHM_WEIGHT_MAX
 * @credit: messages each class may still send in this round
 * @next: class the next pick starts looking at
 *
 * Every backlogged class with credit is visited in turn, one message at a
 * time, so a round of weights 8 2 1 1 interleaves the classes; when no
 * backlogged class has credit left, all credits are reset together.
 */
struct hshm_wrr {
	u16 weight[HSHM_NR_CLASSES];
	u16 credit[HSHM_NR_CLASSES];
	u8 next;
};

void hshm_wrr_init(struct hshm_wrr *w, const u16 *weight);
void hshm_wrr_set_weights(struct hshm_wrr *w, const u16 *weight);
int hshm_wrr_pick(struct hshm_wrr *w, unsigned int backlog_mask);
void hshm_wrr_refund(struct hshm_wrr *w, unsigned int cls);

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
