// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm over ivshmem: unbinding the PCI device with requests in flight.
 * The requests complete (with -ENODEV where the peer had not answered),
 * every ioctl but HSHM_COMPLETE then fails with ENODEV, closing frees
 * everything, and binding the device again gives a working /dev/hshm0.
 * And binding under allocation failures: every slab allocation of the
 * probe (the channel, its request slots, pools, queues and kfifos, the
 * dispatcher thread, the character device, sysfs, the MSI-X vectors) is
 * made to fail once, one at a time, through fail-nth: the bind fails and
 * leaves no device behind, or the device works (on a polled device, see
 * the test).  Leaks and splats of the unwinding are caught by the debug
 * kernel's kmemleak scan and log check.
 * Runs where the device is an ivshmem one served by hshm-peer with its
 * test hooks (HSHM_PEER_HOOKS=1), to make the peer slow; skips elsewhere
 * (the fail-nth test also where the kernel has no fail-nth: make
 * check-debug has it).
 * And someone else's ivshmem device (HSHM_FOREIGN_PCI: the plain
 * scenario's second device, the host filled it with a line of text
 * repeated): the driver did not bind it and did not write one byte of it,
 * and binds it when its driver_override says so.
 * And a caller whose payload never arrives (a userfaultfd page nobody
 * serves) does not hold an unbind up.
 */
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/netlink.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "hshm_test.h"

#define NREQ		10
#define COST_NS		(100 * 1000 * 1000ull)
#define DRIVER_DIR	"/sys/bus/pci/drivers/hshm-ivshmem"

static bool unbind_scenario(void)
{
	char buf[32];

	return hs_peer_hooks() &&
	       hs_sysfs_read("transport", buf, sizeof(buf)) > 0 &&
	       !strcmp(buf, "ivshmem\n");
}

/* The PCI address of the device behind hshm0, e.g. 0000:00:04.0. */
static int pci_address(char *out, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/device", hs_sysfs());
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(out, len, "%s", basename(target));
	return 0;
}

static int wait_dev(bool present, unsigned int ms)
{
	while (ms) {
		if (!access(hs_dev(), F_OK) == present)
			return 0;
		hs_sleep_ms(10);
		ms = ms > 10 ? ms - 10 : 0;
	}
	return -ETIMEDOUT;
}

FIXTURE(unbind)
{
	char bdf[64];
};

FIXTURE_SETUP(unbind)
{
	self->bdf[0] = '\0';
	if (!unbind_scenario())
		return;		/* the 6.1 harness runs the body anyway */
	hs_restore_defaults();
	ASSERT_EQ(0, hs_wait_idle(30000));
	ASSERT_EQ(0, pci_address(self->bdf, sizeof(self->bdf)));
}

FIXTURE_TEARDOWN(unbind)
{
	hs_failslab_restore();
	/* Leave the device bound for whatever runs next. */
	if (self->bdf[0] && access(hs_dev(), F_OK)) {
		hs_write_path(DRIVER_DIR "/bind", self->bdf);
		wait_dev(true, 5000);
	}
}

TEST_F_TIMEOUT(unbind, requests_in_flight, 120)
{
	static char payload[32] = "in flight when unbound", out[NREQ][32];
	struct hshm_completion comp[NREQ];
	unsigned int seen[NREQ] = { 0 }, got = 0, gone = 0, i;
	struct hshm_submit s;
	struct hshm_info info;
	int fd;

	if (!unbind_scenario())
		SKIP(return, "not an ivshmem device with hshm-peer's hooks");

	ASSERT_EQ(0, hs_peer_set_cost(COST_NS, 0));
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	for (i = 0; i < NREQ; i++) {
		memset(&s, 0, sizeof(s));
		s.payload = (uintptr_t)payload;
		s.length = sizeof(payload);
		s.response = (uintptr_t)out[i];
		s.response_cap = sizeof(out[i]);
		s.service_id = HSHM_SVC_ECHO;
		s.qos_class = HSHM_CLASS_RELIABLE;
		s.user_data = i;
		s.timeout_ms = 60000;
		ASSERT_EQ(0, ioctl(fd, HSHM_SUBMIT, &s));
	}
	hs_sleep_ms(150);	/* one answered, the rest queued or at the peer */

	ASSERT_EQ(0, hs_write_path(DRIVER_DIR "/unbind", self->bdf));
	ASSERT_EQ(0, wait_dev(false, 5000));

	/* Every request completes once, now, without the peer. */
	while (got < NREQ) {
		uint32_t n;

		ASSERT_EQ(0, hs_complete(fd, comp, NREQ, 1, 5000, &n));
		ASSERT_LT(0U, n) TH_LOG("requests lost at unbind");
		for (i = 0; i < n; i++) {
			ASSERT_GT((uint64_t)NREQ, comp[i].user_data);
			ASSERT_EQ(0U, seen[comp[i].user_data]);
			seen[comp[i].user_data]++;
			EXPECT_TRUE(comp[i].status == 0 ||
				    comp[i].status == -ENODEV)
				TH_LOG("status %d", comp[i].status);
			gone += comp[i].status == -ENODEV;
		}
		got += n;
	}
	EXPECT_LT(0U, gone) TH_LOG("nothing was in flight at unbind");
	EXPECT_EQ(-1, ioctl(fd, HSHM_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(fd, HSHM_SUBMIT, &s));
	EXPECT_EQ(ENODEV, errno);
	close(fd);

	/* Let the peer finish the abandoned batch before the queue is new. */
	hs_sleep_ms(NREQ * COST_NS / 1000000 + 500);
	ASSERT_EQ(0, hs_write_path(DRIVER_DIR "/bind", self->bdf));
	ASSERT_EQ(0, wait_dev(true, 5000));
	ASSERT_EQ(0, hs_peer_set_cost(0, 0));
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, hs_info(fd, &info));
	close(fd);
}

/* A thread's blocking call, and whether it has returned. */
struct blocked {
	int fd;
	const void *payload;
	const char *bdf;
	int ret;
	volatile bool done;
};

static void *submit_from(void *arg)
{
	struct blocked *b = arg;
	static char out[64];
	struct hshm_submit s;

	hs_prep(&s, b->payload, 64, out, sizeof(out), HSHM_SVC_ECHO,
		HSHM_CLASS_RELIABLE, 1);
	b->ret = hs_submit(b->fd, &s);
	b->done = true;
	return NULL;
}

static void *unbind_dev(void *arg)
{
	struct blocked *b = arg;

	b->ret = hs_write_path(DRIVER_DIR "/unbind", b->bdf);
	b->done = true;
	return NULL;
}

static void *bind_dev(void *arg)
{
	struct blocked *b = arg;

	b->ret = hs_write_path(DRIVER_DIR "/bind", b->bdf);
	b->done = true;
	return NULL;
}

static bool returns_within(volatile bool *done, unsigned int ms)
{
	for (; ms && !*done; ms -= 10)
		hs_sleep_ms(10);
	return *done;
}

/*
 * A submit whose payload is a userfaultfd page nobody serves waits for it
 * (the copy into the region faults); an unbind meanwhile completes, and
 * once the page comes (the userfaultfd closed: an ordinary zero page) the
 * submit fails with ENODEV, or EFAULT, instead of queueing anything.
 */
TEST_F_TIMEOUT(unbind, stuck_user_buffer, 120)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct blocked sub = { 0 }, unb = { 0 };
	struct uffdio_register reg = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	pthread_t t_sub, t_unb;
	bool unbound;
	void *area;
	int uffd;

	if (!unbind_scenario())
		SKIP(return, "not an ivshmem device with hshm-peer's hooks");
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	area = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	reg.range.start = (uintptr_t)area;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));

	sub.fd = hs_open(0);
	ASSERT_LE(0, sub.fd);
	sub.payload = area;
	ASSERT_EQ(0, pthread_create(&t_sub, NULL, submit_from, &sub));
	EXPECT_FALSE(returns_within(&sub.done, 500))
		TH_LOG("the submit did not wait for its payload: %d", sub.ret);

	unb.bdf = self->bdf;
	ASSERT_EQ(0, pthread_create(&t_unb, NULL, unbind_dev, &unb));
	unbound = returns_within(&unb.done, 20000);
	EXPECT_TRUE(unbound)
		TH_LOG("unbind still waits for a page fault nobody serves");
	/* Nobody will: without its userfaultfd the page is a zero page. */
	close(uffd);
	EXPECT_TRUE(returns_within(&sub.done, 20000));
	pthread_join(t_sub, NULL);
	pthread_join(t_unb, NULL);
	EXPECT_EQ(0, unb.ret);
	EXPECT_TRUE(sub.ret == -ENODEV || sub.ret == -EFAULT)
		TH_LOG("the stuck submit returned %d", sub.ret);
	close(sub.fd);
	munmap(area, page);
	/* Let the peer settle before the queue is new (the teardown binds). */
	hs_sleep_ms(200);
}

/*
 * Closing, timeouts and unbinding interleaved, round after round: the
 * requests of a file closed at once time out (1 to 8 ms) just as the
 * device is unbound, so that a timer's callback drops the last reference
 * of its request and file while removal runs.  The debug kernel's checks
 * (sleeping in atomic context, KASAN, lockdep, kmemleak) watch it; the
 * device works after every round.
 */
TEST_F_TIMEOUT(unbind, close_timeout_unbind_stress, 300)
{
	static char payload[32] = "stress", out[8][32];
	struct hshm_submit s;
	unsigned int round, i;
	int fd;

	if (!unbind_scenario())
		SKIP(return, "not an ivshmem device with hshm-peer's hooks");
	for (round = 0; round < 20; round++) {
		ASSERT_EQ(0, hs_peer_set_cost(20 * 1000 * 1000ull, 0));
		fd = hs_open(0);
		ASSERT_LE(0, fd);
		for (i = 0; i < 8; i++) {
			hs_prep(&s, payload, sizeof(payload), out[i],
				sizeof(out[i]), HSHM_SVC_ECHO,
				HSHM_CLASS_THROUGHPUT, i);
			s.timeout_ms = 1 + i;
			ASSERT_EQ(0, hs_submit(fd, &s));
		}
		close(fd);
		hs_sleep_ms(round % 4);
		ASSERT_EQ(0, hs_write_path(DRIVER_DIR "/unbind", self->bdf));
		ASSERT_EQ(0, wait_dev(false, 5000));
		/* the peer finishes the abandoned batch first */
		hs_sleep_ms(300);
		ASSERT_EQ(0, hs_write_path(DRIVER_DIR "/bind", self->bdf));
		ASSERT_EQ(0, wait_dev(true, 5000));
	}
	ASSERT_EQ(0, hs_peer_set_cost(0, 0));
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, hs_echo_call(fd, 5000));
	close(fd);
}

#define RACE_CREATE	"/sys/kernel/debug/hshm/race_create_us"

/*
 * The "add" uevent of hshm0 comes once the device is complete: whoever
 * udev tells finds classes/ in sysfs at once.  The device is bound from a
 * thread while this one listens; on the debug kernel its race window
 * holds the probe 500 ms between adding the character device and adding
 * classes/, where the event was once sent.
 */
TEST_F_TIMEOUT(unbind, add_uevent_when_complete, 60)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	struct timeval tv = { .tv_sec = 10 };
	struct blocked b = { 0 };
	char msg[8192], buf[64];
	bool seen = false, window;
	pthread_t t;
	ssize_t n;
	int sk;

	if (!unbind_scenario())
		SKIP(return, "not an ivshmem device with hshm-peer's hooks");
	window = !hs_write_path(RACE_CREATE, "500000");
	sk = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	ASSERT_LE(0, sk);
	ASSERT_EQ(0, bind(sk, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, hs_write_path(DRIVER_DIR "/unbind", self->bdf));
	ASSERT_EQ(0, wait_dev(false, 5000));
	hs_sleep_ms(200);
	b.bdf = self->bdf;
	ASSERT_EQ(0, pthread_create(&t, NULL, bind_dev, &b));
	while (!seen && (n = recv(sk, msg, sizeof(msg) - 1, 0)) > 0) {
		msg[n] = '\0';
		/* "ACTION@DEVPATH", then KEY=VALUE strings */
		if (strncmp(msg, "add@", 4) || !strstr(msg, "/hshm/hshm"))
			continue;
		seen = true;
		EXPECT_LT(0, hs_sysfs_read("classes/realtime/weight", buf,
					   sizeof(buf)))
			TH_LOG("%s announced without classes/", msg);
	}
	pthread_join(t, NULL);
	if (window)
		hs_write_path(RACE_CREATE, "0");
	EXPECT_EQ(0, b.ret);
	EXPECT_TRUE(seen) TH_LOG("no add uevent of an hshm device");
	close(sk);
	ASSERT_EQ(0, wait_dev(true, 5000));
}

/* Is the PCI device bound to a driver? */
static bool bound(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	return !access(path, F_OK);
}

TEST_F_TIMEOUT(unbind, fail_nth_probe, 900)
{
	unsigned int n, failed = 0, worked = 0;
	struct hshm_info info;
	bool fired = true;
	int fd;

	if (!unbind_scenario())
		SKIP(return, "not an ivshmem device with hshm-peer's hooks");
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, hs_info(fd, &info));
	close(fd);
	/*
	 * With interrupts, an allocation failed inside request_irq()'s
	 * /proc/irq/N entries is ignored there and then warned about by
	 * free_irq() (remove_proc_entry: "name 'node'"): the kernel's, not
	 * this driver's; its probe is run under faults on a polled device.
	 */
	if (info.features & HSHM_FEAT_IRQ)
		SKIP(return, "interrupts: needs a polled device (ivshmem-plain)");
	if (!hs_failslab_setup())
		SKIP(return, "no fail-nth/failslab (a debug kernel has them)");
	ASSERT_EQ(0, hs_write_path(DRIVER_DIR "/unbind", self->bdf));
	ASSERT_EQ(0, wait_dev(false, 5000));

	for (n = 1; n <= HS_FAIL_NTH_MAX && fired; n++) {
		int bfd = open(DRIVER_DIR "/bind", O_WRONLY | O_CLOEXEC), err;
		ssize_t w;

		ASSERT_LE(0, bfd);
		/* Armed after the open: only the bind's allocations count. */
		ASSERT_EQ(0, hs_fail_nth_arm(n));
		w = write(bfd, self->bdf, strlen(self->bdf));
		err = w < 0 ? errno : 0;
		fired = hs_fail_nth_fired();
		close(bfd);
		if (w < 0 || !bound(self->bdf)) {
			/* The probe failed: nothing of it is left. */
			EXPECT_NE(0, err) TH_LOG("site %u: no driver, no error", n);
			EXPECT_FALSE(bound(self->bdf)) TH_LOG("site %u", n);
			EXPECT_NE(0, access(hs_dev(), F_OK))
				TH_LOG("site %u: %s without a driver", n,
				       hs_dev());
			failed++;
			continue;
		}
		/* It worked around the failure: a device that works. */
		ASSERT_EQ(0, wait_dev(true, 5000)) TH_LOG("site %u", n);
		fd = hs_open(0);
		ASSERT_LE(0, fd) TH_LOG("site %u: open: %s", n, strerror(errno));
		EXPECT_EQ(0, hs_echo_call(fd, 10000)) TH_LOG("site %u", n);
		close(fd);
		worked++;
		ASSERT_EQ(0, hs_write_path(DRIVER_DIR "/unbind", self->bdf))
			TH_LOG("site %u", n);
		ASSERT_EQ(0, wait_dev(false, 5000)) TH_LOG("site %u", n);
	}
	hs_failslab_restore();
	TH_LOG("%u allocation sites of binding failed one at a time: %u binds failed cleanly, %u worked around it",
	       n - 2, failed, worked);
	EXPECT_FALSE(fired) TH_LOG("more than %u sites", HS_FAIL_NTH_MAX);
	EXPECT_LT(0u, failed);

	/* Bound as before, and working. */
	ASSERT_EQ(0, hs_write_path(DRIVER_DIR "/bind", self->bdf));
	ASSERT_EQ(0, wait_dev(true, 5000));
	fd = hs_open(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, hs_echo_call(fd, 10000));
	close(fd);
}

#define FOREIGN_LINE	"someone else's frame buffer\n"

static const char *foreign_pci(void)
{
	return getenv("HSHM_FOREIGN_PCI");
}

static void foreign_path(char *out, size_t len, const char *attr)
{
	snprintf(out, len, "/sys/bus/pci/devices/%s/%s", foreign_pci(), attr);
}

/* The driver the device is bound to, "" if none. */
static void foreign_driver(char *out, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	foreign_path(link, sizeof(link), "driver");
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		out[0] = '\0';
		return;
	}
	target[n] = '\0';
	snprintf(out, len, "%s", basename(target));
}

/* Not bound, and its memory is what its owner put there, byte for byte. */
TEST(foreign_device_untouched)
{
	const size_t line = strlen(FOREIGN_LINE);
	char path[PATH_MAX], drv[64];
	size_t size, i, wrong = 0, first = 0;
	const uint8_t *mem;
	struct stat st;
	int fd;

	if (!foreign_pci())
		SKIP(return, "no foreign ivshmem device (HSHM_FOREIGN_PCI)");
	foreign_driver(drv, sizeof(drv));
	EXPECT_STREQ("", drv) TH_LOG("%s is bound to %s", foreign_pci(), drv);

	/* Its BAR2 decodes only while enabled: that writes no memory of it. */
	foreign_path(path, sizeof(path), "enable");
	ASSERT_EQ(0, hs_write_path(path, "1"));
	foreign_path(path, sizeof(path), "resource2");
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(0, fstat(fd, &st));
	size = st.st_size;
	ASSERT_LT(0u, size);
	mem = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, mem) TH_LOG("mmap %s: %s", path, strerror(errno));
	for (i = 0; i < size; i++) {
		if (mem[i] != (uint8_t)FOREIGN_LINE[i % line] && !wrong++)
			first = i;
	}
	EXPECT_EQ(0u, wrong)
		TH_LOG("%zu of %zu bytes changed, the first at 0x%zx", wrong, size,
		       first);
	munmap((void *)mem, size);
	close(fd);
	foreign_path(path, sizeof(path), "enable");
	EXPECT_EQ(0, hs_write_path(path, "0"));
}

/* What an administrator does to give it to hshm anyway: driver_override. */
TEST(foreign_device_driver_override)
{
	char path[PATH_MAX], drv[64];
	unsigned int ms;

	if (!foreign_pci())
		SKIP(return, "no foreign ivshmem device (HSHM_FOREIGN_PCI)");
	foreign_path(path, sizeof(path), "driver_override");
	ASSERT_EQ(0, hs_write_path(path, "hshm-ivshmem"));
	ASSERT_EQ(0, hs_write_path("/sys/bus/pci/drivers_probe", foreign_pci()));
	for (ms = 0; ms < 5000; ms += 10) {
		foreign_driver(drv, sizeof(drv));
		if (drv[0])
			break;
		hs_sleep_ms(10);
	}
	EXPECT_STREQ("hshm-ivshmem", drv);
	foreign_path(path, sizeof(path), "hshm");
	EXPECT_EQ(0, access(path, F_OK)) TH_LOG("no hshm device under it");
	/* and back to nobody's */
	if (drv[0])
		EXPECT_EQ(0, hs_write_path(DRIVER_DIR "/unbind", foreign_pci()));
	foreign_path(path, sizeof(path), "driver_override");
	EXPECT_EQ(0, hs_write_path(path, "\n"));
	foreign_driver(drv, sizeof(drv));
	EXPECT_STREQ("", drv);
}

TEST_HARNESS_MAIN
