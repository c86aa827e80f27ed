/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space side of hshm_port.h: the kernel primitives the shared hshm
 * code uses, for the user-space peer, tools and unit tests.  Like the rest
 * of common/, it needs nothing but libc and the uapi headers.
 */
#ifndef _HSHM_PORT_USER_H
#define _HSHM_PORT_USER_H

#include <assert.h>
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <endian.h>
#include <errno.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#ifndef U64_MAX
#define U64_MAX UINT64_MAX
#endif

#ifndef __force
#define __force
#endif

#define le16_to_cpu(x) le16toh((__force uint16_t)(x))
#define le32_to_cpu(x) le32toh((__force uint32_t)(x))
#define cpu_to_le16(x) ((__force __le16)htole16(x))
#define cpu_to_le32(x) ((__force __le32)htole32(x))

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) do { *(volatile __typeof__(x) *)&(x) = (v); } while (0)

/* The peer may be another process or another machine's CPU. */
#define virt_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virt_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define virt_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_mb() virt_mb()
/* Until every user says virt_*: the same barriers. */
#define dma_rmb() virt_rmb()
#define dma_wmb() virt_wmb()

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static inline unsigned int hshm_fls64(u64 v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

static inline unsigned int hshm_ffs_nz(u32 v)
{
	return (unsigned int)__builtin_ctz(v);
}

static inline unsigned int hshm_popcount(u32 v)
{
	return (unsigned int)__builtin_popcount(v);
}

static inline u64 hshm_div_u64(u64 n, u32 d)
{
	return n / d;
}

#endif /* _HSHM_PORT_USER_H */
