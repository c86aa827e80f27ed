// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of common/hshm_wire.c: queue layout, sender and receiver
 * operations in a malloc'd region, and the receiver's defences against a
 * broken or hostile queue.
 */
#include "unit.h"

#include "hshm_wire.h"
#include "hshm_services.h"
#include "../hshm_ref.h"

#define DATA_SIZE	(256 * 1024)
#define SLOT		1024		/* data bytes per entry in these tests */
#define END		255		/* buf_size of a 4 KiB queue */

static u16 rd16(const __le16 *p)
{
	return le16_to_cpu(*p);
}

static u32 rd32(const __le32 *p)
{
	return le32_to_cpu(*p);
}

/* Write one entry as a (possibly hostile) owner would. */
static void raw_entry(struct hshm_wire_queue *q, u16 idx, u16 flag, u16 svc,
		      u32 off, u32 len, u16 nxt)
{
	unit_put_entry(q, idx, flag, svc, off, len, nxt);
}

static void raw_handover(struct hshm_wire_queue *q, u16 head)
{
	q->proc_ing_h = cpu_to_le16(head);
	q->working_mark = cpu_to_le32(HSHM_WIRE_MARK_BUSY);
}

static u16 flag_of(const struct hshm_wire_queue *q, u16 idx)
{
	return rd16(&q->entries[idx].msg.flag);
}

/* int, so that the harness compares it with the enum constants cleanly */
static int tx_poll(const struct hshm_wire_tx *tx, u16 idx, u32 capacity,
		   struct hshm_wire_reply *reply)
{
	return hshm_wire_tx_poll(tx, idx, capacity, reply);
}

#define FLAG_ANSWER(result) \
	(HSHM_WIRE_FLAG_DEALT | ((result) << HSHM_WIRE_FLAG_RESULT_SHIFT))

/* The peer: serve a whole batch in place, recording the order served. */
static unsigned int serve_batch(struct hshm_wire_rx *rx, u8 *data,
				u16 *order, unsigned int max)
{
	struct hshm_wire_rx_msg m;
	unsigned int n = 0;

	while (hshm_wire_rx_next(rx, &m) == 1) {
		u32 out_len = 0, room = SLOT - m.offset % SLOT;
		u8 r;

		/* a request's buffer is its slot, or the rest of the area */
		if (room < m.length || room > DATA_SIZE - m.offset)
			room = DATA_SIZE - m.offset;
		r = hshm_service_run(m.service_id, data + m.offset, m.length,
				     room, &out_len);
		hshm_wire_rx_reply(rx, &m, r, out_len);
		if (order && n < max)
			order[n] = m.idx;
		n++;
	}
	hshm_wire_rx_finish(rx);
	return n;
}

FIXTURE(wire)
{
	u8 *data;
	struct hshm_wire_queue *q;
	struct hshm_wire_tx *tx;
	struct hshm_wire_rx rx;
};

FIXTURE_SETUP(wire)
{
	unit_queue_setup(_metadata, DATA_SIZE, &self->data, &self->q,
			 &self->tx);
}

FIXTURE_TEARDOWN(wire)
{
	unit_queue_teardown(self->data, self->q, self->tx);
}

TEST(entry_count)
{
	EXPECT_EQ(255, hshm_wire_entries(4096));
	EXPECT_EQ(1, hshm_wire_entries(12 + 16));
	EXPECT_EQ(1, hshm_wire_entries(12 + 31));
	EXPECT_EQ(-EINVAL, hshm_wire_entries(12 + 15));
	EXPECT_EQ(-EINVAL, hshm_wire_entries(0));
	EXPECT_EQ(4095, hshm_wire_entries(12 + 16 * 4095));
	EXPECT_EQ(-EINVAL, hshm_wire_entries(12 + 16 * 4096));
	EXPECT_EQ(-EINVAL, hshm_wire_entries(65536 + 12));
}

/*
 * The peers' boot scribbles (data offsets 0x00-0x57) are skipped in whole
 * granules: the area then starts aligned, at or above 0x58, and no more
 * than one granule of what lies above 0x58 is lost.
 */
TEST(alloc_skip_boot)
{
	u32 g, off, skip;

	EXPECT_EQ(0x58u, HSHM_WIRE_DATA_BOOT_END);
	EXPECT_EQ(256u, hshm_wire_alloc_skip(0, 256));
	EXPECT_EQ(0u, hshm_wire_alloc_skip(256, 256));
	EXPECT_EQ(0u, hshm_wire_alloc_skip(0x200000, 256));
	EXPECT_EQ(4096u, hshm_wire_alloc_skip(0, 4096));
	EXPECT_EQ(0x58u, hshm_wire_alloc_skip(0, 1));
	EXPECT_EQ(0x18u, hshm_wire_alloc_skip(0x40, 8));
	EXPECT_EQ(0u, hshm_wire_alloc_skip(0x58, 8));
	for (g = 1; g <= 4096; g <<= 1) {
		for (off = 0; off < 0x200; off += g) {
			skip = hshm_wire_alloc_skip(off, g);
			EXPECT_EQ(0u, skip % g);
			if (off >= HSHM_WIRE_DATA_BOOT_END) {
				EXPECT_EQ(0u, skip);
			} else {
				EXPECT_LE(HSHM_WIRE_DATA_BOOT_END, off + skip);
				EXPECT_GT(HSHM_WIRE_DATA_BOOT_END + g,
					  off + skip);
			}
		}
	}
}

TEST_F(wire, tx_init_layout)
{
	struct hshm_wire_queue *q = self->q;
	unsigned int i;

	EXPECT_EQ(HSHM_WIRE_MARK_IDLE, rd32(&q->working_mark));
	EXPECT_EQ(END, rd16(&q->buf_size));
	EXPECT_EQ(0, rd16(&q->empty_h));
	EXPECT_EQ(END, rd16(&q->wait_h));
	EXPECT_EQ(END, rd16(&q->proc_ing_h));
	for (i = 0; i < END; i++) {
		ASSERT_EQ(i, rd16(&q->entries[i].cur_idx));
		ASSERT_EQ(i + 1, rd16(&q->entries[i].nxt_idx));
		ASSERT_EQ(0, flag_of(q, i));
		ASSERT_EQ(0u, rd32(&q->entries[i].msg.length));
	}
	/* nothing is written past the queue's 4 KiB */
	EXPECT_EQ(255, self->tx->n);
	EXPECT_EQ(255, self->tx->nfree);
	EXPECT_EQ(0, self->tx->nwait);
	EXPECT_TRUE(hshm_wire_tx_peer_idle(self->tx));
	EXPECT_EQ(-EINVAL, hshm_wire_tx_init(self->tx, q, 20));
}

TEST_F(wire, tx_free_list)
{
	struct hshm_wire_queue *q = self->q;
	int i, idx;

	for (i = 0; i < END; i++) {
		idx = hshm_wire_tx_get(self->tx);
		ASSERT_EQ(i, idx);
		ASSERT_EQ(i + 1, rd16(&q->empty_h));
	}
	EXPECT_EQ(-ENOSPC, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(END, rd16(&q->empty_h));

	hshm_wire_tx_put(self->tx, 7);
	EXPECT_EQ(7, rd16(&q->empty_h));
	EXPECT_EQ(END, rd16(&q->entries[7].nxt_idx));
	hshm_wire_tx_put(self->tx, 100);
	EXPECT_EQ(100, rd16(&q->empty_h));
	EXPECT_EQ(7, rd16(&q->entries[100].nxt_idx));
	EXPECT_EQ(100, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(7, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(-ENOSPC, hshm_wire_tx_get(self->tx));
}

/* The batch is served in append order (FIFO), as linked in shared memory. */
TEST_F(wire, batch_order_is_append_order)
{
	static const u16 want[] = { 2, 0, 4, 1, 3 };
	struct hshm_wire_queue *q = self->q;
	struct hshm_wire_reply rep;
	u16 order[8];
	unsigned int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ((int)i, hshm_wire_tx_get(self->tx));
	}
	for (i = 0; i < 5; i++) {
		memset(self->data + want[i] * SLOT, 'a' + i, 10);
		hshm_wire_tx_append(self->tx, want[i], HSHM_SVC_ECHO,
				    want[i] * SLOT, 10);
	}
	EXPECT_EQ(2, rd16(&q->wait_h));
	for (i = 0; i + 1 < 5; i++) {
		EXPECT_EQ(want[i + 1], rd16(&q->entries[want[i]].nxt_idx));
	}
	EXPECT_EQ(END, rd16(&q->entries[3].nxt_idx));
	/* nothing handed over yet */
	EXPECT_EQ(END, rd16(&q->proc_ing_h));

	ASSERT_EQ(5u, hshm_wire_tx_handover(self->tx));
	EXPECT_EQ(2, rd16(&q->proc_ing_h));
	EXPECT_EQ(END, rd16(&q->wait_h));
	EXPECT_EQ(HSHM_WIRE_MARK_BUSY, rd32(&q->working_mark));
	EXPECT_FALSE(hshm_wire_tx_peer_idle(self->tx));
	EXPECT_EQ(0u, hshm_wire_tx_handover(self->tx));

	ASSERT_EQ(0, hshm_wire_rx_attach(&self->rx, q, HSHM_WIRE_QUEUE_SIZE,
					 DATA_SIZE));
	ASSERT_TRUE(hshm_wire_rx_pending(&self->rx));
	ASSERT_EQ(5u, serve_batch(&self->rx, self->data, order, 8));
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(want[i], order[i]);
	}
	EXPECT_TRUE(hshm_wire_tx_peer_idle(self->tx));
	EXPECT_FALSE(hshm_wire_rx_pending(&self->rx));
	EXPECT_EQ(END, rd16(&q->proc_ing_h));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(HSHM_WIRE_DONE,
			  tx_poll(self->tx, want[i], SLOT, &rep));
		EXPECT_EQ(10u, rep.length);
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS, rep.result);
	}
	EXPECT_EQ(5u, self->rx.served);
	EXPECT_EQ(0u, self->rx.invalid);
}

/* Many batches of random requests; responses match the reference. */
TEST_F(wire, round_trip)
{
	static const u16 svcs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
				    14, 15, 66, 0, 16, 500 };
	struct req {
		u16 svc;
		u32 len;
		u8 in[SLOT];
	} *req = calloc(END, sizeof(*req));
	uint64_t s = 1;
	unsigned int batch, i, k;
	u16 idx[64], order[64];

	ASSERT_NE(NULL, req);
	ASSERT_EQ(0, hshm_wire_rx_attach(&self->rx, self->q,
					 HSHM_WIRE_QUEUE_SIZE, DATA_SIZE));
	for (batch = 0; batch < 200; batch++) {
		unsigned int n = 1 + rng_next(&s) % 64;

		for (i = 0; i < n; i++) {
			int e = hshm_wire_tx_get(self->tx);
			struct req *r;

			ASSERT_GE(e, 0);
			idx[i] = (u16)e;
			r = &req[e];
			r->svc = svcs[rng_next(&s) % ARRAY_SIZE(svcs)];
			r->len = 1 + rng_next(&s) % SLOT;
			for (k = 0; k < r->len; k++)
				r->in[k] = (u8)rng_next(&s);
			memcpy(self->data + e * SLOT, r->in, r->len);
			hshm_wire_tx_append(self->tx, idx[i], r->svc, e * SLOT,
					    r->len);
		}
		ASSERT_TRUE(hshm_wire_tx_peer_idle(self->tx));
		ASSERT_EQ(n, hshm_wire_tx_handover(self->tx));
		/* the receiver sees nothing handled before serving */
		for (i = 0; i < n; i++) {
			struct hshm_wire_reply rep;

			ASSERT_EQ(HSHM_WIRE_PENDING,
				  tx_poll(self->tx, idx[i], SLOT, &rep));
		}
		ASSERT_EQ(n, serve_batch(&self->rx, self->data, order, 64));
		for (i = 0; i < n; i++) {
			struct hshm_wire_reply rep;
			struct req *r = &req[idx[i]];
			u8 exp[SLOT];
			u32 exp_len;
			int res;

			ASSERT_EQ(idx[i], order[i]);
			ASSERT_EQ(HSHM_WIRE_DONE,
				  tx_poll(self->tx, idx[i], SLOT, &rep));
			res = ref_service(r->svc, r->in, r->len, exp, &exp_len);
			ASSERT_EQ(res, rep.result);
			ASSERT_EQ(exp_len, rep.length);
			ASSERT_EQ(0, memcmp(exp, self->data + idx[i] * SLOT,
					    exp_len))
				TH_LOG("service %u len %u", r->svc, r->len);
		}
		/* give back in reverse order, so the free list shuffles */
		for (i = 0; i < n; i++)
			hshm_wire_tx_put(self->tx, idx[n - 1 - i]);
		ASSERT_EQ(END, self->tx->nfree);
	}
	EXPECT_EQ(0u, self->rx.invalid);
	EXPECT_EQ(0u, self->rx.heals);
	free(req);
}

/* The next batch builds up while the peer holds the current one. */
TEST_F(wire, next_batch_builds_while_busy)
{
	struct hshm_wire_queue *q = self->q;
	u16 order[8];
	int a, b, c;

	ASSERT_EQ(0, hshm_wire_rx_attach(&self->rx, q, HSHM_WIRE_QUEUE_SIZE,
					 DATA_SIZE));
	a = hshm_wire_tx_get(self->tx);
	self->data[0] = 'x';
	hshm_wire_tx_append(self->tx, a, HSHM_SVC_ECHO, 0, 1);
	ASSERT_EQ(1u, hshm_wire_tx_handover(self->tx));
	b = hshm_wire_tx_get(self->tx);
	c = hshm_wire_tx_get(self->tx);
	hshm_wire_tx_append(self->tx, b, HSHM_SVC_ECHO, SLOT, 1);
	hshm_wire_tx_append(self->tx, c, HSHM_SVC_ECHO, 2 * SLOT, 1);
	EXPECT_EQ(b, rd16(&q->wait_h));
	EXPECT_EQ(a, rd16(&q->proc_ing_h));
	EXPECT_FALSE(hshm_wire_tx_peer_idle(self->tx));
	ASSERT_EQ(1u, serve_batch(&self->rx, self->data, order, 8));
	EXPECT_EQ(a, order[0]);
	/* b and c were not served with the first batch */
	EXPECT_EQ(0, flag_of(q, b));
	EXPECT_EQ(0, flag_of(q, c));
	ASSERT_TRUE(hshm_wire_tx_peer_idle(self->tx));
	ASSERT_EQ(2u, hshm_wire_tx_handover(self->tx));
	ASSERT_EQ(2u, serve_batch(&self->rx, self->data, order, 8));
	EXPECT_EQ(b, order[0]);
	EXPECT_EQ(c, order[1]);
}

TEST_F(wire, tx_poll_validation)
{
	struct hshm_wire_queue *q = self->q;
	struct hshm_wire_reply rep;
	unsigned int r, bit;
	int e = hshm_wire_tx_get(self->tx);

	ASSERT_GE(e, 0);
	hshm_wire_tx_append(self->tx, e, HSHM_SVC_ECHO, 0, 100);
	hshm_wire_tx_handover(self->tx);

	EXPECT_EQ(HSHM_WIRE_PENDING, tx_poll(self->tx, e, 256, &rep));
	/* reserved bits without deal_state: still pending */
	q->entries[e].msg.flag = cpu_to_le16(0x8000);
	EXPECT_EQ(HSHM_WIRE_PENDING, tx_poll(self->tx, e, 256, &rep));
	/* every reserved bit is refused once handled */
	for (bit = 3; bit < 16; bit++) {
		q->entries[e].msg.flag = cpu_to_le16(FLAG_ANSWER(1) |
						     (1u << bit));
		EXPECT_EQ(HSHM_WIRE_BAD_FLAG,
			  tx_poll(self->tx, e, 256, &rep));
	}
	/* a response longer than the request's buffer is refused */
	q->entries[e].msg.flag = cpu_to_le16(FLAG_ANSWER(1));
	q->entries[e].msg.length = cpu_to_le32(257);
	EXPECT_EQ(HSHM_WIRE_BAD_LENGTH,
		  tx_poll(self->tx, e, 256, &rep));
	q->entries[e].msg.length = cpu_to_le32(0xffffffff);
	EXPECT_EQ(HSHM_WIRE_BAD_LENGTH,
		  tx_poll(self->tx, e, 256, &rep));
	q->entries[e].msg.length = cpu_to_le32(256);
	ASSERT_EQ(HSHM_WIRE_DONE, tx_poll(self->tx, e, 256, &rep));
	EXPECT_EQ(256u, rep.length);
	/* the two result bits decode; "none" is no answer */
	for (r = 0; r < 4; r++) {
		q->entries[e].msg.flag = cpu_to_le16(FLAG_ANSWER(r));
		q->entries[e].msg.length = cpu_to_le32(0);
		ASSERT_EQ(r ? HSHM_WIRE_DONE : HSHM_WIRE_BAD_RESULT,
			  tx_poll(self->tx, e, 256, &rep));
		EXPECT_EQ(r, rep.result);
		EXPECT_EQ(0u, rep.length);
	}
}

/* A busy peer's answer is settled once its head has left the entry. */
TEST_F(wire, tx_settled)
{
	struct hshm_wire_queue *q = self->q;
	int a = hshm_wire_tx_get(self->tx);

	ASSERT_GE(a, 0);
	q->proc_ing_h = cpu_to_le16((uint16_t)a);
	EXPECT_FALSE(hshm_wire_tx_settled(self->tx, (uint16_t)a));
	q->proc_ing_h = cpu_to_le16((uint16_t)(a + 1));
	EXPECT_TRUE(hshm_wire_tx_settled(self->tx, (uint16_t)a));
	q->proc_ing_h = cpu_to_le16(self->tx->n);
	EXPECT_TRUE(hshm_wire_tx_settled(self->tx, (uint16_t)a));
}

/* Answers written into free entries are found and cleared. */
TEST_F(wire, tx_scrub_spurious)
{
	struct hshm_wire_queue *q = self->q;
	int a = hshm_wire_tx_get(self->tx);

	ASSERT_GE(a, 0);
	EXPECT_EQ(0u, hshm_wire_tx_scrub(self->tx));
	/* a free entry answered, another given a length */
	q->entries[10].msg.flag = cpu_to_le16(FLAG_ANSWER(1));
	q->entries[200].msg.length = cpu_to_le32(77);
	/* the entry in use is not the scrub's business */
	q->entries[a].msg.flag = cpu_to_le16(FLAG_ANSWER(1));
	EXPECT_EQ(2u, hshm_wire_tx_scrub(self->tx));
	EXPECT_EQ(0, flag_of(q, 10));
	EXPECT_EQ(0u, rd32(&q->entries[200].msg.length));
	EXPECT_EQ(FLAG_ANSWER(1), flag_of(q, a));
	EXPECT_EQ(0u, hshm_wire_tx_scrub(self->tx));
}

/*
 * A few at a time: with every entry free, each call looks at the next
 * entries round the queue, and a spurious answer is found within one
 * round; with an entry in use, the whole free list is walked.
 */
TEST_F(wire, tx_scrub_some)
{
	struct hshm_wire_queue *q = self->q;
	unsigned int calls, found = 0, span;
	int a;

	span = self->tx->n - self->tx->first;
	q->entries[self->tx->n - 1].msg.flag = cpu_to_le16(FLAG_ANSWER(1));
	q->entries[self->tx->first].msg.length = cpu_to_le32(9);
	for (calls = 0; calls < (span + 15) / 16; calls++)
		found += hshm_wire_tx_scrub_some(self->tx, 16);
	EXPECT_EQ(2u, found);
	EXPECT_EQ(0, flag_of(q, self->tx->n - 1));
	EXPECT_EQ(0u, rd32(&q->entries[self->tx->first].msg.length));
	for (calls = 0; calls < span; calls++)
		EXPECT_EQ(0u, hshm_wire_tx_scrub_some(self->tx, 16));
	/* more than the queue holds: one round */
	q->entries[50].msg.flag = cpu_to_le16(FLAG_ANSWER(1));
	EXPECT_EQ(1u, hshm_wire_tx_scrub_some(self->tx, 100000));
	/* an entry in use: the whole free list, not the entry */
	a = hshm_wire_tx_get(self->tx);
	ASSERT_GE(a, 0);
	q->entries[a].msg.flag = cpu_to_le16(FLAG_ANSWER(1));
	q->entries[120].msg.flag = cpu_to_le16(FLAG_ANSWER(1));
	EXPECT_EQ(1u, hshm_wire_tx_scrub_some(self->tx, 1));
	EXPECT_EQ(FLAG_ANSWER(1), flag_of(q, a));
}

/* put_tail and reset reuse suspect entries last; the header is owned. */
TEST_F(wire, tx_quarantine_and_reset)
{
	struct hshm_wire_queue *q = self->q;
	const u16 last[] = { 0, 1, 254 };
	int i, idx;

	/* take 0 and 1, give 0 back at the tail, 1 at the head */
	ASSERT_EQ(0, hshm_wire_tx_get(self->tx));
	ASSERT_EQ(1, hshm_wire_tx_get(self->tx));
	hshm_wire_tx_put_tail(self->tx, 0);
	hshm_wire_tx_put(self->tx, 1);
	EXPECT_EQ(1, hshm_wire_tx_get(self->tx));
	for (i = 2; i < END; i++)
		ASSERT_EQ(i, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(0, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(-ENOSPC, hshm_wire_tx_get(self->tx));

	/* a reset takes everything back, the abandoned entries last */
	q->working_mark = cpu_to_le32(HSHM_WIRE_MARK_BUSY);
	q->entries[5].msg.flag = cpu_to_le16(FLAG_ANSWER(1));
	EXPECT_EQ(END, hshm_wire_tx_reset(self->tx, last, 3));
	EXPECT_TRUE(hshm_wire_tx_peer_idle(self->tx));
	EXPECT_EQ(0, flag_of(q, 5));
	EXPECT_EQ(END, rd16(&q->proc_ing_h));
	EXPECT_EQ(2, rd16(&q->empty_h));
	for (i = 2; i < END - 1; i++) {
		idx = hshm_wire_tx_get(self->tx);
		ASSERT_EQ(i, idx);
	}
	EXPECT_EQ(0, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(1, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(254, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(-ENOSPC, hshm_wire_tx_get(self->tx));

	/* header fields only the owner writes are checked and restored */
	EXPECT_EQ(0u, hshm_wire_tx_check_header(self->tx));
	q->buf_size = cpu_to_le16(3);
	q->empty_h = cpu_to_le16(9);
	q->wait_h = cpu_to_le16(0);
	EXPECT_EQ(3u, hshm_wire_tx_check_header(self->tx));
	EXPECT_EQ(END, rd16(&q->buf_size));
	EXPECT_EQ(END, rd16(&q->empty_h));
	EXPECT_EQ(END, rd16(&q->wait_h));
	EXPECT_EQ(0u, hshm_wire_tx_check_header(self->tx));
}

TEST(marks)
{
	EXPECT_TRUE(hshm_wire_mark_known(HSHM_WIRE_MARK_IDLE));
	EXPECT_TRUE(hshm_wire_mark_known(HSHM_WIRE_MARK_BUSY));
	EXPECT_TRUE(hshm_wire_mark_known(HSHM_WIRE_MARK_RAW));
	EXPECT_FALSE(hshm_wire_mark_known(0x12345678));
	EXPECT_FALSE(hshm_wire_mark_known(0xBBBBBBBA));
}

/* Invalid entries are answered FAIL and skipped; valid ones still served. */
TEST_F(wire, rx_validation)
{
	struct hshm_wire_queue *q = self->q;
	struct hshm_wire_rx_msg m;
	u16 order[16];

	raw_entry(q, 0, 0, 1, 0, 0, 1);			/* length 0 */
	raw_entry(q, 1, 0, 1, 0, 16, 2);			/* valid */
	raw_entry(q, 2, 0, 1, DATA_SIZE, 1, 3);		/* offset at end */
	raw_entry(q, 3, 0, 1, DATA_SIZE - 8, 9, 4);		/* runs past end */
	raw_entry(q, 4, 0, 1, 0xfffffff0u, 0x20, 5);		/* wraps */
	raw_entry(q, 5, FLAG_ANSWER(1), 1, SLOT, 4, 6);	/* already dealt */
	raw_entry(q, 6, 0, 1, DATA_SIZE - 8, 8, 7);		/* valid, at end */
	raw_entry(q, 7, 0, 1, 0, DATA_SIZE, END);		/* valid, all */
	raw_handover(q, 0);
	ASSERT_EQ(0, hshm_wire_rx_attach(&self->rx, q, HSHM_WIRE_QUEUE_SIZE,
					 DATA_SIZE));
	ASSERT_EQ(1, hshm_wire_rx_next(&self->rx, &m));
	EXPECT_EQ(1, m.idx);
	EXPECT_EQ(16u, m.length);
	EXPECT_EQ(0u, m.offset);
	EXPECT_EQ(1, m.service_id);
	/* the skipped entry was answered FAIL with length 0 */
	EXPECT_EQ(FLAG_ANSWER(HSHM_WIRE_RESULT_FAIL), flag_of(q, 0));
	EXPECT_EQ(0u, rd32(&q->entries[0].msg.length));
	hshm_wire_rx_reply(&self->rx, &m, HSHM_WIRE_RESULT_SUCCESS, 16);
	EXPECT_EQ(FLAG_ANSWER(HSHM_WIRE_RESULT_SUCCESS), flag_of(q, 1));

	ASSERT_EQ(2u, serve_batch(&self->rx, self->data, order, 16));
	EXPECT_EQ(6, order[0]);
	EXPECT_EQ(7, order[1]);
	EXPECT_EQ(FLAG_ANSWER(HSHM_WIRE_RESULT_FAIL), flag_of(q, 2));
	EXPECT_EQ(FLAG_ANSWER(HSHM_WIRE_RESULT_FAIL), flag_of(q, 3));
	EXPECT_EQ(FLAG_ANSWER(HSHM_WIRE_RESULT_FAIL), flag_of(q, 4));
	EXPECT_EQ(FLAG_ANSWER(HSHM_WIRE_RESULT_FAIL), flag_of(q, 5));
	EXPECT_EQ(5u, self->rx.invalid);
	EXPECT_EQ(3u, self->rx.served);
	EXPECT_EQ(0u, self->rx.heals);
	EXPECT_EQ(HSHM_WIRE_MARK_IDLE, rd32(&q->working_mark));
	EXPECT_EQ(END, rd16(&q->proc_ing_h));
}

/* A head index past the queue resets it. */
TEST_F(wire, heal_head_out_of_range)
{
	struct hshm_wire_queue *q = self->q;
	struct hshm_wire_rx_msg m;

	ASSERT_EQ(0, hshm_wire_rx_attach(&self->rx, q, HSHM_WIRE_QUEUE_SIZE,
					 DATA_SIZE));
	raw_handover(q, 300);
	EXPECT_EQ(0, hshm_wire_rx_next(&self->rx, &m));
	EXPECT_EQ(END, rd16(&q->proc_ing_h));
	EXPECT_EQ(1u, self->rx.heals);
	hshm_wire_rx_finish(&self->rx);
	EXPECT_EQ(HSHM_WIRE_MARK_IDLE, rd32(&q->working_mark));

	/* a next index past the queue, reached through a valid entry */
	raw_entry(q, 10, 0, 1, 0, 4, 0xffff);
	raw_handover(q, 10);
	ASSERT_EQ(1u, serve_batch(&self->rx, self->data, NULL, 0));
	EXPECT_EQ(2u, self->rx.heals);
	EXPECT_EQ(END, rd16(&q->proc_ing_h));

	/* the receiver still works afterwards */
	raw_entry(q, 11, 0, 1, 0, 4, END);
	raw_handover(q, 11);
	EXPECT_EQ(1u, serve_batch(&self->rx, self->data, NULL, 0));
	EXPECT_EQ(2u, self->rx.heals);
}

/* A loop in the nxt_idx chain ends the batch and resets the queue. */
TEST_F(wire, heal_loop)
{
	struct hshm_wire_queue *q = self->q;
	struct hshm_wire_rx_msg m;
	unsigned int served = 0;

	ASSERT_EQ(0, hshm_wire_rx_attach(&self->rx, q, HSHM_WIRE_QUEUE_SIZE,
					 DATA_SIZE));
	/* self loop: served once, then seen dealt over and over */
	raw_entry(q, 3, 0, 1, 0, 4, 3);
	raw_handover(q, 3);
	EXPECT_EQ(1u, serve_batch(&self->rx, self->data, NULL, 0));
	EXPECT_EQ(1u, self->rx.heals);
	EXPECT_EQ(END, rd16(&q->proc_ing_h));

	/*
	 * A hostile owner that re-arms the entries as they are served keeps
	 * every entry valid: only the walk length ends the batch.
	 */
	raw_entry(q, 20, 0, 1, 0, 4, 21);
	raw_entry(q, 21, 0, 1, SLOT, 4, 20);
	raw_handover(q, 20);
	while (hshm_wire_rx_next(&self->rx, &m) == 1) {
		hshm_wire_rx_reply(&self->rx, &m, HSHM_WIRE_RESULT_SUCCESS, 4);
		q->entries[m.idx].msg.flag = cpu_to_le16(0);
		q->entries[m.idx].msg.length = cpu_to_le32(4);
		ASSERT_LT(++served, 1000u);
	}
	hshm_wire_rx_finish(&self->rx);
	EXPECT_LE(served, 255u);
	EXPECT_EQ(2u, self->rx.heals);
	EXPECT_EQ(END, rd16(&q->proc_ing_h));

	/* the walk counter starts afresh with the next batch */
	raw_entry(q, 30, 0, 1, 0, 4, END);
	raw_handover(q, 30);
	EXPECT_EQ(1u, serve_batch(&self->rx, self->data, NULL, 0));
	EXPECT_EQ(2u, self->rx.heals);
}

/* 32 invalid entries in a row reset the queue; 31 do not. */
TEST_F(wire, heal_invalid_run)
{
	struct hshm_wire_queue *q = self->q;
	u16 order[4];
	unsigned int i;

	ASSERT_EQ(0, hshm_wire_rx_attach(&self->rx, q, HSHM_WIRE_QUEUE_SIZE,
					 DATA_SIZE));
	/* 31 invalid, then a valid one */
	for (i = 0; i < 31; i++)
		raw_entry(q, i, 0, 1, 0, 0, i + 1);
	raw_entry(q, 31, 0, 1, 0, 8, END);
	raw_handover(q, 0);
	ASSERT_EQ(1u, serve_batch(&self->rx, self->data, order, 4));
	EXPECT_EQ(31, order[0]);
	EXPECT_EQ(0u, self->rx.heals);
	EXPECT_EQ(31u, self->rx.invalid);

	/* 40 invalid: 32 answered, then reset; the rest untouched */
	for (i = 0; i < 40; i++)
		raw_entry(q, 100 + i, 0, 1, DATA_SIZE + 1, 1,
			  i == 39 ? END : 101 + i);
	raw_handover(q, 100);
	EXPECT_EQ(0u, serve_batch(&self->rx, self->data, NULL, 0));
	EXPECT_EQ(1u, self->rx.heals);
	EXPECT_EQ(31u + 32u, self->rx.invalid);
	for (i = 0; i < 32; i++) {
		EXPECT_EQ(FLAG_ANSWER(HSHM_WIRE_RESULT_FAIL),
			  flag_of(q, 100 + i));
	}
	for (i = 32; i < 40; i++) {
		EXPECT_EQ(0, flag_of(q, 100 + i));
	}
	EXPECT_EQ(END, rd16(&q->proc_ing_h));
	EXPECT_EQ(HSHM_WIRE_MARK_IDLE, rd32(&q->working_mark));
}

TEST(rx_attach_refuses)
{
	static const u32 bad_marks[] = { HSHM_WIRE_MARK_RAW,
					 HSHM_WIRE_MARK_INITING,
					 HSHM_WIRE_MARK_DESTROYED,
					 0x12345678 };
	static const u32 good_marks[] = { HSHM_WIRE_MARK_INITED,
					  HSHM_WIRE_MARK_IDLE,
					  HSHM_WIRE_MARK_BUSY };
	struct hshm_wire_queue *q = calloc(1, HSHM_WIRE_QUEUE_SIZE);
	struct hshm_wire_tx *tx = calloc(1, sizeof(*tx));
	struct hshm_wire_rx rx;
	unsigned int i;

	ASSERT_NE(NULL, q);
	ASSERT_NE(NULL, tx);
	/* raw memory */
	EXPECT_EQ(-EAGAIN, hshm_wire_rx_attach(&rx, q, HSHM_WIRE_QUEUE_SIZE,
					       DATA_SIZE));
	q->buf_size = cpu_to_le16(END);
	for (i = 0; i < ARRAY_SIZE(bad_marks); i++) {
		q->working_mark = cpu_to_le32(bad_marks[i]);
		EXPECT_EQ(-EAGAIN, hshm_wire_rx_attach(&rx, q,
						       HSHM_WIRE_QUEUE_SIZE,
						       DATA_SIZE));
	}
	for (i = 0; i < ARRAY_SIZE(good_marks); i++) {
		q->working_mark = cpu_to_le32(good_marks[i]);
		EXPECT_EQ(0, hshm_wire_rx_attach(&rx, q, HSHM_WIRE_QUEUE_SIZE,
						 DATA_SIZE));
	}
	/* buf_size must agree with the size the receiver was given */
	q->buf_size = cpu_to_le16(254);
	EXPECT_EQ(-EAGAIN, hshm_wire_rx_attach(&rx, q, HSHM_WIRE_QUEUE_SIZE,
					       DATA_SIZE));
	q->buf_size = cpu_to_le16(END);
	EXPECT_EQ(-EINVAL, hshm_wire_rx_attach(&rx, q, 20, DATA_SIZE));
	EXPECT_EQ(-EINVAL, hshm_wire_rx_attach(&rx, q, HSHM_WIRE_QUEUE_SIZE,
					       0));
	/* a destroyed queue is refused */
	ASSERT_EQ(0, hshm_wire_tx_init(tx, q, HSHM_WIRE_QUEUE_SIZE));
	EXPECT_EQ(0, hshm_wire_rx_attach(&rx, q, HSHM_WIRE_QUEUE_SIZE,
					 DATA_SIZE));
	hshm_wire_tx_destroy(tx);
	EXPECT_EQ(HSHM_WIRE_MARK_DESTROYED, rd32(&q->working_mark));
	EXPECT_EQ(-EAGAIN, hshm_wire_rx_attach(&rx, q, HSHM_WIRE_QUEUE_SIZE,
					       DATA_SIZE));
	free(q);
	free(tx);
}

/*
 * The driver's set-up for the public v1 peers: entry 0 never handed out,
 * the queue 0xEEEEEEEE until opened; untouched entries withdrawn and
 * restored; one entry handed over again on its own.
 */
TEST_F(wire, tx_setup_skip0_closed_and_withdraw)
{
	struct hshm_wire_queue *q = self->q;
	int a, b, i;

	ASSERT_EQ(0, hshm_wire_tx_setup(self->tx, q, HSHM_WIRE_QUEUE_SIZE,
					HSHM_WIRE_TX_SKIP_ENTRY0 |
					HSHM_WIRE_TX_CLOSED));
	EXPECT_EQ(HSHM_WIRE_MARK_INITED, hshm_wire_tx_mark(self->tx));
	EXPECT_FALSE(hshm_wire_tx_peer_idle(self->tx));
	EXPECT_TRUE(hshm_wire_mark_ready(hshm_wire_queue_mark(q)));
	EXPECT_EQ(1, rd16(&q->empty_h));
	hshm_wire_tx_open(self->tx);
	EXPECT_TRUE(hshm_wire_tx_peer_idle(self->tx));
	/* 254 entries, none of them 0, also after a reset */
	for (i = 1; i < END; i++)
		ASSERT_EQ(i, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(-ENOSPC, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(END - 1, hshm_wire_tx_reset(self->tx, NULL, 0));
	EXPECT_EQ(1, hshm_wire_tx_get(self->tx));
	EXPECT_EQ(0u, rd32(&q->entries[0].msg.length));

	/* a batch of two; the peer answers neither and goes idle */
	a = hshm_wire_tx_get(self->tx);
	b = hshm_wire_tx_get(self->tx);
	hshm_wire_tx_append(self->tx, a, 1, 0, 100);
	hshm_wire_tx_append(self->tx, b, 1, SLOT, 200);
	EXPECT_EQ(2u, hshm_wire_tx_handover(self->tx));
	EXPECT_EQ(a, hshm_wire_tx_peer_head(self->tx));
	EXPECT_TRUE(hshm_wire_tx_untouched(self->tx, a));
	q->entries[a].msg.flag = cpu_to_le16(HSHM_WIRE_FLAG_DEALT);
	EXPECT_FALSE(hshm_wire_tx_untouched(self->tx, a));
	hshm_wire_tx_withdraw(self->tx, b);
	EXPECT_EQ(0u, rd32(&q->entries[b].msg.length));
	hshm_wire_tx_restore(self->tx, b, 200);
	EXPECT_EQ(200u, rd32(&q->entries[b].msg.length));

	/* b alone again: the peer's head on it, the queue busy */
	q->working_mark = cpu_to_le32(HSHM_WIRE_MARK_IDLE);
	hshm_wire_tx_handover_again(self->tx, b);
	EXPECT_EQ(b, hshm_wire_tx_peer_head(self->tx));
	EXPECT_EQ(END, rd16(&q->entries[b].nxt_idx));
	EXPECT_EQ(HSHM_WIRE_MARK_BUSY, hshm_wire_tx_mark(self->tx));

	/* raw, destroyed and unknown marks show no running owner */
	EXPECT_FALSE(hshm_wire_mark_ready(HSHM_WIRE_MARK_RAW));
	EXPECT_FALSE(hshm_wire_mark_ready(HSHM_WIRE_MARK_DESTROYED));
	EXPECT_FALSE(hshm_wire_mark_ready(0x12345678));
	EXPECT_TRUE(hshm_wire_mark_ready(HSHM_WIRE_MARK_BUSY));
}

TEST_HARNESS_MAIN
