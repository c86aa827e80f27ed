// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm netlink: the GET and SET handlers.
 *
 * GET reports a device in one message (do) or, in a dump, every device
 * followed by its latency histograms; SET validates a whole change before
 * any of it applies.
 */
#include <linux/lockdep.h>

#include "hshm_nl.h"

/* Buckets in one histogram message (1 KiB of counts). */
#define HSHM_NL_HIST_CHUNK	128
#define HSHM_NL_HIST_PARTS	DIV_ROUND_UP(HSHM_HIST_BUCKETS, HSHM_NL_HIST_CHUNK)
/* Messages of one device in a dump: the device, then histogram chunks. */
#define HSHM_NL_DEV_PARTS	(1 + HSHM_NR_CLASSES * HSHM_NL_HIST_PARTS)

static int hshm_nl_fill_class(struct sk_buff *skb, struct hshm_chan *ch,
			      unsigned int c, const u16 *w, const u8 *p)
{
	struct hshm_class_snap s;
	struct nlattr *nest;

	hshm_stats_snapshot(ch, c, &s);
	nest = nla_nest_start(skb, HSHM_A_CLASS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, HSHM_CA_ID, c) ||
	    nla_put_string(skb, HSHM_CA_NAME, hshm_class_str(c)) ||
	    nla_put_u32(skb, HSHM_CA_WEIGHT, w[c]) ||
	    nla_put_u8(skb, HSHM_CA_RESERVATION, p[c]) ||
	    nla_put_u32(skb, HSHM_CA_SHED_US,
			hshm_cls_knob_get(ch, c, HSHM_CLS_KNOB_SHED_US)) ||
	    nla_put_u32(skb, HSHM_CA_TARGET_US,
			hshm_cls_knob_get(ch, c, HSHM_CLS_KNOB_TARGET_US)) ||
	    nla_put_u32(skb, HSHM_CA_SPIN_US,
			hshm_cls_knob_get(ch, c, HSHM_CLS_KNOB_SPIN_US)) ||
	    hshm_nl_put_u64(skb, HSHM_CA_SUBMITTED, s.submitted, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_COMPLETED, s.completed, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_FAILED, s.failed, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_CANCELLED, s.cancelled, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_DROPPED, s.dropped, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_IN_FLIGHT, s.in_flight, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_BACKLOG, s.backlog, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_SLA_VIOLATIONS, s.late, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_P50_NS, s.p50, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_P95_NS, s.p95, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_P99_NS, s.p99, HSHM_CA_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_CA_MAX_NS, s.max, HSHM_CA_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* HSHM_A_FAULTS: attribute HSHM_FA_* = enum hshm_fault + 1. */
static int hshm_nl_fill_faults(struct sk_buff *skb, struct hshm_chan *ch)
{
	struct nlattr *nest = nla_nest_start(skb, HSHM_A_FAULTS);
	unsigned int k;

	BUILD_BUG_ON(HSHM_FAULT_NR + 1 != HSHM_FA_PAD);
	if (!nest)
		return -EMSGSIZE;
	for (k = 0; k < HSHM_FAULT_NR; k++)
		if (hshm_nl_put_u64(skb, k + 1, atomic64_read(&ch->faults[k]),
				    HSHM_FA_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The device message: identity, configuration, counters, class summaries. */
static int hshm_nl_fill_dev(struct sk_buff *skb, struct hshm_chan *ch,
			    u32 portid, u32 seq, int flags)
{
	struct hshm_thread_sched ts;
	u16 w[HSHM_NR_CLASSES];
	u8 p[HSHM_NR_CLASSES];
	unsigned int c;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &hshm_genl, flags, HSHM_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	hshm_sched_get_weights(ch, w);
	hshm_pool_get_reservations(ch, p);
	hshm_sched_get_thread(ch, &ts);
	if (nla_put_u32(skb, HSHM_A_DEV_INDEX, ch->id) ||
	    nla_put_string(skb, HSHM_A_DEV_NAME, dev_name(&ch->dev)) ||
	    nla_put_string(skb, HSHM_A_TRANSPORT, ch->ops->name) ||
	    nla_put_u32(skb, HSHM_A_FEATURES, ch->features) ||
	    nla_put_u32(skb, HSHM_A_QUEUE_ENTRIES, ch->tx->n) ||
	    nla_put_u32(skb, HSHM_A_DATA_BYTES, ch->layout.alloc_size) ||
	    nla_put_u32(skb, HSHM_A_MAX_REQUESTS, ch->max_requests) ||
	    /* enum hshm_sched_kind is numbered as HSHM_NL_SCHED_* */
	    nla_put_u8(skb, HSHM_A_SCHEDULER, READ_ONCE(ch->sched_mode)) ||
	    nla_put_u32(skb, HSHM_A_BATCH_MAX, READ_ONCE(ch->batch_max)) ||
	    nla_put_u32(skb, HSHM_A_RT_BATCH_MAX, READ_ONCE(ch->rt_batch_max)) ||
	    nla_put_u32(skb, HSHM_A_TIMEOUT_MS, READ_ONCE(ch->timeout_ms)) ||
	    hshm_nl_put_u64(skb, HSHM_A_BAD_REPLIES,
			    atomic64_read(&ch->bad_replies), HSHM_A_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_A_LOST_IRQS,
			    atomic64_read(&ch->lost_irqs), HSHM_A_PAD))
		goto cancel;
	if (hshm_nl_put_u64(skb, HSHM_A_HEALS, atomic64_read(&ch->heals),
			    HSHM_A_PAD) ||
	    nla_put_u8(skb, HSHM_A_SCHED_POLICY, ts.policy) ||
	    nla_put_s32(skb, HSHM_A_SCHED_PRIORITY, ts.prio) ||
	    hshm_nl_fill_faults(skb, ch))
		goto cancel;
	if (nla_put_string(skb, HSHM_A_PEER_PROFILE,
			   READ_ONCE(ch->profile)->name) ||
	    nla_put_u8(skb, HSHM_A_PEER_STATE, READ_ONCE(ch->peer_state)) ||
	    nla_put_u32(skb, HSHM_A_HANDOVER, READ_ONCE(ch->handover)) ||
	    nla_put_u32(skb, HSHM_A_HANDOVER_LEARNED, READ_ONCE(ch->learned)) ||
	    nla_put_u32(skb, HSHM_A_PEER_WAIT_MS, READ_ONCE(ch->peer_wait_ms)) ||
	    hshm_nl_put_u64(skb, HSHM_A_RESENT, atomic64_read(&ch->resent),
			    HSHM_A_PAD) ||
	    hshm_nl_put_u64(skb, HSHM_A_DIRECT_HANDOVERS,
			    atomic64_read(&ch->direct_handovers), HSHM_A_PAD) ||
	    nla_put_u32(skb, HSHM_A_DRR_QUANTUM, READ_ONCE(ch->drr_quantum)))
		goto cancel;
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		if (hshm_nl_fill_class(skb, ch, c, w, p))
			goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Histogram message @part (0-based) of a device: class part / PARTS, the
 * chunk part % PARTS of its buckets.  Returns 0 with nothing added when the
 * chunk is all zero.
 */
static int hshm_nl_fill_hist(struct sk_buff *skb, struct hshm_chan *ch,
			     unsigned int part, u64 *hist, u32 portid, u32 seq)
{
	unsigned int c = part / HSHM_NL_HIST_PARTS;
	unsigned int first = (part % HSHM_NL_HIST_PARTS) * HSHM_NL_HIST_CHUNK;
	unsigned int n = min_t(unsigned int, HSHM_NL_HIST_CHUNK,
			       HSHM_HIST_BUCKETS - first);
	struct nlattr *nest;
	unsigned int b;
	void *hdr;

	hshm_stats_hist(ch, c, hist);
	for (b = first; b < first + n && !hist[b]; b++)
		;
	if (b == first + n)
		return 0;
	hdr = genlmsg_put(skb, portid, seq, &hshm_genl, NLM_F_MULTI,
			  HSHM_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, HSHM_A_DEV_INDEX, ch->id))
		goto cancel;
	nest = nla_nest_start(skb, HSHM_A_CLASS);
	if (!nest ||
	    nla_put_u8(skb, HSHM_CA_ID, c) ||
	    nla_put_u8(skb, HSHM_CA_HIST_SUB_BITS, HSHM_HIST_SUB_BITS) ||
	    nla_put_u32(skb, HSHM_CA_HIST_FIRST, first) ||
	    nla_put(skb, HSHM_CA_HIST, n * sizeof(u64), &hist[first]))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int hshm_nl_get_fill(struct sk_buff *msg, struct hshm_chan *ch,
			    struct genl_info *info, const void *arg)
{
	return hshm_nl_fill_dev(msg, ch, info->snd_portid, info->snd_seq, 0);
}

/**
 * hshm_nl_get_doit() - GET of one device: its device message
 * @skb: the request
 * @info: its attributes (HSHM_A_DEV_INDEX required)
 *
 * Return: 0 or a negative errno.
 */
int hshm_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return hshm_nl_reply(info, hshm_nl_get_fill, NULL);
}

/**
 * hshm_nl_get_dumpit() - GET of every device, or the one HSHM_A_DEV_INDEX
 *	names: device messages, each followed by its histogram messages
 * @skb: the buffer to fill
 * @cb: the dump; cb->args[0] is the device to continue with, cb->args[1]
 *	its next message (0 the device, then HSHM_NR_CLASSES *
 *	HSHM_NL_HIST_PARTS histogram parts)
 *
 * Return: the length of @skb, 0 at the end, or a negative errno.
 */
int hshm_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u32 portid = NETLINK_CB(cb->skb).portid;
	u32 seq = cb->nlh->nlmsg_seq;
	struct nlattr *filter = hshm_genl_dump_attrs(cb)[HSHM_A_DEV_INDEX];
	unsigned long id = cb->args[0];
	unsigned long part = cb->args[1];
	unsigned long end = HSHM_MAX_DEVICES;
	u64 *hist;
	int ret = 0;

	/* HSHM_A_DEV_INDEX: that device only (the policy bounds it). */
	if (filter) {
		id = max_t(unsigned long, id, nla_get_u32(filter));
		end = nla_get_u32(filter) + 1;
	}
	hist = kmalloc_array(HSHM_HIST_BUCKETS, sizeof(*hist), GFP_KERNEL);
	if (!hist)
		return -ENOMEM;
	mutex_lock(&hshm_nl_lock);
	if (filter && !cb->args[0] && !cb->args[1] && !hshm_nl_chan(id)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, filter, "no such hshm device");
		ret = -ENODEV;
		goto out;
	}
	for (; id < end; id++, part = 0) {
		struct hshm_chan *ch = hshm_nl_chan(id);

		if (!ch)
			continue;
		for (; part < HSHM_NL_DEV_PARTS; part++) {
			if (part == 0)
				ret = hshm_nl_fill_dev(skb, ch, portid, seq,
						       NLM_F_MULTI);
			else
				ret = hshm_nl_fill_hist(skb, ch, part - 1, hist,
							portid, seq);
			if (ret)
				goto out;
		}
	}
out:
	mutex_unlock(&hshm_nl_lock);
	kfree(hist);
	cb->args[0] = id;
	cb->args[1] = part;
	/* A message that does not fit in an empty buffer never will. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

/**
 * struct hshm_nl_cfg - a configuration change, validated before it applies
 * @w: weights
 * @p: reservations
 * @knob: per class knob (enum hshm_cls_knob), per class, the new value
 * @set_knob: per class knob, the classes whose value the message sets
 * @policy_v: HSHM_A_SCHED_POLICY
 * @prio_v: HSHM_A_SCHED_PRIORITY
 * @policy: &@policy_v if it was given, else NULL
 * @prio: &@prio_v if it was given, else NULL
 */
struct hshm_nl_cfg {
	u16 w[HSHM_NR_CLASSES];
	u8 p[HSHM_NR_CLASSES];
	u32 knob[HSHM_CLS_KNOB_NR][HSHM_NR_CLASSES];
	u8 set_knob[HSHM_CLS_KNOB_NR];
	int policy_v;
	int prio_v;
	int *policy;
	int *prio;
};

/* The class attribute of each class knob. */
static const u16 hshm_nl_cls_knob_attr[HSHM_CLS_KNOB_NR] = {
	[HSHM_CLS_KNOB_SHED_US]		= HSHM_CA_SHED_US,
	[HSHM_CLS_KNOB_TARGET_US]	= HSHM_CA_TARGET_US,
	[HSHM_CLS_KNOB_SPIN_US]		= HSHM_CA_SPIN_US,
};

/*
 * The attributes of a class nest SET takes.  The class policy types every
 * attribute of the nest, the read-only ones of the replies too.
 */
#define HSHM_NL_CLASS_SETTABLE	(BIT(HSHM_CA_ID) | BIT(HSHM_CA_WEIGHT) | \
				 BIT(HSHM_CA_RESERVATION) | \
				 BIT(HSHM_CA_SHED_US) | BIT(HSHM_CA_TARGET_US) | \
				 BIT(HSHM_CA_SPIN_US))

static int hshm_nl_parse_class(struct nlattr *a, struct hshm_nl_cfg *cfg,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[HSHM_CA_MAX + 1];
	unsigned int c, t, k;
	int ret;

	BUILD_BUG_ON(HSHM_CA_MAX >= BITS_PER_LONG);
	ret = nla_parse_nested(tb, HSHM_CA_MAX, a, hshm_class_nl_policy,
			       extack);
	if (ret)
		return ret;
	for (t = 0; t <= HSHM_CA_MAX; t++) {
		if (tb[t] && !(HSHM_NL_CLASS_SETTABLE & BIT(t))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[t],
					    "read-only class attribute");
			return -EINVAL;
		}
	}
	if (!tb[HSHM_CA_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "class attribute without HSHM_CA_ID (which class)");
		return -EINVAL;
	}
	c = nla_get_u8(tb[HSHM_CA_ID]);
	if (tb[HSHM_CA_WEIGHT])
		cfg->w[c] = nla_get_u32(tb[HSHM_CA_WEIGHT]);
	if (tb[HSHM_CA_RESERVATION])
		cfg->p[c] = nla_get_u8(tb[HSHM_CA_RESERVATION]);
	for (k = 0; k < HSHM_CLS_KNOB_NR; k++) {
		const struct nlattr *v = tb[hshm_nl_cls_knob_attr[k]];

		if (!v)
			continue;
		cfg->knob[k][c] = nla_get_u32(v);
		ret = hshm_cls_knob_check(c, k, cfg->knob[k][c]);
		if (ret && k == HSHM_CLS_KNOB_SHED_US)
			NL_SET_ERR_MSG_ATTR(extack, v,
					    "realtime and reliable requests are never shed: shed_us must be 0");
		else if (ret)
			NL_SET_ERR_MSG_ATTR(extack, v, "value out of range");
		if (ret)
			return ret;
		cfg->set_knob[k] |= BIT(c);
	}
	return 0;
}

/* The attribute of each knob (enum hshm_knob). */
static const u16 hshm_nl_knob_attr[HSHM_KNOB_NR] = {
	[HSHM_KNOB_TIMEOUT_MS]		= HSHM_A_TIMEOUT_MS,
	[HSHM_KNOB_BATCH_MAX]		= HSHM_A_BATCH_MAX,
	[HSHM_KNOB_RT_BATCH_MAX]	= HSHM_A_RT_BATCH_MAX,
	[HSHM_KNOB_HANDOVER]		= HSHM_A_HANDOVER,
	[HSHM_KNOB_PEER_WAIT_MS]	= HSHM_A_PEER_WAIT_MS,
	[HSHM_KNOB_DRR_QUANTUM]		= HSHM_A_DRR_QUANTUM,
};

/*
 * The policy checks the fixed ranges; the setters' own check also knows
 * what depends on the device (the batch sizes: at most the queue's entries).
 */
static int hshm_nl_check_knobs(struct hshm_chan *ch, struct nlattr **attrs,
			       struct netlink_ext_ack *extack)
{
	enum hshm_knob k;

	for (k = 0; k < HSHM_KNOB_NR; k++) {
		struct nlattr *a = attrs[hshm_nl_knob_attr[k]];

		if (a && hshm_knob_check(ch, k, nla_get_u32(a))) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "batch size larger than the queue (HSHM_A_QUEUE_ENTRIES)");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * HSHM_A_SCHED_POLICY (its range checked by the policy) and
 * HSHM_A_SCHED_PRIORITY, either or both, into @cfg, checked against the
 * channel's current setting.
 */
static int hshm_nl_parse_thread(struct hshm_chan *ch, struct nlattr **attrs,
				struct hshm_nl_cfg *cfg,
				struct netlink_ext_ack *extack)
{
	struct nlattr *pa = attrs[HSHM_A_SCHED_POLICY];
	struct nlattr *ra = attrs[HSHM_A_SCHED_PRIORITY];
	struct hshm_thread_sched ts;

	BUILD_BUG_ON(HSHM_NL_SCHED_WRR != HSHM_SCHED_WRR);
	BUILD_BUG_ON(HSHM_NL_SCHED_FIFO != HSHM_SCHED_FIFO);
	BUILD_BUG_ON(HSHM_NL_SCHED_DRR != HSHM_SCHED_DRR);
	BUILD_BUG_ON(HSHM_NL_POLICY_OTHER != HSHM_POLICY_OTHER);
	BUILD_BUG_ON(HSHM_NL_POLICY_FIFO != HSHM_POLICY_FIFO);
	BUILD_BUG_ON(HSHM_NL_POLICY_RR != HSHM_POLICY_RR);
	cfg->policy = pa ? &cfg->policy_v : NULL;
	cfg->prio = ra ? &cfg->prio_v : NULL;
	if (pa)
		cfg->policy_v = nla_get_u8(pa);
	if (ra)
		cfg->prio_v = nla_get_s32(ra);
	if ((pa || ra) &&
	    hshm_sched_thread_resolve(ch, cfg->policy, cfg->prio, &ts)) {
		NL_SET_ERR_MSG_ATTR(extack, ra ?: pa,
				    "priority out of range for the policy: 1 to 99 for fifo and rr, a nice value -20 to 19 for other");
		return -EINVAL;
	}
	return 0;
}

/* Caller holds hshm_nl_lock and ch->cfg_lock. */
static int hshm_nl_apply(struct hshm_chan *ch, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	const struct hshm_peer_profile *prof = NULL;
	struct nlattr **attrs = info->attrs;
	u8 old_p[HSHM_NR_CLASSES];
	struct hshm_nl_cfg cfg;
	enum hshm_knob k;
	struct nlattr *a;
	unsigned int c, ck;
	int rem, ret;

	lockdep_assert_held(&hshm_nl_lock);
	lockdep_assert_held(&ch->cfg_lock);
	memset(&cfg, 0, sizeof(cfg));
	hshm_sched_get_weights(ch, cfg.w);
	hshm_pool_get_reservations(ch, cfg.p);
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != HSHM_A_CLASS)
			continue;
		ret = hshm_nl_parse_class(a, &cfg, extack);
		if (ret)
			return ret;
	}
	ret = hshm_nl_check_knobs(ch, attrs, extack);
	if (!ret && attrs[HSHM_A_PEER_PROFILE]) {
		prof = hshm_peer_profile_find(nla_data(attrs[HSHM_A_PEER_PROFILE]));
		if (!prof || !*(char *)nla_data(attrs[HSHM_A_PEER_PROFILE])) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[HSHM_A_PEER_PROFILE],
					    "no such peer profile");
			ret = -EINVAL;
		}
	}
	if (!ret)
		ret = hshm_nl_parse_thread(ch, attrs, &cfg, extack);
	if (ret)
		return ret;

	/*
	 * Everything is valid; only the reservations can still be refused,
	 * and the scheduler could in theory refuse the thread's setting, in
	 * which case the reservations go back to what they were.
	 */
	hshm_pool_get_reservations(ch, old_p);
	ret = hshm_pool_set_reservations(ch, cfg.p);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "reservations add up to more than 100 percent");
		return ret;
	}
	if (cfg.policy || cfg.prio) {
		ret = hshm_sched_set_thread(ch, cfg.policy, cfg.prio);
		if (ret) {
			hshm_pool_set_reservations(ch, old_p);
			NL_SET_ERR_MSG(extack,
				       "the scheduler refused the dispatcher thread's policy");
			return ret;
		}
	}
	hshm_sched_set_weights(ch, cfg.w);
	/*
	 * Only what the message sets: a class knob it leaves is not
	 * rewritten.  Checked when parsed: nothing fails here.
	 */
	for (ck = 0; ck < HSHM_CLS_KNOB_NR; ck++)
		for (c = 0; c < HSHM_NR_CLASSES; c++)
			if (cfg.set_knob[ck] & BIT(c))
				hshm_cls_knob_set(ch, c, ck, cfg.knob[ck][c]);
	if (attrs[HSHM_A_SCHEDULER])
		/* the policy holds it to HSHM_NL_SCHED_* */
		hshm_sched_set_mode(ch, nla_get_u8(attrs[HSHM_A_SCHEDULER]));
	for (k = 0; k < HSHM_KNOB_NR; k++)
		if (attrs[hshm_nl_knob_attr[k]])
			hshm_knob_set(ch, k, nla_get_u32(attrs[hshm_nl_knob_attr[k]]));
	if (prof)
		hshm_sched_set_profile(ch, prof);
	hshm_sched_kick(ch);
	return 0;
}

/**
 * hshm_nl_set_doit() - SET: change the configuration of a device
 * @skb: the request
 * @info: its attributes (HSHM_A_DEV_INDEX required)
 *
 * Nothing changes unless every attribute is valid.
 *
 * Return: 0 or a negative errno.
 */
int hshm_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hshm_chan *ch;
	int ret;

	mutex_lock(&hshm_nl_lock);
	ch = hshm_nl_chan_req(info->attrs[HSHM_A_DEV_INDEX], info->extack);
	ret = PTR_ERR_OR_ZERO(ch);
	if (ret)
		goto unlock;
	mutex_lock(&ch->cfg_lock);
	ret = hshm_nl_apply(ch, info);
	mutex_unlock(&ch->cfg_lock);
unlock:
	mutex_unlock(&hshm_nl_lock);
	return ret;
}
