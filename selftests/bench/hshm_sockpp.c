// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm_sockpp: a UNIX-socket ping-pong between two processes of one
 * guest, for `make bench`, which puts it next to hshm_rtt over loopback:
 * what the same request costs when the "peer" is a local process.
 *
 *  1. N sequential round trips of a 64-byte message, echoed back by a
 *     forked child over an AF_UNIX SOCK_SEQPACKET pair: P50 and P99.
 *  2. M messages kept W outstanding: requests per second, and the guest's
 *     busy CPU time per request.
 *
 * The last lines are machine-readable, as hshm_rtt's:
 *   CPU load <us_per_request> <window>
 *   RESULT <p50_us> <p99_us> <req_per_s>
 *
 * usage: hshm_sockpp [-n CALLS] [-m REQUESTS] [-w WINDOW] [-t TIMEOUT_MS]
 *
 * -t bounds every wait for the child's answer (default 3000 ms).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "bench_util.h"

#define MSG		64
#define MAX_WINDOW	64

/* The echoing side: every message back as it came, until EOF. */
static int echo_child(int s)
{
	char buf[MSG];
	ssize_t n;

	for (;;) {
		n = recv(s, buf, sizeof(buf), 0);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (send(s, buf, (size_t)n, 0) != n)
			return 1;
	}
}

static int send_msg(int s, unsigned int seq)
{
	char buf[MSG];

	memset(buf, 'a' + seq % 26, sizeof(buf));
	memcpy(buf, &seq, sizeof(seq));
	if (send(s, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
		fprintf(stderr, "hshm_sockpp: send %u: %s\n", seq, strerror(errno));
		return -1;
	}
	return 0;
}

/* The answer to @seq, checked; -1 on a timeout or a wrong answer. */
static int recv_msg(int s, unsigned int seq)
{
	char buf[MSG + 1], want[MSG];
	ssize_t n;

	do {
		n = recv(s, buf, sizeof(buf), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		fprintf(stderr, "hshm_sockpp: no answer to %u: %s\n", seq,
			errno == EAGAIN ? "timed out" : strerror(errno));
		return -1;
	}
	memset(want, 'a' + seq % 26, sizeof(want));
	memcpy(want, &seq, sizeof(seq));
	if (n != MSG || memcmp(buf, want, MSG)) {
		fprintf(stderr, "hshm_sockpp: bad answer to %u (%zd bytes)\n", seq, n);
		return -1;
	}
	return 0;
}

static int run(int s, unsigned int calls, unsigned int reqs,
	       unsigned int window)
{
	unsigned int i, sent = 0, done = 0;
	uint64_t *lat, t0, cpu0;
	double p50, p99, secs;

	lat = calloc(calls, sizeof(*lat));
	if (!lat)
		return 1;
	for (i = 0; i < calls; i++) {
		t0 = bench_now_ns();
		if (send_msg(s, i) || recv_msg(s, i))
			return 1;
		lat[i] = bench_now_ns() - t0;
	}
	bench_percentiles(lat, calls, &p50, &p99);
	free(lat);

	cpu0 = bench_cpu_busy_ns();
	t0 = bench_now_ns();
	while (done < reqs) {
		while (sent < reqs && sent - done < window)
			if (send_msg(s, sent++))
				return 1;
		if (recv_msg(s, done++))
			return 1;
	}
	secs = (bench_now_ns() - t0) / 1e9;

	printf("%u round trips: P50 %.1f us, P99 %.1f us; %u messages, %u outstanding: %.0f req/s\n",
	       calls, p50, p99, reqs, window, reqs / secs);
	printf("CPU load %.1f %u\n",
	       (bench_cpu_busy_ns() - cpu0) / 1e3 / reqs, window);
	printf("RESULT %.1f %.1f %.0f\n", p50, p99, reqs / secs);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_run br = BENCH_RUN_DEFAULT;
	unsigned long tmo_ms = 3000;
	struct timeval tv;
	int sv[2], opt, rc, status;
	pid_t child;

	while ((opt = getopt(argc, argv, BENCH_RUN_OPTS "t:")) != -1) {
		if (bench_run_opt(&br, opt, optarg))
			continue;
		switch (opt) {
		case 't':
			tmo_ms = strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || !bench_run_ok(&br, MAX_WINDOW) || !tmo_ms)
		goto usage;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		fprintf(stderr, "hshm_sockpp: socketpair: %s\n", strerror(errno));
		return 1;
	}
	tv.tv_sec = tmo_ms / 1000;
	tv.tv_usec = tmo_ms % 1000 * 1000;
	if (setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		fprintf(stderr, "hshm_sockpp: SO_RCVTIMEO: %s\n", strerror(errno));
		return 1;
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "hshm_sockpp: fork: %s\n", strerror(errno));
		return 1;
	}
	if (!child) {
		close(sv[0]);
		_exit(echo_child(sv[1]));
	}
	close(sv[1]);
	rc = run(sv[0], br.calls, br.reqs, br.window);
	/* EOF ends the child; one that hangs anyway is killed. */
	close(sv[0]);
	if (rc)
		kill(child, SIGKILL);
	if (waitpid(child, &status, 0) == child && rc == 0 &&
	    (!WIFEXITED(status) || WEXITSTATUS(status))) {
		fprintf(stderr, "hshm_sockpp: the echoing child failed\n");
		rc = 1;
	}
	return rc;
usage:
	fprintf(stderr, "usage: %s [-n CALLS] [-m REQUESTS] [-w WINDOW 1-%d] [-t TIMEOUT_MS]\n",
		argv[0], MAX_WINDOW);
	return 2;
}
