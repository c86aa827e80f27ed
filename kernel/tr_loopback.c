// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm loopback transport: the peer inside the kernel.
 *
 * Each loopback channel gets a kernel-allocated region with the public
 * HyperAMP layout (4 MiB data area, two 4 KiB queues) and a peer thread
 * that plays the remote zone with the shared wire and service code: it
 * waits for the doorbell, serves the batch in order at a configurable
 * cost per message and per KiB, marks the queue idle and raises a
 * completion "interrupt" through irq_work (or none: the channel polls).
 * The same peer can serve another transport's region (hshm_lb_peer_*()),
 * which tests a device-tree region where no hypervisor runs the peer.
 *
 * The peer thread ("hshm-lb-peer") keeps the default SCHED_NORMAL policy
 * whatever the channel's sched_policy says: it stands for the other
 * partition, whose CPUs and scheduling are not Linux's to set, so a test
 * of the dispatcher's policy measures that policy and nothing else.  A
 * test that wants it otherwise can chrt the thread.
 */
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hshm.h"
#include "hshm_peer.h"

static unsigned int nr_devices;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "Loopback channels (test peer in the kernel) to create, 0-8 (default 0)");

static unsigned int loopback_msg_ns = 2000;
module_param(loopback_msg_ns, uint, 0644);
MODULE_PARM_DESC(loopback_msg_ns, "Loopback peer cost per message in ns (default 2000)");

static unsigned int loopback_kib_ns = 500;
module_param(loopback_kib_ns, uint, 0644);
MODULE_PARM_DESC(loopback_kib_ns, "Loopback peer cost per KiB of payload in ns (default 500)");

static bool loopback_irq = true;
module_param(loopback_irq, bool, 0444);
MODULE_PARM_DESC(loopback_irq, "Loopback peer raises a completion interrupt (default Y); N: the channel polls");

#define HSHM_LB_MAX_DEVICES	8
/* Serve without sleeping until the owed cost exceeds this. */
#define HSHM_LB_SLEEP_MIN_NS	(50 * NSEC_PER_USEC)

/**
 * struct hshm_lb_peer - the in-kernel peer serving one region
 * @data: the data area
 * @data_size: its bytes
 * @txq: the queue Linux owns, which the peer receives on
 * @txq_size: its bytes
 * @ch: channel notified at the end of a batch (with @irq_on)
 * @task: the peer thread
 * @rx: receiver state (peer thread only)
 * @attached: @rx is attached (peer thread only)
 * @doorbell: bit 0 set by a ring, cleared by the peer
 * @irq: the completion "interrupt"
 * @irq_on: raise @irq at the end of each batch
 * @poll_us: look at the queue this often without a ring, 0: never
 * @due: when the messages served so far are paid for (peer thread only)
 * @own: sender state of the queue the peer owns, initialised when the
 *	peer starts, so that its mark shows a running peer
 */
struct hshm_lb_peer {
	u8 *data;
	u32 data_size;
	void *txq;
	u32 txq_size;
	struct hshm_chan *ch;
	struct task_struct *task;
	struct hshm_wire_rx rx;
	bool attached;
	unsigned long doorbell;
	struct irq_work irq;
	bool irq_on;
	u32 poll_us;
	ktime_t due;
	struct hshm_wire_tx own;
};

/**
 * struct hshm_lb - one loopback channel: a region and its peer
 * @region: the shared region (public layout), vmalloc'ed
 * @ch: the channel
 * @peer: the peer
 */
struct hshm_lb {
	void *region;
	struct hshm_chan *ch;
	struct hshm_lb_peer *peer;
};

static struct hshm_lb *hshm_lbs[HSHM_LB_MAX_DEVICES];

static void hshm_lb_irq(struct irq_work *work)
{
	struct hshm_lb_peer *p = container_of(work, struct hshm_lb_peer, irq);

	hshm_chan_notify(p->ch);
}

/*
 * Pace the peer: each message costs loopback_msg_ns plus loopback_kib_ns
 * per KiB.  Short debts are let run up and paid in one sleep of at least
 * HSHM_LB_SLEEP_MIN_NS, so small costs do not turn into one timer each.
 * Returns false when the thread is being stopped: the peer vanishes
 * mid-batch, as a dying peer would.
 */
static bool hshm_lb_before(void *ctx, const struct hshm_wire_rx_msg *msg)
{
	struct hshm_lb_peer *p = ctx;
	ktime_t now;

	p->due = ktime_add_ns(p->due, READ_ONCE(loopback_msg_ns) +
			      (u64)READ_ONCE(loopback_kib_ns) * msg->length / 1024);
	now = ktime_get();
	if (ktime_to_ns(ktime_sub(p->due, now)) >= HSHM_LB_SLEEP_MIN_NS) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule_hrtimeout(&p->due, HRTIMER_MODE_ABS);
		__set_current_state(TASK_RUNNING);
	}
	return !kthread_should_stop();
}

static void hshm_lb_serve(struct hshm_lb_peer *p)
{
	const struct hshm_peer_hooks hooks = {
		.before = hshm_lb_before,
		.ctx = p,
	};

	p->due = ktime_get();
	if (hshm_peer_serve_batch(&p->rx, p->data, &hooks) >= 0 && p->irq_on)
		irq_work_queue(&p->irq);
}

/* Sleep until rung (or, when polling, until it is time to look). */
static void hshm_lb_wait(struct hshm_lb_peer *p)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (!test_and_clear_bit(0, &p->doorbell) && !kthread_should_stop()) {
		if (p->poll_us) {
			ktime_t t = ns_to_ktime((u64)p->poll_us * NSEC_PER_USEC);

			schedule_hrtimeout_range(&t, p->poll_us * 250,
						 HRTIMER_MODE_REL);
		} else {
			schedule();
		}
	}
	__set_current_state(TASK_RUNNING);
}

static int hshm_lb_thread(void *data)
{
	struct hshm_lb_peer *p = data;

	while (!kthread_should_stop()) {
		hshm_lb_wait(p);
		if (!p->attached &&
		    hshm_wire_rx_attach(&p->rx, p->txq, p->txq_size,
					p->data_size))
			continue;
		p->attached = true;
		if (hshm_wire_rx_pending(&p->rx))
			hshm_lb_serve(p);
	}
	return 0;
}

/**
 * hshm_lb_peer_create() - an in-kernel peer for a region
 * @region: the mapped region
 * @layout: where its data area and Linux-owned queue are
 * @irq_on: signal the end of each batch through hshm_chan_notify()
 * @poll_us: look at the queue every @poll_us without a ring (0: only
 *	when rung), for transports that cannot ring
 *
 * The peer thread is created stopped; hshm_lb_peer_start() runs it.
 *
 * Return: the peer or an ERR_PTR().
 */
struct hshm_lb_peer *hshm_lb_peer_create(void *region,
					 const struct hshm_layout *layout,
					 bool irq_on, u32 poll_us)
{
	struct hshm_lb_peer *p;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	/* The peer owns the second queue: its mark says the peer runs. */
	if (layout->rxq_size &&
	    hshm_wire_tx_init(&p->own, (u8 *)region + layout->rxq_off,
			      layout->rxq_size)) {
		kfree(p);
		return ERR_PTR(-EINVAL);
	}
	p->data = (u8 *)region + layout->data_off;
	p->data_size = layout->data_size;
	p->txq = (u8 *)region + layout->txq_off;
	p->txq_size = layout->txq_size;
	p->irq_on = irq_on;
	p->poll_us = poll_us;
	/*
	 * Hard even on PREEMPT_RT, where a plain irq_work would run in the
	 * irq_work/N thread at SCHED_FIFO 1, below a real-time dispatcher
	 * and any real-time load: hshm_chan_notify() only sets a bit and
	 * wakes a task, which is safe in hard interrupt context everywhere.
	 */
	p->irq = IRQ_WORK_INIT_HARD(hshm_lb_irq);
	p->task = kthread_create(hshm_lb_thread, p, "hshm-lb-peer");
	if (IS_ERR(p->task)) {
		long err = PTR_ERR(p->task);

		kfree(p);
		return ERR_PTR(err);
	}
	return p;
}

/**
 * hshm_lb_peer_start() - run the peer for a channel
 * @p: peer from hshm_lb_peer_create()
 * @ch: the channel it notifies
 */
void hshm_lb_peer_start(struct hshm_lb_peer *p, struct hshm_chan *ch)
{
	p->ch = ch;
	wake_up_process(p->task);
}

/**
 * hshm_lb_peer_ring() - the doorbell of the in-kernel peer
 * @p: peer
 */
void hshm_lb_peer_ring(struct hshm_lb_peer *p)
{
	set_bit(0, &p->doorbell);
	wake_up_process(p->task);
}

/**
 * hshm_lb_peer_destroy() - stop the peer (mid-batch if need be) and free it
 * @p: peer
 *
 * Waits for a completion interrupt still in flight.
 */
void hshm_lb_peer_destroy(struct hshm_lb_peer *p)
{
	kthread_stop(p->task);
	irq_work_sync(&p->irq);
	kfree(p);
}

static void hshm_lb_ring(struct hshm_chan *ch)
{
	struct hshm_lb *lb = ch->priv;

	hshm_lb_peer_ring(lb->peer);
}

static void hshm_lb_stop(struct hshm_chan *ch)
{
	struct hshm_lb *lb = ch->priv;

	hshm_lb_peer_destroy(lb->peer);
	lb->peer = NULL;
}

/*
 * hshm_lb_ops - loopback transport operations
 *
 * ring wakes the peer thread; stop ends it mid-batch if need be and waits
 * for a completion interrupt still in flight.
 */
static const struct hshm_transport_ops hshm_lb_ops = {
	.name	= "loopback",
	.ring	= hshm_lb_ring,
	.stop	= hshm_lb_stop,
};

/*
 * The public layout: Linux allocates its requests from the lower half of
 * the data area; the upper half belongs to the peer's own requests.
 */
static const struct hshm_layout hshm_lb_layout = {
	.region_size	= HSHM_WIRE_REGION_SIZE,
	.data_off	= HSHM_WIRE_DATA_OFFSET,
	.data_size	= HSHM_WIRE_DATA_SIZE,
	.alloc_off	= 0,
	.alloc_size	= HSHM_WIRE_DATA_SIZE / 2,
	.txq_off	= HSHM_WIRE_TXQ_OFFSET,
	.txq_size	= HSHM_WIRE_QUEUE_SIZE,
	.rxq_off	= HSHM_WIRE_RXQ_OFFSET,
	.rxq_size	= HSHM_WIRE_QUEUE_SIZE,
};

static struct hshm_lb *hshm_lb_create(void)
{
	struct hshm_lb *lb;
	int ret;

	lb = kzalloc(sizeof(*lb), GFP_KERNEL);
	if (!lb)
		return ERR_PTR(-ENOMEM);
	lb->region = vzalloc(HSHM_WIRE_REGION_SIZE);
	if (!lb->region) {
		ret = -ENOMEM;
		goto free_lb;
	}
	lb->peer = hshm_lb_peer_create(lb->region, &hshm_lb_layout,
				       loopback_irq, 0);
	if (IS_ERR(lb->peer)) {
		ret = PTR_ERR(lb->peer);
		goto free_region;
	}
	lb->ch = hshm_chan_create(NULL, &hshm_lb_ops, lb, lb->region,
				  &hshm_lb_layout,
				  loopback_irq ? HSHM_FEAT_IRQ : HSHM_FEAT_POLL,
				  hshm_max_requests);
	if (IS_ERR(lb->ch)) {
		ret = PTR_ERR(lb->ch);
		goto destroy_peer;
	}
	hshm_lb_peer_start(lb->peer, lb->ch);
	return lb;

destroy_peer:
	hshm_lb_peer_destroy(lb->peer);
free_region:
	vfree(lb->region);
free_lb:
	kfree(lb);
	return ERR_PTR(ret);
}

static void hshm_lb_destroy(struct hshm_lb *lb)
{
	hshm_chan_remove(lb->ch);
	vfree(lb->region);
	kfree(lb);
}

/**
 * hshm_loopback_init() - create the nr_devices loopback channels
 *
 * Return: 0 or a negative errno; nothing is left behind on error.
 */
int hshm_loopback_init(void)
{
	unsigned int i;
	int ret;

	if (nr_devices > HSHM_LB_MAX_DEVICES)
		return -EINVAL;
	for (i = 0; i < nr_devices; i++) {
		struct hshm_lb *lb = hshm_lb_create();

		if (IS_ERR(lb)) {
			ret = PTR_ERR(lb);
			goto undo;
		}
		hshm_lbs[i] = lb;
	}
	return 0;

undo:
	hshm_loopback_exit();
	return ret;
}

/**
 * hshm_loopback_exit() - remove every loopback channel
 */
void hshm_loopback_exit(void)
{
	unsigned int i;

	for (i = 0; i < HSHM_LB_MAX_DEVICES; i++) {
		if (hshm_lbs[i])
			hshm_lb_destroy(hshm_lbs[i]);
		hshm_lbs[i] = NULL;
	}
}
