// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the request pool (kernel/hshm_pool.c): slots and data
 * buffers, reserved + shared accounting per class, exhaustion, first-fit
 * buffers, reservation changes, the peers' boot scribbles kept out of
 * allocation, and waiters woken by a release or by the channel going away.
 *
 * Part of hshm_kunit.ko; the code under test is compiled into this object
 * from its own source file (see hshm_kunit_qos.c). A channel here is only
 * what the pool uses of it: layout.alloc_size, max_requests, reqs, dead.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/workqueue.h>

#include "hshm_pool.c"
#include "hshm_kunit.h"

#define POOL_BLOCKS	64	/* 16 KiB of buffers */
#define POOL_SLOTS	16

/**
 * struct hshm_pool_fixture - a channel with just a pool
 * @ch: the channel
 * @inited: hshm_pool_init() succeeded, hshm_pool_free() is due
 */
struct hshm_pool_fixture {
	struct hshm_chan *ch;
	bool inited;
};

static int hshm_pool_test_init(struct kunit *test)
{
	struct hshm_pool_fixture *f;
	struct hshm_chan *ch;
	u32 i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);
	if (!f || !ch)
		return -ENOMEM;
	ch->layout.alloc_size = POOL_BLOCKS << HSHM_BLOCK_SHIFT;
	ch->max_requests = POOL_SLOTS;
	ch->reqs = kunit_kcalloc(test, POOL_SLOTS, sizeof(*ch->reqs),
				 GFP_KERNEL);
	if (!ch->reqs)
		return -ENOMEM;
	for (i = 0; i < POOL_SLOTS; i++)
		ch->reqs[i].idx = i;
	if (hshm_pool_init(ch))
		return -ENOMEM;
	f->ch = ch;
	f->inited = true;
	test->priv = f;
	return 0;
}

static void hshm_pool_test_exit(struct kunit *test)
{
	struct hshm_pool_fixture *f = test->priv;

	if (f && f->inited)
		hshm_pool_free(f->ch);
}

static struct hshm_chan *hshm_pool_test_chan(struct kunit *test)
{
	struct hshm_pool_fixture *f = test->priv;

	return f->ch;
}

/* Allocate without waiting; NULL must come with -EAGAIN. */
static struct hshm_req *hshm_pool_test_alloc(struct kunit *test,
					     struct hshm_chan *ch,
					     unsigned int cls, u32 bytes)
{
	struct hshm_req *req;
	int err = 0;

	req = hshm_pool_alloc(ch, cls, bytes, 0, &err);
	if (!req)
		KUNIT_EXPECT_EQ(test, err, -EAGAIN);
	return req;
}

/* The pool's books agree with its bitmap and its free-slot stack. */
static void hshm_pool_check(struct kunit *test, struct hshm_chan *ch)
{
	struct hshm_pool *p = &ch->pool;
	u32 used = 0, over = 0;
	unsigned int c;

	KUNIT_EXPECT_EQ(test, bitmap_weight(p->bitmap, p->nblocks),
			p->blocks.used_total);
	KUNIT_EXPECT_EQ(test, ch->max_requests - p->nfree, p->slots.used_total);
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		used += p->blocks.used[c];
		if (p->blocks.used[c] > p->blocks.reserve[c])
			over += p->blocks.used[c] - p->blocks.reserve[c];
	}
	KUNIT_EXPECT_EQ(test, used, p->blocks.used_total);
	KUNIT_EXPECT_EQ(test, over, p->blocks.shared_used);
}

/* A new pool: everything free, the default reservations applied. */
static void hshm_pool_init_state(struct kunit *test)
{
	static const u8 defaults[HSHM_NR_CLASSES] = { 20, 10, 10, 0 };
	struct hshm_chan *ch = hshm_pool_test_chan(test);
	struct hshm_pool *p = &ch->pool;
	u8 pct[HSHM_NR_CLASSES];

	KUNIT_EXPECT_EQ(test, p->nblocks, (u32)POOL_BLOCKS);
	KUNIT_EXPECT_EQ(test, p->nfree, (u32)POOL_SLOTS);
	KUNIT_EXPECT_EQ(test, p->free[p->nfree - 1], 0u);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(p->bitmap, p->nblocks));
	hshm_pool_get_reservations(ch, pct);
	KUNIT_EXPECT_EQ(test, memcmp(pct, defaults, sizeof(pct)), 0);
	/* 20% of 64 blocks and of 16 slots, rounded down */
	KUNIT_EXPECT_EQ(test, p->blocks.reserve[RT], 12u);
	KUNIT_EXPECT_EQ(test, p->blocks.reserve[TP], 6u);
	KUNIT_EXPECT_EQ(test, p->blocks.reserve[BE], 0u);
	KUNIT_EXPECT_EQ(test, p->slots.reserve[RT], 3u);
	KUNIT_EXPECT_EQ(test, p->slots.reserve[REL], 1u);
	KUNIT_EXPECT_EQ(test, hshm_quota_shared_total(&p->blocks), 40u);
	KUNIT_EXPECT_EQ(test, hshm_quota_shared_total(&p->slots), 11u);
}

/* Sizes round up to blocks; first fit; slots lowest first, then LIFO. */
static void hshm_pool_alloc_release(struct kunit *test)
{
	static const u32 bytes[] = { 1, 256, 257, 4096 };
	static const u32 nblocks[] = { 1, 1, 2, 16 };
	static const u32 first[] = { 0, 1, 2, 4 };
	struct hshm_chan *ch = hshm_pool_test_chan(test);
	struct hshm_pool *p = &ch->pool;
	struct hshm_req *req[ARRAY_SIZE(bytes)], *again;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bytes); i++) {
		req[i] = hshm_pool_test_alloc(test, ch, RT, bytes[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[i]);
		KUNIT_EXPECT_EQ(test, req[i]->idx, i);
		KUNIT_EXPECT_EQ(test, req[i]->nblocks, nblocks[i]);
		KUNIT_EXPECT_EQ(test, req[i]->first_block, first[i]);
		KUNIT_EXPECT_EQ(test, req[i]->cls, (u8)RT);
	}
	KUNIT_EXPECT_EQ(test, p->blocks.used[RT], 20u);
	KUNIT_EXPECT_EQ(test, p->blocks.shared_used, 8u);	/* 20 - 12 */
	KUNIT_EXPECT_EQ(test, p->slots.shared_used, 1u);	/* 4 - 3 */
	hshm_pool_check(test, ch);

	/* the hole of two blocks is found again; the slot too */
	hshm_pool_release(ch, req[2]);
	hshm_pool_check(test, ch);
	again = hshm_pool_test_alloc(test, ch, TP, 300);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, again);
	KUNIT_EXPECT_PTR_EQ(test, again, req[2]);
	KUNIT_EXPECT_EQ(test, again->first_block, 2u);
	KUNIT_EXPECT_EQ(test, again->cls, (u8)TP);
	KUNIT_EXPECT_EQ(test, p->blocks.used[RT], 18u);
	KUNIT_EXPECT_EQ(test, p->blocks.used[TP], 2u);
	req[2] = again;

	for (i = 0; i < ARRAY_SIZE(bytes); i++)
		hshm_pool_release(ch, req[i]);
	hshm_pool_check(test, ch);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(p->bitmap, p->nblocks));
	KUNIT_EXPECT_EQ(test, p->nfree, (u32)POOL_SLOTS);
	KUNIT_EXPECT_EQ(test, p->blocks.used_total, 0u);
	KUNIT_EXPECT_EQ(test, p->blocks.shared_used, 0u);
	KUNIT_EXPECT_EQ(test, p->slots.used_total, 0u);
	KUNIT_EXPECT_EQ(test, p->slots.shared_used, 0u);
	/* the slot given back last is the next one out */
	again = hshm_pool_test_alloc(test, ch, BE, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, again);
	KUNIT_EXPECT_EQ(test, again->idx, req[3]->idx);
	hshm_pool_release(ch, again);
}

/*
 * Slots run out per class: best effort only gets the shared 11, each
 * class still gets its reserve, and then nobody gets anything.
 */
static void hshm_pool_slots_exhausted(struct kunit *test)
{
	struct hshm_chan *ch = hshm_pool_test_chan(test);
	struct hshm_req *be[POOL_SLOTS], *rt[4], *req;
	unsigned int i, nbe = 0;

	while ((req = hshm_pool_test_alloc(test, ch, BE, 1)))
		be[nbe++] = req;
	KUNIT_EXPECT_EQ(test, nbe, 11u);
	for (i = 0; i < 3; i++) {
		rt[i] = hshm_pool_test_alloc(test, ch, RT, 1);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rt[i]);
	}
	KUNIT_EXPECT_NULL(test, hshm_pool_test_alloc(test, ch, RT, 1));
	req = hshm_pool_test_alloc(test, ch, TP, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req);
	hshm_pool_release(ch, req);
	KUNIT_EXPECT_EQ(test, ch->pool.nfree, 2u);
	hshm_pool_check(test, ch);

	/* a best-effort slot given back goes to the shared part */
	hshm_pool_release(ch, be[--nbe]);
	rt[3] = hshm_pool_test_alloc(test, ch, RT, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rt[3]);
	KUNIT_EXPECT_NULL(test, hshm_pool_test_alloc(test, ch, BE, 1));
	hshm_pool_check(test, ch);

	for (i = 0; i < 4; i++)
		hshm_pool_release(ch, rt[i]);
	while (nbe)
		hshm_pool_release(ch, be[--nbe]);
	KUNIT_EXPECT_EQ(test, ch->pool.nfree, (u32)POOL_SLOTS);
	hshm_pool_check(test, ch);
}

/* Buffers run out per class the same way; a refusal takes nothing. */
static void hshm_pool_blocks_exhausted(struct kunit *test)
{
	struct hshm_chan *ch = hshm_pool_test_chan(test);
	struct hshm_pool *p = &ch->pool;
	struct hshm_req *req[6];
	unsigned int i;

	req[0] = hshm_pool_test_alloc(test, ch, BE, 4096);	/* 16 blocks */
	req[1] = hshm_pool_test_alloc(test, ch, BE, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[0]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[1]);
	/* 8 shared blocks left of 40 */
	KUNIT_EXPECT_NULL(test, hshm_pool_test_alloc(test, ch, BE, 4096));
	KUNIT_EXPECT_EQ(test, p->nfree, (u32)POOL_SLOTS - 2);
	KUNIT_EXPECT_EQ(test, p->slots.used_total, 2u);
	req[2] = hshm_pool_test_alloc(test, ch, BE, 2048);	/* 8 blocks */
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[2]);
	KUNIT_EXPECT_NULL(test, hshm_pool_test_alloc(test, ch, BE, 1));
	/* realtime: its 12 reserved blocks and not one more */
	KUNIT_EXPECT_NULL(test, hshm_pool_test_alloc(test, ch, RT, 13 * 256));
	req[3] = hshm_pool_test_alloc(test, ch, RT, 12 * 256);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[3]);
	req[4] = hshm_pool_test_alloc(test, ch, TP, 6 * 256);
	req[5] = hshm_pool_test_alloc(test, ch, REL, 6 * 256);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[4]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[5]);
	KUNIT_EXPECT_TRUE(test, bitmap_full(p->bitmap, p->nblocks));
	for (i = 0; i < HSHM_NR_CLASSES; i++)
		KUNIT_EXPECT_NULL(test, hshm_pool_test_alloc(test, ch, i, 1));
	KUNIT_EXPECT_EQ(test, p->nfree, (u32)POOL_SLOTS - 6);
	hshm_pool_check(test, ch);
	for (i = 0; i < ARRAY_SIZE(req); i++)
		hshm_pool_release(ch, req[i]);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(p->bitmap, p->nblocks));
	hshm_pool_check(test, ch);
}

/* Enough free blocks but no run long enough: refused, books unchanged. */
static void hshm_pool_fragmented(struct kunit *test)
{
	static const u8 none[HSHM_NR_CLASSES] = { 0, 0, 0, 0 };
	struct hshm_chan *ch = hshm_pool_test_chan(test);
	struct hshm_pool *p = &ch->pool;
	struct hshm_quota blocks, slots;
	struct hshm_req *req[4];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, hshm_pool_set_reservations(ch, none), 0);
	for (i = 0; i < 4; i++) {
		req[i] = hshm_pool_test_alloc(test, ch, BE, 4096);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[i]);
		KUNIT_EXPECT_EQ(test, req[i]->first_block, 16 * i);
	}
	hshm_pool_release(ch, req[0]);
	hshm_pool_release(ch, req[2]);
	blocks = p->blocks;
	slots = p->slots;
	KUNIT_EXPECT_NULL(test, hshm_pool_test_alloc(test, ch, BE, 8192));
	KUNIT_EXPECT_EQ(test, memcmp(&blocks, &p->blocks, sizeof(blocks)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&slots, &p->slots, sizeof(slots)), 0);
	KUNIT_EXPECT_EQ(test, p->nfree, (u32)POOL_SLOTS - 2);
	hshm_pool_check(test, ch);
	req[0] = hshm_pool_test_alloc(test, ch, BE, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req[0]);
	KUNIT_EXPECT_EQ(test, req[0]->first_block, 0u);
	hshm_pool_release(ch, req[0]);
	hshm_pool_release(ch, req[1]);
	hshm_pool_release(ch, req[3]);
	hshm_pool_check(test, ch);
}

/* Changing reservations: all or nothing, and a flood cannot take them. */
static void hshm_pool_reservations(struct kunit *test)
{
	static const u8 half[HSHM_NR_CLASSES] = { 50, 0, 0, 0 };
	static const u8 bad[HSHM_NR_CLASSES] = { 60, 30, 20, 0 };
	static const u8 none[HSHM_NR_CLASSES] = { 0, 0, 0, 0 };
	struct hshm_chan *ch = hshm_pool_test_chan(test);
	struct hshm_pool *p = &ch->pool;
	struct hshm_req *be[POOL_SLOTS], *rt;
	unsigned int nbe = 0;
	u8 pct[HSHM_NR_CLASSES];

	KUNIT_ASSERT_EQ(test, hshm_pool_set_reservations(ch, half), 0);
	KUNIT_EXPECT_EQ(test, hshm_pool_set_reservations(ch, bad), -EINVAL);
	hshm_pool_get_reservations(ch, pct);
	KUNIT_EXPECT_EQ(test, memcmp(pct, half, sizeof(pct)), 0);
	KUNIT_EXPECT_EQ(test, p->blocks.reserve[RT], 32u);
	KUNIT_EXPECT_EQ(test, p->slots.reserve[RT], 8u);
	KUNIT_EXPECT_EQ(test, p->slots.reserve[TP], 0u);

	/* best effort floods with 4-block buffers: 8 of them, not 9 */
	while ((be[nbe] = hshm_pool_test_alloc(test, ch, BE, 1024)))
		nbe++;
	KUNIT_EXPECT_EQ(test, nbe, 8u);
	rt = hshm_pool_test_alloc(test, ch, RT, 32 * 256);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rt);
	KUNIT_EXPECT_TRUE(test, bitmap_full(p->bitmap, p->nblocks));
	hshm_pool_check(test, ch);

	/* no reservations any more: the excess of nobody, all shared */
	KUNIT_ASSERT_EQ(test, hshm_pool_set_reservations(ch, none), 0);
	KUNIT_EXPECT_EQ(test, p->blocks.shared_used, 64u);
	hshm_pool_release(ch, rt);
	while (nbe)
		hshm_pool_release(ch, be[--nbe]);
	hshm_pool_check(test, ch);
	KUNIT_EXPECT_EQ(test, p->blocks.shared_used, 0u);
}

/* The part of the data area a layout allocates from, after skipping. */
static void hshm_pool_skip_boot_layouts(struct kunit *test)
{
	static const struct {
		u32 off, size, want_off, want_size;
	} cases[] = {
		{ 0, 0x200000, 0x100, 0x1fff00 },	/* public lower half */
		{ 0, 0x100, 0x100, 0 },			/* emptied: refused */
		{ 0x100, 0x1000, 0x100, 0x1000 },	/* already above */
		{ 0x200000, 0x200000, 0x200000, 0x200000 }, /* upper half */
	};
	struct hshm_layout l;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&l, 0, sizeof(l));
		l.alloc_off = cases[i].off;
		l.alloc_size = cases[i].size;
		hshm_pool_skip_boot(&l);
		KUNIT_EXPECT_EQ_MSG(test, l.alloc_off, cases[i].want_off,
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, l.alloc_size, cases[i].want_size,
				    "case %u", i);
	}
}

/*
 * Peers write at data offsets 0x00-0x57 when they start: over a layout
 * that begins at data offset 0, no buffer handed out, first or later, of
 * any size or class, ever starts below 0x58 or ends past the area.
 */
static void hshm_pool_skips_boot_scribbles(struct kunit *test)
{
	static const u8 none[HSHM_NR_CLASSES] = { 0, 0, 0, 0 };
	static const u32 bytes[] = { 1, 0x58, 256, 257, 4096 };
	struct hshm_req *req[POOL_SLOTS];
	struct hshm_chan *ch;
	unsigned int i, n, s, c;
	u32 off, end;

	ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ch);
	ch->layout.data_size = 2 * (POOL_BLOCKS << HSHM_BLOCK_SHIFT);
	ch->layout.alloc_off = 0;
	ch->layout.alloc_size = POOL_BLOCKS << HSHM_BLOCK_SHIFT;
	hshm_pool_skip_boot(&ch->layout);
	KUNIT_EXPECT_GE(test, ch->layout.alloc_off, HSHM_WIRE_DATA_BOOT_END);
	KUNIT_EXPECT_EQ(test, ch->layout.alloc_off, (u32)HSHM_BLOCK_SIZE);
	end = ch->layout.alloc_off + ch->layout.alloc_size;
	KUNIT_EXPECT_EQ(test, end, (u32)POOL_BLOCKS << HSHM_BLOCK_SHIFT);
	ch->max_requests = POOL_SLOTS;
	ch->reqs = kunit_kcalloc(test, POOL_SLOTS, sizeof(*ch->reqs),
				 GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ch->reqs);
	for (i = 0; i < POOL_SLOTS; i++)
		ch->reqs[i].idx = i;
	KUNIT_ASSERT_EQ(test, hshm_pool_init(ch), 0);
	KUNIT_EXPECT_EQ(test, ch->pool.nblocks, (u32)POOL_BLOCKS - 1);
	KUNIT_EXPECT_EQ(test, hshm_pool_set_reservations(ch, none), 0);

	for (s = 0; s < ARRAY_SIZE(bytes); s++) {
		for (c = 0; c < HSHM_NR_CLASSES; c++) {
			/* the very first allocation of a fresh pool, too */
			n = 0;
			while (n < POOL_SLOTS &&
			       (req[n] = hshm_pool_test_alloc(test, ch, c,
							      bytes[s]))) {
				off = hshm_pool_data_offset(ch, req[n]);
				KUNIT_EXPECT_GE_MSG(test, off,
						    HSHM_WIRE_DATA_BOOT_END,
						    "%u bytes, buffer %u",
						    bytes[s], n);
				KUNIT_EXPECT_LE(test, off +
						(req[n]->nblocks <<
						 HSHM_BLOCK_SHIFT), end);
				n++;
			}
			KUNIT_EXPECT_GT(test, n, 0u);
			hshm_pool_check(test, ch);
			while (n)
				hshm_pool_release(ch, req[--n]);
		}
	}
	KUNIT_EXPECT_TRUE(test, bitmap_empty(ch->pool.bitmap,
					     ch->pool.nblocks));
	hshm_pool_free(ch);
}

/**
 * struct hshm_pool_waiter - a submitter waiting for room, on a workqueue
 * @work: runs hshm_pool_alloc() with a timeout
 * @ch: channel
 * @cls: class
 * @bytes: buffer size
 * @timeout: jiffies to wait
 * @req: what hshm_pool_alloc() returned
 * @err: its error
 * @done: @req and @err are set
 */
struct hshm_pool_waiter {
	struct work_struct work;
	struct hshm_chan *ch;
	unsigned int cls;
	u32 bytes;
	long timeout;
	struct hshm_req *req;
	int err;
	struct completion done;
};

static void hshm_pool_waiter_fn(struct work_struct *work)
{
	struct hshm_pool_waiter *w = container_of(work, struct hshm_pool_waiter,
						  work);

	w->req = hshm_pool_alloc(w->ch, w->cls, w->bytes, w->timeout, &w->err);
	complete(&w->done);
}

/* Start a waiter and return once it sleeps on the pool's wait queue. */
static struct hshm_pool_waiter *hshm_pool_waiter_start(struct kunit *test,
						       struct hshm_chan *ch,
						       unsigned int cls,
						       u32 bytes)
{
	struct hshm_pool_waiter *w;
	unsigned int ms;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w);
	INIT_WORK(&w->work, hshm_pool_waiter_fn);
	init_completion(&w->done);
	w->ch = ch;
	w->cls = cls;
	w->bytes = bytes;
	w->timeout = 60 * HZ;
	queue_work(system_unbound_wq, &w->work);
	for (ms = 0; ms < 30000 && !wq_has_sleeper(&ch->pool.wq); ms++)
		usleep_range(1000, 2000);
	/* asserting here would free @w under the waiter: expect, then wait */
	KUNIT_EXPECT_TRUE(test, wq_has_sleeper(&ch->pool.wq));
	return w;
}

/* Wait for a waiter's result; the waiter is gone when this returns. */
static void hshm_pool_waiter_end(struct kunit *test,
				 struct hshm_pool_waiter *w)
{
	unsigned long left = wait_for_completion_timeout(&w->done, 30 * HZ);

	KUNIT_EXPECT_NE(test, left, 0ul);
	flush_work(&w->work);
}

/* A release wakes a waiter of the same class, which then gets the room. */
static void hshm_pool_release_wakes_waiter(struct kunit *test)
{
	struct hshm_chan *ch = hshm_pool_test_chan(test);
	struct hshm_req *held[POOL_SLOTS], *req;
	struct hshm_pool_waiter *w;
	unsigned int n = 0, i;

	while ((req = hshm_pool_test_alloc(test, ch, BE, 1)))
		held[n++] = req;
	KUNIT_ASSERT_EQ(test, n, 11u);
	w = hshm_pool_waiter_start(test, ch, BE, 1);
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
	hshm_pool_release(ch, held[--n]);
	hshm_pool_waiter_end(test, w);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, w->req);
	if (w->req) {
		KUNIT_EXPECT_EQ(test, w->req->cls, (u8)BE);
		held[n++] = w->req;
	}
	for (i = 0; i < n; i++)
		hshm_pool_release(ch, held[i]);
	hshm_pool_check(test, ch);
}

/* A waiter gives up: -EAGAIN after its timeout, -ENODEV on removal. */
static void hshm_pool_waiter_gives_up(struct kunit *test)
{
	struct hshm_chan *ch = hshm_pool_test_chan(test);
	struct hshm_req *big, *req;
	struct hshm_pool_waiter *w;
	unsigned long t0;
	int err = 0;

	big = hshm_pool_test_alloc(test, ch, BE, 40 * 256);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, big);
	t0 = jiffies;
	req = hshm_pool_alloc(ch, BE, 1, 2, &err);
	KUNIT_EXPECT_NULL(test, req);
	KUNIT_EXPECT_EQ(test, err, -EAGAIN);
	KUNIT_EXPECT_GE(test, jiffies - t0, 2ul);

	w = hshm_pool_waiter_start(test, ch, BE, 1);
	WRITE_ONCE(ch->dead, true);
	wake_up_all(&ch->pool.wq);
	hshm_pool_waiter_end(test, w);
	KUNIT_EXPECT_NULL(test, w->req);
	KUNIT_EXPECT_EQ(test, w->err, -ENODEV);
	hshm_pool_release(ch, big);
	hshm_pool_check(test, ch);
}

static struct kunit_case hshm_pool_cases[] = {
	KUNIT_CASE(hshm_pool_init_state),
	KUNIT_CASE(hshm_pool_alloc_release),
	KUNIT_CASE(hshm_pool_slots_exhausted),
	KUNIT_CASE(hshm_pool_blocks_exhausted),
	KUNIT_CASE(hshm_pool_fragmented),
	KUNIT_CASE(hshm_pool_reservations),
	KUNIT_CASE(hshm_pool_skip_boot_layouts),
	KUNIT_CASE(hshm_pool_skips_boot_scribbles),
	KUNIT_CASE(hshm_pool_release_wakes_waiter),
	KUNIT_CASE(hshm_pool_waiter_gives_up),
	{}
};

static struct kunit_suite hshm_pool_suite = {
	.name = "hshm-pool",
	.init = hshm_pool_test_init,
	.exit = hshm_pool_test_exit,
	.test_cases = hshm_pool_cases,
};

kunit_test_suites(&hshm_pool_suite);
