// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "hshm" generic netlink family from user space, on libnl-genl-3:
 * one socket, requests and their errors (with the kernel's extended ACK
 * message), and a GET dump decoded by policy into struct hshm_nl_dev.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "hshm_nl.h"

static const char *nl_prog = "hshm";

void hshm_nl_set_prog(const char *prog)
{
	nl_prog = prog;
}

void hshm_nl_vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", nl_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void hshm_nl_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hshm_nl_vmsg(fmt, ap);
	va_end(ap);
}

int hshm_nl_errno_exit(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return HSHM_NL_EXIT_PERM;
	case ENODEV:
	case ENOENT:
		return HSHM_NL_EXIT_NODEV;
	case EINVAL:
	case ERANGE:
		return HSHM_NL_EXIT_USAGE;
	default:
		return HSHM_NL_EXIT_FAIL;
	}
}

/*
 * Replies and events are parsed with policies: libnl rejects an attribute
 * shorter than its type before anything reads it.
 */
const struct nla_policy hshm_nl_policy[HSHM_A_MAX + 1] = {
	[HSHM_A_DEV_INDEX]	= { .type = NLA_U32 },
	[HSHM_A_DEV_NAME]	= { .type = NLA_STRING },
	[HSHM_A_TRANSPORT]	= { .type = NLA_STRING },
	[HSHM_A_FEATURES]	= { .type = NLA_U32 },
	[HSHM_A_QUEUE_ENTRIES]	= { .type = NLA_U32 },
	[HSHM_A_DATA_BYTES]	= { .type = NLA_U32 },
	[HSHM_A_MAX_REQUESTS]	= { .type = NLA_U32 },
	[HSHM_A_SCHEDULER]	= { .type = NLA_U8 },
	[HSHM_A_BATCH_MAX]	= { .type = NLA_U32 },
	[HSHM_A_RT_BATCH_MAX]	= { .type = NLA_U32 },
	[HSHM_A_TIMEOUT_MS]	= { .type = NLA_U32 },
	[HSHM_A_BAD_REPLIES]	= { .type = NLA_U64 },
	[HSHM_A_LOST_IRQS]	= { .type = NLA_U64 },
	[HSHM_A_CLASS]		= { .type = NLA_NESTED },
	[HSHM_A_EVENT]		= { .type = NLA_NESTED },
	[HSHM_A_FAULTS]		= { .type = NLA_NESTED },
	[HSHM_A_HEALS]		= { .type = NLA_U64 },
	[HSHM_A_SCHED_POLICY]	= { .type = NLA_U8 },
	[HSHM_A_SCHED_PRIORITY]	= { .type = NLA_S32 },
	[HSHM_A_PEER_PROFILE]	= { .type = NLA_STRING },
	[HSHM_A_PEER_STATE]	= { .type = NLA_U8 },
	[HSHM_A_HANDOVER]	= { .type = NLA_U32 },
	[HSHM_A_HANDOVER_LEARNED] = { .type = NLA_U32 },
	[HSHM_A_PEER_WAIT_MS]	= { .type = NLA_U32 },
	[HSHM_A_RESENT]		= { .type = NLA_U64 },
	[HSHM_A_DIRECT_HANDOVERS] = { .type = NLA_U64 },
	[HSHM_A_SVC_RANGE]	= { .type = NLA_NESTED },
	[HSHM_A_DRR_QUANTUM]	= { .type = NLA_U32 },
};

static const struct nla_policy class_policy[HSHM_CA_MAX + 1] = {
	[HSHM_CA_ID]		= { .type = NLA_U8 },
	[HSHM_CA_NAME]		= { .type = NLA_STRING },
	[HSHM_CA_WEIGHT]	= { .type = NLA_U32 },
	[HSHM_CA_RESERVATION]	= { .type = NLA_U8 },
	[HSHM_CA_SHED_US]	= { .type = NLA_U32 },
	[HSHM_CA_TARGET_US]	= { .type = NLA_U32 },
	[HSHM_CA_SPIN_US]	= { .type = NLA_U32 },
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

const struct nla_policy hshm_nl_event_policy[HSHM_EA_MAX + 1] = {
	[HSHM_EA_TYPE]		= { .type = NLA_U8 },
	[HSHM_EA_CLASS]		= { .type = NLA_U8 },
	[HSHM_EA_LATENCY_NS]	= { .type = NLA_U64 },
	[HSHM_EA_TARGET_NS]	= { .type = NLA_U64 },
	[HSHM_EA_COUNT]		= { .type = NLA_U64 },
	[HSHM_EA_SUPPRESSED]	= { .type = NLA_U32 },
	[HSHM_EA_TIMESTAMP_NS]	= { .type = NLA_U64 },
};

int hshm_nl_open(struct hshm_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		hshm_nl_msg("out of memory");
		return HSHM_NL_EXIT_FAIL;
	}
	if (genl_connect(nl->sk)) {
		hshm_nl_msg("cannot open a generic netlink socket");
		return HSHM_NL_EXIT_FAIL;
	}
	/* Ask for the kernel's explanations with errors. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, HSHM_GENL_NAME);
	if (nl->family < 0) {
		hshm_nl_msg("the \"%s\" netlink family is not there: is the hshm module loaded?",
			    HSHM_GENL_NAME);
		return HSHM_NL_EXIT_NODEV;
	}
	return 0;
}

void hshm_nl_close(struct hshm_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/* NLMSG_ERROR: keep the errno and the extended ACK message, if any. */
static int nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct hshm_nl *nl = arg;
	size_t ack_len;

	(void)nla;
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
	(void)m;
	(void)arg;
	return NL_STOP;
}

/* Send @m, run @valid on every reply; 0 or an exit status (reported). */
int hshm_nl_run(struct hshm_nl *nl, struct nl_msg *m,
		nl_recvmsg_msg_cb_t valid, void *arg, const char *what)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb) {
		nlmsg_free(m);
		hshm_nl_msg("out of memory");
		return HSHM_NL_EXIT_FAIL;
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
			return HSHM_NL_EXIT_NODEV;
		if (nl->ext[0])
			hshm_nl_msg("%s: %s (%s)", what, nl->ext,
				    strerror(nl->err));
		else if (nl->err == EPERM)
			hshm_nl_msg("%s: %s (CAP_NET_ADMIN is needed)", what,
				    strerror(nl->err));
		else
			hshm_nl_msg("%s: %s", what, strerror(nl->err));
		return hshm_nl_errno_exit(nl->err);
	}
	if (ret < 0) {
		hshm_nl_msg("%s: %s", what, nl_geterror(ret));
		return HSHM_NL_EXIT_FAIL;
	}
	return 0;
}

struct nl_msg *hshm_nl_new(struct hshm_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			      flags, cmd, HSHM_GENL_VERSION)) {
		nlmsg_free(m);
		m = NULL;
	}
	if (!m)
		hshm_nl_msg("out of memory");
	return m;
}

uint64_t hshm_nl_get64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

uint32_t hshm_nl_get32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static uint8_t get8(struct nlattr *a)
{
	return a ? nla_get_u8(a) : 0;
}

int hshm_nl_parse(struct nl_msg *m, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(m), 0, tb, HSHM_A_MAX, hshm_nl_policy);
}

/* GET: a device's attributes and its class nests */

static void parse_hist(struct hshm_nl_cls *c, struct nlattr **tb)
{
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
}

static void parse_class(struct hshm_nl_dev *d, struct nlattr *nest)
{
	struct nlattr *tb[HSHM_CA_MAX + 1];
	struct hshm_nl_cls *c;
	unsigned int id;

	if (nla_parse_nested(tb, HSHM_CA_MAX, nest, class_policy) ||
	    !tb[HSHM_CA_ID])
		return;
	id = nla_get_u8(tb[HSHM_CA_ID]);
	if (id >= HSHM_NL_NCLS)
		return;
	c = &d->cls[id];
	if (tb[HSHM_CA_HIST] && tb[HSHM_CA_HIST_FIRST]) {
		parse_hist(c, tb);
		return;
	}
	c->seen = true;
	c->weight = hshm_nl_get32(tb[HSHM_CA_WEIGHT]);
	c->reservation = get8(tb[HSHM_CA_RESERVATION]);
	c->shed_us = hshm_nl_get32(tb[HSHM_CA_SHED_US]);
	c->target_us = hshm_nl_get32(tb[HSHM_CA_TARGET_US]);
	c->spin_us = hshm_nl_get32(tb[HSHM_CA_SPIN_US]);
	c->submitted = hshm_nl_get64(tb[HSHM_CA_SUBMITTED]);
	c->completed = hshm_nl_get64(tb[HSHM_CA_COMPLETED]);
	c->failed = hshm_nl_get64(tb[HSHM_CA_FAILED]);
	c->cancelled = hshm_nl_get64(tb[HSHM_CA_CANCELLED]);
	c->dropped = hshm_nl_get64(tb[HSHM_CA_DROPPED]);
	c->in_flight = hshm_nl_get64(tb[HSHM_CA_IN_FLIGHT]);
	c->backlog = hshm_nl_get64(tb[HSHM_CA_BACKLOG]);
	c->sla = hshm_nl_get64(tb[HSHM_CA_SLA_VIOLATIONS]);
	c->p50 = hshm_nl_get64(tb[HSHM_CA_P50_NS]);
	c->p95 = hshm_nl_get64(tb[HSHM_CA_P95_NS]);
	c->p99 = hshm_nl_get64(tb[HSHM_CA_P99_NS]);
	c->max = hshm_nl_get64(tb[HSHM_CA_MAX_NS]);
}

static void copy_str(char *dst, size_t n, struct nlattr *a)
{
	snprintf(dst, n, "%s", a ? nla_get_string(a) : "");
}

static void parse_dev(struct hshm_nl_dev *d, struct nlattr **tb)
{
	d->seen = true;
	copy_str(d->name, sizeof(d->name), tb[HSHM_A_DEV_NAME]);
	copy_str(d->transport, sizeof(d->transport), tb[HSHM_A_TRANSPORT]);
	d->features = hshm_nl_get32(tb[HSHM_A_FEATURES]);
	d->entries = hshm_nl_get32(tb[HSHM_A_QUEUE_ENTRIES]);
	d->data_bytes = hshm_nl_get32(tb[HSHM_A_DATA_BYTES]);
	d->max_requests = hshm_nl_get32(tb[HSHM_A_MAX_REQUESTS]);
	d->scheduler = get8(tb[HSHM_A_SCHEDULER]);
	d->drr_quantum = hshm_nl_get32(tb[HSHM_A_DRR_QUANTUM]);
	d->batch_max = hshm_nl_get32(tb[HSHM_A_BATCH_MAX]);
	d->rt_batch_max = hshm_nl_get32(tb[HSHM_A_RT_BATCH_MAX]);
	d->timeout_ms = hshm_nl_get32(tb[HSHM_A_TIMEOUT_MS]);
	d->bad_replies = hshm_nl_get64(tb[HSHM_A_BAD_REPLIES]);
	d->lost_irqs = hshm_nl_get64(tb[HSHM_A_LOST_IRQS]);
	d->heals = hshm_nl_get64(tb[HSHM_A_HEALS]);
	d->has_thread = tb[HSHM_A_SCHED_POLICY] && tb[HSHM_A_SCHED_PRIORITY];
	if (d->has_thread) {
		d->sched_policy = nla_get_u8(tb[HSHM_A_SCHED_POLICY]);
		d->sched_priority = nla_get_s32(tb[HSHM_A_SCHED_PRIORITY]);
	}
	d->has_peer = tb[HSHM_A_PEER_PROFILE] && tb[HSHM_A_PEER_STATE];
	if (d->has_peer) {
		copy_str(d->profile, sizeof(d->profile),
			 tb[HSHM_A_PEER_PROFILE]);
		d->peer_state = nla_get_u8(tb[HSHM_A_PEER_STATE]);
		d->handover = hshm_nl_get32(tb[HSHM_A_HANDOVER]);
		d->learned = hshm_nl_get32(tb[HSHM_A_HANDOVER_LEARNED]);
		d->peer_wait_ms = hshm_nl_get32(tb[HSHM_A_PEER_WAIT_MS]);
		d->resent = hshm_nl_get64(tb[HSHM_A_RESENT]);
		d->direct_handovers =
			hshm_nl_get64(tb[HSHM_A_DIRECT_HANDOVERS]);
	}
	if (tb[HSHM_A_FAULTS]) {
		struct nlattr *ft[HSHM_FA_MAX + 1];
		unsigned int k;

		if (!nla_parse_nested(ft, HSHM_FA_MAX, tb[HSHM_A_FAULTS],
				      faults_policy))
			for (k = 1; k < HSHM_FA_PAD; k++)
				d->faults[k] = hshm_nl_get64(ft[k]);
	}
}

static int get_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[HSHM_A_MAX + 1], *a;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(m));
	struct hshm_nl_devs *devs = arg;
	struct hshm_nl_dev *d;
	uint32_t idx;
	int rem;

	if (hshm_nl_parse(m, tb) || !tb[HSHM_A_DEV_INDEX])
		return NL_SKIP;
	idx = nla_get_u32(tb[HSHM_A_DEV_INDEX]);
	if (idx >= HSHM_MAX_DEVICES)
		return NL_SKIP;
	d = &devs->d[idx];
	d->index = idx;
	if (tb[HSHM_A_DEV_NAME])
		parse_dev(d, tb);
	/* the class nests repeat: the parse above kept only the last one */
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			  rem)
		if (nla_type(a) == HSHM_A_CLASS)
			parse_class(d, a);
	return NL_OK;
}

/*
 * Dump every device (@dev < 0) or device @dev, histograms included, into
 * @devs; 0 or an exit status (reported).
 */
int hshm_nl_get_devs(struct hshm_nl *nl, int dev, struct hshm_nl_devs *devs)
{
	struct nl_msg *m = hshm_nl_new(nl, HSHM_CMD_GET, NLM_F_DUMP);
	int ret;

	if (!m)
		return HSHM_NL_EXIT_FAIL;
	/* (an index no device can have is refused below, not by the kernel) */
	if (dev >= 0 && dev < HSHM_MAX_DEVICES &&
	    nla_put_u32(m, HSHM_A_DEV_INDEX, dev)) {
		nlmsg_free(m);
		return HSHM_NL_EXIT_FAIL;
	}
	memset(devs, 0, sizeof(*devs));
	nl->quiet_nodev = true;
	ret = hshm_nl_run(nl, m, get_cb, devs, "get");
	nl->quiet_nodev = false;
	if (ret && ret != HSHM_NL_EXIT_NODEV)
		return ret;
	if (dev >= 0 && (dev >= HSHM_MAX_DEVICES || !devs->d[dev].seen)) {
		hshm_nl_msg("no device hshm%d", dev);
		return HSHM_NL_EXIT_NODEV;
	}
	return 0;
}

int hshm_nl_set(struct hshm_nl *nl, uint32_t dev,
		int (*put)(struct nl_msg *m, const void *arg), const void *arg)
{
	struct nl_msg *m = hshm_nl_new(nl, HSHM_CMD_SET, NLM_F_ACK);

	if (!m)
		return HSHM_NL_EXIT_FAIL;
	if (nla_put_u32(m, HSHM_A_DEV_INDEX, dev) || put(m, arg)) {
		nlmsg_free(m);
		hshm_nl_msg("out of memory");
		return HSHM_NL_EXIT_FAIL;
	}
	return hshm_nl_run(nl, m, NULL, NULL, "set");
}

/* The service map: SVC_MAP_GET and SVC_MAP_SET */

static const struct nla_policy svc_range_policy[HSHM_SR_MAX + 1] = {
	[HSHM_SR_FIRST]		= { .type = NLA_U32 },
	[HSHM_SR_LAST]		= { .type = NLA_U32 },
	[HSHM_SR_CLASS]		= { .type = NLA_U8 },
};

struct svc_map_walk {
	void (*fn)(const struct hshm_nl_run *r, void *arg);
	void *arg;
	int bad;	/* runs without their three attributes */
};

static int svc_map_cb(struct nl_msg *m, void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(m));
	struct nlattr *tb[HSHM_SR_MAX + 1], *a;
	struct svc_map_walk *w = arg;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0),
			  rem) {
		struct hshm_nl_run r;

		if (nla_type(a) != HSHM_A_SVC_RANGE)
			continue;
		if (nla_parse_nested(tb, HSHM_SR_MAX, a, svc_range_policy) ||
		    !tb[HSHM_SR_FIRST] || !tb[HSHM_SR_LAST] ||
		    !tb[HSHM_SR_CLASS]) {
			w->bad++;
			continue;
		}
		r.first = nla_get_u32(tb[HSHM_SR_FIRST]);
		r.last = nla_get_u32(tb[HSHM_SR_LAST]);
		r.cls = nla_get_u8(tb[HSHM_SR_CLASS]);
		w->fn(&r, w->arg);
	}
	return NL_OK;
}

int hshm_nl_svc_map_get(struct hshm_nl *nl, uint32_t dev, int64_t id,
			void (*fn)(const struct hshm_nl_run *r, void *arg),
			void *arg)
{
	struct svc_map_walk w = { fn, arg, 0 };
	struct nl_msg *m;
	struct nlattr *n;
	int ret;

	m = hshm_nl_new(nl, HSHM_CMD_SVC_MAP_GET, id < 0 ? NLM_F_DUMP : 0);
	if (!m)
		return HSHM_NL_EXIT_FAIL;
	if (nla_put_u32(m, HSHM_A_DEV_INDEX, dev))
		goto nomem;
	if (id >= 0) {
		n = nla_nest_start(m, HSHM_A_SVC_RANGE);
		if (!n || nla_put_u32(m, HSHM_SR_FIRST, (uint32_t)id))
			goto nomem;
		nla_nest_end(m, n);
	}
	ret = hshm_nl_run(nl, m, svc_map_cb, &w, "service-map");
	if (!ret && w.bad) {
		hshm_nl_msg("service-map: %d runs without first, last or class in the reply",
			    w.bad);
		return HSHM_NL_EXIT_FAIL;
	}
	return ret;
nomem:
	nlmsg_free(m);
	hshm_nl_msg("out of memory");
	return HSHM_NL_EXIT_FAIL;
}

int hshm_nl_svc_map_set(struct hshm_nl *nl, uint32_t dev,
			const struct hshm_nl_run *runs, unsigned int n)
{
	struct nl_msg *m = hshm_nl_new(nl, HSHM_CMD_SVC_MAP_SET, NLM_F_ACK);
	struct nlattr *nest;
	unsigned int i;

	if (!m)
		return HSHM_NL_EXIT_FAIL;
	if (nla_put_u32(m, HSHM_A_DEV_INDEX, dev))
		goto nomem;
	for (i = 0; i < n; i++) {
		nest = nla_nest_start(m, HSHM_A_SVC_RANGE);
		if (!nest || nla_put_u32(m, HSHM_SR_FIRST, runs[i].first) ||
		    nla_put_u32(m, HSHM_SR_LAST, runs[i].last) ||
		    nla_put_u8(m, HSHM_SR_CLASS, runs[i].cls))
			goto nomem;
		nla_nest_end(m, nest);
	}
	return hshm_nl_run(nl, m, NULL, NULL, "service-map set");
nomem:
	nlmsg_free(m);
	hshm_nl_msg("out of memory");
	return HSHM_NL_EXIT_FAIL;
}

/* The scheduler's name (common/hshm_qos.h), "?" for a value it does not know */
const char *hshm_nl_sched_name(uint8_t s)
{
	return hshm_sched_str(s) ? hshm_sched_str(s) : "?";
}
