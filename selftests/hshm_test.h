/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the hshm guest tests and the demo: environment,
 * sysfs and module parameters, ioctl wrappers, stats parsing; with
 * kselftest_harness.h included first, the fixtures' set-up and tear-down.
 *
 * Environment (defaults in brackets):
 *   HSHM_DEV [/dev/hshm0], HSHM_SYSFS [/sys/class/hshm/hshm0],
 *   HSHM_SCENARIO [loopback], HSHM_PEER_PROFILE [hshm]: the profile of
 *   the peer that serves the device (Documentation/hshm/peers.rst), which
 *   says what its service ids mean (hs_profile(), hshm_ref.h)
 * Tests that need the loopback peer's knobs skip when
 * /sys/module/hshm/parameters/loopback_msg_ns does not exist, or when the
 * device is not a loopback one (see hs_have_loopback()); tests that only
 * need to make the peer slow also run over hshm-peer --test-hooks
 * (HSHM_PEER_HOOKS=1, see hs_cost()).
 */
#ifndef _HSHM_TEST_H
#define _HSHM_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <linux/hshm.h>
#include <linux/hshm_wire.h>

#include "hshm_nl_test.h"
#include "hshm_ref.h"

#define HS_PARAM_DIR		"/sys/module/hshm/parameters"
#define HS_NR_CLASSES		4
#define HS_KIB			1024u
#define HS_MIB			(1024u * 1024u)

/* The defaults every test restores. */
#define HS_DEF_WEIGHTS		"4 2 2 1"
#define HS_DEF_RESERVATIONS	"20 10 10 0"
#define HS_DEF_SCHEDULER	"wrr"
#define HS_DEF_DRR_QUANTUM	4096
#define HS_DEF_SCHED_POLICY	"other"		/* dispatcher: nice 0 */
#define HS_DEF_TIMEOUT_MS	5000
#define HS_DEF_BATCH_MAX	32
#define HS_DEF_RT_BATCH_MAX	8
#define HS_DEF_MSG_NS		2000
#define HS_DEF_KIB_NS		500
#define HS_DEF_RT_SPIN_US	"100"	/* classes/realtime/spin_us */
/* The default service map, run by run, as SVC_MAP_GET dumps it. */
static const struct hs_svc_run hs_def_svc_map[] = {
	{ 0, 0, HSHM_CLASS_BEST_EFFORT },
	{ 1, 2, HSHM_CLASS_REALTIME },
	{ 3, 8, HSHM_CLASS_RELIABLE },
	{ 9, 11, HSHM_CLASS_THROUGHPUT },
	{ 12, 65535, HSHM_CLASS_BEST_EFFORT },
};

#define HS_DEF_SVC_RUNS	(sizeof(hs_def_svc_map) / sizeof(hs_def_svc_map[0]))

static const char *const hs_class_names[HS_NR_CLASSES] = {
	"realtime", "throughput", "reliable", "best_effort",
};

/* The files of faults/, one counter of bad peer data each (the ABI). */
#define HS_NR_FAULTS	7
static const char *const hs_fault_names[HS_NR_FAULTS] = {
	"bad_flag", "bad_length", "bad_result", "skipped", "bad_mark",
	"spurious", "bad_header",
};

/* Every service of the reference set, and 66. */
static const uint16_t hs_services[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 66,
};

#define HS_NR_SERVICES	(sizeof(hs_services) / sizeof(hs_services[0]))

/* -------------------------------------------------------- environment */

static inline const char *hs_env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static inline const char *hs_dev(void)
{
	return hs_env("HSHM_DEV", "/dev/hshm0");
}

static inline const char *hs_sysfs(void)
{
	return hs_env("HSHM_SYSFS", "/sys/class/hshm/hshm0");
}

/* The profile of the peer that serves the device: "hshm", "sel4-v1"... */
static inline const char *hs_profile(void)
{
	return hs_env("HSHM_PEER_PROFILE", "hshm");
}

/* Does the peer answer with hshm's own services (services.rst)? */
static inline bool hs_profile_is_hshm(void)
{
	return ref_profile_set(hs_profile()) == REF_SET_HSHM;
}

/*
 * A service id that echoes on the peer's profile: HSHM_SVC_ECHO on hshm's,
 * 66 on the v1 peers'.  The default service map gives them different
 * classes (realtime, best_effort): a test that needs one says so.
 */
static inline uint16_t hs_svc_echo(void)
{
	return (uint16_t)ref_profile_echo(hs_profile());
}

/*
 * A service that changes every byte on the current profile, for tests that
 * check where a response lands: hshm's XOR encrypt, the v1 peers' 1 (XOR
 * 0x5A on seL4 and FreeRTOS, encrypt on hvisor-tool).
 */
static inline uint16_t hs_svc_transform(void)
{
	return strcmp(hs_profile(), "hshm") ? 1 : HSHM_SVC_XOR_ENC;
}

/* The completion status the driver reports for a wire result. */
static inline int hs_result_status(int result)
{
	switch (result) {
	case HSHM_WIRE_RESULT_SUCCESS:
		return 0;
	case HSHM_WIRE_RESULT_FAIL:
		return -EREMOTEIO;
	case HSHM_WIRE_RESULT_NOSERVICE:
		return -EOPNOTSUPP;
	default:
		return -EPROTO;
	}
}

/*
 * A service the peer's profile refuses for the @len bytes at @in: 999 (no
 * such service on hshm's peer and hvisor-tool's), else 10 (a hex print of
 * the seL4 server, which fails on a payload that is not hex).  The
 * expected status goes to *@status; 0 if neither is refused (or @len is
 * 0 or above 64).
 */
static inline uint16_t hs_svc_refused(const uint8_t *in, size_t len,
				      int *status)
{
	static const uint16_t tries[] = { 999, 10 };
	uint8_t out[64];
	uint32_t out_len;
	unsigned int i;
	int res;

	*status = 0;
	if (!len || len > sizeof(out))
		return 0;
	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		res = ref_profile_service(hs_profile(), tries[i], in, len, out,
					  &out_len);
		if (res > HSHM_WIRE_RESULT_SUCCESS) {
			*status = hs_result_status(res);
			return tries[i];
		}
	}
	return 0;
}

static inline int hs_read_path(const char *path, char *buf, size_t len);
static inline int hs_sysfs_read(const char *attr, char *buf, size_t len);
static inline int hs_param_read_u64(const char *name, uint64_t *v);
static inline void hs_prep(struct hshm_submit *s, const void *payload,
			   uint32_t len, void *resp, uint32_t cap,
			   uint16_t svc, uint8_t cls, uint64_t user_data);

/*
 * Is the device served by hshm-peer with its test hooks (the ivshmem
 * scenarios set HSHM_PEER_HOOKS=1)?  Then the peer's cost is set through
 * its set-cost service instead of the loopback module parameters.
 */
static inline bool hs_peer_hooks(void)
{
	char buf[32];

	return !strcmp(hs_env("HSHM_PEER_HOOKS", "0"), "1") &&
	       hs_sysfs_read("transport", buf, sizeof(buf)) > 0 &&
	       strcmp(buf, "loopback\n");
}

/*
 * May the tests turn the peer's cost knobs at any moment?  Only with the
 * in-kernel loopback peer (its module parameters exist whenever the module
 * is loaded, so the device's transport must also say loopback, or a
 * loopback channel must exist).  hshm-peer's set-cost hook is a request
 * in the queue like any other, served in turn: the tests that need an
 * immediate change skip without the loopback peer.
 */
static inline bool hs_have_loopback(void)
{
	char buf[32];
	uint64_t n;

	if (access(HS_PARAM_DIR "/loopback_msg_ns", F_OK))
		return false;
	if (hs_sysfs_read("transport", buf, sizeof(buf)) > 0)
		return !strcmp(buf, "loopback\n");
	if (!hs_param_read_u64("nr_devices", &n) && !n)
		return false;
	return true;
}

/* The loopback layout (INFO's exact values) applies. */
static inline bool hs_scenario_loopback(void)
{
	return hs_have_loopback() &&
	       !strncmp(hs_env("HSHM_SCENARIO", "loopback"), "loopback", 8);
}

static inline uint64_t hs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline void hs_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* xorshift64*: small, fast, good enough for payloads and choices */
static inline uint64_t hs_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline void hs_fill_random(uint8_t *p, size_t len, uint64_t *s)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(hs_rand(s) >> 24);
}

/* ------------------------------------------------------- files, sysfs */

/* Read a whole small file; NUL-terminated.  Bytes read or -errno. */
static inline int hs_read_path(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY), n, err;

	if (fd < 0)
		return -errno;
	n = (int)read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return n;
}

/* One write(2) of @s, as `echo -n` would.  0 or -errno. */
static inline int hs_write_path(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(s))
		err = -EIO;
	close(fd);
	return err;
}

static inline void hs_path(char *out, size_t len, const char *dir,
			   const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static inline int hs_sysfs_read(const char *attr, char *buf, size_t len)
{
	char p[256];

	hs_path(p, sizeof(p), hs_sysfs(), attr);
	return hs_read_path(p, buf, len);
}

static inline int hs_sysfs_write(const char *attr, const char *s)
{
	char p[256];

	hs_path(p, sizeof(p), hs_sysfs(), attr);
	return hs_write_path(p, s);
}

static inline int hs_sysfs_write_u64(const char *attr, uint64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	return hs_sysfs_write(attr, s);
}

static inline int hs_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

static inline int hs_sysfs_read_u64(const char *attr, uint64_t *v)
{
	char buf[64];
	int n = hs_sysfs_read(attr, buf, sizeof(buf));

	return n < 0 ? n : hs_parse_u64(buf, v);
}

static inline int hs_param_read_u64(const char *name, uint64_t *v)
{
	char p[256], buf[64];
	int n;

	hs_path(p, sizeof(p), HS_PARAM_DIR, name);
	n = hs_read_path(p, buf, sizeof(buf));
	if (n < 0)
		return n;
	/* bool parameters read Y/N */
	if (buf[0] == 'Y' || buf[0] == 'N') {
		*v = buf[0] == 'Y';
		return 0;
	}
	return hs_parse_u64(buf, v);
}

static inline int hs_param_write_u64(const char *name, uint64_t v)
{
	char p[256], s[32];

	hs_path(p, sizeof(p), HS_PARAM_DIR, name);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	return hs_write_path(p, s);
}

/* hshm-peer --test-hooks: service 0xfff1 sets its cost (two LE u32). */
#define HS_PEER_SVC_SET_COST	0xfff1

static inline int hs_peer_set_cost(uint64_t msg_ns, uint64_t kib_ns)
{
	uint8_t p[8], r[8];
	struct hshm_call c;
	int fd, i, ret;

	for (i = 0; i < 4; i++) {
		p[i] = (uint8_t)(msg_ns >> (8 * i));
		p[4 + i] = (uint8_t)(kib_ns >> (8 * i));
	}
	fd = open(hs_env("HSHM_DEV", "/dev/hshm0"), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&c, 0, sizeof(c));
	/* Room for the answer of a peer that leaves the length (V1-8). */
	hs_prep(&c.submit, p, sizeof(p), r, sizeof(r), HS_PEER_SVC_SET_COST,
		HSHM_CLASS_REALTIME, 0);
	c.submit.timeout_ms = 120000;
	ret = ioctl(fd, HSHM_CALL, &c) ? -errno :
	      c.completion.status ? c.completion.status : 0;
	close(fd);
	return ret;
}

/* The loopback peer's cost knobs; -ENOENT without a loopback peer. */
static inline int hs_set_cost(uint64_t msg_ns, uint64_t kib_ns)
{
	int a = hs_param_write_u64("loopback_msg_ns", msg_ns);
	int b = hs_param_write_u64("loopback_kib_ns", kib_ns);

	return a ? a : b;
}

/* Can the tests set the serving peer's cost (hs_cost())? */
static inline bool hs_have_cost(void)
{
	return hs_have_loopback() || hs_peer_hooks();
}

/*
 * The cost of whichever peer serves the device: the loopback knobs, or
 * hshm-peer's set-cost hook.  The hook is a realtime request of its own,
 * served in turn: call it when the queues leave it room, and where the
 * change may wait for what is queued before it.  -EOPNOTSUPP when the
 * cost cannot be set.
 */
static bool hs_peer_cost_changed;	/* hs_fixture_teardown() puts it back */

static inline int hs_cost(uint64_t msg_ns, uint64_t kib_ns)
{
	if (hs_have_loopback())
		return hs_set_cost(msg_ns, kib_ns);
	if (!hs_peer_hooks())
		return -EOPNOTSUPP;
	hs_peer_cost_changed = msg_ns || kib_ns;
	return hs_peer_set_cost(msg_ns, kib_ns);
}

/* The serving peer's default cost (the scenarios give hshm-peer none). */
static inline int hs_cost_restore(void)
{
	if (hs_have_loopback())
		return hs_set_cost(HS_DEF_MSG_NS, HS_DEF_KIB_NS);
	return hs_cost(0, 0);
}

/* faults/<kind>, a counter of bad data from the peer: 0 or -errno. */
static inline int hs_fault_read(const char *kind, uint64_t *v)
{
	char attr[64];

	snprintf(attr, sizeof(attr), "faults/%s", kind);
	return hs_sysfs_read_u64(attr, v);
}

/*
 * The request timeout the tests run with: the driver's default, but for
 * the public v1 servers, which serve one message per hand-over at their
 * pace (peers.md V1-7, V1-11): hundreds queued take seconds there.
 */
static inline unsigned int hs_def_timeout_ms(void)
{
	return strcmp(hs_profile(), "hshm") ? 6 * HS_DEF_TIMEOUT_MS :
	       HS_DEF_TIMEOUT_MS;
}

static inline void hs_restore_defaults(void)
{
	unsigned int c;
	char p[128];

	hs_sysfs_write("weights", HS_DEF_WEIGHTS);
	hs_sysfs_write("reservations", HS_DEF_RESERVATIONS);
	hs_sysfs_write("scheduler", HS_DEF_SCHEDULER);
	hs_sysfs_write_u64("drr_quantum", HS_DEF_DRR_QUANTUM);
	hs_sysfs_write("sched_policy", HS_DEF_SCHED_POLICY);
	hs_sysfs_write("sched_priority", "0");
	hs_sysfs_write_u64("timeout_ms", hs_def_timeout_ms());
	hs_sysfs_write_u64("batch_max", HS_DEF_BATCH_MAX);
	hs_sysfs_write_u64("rt_batch_max", HS_DEF_RT_BATCH_MAX);
	hs_svc_map_set(hs_nl_dev_index(hs_dev()), hs_def_svc_map,
		       HS_DEF_SVC_RUNS);
	for (c = 0; c < HS_NR_CLASSES; c++) {
		snprintf(p, sizeof(p), "classes/%s/shed_us", hs_class_names[c]);
		hs_sysfs_write(p, "0");
		/* the scenario's polling budget, else the driver's default */
		snprintf(p, sizeof(p), "classes/%s/spin_us", hs_class_names[c]);
		hs_sysfs_write(p, hs_env("HSHM_TEST_SPIN_US",
					 c ? "0" : HS_DEF_RT_SPIN_US));
	}
	if (hs_have_loopback())
		hs_set_cost(HS_DEF_MSG_NS, HS_DEF_KIB_NS);
}

/* Class the default service map gives @svc. */
static inline int hs_default_class(unsigned int svc)
{
	if (svc >= 1 && svc <= 2)
		return HSHM_CLASS_REALTIME;
	if (svc >= 3 && svc <= 8)
		return HSHM_CLASS_RELIABLE;
	if (svc >= 9 && svc <= 11)
		return HSHM_CLASS_THROUGHPUT;
	return HSHM_CLASS_BEST_EFFORT;
}

/* ------------------------------------------------------------- stats */

enum {
	HS_ST_SUBMITTED, HS_ST_COMPLETED, HS_ST_FAILED, HS_ST_CANCELLED,
	HS_ST_DROPPED, HS_ST_IN_FLIGHT, HS_ST_BACKLOG, HS_ST_P50, HS_ST_P95,
	HS_ST_P99, HS_ST_MAX, HS_NR_ST,
};

static const char *const hs_stat_names[HS_NR_ST] = {
	"submitted", "completed", "failed", "cancelled", "dropped",
	"in_flight", "backlog", "p50_ns", "p95_ns", "p99_ns", "max_ns",
};

#define HS_STATS_HEADER "class submitted completed failed cancelled " \
	"dropped in_flight backlog p50_ns p95_ns p99_ns max_ns"

struct hs_stats {
	unsigned long long v[HS_NR_CLASSES][HS_NR_ST];
};

/* Parse the stats file; -EPROTO if it is not as documented. */
static inline int hs_stats_parse(const char *buf, struct hs_stats *st)
{
	const char *line = buf, *nl;
	unsigned int seen = 0, lineno = 0, c;

	memset(st, 0, sizeof(*st));
	while (*line) {
		char name[32];
		unsigned long long *v;
		int n, used = 0;

		nl = strchr(line, '\n');
		if (!nl)
			return -EPROTO;		/* every line ends in \n */
		if (lineno++ == 0) {
			if ((size_t)(nl - line) != strlen(HS_STATS_HEADER) ||
			    strncmp(line, HS_STATS_HEADER, nl - line))
				return -EPROTO;
			line = nl + 1;
			continue;
		}
		if (sscanf(line, "%31s%n", name, &used) != 1)
			return -EPROTO;
		for (c = 0; c < HS_NR_CLASSES; c++)
			if (!strcmp(name, hs_class_names[c]))
				break;
		if (c == HS_NR_CLASSES || c != lineno - 2)
			return -EPROTO;		/* in class order */
		v = st->v[c];
		n = sscanf(line + used,
			   " %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu%n",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8], &v[9], &v[10], &used);
		if (n != HS_NR_ST)
			return -EPROTO;
		seen |= 1u << c;
		line = nl + 1;
	}
	return seen == 0xf && lineno == 5 ? 0 : -EPROTO;
}

static inline int hs_stats_read(struct hs_stats *st)
{
	char buf[4096];
	int n = hs_sysfs_read("stats", buf, sizeof(buf));

	return n < 0 ? n : hs_stats_parse(buf, st);
}

static inline unsigned long long hs_stats_sum(const struct hs_stats *st,
					      int field)
{
	unsigned long long s = 0;
	unsigned int c;

	for (c = 0; c < HS_NR_CLASSES; c++)
		s += st->v[c][field];
	return s;
}

/* Wait until nothing is queued or at the peer.  0, or -ETIMEDOUT. */
static inline int hs_wait_idle(unsigned int timeout_ms)
{
	uint64_t end = hs_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	struct hs_stats st;

	do {
		if (!hs_stats_read(&st) &&
		    !hs_stats_sum(&st, HS_ST_IN_FLIGHT) &&
		    !hs_stats_sum(&st, HS_ST_BACKLOG))
			return 0;
		hs_sleep_ms(10);
	} while (hs_now_ns() < end);
	return -ETIMEDOUT;
}

/* Wait until at least @n messages are at the peer.  0, or -ETIMEDOUT. */
static inline int hs_wait_in_flight(unsigned long long n,
				    unsigned int timeout_ms)
{
	uint64_t end = hs_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	struct hs_stats st;

	do {
		if (!hs_stats_read(&st) &&
		    hs_stats_sum(&st, HS_ST_IN_FLIGHT) >= n)
			return 0;
		hs_sleep_ms(2);
	} while (hs_now_ns() < end);
	return -ETIMEDOUT;
}

/* -------------------------------------------------------------- ioctl */

static inline int hs_open(int flags)
{
	return open(hs_dev(), O_RDWR | O_CLOEXEC | flags);
}

static inline int hs_info(int fd, struct hshm_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, HSHM_INFO, info) ? -errno : 0;
}

static inline void hs_prep(struct hshm_submit *s, const void *payload,
			   uint32_t len, void *resp, uint32_t cap,
			   uint16_t svc, uint8_t cls, uint64_t user_data)
{
	memset(s, 0, sizeof(*s));
	s->payload = (uintptr_t)payload;
	s->length = len;
	s->response = (uintptr_t)resp;
	s->response_cap = cap;
	s->service_id = svc;
	s->qos_class = cls;
	s->user_data = user_data;
}

static inline int hs_submit(int fd, struct hshm_submit *s)
{
	return ioctl(fd, HSHM_SUBMIT, s) ? -errno : 0;
}

static inline int hs_call(int fd, struct hshm_call *c)
{
	return ioctl(fd, HSHM_CALL, c) ? -errno : 0;
}

/*
 * A short echo (hs_svc_echo(), class realtime) through HSHM_CALL, with its
 * own timeout: 0 if the answer
 * is the payload, else -errno of the ioctl, the completion's status, or
 * -EBADMSG for a wrong answer.
 */
static inline int hs_echo_call(int fd, uint32_t timeout_ms)
{
	static const char msg[] = "still alive?";
	char resp[64];
	struct hshm_call c;
	int ret;

	memset(&c, 0, sizeof(c));
	hs_prep(&c.submit, msg, sizeof(msg), resp, sizeof(resp), hs_svc_echo(),
		HSHM_CLASS_REALTIME, 0);
	c.submit.timeout_ms = timeout_ms;
	ret = hs_call(fd, &c);
	if (ret)
		return ret;
	if (c.completion.status)
		return c.completion.status;
	return c.completion.length == sizeof(msg) &&
	       !memcmp(resp, msg, sizeof(msg)) ? 0 : -EBADMSG;
}

/* Reap; the count goes to *@count.  0 or -errno. */
static inline int hs_complete(int fd, struct hshm_completion *out,
			      uint32_t max, uint32_t min, uint32_t timeout_ms,
			      uint32_t *count)
{
	struct hshm_complete c = {
		.completions = (uintptr_t)out,
		.max_events = max,
		.min_events = min,
		.timeout_ms = timeout_ms,
		.count = 0xdeadbeef,
	};

	*count = 0;
	if (ioctl(fd, HSHM_COMPLETE, &c))
		return -errno;
	*count = c.count;
	return 0;
}

static inline int hs_cancel(int fd, uint64_t id)
{
	struct hshm_cancel c = { .id = id };

	return ioctl(fd, HSHM_CANCEL, &c) ? -errno : 0;
}

/* ---------------------------------------------------- fault injection */

/*
 * fail-nth (CONFIG_FAULT_INJECTION, FAILSLAB, FAULT_INJECTION_DEBUG_FS: the
 * debug kernel of make check-debug): writing N to this thread's fail-nth
 * makes the Nth slab allocation it does from then on fail.
 */
#define HS_FAILSLAB		"/sys/kernel/debug/failslab"
#define HS_FAIL_NTH		"/proc/thread-self/fail-nth"
/* More allocation sites than any one operation of hshm has. */
#define HS_FAIL_NTH_MAX		5000

/* Make failslab consider sleeping allocations too, quietly; false: none. */
static inline bool hs_failslab_setup(void)
{
	if (access(HS_FAIL_NTH, W_OK) || access(HS_FAILSLAB, F_OK))
		return false;
	return !hs_write_path(HS_FAILSLAB "/ignore-gfp-wait", "N") &&
	       !hs_write_path(HS_FAILSLAB "/verbose", "0");
}

static inline void hs_failslab_restore(void)
{
	if (!access(HS_FAILSLAB, F_OK))
		hs_write_path(HS_FAILSLAB "/ignore-gfp-wait", "Y");
}

/* Arm fail-nth for the @n-th allocation of this thread from now. */
static inline int hs_fail_nth_arm(unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	return hs_write_path(HS_FAIL_NTH, buf);
}

/* true if the armed fault was injected (fail-nth reads 0); disarms. */
static inline bool hs_fail_nth_fired(void)
{
	char buf[16] = "";
	bool fired;

	hs_read_path(HS_FAIL_NTH, buf, sizeof(buf));
	fired = atoi(buf) == 0;
	hs_write_path(HS_FAIL_NTH, "0");
	return fired;
}

/* -------------------------------------------------------------- alarm */

/* SIGALRMs caught since hs_arm_alarm_ms(). */
static volatile sig_atomic_t hs_alarms;

static inline void hs_on_alarm(int sig)
{
	hs_alarms++;
}

/* One SIGALRM in @ms, without SA_RESTART: a waiting ioctl sees EINTR. */
static inline void hs_arm_alarm_ms(unsigned int ms)
{
	struct itimerval it = { .it_value = { 0, (long)ms * 1000 } };
	struct sigaction sa = { .sa_handler = hs_on_alarm };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	hs_alarms = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

#ifdef __KSELFTEST_HARNESS_H

/* ---------------------------------------------------- harness fixtures */

/*
 * FIXTURE_SETUP of the tests that start from the defaults on an idle
 * device: *@fd is opened (-1 until then, for the teardown), and INFO goes
 * to @info unless it is NULL.
 */
static inline void hs_fixture_setup(struct __test_metadata *_metadata,
				    int *fd, struct hshm_info *info)
{
	*fd = -1;
	hs_restore_defaults();
	hs_wait_idle(10000);
	*fd = hs_open(0);
	ASSERT_LE(0, *fd) TH_LOG("open %s: %s", hs_dev(), strerror(errno));
	if (info)
		ASSERT_EQ(0, hs_info(*fd, info));
}

/*
 * Every request submitted between the snapshots @before and @after (the
 * device idle at @after) ended exactly one way: completed, failed,
 * cancelled or dropped, in every class.
 */
static inline void hs_expect_balanced(struct __test_metadata *_metadata,
				      const struct hs_stats *before,
				      const struct hs_stats *after)
{
	unsigned int i, f;

	for (i = 0; i < HS_NR_CLASSES; i++) {
		unsigned long long d[HS_NR_ST];

		for (f = 0; f < HS_NR_ST; f++)
			d[f] = after->v[i][f] - before->v[i][f];
		EXPECT_EQ(d[HS_ST_SUBMITTED], d[HS_ST_COMPLETED] + d[HS_ST_FAILED] +
			  d[HS_ST_CANCELLED] + d[HS_ST_DROPPED])
			TH_LOG("%s: counters do not balance", hs_class_names[i]);
	}
}

/*
 * FIXTURE_TEARDOWN to match: close @fd, let the loopback peer drain what
 * is left at full speed (up to @idle_ms), then put the defaults back.
 */
static inline void hs_fixture_teardown(int fd, unsigned int idle_ms)
{
	if (fd >= 0)
		close(fd);
	if (hs_have_loopback())
		hs_set_cost(0, 0);
	else if (hs_peer_cost_changed)
		hs_cost(0, 0);	/* after the close: nothing of ours before it */
	hs_wait_idle(idle_ms);
	hs_restore_defaults();
}

/*
 * main() of a guest test: the whole program is skipped (KTAP "1..0 # SKIP",
 * exit 4) when the device does not exist, and fails at once when
 * HSHM_PEER_PROFILE names a profile hshm_ref.h does not know (a typo must
 * not turn into wrong expectations).  Needs kselftest_harness.h.
 */
#define HS_HARNESS_MAIN							\
int main(int argc, char **argv)						\
{									\
	if (access(hs_dev(), F_OK)) {					\
		ksft_print_header();					\
		ksft_exit_skip("%s not present\n", hs_dev());		\
	}								\
	if (ref_profile_set(hs_profile()) == REF_SET_UNKNOWN) {		\
		ksft_print_header();					\
		ksft_exit_fail_msg("HSHM_PEER_PROFILE=%s: no such profile\n",\
				   hs_profile());			\
	}								\
	return test_harness_run(argc, argv);				\
}

/*
 * In a test body: skip unless the peer answers with hshm's own services;
 * @what says what the test needs of them.
 */
#define HS_REQUIRE_PROFILE_HSHM(what)					\
	do {								\
		if (!hs_profile_is_hshm())				\
			SKIP(return, "%s: hshm's services only, the peer "\
			     "is %s", what, hs_profile());		\
	} while (0)

/* In a test body: skip unless the serving peer's cost can be set. */
#define HS_REQUIRE_COST()						\
	do {								\
		if (!hs_have_cost())					\
			SKIP(return, "needs a peer whose cost can be set "\
			     "(the loopback peer or hshm-peer --test-hooks)");\
	} while (0)

#endif /* __KSELFTEST_HARNESS_H */

#endif /* _HSHM_TEST_H */
