// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm QoS logic: the WRR and DRR pickers, quota accounting, histogram
 * arithmetic.
 */
#include "hshm_qos.h"

/**
 * hshm_wrr_init() - set weights and start a fresh round
 * @w: picker
 * @weight: %HSHM_NR_CLASSES weights, each already validated
 */
void hshm_wrr_init(struct hshm_wrr *w, const u16 *weight)
{
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		w->weight[c] = weight[c];
		w->credit[c] = weight[c];
	}
	w->credited = HSHM_CLASS_MASK;
	w->next = 0;
}

/**
 * hshm_wrr_set_weights() - change weights, keeping the round's position
 * @w: picker
 * @weight: new weights
 *
 * Credits above a new weight are clipped, so a lowered weight takes effect
 * within the current round.
 */
void hshm_wrr_set_weights(struct hshm_wrr *w, const u16 *weight)
{
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		w->weight[c] = weight[c];
		if (w->credit[c] > weight[c])
			w->credit[c] = weight[c];
	}
}

/**
 * hshm_wrr_pick() - choose the class of the next message
 * @w: picker
 * @backlog_mask: bit c set when class c has a message waiting
 *
 * Return: the class, or -1 when @backlog_mask is empty.
 */
int hshm_wrr_pick(struct hshm_wrr *w, unsigned int backlog_mask)
{
	unsigned int c, cand;

	backlog_mask &= HSHM_CLASS_MASK;
	if (!backlog_mask)
		return -1;
	cand = backlog_mask & w->credited;
	if (!cand) {
		/* Every backlogged class is out of credit: new round. */
		for (c = 0; c < HSHM_NR_CLASSES; c++)
			w->credit[c] = w->weight[c];
		w->credited = HSHM_CLASS_MASK;
		w->next = 0;
		cand = backlog_mask;
	}
	c = hshm_cls_from(cand, w->next);
	if (!--w->credit[c])
		w->credited &= ~(1u << c);
	w->next = (c + 1) % HSHM_NR_CLASSES;
	return (int)c;
}

/**
 * hshm_wrr_refund() - give back the credit of a pick that sent nothing
 * @w: picker
 * @cls: class hshm_wrr_pick() returned
 *
 * For a picked message that turned out to be cancelled or expired.
 */
void hshm_wrr_refund(struct hshm_wrr *w, unsigned int cls)
{
	if (w->credit[cls] < w->weight[cls]) {
		w->credit[cls]++;
		w->credited |= 1u << cls;
	}
}

/**
 * hshm_drr_init() - quanta from the weights, every deficit 0
 * @d: picker
 * @weight: %HSHM_NR_CLASSES weights, each already validated
 * @base: base quantum, %HSHM_DRR_QUANTUM_MIN..%HSHM_DRR_QUANTUM_MAX
 */
void hshm_drr_init(struct hshm_drr *d, const u16 *weight, u32 base)
{
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		d->deficit[c] = 0;
		d->need[c] = 0;
	}
	/* the first visit is class 0's */
	d->cur = HSHM_NR_CLASSES - 1;
	d->visiting = false;
	d->fails = 0;
	hshm_drr_set_quantum(d, weight, base);
}

/**
 * hshm_drr_set_quantum() - new weights or base quantum, keeping the round
 * @d: picker
 * @weight: the weights
 * @base: the base quantum
 *
 * What a class has left is clipped to its new quantum, so that a lowered
 * weight takes effect within the current visit.
 */
void hshm_drr_set_quantum(struct hshm_drr *d, const u16 *weight, u32 base)
{
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		d->quantum[c] = weight[c] * base;
		if (d->deficit[c] > d->quantum[c])
			d->deficit[c] = d->quantum[c];
	}
}

/* An empty request costs a byte: a class of them cannot keep its visit. */
static u32 hshm_drr_cost(u32 bytes)
{
	return bytes ? bytes : 1;
}

/**
 * hshm_drr_pick() - the class whose request is to be sent next
 * @d: picker
 * @backlog_mask: bit c set when class c has a request waiting
 *
 * The class being visited goes on; else the next backlogged class in
 * turn is visited and earns its quantum.  The caller then asks
 * hshm_drr_fits() whether the class's first request fits, and charges it
 * with hshm_drr_charge() once sent.
 *
 * Return: the class, or -1 when @backlog_mask is empty.
 */
int hshm_drr_pick(struct hshm_drr *d, unsigned int backlog_mask)
{
	unsigned int c = d->cur;

	backlog_mask &= HSHM_CLASS_MASK;
	if (!backlog_mask)
		return -1;
	if (backlog_mask & (1u << c)) {
		if (d->visiting)
			return (int)c;
	} else {
		/* nothing waiting: it leaves the round with nothing left */
		d->deficit[c] = 0;
		d->need[c] = 0;
	}
	c = hshm_cls_from(backlog_mask, c + 1);
	d->deficit[c] += d->quantum[c];
	d->cur = (u8)c;
	d->visiting = true;
	return (int)c;
}

/*
 * A whole round of visits sent nothing: every backlogged class's request
 * is bigger than its deficit.  Add the quanta of the rounds in which none
 * could send yet, so that the next round sends at least one.
 */
static void hshm_drr_skip(struct hshm_drr *d, unsigned int mask)
{
	unsigned int c, m;
	u64 k, rounds = U64_MAX;

	for (m = mask; m; m &= m - 1) {
		c = hshm_ffs_nz(m);
		if (d->need[c] <= d->deficit[c])
			return;		/* not seen in this round */
		/* visits until it fits: ceil((need - deficit) / quantum) */
		k = hshm_div_u64(d->need[c] - d->deficit[c] + d->quantum[c] - 1,
				 d->quantum[c]);
		if (k < rounds)
			rounds = k;
	}
	for (m = mask; m; m &= m - 1) {
		c = hshm_ffs_nz(m);
		d->deficit[c] += (rounds - 1) * d->quantum[c];
	}
}

/**
 * hshm_drr_fits() - may the visited class send its next request now?
 * @d: picker
 * @cls: class hshm_drr_pick() returned
 * @bytes: the size of its first request
 * @backlog_mask: the mask given to hshm_drr_pick()
 *
 * If not, the visit ends: the next pick visits the next class.
 *
 * Return: true if the request fits in the class's deficit.
 */
bool hshm_drr_fits(struct hshm_drr *d, unsigned int cls, u32 bytes,
		   unsigned int backlog_mask)
{
	u32 cost = hshm_drr_cost(bytes);

	if (cost <= d->deficit[cls]) {
		d->need[cls] = 0;
		d->fails = 0;
		return true;
	}
	d->need[cls] = cost;
	d->visiting = false;
	backlog_mask &= HSHM_CLASS_MASK;
	if (++d->fails >= hshm_popcount(backlog_mask)) {
		hshm_drr_skip(d, backlog_mask);
		d->fails = 0;
	}
	return false;
}

/**
 * hshm_drr_charge() - count a request the visited class sent
 * @d: picker
 * @cls: its class, for which hshm_drr_fits() said yes
 * @bytes: its size
 */
void hshm_drr_charge(struct hshm_drr *d, unsigned int cls, u32 bytes)
{
	u32 cost = hshm_drr_cost(bytes);

	d->deficit[cls] -= cost <= d->deficit[cls] ? cost : d->deficit[cls];
}

static u32 hshm_quota_over(u32 used, u32 reserve)
{
	return used > reserve ? used - reserve : 0;
}

static void hshm_quota_recount(struct hshm_quota *q)
{
	unsigned int c;

	q->shared_used = 0;
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		q->shared_used += hshm_quota_over(q->used[c], q->reserve[c]);
}

/**
 * hshm_quota_init() - empty accounting of @total units, nothing reserved
 * @q: quota
 * @total: units
 */
void hshm_quota_init(struct hshm_quota *q, u32 total)
{
	unsigned int c;

	q->total = total;
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		q->reserve[c] = 0;
		q->used[c] = 0;
	}
	q->shared_used = 0;
	q->used_total = 0;
}

/**
 * hshm_quota_set_reserve() - reserve a percentage of the total per class
 * @q: quota
 * @percent: %HSHM_NR_CLASSES percentages
 *
 * Units already held stay held: a class now above its reserve simply
 * counts the excess against the shared part until it gives units back.
 *
 * Return: 0, or -EINVAL if the percentages add up to more than 100.
 */
int hshm_quota_set_reserve(struct hshm_quota *q, const u8 *percent)
{
	unsigned int c, sum = 0;

	for (c = 0; c < HSHM_NR_CLASSES; c++)
		sum += percent[c];
	if (sum > 100)
		return -EINVAL;
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		q->reserve[c] = (u32)((u64)q->total * percent[c] / 100);
	hshm_quota_recount(q);
	return 0;
}

/**
 * hshm_quota_shared_total() - units not reserved to any class
 * @q: quota
 *
 * Return: the size of the shared part.
 */
u32 hshm_quota_shared_total(const struct hshm_quota *q)
{
	u32 sum = 0;
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++)
		sum += q->reserve[c];
	return q->total - sum;
}

/**
 * hshm_quota_take() - account @n units to class @cls if they are allowed
 * @q: quota
 * @cls: class
 * @n: units
 *
 * Return: true if taken; false leaves @q unchanged.
 */
bool hshm_quota_take(struct hshm_quota *q, unsigned int cls, u32 n)
{
	u32 before = hshm_quota_over(q->used[cls], q->reserve[cls]);
	u32 after = hshm_quota_over(q->used[cls] + n, q->reserve[cls]);
	u32 extra = after - before;

	if (n > q->total - q->used_total)
		return false;
	if (extra && q->shared_used + extra > hshm_quota_shared_total(q))
		return false;
	q->used[cls] += n;
	q->used_total += n;
	q->shared_used += extra;
	return true;
}

/**
 * hshm_quota_give() - give back @n units class @cls holds
 * @q: quota
 * @cls: class
 * @n: units, at most what @cls holds
 */
void hshm_quota_give(struct hshm_quota *q, unsigned int cls, u32 n)
{
	u32 before = hshm_quota_over(q->used[cls], q->reserve[cls]);

	q->used[cls] -= n;
	q->used_total -= n;
	q->shared_used -= before - hshm_quota_over(q->used[cls], q->reserve[cls]);
}

/**
 * hshm_hist_index() - bucket of a value
 * @v: value (ns)
 * @sub_bits: the geometry, 0..%HSHM_HIST_SUB_BITS_MAX
 *
 * Return: 0..hshm_hist_nbuckets(@sub_bits) - 1.
 */
unsigned int hshm_hist_index(u64 v, unsigned int sub_bits)
{
	unsigned int e, sub = 1u << sub_bits;

	if (v < sub)
		return (unsigned int)v;
	e = hshm_fls64(v) - 1;		/* >= sub_bits */
	return (e - sub_bits + 1) * sub +
	       (unsigned int)((v >> (e - sub_bits)) & (sub - 1));
}

/**
 * hshm_hist_low() - smallest value of a bucket
 * @b: bucket, below hshm_hist_nbuckets(@sub_bits)
 * @sub_bits: the geometry
 *
 * Return: the lower bound.
 */
u64 hshm_hist_low(unsigned int b, unsigned int sub_bits)
{
	unsigned int sub = 1u << sub_bits;

	if (b < sub)
		return b;
	/* bucket b is [(sub + b % sub) << s, (sub + b % sub + 1) << s) */
	return ((u64)(sub + (b & (sub - 1)))) << ((b >> sub_bits) - 1);
}

/**
 * hshm_hist_high() - largest value of a bucket
 * @b: bucket, below hshm_hist_nbuckets(@sub_bits)
 * @sub_bits: the geometry
 *
 * Return: the upper bound (inclusive).
 */
u64 hshm_hist_high(unsigned int b, unsigned int sub_bits)
{
	if (b + 1 >= hshm_hist_nbuckets(sub_bits))
		return ~0ULL;
	return hshm_hist_low(b + 1, sub_bits) - 1;
}

/**
 * hshm_hist_percentile() - estimate a percentile from bucket counts
 * @buckets: hshm_hist_nbuckets(@sub_bits) counts
 * @sub_bits: their geometry
 * @count: their sum
 * @permille: 500 for the median, 990 for P99, 1000 for the maximum
 * @max: exact largest value seen, to clip the estimate
 *
 * The value whose rank is ceil(@count * @permille / 1000) lies in some
 * bucket; the midpoint of that bucket is returned, at most @max.
 *
 * Return: the estimate, 0 when @count is 0.
 */
u64 hshm_hist_percentile(const u64 *buckets, unsigned int sub_bits, u64 count,
			 unsigned int permille, u64 max)
{
	unsigned int b, n = hshm_hist_nbuckets(sub_bits);
	u64 rank, seen = 0, lo, hi, mid;

	if (!count)
		return 0;
	if (permille >= 1000)
		return max;
	rank = (count * permille + 999) / 1000;
	if (!rank)
		rank = 1;
	for (b = 0; b < n; b++) {
		seen += buckets[b];
		if (seen >= rank)
			break;
	}
	if (b == n)
		return max;
	lo = hshm_hist_low(b, sub_bits);
	hi = hshm_hist_high(b, sub_bits);
	mid = lo + (hi - lo) / 2;
	return mid < max ? mid : max;
}
