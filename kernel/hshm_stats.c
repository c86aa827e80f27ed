// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm stats: per-cpu counters and log-linear latency histograms.
 *
 * Nothing here takes a lock: counters are this_cpu increments and the
 * histograms are written by the channel's dispatcher thread only.
 * Percentiles are computed when someone reads them.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/hshm_netlink.h>

#include "hshm.h"

/**
 * hshm_stats_init() - allocate the per-cpu statistics of a channel
 * @ch: channel
 *
 * Return: 0 or -ENOMEM.
 */
int hshm_stats_init(struct hshm_chan *ch)
{
	ch->stats = alloc_percpu(struct hshm_stats_pcpu);
	return ch->stats ? 0 : -ENOMEM;
}

/**
 * hshm_stats_free() - free them
 * @ch: channel
 */
void hshm_stats_free(struct hshm_chan *ch)
{
	free_percpu(ch->stats);
}

/**
 * hshm_stats_submitted() - count an accepted submit
 * @ch: channel
 * @cls: class
 */
void hshm_stats_submitted(struct hshm_chan *ch, unsigned int cls)
{
	this_cpu_inc(ch->stats->cls[cls].submitted);
}

/**
 * hshm_stats_count() - count a completion by its status
 * @ch: channel
 * @cls: class
 * @status: 0 completed, -ECANCELED cancelled, -ETIME dropped (shed),
 *	anything else failed
 */
void hshm_stats_count(struct hshm_chan *ch, unsigned int cls, int status)
{
	struct hshm_class_pcpu __percpu *c = &ch->stats->cls[cls];

	switch (status) {
	case 0:
		this_cpu_inc(c->completed);
		break;
	case -ECANCELED:
		this_cpu_inc(c->cancelled);
		break;
	case -ETIME:
		this_cpu_inc(c->dropped);
		break;
	default:
		this_cpu_inc(c->failed);
		break;
	}
}

/**
 * hshm_stats_latency() - record one submit-to-completion latency
 * @ch: channel
 * @cls: class
 * @ns: latency
 *
 * Dispatcher thread only.
 */
void hshm_stats_latency(struct hshm_chan *ch, unsigned int cls, u64 ns)
{
	u64 target = (u64)READ_ONCE(ch->cls[cls].target_us) * NSEC_PER_USEC;
	bool late = target && ns > target;
	struct hshm_class_pcpu *c;

	c = &get_cpu_ptr(ch->stats)->cls[cls];
	c->hist[hshm_hist_bucket(ns)]++;
	if (ns > c->max_ns)
		c->max_ns = ns;
	if (late)
		c->late++;
	put_cpu_ptr(ch->stats);
	if (late)
		hshm_event_post(ch, HSHM_EVENT_SLA_VIOLATION, cls, ns, target, 1);
}

/**
 * hshm_stats_hist() - sum a class's latency histogram over all cpus
 * @ch: channel
 * @cls: class
 * @hist: %HSHM_HIST_BUCKETS counts, filled in
 */
void hshm_stats_hist(struct hshm_chan *ch, unsigned int cls, u64 *hist)
{
	unsigned int b;
	int cpu;

	memset(hist, 0, HSHM_HIST_BUCKETS * sizeof(*hist));
	for_each_possible_cpu(cpu) {
		const struct hshm_class_pcpu *c = &per_cpu_ptr(ch->stats, cpu)->cls[cls];

		for (b = 0; b < HSHM_HIST_BUCKETS; b++)
			hist[b] += READ_ONCE(c->hist[b]);
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
		const struct hshm_class_pcpu *c = &per_cpu_ptr(ch->stats, cpu)->cls[cls];

		snap->submitted += READ_ONCE(c->submitted);
		snap->completed += READ_ONCE(c->completed);
		snap->failed += READ_ONCE(c->failed);
		snap->cancelled += READ_ONCE(c->cancelled);
		snap->dropped += READ_ONCE(c->dropped);
		snap->late += READ_ONCE(c->late);
		snap->max = max(snap->max, READ_ONCE(c->max_ns));
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
		snap->p50 = hshm_hist_percentile(hist, count, 500, snap->max);
		snap->p95 = hshm_hist_percentile(hist, count, 950, snap->max);
		snap->p99 = hshm_hist_percentile(hist, count, 990, snap->max);
		kfree(hist);
	}
}

/**
 * hshm_stats_reset() - zero counters and histograms of every class
 * @ch: channel
 *
 * Requests outstanding at the time stay counted as submitted, so that
 * submitted = completed + failed + cancelled + dropped + in_flight +
 * backlog keeps holding.  Counts racing with the reset may be lost.
 */
void hshm_stats_reset(struct hshm_chan *ch)
{
	struct hshm_stats_pcpu *s;
	unsigned int c;
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(ch->stats, cpu), 0,
		       sizeof(struct hshm_stats_pcpu));
	s = per_cpu_ptr(ch->stats, raw_smp_processor_id());
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		s->cls[c].submitted = atomic_read(&ch->cls[c].queued) +
				      atomic_read(&ch->cls[c].at_peer);
}
