// SPDX-License-Identifier: GPL-2.0-only
/*
 * An application of an installed libhshm, as check-install builds it:
 * against DESTDIR's headers and library only, with the flags
 * `pkg-config --cflags --libs hshm` gives (shared, then --static). It
 * calls what needs no device (class names, error texts, opening a node
 * that is not there) and uses each installed uapi header. Prints KTAP;
 * exits 0 if every check passed, 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hshm/libhshm.h>
#include <linux/hshm.h>
#include <linux/hshm_netlink.h>
#include <linux/hshm_wire.h>

static int nr_checks, nr_failed;

static void check(int ok, const char *what)
{
	nr_checks++;
	if (!ok)
		nr_failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", nr_checks, what);
}

int main(void)
{
	const char *name = hshm_class_name(HSHM_CLASS_REALTIME);
	const char *text = hshm_strerror(-ETIMEDOUT);
	struct hshm *h = NULL;

	printf("TAP version 13\n1..7\n");
	printf("# libhshm %d.%d\n", LIBHSHM_VERSION_MAJOR, LIBHSHM_VERSION_MINOR);
	check(name && !strcmp(name, "realtime"),
	      "hshm_class_name(HSHM_CLASS_REALTIME) is \"realtime\"");
	check(hshm_class_id("best-effort") == HSHM_CLASS_BEST_EFFORT,
	      "hshm_class_id(\"best-effort\") is HSHM_CLASS_BEST_EFFORT");
	check(hshm_class_id("no-such-class") == -EINVAL,
	      "hshm_class_id() of an unknown name is -EINVAL");
	check(text && *text, "hshm_strerror(-ETIMEDOUT) explains it");
	printf("# hshm_strerror(-ETIMEDOUT): %s\n", text ? text : "(null)");
	check(!strcmp(hshm_strerror(0), "success"), "hshm_strerror(0) is \"success\"");
	check(hshm_open_path(&h, "/nonexistent/hshm0", 0) == -ENOENT && !h,
	      "hshm_open_path() of a missing node is -ENOENT");
	check(!strcmp(HSHM_GENL_NAME, "hshm") &&
	      HSHM_WIRE_RESULT_SUCCESS == 1 && HSHM_CLASS_COUNT == 4,
	      "<linux/hshm_netlink.h>, <linux/hshm_wire.h>, <linux/hshm.h>");
	return nr_failed ? 1 : 0;
}
