// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the peer profiles (common/hshm_peer.c,
 * common/hshm_services.c): each public v1 peer's observable behaviour, one
 * test or more per numbered fact of peers.md (V1-1 to V1-12, D-8), named
 * after it.  The region is the public layout's: a 4 MiB data area, the
 * queue Linux owns and the queue the peer owns, 4 KiB each.  Requests are
 * handed over the way today's hshm driver does (hshm_wire_tx_*, several
 * per batch, appended at the tail) or, where said, the way the public
 * Linux client does (peers.md C-1 to C-4).
 */
#include "unit.h"

#include "hshm_peer.h"
#include "hshm_services.h"

#define DATA_SIZE	HSHM_WIRE_DATA_SIZE	/* the v1 servers' 4 MiB */
#define SLOT		256
#define END		255			/* buf_size of a 4 KiB queue */

FIXTURE(v1)
{
	u8 *data;
	struct hshm_wire_queue *q;	/* Linux-owned */
	struct hshm_wire_queue *own;	/* peer-owned */
	struct hshm_wire_tx *tx;	/* hshm's sender state of q */
	struct hshm_peer_region r;
	const struct hshm_peer_profile *prof;
	struct hshm_peer_v1 s;
};

FIXTURE_SETUP(v1)
{
	unit_queue_setup(_metadata, DATA_SIZE, &self->data, &self->q,
			 &self->tx);
	self->own = aligned_alloc(64, HSHM_WIRE_QUEUE_SIZE);
	ASSERT_NE(NULL, self->own);
	memset(self->own, 0, HSHM_WIRE_QUEUE_SIZE);
	self->r = (struct hshm_peer_region){
		.data = self->data,
		.data_size = DATA_SIZE,
		.txq = self->q,
		.txq_size = HSHM_WIRE_QUEUE_SIZE,
		.rxq = self->own,
		.rxq_size = HSHM_WIRE_QUEUE_SIZE,
	};
	self->prof = hshm_peer_profile_find("sel4-v1");
	ASSERT_NE(NULL, self->prof);
}

FIXTURE_TEARDOWN(v1)
{
	free(self->own);
	unit_queue_teardown(self->data, self->q, self->tx);
}

static u16 flag_of(const struct hshm_wire_queue *q, u16 idx)
{
	return le16_to_cpu(q->entries[idx].msg.flag);
}

static u16 head_of(const struct hshm_wire_queue *q)
{
	return le16_to_cpu(q->proc_ing_h);
}

static u32 mark_of(const struct hshm_wire_queue *q)
{
	return le32_to_cpu(q->working_mark);
}

static u16 answered(u8 result)
{
	return HSHM_WIRE_FLAG_DEALT | result << HSHM_WIRE_FLAG_RESULT_SHIFT;
}

/* The peer starts (after Linux: the fixture's queue is hshm's already). */
static void start_peer(struct __test_metadata *_metadata,
		       FIXTURE_DATA(v1) *self,
		       const struct hshm_peer_profile *prof)
{
	self->prof = prof;
	hshm_peer_profile_start(prof, &self->r);
	ASSERT_EQ(0, hshm_peer_v1_init(&self->s, prof, &self->r));
}

/*
 * hshm's driver sends entries @idx[0] -> @idx[1] -> ... as one batch:
 * payload 'a' + k of @len bytes at idx * SLOT, service @svc.  The entries
 * must be free; they are taken in index order and appended in @idx order.
 * Like the driver, it restores the owner's header fields first.
 */
static void send_batch(struct __test_metadata *_metadata,
		       FIXTURE_DATA(v1) *self, const u16 *idx, unsigned int n,
		       u16 svc, u32 len)
{
	unsigned int k, got = 0;
	u16 max = 0;

	for (k = 0; k < n; k++)
		if (idx[k] > max)
			max = idx[k];
	/* take 0..max off the free list, give back those not sent */
	for (k = 0; k <= max; k++) {
		int e = hshm_wire_tx_get(self->tx);

		ASSERT_EQ((int)k, e);
	}
	for (k = 0; k <= max; k++) {
		unsigned int j;
		bool sent = false;

		for (j = 0; j < n; j++)
			sent |= idx[j] == k;
		if (!sent)
			hshm_wire_tx_put(self->tx, k);
	}
	for (k = 0; k < n; k++) {
		memset(self->data + idx[k] * SLOT, 'a' + k, len);
		hshm_wire_tx_append(self->tx, idx[k], svc, idx[k] * SLOT, len);
		got++;
	}
	hshm_wire_tx_check_header(self->tx);
	ASSERT_EQ(got, hshm_wire_tx_handover(self->tx));
}

/* One look, as an int for the harness's comparisons. */
static int look(struct hshm_peer_v1 *s, const struct hshm_peer_hooks *hooks)
{
	return hshm_peer_v1_look(s, hooks);
}

/* Write one request into entry @idx by hand; nxt_idx as it was. */
static void put_msg(struct hshm_wire_queue *q, u16 idx, u16 flag, u16 svc,
		    u32 off, u32 len)
{
	unit_put_entry(q, idx, flag, svc, off, len,
		       le16_to_cpu(q->entries[idx].nxt_idx));
}

static void set_head(struct hshm_wire_queue *q, u16 head, u32 mark)
{
	q->proc_ing_h = cpu_to_le16(head);
	q->working_mark = cpu_to_le32(mark);
}

/* ---- V1-1: the server's "next" is entry byte 12 ---- */

TEST_F(v1, v1_1_next_from_byte_12)
{
	struct hshm_wire_entry *e = &self->q->entries[3];

	start_peer(_metadata, self, self->prof);
	self->q->buf_size = cpu_to_le16(END);
	put_msg(self->q, 3, 0, 1, 0, 8);
	e->cur_idx = cpu_to_le16(7);		/* byte 12 */
	e->nxt_idx = cpu_to_le16(9);		/* byte 14: never read */
	set_head(self->q, 3, HSHM_WIRE_MARK_BUSY);
	ASSERT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, NULL));
	EXPECT_EQ(7, head_of(self->q));
	EXPECT_EQ(9, le16_to_cpu(e->nxt_idx));
	EXPECT_EQ(7, le16_to_cpu(e->cur_idx));
}

/* byte 12 not below buf_size: (head + 1) % buf_size, wrapping to 0 */
TEST_F(v1, v1_1_byte_12_out_of_range)
{
	start_peer(_metadata, self, self->prof);
	self->q->buf_size = cpu_to_le16(16);
	put_msg(self->q, 4, 0, 1, 0, 8);
	self->q->entries[4].cur_idx = cpu_to_le16(16);
	set_head(self->q, 4, HSHM_WIRE_MARK_BUSY);
	ASSERT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, NULL));
	EXPECT_EQ(5, head_of(self->q));

	put_msg(self->q, 15, 0, 1, 0, 8);
	self->q->entries[15].cur_idx = cpu_to_le16(0xffff);
	self->q->entries[15].nxt_idx = cpu_to_le16(3);
	set_head(self->q, 15, HSHM_WIRE_MARK_BUSY);
	ASSERT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, NULL));
	EXPECT_EQ(0, head_of(self->q));
}

/* ---- V1-2: "Hello from seL4 kernel!" and a NUL at 0x40-0x57 ---- */

TEST_F(v1, v1_2_boot_string_at_0x40)
{
	static const char hello[] = "Hello from seL4 kernel!";
	unsigned int i;

	memset(self->data, 0x77, 0x100);
	start_peer(_metadata, self, self->prof);
	ASSERT_EQ(24u, sizeof(hello));
	EXPECT_EQ(0, memcmp(self->data + 0x40, hello, sizeof(hello)));
	EXPECT_EQ(0, self->data[0x57]);
	for (i = 0; i < 0x100; i++)
		if (i < 0x40 || i > 0x57)
			EXPECT_EQ(0x77, self->data[i]);
}

/* ---- V1-3: the start-up clobber of the Linux queue header ---- */

TEST_F(v1, v1_3_clobber_unless_inited)
{
	static const u32 marks[] = {
		HSHM_WIRE_MARK_RAW, HSHM_WIRE_MARK_INITING,
		HSHM_WIRE_MARK_IDLE, HSHM_WIRE_MARK_BUSY,
		HSHM_WIRE_MARK_DESTROYED, 0xEEEEEEEF, 0x6EEEEEEE,
		HSHM_WIRE_MARK_INITED,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		struct hshm_wire_queue *q = self->q;

		q->working_mark = cpu_to_le32(marks[i]);
		q->buf_size = cpu_to_le16(END);
		q->empty_h = cpu_to_le16(5);
		q->wait_h = cpu_to_le16(6);
		q->proc_ing_h = cpu_to_le16(7);
		hshm_peer_profile_start(self->prof, &self->r);
		if (marks[i] == HSHM_WIRE_MARK_INITED) {
			EXPECT_EQ(HSHM_WIRE_MARK_INITED, mark_of(q));
			EXPECT_EQ(END, le16_to_cpu(q->buf_size));
			EXPECT_EQ(5, le16_to_cpu(q->empty_h));
			EXPECT_EQ(6, le16_to_cpu(q->wait_h));
			EXPECT_EQ(7, head_of(q));
			continue;
		}
		EXPECT_EQ(HSHM_WIRE_MARK_IDLE, mark_of(q)) {
			TH_LOG("mark %#x", marks[i]);
		}
		EXPECT_EQ(16, le16_to_cpu(q->buf_size));
		EXPECT_EQ(0, le16_to_cpu(q->empty_h));
		EXPECT_EQ(0, le16_to_cpu(q->wait_h));
		EXPECT_EQ(0, head_of(q));
	}
}

/* Linux first: hshm's idle queue is clobbered, its entries are not. */
TEST_F(v1, v1_3_linux_first_entries_untouched)
{
	u8 before[HSHM_WIRE_QUEUE_SIZE];

	hshm_wire_tx_append(self->tx, hshm_wire_tx_get(self->tx), 5, 0x1000,
			    9);
	memcpy(before, self->q, sizeof(before));
	ASSERT_EQ(HSHM_WIRE_MARK_IDLE, mark_of(self->q));
	start_peer(_metadata, self, self->prof);
	EXPECT_EQ(16, le16_to_cpu(self->q->buf_size));
	EXPECT_EQ(0, head_of(self->q));
	EXPECT_EQ(0, memcmp(before + sizeof(struct hshm_wire_queue),
			    (u8 *)self->q + sizeof(struct hshm_wire_queue),
			    sizeof(before) - sizeof(struct hshm_wire_queue)));
}

/* ---- V1-4: its own queue set to 0xEEEEEEEE, never used afterwards ---- */

TEST_F(v1, v1_4_own_queue_marked_inited)
{
	memset(self->own, 0x5c, HSHM_WIRE_QUEUE_SIZE);
	self->own->working_mark = cpu_to_le32(HSHM_WIRE_MARK_IDLE);
	start_peer(_metadata, self, self->prof);
	EXPECT_EQ(HSHM_WIRE_MARK_INITED, mark_of(self->own));
	EXPECT_EQ(16, le16_to_cpu(self->own->buf_size));
	EXPECT_EQ(0, le16_to_cpu(self->own->empty_h));
	EXPECT_EQ(0, le16_to_cpu(self->own->wait_h));
	EXPECT_EQ(0, head_of(self->own));
	EXPECT_EQ(0x5c5c, le16_to_cpu(self->own->entries[0].msg.flag));
}

TEST_F(v1, v1_4_own_queue_left_if_inited)
{
	self->own->working_mark = cpu_to_le32(HSHM_WIRE_MARK_INITED);
	self->own->buf_size = cpu_to_le16(END);
	self->own->proc_ing_h = cpu_to_le16(3);
	start_peer(_metadata, self, self->prof);
	EXPECT_EQ(END, le16_to_cpu(self->own->buf_size));
	EXPECT_EQ(3, head_of(self->own));
}

TEST_F(v1, v1_4_own_queue_never_used)
{
	static const u16 batch[] = { 0, 1, 2 };
	u8 snap[HSHM_WIRE_QUEUE_SIZE];
	unsigned int i;

	start_peer(_metadata, self, self->prof);
	memcpy(snap, self->own, sizeof(snap));
	send_batch(_metadata, self, batch, 3, 1, 16);
	for (i = 0; i < 100; i++)
		look(&self->s, NULL);
	EXPECT_EQ(0, memcmp(snap, self->own, sizeof(snap)));
}

/* ---- V1-5: what a valid entry is ---- */

TEST_F(v1, v1_5_validity)
{
	static const struct {
		u16 flag;
		u32 off, len;
		bool valid;
	} c[] = {
		{ 0, 0, 1, true },
		{ 0, 0, 0, false },				/* length 0 */
		{ 0, 0, DATA_SIZE - 1, true },
		{ 0, 0, DATA_SIZE, false },			/* 4 MiB */
		{ 0, DATA_SIZE - 1, 8, true },			/* end not checked */
		{ 0, DATA_SIZE - 1, DATA_SIZE - 1, true },
		{ 0, DATA_SIZE, 8, false },			/* offset 4 MiB */
		{ 0, 0xffffffff, 8, false },
		{ HSHM_WIRE_FLAG_DEALT, 0, 8, false },		/* deal_state 1 */
		{ 0xfff9, 0, 8, false },
		{ 0xfff8, 0, 8, true },				/* reserved: not read */
		{ 0x0006, 0, 8, true },				/* result bits: not read */
	};
	unsigned int i;

	start_peer(_metadata, self, self->prof);
	self->q->buf_size = cpu_to_le16(END);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		int got;

		put_msg(self->q, 0, c[i].flag, 0, c[i].off, c[i].len);
		self->q->entries[0].cur_idx = cpu_to_le16(0);
		set_head(self->q, 0, HSHM_WIRE_MARK_BUSY);
		self->s.invalid_run = 0;
		got = look(&self->s, NULL);
		EXPECT_EQ(c[i].valid ? HSHM_PEER_LOOK_SERVED :
				       HSHM_PEER_LOOK_INVALID, got) {
			TH_LOG("case %u", i);
		}
		/* an invalid entry is not written */
		if (!c[i].valid)
			EXPECT_EQ(c[i].flag, flag_of(self->q, 0));
	}
}

/* Heads at or past buf_size are looked at no further. */
TEST_F(v1, v1_5_head_below_buf_size)
{
	start_peer(_metadata, self, self->prof);
	put_msg(self->q, 16, 0, 1, 0, 8);
	set_head(self->q, 16, HSHM_WIRE_MARK_BUSY);	/* buf_size is 16 */
	EXPECT_EQ(HSHM_PEER_LOOK_INVALID, look(&self->s, NULL));
	EXPECT_EQ(0, flag_of(self->q, 16));
	self->q->buf_size = cpu_to_le16(17);
	EXPECT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, NULL));
	/* never past the queue's memory, whatever buf_size says */
	self->q->buf_size = cpu_to_le16(0xffff);
	set_head(self->q, END, HSHM_WIRE_MARK_BUSY);
	EXPECT_EQ(HSHM_PEER_LOOK_INVALID, look(&self->s, NULL));
}

/* ---- V1-6: no busy check ---- */

TEST_F(v1, v1_6_no_busy_check)
{
	static const u32 marks[] = {
		HSHM_WIRE_MARK_IDLE, HSHM_WIRE_MARK_RAW,
		HSHM_WIRE_MARK_DESTROYED, HSHM_WIRE_MARK_INITING, 0x12345678,
	};
	unsigned int i;
	int e;

	start_peer(_metadata, self, self->prof);	/* proc_ing_h = 0 */
	hshm_wire_tx_check_header(self->tx);
	/* hshm fills entry 0 but has not handed it over: it is served */
	e = hshm_wire_tx_get(self->tx);
	ASSERT_EQ(0, e);
	memcpy(self->data, "early", 5);
	hshm_wire_tx_append(self->tx, e, 1, 0, 5);
	ASSERT_EQ(HSHM_WIRE_MARK_IDLE, mark_of(self->q));
	EXPECT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, NULL));
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_SUCCESS), flag_of(self->q, 0));
	EXPECT_EQ('e' ^ 0x5a, self->data[0]);

	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		put_msg(self->q, 1, 0, 0, 0, 8);
		set_head(self->q, 1, marks[i]);
		EXPECT_EQ(HSHM_PEER_LOOK_SERVED,
			  look(&self->s, NULL));
		EXPECT_EQ(HSHM_WIRE_MARK_IDLE, mark_of(self->q));
	}
}

/* ---- V1-7: one message per look ---- */

TEST_F(v1, v1_7_one_message_per_look)
{
	static const u16 batch[] = { 0, 1, 2 };

	start_peer(_metadata, self, self->prof);
	send_batch(_metadata, self, batch, 3, 1, 8);
	ASSERT_EQ(HSHM_WIRE_MARK_BUSY, mark_of(self->q));
	EXPECT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, NULL));
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_SUCCESS), flag_of(self->q, 0));
	EXPECT_EQ(0, flag_of(self->q, 1));
	EXPECT_EQ(0, flag_of(self->q, 2));
	/* the head stays on the entry just served; the queue is idle */
	EXPECT_EQ(0, head_of(self->q));
	EXPECT_EQ(HSHM_WIRE_MARK_IDLE, mark_of(self->q));
	/* and the next look finds it dealt: nothing more is served */
	EXPECT_EQ(HSHM_PEER_LOOK_INVALID, look(&self->s, NULL));
	EXPECT_EQ(0, flag_of(self->q, 1));
	EXPECT_EQ(1u, self->s.served);
}

/* Measured: batch 2 -> 1 -> 0: entries 2 and 0 served, 1 never. */
TEST_F(v1, v1_7_batch_2_1_0_serves_2_and_0)
{
	static const u16 batch[] = { 2, 1, 0 };
	unsigned int i, heals = 0;

	start_peer(_metadata, self, self->prof);
	send_batch(_metadata, self, batch, 3, 1, 8);
	ASSERT_EQ(2, head_of(self->q));
	for (i = 0; i < 1000; i++)
		if (look(&self->s, NULL) == HSHM_PEER_LOOK_HEALED)
			heals++;
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_SUCCESS), flag_of(self->q, 2));
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_SUCCESS), flag_of(self->q, 0));
	EXPECT_EQ(0, flag_of(self->q, 1));
	EXPECT_EQ('c' ^ 0x5a, self->data[0]);	/* entry 0 got payload 'c' */
	EXPECT_EQ('b', self->data[SLOT]);
	EXPECT_EQ(2u, self->s.served);
	/* entry 0 was reached through the first heal (V1-9) */
	EXPECT_EQ((1000u - 2) / HSHM_WIRE_HEAL_RUN, heals);
}

/* ---- V1-8: the answer: in place, flag in two steps, length kept ---- */

struct between {
	struct hshm_wire_queue *q;
	struct hshm_wire_tx *tx;
	unsigned int calls;
	u16 flag;
	int poll;
};

static void snap_between(void *ctx, const struct hshm_wire_rx_msg *m)
{
	struct between *b = ctx;
	struct hshm_wire_reply rep;

	b->calls++;
	b->flag = le16_to_cpu(b->q->entries[m->idx].msg.flag);
	b->poll = hshm_wire_tx_poll(b->tx, m->idx, SLOT, &rep);
}

TEST_F(v1, v1_8_two_step_flag)
{
	static const u16 batch[] = { 0 };
	struct between b = { .q = self->q, .tx = self->tx };
	struct hshm_peer_hooks hooks = { .between = snap_between, .ctx = &b };

	start_peer(_metadata, self, self->prof);
	send_batch(_metadata, self, batch, 1, 1, 8);
	EXPECT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, &hooks));
	EXPECT_EQ(1u, b.calls);
	/* between the steps: {dealt, result 0 "none"} */
	EXPECT_EQ(HSHM_WIRE_FLAG_DEALT, b.flag);
	EXPECT_EQ(HSHM_WIRE_BAD_RESULT, b.poll);
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_SUCCESS), flag_of(self->q, 0));

	/* a failing service: the same two steps, then result 2 */
	put_msg(self->q, 1, 0, 2, DATA_SIZE - 8, 8);
	set_head(self->q, 1, HSHM_WIRE_MARK_BUSY);
	EXPECT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, &hooks));
	EXPECT_EQ(2u, b.calls);
	EXPECT_EQ(HSHM_WIRE_FLAG_DEALT, b.flag);
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_FAIL), flag_of(self->q, 1));
}

/* Read-modify-writes: the other bits of the flag stay as they were. */
TEST_F(v1, v1_8_flag_read_modify_write)
{
	struct between b = { .q = self->q, .tx = self->tx };
	struct hshm_peer_hooks hooks = { .between = snap_between, .ctx = &b };

	start_peer(_metadata, self, self->prof);
	put_msg(self->q, 0, 0x0008 | 0x0004, 0, 0, 8);	/* bit 3, result 2 */
	set_head(self->q, 0, HSHM_WIRE_MARK_BUSY);
	EXPECT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, &hooks));
	EXPECT_EQ(0x0008 | 0x0004 | HSHM_WIRE_FLAG_DEALT, b.flag);
	EXPECT_EQ(0x0008 | answered(HSHM_WIRE_RESULT_SUCCESS),
		  flag_of(self->q, 0));
}

TEST_F(v1, v1_8_length_offset_service_never_written)
{
	static const u16 ids[] = { 1, 2, 9, 10, 11, 15, 66, 300 };
	unsigned int i;

	start_peer(_metadata, self, self->prof);
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		struct hshm_wire_entry *e = &self->q->entries[i];

		memcpy(self->data + i * SLOT, "41424344454", 11);
		put_msg(self->q, i, 0, ids[i], i * SLOT, 11);
		set_head(self->q, i, HSHM_WIRE_MARK_BUSY);
		EXPECT_EQ(HSHM_PEER_LOOK_SERVED,
			  look(&self->s, NULL));
		EXPECT_EQ(11u, le32_to_cpu(e->msg.length));
		EXPECT_EQ(i * SLOT, le32_to_cpu(e->msg.offset));
		EXPECT_EQ(ids[i], le16_to_cpu(e->msg.service_id));
		EXPECT_EQ(i, le16_to_cpu(e->cur_idx));
	}
}

/* ---- V1-9: the heal storm ---- */

TEST_F(v1, v1_9_heal_storm)
{
	unsigned int i;

	start_peer(_metadata, self, self->prof);
	put_msg(self->q, 0, 0, 1, 0, 0);		/* entry 0 invalid */
	put_msg(self->q, 5, HSHM_WIRE_FLAG_DEALT, 1, 0, 8);
	set_head(self->q, 0, HSHM_WIRE_MARK_IDLE);
	for (i = 1; i <= 3 * HSHM_WIRE_HEAL_RUN; i++) {
		int got = look(&self->s, NULL);

		if (i % HSHM_WIRE_HEAL_RUN) {
			EXPECT_EQ(HSHM_PEER_LOOK_INVALID, got);
			/* an invalid look writes nothing */
			if (i > 40 && i < 64) {
				EXPECT_EQ(5, head_of(self->q));
				EXPECT_EQ(HSHM_WIRE_MARK_BUSY,
					  mark_of(self->q));
			}
		} else {
			EXPECT_EQ(HSHM_PEER_LOOK_HEALED, got) {
				TH_LOG("look %u", i);
			}
			/* proc_ing_h = 0, then idle, over what Linux wrote */
			EXPECT_EQ(0, head_of(self->q));
			EXPECT_EQ(HSHM_WIRE_MARK_IDLE, mark_of(self->q));
		}
		if (i == 40)	/* Linux hands (dealt) entry 5 over */
			set_head(self->q, 5, HSHM_WIRE_MARK_BUSY);
	}
	EXPECT_EQ(3u, self->s.heals);
	EXPECT_EQ(3u * HSHM_WIRE_HEAL_RUN, self->s.invalid);
	EXPECT_EQ(0, flag_of(self->q, 0));
}

/* 32 *consecutive* invalid looks: a served message starts the count anew. */
TEST_F(v1, v1_9_count_resets_on_serve)
{
	unsigned int i;

	start_peer(_metadata, self, self->prof);
	put_msg(self->q, 3, HSHM_WIRE_FLAG_DEALT, 1, 0, 8);
	set_head(self->q, 3, HSHM_WIRE_MARK_IDLE);
	for (i = 0; i < HSHM_WIRE_HEAL_RUN - 1; i++)
		EXPECT_EQ(HSHM_PEER_LOOK_INVALID,
			  look(&self->s, NULL));
	put_msg(self->q, 3, 0, 1, 0, 8);
	EXPECT_EQ(HSHM_PEER_LOOK_SERVED, look(&self->s, NULL));
	for (i = 0; i < HSHM_WIRE_HEAL_RUN - 1; i++)
		EXPECT_EQ(HSHM_PEER_LOOK_INVALID,
			  look(&self->s, NULL));
	EXPECT_EQ(3, head_of(self->q));
	EXPECT_EQ(HSHM_PEER_LOOK_HEALED, look(&self->s, NULL));
	EXPECT_EQ(0, head_of(self->q));
}

/* ---- V1-10: the seL4 server's services ---- */

/* Serve one message of service @svc on @len bytes at @off: its result. */
static int serve_one(FIXTURE_DATA(v1) *self, u16 svc, u32 off, u32 len,
		     const struct hshm_peer_hooks *hooks)
{
	put_msg(self->q, 0, 0, svc, off, len);
	set_head(self->q, 0, HSHM_WIRE_MARK_BUSY);
	self->s.invalid_run = 0;
	if (look(&self->s, hooks) != HSHM_PEER_LOOK_SERVED)
		return -1;
	return (flag_of(self->q, 0) & HSHM_WIRE_FLAG_RESULT_MASK) >>
	       HSHM_WIRE_FLAG_RESULT_SHIFT;
}

TEST_F(v1, v1_10_xor_1_and_2)
{
	u16 svc;

	start_peer(_metadata, self, self->prof);
	for (svc = 1; svc <= 2; svc++) {
		memcpy(self->data + 0x1000, "HyperAMP\x5a", 9);
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  serve_one(self, svc, 0x1000, 9, NULL));
		EXPECT_EQ('H' ^ 0x5a, self->data[0x1000]);
		EXPECT_EQ('P' ^ 0x5a, self->data[0x1007]);
		EXPECT_EQ(0, self->data[0x1008]);
		EXPECT_EQ(0, self->data[0x1009]);	/* nothing past it */
	}
}

/* Fail, result 2, when offset + length >= 4 MiB; nothing written then. */
TEST_F(v1, v1_10_xor_fails_at_end_of_area)
{
	u8 *tail = self->data + DATA_SIZE - 16;

	start_peer(_metadata, self, self->prof);
	memset(tail, 'x', 16);
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL,
		  serve_one(self, 1, DATA_SIZE - 16, 16, NULL));
	EXPECT_EQ('x', tail[0]);
	EXPECT_EQ('x', tail[15]);
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL,
		  serve_one(self, 2, DATA_SIZE - 8, 100, NULL));
	EXPECT_EQ('x', tail[8]);
	EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  serve_one(self, 2, DATA_SIZE - 16, 15, NULL));
	EXPECT_EQ('x' ^ 0x5a, tail[0]);
	EXPECT_EQ('x' ^ 0x5a, tail[14]);
	EXPECT_EQ('x', tail[15]);
}

struct printed {
	unsigned int calls;
	u16 svc;
	u8 text[HSHM_SVC_V1_HEX_MAX / 2 + 1];
	int len;
};

static void collect_print(void *ctx, const struct hshm_wire_rx_msg *m,
			  const u8 *buf, u32 len)
{
	struct printed *p = ctx;
	int i;

	p->calls++;
	p->svc = m->service_id;
	p->len = hshm_svc_hex_len(buf, len);
	for (i = 0; i < p->len; i++)
		p->text[i] = hshm_svc_hex_byte(buf, i);
}

TEST_F(v1, v1_10_hex_print_10_to_13)
{
	struct printed p = { 0 };
	struct hshm_peer_hooks hooks = { .print = collect_print, .ctx = &p };
	static const char ctl[] = { '\0', '\r', '\n', '\t', 0x1f, 0x7f };
	u8 *buf = self->data + 0x2000;
	unsigned int i;
	u16 svc;

	start_peer(_metadata, self, self->prof);
	for (svc = 10; svc <= 13; svc++) {
		memcpy(buf, "48656C6c6f", 10);
		p.calls = 0;
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  serve_one(self, svc, 0x2000, 10, &hooks));
		EXPECT_EQ(1u, p.calls);
		EXPECT_EQ(svc, p.svc);
		ASSERT_EQ(5, p.len);
		EXPECT_EQ(0, memcmp(p.text, "Hello", 5));
		/* nothing written back */
		EXPECT_EQ(0, memcmp(buf, "48656C6c6f", 10));
	}
	/* odd length: a trailing control character is dropped */
	for (i = 0; i < ARRAY_SIZE(ctl); i++) {
		memcpy(buf, "4869", 4);
		buf[4] = ctl[i];
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  serve_one(self, 10, 0x2000, 5, &hooks));
		EXPECT_EQ(2, p.len);
		EXPECT_EQ(ctl[i], buf[4]);
	}
	/* else an odd length fails, and so does any other non-hex byte */
	p.calls = 0;
	memcpy(buf, "48694", 5);
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL, serve_one(self, 11, 0x2000, 5, &hooks));
	memcpy(buf, "4869 ", 5);
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL, serve_one(self, 11, 0x2000, 5, &hooks));
	memcpy(buf, "48g9", 4);
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL, serve_one(self, 12, 0x2000, 4, &hooks));
	memcpy(buf, "48\n9", 4);
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL, serve_one(self, 12, 0x2000, 4, &hooks));
	memcpy(buf, "4869\n\n", 6);	/* even: the NL is not dropped */
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL, serve_one(self, 13, 0x2000, 6, &hooks));
	EXPECT_EQ(0u, p.calls);
	/* at most 2048 bytes */
	memset(buf, 'a', 2050);
	EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
		  serve_one(self, 13, 0x2000, 2048, &hooks));
	EXPECT_EQ(1024, p.len);
	EXPECT_EQ(0xaa, p.text[1023]);
	buf[2048] = '\n';
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL,
		  serve_one(self, 13, 0x2000, 2049, &hooks));
	EXPECT_EQ(HSHM_WIRE_RESULT_FAIL,
		  serve_one(self, 13, 0x2000, 2050, &hooks));
	EXPECT_EQ('a', buf[0]);
}

/* Every other id is echo with result 1; result 3 never comes. */
TEST_F(v1, v1_10_echo_everything_else)
{
	static const u16 ids[] = { 0, 3, 4, 5, 6, 7, 8, 9, 14, 15, 16, 65, 66,
				   67, 255, 0x7fff, 0xfff0, 0xffff };
	u8 *buf = self->data + 0x3000;
	unsigned int i;

	start_peer(_metadata, self, self->prof);
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		memcpy(buf, "echo me", 7);
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  serve_one(self, ids[i], 0x3000, 7, NULL)) {
			TH_LOG("service %u", ids[i]);
		}
		EXPECT_EQ(0, memcmp(buf, "echo me", 7));
		EXPECT_EQ(7u, le32_to_cpu(self->q->entries[0].msg.length));
	}
}

/* ---- V1-11: no interrupt, a pace per message ---- */

struct pace {
	unsigned int before, end;
};

static bool count_before(void *ctx, const struct hshm_wire_rx_msg *m)
{
	((struct pace *)ctx)->before++;
	return true;
}

static bool count_end(void *ctx, struct hshm_wire_rx *rx)
{
	((struct pace *)ctx)->end++;
	return true;
}

TEST_F(v1, v1_11_no_interrupt_pace_per_message)
{
	static const u16 batch[] = { 2, 1, 0 };
	struct pace p = { 0 };
	struct hshm_peer_hooks hooks = { .before = count_before,
					 .end = count_end, .ctx = &p };
	unsigned int i;

	EXPECT_FALSE(self->prof->rings);
	EXPECT_TRUE(hshm_peer_profile_find("hshm")->rings);
	EXPECT_NE(0u, self->prof->pace_us);
	EXPECT_GT(17000u, self->prof->pace_us);	/* modest by default */
	start_peer(_metadata, self, self->prof);
	send_batch(_metadata, self, batch, 3, 1, 8);
	for (i = 0; i < 200; i++)
		look(&self->s, &hooks);
	/* the pace is paid per message served, not per look */
	EXPECT_EQ(2u, p.before);
	EXPECT_EQ(0u, p.end);
	EXPECT_EQ(200u, self->s.looks);
}

/* A peer stopped at a valid message (before hook) leaves it as it was. */
static bool refuse(void *ctx, const struct hshm_wire_rx_msg *m)
{
	return false;
}

TEST_F(v1, v1_11_stopped_mid_message)
{
	static const u16 batch[] = { 0 };
	struct hshm_peer_hooks hooks = { .before = refuse };

	start_peer(_metadata, self, self->prof);
	send_batch(_metadata, self, batch, 1, 1, 8);
	EXPECT_EQ(HSHM_PEER_LOOK_STOPPED, look(&self->s, &hooks));
	EXPECT_EQ(0, flag_of(self->q, 0));
	EXPECT_EQ(HSHM_WIRE_MARK_BUSY, mark_of(self->q));
	EXPECT_EQ('a', self->data[0]);
}

/* ---- V1-12: the FreeRTOS port and hvisor-tool's service ---- */

TEST_F(v1, v1_12_freertos_boot_write)
{
	memset(self->data, 0x77, 0x100);
	start_peer(_metadata, self, hshm_peer_profile_find("freertos-v1"));
	EXPECT_EQ(0, memcmp(self->data, "FREERTOS", 8));
	EXPECT_EQ(0x77, self->data[8]);			/* no NUL */
	EXPECT_EQ(0x77, self->data[0x40]);		/* no seL4 string */
	/* the same start-up as the seL4 server's */
	EXPECT_EQ(0, head_of(self->q));
	EXPECT_EQ(16, le16_to_cpu(self->q->buf_size));
	EXPECT_EQ(HSHM_WIRE_MARK_INITED, mark_of(self->own));
}

TEST_F(v1, v1_12_freertos_same_shape)
{
	static const u16 batch[] = { 2, 1, 0 };
	unsigned int i;

	start_peer(_metadata, self, hshm_peer_profile_find("freertos-v1"));
	send_batch(_metadata, self, batch, 3, 2, 8);
	for (i = 0; i < 100; i++)
		look(&self->s, NULL);
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_SUCCESS), flag_of(self->q, 2));
	EXPECT_EQ(0, flag_of(self->q, 1));
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_SUCCESS), flag_of(self->q, 0));
	EXPECT_EQ('a' ^ 0x5a, self->data[2 * SLOT]);	/* 2: XOR, as seL4's */
}

TEST_F(v1, v1_12_hvisor_tool_boot_and_poll)
{
	const struct hshm_peer_profile *ht =
		hshm_peer_profile_find("hvisor-tool-v1");

	ASSERT_NE(NULL, ht);
	memset(self->data, 0x77, 0x100);
	start_peer(_metadata, self, ht);
	EXPECT_EQ(0, memcmp(self->data, "Test", 5));	/* NUL included */
	EXPECT_EQ(0x77, self->data[5]);
	EXPECT_EQ(0x77, self->data[0x40]);
	EXPECT_EQ(100000u, ht->look_us);		/* polls every 100 ms */
	EXPECT_EQ(HSHM_PEER_WALK_V1, (int)ht->walk);
	EXPECT_FALSE(ht->rings);
}

TEST_F(v1, v1_12_hvisor_tool_services)
{
	static const struct {
		u16 svc;
		u8 result;
		bool xor;
	} c[] = {
		{ 1, HSHM_WIRE_RESULT_SUCCESS, true },	/* encrypt */
		{ 2, HSHM_WIRE_RESULT_SUCCESS, true },	/* decrypt */
		{ 66, HSHM_WIRE_RESULT_SUCCESS, false },	/* echo */
		{ 0, HSHM_WIRE_RESULT_NOSERVICE, false },
		{ 3, HSHM_WIRE_RESULT_NOSERVICE, false },
		{ 10, HSHM_WIRE_RESULT_NOSERVICE, false },
		{ 65, HSHM_WIRE_RESULT_NOSERVICE, false },
	};
	u8 *buf = self->data + 0x1000;
	unsigned int i;

	start_peer(_metadata, self, hshm_peer_profile_find("hvisor-tool-v1"));
	self->s.exit_after = 0;
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		memcpy(buf, "secret", 6);
		EXPECT_EQ(c[i].result, serve_one(self, c[i].svc, 0x1000, 6,
						 NULL)) {
			TH_LOG("service %u", c[i].svc);
		}
		EXPECT_EQ(c[i].xor ? 's' ^ 0x5a : 's', buf[0]);
		EXPECT_EQ(6u, le32_to_cpu(self->q->entries[0].msg.length));
	}
	/* decrypt undoes encrypt */
	memcpy(buf, "secret", 6);
	serve_one(self, 1, 0x1000, 6, NULL);
	serve_one(self, 2, 0x1000, 6, NULL);
	EXPECT_EQ(0, memcmp(buf, "secret", 6));
}

/* It exits after 10 messages; exit_after 0 serves on. */
TEST_F(v1, v1_12_hvisor_tool_exit_after_10)
{
	unsigned int i;

	start_peer(_metadata, self, hshm_peer_profile_find("hvisor-tool-v1"));
	EXPECT_EQ(10u, self->s.exit_after);
	for (i = 0; i < 10; i++) {
		EXPECT_FALSE(self->s.exited);
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  serve_one(self, 66, 0x1000, 4, NULL));
	}
	EXPECT_TRUE(self->s.exited);
	put_msg(self->q, 0, 0, 66, 0x1000, 4);
	set_head(self->q, 0, HSHM_WIRE_MARK_BUSY);
	EXPECT_EQ(HSHM_PEER_LOOK_EXITED, look(&self->s, NULL));
	EXPECT_EQ(0, flag_of(self->q, 0));
	EXPECT_EQ(HSHM_WIRE_MARK_BUSY, mark_of(self->q));
	EXPECT_EQ(10u, self->s.served);

	/* configurable, and 0 disables it */
	start_peer(_metadata, self, hshm_peer_profile_find("hvisor-tool-v1"));
	self->s.exit_after = 0;
	for (i = 0; i < 25; i++)
		EXPECT_EQ(HSHM_WIRE_RESULT_SUCCESS,
			  serve_one(self, 66, 0x1000, 4, NULL));
	EXPECT_FALSE(self->s.exited);
}

/* The public Linux client (C-1 to C-4): a one-request program works. */
TEST_F(v1, v1_public_client_single_call)
{
	struct hshm_wire_queue *q = self->q;
	unsigned int i;

	/* peer first, on a fresh region */
	memset(q, 0, HSHM_WIRE_QUEUE_SIZE);
	start_peer(_metadata, self, self->prof);
	/* C-1: the client's queue init, working_mark not written */
	q->empty_h = cpu_to_le16(0);
	for (i = 0; i < END; i++) {
		q->entries[i].cur_idx = cpu_to_le16(i);
		q->entries[i].nxt_idx = cpu_to_le16(i + 1);
	}
	q->wait_h = cpu_to_le16(END);
	q->proc_ing_h = cpu_to_le16(END);
	q->buf_size = cpu_to_le16(END);
	/* C-2: waits for 0xEEEEEEEE on the peer queue, then goes idle */
	ASSERT_EQ(HSHM_WIRE_MARK_INITED, mark_of(self->own));
	q->working_mark = cpu_to_le32(HSHM_WIRE_MARK_IDLE);
	for (i = 0; i < 10; i++)
		look(&self->s, NULL);
	/* C-3, C-4: entry 0, data offset 0, pushed, handed over */
	memcpy(self->data, "ping", 4);
	put_msg(q, 0, 0, 1, 0, 4);
	q->empty_h = cpu_to_le16(1);
	q->entries[0].nxt_idx = cpu_to_le16(END);
	q->wait_h = cpu_to_le16(0);
	q->proc_ing_h = q->wait_h;
	q->wait_h = cpu_to_le16(END);
	q->working_mark = cpu_to_le32(HSHM_WIRE_MARK_BUSY);
	/* up to 32 looks can pass before a heal brings the head to 0 */
	for (i = 0; i < HSHM_WIRE_HEAL_RUN && !self->s.served; i++)
		look(&self->s, NULL);
	EXPECT_EQ(1u, self->s.served);
	EXPECT_EQ(answered(HSHM_WIRE_RESULT_SUCCESS), flag_of(q, 0));
	EXPECT_EQ('p' ^ 0x5a, self->data[0]);
	EXPECT_EQ(4u, le32_to_cpu(q->entries[0].msg.length));
}

/* ---- the profiles themselves, and D-8 ---- */

TEST(profile_hshm_is_the_default)
{
	const struct hshm_peer_profile *h = hshm_peer_profile_find("hshm");
	unsigned int i, j;

	ASSERT_NE(NULL, h);
	EXPECT_EQ(h, hshm_peer_profile_find(NULL));
	EXPECT_EQ(h, hshm_peer_profile_find(""));
	EXPECT_EQ(h, hshm_peer_profile_get(0));
	EXPECT_EQ(HSHM_PEER_WALK_BATCH, (int)h->walk);
	EXPECT_EQ(HSHM_SVC_SET_HSHM, (int)h->services);
	EXPECT_EQ(HSHM_PEER_START_OWN_QUEUE, (int)h->start);
	EXPECT_EQ(NULL, h->boot);
	EXPECT_EQ(0u, h->exit_after);
	EXPECT_EQ(0u, h->pace_us);
	EXPECT_EQ(NULL, hshm_peer_profile_find("sel4"));
	EXPECT_EQ(NULL, hshm_peer_profile_find("sel4-v1x"));
	EXPECT_EQ(NULL, hshm_peer_profile_find("HSHM"));
	for (i = 0; hshm_peer_profile_get(i); i++) {
		const struct hshm_peer_profile *p = hshm_peer_profile_get(i);

		EXPECT_EQ(p, hshm_peer_profile_find(p->name));
		for (j = 0; j < i; j++)
			EXPECT_NE(p, hshm_peer_profile_get(j));
	}
	EXPECT_EQ(4u, i);
}

/* The hshm profile's start-up writes nothing into the region. */
TEST_F(v1, profile_hshm_start_writes_nothing)
{
	const struct hshm_peer_profile *h = hshm_peer_profile_find("hshm");
	u8 q[HSHM_WIRE_QUEUE_SIZE], own[HSHM_WIRE_QUEUE_SIZE], d[0x100];

	memset(self->own, 0x33, HSHM_WIRE_QUEUE_SIZE);
	memcpy(q, self->q, sizeof(q));
	memcpy(own, self->own, sizeof(own));
	memcpy(d, self->data, sizeof(d));
	hshm_peer_profile_start(h, &self->r);
	EXPECT_EQ(0, memcmp(q, self->q, sizeof(q)));
	EXPECT_EQ(0, memcmp(own, self->own, sizeof(own)));
	EXPECT_EQ(0, memcmp(d, self->data, sizeof(d)));
}

/*
 * D-1: what a peer that starts after Linux waits for (hshm-peer
 * --start-after-linux): a driver's mark and the buf_size it writes.
 */
TEST_F(v1, d_1_owner_ready)
{
	struct hshm_wire_queue *q = self->q;
	struct hshm_peer_region r = self->r;
	u8 before[HSHM_WIRE_QUEUE_SIZE];

	memcpy(before, q, sizeof(before));
	EXPECT_TRUE(hshm_peer_owner_ready(&self->r));
	EXPECT_EQ(0, memcmp(before, q, sizeof(before)));
	set_head(q, END, HSHM_WIRE_MARK_BUSY);
	EXPECT_TRUE(hshm_peer_owner_ready(&self->r));
	set_head(q, END, HSHM_WIRE_MARK_INITED);
	EXPECT_TRUE(hshm_peer_owner_ready(&self->r));
	set_head(q, END, HSHM_WIRE_MARK_RAW);
	EXPECT_FALSE(hshm_peer_owner_ready(&self->r));
	set_head(q, END, HSHM_WIRE_MARK_INITING);
	EXPECT_FALSE(hshm_peer_owner_ready(&self->r));
	set_head(q, END, HSHM_WIRE_MARK_DESTROYED);
	EXPECT_FALSE(hshm_peer_owner_ready(&self->r));
	/* A v1 clobber (V1-3) leaves idle with buf_size 16: not a driver's. */
	hshm_peer_profile_start(self->prof, &self->r);
	EXPECT_EQ(HSHM_WIRE_MARK_IDLE, mark_of(q));
	EXPECT_FALSE(hshm_peer_owner_ready(&self->r));
	q->buf_size = cpu_to_le16(END);
	EXPECT_TRUE(hshm_peer_owner_ready(&self->r));
	r.txq = NULL;
	EXPECT_FALSE(hshm_peer_owner_ready(&r));
	r = self->r;
	r.txq_size = 16;
	EXPECT_FALSE(hshm_peer_owner_ready(&r));
}

/* D-8: what a service id means comes from the profile. */
TEST(d_8_service_meaning_from_profile)
{
	const struct hshm_peer_profile *h = hshm_peer_profile_find("hshm");
	const struct hshm_peer_profile *s = hshm_peer_profile_find("sel4-v1");
	const struct hshm_peer_profile *f =
		hshm_peer_profile_find("freertos-v1");
	const struct hshm_peer_profile *t =
		hshm_peer_profile_find("hvisor-tool-v1");
	u8 buf[16];
	u32 out;

	/* 1: hshm echo, seL4 XOR 0x5a, hvisor-tool XOR (encrypt) */
	memcpy(buf, "abc", 3);
	EXPECT_EQ(1, hshm_peer_profile_service(h, 1, buf, 3, 16, &out));
	EXPECT_EQ('a', buf[0]);
	EXPECT_EQ(1, hshm_peer_profile_service(s, 1, buf, 3, 16, &out));
	EXPECT_EQ('a' ^ 0x5a, buf[0]);
	EXPECT_EQ(3u, out);
	EXPECT_EQ(1, hshm_peer_profile_service(t, 1, buf, 3, 16, &out));
	EXPECT_EQ('a', buf[0]);
	/* 2: hshm reverse, the others XOR */
	EXPECT_EQ(1, hshm_peer_profile_service(h, 2, buf, 3, 16, &out));
	EXPECT_EQ('c', buf[0]);
	EXPECT_EQ(1, hshm_peer_profile_service(f, 2, buf, 3, 16, &out));
	EXPECT_EQ('c' ^ 0x5a, buf[0]);
	/* 9: hshm DJB2 (4 bytes), seL4 echo (length kept) */
	memcpy(buf, "abc", 3);
	EXPECT_EQ(1, hshm_peer_profile_service(h, 9, buf, 3, 16, &out));
	EXPECT_EQ(4u, out);
	memcpy(buf, "abc", 3);
	EXPECT_EQ(1, hshm_peer_profile_service(s, 9, buf, 3, 16, &out));
	EXPECT_EQ(3u, out);
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	/* 99: hshm and hvisor-tool "no such service", seL4 echo */
	EXPECT_EQ(3, hshm_peer_profile_service(h, 99, buf, 3, 16, &out));
	EXPECT_EQ(3, hshm_peer_profile_service(t, 99, buf, 3, 16, &out));
	EXPECT_EQ(1, hshm_peer_profile_service(s, 99, buf, 3, 16, &out));
	/* the hshm set is hshm_service_run() */
	for (out = 0; out < 70; out++) {
		u8 a[8] = "abcdefg", b[8] = "abcdefg";
		u32 la, lb;

		EXPECT_EQ(hshm_service_run(out, a, 7, 8, &la),
			  hshm_peer_profile_service(h, out, b, 7, 8, &lb));
		EXPECT_EQ(la, lb);
		EXPECT_EQ(0, memcmp(a, b, 8));
	}
}

TEST_HARNESS_MAIN
