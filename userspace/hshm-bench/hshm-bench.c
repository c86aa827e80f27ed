// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm-bench: load generator and QoS benchmark for /dev/hshmN, on libhshm.
 * This file: the command line, the device's configuration (scheduler,
 * targets, profile: netlink, nl.c), the reports,
 * CSV and the gnuplot plots.  The load itself is in load.c.  The manual
 * page (hshm-bench.1) is the reference for the options.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/hshm_wire.h>

#include "hshm_nl.h"
#include "hshm_peer.h"
#include "hshm_qos.h"
#include "bench.h"

#define MAX_RUNS	2

static const char usage_text[] =
"usage: hshm-bench --class SPEC [--class SPEC...] [options]\n"
"       hshm-bench --plot DIR --from-csv FILE\n"
"\n"
"Load /dev/hshmN with per-class traffic and report, per class, requests,\n"
"throughput, latency percentiles, loss and SLA violations.  Each response\n"
"is checked against what the peer of --profile answers (bad responses).\n"
"\n"
"  -c, --class SPEC       CLASS:MODE[:KEY=VALUE...], one per class; CLASS is\n"
"                         realtime, throughput, reliable, best_effort (any\n"
"                         case, - for _) or 0..3;\n"
"                         MODE closed (default), poisson or bursty. Keys:\n"
"                           threads=N  closed: worker threads (1)\n"
"                           depth=N    closed: outstanding per thread (1)\n"
"                           rate=R     poisson, bursty: requests/s (k, m)\n"
"                           on=T off=T bursty: on and off periods (100ms)\n"
"                           size=S[@W],...  message sizes (128, 1k, 16k,\n"
"                                      64k...) with optional weights (128)\n"
"                           service=ID service id (1; what it does: the\n"
"                                      peer's profile, see --profile)\n"
"                           timeout=T  request timeout (device default)\n"
"                           count=N    requests of this class\n"
"                           target=T   SLA latency target\n"
"  -d, --device DEV       /dev/hshmN or N (HSHM_DEV, else /dev/hshm0)\n"
"  -P, --profile NAME     the peer's profile, whose answers are expected\n"
"                         (default: the device's peer profile, else hshm)\n"
"  -t, --duration S       seconds of load (10 unless --count is given)\n"
"  -n, --count N          requests per class (class count= overrides)\n"
"      --target CLASS=T   SLA target (default: the device's class target)\n"
"      --drain S          longest wait for the last answers (10)\n"
"      --scheduler NAME   set the device's scheduler for the run: fifo, wrr\n"
"                         or drr (root)\n"
"      --compare          run under fifo, then under wrr, print both and\n"
"                         the fifo/wrr ratios (root; scheduler is restored)\n"
"      --csv FILE         write the results to FILE and latency CDFs to\n"
"                         FILE's name with -cdf.csv instead of .csv\n"
"      --plot DIR         PNG plots in DIR through gnuplot\n"
"      --from-csv FILE    with --plot: plot a CSV written earlier, run nothing\n"
"      --max-loss PCT     exit 3 if a class loses more than PCT %\n"
"      --max-viol PCT     exit 3 if a class misses its target more than PCT %\n"
"      --seed N           random seed (1)\n"
"  -q, --quiet            no progress line (shown only on a terminal)\n"
"  -h, --help             this text\n"
"  -V, --version          version\n"
"\n"
"Times take ns, us, ms or s (bare numbers: us); sizes k/K and m/M (1024).\n"
"Latency is the driver's submit-to-completion time.\n"
"Exit: 0 done, 1 device/netlink/file/gnuplot error, 2 bad command line,\n"
"3 a --max-loss or --max-viol limit exceeded.\n"
"Example:\n"
"  hshm-bench --class realtime:closed:threads=1:size=128 \\\n"
"             --class best_effort:poisson:rate=2000:size=64k --duration 10\n";

static atomic_bool g_stop;
static volatile sig_atomic_t g_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	g_interrupted = 1;
	atomic_store(&g_stop, true);
}

static void __attribute__((noreturn, format(printf, 1, 2))) usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hshm-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'hshm-bench --help'.\n");
	exit(EXIT_USAGE);
}

/* The profiles' names, ", " between them. */
static const char *profile_names(char *buf, size_t len)
{
	const struct hshm_peer_profile *p;
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; (p = hshm_peer_profile_get(i)) && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      p->name);
	return buf;
}

/* Print the profiles, one a line, after @lead. */
static void list_profiles(FILE *f, const char *lead)
{
	const struct hshm_peer_profile *p;
	unsigned int i;

	for (i = 0; (p = hshm_peer_profile_get(i)); i++)
		fprintf(f, "%s%-16s %s\n", lead, p->name, p->about);
}

/* The profile named @name, or a usage error naming those there are. */
static const struct hshm_peer_profile *profile_arg(const char *name)
{
	const struct hshm_peer_profile *p = hshm_peer_profile_find(name);
	char names[256];

	if (!p || !*name)
		usage_err("--profile %s: unknown profile (%s)", name,
			  profile_names(names, sizeof(names)));
	return p;
}

/* ------------------------------------------------------------ parsing */

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

/* A time: bare numbers are @def_unit_ns. */
static bool parse_time_ns(const char *s, uint64_t def_unit_ns, uint64_t *ns)
{
	static const struct { const char *u; double m; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	char *end;
	double v;
	unsigned int i;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return false;
	if (!*end) {
		*ns = (uint64_t)(v * (double)def_unit_ns);
		return true;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].u)) {
			*ns = (uint64_t)(v * units[i].m);
			return true;
		}
	}
	return false;
}

static bool parse_size(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	if (!strcmp(end, "k") || !strcmp(end, "K") || !strcmp(end, "KiB"))
		v *= 1024;
	else if (!strcmp(end, "m") || !strcmp(end, "M") || !strcmp(end, "MiB"))
		v *= 1024 * 1024;
	else if (*end && strcmp(end, "B"))
		return false;
	if (!v || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_rate(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return false;
	if (!strcmp(end, "k"))
		v *= 1e3;
	else if (!strcmp(end, "m") || !strcmp(end, "M"))
		v *= 1e6;
	else if (*end)
		return false;
	if (v <= 0)
		return false;
	*out = v;
	return true;
}

static void parse_sizes(const char *spec, const char *val, struct size_mix *m)
{
	char *copy = strdup(val), *tok, *save = NULL;

	if (!copy)
		exit(EXIT_RUNTIME);
	memset(m, 0, sizeof(*m));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *at = strchr(tok, '@');
		uint64_t w = 1;

		if (m->n == MAX_SIZES)
			usage_err("%s: at most %d sizes in a mix", spec, MAX_SIZES);
		if (at) {
			*at = '\0';
			if (!parse_u64(at + 1, &w) || !w || w > 1000000)
				usage_err("%s: bad weight '%s' (1..1000000)", spec, at + 1);
		}
		if (!parse_size(tok, &m->size[m->n]) || m->size[m->n] > 262144)
			usage_err("%s: bad size '%s' (1..256k, e.g. 128, 1k, 16k, 64k)",
				  spec, tok);
		m->weight[m->n] = (unsigned int)w;
		m->total += (unsigned int)w;
		if (m->size[m->n] > m->max)
			m->max = m->size[m->n];
		m->n++;
	}
	free(copy);
	if (!m->n)
		usage_err("%s: size= needs at least one size", spec);
}

static const char *mode_name(enum load_mode m)
{
	return m == MODE_CLOSED ? "closed" : m == MODE_POISSON ? "poisson" : "bursty";
}

static void parse_class(struct bench_cfg *cfg, const char *spec)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	struct class_spec cs;
	bool rate_set = false, onoff_set = false, thr_set = false;
	int id, field = 0;

	if (!copy)
		exit(EXIT_RUNTIME);
	memset(&cs, 0, sizeof(cs));
	cs.mode = MODE_CLOSED;
	cs.threads = 1;
	cs.depth = 1;
	cs.on_ns = cs.off_ns = 100000000ull;
	cs.service = HSHM_SVC_ECHO;
	cs.sizes.n = 1;
	cs.sizes.size[0] = cs.sizes.max = 128;
	cs.sizes.weight[0] = cs.sizes.total = 1;
	for (tok = strtok_r(copy, ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save), field++) {
		char *eq = strchr(tok, '=');
		const char *key = tok, *val;
		uint64_t v;

		if (field == 0) {
			id = hshm_class_lookup(tok, strlen(tok));
			if (id < 0)
				usage_err("--class %s: unknown class '%s' (realtime, throughput, reliable, best_effort or 0..3)",
					  spec, tok);
			cs.cls = (unsigned int)id;
			continue;
		}
		if (field == 1 && !eq) {
			if (!strcmp(tok, "closed"))
				cs.mode = MODE_CLOSED;
			else if (!strcmp(tok, "poisson"))
				cs.mode = MODE_POISSON;
			else if (!strcmp(tok, "bursty"))
				cs.mode = MODE_BURSTY;
			else
				usage_err("--class %s: unknown mode '%s' (closed, poisson, bursty)",
					  spec, tok);
			continue;
		}
		if (!eq)
			usage_err("--class %s: '%s' is not KEY=VALUE", spec, tok);
		*eq = '\0';
		val = eq + 1;
		if (!strcmp(key, "threads")) {
			if (!parse_u64(val, &v) || !v || v > 64)
				usage_err("--class %s: threads=%s: 1..64", spec, val);
			cs.threads = (unsigned int)v;
			thr_set = true;
		} else if (!strcmp(key, "depth")) {
			if (!parse_u64(val, &v) || !v || v > 1024)
				usage_err("--class %s: depth=%s: 1..1024", spec, val);
			cs.depth = (unsigned int)v;
			thr_set = true;
		} else if (!strcmp(key, "rate")) {
			if (!parse_rate(val, &cs.rate) || cs.rate > 1e7)
				usage_err("--class %s: rate=%s: requests per second above 0 (e.g. 2000, 2k)",
					  spec, val);
			rate_set = true;
		} else if (!strcmp(key, "on") || !strcmp(key, "off")) {
			if (!parse_time_ns(val, 1000, &v) || (key[1] == 'n' && !v))
				usage_err("--class %s: %s=%s: a time (e.g. 50ms)", spec, key, val);
			if (key[1] == 'n')
				cs.on_ns = v;
			else
				cs.off_ns = v;
			onoff_set = true;
		} else if (!strcmp(key, "size")) {
			parse_sizes(spec, val, &cs.sizes);
		} else if (!strcmp(key, "service")) {
			if (!parse_u64(val, &v) || v > 65535)
				usage_err("--class %s: service=%s: 0..65535", spec, val);
			cs.service = (uint16_t)v;
		} else if (!strcmp(key, "timeout")) {
			if (!parse_time_ns(val, 1000, &v) || v < 1000000 ||
			    v > 3600000000000ull)
				usage_err("--class %s: timeout=%s: 1ms..3600s", spec, val);
			cs.timeout_ms = (uint32_t)(v / 1000000);
		} else if (!strcmp(key, "count")) {
			if (!parse_u64(val, &v) || !v || v > LONG_MAX)
				usage_err("--class %s: count=%s: a positive number", spec, val);
			cs.count = v;
		} else if (!strcmp(key, "target")) {
			if (!parse_time_ns(val, 1000, &v) || !v)
				usage_err("--class %s: target=%s: a time (e.g. 500us)", spec, val);
			cs.target_ns = v;
		} else {
			usage_err("--class %s: unknown key '%s' (threads depth rate on off size service timeout count target)",
				  spec, key);
		}
	}
	free(copy);
	if (field == 0)
		usage_err("--class needs CLASS[:MODE][:KEY=VALUE...]");
	if (cs.mode == MODE_CLOSED && (rate_set || onoff_set))
		usage_err("--class %s: rate=, on= and off= apply to poisson and bursty only", spec);
	if (cs.mode != MODE_CLOSED && thr_set)
		usage_err("--class %s: threads= and depth= apply to closed only", spec);
	if (cs.mode != MODE_CLOSED && !rate_set)
		usage_err("--class %s: %s needs rate=", spec, mode_name(cs.mode));
	if (cs.mode == MODE_POISSON && onoff_set)
		usage_err("--class %s: on= and off= apply to bursty only", spec);
	if (cfg->cls[cs.cls].used)
		usage_err("--class %s: class %s given twice", spec, hshm_class_name(cs.cls));
	cs.used = true;
	snprintf(cs.desc, sizeof(cs.desc), "%s", strchr(spec, ':') ? strchr(spec, ':') + 1 : "closed");
	cfg->cls[cs.cls] = cs;
}

/* ------------------------------------------------------------ netlink */

/* The selected scheduler, or "-". */
static void read_scheduler(const struct bench_cfg *cfg, char *out, size_t len)
{
	const struct hshm_nl_dev *d = bench_nl_dev(cfg);

	snprintf(out, len, "%s", d ? hshm_nl_sched_name(d->scheduler) : "-");
}

/* The weights and reservations of the classes ("W W W W"), or "-". */
static void read_weights(const struct bench_cfg *cfg, struct run_result *run)
{
	const struct hshm_nl_dev *d = bench_nl_dev(cfg);
	const struct hshm_nl_cls *k = d ? d->cls : NULL;

	if (!d) {
		snprintf(run->weights, sizeof(run->weights), "-");
		snprintf(run->reservations, sizeof(run->reservations), "-");
		return;
	}
	snprintf(run->weights, sizeof(run->weights), "%u %u %u %u",
		 k[0].weight, k[1].weight, k[2].weight, k[3].weight);
	snprintf(run->reservations, sizeof(run->reservations), "%u %u %u %u",
		 k[0].reservation, k[1].reservation, k[2].reservation,
		 k[3].reservation);
}

static int set_scheduler(const struct bench_cfg *cfg, const char *name)
{
	char now[16];

	if (bench_nl_set_scheduler(cfg, name)) {
		fprintf(stderr, "hshm-bench: cannot set the scheduler of %s to %s%s\n",
			cfg->device, name, cfg->index < 0 ?
			" (not an hshmN device node)" : "");
		return -EIO;
	}
	read_scheduler(cfg, now, sizeof(now));
	if (strcmp(now, name)) {
		fprintf(stderr, "hshm-bench: %s has scheduler %s after setting %s\n",
			cfg->device, now, name);
		return -EIO;
	}
	return 0;
}

/* The device's targets for the classes that have none yet. */
static void device_targets(struct bench_cfg *cfg)
{
	const struct hshm_nl_dev *d = bench_nl_dev(cfg);
	unsigned int c;

	for (c = 0; d && c < NR_CLASSES; c++)
		if (cfg->cls[c].used && !cfg->cls[c].target_ns)
			cfg->cls[c].target_ns = d->cls[c].target_us * 1000ull;
}

/* ------------------------------------------------------------ reports */

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static uint64_t lost(const struct class_result *r)
{
	return r->rejected + r->failed + r->unfinished;
}

static double req_s(const struct class_result *r)
{
	return r->elapsed_ns ? (double)r->completed * 1e9 / (double)r->elapsed_ns : 0;
}

static double mb_s(const struct class_result *r)
{
	return r->elapsed_ns ? (double)r->bytes * 1e3 / (double)r->elapsed_ns : 0;
}

static double q_us(const struct class_result *r, double q)
{
	return (double)hist_quantile(&r->lat, q) / 1e3;
}

/* Average requests of the class queued in the driver / at the peer. */
static double avg_queued(const struct class_result *r)
{
	return r->occ_samples ? (double)r->queued_sum / (double)r->occ_samples : 0;
}

static double avg_at_peer(const struct class_result *r)
{
	return r->occ_samples ? (double)r->at_peer_sum / (double)r->occ_samples : 0;
}

static void print_run(const struct bench_cfg *cfg, const struct run_result *run)
{
	unsigned int c;

	printf("# %s  scheduler %s  weights %s  reservations %s  profile %s  %.1f s\n",
	       cfg->device, run->scheduler, run->weights, run->reservations,
	       cfg->profile->name, run->elapsed_s);
	printf("%-12s %-28s %9s %9s %8s %9s %9s %9s %9s %7s %6s %9s %7s %6s %7s %7s\n",
	       "class", "load", "requests", "req/s", "MB/s", "p50_us", "p95_us",
	       "p99_us", "p99.9_us", "lost", "loss%", "target_us", "viol", "viol%",
	       "queued", "at_peer");
	for (c = 0; c < NR_CLASSES; c++) {
		const struct class_result *r = &run->cls[c];
		const struct class_spec *cs = &cfg->cls[c];
		char tgt[24];

		if (!cs->used)
			continue;
		if (cs->target_ns)
			snprintf(tgt, sizeof(tgt), "%.0f", (double)cs->target_ns / 1e3);
		else
			snprintf(tgt, sizeof(tgt), "-");
		printf("%-12s %-28.28s %9llu %9.1f %8.2f %9.1f %9.1f %9.1f %9.1f %7llu %6.2f %9s %7llu %6.2f %7.1f %7.1f\n",
		       hshm_class_name(c), cs->desc, (unsigned long long)r->attempted,
		       req_s(r), mb_s(r), q_us(r, 0.5), q_us(r, 0.95), q_us(r, 0.99),
		       q_us(r, 0.999), (unsigned long long)lost(r),
		       pct(lost(r), r->attempted), tgt,
		       (unsigned long long)r->violations, pct(r->violations, r->completed),
		       avg_queued(r), avg_at_peer(r));
		if (lost(r))
			printf("%-12s   lost: %llu rejected, %llu failed (%llu shed, %llu timed out), %llu unfinished; first error: %s\n",
			       "", (unsigned long long)r->rejected,
			       (unsigned long long)r->failed, (unsigned long long)r->shed,
			       (unsigned long long)r->timedout,
			       (unsigned long long)r->unfinished,
			       hshm_strerror(-(int)r->first_err));
		if (r->bad)
			printf("%-12s   bad: %llu responses not what a %s peer answers to service %u\n",
			       "", (unsigned long long)r->bad, cfg->profile->name,
			       cs->service);
	}
}

static void ratio(char *out, size_t len, double a, double b)
{
	if (b > 0 && a >= 0)
		snprintf(out, len, "%.2fx", a / b);
	else
		snprintf(out, len, "-");
}

/* fifo and wrr rows per class, then fifo/wrr. */
static void print_compare(const struct bench_cfg *cfg, const struct run_result *runs)
{
	unsigned int c, k;

	printf("# %s  fifo vs wrr, %.1f s + %.1f s, weights %s, reservations %s\n",
	       cfg->device, runs[0].elapsed_s, runs[1].elapsed_s, runs[1].weights,
	       runs[1].reservations);
	printf("%-12s %-9s %9s %10s %8s %9s %9s %9s %9s %7s %7s %7s\n", "class", "sched",
	       "requests", "req/s", "MB/s", "p50_us", "p95_us", "p99_us", "p99.9_us",
	       "loss%", "viol%", "queued");
	for (c = 0; c < NR_CLASSES; c++) {
		const struct class_result *f = &runs[0].cls[c], *w = &runs[1].cls[c];
		char x[7][16];

		if (!cfg->cls[c].used)
			continue;
		for (k = 0; k < 2; k++) {
			const struct class_result *r = &runs[k].cls[c];

			printf("%-12s %-9s %9llu %10.1f %8.2f %9.1f %9.1f %9.1f %9.1f %7.2f %7.2f %7.1f\n",
			       hshm_class_name(c), runs[k].scheduler,
			       (unsigned long long)r->attempted, req_s(r), mb_s(r),
			       q_us(r, 0.5), q_us(r, 0.95), q_us(r, 0.99), q_us(r, 0.999),
			       pct(lost(r), r->attempted),
			       pct(r->violations, r->completed), avg_queued(r));
		}
		ratio(x[0], sizeof(x[0]), req_s(f), req_s(w));
		ratio(x[1], sizeof(x[1]), mb_s(f), mb_s(w));
		ratio(x[2], sizeof(x[2]), q_us(f, 0.5), q_us(w, 0.5));
		ratio(x[3], sizeof(x[3]), q_us(f, 0.95), q_us(w, 0.95));
		ratio(x[4], sizeof(x[4]), q_us(f, 0.99), q_us(w, 0.99));
		ratio(x[5], sizeof(x[5]), q_us(f, 0.999), q_us(w, 0.999));
		printf("%-12s %-9s %9s %10s %8s %9s %9s %9s %9s\n",
		       hshm_class_name(c), "fifo/wrr", "", x[0], x[1], x[2], x[3], x[4],
		       x[5]);
	}
}

/* ---------------------------------------------------------------- CSV */

#define CSV_HEADER "scheduler,class,mode,load,requests,accepted,completed,failed," \
	"rejected,unfinished,lost,loss_pct,shed,timed_out,elapsed_s,req_s,mb_s," \
	"p50_us,p95_us,p99_us,p999_us,max_us,mean_us,target_us,violations,violation_pct," \
	"avg_queued,avg_at_peer,max_queued,driver_dropped,weights,reservations," \
	"bad,profile"
#define CDF_HEADER "scheduler,class,latency_us,fraction"

static void cdf_name(const char *csv, char *out, size_t len)
{
	size_t n = strlen(csv);

	if (n > 4 && !strcmp(csv + n - 4, ".csv"))
		snprintf(out, len, "%.*s-cdf.csv", (int)(n - 4), csv);
	else
		snprintf(out, len, "%s-cdf.csv", csv);
}

/* The load column: the spec with its commas (size mixes) as ';'. */
static const char *csv_load(const char *desc, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s", desc);
	for (i = 0; buf[i]; i++)
		if (buf[i] == ',' || buf[i] == '"')
			buf[i] = ';';
	return buf;
}

static int write_csv(const char *file, const struct bench_cfg *cfg,
		     const struct run_result *runs, unsigned int nruns)
{
	char cdf[PATH_MAX + 16], load[sizeof(cfg->cls[0].desc)];
	FILE *f, *g;
	unsigned int k, c, i;

	cdf_name(file, cdf, sizeof(cdf));
	f = fopen(file, "w");
	g = f ? fopen(cdf, "w") : NULL;
	if (!f || !g) {
		fprintf(stderr, "hshm-bench: %s: %s\n", f ? cdf : file, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fprintf(f, "%s\n", CSV_HEADER);
	fprintf(g, "%s\n", CDF_HEADER);
	for (k = 0; k < nruns; k++) {
		for (c = 0; c < NR_CLASSES; c++) {
			const struct class_result *r = &runs[k].cls[c];
			const struct class_spec *cs = &cfg->cls[c];
			uint64_t cum = 0;

			if (!cs->used)
				continue;
			fprintf(f, "%s,%s,%s,%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%.3f,%llu,%llu,%.3f,%.1f,%.3f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%llu,%.3f,%.2f,%.2f,%llu,%llu,%s,%s,%llu,%s\n",
				runs[k].scheduler, hshm_class_name(c), mode_name(cs->mode),
				csv_load(cs->desc, load, sizeof(load)),
				(unsigned long long)r->attempted,
				(unsigned long long)r->accepted,
				(unsigned long long)r->completed,
				(unsigned long long)r->failed,
				(unsigned long long)r->rejected,
				(unsigned long long)r->unfinished,
				(unsigned long long)lost(r), pct(lost(r), r->attempted),
				(unsigned long long)r->shed, (unsigned long long)r->timedout,
				(double)r->elapsed_ns / 1e9, req_s(r), mb_s(r),
				q_us(r, 0.5), q_us(r, 0.95), q_us(r, 0.99), q_us(r, 0.999),
				(double)r->lat.max / 1e3,
				r->lat.count ? (double)r->lat.sum / (double)r->lat.count / 1e3 : 0.0,
				(double)cs->target_ns / 1e3,
				(unsigned long long)r->violations,
				pct(r->violations, r->completed), avg_queued(r),
				avg_at_peer(r), (unsigned long long)r->queued_max,
				(unsigned long long)r->dropped, runs[k].weights,
				runs[k].reservations, (unsigned long long)r->bad,
				cfg->profile->name);
			for (i = 0; i < HIST_BUCKETS && r->lat.count; i++) {
				uint64_t hi;

				if (!r->lat.b[i])
					continue;
				cum += r->lat.b[i];
				hi = hist_bucket_high(i);
				fprintf(g, "%s,%s,%.3f,%.6f\n", runs[k].scheduler,
					hshm_class_name(c),
					(double)(hi < r->lat.max ? hi : r->lat.max) / 1e3,
					(double)cum / (double)r->lat.count);
			}
		}
	}
	if (fclose(f) | fclose(g)) {
		fprintf(stderr, "hshm-bench: writing %s: %s\n", file, strerror(errno));
		return -1;
	}
	return 0;
}

/* --------------------------------------------------------------- plots */

/* What the plots need of a row, from a run or read back from a CSV. */
struct prow {
	char sched[16], cls[16];
	double req_s, mb_s, p50, p99;
	char *cdf;		/* "x y\n" lines */
	size_t cdf_len;
};

struct plot_set {
	struct prow rows[MAX_RUNS * NR_CLASSES * 4];
	unsigned int n;
};

static struct prow *prow_find(struct plot_set *ps, const char *sched, const char *cls)
{
	unsigned int i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->rows[i].sched, sched) && !strcmp(ps->rows[i].cls, cls))
			return &ps->rows[i];
	return NULL;
}

static void prow_cdf_add(struct prow *p, double x, double y)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%.3f %.6f\n", x, y);
	char *nb = realloc(p->cdf, p->cdf_len + (size_t)n + 1);

	if (!nb)
		exit(EXIT_RUNTIME);
	memcpy(nb + p->cdf_len, line, (size_t)n + 1);
	p->cdf = nb;
	p->cdf_len += (size_t)n;
}

/* Split a CSV line in place (quoted fields may hold commas). */
static unsigned int csv_split(char *line, char **f, unsigned int max)
{
	unsigned int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		if (*p == '"') {
			f[n++] = ++p;
			p = strchr(p, '"');
			if (!p)
				break;
			*p++ = '\0';
		} else {
			f[n++] = p;
			p += strcspn(p, ",");
		}
		if (*p != ',')
			break;
		*p++ = '\0';
	}
	return n;
}

static int csv_col(char **hdr, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(hdr[i], name))
			return (int)i;
	return -1;
}

static int plot_load_csv(const char *file, struct plot_set *ps)
{
	char line[1024], hline[1024], cdf[PATH_MAX + 16], *hdr[40], *f[40];
	int ci[6];
	static const char *const need[6] = { "scheduler", "class", "req_s", "mb_s",
					      "p50_us", "p99_us" };
	unsigned int nh, n, i;
	FILE *in;

	in = fopen(file, "r");
	if (!in) {
		fprintf(stderr, "hshm-bench: %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (!fgets(hline, sizeof(hline), in)) {
		fprintf(stderr, "hshm-bench: %s: empty\n", file);
		fclose(in);
		return -1;
	}
	nh = csv_split(hline, hdr, 40);
	for (i = 0; i < 6; i++) {
		ci[i] = csv_col(hdr, nh, need[i]);
		if (ci[i] < 0) {
			fprintf(stderr, "hshm-bench: %s: no column %s (not an hshm-bench CSV?)\n",
				file, need[i]);
			fclose(in);
			return -1;
		}
	}
	while (fgets(line, sizeof(line), in) && ps->n < sizeof(ps->rows) / sizeof(ps->rows[0])) {
		struct prow *p = &ps->rows[ps->n];

		n = csv_split(line, f, 40);
		if (n != nh)
			continue;
		memset(p, 0, sizeof(*p));
		snprintf(p->sched, sizeof(p->sched), "%.15s", f[ci[0]]);
		snprintf(p->cls, sizeof(p->cls), "%.15s", f[ci[1]]);
		p->req_s = atof(f[ci[2]]);
		p->mb_s = atof(f[ci[3]]);
		p->p50 = atof(f[ci[4]]);
		p->p99 = atof(f[ci[5]]);
		ps->n++;
	}
	fclose(in);
	if (!ps->n) {
		fprintf(stderr, "hshm-bench: %s: no rows\n", file);
		return -1;
	}
	cdf_name(file, cdf, sizeof(cdf));
	in = fopen(cdf, "r");
	if (!in) {
		fprintf(stderr, "hshm-bench: %s: %s (the latency CDFs written with %s)\n",
			cdf, strerror(errno), file);
		return -1;
	}
	if (fgets(line, sizeof(line), in)) {
		while (fgets(line, sizeof(line), in)) {
			struct prow *p;

			if (csv_split(line, f, 40) != 4)
				continue;
			p = prow_find(ps, f[0], f[1]);
			if (p)
				prow_cdf_add(p, atof(f[2]), atof(f[3]));
		}
	}
	fclose(in);
	return 0;
}

static void plot_from_runs(const struct bench_cfg *cfg, const struct run_result *runs,
			   unsigned int nruns, struct plot_set *ps)
{
	unsigned int k, c, i;

	for (k = 0; k < nruns; k++) {
		for (c = 0; c < NR_CLASSES; c++) {
			const struct class_result *r = &runs[k].cls[c];
			struct prow *p = &ps->rows[ps->n];
			uint64_t cum = 0;

			if (!cfg->cls[c].used)
				continue;
			memset(p, 0, sizeof(*p));
			snprintf(p->sched, sizeof(p->sched), "%.15s", runs[k].scheduler);
			snprintf(p->cls, sizeof(p->cls), "%.15s", hshm_class_name(c));
			p->req_s = req_s(r);
			p->mb_s = mb_s(r);
			p->p50 = q_us(r, 0.5);
			p->p99 = q_us(r, 0.99);
			for (i = 0; i < HIST_BUCKETS && r->lat.count; i++) {
				uint64_t hi = hist_bucket_high(i);

				if (!r->lat.b[i])
					continue;
				cum += r->lat.b[i];
				prow_cdf_add(p, (double)(hi < r->lat.max ? hi : r->lat.max) / 1e3,
					     (double)cum / (double)r->lat.count);
			}
			ps->n++;
		}
	}
}

/* Distinct values of a field, in order of appearance. */
static unsigned int distinct(const struct plot_set *ps, bool sched, const char **out,
			     unsigned int max)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < ps->n; i++) {
		const char *v = sched ? ps->rows[i].sched : ps->rows[i].cls;

		for (j = 0; j < n && strcmp(out[j], v); j++)
			;
		if (j == n && n < max)
			out[n++] = v;
	}
	return n;
}

/* A clustered bar chart: one cluster per class, one bar per scheduler. */
static void gp_bars(FILE *gp, const struct plot_set *ps, const char *dir,
		    const char *png, const char *title, const char *ylabel, int field,
		    const char **scheds, unsigned int ns, const char **classes,
		    unsigned int nc)
{
	unsigned int s, c;

	fprintf(gp, "$bars%d << EOD\nclass", field);
	for (s = 0; s < ns; s++)
		fprintf(gp, " %s", scheds[s]);
	fprintf(gp, "\n");
	for (c = 0; c < nc; c++) {
		fprintf(gp, "%s", classes[c]);
		for (s = 0; s < ns; s++) {
			const struct prow *p = prow_find((struct plot_set *)ps, scheds[s], classes[c]);
			double v = !p ? -1 : field == 0 ? p->req_s : field == 1 ? p->mb_s :
				   field == 2 ? p->p50 : p->p99;

			if (v < 0)
				fprintf(gp, " -");
			else
				fprintf(gp, " %.3f", v);
		}
		fprintf(gp, "\n");
	}
	fprintf(gp, "EOD\n");
	fprintf(gp, "set output '%s/%s.png'\nset title '%s'\nset ylabel '%s'\n"
		"unset logscale\nset xlabel ''\nset yrange [0:*]\nset key top right\n"
		"set style data histogram\nset style histogram clustered gap 1\n"
		"set style fill solid 0.8 border -1\nset boxwidth 0.9\nset grid ytics\n"
		"set xtics noenhanced\nset datafile missing '-'\n"
		"plot for [i=2:%u] $bars%d using i:xtic(1) title columnheader(i)\n",
		dir, png, title, ylabel, ns + 1, field);
}

static int make_plots(const char *dir, const struct plot_set *ps, const char *dev)
{
	const char *scheds[MAX_RUNS * 4], *classes[NR_CLASSES * 4];
	unsigned int ns, nc, c, k;
	char script[PATH_MAX + 32];
	bool first = true;
	FILE *gp;
	int st;

	if (strchr(dir, '\'')) {
		fprintf(stderr, "hshm-bench: --plot: no quote in DIR please\n");
		return -1;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "hshm-bench: --plot %s: %s\n", dir, strerror(errno));
		return -1;
	}
	ns = distinct(ps, true, scheds, MAX_RUNS * 4);
	nc = distinct(ps, false, classes, NR_CLASSES * 4);
	snprintf(script, sizeof(script), "%s/hshm-bench.gp", dir);
	gp = fopen(script, "w");
	if (!gp) {
		fprintf(stderr, "hshm-bench: %s: %s\n", script, strerror(errno));
		return -1;
	}
	fprintf(gp, "# made by hshm-bench; run: gnuplot %s\n", script);
	fprintf(gp, "set terminal pngcairo size 900,560 noenhanced\n"
		"set datafile separator whitespace\n");
	/* latency CDF: one line per class and scheduler; fifo dashed */
	for (k = 0; k < ps->n; k++)
		fprintf(gp, "$cdf%u << EOD\n%sEOD\n", k, ps->rows[k].cdf ? ps->rows[k].cdf : "");
	fprintf(gp, "set output '%s/latency-cdf.png'\n"
		"set title 'latency CDF per class (%s)'\nset xlabel 'latency (us, log)'\n"
		"set ylabel 'fraction of requests'\nset logscale x\nset yrange [0:1.02]\n"
		"set grid xtics ytics mxtics\nset key bottom right\nplot ", dir, dev);
	for (k = 0; k < ps->n; k++) {
		const struct prow *p = &ps->rows[k];

		if (!p->cdf)
			continue;
		for (c = 0; c < nc && strcmp(classes[c], p->cls); c++)
			;
		/* colour per class; fifo (the baseline) dashed */
		fprintf(gp, "%s$cdf%u using 1:2 with steps lw 2 lc %u dt %u title '%s (%s)'",
			first ? "" : ", \\\n     ", k, c + 1,
			!strcmp(p->sched, "fifo") ? 2u : 1u, p->cls, p->sched);
		first = false;
	}
	if (first)
		fprintf(gp, "NaN title 'no completed requests'");
	fprintf(gp, "\n");
	gp_bars(gp, ps, dir, "throughput", "throughput per class (completed requests/s)",
		"requests/s", 0, scheds, ns, classes, nc);
	gp_bars(gp, ps, dir, "bandwidth", "payload bandwidth per class", "MB/s", 1,
		scheds, ns, classes, nc);
	gp_bars(gp, ps, dir, "latency-p99", "P99 latency per class", "us", 3,
		scheds, ns, classes, nc);
	if (fclose(gp)) {
		fprintf(stderr, "hshm-bench: %s: %s\n", script, strerror(errno));
		return -1;
	}
	{
		pid_t pid = fork();

		if (pid < 0) {
			perror("hshm-bench: fork");
			return -1;
		}
		if (!pid) {
			execlp("gnuplot", "gnuplot", script, (char *)NULL);
			fprintf(stderr, "hshm-bench: gnuplot: %s (install gnuplot-nox; the script is %s)\n",
				strerror(errno), script);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 127)
				fprintf(stderr, "hshm-bench: gnuplot %s failed\n", script);
			return -1;
		}
	}
	printf("# plots: %s/{latency-cdf,throughput,bandwidth,latency-p99}.png\n", dir);
	return 0;
}

/* ---------------------------------------------------------------- main */

static void set_device(struct bench_cfg *cfg, const char *arg, char *buf, size_t len)
{
	uint64_t n;

	if (parse_u64(arg, &n)) {
		if (n > HSHM_MAX_INDEX)
			usage_err("--device %s: index 0..%u", arg, HSHM_MAX_INDEX);
		snprintf(buf, len, "/dev/hshm%llu", (unsigned long long)n);
		cfg->device = buf;
	} else if (*arg) {
		cfg->device = arg;
	} else {
		usage_err("--device needs /dev/hshmN or N");
	}
}

static bool over_limits(const struct bench_cfg *cfg, const struct run_result *runs,
			unsigned int nruns, double max_loss, double max_viol)
{
	unsigned int k, c;
	bool over = false;

	for (k = 0; k < nruns; k++) {
		for (c = 0; c < NR_CLASSES; c++) {
			const struct class_result *r = &runs[k].cls[c];
			double l = pct(lost(r), r->attempted), v = pct(r->violations, r->completed);

			if (!cfg->cls[c].used)
				continue;
			if (max_loss >= 0 && l > max_loss) {
				fprintf(stderr, "hshm-bench: %s (%s): loss %.2f%% above --max-loss %g\n",
					hshm_class_name(c), runs[k].scheduler, l, max_loss);
				over = true;
			}
			if (max_viol >= 0 && v > max_viol) {
				fprintf(stderr, "hshm-bench: %s (%s): %.2f%% over target, above --max-viol %g\n",
					hshm_class_name(c), runs[k].scheduler, v, max_viol);
				over = true;
			}
		}
	}
	return over;
}

enum {
	OPT_TARGET = 256, OPT_DRAIN, OPT_SCHED, OPT_COMPARE, OPT_CSV,
	OPT_PLOT, OPT_FROM_CSV, OPT_MAX_LOSS, OPT_MAX_VIOL, OPT_SEED,
};

/*
 * The default profile: the device's peer profile where the driver has one,
 * else hshm's.  NULL, with a message, for a name this hshm-bench does not
 * know.
 */
static const struct hshm_peer_profile *default_profile(const struct bench_cfg *cfg)
{
	const struct hshm_nl_dev *d = bench_nl_dev(cfg);
	const struct hshm_peer_profile *p;
	char names[256];

	if (!d || !d->has_peer)
		return hshm_peer_profile_find(NULL);
	p = *d->profile ? hshm_peer_profile_find(d->profile) : NULL;
	if (!p)
		fprintf(stderr, "hshm-bench: %s has peer profile '%s', a profile unknown here (%s); give --profile\n",
			cfg->device, d->profile, profile_names(names, sizeof(names)));
	return p;
}

static const struct option long_opts[] = {
	{ "class", required_argument, NULL, 'c' },
	{ "device", required_argument, NULL, 'd' },
	{ "duration", required_argument, NULL, 't' },
	{ "count", required_argument, NULL, 'n' },
	{ "profile", required_argument, NULL, 'P' },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "drain", required_argument, NULL, OPT_DRAIN },
	{ "scheduler", required_argument, NULL, OPT_SCHED },
	{ "compare", no_argument, NULL, OPT_COMPARE },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "from-csv", required_argument, NULL, OPT_FROM_CSV },
	{ "max-loss", required_argument, NULL, OPT_MAX_LOSS },
	{ "max-viol", required_argument, NULL, OPT_MAX_VIOL },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static double parse_pct(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 100)
		usage_err("%s %s: a percentage, 0..100", opt, s);
	return v;
}

int main(int argc, char **argv)
{
	static struct bench_cfg cfg;
	static struct run_result runs[MAX_RUNS];
	static struct plot_set ps;
	const char *targets[NR_CLASSES * 4], *csv = NULL, *plot = NULL, *from_csv = NULL;
	const char *sched = NULL, *env;
	char devbuf[32], orig[16];
	unsigned int ntargets = 0, nruns = 0, c, k;
	uint64_t count = 0, v;
	double max_loss = -1, max_viol = -1;
	bool compare = false, quiet = false, any = false;
	struct sigaction sa;
	int opt, ret = EXIT_OK;

	env = getenv("HSHM_DEV");
	cfg.device = env && *env ? env : "/dev/hshm0";
	cfg.drain_ns = 10000000000ull;
	cfg.seed = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:d:t:n:P:qhV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			parse_class(&cfg, optarg);
			break;
		case 'd':
			set_device(&cfg, optarg, devbuf, sizeof(devbuf));
			break;
		case 't':
			if (!parse_time_ns(optarg, 1000000000ull, &v) || !v ||
			    v > 86400000000000ull)
				usage_err("--duration %s: seconds above 0 (e.g. 10, 2.5, 500ms)", optarg);
			cfg.duration_s = (double)v / 1e9;
			break;
		case 'n':
			if (!parse_u64(optarg, &count) || !count || count > LONG_MAX)
				usage_err("--count %s: a positive number", optarg);
			break;
		case 'P':
			cfg.profile = profile_arg(optarg);
			break;
		case OPT_TARGET:
			if (ntargets == sizeof(targets) / sizeof(targets[0]))
				usage_err("too many --target");
			targets[ntargets++] = optarg;
			break;
		case OPT_DRAIN:
			if (!parse_time_ns(optarg, 1000000000ull, &cfg.drain_ns))
				usage_err("--drain %s: seconds (e.g. 10)", optarg);
			break;
		case OPT_SCHED:
			if (hshm_sched_lookup(optarg, strlen(optarg)) < 0)
				usage_err("--scheduler %s: fifo, wrr or drr", optarg);
			sched = optarg;
			break;
		case OPT_COMPARE:
			compare = true;
			break;
		case OPT_CSV:
			csv = optarg;
			break;
		case OPT_PLOT:
			plot = optarg;
			break;
		case OPT_FROM_CSV:
			from_csv = optarg;
			break;
		case OPT_MAX_LOSS:
			max_loss = parse_pct("--max-loss", optarg);
			break;
		case OPT_MAX_VIOL:
			max_viol = parse_pct("--max-viol", optarg);
			break;
		case OPT_SEED:
			if (!parse_u64(optarg, &cfg.seed))
				usage_err("--seed %s: a number", optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			printf("Profiles (--profile):\n");
			list_profiles(stdout, "  ");
			return EXIT_OK;
		case 'V':
			printf("hshm-bench (libhshm %d.%d, hshm ABI %d)\n",
			       LIBHSHM_VERSION_MAJOR, LIBHSHM_VERSION_MINOR, HSHM_ABI_VERSION);
			return EXIT_OK;
		case ':':
			usage_err("%s needs a value", argv[optind - 1]);
		default:
			if (optopt)
				usage_err("unknown option -%c", optopt);
			usage_err("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_err("unexpected argument '%s'", argv[optind]);

	if (from_csv) {
		if (!plot)
			usage_err("--from-csv needs --plot DIR");
		for (c = 0; c < NR_CLASSES; c++)
			if (cfg.cls[c].used)
				usage_err("--from-csv plots a CSV; it takes no --class");
		if (plot_load_csv(from_csv, &ps) || make_plots(plot, &ps, from_csv))
			return EXIT_RUNTIME;
		return EXIT_OK;
	}
	for (c = 0; c < NR_CLASSES; c++)
		any |= cfg.cls[c].used;
	if (!any)
		usage_err("no load: give at least one --class");
	if (compare && sched)
		usage_err("--compare and --scheduler exclude each other");
	for (k = 0; k < ntargets; k++) {
		char name[32];
		const char *eq = strchr(targets[k], '=');
		int id;

		if (!eq || (size_t)(eq - targets[k]) >= sizeof(name))
			usage_err("--target %s: CLASS=TIME (e.g. realtime=500us)", targets[k]);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - targets[k]), targets[k]);
		id = hshm_class_lookup(targets[k], (size_t)(eq - targets[k]));
		if (id < 0)
			usage_err("--target %s: unknown class '%s'", targets[k], name);
		if (!parse_time_ns(eq + 1, 1000, &v) || !v)
			usage_err("--target %s: bad time '%s' (e.g. 500us, 2ms)", targets[k], eq + 1);
		if (!cfg.cls[id].used)
			usage_err("--target %s: class %s has no --class load", targets[k], name);
		if (!cfg.cls[id].target_ns)
			cfg.cls[id].target_ns = v;
	}
	for (c = 0; c < NR_CLASSES; c++)
		if (cfg.cls[c].used && !cfg.cls[c].count)
			cfg.cls[c].count = count;
	if (!cfg.duration_s) {
		bool all_counted = true;

		for (c = 0; c < NR_CLASSES; c++)
			if (cfg.cls[c].used && !cfg.cls[c].count)
				all_counted = false;
		if (!all_counted)
			cfg.duration_s = 10;
	}
	cfg.progress = !quiet && isatty(STDOUT_FILENO);

	if (access(cfg.device, F_OK)) {
		fprintf(stderr, "hshm-bench: %s: %s (is hshm.ko loaded?)\n", cfg.device,
			strerror(errno));
		return EXIT_RUNTIME;
	}
	cfg.index = bench_dev_index(cfg.device);
	if (!cfg.profile)
		cfg.profile = default_profile(&cfg);
	if (!cfg.profile)
		return EXIT_RUNTIME;
	device_targets(&cfg);
	read_scheduler(&cfg, orig, sizeof(orig));
	/* setting it to what it is: the permission, before any load */
	if ((compare || sched) &&
	    (!strcmp(orig, "-") || bench_nl_set_scheduler(&cfg, orig))) {
		fprintf(stderr, "hshm-bench: %s needs to set the scheduler of %s over netlink%s\n",
			compare ? "--compare" : "--scheduler", cfg.device,
			!strcmp(orig, "-") ? ", which does not know it" :
			" (CAP_NET_ADMIN: run as root)");
		return EXIT_RUNTIME;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (k = 0; k < (compare ? 2u : 1u) && !g_interrupted; k++) {
		const char *want = compare ? (k ? "wrr" : "fifo") : sched;

		if (want && set_scheduler(&cfg, want)) {
			ret = EXIT_RUNTIME;
			break;
		}
		atomic_store(&g_stop, false);
		read_scheduler(&cfg, runs[k].scheduler, sizeof(runs[k].scheduler));
		read_weights(&cfg, &runs[k]);
		if (bench_run(&cfg, &runs[k], &g_stop)) {
			ret = EXIT_RUNTIME;
			break;
		}
		nruns++;
		print_run(&cfg, &runs[k]);
		fflush(stdout);
	}
	if ((compare || sched) && strcmp(orig, "-"))
		set_scheduler(&cfg, orig);
	if (compare && nruns == 2)
		print_compare(&cfg, runs);
	if (g_interrupted)
		fprintf(stderr, "hshm-bench: interrupted; results so far\n");
	if (nruns && csv && write_csv(csv, &cfg, runs, nruns))
		ret = EXIT_RUNTIME;
	if (nruns && plot) {
		plot_from_runs(&cfg, runs, nruns, &ps);
		if (make_plots(plot, &ps, cfg.device))
			ret = EXIT_RUNTIME;
	}
	if (ret == EXIT_OK && over_limits(&cfg, runs, nruns, max_loss, max_viol))
		ret = EXIT_LIMIT;
	return ret;
}
