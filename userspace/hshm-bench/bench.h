/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hshm-bench: what the load generator (load.c), the response check
 * (check.c) and the command line, reports and plots (hshm-bench.c) share.
 */
#ifndef _HSHM_BENCH_H
#define _HSHM_BENCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <hshm/libhshm.h>

#include "hshm_qos.h"

/* Exit codes (also in --help and the manual page). */
#define EXIT_OK		0
#define EXIT_RUNTIME	1	/* device, netlink, file or gnuplot failure */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_LIMIT	3	/* --max-loss or --max-viol exceeded */

#define NR_CLASSES	HSHM_CLASS_COUNT
#define MAX_SIZES	8

struct hshm_peer_profile;

/* ---------------------------------------------------------- responses */

/*
 * What the peer of a profile answers to one request (check.c): computed
 * with the profile's services on a copy of the payload.
 */
struct bench_expect {
	uint8_t result;		/* HSHM_WIRE_RESULT_* */
	uint32_t length;	/* the completion's length */
	uint32_t cap;		/* the request's response_cap */
	uint8_t *bytes;		/* the response (length bytes, if it fits) */
};

enum bench_verdict {
	VERDICT_COMPLETED,	/* status 0 and the profile's response */
	VERDICT_FAILED,		/* no answer, or the failure the profile gives */
	VERDICT_BAD,		/* an answer other than the profile's */
};

/* The response_cap of a request of @len bytes: max(@len, 4). */
uint32_t bench_response_cap(uint32_t len);
/*
 * Fill @e with what the peer of @prof answers to @service on the @len
 * bytes at @payload (response_cap bench_response_cap(@len)).  0, or
 * -ENOMEM; bench_expect_free() it.
 */
int bench_expect_init(struct bench_expect *e,
		      const struct hshm_peer_profile *prof, uint16_t service,
		      const uint8_t *payload, uint32_t len);
void bench_expect_free(struct bench_expect *e);
/* Does the profile's peer give a response that fits (status 0)? */
bool bench_expect_ok(const struct bench_expect *e);
/* Judge completion @c, whose response buffer is @resp, against @e. */
enum bench_verdict bench_check(const struct bench_expect *e,
			       const struct hshm_completion *c,
			       const uint8_t *resp);

/* ---------------------------------------------------------- histogram */

/*
 * Latencies in ns, in common's log-linear histogram (hshm_hist_index())
 * with 6 sub-bits: values below 64 land in their own bucket, above that
 * each power of two has 64 buckets (error below 1/64 = 1.6%).
 */
#define HIST_SUB_BITS	6
#define HIST_BUCKETS	hshm_hist_nbuckets(HIST_SUB_BITS)

static_assert(HIST_SUB_BITS <= HSHM_HIST_SUB_BITS_MAX,
	      "common's histogram takes at most HSHM_HIST_SUB_BITS_MAX");

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t max;
	uint64_t b[HSHM_HIST_BUCKETS_MAX];	/* HIST_BUCKETS used */
};

void hist_add(struct hist *h, uint64_t v);
void hist_merge(struct hist *dst, const struct hist *src);
/* Value at quantile q (0..1): the upper bound of its bucket, capped at max. */
uint64_t hist_quantile(const struct hist *h, double q);
/* Upper bound (ns) of bucket i: hshm_hist_high() of this geometry. */
static inline uint64_t hist_bucket_high(unsigned int i)
{
	return hshm_hist_high(i, HIST_SUB_BITS);
}

/* ---------------------------------------------------------- load spec */

enum load_mode { MODE_CLOSED, MODE_POISSON, MODE_BURSTY };

struct size_mix {
	unsigned int n;
	uint32_t size[MAX_SIZES];
	unsigned int weight[MAX_SIZES];
	unsigned int total;		/* sum of the weights */
	uint32_t max;
};

struct class_spec {
	bool used;
	unsigned int cls;
	enum load_mode mode;
	unsigned int threads;		/* closed: worker threads */
	unsigned int depth;		/* closed: outstanding per thread */
	double rate;			/* open: requests/s (bursty: while on) */
	uint64_t on_ns, off_ns;		/* bursty periods */
	struct size_mix sizes;
	uint16_t service;
	uint32_t timeout_ms;		/* 0: the device's default */
	uint64_t count;			/* requests to send, 0: until the end */
	uint64_t target_ns;		/* SLA target, 0: none */
	char desc[160];			/* the spec as given, for reports */
};

struct bench_cfg {
	const char *device;
	int index;			/* hshmN of the device, -1: unknown */
	const struct hshm_peer_profile *profile;	/* whose answers count */
	double duration_s;		/* 0: until every count is done */
	uint64_t drain_ns;		/* longest wait for the last answers */
	uint64_t seed;
	bool progress;
	struct class_spec cls[NR_CLASSES];
};

/* ------------------------------------------------------------ results */

struct class_result {
	uint64_t attempted;	/* submissions tried */
	uint64_t accepted;	/* queued by the driver */
	uint64_t rejected;	/* refused at submission (EAGAIN, no slot...) */
	uint64_t completed;	/* status 0 and the response as expected */
	uint64_t failed;	/* no answer, or the failure the profile gives */
	uint64_t bad;		/* answered, but not as the profile's peer does */
	uint64_t unfinished;	/* no completion by the end of the drain */
	uint64_t shed, timedout;	/* among failed: -ETIME, -ETIMEDOUT */
	uint64_t violations;	/* completed above the target */
	uint64_t bytes;		/* payload bytes of the completed ones */
	uint64_t first_err;	/* errno of the first failure (0: none) */
	uint64_t elapsed_ns;	/* start to the last completion */
	/* the device's own view, from its netlink stats (0 without it) */
	uint64_t occ_samples;	/* samples taken during the load */
	uint64_t queued_sum;	/* sum of backlog over the samples */
	uint64_t at_peer_sum;	/* sum of in_flight over the samples */
	uint64_t queued_max;
	uint64_t dropped;	/* the driver's dropped (shed) count, delta */
	struct hist lat;	/* latency of the completed ones */
};

struct run_result {
	char scheduler[16];	/* as the device said at the start, or "-" */
	char weights[32];	/* the device's weights and reservations, or "-" */
	char reservations[32];
	double elapsed_s;
	struct class_result cls[NR_CLASSES];
};

/* Live counters for the progress line. */
struct live {
	atomic_ulong completed[NR_CLASSES];
	atomic_ulong failed[NR_CLASSES];
	atomic_ulong bad[NR_CLASSES];
};

/*
 * Run the load of @cfg once on a fresh set of handles and fill @res.
 * Returns 0, or a negative errno if the device could not be used (a
 * message has been printed).  @stop may be set (signals) to end early.
 */
int bench_run(const struct bench_cfg *cfg, struct run_result *res,
	      atomic_bool *stop);

uint64_t now_ns(void);

/* nl.c: the device over netlink */
struct hshm_nl_dev;

/* N of a /dev/hshmN (after symbolic links), or -1 */
int bench_dev_index(const char *device);
/* The device of @cfg as netlink has it now, or NULL (no such, no family) */
const struct hshm_nl_dev *bench_nl_dev(const struct bench_cfg *cfg);
/* Set its scheduler ("fifo" or "wrr"): 0 or an exit status (reported) */
int bench_nl_set_scheduler(const struct bench_cfg *cfg, const char *name);

#endif /* _HSHM_BENCH_H */
