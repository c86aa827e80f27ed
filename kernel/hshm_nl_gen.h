/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/hshm.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_HSHM_GEN_H
#define _LINUX_HSHM_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/hshm_netlink.h>
#include <hshm.h>
#include <hshm.h>
#include <hshm.h>
#include <hshm.h>
#include <hshm.h>
#include <hshm.h>
#include <hshm.h>
#include <hshm_qos.h>
#include <hshm_qos.h>

/* Common nested types */
extern const struct nla_policy hshm_class_nl_policy[HSHM_CA_SPIN_US + 1];
extern const struct nla_policy hshm_svc_range_nl_policy[HSHM_SR_CLASS + 1];

extern const struct nla_policy hshm_get_nl_policy[HSHM_A_DEV_INDEX + 1];

extern const struct nla_policy hshm_set_nl_policy[HSHM_A_DRR_QUANTUM + 1];

extern const struct nla_policy hshm_svc_map_get_nl_policy[HSHM_A_SVC_RANGE + 1];

extern const struct nla_policy hshm_svc_map_set_nl_policy[HSHM_A_SVC_RANGE + 1];

/* Ops table for hshm */
extern const struct genl_ops hshm_nl_ops[4];

int hshm_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int hshm_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int hshm_nl_set_doit(struct sk_buff *skb, struct genl_info *info);
int hshm_nl_svc_map_get_doit(struct sk_buff *skb, struct genl_info *info);
int hshm_nl_svc_map_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int hshm_nl_svc_map_set_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	HSHM_NLGRP_EVENTS,
};

#endif /* _LINUX_HSHM_GEN_H */
