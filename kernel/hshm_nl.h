/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hshm netlink: what the files of the family share.
 *
 * hshm_netlink.c	the family and the channels it reaches
 * hshm_nl_cmd.c	the GET and SET handlers
 * hshm_nl_svc.c	the service map: SVC_MAP_GET and SVC_MAP_SET
 * hshm_nl_event.c	the event ring and its notifications
 * hshm_nl_gen.[ch]	the policies and the table of operations, generated
 *			from Documentation/netlink/specs/hshm.yaml
 */
#ifndef _HSHM_NL_H
#define _HSHM_NL_H

#include <net/genetlink.h>
#include <linux/hshm_netlink.h>

#include "hshm.h"
#include "hshm_nl_gen.h"

extern struct genl_family hshm_genl;
extern struct mutex hshm_nl_lock;

struct hshm_chan *hshm_nl_chan(u32 id);
struct hshm_chan *hshm_nl_chan_req(struct nlattr *a,
				   struct netlink_ext_ack *extack);

typedef int (*hshm_nl_fill_fn)(struct sk_buff *msg, struct hshm_chan *ch,
			       struct genl_info *info, const void *arg);
int hshm_nl_reply(struct genl_info *info, hshm_nl_fill_fn fill,
		  const void *arg);

static inline int hshm_nl_put_u64(struct sk_buff *skb, int type, u64 v,
				  int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

#endif /* _HSHM_NL_H */
