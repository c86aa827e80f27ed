// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm ioctl behaviour: INFO, every service in every class through SUBMIT +
 * COMPLETE and through CALL (answers checked against an independent
 * implementation of what the peer's profile answers, hshm_ref.h), CANCEL,
 * poll/epoll readiness, timeouts, unknown services, short response buffers,
 * O_NONBLOCK, and who may use a file: only the address space that opened
 * it (not a fork() child, not a process it is passed to).
 */
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "hshm_test.h"
#include "hshm_ref.h"

#define GUARD		64
#define FILL		0xa5
#define MS		1000000ull

static const uint32_t sizes[] = { 1, 7, 128, 4096, 65536 };
static const uint8_t classes[] = {
	HSHM_CLASS_REALTIME, HSHM_CLASS_THROUGHPUT, HSHM_CLASS_RELIABLE,
	HSHM_CLASS_BEST_EFFORT, HSHM_CLASS_AUTO,
};

FIXTURE(ioctl)
{
	int fd;
	struct hshm_info info;
};

FIXTURE_SETUP(ioctl)
{
	hs_fixture_setup(_metadata, &self->fd, &self->info);
}

FIXTURE_TEARDOWN(ioctl)
{
	hs_fixture_teardown(self->fd, 10000);
}

/* One request and the buffers it owns. */
struct req {
	uint64_t id;
	uint16_t svc;
	uint8_t cls;
	uint32_t len;
	uint32_t cap;
	uint8_t *in;
	uint8_t *out;		/* cap + GUARD bytes, FILL before submit */
	bool done;
};

static int expected_class(uint8_t cls, uint16_t svc)
{
	return cls == HSHM_CLASS_AUTO ? hs_default_class(svc) : cls;
}

static uint32_t alloc_bytes(const struct req *r)
{
	uint32_t n = r->len > r->cap ? r->len : r->cap;

	return (n + 255) & ~255u;
}

static void req_init(struct req *r, uint16_t svc, uint8_t cls, uint32_t len,
		     uint64_t *seed)
{
	memset(r, 0, sizeof(*r));
	r->svc = svc;
	r->cls = cls;
	r->len = len;
	r->cap = ref_response_room(len);
	r->in = malloc(len);
	r->out = malloc(r->cap + GUARD);
	if (!r->in || !r->out)
		abort();
	hs_fill_random(r->in, len, seed);
	memset(r->out, FILL, r->cap + GUARD);
}

static void req_free(struct req *r)
{
	free(r->in);
	free(r->out);
	r->in = NULL;
	r->out = NULL;
}

static bool untouched(const uint8_t *p, size_t from, size_t to)
{
	for (; from < to; from++)
		if (p[from] != FILL)
			return false;
	return true;
}

/*
 * The completion of @r, checked against the reference: the result, status
 * and length the peer's profile gives, the response of a success (nothing
 * written past it), nothing copied for a failure.
 */
static void check_answer(struct __test_metadata *_metadata,
			 const struct req *r, const struct hshm_completion *c)
{
	uint8_t *exp = malloc(r->len + 4);
	uint32_t exp_len;
	int res;

	ASSERT_NE(NULL, exp);
	res = ref_profile_service(hs_profile(), r->svc, r->in, r->len, exp,
				  &exp_len);
	ASSERT_LE(0, res);
	EXPECT_EQ(r->id, c->id);
	EXPECT_EQ(r->svc, c->service_id);
	EXPECT_EQ(expected_class(r->cls, r->svc), c->qos_class);
	EXPECT_EQ(hs_result_status(res), c->status)
		TH_LOG("service %u class %u len %u: status %d", r->svc, r->cls,
		       r->len, c->status);
	EXPECT_EQ(res, c->result);
	EXPECT_EQ(exp_len, c->length);
	if (res == HSHM_WIRE_RESULT_SUCCESS) {
		EXPECT_EQ(0, memcmp(r->out, exp, exp_len))
			TH_LOG("service %u len %u: wrong response", r->svc,
			       r->len);
		/* nothing written past the response */
		EXPECT_TRUE(untouched(r->out, exp_len, r->cap + GUARD));
	} else {
		EXPECT_TRUE(untouched(r->out, 0, r->cap + GUARD));
	}
	EXPECT_LT(0ull, c->latency_ns);
	EXPECT_EQ(0u, c->reserved);
	free(exp);
}

static void prep_req(struct hshm_submit *s, const struct req *r,
		     uint64_t user_data)
{
	hs_prep(s, r->in, r->len, r->out, r->cap, r->svc, r->cls, user_data);
}

/*
 * Keeps at most 32 requests and 512 KiB of buffers outstanding on a blocking
 * fd (buffers stay allocated until reaped, so a single thread that only
 * submitted would wait for room forever).
 */
struct pipe {
	int fd;
	struct req *reqs;	/* indexed by user_data */
	unsigned int nreqs;
	unsigned int outstanding;
	uint64_t bytes;
};

static void pipe_reap(struct __test_metadata *_metadata, struct pipe *p,
		      uint32_t min)
{
	struct hshm_completion cs[64];
	uint32_t n, i;

	ASSERT_EQ(0, hs_complete(p->fd, cs, 64, min, 20000, &n));
	ASSERT_LE(min, n);
	for (i = 0; i < n; i++) {
		struct req *r;

		ASSERT_LT(cs[i].user_data, p->nreqs);
		r = &p->reqs[cs[i].user_data];
		ASSERT_FALSE(r->done) TH_LOG("completion %llu twice",
					     (unsigned long long)cs[i].user_data);
		check_answer(_metadata, r, &cs[i]);
		r->done = true;
		p->outstanding--;
		p->bytes -= alloc_bytes(r);
		req_free(r);
	}
}

static void pipe_submit(struct __test_metadata *_metadata, struct pipe *p,
			unsigned int i)
{
	struct req *r = &p->reqs[i];
	struct hshm_submit s;
	unsigned int k;

	while (p->outstanding >= 32 ||
	       (p->outstanding && p->bytes + alloc_bytes(r) > 512 * HS_KIB))
		pipe_reap(_metadata, p, 1);
	prep_req(&s, r, i);
	ASSERT_EQ(0, hs_submit(p->fd, &s));
	ASSERT_NE(0ull, s.id);
	/* ids of requests alive together differ */
	for (k = 0; k < p->nreqs; k++)
		if (k != i && p->reqs[k].in && !p->reqs[k].done) {
			ASSERT_NE(p->reqs[k].id, s.id);
		}
	r->id = s.id;
	p->outstanding++;
	p->bytes += alloc_bytes(r);
}

TEST_F(ioctl, info)
{
	struct hshm_info *in = &self->info;
	uint64_t v;
	unsigned int i;

	EXPECT_EQ((unsigned int)HSHM_ABI_VERSION, in->abi_version);
	EXPECT_EQ(1u, in->abi_version);
	EXPECT_EQ(4u, in->nr_classes);
	EXPECT_EQ(262144u, in->max_payload);
	EXPECT_EQ(256u, in->block_size);
	/* exactly one way of learning about completions */
	EXPECT_EQ(1, !!(in->features & HSHM_FEAT_IRQ) +
		     !!(in->features & HSHM_FEAT_POLL));
	EXPECT_EQ(0u, in->features & ~(HSHM_FEAT_IRQ | HSHM_FEAT_POLL));
	if (hs_have_loopback() && !hs_param_read_u64("loopback_irq", &v)) {
		EXPECT_EQ(v ? HSHM_FEAT_IRQ : HSHM_FEAT_POLL, in->features);
	}
	if (!hs_param_read_u64("max_requests", &v)) {
		EXPECT_EQ(v, in->max_requests);
	} else {
		EXPECT_LT(0u, in->max_requests);
	}
	ASSERT_EQ(0, hs_sysfs_read_u64("timeout_ms", &v));
	EXPECT_EQ(v, in->default_timeout_ms);
	EXPECT_EQ(hs_def_timeout_ms(), in->default_timeout_ms);
	ASSERT_EQ(0, hs_sysfs_read_u64("batch_max", &v));
	EXPECT_EQ(v, in->batch_max);
	EXPECT_EQ(32u, in->batch_max);
	for (i = 0; i < 7; i++) {
		EXPECT_EQ(0u, in->reserved[i]);
	}
	if (hs_scenario_loopback()) {
		EXPECT_EQ(255u, in->queue_entries);
		EXPECT_EQ(0x420000ull, in->region_size);
		EXPECT_EQ(2ull * HS_MIB - 256, in->data_size);
	} else {
		EXPECT_LT(0u, in->queue_entries);
		EXPECT_LE(in->data_size, in->region_size);
		EXPECT_LE(in->max_payload, in->data_size);
	}
	EXPECT_LE(in->batch_max, in->queue_entries);
}

/* INFO follows the sysfs knobs. */
TEST_F(ioctl, info_follows_sysfs)
{
	struct hshm_info in;

	ASSERT_EQ(0, hs_sysfs_write("timeout_ms", "1234"));
	ASSERT_EQ(0, hs_sysfs_write("batch_max", "7"));
	ASSERT_EQ(0, hs_info(self->fd, &in));
	EXPECT_EQ(1234u, in.default_timeout_ms);
	EXPECT_EQ(7u, in.batch_max);
}

/*
 * SUBMIT + COMPLETE: every service id of the reference set x every class
 * (and AUTO) x sizes, each answered as the peer's profile says.
 */
TEST_F_TIMEOUT(ioctl, services_submit_complete, 300)
{
	unsigned int nreqs = sizeof(classes) * HS_NR_SERVICES *
			     ARRAY_SIZE(sizes);
	struct pipe p = { .fd = self->fd, .nreqs = nreqs };
	unsigned int c, k, z, i = 0;
	uint64_t seed = 1;

	p.reqs = calloc(nreqs, sizeof(*p.reqs));
	ASSERT_NE(NULL, p.reqs);
	for (c = 0; c < sizeof(classes); c++)
		for (k = 0; k < HS_NR_SERVICES; k++)
			for (z = 0; z < ARRAY_SIZE(sizes); z++, i++) {
				req_init(&p.reqs[i], hs_services[k], classes[c],
					 sizes[z], &seed);
				pipe_submit(_metadata, &p, i);
			}
	while (p.outstanding)
		pipe_reap(_metadata, &p, 1);
	for (i = 0; i < nreqs; i++) {
		ASSERT_TRUE(p.reqs[i].done);
	}
	free(p.reqs);
}

/* The same through HSHM_CALL. */
TEST_F_TIMEOUT(ioctl, services_call, 300)
{
	unsigned int c, k, z;
	uint64_t seed = 2;

	for (c = 0; c < sizeof(classes); c++)
		for (k = 0; k < HS_NR_SERVICES; k++)
			for (z = 0; z < ARRAY_SIZE(sizes); z++) {
				struct hshm_call call;
				struct req r;

				req_init(&r, hs_services[k], classes[c],
					 sizes[z], &seed);
				memset(&call, 0, sizeof(call));
				prep_req(&call.submit, &r, 0x1234500000ull + z);
				ASSERT_EQ(0, hs_call(self->fd, &call));
				ASSERT_NE(0ull, call.submit.id);
				r.id = call.submit.id;
				EXPECT_EQ(0x1234500000ull + z,
					  call.completion.user_data);
				check_answer(_metadata, &r, &call.completion);
				req_free(&r);
			}
}

/* @payload through HSHM_CALL to every service id, class AUTO, checked. */
static void call_every_service(struct __test_metadata *_metadata, int fd,
			       const void *payload, uint32_t len)
{
	unsigned int k;

	for (k = 0; k < HS_NR_SERVICES; k++) {
		struct hshm_call call;
		struct req r;
		uint64_t seed = 3;

		req_init(&r, hs_services[k], HSHM_CLASS_AUTO, len, &seed);
		memcpy(r.in, payload, len);
		memset(&call, 0, sizeof(call));
		prep_req(&call.submit, &r, k);
		ASSERT_EQ(0, hs_call(fd, &call));
		r.id = call.submit.id;
		check_answer(_metadata, &r, &call.completion);
		req_free(&r);
	}
}

/* Text-shaped payloads exercise the letter shifts at the alphabet's ends. */
TEST_F(ioctl, services_text)
{
	static const char text[] = "Hello, World! azAZ {}[]@` xyz XYZ 0189";

	call_every_service(_metadata, self->fd, text, sizeof(text) - 1);
}

/*
 * ASCII hex payloads: what the seL4 server's print services (10-13) take
 * or refuse (V1-10: odd length with a trailing control character or not,
 * a non-hex digit, the 2048-byte limit); on hshm's peer more vectors.
 */
TEST_F(ioctl, services_hex)
{
	static const char *const hex[] = {
		"48656c6c6f", "48656C6C6F0a", "4869\n", "4869\r", "486",
		"48 69", "4g69",
	};
	static char big[2050];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hex); i++)
		call_every_service(_metadata, self->fd, hex[i],
				   strlen(hex[i]));
	/* 2048 digits pass, 2049 bytes fail even with a trailing LF */
	memset(big, 'a', sizeof(big));
	call_every_service(_metadata, self->fd, big, 2048);
	big[2048] = '\n';
	call_every_service(_metadata, self->fd, big, 2049);
	call_every_service(_metadata, self->fd, big, 2050);
}

/* A payload whose FNV-1a is 0: the generators seed with 1 instead. */
TEST_F(ioctl, services_zero_seed)
{
	static const uint8_t zero[5] = { 0x3d, 0x48, 0xf2, 0x00, 0xe2 };

	HS_REQUIRE_PROFILE_HSHM("the pseudo-random services");
	ASSERT_EQ(0u, ref_fnv1a(zero, sizeof(zero)));
	call_every_service(_metadata, self->fd, zero, sizeof(zero));
}

TEST_F(ioctl, unknown_service)
{
	static const uint16_t bad[] = { 0, 16, 17, 65, 67, 1000, 65535 };
	uint8_t in[32] = "unknown", out[64];
	uint32_t exp_len;
	unsigned int i;

	/* the seL4 server answers every id: nothing is unknown to it */
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (ref_profile_service(hs_profile(), bad[i], in, sizeof(in),
					out, &exp_len) !=
		    HSHM_WIRE_RESULT_NOSERVICE)
			SKIP(return, "the peer (%s) answers service %u: no id is unknown to it",
			     hs_profile(), bad[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct hshm_completion c;
		struct hshm_submit s;
		struct hshm_call call;
		uint32_t n;

		/* through SUBMIT + COMPLETE, class AUTO */
		hs_prep(&s, in, sizeof(in), out, sizeof(out), bad[i],
			HSHM_CLASS_AUTO, 77);
		ASSERT_EQ(0, hs_submit(self->fd, &s));
		ASSERT_EQ(0, hs_complete(self->fd, &c, 1, 1, 10000, &n));
		ASSERT_EQ(1u, n);
		EXPECT_EQ(s.id, c.id);
		EXPECT_EQ(-EOPNOTSUPP, c.status);
		EXPECT_EQ(HSHM_WIRE_RESULT_NOSERVICE, c.result);
		EXPECT_EQ(bad[i], c.service_id);
		EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, c.qos_class);
		EXPECT_EQ(77ull, c.user_data);

		/* through CALL, explicit class */
		memset(&call, 0, sizeof(call));
		hs_prep(&call.submit, in, sizeof(in), out, sizeof(out), bad[i],
			HSHM_CLASS_RELIABLE, 78);
		ASSERT_EQ(0, hs_call(self->fd, &call));
		EXPECT_EQ(-EOPNOTSUPP, call.completion.status);
		EXPECT_EQ(HSHM_WIRE_RESULT_NOSERVICE, call.completion.result);
		EXPECT_EQ(HSHM_CLASS_RELIABLE, call.completion.qos_class);
	}
}

/* A response longer than response_cap: -EMSGSIZE and nothing copied. */
TEST_F(ioctl, response_cap_too_small)
{
	uint8_t in[100], out[200];
	struct hshm_call call;

	memset(in, 'q', sizeof(in));
	memset(out, FILL, sizeof(out));
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 100, out, 50, hs_svc_echo(),
		HSHM_CLASS_REALTIME, 1);
	ASSERT_EQ(0, hs_call(self->fd, &call));
	EXPECT_EQ(-EMSGSIZE, call.completion.status);
	EXPECT_EQ(100u, call.completion.length);
	EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS, call.completion.result);
	EXPECT_TRUE(untouched(out, 0, sizeof(out)));

	/* no room at all */
	hs_prep(&call.submit, in, 10, NULL, 0, hs_svc_echo(),
		HSHM_CLASS_REALTIME, 3);
	ASSERT_EQ(0, hs_call(self->fd, &call));
	EXPECT_EQ(-EMSGSIZE, call.completion.status);
	EXPECT_EQ(10u, call.completion.length);

	/* exactly enough */
	hs_prep(&call.submit, in, 100, out, 100, hs_svc_echo(),
		HSHM_CLASS_REALTIME, 4);
	ASSERT_EQ(0, hs_call(self->fd, &call));
	EXPECT_EQ(0, call.completion.status);
	EXPECT_EQ(0, memcmp(in, out, 100));
	EXPECT_TRUE(untouched(out, 100, sizeof(out)));
}

/* A response longer than its request: a 4-byte hash into 3 bytes. */
TEST_F(ioctl, response_cap_hash)
{
	uint8_t in[10], out[16];
	struct hshm_call call;

	HS_REQUIRE_PROFILE_HSHM("a response longer than its payload");
	memset(in, 'q', sizeof(in));
	memset(out, FILL, sizeof(out));
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 10, out, 3, HSHM_SVC_CRC32,
		HSHM_CLASS_THROUGHPUT, 2);
	ASSERT_EQ(0, hs_call(self->fd, &call));
	EXPECT_EQ(-EMSGSIZE, call.completion.status);
	EXPECT_EQ(4u, call.completion.length);
	EXPECT_TRUE(untouched(out, 0, sizeof(out)));
}

/* A queued request is cancelled at once; the others are served. */
TEST_F(ioctl, cancel_queued)
{
	struct hshm_submit s[5];
	struct hshm_completion cs[8];
	struct hs_stats before, after;
	uint8_t in[16] = "cancel me", out[5][16];
	uint32_t n, i;

	HS_REQUIRE_COST();
	ASSERT_EQ(0, hs_cost(200 * MS, 0));
	ASSERT_EQ(0, hs_stats_read(&before));
	hs_prep(&s[0], in, 16, out[0], 16, hs_svc_echo(), HSHM_CLASS_REALTIME,
		0);
	ASSERT_EQ(0, hs_submit(self->fd, &s[0]));
	/* the first one is at the peer, so the next ones stay queued */
	ASSERT_EQ(0, hs_wait_in_flight(1, 5000));
	for (i = 1; i < 5; i++) {
		hs_prep(&s[i], in, 16, out[i], 16, hs_svc_echo(),
			HSHM_CLASS_REALTIME, i);
		ASSERT_EQ(0, hs_submit(self->fd, &s[i]));
	}
	ASSERT_EQ(0, hs_cancel(self->fd, s[4].id));
	ASSERT_EQ(0, hs_cancel(self->fd, s[2].id));
	/* complete but not reaped */
	EXPECT_EQ(-EALREADY, hs_cancel(self->fd, s[4].id));

	/* the cancelled ones come first, in the order they were cancelled */
	ASSERT_EQ(0, hs_complete(self->fd, cs, 2, 2, 10000, &n));
	ASSERT_EQ(2u, n);
	EXPECT_EQ(s[4].id, cs[0].id);
	EXPECT_EQ(4ull, cs[0].user_data);
	EXPECT_EQ(-ECANCELED, cs[0].status);
	EXPECT_EQ(s[2].id, cs[1].id);
	EXPECT_EQ(-ECANCELED, cs[1].status);
	/* reaped now */
	EXPECT_EQ(-ENOENT, hs_cancel(self->fd, s[4].id));

	ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 3, 20000, &n));
	ASSERT_EQ(3u, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, cs[i].status);
		EXPECT_NE(2ull, cs[i].user_data);
		EXPECT_NE(4ull, cs[i].user_data);
	}
	/* in service order */
	EXPECT_EQ(0ull, cs[0].user_data);
	EXPECT_EQ(1ull, cs[1].user_data);
	EXPECT_EQ(3ull, cs[2].user_data);
	EXPECT_EQ(0, memcmp(out[3], in, 16));

	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&after));
	EXPECT_EQ(5ull, hs_stats_sum(&after, HS_ST_SUBMITTED) -
			hs_stats_sum(&before, HS_ST_SUBMITTED));
	EXPECT_EQ(2ull, after.v[0][HS_ST_CANCELLED] -
			before.v[0][HS_ST_CANCELLED]);
	EXPECT_EQ(3ull, after.v[0][HS_ST_COMPLETED] -
			before.v[0][HS_ST_COMPLETED]);
}

/* A request at the peer: cancelled, and its buffer is never written. */
TEST_F(ioctl, cancel_at_peer)
{
	uint8_t in[64], out[64 + GUARD];
	struct hs_stats before, after;
	struct hshm_completion c;
	struct hshm_submit s;
	uint32_t n;

	HS_REQUIRE_COST();
	memset(in, 'p', sizeof(in));
	memset(out, FILL, sizeof(out));
	ASSERT_EQ(0, hs_cost(300 * MS, 0));
	ASSERT_EQ(0, hs_stats_read(&before));
	hs_prep(&s, in, 64, out, 64, hs_svc_echo(), HSHM_CLASS_RELIABLE, 9);
	ASSERT_EQ(0, hs_submit(self->fd, &s));
	ASSERT_EQ(0, hs_wait_in_flight(1, 5000));
	ASSERT_EQ(0, hs_cancel(self->fd, s.id));
	ASSERT_EQ(0, hs_complete(self->fd, &c, 1, 1, 10000, &n));
	ASSERT_EQ(1u, n);
	EXPECT_EQ(s.id, c.id);
	EXPECT_EQ(-ECANCELED, c.status);
	EXPECT_EQ(-ENOENT, hs_cancel(self->fd, s.id));
	/* once the peer is done with it, still nothing was copied */
	ASSERT_EQ(0, hs_wait_idle(10000));
	EXPECT_TRUE(untouched(out, 0, sizeof(out)));
	ASSERT_EQ(0, hs_complete(self->fd, &c, 1, 0, 0, &n));
	EXPECT_EQ(0u, n);
	ASSERT_EQ(0, hs_stats_read(&after));
	EXPECT_EQ(1ull, after.v[2][HS_ST_CANCELLED] -
			before.v[2][HS_ST_CANCELLED]);
	EXPECT_EQ(0ull, after.v[2][HS_ST_COMPLETED] -
			before.v[2][HS_ST_COMPLETED]);
}

TEST_F(ioctl, poll_readiness)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	uint8_t in[8] = "poll", out[8], exp[8];
	struct hshm_completion c;
	struct hshm_submit s;
	uint32_t n, exp_len;

	EXPECT_EQ(0, poll(&pfd, 1, 0));
	if (hs_have_loopback()) {
		ASSERT_EQ(0, hs_cost(200 * MS, 0));
	}
	hs_prep(&s, in, 8, out, 8, HSHM_SVC_REVERSE, HSHM_CLASS_AUTO, 5);
	ASSERT_EQ(0, hs_submit(self->fd, &s));
	if (hs_have_loopback()) {
		/* the peer takes 200 ms: not ready yet */
		EXPECT_EQ(0, poll(&pfd, 1, 0));
	}
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	ASSERT_EQ(0, hs_complete(self->fd, &c, 1, 0, 0, &n));
	ASSERT_EQ(1u, n);
	EXPECT_EQ(0, c.status);
	/* "\0\0\0\0llop" from hshm's peer, XOR 0x5A from a v1 peer */
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  ref_profile_service(hs_profile(), HSHM_SVC_REVERSE, in, 8,
				      exp, &exp_len));
	EXPECT_EQ(exp_len, c.length);
	EXPECT_EQ(0, memcmp(out, exp, 8));
	pfd.revents = 0;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

TEST_F(ioctl, epoll_readiness)
{
	struct epoll_event ev = { .events = EPOLLIN }, got;
	uint8_t in[8] = "epoll", out[8];
	struct hshm_completion c;
	struct hshm_submit s;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	uint32_t n;

	ASSERT_LE(0, ep);
	ev.data.u64 = 42;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0));
	hs_prep(&s, in, 8, out, 8, hs_svc_echo(), HSHM_CLASS_REALTIME, 6);
	ASSERT_EQ(0, hs_submit(self->fd, &s));
	ASSERT_EQ(1, epoll_wait(ep, &got, 1, 10000));
	EXPECT_EQ(42ull, got.data.u64);
	EXPECT_TRUE(!!(got.events & EPOLLIN));
	ASSERT_EQ(0, hs_complete(self->fd, &c, 1, 0, 0, &n));
	ASSERT_EQ(1u, n);
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0));
	close(ep);
}

/* The device's default timeout: the peer takes 300 ms, we wait 50. */
TEST_F(ioctl, timeout_default)
{
	uint8_t in[32], out[32 + GUARD];
	struct hs_stats before, after;
	struct hshm_call call;
	struct hshm_info info;

	HS_REQUIRE_COST();
	memset(in, 't', sizeof(in));
	memset(out, FILL, sizeof(out));
	ASSERT_EQ(0, hs_cost(300 * MS, 0));
	ASSERT_EQ(0, hs_stats_read(&before));
	ASSERT_EQ(0, hs_sysfs_write("timeout_ms", "50"));
	ASSERT_EQ(0, hs_info(self->fd, &info));
	EXPECT_EQ(50u, info.default_timeout_ms);
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 32, out, 32, hs_svc_echo(),
		HSHM_CLASS_REALTIME, 11);
	ASSERT_EQ(0, hs_call(self->fd, &call));
	EXPECT_EQ(-ETIMEDOUT, call.completion.status);
	EXPECT_LE(45 * MS, call.completion.latency_ns);
	EXPECT_GT(290 * MS, call.completion.latency_ns);
	/* the late answer is never copied */
	ASSERT_EQ(0, hs_wait_idle(10000));
	EXPECT_TRUE(untouched(out, 0, sizeof(out)));
	ASSERT_EQ(0, hs_stats_read(&after));
	EXPECT_EQ(1ull, after.v[0][HS_ST_FAILED] - before.v[0][HS_ST_FAILED]);
}

/* A request's own timeout overrides the default, 0 takes the default. */
TEST_F(ioctl, timeout_per_request)
{
	uint8_t in[32], out[32];
	struct hshm_call call;

	HS_REQUIRE_COST();
	memset(in, 'u', sizeof(in));
	ASSERT_EQ(0, hs_cost(300 * MS, 0));
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 32, out, 32, hs_svc_echo(),
		HSHM_CLASS_THROUGHPUT, 12);
	call.submit.timeout_ms = 50;
	ASSERT_EQ(0, hs_call(self->fd, &call));
	EXPECT_EQ(-ETIMEDOUT, call.completion.status);
	ASSERT_EQ(0, hs_wait_idle(10000));

	call.submit.timeout_ms = 0;
	ASSERT_EQ(0, hs_call(self->fd, &call));
	EXPECT_EQ(0, call.completion.status);
	EXPECT_LE(290 * MS, call.completion.latency_ns);
	EXPECT_EQ(0, memcmp(in, out, 32));
}

/*
 * The answer of a request that timed out belongs to nobody: reaped after
 * the peer has answered it, its completion still reports the timeout
 * with no length and no result (the dispatcher once wrote the peer's
 * length and result into the timed-out request, under its reaper).
 */
TEST_F(ioctl, timeout_then_answer)
{
	uint8_t in[32], out[32 + GUARD], out2[32];
	struct hshm_completion c;
	struct hshm_submit s;
	struct hshm_call call;
	uint32_t n;

	HS_REQUIRE_COST();
	memset(in, 'v', sizeof(in));
	memset(out, FILL, sizeof(out));
	ASSERT_EQ(0, hs_cost(300 * MS, 0));
	hs_prep(&s, in, 32, out, 32, hs_svc_echo(), HSHM_CLASS_RELIABLE, 13);
	s.timeout_ms = 50;
	ASSERT_EQ(0, hs_submit(self->fd, &s));
	/*
	 * The peer serves one hand-over at a time, in order: once this call
	 * is answered, the driver has seen the answer to the first request.
	 */
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 32, out2, 32, hs_svc_echo(),
		HSHM_CLASS_RELIABLE, 14);
	call.submit.timeout_ms = 10000;
	ASSERT_EQ(0, hs_call(self->fd, &call));
	ASSERT_EQ(0, call.completion.status);
	ASSERT_EQ(0, hs_complete(self->fd, &c, 1, 1, 5000, &n));
	ASSERT_EQ(1u, n);
	EXPECT_EQ(13ull, c.user_data);
	EXPECT_EQ(-ETIMEDOUT, c.status);
	EXPECT_EQ(0u, c.length);
	EXPECT_EQ(HSHM_WIRE_RESULT_NONE, c.result);
	EXPECT_TRUE(untouched(out, 0, sizeof(out)));
}

/* min_events and timeout_ms of COMPLETE. */
TEST_F(ioctl, complete_waits)
{
	uint8_t in[8] = "wait", out[4][8];
	struct hshm_completion cs[8];
	struct hshm_submit s;
	uint64_t t0, dt;
	uint32_t n, i;

	/* nothing outstanding: returns at once with nothing */
	t0 = hs_now_ns();
	ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 1, 10000, &n));
	EXPECT_EQ(0u, n);
	EXPECT_GT(5000 * MS, hs_now_ns() - t0);

	if (hs_have_loopback()) {
		ASSERT_EQ(0, hs_cost(300 * MS, 0));
		hs_prep(&s, in, 8, out[0], 8, hs_svc_echo(),
			HSHM_CLASS_REALTIME, 0);
		ASSERT_EQ(0, hs_submit(self->fd, &s));
		/* times out with nothing: 0 and count 0 */
		t0 = hs_now_ns();
		ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 1, 30, &n));
		dt = hs_now_ns() - t0;
		EXPECT_EQ(0u, n);
		EXPECT_LE(25 * MS, dt);
		EXPECT_GT(290 * MS, dt);
		ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 1, HSHM_WAIT_FOREVER,
					 &n));
		ASSERT_EQ(1u, n);
		EXPECT_EQ(s.id, cs[0].id);
		ASSERT_EQ(0, hs_cost(0, 0));
	}

	/* min_events above what is outstanding: ends when all are done */
	for (i = 0; i < 2; i++) {
		hs_prep(&s, in, 8, out[i], 8, hs_svc_echo(),
			HSHM_CLASS_REALTIME, i);
		ASSERT_EQ(0, hs_submit(self->fd, &s));
	}
	t0 = hs_now_ns();
	ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 5, 20000, &n));
	EXPECT_EQ(2u, n);
	EXPECT_GT(10000 * MS, hs_now_ns() - t0);
}

/* max_events bounds a reap; completions come in completion order. */
TEST_F(ioctl, complete_max_events)
{
	uint8_t in[8] = "max", out[5][8];
	struct hshm_completion cs[8];
	struct hshm_submit s;
	uint32_t n, i;

	for (i = 0; i < 5; i++) {
		hs_prep(&s, in, 8, out[i], 8, hs_svc_echo(),
			HSHM_CLASS_BEST_EFFORT, 100 + i);
		ASSERT_EQ(0, hs_submit(self->fd, &s));
	}
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_complete(self->fd, cs, 2, 0, 0, &n));
	ASSERT_EQ(2u, n);
	EXPECT_EQ(100ull, cs[0].user_data);
	EXPECT_EQ(101ull, cs[1].user_data);
	ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 0, 0, &n));
	ASSERT_EQ(3u, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(102ull + i, cs[i].user_data);
	}
	ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 0, 0, &n));
	EXPECT_EQ(0u, n);
}

/* One HSHM_SUBMIT_BATCH of @n entries; its return (0 or -errno). */
static int submit_batch(int fd, struct hshm_submit *subs, uint32_t n,
			uint32_t *submitted)
{
	struct hshm_submit_batch b;

	memset(&b, 0, sizeof(b));
	b.submits = (uintptr_t)subs;
	b.count = n;
	b.submitted = 0xdead;
	if (ioctl(fd, HSHM_SUBMIT_BATCH, &b))
		return -errno;
	*submitted = b.submitted;
	return 0;
}

/*
 * HSHM_SUBMIT_BATCH submits its entries in order, writes each id back and
 * the count; a batch stops at the first entry refused, whose error it
 * returns only when it is the first; its own argument is checked whole.
 */
TEST_F(ioctl, submit_batch)
{
	uint8_t in[6][16], out[6][16];
	struct hshm_completion cs[8];
	struct hshm_submit subs[6];
	struct hshm_submit_batch b;
	uint32_t n = 0, i, got = 0;

	for (i = 0; i < 6; i++) {
		memset(in[i], 'A' + i, sizeof(in[i]));
		memset(out[i], 0, sizeof(out[i]));
		hs_prep(&subs[i], in[i], sizeof(in[i]), out[i], sizeof(out[i]),
			hs_svc_echo(), i % HS_NR_CLASSES, 200 + i);
		subs[i].id = 0;
	}
	ASSERT_EQ(0, submit_batch(self->fd, subs, 4, &n));
	EXPECT_EQ(4u, n);
	for (i = 0; i < 4; i++) {
		EXPECT_NE(0ull, subs[i].id);
		if (i)
			EXPECT_NE(subs[i - 1].id, subs[i].id);
	}
	/* entry 1 of the next is refused: the first goes, the rest do not */
	subs[5].flags = 1;
	ASSERT_EQ(0, submit_batch(self->fd, &subs[4], 2, &n));
	EXPECT_EQ(1u, n);
	EXPECT_EQ(0ull, subs[5].id);
	/* refused first: its error, nothing submitted */
	EXPECT_EQ(-EINVAL, submit_batch(self->fd, &subs[5], 1, &n));
	subs[5].flags = 0;
	while (got < 5) {
		ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 1, 10000, &n));
		ASSERT_LT(0u, n);
		for (i = 0; i < n; i++) {
			unsigned int k = (unsigned int)(cs[i].user_data - 200);

			ASSERT_GT(5u, k);
			EXPECT_EQ(subs[k].id, cs[i].id);
			EXPECT_EQ(0, cs[i].status);
			EXPECT_EQ(0, memcmp(in[k], out[k], sizeof(in[k])));
		}
		got += n;
	}
	ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 0, 0, &n));
	EXPECT_EQ(0u, n);
	/* the argument itself */
	EXPECT_EQ(-EINVAL, submit_batch(self->fd, subs, 0, &n));
	EXPECT_EQ(-EINVAL, submit_batch(self->fd, subs, 1025, &n));
	memset(&b, 0, sizeof(b));
	b.submits = (uintptr_t)subs;
	b.count = 1;
	b.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, HSHM_SUBMIT_BATCH, &b));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EFAULT, submit_batch(self->fd, (void *)8, 2, &n));
	EXPECT_EQ(-1, ioctl(self->fd, HSHM_SUBMIT_BATCH, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 0, 0, &n));
	EXPECT_EQ(0u, n) TH_LOG("a refused batch queued something");
}

/* Failed checks of foreign_use(), as its exit status. */
#define FOREIGN_SUBMIT	0x01
#define FOREIGN_CALL	0x02
#define FOREIGN_COMPLETE 0x04
#define FOREIGN_CANCEL	0x08
#define FOREIGN_INFO	0x10
#define FOREIGN_POLL	0x20
#define FOREIGN_WRITTEN	0x40
#define FOREIGN_OWN	0x80

/*
 * In another address space holding the owner's file @fd, whose request @id
 * is answered and not reaped, with the owner's response buffer at @out (a
 * copy here, FILL everywhere): what may and may not be done.
 */
static int foreign_use(int fd, uint64_t id, const uint8_t *out, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t in[16] = "not mine", resp[16];
	struct hshm_completion c;
	struct hshm_info info;
	struct hshm_call call;
	struct hshm_submit s;
	int bad = 0, own;
	uint32_t n = 0;
	size_t i;

	hs_prep(&s, in, sizeof(in), resp, sizeof(resp), hs_svc_echo(),
		HSHM_CLASS_REALTIME, 1);
	if (hs_submit(fd, &s) != -EPERM ||
	    submit_batch(fd, &s, 1, &n) != -EPERM)
		bad |= FOREIGN_SUBMIT;
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, sizeof(in), resp, sizeof(resp),
		hs_svc_echo(), HSHM_CLASS_REALTIME, 2);
	if (hs_call(fd, &call) != -EPERM)
		bad |= FOREIGN_CALL;
	if (hs_complete(fd, &c, 1, 0, 0, &n) != -EPERM || n ||
	    hs_complete(fd, &c, 1, 1, 1000, &n) != -EPERM || n)
		bad |= FOREIGN_COMPLETE;
	if (hs_cancel(fd, id) != -EPERM)
		bad |= FOREIGN_CANCEL;
	if (hs_info(fd, &info) || info.abi_version != HSHM_ABI_VERSION)
		bad |= FOREIGN_INFO;
	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLERR))
		bad |= FOREIGN_POLL;
	for (i = 0; i < len; i++)
		if (out[i] != FILL)
			bad |= FOREIGN_WRITTEN;
	/* what it may do: open the device itself */
	own = hs_open(0);
	if (own < 0 || hs_echo_call(own, 10000))
		bad |= FOREIGN_OWN;
	if (own >= 0)
		close(own);
	return bad;
}

/* The owner reaps request @id afterwards, with the echo of @in in @out. */
static void owner_reaps(struct __test_metadata *_metadata, int fd,
			uint64_t id, const uint8_t *in, const uint8_t *out,
			uint32_t len)
{
	struct hshm_completion c;
	uint32_t n;

	ASSERT_EQ(0, hs_complete(fd, &c, 1, 1, 10000, &n));
	ASSERT_EQ(1u, n);
	EXPECT_EQ(id, c.id);
	EXPECT_EQ(0, c.status);
	EXPECT_EQ(len, c.length);
	EXPECT_EQ(0, memcmp(out, in, len));
	EXPECT_EQ(FILL, out[len]);
}

static void foreign_status(struct __test_metadata *_metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("failed in the other process: 0x%x (1 submit, 2 call, "
		       "4 complete, 8 cancel, 10 info, 20 poll, 40 its buffer "
		       "written, 80 its own open)", WEXITSTATUS(status));
}

/* One thread's loop of HSHM_CALLs on a shared file. */
struct caller {
	int fd;
	unsigned int n, ok, bad;
};

static void *call_loop(void *arg)
{
	struct caller *c = arg;
	char in[24], out[24];
	struct hshm_call call;
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		snprintf(in, sizeof(in), "call %u", i);
		memset(&call, 0, sizeof(call));
		hs_prep(&call.submit, in, sizeof(in), out, sizeof(out),
			hs_svc_echo(), HSHM_CLASS_REALTIME, 0xca110000u + i);
		call.submit.timeout_ms = 20000;
		if (hs_call(c->fd, &call) || call.completion.status ||
		    call.completion.user_data != 0xca110000u + i ||
		    memcmp(in, out, sizeof(in)))
			c->bad++;
		else
			c->ok++;
	}
	return NULL;
}

/*
 * HSHM_CALL and SUBMIT/COMPLETE on one file from two threads: a call's
 * completion goes to its caller only (it is on none of the file's lists),
 * and COMPLETE hands out exactly the submitted requests, each once.
 */
TEST_F_TIMEOUT(ioctl, call_and_complete_share_a_file, 120)
{
	struct caller c = { .fd = self->fd, .n = 200 };
	static char in[200][16], out[200][16];
	struct hshm_completion comp[16];
	unsigned int i, got = 0, seen[200] = { 0 };
	struct hshm_submit s;
	pthread_t th;
	uint32_t n;

	ASSERT_EQ(0, pthread_create(&th, NULL, call_loop, &c));
	for (i = 0; i < 200; i++) {
		snprintf(in[i], sizeof(in[i]), "submit %u", i);
		hs_prep(&s, in[i], sizeof(in[i]), out[i], sizeof(out[i]),
			hs_svc_echo(), HSHM_CLASS_THROUGHPUT, i);
		s.timeout_ms = 20000;
		ASSERT_EQ(0, hs_submit(self->fd, &s));
		/* reap as we go, at most what is there */
		ASSERT_EQ(0, hs_complete(self->fd, comp, 16, 0, 0, &n));
		for (; n; n--, got++) {
			ASSERT_GT(200ull, comp[n - 1].user_data)
				TH_LOG("COMPLETE returned a call's completion");
			seen[comp[n - 1].user_data]++;
		}
	}
	while (got < 200) {
		ASSERT_EQ(0, hs_complete(self->fd, comp, 16, 1, 20000, &n));
		ASSERT_LT(0u, n);
		for (; n; n--, got++) {
			ASSERT_GT(200ull, comp[n - 1].user_data)
				TH_LOG("COMPLETE returned a call's completion");
			EXPECT_EQ(0, comp[n - 1].status);
			seen[comp[n - 1].user_data]++;
		}
	}
	pthread_join(th, NULL);
	for (i = 0; i < 200; i++) {
		EXPECT_EQ(1u, seen[i]) TH_LOG("request %u", i);
		EXPECT_EQ(0, memcmp(in[i], out[i], sizeof(in[i])));
	}
	EXPECT_EQ(200u, c.ok);
	EXPECT_EQ(0u, c.bad);
}

/* A fork() child has the file but not its requests. */
TEST_F(ioctl, fork_child_cannot_reap)
{
	uint8_t in[32], out[32 + GUARD];
	struct hshm_submit s;
	pid_t pid;

	memset(in, 'o', sizeof(in));
	memset(out, FILL, sizeof(out));
	hs_prep(&s, in, sizeof(in), out, sizeof(in), hs_svc_echo(),
		HSHM_CLASS_REALTIME, 21);
	ASSERT_EQ(0, hs_submit(self->fd, &s));
	/* answered: only the reaping is left */
	ASSERT_EQ(0, hs_wait_idle(10000));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(foreign_use(self->fd, s.id, out, sizeof(out)));
	foreign_status(_metadata, pid);
	owner_reaps(_metadata, self->fd, s.id, in, out, sizeof(in));
}

/* A message of one request id and room for one passed file. */
static void fd_msg(struct msghdr *mh, struct iovec *iov, uint64_t *id,
		   uint8_t *cbuf, size_t clen)
{
	memset(mh, 0, sizeof(*mh));
	iov->iov_base = id;
	iov->iov_len = sizeof(*id);
	mh->msg_iov = iov;
	mh->msg_iovlen = 1;
	mh->msg_control = cbuf;
	mh->msg_controllen = clen;
}

/* Neither has a process the file is passed to with SCM_RIGHTS. */
TEST_F(ioctl, passed_fd_cannot_reap)
{
	uint8_t in[32], out[32 + GUARD], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr mh;
	struct cmsghdr *cm;
	struct hshm_submit s;
	uint64_t id = 0;
	int sv[2], fd;
	pid_t pid;

	memset(in, 'p', sizeof(in));
	memset(out, FILL, sizeof(out));
	fd = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (fd && errno == EAFNOSUPPORT)
		SKIP(return, "no AF_UNIX sockets in this kernel");
	ASSERT_EQ(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		close(self->fd);
		fd_msg(&mh, &iov, &id, cbuf, sizeof(cbuf));
		if (recvmsg(sv[1], &mh, 0) != sizeof(id))
			_exit(0xff);
		cm = CMSG_FIRSTHDR(&mh);
		if (!cm || cm->cmsg_type != SCM_RIGHTS)
			_exit(0xfe);
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		_exit(foreign_use(fd, id, out, sizeof(out)));
	}
	close(sv[1]);
	/* opened after the fork: the child never had it until it is sent */
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	hs_prep(&s, in, sizeof(in), out, sizeof(in), hs_svc_echo(),
		HSHM_CLASS_RELIABLE, 22);
	ASSERT_EQ(0, hs_submit(fd, &s));
	ASSERT_EQ(0, hs_wait_idle(10000));
	id = s.id;
	fd_msg(&mh, &iov, &id, cbuf, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	ASSERT_EQ((ssize_t)sizeof(id), sendmsg(sv[0], &mh, 0));
	foreign_status(_metadata, pid);
	close(sv[0]);
	owner_reaps(_metadata, fd, s.id, in, out, sizeof(in));
	close(fd);
}

/*
 * O_NONBLOCK: EAGAIN when the class has no room; a blocking fd waits for
 * room instead, interruptibly, and gets it once room comes back.
 */
TEST_F_TIMEOUT(ioctl, nonblock, 120)
{
	uint8_t in[16] = "nonblock", out[16];
	struct hshm_call call;
	struct hshm_submit s;
	unsigned int i, ok = 0;
	int nb, ret = 0;

	HS_REQUIRE_COST();
	ASSERT_EQ(0, hs_cost(50 * MS, 0));
	nb = hs_open(O_NONBLOCK);
	ASSERT_LE(0, nb);
	for (i = 0; i <= self->info.max_requests; i++) {
		hs_prep(&s, in, 16, out, 16, hs_svc_echo(),
			HSHM_CLASS_BEST_EFFORT, i);
		ret = hs_submit(nb, &s);
		if (ret)
			break;
		ok++;
	}
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_LT(0u, ok);
	EXPECT_GE(self->info.max_requests, ok);

	/* the blocking fd waits, and a signal ends the wait */
	hs_arm_alarm_ms(200);
	hs_prep(&s, in, 16, out, 16, hs_svc_echo(), HSHM_CLASS_BEST_EFFORT, 0);
	ret = hs_submit(self->fd, &s);
	EXPECT_EQ(-EINTR, ret);
	EXPECT_EQ(1, hs_alarms);

	/* room comes back when the flood goes away */
	ASSERT_EQ(0, hs_cost(0, 0));
	close(nb);
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 16, out, 16, hs_svc_echo(),
		HSHM_CLASS_BEST_EFFORT, 1);
	ASSERT_EQ(0, hs_call(self->fd, &call));
	EXPECT_EQ(0, call.completion.status);
	EXPECT_EQ(0, memcmp(in, out, 16));
	ASSERT_EQ(0, hs_wait_idle(20000));
}

HS_HARNESS_MAIN
