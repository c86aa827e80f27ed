/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The user-space side of the "hshm" generic netlink family, shared by the
 * tools that speak it: the socket and its errors (with the kernel's
 * extended ACK), new requests, the policies of the nests, and the device
 * and class objects a GET dump decodes into.
 */
#ifndef _HSHM_NL_H
#define _HSHM_NL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>

#include <linux/hshm.h>
#include <linux/hshm_netlink.h>

#include "hshm_qos.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

/* The exit statuses the tools share. */
enum {
	HSHM_NL_EXIT_FAIL = 1,		/* the operation failed */
	HSHM_NL_EXIT_USAGE = 2,		/* bad usage or input */
	HSHM_NL_EXIT_NODEV = 3,		/* no such device, or no module */
	HSHM_NL_EXIT_PERM = 4,		/* permission denied */
	HSHM_NL_EXIT_TIMEOUT = 5,	/* timed out */
};

#define HSHM_NL_NCLS	HSHM_NR_CLASSES

struct hshm_nl_cls {
	bool seen;
	uint32_t weight, shed_us, target_us, spin_us;
	uint8_t reservation;
	uint64_t submitted, completed, failed, cancelled, dropped;
	uint64_t in_flight, backlog, sla, p50, p95, p99, max;
	/* the driver's geometry (HSHM_CA_HIST_SUB_BITS) and its buckets */
	uint8_t hist_sub_bits;
	uint64_t hist[HSHM_HIST_BUCKETS_MAX];
};

struct hshm_nl_dev {
	bool seen;
	uint32_t index, features, entries, data_bytes, max_requests;
	uint32_t batch_max, rt_batch_max, timeout_ms;
	uint8_t scheduler;
	uint32_t drr_quantum;	/* 0: a driver without drr */
	bool has_thread;	/* a driver that reports the thread's policy */
	uint8_t sched_policy;
	int32_t sched_priority;
	uint64_t bad_replies, lost_irqs, heals;
	uint64_t faults[HSHM_FA_MAX + 1];
	char name[32], transport[32];
	bool has_peer;		/* a driver that reports its peer */
	char profile[32];
	uint8_t peer_state;
	uint32_t handover, learned, peer_wait_ms;
	uint64_t resent;
	uint64_t direct_handovers;
	struct hshm_nl_cls cls[HSHM_NL_NCLS];
};

/* Every device a dump returned, by index. */
struct hshm_nl_devs {
	struct hshm_nl_dev d[HSHM_MAX_DEVICES];
};

struct hshm_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* errno of the last NLMSG_ERROR */
	char ext[256];		/* the kernel's extended ACK message */
	bool quiet_nodev;	/* hshm_nl_run(): the caller reports ENODEV */
};

extern const struct nla_policy hshm_nl_policy[HSHM_A_MAX + 1];
extern const struct nla_policy hshm_nl_event_policy[HSHM_EA_MAX + 1];

/* The program name messages start with (default "hshm"). */
void hshm_nl_set_prog(const char *prog);
__printf(1, 2) void hshm_nl_msg(const char *fmt, ...);
void hshm_nl_vmsg(const char *fmt, va_list ap);
int hshm_nl_errno_exit(int err);

int hshm_nl_open(struct hshm_nl *nl);
void hshm_nl_close(struct hshm_nl *nl);
struct nl_msg *hshm_nl_new(struct hshm_nl *nl, uint8_t cmd, int flags);
int hshm_nl_run(struct hshm_nl *nl, struct nl_msg *m,
		nl_recvmsg_msg_cb_t valid, void *arg, const char *what);

uint64_t hshm_nl_get64(struct nlattr *a);
uint32_t hshm_nl_get32(struct nlattr *a);
/* The top-level attributes of a reply or event, parsed by policy. */
int hshm_nl_parse(struct nl_msg *m, struct nlattr **tb);

int hshm_nl_get_devs(struct hshm_nl *nl, int dev, struct hshm_nl_devs *devs);
/* Send one SET for device @dev that @put fills in; 0 or an exit status. */
int hshm_nl_set(struct hshm_nl *nl, uint32_t dev,
		int (*put)(struct nl_msg *m, const void *arg), const void *arg);

/* A run of the service map: services first..last are served in cls. */
struct hshm_nl_run {
	uint32_t first;
	uint32_t last;
	uint8_t cls;
};

/*
 * SVC_MAP_GET of device @dev: the whole map (@id < 0, a dump) or the run
 * that holds service @id, each run through @fn; 0 or an exit status.
 */
int hshm_nl_svc_map_get(struct hshm_nl *nl, uint32_t dev, int64_t id,
			void (*fn)(const struct hshm_nl_run *r, void *arg),
			void *arg);
/* SVC_MAP_SET of @n runs, applied in order; 0 or an exit status. */
int hshm_nl_svc_map_set(struct hshm_nl *nl, uint32_t dev,
			const struct hshm_nl_run *runs, unsigned int n);

const char *hshm_nl_sched_name(uint8_t s);

#endif /* _HSHM_NL_H */
