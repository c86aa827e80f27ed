// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm core: the channel object and the life of a request.
 *
 * A request is referenced by the user (until it is reaped or its file is
 * closed), by the wire (from submit until the dispatcher lets go of it:
 * popped from its kfifo before reaching the peer, or its entry returned by
 * the peer), and by the timeout scan while it looks at it.  Its buffer is
 * freed with the last reference, so a buffer the peer may still write is
 * never reused.  Whoever moves the state to DONE first (the dispatcher
 * with the peer's answer, the timeout scan, a cancel, a shed, the
 * channel's removal) decides the status and posts the completion;
 * everyone else only drops references.
 *
 * Timeouts cost a request nothing when it ends in time: it records its
 * deadline, and one timer per channel is set to the earliest deadline
 * that may be pending.  When it fires it times out the requests past
 * their deadline and sets itself to the earliest of the others.  A
 * submitter touches the timer only when its deadline comes before the
 * one set (the first request after a quiet time, a short timeout).
 */
#include <linux/idr.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait_bit.h>

#include "hshm.h"
#include "hshm_services.h"

static DEFINE_IDA(hshm_ida);

static void hshm_file_free(struct kref *ref)
{
	struct hshm_file *f = container_of(ref, struct hshm_file, ref);

	put_device(&f->ch->dev);
	kfree(f);
}

/**
 * hshm_file_put() - drop a reference on an open-file object
 * @f: file object
 */
void hshm_file_put(struct hshm_file *f)
{
	kref_put(&f->ref, hshm_file_free);
}

/**
 * hshm_req_get() - take a reference on a request
 * @req: request someone already holds
 */
void hshm_req_get(struct hshm_req *req)
{
	refcount_inc(&req->ref);
}

/*
 * Zero the buffer's dirty bytes (struct hshm_req.dirty: the payload and
 * the response the peer reported) before it goes back to the pool, so
 * that the next request in it, maybe another process's, needs no clearing
 * of its own: what is zeroed is what was used, not the capacity asked
 * for.  Once the channel is being removed the region may be gone, and no
 * buffer is used again.
 */
static void hshm_req_free(struct hshm_chan *ch, struct hshm_req *req)
{
	int idx;

	idx = srcu_read_lock(&ch->srcu);
	if (!READ_ONCE(ch->dead))
		memset(ch->data + req->offset, 0,
		       min(req->dirty, req->nblocks << HSHM_BLOCK_SHIFT));
	srcu_read_unlock(&ch->srcu, idx);
	hshm_pool_release(ch, req);
}

/**
 * hshm_req_put() - drop a reference; the last one frees slot and buffer
 * @req: request
 *
 * Callable from process and softirq context.
 */
void hshm_req_put(struct hshm_req *req)
{
	struct hshm_file *f;

	if (!refcount_dec_and_test(&req->ref))
		return;
	f = req->file;
	/* Read by CANCEL of any file (hshm_ioc_cancel()). */
	WRITE_ONCE(req->file, NULL);
	atomic_set(&req->state, HSHM_REQ_FREE);
	hshm_req_free(req->ch, req);
	hshm_file_put(f);
}

/**
 * hshm_req_finish() - decide a request's status and post its completion
 * @req: request, queued or at the peer
 * @status: 0 or a negative errno (struct hshm_completion)
 *
 * hshm_req_answer() without an answer: the response length stays 0 and
 * the result "none".
 *
 * Return: true if this call completed the request.
 */
bool hshm_req_finish(struct hshm_req *req, int status)
{
	return hshm_req_answer(req, status, 0, HSHM_WIRE_RESULT_NONE);
}

/**
 * hshm_req_answer() - decide a request's status and answer, post it
 * @req: request, queued or at the peer
 * @status: 0 or a negative errno (struct hshm_completion)
 * @resp_len: response length the peer reported
 * @result: the peer's raw service_result
 *
 * Only the first caller for a request does anything: it sets status and
 * answer (a request completed already, by its timeout or a cancel, may be
 * being reaped: nobody else writes into it), counts the completion and
 * queues it on its file for reaping, unless the file is closed, in which
 * case the completion is dropped.  Only the task waiting for it is woken:
 * the HSHM_CALL caller of the request, or else the file's reapers and
 * pollers.
 *
 * Context: any but a hard interrupt on PREEMPT_RT.
 * Return: true if this call completed the request.
 */
bool hshm_req_answer(struct hshm_req *req, int status, u32 resp_len, u8 result)
{
	struct hshm_file *f = req->file;
	bool call = req->call;
	unsigned long flags;
	int old = atomic_read(&req->state);

	do {
		if (old != HSHM_REQ_QUEUED && old != HSHM_REQ_PEER)
			return false;
	} while (!atomic_try_cmpxchg(&req->state, &old, HSHM_REQ_DONE));

	if (old == HSHM_REQ_QUEUED)
		atomic_dec(&req->ch->cls[req->cls].queued);
	else
		atomic_dec(&req->ch->cls[req->cls].at_peer);
	req->status = status;
	req->resp_len = resp_len;
	req->result = result;
	req->latency_ns = ktime_to_ns(ktime_sub(ktime_get(), req->t_submit));
	req->late = hshm_stats_end(req->ch, req->cls, status, req->latency_ns);

	spin_lock_irqsave(&f->lock, flags);
	if (!f->closed && !call) {
		list_add_tail(&req->done_node, &f->done);
		f->ndone++;
	}
	/* Pairs with the acquire in HSHM_CALL's wait. */
	smp_store_release(&req->posted, true);
	spin_unlock_irqrestore(&f->lock, flags);
	if (call) {
		/* The store before the waiter's queue is looked at. */
		smp_mb();
		wake_up_var(&req->posted);
	} else {
		wake_up_interruptible(&f->wq);
	}
	return true;
}

/**
 * hshm_chan_spin() - poll for a request's answer for its class's budget
 * @ch: channel
 * @req: request of the caller, who holds a reference
 *
 * The hybrid wait of HSHM_CALL, after the block layer's polled I/O: the
 * caller looks for its answer itself (hshm_sched_poll()) for up to its
 * class's spin_us, then goes to sleep until the answer is posted.  It
 * stops earlier when the answer came, when the cpu is wanted by another
 * task, on a signal, or when the channel goes away.
 *
 * Context: task; takes the channel's SRCU read side itself.
 */
void hshm_chan_spin(struct hshm_chan *ch, struct hshm_req *req)
{
	u64 budget = (u64)READ_ONCE(ch->cls[req->cls].spin_us) * NSEC_PER_USEC;
	bool kicked = false;
	u64 end;
	int idx;

	if (!budget)
		return;
	end = ktime_get_ns() + budget;
	idx = srcu_read_lock(&ch->srcu);
	/* Pairs with the release in hshm_req_answer(). */
	while (!smp_load_acquire(&req->posted)) {
		if (READ_ONCE(ch->dead) || need_resched() ||
		    signal_pending(current) || ktime_get_ns() > end)
			break;
		if (!hshm_sched_poll(ch, req) && !kicked) {
			hshm_sched_kick(ch);
			kicked = true;
		}
		cpu_relax();
	}
	srcu_read_unlock(&ch->srcu, idx);
}

/* Set the timeout timer to @deadline (ns) unless it is set earlier. */
static void hshm_chan_tmo_arm(struct hshm_chan *ch, u64 deadline)
{
	ktime_t t = ns_to_ktime(deadline);
	unsigned long flags;

	spin_lock_irqsave(&ch->tmo_lock, flags);
	if (ktime_before(t, ch->tmo_next)) {
		WRITE_ONCE(ch->tmo_next, t);
		hrtimer_start_range_ns(&ch->tmo, t, HSHM_TIMEOUT_SLACK_NS,
				       HRTIMER_MODE_ABS_SOFT);
	}
	spin_unlock_irqrestore(&ch->tmo_lock, flags);
}

/*
 * The timeout scan (the file's comment), in softirq context.  Each slot
 * with a pending request is pinned while it is looked at, so that its
 * state and deadline are its current request's.
 */
static enum hrtimer_restart hshm_chan_tmo(struct hrtimer *t)
{
	struct hshm_chan *ch = container_of(t, struct hshm_chan, tmo);
	u64 now, next = U64_MAX;
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&ch->tmo_lock, flags);
	WRITE_ONCE(ch->tmo_next, KTIME_MAX);
	spin_unlock_irqrestore(&ch->tmo_lock, flags);
	/*
	 * Pairs with the barrier in hshm_chan_submit(): a submitter either
	 * sees the timer unset and sets it, or its request is seen here.
	 */
	smp_mb();
	now = ktime_get_ns();
	for (i = 0; i < ch->max_requests; i++) {
		struct hshm_req *req = &ch->reqs[i];
		int st = atomic_read(&req->state);
		u64 deadline;

		if (st != HSHM_REQ_QUEUED && st != HSHM_REQ_PEER)
			continue;
		if (!refcount_inc_not_zero(&req->ref))
			continue;
		/* Pairs with the release in hshm_chan_submit(). */
		st = atomic_read_acquire(&req->state);
		deadline = READ_ONCE(req->deadline);
		if (st == HSHM_REQ_QUEUED || st == HSHM_REQ_PEER) {
			if (deadline <= now)
				hshm_req_finish(req, -ETIMEDOUT);
			else
				next = min(next, deadline);
		}
		hshm_req_put(req);
	}
	if (next != U64_MAX)
		hshm_chan_tmo_arm(ch, next);
	return HRTIMER_NORESTART;
}

static int hshm_submit_check(struct hshm_chan *ch, const struct hshm_submit *s)
{
	if (s->flags || s->reserved[0] || s->reserved[1])
		return -EINVAL;
	if (!s->length)
		return -EINVAL;
	if (s->length > HSHM_MAX_PAYLOAD || s->response_cap > HSHM_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (s->qos_class >= HSHM_NR_CLASSES && s->qos_class != HSHM_CLASS_AUTO)
		return -EINVAL;
	if (s->timeout_ms > HSHM_TIMEOUT_MAX_MS)
		return -EINVAL;
	if (s->response_cap &&
	    !access_ok(u64_to_user_ptr(s->response), s->response_cap))
		return -EFAULT;
	return 0;
}

/**
 * hshm_chan_copy() - copy between user memory and the region, inside SRCU
 * @ch: channel
 * @idx: the caller's cookie of its read side of @ch->srcu; updated when
 *	the read side is left and taken again
 * @kbuf: in the region
 * @ubuf: user memory
 * @len: bytes
 * @to_user: copy @kbuf to @ubuf, else @ubuf to @kbuf
 *
 * The region stays mapped while the caller holds @ch->srcu, and removal
 * waits for that: so the copy never sleeps on a page fault in there.  It
 * runs with page faults disabled; what faults is faulted in with the read
 * side left, then the copy goes on in a new one.  A user buffer that never
 * resolves (a userfaultfd range nobody serves) holds up its own caller
 * only, never a removal.
 *
 * Context: process; inside @ch->srcu.
 * Return: 0, -EFAULT (bytes that cannot be faulted in), or -ENODEV when
 * the channel was removed while the read side was left (the region may be
 * gone: nothing more was copied).
 */
int hshm_chan_copy(struct hshm_chan *ch, int *idx, void *kbuf,
		   void __user *ubuf, size_t len, bool to_user)
{
	size_t left;

	while (len) {
		pagefault_disable();
		left = to_user ? copy_to_user(ubuf, kbuf, len) :
				 copy_from_user(kbuf, ubuf, len);
		pagefault_enable();
		kbuf += len - left;
		ubuf += len - left;
		if (!left)
			return 0;
		srcu_read_unlock(&ch->srcu, *idx);
		len = left;
		left = to_user ? fault_in_writeable(ubuf, len) :
				 fault_in_readable(ubuf, len);
		*idx = srcu_read_lock(&ch->srcu);
		if (READ_ONCE(ch->dead))
			return -ENODEV;
		if (left == len)
			return -EFAULT;
	}
	return 0;
}

/**
 * hshm_chan_submit() - admit one request and queue it
 * @f: submitting file
 * @s: the request as user space gave it; @s->id is set on success
 * @nonblock: -EAGAIN instead of waiting when there is no room
 * @call: HSHM_CALL: the completion is not queued on the file (nobody else
 *	can reap or cancel it); the caller waits for struct hshm_req.posted
 * @more: more submits follow: the request is queued, not handed over;
 *	the caller calls hshm_sched_flush() after the last (and before it
 *	waits for anything)
 * @out: if not NULL, gets the request with an extra reference
 * @idx: the caller's cookie of its read side of the channel's SRCU
 *	(hshm_chan_copy())
 *
 * Validates, classifies, takes a slot and a buffer (reserve first), copies
 * the payload from user space straight into the shared data area, arms the
 * timeout and pushes the request to its class's kfifo.  Without room it
 * waits, unless @nonblock (-EAGAIN) or unless the file itself holds
 * completions that are not reaped yet (-EBUSY: reaping them makes room).
 *
 * Context: process; inside the channel's SRCU read side, which the copy of
 * the payload may leave and take again: a request is queued only in a
 * read side that saw the channel alive.
 * Return: 0 or a negative errno; nothing is left behind on error.
 */
int hshm_chan_submit(struct hshm_file *f, struct hshm_submit *s,
		     bool nonblock, bool call, bool more, struct hshm_req **out,
		     int *idx)
{
	struct hshm_chan *ch = f->ch;
	unsigned int cls;
	struct hshm_req *req;
	/* Latency counts from here: the wait for room is part of it. */
	ktime_t t_submit = ktime_get();
	u32 timeout_ms, bytes;
	int ret;

	ret = hshm_submit_check(ch, s);
	if (ret)
		return ret;
	if (READ_ONCE(ch->dead))
		return -ENODEV;
	cls = s->qos_class == HSHM_CLASS_AUTO ?
	      READ_ONCE(ch->svc_map[s->service_id]) : s->qos_class;

	bytes = max3(s->length, s->response_cap, (u32)HSHM_SVC_MIN_ROOM);
	for (;;) {
		req = hshm_pool_alloc(ch, cls, bytes, nonblock ? 0 : HZ / 10,
				      &ret);
		if (req)
			break;
		if (ret != -EAGAIN || nonblock)
			return ret;
		/*
		 * Waiting for room that this file's own unreaped completions
		 * hold would never end: tell the caller to reap first.
		 */
		if (READ_ONCE(f->ndone))
			return -EBUSY;
	}
	req->offset = hshm_pool_data_offset(ch, req);
	req->dirty = s->length;
	ret = hshm_chan_copy(ch, idx, ch->data + req->offset,
			     u64_to_user_ptr(s->payload), s->length, false);
	if (ret) {
		hshm_req_free(ch, req);
		return ret;
	}
	/*
	 * The rest of the buffer is zero (hshm_req_free()): a response
	 * the peer reports longer than what it wrote shows zeroes, never an
	 * earlier request's bytes.
	 */
	req->gen++;
	req->id = (u64)req->gen << 16 | req->idx;
	s->id = req->id;
	req->user_data = s->user_data;
	req->response = s->response;
	req->resp_cap = s->response_cap;
	req->length = s->length;
	req->service_id = s->service_id;
	req->result = HSHM_WIRE_RESULT_NONE;
	req->status = 0;
	req->resp_len = 0;
	req->latency_ns = 0;
	req->late = false;
	req->call = call;
	req->posted = false;
	WRITE_ONCE(req->file, f);
	kref_get(&f->ref);
	/* The user's and the wire's references. */
	refcount_set(&req->ref, 2);
	if (out) {
		hshm_req_get(req);
		*out = req;
	}
	if (!call) {
		spin_lock_irq(&f->lock);
		list_add_tail(&req->file_node, &f->live);
		f->nlive++;
		spin_unlock_irq(&f->lock);
	}

	hshm_stats_submitted(ch, cls);
	req->t_submit = t_submit;
	if (cls == HSHM_CLASS_REALTIME)
		WRITE_ONCE(ch->rt_seen, req->t_submit);
	timeout_ms = s->timeout_ms ?: READ_ONCE(ch->timeout_ms);
	WRITE_ONCE(req->deadline, ktime_to_ns(t_submit) +
		   (u64)timeout_ms * NSEC_PER_MSEC);
	/*
	 * Pending from here: its fields before its state (the timeout scan
	 * reads them after it).
	 */
	atomic_inc(&ch->cls[cls].queued);
	atomic_set_release(&req->state, HSHM_REQ_QUEUED);
	/* Its state before the look at the timer: pairs with hshm_chan_tmo(). */
	smp_mb();
	if (req->deadline < ktime_to_ns(READ_ONCE(ch->tmo_next)))
		hshm_chan_tmo_arm(ch, req->deadline);
	hshm_sched_enqueue(ch, req, more);
	return 0;
}

/**
 * hshm_chan_notify() - the peer signalled: look at the batch
 * @ch: channel
 *
 * Transports call this from their reply interrupt; any context, a hard
 * interrupt on PREEMPT_RT included (a handler the kernel did not thread,
 * a hard irq_work).  The answers are completed right here when that is
 * allowed and nobody else is at the batches; else (on PREEMPT_RT in a
 * hard interrupt always) the dispatcher is woken to do it
 * (hshm_sched_notify()).
 */
void hshm_chan_notify(struct hshm_chan *ch)
{
	hshm_sched_notify(ch);
}

/**
 * hshm_chan_set_profile() - say which peer a transport's channel talks to
 * @ch: a channel from hshm_chan_alloc(), added or not
 * @prof: the profile, from hshm_peer_profile_find() on the transport's
 *	configuration (device tree property, module parameter)
 *
 * Context: process; takes @ch->cfg_lock.
 */
void hshm_chan_set_profile(struct hshm_chan *ch,
			   const struct hshm_peer_profile *prof)
{
	mutex_lock(&ch->cfg_lock);
	hshm_sched_set_profile(ch, prof);
	mutex_unlock(&ch->cfg_lock);
}

/*
 * The last reference of the device: freeing the SRCU structure and the
 * vmalloc'ed tables sleeps, so this must never run from a timer or an
 * interrupt (removal cancels the timeout timer before it drops its
 * reference).
 */
static void hshm_chan_release(struct device *dev)
{
	struct hshm_chan *ch = container_of(dev, struct hshm_chan, dev);

	might_sleep();
	hshm_sched_free(ch);
	hshm_pool_free(ch);
	hshm_stats_free(ch);
	vfree(ch->svc_map);
	kvfree(ch->reqs);
	cleanup_srcu_struct(&ch->srcu);
	ida_free(&hshm_ida, ch->id);
	kfree(ch);
}

static void hshm_svc_map_defaults(u8 *map)
{
	memset(map, HSHM_CLASS_BEST_EFFORT, HSHM_NR_SERVICES);
	map[HSHM_SVC_ECHO] = HSHM_CLASS_REALTIME;
	map[HSHM_SVC_REVERSE] = HSHM_CLASS_REALTIME;
	memset(map + HSHM_SVC_CAESAR_ENC, HSHM_CLASS_RELIABLE,
	       HSHM_SVC_ROT13_DEC - HSHM_SVC_CAESAR_ENC + 1);
	memset(map + HSHM_SVC_DJB2, HSHM_CLASS_THROUGHPUT,
	       HSHM_SVC_FNV1A - HSHM_SVC_DJB2 + 1);
}

/**
 * hshm_svc_map_set() - serve services @first to @last in class @cls
 * @ch: channel
 * @first: first service id
 * @last: last service id, @first..%HSHM_SERVICE_ID_MAX
 * @cls: class, below %HSHM_NR_CLASSES
 *
 * Submitters read the map without a lock: a submission racing with the
 * change sees the old class or the new one of its service.
 *
 * Context: process; @ch->cfg_lock held.
 */
void hshm_svc_map_set(struct hshm_chan *ch, u32 first, u32 last, u8 cls)
{
	lockdep_assert_held(&ch->cfg_lock);
	if (WARN_ON_ONCE(first > last || last > HSHM_SERVICE_ID_MAX ||
			 cls >= HSHM_NR_CLASSES))
		return;
	for (; first <= last; first++)
		WRITE_ONCE(ch->svc_map[first], cls);
}

/**
 * hshm_svc_map_run() - the run of the service map that holds a service
 * @ch: channel
 * @id: service id, at most %HSHM_SERVICE_ID_MAX
 * @first: set to the first service id of the run, or NULL: a walk of the
 *	map from 0 knows it is @id
 * @last: set to the last service id of the run
 *
 * Reads the map without a lock, as submitters do.
 *
 * Return: the class of @id.
 */
u8 hshm_svc_map_run(struct hshm_chan *ch, u32 id, u32 *first, u32 *last)
{
	u8 cls = READ_ONCE(ch->svc_map[id]);
	u32 i;

	if (first) {
		for (i = id; i && READ_ONCE(ch->svc_map[i - 1]) == cls; i--)
			;
		*first = i;
	}
	for (i = id; i < HSHM_SERVICE_ID_MAX &&
	     READ_ONCE(ch->svc_map[i + 1]) == cls; i++)
		;
	*last = i;
	return cls;
}

static bool hshm_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static int hshm_layout_check(const struct hshm_layout *l)
{
	if ((u64)l->data_off + l->data_size > l->region_size ||
	    (u64)l->txq_off + l->txq_size > l->region_size ||
	    (u64)l->rxq_off + l->rxq_size > l->region_size ||
	    (u64)l->alloc_off + l->alloc_size > l->data_size ||
	    l->alloc_size < HSHM_MAX_PAYLOAD ||
	    !IS_ALIGNED(l->alloc_off | l->alloc_size, HSHM_BLOCK_SIZE) ||
	    !IS_ALIGNED(l->txq_off | l->rxq_off, 4))
		return -EINVAL;
	/* The queues overlap neither the data area nor each other. */
	if (hshm_overlap(l->txq_off, l->txq_size, l->data_off, l->data_size) ||
	    hshm_overlap(l->rxq_off, l->rxq_size, l->data_off, l->data_size) ||
	    hshm_overlap(l->rxq_off, l->rxq_size, l->txq_off, l->txq_size))
		return -EINVAL;
	if (l->rxq_size && hshm_wire_entries(l->rxq_size) < 0)
		return -EINVAL;
	return 0;
}

/*
 * Removal, and the undoing of a creation that got as far as
 * cdev_device_add(): from then on the device may be open, a request
 * submitted, a timer armed.  @stop_transport: call the transport's stop
 * (a transport whose creation failed stops its peer itself).
 */
static void hshm_chan_teardown(struct hshm_chan *ch, bool stop_transport)
{
	hshm_nl_del(ch);
	WRITE_ONCE(ch->dead, true);
	wake_up_all(&ch->pool.wq);
	hshm_sysfs_remove_classes(ch);
	cdev_device_del(&ch->cdev, &ch->dev);
	/* Every submit that saw ->dead clear has queued its request now. */
	synchronize_srcu(&ch->srcu);
	hshm_sched_stop(ch);
	if (stop_transport && ch->ops->stop)
		ch->ops->stop(ch);
	hshm_sched_drain(ch);
	hshm_events_stop(ch);
	hshm_wire_tx_destroy(ch->tx);
	/*
	 * Nothing is pending any more; a scan still running is waited for:
	 * it may be dropping the last reference of a request (and of its
	 * file) right now, and that must not turn into the last reference
	 * of the device once removal dropped its own, in softirq context,
	 * with this module maybe on its way out.
	 */
	hrtimer_cancel(&ch->tmo);
	put_device(&ch->dev);
}

/**
 * hshm_chan_alloc() - allocate a channel over a mapped region
 * @parent: transport's device, or NULL
 * @ops: transport operations
 * @priv: transport's private data (struct hshm_chan.priv)
 * @base: the mapped region
 * @layout: where its parts are; checked here, after the first data block
 *	is taken out of allocation where peers write at start
 * @features: HSHM_FEAT_IRQ or HSHM_FEAT_POLL
 * @max_requests: request slots, 1..%HSHM_MAX_REQUESTS_LIMIT
 *
 * Allocates and initialises everything a channel holds (request slots,
 * pools, queues, statistics, its struct device), and nothing is visible
 * or running yet: the transport can configure the channel
 * (hshm_chan_set_profile()) before hshm_chan_add() shows it to user
 * space, or give it back with hshm_chan_free().
 *
 * Return: the channel or an ERR_PTR().
 */
struct hshm_chan *hshm_chan_alloc(struct device *parent,
				  const struct hshm_transport_ops *ops,
				  void *priv, void *base,
				  const struct hshm_layout *layout,
				  u32 features, u32 max_requests)
{
	struct hshm_layout l = *layout;
	struct hshm_chan *ch;
	int ret, id;
	u32 i;

	hshm_pool_skip_boot(&l);
	if (hshm_layout_check(&l) || !max_requests ||
	    max_requests > HSHM_MAX_REQUESTS_LIMIT)
		return ERR_PTR(-EINVAL);
	id = ida_alloc_max(&hshm_ida, HSHM_MAX_DEVICES - 1, GFP_KERNEL);
	if (id < 0)
		return ERR_PTR(id);
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch) {
		ret = -ENOMEM;
		goto free_id;
	}
	ch->id = id;
	ch->ops = ops;
	ch->priv = priv;
	ch->base = base;
	ch->layout = l;
	ch->data = (u8 *)base + l.data_off;
	ch->features = features;
	ch->max_requests = max_requests;
	ch->timeout_ms = 5000;
	mutex_init(&ch->cfg_lock);
	hshm_events_init(ch);
	atomic64_set(&ch->bad_replies, 0);
	atomic64_set(&ch->lost_irqs, 0);
	for (i = 0; i < HSHM_FAULT_NR; i++)
		atomic64_set(&ch->faults[i], 0);
	atomic64_set(&ch->heals, 0);
	ret = init_srcu_struct(&ch->srcu);
	if (ret)
		goto free_ch;

	ch->reqs = kvcalloc(max_requests, sizeof(*ch->reqs), GFP_KERNEL);
	if (!ch->reqs) {
		ret = -ENOMEM;
		goto free_srcu;
	}
	for (i = 0; i < max_requests; i++) {
		ch->reqs[i].ch = ch;
		ch->reqs[i].idx = i;
		INIT_LIST_HEAD(&ch->reqs[i].file_node);
		INIT_LIST_HEAD(&ch->reqs[i].done_node);
	}
	spin_lock_init(&ch->tmo_lock);
	ch->tmo_next = KTIME_MAX;
	hrtimer_setup(&ch->tmo, hshm_chan_tmo, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_SOFT);
	ch->svc_map = vmalloc(HSHM_NR_SERVICES);
	if (!ch->svc_map) {
		ret = -ENOMEM;
		goto free_reqs;
	}
	hshm_svc_map_defaults(ch->svc_map);
	ret = hshm_stats_init(ch);
	if (ret)
		goto free_map;
	/*
	 * Whatever an earlier user of the region left where buffers come
	 * from (another boot, another client) never shows in a response;
	 * from then on a free buffer holds zeroes but for bytes the peer
	 * wrote and did not report (hshm_req_free()).
	 */
	memset(ch->data + l.alloc_off, 0, l.alloc_size);
	ret = hshm_pool_init(ch);
	if (ret)
		goto free_stats;
	ret = hshm_sched_init(ch);
	if (ret)
		goto free_pool;

	/* From here on the device's release callback frees everything. */
	device_initialize(&ch->dev);
	ch->dev.class = &hshm_class;
	ch->dev.parent = parent;
	ch->dev.devt = MKDEV(MAJOR(hshm_devt), id);
	ch->groups[0] = &hshm_chan_group;
	ch->groups[1] = &hshm_fault_group;
	ch->groups[2] = ops->groups;
	ch->dev.groups = ch->groups;
	ch->dev.release = hshm_chan_release;
	dev_set_drvdata(&ch->dev, ch);
	ret = dev_set_name(&ch->dev, "hshm%d", id);
	if (ret)
		goto put_dev;
	cdev_init(&ch->cdev, &hshm_fops);
	ch->cdev.owner = THIS_MODULE;
	return ch;

put_dev:
	put_device(&ch->dev);
	return ERR_PTR(ret);

free_pool:
	hshm_pool_free(ch);
free_stats:
	hshm_stats_free(ch);
free_map:
	vfree(ch->svc_map);
free_reqs:
	kvfree(ch->reqs);
free_srcu:
	cleanup_srcu_struct(&ch->srcu);
free_ch:
	kfree(ch);
free_id:
	ida_free(&hshm_ida, id);
	return ERR_PTR(ret);
}

/**
 * hshm_chan_free() - give back a channel that was never added
 * @ch: channel from hshm_chan_alloc()
 */
void hshm_chan_free(struct hshm_chan *ch)
{
	put_device(&ch->dev);
}

/**
 * hshm_chan_add() - start a channel and register /dev/hshmN
 * @ch: channel from hshm_chan_alloc()
 *
 * Starts the dispatcher and registers the device with its sysfs
 * attributes and its netlink object; the "add" uevent goes out when all
 * of them are there.  On failure the channel is freed (as by
 * hshm_chan_free(), or torn down as by hshm_chan_remove() if it could be
 * opened already); the caller must not use it any more.
 *
 * Return: 0 or a negative errno.
 */
int hshm_chan_add(struct hshm_chan *ch)
{
	int ret;

	ret = hshm_sched_start(ch);
	if (ret)
		goto free;
	/*
	 * The "add" uevent waits until classes/ and netlink are there too:
	 * udev and whoever it tells see the device complete.
	 */
	dev_set_uevent_suppress(&ch->dev, true);
	ret = cdev_device_add(&ch->cdev, &ch->dev);
	if (ret)
		goto stop_sched;
	hshm_race_window(HSHM_RACE_CREATE);
	ret = hshm_sysfs_add_classes(ch);
	if (ret) {
		/* It could be opened already: undone as a removal is. */
		hshm_chan_teardown(ch, false);
		return ret;
	}
	hshm_nl_add(ch);
	dev_set_uevent_suppress(&ch->dev, false);
	kobject_uevent(&ch->dev.kobj, KOBJ_ADD);
	dev_info(&ch->dev, "%s transport, %u KiB data, %u queue entries, %s\n",
		 ch->ops->name, ch->layout.alloc_size >> 10, ch->tx->n,
		 ch->features & HSHM_FEAT_IRQ ? "interrupt" : "polling");
	return 0;

stop_sched:
	hshm_sched_stop(ch);
	hshm_events_stop(ch);
free:
	hshm_chan_free(ch);
	return ret;
}

/**
 * hshm_chan_remove() - tear a channel down
 * @ch: channel from hshm_chan_add()
 *
 * New requests are refused, the dispatcher stops, the transport stops its
 * peer (struct hshm_transport_ops.stop), and every request still queued or
 * at the peer completes with -ENODEV.  Files still open keep the channel
 * object alive until they are closed; their ioctls fail with -ENODEV but
 * HSHM_COMPLETE, which still hands out the completions (a response that
 * was not copied yet is lost with the region: its status is -ENODEV).
 */
void hshm_chan_remove(struct hshm_chan *ch)
{
	hshm_chan_teardown(ch, true);
}
