// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm cdev: /dev/hshmN, its ioctls and poll().
 *
 * Each open file is its own completion domain: it reaps and cancels only
 * the requests it submitted.  Responses stay in the shared data area until
 * they are reaped and are copied once, from there to the caller's buffer.
 *
 * A file belongs to the address space that opened it: the response
 * pointers of its requests are addresses there.  Another address space
 * holding the file (a fork() child, a process it was passed to with
 * SCM_RIGHTS, the opener after execve()) may ask HSHM_INFO and close it;
 * its SUBMIT, CALL, COMPLETE and CANCEL fail with -EPERM and leave the
 * owner's requests as they were, and poll() reports EPOLLERR to it.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>

#include "hshm.h"

/*
 * The ioctl structures' layout is ABI (Documentation/hshm/uapi.rst): the
 * sizes are pinned, and every field sits right after the one before it,
 * so that no padding makes a 32-bit caller's layout differ.
 */
#define HSHM_PINNED(type, field, off)					\
	static_assert(offsetof(type, field) == (off), #type "." #field)

static_assert(sizeof(struct hshm_info) == 80);
HSHM_PINNED(struct hshm_info, features, 4);
HSHM_PINNED(struct hshm_info, region_size, 8);
HSHM_PINNED(struct hshm_info, data_size, 16);
HSHM_PINNED(struct hshm_info, queue_entries, 24);
HSHM_PINNED(struct hshm_info, batch_max, 48);
HSHM_PINNED(struct hshm_info, reserved, 52);
static_assert(sizeof(struct hshm_submit) == 64);
HSHM_PINNED(struct hshm_submit, length, 32);
HSHM_PINNED(struct hshm_submit, timeout_ms, 40);
HSHM_PINNED(struct hshm_submit, service_id, 44);
HSHM_PINNED(struct hshm_submit, flags, 47);
HSHM_PINNED(struct hshm_submit, reserved, 48);
static_assert(sizeof(struct hshm_completion) == 40);
HSHM_PINNED(struct hshm_completion, status, 16);
HSHM_PINNED(struct hshm_completion, service_id, 24);
HSHM_PINNED(struct hshm_completion, result, 27);
HSHM_PINNED(struct hshm_completion, reserved, 28);
HSHM_PINNED(struct hshm_completion, latency_ns, 32);
static_assert(sizeof(struct hshm_complete) == 32);
HSHM_PINNED(struct hshm_complete, max_events, 8);
HSHM_PINNED(struct hshm_complete, count, 20);
HSHM_PINNED(struct hshm_complete, reserved, 24);
static_assert(sizeof(struct hshm_call) == 104);
HSHM_PINNED(struct hshm_call, completion, 64);
static_assert(sizeof(struct hshm_cancel) == 16);
static_assert(sizeof(struct hshm_submit_batch) == 24);
HSHM_PINNED(struct hshm_submit_batch, count, 8);
HSHM_PINNED(struct hshm_submit_batch, reserved, 16);
HSHM_PINNED(struct hshm_cancel, reserved, 8);
/* one class numbering: the uapi's and the scheduler's (common/) */
static_assert(HSHM_CLASS_COUNT == HSHM_NR_CLASSES);

static int hshm_open(struct inode *inode, struct file *file)
{
	struct hshm_chan *ch = container_of(inode->i_cdev, struct hshm_chan, cdev);
	struct hshm_file *f;

	if (READ_ONCE(ch->dead))
		return -ENODEV;
	/* Responses are copied to user addresses: a kernel thread has none. */
	if (!current->mm)
		return -EPERM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->ch = ch;
	f->mm = current->mm;
	mmgrab(f->mm);
	kref_init(&f->ref);
	spin_lock_init(&f->lock);
	INIT_LIST_HEAD(&f->live);
	INIT_LIST_HEAD(&f->done);
	init_waitqueue_head(&f->wq);
	get_device(&ch->dev);
	file->private_data = f;
	return stream_open(inode, file);
}

/*
 * Requests still queued are cancelled; those at the peer are completed and
 * dropped when the peer returns them; completions not reaped are dropped.
 */
static int hshm_release(struct inode *inode, struct file *file)
{
	struct hshm_file *f = file->private_data;
	struct hshm_req *req, *tmp;
	LIST_HEAD(live);

	spin_lock_irq(&f->lock);
	f->closed = true;
	list_for_each_entry_safe(req, tmp, &f->done, done_node)
		list_del_init(&req->done_node);
	list_splice_init(&f->live, &live);
	f->ndone = 0;
	f->nlive = 0;
	spin_unlock_irq(&f->lock);

	list_for_each_entry_safe(req, tmp, &live, file_node) {
		list_del_init(&req->file_node);
		if (atomic_read(&req->state) == HSHM_REQ_QUEUED)
			hshm_req_finish(req, -ECANCELED);
		hshm_req_put(req);
	}
	/* No ioctl or poll comes after release: nothing looks at it again. */
	mmdrop(f->mm);
	f->mm = NULL;
	hshm_file_put(f);
	return 0;
}

/* Is the caller in the address space the file belongs to? */
static bool hshm_file_mine(const struct hshm_file *f)
{
	return current->mm == f->mm;
}

static __poll_t hshm_poll(struct file *file, struct poll_table_struct *wait)
{
	struct hshm_file *f = file->private_data;
	__poll_t mask = 0;

	if (!hshm_file_mine(f))
		return EPOLLERR;
	poll_wait(file, &f->wq, wait);
	if (READ_ONCE(f->ndone))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(f->ch->dead))
		mask |= EPOLLHUP | EPOLLERR;
	return mask;
}

static int hshm_ioc_info(struct hshm_chan *ch, void __user *uarg)
{
	struct hshm_info info = {
		.abi_version = HSHM_ABI_VERSION,
		.features = ch->features,
		.region_size = ch->layout.region_size,
		.data_size = ch->layout.alloc_size,
		.queue_entries = ch->tx->n,
		.max_payload = HSHM_MAX_PAYLOAD,
		.max_requests = ch->max_requests,
		.block_size = HSHM_BLOCK_SIZE,
		.nr_classes = HSHM_NR_CLASSES,
		.default_timeout_ms = READ_ONCE(ch->timeout_ms),
		.batch_max = READ_ONCE(ch->batch_max),
	};

	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Take a completed request off the file's lists, or NULL if none. */
static struct hshm_req *hshm_file_pop(struct hshm_file *f)
{
	struct hshm_req *req;

	spin_lock_irq(&f->lock);
	req = list_first_entry_or_null(&f->done, struct hshm_req, done_node);
	if (req) {
		list_del_init(&req->done_node);
		list_del_init(&req->file_node);
		f->ndone--;
		f->nlive--;
	}
	spin_unlock_irq(&f->lock);
	return req;
}

/* Put back a request whose completion could not be handed out. */
static void hshm_file_unpop(struct hshm_file *f, struct hshm_req *req)
{
	spin_lock_irq(&f->lock);
	list_add(&req->done_node, &f->done);
	list_add(&req->file_node, &f->live);
	f->ndone++;
	f->nlive++;
	spin_unlock_irq(&f->lock);
}

static bool hshm_req_posted(struct hshm_req *req)
{
	/* Pairs with the release in hshm_req_finish(): status is set. */
	return smp_load_acquire(&req->posted);
}

/*
 * Fill the completion of @req and copy its response to the caller, inside
 * the channel's SRCU read side (@idx: its cookie, hshm_chan_copy()).  The
 * request is not changed, so the same completion can be handed out again
 * if the caller's completion array turns out to be unwritable.
 */
static void hshm_req_fill(struct hshm_chan *ch, struct hshm_req *req,
			  struct hshm_completion *c, int *idx)
{
	int status = req->status;

	if (!status && req->resp_len > req->resp_cap)
		status = -EMSGSIZE;
	else if (!status && READ_ONCE(ch->dead))
		status = -ENODEV;
	else if (!status && req->resp_len)
		status = hshm_chan_copy(ch, idx, ch->data + req->offset,
					u64_to_user_ptr(req->response),
					req->resp_len, true);

	memset(c, 0, sizeof(*c));
	c->user_data = req->user_data;
	c->id = req->id;
	c->status = status;
	c->length = req->resp_len;
	c->service_id = req->service_id;
	c->qos_class = req->cls;
	c->result = req->result;
	c->latency_ns = req->latency_ns;
}

static bool hshm_file_ready(struct hshm_file *f, u32 min)
{
	u32 ndone = READ_ONCE(f->ndone);

	return ndone >= min || ndone == READ_ONCE(f->nlive);
}

/*
 * The wait runs outside the channel's SRCU section, so that removing the
 * channel never waits for a sleeping reaper; copying a response out of
 * the region runs inside it, after a check that the region is still
 * there, and never sleeps on a fault there (hshm_chan_copy()); the
 * completion is written to the caller's array outside it.
 */
static int hshm_ioc_complete(struct hshm_file *f, struct hshm_complete __user *uarg)
{
	struct hshm_completion __user *out;
	struct hshm_chan *ch = f->ch;
	struct hshm_completion c;
	struct hshm_complete arg;
	struct hshm_req *req = NULL;
	u32 count = 0;
	long ret = 0;
	int idx;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved || !arg.max_events || arg.max_events > HSHM_MAX_EVENTS ||
	    arg.min_events > arg.max_events)
		return -EINVAL;
	out = u64_to_user_ptr(arg.completions);
	/* Nothing is reaped unless the count can be written back. */
	if (put_user(0, &uarg->count))
		return -EFAULT;

	/*
	 * An hrtimer on CLOCK_MONOTONIC bounds the wait, as for poll(): it
	 * never ends before timeout_ms has passed (jiffies may lag).
	 * -ETIME is the timeout, not an error; -ERESTARTSYS a signal.
	 */
	if (arg.min_events) {
		ktime_t timeout = arg.timeout_ms == HSHM_WAIT_FOREVER ?
				  KTIME_MAX : ms_to_ktime(arg.timeout_ms);

		ret = wait_event_interruptible_hrtimeout(f->wq,
							 hshm_file_ready(f, arg.min_events),
							 timeout);
		if (ret == -ETIME)
			ret = 0;
	}
	while (count < arg.max_events && (req = hshm_file_pop(f))) {
		idx = srcu_read_lock(&ch->srcu);
		hshm_req_fill(ch, req, &c, &idx);
		srcu_read_unlock(&ch->srcu, idx);
		if (copy_to_user(&out[count], &c, sizeof(c))) {
			hshm_file_unpop(f, req);
			break;
		}
		hshm_req_put(req);
		count++;
	}
	if (!count && req)
		return -EFAULT;
	if (!count && ret < 0)
		return -EINTR;
	return put_user(count, &uarg->count);
}

static int hshm_ioc_cancel(struct hshm_file *f, void __user *uarg)
{
	struct hshm_chan *ch = f->ch;
	struct hshm_cancel arg;
	struct hshm_req *req;
	int ret = -ENOENT;
	u32 idx;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved)
		return -EINVAL;
	idx = arg.id & 0xffff;
	if (idx >= ch->max_requests)
		return -ENOENT;
	req = &ch->reqs[idx];

	/*
	 * The slot may be another file's, being set up or freed: only while
	 * it is on this file's live list (under this file's lock) are its
	 * file and id this file's to read.
	 */
	spin_lock_irq(&f->lock);
	if (READ_ONCE(req->file) == f && !list_empty(&req->file_node) &&
	    req->id == arg.id) {
		ret = 0;
		hshm_req_get(req);
	}
	spin_unlock_irq(&f->lock);
	if (ret)
		return ret;
	if (!hshm_req_finish(req, -ECANCELED))
		ret = -EALREADY;
	hshm_req_put(req);
	return ret;
}

/* Submit inside the channel's SRCU read side: removal waits for it. */
static int hshm_submit_srcu(struct hshm_file *f, struct hshm_submit *s,
			    bool nonblock, bool call, struct hshm_req **req)
{
	struct hshm_chan *ch = f->ch;
	int idx, ret;

	idx = srcu_read_lock(&ch->srcu);
	ret = READ_ONCE(ch->dead) ? -ENODEV :
	      hshm_chan_submit(f, s, nonblock, call, false, req, &idx);
	srcu_read_unlock(&ch->srcu, idx);
	return ret;
}

static int hshm_ioc_submit(struct hshm_file *f, struct hshm_submit __user *uarg,
			   bool nonblock)
{
	struct hshm_submit s;
	struct hshm_req *req;
	int ret;

	if (copy_from_user(&s, uarg, sizeof(s)))
		return -EFAULT;
	/* Make sure the id can be written back before anything is queued. */
	if (copy_to_user(uarg, &s, sizeof(s)))
		return -EFAULT;
	ret = hshm_submit_srcu(f, &s, nonblock, false, &req);
	if (ret)
		return ret;
	if (put_user(s.id, &uarg->id)) {
		/* The caller unmapped its argument meanwhile. */
		hshm_req_finish(req, -ECANCELED);
		ret = -EFAULT;
	}
	hshm_req_put(req);
	return ret;
}

/*
 * One entry of HSHM_SUBMIT_BATCH, queued and not handed over yet, inside
 * the channel's SRCU read side.  Room is tried first without waiting:
 * before a wait, what the batch queued so far goes to the peer, whose
 * answers may be what makes room.
 */
static int hshm_submit_more(struct hshm_file *f, struct hshm_submit *s,
			    bool nonblock, struct hshm_req **req)
{
	struct hshm_chan *ch = f->ch;
	int idx, ret = -ENODEV;

	idx = srcu_read_lock(&ch->srcu);
	if (!READ_ONCE(ch->dead)) {
		ret = hshm_chan_submit(f, s, true, false, true, req, &idx);
		if (ret == -EAGAIN && !nonblock && !READ_ONCE(ch->dead)) {
			hshm_sched_flush(ch);
			ret = hshm_chan_submit(f, s, false, false, true, req,
					       &idx);
		}
	}
	srcu_read_unlock(&ch->srcu, idx);
	return ret;
}

/*
 * The entries are submitted in order, as HSHM_SUBMIT would, and handed to
 * the scheduler together at the end: a quiet channel sends them as one
 * batch, in the scheduler's order.  The first failure ends the batch.
 */
static int hshm_ioc_submit_batch(struct hshm_file *f,
				 struct hshm_submit_batch __user *uarg,
				 bool nonblock)
{
	struct hshm_chan *ch = f->ch;
	struct hshm_submit_batch arg;
	struct hshm_submit __user *us;
	struct hshm_submit s;
	struct hshm_req *req;
	int ret = 0, idx;
	u32 n;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved || !arg.count || arg.count > HSHM_MAX_EVENTS)
		return -EINVAL;
	/* Nothing is queued unless the count can be written back. */
	if (put_user(0, &uarg->submitted))
		return -EFAULT;
	us = u64_to_user_ptr(arg.submits);
	for (n = 0; n < arg.count; n++) {
		/* The id can be written back before the entry is queued. */
		if (copy_from_user(&s, &us[n], sizeof(s)) ||
		    copy_to_user(&us[n], &s, sizeof(s))) {
			ret = -EFAULT;
			break;
		}
		ret = hshm_submit_more(f, &s, nonblock, &req);
		if (ret)
			break;
		if (put_user(s.id, &us[n].id)) {
			/* The caller unmapped its array meanwhile. */
			hshm_req_finish(req, -ECANCELED);
			hshm_req_put(req);
			ret = -EFAULT;
			break;
		}
		hshm_req_put(req);
	}
	idx = srcu_read_lock(&ch->srcu);
	if (!READ_ONCE(ch->dead))
		hshm_sched_flush(ch);
	srcu_read_unlock(&ch->srcu, idx);
	/* Submitted requests stay so, whether or not the count is seen. */
	if (put_user(n, &uarg->submitted))
		return -EFAULT;
	return n ? 0 : ret;
}

static int hshm_ioc_call(struct hshm_file *f, struct hshm_call __user *uarg,
			 bool nonblock)
{
	struct hshm_chan *ch = f->ch;
	struct hshm_completion c;
	struct hshm_call arg;
	struct hshm_req *req;
	int ret, idx;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	ret = hshm_submit_srcu(f, &arg.submit, nonblock, true, &req);
	if (ret)
		return ret;

	/*
	 * Polled for a while if its class says so, then, as for
	 * HSHM_COMPLETE, waited for outside the SRCU section, woken alone
	 * (hshm_req_answer()).  The request is on none of the file's lists:
	 * no other thread can reap or cancel it.
	 */
	hshm_chan_spin(ch, req);
	ret = wait_var_event_interruptible(&req->posted, hshm_req_posted(req));
	if (ret) {
		hshm_req_finish(req, -ECANCELED);
		/* Whoever completed it posts it right after deciding. */
		wait_var_event(&req->posted, hshm_req_posted(req));
		ret = -EINTR;
	}
	if (!ret) {
		idx = srcu_read_lock(&ch->srcu);
		hshm_req_fill(ch, req, &c, &idx);
		srcu_read_unlock(&ch->srcu, idx);
		if (put_user(arg.submit.id, &uarg->submit.id) ||
		    copy_to_user(&uarg->completion, &c, sizeof(c)))
			ret = -EFAULT;
	}
	hshm_req_put(req);	/* the user's */
	hshm_req_put(req);	/* ours */
	return ret;
}

static long hshm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct hshm_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	bool nonblock = file->f_flags & O_NONBLOCK;

	if (cmd != HSHM_INFO && !hshm_file_mine(f))
		return cmd == HSHM_SUBMIT || cmd == HSHM_COMPLETE ||
		       cmd == HSHM_CALL || cmd == HSHM_CANCEL ||
		       cmd == HSHM_SUBMIT_BATCH ? -EPERM : -ENOTTY;
	/*
	 * Only what touches the region runs inside the channel's SRCU read
	 * side (hshm_submit_srcu(), hshm_req_fill()): copies of arguments
	 * may fault and sleep, and removal must not wait for them.
	 */
	if (cmd != HSHM_COMPLETE && READ_ONCE(f->ch->dead))
		return -ENODEV;
	switch (cmd) {
	case HSHM_INFO:
		return hshm_ioc_info(f->ch, uarg);
	case HSHM_SUBMIT:
		return hshm_ioc_submit(f, uarg, nonblock);
	case HSHM_CANCEL:
		return hshm_ioc_cancel(f, uarg);
	case HSHM_COMPLETE:
		return hshm_ioc_complete(f, uarg);
	case HSHM_CALL:
		return hshm_ioc_call(f, uarg, nonblock);
	case HSHM_SUBMIT_BATCH:
		return hshm_ioc_submit_batch(f, uarg, nonblock);
	default:
		return -ENOTTY;
	}
}

/*
 * hshm_fops - file operations of /dev/hshmN
 *
 * Every ioctl argument is a fixed-layout structure with __u64 pointers,
 * so 32-bit callers go through compat_ptr_ioctl unchanged.
 */
const struct file_operations hshm_fops = {
	.owner		= THIS_MODULE,
	.open		= hshm_open,
	.release	= hshm_release,
	.poll		= hshm_poll,
	.unlocked_ioctl	= hshm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
