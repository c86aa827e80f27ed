// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm netlink: the generic netlink family "hshm" and the channels it
 * reaches.
 *
 * GET and SET (hshm_nl_cmd.c) read and write the same channel fields as
 * sysfs, through the same setters under the same lock (struct
 * hshm_chan.cfg_lock), so the two interfaces cannot disagree.  Events
 * (hshm_nl_event.c) go to the "events" multicast group.  The policies and
 * the operations come from the spec (hshm_nl_gen.c).
 */
#include <linux/lockdep.h>

#include "hshm_nl.h"

/*
 * Channels netlink can reach, by id.  A channel leaves the table at the
 * start of hshm_chan_remove(); netlink uses a channel only while holding
 * hshm_nl_lock, so it never sees one being torn down.
 */
DEFINE_MUTEX(hshm_nl_lock);
static struct hshm_chan *hshm_nl_chans[HSHM_MAX_DEVICES];	/* hshm_nl_lock */

/**
 * hshm_nl_add() - make a channel reachable through netlink
 * @ch: a channel being created
 */
void hshm_nl_add(struct hshm_chan *ch)
{
	mutex_lock(&hshm_nl_lock);
	hshm_nl_chans[ch->id] = ch;
	mutex_unlock(&hshm_nl_lock);
}

/**
 * hshm_nl_del() - the channel is going away: no more netlink use
 * @ch: the channel
 *
 * Returns after any GET or SET on @ch has finished.
 */
void hshm_nl_del(struct hshm_chan *ch)
{
	mutex_lock(&hshm_nl_lock);
	hshm_nl_chans[ch->id] = NULL;
	mutex_unlock(&hshm_nl_lock);
}

/**
 * hshm_nl_chan() - the channel of a device number
 * @id: N of /dev/hshmN, below %HSHM_MAX_DEVICES (the policies check it)
 *
 * Caller holds hshm_nl_lock, and uses the channel only while it does.
 *
 * Return: the channel, or NULL if there is none.
 */
struct hshm_chan *hshm_nl_chan(u32 id)
{
	lockdep_assert_held(&hshm_nl_lock);
	return hshm_nl_chans[id];
}

/**
 * hshm_nl_chan_req() - the channel a request's HSHM_A_DEV_INDEX names
 * @a: the request's HSHM_A_DEV_INDEX, or NULL if it has none
 * @extack: where the reason of a failure goes
 *
 * Caller holds hshm_nl_lock, and uses the channel only while it does.
 *
 * Return: the channel, ERR_PTR(-EINVAL) without @a, ERR_PTR(-ENODEV) if
 * there is no such device.
 */
struct hshm_chan *hshm_nl_chan_req(struct nlattr *a,
				   struct netlink_ext_ack *extack)
{
	struct hshm_chan *ch;

	if (!a) {
		NL_SET_ERR_MSG(extack,
			       "HSHM_A_DEV_INDEX is required (which device)");
		return ERR_PTR(-EINVAL);
	}
	ch = hshm_nl_chan(nla_get_u32(a));
	if (!ch) {
		NL_SET_ERR_MSG_ATTR(extack, a, "no such hshm device");
		return ERR_PTR(-ENODEV);
	}
	return ch;
}

/**
 * hshm_nl_reply() - answer a request about one device with one message
 * @info: the request; its HSHM_A_DEV_INDEX names the device
 * @fill: puts the reply, its genetlink header included, into @msg; called
 *	with hshm_nl_lock held
 * @arg: for @fill
 *
 * Return: 0 once the reply is sent, or a negative errno.
 */
int hshm_nl_reply(struct genl_info *info, hshm_nl_fill_fn fill,
		  const void *arg)
{
	struct sk_buff *msg;
	struct hshm_chan *ch;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&hshm_nl_lock);
	ch = hshm_nl_chan_req(info->attrs[HSHM_A_DEV_INDEX], info->extack);
	ret = PTR_ERR_OR_ZERO(ch);
	if (!ret)
		ret = fill(msg, ch, info, arg);
	mutex_unlock(&hshm_nl_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The events carry single requests' latencies and classes, other users'
 * traffic that GET only shows summed up: joining needs CAP_NET_ADMIN.
 */
static const struct genl_multicast_group hshm_nl_mcgrps[] = {
	[HSHM_NLGRP_EVENTS] = {
		.name = HSHM_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/*
 * hshm_genl - the family.  Its operations come from the spec
 * (hshm_nl_gen.c): each with its own policy and strictly validated
 * (resv_start_op 0: a non-zero reserved header field, an attribute the
 * command's policy does not list or trailing bytes fail with -EINVAL).
 * GET for anyone, SET needs CAP_NET_ADMIN.  EVENT is sent, never
 * received: the core answers it with -EOPNOTSUPP.  Not netnsok: only the
 * initial network namespace sees the family; not parallel_ops: the
 * genetlink mutex serialises the operations.
 */
struct genl_family hshm_genl __ro_after_init = {
	.name = HSHM_GENL_NAME,
	.version = HSHM_GENL_VERSION,
	.maxattr = HSHM_A_MAX,
	.module = THIS_MODULE,
	.ops = hshm_nl_ops,
	.n_ops = ARRAY_SIZE(hshm_nl_ops),
	.mcgrps = hshm_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(hshm_nl_mcgrps),
};

/**
 * hshm_nl_init() - register the generic netlink family
 *
 * Return: 0 or the error of genl_register_family().
 */
int hshm_nl_init(void)
{
	return genl_register_family(&hshm_genl);
}

/**
 * hshm_nl_exit() - unregister it
 */
void hshm_nl_exit(void)
{
	genl_unregister_family(&hshm_genl);
}

