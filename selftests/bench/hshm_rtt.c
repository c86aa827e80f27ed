// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm_rtt: round-trip latency and request rate of one channel, for
 * `make bench`, which runs it over every transport in one go and puts the
 * results side by side.
 *
 *  1. N sequential HSHM_CALLs of a 64-byte echo: P50 and P99 round trip.
 *  2. M echo requests kept W (default 32) outstanding with SUBMIT/COMPLETE:
 *     requests per second, and the guest's busy CPU time (all CPUs, from
 *     /proc/stat) per request completed.
 *  3. With -i SECONDS: the channel left idle that long, and the CPU time
 *     hshm's kernel threads (every kernel thread whose name starts with
 *     "hshm") used meanwhile, as a percentage of one CPU.
 *  4. Two parts of step 1 that a driverless client does not pay: the
 *     interrupts hshm's handlers took per call (/proc/interrupts), and the
 *     round trip of N ioctls the driver refuses at once (ENOTTY), that is
 *     the system call alone.
 *
 * The last lines are machine-readable:
 *   PARTS <syscall_p50_us> <syscall_p99_us> <irqs_per_call>
 *   CPU idle <percent_of_one_cpu> <threads> <seconds>    (with -i)
 *   CPU load <us_per_request> <window>
 *   RESULT <p50_us> <p99_us> <req_per_s>
 *
 * usage: hshm_rtt [-n CALLS] [-m REQUESTS] [-w WINDOW] [-p PRIO] [-i SECONDS]
 *
 * -p PRIO runs the program as SCHED_FIFO at PRIO, as a realtime
 * application would, so that what is measured is the driver's part of the
 * wait (the dispatcher's own policy is a sysfs knob) and not the caller's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/hshm.h>
#include <linux/hshm_wire.h>

#include "bench_util.h"

#define MAX_THREADS	64
/* an ioctl number of hshm's type that the driver does not know */
#define HSHM_RTT_NO_IOCTL	_IO(HSHM_IOC_MAGIC, 0x1f)

/*
 * The channel idle for @secs: CPU time of hshm's threads meanwhile, each
 * and in all (threads that came or went meanwhile count from 0 / not).
 */
static void idle_cpu(unsigned int secs)
{
	struct bench_thread a[MAX_THREADS], b[MAX_THREADS];
	struct timespec ts = { .tv_sec = secs };
	unsigned int na, nb, i, j;
	uint64_t t0, t1, sum = 0;

	na = bench_threads("hshm", a, MAX_THREADS);
	t0 = bench_now_ns();
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	nb = bench_threads("hshm", b, MAX_THREADS);
	t1 = bench_now_ns();
	for (j = 0; j < nb; j++) {
		uint64_t before = 0;

		for (i = 0; i < na; i++)
			if (a[i].pid == b[j].pid)
				before = a[i].ns;
		sum += b[j].ns - before;
		printf("idle %u s: %s (%d) used %.1f ms of CPU\n", secs,
		       b[j].comm, b[j].pid, (b[j].ns - before) / 1e6);
	}
	printf("idle %u s: hshm's %u threads used %.1f ms of CPU, %.2f%% of one CPU\n",
	       secs, nb, sum / 1e6, 100.0 * sum / (t1 - t0));
	printf("CPU idle %.2f %u %u\n", 100.0 * sum / (t1 - t0), nb, secs);
}

int main(int argc, char **argv)
{
	struct bench_run br = BENCH_RUN_DEFAULT;
	unsigned int calls, reqs, window, prio = 0, i, opt;
	unsigned int idle_secs = 0;
	const char *dev = getenv("HSHM_DEV") ? getenv("HSHM_DEV") : "/dev/hshm0";
	struct hshm_completion comp[256];
	char in[64], out[64];
	uint64_t *lat, t0, cpu0, irq0, sent = 0, done = 0;
	double secs, p50, p99, irqs, sys50, sys99;
	int fd;

	while ((opt = getopt(argc, argv, BENCH_RUN_OPTS "p:i:")) !=
	       (unsigned int)-1) {
		if (bench_run_opt(&br, (int)opt, optarg))
			continue;
		switch (opt) {
		case 'p':
			prio = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			idle_secs = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n CALLS] [-m REQUESTS] [-w WINDOW] [-p PRIO] [-i SECONDS]\n",
				argv[0]);
			return 2;
		}
	}
	if (!bench_run_ok(&br, 256)) {
		fprintf(stderr, "hshm_rtt: CALLS, REQUESTS > 0, WINDOW 1-256\n");
		return 2;
	}
	calls = br.calls;
	reqs = br.reqs;
	window = br.window;
	if (prio) {
		struct sched_param sp = { .sched_priority = (int)prio };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			fprintf(stderr, "hshm_rtt: SCHED_FIFO %u: %s\n", prio,
				strerror(errno));
			return 1;
		}
	}
	fd = open(dev, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "hshm_rtt: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	memset(in, 'x', sizeof(in));
	lat = calloc(calls, sizeof(*lat));
	if (!lat)
		return 1;

	irq0 = bench_irqs("hshm");
	for (i = 0; i < calls; i++) {
		struct hshm_call c;

		memset(&c, 0, sizeof(c));
		c.submit.payload = (uintptr_t)in;
		c.submit.length = sizeof(in);
		c.submit.response = (uintptr_t)out;
		c.submit.response_cap = sizeof(out);
		c.submit.service_id = HSHM_SVC_ECHO;
		c.submit.qos_class = HSHM_CLASS_REALTIME;
		t0 = bench_now_ns();
		if (ioctl(fd, HSHM_CALL, &c) || c.completion.status) {
			fprintf(stderr, "hshm_rtt: call %u failed: %s / %d\n", i,
				strerror(errno), c.completion.status);
			return 1;
		}
		lat[i] = bench_now_ns() - t0;
	}
	irqs = (double)(bench_irqs("hshm") - irq0) / calls;
	bench_percentiles(lat, calls, &p50, &p99);

	for (i = 0; i < calls; i++) {
		t0 = bench_now_ns();
		if (ioctl(fd, HSHM_RTT_NO_IOCTL, NULL) != -1 || errno != ENOTTY) {
			fprintf(stderr, "hshm_rtt: ioctl %#x: not refused (%s)\n",
				HSHM_RTT_NO_IOCTL, strerror(errno));
			return 1;
		}
		lat[i] = bench_now_ns() - t0;
	}
	bench_percentiles(lat, calls, &sys50, &sys99);

	cpu0 = bench_cpu_busy_ns();
	t0 = bench_now_ns();
	while (done < reqs) {
		struct hshm_complete cc = {
			.completions = (uintptr_t)comp,
			.max_events = 256,
			.timeout_ms = 10000,
		};

		while (sent < reqs && sent - done < window) {
			struct hshm_submit s;

			memset(&s, 0, sizeof(s));
			s.payload = (uintptr_t)in;
			s.length = sizeof(in);
			s.response = (uintptr_t)out;
			s.response_cap = sizeof(out);
			s.service_id = HSHM_SVC_ECHO;
			s.qos_class = HSHM_CLASS_THROUGHPUT;
			s.user_data = sent;
			if (ioctl(fd, HSHM_SUBMIT, &s)) {
				fprintf(stderr, "hshm_rtt: submit: %s\n",
					strerror(errno));
				return 1;
			}
			sent++;
		}
		cc.min_events = 1;
		if (ioctl(fd, HSHM_COMPLETE, &cc) || !cc.count) {
			fprintf(stderr, "hshm_rtt: no completion: %s\n",
				strerror(errno));
			return 1;
		}
		for (i = 0; i < cc.count; i++) {
			if (comp[i].status) {
				fprintf(stderr, "hshm_rtt: request failed: %d\n",
					comp[i].status);
				return 1;
			}
		}
		done += cc.count;
	}
	secs = (bench_now_ns() - t0) / 1e9;
	cpu0 = bench_cpu_busy_ns() - cpu0;

	printf("%u calls: P50 %.1f us, P99 %.1f us; %u requests, %u outstanding: %.0f req/s\n",
	       calls, p50, p99, reqs, window, reqs / secs);
	if (idle_secs)
		idle_cpu(idle_secs);
	printf("CPU load %.1f %u\n", cpu0 / 1e3 / reqs, window);
	printf("PARTS %.1f %.1f %.2f\n", sys50, sys99, irqs);
	printf("RESULT %.1f %.1f %.0f\n", p50, p99, reqs / secs);
	free(lat);
	close(fd);
	return 0;
}
