// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifecycle under faults:
 *   - processes blocked in HSHM_CALL and HSHM_COMPLETE die promptly on
 *     SIGKILL, their requests are accounted for, the device keeps working;
 *   - every slab allocation of open/submit/complete/close is made to fail
 *     once, one at a time, through the kernel's fail-nth fault injection:
 *     the call fails with ENOMEM or works, nothing crashes, and the device
 *     works afterwards.  Leaks and splats are caught by the debug kernel's
 *     kmemleak scan and the runner's log check.
 *
 * The fail-nth test needs a kernel with CONFIG_FAULT_INJECTION,
 * CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS (make check-debug)
 * and skips elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hshm_test.h"

#define SLOW_NS		500000000ull	/* per message while processes wait */

/* Child: block in HSHM_CALL (@mode 0) or in HSHM_COMPLETE (@mode 1). */
static void waiter(int mode)
{
	static char payload[256];
	struct hshm_completion out[8];
	struct hshm_submit s;
	struct hshm_call c;
	uint32_t n;
	int fd, i;

	fd = hs_open(0);
	if (fd < 0)
		_exit(10);
	if (mode == 0) {
		memset(&c, 0, sizeof(c));
		hs_prep(&c.submit, payload, sizeof(payload), payload,
			sizeof(payload), HSHM_SVC_ECHO, HSHM_CLASS_REALTIME, 0);
		c.submit.timeout_ms = 60000;
		hs_call(fd, &c);
		_exit(11);
	}
	for (i = 0; i < 8; i++) {
		hs_prep(&s, payload, sizeof(payload), payload, sizeof(payload),
			HSHM_SVC_ECHO, i % HS_NR_CLASSES, i);
		s.timeout_ms = 60000;
		if (hs_submit(fd, &s))
			_exit(12);
	}
	hs_complete(fd, out, 8, 8, HSHM_WAIT_FOREVER, &n);
	_exit(13);
}

TEST(kill_waiting)
{
	struct hs_stats before, after;
	pid_t pids[6];
	unsigned int i, killed = 0;
	uint64_t t0;
	int fd, st;

	fd = hs_open(0);
	ASSERT_LE(0, fd);
	if (hs_cost(SLOW_NS, 0)) {
		close(fd);
		SKIP(return, "cannot slow the peer down in this scenario");
	}
	ASSERT_EQ(0, hs_wait_idle(30000));
	ASSERT_EQ(0, hs_stats_read(&before));
	for (i = 0; i < 6; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			waiter(i % 2);
	}
	/* Let them block: requests queued or at the (slow) peer. */
	ASSERT_EQ(0, hs_wait_in_flight(1, 10000));
	hs_sleep_ms(50);
	t0 = hs_now_ns();
	for (i = 0; i < 6; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < 6; i++) {
		pid_t r;

		while ((r = waitpid(pids[i], &st, WNOHANG)) == 0 &&
		       hs_now_ns() - t0 < 5000000000ull)
			hs_sleep_ms(5);
		ASSERT_EQ(pids[i], r)
			TH_LOG("process %u still alive 5 s after SIGKILL", i);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			killed++;
		else
			TH_LOG("process %u: status 0x%x (it was not waiting)", i, st);
	}
	EXPECT_EQ(6u, killed);
	TH_LOG("6 waiters killed, all gone %llu ms after SIGKILL",
	       (unsigned long long)((hs_now_ns() - t0) / 1000000));

	hs_cost_restore();
	ASSERT_EQ(0, hs_wait_idle(60000));
	ASSERT_EQ(0, hs_stats_read(&after));
	hs_expect_balanced(_metadata, &before, &after);
	EXPECT_LT(0ull, hs_stats_sum(&after, HS_ST_SUBMITTED) -
		  hs_stats_sum(&before, HS_ST_SUBMITTED));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, hs_echo_call(fd, 5000));
	close(fd);
}

TEST(fail_nth_open_submit)
{
	static const char msg[] = "payload";
	unsigned int n, errs = 0;
	bool fired = true;
	int fd;

	if (!hs_failslab_setup())
		SKIP(return, "no fail-nth/failslab (a debug kernel has them)");
	for (n = 1; n <= HS_FAIL_NTH_MAX && fired; n++) {
		struct hshm_completion out;
		struct hshm_submit s;
		uint32_t cnt;
		char resp[16];

		ASSERT_EQ(0, hs_fail_nth_arm(n));
		fd = hs_open(0);
		if (fd >= 0) {
			hs_prep(&s, msg, sizeof(msg), resp, sizeof(resp),
				HSHM_SVC_ECHO, HSHM_CLASS_THROUGHPUT, n);
			if (!hs_submit(fd, &s))
				hs_complete(fd, &out, 1, 1, 10000, &cnt);
			else
				errs++;
			close(fd);
		} else {
			EXPECT_EQ(ENOMEM, errno);
			errs++;
		}
		fired = hs_fail_nth_fired();
	}
	hs_failslab_restore();
	TH_LOG("%u allocation sites of open/submit/complete/close failed one at a time, %u failed calls",
	       n - 2, errs);
	EXPECT_FALSE(fired);
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, hs_echo_call(fd, 10000));
	close(fd);
}

TEST_HARNESS_MAIN
