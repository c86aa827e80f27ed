// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshmctl: look at and configure hshm devices over the "hshm" generic
 * netlink family, watch its events, call a service.
 *
 * Exit status: 0 done; 1 the operation failed; 2 bad usage or input;
 * 3 no such device, or the hshm module is not loaded; 4 permission
 * denied; 5 timed out (monitor --timeout, call).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <linux/hshm.h>
#include <linux/hshm_netlink.h>

#include "hshm_qos.h"

#include "ctl_call.h"

enum {
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NODEV = 3,
	EXIT_PERM = 4,
	EXIT_TIMEOUT = 5,
};

#define MAX_DEVS	HSHM_MAX_DEVICES
#define NCLS		HSHM_NR_CLASSES

static const char *const event_names[__HSHM_EVENT_MAX] = {
	[HSHM_EVENT_SLA_VIOLATION] = "sla_violation",
	[HSHM_EVENT_PEER_RESET] = "peer_reset",
	[HSHM_EVENT_HEAL] = "heal",
	[HSHM_EVENT_SHED] = "shed",
	[HSHM_EVENT_PEER_STATE] = "peer_state",
};

struct cls_info {
	bool seen;
	uint32_t weight, shed_us, target_us;
	uint8_t reservation;
	uint64_t submitted, completed, failed, cancelled, dropped;
	uint64_t in_flight, backlog, sla, p50, p95, p99, max;
	/* the driver's geometry (HSHM_CA_HIST_SUB_BITS) and its buckets */
	uint8_t hist_sub_bits;
	uint64_t hist[HSHM_HIST_BUCKETS_MAX];
};

struct dev_info {
	bool seen;
	uint32_t index, features, entries, data_bytes, max_requests;
	uint32_t batch_max, rt_batch_max, timeout_ms;
	uint8_t scheduler;
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
	struct cls_info cls[NCLS];
};

struct opts {
	int dev;		/* -1: every device */
	bool json;
	bool hist;
	double watch;
	long count;
	double timeout;
	int qos_class;
	uint32_t call_timeout_ms;
};

static const char *const fault_names[HSHM_FA_MAX + 1] = {
	[HSHM_FA_BAD_FLAG] = "bad_flag",
	[HSHM_FA_BAD_LENGTH] = "bad_length",
	[HSHM_FA_BAD_RESULT] = "bad_result",
	[HSHM_FA_SKIPPED] = "skipped",
	[HSHM_FA_BAD_MARK] = "bad_mark",
	[HSHM_FA_SPURIOUS] = "spurious",
	[HSHM_FA_BAD_HEADER] = "bad_header",
};

/* HSHM_NL_POLICY_*: the dispatcher thread's CPU scheduling policy */
static const char *const policy_names[] = {
	[HSHM_NL_POLICY_OTHER] = "other",
	[HSHM_NL_POLICY_FIFO] = "fifo",
	[HSHM_NL_POLICY_RR] = "rr",
};

#define NPOLICIES	(sizeof(policy_names) / sizeof(policy_names[0]))

/* HSHM_NL_PEER_*: what the driver last saw of its peer */
static const char *const peer_state_names[] = {
	[HSHM_NL_PEER_ABSENT] = "absent",
	[HSHM_NL_PEER_READY] = "ready",
	[HSHM_NL_PEER_LOST] = "lost",
};

static const char *peer_state_name(uint8_t st)
{
	return st < sizeof(peer_state_names) / sizeof(peer_state_names[0]) ?
	       peer_state_names[st] : "unknown";
}

static const char *prog = "hshmctl";

static void msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

/* A class name or number (hshm_class_lookup()): the class or -EINVAL. */
static int class_parse(const char *s)
{
	return hshm_class_lookup(s, strlen(s));
}

/* A decimal number in [min, max]; false with a message otherwise. */
static bool parse_u32(const char *what, const char *s, uint32_t min,
		      uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return true;
bad:
	msg("invalid %s '%s': expected a whole number from %u to %u", what, s,
	    min, max);
	return false;
}

/* A decimal integer, maybe negative, that fits in 32 bits. */
static bool parse_s32(const char *what, const char *s, int32_t *out)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || errno || *end || v < INT32_MIN || v > INT32_MAX) {
		msg("invalid %s '%s': expected a whole number", what, s);
		return false;
	}
	*out = (int32_t)v;
	return true;
}

/* Netlink plumbing */

struct nl {
	struct nl_sock *sk;
	int family;
	int err;		/* errno of the last NLMSG_ERROR */
	char ext[256];		/* the kernel's extended ACK message */
	bool quiet_nodev;	/* nl_run(): the caller reports ENODEV */
};

static int errno_exit(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return EXIT_PERM;
	case ENODEV:
	case ENOENT:
		return EXIT_NODEV;
	case EINVAL:
	case ERANGE:
		return EXIT_USAGE;
	default:
		return EXIT_FAIL;
	}
}

static int ctl_nl_open(struct nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		msg("out of memory");
		return EXIT_FAIL;
	}
	if (genl_connect(nl->sk)) {
		msg("cannot open a generic netlink socket");
		return EXIT_FAIL;
	}
	/* Ask for the kernel's explanations with errors. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, HSHM_GENL_NAME);
	if (nl->family < 0) {
		msg("the \"%s\" netlink family is not there: is the hshm module loaded?",
		    HSHM_GENL_NAME);
		return EXIT_NODEV;
	}
	return 0;
}

static void ctl_nl_close(struct nl *nl)
{
	nl_socket_free(nl->sk);
}

/* NLMSG_ERROR: keep the errno and the extended ACK message, if any. */
static int nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nl *nl = arg;
	size_t ack_len;

	nl->err = -e->error;
	nl->ext[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	ack_len = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (ack_len < nlh->nlmsg_len) {
		struct nlattr *a = (struct nlattr *)((char *)nlh + ack_len);
		int rem = nlh->nlmsg_len - ack_len;

		for (; nla_ok(a, rem); a = nla_next(a, &rem))
			if (nla_type(a) == NLMSGERR_ATTR_MSG)
				snprintf(nl->ext, sizeof(nl->ext), "%s",
					 (char *)nla_data(a));
	}
	return NL_STOP;
}

static int nl_ack_cb(struct nl_msg *m, void *arg)
{
	return NL_STOP;
}

/* Send @m, run @valid on every reply; 0 or an exit status (reported). */
static int nl_run(struct nl *nl, struct nl_msg *m, nl_recvmsg_msg_cb_t valid,
		  void *arg, const char *what)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb) {
		nlmsg_free(m);
		msg("out of memory");
		return EXIT_FAIL;
	}
	nl->err = 0;
	nl_cb_err(cb, NL_CB_CUSTOM, nl_err_cb, nl);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_ack_cb, nl);
	if (valid)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, arg);
	ret = nl_send_auto(nl->sk, m);
	nlmsg_free(m);
	if (ret >= 0)
		ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (nl->err) {
		if (nl->err == ENODEV && nl->quiet_nodev)
			return EXIT_NODEV;
		if (nl->ext[0])
			msg("%s: %s (%s)", what, nl->ext, strerror(nl->err));
		else if (nl->err == EPERM)
			msg("%s: %s (CAP_NET_ADMIN is needed)", what,
			    strerror(nl->err));
		else
			msg("%s: %s", what, strerror(nl->err));
		return errno_exit(nl->err);
	}
	if (ret < 0) {
		msg("%s: %s", what, nl_geterror(ret));
		return EXIT_FAIL;
	}
	return 0;
}

static struct nl_msg *nl_new(struct nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			      flags, cmd, HSHM_GENL_VERSION)) {
		nlmsg_free(m);
		m = NULL;
	}
	if (!m)
		msg("out of memory");
	return m;
}

/* GET: collecting devices */

struct devs {
	struct dev_info d[MAX_DEVS];
};

static uint64_t get64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t get32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

/*
 * The nests of replies and events, parsed with policies: libnl rejects a
 * nest with an attribute shorter than its type before anything reads it.
 */
static const struct nla_policy class_policy[HSHM_CA_MAX + 1] = {
	[HSHM_CA_ID]		= { .type = NLA_U8 },
	[HSHM_CA_NAME]		= { .type = NLA_STRING },
	[HSHM_CA_WEIGHT]	= { .type = NLA_U32 },
	[HSHM_CA_RESERVATION]	= { .type = NLA_U8 },
	[HSHM_CA_SHED_US]	= { .type = NLA_U32 },
	[HSHM_CA_TARGET_US]	= { .type = NLA_U32 },
	[HSHM_CA_SUBMITTED]	= { .type = NLA_U64 },
	[HSHM_CA_COMPLETED]	= { .type = NLA_U64 },
	[HSHM_CA_FAILED]	= { .type = NLA_U64 },
	[HSHM_CA_CANCELLED]	= { .type = NLA_U64 },
	[HSHM_CA_DROPPED]	= { .type = NLA_U64 },
	[HSHM_CA_IN_FLIGHT]	= { .type = NLA_U64 },
	[HSHM_CA_BACKLOG]	= { .type = NLA_U64 },
	[HSHM_CA_SLA_VIOLATIONS] = { .type = NLA_U64 },
	[HSHM_CA_P50_NS]	= { .type = NLA_U64 },
	[HSHM_CA_P95_NS]	= { .type = NLA_U64 },
	[HSHM_CA_P99_NS]	= { .type = NLA_U64 },
	[HSHM_CA_MAX_NS]	= { .type = NLA_U64 },
	[HSHM_CA_HIST_FIRST]	= { .type = NLA_U32 },
	[HSHM_CA_HIST]		= { .type = NLA_UNSPEC },
	[HSHM_CA_HIST_SUB_BITS]	= { .type = NLA_U8 },
};

static const struct nla_policy faults_policy[HSHM_FA_MAX + 1] = {
	[HSHM_FA_BAD_FLAG]	= { .type = NLA_U64 },
	[HSHM_FA_BAD_LENGTH]	= { .type = NLA_U64 },
	[HSHM_FA_BAD_RESULT]	= { .type = NLA_U64 },
	[HSHM_FA_SKIPPED]	= { .type = NLA_U64 },
	[HSHM_FA_BAD_MARK]	= { .type = NLA_U64 },
	[HSHM_FA_SPURIOUS]	= { .type = NLA_U64 },
	[HSHM_FA_BAD_HEADER]	= { .type = NLA_U64 },
};

static const struct nla_policy event_policy[HSHM_EA_MAX + 1] = {
	[HSHM_EA_TYPE]		= { .type = NLA_U8 },
	[HSHM_EA_CLASS]		= { .type = NLA_U8 },
	[HSHM_EA_LATENCY_NS]	= { .type = NLA_U64 },
	[HSHM_EA_TARGET_NS]	= { .type = NLA_U64 },
	[HSHM_EA_COUNT]		= { .type = NLA_U64 },
	[HSHM_EA_SUPPRESSED]	= { .type = NLA_U32 },
	[HSHM_EA_TIMESTAMP_NS]	= { .type = NLA_U64 },
};

static void parse_class(struct dev_info *d, struct nlattr *nest)
{
	struct nlattr *tb[HSHM_CA_MAX + 1];
	struct cls_info *c;
	unsigned int id;

	if (nla_parse_nested(tb, HSHM_CA_MAX, nest, class_policy) ||
	    !tb[HSHM_CA_ID])
		return;
	id = nla_get_u8(tb[HSHM_CA_ID]);
	if (id >= NCLS)
		return;
	c = &d->cls[id];
	if (tb[HSHM_CA_HIST] && tb[HSHM_CA_HIST_FIRST]) {
		uint32_t first = nla_get_u32(tb[HSHM_CA_HIST_FIRST]);
		uint32_t n = nla_len(tb[HSHM_CA_HIST]) / sizeof(uint64_t);
		const char *p = nla_data(tb[HSHM_CA_HIST]);
		unsigned int sb = HSHM_HIST_SUB_BITS, nb;
		uint32_t i;

		/* the bucket bounds follow the geometry the driver sends */
		if (tb[HSHM_CA_HIST_SUB_BITS])
			sb = nla_get_u8(tb[HSHM_CA_HIST_SUB_BITS]);
		if (sb > HSHM_HIST_SUB_BITS_MAX)
			return;		/* more buckets than we can hold */
		c->hist_sub_bits = sb;
		nb = hshm_hist_nbuckets(sb);
		for (i = 0; i < n && first < nb && i < nb - first; i++)
			memcpy(&c->hist[first + i], p + i * 8, 8);
		return;
	}
	c->seen = true;
	c->weight = get32(tb[HSHM_CA_WEIGHT]);
	c->reservation = tb[HSHM_CA_RESERVATION] ?
			 nla_get_u8(tb[HSHM_CA_RESERVATION]) : 0;
	c->shed_us = get32(tb[HSHM_CA_SHED_US]);
	c->target_us = get32(tb[HSHM_CA_TARGET_US]);
	c->submitted = get64(tb[HSHM_CA_SUBMITTED]);
	c->completed = get64(tb[HSHM_CA_COMPLETED]);
	c->failed = get64(tb[HSHM_CA_FAILED]);
	c->cancelled = get64(tb[HSHM_CA_CANCELLED]);
	c->dropped = get64(tb[HSHM_CA_DROPPED]);
	c->in_flight = get64(tb[HSHM_CA_IN_FLIGHT]);
	c->backlog = get64(tb[HSHM_CA_BACKLOG]);
	c->sla = get64(tb[HSHM_CA_SLA_VIOLATIONS]);
	c->p50 = get64(tb[HSHM_CA_P50_NS]);
	c->p95 = get64(tb[HSHM_CA_P95_NS]);
	c->p99 = get64(tb[HSHM_CA_P99_NS]);
	c->max = get64(tb[HSHM_CA_MAX_NS]);
}

static int get_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[HSHM_A_MAX + 1], *a;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(m));
	struct devs *devs = arg;
	struct dev_info *d;
	uint32_t idx;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, HSHM_A_MAX, NULL) ||
	    !tb[HSHM_A_DEV_INDEX])
		return NL_SKIP;
	idx = nla_get_u32(tb[HSHM_A_DEV_INDEX]);
	if (idx >= MAX_DEVS)
		return NL_SKIP;
	d = &devs->d[idx];
	d->index = idx;
	if (tb[HSHM_A_DEV_NAME]) {
		d->seen = true;
		snprintf(d->name, sizeof(d->name), "%s",
			 nla_get_string(tb[HSHM_A_DEV_NAME]));
		if (tb[HSHM_A_TRANSPORT])
			snprintf(d->transport, sizeof(d->transport), "%s",
				 nla_get_string(tb[HSHM_A_TRANSPORT]));
		d->features = get32(tb[HSHM_A_FEATURES]);
		d->entries = get32(tb[HSHM_A_QUEUE_ENTRIES]);
		d->data_bytes = get32(tb[HSHM_A_DATA_BYTES]);
		d->max_requests = get32(tb[HSHM_A_MAX_REQUESTS]);
		d->scheduler = tb[HSHM_A_SCHEDULER] ?
			       nla_get_u8(tb[HSHM_A_SCHEDULER]) : 0;
		d->batch_max = get32(tb[HSHM_A_BATCH_MAX]);
		d->rt_batch_max = get32(tb[HSHM_A_RT_BATCH_MAX]);
		d->timeout_ms = get32(tb[HSHM_A_TIMEOUT_MS]);
		d->bad_replies = get64(tb[HSHM_A_BAD_REPLIES]);
		d->lost_irqs = get64(tb[HSHM_A_LOST_IRQS]);
		d->heals = get64(tb[HSHM_A_HEALS]);
		d->has_thread = tb[HSHM_A_SCHED_POLICY] &&
				tb[HSHM_A_SCHED_PRIORITY];
		if (d->has_thread) {
			d->sched_policy = nla_get_u8(tb[HSHM_A_SCHED_POLICY]);
			d->sched_priority = nla_get_s32(tb[HSHM_A_SCHED_PRIORITY]);
		}
		d->has_peer = tb[HSHM_A_PEER_PROFILE] && tb[HSHM_A_PEER_STATE];
		if (d->has_peer) {
			snprintf(d->profile, sizeof(d->profile), "%s",
				 nla_get_string(tb[HSHM_A_PEER_PROFILE]));
			d->peer_state = nla_get_u8(tb[HSHM_A_PEER_STATE]);
			d->handover = get32(tb[HSHM_A_HANDOVER]);
			d->learned = get32(tb[HSHM_A_HANDOVER_LEARNED]);
			d->peer_wait_ms = get32(tb[HSHM_A_PEER_WAIT_MS]);
			d->resent = get64(tb[HSHM_A_RESENT]);
		}
		if (tb[HSHM_A_FAULTS]) {
			struct nlattr *ft[HSHM_FA_MAX + 1];
			unsigned int k;

			if (!nla_parse_nested(ft, HSHM_FA_MAX, tb[HSHM_A_FAULTS],
					      faults_policy))
				for (k = 1; k < HSHM_FA_PAD; k++)
					d->faults[k] = get64(ft[k]);
		}
	}
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			  rem)
		if (nla_type(a) == HSHM_A_CLASS)
			parse_class(d, a);
	return NL_OK;
}

/*
 * Dump every device, or the one of --device (histograms included); 0 or an
 * exit status.
 */
static int get_all(struct nl *nl, struct devs *devs, const struct opts *o)
{
	struct nl_msg *m = nl_new(nl, HSHM_CMD_GET, NLM_F_DUMP);
	int ret;

	if (!m)
		return EXIT_FAIL;
	/* (an index no device can have is refused below, not by the kernel) */
	if (o->dev >= 0 && o->dev < MAX_DEVS &&
	    nla_put_u32(m, HSHM_A_DEV_INDEX, o->dev)) {
		nlmsg_free(m);
		return EXIT_FAIL;
	}
	memset(devs, 0, sizeof(*devs));
	nl->quiet_nodev = true;
	ret = nl_run(nl, m, get_cb, devs, "get");
	nl->quiet_nodev = false;
	if (ret && ret != EXIT_NODEV)
		return ret;
	if (o->dev >= 0 && (o->dev >= MAX_DEVS || !devs->d[o->dev].seen)) {
		msg("no device hshm%d", o->dev);
		return EXIT_NODEV;
	}
	return 0;
}

static bool selected(const struct dev_info *d, const struct opts *o)
{
	return d->seen && (o->dev < 0 || (int)d->index == o->dev);
}

/* Output */

static const char *sched_name(uint8_t s)
{
	return s == HSHM_NL_SCHED_FIFO ? "fifo" : "wrr";
}

static const char *policy_name(uint8_t p)
{
	return p < NPOLICIES ? policy_names[p] : "?";
}

static void json_sep(bool *first)
{
	if (!*first)
		fputs(", ", stdout);
	*first = false;
}

static void list_json(const struct dev_info *d)
{
	printf("{\"device\": \"%s\", \"index\": %u, \"transport\": \"%s\", "
	       "\"interrupts\": %s, \"queue_entries\": %u, "
	       "\"data_bytes\": %u, \"max_requests\": %u}",
	       d->name, d->index, d->transport,
	       d->features & HSHM_FEAT_IRQ ? "true" : "false",
	       d->entries, d->data_bytes, d->max_requests);
}

static void list_text(const struct dev_info *d)
{
	printf("%-8s %-10s %-9s %8u %10u %9u\n", d->name, d->transport,
	       d->features & HSHM_FEAT_IRQ ? "interrupt" : "polling",
	       d->entries, d->data_bytes >> 10, d->max_requests);
}

/*
 * One report of every selected device: a JSON array of @json objects, or
 * @header (if any) and @text per device.
 */
static int report(struct nl *nl, const struct opts *o, const char *header,
		  void (*json)(const struct dev_info *),
		  void (*text)(const struct dev_info *))
{
	struct devs *devs = calloc(1, sizeof(*devs));
	bool first = true;
	int ret, i;

	if (!devs)
		return EXIT_FAIL;
	ret = get_all(nl, devs, o);
	if (ret)
		goto out;
	if (o->json)
		fputs("[", stdout);
	else if (header)
		fputs(header, stdout);
	for (i = 0; i < MAX_DEVS; i++) {
		if (!selected(&devs->d[i], o))
			continue;
		if (o->json) {
			json_sep(&first);
			json(&devs->d[i]);
		} else {
			text(&devs->d[i]);
		}
	}
	if (o->json)
		puts("]");
out:
	free(devs);
	return ret;
}

static int cmd_list(struct nl *nl, const struct opts *o)
{
	char header[128];

	snprintf(header, sizeof(header), "%-8s %-10s %-9s %8s %10s %9s\n",
		 "DEVICE", "TRANSPORT", "NOTIFY", "ENTRIES", "DATA_KIB",
		 "REQUESTS");
	return report(nl, o, header, list_json, list_text);
}

static void status_json(const struct dev_info *d)
{
	unsigned int c;

	printf("{\"device\": \"%s\", \"transport\": \"%s\", \"scheduler\": \"%s\", "
	       "\"batch_max\": %u, \"rt_batch_max\": %u, \"timeout_ms\": %u, "
	       "\"bad_replies\": %" PRIu64 ", \"lost_irqs\": %" PRIu64
	       ", \"heals\": %" PRIu64 ", \"faults\": {",
	       d->name, d->transport, sched_name(d->scheduler), d->batch_max,
	       d->rt_batch_max, d->timeout_ms, d->bad_replies, d->lost_irqs,
	       d->heals);
	for (c = 1; c < HSHM_FA_PAD; c++)
		printf("%s\"%s\": %" PRIu64, c > 1 ? ", " : "", fault_names[c],
		       d->faults[c]);
	fputs("}", stdout);
	if (d->has_thread)
		printf(", \"sched_policy\": \"%s\", \"sched_priority\": %d",
		       policy_name(d->sched_policy), d->sched_priority);
	if (d->has_peer)
		printf(", \"peer_profile\": \"%s\", \"peer_state\": \"%s\", "
		       "\"handover\": %u, \"handover_learned\": %u, "
		       "\"peer_wait_ms\": %u, \"resent\": %" PRIu64,
		       d->profile, peer_state_name(d->peer_state), d->handover,
		       d->learned, d->peer_wait_ms, d->resent);
	fputs(", \"classes\": {", stdout);
	for (c = 0; c < NCLS; c++)
		printf("%s\"%s\": {\"weight\": %u, \"reservation\": %u, "
		       "\"shed_us\": %u, \"target_us\": %u}", c ? ", " : "",
		       hshm_class_str(c), d->cls[c].weight, d->cls[c].reservation,
		       d->cls[c].shed_us, d->cls[c].target_us);
	fputs("}}", stdout);
}

static void status_text(const struct dev_info *d)
{
	unsigned int c;

	printf("%s: transport %s, %s, %u queue entries, %u KiB data, %u request slots\n",
	       d->name, d->transport,
	       d->features & HSHM_FEAT_IRQ ? "interrupts" : "polling",
	       d->entries, d->data_bytes >> 10, d->max_requests);
	printf("  scheduler %s, batch_max %u, rt_batch_max %u, timeout %u ms\n",
	       sched_name(d->scheduler), d->batch_max, d->rt_batch_max,
	       d->timeout_ms);
	if (d->has_thread)
		printf("  dispatcher thread: sched %s, %s %d\n",
		       policy_name(d->sched_policy),
		       d->sched_policy == HSHM_NL_POLICY_OTHER ? "nice" :
		       "priority", d->sched_priority);
	if (d->has_peer) {
		printf("  peer: profile %s, %s, waited for up to %u ms\n",
		       d->profile, peer_state_name(d->peer_state),
		       d->peer_wait_ms);
		if (d->handover)
			printf("  hand-over: %u messages (set), learned %u, resent %" PRIu64 "\n",
			       d->handover, d->learned, d->resent);
		else
			printf("  hand-over: auto (the profile's, else learned: %u), resent %" PRIu64 "\n",
			       d->learned, d->resent);
	}
	printf("  bad_replies %" PRIu64 ", lost_irqs %" PRIu64 ", heals %" PRIu64 "\n",
	       d->bad_replies, d->lost_irqs, d->heals);
	printf("  faults:");
	for (c = 1; c < HSHM_FA_PAD; c++)
		printf(" %s %" PRIu64, fault_names[c], d->faults[c]);
	putchar('\n');
	printf("  %-12s %7s %12s %10s %10s\n", "CLASS", "WEIGHT",
	       "RESERVATION", "SHED_US", "TARGET_US");
	for (c = 0; c < NCLS; c++)
		printf("  %-12s %7u %11u%% %10u %10u\n", hshm_class_str(c),
		       d->cls[c].weight, d->cls[c].reservation,
		       d->cls[c].shed_us, d->cls[c].target_us);
}

static int cmd_status(struct nl *nl, const struct opts *o)
{
	return report(nl, o, NULL, status_json, status_text);
}

static void hist_json(const struct cls_info *c)
{
	unsigned int b, sb = c->hist_sub_bits;
	bool first = true;

	fputs(", \"histogram\": [", stdout);
	for (b = 0; b < hshm_hist_nbuckets(sb); b++) {
		if (!c->hist[b])
			continue;
		json_sep(&first);
		printf("{\"low_ns\": %" PRIu64 ", \"high_ns\": %" PRIu64
		       ", \"count\": %" PRIu64 "}", hshm_hist_low(b, sb),
		       hshm_hist_high(b, sb), c->hist[b]);
	}
	fputs("]", stdout);
}

static void stats_json(const struct dev_info *d, bool hist)
{
	unsigned int i;

	printf("{\"device\": \"%s\", \"classes\": {", d->name);
	for (i = 0; i < NCLS; i++) {
		const struct cls_info *c = &d->cls[i];

		printf("%s\"%s\": {\"submitted\": %" PRIu64 ", \"completed\": %" PRIu64
		       ", \"failed\": %" PRIu64 ", \"cancelled\": %" PRIu64
		       ", \"dropped\": %" PRIu64 ", \"in_flight\": %" PRIu64
		       ", \"backlog\": %" PRIu64 ", \"sla_violations\": %" PRIu64
		       ", \"p50_ns\": %" PRIu64 ", \"p95_ns\": %" PRIu64
		       ", \"p99_ns\": %" PRIu64 ", \"max_ns\": %" PRIu64,
		       i ? ", " : "", hshm_class_str(i), c->submitted, c->completed,
		       c->failed, c->cancelled, c->dropped, c->in_flight,
		       c->backlog, c->sla, c->p50, c->p95, c->p99, c->max);
		if (hist)
			hist_json(c);
		fputs("}", stdout);
	}
	fputs("}}", stdout);
}

static void us(char *buf, size_t n, uint64_t ns)
{
	snprintf(buf, n, "%.1f", ns / 1000.0);
}

static void stats_text(const struct dev_info *d, const struct dev_info *prev,
		       double dt, bool hist)
{
	unsigned int i, b, sb;

	printf("%s (%s, %s)\n", d->name, d->transport, sched_name(d->scheduler));
	printf("  %-12s %10s %10s %7s %7s %7s %6s %6s %6s %9s %9s %9s %9s",
	       "CLASS", "SUBMITTED", "COMPLETED", "FAILED", "CANCEL", "SHED",
	       "QUEUED", "AT_PEER", "SLA", "P50_US", "P95_US", "P99_US",
	       "MAX_US");
	printf(prev ? " %9s\n" : "\n", "REQ/S");
	for (i = 0; i < NCLS; i++) {
		const struct cls_info *c = &d->cls[i];
		char p50[24], p95[24], p99[24], mx[24];

		us(p50, sizeof(p50), c->p50);
		us(p95, sizeof(p95), c->p95);
		us(p99, sizeof(p99), c->p99);
		us(mx, sizeof(mx), c->max);
		printf("  %-12s %10" PRIu64 " %10" PRIu64 " %7" PRIu64 " %7" PRIu64
		       " %7" PRIu64 " %6" PRIu64 " %6" PRIu64 " %6" PRIu64
		       " %9s %9s %9s %9s",
		       hshm_class_str(i), c->submitted, c->completed, c->failed,
		       c->cancelled, c->dropped, c->backlog, c->in_flight,
		       c->sla, p50, p95, p99, mx);
		if (prev && dt > 0)
			printf(" %9.0f\n", (c->completed - prev->cls[i].completed) / dt);
		else
			putchar('\n');
	}
	if (!hist)
		return;
	for (i = 0; i < NCLS; i++) {
		const struct cls_info *c = &d->cls[i];

		sb = c->hist_sub_bits;
		printf("  %s latency histogram (us: count)\n", hshm_class_str(i));
		for (b = 0; b < hshm_hist_nbuckets(sb); b++)
			if (c->hist[b])
				printf("    %12.3f..%-12.3f %" PRIu64 "\n",
				       hshm_hist_low(b, sb) / 1000.0,
				       hshm_hist_high(b, sb) / 1000.0,
				       c->hist[b]);
	}
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_stats(struct nl *nl, const struct opts *o)
{
	struct devs *devs = calloc(2, sizeof(*devs));
	struct devs *cur = devs, *prev = NULL;
	double t_prev = 0;
	long round = 0;
	int ret = 0, i;

	if (!devs)
		return EXIT_FAIL;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop) {
		double t = now_s();
		bool first = true;

		ret = get_all(nl, cur, o);
		if (ret)
			break;
		if (o->json)
			fputs("[", stdout);
		else if (o->watch > 0)
			printf("--- %.1f s\n", prev ? t - t_prev : 0.0);
		for (i = 0; i < MAX_DEVS; i++) {
			if (!selected(&cur->d[i], o))
				continue;
			if (o->json) {
				json_sep(&first);
				stats_json(&cur->d[i], o->hist);
			} else {
				stats_text(&cur->d[i], prev ? &prev->d[i] : NULL,
					   t - t_prev, o->hist);
			}
		}
		if (o->json)
			puts("]");
		fflush(stdout);
		if (o->watch <= 0 || (o->count > 0 && ++round >= o->count))
			break;
		prev = cur;
		cur = cur == devs ? devs + 1 : devs;
		t_prev = t;
		usleep((useconds_t)(o->watch * 1e6));
	}
	free(devs);
	return ret;
}

/* SET */

/**
 * struct setting - one "set" command, parsed and checked
 * @kind: HSHM_A_* (device attribute) or HSHM_A_CLASS
 * @ca: for HSHM_A_CLASS: HSHM_CA_* set in every class of @mask
 * @mask: classes concerned
 * @v: value per class, or v[0] for a device attribute
 * @prio: for HSHM_A_SCHED_POLICY: the priority, if @has_prio
 * @has_prio: a priority was given (else the driver picks the policy's)
 */
struct setting {
	int kind;
	int ca;
	unsigned int mask;
	uint32_t v[NCLS];
	int32_t prio;
	bool has_prio;
	const char *str;
};

static int parse_set(const struct opts *o, int argc, char **argv,
		     struct setting *st)
{
	const char *what = argc ? argv[0] : "";
	int i, cls;

	memset(st, 0, sizeof(*st));
	if (!argc)
		return usage_error("set: what? (weights, reservations, scheduler, sched, target, shed, batch-max, rt-batch-max, timeout)");
	argc--;
	argv++;
	if (!strcmp(what, "weights") || !strcmp(what, "reservations")) {
		bool w = what[0] == 'w';

		if (argc != NCLS)
			return usage_error("set %s: expected %d numbers (realtime throughput reliable best_effort), got %d",
					   what, NCLS, argc);
		for (i = 0; i < NCLS; i++)
			if (!parse_u32(w ? "weight" : "reservation (percent)",
				       argv[i], w ? HSHM_WEIGHT_MIN : 0,
				       w ? HSHM_WEIGHT_MAX : 100, &st->v[i]))
				return EXIT_USAGE;
		st->kind = HSHM_A_CLASS;
		st->ca = w ? HSHM_CA_WEIGHT : HSHM_CA_RESERVATION;
		st->mask = (1u << NCLS) - 1;
	} else if (!strcmp(what, "scheduler")) {
		if (argc != 1 || (strcmp(argv[0], "wrr") && strcmp(argv[0], "fifo")))
			return usage_error("set scheduler: expected 'wrr' or 'fifo'");
		st->kind = HSHM_A_SCHEDULER;
		st->v[0] = strcmp(argv[0], "fifo") ? HSHM_NL_SCHED_WRR :
			   HSHM_NL_SCHED_FIFO;
	} else if (!strcmp(what, "sched")) {
		/* The priority's range depends on the policy: the driver checks. */
		if (argc < 1 || argc > 2)
			return usage_error("set sched: expected POLICY [PRIORITY], POLICY one of other fifo rr");
		for (i = 0; i < (int)NPOLICIES; i++)
			if (!strcmp(argv[0], policy_names[i]))
				break;
		if (i == (int)NPOLICIES)
			return usage_error("set sched: unknown policy '%s': one of other fifo rr",
					   argv[0]);
		st->kind = HSHM_A_SCHED_POLICY;
		st->v[0] = i;
		st->has_prio = argc == 2;
		if (st->has_prio && !parse_s32("priority", argv[1], &st->prio))
			return EXIT_USAGE;
	} else if (!strcmp(what, "target") || !strcmp(what, "shed")) {
		if (argc != 2 || (cls = class_parse(argv[0])) < 0)
			return usage_error("set %s: expected CLASS MICROSECONDS (CLASS: a class name or 0..3)",
					   what);
		if (!parse_u32("microseconds", argv[1], 0, UINT32_MAX,
			       &st->v[cls]))
			return EXIT_USAGE;
		st->kind = HSHM_A_CLASS;
		st->ca = what[0] == 't' ? HSHM_CA_TARGET_US : HSHM_CA_SHED_US;
		st->mask = 1u << cls;
	} else if (!strcmp(what, "profile")) {
		/* The driver knows its profiles and names the wrong ones. */
		if (argc != 1)
			return usage_error("set profile: expected one NAME (hshm sel4-v1 freertos-v1 hvisor-tool-v1)");
		st->kind = HSHM_A_PEER_PROFILE;
		st->str = argv[0];
	} else if (!strcmp(what, "handover") || !strcmp(what, "peer-wait")) {
		st->kind = what[0] == 'h' ? HSHM_A_HANDOVER : HSHM_A_PEER_WAIT_MS;
		if (argc != 1)
			return usage_error("set %s: expected one number", what);
		if (!parse_u32(what, argv[0], 0,
			       st->kind == HSHM_A_HANDOVER ? 65535 : 3600000,
			       &st->v[0]))
			return EXIT_USAGE;
	} else if (!strcmp(what, "batch-max") || !strcmp(what, "rt-batch-max") ||
		   !strcmp(what, "timeout")) {
		st->kind = !strcmp(what, "timeout") ? HSHM_A_TIMEOUT_MS :
			   what[0] == 'r' ? HSHM_A_RT_BATCH_MAX : HSHM_A_BATCH_MAX;
		if (argc != 1)
			return usage_error("set %s: expected one number", what);
		if (!parse_u32(what, argv[0], 1,
			       st->kind == HSHM_A_TIMEOUT_MS ? 3600000 : 65535,
			       &st->v[0]))
			return EXIT_USAGE;
	} else {
		return usage_error("set: unknown setting '%s'", what);
	}
	return 0;
}

static int put_setting(struct nl_msg *m, const struct setting *st)
{
	unsigned int c;

	if (st->kind == HSHM_A_SCHEDULER)
		return nla_put_u8(m, st->kind, st->v[0]);
	if (st->kind == HSHM_A_PEER_PROFILE)
		return nla_put_string(m, st->kind, st->str);
	if (st->kind == HSHM_A_SCHED_POLICY)
		return nla_put_u8(m, st->kind, st->v[0]) ||
		       (st->has_prio &&
			nla_put_s32(m, HSHM_A_SCHED_PRIORITY, st->prio));
	if (st->kind != HSHM_A_CLASS)
		return nla_put_u32(m, st->kind, st->v[0]);
	for (c = 0; c < NCLS; c++) {
		struct nlattr *nest;

		if (!(st->mask & (1u << c)))
			continue;
		nest = nla_nest_start(m, HSHM_A_CLASS);
		if (!nest || nla_put_u8(m, HSHM_CA_ID, c) ||
		    (st->ca == HSHM_CA_RESERVATION ?
		     nla_put_u8(m, st->ca, st->v[c]) :
		     nla_put_u32(m, st->ca, st->v[c])))
			return -1;
		nla_nest_end(m, nest);
	}
	return 0;
}

static int cmd_set(struct nl *nl, const struct opts *o,
		   const struct setting *st)
{
	struct nl_msg *m = nl_new(nl, HSHM_CMD_SET, NLM_F_ACK);

	if (!m)
		return EXIT_FAIL;
	if (nla_put_u32(m, HSHM_A_DEV_INDEX, o->dev) || put_setting(m, st)) {
		nlmsg_free(m);
		msg("out of memory");
		return EXIT_FAIL;
	}
	return nl_run(nl, m, NULL, NULL, "set");
}

/* MONITOR */

struct mon {
	const struct opts *o;
	long seen;
};

static int event_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[HSHM_A_MAX + 1], *ea[HSHM_EA_MAX + 1];
	struct mon *mon = arg;
	const char *type = "?";
	unsigned int t, c = NCLS;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, HSHM_A_MAX, NULL) ||
	    !tb[HSHM_A_EVENT] ||
	    nla_parse_nested(ea, HSHM_EA_MAX, tb[HSHM_A_EVENT], event_policy) ||
	    !ea[HSHM_EA_TYPE])
		return NL_SKIP;
	t = nla_get_u8(ea[HSHM_EA_TYPE]);
	if (t < __HSHM_EVENT_MAX && event_names[t])
		type = event_names[t];
	if (ea[HSHM_EA_CLASS])
		c = nla_get_u8(ea[HSHM_EA_CLASS]);
	if (mon->o->json) {
		printf("{\"device\": \"%s\", \"event\": \"%s\"",
		       tb[HSHM_A_DEV_NAME] ? nla_get_string(tb[HSHM_A_DEV_NAME]) : "?",
		       type);
		if (c < NCLS)
			printf(", \"class\": \"%s\"", hshm_class_str(c));
		if (ea[HSHM_EA_LATENCY_NS])
			printf(", \"latency_ns\": %" PRIu64 ", \"target_ns\": %" PRIu64,
			       get64(ea[HSHM_EA_LATENCY_NS]),
			       get64(ea[HSHM_EA_TARGET_NS]));
		printf(", \"count\": %" PRIu64 ", \"suppressed\": %u, \"time_ns\": %" PRIu64 "}\n",
		       get64(ea[HSHM_EA_COUNT]), get32(ea[HSHM_EA_SUPPRESSED]),
		       get64(ea[HSHM_EA_TIMESTAMP_NS]));
	} else {
		printf("%.6f %s %s",
		       get64(ea[HSHM_EA_TIMESTAMP_NS]) / 1e9,
		       tb[HSHM_A_DEV_NAME] ? nla_get_string(tb[HSHM_A_DEV_NAME]) : "?",
		       type);
		if (c < NCLS)
			printf(" class=%s", hshm_class_str(c));
		if (ea[HSHM_EA_LATENCY_NS])
			printf(" latency_us=%.1f target_us=%.1f",
			       get64(ea[HSHM_EA_LATENCY_NS]) / 1e3,
			       get64(ea[HSHM_EA_TARGET_NS]) / 1e3);
		if (t == HSHM_EVENT_PEER_STATE)
			printf(" state=%s",
			       peer_state_name(get64(ea[HSHM_EA_COUNT])));
		else
			printf(" count=%" PRIu64, get64(ea[HSHM_EA_COUNT]));
		if (get32(ea[HSHM_EA_SUPPRESSED]))
			printf(" suppressed=%u", get32(ea[HSHM_EA_SUPPRESSED]));
		putchar('\n');
	}
	fflush(stdout);
	mon->seen++;
	return NL_OK;
}

static int cmd_monitor(struct nl *nl, const struct opts *o)
{
	struct mon mon = { .o = o };
	double deadline = o->timeout > 0 ? now_s() + o->timeout : 0;
	int grp, fd, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, HSHM_GENL_NAME,
				    HSHM_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		msg("monitor: no \"%s\" multicast group: %s",
		    HSHM_GENL_MCGRP_EVENTS, nl_geterror(grp));
		return EXIT_FAIL;
	}
	nl_socket_disable_seq_check(nl->sk);
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &mon);
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret == -NLE_PERM) {
		msg("monitor: joining the events group needs CAP_NET_ADMIN");
		return EXIT_PERM;
	}
	if (ret) {
		msg("monitor: cannot join the events group: %s",
		    nl_geterror(ret));
		return EXIT_FAIL;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!o->json)
		fprintf(stderr, "%s: listening for events (Ctrl-C to stop)\n",
			prog);
	fd = nl_socket_get_fd(nl->sk);
	while (!stop && (o->count <= 0 || mon.seen < o->count)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait_ms = 1000, r;

		if (deadline) {
			double left = deadline - now_s();

			if (left <= 0) {
				msg("monitor: timed out after %.1f s with %ld event(s)",
				    o->timeout, mon.seen);
				return EXIT_TIMEOUT;
			}
			if (left < 1)
				wait_ms = (int)(left * 1000) + 1;
		}
		r = poll(&pfd, 1, wait_ms);
		if (r < 0 && errno != EINTR) {
			msg("monitor: poll: %s", strerror(errno));
			return EXIT_FAIL;
		}
		if (r > 0)
			nl_recvmsgs_default(nl->sk);
	}
	return 0;
}

static void help(void)
{
	printf("Usage: %s [OPTIONS] COMMAND [ARGS]\n"
	       "\n"
	       "Look at and configure hshm devices (generic netlink family \"hshm\").\n"
	       "\n"
	       "Commands:\n"
	       "  list                         devices: transport, notification, sizes\n"
	       "  status                       configuration of each device and class\n"
	       "  stats [--watch S] [--hist]   counters and latency percentiles per class\n"
	       "  set weights W W W W          WRR weights (1..1000) of realtime throughput\n"
	       "                               reliable best_effort\n"
	       "  set reservations P P P P     reserved percent per class (sum <= 100)\n"
	       "  set scheduler wrr|fifo       dispatcher policy\n"
	       "  set sched POLICY [PRIO]      CPU scheduling of the dispatcher thread:\n"
	       "                               other (PRIO: nice -20..19), fifo or rr\n"
	       "                               (PRIO: 1..99); see hshmctl(8) without PRIO\n"
	       "  set target CLASS US          latency target (SLA), 0 = none\n"
	       "  set shed CLASS US            shed after US queued (throughput and\n"
	       "                               best_effort only), 0 = never\n"
	       "  set batch-max N | rt-batch-max N | timeout MS\n"
	       "  set profile NAME             the peer on the other side: hshm,\n"
	       "                               sel4-v1, freertos-v1, hvisor-tool-v1\n"
	       "  set handover N               messages per hand-over, 0 = auto\n"
	       "  set peer-wait MS             wait for an absent peer, 0 = never\n"
	       "  monitor [--count N] [--timeout S]\n"
	       "                               print events: sla_violation, peer_reset,\n"
	       "                               heal, shed, peer_state\n"
	       "  call SERVICE DATA            run a service synchronously, print the\n"
	       "                               response (SERVICE: number or 0x...)\n"
	       "\n"
	       "Options:\n"
	       "  -d, --device N     hshmN (default: every device; set and call: 0)\n"
	       "  -j, --json         JSON output for scripts\n"
	       "  -w, --watch S      stats: repeat every S seconds, with rates\n"
	       "  -n, --count N      stats --watch: N rounds; monitor: stop after N events\n"
	       "  -t, --timeout S    monitor: give up after S seconds\n"
	       "      --hist         stats: print the latency histogram buckets\n"
	       "  -c, --class C      call: QoS class (default: the service map's)\n"
	       "      --call-timeout MS  call: request timeout\n"
	       "  -h, --help         this text\n"
	       "\n"
	       "Exit status: 0 done, 1 failed, 2 bad usage or input, 3 no such device\n"
	       "or module not loaded, 4 permission denied, 5 timed out.\n"
	       "set needs CAP_NET_ADMIN.  See hshmctl(8).\n", prog);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hist", no_argument, NULL, 'H' },
		{ "class", required_argument, NULL, 'c' },
		{ "call-timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct opts o = { .dev = -1, .qos_class = HSHM_CLASS_AUTO };
	const char *cmd;
	struct setting st;
	struct nl nl;
	uint32_t v;
	char *end;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "d:jw:n:t:c:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (!strncmp(optarg, "hshm", 4))
				optarg += 4;
			if (!parse_u32("device", optarg, 0, MAX_DEVS - 1, &v))
				return EXIT_USAGE;
			o.dev = v;
			break;
		case 'j':
			o.json = true;
			break;
		case 'w':
		case 't':
			errno = 0;
			o.watch = strtod(optarg, &end);
			if (errno || *end || o.watch <= 0 || o.watch > 86400)
				return usage_error("invalid %s '%s': expected seconds > 0",
						   opt == 'w' ? "--watch" : "--timeout",
						   optarg);
			if (opt == 't') {
				o.timeout = o.watch;
				o.watch = 0;
			}
			break;
		case 'n':
			if (!parse_u32("count", optarg, 1, INT32_MAX, &v))
				return EXIT_USAGE;
			o.count = v;
			break;
		case 'H':
			o.hist = true;
			break;
		case 'c':
			o.qos_class = class_parse(optarg);
			if (o.qos_class < 0)
				return usage_error("invalid class '%s': realtime throughput reliable best_effort or 0..3",
						   optarg);
			break;
		case 'T':
			if (!parse_u32("call timeout (ms)", optarg, 1, 3600000,
				       &o.call_timeout_ms))
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default:
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("no command given");
	cmd = argv[optind++];
	if (o.dev < 0 && (!strcmp(cmd, "set") || !strcmp(cmd, "call")))
		o.dev = 0;
	if (!strcmp(cmd, "call"))
		return ctl_call(prog, o.dev, o.qos_class,
				o.call_timeout_ms, o.json, argc - optind,
				argv + optind);
	if (strcmp(cmd, "list") && strcmp(cmd, "status") && strcmp(cmd, "stats") &&
	    strcmp(cmd, "set") && strcmp(cmd, "monitor"))
		return usage_error("unknown command '%s'", cmd);
	if (strcmp(cmd, "set") && optind < argc)
		return usage_error("%s: unexpected argument '%s'", cmd, argv[optind]);
	if (!strcmp(cmd, "set")) {
		ret = parse_set(&o, argc - optind, argv + optind, &st);
		if (ret)
			return ret;
	}
	ret = ctl_nl_open(&nl);
	if (ret)
		return ret;
	if (!strcmp(cmd, "list"))
		ret = cmd_list(&nl, &o);
	else if (!strcmp(cmd, "status"))
		ret = cmd_status(&nl, &o);
	else if (!strcmp(cmd, "stats"))
		ret = cmd_stats(&nl, &o);
	else if (!strcmp(cmd, "set"))
		ret = cmd_set(&nl, &o, &st);
	else
		ret = cmd_monitor(&nl, &o);
	ctl_nl_close(&nl);
	return ret;
}
