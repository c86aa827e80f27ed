/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the programs of `make bench` share: the clock, percentiles of
 * sorted latencies, and the CPU time figures they report.
 *
 *  - bench_cpu_busy_ns(): CPU time the whole guest spent busy (user, nice,
 *    system, irq, softirq of every CPU, from /proc/stat) since boot; the
 *    difference over a phase divided by the requests it completed is the
 *    "CPU us per request" of that phase.
 *  - bench_threads(): CPU time (utime + stime, /proc/PID/stat) of each
 *    kernel thread whose name starts with a prefix, e.g. hshm's.
 *
 * Both count in clock ticks (USER_HZ) and return nanoseconds.
 */
#ifndef _HSHM_BENCH_UTIL_H
#define _HSHM_BENCH_UTIL_H

#include <dirent.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/**
 * struct bench_run - what each round-trip program measures
 * @calls: sequential round trips for P50 and P99 (-n)
 * @reqs: requests of the windowed phase (-m)
 * @window: requests kept outstanding in it (-w)
 */
struct bench_run {
	unsigned int calls, reqs, window;
};

#define BENCH_RUN_DEFAULT	{ .calls = 2000, .reqs = 20000, .window = 32 }
/* the getopt() letters of struct bench_run, each with a value */
#define BENCH_RUN_OPTS		"n:m:w:"

/* Take option @opt (getopt()'s) if it is one of BENCH_RUN_OPTS. */
static inline bool bench_run_opt(struct bench_run *r, int opt,
				 const char *arg)
{
	unsigned int *v = opt == 'n' ? &r->calls : opt == 'm' ? &r->reqs :
			  opt == 'w' ? &r->window : NULL;

	if (v)
		*v = strtoul(arg, NULL, 0);
	return v != NULL;
}

/* Are the counts usable: calls and requests, a window of 1 to @max? */
static inline bool bench_run_ok(const struct bench_run *r, unsigned int max)
{
	return r->calls && r->reqs && r->window && r->window <= max;
}

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort @lat (@n > 0 entries) and return its P50 and P99 in microseconds. */
static inline void bench_percentiles(uint64_t *lat, unsigned int n,
				     double *p50_us, double *p99_us)
{
	qsort(lat, n, sizeof(*lat), bench_cmp_u64);
	*p50_us = lat[n / 2] / 1e3;
	*p99_us = lat[(uint64_t)n * 99 / 100] / 1e3;
}

static inline uint64_t bench_ticks_to_ns(unsigned long long ticks)
{
	long hz = sysconf(_SC_CLK_TCK);

	return ticks * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
}

/*
 * Busy CPU time of all CPUs since boot: the "cpu" line of /proc/stat,
 * user + nice + system + irq + softirq (not idle, iowait, steal; guest
 * time is already in user).  0 if it cannot be read.
 */
static inline uint64_t bench_cpu_busy_ns(void)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq;
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
		   &sys, &idle, &iowait, &irq, &softirq);
	fclose(f);
	if (n != 7)
		return 0;
	return bench_ticks_to_ns(user + nice + sys + irq + softirq);
}

/*
 * Interrupts taken so far by the handlers whose name contains @name: the
 * sum over all CPUs of the /proc/interrupts lines naming it.  0 if there
 * are none or the file cannot be read.
 */
static inline uint64_t bench_irqs(const char *name)
{
	char line[1024], *p, *end;
	uint64_t sum = 0;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, name))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		/* "IRQ:  count count ... chip ... name": the counts first */
		for (p++;; p = end) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
	}
	fclose(f);
	return sum;
}

/* One task of bench_threads(). */
struct bench_thread {
	int pid;
	char comm[32];
	uint64_t ns;
};

/* PF_KTHREAD of include/linux/sched.h: the flags of /proc/PID/stat */
#define BENCH_PF_KTHREAD	0x00200000u

/*
 * The kernel threads whose comm starts with @prefix (each is a process of
 * its own in /proc; user processes, such as hshm_rtt itself, are left
 * out), with their utime + stime, into @t (at most @max).  Returns how
 * many were found.
 */
static inline unsigned int bench_threads(const char *prefix,
					 struct bench_thread *t,
					 unsigned int max)
{
	unsigned int found = 0;
	struct dirent *d;
	DIR *proc = opendir("/proc");

	if (!proc)
		return 0;
	while (found < max && (d = readdir(proc))) {
		unsigned long long ut, st;
		unsigned int flags;
		char path[300], buf[512], *name, *end;
		FILE *f;
		size_t len;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		/* "pid (comm) state ...": comm may hold spaces and ')' */
		name = strchr(buf, '(');
		end = strrchr(buf, ')');
		if (!name || !end || end < name)
			continue;
		name++;
		if ((size_t)(end - name) < strlen(prefix) ||
		    strncmp(name, prefix, strlen(prefix)))
			continue;
		/* after ") ": state ppid pgrp session tty_nr tpgid flags
		 * minflt cminflt majflt cmajflt utime stime
		 */
		if (sscanf(end + 2, "%*c %*d %*d %*d %*d %*d %u %*u %*u %*u %*u %llu %llu",
			   &flags, &ut, &st) != 3 || !(flags & BENCH_PF_KTHREAD))
			continue;
		t[found].pid = atoi(d->d_name);
		snprintf(t[found].comm, sizeof(t[found].comm), "%.*s",
			 (int)(end - name), name);
		t[found].ns = bench_ticks_to_ns(ut + st);
		found++;
	}
	closedir(proc);
	return found;
}

#endif /* _HSHM_BENCH_UTIL_H */
