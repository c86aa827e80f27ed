// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshmctl stats show [--watch S [--count N]] [--hist]: the counters and
 * latency percentiles of every class (short form: stats).
 */
#include <stdio.h>
#include <unistd.h>

#include "ctl.h"

/*
 * Print the statistics, once or every --watch seconds, with two tables of
 * devices: this round's and the last one's (for the rates).
 */
static int stats_rounds(struct hshm_nl *nl, const struct ctl_opts *o,
			struct hshm_nl_devs *devs, const void *arg)
{
	struct hshm_nl_devs *cur = devs, *prev = NULL;
	double t_prev = 0;
	long round = 0;
	int ret = 0, i;

	(void)arg;
	ctl_catch_signals();
	while (!ctl_stop) {
		double t = ctl_now_s();

		ret = hshm_nl_get_devs(nl, o->dev, cur);
		if (ret)
			break;
		if (o->watch > 0)
			pr_text("--- %.1f s\n", prev ? t - t_prev : 0.0);
		pr_list_open();
		for (i = 0; i < HSHM_MAX_DEVICES; i++)
			if (ctl_selected(&cur->d[i], o))
				print_dev_stats(&cur->d[i],
						prev ? &prev->d[i] : NULL,
						t - t_prev, o->hist);
		pr_list_close();
		fflush(stdout);
		if (o->watch <= 0 || (o->count > 0 && ++round >= o->count))
			break;
		prev = cur;
		cur = cur == devs ? devs + 1 : devs;
		t_prev = t;
		usleep((useconds_t)(o->watch * 1e6));
	}
	return ret;
}

static int stats_show(const struct ctl_opts *o, int argc, char **argv)
{
	return ctl_with_devs("stats", argc, argv, o, 2, stats_rounds, NULL);
}

const struct ctl_cmd ctl_stats_cmd = {
	.obj = "stats", .verb = "show", .alias = "stats", .run = stats_show,
	.usage =
	"stats show [--watch S [--count N]] [--hist]\n"
	"                              counters and latency percentiles per class;\n"
	"                              --watch: every S seconds, with rates;\n"
	"                              --hist: the latency histogram buckets\n",
};
