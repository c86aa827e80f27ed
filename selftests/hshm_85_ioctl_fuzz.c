// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm's ioctls against an unprivileged process that throws garbage.
 *
 * The device node is given the mode and group the shipped udev rule gives
 * it (0660, a group of users: here nogroup, 65534), a child drops to
 * uid/gid 65534 and, for a bounded number of calls, throws random and
 * structured-invalid arguments at every ioctl: bad pointers (NULL, low,
 * kernel, unmapped), sizes, flags, reserved fields, classes, timeouts,
 * ids, lengths, unknown commands, and CANCEL of the ids of a request
 * another process owns.  Asserted: only the documented errors come back,
 * every request the child got an id for completes exactly once, the other
 * process's requests are neither reaped nor cancelled by the child, root-
 * only sysfs attributes refuse the child, and the device still works.
 *
 * The calls come from a seed that changes with every run (the child's
 * pid), printed first; HSHM_FUZZ_SEED=SEED in the environment repeats a
 * run's calls.
 *
 * Also: a response shorter than its buffer is copied up to its length
 * only, the rest of the caller's buffer untouched.
 */
#include <grp.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "hshm_test.h"
#include "hshm_ref.h"

#define NOBODY		65534
#define FUZZ_CALLS	4000
#define MAX_IDS		4096
#define OWNER_REQS	8

/* Exit codes of the child, for the parent's messages. */
enum {
	CHILD_OK = 0,
	CHILD_SETUP = 10,
	CHILD_OPEN,
	CHILD_SYSFS,
	CHILD_ERRNO,
	CHILD_STATUS,
	CHILD_FOREIGN,
	CHILD_TWICE,
	CHILD_LOST,
	CHILD_BROKEN,
	CHILD_CANCELLED_OTHER,
};

struct fuzz {
	int fd;
	uint64_t rng;
	uint8_t *unmapped;		/* a page that is not mapped */
	uint64_t ids[MAX_IDS];		/* ids the child got */
	uint8_t seen[MAX_IDS];		/* completions per id */
	unsigned int nids;
	const uint64_t *foreign;	/* ids of the other process */
	unsigned int nforeign;
	uint8_t payload[4096];
	uint8_t resp[4096];
	struct hshm_completion comp[64];
};

static uint64_t pick(struct fuzz *z, uint64_t n)
{
	return hs_rand(&z->rng) % n;
}

/* A pointer argument: good most of the time, else one of the bad kinds. */
static uint64_t ptr(struct fuzz *z, void *good)
{
	switch (pick(z, 20)) {
	case 0:
		return 0;
	case 1:
		return 1 + pick(z, 4095);
	case 2:
		return 0xffff888000000000ull + pick(z, 1u << 20);
	case 3:
		return (uintptr_t)z->unmapped;
	case 4:
		return ~0ull - pick(z, 64);
	default:
		return (uintptr_t)good;
	}
}

static uint32_t length(struct fuzz *z, uint32_t good)
{
	switch (pick(z, 10)) {
	case 0:
		return 0;
	case 1:
		return 0xffffffffu - (uint32_t)pick(z, 4);
	case 2:
		return 256 * 1024 + (uint32_t)pick(z, 8);
	default:
		return 1 + (uint32_t)pick(z, good);
	}
}

static bool known_errno(int e)
{
	switch (e) {
	case EINVAL: case EFAULT: case EMSGSIZE: case ENOTTY: case ENOENT:
	case EALREADY: case EAGAIN: case EBUSY:
		return true;
	default:
		return false;
	}
}

static bool known_status(int s)
{
	switch (s) {
	case 0: case -EOPNOTSUPP: case -EFAULT: case -EMSGSIZE:
	case -ETIMEDOUT: case -EREMOTEIO: case -ECANCELED:
		return true;
	default:
		return false;
	}
}

static int child_fail(int code, const char *what, long v)
{
	fprintf(stderr, "# child: %s (%ld)\n", what, v);
	return code;
}

static int note_id(struct fuzz *z, uint64_t id)
{
	if (z->nids == MAX_IDS)
		return child_fail(CHILD_SETUP, "too many ids", z->nids);
	z->ids[z->nids++] = id;
	return 0;
}

/* A completion: one of ours, once, with a known status. */
static int check_completion(struct fuzz *z, const struct hshm_completion *c)
{
	unsigned int i;

	for (i = 0; i < z->nforeign; i++)
		if (c->id == z->foreign[i])
			return child_fail(CHILD_FOREIGN, "reaped another's request", i);
	for (i = 0; i < z->nids; i++) {
		if (z->ids[i] != c->id)
			continue;
		if (z->seen[i]++)
			return child_fail(CHILD_TWICE, "completed twice", i);
		if (!known_status(c->status))
			return child_fail(CHILD_STATUS, "status", c->status);
		return 0;
	}
	return child_fail(CHILD_FOREIGN, "completion of an unknown id", 0);
}

/* Reap what is there (at least @min); CHILD_OK or a CHILD_* failure. */
static int reap_some(struct fuzz *z, uint32_t min, uint32_t timeout_ms)
{
	struct hshm_complete c = {
		.completions = (uintptr_t)z->comp,
		.max_events = 64,
		.min_events = min,
		.timeout_ms = timeout_ms,
	};
	unsigned int i;
	int ret;

	if (ioctl(z->fd, HSHM_COMPLETE, &c))
		return child_fail(CHILD_ERRNO, "reap", errno);
	for (i = 0; i < c.count; i++) {
		ret = check_completion(z, &z->comp[i]);
		if (ret)
			return ret;
	}
	return CHILD_OK;
}

static void fill_submit(struct fuzz *z, struct hshm_submit *s)
{
	memset(s, 0, sizeof(*s));
	s->payload = ptr(z, z->payload);
	s->length = length(z, sizeof(z->payload));
	s->response = ptr(z, z->resp);
	s->response_cap = length(z, sizeof(z->resp));
	s->user_data = hs_rand(&z->rng);
	s->id = hs_rand(&z->rng);	/* output only: must be ignored */
	s->service_id = pick(z, 4) ? hs_services[pick(z, HS_NR_SERVICES)] :
				     (uint16_t)hs_rand(&z->rng);
	s->qos_class = pick(z, 4) ? (uint8_t)pick(z, HS_NR_CLASSES) :
				    (uint8_t)hs_rand(&z->rng);
	s->timeout_ms = pick(z, 4) ? 50 + (uint32_t)pick(z, 200) :
				     (uint32_t)hs_rand(&z->rng);
	if (!pick(z, 10))
		s->flags = (uint8_t)(1 + pick(z, 255));
	if (!pick(z, 10))
		s->reserved[pick(z, 2)] = 1 + pick(z, 1000);
}

/* One random ioctl; returns a CHILD_* code on a broken promise. */
static int fuzz_one(struct fuzz *z)
{
	union {
		struct hshm_info info;
		struct hshm_submit s;
		struct hshm_complete c;
		struct hshm_call call;
		struct hshm_cancel cancel;
		uint8_t raw[256];
	} a;
	unsigned long cmd;
	void *arg = &a;
	int ret;

	memset(&a, 0, sizeof(a));
	switch (pick(z, 8)) {
	case 0:
		cmd = HSHM_INFO;
		break;
	case 1:
	case 2:
		cmd = HSHM_SUBMIT;
		fill_submit(z, &a.s);
		break;
	case 3:
		cmd = HSHM_COMPLETE;
		a.c.completions = ptr(z, z->comp);
		a.c.max_events = pick(z, 4) ? (uint32_t)pick(z, 65) :
					      (uint32_t)hs_rand(&z->rng);
		a.c.min_events = pick(z, 2) ? 0 : (uint32_t)pick(z, 70);
		a.c.timeout_ms = (uint32_t)pick(z, 20);
		a.c.reserved = pick(z, 10) ? 0 : hs_rand(&z->rng);
		a.c.count = (uint32_t)hs_rand(&z->rng);
		if (a.c.max_events > 64 && a.c.completions == (uintptr_t)z->comp)
			a.c.max_events = 64;
		break;
	case 4:
		cmd = HSHM_CALL;
		fill_submit(z, &a.call.submit);
		if (a.call.submit.timeout_ms > 300 || !a.call.submit.timeout_ms)
			a.call.submit.timeout_ms = 100;
		break;
	case 5:
		cmd = HSHM_CANCEL;
		switch (pick(z, 4)) {
		case 0:
			a.cancel.id = z->nforeign ?
				      z->foreign[pick(z, z->nforeign)] : 0;
			break;
		case 1:
			a.cancel.id = z->nids ? z->ids[pick(z, z->nids)] : 0;
			break;
		default:
			a.cancel.id = hs_rand(&z->rng);
		}
		a.cancel.reserved = pick(z, 8) ? 0 : 1;
		break;
	case 6:
		/* Unknown commands, and known numbers with wrong sizes. */
		cmd = pick(z, 2) ? _IOC(pick(z, 4), HSHM_IOC_MAGIC, pick(z, 32),
					 pick(z, 256)) :
				   (unsigned long)hs_rand(&z->rng);
		break;
	default:
		cmd = (unsigned long[]){ HSHM_INFO, HSHM_SUBMIT, HSHM_COMPLETE,
					 HSHM_CALL, HSHM_CANCEL }[pick(z, 5)];
		arg = (void *)(uintptr_t)ptr(z, NULL);
		break;
	}
	ret = ioctl(z->fd, cmd, arg);
	if (ret) {
		unsigned int i;

		if (!known_errno(errno))
			return child_fail(CHILD_ERRNO, "errno", errno);
		/* Another file's request does not exist for this one. */
		for (i = 0; cmd == HSHM_CANCEL && arg == &a && !a.cancel.reserved &&
		     i < z->nforeign; i++)
			if (a.cancel.id == z->foreign[i] && errno != ENOENT)
				return child_fail(CHILD_CANCELLED_OTHER,
						  "cancel of another's request",
						  errno);
		return 0;
	}
	if (arg != &a)
		return 0;
	if (cmd == HSHM_SUBMIT)
		return note_id(z, a.s.id);
	if (cmd == HSHM_COMPLETE) {
		unsigned int i;

		if (a.c.count > 64 || a.c.completions != (uintptr_t)z->comp)
			return a.c.count ?
			       child_fail(CHILD_ERRNO, "reaped into a bad pointer",
					  a.c.count) : 0;
		for (i = 0; i < a.c.count; i++) {
			ret = check_completion(z, &z->comp[i]);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (cmd == HSHM_CALL) {
		if (!known_status(a.call.completion.status))
			return child_fail(CHILD_STATUS, "call status",
					  a.call.completion.status);
		return 0;
	}
	if (cmd == HSHM_CANCEL) {
		unsigned int i;

		for (i = 0; i < z->nforeign; i++)
			if (a.cancel.id == z->foreign[i])
				return child_fail(CHILD_CANCELLED_OTHER,
						  "cancelled another's request", i);
	}
	return 0;
}

static int child_main(const uint64_t *foreign, unsigned int nforeign)
{
	static struct fuzz z;
	char buf[64], in[16] = "still working?", out[16];
	struct hshm_call call;
	unsigned int i, done = 0;
	int ret;

	/* A seed of its own each run; printed, so that a failure repeats. */
	z.rng = strtoull(hs_env("HSHM_FUZZ_SEED", "0"), NULL, 0);
	if (!z.rng)
		z.rng = 0x85f0 + (uint64_t)getpid();
	fprintf(stderr, "# child: seed %#llx (HSHM_FUZZ_SEED=%#llx repeats it)\n",
		(unsigned long long)z.rng, (unsigned long long)z.rng);
	z.foreign = foreign;
	z.nforeign = nforeign;
	hs_fill_random(z.payload, sizeof(z.payload), &z.rng);
	z.unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	if (z.unmapped == MAP_FAILED || munmap(z.unmapped, 4096))
		return child_fail(CHILD_SETUP, "mmap", errno);
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return child_fail(CHILD_SETUP, "drop privileges", errno);
	if (!getuid() || !geteuid())
		return child_fail(CHILD_SETUP, "still root", 0);

	/* Root-only knobs refuse; statistics are for everybody. */
	if (hs_sysfs_write("weights", "1 1 1 1") != -EACCES)
		return child_fail(CHILD_SYSFS, "weights writable", 0);
	if (hs_sysfs_write("timeout_ms", "1") != -EACCES)
		return child_fail(CHILD_SYSFS, "timeout_ms writable", 0);
	if (hs_sysfs_read("stats", buf, sizeof(buf)) <= 0)
		return child_fail(CHILD_SYSFS, "stats unreadable", 0);

	z.fd = open(hs_dev(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (z.fd < 0)
		return child_fail(CHILD_OPEN, "open", errno);
	for (i = 0; i < FUZZ_CALLS; i++) {
		ret = fuzz_one(&z);
		if (ret)
			return ret;
		/* Reap now and then: held completions make SUBMIT -EBUSY. */
		if (!(i % 16)) {
			ret = reap_some(&z, 0, 0);
			if (ret)
				return ret;
		}
	}
	/* Every request we got an id for completes, exactly once. */
	for (i = 0; i < 200; i++) {
		unsigned int k;

		for (k = 0, done = 0; k < z.nids; k++)
			done += z.seen[k] != 0;
		if (done == z.nids)
			break;
		ret = reap_some(&z, 1, 500);
		if (ret)
			return ret;
	}
	if (done != z.nids)
		return child_fail(CHILD_LOST, "requests never completed",
				  z.nids - done);
	fprintf(stderr, "# child: %u calls, %u requests accepted, all completed once\n",
		FUZZ_CALLS, z.nids);

	/* And the device still works for the unprivileged user. */
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, sizeof(in), out, sizeof(out), hs_svc_echo(),
		HSHM_CLASS_REALTIME, 0);
	call.submit.timeout_ms = 5000;
	if (ioctl(z.fd, HSHM_CALL, &call) || call.completion.status ||
	    memcmp(in, out, sizeof(in)))
		return child_fail(CHILD_BROKEN, "echo after the fuzz", errno);
	close(z.fd);
	return CHILD_OK;
}

FIXTURE(fuzz)
{
	int fd;
	struct stat st;
	bool chmoded;
};

FIXTURE_SETUP(fuzz)
{
	self->chmoded = false;
	hs_fixture_setup(_metadata, &self->fd, NULL);
	ASSERT_EQ(0, stat(hs_dev(), &self->st));
}

FIXTURE_TEARDOWN(fuzz)
{
	if (self->chmoded) {
		chmod(hs_dev(), self->st.st_mode & 07777);
		chown(hs_dev(), self->st.st_uid, self->st.st_gid);
	}
	hs_fixture_teardown(self->fd, 10000);
}

static void owner_submit(struct __test_metadata *_metadata, int fd,
			 uint64_t *ids, unsigned int n)
{
	static char in[OWNER_REQS][32], out[OWNER_REQS][32];
	struct hshm_submit s;
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(in[i], sizeof(in[i]), "owner's request %u", i);
		hs_prep(&s, in[i], sizeof(in[i]), out[i], sizeof(out[i]),
			HSHM_SVC_ECHO, HSHM_CLASS_AUTO, i);
		s.timeout_ms = 60000;
		ASSERT_EQ(0, hs_submit(fd, &s));
		ids[i] = s.id;
	}
}

TEST_F_TIMEOUT(fuzz, unprivileged, 300)
{
	uint64_t ids[OWNER_REQS];
	struct hshm_completion comp[OWNER_REQS];
	unsigned int got = 0, i;
	uint32_t n;
	pid_t pid;
	int status;

	/* What the udev rule does: group access for a group of users. */
	ASSERT_EQ(0, chown(hs_dev(), 0, NOBODY));
	ASSERT_EQ(0, chmod(hs_dev(), 0660));
	self->chmoded = true;

	/* Requests of another process: answered, not reaped yet. */
	owner_submit(_metadata, self->fd, ids, OWNER_REQS);
	ASSERT_EQ(0, hs_wait_idle(10000));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(self->fd);
		_exit(child_main(ids, OWNER_REQS));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child died: signal %d",
					      WTERMSIG(status));
	ASSERT_EQ(CHILD_OK, WEXITSTATUS(status));

	/* The owner's requests are all still there, answered, not cancelled. */
	while (got < OWNER_REQS) {
		ASSERT_EQ(0, hs_complete(self->fd, comp, OWNER_REQS, 1, 5000, &n));
		ASSERT_LT(0U, n);
		for (i = 0; i < n; i++) {
			ASSERT_GT((uint64_t)OWNER_REQS, comp[i].user_data);
			EXPECT_EQ(ids[comp[i].user_data], comp[i].id);
			EXPECT_EQ(0, comp[i].status);
		}
		got += n;
	}
	EXPECT_EQ(0, hs_wait_idle(10000));
}

/* Unprivileged without the rule: the default node is root's only. */
TEST_F(fuzz, default_mode_is_root_only)
{
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		/* 0600 root:root as devtmpfs creates it: no access. */
		_exit(open(hs_dev(), O_RDWR) < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (self->st.st_mode & 0066)
		SKIP(return, "the node is not root-only here (mode %o)",
		     self->st.st_mode & 07777);
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* A short response is copied up to its length; the rest stays as it was. */
TEST_F(fuzz, short_response_copied_exactly)
{
	static uint8_t big[4096], resp[4096];
	uint8_t exp[8];
	struct hshm_call c;
	uint32_t exp_len;
	unsigned int i;

	HS_REQUIRE_PROFILE_HSHM("a response shorter than its payload");
	/* Leave bytes of our own in the buffers first. */
	memset(big, 0xa5, sizeof(big));
	memset(&c, 0, sizeof(c));
	hs_prep(&c.submit, big, sizeof(big), resp, sizeof(resp), HSHM_SVC_ECHO,
		HSHM_CLASS_AUTO, 0);
	ASSERT_EQ(0, hs_call(self->fd, &c));
	ASSERT_EQ(0, c.completion.status);

	/* A 4-byte hash into a 4 KiB buffer. */
	memset(resp, 0x11, sizeof(resp));
	memset(&c, 0, sizeof(c));
	hs_prep(&c.submit, big, 100, resp, sizeof(resp), HSHM_SVC_DJB2,
		HSHM_CLASS_AUTO, 0);
	ASSERT_EQ(0, hs_call(self->fd, &c));
	ASSERT_EQ(0, c.completion.status);
	ASSERT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  ref_service(HSHM_SVC_DJB2, big, 100, exp, &exp_len));
	ASSERT_EQ(exp_len, c.completion.length);
	EXPECT_EQ(0, memcmp(exp, resp, exp_len));
	for (i = exp_len; i < sizeof(resp); i++)
		ASSERT_EQ(0x11, resp[i]) TH_LOG("byte %u written", i);
}

HS_HARNESS_MAIN
