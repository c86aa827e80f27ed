// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm-bench: the load.  Per class of the scenario:
 *
 *  closed   THREADS threads, each with its own handle, keeps DEPTH
 *           requests outstanding: a completion is answered by the next
 *           submission at once.
 *  poisson  one submitter thread sends at exponentially distributed
 *           intervals of mean 1/RATE (absolute sleeps on CLOCK_MONOTONIC,
 *           so a late wake-up does not lower the rate), on a non-blocking
 *           handle: a request that finds no room is counted as rejected,
 *           never retried.  A reaper thread collects the completions on
 *           the same handle (libhshm allows both at once).
 *  bursty   the same Poisson arrivals during ON, nothing during OFF.
 *
 * Every request carries a payload with a known pattern to the class's
 * service (1 by default); a completion counts as completed only with
 * status 0 and the response the peer of the profile gives (check.c), as
 * bad if the peer answered otherwise, else as failed.  Latency is the
 * driver's submit-to-completion time
 * (struct hshm_completion.latency_ns).  When the run ends (duration over,
 * counts done, or a signal) no more requests are sent, the outstanding
 * ones are waited for up to the drain time, then cancelled and counted as
 * unfinished.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hshm_nl.h"
#include "hshm_peer.h"
#include "bench.h"

#define REAP_BATCH	256
#define OPEN_SLOTS_MAX	1024u

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t / 1000000000ull),
		.tv_nsec = (long)(t % 1000000000ull),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* ---------------------------------------------------------- histogram */

void hist_add(struct hist *h, uint64_t v)
{
	h->b[hshm_hist_index(v, HIST_SUB_BITS)]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			v = hist_bucket_high(i);
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}

/* ------------------------------------------------------------ workers */

struct slot {
	uint64_t id;
	unsigned int k;		/* index of the size in the class's mix */
	bool busy;
	uint8_t *resp;
};

struct worker {
	pthread_t thread, reaper;
	bool has_reaper;
	const struct bench_cfg *cfg;
	const struct class_spec *cs;
	struct hshm *h;
	uint64_t rng;
	atomic_bool *stop;
	struct live *live;
	atomic_long *remaining;		/* count mode, shared by the class */
	uint64_t start_ns;
	const uint8_t *payload;		/* the class's pattern, sizes.max bytes */
	const struct bench_expect *expect;	/* the answer, per size index */
	struct slot *slots;
	unsigned int nslots;
	struct hshm_submit *batch;	/* closed loop: one submit for all */
	unsigned int *batch_slot;	/* the slot of each of @batch */
	pthread_mutex_t lock;		/* open loop: slots between the threads */
	atomic_long inflight;
	atomic_bool sub_done;
	struct class_result sub;	/* the submitting side's counts */
	struct class_result rcv;	/* the reaping side's counts */
	uint64_t last_done_ns;
	atomic_int *active;
};

/* xorshift64* */
static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Uniform in (0, 1]. */
static double rnd_unit(uint64_t *s)
{
	return ((double)(rnd(s) >> 11) + 1.0) / 9007199254740992.0;
}

/* The index of a size of @m, by weight. */
static unsigned int pick_size(const struct size_mix *m, uint64_t *s)
{
	unsigned int r, i;

	if (m->n == 1)
		return 0;
	r = (unsigned int)(rnd(s) % m->total);
	for (i = 0; i < m->n - 1; i++) {
		if (r < m->weight[i])
			break;
		r -= m->weight[i];
	}
	return i;
}

/* May another request be sent?  Takes one from the class's count. */
static bool may_send(struct worker *w)
{
	if (atomic_load_explicit(w->stop, memory_order_relaxed))
		return false;
	if (w->remaining && atomic_fetch_sub(w->remaining, 1) <= 0)
		return false;
	return true;
}

static void note_error(struct class_result *r, int err)
{
	if (!r->first_err)
		r->first_err = (uint64_t)(err < 0 ? -err : err);
}

/* Build the request of slot @i in @req. */
static void prep_one(struct worker *w, unsigned int i, struct hshm_submit *req)
{
	struct slot *sl = &w->slots[i];
	const struct bench_expect *e;
	uint32_t size;

	sl->k = pick_size(&w->cs->sizes, &w->rng);
	size = w->cs->sizes.size[sl->k];
	e = &w->expect[sl->k];
	/* so that a response that was not copied is noticed */
	if (bench_expect_ok(e) && e->length)
		sl->resp[e->length - 1] = (uint8_t)~e->bytes[e->length - 1];
	hshm_request_prep(req, w->cs->service, w->cs->cls, w->payload, size,
			  sl->resp, bench_response_cap(size), i);
	req->timeout_ms = w->cs->timeout_ms;
}

/* Count the outcome of submitting slot @i as @req: 0 or -errno @ret. */
static void sent(struct worker *w, unsigned int i,
		 const struct hshm_submit *req, int ret)
{
	w->sub.attempted++;
	if (ret) {
		w->sub.rejected++;
		note_error(&w->sub, ret);
		return;
	}
	w->slots[i].id = req->id;
	w->sub.accepted++;
}

/* Build and submit slot @i; 0 or -errno (counted). */
static int send_one(struct worker *w, unsigned int i)
{
	struct hshm_submit req;
	int ret;

	prep_one(w, i, &req);
	ret = hshm_request_submit(w->h, &req);
	sent(w, i, &req, ret);
	return ret;
}

/*
 * Submit the @n requests built in w->batch with one call; the slots of the
 * accepted ones are busy.  Those after a refused one were not tried: their
 * turns go back to the class's count.  0 or the -errno of the refusal.
 */
static int send_batch(struct worker *w, unsigned int n, unsigned int *busy)
{
	size_t acc = 0, k;
	int ret;

	ret = hshm_request_submit_batch(w->h, w->batch, n, &acc);
	for (k = 0; k < acc; k++) {
		sent(w, w->batch_slot[k], &w->batch[k], 0);
		w->slots[w->batch_slot[k]].busy = true;
	}
	*busy += acc;
	if (!ret)
		return 0;
	sent(w, w->batch_slot[acc], &w->batch[acc], ret);
	if (w->remaining)
		atomic_fetch_add(w->remaining, (long)(n - acc - 1));
	return ret;
}

/* Account one completion; its slot is then free. */
static void account(struct worker *w, const struct hshm_completion *c,
		    bool cancelling)
{
	const struct class_spec *cs = w->cs;
	struct class_result *r = &w->rcv;
	enum bench_verdict v;
	struct slot *sl;

	if (c->user_data >= w->nslots) {	/* cannot happen */
		r->failed++;
		note_error(r, EPROTO);
		return;
	}
	sl = &w->slots[c->user_data];
	w->last_done_ns = now_ns();
	v = bench_check(&w->expect[sl->k], c, sl->resp);
	if (v == VERDICT_COMPLETED) {
		r->completed++;
		r->bytes += cs->sizes.size[sl->k];
		hist_add(&r->lat, c->latency_ns);
		if (cs->target_ns && c->latency_ns > cs->target_ns)
			r->violations++;
		atomic_fetch_add_explicit(&w->live->completed[cs->cls], 1,
					  memory_order_relaxed);
		return;
	}
	if (v == VERDICT_BAD) {
		r->bad++;
		atomic_fetch_add_explicit(&w->live->bad[cs->cls], 1,
					  memory_order_relaxed);
		return;
	}
	if (cancelling && c->status == -ECANCELED)
		return;			/* counted as unfinished */
	r->failed++;
	if (c->status == -ETIME)
		r->shed++;
	else if (c->status == -ETIMEDOUT)
		r->timedout++;
	note_error(r, c->status ? c->status : -EBADMSG);
	atomic_fetch_add_explicit(&w->live->failed[cs->cls], 1,
				  memory_order_relaxed);
}

/* Is @err worth trying again (room may come back)? */
static bool transient(int err)
{
	return err == -EAGAIN || err == -EBUSY || err == -EINTR;
}

/* Cancel every busy slot (end of the drain). */
static void cancel_all(struct worker *w)
{
	unsigned int i;

	for (i = 0; i < w->nslots; i++)
		if (w->slots[i].busy)
			hshm_request_cancel(w->h, w->slots[i].id);
}

static void *closed_main(void *arg)
{
	struct worker *w = arg;
	struct hshm_completion comp[REAP_BATCH];
	unsigned int i, busy = 0;
	uint64_t drain_end = 0;
	bool fatal = false, exhausted = false, cancelled = false;
	int n, k, ret;

	for (;;) {
		bool stopping = fatal || exhausted || atomic_load(w->stop);

		/* fill the free slots, with one submit */
		for (i = 0, k = 0; !stopping && i < w->nslots; i++) {
			if (w->slots[i].busy)
				continue;
			if (!may_send(w)) {
				exhausted = stopping = true;
				break;
			}
			prep_one(w, i, &w->batch[k]);
			w->batch_slot[k++] = i;
		}
		ret = k ? send_batch(w, (unsigned int)k, &busy) : 0;
		if (ret && !transient(ret))
			fatal = stopping = true;
		else if (ret && !busy)
			usleep(1000);	/* nothing to reap: back off */
		if (!busy) {
			if (stopping)
				break;
			continue;
		}
		if (stopping && !drain_end)
			drain_end = now_ns() + w->cfg->drain_ns;
		if (drain_end && !cancelled && now_ns() > drain_end) {
			cancel_all(w);
			cancelled = true;
		}
		n = hshm_reap_wait(w->h, comp, REAP_BATCH, 1, 100);
		if (n < 0) {
			if (n == -EINTR)
				continue;
			note_error(&w->rcv, n);
			break;
		}
		for (k = 0; k < n; k++) {
			account(w, &comp[k], cancelled);
			w->slots[comp[k].user_data].busy = false;
			busy--;
		}
	}
	atomic_fetch_sub(w->active, 1);
	return NULL;
}

/* Open loop: arrival times of a Poisson process, bursty or not. */
static uint64_t next_arrival(struct worker *w, double *vclock_ns)
{
	const struct class_spec *cs = w->cs;
	uint64_t on = cs->on_ns, period = cs->on_ns + cs->off_ns, v;

	*vclock_ns += -log(rnd_unit(&w->rng)) * 1e9 / cs->rate;
	v = (uint64_t)*vclock_ns;
	if (cs->mode != MODE_BURSTY || !cs->off_ns)
		return w->start_ns + v;
	/* the virtual clock runs only while on */
	return w->start_ns + (v / on) * period + v % on;
}

static int take_slot(struct worker *w)
{
	unsigned int i;
	int got = -1;

	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nslots; i++) {
		if (!w->slots[i].busy) {
			w->slots[i].busy = true;
			got = (int)i;
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return got;
}

static void put_slot(struct worker *w, unsigned int i)
{
	pthread_mutex_lock(&w->lock);
	w->slots[i].busy = false;
	pthread_mutex_unlock(&w->lock);
}

static void *open_main(void *arg)
{
	struct worker *w = arg;
	double vclock = 0;
	int i, ret;

	while (may_send(w)) {
		uint64_t t = next_arrival(w, &vclock), now;

		/* in steps, so that a stop is seen during long gaps (off) */
		while (!atomic_load(w->stop) && (now = now_ns()) < t)
			sleep_until(t - now > 50000000ull ? now + 50000000ull : t);
		if (atomic_load(w->stop))
			break;
		i = take_slot(w);
		if (i < 0) {
			w->sub.attempted++;
			w->sub.rejected++;
			note_error(&w->sub, EAGAIN);
			continue;
		}
		/* counted before the submission: the reaper may be quicker */
		atomic_fetch_add(&w->inflight, 1);
		pthread_mutex_lock(&w->lock);
		ret = send_one(w, (unsigned int)i);
		pthread_mutex_unlock(&w->lock);
		if (ret) {
			atomic_fetch_sub(&w->inflight, 1);
			put_slot(w, (unsigned int)i);
			if (!transient(ret))
				break;
		}
	}
	atomic_store(&w->sub_done, true);
	return NULL;
}

static void *reaper_main(void *arg)
{
	struct worker *w = arg;
	struct hshm_completion comp[REAP_BATCH];
	struct pollfd pfd = { .fd = hshm_fd(w->h), .events = POLLIN };
	uint64_t drain_end = 0;
	bool cancelled = false;
	int n, k;

	for (;;) {
		if (atomic_load(&w->sub_done)) {
			if (atomic_load(&w->inflight) <= 0)
				break;
			if (!drain_end)
				drain_end = now_ns() + w->cfg->drain_ns;
			if (!cancelled && now_ns() > drain_end) {
				pthread_mutex_lock(&w->lock);
				cancel_all(w);
				pthread_mutex_unlock(&w->lock);
				cancelled = true;
			}
		}
		if (poll(&pfd, 1, 10) < 0 && errno != EINTR)
			break;
		if (pfd.revents & (POLLHUP | POLLERR))
			note_error(&w->rcv, ENODEV);
		n = hshm_reap(w->h, comp, REAP_BATCH);
		if (n < 0) {
			note_error(&w->rcv, n);
			break;
		}
		for (k = 0; k < n; k++) {
			pthread_mutex_lock(&w->lock);
			account(w, &comp[k], cancelled);
			w->slots[comp[k].user_data].busy = false;
			pthread_mutex_unlock(&w->lock);
			atomic_fetch_sub(&w->inflight, 1);
		}
	}
	atomic_fetch_sub(w->active, 1);
	return NULL;
}

/* ---------------------------------------------------------- occupancy */

enum { ST_DROPPED, ST_IN_FLIGHT, ST_BACKLOG, NR_ST };

/*
 * The device's counters over netlink: per class the dropped, in_flight
 * and backlog.  0, or -1 if there is no such device (or no netlink).
 */
static int read_stats(const struct bench_cfg *cfg, uint64_t v[NR_CLASSES][NR_ST])
{
	const struct hshm_nl_dev *d = bench_nl_dev(cfg);
	int c;

	if (!d)
		return -1;
	for (c = 0; c < NR_CLASSES; c++) {
		v[c][ST_DROPPED] = d->cls[c].dropped;
		v[c][ST_IN_FLIGHT] = d->cls[c].in_flight;
		v[c][ST_BACKLOG] = d->cls[c].backlog;
	}
	return 0;
}

/* ---------------------------------------------------------------- run */

/*
 * The answers of the profile's peer to class @cs, per size of its mix,
 * into @e; a note when they are failures (such requests cannot complete).
 */
static int expect_class(const struct bench_cfg *cfg,
			const struct class_spec *cs, const uint8_t *payload,
			struct bench_expect *e)
{
	unsigned int k;

	for (k = 0; k < cs->sizes.n; k++) {
		if (bench_expect_init(&e[k], cfg->profile, cs->service, payload,
				      cs->sizes.size[k]))
			return -ENOMEM;
		if (!bench_expect_ok(&e[k]))
			fprintf(stderr, "hshm-bench: %s: a %s peer answers service %u on %u bytes with no response (result %u, length %u): such requests count as failed\n",
				hshm_class_name(cs->cls), cfg->profile->name,
				cs->service, cs->sizes.size[k], e[k].result,
				e[k].length);
	}
	return 0;
}

static void merge(struct class_result *dst, const struct class_result *src)
{
	dst->attempted += src->attempted;
	dst->accepted += src->accepted;
	dst->rejected += src->rejected;
	dst->completed += src->completed;
	dst->failed += src->failed;
	dst->bad += src->bad;
	dst->shed += src->shed;
	dst->timedout += src->timedout;
	dst->violations += src->violations;
	dst->bytes += src->bytes;
	if (!dst->first_err)
		dst->first_err = src->first_err;
	hist_merge(&dst->lat, &src->lat);
}

static void progress(const struct bench_cfg *cfg, const struct live *live,
		     uint64_t start, unsigned long *last, uint64_t *last_t)
{
	uint64_t t = now_ns();
	double dt = (double)(t - *last_t) / 1e9;
	unsigned int c;

	printf("\r\033[K%6.1f", (double)(t - start) / 1e9);
	if (cfg->duration_s > 0)
		printf("/%.1f", cfg->duration_s);
	printf(" s");
	for (c = 0; c < NR_CLASSES; c++) {
		unsigned long done;

		if (!cfg->cls[c].used)
			continue;
		done = atomic_load(&live->completed[c]);
		printf("  %s %.0f req/s", hshm_class_name(c),
		       dt > 0 ? (double)(done - last[c]) / dt : 0.0);
		if (atomic_load(&live->failed[c]))
			printf(" (%lu failed)", atomic_load(&live->failed[c]));
		if (atomic_load(&live->bad[c]))
			printf(" (%lu bad)", atomic_load(&live->bad[c]));
		last[c] = done;
	}
	*last_t = t;
	fflush(stdout);
}

int bench_run(const struct bench_cfg *cfg, struct run_result *res,
	      atomic_bool *stop)
{
	unsigned int c, t, nw = 0, i, max_req = 0;
	struct worker *workers;
	atomic_long remaining[NR_CLASSES];
	uint8_t *payload[NR_CLASSES] = { NULL };
	struct bench_expect expect[NR_CLASSES][MAX_SIZES];
	atomic_int active = 0;
	struct live live;
	unsigned long last[NR_CLASSES] = { 0 };
	uint64_t start, last_t, stop_at = 0;
	struct hshm_info info;
	uint64_t st0[NR_CLASSES][NR_ST], st[NR_CLASSES][NR_ST];
	struct {
		uint64_t samples, queued, at_peer, queued_max;
	} occ[NR_CLASSES];
	bool have_stats;
	int ret = 0;

	memset(&live, 0, sizeof(live));
	memset(occ, 0, sizeof(occ));
	memset(expect, 0, sizeof(expect));
	for (c = 0; c < NR_CLASSES; c++)
		if (cfg->cls[c].used)
			nw += cfg->cls[c].mode == MODE_CLOSED ? cfg->cls[c].threads : 1;
	workers = calloc(nw, sizeof(*workers));
	if (!workers)
		return -ENOMEM;

	/* open every handle first: a bad device is reported before any load */
	nw = 0;
	for (c = 0; c < NR_CLASSES; c++) {
		const struct class_spec *cs = &cfg->cls[c];
		unsigned int nthreads;

		if (!cs->used)
			continue;
		atomic_init(&remaining[c], (long)cs->count);
		payload[c] = malloc(cs->sizes.max);
		if (!payload[c]) {
			ret = -ENOMEM;
			goto out;
		}
		for (i = 0; i < cs->sizes.max; i++)
			payload[c][i] = (uint8_t)(i * 131u + 7u + c);
		ret = expect_class(cfg, cs, payload[c], expect[c]);
		if (ret)
			goto out;
		nthreads = cs->mode == MODE_CLOSED ? cs->threads : 1;
		for (t = 0; t < nthreads; t++) {
			struct worker *w = &workers[nw];

			w->cfg = cfg;
			w->cs = cs;
			w->stop = stop;
			w->live = &live;
			w->active = &active;
			w->payload = payload[c];
			w->expect = expect[c];
			w->remaining = cs->count ? &remaining[c] : NULL;
			w->rng = cfg->seed * 0x9e3779b97f4a7c15ull + nw * 7919u + 1;
			pthread_mutex_init(&w->lock, NULL);
			ret = hshm_open_path(&w->h, cfg->device,
					     cs->mode == MODE_CLOSED ? 0 :
					     HSHM_OPEN_NONBLOCK);
			if (ret) {
				fprintf(stderr, "hshm-bench: %s: %s\n", cfg->device,
					hshm_strerror(ret));
				goto out;
			}
			nw++;
			if (!max_req) {
				ret = hshm_query(w->h, &info);
				if (ret) {
					fprintf(stderr, "hshm-bench: %s: HSHM_INFO: %s\n",
						cfg->device, hshm_strerror(ret));
					goto out;
				}
				max_req = info.max_requests;
				if (cs->sizes.max > info.max_payload) {
					fprintf(stderr, "hshm-bench: %s: size %u above the device's max_payload %u\n",
						hshm_class_name(c), cs->sizes.max,
						info.max_payload);
					ret = -EMSGSIZE;
					goto out;
				}
			}
			w->nslots = cs->mode == MODE_CLOSED ? cs->depth :
				    (max_req < OPEN_SLOTS_MAX ? max_req : OPEN_SLOTS_MAX);
			w->slots = calloc(w->nslots, sizeof(*w->slots));
			w->batch = calloc(w->nslots, sizeof(*w->batch));
			w->batch_slot = calloc(w->nslots,
					       sizeof(*w->batch_slot));
			if (!w->slots || !w->batch || !w->batch_slot) {
				ret = -ENOMEM;
				goto out;
			}
			for (i = 0; i < w->nslots; i++) {
				/* untouched pages cost nothing until a response lands */
				w->slots[i].resp =
					malloc(bench_response_cap(cs->sizes.max));
				if (!w->slots[i].resp) {
					ret = -ENOMEM;
					goto out;
				}
			}
		}
	}

	have_stats = !read_stats(cfg, st0);
	start = now_ns();
	last_t = start;
	for (i = 0; i < nw; i++) {
		struct worker *w = &workers[i];

		w->start_ns = start;
		atomic_fetch_add(&active, 1);
		if (w->cs->mode == MODE_CLOSED) {
			pthread_create(&w->thread, NULL, closed_main, w);
		} else {
			pthread_create(&w->thread, NULL, open_main, w);
			pthread_create(&w->reaper, NULL, reaper_main, w);
			w->has_reaper = true;
		}
	}
	while (atomic_load(&active) > 0) {
		usleep(20000);
		/* the queue as the device sees it, while the load runs */
		if (have_stats && !stop_at && !read_stats(cfg, st)) {
			for (c = 0; c < NR_CLASSES; c++) {
				occ[c].samples++;
				occ[c].queued += st[c][ST_BACKLOG];
				occ[c].at_peer += st[c][ST_IN_FLIGHT];
				if (st[c][ST_BACKLOG] > occ[c].queued_max)
					occ[c].queued_max = st[c][ST_BACKLOG];
			}
		}
		if (!stop_at && cfg->duration_s > 0 &&
		    now_ns() - start >= (uint64_t)(cfg->duration_s * 1e9))
			atomic_store(stop, true);
		if (!stop_at && atomic_load(stop))
			stop_at = now_ns();
		if (cfg->progress && now_ns() - last_t >= 1000000000ull)
			progress(cfg, &live, start, last, &last_t);
	}
	if (!stop_at)
		stop_at = now_ns();
	if (cfg->progress)
		printf("\r\033[K");
	/* the open-loop submitters end on the stop flag or their count */
	atomic_store(stop, true);
	memset(res->cls, 0, sizeof(res->cls));
	res->elapsed_s = (double)(stop_at - start) / 1e9;
	for (i = 0; i < nw; i++) {
		struct worker *w = &workers[i];
		struct class_result *r = &res->cls[w->cs->cls];
		uint64_t el;

		pthread_join(w->thread, NULL);
		if (w->has_reaper)
			pthread_join(w->reaper, NULL);
		merge(r, &w->sub);
		merge(r, &w->rcv);
		el = w->last_done_ns > start ? w->last_done_ns - start : 0;
		if (el > r->elapsed_ns)
			r->elapsed_ns = el;
	}
	if (have_stats && read_stats(cfg, st))
		have_stats = false;
	for (c = 0; c < NR_CLASSES; c++) {
		struct class_result *r = &res->cls[c];

		r->unfinished = r->accepted - r->completed - r->failed - r->bad;
		r->occ_samples = occ[c].samples;
		r->queued_sum = occ[c].queued;
		r->at_peer_sum = occ[c].at_peer;
		r->queued_max = occ[c].queued_max;
		if (have_stats)
			r->dropped = st[c][ST_DROPPED] - st0[c][ST_DROPPED];
	}
out:
	for (i = 0; i < nw; i++) {
		struct worker *w = &workers[i];

		if (w->slots)
			for (t = 0; t < w->nslots; t++)
				free(w->slots[t].resp);
		free(w->slots);
		free(w->batch);
		free(w->batch_slot);
		hshm_close(w->h);
		pthread_mutex_destroy(&w->lock);
	}
	for (c = 0; c < NR_CLASSES; c++) {
		free(payload[c]);
		for (i = 0; i < MAX_SIZES; i++)
			bench_expect_free(&expect[c][i]);
	}
	free(workers);
	return ret;
}
