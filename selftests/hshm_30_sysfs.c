// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm sysfs attributes: defaults, good and bad writes to every writable
 * attribute (a rejected write returns EINVAL and changes nothing), the
 * stats format and reset, classes/<name>/ agreeing with the arrays, modes
 * and root-only writes, shed_us taking effect.
 */
#include <dirent.h>
#include <pthread.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "hshm_test.h"

#define MS		1000000ull

FIXTURE(sysfs)
{
	int fd;
	struct hshm_info info;
};

FIXTURE_SETUP(sysfs)
{
	hs_fixture_setup(_metadata, &self->fd, &self->info);
}

FIXTURE_TEARDOWN(sysfs)
{
	hs_fixture_teardown(self->fd, 10000);
}

static void read_attr(struct __test_metadata *_metadata, const char *attr,
		      char *buf, size_t len)
{
	int n = hs_sysfs_read(attr, buf, len);

	ASSERT_LE(0, n) TH_LOG("read %s: %s", attr, strerror(-n));
}

/* The attribute reads exactly @want. */
static void expect_attr(struct __test_metadata *_metadata, const char *attr,
			const char *want)
{
	char buf[4096];

	read_attr(_metadata, attr, buf, sizeof(buf));
	EXPECT_STREQ(want, buf) TH_LOG("attribute %s", attr);
}

/* Writing @val is accepted and the attribute then reads @readback. */
static void good(struct __test_metadata *_metadata, const char *attr,
		 const char *val, const char *readback)
{
	int ret = hs_sysfs_write(attr, val);

	EXPECT_EQ(0, ret) TH_LOG("write '%s' to %s: %s", val, attr,
				 strerror(-ret));
	expect_attr(_metadata, attr, readback);
}

/* Writing @val fails with EINVAL and changes nothing. */
static void bad(struct __test_metadata *_metadata, const char *attr,
		const char *val)
{
	char before[4096], after[4096];
	int ret;

	read_attr(_metadata, attr, before, sizeof(before));
	ret = hs_sysfs_write(attr, val);
	EXPECT_EQ(-EINVAL, ret) TH_LOG("write '%s' to %s: %s", val, attr,
				       strerror(-ret));
	read_attr(_metadata, attr, after, sizeof(after));
	EXPECT_STREQ(before, after) TH_LOG("'%s' changed %s", val, attr);
}

static void class_attr(char *out, size_t len, unsigned int c, const char *f)
{
	snprintf(out, len, "classes/%s/%s", hs_class_names[c], f);
}

/* classes/<name>/weight and reservation agree with the arrays. */
static void classes_agree(struct __test_metadata *_metadata)
{
	unsigned int w[4], r[4], c;
	char buf[256], attr[128];
	uint64_t v;

	read_attr(_metadata, "weights", buf, sizeof(buf));
	ASSERT_EQ(4, sscanf(buf, "%u %u %u %u", &w[0], &w[1], &w[2], &w[3]));
	read_attr(_metadata, "reservations", buf, sizeof(buf));
	ASSERT_EQ(4, sscanf(buf, "%u %u %u %u", &r[0], &r[1], &r[2], &r[3]));
	for (c = 0; c < HS_NR_CLASSES; c++) {
		class_attr(attr, sizeof(attr), c, "weight");
		ASSERT_EQ(0, hs_sysfs_read_u64(attr, &v));
		EXPECT_EQ(w[c], v);
		class_attr(attr, sizeof(attr), c, "reservation");
		ASSERT_EQ(0, hs_sysfs_read_u64(attr, &v));
		EXPECT_EQ(r[c], v);
	}
}

/* The device-wide attributes read their defaults. */
static void expect_device_defaults(struct __test_metadata *_metadata)
{
	char tmo[16];

	expect_attr(_metadata, "weights", "4 2 2 1\n");
	expect_attr(_metadata, "reservations", "20 10 10 0\n");
	expect_attr(_metadata, "scheduler", "[wrr] fifo drr\n");
	expect_attr(_metadata, "drr_quantum", "4096\n");
	snprintf(tmo, sizeof(tmo), "%u\n", hs_def_timeout_ms());
	expect_attr(_metadata, "timeout_ms", tmo);
	expect_attr(_metadata, "batch_max", "32\n");
}

TEST_F(sysfs, defaults)
{
	char attr[128];
	unsigned int c;
	static const char *const weight[] = { "4\n", "2\n", "2\n", "1\n" };
	static const char *const resv[] = { "20\n", "10\n", "10\n", "0\n" };

	expect_device_defaults(_metadata);
	for (c = 0; c < HS_NR_CLASSES; c++) {
		class_attr(attr, sizeof(attr), c, "weight");
		expect_attr(_metadata, attr, weight[c]);
		class_attr(attr, sizeof(attr), c, "reservation");
		expect_attr(_metadata, attr, resv[c]);
		class_attr(attr, sizeof(attr), c, "shed_us");
		expect_attr(_metadata, attr, "0\n");
	}
	if (hs_have_loopback()) {
		uint64_t v;

		ASSERT_EQ(0, hs_param_read_u64("loopback_msg_ns", &v));
		EXPECT_EQ(2000ull, v);
		ASSERT_EQ(0, hs_param_read_u64("loopback_kib_ns", &v));
		EXPECT_EQ(500ull, v);
	}
}

/* A write to a per-class array attribute and what it then reads. */
struct write_case {
	const char *val;
	const char *readback;
};

/*
 * Each of @goods is accepted and classes/ agrees after it; each of
 * @rejects then fails and changes nothing; then @def goes back.
 */
static void array_attr(struct __test_metadata *_metadata, const char *attr,
		       const struct write_case *goods, unsigned int ngoods,
		       const char *const *rejects, unsigned int nrejects,
		       const char *def)
{
	char readback[64];
	unsigned int i;

	for (i = 0; i < ngoods; i++) {
		good(_metadata, attr, goods[i].val, goods[i].readback);
		classes_agree(_metadata);
	}
	for (i = 0; i < nrejects; i++)
		bad(_metadata, attr, rejects[i]);
	expect_attr(_metadata, attr, goods[ngoods - 1].readback);
	classes_agree(_metadata);
	snprintf(readback, sizeof(readback), "%s\n", def);
	good(_metadata, attr, def, readback);
}

TEST_F(sysfs, weights)
{
	static const struct write_case goods[] = {
		{ "1 1 1 1", "1 1 1 1\n" },
		{ "1000 1000 1000 1000", "1000 1000 1000 1000\n" },
		{ "8 2 1 1\n", "8 2 1 1\n" },
	};
	static const char *const rejects[] = {
		"\n", " ", "1 2 3", "1 2 3 4 5", "0 1 1 1", "1 1 1 0",
		"1001 1 1 1", "1 1 1 1001", "a b c d", "1 2 3 x", "-1 2 3 4",
		"1.5 2 3 4", "1,2,3,4", "99999999999 1 1 1",
		"4294967297 1 1 1", "65537 1 1 1", "0x4 2 2 1",
	};

	array_attr(_metadata, "weights", goods, ARRAY_SIZE(goods), rejects,
		   ARRAY_SIZE(rejects), HS_DEF_WEIGHTS);
}

TEST_F(sysfs, reservations)
{
	static const struct write_case goods[] = {
		{ "0 0 0 0", "0 0 0 0\n" },
		{ "25 25 25 25", "25 25 25 25\n" },
		{ "0 0 0 100", "0 0 0 100\n" },
		{ "100 0 0 0\n", "100 0 0 0\n" },
	};
	static const char *const rejects[] = {
		"\n", "101 0 0 0", "50 50 1 0", "34 33 33 1", "-1 0 0 0",
		"1 2 3", "1 2 3 4 5", "a 0 0 0", "256 0 0 0",
		"4294967296 0 0 0", "100 100 100 100", "10,10,10,10",
	};

	array_attr(_metadata, "reservations", goods, ARRAY_SIZE(goods),
		   rejects, ARRAY_SIZE(rejects), HS_DEF_RESERVATIONS);
}

TEST_F(sysfs, scheduler)
{
	static const char *const rejects[] = {
		"\n", "bogus", "wrr fifo", "fif", "fifoo", "[wrr]", "wrr\nfifo",
		"dr", "drr\n\n", " drr", "drr ", "2",
	};
	unsigned int i;

	good(_metadata, "scheduler", "fifo", "wrr [fifo] drr\n");
	for (i = 0; i < ARRAY_SIZE(rejects); i++)
		bad(_metadata, "scheduler", rejects[i]);
	expect_attr(_metadata, "scheduler", "wrr [fifo] drr\n");
	good(_metadata, "scheduler", "wrr\n", "[wrr] fifo drr\n");
	for (i = 0; i < ARRAY_SIZE(rejects); i++)
		bad(_metadata, "scheduler", rejects[i]);
	good(_metadata, "scheduler", "drr", "wrr fifo [drr]\n");
	good(_metadata, "scheduler", "DRR\n", "wrr fifo [drr]\n");
	for (i = 0; i < ARRAY_SIZE(rejects); i++)
		bad(_metadata, "scheduler", rejects[i]);
	expect_attr(_metadata, "scheduler", "wrr fifo [drr]\n");
	good(_metadata, "scheduler", "fifo\n", "wrr [fifo] drr\n");
	good(_metadata, "scheduler", "wrr", "[wrr] fifo drr\n");
}

/*
 * A u32 knob of range @lo..@hi: both ends are taken (with or without a
 * newline), what is outside or not a number is refused, then @restore.
 */
static void u32_range(struct __test_metadata *_metadata, const char *attr,
		      uint32_t lo, uint32_t hi, uint64_t restore)
{
	static const char *const rejects[] = {
		"-1", "abc", "\n", "1.5", "4294967297", "5 5",
	};
	char v[32], lo_nl[32], hi_nl[32];
	unsigned int i;

	snprintf(v, sizeof(v), "%u", lo);
	snprintf(lo_nl, sizeof(lo_nl), "%u\n", lo);
	snprintf(hi_nl, sizeof(hi_nl), "%u\n", hi);
	good(_metadata, attr, v, lo_nl);
	good(_metadata, attr, hi_nl, hi_nl);
	for (i = 0; i < ARRAY_SIZE(rejects); i++)
		bad(_metadata, attr, rejects[i]);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)hi + 1);
	bad(_metadata, attr, v);
	if (lo) {
		snprintf(v, sizeof(v), "%u", lo - 1);
		bad(_metadata, attr, v);
	}
	expect_attr(_metadata, attr, hi_nl);
	hs_sysfs_write_u64(attr, restore);
}

TEST_F(sysfs, drr_quantum)
{
	u32_range(_metadata, "drr_quantum", 64, 1048576, HS_DEF_DRR_QUANTUM);
	expect_attr(_metadata, "drr_quantum", "4096\n");
}

TEST_F(sysfs, timeout_ms)
{
	u32_range(_metadata, "timeout_ms", 1, 3600000, hs_def_timeout_ms());
}

TEST_F(sysfs, batch_max)
{
	char top[16], over[16], top_nl[16];
	const char *rejects[] = {
		"0", over, "-1", "x", "\n", "4294967297", "1 2",
	};
	unsigned int i;

	snprintf(top, sizeof(top), "%u", self->info.queue_entries);
	snprintf(top_nl, sizeof(top_nl), "%u\n", self->info.queue_entries);
	snprintf(over, sizeof(over), "%u", self->info.queue_entries + 1);
	if (hs_scenario_loopback()) {
		ASSERT_STREQ("255", top);
	}
	good(_metadata, "batch_max", "1", "1\n");
	good(_metadata, "batch_max", top, top_nl);
	for (i = 0; i < ARRAY_SIZE(rejects); i++)
		bad(_metadata, "batch_max", rejects[i]);
	good(_metadata, "batch_max", "32\n", "32\n");
}

TEST_F(sysfs, class_weight)
{
	static const char *const rejects[] = {
		"0", "1001", "x", "\n", "-1", "1 2", "65537",
	};
	char attr[128], want[64];
	unsigned int c, i;

	for (c = 0; c < HS_NR_CLASSES; c++) {
		class_attr(attr, sizeof(attr), c, "weight");
		good(_metadata, attr, "7", "7\n");
		classes_agree(_metadata);
		good(_metadata, attr, "1000\n", "1000\n");
		good(_metadata, attr, "1", "1\n");
		for (i = 0; i < ARRAY_SIZE(rejects); i++)
			bad(_metadata, attr, rejects[i]);
		classes_agree(_metadata);
	}
	expect_attr(_metadata, "weights", "1 1 1 1\n");
	/* one class at a time: the others do not move */
	class_attr(attr, sizeof(attr), 2, "weight");
	ASSERT_EQ(0, hs_sysfs_write(attr, "9"));
	snprintf(want, sizeof(want), "1 1 9 1\n");
	expect_attr(_metadata, "weights", want);
}

TEST_F(sysfs, class_reservation)
{
	static const char *const rejects[] = {
		"101", "-1", "x", "\n", "256", "1 2",
	};
	char attr[128];
	unsigned int c, i;

	class_attr(attr, sizeof(attr), 0, "reservation");
	/* 80 + 10 + 10 + 0 = 100 is fine, 81 is one too many */
	good(_metadata, attr, "80", "80\n");
	expect_attr(_metadata, "reservations", "80 10 10 0\n");
	bad(_metadata, attr, "81");
	class_attr(attr, sizeof(attr), 3, "reservation");
	bad(_metadata, attr, "1");
	expect_attr(_metadata, "reservations", "80 10 10 0\n");
	class_attr(attr, sizeof(attr), 0, "reservation");
	good(_metadata, attr, "20\n", "20\n");
	for (c = 0; c < HS_NR_CLASSES; c++) {
		class_attr(attr, sizeof(attr), c, "reservation");
		for (i = 0; i < ARRAY_SIZE(rejects); i++)
			bad(_metadata, attr, rejects[i]);
		good(_metadata, attr, "0", "0\n");
		classes_agree(_metadata);
	}
	expect_attr(_metadata, "reservations", "0 0 0 0\n");
	class_attr(attr, sizeof(attr), 3, "reservation");
	good(_metadata, attr, "100", "100\n");
	expect_attr(_metadata, "reservations", "0 0 0 100\n");
}

TEST_F(sysfs, class_shed_us)
{
	static const char *const rejects_all[] = { "x", "-1", "\n", "1.5" };
	char attr[128];
	unsigned int c, i;

	for (c = 0; c < HS_NR_CLASSES; c++) {
		bool sheddable = c == HSHM_CLASS_THROUGHPUT ||
				 c == HSHM_CLASS_BEST_EFFORT;

		class_attr(attr, sizeof(attr), c, "shed_us");
		good(_metadata, attr, "0", "0\n");
		if (sheddable) {
			good(_metadata, attr, "1000", "1000\n");
			good(_metadata, attr, "5\n", "5\n");
		} else {
			bad(_metadata, attr, "1");
			bad(_metadata, attr, "1000");
		}
		for (i = 0; i < ARRAY_SIZE(rejects_all); i++)
			bad(_metadata, attr, rejects_all[i]);
		good(_metadata, attr, "0\n", "0\n");
	}
}

/* A request that waited longer than shed_us in the queue is dropped. */
TEST_F(sysfs, shed_us_drops)
{
	uint8_t in[16] = "shed", out[4][16];
	struct hshm_completion cs[8];
	struct hs_stats before, after;
	struct hshm_submit s;
	uint32_t n, i, got = 0, dropped = 0, ok = 0;

	HS_REQUIRE_COST();
	ASSERT_EQ(0, hs_sysfs_write("classes/best_effort/shed_us", "50000"));
	ASSERT_EQ(0, hs_cost(300 * MS, 0));
	ASSERT_EQ(0, hs_stats_read(&before));
	/*
	 * A realtime request keeps the peer busy for 300 ms (the cost stays:
	 * the peer may not have read it yet when the request shows in flight).
	 */
	hs_prep(&s, in, 16, out[0], 16, HSHM_SVC_ECHO, HSHM_CLASS_REALTIME, 0);
	ASSERT_EQ(0, hs_submit(self->fd, &s));
	ASSERT_EQ(0, hs_wait_in_flight(1, 5000));
	for (i = 1; i < 4; i++) {
		hs_prep(&s, in, 16, out[i], 16, HSHM_SVC_ECHO,
			i == 3 ? HSHM_CLASS_RELIABLE : HSHM_CLASS_BEST_EFFORT,
			i);
		ASSERT_EQ(0, hs_submit(self->fd, &s));
	}
	while (got < 4) {
		ASSERT_EQ(0, hs_complete(self->fd, cs, 8, 1, 10000, &n));
		ASSERT_LT(0u, n);
		for (i = 0; i < n; i++, got++) {
			if (cs[i].user_data == 1 || cs[i].user_data == 2) {
				EXPECT_EQ(-ETIME, cs[i].status);
				EXPECT_EQ(HSHM_CLASS_BEST_EFFORT,
					  cs[i].qos_class);
				dropped++;
			} else {
				/* realtime and reliable are never shed */
				EXPECT_EQ(0, cs[i].status);
				ok++;
			}
		}
	}
	EXPECT_EQ(2u, dropped);
	EXPECT_EQ(2u, ok);
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&after));
	EXPECT_EQ(2ull, after.v[3][HS_ST_DROPPED] - before.v[3][HS_ST_DROPPED]);
	EXPECT_EQ(0ull, after.v[3][HS_ST_FAILED] - before.v[3][HS_ST_FAILED]);
	EXPECT_EQ(0ull, after.v[2][HS_ST_DROPPED] - before.v[2][HS_ST_DROPPED]);
}

TEST_F(sysfs, stats_format_and_counts)
{
	static const uint8_t cls[] = { 0, 1, 2, 3, 0, 0, 1, 3 };
	uint8_t in[32], out[32];
	struct hs_stats before, after;
	struct hshm_call call;
	char buf[4096];
	unsigned int i, c;
	unsigned long long want[4] = { 0 };
	uint16_t svc;
	int status;

	read_attr(_metadata, "stats", buf, sizeof(buf));
	ASSERT_EQ(0, hs_stats_parse(buf, &before)) TH_LOG("stats:\n%s", buf);
	memset(in, 's', sizeof(in));
	for (i = 0; i < ARRAY_SIZE(cls); i++) {
		memset(&call, 0, sizeof(call));
		hs_prep(&call.submit, in, 32, out, 32, HSHM_SVC_ECHO, cls[i], i);
		ASSERT_EQ(0, hs_call(self->fd, &call));
		ASSERT_EQ(0, call.completion.status);
		want[cls[i]]++;
	}
	/*
	 * one failure: a service the peer refuses (an unknown one, or a hex
	 * print of a payload that is not hex) counts as failed
	 */
	svc = hs_svc_refused(in, sizeof(in), &status);
	ASSERT_NE(0, svc) TH_LOG("profile %s refuses nothing", hs_profile());
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 32, out, 32, svc, 2, 99);
	ASSERT_EQ(0, hs_call(self->fd, &call));
	ASSERT_EQ(status, call.completion.status);
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&after));
	for (c = 0; c < HS_NR_CLASSES; c++) {
		unsigned long long *a = after.v[c], *b = before.v[c];

		EXPECT_EQ(want[c] + (c == 2), a[HS_ST_SUBMITTED] -
					      b[HS_ST_SUBMITTED]);
		EXPECT_EQ(want[c], a[HS_ST_COMPLETED] - b[HS_ST_COMPLETED]);
		EXPECT_EQ(c == 2 ? 1ull : 0ull,
			  a[HS_ST_FAILED] - b[HS_ST_FAILED]);
		EXPECT_EQ(0ull, a[HS_ST_IN_FLIGHT]);
		EXPECT_EQ(0ull, a[HS_ST_BACKLOG]);
		/* idle: everything submitted is accounted for */
		EXPECT_EQ(a[HS_ST_SUBMITTED], a[HS_ST_COMPLETED] +
			  a[HS_ST_FAILED] + a[HS_ST_CANCELLED] +
			  a[HS_ST_DROPPED]);
		EXPECT_LE(a[HS_ST_P50], a[HS_ST_P95]);
		EXPECT_LE(a[HS_ST_P95], a[HS_ST_P99]);
		EXPECT_LE(a[HS_ST_P99], a[HS_ST_MAX]);
		EXPECT_LT(0ull, a[HS_ST_MAX]);
		EXPECT_LT(0ull, a[HS_ST_P50]);
	}
}

TEST_F(sysfs, stats_reset)
{
	static const char *const rejects[] = {
		"0", "2", "yes", "\n", "11", "1 1", "-1",
	};
	uint8_t in[16] = "reset", out[16];
	struct hshm_call call;
	struct hs_stats st;
	unsigned int c, i, f;

	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 16, out, 16, HSHM_SVC_ECHO,
		HSHM_CLASS_THROUGHPUT, 0);
	ASSERT_EQ(0, hs_call(self->fd, &call));
	ASSERT_EQ(0, hs_wait_idle(10000));
	for (i = 0; i < ARRAY_SIZE(rejects); i++) {
		EXPECT_EQ(-EINVAL, hs_sysfs_write("stats_reset", rejects[i]))
			TH_LOG("'%s'", rejects[i]);
	}
	ASSERT_EQ(0, hs_stats_read(&st));
	EXPECT_LT(0ull, st.v[1][HS_ST_SUBMITTED]);
	EXPECT_LT(0ull, st.v[1][HS_ST_MAX]);
	ASSERT_EQ(0, hs_sysfs_write("stats_reset", "1"));
	ASSERT_EQ(0, hs_stats_read(&st));
	for (c = 0; c < HS_NR_CLASSES; c++) {
		for (f = 0; f < HS_NR_ST; f++) {
			EXPECT_EQ(0ull, st.v[c][f])
				TH_LOG("%s %s", hs_class_names[c],
				       hs_stat_names[f]);
		}
	}
	ASSERT_EQ(0, hs_sysfs_write("stats_reset", "1\n"));
	/* counting starts again */
	ASSERT_EQ(0, hs_call(self->fd, &call));
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&st));
	EXPECT_EQ(1ull, st.v[1][HS_ST_SUBMITTED]);
	EXPECT_EQ(1ull, st.v[1][HS_ST_COMPLETED]);
	EXPECT_EQ(0ull, st.v[0][HS_ST_SUBMITTED]);
}

/*
 * Requests that end without an answer count in the latency statistics
 * too: three best-effort requests time out after 50 ms behind a peer that
 * takes 300 ms per message; the class's percentiles, maximum and SLA
 * violations (target 10 ms) show them, each timed from its submit.
 */
TEST_F(sysfs, stats_count_every_end)
{
	uint8_t in[16] = "late", out[3][16];
	struct hshm_completion cs[4];
	struct hshm_submit s;
	struct hs_stats st;
	uint64_t late, old_target;
	uint32_t n, got = 0, i;

	HS_REQUIRE_COST();
	ASSERT_EQ(0, hs_sysfs_read_u64("classes/best_effort/target_us",
				       &old_target));
	ASSERT_EQ(0, hs_sysfs_write("classes/best_effort/target_us", "10000"));
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_sysfs_write("stats_reset", "1"));
	ASSERT_EQ(0, hs_cost(300 * MS, 0));
	for (i = 0; i < 3; i++) {
		hs_prep(&s, in, 16, out[i], 16, HSHM_SVC_ECHO,
			HSHM_CLASS_BEST_EFFORT, i);
		s.timeout_ms = 50;
		ASSERT_EQ(0, hs_submit(self->fd, &s));
	}
	while (got < 3) {
		ASSERT_EQ(0, hs_complete(self->fd, cs, 4, 1, 10000, &n));
		ASSERT_LT(0u, n);
		for (i = 0; i < n; i++, got++) {
			EXPECT_EQ(-ETIMEDOUT, cs[i].status);
			EXPECT_LE(50 * MS, cs[i].latency_ns);
		}
	}
	ASSERT_EQ(0, hs_stats_read(&st));
	ASSERT_EQ(0, hs_sysfs_read_u64("classes/best_effort/sla_violations",
				       &late));
	EXPECT_EQ(3ull, st.v[3][HS_ST_FAILED]);
	/* percentiles from the histogram: at most 1/8 below the truth */
	EXPECT_LE(50 * MS * 7 / 8, st.v[3][HS_ST_P50]);
	EXPECT_LE(50 * MS * 7 / 8, st.v[3][HS_ST_P99]);
	EXPECT_LE(50 * MS, st.v[3][HS_ST_MAX]);
	EXPECT_EQ(3ull, late);
	EXPECT_EQ(0, hs_cost_restore());
	EXPECT_EQ(0, hs_wait_idle(10000));
	EXPECT_EQ(0, hs_sysfs_write_u64("classes/best_effort/target_us",
					old_target));
}

#define RACE_DISPATCH	"/sys/kernel/debug/hshm/race_dispatch_us"

/* A submit of its own: on a quiet channel the submitter dispatches. */
struct window_submit {
	int fd;
	struct hshm_submit *s;
	int ret;
};

static void *window_submit_main(void *arg)
{
	struct window_submit *w = arg;

	w->ret = hs_submit(w->fd, w->s);
	return NULL;
}

/*
 * A request that times out just as the dispatcher takes it for the peer
 * is never counted below zero: the debug kernel's race window holds the
 * dispatcher 1 s between the request's state change and the move of its
 * count (in_flight once read 2^64-1 there), the request's 100 ms timeout
 * fires inside it, and in_flight and backlog, read in the window, stay
 * within the number of request slots.  The request is in the window when
 * backlog reads 1 there (it has not left the queued count); one the
 * dispatcher took only after its timeout is tried again.
 */
TEST_F(sysfs, in_flight_never_negative)
{
	uint8_t in[16] = "window", out[16];
	struct hshm_completion c;
	struct hshm_submit s;
	struct hs_stats st;
	unsigned int tries;
	int read_ret;
	uint32_t n;

	if (access(RACE_DISPATCH, W_OK))
		SKIP(return, "no race windows (a kernel with fault injection has them)");
	for (tries = 0; tries < 3; tries++) {
		struct window_submit w = { .fd = self->fd, .s = &s };
		pthread_t t;

		ASSERT_EQ(0, hs_wait_idle(10000));
		ASSERT_EQ(0, hs_write_path(RACE_DISPATCH, "1000000"));
		hs_prep(&s, in, 16, out, 16, hs_svc_echo(),
			HSHM_CLASS_THROUGHPUT, tries);
		s.timeout_ms = 100;
		/*
		 * Whoever dispatches holds the window, the submitter itself
		 * on a quiet channel: it submits from a thread of its own.
		 */
		ASSERT_EQ(0, pthread_create(&t, NULL, window_submit_main, &w));
		hs_sleep_ms(400);
		read_ret = hs_stats_read(&st);
		ASSERT_EQ(0, hs_write_path(RACE_DISPATCH, "0"));
		pthread_join(t, NULL);
		ASSERT_EQ(0, w.ret);
		ASSERT_EQ(0, read_ret);
		TH_LOG("in the window: in_flight %llu, backlog %llu",
		       hs_stats_sum(&st, HS_ST_IN_FLIGHT),
		       hs_stats_sum(&st, HS_ST_BACKLOG));
		EXPECT_GE(self->info.max_requests,
			  hs_stats_sum(&st, HS_ST_IN_FLIGHT));
		EXPECT_GE(self->info.max_requests,
			  hs_stats_sum(&st, HS_ST_BACKLOG));
		ASSERT_EQ(0, hs_complete(self->fd, &c, 1, 1, 5000, &n));
		ASSERT_EQ(1u, n);
		EXPECT_EQ(-ETIMEDOUT, c.status);
		if (hs_stats_sum(&st, HS_ST_BACKLOG) == 1)
			break;
	}
	EXPECT_GT(3u, tries) TH_LOG("the dispatcher never took the request before its timeout");
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&st));
	EXPECT_EQ(0ull, hs_stats_sum(&st, HS_ST_IN_FLIGHT));
	EXPECT_EQ(0ull, hs_stats_sum(&st, HS_ST_BACKLOG));
}

/*
 * classes/<name>/spin_us: how long a caller polls, 0..10000; a value out
 * of range is refused whole, and a call answers the same with or without
 * polling.
 */
TEST_F(sysfs, spin_us)
{
	const char *rt = "classes/realtime/spin_us";
	uint8_t in[64], out[64];
	unsigned int i, b;
	uint64_t v, old;
	static const char *const budgets[] = { "0", "10000", "1" };

	ASSERT_EQ(0, hs_sysfs_read_u64(rt, &old));
	EXPECT_EQ(0, hs_sysfs_write(rt, "10000"));
	EXPECT_EQ(0, hs_sysfs_read_u64(rt, &v));
	EXPECT_EQ(10000ull, v);
	EXPECT_EQ(-ERANGE, hs_sysfs_write(rt, "10001"));
	EXPECT_EQ(-EINVAL, hs_sysfs_write(rt, "-1"));
	EXPECT_EQ(-EINVAL, hs_sysfs_write(rt, "fast"));
	EXPECT_EQ(0, hs_sysfs_read_u64(rt, &v));
	EXPECT_EQ(10000ull, v) TH_LOG("a refused write changed spin_us");
	for (b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
		ASSERT_EQ(0, hs_sysfs_write(rt, budgets[b]));
		for (i = 0; i < 20; i++) {
			struct hshm_call call;

			memset(in, 'a' + i, sizeof(in));
			memset(out, 0, sizeof(out));
			memset(&call, 0, sizeof(call));
			hs_prep(&call.submit, in, sizeof(in), out, sizeof(out),
				hs_svc_echo(), HSHM_CLASS_REALTIME, i);
			ASSERT_EQ(0, hs_call(self->fd, &call));
			ASSERT_EQ(0, call.completion.status);
			ASSERT_EQ(sizeof(in), call.completion.length);
			ASSERT_EQ(0, memcmp(in, out, sizeof(in)))
				TH_LOG("spin_us %s: wrong answer", budgets[b]);
		}
	}
	EXPECT_EQ(0, hs_sysfs_write_u64(rt, old));
}

/* classes/<name>/ counters are the stats file's columns. */
TEST_F(sysfs, classes_agree_with_stats)
{
	uint8_t in[64], out[64];
	struct hs_stats st;
	char attr[128];
	unsigned int c, f, i;
	uint64_t v;

	ASSERT_EQ(0, hs_sysfs_write("weights", "8 2 1 1"));
	ASSERT_EQ(0, hs_sysfs_write("reservations", "30 20 10 5"));
	classes_agree(_metadata);
	memset(in, 'k', sizeof(in));
	for (i = 0; i < 20; i++) {
		struct hshm_call call;

		memset(&call, 0, sizeof(call));
		hs_prep(&call.submit, in, 64, out, 64,
			i % 5 ? HSHM_SVC_REVERSE : 500, i % 4, i);
		ASSERT_EQ(0, hs_call(self->fd, &call));
	}
	ASSERT_EQ(0, hs_wait_idle(10000));
	ASSERT_EQ(0, hs_stats_read(&st));
	for (c = 0; c < HS_NR_CLASSES; c++) {
		for (f = 0; f < HS_NR_ST; f++) {
			class_attr(attr, sizeof(attr), c, hs_stat_names[f]);
			ASSERT_EQ(0, hs_sysfs_read_u64(attr, &v))
				TH_LOG("%s", attr);
			EXPECT_EQ(st.v[c][f], v) TH_LOG("%s", attr);
		}
	}
}

static int file_mode(const char *attr, mode_t *mode)
{
	char p[256];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", hs_sysfs(), attr);
	if (stat(p, &sb))
		return -errno;
	*mode = sb.st_mode & 07777;
	return 0;
}

static const char *const rw_attrs[] = {
	"weights", "reservations", "scheduler", "timeout_ms", "batch_max",
};

static const char *const class_rw[] = { "weight", "reservation", "shed_us" };

/* Modes: only root writes; read-only files refuse writes. */
TEST_F(sysfs, modes)
{
	char attr[128];
	unsigned int i, c;
	mode_t m;

	for (i = 0; i < ARRAY_SIZE(rw_attrs); i++) {
		ASSERT_EQ(0, file_mode(rw_attrs[i], &m));
		EXPECT_EQ((mode_t)0200, m & 0222) TH_LOG("%s %o",
							    rw_attrs[i], m);
		EXPECT_NE((mode_t)0, m & 0400);
	}
	ASSERT_EQ(0, file_mode("stats", &m));
	EXPECT_EQ((mode_t)0, m & 0222);
	ASSERT_EQ(0, file_mode("stats_reset", &m));
	EXPECT_EQ((mode_t)0200, m & 0222);
	EXPECT_EQ((mode_t)0, m & 0444);
	for (c = 0; c < HS_NR_CLASSES; c++) {
		for (i = 0; i < HS_NR_ST; i++) {
			class_attr(attr, sizeof(attr), c, hs_stat_names[i]);
			ASSERT_EQ(0, file_mode(attr, &m)) TH_LOG("%s", attr);
			EXPECT_EQ((mode_t)0, m & 0222) TH_LOG("%s", attr);
			/* and root cannot write it either */
			EXPECT_NE(0, hs_sysfs_write(attr, "0"));
		}
		for (i = 0; i < ARRAY_SIZE(class_rw); i++) {
			class_attr(attr, sizeof(attr), c, class_rw[i]);
			ASSERT_EQ(0, file_mode(attr, &m)) TH_LOG("%s", attr);
			EXPECT_EQ((mode_t)0200, m & 0222) TH_LOG("%s", attr);
		}
	}
	EXPECT_NE(0, hs_sysfs_write("stats", "0"));
}

/*
 * faults/ holds one read-only counter per kind of bad peer data and
 * nothing else: "N\n" each (0 on a fresh channel with a well-behaved
 * peer is not assumed: earlier tests may have met a hostile one).
 */
TEST_F(sysfs, faults_one_value_per_file)
{
	char p[256], attr[64], buf[64];
	unsigned int k, seen = 0, other = 0;
	struct dirent *de;
	uint64_t v;
	DIR *d;
	mode_t m;

	snprintf(p, sizeof(p), "%s/faults", hs_sysfs());
	d = opendir(p);
	ASSERT_NE(NULL, d) TH_LOG("%s: %s", p, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		for (k = 0; k < HS_NR_FAULTS; k++)
			if (!strcmp(de->d_name, hs_fault_names[k]))
				break;
		if (k < HS_NR_FAULTS)
			seen |= 1u << k;
		else
			other++;
		EXPECT_GT((unsigned int)HS_NR_FAULTS, k) TH_LOG("faults/%s", de->d_name);
	}
	closedir(d);
	EXPECT_EQ((1u << HS_NR_FAULTS) - 1, seen);
	EXPECT_EQ(0u, other);
	for (k = 0; k < HS_NR_FAULTS; k++) {
		snprintf(attr, sizeof(attr), "faults/%s", hs_fault_names[k]);
		ASSERT_EQ(0, file_mode(attr, &m));
		EXPECT_EQ((mode_t)0444, m);
		ASSERT_LT(1, hs_sysfs_read(attr, buf, sizeof(buf)));
		EXPECT_EQ('\n', buf[strlen(buf) - 1]) TH_LOG("%s", attr);
		EXPECT_EQ(0, hs_fault_read(hs_fault_names[k], &v));
		EXPECT_NE(0, hs_sysfs_write(attr, "0"));
	}
}

/* Anyone but root is refused, and nothing changes. */
TEST_F(sysfs, writes_root_only)
{
	static const char *const writes[][2] = {
		{ "weights", "1 1 1 1" }, { "reservations", "0 0 0 0" },
		{ "scheduler", "fifo" }, { "drr_quantum", "128" },
		{ "timeout_ms", "77" }, { "batch_max", "3" },
		{ "stats_reset", "1" }, { "classes/realtime/weight", "9" },
		{ "classes/throughput/shed_us", "9" },
		{ "classes/reliable/reservation", "0" },
	};
	pid_t pid;
	int status;

	if (geteuid())
		SKIP(return, "not root");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned int i, fails = 0;
		char buf[4096];

		if (setgid(65534) || setuid(65534))
			_exit(100);
		for (i = 0; i < ARRAY_SIZE(writes); i++) {
			int ret = hs_sysfs_write(writes[i][0], writes[i][1]);

			if (ret != -EACCES && ret != -EPERM) {
				fprintf(stderr, "# %s: %d\n", writes[i][0], ret);
				fails++;
			}
		}
		/* reading stays allowed */
		if (hs_sysfs_read("weights", buf, sizeof(buf)) <= 0 ||
		    hs_sysfs_read("stats", buf, sizeof(buf)) <= 0)
			fails++;
		_exit(fails ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	expect_device_defaults(_metadata);
	expect_attr(_metadata, "classes/realtime/weight", "4\n");
	expect_attr(_metadata, "classes/throughput/shed_us", "0\n");
}

HS_HARNESS_MAIN
