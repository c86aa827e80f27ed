// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm netlink: the service map, SVC_MAP_GET and SVC_MAP_SET.
 *
 * The map gives each of the 65536 service ids the class its requests are
 * served in when they are submitted with HSHM_CLASS_AUTO.  It travels as
 * runs of consecutive ids of one class (HSHM_A_SVC_RANGE nests): the dump
 * spreads the runs over as many messages as they take (a map can hold
 * 65536 of them, more than one message or a sysfs page holds), the do
 * looks up the run of one id, and SET writes runs in the order they come.
 */
#include <linux/lockdep.h>

#include "hshm_nl.h"

/**
 * struct hshm_nl_run - a run of the service map from a request
 * @first: first service id
 * @last: last service id, at least @first
 * @cls: class, or -1 if the nest names none
 */
struct hshm_nl_run {
	u32 first;
	u32 last;
	int cls;
};

/* An HSHM_A_SVC_RANGE nest; the policy bounds each value. */
static int hshm_nl_parse_run(const struct nlattr *a, struct hshm_nl_run *r,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[HSHM_SR_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, HSHM_SR_MAX, a, hshm_svc_range_nl_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[HSHM_SR_FIRST]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "service range without HSHM_SR_FIRST");
		return -EINVAL;
	}
	r->first = nla_get_u32(tb[HSHM_SR_FIRST]);
	r->last = tb[HSHM_SR_LAST] ? nla_get_u32(tb[HSHM_SR_LAST]) : r->first;
	if (r->last < r->first) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HSHM_SR_LAST],
				    "HSHM_SR_LAST below HSHM_SR_FIRST");
		return -EINVAL;
	}
	r->cls = tb[HSHM_SR_CLASS] ? nla_get_u8(tb[HSHM_SR_CLASS]) : -1;
	return 0;
}

static int hshm_nl_put_run(struct sk_buff *skb, u32 first, u32 last, u8 cls)
{
	struct nlattr *nest = nla_nest_start(skb, HSHM_A_SVC_RANGE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, HSHM_SR_FIRST, first) ||
	    nla_put_u32(skb, HSHM_SR_LAST, last) ||
	    nla_put_u8(skb, HSHM_SR_CLASS, cls)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The reply to a lookup: the run that holds the service id of @arg. */
static int hshm_nl_lookup_fill(struct sk_buff *msg, struct hshm_chan *ch,
			       struct genl_info *info, const void *arg)
{
	const struct hshm_nl_run *r = arg;
	u32 first, last;
	void *hdr;
	u8 cls;

	cls = hshm_svc_map_run(ch, r->first, &first, &last);
	hdr = genlmsg_put_reply(msg, info, &hshm_genl, 0,
				HSHM_CMD_SVC_MAP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, HSHM_A_DEV_INDEX, ch->id) ||
	    hshm_nl_put_run(msg, first, last, cls)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/**
 * hshm_nl_svc_map_get_doit() - SVC_MAP_GET do: the run of one service id
 * @skb: the request
 * @info: its attributes: HSHM_A_DEV_INDEX and one HSHM_A_SVC_RANGE nest
 *	with HSHM_SR_FIRST only
 *
 * Return: 0 or a negative errno.
 */
int hshm_nl_svc_map_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ra = info->attrs[HSHM_A_SVC_RANGE];
	struct hshm_nl_run r;
	int ret;

	if (!ra) {
		NL_SET_ERR_MSG(info->extack,
			       "HSHM_A_SVC_RANGE with the service id to look up is required (dump for the whole map)");
		return -EINVAL;
	}
	ret = hshm_nl_parse_run(ra, &r, info->extack);
	if (ret)
		return ret;
	if (r.last != r.first || r.cls >= 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, ra,
				    "a lookup names one service id: HSHM_SR_FIRST only");
		return -EINVAL;
	}
	return hshm_nl_reply(info, hshm_nl_lookup_fill, &r);
}

/**
 * hshm_nl_svc_map_get_dumpit() - SVC_MAP_GET dump: the whole map of the
 *	device HSHM_A_DEV_INDEX names
 * @skb: the buffer to fill
 * @cb: the dump; cb->args[0] is the service id the next run starts at,
 *	cb->args[1] is 1 once the map is complete
 *
 * Each message carries HSHM_A_DEV_INDEX and as many runs as fit.  The map
 * is read without a lock: a change during a dump shows in the runs read
 * after it, and the runs still cover 0 to 65535 once each.
 *
 * Return: the length of @skb, 0 at the end, or a negative errno.
 */
int hshm_nl_svc_map_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct nlattr *a = hshm_genl_dump_attrs(cb)[HSHM_A_DEV_INDEX];
	u32 id = cb->args[0], last;
	struct hshm_chan *ch;
	void *hdr;
	int ret = 0;
	u8 cls;

	if (cb->args[1])
		return 0;
	if (hshm_genl_dump_attrs(cb)[HSHM_A_SVC_RANGE]) {
		NL_SET_ERR_MSG(cb->extack,
			       "the dump gives the whole map: HSHM_A_SVC_RANGE is for a lookup (do)");
		return -EINVAL;
	}
	mutex_lock(&hshm_nl_lock);
	ch = hshm_nl_chan_req(a, cb->extack);
	if (IS_ERR(ch)) {
		ret = PTR_ERR(ch);
		goto unlock;
	}
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &hshm_genl, NLM_F_MULTI, HSHM_CMD_SVC_MAP_GET);
	if (!hdr || nla_put_u32(skb, HSHM_A_DEV_INDEX, ch->id)) {
		ret = -EMSGSIZE;
		goto unlock;
	}
	for (;;) {
		cls = hshm_svc_map_run(ch, id, NULL, &last);
		if (hshm_nl_put_run(skb, id, last, cls))
			break;
		if (last == HSHM_SERVICE_ID_MAX) {
			cb->args[1] = 1;
			break;
		}
		id = last + 1;
	}
	genlmsg_end(skb, hdr);
	cb->args[0] = id;
unlock:
	mutex_unlock(&hshm_nl_lock);
	return ret ?: skb->len;
}

/**
 * hshm_nl_svc_map_set_doit() - SVC_MAP_SET: set the class of runs of
 *	service ids
 * @skb: the request
 * @info: its attributes: HSHM_A_DEV_INDEX and HSHM_A_SVC_RANGE nests,
 *	each with HSHM_SR_FIRST and HSHM_SR_CLASS
 *
 * The runs apply in the order they come, so a later one wins where they
 * overlap; nothing changes unless every run is valid.
 *
 * Return: 0 or a negative errno.
 */
int hshm_nl_svc_map_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct hshm_chan *ch;
	struct hshm_nl_run r;
	const struct nlattr *a;
	int rem, ret, n = 0;

	/* Everything is checked before anything changes. */
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != HSHM_A_SVC_RANGE)
			continue;
		ret = hshm_nl_parse_run(a, &r, extack);
		if (ret)
			return ret;
		if (r.cls < 0) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "service range without HSHM_SR_CLASS (which class)");
			return -EINVAL;
		}
		n++;
	}
	if (!n) {
		NL_SET_ERR_MSG(extack, "no HSHM_A_SVC_RANGE: nothing to set");
		return -EINVAL;
	}
	mutex_lock(&hshm_nl_lock);
	ch = hshm_nl_chan_req(info->attrs[HSHM_A_DEV_INDEX], extack);
	ret = PTR_ERR_OR_ZERO(ch);
	if (!ret) {
		mutex_lock(&ch->cfg_lock);
		nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
			if (nla_type(a) != HSHM_A_SVC_RANGE ||
			    WARN_ON_ONCE(hshm_nl_parse_run(a, &r, NULL)))
				continue;
			hshm_svc_map_set(ch, r.first, r.last, r.cls);
		}
		mutex_unlock(&ch->cfg_lock);
	}
	mutex_unlock(&hshm_nl_lock);
	return ret;
}
