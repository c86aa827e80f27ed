/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the KUnit suites of hshm_kunit.ko (kernel/hshm_kunit_*.c).
 */
#ifndef _HSHM_KUNIT_H
#define _HSHM_KUNIT_H

#include <linux/hshm.h>

/* The classes by short names, for readable expectations. */
#define RT	HSHM_CLASS_REALTIME
#define TP	HSHM_CLASS_THROUGHPUT
#define REL	HSHM_CLASS_RELIABLE
#define BE	HSHM_CLASS_BEST_EFFORT

#endif /* _HSHM_KUNIT_H */
