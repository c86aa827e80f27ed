// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the HyperAMP queue code (common/hshm_wire.c), mostly its
 * validation of what the other side wrote: the sender's poll of flag and
 * length, the receiver's walk over bad entries, out-of-range heads and
 * loops, and the heal after HSHM_WIRE_HEAL_RUN invalid entries in a row.
 *
 * Part of hshm_kunit.ko; the code under test is compiled into this object
 * from its own source file (see hshm_kunit_qos.c).
 */
#include <kunit/test.h>

#include "../common/hshm_wire.c"
#include "hshm_kunit.h"

#define QBYTES		HSHM_WIRE_QUEUE_SIZE	/* 255 entries */
#define NENT		255u
#define DATA_SIZE	1024u
#define FLAG_FAIL	(HSHM_WIRE_FLAG_DEALT | \
			 HSHM_WIRE_RESULT_FAIL << HSHM_WIRE_FLAG_RESULT_SHIFT)

/**
 * struct hshm_wire_fixture - a queue, its sender and its receiver
 * @q: the shared queue, %QBYTES bytes, initialised by @tx
 * @tx: the owner's side
 * @rx: the other side's state (attached by the tests that use it)
 */
struct hshm_wire_fixture {
	struct hshm_wire_queue *q;
	struct hshm_wire_tx *tx;
	struct hshm_wire_rx rx;
};

static int hshm_wire_test_init(struct kunit *test)
{
	struct hshm_wire_fixture *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->q = kunit_kzalloc(test, QBYTES, GFP_KERNEL);
	f->tx = kunit_kzalloc(test, sizeof(*f->tx), GFP_KERNEL);
	if (!f->q || !f->tx)
		return -ENOMEM;
	if (hshm_wire_tx_init(f->tx, f->q, QBYTES))
		return -EINVAL;
	test->priv = f;
	return 0;
}

static u16 flag_of(const struct hshm_wire_queue *q, u16 idx)
{
	return le16_to_cpu(q->entries[idx].msg.flag);
}

/* Write entry @idx as a misbehaving or well-behaved owner would. */
static void raw_entry(struct hshm_wire_queue *q, u16 idx, u16 flag, u32 off,
		      u32 len, u16 next)
{
	struct hshm_wire_entry *e = &q->entries[idx];

	e->msg.flag = cpu_to_le16(flag);
	e->msg.service_id = cpu_to_le16(HSHM_SVC_ECHO);
	e->msg.offset = cpu_to_le32(off);
	e->msg.length = cpu_to_le32(len);
	e->cur_idx = cpu_to_le16(idx);
	e->nxt_idx = cpu_to_le16(next);
}

/* Hand the list starting at @head to the receiver. */
static void raw_handover(struct hshm_wire_queue *q, u16 head)
{
	q->proc_ing_h = cpu_to_le16(head);
	q->working_mark = cpu_to_le32(HSHM_WIRE_MARK_BUSY);
}

/* Messages and heals until the batch is over; at most @max calls. */
static unsigned int rx_drain(struct kunit *test, struct hshm_wire_rx *rx,
			     unsigned int max)
{
	struct hshm_wire_rx_msg msg;
	unsigned int n = 0, calls;

	for (calls = 0; calls < max; calls++) {
		if (!hshm_wire_rx_next(rx, &msg))
			return n;
		hshm_wire_rx_reply(rx, &msg, HSHM_WIRE_RESULT_SUCCESS, 1);
		n++;
	}
	KUNIT_FAIL(test, "the batch did not end after %u messages", max);
	return n;
}

/* Entries per queue size: at least one, at most HSHM_WIRE_MAX_ENTRIES. */
static void hshm_wire_entry_count(struct kunit *test)
{
	size_t hdr = sizeof(struct hshm_wire_queue);
	size_t ent = sizeof(struct hshm_wire_entry);

	KUNIT_EXPECT_EQ(test, hshm_wire_entries(QBYTES), (int)NENT);
	KUNIT_EXPECT_EQ(test, hshm_wire_entries(0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hshm_wire_entries(hdr + ent - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, hshm_wire_entries(hdr + ent), 1);
	KUNIT_EXPECT_EQ(test, hshm_wire_entries(hdr + 2 * ent - 1), 1);
	KUNIT_EXPECT_EQ(test, hshm_wire_entries(hdr + HSHM_WIRE_MAX_ENTRIES * ent),
			HSHM_WIRE_MAX_ENTRIES);
	KUNIT_EXPECT_EQ(test,
			hshm_wire_entries(hdr + (HSHM_WIRE_MAX_ENTRIES + 1) * ent),
			-EINVAL);
}

/* The owner's initial layout: idle, free list 0 -> 1 -> ... -> end. */
static void hshm_wire_tx_init_layout(struct kunit *test)
{
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_tx *small;
	u16 i;

	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->q->working_mark),
			HSHM_WIRE_MARK_IDLE);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->buf_size), NENT);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->empty_h), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->wait_h), NENT);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->proc_ing_h), NENT);
	for (i = 0; i < NENT; i++) {
		KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->entries[i].cur_idx), i);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->entries[i].nxt_idx),
				i + 1);
	}
	KUNIT_EXPECT_TRUE(test, hshm_wire_tx_peer_idle(f->tx));
	KUNIT_EXPECT_EQ(test, hshm_wire_tx_handover(f->tx), 0u);

	small = kunit_kzalloc(test, sizeof(*small), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, small);
	KUNIT_EXPECT_EQ(test, hshm_wire_tx_init(small, f->q, 20), -EINVAL);
	/* a refused init wrote nothing */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->q->working_mark),
			HSHM_WIRE_MARK_IDLE);
}

/* Free list: in order, -ENOSPC when empty, LIFO, scrubbed on put. */
static void hshm_wire_tx_free_list(struct kunit *test)
{
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_entry *e;
	unsigned int i;

	for (i = 0; i < NENT; i++)
		KUNIT_ASSERT_EQ(test, hshm_wire_tx_get(f->tx), (int)i);
	KUNIT_EXPECT_EQ(test, hshm_wire_tx_get(f->tx), -ENOSPC);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->empty_h), NENT);

	raw_entry(f->q, 7, 0x1234, 99, 98, 3);
	hshm_wire_tx_put(f->tx, 7);
	hshm_wire_tx_put(f->tx, 3);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->empty_h), 3);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->entries[3].nxt_idx), 7);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->entries[7].nxt_idx), NENT);
	e = &f->q->entries[7];
	KUNIT_EXPECT_EQ(test, le16_to_cpu(e->msg.flag), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(e->msg.service_id), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->msg.offset), 0u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->msg.length), 0u);
	KUNIT_EXPECT_EQ(test, hshm_wire_tx_get(f->tx), 3);
	KUNIT_EXPECT_EQ(test, hshm_wire_tx_get(f->tx), 7);
	KUNIT_EXPECT_EQ(test, hshm_wire_tx_get(f->tx), -ENOSPC);
}

/*
 * Every value of the 16-bit flag against a valid length: pending without
 * deal_state, refused with a reserved bit, else done with its result. The
 * reply is only written for a done entry.
 */
static void hshm_wire_tx_poll_flags(struct kunit *test)
{
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_reply reply;
	enum hshm_wire_status want, got;
	u32 flag;
	int idx;

	idx = hshm_wire_tx_get(f->tx);
	KUNIT_ASSERT_GE(test, idx, 0);
	hshm_wire_tx_append(f->tx, idx, HSHM_SVC_ECHO, 0, 64);
	KUNIT_ASSERT_EQ(test, hshm_wire_tx_handover(f->tx), 1u);
	for (flag = 0; flag <= U16_MAX; flag++) {
		if (!(flag & HSHM_WIRE_FLAG_DEALT))
			want = HSHM_WIRE_PENDING;
		else if (flag & HSHM_WIRE_FLAG_RESERVED_MASK)
			want = HSHM_WIRE_BAD_FLAG;
		else if (!(flag & HSHM_WIRE_FLAG_RESULT_MASK))
			want = HSHM_WIRE_BAD_RESULT;	/* "handled", no result */
		else
			want = HSHM_WIRE_DONE;
		raw_entry(f->q, idx, flag, 0, 64, NENT);
		reply.length = 0xdead;
		reply.result = 0xee;
		got = hshm_wire_tx_poll(f->tx, idx, 64, &reply);
		KUNIT_ASSERT_EQ_MSG(test, got, want, "flag %#x", flag);
		if (got == HSHM_WIRE_BAD_RESULT)
			continue;
		if (got != HSHM_WIRE_DONE) {
			KUNIT_ASSERT_EQ(test, reply.length, 0xdeadu);
			KUNIT_ASSERT_EQ(test, reply.result, 0xee);
			continue;
		}
		KUNIT_ASSERT_EQ(test, reply.length, 64u);
		KUNIT_ASSERT_EQ_MSG(test, reply.result, (u8)(flag >> 1),
				    "flag %#x", flag);
	}
}

/* The length is checked against the request's own buffer. */
static void hshm_wire_tx_poll_lengths(struct kunit *test)
{
	static const struct {
		u32 length, capacity;
		enum hshm_wire_status want;
	} cases[] = {
		{ 0, 0, HSHM_WIRE_DONE },
		{ 1, 0, HSHM_WIRE_BAD_LENGTH },
		{ 256, 256, HSHM_WIRE_DONE },
		{ 257, 256, HSHM_WIRE_BAD_LENGTH },
		{ U32_MAX, U32_MAX - 1, HSHM_WIRE_BAD_LENGTH },
		{ U32_MAX, U32_MAX, HSHM_WIRE_DONE },
		{ 0x80000000u, 4096, HSHM_WIRE_BAD_LENGTH },
	};
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_reply reply;
	u16 ok = HSHM_WIRE_FLAG_DEALT |
		 HSHM_WIRE_RESULT_SUCCESS << HSHM_WIRE_FLAG_RESULT_SHIFT;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		raw_entry(f->q, 5, ok, 0, cases[i].length, NENT);
		KUNIT_EXPECT_EQ_MSG(test,
				    hshm_wire_tx_poll(f->tx, 5, cases[i].capacity,
						      &reply),
				    cases[i].want, "case %u", i);
	}
	/* a bad length never hides a bad flag, nor a pending entry */
	raw_entry(f->q, 5, ok | 0x8, 0, U32_MAX, NENT);
	KUNIT_EXPECT_EQ(test, hshm_wire_tx_poll(f->tx, 5, 16, &reply),
			HSHM_WIRE_BAD_FLAG);
	raw_entry(f->q, 5, 0, 0, U32_MAX, NENT);
	KUNIT_EXPECT_EQ(test, hshm_wire_tx_poll(f->tx, 5, 16, &reply),
			HSHM_WIRE_PENDING);
}

/* Sender and receiver agree: order, fields, answers, marks. */
static void hshm_wire_round_trip(struct kunit *test)
{
	static const struct { u16 svc; u32 off, len; } m[] = {
		{ HSHM_SVC_ECHO, 0, 10 },
		{ HSHM_SVC_REVERSE, 512, 512 },
		{ HSHM_SVC_CRC32, 100, 1 },
	};
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_rx_msg msg;
	struct hshm_wire_reply reply;
	int idx[ARRAY_SIZE(m)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(m); i++) {
		idx[i] = hshm_wire_tx_get(f->tx);
		KUNIT_ASSERT_GE(test, idx[i], 0);
	}
	/* appended in an order other than the indices */
	for (i = ARRAY_SIZE(m); i-- > 0;)
		hshm_wire_tx_append(f->tx, idx[i], m[i].svc, m[i].off, m[i].len);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->wait_h), idx[2]);
	KUNIT_ASSERT_EQ(test, hshm_wire_tx_handover(f->tx), 3u);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->wait_h), NENT);
	KUNIT_EXPECT_FALSE(test, hshm_wire_tx_peer_idle(f->tx));

	KUNIT_ASSERT_EQ(test, hshm_wire_rx_attach(&f->rx, f->q, QBYTES,
						  DATA_SIZE), 0);
	KUNIT_EXPECT_TRUE(test, hshm_wire_rx_pending(&f->rx));
	for (i = ARRAY_SIZE(m); i-- > 0;) {
		KUNIT_ASSERT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 1);
		KUNIT_EXPECT_EQ(test, msg.idx, idx[i]);
		KUNIT_EXPECT_EQ(test, msg.service_id, m[i].svc);
		KUNIT_EXPECT_EQ(test, msg.offset, m[i].off);
		KUNIT_EXPECT_EQ(test, msg.length, m[i].len);
		/* an answer per message: result i + 1, length 2 * i */
		hshm_wire_rx_reply(&f->rx, &msg, i + 1, 2 * i);
		KUNIT_EXPECT_EQ(test, hshm_wire_tx_poll(f->tx, idx[i], 64,
							&reply),
				HSHM_WIRE_DONE);
		KUNIT_EXPECT_EQ(test, reply.result, i + 1);
		KUNIT_EXPECT_EQ(test, reply.length, 2 * i);
	}
	KUNIT_EXPECT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 0);
	hshm_wire_rx_finish(&f->rx);
	KUNIT_EXPECT_TRUE(test, hshm_wire_tx_peer_idle(f->tx));
	KUNIT_EXPECT_FALSE(test, hshm_wire_rx_pending(&f->rx));
	KUNIT_EXPECT_EQ(test, f->rx.served, 1ULL);	/* result 1: success */
	KUNIT_EXPECT_EQ(test, f->rx.invalid, 0ULL);
	KUNIT_EXPECT_EQ(test, f->rx.heals, 0ULL);
}

/* Bad messages are answered FAIL with length 0 and skipped. */
static void hshm_wire_rx_invalid_entries(struct kunit *test)
{
	static const struct { u16 flag; u32 off, len; } bad[] = {
		{ 0, 0, 0 },				/* empty */
		{ 0, DATA_SIZE, 1 },			/* starts past the end */
		{ 0, DATA_SIZE - 24, 25 },		/* ends past the end */
		{ 0, 1, U32_MAX },			/* off + len wraps */
		{ 0, U32_MAX, 2 },			/* likewise */
		{ HSHM_WIRE_FLAG_DEALT, 0, 8 },		/* already answered */
	};
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_rx_msg msg;
	u16 i, n = ARRAY_SIZE(bad);

	for (i = 0; i < n; i++)
		raw_entry(f->q, i, bad[i].flag, bad[i].off, bad[i].len, i + 1);
	raw_entry(f->q, n, 0, DATA_SIZE - 24, 24, NENT);
	raw_handover(f->q, 0);
	KUNIT_ASSERT_EQ(test, hshm_wire_rx_attach(&f->rx, f->q, QBYTES,
						  DATA_SIZE), 0);
	KUNIT_ASSERT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 1);
	KUNIT_EXPECT_EQ(test, msg.idx, n);
	KUNIT_EXPECT_EQ(test, msg.offset, DATA_SIZE - 24);
	KUNIT_EXPECT_EQ(test, msg.length, 24u);
	KUNIT_EXPECT_EQ(test, f->rx.invalid, (u64)n);
	KUNIT_EXPECT_EQ(test, f->rx.invalid_run, 0u);
	KUNIT_EXPECT_EQ(test, f->rx.heals, 0ULL);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, flag_of(f->q, i), FLAG_FAIL, "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, le32_to_cpu(f->q->entries[i].msg.length),
				    0u, "entry %u", i);
	}
	KUNIT_EXPECT_EQ(test, flag_of(f->q, n), 0);
	hshm_wire_rx_reply(&f->rx, &msg, HSHM_WIRE_RESULT_SUCCESS, 3);
	KUNIT_EXPECT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 0);
	KUNIT_EXPECT_EQ(test, f->rx.heals, 0ULL);
}

/* A head past the end resets the queue without touching an entry. */
static void hshm_wire_rx_head_out_of_range(struct kunit *test)
{
	static const u16 heads[] = { NENT + 1, 0x7fff, U16_MAX };
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_rx_msg msg;
	unsigned int i;
	u16 e;

	KUNIT_ASSERT_EQ(test, hshm_wire_rx_attach(&f->rx, f->q, QBYTES,
						  DATA_SIZE), 0);
	for (i = 0; i < ARRAY_SIZE(heads); i++) {
		raw_handover(f->q, heads[i]);
		KUNIT_EXPECT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 0);
		KUNIT_EXPECT_EQ(test, f->rx.heals, (u64)i + 1);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->proc_ing_h), NENT);
		/* and the batch is over: no second heal */
		KUNIT_EXPECT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 0);
		KUNIT_EXPECT_EQ(test, f->rx.heals, (u64)i + 1);
	}
	KUNIT_EXPECT_EQ(test, f->rx.invalid, (u64)ARRAY_SIZE(heads));
	for (e = 0; e < NENT; e++)
		KUNIT_ASSERT_EQ(test, flag_of(f->q, e), 0);
}

/*
 * A loop in a queue smaller than HSHM_WIRE_HEAL_RUN: 0 -> 1 -> 2 -> 0. Each
 * entry is served once; walking more steps than the queue has entries
 * ends the batch with a heal.
 */
static void hshm_wire_rx_loop_by_steps(struct kunit *test)
{
	size_t bytes = sizeof(struct hshm_wire_queue) +
		       8 * sizeof(struct hshm_wire_entry);
	struct hshm_wire_queue *q;
	struct hshm_wire_tx *tx;
	struct hshm_wire_rx rx;

	BUILD_BUG_ON(8 >= HSHM_WIRE_HEAL_RUN);
	q = kunit_kzalloc(test, bytes, GFP_KERNEL);
	tx = kunit_kzalloc(test, sizeof(*tx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	KUNIT_ASSERT_EQ(test, hshm_wire_tx_init(tx, q, bytes), 0);
	raw_entry(q, 0, 0, 0, 4, 1);
	raw_entry(q, 1, 0, 4, 4, 2);
	raw_entry(q, 2, 0, 8, 4, 0);
	raw_handover(q, 0);
	KUNIT_ASSERT_EQ(test, hshm_wire_rx_attach(&rx, q, bytes, DATA_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rx_drain(test, &rx, 100), 3u);
	KUNIT_EXPECT_EQ(test, rx.served, 3ULL);
	KUNIT_EXPECT_EQ(test, rx.heals, 1ULL);
	/* 9 steps: 3 served, 5 already-answered entries, then the heal */
	KUNIT_EXPECT_EQ(test, rx.invalid, 6ULL);
	KUNIT_EXPECT_LT(test, rx.invalid_run, (u32)HSHM_WIRE_HEAL_RUN);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(q->proc_ing_h), 8);
	/* a well-formed batch after the heal is served normally */
	raw_entry(q, 5, 0, 0, 1, 8);
	raw_handover(q, 5);
	KUNIT_EXPECT_EQ(test, rx_drain(test, &rx, 100), 1u);
	KUNIT_EXPECT_EQ(test, rx.heals, 1ULL);
}

/*
 * In a large queue a loop ends with HSHM_WIRE_HEAL_RUN invalid entries in
 * a row, long before the walk reaches the entry count.
 */
static void hshm_wire_rx_loop_by_run(struct kunit *test)
{
	struct hshm_wire_fixture *f = test->priv;

	raw_entry(f->q, 10, 0, 0, 4, 11);
	raw_entry(f->q, 11, 0, 4, 4, 10);
	raw_handover(f->q, 10);
	KUNIT_ASSERT_EQ(test, hshm_wire_rx_attach(&f->rx, f->q, QBYTES,
						  DATA_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rx_drain(test, &f->rx, 1000), 2u);
	KUNIT_EXPECT_EQ(test, f->rx.heals, 1ULL);
	KUNIT_EXPECT_EQ(test, f->rx.invalid, (u64)HSHM_WIRE_HEAL_RUN);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->proc_ing_h), NENT);
}

/*
 * HSHM_WIRE_HEAL_RUN invalid entries in a row heal; one fewer followed by
 * a valid entry does not, and the run starts again from zero.
 */
static void hshm_wire_rx_heal_after_run(struct kunit *test)
{
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_rx_msg msg;
	u16 i;

	/* 0..39 invalid (length 0), 40 valid */
	for (i = 0; i < 40; i++)
		raw_entry(f->q, i, 0, 0, 0, i + 1);
	raw_entry(f->q, 40, 0, 0, 8, NENT);
	raw_handover(f->q, 0);
	KUNIT_ASSERT_EQ(test, hshm_wire_rx_attach(&f->rx, f->q, QBYTES,
						  DATA_SIZE), 0);
	KUNIT_EXPECT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 0);
	KUNIT_EXPECT_EQ(test, f->rx.heals, 1ULL);
	KUNIT_EXPECT_EQ(test, f->rx.invalid, (u64)HSHM_WIRE_HEAL_RUN);
	KUNIT_EXPECT_EQ(test, f->rx.invalid_run, 0u);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(f->q->proc_ing_h), NENT);
	for (i = 0; i < HSHM_WIRE_HEAL_RUN; i++)
		KUNIT_EXPECT_EQ_MSG(test, flag_of(f->q, i), FLAG_FAIL, "entry %u", i);
	/* nothing after the heal was looked at */
	for (; i <= 40; i++)
		KUNIT_EXPECT_EQ_MSG(test, flag_of(f->q, i), 0, "entry %u", i);
	hshm_wire_rx_finish(&f->rx);

	/* HEAL_RUN - 1 invalid, then valid: served, no heal, run reset */
	for (i = 100; i < 100 + HSHM_WIRE_HEAL_RUN - 1; i++)
		raw_entry(f->q, i, 0, DATA_SIZE, 1, i + 1);
	raw_entry(f->q, i, 0, 0, 8, i + 1);
	raw_entry(f->q, i + 1, 0, 0, 0, NENT);
	raw_handover(f->q, 100);
	KUNIT_ASSERT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 1);
	KUNIT_EXPECT_EQ(test, msg.idx, i);
	KUNIT_EXPECT_EQ(test, f->rx.invalid_run, 0u);
	KUNIT_EXPECT_EQ(test, f->rx.heals, 1ULL);
	hshm_wire_rx_reply(&f->rx, &msg, HSHM_WIRE_RESULT_SUCCESS, 8);
	KUNIT_EXPECT_EQ(test, hshm_wire_rx_next(&f->rx, &msg), 0);
	KUNIT_EXPECT_EQ(test, f->rx.invalid_run, 1u);
	KUNIT_EXPECT_EQ(test, f->rx.heals, 1ULL);
	KUNIT_EXPECT_EQ(test, f->rx.invalid,
			(u64)HSHM_WIRE_HEAL_RUN + HSHM_WIRE_HEAL_RUN);
}

/* A receiver only attaches to an initialised queue of the size it knows. */
static void hshm_wire_rx_attach_refuses(struct kunit *test)
{
	static const u32 refused[] = {
		HSHM_WIRE_MARK_RAW, HSHM_WIRE_MARK_INITING,
		HSHM_WIRE_MARK_DESTROYED, 0x12345678,
	};
	static const u32 accepted[] = {
		HSHM_WIRE_MARK_INITED, HSHM_WIRE_MARK_IDLE, HSHM_WIRE_MARK_BUSY,
	};
	struct hshm_wire_fixture *f = test->priv;
	struct hshm_wire_rx *rx = &f->rx;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		f->q->working_mark = cpu_to_le32(refused[i]);
		KUNIT_EXPECT_EQ_MSG(test, hshm_wire_rx_attach(rx, f->q, QBYTES,
							      DATA_SIZE),
				    -EAGAIN, "mark %#x", refused[i]);
	}
	for (i = 0; i < ARRAY_SIZE(accepted); i++) {
		f->q->working_mark = cpu_to_le32(accepted[i]);
		KUNIT_EXPECT_EQ_MSG(test, hshm_wire_rx_attach(rx, f->q, QBYTES,
							      DATA_SIZE),
				    0, "mark %#x", accepted[i]);
		KUNIT_EXPECT_EQ(test, rx->n, NENT);
	}
	/* buf_size must agree with the size this side knows */
	f->q->buf_size = cpu_to_le16(NENT + 1);
	KUNIT_EXPECT_EQ(test, hshm_wire_rx_attach(rx, f->q, QBYTES, DATA_SIZE),
			-EAGAIN);
	f->q->buf_size = cpu_to_le16(NENT);
	KUNIT_EXPECT_EQ(test, hshm_wire_rx_attach(rx, f->q, QBYTES, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hshm_wire_rx_attach(rx, f->q, 16, DATA_SIZE),
			-EINVAL);
	/* and a destroyed queue is refused */
	hshm_wire_tx_destroy(f->tx);
	KUNIT_EXPECT_FALSE(test, hshm_wire_tx_peer_idle(f->tx));
	KUNIT_EXPECT_EQ(test, hshm_wire_rx_attach(rx, f->q, QBYTES, DATA_SIZE),
			-EAGAIN);
}

static struct kunit_case hshm_wire_cases[] = {
	KUNIT_CASE(hshm_wire_entry_count),
	KUNIT_CASE(hshm_wire_tx_init_layout),
	KUNIT_CASE(hshm_wire_tx_free_list),
	KUNIT_CASE(hshm_wire_tx_poll_flags),
	KUNIT_CASE(hshm_wire_tx_poll_lengths),
	KUNIT_CASE(hshm_wire_round_trip),
	KUNIT_CASE(hshm_wire_rx_invalid_entries),
	KUNIT_CASE(hshm_wire_rx_head_out_of_range),
	KUNIT_CASE(hshm_wire_rx_loop_by_steps),
	KUNIT_CASE(hshm_wire_rx_loop_by_run),
	KUNIT_CASE(hshm_wire_rx_heal_after_run),
	KUNIT_CASE(hshm_wire_rx_attach_refuses),
	{}
};

static struct kunit_suite hshm_wire_suite = {
	.name = "hshm-wire",
	.init = hshm_wire_test_init,
	.test_cases = hshm_wire_cases,
};

kunit_test_suites(&hshm_wire_suite);
