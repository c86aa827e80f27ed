// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm stats: per-cpu counters and log-linear latency histograms.
 *
 * Nothing here takes a lock: each cpu writes its own counters and
 * histograms, with interrupts off, inside a u64_stats_sync that readers
 * of 32-bit kernels retry on.  Every request that ends is counted, by
 * whoever ends it (hshm_req_finish()).  Percentiles are computed when
 * someone reads them.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "hshm.h"

/**
 * hshm_stats_init() - allocate the per-cpu statistics of a channel
 * @ch: channel
 *
 * Return: 0 or -ENOMEM.
 */
int hshm_stats_init(struct hshm_chan *ch)
{
	int cpu;

	ch->stats = alloc_percpu(struct hshm_stats_pcpu);
	if (!ch->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(ch->stats, cpu)->syncp);
	return 0;
}

/**
 * hshm_stats_free() - free them
 * @ch: channel
 */
void hshm_stats_free(struct hshm_chan *ch)
{
	free_percpu(ch->stats);
}

/*
 * Writers: the cpu's own block, interrupts off (a timer's softirq, the
 * dispatcher and an ioctl on one cpu never interleave), inside syncp.
 */
static struct hshm_stats_pcpu *hshm_stats_begin(struct hshm_chan *ch,
						unsigned long *flags)
{
	struct hshm_stats_pcpu *s;

	local_irq_save(*flags);
	s = this_cpu_ptr(ch->stats);
	u64_stats_update_begin(&s->syncp);
	return s;
}

static void hshm_stats_end_update(struct hshm_stats_pcpu *s,
				  unsigned long flags)
{
	u64_stats_update_end(&s->syncp);
	local_irq_restore(flags);
}

/**
 * hshm_stats_submitted() - count an accepted submit
 * @ch: channel
 * @cls: class
 */
void hshm_stats_submitted(struct hshm_chan *ch, unsigned int cls)
{
	struct hshm_stats_pcpu *s;
	unsigned long flags;

	s = hshm_stats_begin(ch, &flags);
	u64_stats_inc(&s->cls[cls].submitted);
	hshm_stats_end_update(s, flags);
}

/**
 * hshm_stats_end() - count a request that ended, whatever its end
 * @ch: channel
 * @cls: class
 * @status: 0 completed, -ECANCELED cancelled, -ETIME dropped (shed),
 *	anything else failed
 * @ns: from submit entry to the end
 *
 * The latency goes into the class's histogram and maximum for every
 * status, and past the class's target it counts as late (an SLA
 * violation): a request that timed out or was shed missed its target as
 * surely as a slow answer.
 *
 * Context: any but a hard interrupt.
 * Return: true if the request was late.
 */
bool hshm_stats_end(struct hshm_chan *ch, unsigned int cls, int status,
		    u64 ns)
{
	u64 target = (u64)READ_ONCE(ch->cls[cls].target_us) * NSEC_PER_USEC;
	bool late = target && ns > target;
	struct hshm_stats_pcpu *s;
	struct hshm_class_pcpu *c;
	unsigned long flags;

	s = hshm_stats_begin(ch, &flags);
	c = &s->cls[cls];
	switch (status) {
	case 0:
		u64_stats_inc(&c->completed);
		break;
	case -ECANCELED:
		u64_stats_inc(&c->cancelled);
		break;
	case -ETIME:
		u64_stats_inc(&c->dropped);
		break;
	default:
		u64_stats_inc(&c->failed);
		break;
	}
	u64_stats_inc(&c->hist[hshm_hist_index(ns, HSHM_HIST_SUB_BITS)]);
	if (ns > u64_stats_read(&c->max_ns))
		u64_stats_set(&c->max_ns, ns);
	if (late)
		u64_stats_inc(&c->late);
	hshm_stats_end_update(s, flags);
	return late;
}

/* Buckets read per retry loop: an on-stack copy of that many. */
#define HSHM_STATS_CHUNK	32

/**
 * hshm_stats_hist() - sum a class's latency histogram over all cpus
 * @ch: channel
 * @cls: class
 * @hist: %HSHM_HIST_BUCKETS counts, filled in
 *
 * Each cpu's counts are read inside its syncp, a chunk at a time.
 */
void hshm_stats_hist(struct hshm_chan *ch, unsigned int cls, u64 *hist)
{
	u64 v[HSHM_STATS_CHUNK];
	unsigned int first, n, b, start;
	int cpu;

	memset(hist, 0, HSHM_HIST_BUCKETS * sizeof(*hist));
	for (first = 0; first < HSHM_HIST_BUCKETS; first += n) {
		n = min_t(unsigned int, HSHM_STATS_CHUNK,
			  HSHM_HIST_BUCKETS - first);
		for_each_possible_cpu(cpu) {
			const struct hshm_stats_pcpu *s = per_cpu_ptr(ch->stats, cpu);
			const struct hshm_class_pcpu *c = &s->cls[cls];

			do {
				start = u64_stats_fetch_begin(&s->syncp);
				for (b = 0; b < n; b++)
					v[b] = u64_stats_read(&c->hist[first + b]);
			} while (u64_stats_fetch_retry(&s->syncp, start));
			for (b = 0; b < n; b++)
				hist[first + b] += v[b];
		}
	}
}

/**
 * hshm_stats_snapshot() - sum a class's statistics over all cpus
 * @ch: channel
 * @cls: class
 * @snap: filled in
 *
 * Sleeps (allocates); sysfs and netlink readers call it.
 */
void hshm_stats_snapshot(struct hshm_chan *ch, unsigned int cls,
			 struct hshm_class_snap *snap)
{
	u64 *hist, count = 0;
	unsigned int b;
	int cpu;

	memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu) {
		const struct hshm_stats_pcpu *s = per_cpu_ptr(ch->stats, cpu);
		const struct hshm_class_pcpu *c = &s->cls[cls];
		u64 sub, done, fail, canc, drop, late, max_ns;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			sub = u64_stats_read(&c->submitted);
			done = u64_stats_read(&c->completed);
			fail = u64_stats_read(&c->failed);
			canc = u64_stats_read(&c->cancelled);
			drop = u64_stats_read(&c->dropped);
			late = u64_stats_read(&c->late);
			max_ns = u64_stats_read(&c->max_ns);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		snap->submitted += sub;
		snap->completed += done;
		snap->failed += fail;
		snap->cancelled += canc;
		snap->dropped += drop;
		snap->late += late;
		snap->max = max(snap->max, max_ns);
	}
	hist = kmalloc_array(HSHM_HIST_BUCKETS, sizeof(*hist), GFP_KERNEL);
	if (hist) {
		hshm_stats_hist(ch, cls, hist);
		for (b = 0; b < HSHM_HIST_BUCKETS; b++)
			count += hist[b];
	}
	snap->in_flight = atomic_read(&ch->cls[cls].at_peer);
	snap->backlog = atomic_read(&ch->cls[cls].queued);
	if (hist) {
		snap->p50 = hshm_hist_percentile(hist, HSHM_HIST_SUB_BITS, count,
						 500, snap->max);
		snap->p95 = hshm_hist_percentile(hist, HSHM_HIST_SUB_BITS, count,
						 950, snap->max);
		snap->p99 = hshm_hist_percentile(hist, HSHM_HIST_SUB_BITS, count,
						 990, snap->max);
		kfree(hist);
	}
}

/* On each cpu, interrupts off: no writer of that cpu is half way. */
static void hshm_stats_reset_cpu(void *arg)
{
	struct hshm_chan *ch = arg;
	struct hshm_stats_pcpu *s = this_cpu_ptr(ch->stats);

	u64_stats_update_begin(&s->syncp);
	memset(s->cls, 0, sizeof(s->cls));
	u64_stats_update_end(&s->syncp);
}

/**
 * hshm_stats_reset() - zero counters and histograms of every class
 * @ch: channel
 *
 * Each cpu zeroes its own block (a cross-call), so that no update is
 * torn.  Requests outstanding at the time stay counted as submitted, so
 * that submitted = completed + failed + cancelled + dropped + in_flight +
 * backlog keeps holding; a request ending during the reset may count on
 * one side of it and not the other.
 *
 * Context: process.
 */
void hshm_stats_reset(struct hshm_chan *ch)
{
	struct hshm_stats_pcpu *s;
	unsigned long flags;
	unsigned int c;

	on_each_cpu(hshm_stats_reset_cpu, ch, 1);
	s = hshm_stats_begin(ch, &flags);
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		u64_stats_set(&s->cls[c].submitted,
			      atomic_read(&ch->cls[c].queued) +
			      atomic_read(&ch->cls[c].at_peer));
	hshm_stats_end_update(s, flags);
}
