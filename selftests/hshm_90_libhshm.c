// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhshm against the real driver: every call of the library (open by
 * index and by path, info, submit, batches that fail half-way, reap with
 * and without waiting, call, cancel, the pollable descriptor, the
 * non-blocking handle, close with requests outstanding), and one handle
 * used by several threads at once: calls, submissions and reaps in
 * parallel, every completion seen exactly once.  Linked against
 * libhshm.a.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "hshm_test.h"
#include "hshm_ref.h"

#include <hshm/libhshm.h>

#define MS		1000000ull

FIXTURE(lib)
{
	int fd;			/* from the shared fixture: unused here */
	struct hshm_info info;
	struct hshm *h;
};

FIXTURE_SETUP(lib)
{
	hs_fixture_setup(_metadata, &self->fd, &self->info);
	self->h = NULL;
	ASSERT_EQ(0, hshm_open_path(&self->h, hs_dev(), 0));
	ASSERT_NE(NULL, self->h);
}

FIXTURE_TEARDOWN(lib)
{
	hshm_close(self->h);
	hs_fixture_teardown(self->fd, 20000);
}

/* N of /dev/hshmN, or -1. */
static int dev_index(void)
{
	const char *d = hs_dev(), *p = d + strlen(d);

	while (p > d && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return *p && !strncmp(d, "/dev/hshm", 9) && p == d + 9 ? atoi(p) : -1;
}

TEST_F(lib, open_info)
{
	struct hshm_info a, b;
	struct hshm *h2 = (struct hshm *)&a;
	int idx = dev_index();

	ASSERT_EQ(0, hshm_query(self->h, &a));
	EXPECT_EQ((__u32)HSHM_ABI_VERSION, a.abi_version);
	EXPECT_EQ((__u32)HSHM_CLASS_COUNT, a.nr_classes);
	EXPECT_EQ(self->info.max_payload, a.max_payload);
	EXPECT_EQ(self->info.max_requests, a.max_requests);
	EXPECT_EQ(self->info.data_size, a.data_size);
	EXPECT_LE(0, hshm_fd(self->h));
	EXPECT_NE(self->fd, hshm_fd(self->h));
	EXPECT_EQ(-EINVAL, hshm_query(self->h, NULL));

	if (idx >= 0) {
		ASSERT_EQ(0, hshm_open(&h2, (unsigned int)idx, HSHM_OPEN_NONBLOCK));
		ASSERT_EQ(0, hshm_query(h2, &b));
		EXPECT_EQ(a.region_size, b.region_size);
		EXPECT_NE(hshm_fd(self->h), hshm_fd(h2));
		EXPECT_EQ(0, hshm_close(h2));
	}
	/* errors leave *out NULL */
	h2 = (struct hshm *)&a;
	EXPECT_EQ(-ENOTTY, hshm_open_path(&h2, "/dev/null", 0));
	EXPECT_EQ(NULL, h2);
	EXPECT_EQ(-ENOENT, hshm_open_path(&h2, "/dev/hshm-does-not-exist", 0));
	EXPECT_EQ(-EINVAL, hshm_open_path(&h2, hs_dev(), 0x80));
	EXPECT_EQ(-EINVAL, hshm_open(&h2, HSHM_MAX_INDEX + 1, 0));
	EXPECT_EQ(NULL, h2);
}

/* One echo per class, reaped together; responses and user_data checked. */
TEST_F(lib, submit_reap)
{
	uint8_t in[4][300], out[4][300];
	struct hshm_submit s[4];
	struct hshm_completion c[8], *big;
	unsigned int i, seen = 0;
	uint64_t seed = 7;
	int n;

	EXPECT_EQ(0, hshm_reap(self->h, c, 8));
	for (i = 0; i < 4; i++) {
		hs_fill_random(in[i], sizeof(in[i]), &seed);
		memset(out[i], 0, sizeof(out[i]));
		hshm_request_prep(&s[i], hs_svc_echo(), i, in[i], 100 + 50 * i,
				  out[i], sizeof(out[i]), 1000 + i);
		EXPECT_EQ(0u, s[i].flags);
		ASSERT_EQ(0, hshm_request_submit(self->h, &s[i]));
	}
	n = hshm_reap_wait(self->h, c, 8, 4, 20000);
	ASSERT_EQ(4, n);
	for (i = 0; i < 4; i++) {
		unsigned int k = (unsigned int)(c[i].user_data - 1000);

		ASSERT_LT(k, 4u);
		seen |= 1u << k;
		EXPECT_EQ(0, c[i].status);
		EXPECT_EQ(s[k].id, c[i].id);
		EXPECT_EQ(k, c[i].qos_class);
		EXPECT_EQ(100 + 50 * k, c[i].length);
		EXPECT_EQ(0, memcmp(in[k], out[k], 100 + 50 * k));
		EXPECT_LT(0ull, c[i].latency_ns);
	}
	EXPECT_EQ(0xfu, seen);
	/* nothing outstanding: the wait returns at once */
	EXPECT_EQ(0, hshm_reap_wait(self->h, c, 8, 1, -1));
	/* more room than the kernel's 1024 per ioctl is fine */
	big = calloc(3000, sizeof(*big));
	ASSERT_NE(NULL, big);
	ASSERT_EQ(0, hshm_request_submit(self->h, &s[0]));
	EXPECT_EQ(1, hshm_reap_wait(self->h, big, 3000, 1, 20000));
	free(big);
	EXPECT_EQ(-EINVAL, hshm_reap(self->h, c, 0));
	EXPECT_EQ(-EINVAL, hshm_reap_wait(self->h, c, 4, 5, 0));
	EXPECT_EQ(-EINVAL, hshm_reap_wait(self->h, NULL, 4, 1, 0));
	EXPECT_EQ(-EINVAL, hshm_request_submit(self->h, NULL));
}

/* A batch stops at the first request the driver refuses. */
TEST_F(lib, submit_batch)
{
	uint8_t in[64] = "batch", out[8][64];
	struct hshm_submit s[8];
	struct hshm_completion c[16];
	size_t acc = 99;
	unsigned int i;
	int n, got = 0;

	for (i = 0; i < 8; i++)
		hshm_request_prep(&s[i], HSHM_SVC_ECHO, HSHM_CLASS_RELIABLE, in,
				  sizeof(in), out[i], sizeof(out[i]), i);
	ASSERT_EQ(0, hshm_request_submit_batch(self->h, s, 5, &acc));
	EXPECT_EQ(5u, acc);
	for (i = 1; i < 5; i++)
		EXPECT_NE(s[0].id, s[i].id);

	/* the third of these is invalid: two go, the rest never do */
	for (i = 0; i < 8; i++)
		hshm_request_prep(&s[i], HSHM_SVC_ECHO, HSHM_CLASS_RELIABLE, in,
				  sizeof(in), out[i], sizeof(out[i]), 100 + i);
	s[2].flags = 1;
	EXPECT_EQ(-EINVAL, hshm_request_submit_batch(self->h, s, 8, &acc));
	EXPECT_EQ(2u, acc);
	s[2].flags = 0;
	s[2].length = self->info.max_payload + 1;
	EXPECT_EQ(-EMSGSIZE,
		  hshm_request_submit_batch(self->h, s + 2, 3, &acc));
	EXPECT_EQ(0u, acc);
	/* nothing to do, and bad arguments */
	EXPECT_EQ(0, hshm_request_submit_batch(self->h, s, 0, &acc));
	EXPECT_EQ(0u, acc);
	EXPECT_EQ(-EINVAL, hshm_request_submit_batch(self->h, NULL, 1, &acc));
	EXPECT_EQ(-EINVAL, hshm_request_submit_batch(NULL, s, 1, NULL));

	while (got < 7) {
		n = hshm_reap_wait(self->h, c, 16, 1, 20000);
		ASSERT_LT(0, n);
		for (i = 0; i < (unsigned int)n; i++) {
			EXPECT_EQ(0, c[i].status);
			EXPECT_TRUE(c[i].user_data < 5 || c[i].user_data == 100 ||
				    c[i].user_data == 101);
		}
		got += n;
	}
	EXPECT_EQ(7, got);
	EXPECT_EQ(0, hshm_reap(self->h, c, 16));
}

TEST_F(lib, call)
{
	uint8_t in[32] = "Hello", out[32], exp[32];
	struct hshm_submit s;
	struct hshm_completion c;
	uint32_t exp_len;
	uint16_t svc;
	int res, status;

	/* "Uryyb" from hshm's peer, an echo or "no such service" from v1 ones */
	res = ref_profile_service(hs_profile(), HSHM_SVC_ROT13_ENC, in, 5, exp,
				  &exp_len);
	ASSERT_LE(0, res);
	hshm_request_prep(&s, HSHM_SVC_ROT13_ENC, HSHM_CLASS_REALTIME, in, 5,
			  out, sizeof(out), 42);
	ASSERT_EQ(0, hshm_request_call(self->h, &s, &c));
	EXPECT_EQ(hs_result_status(res), c.status);
	EXPECT_EQ(42ull, c.user_data);
	EXPECT_EQ(s.id, c.id);
	EXPECT_EQ(exp_len, c.length);
	if (res == HSHM_WIRE_RESULT_SUCCESS) {
		EXPECT_EQ(0, memcmp(out, exp, exp_len));
	}

	/* a service the peer refuses is a completion status, not an error */
	svc = hs_svc_refused(in, 5, &status);
	ASSERT_NE(0, svc);
	hshm_request_prep(&s, svc, HSHM_CLASS_REALTIME, in, 5, out, sizeof(out),
			  0);
	ASSERT_EQ(0, hshm_request_call(self->h, &s, &c));
	EXPECT_EQ(status, c.status);
	EXPECT_STREQ(status == -EOPNOTSUPP ? "the peer has no such service" :
		     "the peer reported that the service failed",
		     hshm_strerror(c.status));

	/* argument errors come from the driver through the call, too */
	hshm_request_prep(&s, HSHM_SVC_ECHO, 7, in, 5, out, sizeof(out), 0);
	EXPECT_EQ(-EINVAL, hshm_request_call(self->h, &s, &c));
	hshm_request_prep(&s, HSHM_SVC_ECHO, HSHM_CLASS_REALTIME, in, 0, out, 0,
			  0);
	EXPECT_EQ(-EINVAL, hshm_request_call(self->h, &s, &c));
	EXPECT_EQ(-EINVAL, hshm_request_call(self->h, &s, NULL));
	/* calls never show up among the reaped completions */
	EXPECT_EQ(0, hshm_reap(self->h, &c, 1));
}

/* Cancel, the timeout of a wait, and poll() on hshm_fd(). */
TEST_F_TIMEOUT(lib, cancel_poll_wait, 120)
{
	uint8_t in[16] = "slow", out[3][16];
	struct hshm_submit s[3];
	struct hshm_completion c[4];
	struct pollfd pfd = { .events = POLLIN };
	uint64_t t0;
	int n;

	HS_REQUIRE_COST();
	pfd.fd = hshm_fd(self->h);
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, hs_cost(300 * MS, 0));
	for (n = 0; n < 3; n++)
		hshm_request_prep(&s[n], HSHM_SVC_ECHO, HSHM_CLASS_REALTIME, in,
				  16, out[n], 16, n);
	ASSERT_EQ(0, hshm_request_submit(self->h, &s[0]));
	ASSERT_EQ(0, hs_wait_in_flight(1, 5000));
	ASSERT_EQ(0, hshm_request_submit_batch(self->h, s + 1, 2, NULL));

	/* nothing is ready: the wait ends on time, with nothing */
	t0 = hs_now_ns();
	EXPECT_EQ(0, hshm_reap_wait(self->h, c, 4, 1, 50));
	EXPECT_LE(40 * MS, hs_now_ns() - t0);
	EXPECT_GT(1000 * MS, hs_now_ns() - t0);

	EXPECT_EQ(0, hshm_request_cancel(self->h, s[2].id));
	EXPECT_EQ(-EALREADY, hshm_request_cancel(self->h, s[2].id));
	EXPECT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	ASSERT_EQ(1, hshm_reap(self->h, c, 4));
	EXPECT_EQ(2ull, c[0].user_data);
	EXPECT_EQ(-ECANCELED, c[0].status);
	EXPECT_EQ(-ENOENT, hshm_request_cancel(self->h, s[2].id));
	EXPECT_EQ(-ENOENT, hshm_request_cancel(self->h, 0xfffffffffull));

	/* the other two arrive; a wait without limit collects both */
	ASSERT_EQ(0, hs_cost(0, 0));
	n = hshm_reap_wait(self->h, c, 4, 2, -1);
	EXPECT_EQ(2, n);
	EXPECT_EQ(0, c[0].status);
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

/* A non-blocking handle reports a full class, and close cancels. */
TEST_F_TIMEOUT(lib, nonblock_close, 120)
{
	struct hshm *nb;
	struct hshm_submit s;
	uint8_t *in;
	unsigned int i, ok = 0;
	int ret = 0;

	HS_REQUIRE_COST();
	in = calloc(1, self->info.max_payload);
	ASSERT_NE(NULL, in);
	ASSERT_EQ(0, hs_cost(100 * MS, 0));
	ASSERT_EQ(0, hshm_open_path(&nb, hs_dev(), HSHM_OPEN_NONBLOCK));
	for (i = 0; i <= self->info.max_requests; i++) {
		/* no response buffer: the requests are never reaped */
		hshm_request_prep(&s, HSHM_SVC_ECHO, HSHM_CLASS_BEST_EFFORT, in,
				  self->info.max_payload, NULL, 0, i);
		ret = hshm_request_submit(nb, &s);
		if (ret)
			break;
		ok++;
	}
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_LT(0u, ok);
	EXPECT_STRNE("", hshm_strerror(ret));
	/* closing with requests outstanding is fine: the driver cancels */
	EXPECT_EQ(0, hshm_close(nb));
	ASSERT_EQ(0, hs_cost(0, 0));
	EXPECT_EQ(0, hs_wait_idle(20000));
	free(in);
}

/* ---------------------------------------------------- several threads */

#define T_CALLERS	3
#define T_SUBMITTERS	2
#define T_REAPERS	2
#define T_PER_THREAD	300

struct mt {
	struct hshm *h;
	atomic_uint submitted, reaped, call_ok, errors;
	atomic_bool submitting_done;
	atomic_uchar seen[T_SUBMITTERS * T_PER_THREAD];
};

struct mt_arg {
	struct mt *mt;
	unsigned int idx;
};

static void *mt_caller(void *p)
{
	struct mt_arg *a = p;
	uint8_t in[64], out[64];
	struct hshm_submit s;
	struct hshm_completion c;
	unsigned int i;

	for (i = 0; i < T_PER_THREAD; i++) {
		memset(in, (int)(a->idx * 16 + i), sizeof(in));
		hshm_request_prep(&s, hs_svc_echo(), HSHM_CLASS_REALTIME, in,
				  sizeof(in), out, sizeof(out), i);
		if (hshm_request_call(a->mt->h, &s, &c) || c.status ||
		    c.user_data != i || memcmp(in, out, sizeof(in)))
			atomic_fetch_add(&a->mt->errors, 1);
		else
			atomic_fetch_add(&a->mt->call_ok, 1);
	}
	return NULL;
}

static void *mt_submitter(void *p)
{
	struct mt_arg *a = p;
	static const uint8_t in[128];
	static uint8_t sink[T_SUBMITTERS][4][128];
	struct hshm_submit s[4];
	unsigned int i, k;
	size_t acc, left;
	int ret;

	for (i = 0; i < T_PER_THREAD; i += 4) {
		for (k = 0; k < 4; k++)
			hshm_request_prep(&s[k], HSHM_SVC_ECHO,
					  k % 2 ? HSHM_CLASS_BEST_EFFORT :
						  HSHM_CLASS_THROUGHPUT,
					  in, sizeof(in), sink[a->idx][k], 128,
					  a->idx * T_PER_THREAD + i + k);
		left = 4;
		for (;;) {
			ret = hshm_request_submit_batch(a->mt->h, s + 4 - left,
							left, &acc);
			atomic_fetch_add(&a->mt->submitted, (unsigned int)acc);
			left -= acc;
			if (ret != -EBUSY && ret != -EAGAIN)
				break;
			usleep(1000);	/* the reapers will make room */
		}
		if (ret || left)
			atomic_fetch_add(&a->mt->errors, 1);
	}
	return NULL;
}

static void *mt_reaper(void *p)
{
	struct mt_arg *a = p;
	struct hshm_completion c[32];
	int n, i;

	for (;;) {
		n = hshm_reap_wait(a->mt->h, c, 32, 1, 50);
		if (n < 0) {
			atomic_fetch_add(&a->mt->errors, 1);
			break;
		}
		for (i = 0; i < n; i++) {
			if (c[i].status ||
			    c[i].user_data >= T_SUBMITTERS * T_PER_THREAD ||
			    atomic_fetch_add(&a->mt->seen[c[i].user_data], 1))
				atomic_fetch_add(&a->mt->errors, 1);
			atomic_fetch_add(&a->mt->reaped, 1);
		}
		if (!n && atomic_load(&a->mt->submitting_done) &&
		    atomic_load(&a->mt->reaped) >= atomic_load(&a->mt->submitted))
			break;
	}
	return NULL;
}

/*
 * Calls, batches and reaps on one handle at the same time.  With a
 * single descriptor a reap could take a call's completion and the call
 * would never return; libhshm keeps calls on their own descriptor.
 */
TEST_F_TIMEOUT(lib, threads, 300)
{
	pthread_t tc[T_CALLERS], ts[T_SUBMITTERS], tr[T_REAPERS];
	struct mt_arg ac[T_CALLERS], as[T_SUBMITTERS], ar[T_REAPERS];
	struct mt *mt = calloc(1, sizeof(*mt));
	unsigned int i;

	ASSERT_NE(NULL, mt);
	mt->h = self->h;
	for (i = 0; i < T_REAPERS; i++) {
		ar[i] = (struct mt_arg){ mt, i };
		ASSERT_EQ(0, pthread_create(&tr[i], NULL, mt_reaper, &ar[i]));
	}
	for (i = 0; i < T_CALLERS; i++) {
		ac[i] = (struct mt_arg){ mt, i };
		ASSERT_EQ(0, pthread_create(&tc[i], NULL, mt_caller, &ac[i]));
	}
	for (i = 0; i < T_SUBMITTERS; i++) {
		as[i] = (struct mt_arg){ mt, i };
		ASSERT_EQ(0, pthread_create(&ts[i], NULL, mt_submitter, &as[i]));
	}
	for (i = 0; i < T_SUBMITTERS; i++)
		pthread_join(ts[i], NULL);
	atomic_store(&mt->submitting_done, true);
	for (i = 0; i < T_CALLERS; i++)
		pthread_join(tc[i], NULL);
	for (i = 0; i < T_REAPERS; i++)
		pthread_join(tr[i], NULL);

	EXPECT_EQ(0u, atomic_load(&mt->errors));
	EXPECT_EQ((unsigned int)(T_CALLERS * T_PER_THREAD), atomic_load(&mt->call_ok));
	EXPECT_EQ((unsigned int)(T_SUBMITTERS * T_PER_THREAD), atomic_load(&mt->submitted));
	EXPECT_EQ(atomic_load(&mt->submitted), atomic_load(&mt->reaped));
	for (i = 0; i < T_SUBMITTERS * T_PER_THREAD; i++)
		EXPECT_EQ(1, atomic_load(&mt->seen[i])) TH_LOG("request %u", i);
	free(mt);
}

HS_HARNESS_MAIN
