// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of common/hshm_peer.c: serving a whole batch as a peer,
 * with and without the pacing and service hooks.
 */
#include "unit.h"

#include "hshm_peer.h"
#include "hshm_services.h"
#include "../hshm_ref.h"

#define DATA_SIZE	(64 * 1024)
#define SLOT		256

FIXTURE(peer)
{
	u8 *data;
	struct hshm_wire_queue *q;
	struct hshm_wire_tx *tx;
	struct hshm_wire_rx rx;
};

FIXTURE_SETUP(peer)
{
	unit_queue_setup(_metadata, DATA_SIZE, &self->data, &self->q,
			 &self->tx);
	ASSERT_EQ(0, hshm_wire_rx_attach(&self->rx, self->q,
					 HSHM_WIRE_QUEUE_SIZE, DATA_SIZE));
}

FIXTURE_TEARDOWN(peer)
{
	unit_queue_teardown(self->data, self->q, self->tx);
}

#define END_OF(rx)	((rx).n)

static u16 flag_of(const struct hshm_wire_queue *q, u16 idx)
{
	return le16_to_cpu(q->entries[idx].msg.flag);
}

/* Queue @n requests: entry i carries @svc[i % nsvc] on a SLOT of 'a' + i. */
static void queue_batch(struct __test_metadata *_metadata,
			struct hshm_wire_tx *tx, u8 *data, unsigned int n,
			const u16 *svc, unsigned int nsvc, u32 len)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		int e = hshm_wire_tx_get(tx);

		ASSERT_GE(e, 0);
		memset(data + e * SLOT, 'a' + i % 26, len);
		hshm_wire_tx_append(tx, e, svc[i % nsvc], e * SLOT, len);
	}
	ASSERT_EQ(n, hshm_wire_tx_handover(tx));
}

TEST_F(peer, serves_a_batch_like_the_reference)
{
	static const u16 svc[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
				   14, 15, 66, 0, 99 };
	const unsigned int n = ARRAY_SIZE(svc);
	unsigned int i;

	queue_batch(_metadata, self->tx, self->data, n, svc, n, 10);
	ASSERT_EQ((int)n, hshm_peer_serve_batch(&self->rx, self->data, NULL));
	EXPECT_TRUE(hshm_wire_tx_peer_idle(self->tx));
	for (i = 0; i < n; i++) {
		struct hshm_wire_reply rep;
		u8 in[10], exp[16];
		u32 exp_len;
		int res;

		memset(in, 'a' + i % 26, sizeof(in));
		res = ref_service(svc[i], in, sizeof(in), exp, &exp_len);
		ASSERT_EQ(HSHM_WIRE_DONE,
			  (int)hshm_wire_tx_poll(self->tx, i, SLOT, &rep));
		EXPECT_EQ(res, rep.result);
		EXPECT_EQ(exp_len, rep.length);
		EXPECT_EQ(0, memcmp(exp, self->data + i * SLOT, exp_len));
	}
}

/* Hashes of short payloads have room up to the end of the data area. */
TEST_F(peer, hash_room)
{
	struct hshm_wire_reply rep;
	int a = hshm_wire_tx_get(self->tx), b = hshm_wire_tx_get(self->tx);

	self->data[0] = 'a';
	self->data[DATA_SIZE - 1] = 'a';
	hshm_wire_tx_append(self->tx, a, HSHM_SVC_FNV1A, 0, 1);
	/* the very last byte of the area: no room for 4 bytes */
	hshm_wire_tx_append(self->tx, b, HSHM_SVC_FNV1A, DATA_SIZE - 1, 1);
	hshm_wire_tx_handover(self->tx);
	ASSERT_EQ(2, hshm_peer_serve_batch(&self->rx, self->data, NULL));
	ASSERT_EQ(HSHM_WIRE_DONE, (int)hshm_wire_tx_poll(self->tx, a, SLOT,
							 &rep));
	EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS, rep.result);
	EXPECT_EQ(4u, rep.length);
	EXPECT_EQ(0x2c, self->data[0]);		/* 0xe40c292c, LE */
	EXPECT_EQ(0xe4, self->data[3]);
	ASSERT_EQ(HSHM_WIRE_DONE, (int)hshm_wire_tx_poll(self->tx, b, SLOT,
							 &rep));
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL, rep.result);
	EXPECT_EQ(0u, rep.length);
}

struct pace {
	unsigned int calls;
	unsigned int stop_at;	/* refuse the call with this number (1..) */
	u16 seen[64];
};

static bool pace_before(void *ctx, const struct hshm_wire_rx_msg *m)
{
	struct pace *p = ctx;

	p->calls++;
	if (p->calls == p->stop_at)
		return false;
	if (p->calls <= 64)
		p->seen[p->calls - 1] = m->idx;
	return true;
}

/* A peer that stops mid-batch leaves the rest for later, queue still busy. */
TEST_F(peer, before_hook_paces_and_stops)
{
	static const u16 echo[] = { HSHM_SVC_ECHO };
	struct pace p = { .stop_at = 4 };
	struct hshm_peer_hooks hooks = { .before = pace_before, .ctx = &p };
	unsigned int i;

	queue_batch(_metadata, self->tx, self->data, 6, echo, 1, 8);
	EXPECT_EQ(-1, hshm_peer_serve_batch(&self->rx, self->data, &hooks));
	EXPECT_EQ(4u, p.calls);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(i, p.seen[i]);
		EXPECT_NE(0, flag_of(self->q, i));
	}
	for (i = 3; i < 6; i++) {
		EXPECT_EQ(0, flag_of(self->q, i));
	}
	EXPECT_FALSE(hshm_wire_tx_peer_idle(self->tx));
	EXPECT_TRUE(hshm_wire_rx_pending(&self->rx));

	/* picked up again, it serves the rest, in order */
	p.stop_at = 0;
	p.calls = 0;
	EXPECT_EQ(3, hshm_peer_serve_batch(&self->rx, self->data, &hooks));
	EXPECT_EQ(3u, p.calls);
	EXPECT_EQ(3, p.seen[0]);
	EXPECT_EQ(5, p.seen[2]);
	EXPECT_TRUE(hshm_wire_tx_peer_idle(self->tx));
}

static int custom_service(void *ctx, const struct hshm_wire_rx_msg *m,
			  u8 *buf, u32 room, u32 *out_len)
{
	unsigned int *calls = ctx;

	(*calls)++;
	if (m->service_id != 200)
		return -1;
	if (room < 2)
		return HSHM_WIRE_RESULT_FAIL;
	buf[0] = 'o';
	buf[1] = 'k';
	*out_len = 2;
	return HSHM_WIRE_RESULT_SUCCESS;
}

/* The service hook answers what it knows and leaves the rest. */
TEST_F(peer, service_hook)
{
	static const u16 svc[] = { 200, HSHM_SVC_REVERSE, 201 };
	unsigned int calls = 0;
	struct hshm_peer_hooks hooks = { .service = custom_service,
					 .ctx = &calls };
	struct hshm_wire_reply rep;

	queue_batch(_metadata, self->tx, self->data, 3, svc, 3, 8);
	self->data[SLOT + 7] = 'z';
	ASSERT_EQ(3, hshm_peer_serve_batch(&self->rx, self->data, &hooks));
	EXPECT_EQ(3u, calls);
	ASSERT_EQ(HSHM_WIRE_DONE, (int)hshm_wire_tx_poll(self->tx, 0, SLOT,
							 &rep));
	EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS, rep.result);
	EXPECT_EQ(2u, rep.length);
	EXPECT_EQ(0, memcmp(self->data, "ok", 2));
	ASSERT_EQ(HSHM_WIRE_DONE, (int)hshm_wire_tx_poll(self->tx, 1, SLOT,
							 &rep));
	EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS, rep.result);
	EXPECT_EQ('z', self->data[SLOT]);
	ASSERT_EQ(HSHM_WIRE_DONE, (int)hshm_wire_tx_poll(self->tx, 2, SLOT,
							 &rep));
	EXPECT_EQ(HSHM_WIRE_RESULT_NOSERVICE, rep.result);
}

/* Invalid entries are answered by the wire code and not counted. */
TEST_F(peer, invalid_entries_not_served)
{
	static const u16 echo[] = { HSHM_SVC_ECHO };
	struct hshm_wire_queue *q = self->q;

	queue_batch(_metadata, self->tx, self->data, 4, echo, 1, 8);
	/* a broken owner: entry 1 claims 0 bytes, entry 2 is outside */
	q->entries[1].msg.length = cpu_to_le32(0);
	q->entries[2].msg.offset = cpu_to_le32(DATA_SIZE);
	EXPECT_EQ(2, hshm_peer_serve_batch(&self->rx, self->data, NULL));
	EXPECT_EQ(HSHM_WIRE_FLAG_DEALT |
		  (HSHM_WIRE_RESULT_FAIL << HSHM_WIRE_FLAG_RESULT_SHIFT),
		  flag_of(q, 1));
	EXPECT_EQ(HSHM_WIRE_FLAG_DEALT |
		  (HSHM_WIRE_RESULT_SUCCESS << HSHM_WIRE_FLAG_RESULT_SHIFT),
		  flag_of(q, 3));
	EXPECT_TRUE(hshm_wire_tx_peer_idle(self->tx));
}

static int raw_service(void *ctx, const struct hshm_wire_rx_msg *m, u8 *buf,
		       u32 room, u32 *out_len)
{
	struct hshm_wire_rx *rx = ctx;

	if (m->service_id != 300)
		return -1;
	/* Reserved bit 3 set: only a test peer writes that. */
	hshm_wire_rx_reply_raw(rx, m, HSHM_WIRE_FLAG_DEALT | 0x0008 |
			       HSHM_WIRE_RESULT_SUCCESS << HSHM_WIRE_FLAG_RESULT_SHIFT,
			       5);
	return HSHM_PEER_ANSWERED;
}

static bool keep_busy(void *ctx, struct hshm_wire_rx *rx)
{
	return false;
}

/* A hook may answer itself, and the end hook may keep the queue busy. */
TEST_F(peer, raw_answer_and_end_hook)
{
	static const u16 svc[] = { 300, HSHM_SVC_ECHO };
	struct hshm_peer_hooks hooks = { .service = raw_service,
					 .end = keep_busy,
					 .ctx = &self->rx };
	struct hshm_wire_reply rep;

	queue_batch(_metadata, self->tx, self->data, 2, svc, 2, 8);
	EXPECT_EQ(-1, hshm_peer_serve_batch(&self->rx, self->data, &hooks));
	EXPECT_FALSE(hshm_wire_tx_peer_idle(self->tx));
	EXPECT_EQ(0x000b, flag_of(self->q, 0));
	EXPECT_EQ(HSHM_WIRE_BAD_FLAG,
		  (int)hshm_wire_tx_poll(self->tx, 0, SLOT, &rep));
	ASSERT_EQ(HSHM_WIRE_DONE, (int)hshm_wire_tx_poll(self->tx, 1, SLOT,
							 &rep));
	EXPECT_EQ(8u, rep.length);
	/* the walk is over; finishing it is the caller's choice now */
	EXPECT_EQ(END_OF(self->rx), le16_to_cpu(self->q->proc_ing_h));
	hshm_wire_rx_finish(&self->rx);
	EXPECT_TRUE(hshm_wire_tx_peer_idle(self->tx));
}

TEST_HARNESS_MAIN
