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
#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <linux/build_bug.h>

static inline unsigned int hshm_fls64(u64 v)
{
	return fls64(v);
}
#else
#include "hshm_port_user.h"
#endif

#endif /* _HSHM_PORT_H */
