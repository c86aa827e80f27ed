// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm stress: 8 threads, each on its own fd with up to 16 requests
 * outstanding, submit HSHM_STRESS_COUNT (default 10000) mixed requests
 * each (random class, service, size 1..4096, a few unknown services, a
 * few cancels); two of them make their requests one HSHM_CALL at a time
 * instead, which polls for its answer as its class's spin_us says (the
 * scenarios run with the default budgets, none and 2 ms for every class:
 * HSHM_TEST_SPIN_US).  Every request must complete exactly once with the answer
 * the peer's profile gives (hshm_ref.h), and the device's counters must
 * account for every one of them.
 * Meanwhile (as root) the scheduler is switched among wrr, fifo and drr,
 * with drr's quantum changed, every few milliseconds: a switch under load
 * loses and duplicates nothing.
 * Then: closing an fd, or exiting, with requests queued and at the peer.
 */
#include <pthread.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "hshm_test.h"
#include "hshm_ref.h"

#define MS		1000000ull
#define NTHREADS	8
#define DEPTH		16
#define MAX_LEN		4096
#define GUARD		32

FIXTURE(stress)
{
	int fd;
};

FIXTURE_SETUP(stress)
{
	hs_fixture_setup(_metadata, &self->fd, NULL);
}

FIXTURE_TEARDOWN(stress)
{
	hs_fixture_teardown(self->fd, 60000);
}

struct slot {
	bool busy;
	bool cancelled;		/* HSHM_CANCEL returned 0 */
	uint32_t seq;
	uint64_t id;
	uint16_t svc;
	uint8_t cls;		/* as submitted, maybe AUTO */
	uint32_t len;
	uint8_t in[MAX_LEN];
	uint8_t out[MAX_LEN + GUARD];
};

/* What one thread did, by the class each request was served in. */
struct tally {
	unsigned long long submitted[HS_NR_CLASSES];
	unsigned long long completed[HS_NR_CLASSES];
	unsigned long long failed[HS_NR_CLASSES];
	unsigned long long cancelled[HS_NR_CLASSES];
};

struct worker {
	pthread_t thread;
	unsigned int tid;
	unsigned int count;
	uint64_t seed;
	bool calls;		/* HSHM_CALL, one at a time */
	struct slot slot[DEPTH];
	struct tally t;
	unsigned long long cancel_tries;
	unsigned int errors;
	char first_error[256];
};

static void fail(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->errors++) {
		va_start(ap, fmt);
		vsnprintf(w->first_error, sizeof(w->first_error), fmt, ap);
		va_end(ap);
	}
}

static const uint16_t stress_services[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 66,
	0, 16, 500, 4000,	/* unknown to hshm's peer: -EOPNOTSUPP */
};

static int served_class(uint8_t cls, uint16_t svc)
{
	return cls == HSHM_CLASS_AUTO ? hs_default_class(svc) : cls;
}

static void check(struct worker *w, struct slot *s,
		  const struct hshm_completion *c)
{
	uint8_t exp[MAX_LEN + 4];
	uint32_t exp_len;
	int res = ref_profile_service(hs_profile(), s->svc, s->in, s->len, exp,
				      &exp_len);
	int cls = served_class(s->cls, s->svc);
	unsigned int i;

	if (c->id != s->id || c->service_id != s->svc)
		fail(w, "seq %u: id/service do not match", s->seq);
	if (c->qos_class != cls) {
		fail(w, "seq %u: class %u, expected %d", s->seq, c->qos_class,
		     cls);
		return;
	}
	if (s->cancelled) {
		if (c->status != -ECANCELED)
			fail(w, "seq %u: cancelled, status %d", s->seq,
			     c->status);
		w->t.cancelled[cls]++;
		return;
	}
	if (res != HSHM_WIRE_RESULT_SUCCESS) {
		/* refused: no such service, or a failed one (V1-10) */
		if (c->status != hs_result_status(res) || c->result != res ||
		    c->length != exp_len)
			fail(w, "seq %u: service %u status %d result %u length %u",
			     s->seq, s->svc, c->status, c->result, c->length);
		w->t.failed[cls]++;
		return;
	}
	if (c->status || c->result != HSHM_WIRE_RESULT_SUCCESS ||
	    c->length != exp_len) {
		fail(w, "seq %u: service %u len %u: status %d result %u length %u",
		     s->seq, s->svc, s->len, c->status, c->result, c->length);
		w->t.failed[cls]++;
		return;
	}
	if (memcmp(s->out, exp, exp_len))
		fail(w, "seq %u: service %u len %u: wrong bytes", s->seq,
		     s->svc, s->len);
	for (i = exp_len; i < s->len + GUARD && i < sizeof(s->out); i++) {
		if (s->out[i] != 0xa5) {
			fail(w, "seq %u: written past the response", s->seq);
			break;
		}
	}
	w->t.completed[cls]++;
}

/* A random request in @s, number @seq of worker @w, ready to send. */
static void make_request(struct worker *w, struct slot *s, unsigned int seq,
			 struct hshm_submit *sub)
{
	uint64_t r = hs_rand(&w->seed);

	s->seq = seq;
	s->svc = stress_services[r % (sizeof(stress_services) /
			sizeof(stress_services[0]))];
	if (!ref_known_service(s->svc) && (r >> 8) % 4)
		s->svc = hs_svc_echo();	/* fewer unknowns */
	s->cls = (r >> 16) % 5;
	if (s->cls == 4)
		s->cls = HSHM_CLASS_AUTO;
	s->len = 1 + (r >> 24) % MAX_LEN;
	s->cancelled = false;
	hs_fill_random(s->in, s->len, &w->seed);
	memset(s->out, 0xa5, sizeof(s->out));
	hs_prep(sub, s->in, s->len, s->out, ref_response_room(s->len), s->svc,
		s->cls, (uint64_t)w->tid << 56 | (uint64_t)s->seq << 8 |
		(uint64_t)(s - w->slot));
}

/* A worker of HSHM_CALLs: one request at a time, each answer checked. */
static void calls_main(struct worker *w, int fd)
{
	struct slot *s = &w->slot[0];
	unsigned int i;

	for (i = 0; i < w->count; i++) {
		struct hshm_call call;
		int ret;

		memset(&call, 0, sizeof(call));
		make_request(w, s, i, &call.submit);
		w->t.submitted[served_class(s->cls, s->svc)]++;
		ret = hs_call(fd, &call);
		if (ret) {
			fail(w, "call %u: %s", i, strerror(-ret));
			return;
		}
		s->id = call.submit.id;
		if (call.completion.user_data != call.submit.user_data)
			fail(w, "call %u: user_data %#llx", i,
			     (unsigned long long)call.completion.user_data);
		check(w, s, &call.completion);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct hshm_completion cs[DEPTH];
	unsigned int submitted = 0, outstanding = 0, i;
	uint32_t n;
	int fd = hs_open(0);

	if (fd < 0) {
		fail(w, "open: %s", strerror(errno));
		return NULL;
	}
	if (w->calls) {
		calls_main(w, fd);
		goto out;
	}
	while (submitted < w->count || outstanding) {
		while (outstanding < DEPTH && submitted < w->count) {
			struct hshm_submit sub;
			struct slot *s = NULL;
			int ret;

			for (i = 0; i < DEPTH; i++) {
				if (!w->slot[i].busy) {
					s = &w->slot[i];
					break;
				}
			}
			make_request(w, s, submitted, &sub);
			ret = hs_submit(fd, &sub);
			if (ret) {
				fail(w, "submit %u: %s", submitted,
				     strerror(-ret));
				goto out;
			}
			s->id = sub.id;
			s->busy = true;
			w->t.submitted[served_class(s->cls, s->svc)]++;
			submitted++;
			outstanding++;
		}
		/* now and then, cancel one at random */
		if (hs_rand(&w->seed) % 64 == 0) {
			struct slot *s = &w->slot[hs_rand(&w->seed) % DEPTH];
			int ret;

			if (s->busy && !s->cancelled) {
				w->cancel_tries++;
				ret = hs_cancel(fd, s->id);
				if (!ret)
					s->cancelled = true;
				else if (ret != -EALREADY)
					fail(w, "cancel seq %u: %s", s->seq,
					     strerror(-ret));
			}
		}
		if (hs_complete(fd, cs, DEPTH, 1, 30000, &n)) {
			fail(w, "complete: %s", strerror(errno));
			goto out;
		}
		if (!n) {
			fail(w, "no completion in 30 s, %u outstanding",
			     outstanding);
			goto out;
		}
		for (i = 0; i < n; i++) {
			uint64_t ud = cs[i].user_data;
			unsigned int k = ud & 0xff;
			struct slot *s = &w->slot[k % DEPTH];

			if (ud >> 56 != w->tid || k >= DEPTH || !s->busy ||
			    s->seq != (uint32_t)(ud >> 8)) {
				fail(w, "unexpected completion %#llx",
				     (unsigned long long)ud);
				continue;
			}
			check(w, s, &cs[i]);
			s->busy = false;
			outstanding--;
		}
	}
	/* nothing more may arrive */
	if (hs_complete(fd, cs, DEPTH, 0, 0, &n) || n)
		fail(w, "%u completions after the last one", n);
out:
	close(fd);
	return NULL;
}

static unsigned long long tally_sum(const unsigned long long *v)
{
	return v[0] + v[1] + v[2] + v[3];
}

/* Switches the scheduler until told to stop; how many times it did. */
struct switcher {
	pthread_t thread;
	volatile bool stop;
	unsigned int switches;
	int error;
};

static void *switcher_main(void *arg)
{
	static const char *const scheds[] = { "drr", "fifo", "wrr" };
	static const char *const quanta[] = { "64", "4096", "65536" };
	struct switcher *sw = arg;
	unsigned int i = 0;

	while (!sw->stop) {
		int ret = hs_sysfs_write("scheduler", scheds[i % 3]);

		if (!ret && i % 3 == 0)
			ret = hs_sysfs_write("drr_quantum", quanta[(i / 3) % 3]);
		if (ret) {
			sw->error = ret;
			break;
		}
		sw->switches++;
		i++;
		hs_sleep_ms(3);
	}
	return NULL;
}

TEST_F_TIMEOUT(stress, mixed_threads, 1800)
{
	struct switcher sw = { .stop = false };
	unsigned int count = 10000, i, c;
	struct worker *w = calloc(NTHREADS, sizeof(*w));
	struct hs_stats before, after;
	struct tally all;
	unsigned long long tries = 0, d;
	const char *env = getenv("HSHM_STRESS_COUNT");
	uint64_t t0;

	ASSERT_NE(NULL, w);
	memset(&all, 0, sizeof(all));
	if (env && *env)
		count = (unsigned int)strtoul(env, NULL, 10);
	if (hs_have_loopback()) {
		ASSERT_EQ(0, hs_cost(0, 0));
	}
	ASSERT_EQ(0, hs_stats_read(&before));
	t0 = hs_now_ns();
	if (!geteuid())
		ASSERT_EQ(0, pthread_create(&sw.thread, NULL, switcher_main,
					    &sw));
	for (i = 0; i < NTHREADS; i++) {
		w[i].tid = i + 1;
		w[i].calls = i % 4 == 3;
		/* a call at a time: fewer, for the same running time */
		w[i].count = w[i].calls ? count / 4 : count;
		w[i].seed = 0x1000 + i;
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_main,
					    &w[i]));
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(w[i].thread, NULL);
	if (!geteuid()) {
		sw.stop = true;
		pthread_join(sw.thread, NULL);
		EXPECT_EQ(0, sw.error);
		EXPECT_LT(0u, sw.switches);
		ASSERT_EQ(0, hs_sysfs_write("scheduler", HS_DEF_SCHEDULER));
	}
	TH_LOG("%u x %u requests in %llu ms, %u scheduler switches", NTHREADS,
	       count, (unsigned long long)((hs_now_ns() - t0) / MS),
	       sw.switches);
	for (i = 0; i < NTHREADS; i++) {
		EXPECT_EQ(0u, w[i].errors)
			TH_LOG("thread %u: %u errors, first: %s", i,
			       w[i].errors, w[i].first_error);
		for (c = 0; c < HS_NR_CLASSES; c++) {
			all.submitted[c] += w[i].t.submitted[c];
			all.completed[c] += w[i].t.completed[c];
			all.failed[c] += w[i].t.failed[c];
			all.cancelled[c] += w[i].t.cancelled[c];
		}
		tries += w[i].cancel_tries;
	}
	EXPECT_EQ((unsigned long long)(NTHREADS - 2) * count + 2 * (count / 4),
		  tally_sum(all.submitted));
	EXPECT_EQ(tally_sum(all.submitted), tally_sum(all.completed) +
		  tally_sum(all.failed) + tally_sum(all.cancelled));
	TH_LOG("completed %llu, failed %llu, cancelled %llu of %llu tries",
	       tally_sum(all.completed), tally_sum(all.failed),
	       tally_sum(all.cancelled), tries);

	/* the device counted exactly what we saw */
	ASSERT_EQ(0, hs_wait_idle(30000));
	ASSERT_EQ(0, hs_stats_read(&after));
	for (c = 0; c < HS_NR_CLASSES; c++) {
		unsigned long long *a = after.v[c], *b = before.v[c];

		EXPECT_EQ(all.submitted[c], a[HS_ST_SUBMITTED] -
					    b[HS_ST_SUBMITTED])
			TH_LOG("%s", hs_class_names[c]);
		EXPECT_EQ(all.completed[c], a[HS_ST_COMPLETED] -
					    b[HS_ST_COMPLETED])
			TH_LOG("%s", hs_class_names[c]);
		EXPECT_EQ(all.failed[c], a[HS_ST_FAILED] - b[HS_ST_FAILED])
			TH_LOG("%s", hs_class_names[c]);
		EXPECT_EQ(all.cancelled[c], a[HS_ST_CANCELLED] -
					    b[HS_ST_CANCELLED])
			TH_LOG("%s", hs_class_names[c]);
		EXPECT_EQ(0ull, a[HS_ST_DROPPED] - b[HS_ST_DROPPED]);
		EXPECT_EQ(a[HS_ST_SUBMITTED], a[HS_ST_COMPLETED] +
			  a[HS_ST_FAILED] + a[HS_ST_CANCELLED] +
			  a[HS_ST_DROPPED]);
	}
	d = hs_stats_sum(&after, HS_ST_SUBMITTED) -
	    hs_stats_sum(&before, HS_ST_SUBMITTED);
	EXPECT_EQ(tally_sum(all.submitted), d);
	free(w);
}

/*
 * @n sequential echo calls of class @cls; how many hand-overs were direct
 * meanwhile.
 */
static uint64_t quiet_calls(struct __test_metadata *_metadata, int fd,
			    unsigned int n, uint8_t cls)
{
	uint64_t before = 0, after = 0;
	uint8_t in[16], out[16];
	unsigned int i;

	EXPECT_EQ(0, hs_sysfs_read_u64("direct_handovers", &before));
	for (i = 0; i < n; i++) {
		struct hshm_call c;

		memset(in, 'q' + i % 8, sizeof(in));
		memset(&c, 0, sizeof(c));
		hs_prep(&c.submit, in, sizeof(in), out, sizeof(out),
			hs_svc_echo(), cls, i);
		EXPECT_EQ(0, hs_call(fd, &c));
		EXPECT_EQ(0, c.completion.status);
		EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	}
	EXPECT_EQ(0, hs_sysfs_read_u64("direct_handovers", &after));
	return after - before;
}

/*
 * The two modes of the sending side: sequential calls on a quiet channel
 * are handed over by the caller itself (direct_handovers counts them);
 * a burst of 512 requests queued at once turns the channel busy and is
 * answered, every one exactly once with the right bytes; once it has
 * drained the channel is quiet again and the calls go the short way.
 */
TEST_F_TIMEOUT(stress, burst_then_quiet, 300)
{
	static uint8_t in[512][32], out[512][32];
	struct hshm_submit subs[64];
	struct hshm_completion cs[64];
	struct hs_stats before, after;
	unsigned int i, k, got = 0;
	uint32_t n;
	uint64_t d;

	d = quiet_calls(_metadata, self->fd, 20, HSHM_CLASS_REALTIME);
	TH_LOG("quiet: %llu of 20 calls handed over directly",
	       (unsigned long long)d);
	EXPECT_LE(15ull, d);
	ASSERT_EQ(0, hs_stats_read(&before));
	for (i = 0; i < 512; i += 64) {
		struct hshm_submit_batch b;

		for (k = 0; k < 64; k++) {
			memset(in[i + k], (int)(i + k), sizeof(in[0]));
			memset(out[i + k], 0, sizeof(out[0]));
			hs_prep(&subs[k], in[i + k], sizeof(in[0]), out[i + k],
				sizeof(out[0]), hs_svc_echo(),
				HSHM_CLASS_THROUGHPUT, i + k);
		}
		memset(&b, 0, sizeof(b));
		b.submits = (uintptr_t)subs;
		b.count = 64;
		ASSERT_EQ(0, ioctl(self->fd, HSHM_SUBMIT_BATCH, &b))
			TH_LOG("SUBMIT_BATCH: %s", strerror(errno));
		ASSERT_EQ(64u, b.submitted);
	}
	while (got < 512) {
		ASSERT_EQ(0, hs_complete(self->fd, cs, 64, 1, 30000, &n));
		ASSERT_LT(0u, n) TH_LOG("%u of 512 answered", got);
		for (k = 0; k < n; k++) {
			unsigned int j = (unsigned int)cs[k].user_data;

			ASSERT_GT(512u, j);
			EXPECT_EQ(0, cs[k].status);
			EXPECT_EQ(0, memcmp(in[j], out[j], sizeof(in[0])))
				TH_LOG("request %u: wrong bytes", j);
		}
		got += n;
	}
	/*
	 * At once, and of a class whose batches the dispatcher does not
	 * poll: the channel is quiet as soon as the burst has drained.
	 */
	d = quiet_calls(_metadata, self->fd, 20, HSHM_CLASS_BEST_EFFORT);
	TH_LOG("after the burst: %llu of 20 calls handed over directly",
	       (unsigned long long)d);
	EXPECT_LE(15ull, d);
	ASSERT_EQ(0, hs_complete(self->fd, cs, 64, 0, 0, &n));
	EXPECT_EQ(0u, n) TH_LOG("answered twice");
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&after));
	EXPECT_EQ(512ull, after.v[HSHM_CLASS_THROUGHPUT][HS_ST_SUBMITTED] -
			  before.v[HSHM_CLASS_THROUGHPUT][HS_ST_SUBMITTED]);
	EXPECT_EQ(512ull, after.v[HSHM_CLASS_THROUGHPUT][HS_ST_COMPLETED] -
			  before.v[HSHM_CLASS_THROUGHPUT][HS_ST_COMPLETED]);
}

/* Submit @n mixed requests on @fd (blocking), no reaping. */
static int submit_many(int fd, unsigned int n, uint64_t seed)
{
	uint8_t in[MAX_LEN], out[MAX_LEN];
	struct hshm_submit s;
	unsigned int i;
	int ret;

	hs_fill_random(in, sizeof(in), &seed);
	for (i = 0; i < n; i++) {
		uint64_t r = hs_rand(&seed);

		hs_prep(&s, in, 1 + r % MAX_LEN, out, MAX_LEN,
			hs_services[(r >> 16) % HS_NR_SERVICES],
			(r >> 24) % 5 == 4 ? HSHM_CLASS_AUTO : (r >> 24) % 5,
			i);
		ret = hs_submit(fd, &s);
		if (ret)
			return ret;
	}
	return 0;
}

/* Every accepted request was accounted for, @n of them since @before. */
static void accounted(struct __test_metadata *_metadata,
		      const struct hs_stats *before, unsigned long long n)
{
	unsigned long long sub, done;
	struct hs_stats after;

	ASSERT_EQ(0, hs_wait_idle(60000))
		TH_LOG("requests still queued or at the peer after 60 s");
	ASSERT_EQ(0, hs_stats_read(&after));
	sub = hs_stats_sum(&after, HS_ST_SUBMITTED) -
	      hs_stats_sum(before, HS_ST_SUBMITTED);
	done = hs_stats_sum(&after, HS_ST_COMPLETED) -
	       hs_stats_sum(before, HS_ST_COMPLETED) +
	       hs_stats_sum(&after, HS_ST_FAILED) -
	       hs_stats_sum(before, HS_ST_FAILED) +
	       hs_stats_sum(&after, HS_ST_CANCELLED) -
	       hs_stats_sum(before, HS_ST_CANCELLED) +
	       hs_stats_sum(&after, HS_ST_DROPPED) -
	       hs_stats_sum(before, HS_ST_DROPPED);
	EXPECT_EQ(n, sub);
	EXPECT_EQ(sub, done);
	/* most were still queued, so most were cancelled */
	EXPECT_LT(0ull, hs_stats_sum(&after, HS_ST_CANCELLED) -
			hs_stats_sum(before, HS_ST_CANCELLED));
}

/* The device still serves requests. */
static void still_works(struct __test_metadata *_metadata)
{
	uint8_t in[16] = "still works", out[16], want[16];
	struct hshm_call call;
	uint32_t want_len;
	int fd = hs_open(0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  ref_profile_service(hs_profile(), HSHM_SVC_REVERSE, in, 16,
				      want, &want_len));
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 16, out, 16, HSHM_SVC_REVERSE,
		HSHM_CLASS_RELIABLE, 1);
	ASSERT_EQ(0, hs_call(fd, &call));
	EXPECT_EQ(0, call.completion.status);
	ASSERT_EQ(want_len, call.completion.length);
	EXPECT_EQ(0, memcmp(want, out, want_len));
	close(fd);
}

TEST_F_TIMEOUT(stress, close_in_flight, 180)
{
	struct hs_stats before;
	int fd2;

	HS_REQUIRE_COST();
	ASSERT_EQ(0, hs_cost(10 * MS, HS_DEF_KIB_NS));
	ASSERT_EQ(0, hs_stats_read(&before));
	fd2 = hs_open(0);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, submit_many(fd2, 100, 7));
	ASSERT_EQ(0, hs_wait_in_flight(1, 5000));
	close(fd2);
	accounted(_metadata, &before, 100);
	ASSERT_EQ(0, hs_cost(0, 0));
	still_works(_metadata);
}

/* The same when the process exits without closing. */
TEST_F_TIMEOUT(stress, exit_in_flight, 180)
{
	struct hs_stats before;
	int status;
	pid_t pid;

	HS_REQUIRE_COST();
	ASSERT_EQ(0, hs_cost(10 * MS, HS_DEF_KIB_NS));
	ASSERT_EQ(0, hs_stats_read(&before));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = hs_open(0);

		if (fd < 0 || submit_many(fd, 100, 8) ||
		    hs_wait_in_flight(1, 5000))
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	accounted(_metadata, &before, 100);
	ASSERT_EQ(0, hs_cost(0, 0));
	still_works(_metadata);
}

/* Many fds opened and closed with requests pending, from threads. */
static void *churn_main(void *arg)
{
	uint64_t seed = (uintptr_t)arg;
	unsigned int i;

	for (i = 0; i < 20; i++) {
		int fd = hs_open(0);

		if (fd < 0)
			return (void *)1;
		if (submit_many(fd, 1 + hs_rand(&seed) % 40, seed)) {
			close(fd);
			return (void *)1;
		}
		close(fd);
	}
	return NULL;
}

TEST_F_TIMEOUT(stress, churn_fds, 300)
{
	pthread_t th[4];
	struct hs_stats before, after;
	unsigned int i;
	void *ret;

	ASSERT_EQ(0, hs_stats_read(&before));
	if (hs_have_loopback()) {
		ASSERT_EQ(0, hs_cost(200000, HS_DEF_KIB_NS));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_create(&th[i], NULL, churn_main,
					    (void *)(uintptr_t)(i + 11)));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		EXPECT_EQ(NULL, ret);
	}
	ASSERT_EQ(0, hs_wait_idle(60000));
	ASSERT_EQ(0, hs_stats_read(&after));
	EXPECT_EQ(hs_stats_sum(&after, HS_ST_SUBMITTED) -
		  hs_stats_sum(&before, HS_ST_SUBMITTED),
		  hs_stats_sum(&after, HS_ST_COMPLETED) -
		  hs_stats_sum(&before, HS_ST_COMPLETED) +
		  hs_stats_sum(&after, HS_ST_FAILED) -
		  hs_stats_sum(&before, HS_ST_FAILED) +
		  hs_stats_sum(&after, HS_ST_CANCELLED) -
		  hs_stats_sum(&before, HS_ST_CANCELLED) +
		  hs_stats_sum(&after, HS_ST_DROPPED) -
		  hs_stats_sum(&before, HS_ST_DROPPED));
	if (hs_have_loopback()) {
		ASSERT_EQ(0, hs_cost(0, 0));
	}
	still_works(_metadata);
}

HS_HARNESS_MAIN
