// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "hshm" generic netlink family as a raw socket sees it, below what
 * libnl and hshmctl do: every command is strictly validated (a non-zero
 * reserved header field, an attribute the command does not take), GET's
 * dump honours its device filter, EVENT cannot be sent, and SET and the
 * events group need CAP_NET_ADMIN.  The service map, which only netlink
 * carries: its dump covers every id once, lookups, SVC_MAP_SET's checks
 * (all or nothing) and its effect on HSHM_CLASS_AUTO requests.
 */
#include <grp.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "hshm_test.h"

#define NOBODY		65534

/* What one reply (or every message of a dump) said. */
struct nl_seen {
	unsigned int msgs;		/* messages of the family */
	unsigned int other_dev;		/* of another device than want_dev */
	int64_t want_dev;		/* -1: any */
};

static void nl_seen_msg(struct nlmsghdr *n, void *arg)
{
	struct nl_seen *seen = arg;
	struct nlattr *a;
	int left;

	seen->msgs++;
	hs_nla_for_each(a, hs_nla_msg_first(n), hs_nla_msg_len(n), left) {
		if (a->nla_type == HSHM_A_DEV_INDEX && seen->want_dev >= 0 &&
		    hs_nla_u32(a) != seen->want_dev)
			seen->other_dev++;
	}
}

static int nl_talk(int fd, struct hs_nl_req *r, struct nl_seen *seen)
{
	return hs_nl_talk(fd, r, nl_seen_msg, seen);
}

/* The index of the device under test, as GET reports it. */
static uint32_t dev_index(void)
{
	return hs_nl_dev_index(hs_dev());
}

FIXTURE(nl)
{
	int fd;
	struct hs_nl_fam fam;
};

FIXTURE_SETUP(nl)
{
	self->fd = hs_nl_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, hs_nl_family(self->fd, &self->fam))
		TH_LOG("no \"%s\" generic netlink family", HSHM_GENL_NAME);
}

FIXTURE_TEARDOWN(nl)
{
	close(self->fd);
}

/* A GET of one device, with a reserved header field of @reserved. */
static int get_one(int fd, const struct hs_nl_fam *fam, uint16_t reserved,
		   uint32_t seq)
{
	struct nl_seen seen = { .want_dev = dev_index() };
	struct hs_nl_req r;
	int ret;

	hs_nl_init(&r, fam->id, 0, HSHM_CMD_GET, seq);
	r.g.reserved = reserved;
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	ret = nl_talk(fd, &r, &seen);
	return ret ?: seen.msgs == 1 && !seen.other_dev ? 0 : -EIO;
}

TEST_F(nl, reserved_header_field_rejected)
{
	EXPECT_EQ(0, get_one(self->fd, &self->fam, 0, 10));
	EXPECT_EQ(-EINVAL, get_one(self->fd, &self->fam, 1, 11));
}

/* Each command takes its own attributes only. */
TEST_F(nl, attributes_of_another_command_rejected)
{
	struct nl_seen seen = { .want_dev = -1 };
	struct hs_nl_req r;

	/* GET takes no setting */
	hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_GET, 20);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	hs_nl_put_u32(&r, HSHM_A_BATCH_MAX, 4);
	EXPECT_EQ(-EINVAL, nl_talk(self->fd, &r, &seen));
	/* SET takes no counter */
	hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_SET, 21);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	hs_nl_put(&r, HSHM_A_BAD_REPLIES, &(uint64_t){ 0 }, 8);
	EXPECT_EQ(-EINVAL, nl_talk(self->fd, &r, &seen));
	/* nor an attribute past the last one */
	hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_GET, 22);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	hs_nl_put_u32(&r, HSHM_A_MAX + 1, 0);
	EXPECT_EQ(-EINVAL, nl_talk(self->fd, &r, &seen));
	/* EVENT is the driver's to send */
	hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_EVENT, 23);
	EXPECT_EQ(-EOPNOTSUPP, nl_talk(self->fd, &r, &seen));
}

/* A dump with HSHM_A_DEV_INDEX is about that device only. */
TEST_F(nl, dump_filter)
{
	struct nl_seen all = { .want_dev = -1 };
	struct nl_seen one = { .want_dev = dev_index() };
	struct nl_seen none = { .want_dev = -1 };
	struct hs_nl_req r;

	hs_nl_init(&r, self->fam.id, NLM_F_DUMP, HSHM_CMD_GET, 30);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &all));
	EXPECT_LT(0u, all.msgs);

	hs_nl_init(&r, self->fam.id, NLM_F_DUMP, HSHM_CMD_GET, 31);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	ASSERT_EQ(0, nl_talk(self->fd, &r, &one));
	EXPECT_LT(0u, one.msgs);
	EXPECT_EQ(0u, one.other_dev);

	/* the last index: no device of the tests has it */
	hs_nl_init(&r, self->fam.id, NLM_F_DUMP, HSHM_CMD_GET, 32);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, 31);
	EXPECT_EQ(-ENODEV, nl_talk(self->fd, &r, &none));
	EXPECT_EQ(0u, none.msgs);
}

/* As someone without CAP_NET_ADMIN: SET and joining events fail. */
TEST_F(nl, unprivileged)
{
	uint32_t grp = self->fam.events_grp;
	int status, fd, ret;
	struct hs_nl_req r;
	pid_t pid;

	ASSERT_NE(0u, grp) TH_LOG("no \"%s\" group", HSHM_GENL_MCGRP_EVENTS);
	/* root may listen */
	fd = hs_nl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				sizeof(grp)));
	close(fd);
	if (geteuid())
		SKIP(return, "not root");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct nl_seen seen = { .want_dev = -1 };
		int bad = 0;

		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(0x80);
		fd = hs_nl_open();
		if (fd < 0)
			_exit(0x40);
		ret = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				 sizeof(grp));
		if (!(ret < 0 && errno == EPERM))
			bad |= 1;
		hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_SET, 40);
		hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
		hs_nl_put_u32(&r, HSHM_A_TIMEOUT_MS, 1000);
		if (nl_talk(fd, &r, &seen) != -EPERM)
			bad |= 2;
		hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_SVC_MAP_SET, 42);
		hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
		hs_nl_put_run(&r, 66, -1, HSHM_CLASS_REALTIME);
		if (nl_talk(fd, &r, &seen) != -EPERM)
			bad |= 2;
		/* reading is anyone's */
		if (get_one(fd, &self->fam, 0, 41))
			bad |= 4;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("as nobody: 0x%x (1 joined events, 2 SET, 4 GET failed)",
		       WEXITSTATUS(status));
}

/*
 * SET changes what it carries and nothing else, and sysfs writes take the
 * same lock: a class knob written through sysfs while SETs of another
 * setting run reads back as written (a SET that rewrote every class knob
 * from a copy taken before the write would undo it).
 */
TEST_F_TIMEOUT(nl, set_leaves_sysfs_writes_alone, 180)
{
	const char *knob = "classes/best_effort/target_us";
	uint64_t timeout, v, old;
	unsigned int i, lost = 0;
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "not root");
	ASSERT_EQ(0, hs_sysfs_read_u64("timeout_ms", &timeout));
	ASSERT_EQ(0, hs_sysfs_read_u64(knob, &old));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct nl_seen seen = { .want_dev = -1 };
		struct hs_nl_req r;
		int fd = hs_nl_open();

		if (fd < 0)
			_exit(1);
		for (i = 0; ; i++) {
			hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_SET, 100 + i);
			hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
			hs_nl_put_u32(&r, HSHM_A_TIMEOUT_MS, (uint32_t)timeout);
			if (nl_talk(fd, &r, &seen))
				_exit(2);
		}
	}
	for (i = 1; i <= 3000; i++) {
		if (hs_sysfs_write_u64(knob, 1000 + i) ||
		    hs_sysfs_read_u64(knob, &v)) {
			lost = ~0u;
			break;
		}
		lost += v != 1000 + i;
	}
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status))
		TH_LOG("the SET loop stopped: status %d", WEXITSTATUS(status));
	EXPECT_EQ(0u, lost) TH_LOG("%u of 3000 sysfs writes undone by a SET",
				   lost);
	EXPECT_EQ(0, hs_sysfs_write_u64(knob, old));
}

/* --------------------------------------------------------- service map */

#define MAP_MAX_RUNS	4096u

static struct hs_svc_run map_runs[MAP_MAX_RUNS];

/*
 * Dump the map into map_runs and check its shape: runs in order, each
 * id once, 0 to 65535, neighbours of different classes (runs are
 * maximal).  Returns the number of runs, or -1 (and logs why).
 */
static int map_dump(struct __test_metadata *_metadata, unsigned int *msgs)
{
	struct hs_svc_runs rs = { .run = map_runs, .max = MAP_MAX_RUNS };
	uint32_t next = 0;
	unsigned int i;
	int ret;

	ret = hs_svc_map_dump(dev_index(), &rs);
	EXPECT_EQ(0, ret) TH_LOG("SVC_MAP_GET dump: %s", strerror(-ret));
	if (ret)
		return -1;
	EXPECT_EQ(0u, rs.bad) TH_LOG("runs without first, last or class");
	EXPECT_GE(MAP_MAX_RUNS, rs.n);
	if (rs.bad || rs.n > MAP_MAX_RUNS)
		return -1;
	for (i = 0; i < rs.n; i++) {
		const struct hs_svc_run *r = &map_runs[i];

		EXPECT_EQ(next, r->first) TH_LOG("run %u", i);
		EXPECT_LE(r->first, r->last) TH_LOG("run %u", i);
		EXPECT_GT((int)HS_NR_CLASSES, r->cls) TH_LOG("run %u", i);
		if (i)
			EXPECT_NE(map_runs[i - 1].cls, r->cls)
				TH_LOG("runs %u and %u not merged", i - 1, i);
		if (r->first != next || r->last < r->first)
			return -1;
		next = r->last + 1;
	}
	EXPECT_EQ(65536u, next);
	if (msgs)
		*msgs = rs.msgs;
	return next == 65536 ? (int)rs.n : -1;
}

static void expect_map(struct __test_metadata *_metadata,
		       const struct hs_svc_run *want, unsigned int n)
{
	unsigned int i;

	ASSERT_EQ((int)n, map_dump(_metadata, NULL));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(want[i].first, map_runs[i].first) TH_LOG("run %u", i);
		EXPECT_EQ(want[i].last, map_runs[i].last) TH_LOG("run %u", i);
		EXPECT_EQ(want[i].cls, map_runs[i].cls) TH_LOG("run %u", i);
	}
}

static int map_set1(uint32_t first, uint32_t last, int cls)
{
	struct hs_svc_run r = { first, last, cls };

	return hs_svc_map_set(dev_index(), &r, 1);
}

/* The lookup of @id: 0 and the run in @out, or the kernel's errno. */
static int map_lookup(const struct hs_nl_fam *fam, int fd, uint32_t id,
		      struct hs_svc_run *out)
{
	struct hs_svc_runs rs = { .run = out, .max = 1 };
	struct hs_nl_req r;
	int ret;

	hs_nl_init(&r, fam->id, 0, HSHM_CMD_SVC_MAP_GET, 60);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	hs_nl_put_run(&r, id, -1, -1);
	ret = hs_nl_talk(fd, &r, hs_svc_runs_msg, &rs);
	return ret ?: rs.n == 1 && rs.msgs == 1 && !rs.bad ? 0 : -EIO;
}

TEST_F(nl, svc_map_default)
{
	expect_map(_metadata, hs_def_svc_map, HS_DEF_SVC_RUNS);
}

TEST_F(nl, svc_map_set_and_lookup)
{
	static const struct hs_svc_run after[] = {
		{ 0, 2, HSHM_CLASS_REALTIME },
		{ 3, 8, HSHM_CLASS_RELIABLE },
		{ 9, 20, HSHM_CLASS_THROUGHPUT },
		{ 21, 99, HSHM_CLASS_BEST_EFFORT },
		{ 100, 200, HSHM_CLASS_REALTIME },
		{ 201, 65534, HSHM_CLASS_BEST_EFFORT },
		{ 65535, 65535, HSHM_CLASS_RELIABLE },
	};
	/* in order: the later run wins where they overlap */
	static const struct hs_svc_run set[] = {
		{ 100, 300, HSHM_CLASS_RELIABLE },
		{ 100, 200, HSHM_CLASS_REALTIME },
		{ 201, 300, HSHM_CLASS_BEST_EFFORT },
		{ 12, 20, HSHM_CLASS_THROUGHPUT },
		{ 65535, 65535, HSHM_CLASS_RELIABLE },
		{ 0, 0, HSHM_CLASS_REALTIME },
	};
	struct hs_svc_run run;

	if (geteuid())
		SKIP(return, "not root");
	ASSERT_EQ(0, hs_svc_map_set(dev_index(), set, ARRAY_SIZE(set)));
	expect_map(_metadata, after, ARRAY_SIZE(after));

	/* the run that holds an id, wherever in it the id is */
	ASSERT_EQ(0, map_lookup(&self->fam, self->fd, 150, &run));
	EXPECT_EQ(100u, run.first);
	EXPECT_EQ(200u, run.last);
	EXPECT_EQ(HSHM_CLASS_REALTIME, run.cls);
	ASSERT_EQ(0, map_lookup(&self->fam, self->fd, 0, &run));
	EXPECT_EQ(0u, run.first);
	EXPECT_EQ(2u, run.last);
	ASSERT_EQ(0, map_lookup(&self->fam, self->fd, 65535, &run));
	EXPECT_EQ(65535u, run.first);
	EXPECT_EQ(65535u, run.last);
	EXPECT_EQ(HSHM_CLASS_RELIABLE, run.cls);
	ASSERT_EQ(0, map_lookup(&self->fam, self->fd, 30000, &run));
	EXPECT_EQ(201u, run.first);
	EXPECT_EQ(65534u, run.last);
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, run.cls);

	/* a run of one id: HSHM_SR_LAST may be left out */
	ASSERT_EQ(0, map_set1(0, 0, HSHM_CLASS_BEST_EFFORT));
	ASSERT_EQ(0, hs_svc_map_set(dev_index(), hs_def_svc_map,
				    HS_DEF_SVC_RUNS));
	expect_map(_metadata, hs_def_svc_map, HS_DEF_SVC_RUNS);
}

/*
 * Every bad request is refused and changes nothing: ERANGE for a value
 * the policy bounds, EINVAL for the rest.
 */
TEST_F(nl, svc_map_rejects)
{
	struct hs_svc_run run;
	struct hs_nl_req r;
	struct nlattr *n;
	unsigned int i;

	if (geteuid())
		SKIP(return, "not root");
	/* the policy: ids up to 65535, classes up to 3 */
	EXPECT_EQ(-ERANGE, map_set1(0, 65536, HSHM_CLASS_REALTIME));
	EXPECT_EQ(-ERANGE, map_set1(65536, 65536, HSHM_CLASS_REALTIME));
	EXPECT_EQ(-ERANGE, map_set1(5, 5, HS_NR_CLASSES));
	EXPECT_EQ(-ERANGE, map_set1(5, 5, HSHM_CLASS_AUTO));
	/* the handler: last below first, no class */
	EXPECT_EQ(-EINVAL, map_set1(200, 100, HSHM_CLASS_REALTIME));
	EXPECT_EQ(-EINVAL, map_set1(5, 5, -1));
	for (i = 0; i < 4; i++) {
		hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_SVC_MAP_SET, 70 + i);
		if (i != 0)
			hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
		if (i == 1) {
			/* a nest without HSHM_SR_FIRST */
			n = hs_nl_nest_start(&r, HSHM_A_SVC_RANGE);
			hs_nl_put_u8(&r, HSHM_SR_CLASS, HSHM_CLASS_REALTIME);
			hs_nl_nest_end(&r, n);
		} else if (i == 2) {
			/* a valid run, then a bad one: neither applies */
			hs_nl_put_run(&r, 100, 200, HSHM_CLASS_REALTIME);
			hs_nl_put_run(&r, 300, 200, HSHM_CLASS_REALTIME);
		} else if (i != 3) {
			hs_nl_put_run(&r, 100, 200, HSHM_CLASS_REALTIME);
		}
		/* 0: no device; 3: no run at all */
		EXPECT_EQ(-EINVAL, hs_nl_talk(self->fd, &r, NULL, NULL))
			TH_LOG("request %u", i);
	}
	/* no such device */
	hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_SVC_MAP_SET, 80);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, 31);
	hs_nl_put_run(&r, 100, 200, HSHM_CLASS_REALTIME);
	EXPECT_EQ(-ENODEV, hs_nl_talk(self->fd, &r, NULL, NULL));
	/* a lookup names one id and nothing else; a dump takes no run */
	hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_SVC_MAP_GET, 81);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	hs_nl_put_run(&r, 100, 200, -1);
	EXPECT_EQ(-EINVAL, hs_nl_talk(self->fd, &r, NULL, NULL));
	hs_nl_init(&r, self->fam.id, 0, HSHM_CMD_SVC_MAP_GET, 82);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	EXPECT_EQ(-EINVAL, hs_nl_talk(self->fd, &r, NULL, NULL));
	hs_nl_init(&r, self->fam.id, NLM_F_DUMP, HSHM_CMD_SVC_MAP_GET, 83);
	hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	hs_nl_put_run(&r, 100, -1, -1);
	EXPECT_EQ(-EINVAL, hs_nl_talk(self->fd, &r, NULL, NULL));
	hs_nl_init(&r, self->fam.id, NLM_F_DUMP, HSHM_CMD_SVC_MAP_GET, 84);
	EXPECT_EQ(-EINVAL, hs_nl_talk(self->fd, &r, NULL, NULL));
	EXPECT_EQ(-ERANGE, map_lookup(&self->fam, self->fd, 65536, &run));

	expect_map(_metadata, hs_def_svc_map, HS_DEF_SVC_RUNS);
}

/*
 * A map of more runs than one message holds (what a sysfs page could not
 * show either) dumps over several messages, every run once.
 */
TEST_F(nl, svc_map_dump_many_runs)
{
	struct hs_svc_run set[100];
	unsigned int i, j, msgs = 0;
	uint32_t id = 1000;
	int n;

	if (geteuid())
		SKIP(return, "not root");
	/* ids 1000..2999 alternate between realtime and throughput */
	for (i = 0; i < 20; i++) {
		for (j = 0; j < ARRAY_SIZE(set); j++, id++) {
			set[j].first = set[j].last = id;
			set[j].cls = id & 1 ? HSHM_CLASS_THROUGHPUT :
					      HSHM_CLASS_REALTIME;
		}
		ASSERT_EQ(0, hs_svc_map_set(dev_index(), set, ARRAY_SIZE(set)));
	}
	n = map_dump(_metadata, &msgs);
	/* the default's 5 runs, 2000 more, and the best_effort tail split */
	EXPECT_EQ(5 + 2000 + 1, n);
	EXPECT_LT(1u, msgs) TH_LOG("%d runs in one message", n);
	for (i = 0; n > 0 && i < (unsigned int)n; i++) {
		if (map_runs[i].first < 1000 || map_runs[i].first > 2999)
			continue;
		EXPECT_EQ(map_runs[i].first, map_runs[i].last);
		EXPECT_EQ(map_runs[i].first & 1 ? HSHM_CLASS_THROUGHPUT :
						  HSHM_CLASS_REALTIME,
			  map_runs[i].cls);
	}
	ASSERT_EQ(0, hs_svc_map_set(dev_index(), hs_def_svc_map,
				    HS_DEF_SVC_RUNS));
	expect_map(_metadata, hs_def_svc_map, HS_DEF_SVC_RUNS);
}

/* The map decides the class of HSHM_CLASS_AUTO requests, and only theirs. */
TEST_F(nl, svc_map_takes_effect)
{
	uint8_t in[8] = "map", out[8];
	struct hshm_call call;
	int fd;

	if (geteuid())
		SKIP(return, "not root");
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	memset(&call, 0, sizeof(call));
	hs_prep(&call.submit, in, 8, out, 8, 66, HSHM_CLASS_AUTO, 0);
	ASSERT_EQ(0, hs_call(fd, &call));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, call.completion.qos_class);
	ASSERT_EQ(0, map_set1(66, 66, HSHM_CLASS_THROUGHPUT));
	ASSERT_EQ(0, hs_call(fd, &call));
	EXPECT_EQ(0, call.completion.status);
	EXPECT_EQ(HSHM_CLASS_THROUGHPUT, call.completion.qos_class);
	/* an explicit class is not overridden by the map */
	call.submit.qos_class = HSHM_CLASS_RELIABLE;
	ASSERT_EQ(0, hs_call(fd, &call));
	EXPECT_EQ(HSHM_CLASS_RELIABLE, call.completion.qos_class);
	ASSERT_EQ(0, map_set1(1, 2, HSHM_CLASS_BEST_EFFORT));
	call.submit.service_id = HSHM_SVC_ECHO;
	call.submit.qos_class = HSHM_CLASS_AUTO;
	ASSERT_EQ(0, hs_call(fd, &call));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, call.completion.qos_class);
	close(fd);
	ASSERT_EQ(0, hs_svc_map_set(dev_index(), hs_def_svc_map,
				    HS_DEF_SVC_RUNS));
}

HS_HARNESS_MAIN
