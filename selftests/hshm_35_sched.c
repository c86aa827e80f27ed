// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dispatcher thread's CPU scheduling (sched_policy, sched_priority):
 * the defaults (SCHED_OTHER, nice 0), writes that the thread itself then
 * shows (its policy and priority read back with sched_getscheduler(),
 * sched_getparam() and getpriority() on the pid of "hshmN-disp"), the
 * priority kept or reset when the policy changes, rejected writes
 * (EINVAL, nothing changes, the thread included), requests still served
 * under fifo and rr; and on a PREEMPT_RT kernel the reply interrupt
 * handled in an irq thread "irq/<N>-hshm-...".
 */
#include <ctype.h>
#include <dirent.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "hshm_test.h"

#define DEF_POLICY	"[other] fifo rr\n"

FIXTURE(sched)
{
	int fd;
	pid_t disp;
};

/*
 * The pid of the kernel thread whose comm is @comm, or whose comm starts
 * with @comm when @prefix; 0 if there is none.
 */
static pid_t find_thread(const char *comm, bool prefix)
{
	struct dirent *de;
	pid_t pid = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return 0;
	while (!pid && (de = readdir(d))) {
		char path[300], buf[64];
		size_t n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if (hs_read_path(path, buf, sizeof(buf)) <= 0)
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		n = strlen(comm);
		if (prefix ? !strncmp(buf, comm, n) : !strcmp(buf, comm))
			pid = atoi(de->d_name);
	}
	closedir(d);
	return pid;
}

/* "hshmN-disp" of the device under test (HSHM_SYSFS ends in hshmN). */
static void disp_comm(char *out, size_t len)
{
	const char *name = strrchr(hs_sysfs(), '/');

	snprintf(out, len, "%s-disp", name ? name + 1 : hs_sysfs());
}

FIXTURE_SETUP(sched)
{
	char comm[32];

	hs_fixture_setup(_metadata, &self->fd, NULL);
	disp_comm(comm, sizeof(comm));
	self->disp = find_thread(comm, false);
	ASSERT_LT(0, self->disp) TH_LOG("no thread %s in /proc", comm);
}

FIXTURE_TEARDOWN(sched)
{
	hs_fixture_teardown(self->fd, 10000);
}

/*
 * The policy of @pid and its priority: the real-time priority under
 * SCHED_FIFO and SCHED_RR, the nice value under SCHED_OTHER.
 */
static void thread_sched(struct __test_metadata *_metadata, pid_t pid,
			 int *policy, int *prio)
{
	struct sched_param sp;

	*policy = sched_getscheduler(pid);
	ASSERT_LE(0, *policy) TH_LOG("sched_getscheduler(%d): %s", pid,
				     strerror(errno));
	if (*policy == SCHED_OTHER) {
		errno = 0;
		*prio = getpriority(PRIO_PROCESS, pid);
		ASSERT_EQ(0, errno) TH_LOG("getpriority(%d): %s", pid,
					   strerror(errno));
	} else {
		ASSERT_EQ(0, sched_getparam(pid, &sp));
		*prio = sp.sched_priority;
	}
}

/* The dispatcher runs under @policy at @prio. */
static void expect_thread(struct __test_metadata *_metadata, pid_t pid,
			  int policy, int prio)
{
	int p, r;

	thread_sched(_metadata, pid, &p, &r);
	EXPECT_EQ(policy, p) TH_LOG("dispatcher %d: policy %d, want %d", pid,
				    p, policy);
	EXPECT_EQ(prio, r) TH_LOG("dispatcher %d: priority %d, want %d", pid,
				  r, prio);
}

static void expect_attr(struct __test_metadata *_metadata, const char *attr,
			const char *want)
{
	char buf[256];
	int n = hs_sysfs_read(attr, buf, sizeof(buf));

	ASSERT_LE(0, n) TH_LOG("read %s: %s", attr, strerror(-n));
	EXPECT_STREQ(want, buf) TH_LOG("attribute %s", attr);
}

/* Both attributes read @policy and @prio, and the thread runs that way. */
static void expect_sched(struct __test_metadata *_metadata, pid_t pid,
			 const char *policy, int prio, int sched_policy)
{
	char want[32];

	expect_attr(_metadata, "sched_policy", policy);
	snprintf(want, sizeof(want), "%d\n", prio);
	expect_attr(_metadata, "sched_priority", want);
	expect_thread(_metadata, pid, sched_policy, prio);
}

static void write_ok(struct __test_metadata *_metadata, const char *attr,
		     const char *val)
{
	int ret = hs_sysfs_write(attr, val);

	ASSERT_EQ(0, ret) TH_LOG("write '%s' to %s: %s", val, attr,
				 strerror(-ret));
}

/* Writing @val fails with EINVAL; neither attribute nor thread changes. */
static void bad(struct __test_metadata *_metadata, pid_t pid,
		const char *attr, const char *val)
{
	char pol[64], pri[32], pol2[64], pri2[32];
	int p, r, p2, r2, ret;

	ASSERT_LE(0, hs_sysfs_read("sched_policy", pol, sizeof(pol)));
	ASSERT_LE(0, hs_sysfs_read("sched_priority", pri, sizeof(pri)));
	thread_sched(_metadata, pid, &p, &r);
	ret = hs_sysfs_write(attr, val);
	EXPECT_EQ(-EINVAL, ret) TH_LOG("write '%s' to %s: %s", val, attr,
				       strerror(-ret));
	ASSERT_LE(0, hs_sysfs_read("sched_policy", pol2, sizeof(pol2)));
	ASSERT_LE(0, hs_sysfs_read("sched_priority", pri2, sizeof(pri2)));
	thread_sched(_metadata, pid, &p2, &r2);
	EXPECT_STREQ(pol, pol2) TH_LOG("'%s' to %s changed sched_policy",
				       val, attr);
	EXPECT_STREQ(pri, pri2) TH_LOG("'%s' to %s changed sched_priority",
				       val, attr);
	EXPECT_EQ(p, p2) TH_LOG("'%s' to %s changed the thread's policy", val,
				attr);
	EXPECT_EQ(r, r2) TH_LOG("'%s' to %s changed the thread's priority",
				val, attr);
}

TEST_F(sched, defaults)
{
	expect_sched(_metadata, self->disp, DEF_POLICY, 0, SCHED_OTHER);
}

TEST_F(sched, fifo_and_rr)
{
	/* A real-time policy starts at 50, the kernel's own choice. */
	write_ok(_metadata, "sched_policy", "fifo");
	expect_sched(_metadata, self->disp, "other [fifo] rr\n", 50, SCHED_FIFO);
	write_ok(_metadata, "sched_priority", "80\n");
	expect_sched(_metadata, self->disp, "other [fifo] rr\n", 80, SCHED_FIFO);
	write_ok(_metadata, "sched_priority", "1");
	expect_sched(_metadata, self->disp, "other [fifo] rr\n", 1, SCHED_FIFO);
	write_ok(_metadata, "sched_priority", "99");
	expect_sched(_metadata, self->disp, "other [fifo] rr\n", 99, SCHED_FIFO);
	/* Between fifo and rr the priority means the same: it stays. */
	write_ok(_metadata, "sched_policy", "rr\n");
	expect_sched(_metadata, self->disp, "other fifo [rr]\n", 99, SCHED_RR);
	write_ok(_metadata, "sched_priority", "49");
	expect_sched(_metadata, self->disp, "other fifo [rr]\n", 49, SCHED_RR);
	write_ok(_metadata, "sched_policy", "rr");
	expect_sched(_metadata, self->disp, "other fifo [rr]\n", 49, SCHED_RR);
	/* Back to other: the priority becomes a nice value, 0. */
	write_ok(_metadata, "sched_policy", "other");
	expect_sched(_metadata, self->disp, DEF_POLICY, 0, SCHED_OTHER);
}

TEST_F(sched, nice)
{
	write_ok(_metadata, "sched_priority", "-20");
	expect_sched(_metadata, self->disp, DEF_POLICY, -20, SCHED_OTHER);
	write_ok(_metadata, "sched_priority", "19\n");
	expect_sched(_metadata, self->disp, DEF_POLICY, 19, SCHED_OTHER);
	write_ok(_metadata, "sched_priority", "5");
	expect_sched(_metadata, self->disp, DEF_POLICY, 5, SCHED_OTHER);
	write_ok(_metadata, "sched_policy", "other");
	expect_sched(_metadata, self->disp, DEF_POLICY, 5, SCHED_OTHER);
	/* A nice value does not carry over as a real-time priority. */
	write_ok(_metadata, "sched_policy", "fifo");
	expect_sched(_metadata, self->disp, "other [fifo] rr\n", 50, SCHED_FIFO);
	write_ok(_metadata, "sched_policy", "other");
	expect_sched(_metadata, self->disp, DEF_POLICY, 0, SCHED_OTHER);
}

TEST_F(sched, rejected)
{
	static const char *const policies[] = {
		"\n", " ", "FIFO", "Other", "batch", "idle", "deadline",
		"normal", "0", "1", "fifo 50", "fifo\nrr", "[fifo]", "fif",
		"fifoo", "rr rr",
	};
	static const char *const nices[] = {
		"\n", "20", "-21", "50", "99", "x", "1.5", "0x5", "+-1",
		"5 5", "99999999999", "-2147483649", "2147483648",
	};
	static const char *const rt_prios[] = {
		"\n", "0", "-1", "-20", "100", "1000", "x", "50 1", "0x32",
		"4294967346", "-2147483648",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(policies); i++)
		bad(_metadata, self->disp, "sched_policy", policies[i]);
	for (i = 0; i < ARRAY_SIZE(nices); i++)
		bad(_metadata, self->disp, "sched_priority", nices[i]);
	expect_sched(_metadata, self->disp, DEF_POLICY, 0, SCHED_OTHER);

	write_ok(_metadata, "sched_policy", "fifo");
	write_ok(_metadata, "sched_priority", "30");
	for (i = 0; i < ARRAY_SIZE(rt_prios); i++)
		bad(_metadata, self->disp, "sched_priority", rt_prios[i]);
	for (i = 0; i < ARRAY_SIZE(policies); i++)
		bad(_metadata, self->disp, "sched_policy", policies[i]);
	expect_sched(_metadata, self->disp, "other [fifo] rr\n", 30, SCHED_FIFO);
}

/* Only root may write: the files are 0644 like every other knob. */
TEST_F(sched, modes)
{
	static const char *const attrs[] = { "sched_policy", "sched_priority" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		char path[256];
		struct stat st;

		hs_path(path, sizeof(path), hs_sysfs(), attrs[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path,
						     strerror(errno));
		EXPECT_EQ(0644u, st.st_mode & 0777) TH_LOG("%s", path);
		EXPECT_EQ(0, (int)st.st_uid);
	}
}

/* Requests are served as before with the dispatcher under fifo and rr. */
TEST_F(sched, serves_under_rt)
{
	static const char *const policies[] = { "fifo", "rr", "other" };
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(policies); i++) {
		write_ok(_metadata, "sched_policy", policies[i]);
		for (k = 0; k < 20; k++)
			ASSERT_EQ(0, hs_echo_call(self->fd, 10000))
				TH_LOG("echo %u under %s", k, policies[i]);
	}
}

/* ------------------------------------------- reply interrupt on PREEMPT_RT */

static bool kernel_is_rt(void)
{
	struct utsname u;
	char buf[16];

	if (hs_read_path("/sys/kernel/realtime", buf, sizeof(buf)) > 0 &&
	    buf[0] == '1')
		return true;
	return !uname(&u) && strstr(u.version, "PREEMPT_RT");
}

/*
 * The line of /proc/interrupts whose action is named @name: its irq number
 * and its count summed over the cpus; -1 if there is none.
 */
static int find_irq(const char *name, unsigned long long *count)
{
	char line[1024];
	int irq = -1;
	FILE *f;

	f = fopen("/proc/interrupts", "r");
	if (!f)
		return -1;
	while (irq < 0 && fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		unsigned long long sum = 0;
		long n;

		line[strcspn(line, "\n")] = '\0';
		n = strtol(p, &end, 10);
		if (end == p || *end != ':')
			continue;
		/* The action's name is the last word of the line. */
		p = strrchr(line, ' ');
		if (!p || strcmp(p + 1, name))
			continue;
		p = end + 1;
		for (;;) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			sum += v;
			p = end;
		}
		irq = (int)n;
		*count = sum;
	}
	fclose(f);
	return irq;
}

/* voluntary_ctxt_switches of @pid: how often it went to sleep. */
static long long ctxt_switches(pid_t pid)
{
	char path[64], buf[2048], *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (hs_read_path(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\nvoluntary_ctxt_switches:");
	return p ? atoll(p + strlen("\nvoluntary_ctxt_switches:")) : -1;
}

/*
 * On PREEMPT_RT the kernel threads every handler requested without
 * IRQF_NO_THREAD: the reply interrupt of ivshmem (and hvisor) is handled
 * by a kernel thread irq/<N>-<name>, at SCHED_FIFO, and that thread runs
 * when the peer answers.
 */
TEST_F(sched, rt_reply_irq_thread)
{
	static const char *const names[] = { "hshm-ivshmem", "hshm-hvisor" };
	unsigned long long before, after;
	const char *name = NULL;
	char transport[32], comm[64];
	long long sw_before, sw_after;
	int irq = -1, policy, prio;
	unsigned int i;
	pid_t pid;

	if (!kernel_is_rt())
		SKIP(return, "not a PREEMPT_RT kernel: interrupts are not threaded");
	for (i = 0; i < ARRAY_SIZE(names) && irq < 0; i++) {
		irq = find_irq(names[i], &before);
		name = names[i];
	}
	if (irq < 0) {
		if (hs_sysfs_read("transport", transport, sizeof(transport)) < 0)
			strcpy(transport, "?\n");
		transport[strcspn(transport, "\n")] = '\0';
		SKIP(return, "hshm uses no interrupt here (transport %s: irq_work or polling)",
		     transport);
	}
	/* The comm may be cut to 15 characters: "irq/<N>-" then the name. */
	snprintf(comm, sizeof(comm), "irq/%d-", irq);
	pid = find_thread(comm, true);
	ASSERT_LT(0, pid) TH_LOG("irq %d (%s) has no thread %s...", irq, name,
				 comm);
	snprintf(comm, sizeof(comm), "/proc/%d/comm", pid);
	{
		char buf[64], want[64];

		ASSERT_LT(0, hs_read_path(comm, buf, sizeof(buf)));
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(want, sizeof(want), "irq/%d-%s", irq, name);
		EXPECT_EQ(0, strncmp(want, buf, strlen(buf)))
			TH_LOG("thread %d is %s, not %s", pid, buf, want);
	}
	thread_sched(_metadata, pid, &policy, &prio);
	EXPECT_EQ(SCHED_FIFO, policy) TH_LOG("irq thread %d: policy %d", pid,
					     policy);
	TH_LOG("irq %d %s: thread %d at SCHED_FIFO %d", irq, name, pid, prio);

	sw_before = ctxt_switches(pid);
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, hs_echo_call(self->fd, 10000));
	ASSERT_EQ(irq, find_irq(name, &after));
	sw_after = ctxt_switches(pid);
	EXPECT_LT(before, after) TH_LOG("irq %d did not fire", irq);
	EXPECT_LT(sw_before, sw_after)
		TH_LOG("irq thread %d did not run (%lld -> %lld switches)", pid,
		       sw_before, sw_after);
}

HS_HARNESS_MAIN
