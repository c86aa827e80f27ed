// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm_demo: QoS at work, in one short table.
 *
 * A stream of small REALTIME calls is timed three times: alone, next to
 * bulk threads that keep the queue full of 16 KiB THROUGHPUT and
 * BEST_EFFORT requests with the fifo scheduler, and the same with wrr.
 * Under fifo a realtime request waits behind everything queued before it;
 * under wrr it goes first into the next batch, bulk classes are held to
 * their max_in_flight while realtime is active, and a batch carrying
 * realtime is polled so its answer does not wait for the end of the batch.
 * The demo runs with the device's batch_max unless told otherwise (-B).
 *
 * The loopback peer costs 20 us per message and 0.5 us per KiB, as long as
 * that keeps it the bottleneck; where the CPU is slow (emulation) the cost
 * per message is doubled until bulk traffic alone keeps the peer 90% busy.
 * Absolute times mean little under emulation: compare the rows.
 *
 * usage: hshm_demo [-n CALLS] [-b BULK_THREADS] [-k BULK_KIB] [-d DEPTH]
 *                  [-m MSG_NS] [-K KIB_NS] [-B BATCH_MAX]
 *
 * Uses HSHM_DEV and HSHM_SYSFS like the tests and puts every knob back to
 * its default at the end.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "hshm_test.h"

#define US		1000ull
#define RT_LEN		128

struct bulk {
	pthread_t thread;
	unsigned int idx;
	uint8_t cls;
	unsigned int depth;
	uint32_t len;
	int error;
};

static atomic_bool bulk_stop;
static atomic_bool bulk_counting;
static atomic_ulong bulk_done;
static atomic_ulong bulk_busy;
static atomic_bool mon_stop;

struct monitor {
	pthread_t thread;
	unsigned long long samples, in_flight, backlog;
};

/* Samples the queue while the realtime stream runs. */
static void *monitor_main(void *arg)
{
	struct monitor *m = arg;
	struct hs_stats st;

	while (!atomic_load(&mon_stop)) {
		if (!hs_stats_read(&st)) {
			m->samples++;
			m->in_flight += hs_stats_sum(&st, HS_ST_IN_FLIGHT);
			m->backlog += hs_stats_sum(&st, HS_ST_BACKLOG);
		}
		hs_sleep_ms(2);
	}
	return NULL;
}

static void *bulk_main(void *arg)
{
	struct bulk *b = arg;
	struct hshm_completion cs[64];
	uint8_t *in = malloc(b->len), *out = malloc(b->len);
	unsigned int outstanding = 0, i;
	uint32_t n;
	int fd = hs_open(0);

	if (fd < 0 || !in || !out) {
		b->error = fd < 0 ? errno : ENOMEM;
		goto out;
	}
	memset(in, 'B' + b->idx, b->len);
	while (!atomic_load(&bulk_stop)) {
		while (outstanding < b->depth) {
			struct hshm_submit s;
			int ret;

			hs_prep(&s, in, b->len, out, b->len, HSHM_SVC_ECHO,
				b->cls, 0);
			ret = hs_submit(fd, &s);
			if (ret == -EAGAIN || ret == -EBUSY || ret == -EINTR) {
				atomic_fetch_add(&bulk_busy, 1);
				break;		/* no room now: reap first */
			}
			if (ret) {
				b->error = -ret;
				goto out;
			}
			outstanding++;
		}
		if (!outstanding) {
			hs_sleep_ms(1);
			continue;
		}
		if (hs_complete(fd, cs, 64, 1, 1000, &n)) {
			b->error = errno;
			goto out;
		}
		outstanding -= n;
		if (atomic_load(&bulk_counting))
			atomic_fetch_add(&bulk_done, n);
		for (i = 0; i < n; i++) {
			if (cs[i].status && cs[i].status != -ETIME &&
			    !b->error)
				b->error = -cs[i].status;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(in);
	free(out);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted @v. */
static uint64_t pct(const uint64_t *v, unsigned int n, unsigned int p)
{
	unsigned int rank = (n * p + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

struct row {
	const char *name;
	uint64_t p50, p99;
	double bulk_rps;	/* < 0: no bulk */
	unsigned long stalls;
	unsigned long long backlog;
	unsigned long long in_flight;
};

/* Time @calls realtime CALLs; latencies from the completions. */
static int rt_stream(int fd, unsigned int calls, struct row *r)
{
	uint64_t *lat = calloc(calls, sizeof(*lat));
	uint8_t in[RT_LEN], out[RT_LEN];
	unsigned int i;
	int ret = 0;

	if (!lat)
		return -ENOMEM;
	memset(in, 'r', sizeof(in));
	for (i = 0; i < calls; i++) {
		struct hshm_call call;

		memset(&call, 0, sizeof(call));
		hs_prep(&call.submit, in, RT_LEN, out, RT_LEN, HSHM_SVC_ECHO,
			HSHM_CLASS_REALTIME, i);
		ret = hs_call(fd, &call);
		if (ret)
			break;
		if (call.completion.status) {
			ret = call.completion.status;
			break;
		}
		lat[i] = call.completion.latency_ns;
	}
	if (!ret) {
		qsort(lat, calls, sizeof(*lat), cmp_u64);
		r->p50 = pct(lat, calls, 50);
		r->p99 = pct(lat, calls, 99);
	}
	free(lat);
	return ret;
}

static struct bulk *bulk_start(unsigned int nbulk, unsigned int depth,
			       uint32_t len)
{
	struct bulk *b = calloc(nbulk ? nbulk : 1, sizeof(*b));
	unsigned int i;

	if (!b)
		return NULL;
	atomic_store(&bulk_stop, false);
	atomic_store(&bulk_counting, false);
	atomic_store(&bulk_done, 0);
	atomic_store(&bulk_busy, 0);
	for (i = 0; i < nbulk; i++) {
		b[i].idx = i;
		b[i].cls = i % 2 ? HSHM_CLASS_BEST_EFFORT :
				   HSHM_CLASS_THROUGHPUT;
		b[i].depth = depth;
		b[i].len = len;
		pthread_create(&b[i].thread, NULL, bulk_main, &b[i]);
	}
	return b;
}

static int bulk_end(struct bulk *b, unsigned int nbulk)
{
	unsigned int i;
	int ret = 0;

	atomic_store(&bulk_counting, false);
	atomic_store(&bulk_stop, true);
	for (i = 0; i < nbulk; i++) {
		pthread_join(b[i].thread, NULL);
		if (b[i].error && !ret) {
			fprintf(stderr, "bulk thread %u: %s\n", i,
				strerror(b[i].error));
			ret = -b[i].error;
		}
	}
	free(b);
	hs_wait_idle(30000);
	return ret;
}

/*
 * Bulk requests per second the peer serves at @msg_ns per message (wrr,
 * no realtime stream), over half a second.
 */
static double bulk_rate(unsigned int nbulk, unsigned int depth, uint32_t len,
			unsigned long msg_ns, unsigned long kib_ns)
{
	struct bulk *b;
	uint64_t t0, t1;

	if (hs_set_cost(msg_ns, kib_ns))
		return 0;
	b = bulk_start(nbulk, depth, len);
	if (!b)
		return 0;
	hs_sleep_ms(200);
	atomic_store(&bulk_counting, true);
	t0 = hs_now_ns();
	hs_sleep_ms(500);
	t1 = hs_now_ns();
	atomic_store(&bulk_counting, false);
	if (bulk_end(b, nbulk))
		return 0;
	return atomic_load(&bulk_done) * 1e9 / (t1 - t0);
}

/*
 * The scenarios need the peer to be the bottleneck, with the bulk queue
 * full.  Where the CPU is slow (emulation) the submitters cannot keep up
 * with a 20 us peer, so double the cost per message until the peer is
 * busy at least 90% of the time with bulk alone.
 */
static unsigned long saturating_cost(unsigned int nbulk, unsigned int depth,
				     uint32_t len, unsigned long msg_ns,
				     unsigned long kib_ns, double *busy)
{
	for (;;) {
		double per_msg = (msg_ns + kib_ns * (len / HS_KIB)) / 1e9;
		double rate = bulk_rate(nbulk, depth, len, msg_ns, kib_ns);

		*busy = rate * per_msg;
		if (*busy >= 0.9 || msg_ns >= 2560000)
			return msg_ns;
		msg_ns *= 2;
	}
}

static int scenario(int fd, const char *sched, unsigned int nbulk,
		    unsigned int depth, uint32_t bulk_len, unsigned int calls,
		    struct row *r)
{
	struct monitor mon;
	struct bulk *b;
	uint64_t t0, t1;
	int ret;

	ret = hs_sysfs_write("scheduler", sched);
	if (ret)
		return ret;
	b = bulk_start(nbulk, depth, bulk_len);
	if (!b)
		return -ENOMEM;
	/* let the bulk threads fill the queue */
	if (nbulk)
		hs_sleep_ms(300);
	memset(&mon, 0, sizeof(mon));
	atomic_store(&mon_stop, false);
	pthread_create(&mon.thread, NULL, monitor_main, &mon);
	atomic_store(&bulk_counting, true);
	t0 = hs_now_ns();
	ret = rt_stream(fd, calls, r);
	t1 = hs_now_ns();
	atomic_store(&mon_stop, true);
	pthread_join(mon.thread, NULL);
	if (mon.samples) {
		r->backlog = mon.backlog / mon.samples;
		r->in_flight = mon.in_flight / mon.samples;
	}
	r->bulk_rps = nbulk ? atomic_load(&bulk_done) * 1e9 / (t1 - t0) : -1;
	r->stalls = atomic_load(&bulk_busy);
	if (!ret)
		ret = bulk_end(b, nbulk);
	else
		bulk_end(b, nbulk);
	return ret;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n CALLS] [-b BULK_THREADS] [-k BULK_KIB] [-d DEPTH]\n"
		"          [-m MSG_NS] [-K KIB_NS] [-B BATCH_MAX]\n"
		"  -n  realtime calls per scenario (200)\n"
		"  -b  bulk threads (3)\n"
		"  -k  KiB per bulk request (16)\n"
		"  -d  requests each bulk thread keeps outstanding (32)\n"
		"  -m  loopback peer cost per message in ns (default: from 20000\n"
		"      doubled until bulk alone keeps the peer 90%% busy)\n"
		"  -K  loopback peer cost per KiB in ns (500)\n"
		"  -B  batch_max during the demo (default: the device's)\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int calls = 200, nbulk = 3, kib = 16, depth = 32, i;
	unsigned int batch = 0;		/* 0: the device's batch_max */
	unsigned long msg_ns = 20000, kib_ns = 500;
	bool msg_ns_given = false;
	struct row rows[3] = {
		{ .name = "realtime alone" },
		{ .name = "realtime + bulk, fifo" },
		{ .name = "realtime + bulk, wrr" },
	};
	struct hshm_info info;
	bool lb = hs_have_loopback();
	double busy = 0;
	int opt, fd, ret = 0;

	while ((opt = getopt(argc, argv, "n:b:k:d:m:K:B:h")) != -1) {
		switch (opt) {
		case 'n':
			calls = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			nbulk = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			kib = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			depth = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			msg_ns = strtoul(optarg, NULL, 0);
			msg_ns_given = true;
			break;
		case 'K':
			kib_ns = strtoul(optarg, NULL, 0);
			break;
		case 'B':
			batch = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!calls || !nbulk || !kib || kib > 256 || !depth)
		usage(argv[0]);
	signal(SIGPIPE, SIG_IGN);

	fd = hs_open(0);
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", hs_dev(), strerror(errno));
		return 1;
	}
	if (hs_info(fd, &info)) {
		fprintf(stderr, "HSHM_INFO: %s\n", strerror(errno));
		return 1;
	}
	hs_restore_defaults();
	if (!batch)
		batch = info.batch_max;
	if (lb && hs_sysfs_write_u64("batch_max", batch)) {
		fprintf(stderr, "cannot set batch_max to %u\n", batch);
		return 1;
	}
	if (lb && !msg_ns_given)
		msg_ns = saturating_cost(nbulk, depth, kib * HS_KIB, msg_ns,
					 kib_ns, &busy);
	if (lb && hs_set_cost(msg_ns, kib_ns)) {
		fprintf(stderr, "cannot set the loopback peer's cost\n");
		return 1;
	}
	if (hs_sysfs_write_u64("batch_max", batch)) {
		fprintf(stderr, "cannot set batch_max to %u\n", batch);
		return 1;
	}
	printf("hshm QoS demo on %s, weights 4 2 2 1, batch_max %u "
	       "(device default %u)\n", hs_dev(), batch, info.batch_max);
	if (lb && busy > 0)
		printf("loopback peer: %lu us per message + %lu ns per KiB "
		       "(busy %.0f%% with bulk alone)\n", msg_ns / 1000, kib_ns,
		       busy * 100);
	else if (lb)
		printf("loopback peer: %lu us per message + %lu ns per KiB\n",
		       msg_ns / 1000, kib_ns);
	printf("%u realtime calls of %u B; %u bulk threads (throughput, "
	       "best effort) x %u outstanding x %u KiB\n\n",
	       calls, RT_LEN, nbulk, depth, kib);

	ret = scenario(fd, "wrr", 0, depth, kib * HS_KIB, calls, &rows[0]);
	if (!ret)
		ret = scenario(fd, "fifo", nbulk, depth, kib * HS_KIB, calls,
			       &rows[1]);
	if (!ret)
		ret = scenario(fd, "wrr", nbulk, depth, kib * HS_KIB, calls,
			       &rows[2]);
	hs_restore_defaults();
	close(fd);
	if (ret) {
		fprintf(stderr, "demo failed: %s\n", strerror(-ret));
		return 1;
	}

	printf("%-24s %10s %10s %11s %8s %8s\n", "scenario", "RT P50 us",
	       "RT P99 us", "bulk req/s", "queued", "at peer");
	for (i = 0; i < 3; i++) {
		char rps[32] = "-";

		if (rows[i].bulk_rps >= 0)
			snprintf(rps, sizeof(rps), "%.0f", rows[i].bulk_rps);
		printf("%-24s %10.1f %10.1f %11s %8llu %8llu\n", rows[i].name,
		       (double)rows[i].p50 / US, (double)rows[i].p99 / US, rps,
		       rows[i].backlog, rows[i].in_flight);
	}
	printf("\nfifo/wrr realtime P99: %.2fx   P50: %.2fx   "
	       "bulk throughput wrr/fifo: %.2f\n",
	       rows[2].p99 ? (double)rows[1].p99 / rows[2].p99 : 0.0,
	       rows[2].p50 ? (double)rows[1].p50 / rows[2].p50 : 0.0,
	       rows[1].bulk_rps > 0 ? rows[2].bulk_rps / rows[1].bulk_rps :
				      0.0);
	printf("loaded/alone realtime P99: fifo %.2fx, wrr %.2fx\n",
	       rows[0].p99 ? (double)rows[1].p99 / rows[0].p99 : 0.0,
	       rows[0].p99 ? (double)rows[2].p99 / rows[0].p99 : 0.0);
	return 0;
}
