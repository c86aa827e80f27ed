// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshmctl: look at and configure hshm devices over the "hshm" generic
 * netlink family, watch its events, call a service.
 *
 * Commands are OBJECT VERB (dev show, dev set, stats show...), each in a
 * file of its own on the plumbing of ../nl; the commands of the first
 * releases (list, status, stats, set) stay as their short forms.
 *
 * Exit status: 0 done; 1 the operation failed; 2 bad usage or input;
 * 3 no such device, or the hshm module is not loaded; 4 permission
 * denied; 5 timed out (monitor --timeout, call).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strchrnul */
#endif
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

const char *ctl_prog = "hshmctl";

static const struct ctl_cmd *const cmds[] = {
	&ctl_dev_list_cmd,
	&ctl_dev_show_cmd,
	&ctl_dev_set_cmd,
	&ctl_stats_cmd,
	&ctl_svcmap_show_cmd,
	&ctl_svcmap_set_cmd,
	&ctl_monitor_cmd,
	&ctl_call_cmd,
};

#define NCMDS	ARRAY_SIZE(cmds)

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hshm_nl_vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", ctl_prog);
	return EXIT_USAGE;
}

/* A decimal number in [min, max]; false with a message otherwise. */
bool ctl_parse_u32(const char *what, const char *s, uint32_t min,
		   uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	/* strtoull() would take white space and a sign before the digits */
	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return true;
bad:
	ctl_msg("invalid %s '%s': expected a whole number from %u to %u", what,
		s, min, max);
	return false;
}

/* A decimal integer, maybe negative, that fits in 32 bits. */
bool ctl_parse_s32(const char *what, const char *s, int32_t *out)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || errno || *end || v < INT32_MIN || v > INT32_MAX) {
		ctl_msg("invalid %s '%s': expected a whole number", what, s);
		return false;
	}
	*out = (int32_t)v;
	return true;
}

int ctl_no_args(const char *cmd, int argc, char **argv)
{
	return argc ? ctl_usage_error("%s: unexpected argument '%s'", cmd,
				      argv[0]) : 0;
}

int ctl_with_nl(int (*fn)(struct hshm_nl *nl, const struct ctl_opts *o,
			  void *arg), const struct ctl_opts *o, void *arg)
{
	struct hshm_nl nl;
	int ret = hshm_nl_open(&nl);

	if (!ret)
		ret = fn(&nl, o, arg);
	hshm_nl_close(&nl);
	return ret;
}

int ctl_with_devs(const char *cmd, int argc, char **argv,
		  const struct ctl_opts *o, unsigned int n,
		  int (*fn)(struct hshm_nl *nl, const struct ctl_opts *o,
			    struct hshm_nl_devs *devs, const void *arg),
		  const void *arg)
{
	struct hshm_nl_devs *devs;
	struct hshm_nl nl;
	int ret = ctl_no_args(cmd, argc, argv);

	if (ret)
		return ret;
	devs = calloc(n, sizeof(*devs));
	if (!devs) {
		ctl_msg("out of memory");
		return EXIT_FAIL;
	}
	ret = hshm_nl_open(&nl);
	if (!ret)
		ret = fn(&nl, o, devs, arg);
	hshm_nl_close(&nl);
	free(devs);
	return ret;
}

bool ctl_selected(const struct hshm_nl_dev *d, const struct ctl_opts *o)
{
	return d->seen && (o->dev < 0 || (int)d->index == o->dev);
}

double ctl_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

volatile sig_atomic_t ctl_stop;

static void on_signal(int sig)
{
	(void)sig;
	ctl_stop = 1;
}

void ctl_catch_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

/* The usage of every command of @obj (NULL: of all), each line prefixed. */
static void cmd_usage(FILE *f, const char *obj, const char *verb)
{
	size_t i;

	for (i = 0; i < NCMDS; i++) {
		const char *u = cmds[i]->usage;

		if ((obj && strcmp(obj, cmds[i]->obj)) ||
		    (verb && cmds[i]->verb && strcmp(verb, cmds[i]->verb)))
			continue;
		while (*u) {
			const char *nl = strchrnul(u, '\n');

			fprintf(f, "  %.*s\n", (int)(nl - u), u);
			u = *nl ? nl + 1 : nl;
		}
	}
}

static void print_help(void)
{
	size_t i;

	printf("Usage: %s [OPTIONS] OBJECT [VERB] [ARGS]\n"
	       "       %s OBJECT help | %s help [OBJECT]\n"
	       "\n"
	       "Look at and configure hshm devices (generic netlink family \"hshm\").\n"
	       "\n"
	       "Commands:\n", ctl_prog, ctl_prog, ctl_prog);
	cmd_usage(stdout, NULL, NULL);
	printf("\nShort forms:");
	for (i = 0; i < NCMDS; i++)
		if (cmds[i]->alias)
			printf(" %s (%s %s)", cmds[i]->alias, cmds[i]->obj,
			       cmds[i]->verb);
	printf("\n"
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
	       "  -h, --help         this text (after a command: its usage)\n"
	       "\n"
	       "Exit status: 0 done, 1 failed, 2 bad usage or input, 3 no such device\n"
	       "or module not loaded, 4 permission denied, 5 timed out.\n"
	       "set needs CAP_NET_ADMIN.  See hshmctl(8).\n");
}

/* "help [OBJECT]": every command, or those of OBJECT */
static int help_cmd(int argc, char **argv)
{
	size_t i;

	if (!argc) {
		print_help();
		return 0;
	}
	for (i = 0; i < NCMDS; i++)
		if (!strcmp(argv[0], cmds[i]->obj))
			break;
	if (i == NCMDS)
		return ctl_usage_error("help: unknown object '%s'", argv[0]);
	printf("Usage:\n");
	cmd_usage(stdout, argv[0], NULL);
	return 0;
}

/*
 * Find the command of @argv: OBJECT VERB, an OBJECT without verbs
 * (monitor, call), a short form, or a bare OBJECT (its show).  @*used: the words it took.
 */
static const struct ctl_cmd *find_cmd(int argc, char **argv, int *used)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (argc > 1 && cmds[i]->verb &&
		    !strcmp(argv[0], cmds[i]->obj) &&
		    !strcmp(argv[1], cmds[i]->verb)) {
			*used = 2;
			return cmds[i];
		}
	for (i = 0; i < NCMDS; i++)
		if ((cmds[i]->alias && !strcmp(argv[0], cmds[i]->alias)) ||
		    (!cmds[i]->verb && !strcmp(argv[0], cmds[i]->obj))) {
			*used = 1;
			return cmds[i];
		}
	/* a bare object: its show */
	for (i = 0; i < NCMDS; i++)
		if (argc == 1 && cmds[i]->verb && !strcmp(cmds[i]->verb, "show") &&
		    !strcmp(argv[0], cmds[i]->obj)) {
			*used = 1;
			return cmds[i];
		}
	return NULL;
}

/* What an OBJECT [VERB] not found says: its verbs, or what is there. */
static int unknown_cmd(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(argv[0], cmds[i]->obj))
			break;
	if (i == NCMDS)
		return ctl_usage_error("unknown command '%s'", argv[0]);
	if (argc < 2)
		ctl_msg("%s: which verb?", argv[0]);
	else
		ctl_msg("%s: unknown verb '%s'", argv[0], argv[1]);
	fprintf(stderr, "Usage:\n");
	cmd_usage(stderr, argv[0], NULL);
	return EXIT_USAGE;
}

static int parse_seconds(const char *opt, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || *out <= 0 || *out > 86400)
		return ctl_usage_error("invalid %s '%s': expected seconds > 0",
				       opt, s);
	return 0;
}

/* The options, wherever they are; the words left in argv[optind...]. */
static int parse_opts(int argc, char **argv, struct ctl_opts *o, bool *hlp)
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
	uint32_t v;
	int opt;

	while ((opt = getopt_long(argc, argv, "d:jw:n:t:c:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (!strncmp(optarg, "hshm", 4))
				optarg += 4;
			if (!ctl_parse_u32("device", optarg, 0,
					   HSHM_MAX_DEVICES - 1, &v))
				return EXIT_USAGE;
			o->dev = v;
			break;
		case 'j':
			o->json = true;
			break;
		case 'w':
			if (parse_seconds("--watch", optarg, &o->watch))
				return EXIT_USAGE;
			break;
		case 't':
			if (parse_seconds("--timeout", optarg, &o->timeout))
				return EXIT_USAGE;
			break;
		case 'n':
			if (!ctl_parse_u32("count", optarg, 1, INT32_MAX, &v))
				return EXIT_USAGE;
			o->count = v;
			break;
		case 'H':
			o->hist = true;
			break;
		case 'c':
			o->qos_class = hshm_class_lookup(optarg, strlen(optarg));
			if (o->qos_class < 0)
				return ctl_usage_error("invalid class '%s': realtime throughput reliable best_effort or 0..3",
						       optarg);
			break;
		case 'T':
			if (!ctl_parse_u32("call timeout (ms)", optarg, 1,
					   3600000, &o->call_timeout_ms))
				return EXIT_USAGE;
			break;
		case 'h':
			*hlp = true;
			break;
		default:
			fprintf(stderr, "Try '%s --help'.\n", ctl_prog);
			return EXIT_USAGE;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl_opts o = { .dev = -1, .qos_class = HSHM_CLASS_AUTO };
	const struct ctl_cmd *cmd;
	bool hlp = false;
	int ret, used;

	hshm_nl_set_prog(ctl_prog);
	ret = parse_opts(argc, argv, &o, &hlp);
	if (ret)
		return ret;
	argc -= optind;
	argv += optind;
	if (!argc) {
		if (hlp) {
			print_help();
			return 0;
		}
		return ctl_usage_error("no command given");
	}
	if (!strcmp(argv[0], "help"))
		return help_cmd(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "help"))
		return help_cmd(1, argv);
	cmd = find_cmd(argc, argv, &used);
	if (!cmd) {
		if (hlp)
			return help_cmd(1, argv);
		return unknown_cmd(argc, argv);
	}
	if (hlp) {
		printf("Usage:\n");
		cmd_usage(stdout, cmd->obj, cmd->verb);
		return 0;
	}
	pr_init(o.json);
	return cmd->run(&o, argc - used, argv + used);
}
