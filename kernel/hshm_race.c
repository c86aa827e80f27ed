// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm race windows: on a kernel built for fault injection
 * (CONFIG_FAULT_INJECTION_DEBUG_FS, the debug kernel of `make
 * check-debug`), /sys/kernel/debug/hshm/race_<site>_us holds the code at
 * one site (enum hshm_race) for that many microseconds, so that the
 * selftests can make a race between two contexts happen every time
 * instead of once in many runs.  All zero unless a test writes them.
 * Other kernels compile none of this (hshm.h).
 */
#include <linux/debugfs.h>
#include <linux/delay.h>

#include "hshm.h"

static u32 hshm_race_us[HSHM_NR_RACES];

static const char *const hshm_race_names[HSHM_NR_RACES] = {
	[HSHM_RACE_DISPATCH] = "race_dispatch_us",
	[HSHM_RACE_CREATE] = "race_create_us",
};

static struct dentry *hshm_race_dir;

/**
 * hshm_race_window() - hold a window open if a test asked for it
 * @site: which window
 *
 * Spins: a window may be inside a spinlock (the dispatch holds the
 * channel's tx_lock).  The context it races with runs on another cpu.
 *
 * Context: any.
 */
void hshm_race_window(enum hshm_race site)
{
	u32 us = READ_ONCE(hshm_race_us[site]);

	while (us) {
		u32 n = min(us, 1000u);

		udelay(n);
		us -= n;
	}
}

/**
 * hshm_race_init() - create /sys/kernel/debug/hshm/race_*_us
 *
 * Without debugfs the windows stay closed; the module works the same.
 */
void hshm_race_init(void)
{
	unsigned int i;

	hshm_race_dir = debugfs_create_dir("hshm", NULL);
	for (i = 0; i < HSHM_NR_RACES; i++)
		debugfs_create_u32(hshm_race_names[i], 0600, hshm_race_dir,
				   &hshm_race_us[i]);
}

/**
 * hshm_race_exit() - remove the files of hshm_race_init()
 */
void hshm_race_exit(void)
{
	debugfs_remove(hshm_race_dir);
}
