// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/hshm.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "hshm_nl_gen.h"

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

/* Integer value ranges */
static const struct netlink_range_validation hshm_a_timeout_ms_range = {
	.min	= 1ULL,
	.max	= HSHM_TIMEOUT_MAX_MS,
};

static const struct netlink_range_validation hshm_a_peer_wait_ms_range = {
	.max	= HSHM_TIMEOUT_MAX_MS,
};

static const struct netlink_range_validation hshm_a_drr_quantum_range = {
	.min	= HSHM_DRR_QUANTUM_MIN,
	.max	= HSHM_DRR_QUANTUM_MAX,
};

static const struct netlink_range_validation hshm_sr_first_range = {
	.max	= HSHM_SERVICE_ID_MAX,
};

static const struct netlink_range_validation hshm_sr_last_range = {
	.max	= HSHM_SERVICE_ID_MAX,
};

/* Common nested types */
const struct nla_policy hshm_class_nl_policy[HSHM_CA_SPIN_US + 1] = {
	[HSHM_CA_ID] = NLA_POLICY_MAX(NLA_U8, HSHM_CLASS_ID_MAX),
	[HSHM_CA_NAME] = { .type = NLA_NUL_STRING, },
	[HSHM_CA_WEIGHT] = NLA_POLICY_RANGE(NLA_U32, HSHM_WEIGHT_MIN, HSHM_WEIGHT_MAX),
	[HSHM_CA_RESERVATION] = NLA_POLICY_MAX(NLA_U8, 100),
	[HSHM_CA_SHED_US] = { .type = NLA_U32, },
	[HSHM_CA_TARGET_US] = { .type = NLA_U32, },
	[HSHM_CA_SUBMITTED] = { .type = NLA_U64, },
	[HSHM_CA_COMPLETED] = { .type = NLA_U64, },
	[HSHM_CA_FAILED] = { .type = NLA_U64, },
	[HSHM_CA_CANCELLED] = { .type = NLA_U64, },
	[HSHM_CA_DROPPED] = { .type = NLA_U64, },
	[HSHM_CA_IN_FLIGHT] = { .type = NLA_U64, },
	[HSHM_CA_BACKLOG] = { .type = NLA_U64, },
	[HSHM_CA_SLA_VIOLATIONS] = { .type = NLA_U64, },
	[HSHM_CA_P50_NS] = { .type = NLA_U64, },
	[HSHM_CA_P95_NS] = { .type = NLA_U64, },
	[HSHM_CA_P99_NS] = { .type = NLA_U64, },
	[HSHM_CA_MAX_NS] = { .type = NLA_U64, },
	[HSHM_CA_HIST_FIRST] = { .type = NLA_U32, },
	[HSHM_CA_HIST] = { .type = NLA_BINARY, },
	[HSHM_CA_HIST_SUB_BITS] = { .type = NLA_U8, },
	[HSHM_CA_SPIN_US] = NLA_POLICY_MAX(NLA_U32, HSHM_SPIN_US_MAX),
};

const struct nla_policy hshm_svc_range_nl_policy[HSHM_SR_CLASS + 1] = {
	[HSHM_SR_FIRST] = NLA_POLICY_FULL_RANGE(NLA_U32, &hshm_sr_first_range),
	[HSHM_SR_LAST] = NLA_POLICY_FULL_RANGE(NLA_U32, &hshm_sr_last_range),
	[HSHM_SR_CLASS] = NLA_POLICY_MAX(NLA_U8, HSHM_CLASS_ID_MAX),
};

/* HSHM_CMD_GET - do */
const struct nla_policy hshm_get_nl_policy[HSHM_A_DEV_INDEX + 1] = {
	[HSHM_A_DEV_INDEX] = NLA_POLICY_MAX(NLA_U32, HSHM_DEV_INDEX_MAX),
};

/* HSHM_CMD_SET - do */
const struct nla_policy hshm_set_nl_policy[HSHM_A_DRR_QUANTUM + 1] = {
	[HSHM_A_DEV_INDEX] = NLA_POLICY_MAX(NLA_U32, HSHM_DEV_INDEX_MAX),
	[HSHM_A_SCHEDULER] = NLA_POLICY_MAX(NLA_U8, 2),
	[HSHM_A_BATCH_MAX] = NLA_POLICY_MIN(NLA_U32, 1),
	[HSHM_A_RT_BATCH_MAX] = NLA_POLICY_MIN(NLA_U32, 1),
	[HSHM_A_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &hshm_a_timeout_ms_range),
	[HSHM_A_CLASS] = NLA_POLICY_NESTED(hshm_class_nl_policy),
	[HSHM_A_SCHED_POLICY] = NLA_POLICY_MAX(NLA_U8, 2),
	[HSHM_A_SCHED_PRIORITY] = { .type = NLA_S32, },
	[HSHM_A_PEER_PROFILE] = { .type = NLA_NUL_STRING, .len = 31, },
	[HSHM_A_HANDOVER] = { .type = NLA_U32, },
	[HSHM_A_PEER_WAIT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &hshm_a_peer_wait_ms_range),
	[HSHM_A_DRR_QUANTUM] = NLA_POLICY_FULL_RANGE(NLA_U32, &hshm_a_drr_quantum_range),
};

/* HSHM_CMD_SVC_MAP_GET - do */
const struct nla_policy hshm_svc_map_get_nl_policy[HSHM_A_SVC_RANGE + 1] = {
	[HSHM_A_DEV_INDEX] = NLA_POLICY_MAX(NLA_U32, HSHM_DEV_INDEX_MAX),
	[HSHM_A_SVC_RANGE] = NLA_POLICY_NESTED(hshm_svc_range_nl_policy),
};

/* HSHM_CMD_SVC_MAP_SET - do */
const struct nla_policy hshm_svc_map_set_nl_policy[HSHM_A_SVC_RANGE + 1] = {
	[HSHM_A_DEV_INDEX] = NLA_POLICY_MAX(NLA_U32, HSHM_DEV_INDEX_MAX),
	[HSHM_A_SVC_RANGE] = NLA_POLICY_NESTED(hshm_svc_range_nl_policy),
};

/* Ops table for hshm */
const struct genl_ops hshm_nl_ops[4] = {
	{
		.cmd		= HSHM_CMD_GET,
		.doit		= hshm_nl_get_doit,
		.dumpit		= hshm_nl_get_dumpit,
		.policy		= hshm_get_nl_policy,
		.maxattr	= HSHM_A_DEV_INDEX,
	},
	{
		.cmd		= HSHM_CMD_SET,
		.doit		= hshm_nl_set_doit,
		.policy		= hshm_set_nl_policy,
		.maxattr	= HSHM_A_DRR_QUANTUM,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= HSHM_CMD_SVC_MAP_GET,
		.doit		= hshm_nl_svc_map_get_doit,
		.dumpit		= hshm_nl_svc_map_get_dumpit,
		.policy		= hshm_svc_map_get_nl_policy,
		.maxattr	= HSHM_A_SVC_RANGE,
	},
	{
		.cmd		= HSHM_CMD_SVC_MAP_SET,
		.doit		= hshm_nl_svc_map_set_doit,
		.policy		= hshm_svc_map_set_nl_policy,
		.maxattr	= HSHM_A_SVC_RANGE,
		.flags		= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group hshm_nl_mcgrps[] = {
	[HSHM_NLGRP_EVENTS] = { "events", },
};
