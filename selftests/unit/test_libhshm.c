// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhshm on the host, without a device: argument checking, the errors
 * of opening something that is not an hshm device, the class helpers,
 * hshm_strerror() and hshm_request_prep().  (tests/hshm_90_libhshm runs
 * every call against the driver in the guest.)
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include <hshm/libhshm.h>
#include <linux/hshm_wire.h>

/* Not NULL, never dereferenced by a call that checks its arguments first. */
#define NOT_A_HANDLE	((struct hshm *)0x1)

TEST(open_errors)
{
	struct hshm *h = NOT_A_HANDLE;
	char tmpl[] = "/tmp/libhshm-unit.XXXXXX";
	char longpath[5000];
	int fd;

	EXPECT_EQ(-EINVAL, hshm_open(NULL, 0, 0));
	EXPECT_EQ(-EINVAL, hshm_open_path(NULL, "/dev/hshm0", 0));

	EXPECT_EQ(-EINVAL, hshm_open(&h, HSHM_MAX_INDEX + 1, 0));
	EXPECT_EQ(NULL, h);
	h = NOT_A_HANDLE;
	EXPECT_EQ(-EINVAL, hshm_open(&h, 0, 0x2));	/* unknown flag */
	EXPECT_EQ(NULL, h);
	EXPECT_EQ(-EINVAL, hshm_open_path(&h, NULL, 0));
	EXPECT_EQ(-EINVAL, hshm_open_path(&h, "", 0));

	/* no such node (the host has no hshm device) */
	h = NOT_A_HANDLE;
	EXPECT_EQ(-ENOENT, hshm_open_path(&h, "/nonexistent/hshm0", 0));
	EXPECT_EQ(NULL, h);

	/* a device that does not speak HSHM_INFO */
	h = NOT_A_HANDLE;
	EXPECT_EQ(-ENOTTY, hshm_open_path(&h, "/dev/null", HSHM_OPEN_NONBLOCK));
	EXPECT_EQ(NULL, h);

	/* a regular file: ioctl() says ENOTTY as well */
	fd = mkstemp(tmpl);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-ENOTTY, hshm_open_path(&h, tmpl, 0));
	unlink(tmpl);

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, hshm_open_path(&h, longpath, 0));
	EXPECT_EQ(NULL, h);
}

TEST(null_handle)
{
	struct hshm_submit s;
	struct hshm_completion c;
	struct hshm_info info;
	size_t acc = 77;

	memset(&s, 0, sizeof(s));
	EXPECT_EQ(0, hshm_close(NULL));
	EXPECT_EQ(-EINVAL, hshm_fd(NULL));
	EXPECT_EQ(-EINVAL, hshm_query(NULL, &info));
	EXPECT_EQ(-EINVAL, hshm_request_submit(NULL, &s));
	EXPECT_EQ(-EINVAL, hshm_request_submit_batch(NULL, &s, 1, &acc));
	EXPECT_EQ(0u, acc);
	EXPECT_EQ(-EINVAL, hshm_reap(NULL, &c, 1));
	EXPECT_EQ(-EINVAL, hshm_reap_wait(NULL, &c, 1, 1, 0));
	EXPECT_EQ(-EINVAL, hshm_request_call(NULL, &s, &c));
	EXPECT_EQ(-EINVAL, hshm_request_cancel(NULL, 1));
}

/*
 * Argument checks that come before any system call: a bogus handle
 * pointer is never dereferenced for them.
 */
TEST(arguments_checked_first)
{
	struct hshm *bogus = NOT_A_HANDLE;
	struct hshm_completion c[2];
	struct hshm_submit s;
	size_t acc = 5;

	EXPECT_EQ(-EINVAL, hshm_query(bogus, NULL));
	EXPECT_EQ(-EINVAL, hshm_request_submit(bogus, NULL));
	EXPECT_EQ(-EINVAL, hshm_request_submit_batch(bogus, NULL, 3, &acc));
	EXPECT_EQ(0u, acc);
	EXPECT_EQ(-EINVAL, hshm_reap(bogus, NULL, 1));
	EXPECT_EQ(-EINVAL, hshm_reap(bogus, c, 0));
	EXPECT_EQ(-EINVAL, hshm_reap_wait(bogus, c, 0, 0, 0));
	EXPECT_EQ(-EINVAL, hshm_reap_wait(bogus, c, 2, 3, 0));	/* min > max */
	EXPECT_EQ(-EINVAL, hshm_reap_wait(bogus, NULL, 2, 1, 0));
	EXPECT_EQ(-EINVAL, hshm_reap_wait(bogus, c, 2000, HSHM_REAP_CHUNK + 1, 0));
	EXPECT_EQ(-EINVAL, hshm_request_call(bogus, NULL, c));
	EXPECT_EQ(-EINVAL, hshm_request_call(bogus, &s, NULL));
}

TEST(class_names)
{
	static const char *const names[] = {
		"realtime", "throughput", "reliable", "best_effort",
	};
	unsigned int c;

	EXPECT_EQ(4, HSHM_CLASS_COUNT);
	for (c = 0; c < HSHM_CLASS_COUNT; c++) {
		ASSERT_NE(NULL, hshm_class_name(c));
		EXPECT_STREQ(names[c], hshm_class_name(c));
		EXPECT_EQ((int)c, hshm_class_id(names[c]));
	}
	EXPECT_EQ(HSHM_CLASS_REALTIME, hshm_class_id("REALTIME"));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, hshm_class_id("Best_Effort"));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, hshm_class_id("best-effort"));
	EXPECT_EQ(HSHM_CLASS_AUTO, hshm_class_id("auto"));
	EXPECT_STREQ("auto", hshm_class_name(HSHM_CLASS_AUTO));
	EXPECT_EQ(HSHM_CLASS_RELIABLE, hshm_class_id("2"));
	EXPECT_EQ(HSHM_CLASS_BEST_EFFORT, hshm_class_id("3"));

	EXPECT_EQ(NULL, hshm_class_name(HSHM_CLASS_COUNT));
	EXPECT_EQ(NULL, hshm_class_name(200));
	EXPECT_EQ(NULL, hshm_class_name(~0u));
	EXPECT_EQ(-EINVAL, hshm_class_id(NULL));
	EXPECT_EQ(-EINVAL, hshm_class_id(""));
	EXPECT_EQ(-EINVAL, hshm_class_id("4"));
	EXPECT_EQ(-EINVAL, hshm_class_id("22"));
	EXPECT_EQ(-EINVAL, hshm_class_id("real"));
	EXPECT_EQ(-EINVAL, hshm_class_id("realtime "));
}

TEST(error_texts)
{
	static const int hshm_errs[] = {
		EREMOTEIO, EOPNOTSUPP, EPROTO, ETIMEDOUT, ECANCELED, ETIME,
		EMSGSIZE, ENODEV, EAGAIN, EBUSY, EALREADY, ENOENT, ENOTTY, EIO,
	};
	unsigned int i, j;

	EXPECT_STREQ("success", hshm_strerror(0));
	EXPECT_STREQ("shed: waited longer than its class's shed_us",
		     hshm_strerror(-ETIME));
	/* positive and negative give the same text */
	EXPECT_STREQ(hshm_strerror(-ETIMEDOUT), hshm_strerror(ETIMEDOUT));
	for (i = 0; i < sizeof(hshm_errs) / sizeof(hshm_errs[0]); i++) {
		const char *a = hshm_strerror(-hshm_errs[i]);

		ASSERT_NE(NULL, a);
		EXPECT_LT(10u, strlen(a));
		/* each hshm code has its own text, not strerror()'s */
		EXPECT_STRNE(strerror(hshm_errs[i]), a);
		for (j = 0; j < i; j++)
			EXPECT_STRNE(hshm_strerror(-hshm_errs[j]), a);
	}
	/* other codes: the C library's text */
	EXPECT_STREQ(strerror(EPERM), hshm_strerror(-EPERM));
	EXPECT_STREQ(strerror(ENOMEM), hshm_strerror(-ENOMEM));
	EXPECT_STREQ("unknown error", hshm_strerror(-100000));
	EXPECT_STREQ("unknown error", hshm_strerror(-2147483647));
}

TEST(prep)
{
	struct hshm_submit s;
	char in[8] = "payload", out[16];

	memset(&s, 0xff, sizeof(s));
	hshm_request_prep(&s, HSHM_SVC_ECHO, HSHM_CLASS_RELIABLE, in, 7, out,
			  sizeof(out), 0x1122334455667788ull);
	EXPECT_EQ((uintptr_t)in, s.payload);
	EXPECT_EQ(7u, s.length);
	EXPECT_EQ((uintptr_t)out, s.response);
	EXPECT_EQ(sizeof(out), s.response_cap);
	EXPECT_EQ(HSHM_SVC_ECHO, s.service_id);
	EXPECT_EQ(HSHM_CLASS_RELIABLE, s.qos_class);
	EXPECT_EQ(0x1122334455667788ull, s.user_data);
	/* everything the driver wants zero is zero */
	EXPECT_EQ(0u, s.flags);
	EXPECT_EQ(0u, s.timeout_ms);
	EXPECT_EQ(0ull, s.id);
	EXPECT_EQ(0ull, s.reserved[0]);
	EXPECT_EQ(0ull, s.reserved[1]);
}

TEST_HARNESS_MAIN
