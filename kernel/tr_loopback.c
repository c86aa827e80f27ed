// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm loopback transport: the peer inside the kernel.
 *
 * Each loopback channel gets a kernel-allocated region with the public
 * HyperAMP layout (4 MiB data area, two 4 KiB queues) and a peer thread
 * that plays the remote zone with the shared wire, service and peer
 * profile code (common/hshm_peer.h).  Which peer it plays is the
 * loopback_profile parameter:
 *
 * - "hshm" (the default): it waits for the doorbell, serves the batch in
 *   order at a configurable cost per message and per KiB, marks the queue
 *   idle and raises a completion "interrupt" through irq_work (or none:
 *   the channel polls);
 * - a public v1 server ("sel4-v1", ...): it looks at the queue on its own
 *   schedule, serves at most one message per look, ignores the doorbell
 *   and never raises anything (peers.md V1-5 to V1-11).
 *
 * Either way the thread starts with the profile's start-up (boot bytes,
 * the clobber of the Linux queue's header, its own queue), and writing
 * loopback_profile while the module runs reboots every in-kernel peer
 * with the profile written, while its channel keeps running; the channel
 * is told each time which profile its peer plays.  The same peer can
 * serve another transport's region (hshm_lb_peer_*()), which tests a
 * device-tree region where no hypervisor runs the peer; it starts as the
 * profile that transport gave its channel.
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
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
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

static unsigned int loopback_flag_delay_ns;
module_param(loopback_flag_delay_ns, uint, 0644);
MODULE_PARM_DESC(loopback_flag_delay_ns, "v1 profiles: pause between the two writes of the flag in ns (V1-8; default 0)");

static int loopback_exit_after;
module_param(loopback_exit_after, int, 0644);
MODULE_PARM_DESC(loopback_exit_after, "v1 profiles: stop serving after N messages; 0: never (default), -1: the profile's (10 for hvisor-tool-v1); read when a peer starts");

#define HSHM_LB_MAX_DEVICES	8
/* Serve without sleeping until the owed cost exceeds this. */
#define HSHM_LB_SLEEP_MIN_NS	(50 * NSEC_PER_USEC)
/* v1 profiles that spin (look_us 0): one look this often instead. */
#define HSHM_LB_V1_LOOK_NS	(50 * NSEC_PER_USEC)
/* Longest profile name loopback_profile takes, NUL included. */
#define HSHM_LB_PROFILE_NAME	32

/*
 * The in-kernel peers that run (hshm_lb_peer_start() to _destroy()), the
 * profile of loopback_profile, and restarts: all under hshm_lb_lock,
 * which is taken before a channel's cfg_lock.
 */
static DEFINE_MUTEX(hshm_lb_lock);
static LIST_HEAD(hshm_lb_peers);
/* NULL until loopback_profile is set: the default profile. */
static const struct hshm_peer_profile *hshm_lb_profile;

/**
 * struct hshm_lb_peer - the in-kernel peer serving one region
 * @r: the data area and the two queues, as the peer sees them
 * @ch: channel notified at the end of a batch (with @irq_on)
 * @node: on hshm_lb_peers from start to destroy (hshm_lb_lock)
 * @prof: the profile played; set while no thread runs, read by the thread
 * @exit_after: v1 profiles: stop serving after this many messages, 0:
 *	never; set like @prof
 * @lock: protects @task and @wakes against a ring during a restart; a
 *	ring may come from the channel's reply interrupt: interrupts off
 * @task: the peer thread, NULL while it is being replaced (@lock)
 * @wakes: a ring wakes @task: started and playing a profile that takes
 *	the doorbell (@lock)
 * @rx: receiver state, batch profiles (peer thread only)
 * @attached: @rx is attached (peer thread only)
 * @v1: the v1 server's loop, v1 profiles (peer thread only)
 * @own: sender state of the peer-owned queue, for its start-up
 *	(%HSHM_PEER_START_OWN_QUEUE; peer thread only)
 * @doorbell: bit 0 set by a ring, cleared by the peer
 * @irq: the completion "interrupt"
 * @irq_on: raise @irq at the end of each batch of a profile that rings
 * @poll_us: look at the queue this often without a ring, 0: never
 * @due: when the messages served so far are paid for (peer thread only)
 */
struct hshm_lb_peer {
	struct hshm_peer_region r;
	struct hshm_chan *ch;
	struct list_head node;
	const struct hshm_peer_profile *prof;
	u32 exit_after;
	spinlock_t lock;		/* see above */
	struct task_struct *task;
	bool wakes;
	struct hshm_wire_rx rx;
	bool attached;
	struct hshm_peer_v1 v1;
	struct hshm_wire_tx own;
	unsigned long doorbell;
	struct irq_work irq;
	bool irq_on;
	u32 poll_us;
	ktime_t due;
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

/* The profile in-kernel peers play now. */
static const struct hshm_peer_profile *hshm_lb_profile_now(void)
{
	const struct hshm_peer_profile *prof = READ_ONCE(hshm_lb_profile);

	return prof ?: hshm_peer_profile_find(NULL);
}

static void hshm_lb_irq(struct irq_work *work)
{
	struct hshm_lb_peer *p = container_of(work, struct hshm_lb_peer, irq);

	hshm_chan_notify(p->ch);
}

/* Sleep until @t unless being stopped (a wake-up may end it earlier). */
static void hshm_lb_sleep_until(ktime_t t)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop())
		schedule_hrtimeout(&t, HRTIMER_MODE_ABS);
	__set_current_state(TASK_RUNNING);
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
	if (ktime_to_ns(ktime_sub(p->due, now)) >= HSHM_LB_SLEEP_MIN_NS)
		hshm_lb_sleep_until(p->due);
	return !kthread_should_stop();
}

/* V1-8: loopback_flag_delay_ns between deal_state and service_result. */
static void hshm_lb_between(void *ctx, const struct hshm_wire_rx_msg *msg)
{
	u32 d = READ_ONCE(loopback_flag_delay_ns);

	if (d)
		hshm_lb_sleep_until(ktime_add_ns(ktime_get(), d));
}

#define HSHM_LB_RUNG		0

static void hshm_lb_serve(struct hshm_lb_peer *p)
{
	const struct hshm_peer_hooks hooks = {
		.before = hshm_lb_before,
		.ctx = p,
	};

	p->due = ktime_get();
	if (hshm_peer_serve_batch(&p->rx, p->r.data, &hooks) >= 0 &&
	    p->irq_on && p->prof->rings)
		irq_work_queue(&p->irq);
}

/* Sleep until rung (or, when polling, until it is time to look). */
static void hshm_lb_wait(struct hshm_lb_peer *p)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (!test_and_clear_bit(HSHM_LB_RUNG, &p->doorbell) &&
	    !kthread_should_stop()) {
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

/* hshm's own peer: whole batches when rung (or polled). */
static void hshm_lb_run_batch(struct hshm_lb_peer *p)
{
	while (!kthread_should_stop()) {
		hshm_lb_wait(p);
		if (!p->attached &&
		    hshm_wire_rx_attach(&p->rx, p->r.txq, p->r.txq_size,
					p->r.data_size))
			continue;
		p->attached = true;
		if (hshm_wire_rx_pending(&p->rx))
			hshm_lb_serve(p);
	}
}

/* Sleep for @ns, or until stopped; never a busy loop. */
static void hshm_lb_nap(u64 ns)
{
	ktime_t t = ns_to_ktime(ns);

	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop())
		schedule_hrtimeout_range(&t, ns / 4, HRTIMER_MODE_REL);
	__set_current_state(TASK_RUNNING);
}

/*
 * A public v1 server: one look at a time on its own schedule, whatever
 * the doorbell does; nothing is ever raised (V1-11).  Once exit_after
 * messages are served it does nothing more until stopped, as the real
 * one that exits.
 */
static void hshm_lb_run_v1(struct hshm_lb_peer *p)
{
	const struct hshm_peer_hooks hooks = {
		.before = hshm_lb_before,
		.between = hshm_lb_between,
		.ctx = p,
	};
	u64 look_ns = p->prof->look_us ? (u64)p->prof->look_us * NSEC_PER_USEC :
		      p->poll_us ? (u64)p->poll_us * NSEC_PER_USEC :
		      HSHM_LB_V1_LOOK_NS;
	bool exited = false;

	if (hshm_peer_v1_init(&p->v1, p->prof, &p->r)) {
		dev_warn(&p->ch->dev,
			 "no room for the %s loop: the peer serves nothing\n",
			 p->prof->name);
		goto idle;
	}
	p->v1.exit_after = p->exit_after;
	p->due = ktime_get();
	while (!kthread_should_stop() && !exited) {
		ktime_t now = ktime_get();

		/* Time spent between looks pays for earlier messages. */
		if (ktime_before(p->due, now))
			p->due = now;
		switch (hshm_peer_v1_look(&p->v1, &hooks)) {
		case HSHM_PEER_LOOK_STOPPED:
			return;
		case HSHM_PEER_LOOK_EXITED:
			exited = true;
			continue;
		default:
			break;
		}
		exited = p->v1.exited;
		hshm_lb_nap(look_ns);
	}
	if (exited)
		dev_info(&p->ch->dev,
			 "in-kernel %s peer exited after %llu messages\n",
			 p->prof->name, p->v1.served);
idle:
	while (!kthread_should_stop())
		hshm_lb_nap(NSEC_PER_SEC);
}

/*
 * The peer's life: the profile's start-up (V1-2 to V1-4, or the hshm
 * profile's own queue), then its serving loop until stopped.
 */
static int hshm_lb_thread(void *data)
{
	struct hshm_lb_peer *p = data;
	const struct hshm_peer_profile *prof = p->prof;

	if ((prof->start & HSHM_PEER_START_OWN_QUEUE) && p->r.rxq)
		hshm_wire_tx_init(&p->own, p->r.rxq, p->r.rxq_size);
	hshm_peer_profile_start(prof, &p->r);
	if (prof->walk == HSHM_PEER_WALK_V1)
		hshm_lb_run_v1(p);
	else
		hshm_lb_run_batch(p);
	return 0;
}

/* The thread-only state, for a thread about to run @prof. */
static void hshm_lb_peer_reset(struct hshm_lb_peer *p,
			       const struct hshm_peer_profile *prof)
{
	int ea = READ_ONCE(loopback_exit_after);

	p->prof = prof;
	p->exit_after = ea < 0 ? prof->exit_after : (u32)ea;
	p->attached = false;
	memset(&p->rx, 0, sizeof(p->rx));
	memset(&p->v1, 0, sizeof(p->v1));
}

/* Install @t as the thread and let rings wake it if @prof takes them. */
static void hshm_lb_peer_set_task(struct hshm_lb_peer *p,
				  struct task_struct *t)
{
	spin_lock_irq(&p->lock);
	p->task = t;
	p->wakes = t && p->prof->walk == HSHM_PEER_WALK_BATCH;
	spin_unlock_irq(&p->lock);
}

/*
 * Stop the thread wherever it is (mid-batch, mid-message) and wait for a
 * completion interrupt still in flight; rings from now on wake nothing.
 */
static void hshm_lb_peer_stop_task(struct hshm_lb_peer *p)
{
	struct task_struct *t;

	spin_lock_irq(&p->lock);
	t = p->task;
	p->task = NULL;
	p->wakes = false;
	spin_unlock_irq(&p->lock);
	kthread_stop(t);
	irq_work_sync(&p->irq);
}

/*
 * Reboot @p as @prof: the thread is stopped wherever it is (mid-batch,
 * mid-message, as destroy does), then a new one starts with the start-up
 * of @prof.  The channel is not told: it sees what it would see of a zone
 * that reboots.  A new thread that cannot be made leaves the old one
 * running and returns the error.
 */
static int hshm_lb_peer_restart(struct hshm_lb_peer *p,
				const struct hshm_peer_profile *prof)
{
	struct task_struct *t;

	lockdep_assert_held(&hshm_lb_lock);
	t = kthread_create(hshm_lb_thread, p, "hshm-lb-peer");
	if (IS_ERR(t))
		return PTR_ERR(t);
	hshm_lb_peer_stop_task(p);
	/* The driver hands over and polls as the new peer needs. */
	hshm_chan_set_profile(p->ch, prof);
	hshm_lb_peer_reset(p, prof);
	/* A batch the old thread left busy is looked at straight away. */
	set_bit(HSHM_LB_RUNG, &p->doorbell);
	hshm_lb_peer_set_task(p, t);
	dev_info(&p->ch->dev, "in-kernel peer restarted, profile %s\n",
		 prof->name);
	wake_up_process(t);
	return 0;
}

/*
 * loopback_profile: a name of hshm_peer_profile_find() ("" for the
 * default); a write reboots every in-kernel peer that runs with it, even
 * when it is the profile already played.
 */
static int hshm_lb_profile_set(const char *val, const struct kernel_param *kp)
{
	const struct hshm_peer_profile *prof;
	char name[HSHM_LB_PROFILE_NAME];
	struct hshm_lb_peer *p;
	int ret = 0, err;

	if (strscpy(name, val, sizeof(name)) < 0)
		return -EINVAL;
	prof = hshm_peer_profile_find(strim(name));
	if (!prof)
		return -EINVAL;
	mutex_lock(&hshm_lb_lock);
	WRITE_ONCE(hshm_lb_profile, prof);
	list_for_each_entry(p, &hshm_lb_peers, node) {
		err = hshm_lb_peer_restart(p, prof);
		if (err && !ret)
			ret = err;
	}
	mutex_unlock(&hshm_lb_lock);
	return ret;
}

static int hshm_lb_profile_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n", hshm_lb_profile_now()->name);
}

/*
 * hshm_lb_profile_ops - the loopback_profile parameter
 *
 * set takes a profile name (unknown: -EINVAL) and reboots the running
 * in-kernel peers with it; get shows the profile they play.
 */
static const struct kernel_param_ops hshm_lb_profile_ops = {
	.set	= hshm_lb_profile_set,
	.get	= hshm_lb_profile_get,
};

module_param_cb(loopback_profile, &hshm_lb_profile_ops, NULL, 0644);
MODULE_PARM_DESC(loopback_profile, "Peer the in-kernel peers play: hshm (default), sel4-v1, freertos-v1, hvisor-tool-v1; a write reboots them");

/**
 * hshm_lb_peer_create() - an in-kernel peer for a region
 * @region: the mapped region
 * @layout: where its data area and queues are
 * @irq_on: signal the end of each batch through hshm_chan_notify(), when
 *	the profile played rings
 * @poll_us: look at the queue every @poll_us without a ring (0: only
 *	when rung), for transports that cannot ring; v1 profiles that
 *	spin look this often too
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
	struct task_struct *t;

	p = kvzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->r.data = (u8 *)region + layout->data_off;
	p->r.data_size = layout->data_size;
	p->r.txq = (u8 *)region + layout->txq_off;
	p->r.txq_size = layout->txq_size;
	if (layout->rxq_size) {
		p->r.rxq = (u8 *)region + layout->rxq_off;
		p->r.rxq_size = layout->rxq_size;
	}
	INIT_LIST_HEAD(&p->node);
	spin_lock_init(&p->lock);
	p->irq_on = irq_on;
	p->poll_us = poll_us;
	/*
	 * Hard even on PREEMPT_RT, where a plain irq_work would run in the
	 * irq_work/N thread at SCHED_FIFO 1, below a real-time dispatcher
	 * and any real-time load: hshm_chan_notify() only sets a bit and
	 * wakes a task, which is safe in hard interrupt context everywhere.
	 */
	p->irq = IRQ_WORK_INIT_HARD(hshm_lb_irq);
	t = kthread_create(hshm_lb_thread, p, "hshm-lb-peer");
	if (IS_ERR(t)) {
		kvfree(p);
		return ERR_CAST(t);
	}
	p->task = t;
	return p;
}

/* Start @p playing @prof for @ch, which is told so; from now on it reboots. */
static void hshm_lb_peer_run(struct hshm_lb_peer *p, struct hshm_chan *ch,
			     const struct hshm_peer_profile *prof)
{
	lockdep_assert_held(&hshm_lb_lock);
	p->ch = ch;
	hshm_chan_set_profile(ch, prof);
	hshm_lb_peer_reset(p, prof);
	hshm_lb_peer_set_task(p, p->task);
	list_add_tail(&p->node, &hshm_lb_peers);
	wake_up_process(p->task);
}

/**
 * hshm_lb_peer_start() - run the peer for a channel
 * @p: peer from hshm_lb_peer_create()
 * @ch: the channel it notifies
 *
 * The peer plays the profile @ch says its peer is (hshm_chan_set_profile(),
 * e.g. hvisor,peer-profile), starting with its start-up; from now on a
 * write of loopback_profile reboots it as that profile, and @ch is told.
 *
 * Context: process; takes hshm_lb_lock and @ch->cfg_lock.
 */
void hshm_lb_peer_start(struct hshm_lb_peer *p, struct hshm_chan *ch)
{
	mutex_lock(&hshm_lb_lock);
	hshm_lb_peer_run(p, ch, READ_ONCE(ch->profile));
	mutex_unlock(&hshm_lb_lock);
}

/**
 * hshm_lb_peer_ring() - the doorbell of the in-kernel peer
 * @p: peer
 *
 * Wakes the peer when it is started and plays a profile that takes the
 * doorbell; the v1 profiles ignore it.
 */
void hshm_lb_peer_ring(struct hshm_lb_peer *p)
{
	unsigned long flags;

	set_bit(HSHM_LB_RUNG, &p->doorbell);
	spin_lock_irqsave(&p->lock, flags);
	if (p->wakes)
		wake_up_process(p->task);
	spin_unlock_irqrestore(&p->lock, flags);
}

/**
 * hshm_lb_peer_destroy() - stop the peer (mid-batch if need be) and free it
 * @p: peer from hshm_lb_peer_create(), started or not
 *
 * Waits for a restart in progress and for a completion interrupt still in
 * flight.
 *
 * Context: process; takes hshm_lb_lock.
 */
void hshm_lb_peer_destroy(struct hshm_lb_peer *p)
{
	mutex_lock(&hshm_lb_lock);
	list_del_init(&p->node);
	mutex_unlock(&hshm_lb_lock);
	hshm_lb_peer_stop_task(p);
	kvfree(p);
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
 * ring wakes the peer thread (unless its profile ignores the doorbell);
 * stop ends it mid-batch if need be, after a restart in progress, and
 * waits for a completion interrupt still in flight.
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

/*
 * A loopback channel plays loopback_profile.  One whose peer rings gets
 * HSHM_FEAT_IRQ, else HSHM_FEAT_POLL: the profile set when it is created
 * decides (with loopback_irq).  A later write of loopback_profile keeps
 * the features but tells the channel the new profile, and the driver
 * polls a peer whose profile does not ring; a polled channel polls
 * whatever the peer does.
 */
static struct hshm_lb *hshm_lb_create(void)
{
	bool irq = loopback_irq && hshm_lb_profile_now()->rings;
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
	lb->peer = hshm_lb_peer_create(lb->region, &hshm_lb_layout, irq, 0);
	if (IS_ERR(lb->peer)) {
		ret = PTR_ERR(lb->peer);
		goto free_region;
	}
	lb->ch = hshm_chan_alloc(NULL, &hshm_lb_ops, lb, lb->region,
				 &hshm_lb_layout,
				 irq ? HSHM_FEAT_IRQ : HSHM_FEAT_POLL,
				 hshm_max_requests);
	if (IS_ERR(lb->ch)) {
		ret = PTR_ERR(lb->ch);
		goto destroy_peer;
	}
	ret = hshm_chan_add(lb->ch);
	if (ret)
		goto destroy_peer;
	/*
	 * The profile of now: a write since irq was chosen is not lost.  It
	 * is set once the channel is added: the peer plays it from then on,
	 * and a peer serving a channel that failed to add would outlive it.
	 */
	mutex_lock(&hshm_lb_lock);
	hshm_lb_peer_run(lb->peer, lb->ch, hshm_lb_profile_now());
	mutex_unlock(&hshm_lb_lock);
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
