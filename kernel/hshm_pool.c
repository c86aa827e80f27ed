// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm pool: request slots and data-area buffers, reserved + shared.
 *
 * Both resources are accounted per class by struct hshm_quota: a class
 * takes from its reserve first, then from the shared rest, so a flood of
 * one class can never take what another class has reserved.  Buffers are
 * runs of 256-byte blocks found in a bitmap over the part of the data
 * area this side allocates from.  That part never starts below data
 * offset 0x58, which peers overwrite when they start (wire-abi.md).
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include <linux/vmalloc.h>

#include "hshm.h"

static const u8 hshm_default_reservations[HSHM_NR_CLASSES] = {
	20, 10, 10, 0
};

/**
 * hshm_pool_skip_boot() - keep the peers' boot scribbles out of a layout
 * @l: layout of a channel being created, not yet checked
 *
 * Public peers write at data offsets 0x00-0x57 when they start, whether or
 * not a request's buffer is there.  Where the part this side allocates
 * from begins below %HSHM_WIRE_DATA_BOOT_END, it is moved up by the whole
 * blocks covering that (one 256-byte block when it begins at 0) and made
 * that much smaller, so that what user space is told (INFO data_size,
 * netlink) is what can really be allocated.  A part too small for that is
 * left empty and refused by the layout check.
 */
void hshm_pool_skip_boot(struct hshm_layout *l)
{
	u32 skip = hshm_wire_alloc_skip(l->alloc_off, HSHM_BLOCK_SIZE);

	skip = min(skip, l->alloc_size);
	l->alloc_off += skip;
	l->alloc_size -= skip;
}

/**
 * hshm_pool_data_offset() - data offset of a request's buffer
 * @ch: channel
 * @req: request holding a buffer from hshm_pool_alloc()
 *
 * Return: the offset from the start of the data area, as sent in messages.
 */
u32 hshm_pool_data_offset(const struct hshm_chan *ch,
			  const struct hshm_req *req)
{
	return ch->layout.alloc_off + (req->first_block << HSHM_BLOCK_SHIFT);
}

/**
 * hshm_pool_init() - set up slots and buffers of a channel
 * @ch: channel whose layout and max_requests are set
 *
 * Return: 0 or -ENOMEM.
 */
int hshm_pool_init(struct hshm_chan *ch)
{
	struct hshm_pool *p = &ch->pool;
	u32 i;

	spin_lock_init(&p->lock);
	init_waitqueue_head(&p->wq);
	p->nblocks = ch->layout.alloc_size >> HSHM_BLOCK_SHIFT;
	p->bitmap = bitmap_zalloc(p->nblocks, GFP_KERNEL);
	if (!p->bitmap)
		return -ENOMEM;
	p->free = kvcalloc(ch->max_requests, sizeof(*p->free), GFP_KERNEL);
	if (!p->free) {
		bitmap_free(p->bitmap);
		return -ENOMEM;
	}
	/* Lowest index on top, so slots are reused in a stable order. */
	for (i = 0; i < ch->max_requests; i++)
		p->free[i] = ch->max_requests - 1 - i;
	p->nfree = ch->max_requests;
	hshm_quota_init(&p->blocks, p->nblocks);
	hshm_quota_init(&p->slots, ch->max_requests);
	memcpy(p->percent, hshm_default_reservations, sizeof(p->percent));
	hshm_quota_set_reserve(&p->blocks, p->percent);
	hshm_quota_set_reserve(&p->slots, p->percent);
	return 0;
}

/**
 * hshm_pool_free() - free what hshm_pool_init() allocated
 * @ch: channel
 */
void hshm_pool_free(struct hshm_chan *ch)
{
	kvfree(ch->pool.free);
	bitmap_free(ch->pool.bitmap);
}

/* Called with the pool lock held. */
static struct hshm_req *hshm_pool_try(struct hshm_chan *ch, unsigned int cls,
				      u32 nblocks)
{
	struct hshm_pool *p = &ch->pool;
	struct hshm_req *req;
	unsigned long start;

	lockdep_assert_held(&p->lock);
	if (!p->nfree)
		return NULL;
	if (!hshm_quota_take(&p->slots, cls, 1))
		return NULL;
	if (!hshm_quota_take(&p->blocks, cls, nblocks))
		goto give_slot;
	start = bitmap_find_next_zero_area(p->bitmap, p->nblocks, 0, nblocks, 0);
	if (start >= p->nblocks)
		goto give_blocks;
	bitmap_set(p->bitmap, start, nblocks);
	req = &ch->reqs[p->free[--p->nfree]];
	req->first_block = start;
	req->nblocks = nblocks;
	req->cls = cls;
	return req;

give_blocks:
	hshm_quota_give(&p->blocks, cls, nblocks);
give_slot:
	hshm_quota_give(&p->slots, cls, 1);
	return NULL;
}

static struct hshm_req *hshm_pool_try_locked(struct hshm_chan *ch,
					     unsigned int cls, u32 nblocks)
{
	struct hshm_req *req;
	unsigned long flags;

	spin_lock_irqsave(&ch->pool.lock, flags);
	req = hshm_pool_try(ch, cls, nblocks);
	spin_unlock_irqrestore(&ch->pool.lock, flags);
	return req;
}

/* Wait condition: room was found, or the channel is going away. */
static bool hshm_pool_try_or_dead(struct hshm_chan *ch, unsigned int cls,
				  u32 nblocks, struct hshm_req **req)
{
	if (READ_ONCE(ch->dead))
		return true;
	*req = hshm_pool_try_locked(ch, cls, nblocks);
	return *req;
}

/**
 * hshm_pool_alloc() - take a request slot and a buffer for class @cls
 * @ch: channel
 * @cls: class whose reserve is tried first
 * @bytes: buffer size needed (1..HSHM_MAX_PAYLOAD)
 * @timeout: jiffies to wait for room, 0 for none
 * @err: set to -EAGAIN (no room in time), -ERESTARTSYS (a signal: nothing
 *	was done, so the system call restarts where the handler asks for it)
 *	or -ENODEV when NULL is returned
 *
 * The slot comes back with its buffer fields and class set; the caller
 * fills the rest.
 *
 * Return: the request slot, or NULL with @err set.
 */
struct hshm_req *hshm_pool_alloc(struct hshm_chan *ch, unsigned int cls,
				 u32 bytes, long timeout, int *err)
{
	u32 nblocks = DIV_ROUND_UP(bytes, HSHM_BLOCK_SIZE);
	struct hshm_req *req = NULL;
	long ret;

	req = hshm_pool_try_locked(ch, cls, nblocks);
	if (req)
		return req;
	*err = -EAGAIN;
	if (!timeout)
		return NULL;
	ret = wait_event_interruptible_timeout(ch->pool.wq,
					       hshm_pool_try_or_dead(ch, cls,
								     nblocks,
								     &req),
					       timeout);
	if (ret < 0)
		*err = -ERESTARTSYS;
	else if (ret && !req)
		*err = -ENODEV;
	return req;
}

/**
 * hshm_pool_release() - give a request's slot and buffer back
 * @ch: channel
 * @req: request whose last reference is gone
 *
 * Context: any but a hard interrupt on PREEMPT_RT.
 */
void hshm_pool_release(struct hshm_chan *ch, struct hshm_req *req)
{
	struct hshm_pool *p = &ch->pool;
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	bitmap_clear(p->bitmap, req->first_block, req->nblocks);
	hshm_quota_give(&p->blocks, req->cls, req->nblocks);
	hshm_quota_give(&p->slots, req->cls, 1);
	p->free[p->nfree++] = req->idx;
	spin_unlock_irqrestore(&p->lock, flags);
	if (wq_has_sleeper(&p->wq))
		wake_up_all(&p->wq);
}

/**
 * hshm_pool_set_reservations() - change the per-class reserves
 * @ch: channel
 * @percent: per-class percent of slots and blocks; sum at most 100
 *
 * Buffers in use stay where they are; a class above its new reserve counts
 * the excess against the shared part until it gives buffers back.
 *
 * Return: 0 or -EINVAL.
 */
int hshm_pool_set_reservations(struct hshm_chan *ch, const u8 *percent)
{
	struct hshm_pool *p = &ch->pool;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&p->lock, flags);
	ret = hshm_quota_set_reserve(&p->blocks, percent);
	if (!ret) {
		hshm_quota_set_reserve(&p->slots, percent);
		memcpy(p->percent, percent, sizeof(p->percent));
	}
	spin_unlock_irqrestore(&p->lock, flags);
	/* A larger shared part may admit someone who waits. */
	if (!ret)
		wake_up_all(&p->wq);
	return ret;
}

/**
 * hshm_pool_get_reservations() - read the per-class reserves
 * @ch: channel
 * @percent: filled with %HSHM_NR_CLASSES percentages
 */
void hshm_pool_get_reservations(struct hshm_chan *ch, u8 *percent)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->pool.lock, flags);
	memcpy(percent, ch->pool.percent, sizeof(ch->pool.percent));
	spin_unlock_irqrestore(&ch->pool.lock, flags);
}
