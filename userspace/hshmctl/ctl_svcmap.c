// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshmctl service-map show | service-map set: the class requests
 * submitted with HSHM_CLASS_AUTO are served in, by service id.  A run is
 * written "A" or "A-B" (service ids 0..65535, A <= B, no space inside)
 * and printed the same way, followed by its class.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define SVC_ID_MAX	65535

/* The service ids of a run, "A" or "A-B"; false with a message. */
static bool parse_range(const char *s, struct hshm_nl_run *r)
{
	const char *dash = strchr(s, '-');
	char a[16];
	size_t n = dash ? (size_t)(dash - s) : strlen(s);

	if (!n || n >= sizeof(a))
		goto bad;
	memcpy(a, s, n);
	a[n] = '\0';
	if (!ctl_parse_u32("service id", a, 0, SVC_ID_MAX, &r->first))
		return false;
	r->last = r->first;
	if (dash && !ctl_parse_u32("service id", dash + 1, 0, SVC_ID_MAX,
				   &r->last))
		return false;
	if (r->last < r->first) {
		ctl_msg("invalid run '%s': the last service id is below the first",
			s);
		return false;
	}
	return true;
bad:
	ctl_msg("invalid run '%s': expected A or A-B, service ids 0 to %u", s,
		SVC_ID_MAX);
	return false;
}

static void print_run(const struct hshm_nl_run *r, void *arg)
{
	const char *name = hshm_class_str(r->cls);

	(void)arg;
	pr_obj_open(NULL);
	pr_u64("first", "%" PRIu64, r->first);
	if (r->last != r->first)
		pr_u64("last", "-%" PRIu64, r->last);
	else
		pr_u64("last", NULL, r->last);
	pr_str("class", " %s\n", name ? name : "?");
	pr_obj_close();
}

struct show_args {
	int64_t id;
};

static int show(struct hshm_nl *nl, const struct ctl_opts *o, void *arg)
{
	const struct show_args *a = arg;
	int ret;

	pr_list_open();
	ret = hshm_nl_svc_map_get(nl, o->dev < 0 ? 0 : o->dev, a->id,
				  print_run, NULL);
	pr_list_close();
	return ret;
}

static int svcmap_show(const struct ctl_opts *o, int argc, char **argv)
{
	struct show_args a = { .id = -1 };
	uint32_t id;

	if (argc > 1)
		return ctl_usage_error("service-map show: expected at most one service id");
	if (argc) {
		if (!ctl_parse_u32("service id", argv[0], 0, SVC_ID_MAX, &id))
			return EXIT_USAGE;
		a.id = id;
	}
	return ctl_with_nl(show, o, &a);
}

struct set_args {
	struct hshm_nl_run *runs;
	unsigned int n;
};

static int set(struct hshm_nl *nl, const struct ctl_opts *o, void *arg)
{
	const struct set_args *a = arg;

	return hshm_nl_svc_map_set(nl, o->dev < 0 ? 0 : o->dev, a->runs, a->n);
}

/* (checked before the socket: bad input is exit 2 without the module) */
static int svcmap_set(const struct ctl_opts *o, int argc, char **argv)
{
	struct set_args a = { .n = (unsigned int)argc / 2 };
	unsigned int i;
	int cls, ret;

	if (!argc || argc % 2)
		return ctl_usage_error("service-map set: expected RUN CLASS [RUN CLASS]... (RUN: A or A-B)");
	a.runs = calloc(a.n, sizeof(*a.runs));
	if (!a.runs) {
		ctl_msg("out of memory");
		return EXIT_FAIL;
	}
	for (i = 0; i < a.n; i++) {
		const char *name = argv[2 * i + 1];

		if (!parse_range(argv[2 * i], &a.runs[i])) {
			ret = EXIT_USAGE;
			goto out;
		}
		cls = hshm_class_lookup(name, strlen(name));
		if (cls < 0) {
			ret = ctl_usage_error("unknown class '%s': realtime, throughput, reliable, best_effort or 0..3",
					      name);
			goto out;
		}
		a.runs[i].cls = (uint8_t)cls;
	}
	ret = ctl_with_nl(set, o, &a);
out:
	free(a.runs);
	return ret;
}

const struct ctl_cmd ctl_svcmap_show_cmd = {
	.obj = "service-map", .verb = "show", .run = svcmap_show,
	.usage =
	"service-map show [ID]         the class of each run of service ids (of\n"
	"                              the one that holds ID)\n",
};

const struct ctl_cmd ctl_svcmap_set_cmd = {
	.obj = "service-map", .verb = "set", .run = svcmap_set,
	.usage =
	"service-map set RUN CLASS...  serve the services of each RUN (A or A-B)\n"
	"                              in CLASS, in order, all or nothing\n",
};
