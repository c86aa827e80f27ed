/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure QoS logic shared by the driver and its unit tests: the weighted
 * round-robin picker, reserved + shared quota accounting, and the
 * log-linear latency histogram arithmetic.  None of it locks; callers do.
 */
#ifndef _HSHM_QOS_H
#define _HSHM_QOS_H

#include "hshm_port.h"

#define HSHM_NR_CLASSES		4
#define HSHM_WEIGHT_MIN		1
#define HSHM_WEIGHT_MAX		1000

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
 * Log-linear histogram: values below 8 have a bucket each; above, every
 * power of two is cut into 8 buckets, so a bucket's width is at most 1/8
 * of its lower bound (<= 12.5% relative error).
 */
#define HSHM_HIST_SUB_BITS	3
#define HSHM_HIST_SUB		8u	/* 1 << HSHM_HIST_SUB_BITS */
#define HSHM_HIST_BUCKETS	((64 - HSHM_HIST_SUB_BITS + 1) * HSHM_HIST_SUB)

unsigned int hshm_hist_bucket(u64 v);
u64 hshm_hist_bucket_low(unsigned int b);
u64 hshm_hist_bucket_high(unsigned int b);
u64 hshm_hist_percentile(const u64 *buckets, u64 count, unsigned int permille,
			 u64 max);

#endif /* _HSHM_QOS_H */
