// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm against a hostile peer.  hshm-peer's test hook 0xfff2 switches one
 * of its --hostile modes on for a bounded time; this test keeps traffic
 * going meanwhile and then checks the driver's promises:
 *
 * - every accepted request completes exactly once, with status 0 or one
 *   of the errors a broken peer may cause (-ETIMEDOUT, -ECONNRESET of a
 *   heal, -EPROTO, -EREMOTEIO; never -EIO, the driver's own bug), and
 *   never much later than its timeout;
 * - every successful response is the reference service's answer;
 * - the counters balance, bad_replies is the sum of the faults it stands
 *   for, and the fault counters (or heals) of the mode's kinds moved;
 * - the peer did inject faults (hook 0xfff3), and once the mode is over
 *   the device works normally again.
 *
 * Runs where hshm-peer serves the device with --test-hooks
 * (HSHM_PEER_HOOKS=1: the ivshmem scenarios) as the hshm profile (the
 * hostile modes and the hooks but 0xfff0 and 0xfff1 are that profile's,
 * and the answers are checked against hshm's services); "vanish" only
 * where the peer is restarted (HSHM_PEER_RESTART=1).  Skips elsewhere.
 */
#include "kselftest_harness.h"
#include "hshm_test.h"
#include "hshm_ref.h"

#define PEER_SVC_HOSTILE	0xfff2
#define PEER_SVC_HOSTILE_STATS	0xfff3
#define INFLIGHT		16
#define MAX_LEN			192
#define REQ_TIMEOUT_MS		500	/* unless the mode says otherwise */
#define CHAN_TIMEOUT_MS		1000	/* the heal deadline of a batch */
/* A completion may come this much after its timeout under TCG. */
#define LATE_SLACK_MS		3000

/* indexes of hs_fault_names (hshm_test.h) */
enum {
	F_BAD_FLAG, F_BAD_LENGTH, F_BAD_RESULT, F_SKIPPED, F_BAD_MARK,
	F_SPURIOUS, F_BAD_HEADER, F_NR,
};
_Static_assert(F_NR == HS_NR_FAULTS, "one index per faults/ file");

#define FB(k)		(1u << (k))

struct slot {
	bool used;
	uint64_t id;
	uint16_t svc;
	uint32_t len, cap;
	uint64_t t_submit;
	uint8_t in[MAX_LEN];
	uint8_t out[MAX_LEN + 64];
};

struct tally {
	unsigned int submitted, ok, timedout, reset, eproto, eremoteio;
};

FIXTURE(hostile)
{
	int fd;
};

/**
 * Per mode: how long it is on, the percent of opportunities it takes,
 * the driver fault kinds of which at least one must move (0: none is
 * required), whether heals must move, whether -EREMOTEIO answers (the
 * peer refusing what it broke) count instead of faults, the requests'
 * timeout (0: REQ_TIMEOUT_MS) and the fewest -ECONNRESET completions
 * (requests a heal failed) expected.
 */
FIXTURE_VARIANT(hostile)
{
	const char *mode;
	unsigned int ms, rate;
	unsigned int faults;
	bool heals, remoteio, restart_only;
	unsigned int timeout_ms, min_reset;
};

FIXTURE_VARIANT_ADD(hostile, corrupt_header) {
	.mode = "corrupt-header", .ms = 1500, .rate = 60,
	.faults = FB(F_BAD_HEADER),
};

FIXTURE_VARIANT_ADD(hostile, corrupt_entries) {
	.mode = "corrupt-entries", .ms = 1500, .rate = 60,
	.faults = FB(F_SKIPPED) | FB(F_SPURIOUS),
};

FIXTURE_VARIANT_ADD(hostile, corrupt_flags) {
	.mode = "corrupt-flags", .ms = 1500, .rate = 30,
	.faults = FB(F_BAD_FLAG) | FB(F_BAD_RESULT),
};

FIXTURE_VARIANT_ADD(hostile, corrupt_lengths) {
	.mode = "corrupt-lengths", .ms = 1500, .rate = 30,
	.faults = FB(F_BAD_LENGTH),
};

FIXTURE_VARIANT_ADD(hostile, corrupt_offsets) {
	.mode = "corrupt-offsets", .ms = 1500, .rate = 50,
	.remoteio = true,
};

FIXTURE_VARIANT_ADD(hostile, loop) {
	.mode = "loop", .ms = 1500, .rate = 50,
	.faults = FB(F_SPURIOUS), .remoteio = true,
};

FIXTURE_VARIANT_ADD(hostile, answer_twice) {
	.mode = "answer-twice", .ms = 1500, .rate = 60,
	.faults = FB(F_SPURIOUS),
};

FIXTURE_VARIANT_ADD(hostile, answer_unsent) {
	.mode = "answer-unsent", .ms = 1500, .rate = 60,
	.faults = FB(F_SPURIOUS),
};

FIXTURE_VARIANT_ADD(hostile, never_answer) {
	.mode = "never-answer", .ms = 2500, .rate = 100,
	.heals = true,
	/* Longer than the batch deadline: the heal fails them (-ECONNRESET). */
	.timeout_ms = 2000, .min_reset = 1,
};

FIXTURE_VARIANT_ADD(hostile, flip_mark) {
	.mode = "flip-mark", .ms = 2500, .rate = 50,
	.faults = FB(F_SKIPPED) | FB(F_BAD_MARK),
};

FIXTURE_VARIANT_ADD(hostile, vanish) {
	.mode = "vanish", .ms = 1000, .rate = 10,
	.restart_only = true,
};

static bool restart_scenario(void)
{
	return !strcmp(hs_env("HSHM_PEER_RESTART", "0"), "1");
}

/* hshm-peer with its test hooks, playing the hshm profile. */
static bool hostile_peer(void)
{
	return hs_peer_hooks() && hs_profile_is_hshm();
}

static bool runs(const FIXTURE_VARIANT(hostile) *v)
{
	return hostile_peer() && (!v->restart_only || restart_scenario());
}

/* The 6.1 harness runs the body after a SKIP in setup: skip there. */
FIXTURE_SETUP(hostile)
{
	self->fd = -1;
	if (!runs(variant))
		return;
	hs_restore_defaults();
	ASSERT_EQ(0, hs_wait_idle(30000));
	ASSERT_EQ(0, hs_sysfs_write_u64("timeout_ms", CHAN_TIMEOUT_MS));
	self->fd = hs_open(0);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, hs_peer_set_cost(0, 0));
}

FIXTURE_TEARDOWN(hostile)
{
	if (self->fd >= 0)
		close(self->fd);
	hs_restore_defaults();
}

/* A call to one of hshm-peer's test services. */
static int peer_call(int fd, uint16_t svc, const char *in, char *out,
		     uint32_t cap, uint32_t *out_len)
{
	struct hshm_call c;
	char dummy = 0;
	int ret;

	memset(&c, 0, sizeof(c));
	hs_prep(&c.submit, in ? in : &dummy, in ? strlen(in) : 1, out, cap,
		svc, HSHM_CLASS_REALTIME, 0);
	c.submit.timeout_ms = 10000;
	ret = hs_call(fd, &c);
	if (ret)
		return ret;
	if (out_len)
		*out_len = c.completion.length;
	return c.completion.status;
}

/* Faults hshm-peer injected so far in @mode (hook 0xfff3). */
static int peer_injected(int fd, const char *mode, unsigned long long *n)
{
	char buf[1024], name[64], *line;
	uint32_t len = 0;
	int ret;

	ret = peer_call(fd, PEER_SVC_HOSTILE_STATS, NULL, buf, sizeof(buf) - 1,
			&len);
	if (ret)
		return ret;
	buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
	for (line = buf; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		unsigned long long v;

		if (sscanf(line, "%63s %llu", name, &v) == 2 &&
		    !strcmp(name, mode)) {
			*n = v;
			return 0;
		}
	}
	return -ENOENT;
}

static int read_faults(unsigned long long *f, unsigned long long *heals,
		       unsigned long long *bad_replies)
{
	unsigned int k;
	uint64_t v;

	for (k = 0; k < F_NR; k++) {
		if (hs_fault_read(hs_fault_names[k], &v))
			return -EPROTO;
		f[k] = v;
	}
	if (hs_sysfs_read_u64("heals", &v))
		return -EPROTO;
	*heals = v;
	if (hs_sysfs_read_u64("bad_replies", &v))
		return -EPROTO;
	*bad_replies = v;
	return 0;
}

static unsigned int req_timeout;

static void submit_one(struct __test_metadata *_metadata, int fd,
		       struct slot *s, uint64_t *rng, struct tally *t,
		       unsigned int i)
{
	struct hshm_submit sub;
	int ret;

	s->svc = hs_services[hs_rand(rng) % HS_NR_SERVICES];
	s->len = 1 + hs_rand(rng) % MAX_LEN;
	s->cap = ref_response_room(s->len) + hs_rand(rng) % 64;
	hs_fill_random(s->in, s->len, rng);
	memset(s->out, 0x5a, sizeof(s->out));
	hs_prep(&sub, s->in, s->len, s->out, s->cap, s->svc, HSHM_CLASS_AUTO, i);
	sub.timeout_ms = req_timeout;
	s->t_submit = hs_now_ns();
	ret = hs_submit(fd, &sub);
	ASSERT_EQ(0, ret) TH_LOG("submit: %s", strerror(-ret));
	s->id = sub.id;
	s->used = true;
	t->submitted++;
}

/* One completion: exactly once, in time, a status a broken peer may cause,
 * and the reference's answer when it says success.
 */
static void check_one(struct __test_metadata *_metadata, struct slot *slots,
		      const struct hshm_completion *c, struct tally *t)
{
	uint8_t exp[MAX_LEN + 4];
	uint32_t exp_len;
	uint64_t u = c->user_data, late_ms;
	struct slot *s;

	ASSERT_GT((uint64_t)INFLIGHT, u);
	s = &slots[u];
	ASSERT_TRUE(s->used) TH_LOG("slot %llu completed twice", (unsigned long long)u);
	ASSERT_EQ(s->id, c->id);
	s->used = false;
	late_ms = (hs_now_ns() - s->t_submit) / 1000000;
	EXPECT_GT((uint64_t)req_timeout + LATE_SLACK_MS, late_ms)
		TH_LOG("completed %llu ms after submit",
		       (unsigned long long)late_ms);
	switch (c->status) {
	case 0:
		ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  ref_service(s->svc, s->in, s->len, exp, &exp_len));
		ASSERT_EQ(exp_len, c->length) TH_LOG("service %u", s->svc);
		ASSERT_EQ(0, memcmp(exp, s->out, exp_len))
			TH_LOG("service %u: wrong response", s->svc);
		/* Nothing written past the response. */
		ASSERT_EQ(0x5a, s->out[exp_len]);
		t->ok++;
		break;
	case -ETIMEDOUT:
		t->timedout++;
		break;
	case -ECONNRESET:
		t->reset++;
		break;
	case -EPROTO:
		t->eproto++;
		break;
	case -EREMOTEIO:
		t->eremoteio++;
		break;
	default:
		ASSERT_EQ(0, c->status) TH_LOG("unexpected status %d", c->status);
	}
}

static void reap(struct __test_metadata *_metadata, int fd,
		 struct slot *slots, struct tally *t, unsigned int *inflight,
		 uint32_t min, uint32_t timeout_ms)
{
	struct hshm_completion comp[INFLIGHT];
	uint32_t n, i;

	ASSERT_EQ(0, hs_complete(fd, comp, INFLIGHT, min, timeout_ms, &n));
	if (min)
		ASSERT_LT(0U, n) TH_LOG("no completion in %u ms: a hang",
					timeout_ms);
	for (i = 0; i < n; i++)
		check_one(_metadata, slots, &comp[i], t);
	*inflight -= n;
}

/* Until the device answers an echo right again (a vanished peer returns). */
static int wait_normal(int fd, unsigned int max_ms)
{
	uint64_t end = hs_now_ns() + (uint64_t)max_ms * 1000000ull;
	char in[32] = "are you yourself again?", out[32];
	struct hshm_call c;
	int ret;

	do {
		memset(&c, 0, sizeof(c));
		memset(out, 0, sizeof(out));
		hs_prep(&c.submit, in, sizeof(in), out, sizeof(out),
			HSHM_SVC_ECHO, HSHM_CLASS_AUTO, 0);
		c.submit.timeout_ms = 1000;
		ret = hs_call(fd, &c);
		if (!ret)
			ret = c.completion.status;
		if (!ret && (c.completion.length != sizeof(in) ||
			     memcmp(in, out, sizeof(in))))
			return -EBADMSG;
		if (!ret)
			return 0;
	} while (hs_now_ns() < end);
	return ret;
}

TEST_F_TIMEOUT(hostile, traffic, 120)
{
	unsigned long long f0[F_NR], f1[F_NR], heals0, heals1, br0, br1;
	unsigned long long inj0 = 0, inj1 = 0, moved = 0;
	struct slot slots[INFLIGHT];
	struct hs_stats st0, st1;
	struct tally t = { 0 };
	unsigned int inflight = 0, i, k;
	uint64_t rng = 0x5eed0000 + variant->rate, t0, end;
	char cmd[96];

	if (!runs(variant))
		SKIP(return, "needs hshm-peer with test hooks, profile hshm (peer: %s)%s",
		     hs_profile(), variant->restart_only ? ", restarted" : "");
	memset(slots, 0, sizeof(slots));
	req_timeout = variant->timeout_ms ?: REQ_TIMEOUT_MS;
	ASSERT_EQ(0, wait_normal(self->fd, 5000));
	ASSERT_EQ(0, peer_injected(self->fd, variant->mode, &inj0));
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&st0));
	ASSERT_EQ(0, read_faults(f0, &heals0, &br0));

	snprintf(cmd, sizeof(cmd), "%s %u %u", variant->mode, variant->ms,
		 variant->rate);
	ASSERT_EQ(0, peer_call(self->fd, PEER_SVC_HOSTILE, cmd, NULL, 0, NULL));
	t0 = hs_now_ns();
	end = t0 + variant->ms * 1000000ull;
	while (hs_now_ns() < end) {
		for (i = 0; i < INFLIGHT && inflight < INFLIGHT; i++) {
			if (slots[i].used)
				continue;
			submit_one(_metadata, self->fd, &slots[i], &rng, &t, i);
			inflight++;
		}
		reap(_metadata, self->fd, slots, &t, &inflight, 1,
		     req_timeout + LATE_SLACK_MS);
	}
	while (inflight)
		reap(_metadata, self->fd, slots, &t, &inflight, 1,
		     req_timeout + LATE_SLACK_MS);
	for (i = 0; i < INFLIGHT; i++)
		ASSERT_FALSE(slots[i].used) TH_LOG("slot %u never completed", i);

	/* The mode is over on the peer's side; the device recovers. */
	while (hs_now_ns() < end + 300 * 1000000ull)
		hs_sleep_ms(20);
	ASSERT_EQ(0, wait_normal(self->fd, 30000))
		TH_LOG("the device did not recover");
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, wait_normal(self->fd, 2000));
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&st1));
	ASSERT_EQ(0, read_faults(f1, &heals1, &br1));
	if (!variant->restart_only)
		ASSERT_EQ(0, peer_injected(self->fd, variant->mode, &inj1));

	TH_LOG("%s: %u requests: %u ok, %u timed out, %u ECONNRESET, %u EPROTO, %u EREMOTEIO; peer injected %llu",
	       variant->mode, t.submitted, t.ok, t.timedout, t.reset, t.eproto,
	       t.eremoteio, inj1 - inj0);
	TH_LOG("%s: driver faults bad_flag %llu bad_length %llu bad_result %llu skipped %llu bad_mark %llu spurious %llu bad_header %llu, heals %llu",
	       variant->mode, f1[0] - f0[0], f1[1] - f0[1], f1[2] - f0[2],
	       f1[3] - f0[3], f1[4] - f0[4], f1[5] - f0[5], f1[6] - f0[6],
	       heals1 - heals0);

	/* Counters balance. */
	hs_expect_balanced(_metadata, &st0, &st1);
	for (i = 0; i < HS_NR_CLASSES; i++) {
		EXPECT_EQ(0ULL, st1.v[i][HS_ST_IN_FLIGHT]);
		EXPECT_EQ(0ULL, st1.v[i][HS_ST_BACKLOG]);
	}
	/*
	 * bad_replies stands for the answers failed with -EPROTO; skipped
	 * entries are sent again, not failed (peers.md D-2).
	 */
	EXPECT_EQ(br1 - br0, (f1[F_BAD_FLAG] - f0[F_BAD_FLAG]) +
		  (f1[F_BAD_LENGTH] - f0[F_BAD_LENGTH]) +
		  (f1[F_BAD_RESULT] - f0[F_BAD_RESULT]));
	EXPECT_LE((unsigned long long)t.eproto, br1 - br0);

	/* The peer did its worst, and the driver noticed. */
	EXPECT_LT(0U, t.submitted);
	if (!variant->restart_only)
		EXPECT_LT(inj0, inj1) TH_LOG("%s injected nothing", variant->mode);
	for (k = 0; k < F_NR; k++)
		if (variant->faults & FB(k))
			moved += f1[k] - f0[k];
	if (variant->remoteio)
		moved += t.eremoteio;
	if (variant->faults || variant->remoteio)
		EXPECT_LT(0ULL, moved) TH_LOG("%s: no fault of its kinds seen",
					      variant->mode);
	if (variant->heals)
		EXPECT_LT(heals0, heals1) TH_LOG("%s: no heal", variant->mode);
	EXPECT_LE(variant->min_reset, t.reset);
	if (variant->restart_only)
		EXPECT_LT(0U, t.timedout + t.reset + t.eproto)
			TH_LOG("%s: the peer's death went unnoticed", variant->mode);
}

#define PEER_SVC_CLAIM		0xfff4

/*
 * A peer that reports a response longer than what it wrote (hook 0xfff4
 * answers "N" with length N and writes nothing) shows the caller what is
 * in the request's buffer past its payload: zeroes, never the bytes an
 * earlier request (here another open file's) left in the shared area.
 */
TEST(stale_bytes_never_shown)
{
	static uint8_t secret[4096], resp[4096];
	struct hshm_call c;
	char claim[8] = "4096";
	unsigned int i, round;
	int fd_a, fd_b;

	if (!hostile_peer())
		SKIP(return, "needs hshm-peer with test hooks, profile hshm (peer: %s)",
		     hs_profile());
	hs_restore_defaults();
	ASSERT_EQ(0, hs_wait_idle(30000));
	fd_a = hs_open(0);
	fd_b = hs_open(0);
	ASSERT_LE(0, fd_a);
	ASSERT_LE(0, fd_b);
	ASSERT_EQ(0, hs_peer_set_cost(0, 0));
	for (round = 0; round < 8; round++) {
		/* A's secret goes through the shared area and is reaped. */
		memset(secret, 0xa5, sizeof(secret));
		memset(&c, 0, sizeof(c));
		hs_prep(&c.submit, secret, sizeof(secret), resp, sizeof(resp),
			HSHM_SVC_ECHO, HSHM_CLASS_AUTO, 0);
		ASSERT_EQ(0, hs_call(fd_a, &c));
		ASSERT_EQ(0, c.completion.status);

		/* B asks for a 4-byte payload's answer, 4096 bytes long. */
		memset(resp, 0x11, sizeof(resp));
		memset(&c, 0, sizeof(c));
		hs_prep(&c.submit, claim, 4, resp, sizeof(resp),
			PEER_SVC_CLAIM, HSHM_CLASS_AUTO, 0);
		ASSERT_EQ(0, hs_call(fd_b, &c));
		ASSERT_EQ(0, c.completion.status);
		ASSERT_EQ(sizeof(resp), c.completion.length);
		ASSERT_EQ(0, memcmp(resp, claim, 4));
		for (i = 4; i < sizeof(resp) && !resp[i]; i++)
			;
		ASSERT_EQ(sizeof(resp), i) TH_LOG("round %u: byte %u is not 0",
						  round, i);
	}
	close(fd_a);
	close(fd_b);
}

#define PEER_SVC_LATE		0xfff5

/*
 * A peer slower than the driver's patience (hook 0xfff5: it writes its
 * echo into the message's buffer only after a heal gave the batch up, and
 * 300 ms later) writes into a buffer nobody else has been given: requests
 * of another file submitted at once, of the same size, get their own
 * answers.
 */
TEST(late_answer_never_corrupts)
{
	static uint8_t late[2048], mine[2048], resp[2048];
	uint64_t heals0, heals1;
	struct hshm_completion c;
	struct hshm_submit s;
	struct hshm_call call;
	unsigned int round;
	int fd_a, fd_b;
	uint32_t n;

	if (!hostile_peer())
		SKIP(return, "needs hshm-peer with test hooks, profile hshm (peer: %s)",
		     hs_profile());
	hs_restore_defaults();
	ASSERT_EQ(0, hs_wait_idle(30000));
	ASSERT_EQ(0, hs_sysfs_write_u64("timeout_ms", CHAN_TIMEOUT_MS));
	ASSERT_EQ(0, hs_sysfs_read_u64("heals", &heals0));
	fd_a = hs_open(0);
	fd_b = hs_open(0);
	ASSERT_LE(0, fd_a);
	ASSERT_LE(0, fd_b);
	ASSERT_EQ(0, hs_peer_set_cost(0, 0));

	memset(late, 'L', sizeof(late));
	hs_prep(&s, late, sizeof(late), resp, sizeof(resp), PEER_SVC_LATE,
		HSHM_CLASS_BEST_EFFORT, 1);
	s.timeout_ms = 30000;
	ASSERT_EQ(0, hs_submit(fd_a, &s));
	/* given up by a heal after the batch deadline (1 s) */
	ASSERT_EQ(0, hs_complete(fd_a, &c, 1, 1, 20000, &n));
	ASSERT_EQ(1u, n);
	ASSERT_EQ(-ECONNRESET, c.status);
	/* no second heal of a slow guest's next batches: a long deadline */
	ASSERT_EQ(0, hs_sysfs_write_u64("timeout_ms", 20000));

	/* the peer writes its late answer while these wait behind it */
	for (round = 0; round < 4; round++) {
		memset(mine, 'a' + round, sizeof(mine));
		memset(resp, 0, sizeof(resp));
		memset(&call, 0, sizeof(call));
		hs_prep(&call.submit, mine, sizeof(mine), resp, sizeof(resp),
			HSHM_SVC_ECHO, HSHM_CLASS_BEST_EFFORT, 2 + round);
		call.submit.timeout_ms = 20000;
		ASSERT_EQ(0, hs_call(fd_b, &call));
		EXPECT_EQ(0, call.completion.status);
		EXPECT_EQ(sizeof(mine), call.completion.length);
		EXPECT_EQ(0, memcmp(resp, mine, sizeof(mine)))
			TH_LOG("round %u: the answer is not the payload echoed (first byte '%c')",
			       round, resp[0]);
	}
	ASSERT_EQ(0, hs_wait_idle(30000));
	ASSERT_EQ(0, hs_sysfs_read_u64("heals", &heals1));
	EXPECT_EQ(heals0 + 1, heals1);
	close(fd_a);
	close(fd_b);
	hs_restore_defaults();
}

HS_HARNESS_MAIN
