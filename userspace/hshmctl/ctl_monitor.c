// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshmctl monitor [--count N] [--timeout S]: print the events of the
 * "events" multicast group as they come.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "ctl.h"

static const char *const event_names[__HSHM_EVENT_MAX] = {
	[HSHM_EVENT_SLA_VIOLATION] = "sla_violation",
	[HSHM_EVENT_PEER_RESET] = "peer_reset",
	[HSHM_EVENT_HEAL] = "heal",
	[HSHM_EVENT_SHED] = "shed",
	[HSHM_EVENT_PEER_STATE] = "peer_state",
};

struct mon {
	const struct ctl_opts *o;
	long seen;
};

/* One event: one JSON object or one line of text. */
static void print_event(const char *dev, unsigned int t, struct nlattr **ea)
{
	uint64_t ts = hshm_nl_get64(ea[HSHM_EA_TIMESTAMP_NS]);
	const char *type = "?";
	char buf[32];

	if (t < __HSHM_EVENT_MAX && event_names[t])
		type = event_names[t];
	pr_obj_open(NULL);
	snprintf(buf, sizeof(buf), "%.6f", ts / 1e9);
	pr_str(NULL, "%s ", buf);
	pr_str("device", "%s", dev);
	pr_str("event", " %s", type);
	if (ea[HSHM_EA_CLASS] && nla_get_u8(ea[HSHM_EA_CLASS]) < NCLS)
		pr_str("class", " class=%s",
		       hshm_class_str(nla_get_u8(ea[HSHM_EA_CLASS])));
	if (ea[HSHM_EA_LATENCY_NS]) {
		uint64_t lat = hshm_nl_get64(ea[HSHM_EA_LATENCY_NS]);
		uint64_t tgt = hshm_nl_get64(ea[HSHM_EA_TARGET_NS]);

		pr_u64("latency_ns", NULL, lat);
		pr_u64("target_ns", NULL, tgt);
		pr_text(" latency_us=%.1f target_us=%.1f", lat / 1e3, tgt / 1e3);
	}
	/* (text: a peer_state event's count is the state) */
	pr_u64("count", NULL, hshm_nl_get64(ea[HSHM_EA_COUNT]));
	if (t == HSHM_EVENT_PEER_STATE)
		pr_str(NULL, " state=%s",
		       ctl_peer_state_name(hshm_nl_get64(ea[HSHM_EA_COUNT])));
	else
		pr_u64(NULL, " count=%" PRIu64, hshm_nl_get64(ea[HSHM_EA_COUNT]));
	pr_u64("suppressed", NULL, hshm_nl_get32(ea[HSHM_EA_SUPPRESSED]));
	if (hshm_nl_get32(ea[HSHM_EA_SUPPRESSED]))
		pr_u64(NULL, " suppressed=%" PRIu64,
		       hshm_nl_get32(ea[HSHM_EA_SUPPRESSED]));
	pr_u64("time_ns", NULL, ts);
	pr_obj_close();
	putchar('\n');
}

static int event_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[HSHM_A_MAX + 1], *ea[HSHM_EA_MAX + 1];
	struct mon *mon = arg;

	if (hshm_nl_parse(m, tb) || !tb[HSHM_A_EVENT] ||
	    nla_parse_nested(ea, HSHM_EA_MAX, tb[HSHM_A_EVENT],
			     hshm_nl_event_policy) ||
	    !ea[HSHM_EA_TYPE])
		return NL_SKIP;
	print_event(tb[HSHM_A_DEV_NAME] ? nla_get_string(tb[HSHM_A_DEV_NAME]) :
		    "?", nla_get_u8(ea[HSHM_EA_TYPE]), ea);
	fflush(stdout);
	mon->seen++;
	return NL_OK;
}

static int join_events(struct hshm_nl *nl, struct mon *mon)
{
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, HSHM_GENL_NAME,
				    HSHM_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		ctl_msg("monitor: no \"%s\" multicast group: %s",
			HSHM_GENL_MCGRP_EVENTS, nl_geterror(grp));
		return EXIT_FAIL;
	}
	nl_socket_disable_seq_check(nl->sk);
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, mon);
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret == -NLE_PERM) {
		ctl_msg("monitor: joining the events group needs CAP_NET_ADMIN");
		return EXIT_PERM;
	}
	if (ret) {
		ctl_msg("monitor: cannot join the events group: %s",
			nl_geterror(ret));
		return EXIT_FAIL;
	}
	return 0;
}

static int listen_events(struct hshm_nl *nl, const struct ctl_opts *o,
			 struct mon *mon)
{
	double deadline = o->timeout > 0 ? ctl_now_s() + o->timeout : 0;
	int fd = nl_socket_get_fd(nl->sk);

	while (!ctl_stop && (o->count <= 0 || mon->seen < o->count)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait_ms = 1000, r;

		if (deadline) {
			double left = deadline - ctl_now_s();

			if (left <= 0) {
				ctl_msg("monitor: timed out after %.1f s with %ld event(s)",
					o->timeout, mon->seen);
				return EXIT_TIMEOUT;
			}
			if (left < 1)
				wait_ms = (int)(left * 1000) + 1;
		}
		r = poll(&pfd, 1, wait_ms);
		if (r < 0 && errno != EINTR) {
			ctl_msg("monitor: poll: %s", strerror(errno));
			return EXIT_FAIL;
		}
		if (r > 0)
			nl_recvmsgs_default(nl->sk);
	}
	return 0;
}

static int join_and_listen(struct hshm_nl *nl, const struct ctl_opts *o,
			   void *arg)
{
	struct mon *mon = arg;
	int ret = join_events(nl, mon);

	if (ret)
		return ret;
	ctl_catch_signals();
	if (!o->json)
		fprintf(stderr, "%s: listening for events (Ctrl-C to stop)\n",
			ctl_prog);
	return listen_events(nl, o, mon);
}

static int monitor(const struct ctl_opts *o, int argc, char **argv)
{
	struct mon mon = { .o = o };
	int ret = ctl_no_args("monitor", argc, argv);

	return ret ? ret : ctl_with_nl(join_and_listen, o, &mon);
}

const struct ctl_cmd ctl_monitor_cmd = {
	.obj = "monitor", .run = monitor,
	.usage =
	"monitor [--count N] [--timeout S]\n"
	"                              print events: sla_violation, peer_reset,\n"
	"                              heal, shed, peer_state\n",
};
