/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hshm: the kernel API differences between the kernels hshm builds for.
 *
 * hshm is written against the current kernel API.  This header, and only
 * this header, supplies that API on older kernels, down to the minimum
 * below; no other file tests LINUX_VERSION_CODE.  Each entry names the
 * release that introduced the API the driver uses, so that an entry can be
 * dropped when the minimum moves past it.
 *
 * Tested (make check): Debian's 6.1, 6.12 and 6.12 PREEMPT_RT.
 *
 * Differences that need no entry, because the driver uses a form that is
 * the same on every supported kernel:
 * - no_llseek is gone in 6.12: the char device is opened with
 *   stream_open() and has no .llseek, which makes lseek() fail with
 *   -ESPIPE everywhere;
 * - class_create() lost its owner argument in 6.4: the class is a static
 *   struct class registered with class_register();
 * - genl_multicast_group.flags (GENL_MCAST_CAP_NET_ADMIN) came in 6.7 and
 *   went into the 6.1 stable series, which Debian 12's 6.1 follows; a 6.1
 *   without it fails to build below rather than let anyone listen.
 */
#ifndef _HSHM_COMPAT_H
#define _HSHM_COMPAT_H

#include <linux/version.h>

#define HSHM_MIN_KERNEL		KERNEL_VERSION(6, 1, 0)

#if HSHM_MIN_KERNEL > LINUX_VERSION_CODE
#error "hshm needs Linux 6.1 or later"
#endif

#include <linux/hrtimer.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <net/genetlink.h>

#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "hshm needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.7, or a 6.1 stable update that has it)"
#endif

/* 6.2: the attributes a dump was asked with are in genl_dumpit_info.info. */
static inline struct nlattr **hshm_genl_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
	return genl_dumpit_info(cb)->attrs;
#else
	return genl_dumpit_info(cb)->info.attrs;
#endif
}

/*
 * 6.7: a policy's full range is a pointer to const, and the policies YNL
 * generates (hshm_nl_gen.c) define their ranges const.  Before, the
 * pointer was not const; the kernel only ever read through it.
 */
#if KERNEL_VERSION(6, 7, 0) > LINUX_VERSION_CODE
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif

/* 6.8: PCI_IRQ_INTX replaces PCI_IRQ_LEGACY, which 6.12 removed. */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX	PCI_IRQ_LEGACY
#endif

/* 6.13: hrtimer_setup() sets the callback with the rest; hrtimer_init() goes. */
#if KERNEL_VERSION(6, 13, 0) > LINUX_VERSION_CODE
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * 6.11: platform_driver.remove returns void.  A driver defines its remove
 * as void fn(struct platform_device *), declares it the remove callback with
 * HSHM_DEFINE_PLATFORM_REMOVE(fn); (which checks its type, or on older
 * kernels wraps it in the int-returning form) and names it in the driver
 * with HSHM_PLATFORM_REMOVE(fn).
 */
#define HSHM_CHECK_PLATFORM_REMOVE(fn)					\
	static_assert(__same_type(typeof(fn) *, void (*)(struct platform_device *)))
#if KERNEL_VERSION(6, 11, 0) > LINUX_VERSION_CODE
/* (the prototype at the end takes the caller's semicolon) */
#define HSHM_DEFINE_PLATFORM_REMOVE(fn)					\
	static int fn##_int(struct platform_device *pdev)		\
	{								\
		fn(pdev);						\
		return 0;						\
	}								\
	static int fn##_int(struct platform_device *pdev)
#define HSHM_PLATFORM_REMOVE(fn)	fn##_int
#else
#define HSHM_DEFINE_PLATFORM_REMOVE(fn)	HSHM_CHECK_PLATFORM_REMOVE(fn)
#define HSHM_PLATFORM_REMOVE(fn)	fn
#endif

#endif /* _HSHM_COMPAT_H */
