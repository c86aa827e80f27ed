/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few primitives the shared hshm code needs, for the kernel and for
 * user space.  Everything under common/ builds in both worlds with this
 * header alone: no allocation, no locking, no libc beyond fixed-width types.
 */
#ifndef _HSHM_PORT_H
#define _HSHM_PORT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/bitops.h>
#include <linux/math64.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <linux/build_bug.h>

static inline unsigned int hshm_fls64(u64 v)
{
	return fls64(v);
}

/* The lowest set bit of @v, which is not 0. */
static inline unsigned int hshm_ffs_nz(u32 v)
{
	return __ffs(v);
}

static inline unsigned int hshm_popcount(u32 v)
{
	return hweight32(v);
}

/* 64-bit by 32-bit division, which 32-bit kernels have no operator for */
static inline u64 hshm_div_u64(u64 n, u32 d)
{
	return div_u64(n, d);
}
#else
#include "hshm_port_user.h"
#endif

#endif /* _HSHM_PORT_H */
