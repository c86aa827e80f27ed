// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshmctl dev list | dev show | dev set: the devices and their
 * configuration (short forms: list, status, set).
 */
#include <string.h>

#include <netlink/attr.h>

#include "ctl.h"

/* A report of devices: its header (text only) and a printer per device */
struct report {
	void (*header)(void);
	void (*print)(const struct hshm_nl_dev *d);
};

/* Every selected device, through @arg's printer (ctl_with_devs()'s @fn). */
static int dev_report(struct hshm_nl *nl, const struct ctl_opts *o,
		      struct hshm_nl_devs *devs, const void *arg)
{
	const struct report *r = arg;
	int ret = hshm_nl_get_devs(nl, o->dev, devs), i;

	if (ret)
		return ret;
	pr_list_open();
	if (r->header)
		r->header();
	for (i = 0; i < HSHM_MAX_DEVICES; i++)
		if (ctl_selected(&devs->d[i], o))
			r->print(&devs->d[i]);
	pr_list_close();
	return 0;
}

static int dev_list(const struct ctl_opts *o, int argc, char **argv)
{
	static const struct report r = { print_dev_list_header, print_dev_list };

	return ctl_with_devs("list", argc, argv, o, 1, dev_report, &r);
}

static int dev_show(const struct ctl_opts *o, int argc, char **argv)
{
	static const struct report r = { NULL, print_dev_status };

	return ctl_with_devs("status", argc, argv, o, 1, dev_report, &r);
}

const struct ctl_cmd ctl_dev_list_cmd = {
	.obj = "dev", .verb = "list", .alias = "list", .run = dev_list,
	.usage =
	"dev list                      devices: transport, notification, sizes\n",
};

const struct ctl_cmd ctl_dev_show_cmd = {
	.obj = "dev", .verb = "show", .alias = "status", .run = dev_show,
	.usage =
	"dev show                      configuration of each device and class\n",
};

/* SET */

/**
 * struct setting - one "set" command, parsed and checked
 * @kind: HSHM_A_* (device attribute) or HSHM_A_CLASS
 * @ca: for HSHM_A_CLASS: HSHM_CA_* set in every class of @mask
 * @mask: classes concerned
 * @v: value per class, or v[0] for a device attribute
 * @prio: for HSHM_A_SCHED_POLICY: the priority, if @has_prio
 * @has_prio: a priority was given (else the driver picks the policy's)
 * @str: for HSHM_A_PEER_PROFILE: the name
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

static int parse_classes(const char *what, int argc, char **argv,
			 struct setting *st)
{
	bool w = what[0] == 'w';
	int i;

	if (argc != NCLS)
		return ctl_usage_error("set %s: expected %d numbers (realtime throughput reliable best_effort), got %d",
				       what, NCLS, argc);
	for (i = 0; i < NCLS; i++)
		if (!ctl_parse_u32(w ? "weight" : "reservation (percent)",
				   argv[i], w ? HSHM_WEIGHT_MIN : 0,
				   w ? HSHM_WEIGHT_MAX : 100, &st->v[i]))
			return EXIT_USAGE;
	st->kind = HSHM_A_CLASS;
	st->ca = w ? HSHM_CA_WEIGHT : HSHM_CA_RESERVATION;
	st->mask = (1u << NCLS) - 1;
	return 0;
}

static int parse_sched(int argc, char **argv, struct setting *st)
{
	unsigned int i;

	/* The priority's range depends on the policy: the driver checks. */
	if (argc < 1 || argc > 2)
		return ctl_usage_error("set sched: expected POLICY [PRIORITY], POLICY one of other fifo rr");
	for (i = 0; i < ctl_npolicies; i++)
		if (!strcmp(argv[0], ctl_policy_names[i]))
			break;
	if (i == ctl_npolicies)
		return ctl_usage_error("set sched: unknown policy '%s': one of other fifo rr",
				       argv[0]);
	st->kind = HSHM_A_SCHED_POLICY;
	st->v[0] = i;
	st->has_prio = argc == 2;
	if (st->has_prio && !ctl_parse_s32("priority", argv[1], &st->prio))
		return EXIT_USAGE;
	return 0;
}

/* The per-class times of set: their attribute and largest value */
static const struct {
	const char *name;
	int ca;
	uint32_t max;
} class_times[] = {
	{ "target", HSHM_CA_TARGET_US, UINT32_MAX },
	{ "shed", HSHM_CA_SHED_US, UINT32_MAX },
	{ "spin", HSHM_CA_SPIN_US, 10000 },
};

static int parse_class_time(size_t k, int argc, char **argv,
			    struct setting *st)
{
	int cls;

	cls = argc == 2 ? hshm_class_lookup(argv[0], strlen(argv[0])) : -1;
	if (cls < 0)
		return ctl_usage_error("set %s: expected CLASS MICROSECONDS (CLASS: a class name or 0..3)",
				       class_times[k].name);
	if (!ctl_parse_u32("microseconds", argv[1], 0, class_times[k].max,
			   &st->v[cls]))
		return EXIT_USAGE;
	st->kind = HSHM_A_CLASS;
	st->ca = class_times[k].ca;
	st->mask = 1u << cls;
	return 0;
}

/* The settings of one number: their attribute and range */
static const struct {
	const char *name;
	int kind;
	uint32_t min, max;
} numbers[] = {
	{ "handover", HSHM_A_HANDOVER, 0, 65535 },
	{ "peer-wait", HSHM_A_PEER_WAIT_MS, 0, 3600000 },
	{ "batch-max", HSHM_A_BATCH_MAX, 1, 65535 },
	{ "rt-batch-max", HSHM_A_RT_BATCH_MAX, 1, 65535 },
	{ "timeout", HSHM_A_TIMEOUT_MS, 1, 3600000 },
	{ "drr-quantum", HSHM_A_DRR_QUANTUM, HSHM_DRR_QUANTUM_MIN,
	  HSHM_DRR_QUANTUM_MAX },
};

static int parse_set(int argc, char **argv, struct setting *st)
{
	const char *what = argc ? argv[0] : "";
	size_t i;

	memset(st, 0, sizeof(*st));
	if (!argc)
		return ctl_usage_error("set: what? (weights, reservations, scheduler, drr-quantum, sched, target, shed, spin, batch-max, rt-batch-max, timeout, profile, handover, peer-wait)");
	argc--;
	argv++;
	if (!strcmp(what, "weights") || !strcmp(what, "reservations"))
		return parse_classes(what, argc, argv, st);
	if (!strcmp(what, "sched"))
		return parse_sched(argc, argv, st);
	for (i = 0; i < sizeof(class_times) / sizeof(class_times[0]); i++)
		if (!strcmp(what, class_times[i].name))
			return parse_class_time(i, argc, argv, st);
	if (!strcmp(what, "scheduler")) {
		int s = argc == 1 ? hshm_sched_lookup(argv[0], strlen(argv[0])) :
			-EINVAL;

		if (s < 0)
			return ctl_usage_error("set scheduler: expected 'wrr', 'fifo' or 'drr'");
		st->kind = HSHM_A_SCHEDULER;
		st->v[0] = (uint32_t)s;
		return 0;
	}
	if (!strcmp(what, "profile")) {
		/* The driver knows its profiles and names the wrong ones. */
		if (argc != 1)
			return ctl_usage_error("set profile: expected one NAME (hshm sel4-v1 freertos-v1 hvisor-tool-v1)");
		st->kind = HSHM_A_PEER_PROFILE;
		st->str = argv[0];
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(numbers); i++) {
		if (strcmp(what, numbers[i].name))
			continue;
		if (argc != 1)
			return ctl_usage_error("set %s: expected one number", what);
		st->kind = numbers[i].kind;
		return ctl_parse_u32(what, argv[0], numbers[i].min,
				     numbers[i].max, &st->v[0]) ? 0 : EXIT_USAGE;
	}
	return ctl_usage_error("set: unknown setting '%s'", what);
}

static int put_setting(struct nl_msg *m, const void *arg)
{
	const struct setting *st = arg;
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

static int send_setting(struct hshm_nl *nl, const struct ctl_opts *o,
			void *st)
{
	return hshm_nl_set(nl, o->dev < 0 ? 0 : o->dev, put_setting, st);
}

/* (checked before the socket: bad input is exit 2 without the module) */
static int dev_set(const struct ctl_opts *o, int argc, char **argv)
{
	struct setting st;
	int ret = parse_set(argc, argv, &st);

	return ret ? ret : ctl_with_nl(send_setting, o, &st);
}

const struct ctl_cmd ctl_dev_set_cmd = {
	.obj = "dev", .verb = "set", .alias = "set", .run = dev_set,
	.usage =
	"dev set weights W W W W       WRR weights (1..1000) of realtime throughput\n"
	"                              reliable best_effort\n"
	"dev set reservations P P P P  reserved percent per class (sum <= 100)\n"
	"dev set scheduler wrr|fifo    dispatcher policy\n"
	"dev set sched POLICY [PRIO]   CPU scheduling of the dispatcher thread:\n"
	"                              other (PRIO: nice -20..19), fifo or rr\n"
	"                              (PRIO: 1..99); see hshmctl(8) without PRIO\n"
	"dev set target CLASS US       latency target (SLA), 0 = none\n"
	"dev set shed CLASS US         shed after US queued (throughput and\n"
	"                              best_effort only), 0 = never\n"
	"dev set spin CLASS US         a caller polls for its answer up to US\n"
	"                              (0..10000) before it sleeps, 0 = never\n"
	"dev set batch-max N | rt-batch-max N | timeout MS\n"
	"dev set profile NAME          the peer on the other side: hshm,\n"
	"                              sel4-v1, freertos-v1, hvisor-tool-v1\n"
	"dev set handover N            messages per hand-over, 0 = auto\n"
	"dev set peer-wait MS          wait for an absent peer, 0 = never\n"
	"                              (-d N: the device, default hshm0;\n"
	"                              needs CAP_NET_ADMIN)\n",
};
