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
 */
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hshm.h"
#include "hshm_peer.h"

static unsigned int nr_devices = 1;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "Loopback channels to create, 0-8 (default 1)");

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
 * struct hshm_lb - one loopback channel and its peer
 * @region: the shared region (public layout)
 * @ch: the channel
 * @peer: the peer thread
 * @rx: receiver state of the Linux-owned queue (peer thread only)
 * @attached: @rx is attached (peer thread only)
 * @doorbell: bit 0 set by a ring, cleared by the peer
 * @irq: the completion interrupt
 * @due: when the messages served so far are paid for (peer thread only)
 */
struct hshm_lb {
	void *region;
	struct hshm_chan *ch;
	struct task_struct *peer;
	struct hshm_wire_rx rx;
	bool attached;
	unsigned long doorbell;
	struct irq_work irq;
	ktime_t due;
};

static struct hshm_lb *hshm_lbs[HSHM_LB_MAX_DEVICES];

static void hshm_lb_irq(struct irq_work *work)
{
	struct hshm_lb *lb = container_of(work, struct hshm_lb, irq);

	hshm_chan_notify(lb->ch);
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
	struct hshm_lb *lb = ctx;
	ktime_t now;

	lb->due = ktime_add_ns(lb->due, READ_ONCE(loopback_msg_ns) +
			       (u64)READ_ONCE(loopback_kib_ns) * msg->length / 1024);
	now = ktime_get();
	if (ktime_to_ns(ktime_sub(lb->due, now)) >= HSHM_LB_SLEEP_MIN_NS) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule_hrtimeout(&lb->due, HRTIMER_MODE_ABS);
		__set_current_state(TASK_RUNNING);
	}
	return !kthread_should_stop();
}

static void hshm_lb_serve(struct hshm_lb *lb)
{
	const struct hshm_peer_hooks hooks = {
		.before = hshm_lb_before,
		.ctx = lb,
	};

	lb->due = ktime_get();
	if (hshm_peer_serve_batch(&lb->rx, (u8 *)lb->region +
				  HSHM_WIRE_DATA_OFFSET, &hooks) >= 0 &&
	    loopback_irq)
		irq_work_queue(&lb->irq);
}

static int hshm_lb_thread(void *data)
{
	struct hshm_lb *lb = data;
	void *txq = (u8 *)lb->region + HSHM_WIRE_TXQ_OFFSET;

	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!test_and_clear_bit(0, &lb->doorbell) &&
		    !kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
		if (!lb->attached &&
		    hshm_wire_rx_attach(&lb->rx, txq, HSHM_WIRE_QUEUE_SIZE,
					HSHM_WIRE_DATA_SIZE))
			continue;
		lb->attached = true;
		if (hshm_wire_rx_pending(&lb->rx))
			hshm_lb_serve(lb);
	}
	return 0;
}

static void hshm_lb_ring(struct hshm_chan *ch)
{
	struct hshm_lb *lb = ch->priv;

	set_bit(0, &lb->doorbell);
	wake_up_process(lb->peer);
}

static void hshm_lb_stop(struct hshm_chan *ch)
{
	struct hshm_lb *lb = ch->priv;

	kthread_stop(lb->peer);
	irq_work_sync(&lb->irq);
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
	init_irq_work(&lb->irq, hshm_lb_irq);
	lb->peer = kthread_create(hshm_lb_thread, lb, "hshm-lb-peer");
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
		goto stop_peer;
	}
	wake_up_process(lb->peer);
	return lb;

stop_peer:
	kthread_stop(lb->peer);
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
