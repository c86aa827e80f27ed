/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * hshm: generic netlink family "hshm", the operators' interface.
 *
 * GET reads, SET configures (CAP_NET_ADMIN), and the "events" multicast
 * group reports what operators want to hear about.  sysfs shows the same
 * state: both are views of one set of fields in the driver.
 * Documentation/hshm/netlink.rst describes every message.
 */
#ifndef _UAPI_LINUX_HSHM_NETLINK_H
#define _UAPI_LINUX_HSHM_NETLINK_H

#define HSHM_GENL_NAME		"hshm"
#define HSHM_GENL_VERSION	1
#define HSHM_GENL_MCGRP_EVENTS	"events"

/**
 * enum hshm_nl_cmd - commands of the family
 * @HSHM_CMD_UNSPEC: not used
 * @HSHM_CMD_GET: doit: one device (HSHM_A_DEV_INDEX required), without
 *	histograms; dumpit: every device (or the one HSHM_A_DEV_INDEX
 *	names), each as one device message followed by histogram messages
 * @HSHM_CMD_SET: change the configuration of HSHM_A_DEV_INDEX: device
 *	attributes and HSHM_A_CLASS nests (HSHM_CA_ID required in each);
 *	nothing changes unless every attribute is valid
 * @HSHM_CMD_EVENT: multicast on "events": one HSHM_A_EVENT nest
 * @HSHM_CMD_SVC_MAP_GET: the service map of HSHM_A_DEV_INDEX (required);
 *	dumpit: the whole map as HSHM_A_SVC_RANGE nests, the runs of service
 *	ids of one class in ascending order, over as many messages as it
 *	takes; doit: the run holding the HSHM_SR_FIRST of the request's
 *	HSHM_A_SVC_RANGE
 * @HSHM_CMD_SVC_MAP_SET: set the class of the runs of HSHM_A_SVC_RANGE
 *	nests of HSHM_A_DEV_INDEX, in order (a later run wins where runs
 *	overlap); nothing changes unless every run is valid
 * @__HSHM_CMD_MAX: end marker
 */
enum hshm_nl_cmd {
	HSHM_CMD_UNSPEC,
	HSHM_CMD_GET,
	HSHM_CMD_SET,
	HSHM_CMD_EVENT,
	HSHM_CMD_SVC_MAP_GET,
	HSHM_CMD_SVC_MAP_SET,
	__HSHM_CMD_MAX,
};

#define HSHM_CMD_MAX (__HSHM_CMD_MAX - 1)

/* HSHM_A_SCHEDULER */
#define HSHM_NL_SCHED_WRR	0
#define HSHM_NL_SCHED_FIFO	1
#define HSHM_NL_SCHED_DRR	2

/* HSHM_A_PEER_STATE: what the driver last saw of its peer */
#define HSHM_NL_PEER_ABSENT	0	/* not seen yet */
#define HSHM_NL_PEER_READY	1	/* its queue shows it running, or it answered */
#define HSHM_NL_PEER_LOST	2	/* gone from its queue, or no answer in time */

/* HSHM_A_SCHED_POLICY: CPU scheduling policy of the dispatcher thread */
#define HSHM_NL_POLICY_OTHER	0	/* SCHED_OTHER, priority = nice value */
#define HSHM_NL_POLICY_FIFO	1	/* SCHED_FIFO, priority 1..99 */
#define HSHM_NL_POLICY_RR	2	/* SCHED_RR, priority 1..99 */

/**
 * enum hshm_nl_attr - top-level attributes
 * @HSHM_A_UNSPEC: not used
 * @HSHM_A_PAD: padding of 64-bit attributes
 * @HSHM_A_DEV_INDEX: u32, N of /dev/hshmN
 * @HSHM_A_DEV_NAME: string, "hshmN"
 * @HSHM_A_TRANSPORT: string, "loopback", "ivshmem", "hvisor"...
 * @HSHM_A_FEATURES: u32, HSHM_FEAT_* of linux/hshm.h
 * @HSHM_A_QUEUE_ENTRIES: u32, entries of the Linux-owned queue
 * @HSHM_A_DATA_BYTES: u32, bytes of the data area requests come from
 * @HSHM_A_MAX_REQUESTS: u32, request slots
 * @HSHM_A_SCHEDULER: u8, HSHM_NL_SCHED_*: wrr, fifo or drr (settable)
 * @HSHM_A_BATCH_MAX: u32, 1..queue entries (settable)
 * @HSHM_A_RT_BATCH_MAX: u32, 1..queue entries (settable)
 * @HSHM_A_TIMEOUT_MS: u32, default request timeout, 1..3600000 (settable)
 * @HSHM_A_BAD_REPLIES: u64, peer answers rejected by validation
 * @HSHM_A_LOST_IRQS: u64, batches found done with no interrupt
 * @HSHM_A_CLASS: nest of enum hshm_nl_class_attr, once per class
 * @HSHM_A_EVENT: nest of enum hshm_nl_event_attr
 * @HSHM_A_FAULTS: nest of u64 counters of bad data seen from the peer, one
 *	attribute per kind (enum hshm_nl_fault_attr; sysfs faults)
 * @HSHM_A_HEALS: u64, queue resets after repeated bad data or a stuck peer
 * @HSHM_A_SCHED_POLICY: u8, HSHM_NL_POLICY_*: CPU scheduling policy of the
 *	dispatcher thread (settable; without HSHM_A_SCHED_PRIORITY the
 *	priority is kept between fifo and rr, else set to the policy's
 *	default: 50 for fifo and rr, 0 for other)
 * @HSHM_A_SCHED_PRIORITY: s32, its priority: 1..99 under fifo and rr, the
 *	nice value -20..19 under other (settable; alone it applies to the
 *	current policy)
 * @HSHM_A_PEER_PROFILE: string, the peer on the other side: "hshm",
 *	"sel4-v1", "freertos-v1", "hvisor-tool-v1" (settable)
 * @HSHM_A_PEER_STATE: u8, HSHM_NL_PEER_*: what the driver last saw of it
 * @HSHM_A_HANDOVER: u32, most messages per hand-over, 0: the profile's,
 *	else learned from the peer (settable, 0..queue entries)
 * @HSHM_A_HANDOVER_LEARNED: u32, messages per hand-over learned from what
 *	the peer serves
 * @HSHM_A_PEER_WAIT_MS: u32, how long requests wait for an absent peer
 *	before they are sent anyway, 0..3600000 (settable)
 * @HSHM_A_RESENT: u64, messages a peer left untouched that were sent again
 * @HSHM_A_SVC_RANGE: nest of enum hshm_nl_svc_range_attr, a run of the
 *	service map (HSHM_CMD_SVC_MAP_GET and HSHM_CMD_SVC_MAP_SET)
 * @HSHM_A_DIRECT_HANDOVERS: u64, hand-overs made by the context at hand
 *	(a submitter, the reply interrupt, a polling caller), not the
 *	dispatcher thread
 * @HSHM_A_DRR_QUANTUM: u32, the drr scheduler's base quantum in bytes, a
 *	class earns its weight times it per visit, 64..1048576 (settable)
 * @__HSHM_A_MAX: end marker
 */
enum hshm_nl_attr {
	HSHM_A_UNSPEC,
	HSHM_A_PAD,
	HSHM_A_DEV_INDEX,
	HSHM_A_DEV_NAME,
	HSHM_A_TRANSPORT,
	HSHM_A_FEATURES,
	HSHM_A_QUEUE_ENTRIES,
	HSHM_A_DATA_BYTES,
	HSHM_A_MAX_REQUESTS,
	HSHM_A_SCHEDULER,
	HSHM_A_BATCH_MAX,
	HSHM_A_RT_BATCH_MAX,
	HSHM_A_TIMEOUT_MS,
	HSHM_A_BAD_REPLIES,
	HSHM_A_LOST_IRQS,
	HSHM_A_CLASS,
	HSHM_A_EVENT,
	HSHM_A_FAULTS,
	HSHM_A_HEALS,
	HSHM_A_SCHED_POLICY,
	HSHM_A_SCHED_PRIORITY,
	HSHM_A_PEER_PROFILE,
	HSHM_A_PEER_STATE,
	HSHM_A_HANDOVER,
	HSHM_A_HANDOVER_LEARNED,
	HSHM_A_PEER_WAIT_MS,
	HSHM_A_RESENT,
	HSHM_A_SVC_RANGE,
	HSHM_A_DIRECT_HANDOVERS,
	HSHM_A_DRR_QUANTUM,
	__HSHM_A_MAX,
};

#define HSHM_A_MAX (__HSHM_A_MAX - 1)

/**
 * enum hshm_nl_fault_attr - counters of an HSHM_A_FAULTS nest (u64 each)
 * @HSHM_FA_UNSPEC: not used
 * @HSHM_FA_BAD_FLAG: answers with reserved flag bits set
 * @HSHM_FA_BAD_LENGTH: response lengths beyond the request's buffer
 * @HSHM_FA_BAD_RESULT: answers with service_result "none"
 * @HSHM_FA_SKIPPED: entries left unanswered by a peer that went idle
 * @HSHM_FA_BAD_MARK: unknown or impossible working_mark values
 * @HSHM_FA_SPURIOUS: answers in entries that were not handed over
 * @HSHM_FA_BAD_HEADER: owner-only queue header fields found changed
 * @HSHM_FA_PAD: padding of the 64-bit counters
 * @__HSHM_FA_MAX: end marker
 */
enum hshm_nl_fault_attr {
	HSHM_FA_UNSPEC,
	HSHM_FA_BAD_FLAG,
	HSHM_FA_BAD_LENGTH,
	HSHM_FA_BAD_RESULT,
	HSHM_FA_SKIPPED,
	HSHM_FA_BAD_MARK,
	HSHM_FA_SPURIOUS,
	HSHM_FA_BAD_HEADER,
	HSHM_FA_PAD,
	__HSHM_FA_MAX,
};

#define HSHM_FA_MAX (__HSHM_FA_MAX - 1)

/**
 * enum hshm_nl_class_attr - attributes of an HSHM_A_CLASS nest
 * @HSHM_CA_UNSPEC: not used
 * @HSHM_CA_PAD: padding of 64-bit attributes
 * @HSHM_CA_ID: u8, enum hshm_class (required in SET)
 * @HSHM_CA_NAME: string, "realtime", "throughput", "reliable",
 *	"best_effort"
 * @HSHM_CA_WEIGHT: u32, WRR weight 1..1000 (settable)
 * @HSHM_CA_RESERVATION: u8, percent of slots and data reserved, 0..100;
 *	the four together at most 100 (settable)
 * @HSHM_CA_SHED_US: u32, queueing time after which a request is shed,
 *	0 = never; only 0 for realtime and reliable (settable)
 * @HSHM_CA_TARGET_US: u32, latency target, 0 = none; a completion slower
 *	than it counts as an SLA violation and raises an event (settable)
 * @HSHM_CA_SUBMITTED: u64, accepted submits
 * @HSHM_CA_COMPLETED: u64, completions with status 0
 * @HSHM_CA_FAILED: u64, completions with another error
 * @HSHM_CA_CANCELLED: u64, completions with -ECANCELED
 * @HSHM_CA_DROPPED: u64, requests shed (-ETIME)
 * @HSHM_CA_IN_FLIGHT: u64, at the peer now
 * @HSHM_CA_BACKLOG: u64, queued now
 * @HSHM_CA_SLA_VIOLATIONS: u64, completions slower than the target
 * @HSHM_CA_P50_NS: u64, median latency
 * @HSHM_CA_P95_NS: u64, 95th percentile
 * @HSHM_CA_P99_NS: u64, 99th percentile
 * @HSHM_CA_MAX_NS: u64, largest latency
 * @HSHM_CA_HIST_FIRST: u32, bucket number of the first count in
 *	HSHM_CA_HIST (histogram messages only)
 * @HSHM_CA_HIST: binary, consecutive __u64 bucket counts starting at
 *	HSHM_CA_HIST_FIRST; buckets outside all messages are zero
 * @HSHM_CA_HIST_SUB_BITS: u8, the histogram's shape: below
 *	2^sub_bits ns a bucket per ns, above each power of two is split in
 *	2^sub_bits buckets (netlink.rst has the bucket bounds)
 * @HSHM_CA_SPIN_US: u32, how long an HSHM_CALL caller of the class polls
 *	for its answer before it sleeps, 0..10000, 0 = never (settable)
 * @__HSHM_CA_MAX: end marker
 */
enum hshm_nl_class_attr {
	HSHM_CA_UNSPEC,
	HSHM_CA_PAD,
	HSHM_CA_ID,
	HSHM_CA_NAME,
	HSHM_CA_WEIGHT,
	HSHM_CA_RESERVATION,
	HSHM_CA_SHED_US,
	HSHM_CA_TARGET_US,
	HSHM_CA_SUBMITTED,
	HSHM_CA_COMPLETED,
	HSHM_CA_FAILED,
	HSHM_CA_CANCELLED,
	HSHM_CA_DROPPED,
	HSHM_CA_IN_FLIGHT,
	HSHM_CA_BACKLOG,
	HSHM_CA_SLA_VIOLATIONS,
	HSHM_CA_P50_NS,
	HSHM_CA_P95_NS,
	HSHM_CA_P99_NS,
	HSHM_CA_MAX_NS,
	HSHM_CA_HIST_FIRST,
	HSHM_CA_HIST,
	HSHM_CA_HIST_SUB_BITS,
	HSHM_CA_SPIN_US,
	__HSHM_CA_MAX,
};

#define HSHM_CA_MAX (__HSHM_CA_MAX - 1)

/**
 * enum hshm_nl_event - HSHM_EA_TYPE values
 * @HSHM_EVENT_SLA_VIOLATION: a completion was slower than its class's
 *	target (HSHM_EA_CLASS, HSHM_EA_LATENCY_NS, HSHM_EA_TARGET_NS)
 * @HSHM_EVENT_PEER_RESET: the peer went idle with messages of the batch
 *	untouched (HSHM_EA_COUNT of them, sent again), as a restarted peer
 *	or one that serves one message per hand-over does
 * @HSHM_EVENT_HEAL: the driver reset the queue with the peer
 *	(HSHM_EA_COUNT requests failed with -ECONNRESET)
 * @HSHM_EVENT_SHED: requests of HSHM_EA_CLASS were shed (HSHM_EA_COUNT)
 * @HSHM_EVENT_PEER_STATE: the peer's state changed; HSHM_EA_COUNT is the
 *	new one, an HSHM_NL_PEER_* value
 * @__HSHM_EVENT_MAX: end marker
 */
enum hshm_nl_event {
	HSHM_EVENT_SLA_VIOLATION = 1,
	HSHM_EVENT_PEER_RESET,
	HSHM_EVENT_HEAL,
	HSHM_EVENT_SHED,
	HSHM_EVENT_PEER_STATE,
	__HSHM_EVENT_MAX,
};

/**
 * enum hshm_nl_event_attr - attributes of an HSHM_A_EVENT nest
 * @HSHM_EA_UNSPEC: not used
 * @HSHM_EA_PAD: padding of 64-bit attributes
 * @HSHM_EA_TYPE: u8, enum hshm_nl_event
 * @HSHM_EA_CLASS: u8, enum hshm_class, where the event has a class
 * @HSHM_EA_LATENCY_NS: u64, the latency that missed the target
 * @HSHM_EA_TARGET_NS: u64, the target it missed
 * @HSHM_EA_COUNT: u64, requests concerned
 * @HSHM_EA_SUPPRESSED: u32, events of this type and device dropped by
 *	rate limiting since the previous one was sent
 * @HSHM_EA_TIMESTAMP_NS: u64, CLOCK_MONOTONIC time of the event
 * @__HSHM_EA_MAX: end marker
 */
enum hshm_nl_event_attr {
	HSHM_EA_UNSPEC,
	HSHM_EA_PAD,
	HSHM_EA_TYPE,
	HSHM_EA_CLASS,
	HSHM_EA_LATENCY_NS,
	HSHM_EA_TARGET_NS,
	HSHM_EA_COUNT,
	HSHM_EA_SUPPRESSED,
	HSHM_EA_TIMESTAMP_NS,
	__HSHM_EA_MAX,
};

#define HSHM_EA_MAX (__HSHM_EA_MAX - 1)

/**
 * enum hshm_nl_svc_range_attr - attributes of an HSHM_A_SVC_RANGE nest
 * @HSHM_SR_UNSPEC: not used
 * @HSHM_SR_FIRST: u32, the first service id of the run, 0..65535
 *	(required)
 * @HSHM_SR_LAST: u32, the last one, HSHM_SR_FIRST..65535; HSHM_SR_FIRST
 *	if absent
 * @HSHM_SR_CLASS: u8, enum hshm_class: requests submitted with qos_class
 *	HSHM_CLASS_AUTO to these services are served in it (required in
 *	HSHM_CMD_SVC_MAP_SET)
 * @__HSHM_SR_MAX: end marker
 */
enum hshm_nl_svc_range_attr {
	HSHM_SR_UNSPEC,
	HSHM_SR_FIRST,
	HSHM_SR_LAST,
	HSHM_SR_CLASS,
	__HSHM_SR_MAX,
};

#define HSHM_SR_MAX (__HSHM_SR_MAX - 1)

#endif /* _UAPI_LINUX_HSHM_NETLINK_H */
