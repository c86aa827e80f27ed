/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the host unit tests of common/ share: the harness, a small PRNG for
 * reproducible inputs, and the queue the wire and peer fixtures work on.
 */
#ifndef _HSHM_UNIT_H
#define _HSHM_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "hshm_wire.h"

/* xorshift64*: the same sequence for the same (non-zero) seed */
static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/*
 * A fixture's queue: a zeroed data area of @data_size bytes, and a queue
 * filled with 0x5c (so nothing depends on what the allocator left there)
 * and then initialised by the sender *@tx.
 */
static inline void unit_queue_setup(struct __test_metadata *_metadata,
				    size_t data_size, u8 **data,
				    struct hshm_wire_queue **q,
				    struct hshm_wire_tx **tx)
{
	*data = calloc(1, data_size);
	*q = aligned_alloc(64, HSHM_WIRE_QUEUE_SIZE);
	*tx = calloc(1, sizeof(**tx));
	ASSERT_NE(NULL, *data);
	ASSERT_NE(NULL, *q);
	ASSERT_NE(NULL, *tx);
	memset(*q, 0x5c, HSHM_WIRE_QUEUE_SIZE);
	ASSERT_EQ(0, hshm_wire_tx_init(*tx, *q, HSHM_WIRE_QUEUE_SIZE));
}

static inline void unit_queue_teardown(u8 *data, struct hshm_wire_queue *q,
				       struct hshm_wire_tx *tx)
{
	free(data);
	free(q);
	free(tx);
}

/*
 * Write entry @idx of @q by hand, as a client or a hostile owner would:
 * the message, cur_idx = @idx and nxt_idx = @nxt.
 */
static inline void unit_put_entry(struct hshm_wire_queue *q, uint16_t idx,
				  uint16_t flag, uint16_t svc, uint32_t off,
				  uint32_t len, uint16_t nxt)
{
	struct hshm_wire_entry *e = &q->entries[idx];

	e->msg.flag = cpu_to_le16(flag);
	e->msg.service_id = cpu_to_le16(svc);
	e->msg.offset = cpu_to_le32(off);
	e->msg.length = cpu_to_le32(len);
	e->cur_idx = cpu_to_le16(idx);
	e->nxt_idx = cpu_to_le16(nxt);
}

#endif /* _HSHM_UNIT_H */
