// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm netlink: events.
 *
 * Events are posted from the dispatcher (or any context but hard
 * interrupts on PREEMPT_RT) into a small per-channel ring, rate-limited per
 * type, and multicast on the "events" group from a work item.
 */
#include <linux/ktime.h>

#include "hshm_nl.h"

/* Events of one type and device sent per second; the rest are counted. */
#define HSHM_EV_BURST		10

/* The driver's event types are the uapi's (two enums: compared as ints). */
#define HSHM_EV_SAME(ev, nl)	static_assert((int)(ev) == (int)(nl))
HSHM_EV_SAME(HSHM_EV_SLA_VIOLATION, HSHM_EVENT_SLA_VIOLATION);
HSHM_EV_SAME(HSHM_EV_PEER_RESET, HSHM_EVENT_PEER_RESET);
HSHM_EV_SAME(HSHM_EV_HEAL, HSHM_EVENT_HEAL);
HSHM_EV_SAME(HSHM_EV_SHED, HSHM_EVENT_SHED);
HSHM_EV_SAME(HSHM_EV_PEER_STATE, HSHM_EVENT_PEER_STATE);
HSHM_EV_SAME(HSHM_EV_NR, __HSHM_EVENT_MAX);

static int hshm_nl_fill_event(struct sk_buff *skb, struct hshm_chan *ch,
			      const struct hshm_event *ev)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &hshm_genl, 0, HSHM_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, HSHM_A_DEV_INDEX, ch->id) ||
	    nla_put_string(skb, HSHM_A_DEV_NAME, dev_name(&ch->dev)))
		goto cancel;
	nest = nla_nest_start(skb, HSHM_A_EVENT);
	if (!nest ||
	    nla_put_u8(skb, HSHM_EA_TYPE, ev->type) ||
	    (ev->cls < HSHM_NR_CLASSES &&
	     nla_put_u8(skb, HSHM_EA_CLASS, ev->cls)) ||
	    (ev->type == HSHM_EV_SLA_VIOLATION &&
	     (hshm_nl_put_u64(skb, HSHM_EA_LATENCY_NS, ev->latency_ns,
			      HSHM_EA_PAD) ||
	      hshm_nl_put_u64(skb, HSHM_EA_TARGET_NS, ev->target_ns,
			      HSHM_EA_PAD))) ||
	    hshm_nl_put_u64(skb, HSHM_EA_COUNT, ev->count, HSHM_EA_PAD) ||
	    nla_put_u32(skb, HSHM_EA_SUPPRESSED, ev->suppressed) ||
	    hshm_nl_put_u64(skb, HSHM_EA_TIMESTAMP_NS, ktime_to_ns(ev->time),
			    HSHM_EA_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static void hshm_nl_event_work(struct work_struct *work)
{
	struct hshm_events *evs = container_of(work, struct hshm_events, work);
	struct hshm_chan *ch = container_of(evs, struct hshm_chan, events);
	struct hshm_event ev;

	for (;;) {
		struct sk_buff *skb;
		bool have = false;

		spin_lock_irq(&evs->lock);
		if (evs->n) {
			ev = evs->ring[evs->head];
			evs->head = (evs->head + 1) % HSHM_EV_RING;
			evs->n--;
			have = true;
		}
		spin_unlock_irq(&evs->lock);
		if (!have)
			return;
		skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
		if (!skb)
			continue;
		if (hshm_nl_fill_event(skb, ch, &ev)) {
			nlmsg_free(skb);
			continue;
		}
		/* -ESRCH (nobody listens any more) is not an error here. */
		genlmsg_multicast(&hshm_genl, skb, 0, HSHM_NLGRP_EVENTS, GFP_KERNEL);
	}
}

/**
 * hshm_event_post() - report an event on the "events" multicast group
 * @ch: channel
 * @type: what happened
 * @cls: class, or HSHM_NR_CLASSES for none
 * @latency_ns: the latency (SLA violations)
 * @target_ns: the target it missed (SLA violations)
 * @count: requests concerned
 *
 * Any context but a hard interrupt on PREEMPT_RT, where the ring's
 * spinlock_t sleeps; today only the dispatcher thread posts.  Nothing is
 * done when nobody listens.  Of each type at most
 * %HSHM_EV_BURST events per second and device are sent; the others are
 * counted in the next one's HSHM_EA_SUPPRESSED.
 */
void hshm_event_post(struct hshm_chan *ch, enum hshm_ev_type type,
		     unsigned int cls, u64 latency_ns, u64 target_ns, u64 count)
{
	struct hshm_events *evs = &ch->events;
	struct hshm_event_rl *rl;
	struct hshm_event *ev;
	unsigned long flags;

	if (WARN_ON_ONCE(!type || type >= HSHM_EV_NR) ||
	    !genl_has_listeners(&hshm_genl, &init_net, HSHM_NLGRP_EVENTS))
		return;
	rl = &evs->rl[type];
	spin_lock_irqsave(&evs->lock, flags);
	if (time_after(jiffies, rl->start + HZ)) {
		rl->start = jiffies;
		rl->sent = 0;
	}
	if (rl->sent >= HSHM_EV_BURST || evs->n == HSHM_EV_RING) {
		rl->suppressed++;
		goto unlock;
	}
	rl->sent++;
	ev = &evs->ring[(evs->head + evs->n++) % HSHM_EV_RING];
	ev->type = type;
	ev->cls = cls;
	ev->latency_ns = latency_ns;
	ev->target_ns = target_ns;
	ev->count = count;
	ev->suppressed = rl->suppressed;
	ev->time = ktime_get();
	rl->suppressed = 0;
	schedule_work(&evs->work);
unlock:
	spin_unlock_irqrestore(&evs->lock, flags);
}

/**
 * hshm_events_init() - set up a channel's event ring
 * @ch: channel
 */
void hshm_events_init(struct hshm_chan *ch)
{
	spin_lock_init(&ch->events.lock);
	INIT_WORK(&ch->events.work, hshm_nl_event_work);
}

/**
 * hshm_events_stop() - wait for the event work; nothing may post after
 * @ch: channel whose dispatcher has stopped
 */
void hshm_events_stop(struct hshm_chan *ch)
{
	cancel_work_sync(&ch->events.work);
}
