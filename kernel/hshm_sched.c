// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm sched: per-class kfifos and the dispatcher thread.
 *
 * Submitters push requests into their class's kfifo (one spinlock per
 * class).  Whoever holds the channel's tx_lock owns the sending side of
 * the wire queue: it completes what the peer answered, and once the peer
 * is idle builds the next batch in the order the scheduler picks, hands it
 * over and rings the doorbell.  The batch is built at hand-over time, not
 * earlier, so a REALTIME request that arrives while the peer is busy still
 * goes first in the next batch.
 *
 * Two modes, as NAPI has:
 *
 * - quiet: nothing waited behind the last batch.  The context at hand
 *   does the work with no thread woken in between: a submitting task
 *   hands its request over, the reply interrupt (threaded where the kernel
 *   threads interrupts) completes the answers, and a caller waiting for
 *   its answer may do either (hshm_sched_direct()).  Each only tries the
 *   lock; whoever finds it taken leaves the work to its holder or to the
 *   dispatcher thread.
 * - busy: requests waited behind a batch.  The dispatcher thread alone
 *   hands batches over, at the CPU priority the administrator gave it,
 *   until nothing is queued or at the peer; the reply interrupt still
 *   completes the answers, and kicks the thread at the end of a batch.
 *   Polling with the interrupt masked, as NAPI does, was measured slower
 *   here: the peer rings once per batch, not once per message, and each
 *   look of a thread woken by a timer costs what an interrupt costs.
 *
 * The dispatcher thread also does what no fast path does: waiting for the
 * peer to appear, the watchdog and the heals, and every channel whose peer
 * never rings, which it polls adaptively.  Whichever context it is, the
 * batch is built by the same code (hshm_sched_dispatch()): the QoS order
 * is the same.
 *
 * The dispatcher runs under the CPU scheduling policy and priority the
 * administrator chose (struct hshm_chan.thread_sched; SCHED_NORMAL nice 0
 * unless told otherwise), set with sched_setattr_nocheck(), the one
 * interface exported to modules on every supported kernel that takes any
 * policy and priority.
 */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hshm.h"

#define HSHM_POLL_MIN_NS	(20 * NSEC_PER_USEC)
#define HSHM_POLL_MAX_NS	(2 * NSEC_PER_MSEC)
/* With an interrupt, look anyway this often (a lost interrupt, timeouts). */
#define HSHM_IRQ_FALLBACK	(HZ / 10)
/*
 * A batch carrying REALTIME messages is polled this often, interrupt or
 * not: peers signal the end of a batch only, and a REALTIME answer should
 * not wait for the bulk behind it in the same batch.
 */
#define HSHM_RT_POLL_NS		(50 * NSEC_PER_USEC)
/* REALTIME counts as active this long after its last submit. */
#define HSHM_RT_ACTIVE_NS	(20 * NSEC_PER_MSEC)
/*
 * How long a REALTIME caller polls for its answer by default: a round
 * trip to a peer on another core of the board, with room to spare.
 */
#define HSHM_SPIN_US_RT		100
/* Free entries looked at for spurious answers at the end of a batch. */
#define HSHM_SCRUB_STEP		16
/* The shortest time a peer may hold a batch before the queue is healed. */
#define HSHM_HEAL_MIN_MS	1000u

const char *const hshm_peer_state_names[HSHM_PEER_NR] = {
	[HSHM_PEER_ABSENT] = "absent",
	[HSHM_PEER_READY] = "ready",
	[HSHM_PEER_LOST] = "lost",
};

/*
 * A batch handed over outside the dispatcher thread, which may be asleep
 * with no timeout, is looked at by the thread once it has been out
 * HSHM_IRQ_FALLBACK, as one the thread handed over is: its interrupt may
 * never come.
 */
static void hshm_sched_watchdog_fn(struct timer_list *t)
{
	struct hshm_chan *ch = container_of(t, struct hshm_chan, watchdog);
	unsigned long due = READ_ONCE(ch->handed_at) + HSHM_IRQ_FALLBACK;

	if (!READ_ONCE(ch->batch_out))
		return;
	if (time_before(jiffies, due)) {
		mod_timer(&ch->watchdog, due);
		return;
	}
	set_bit(HSHM_CHAN_WDOG, &ch->flags);
	hshm_sched_kick(ch);
}

/**
 * hshm_sched_init() - set up kfifos, wire sender state and the picker
 * @ch: channel with its layout and region set
 *
 * Return: 0, -ENOMEM, or -EINVAL for a queue area that holds no queue.
 */
int hshm_sched_init(struct hshm_chan *ch)
{
	static const u16 defaults[HSHM_NR_CLASSES] = { 4, 2, 2, 1 };
	unsigned int c;
	int ret;

	spin_lock_init(&ch->tx_lock);
	timer_setup(&ch->watchdog, hshm_sched_watchdog_fn, 0);
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		spin_lock_init(&ch->cls[c].lock);
		INIT_LIST_HEAD(&ch->cls[c].resend);
		/* Room for every request slot: a push never fails. */
		ret = kfifo_alloc(&ch->cls[c].fifo,
				  roundup_pow_of_two(ch->max_requests),
				  GFP_KERNEL);
		if (ret)
			goto free_fifos;
	}
	ch->tx = kvzalloc(sizeof(*ch->tx), GFP_KERNEL);
	if (!ch->tx) {
		ret = -ENOMEM;
		goto free_fifos;
	}
	/*
	 * Entry 0 is where the public v1 servers go on their own (peers.md
	 * D-3); while a peer-owned queue can tell whether the peer runs, the
	 * queue stays 0xEEEEEEEE, which such a server leaves alone (D-1).
	 */
	ret = hshm_wire_tx_setup(ch->tx, (u8 *)ch->base + ch->layout.txq_off,
				 ch->layout.txq_size,
				 HSHM_WIRE_TX_SKIP_ENTRY0 |
				 (ch->layout.rxq_size ? HSHM_WIRE_TX_CLOSED : 0));
	if (ret)
		goto free_tx;
	ch->open = !ch->layout.rxq_size;
	ch->batch = kcalloc(ch->tx->n, sizeof(*ch->batch), GFP_KERNEL);
	if (!ch->batch) {
		ret = -ENOMEM;
		goto free_tx;
	}
	ch->heal_last = kcalloc(ch->tx->n, sizeof(*ch->heal_last), GFP_KERNEL);
	if (!ch->heal_last) {
		ret = -ENOMEM;
		goto free_batch;
	}
	INIT_LIST_HEAD(&ch->held);
	hshm_sched_set_weights(ch, defaults);
	hshm_wrr_init(&ch->wrr, defaults);
	ch->drr_quantum = HSHM_DRR_QUANTUM_DEF;
	ch->drr_base = ch->drr_quantum;
	hshm_drr_init(&ch->drr, defaults, ch->drr_base);
	ch->sched_mode = HSHM_SCHED_WRR;
	ch->batch_max = min_t(u32, 32, ch->tx->n);
	ch->learned = ch->batch_max;
	ch->profile = hshm_peer_profile_find(NULL);
	ch->peer_wait_ms = HSHM_PEER_WAIT_MS_DEFAULT;
	ch->peer_state = HSHM_PEER_ABSENT;
	/* While REALTIME is active, the batch it waits for stays short. */
	ch->rt_batch_max = min_t(u32, 8, ch->batch_max);
	ch->poll_ns = HSHM_POLL_MIN_NS;
	/* A REALTIME caller polls for its answer a while before it sleeps. */
	ch->cls[HSHM_CLASS_REALTIME].spin_us = HSHM_SPIN_US_RT;
	/* A driver does not join the system's real-time scheme uninvited. */
	ch->thread_sched.policy = HSHM_POLICY_OTHER;
	ch->thread_sched.prio = 0;
	return 0;

free_batch:
	kfree(ch->batch);
	ch->batch = NULL;
free_tx:
	kvfree(ch->tx);
	ch->tx = NULL;
free_fifos:
	while (c--)
		kfifo_free(&ch->cls[c].fifo);
	return ret;
}

/**
 * hshm_sched_free() - free what hshm_sched_init() allocated
 * @ch: channel whose dispatcher is stopped and queues drained
 */
void hshm_sched_free(struct hshm_chan *ch)
{
	unsigned int c;

	timer_delete_sync(&ch->watchdog);
	if (ch->task)
		put_task_struct(ch->task);
	kfree(ch->heal_last);
	kfree(ch->batch);
	kvfree(ch->tx);
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		kfifo_free(&ch->cls[c].fifo);
}

/**
 * hshm_sched_kick() - make the dispatcher look at the channel
 * @ch: channel
 *
 * Callable from any context, hard interrupts included, and before the
 * dispatcher is started (hshm_sched_start()): it finds the flag set.
 */
void hshm_sched_kick(struct hshm_chan *ch)
{
	struct task_struct *t = READ_ONCE(ch->task);

	set_bit(HSHM_CHAN_KICK, &ch->flags);
	if (t)
		wake_up_process(t);
}

/*
 * A class's kfifo has one writer at a time (its producers serialise on
 * the class's lock) and one reader (the dispatcher), the case kfifo is
 * made for without a lock between the two: its indexes are plain
 * accesses, ordered by kfifo's own barriers (include/linux/kfifo.h).
 * Those races are kfifo's design, not hshm's bugs: KCSAN does not check
 * the accesses of a kfifo operation.
 */
#define hshm_kfifo(op)	data_race(op)

/*
 * The ready bitmap: bit c of ch->ready is set once a request of class c
 * is queued, and cleared under tx_lock by whoever takes the class's last
 * one, so that the picks and "is anything waiting?" look at one word
 * whatever the number of classes.  A submitter queues, then sets the bit;
 * the taker clears it, then looks at the queues again: either it sees the
 * new request (and sets the bit back) or the submitter's bit comes after
 * its clearing.  A submitter between queueing and setting the bit goes on
 * to hshm_sched_flush() anyway.
 */
static void hshm_ready_set(struct hshm_chan *ch, unsigned int c)
{
	/* Pairs with the barrier in hshm_ready_clear(): the request first. */
	smp_mb__before_atomic();
	set_bit(c, &ch->ready);
}

static bool hshm_cls_empty(struct hshm_chan *ch, unsigned int c)
{
	return list_empty(&ch->cls[c].resend) &&
	       hshm_kfifo(kfifo_is_empty(&ch->cls[c].fifo));
}

static void hshm_ready_clear(struct hshm_chan *ch, unsigned int c)
{
	lockdep_assert_held(&ch->tx_lock);
	clear_bit(c, &ch->ready);
	/* Pairs with the barrier in hshm_ready_set(): the bit first. */
	smp_mb__after_atomic();
	if (!hshm_cls_empty(ch, c))
		set_bit(c, &ch->ready);
}

static unsigned int hshm_backlog_mask(struct hshm_chan *ch)
{
	return READ_ONCE(ch->ready) & HSHM_CLASS_MASK;
}

/*
 * Under tx_lock: the next request of class @c without taking it, or
 * with @take, taking it: what a peer handed back first, then the kfifo.
 * Taking the last one clears the class's ready bit.
 */
static bool hshm_cls_next(struct hshm_chan *ch, unsigned int c,
			  struct hshm_req **req, bool take)
{
	struct hshm_cls *cls = &ch->cls[c];
	bool got;

	lockdep_assert_held(&ch->tx_lock);
	*req = list_first_entry_or_null(&cls->resend, struct hshm_req,
					resend_node);
	if (*req) {
		got = true;
		if (take)
			list_del_init(&(*req)->resend_node);
	} else {
		got = take ? hshm_kfifo(kfifo_get(&cls->fifo, req)) :
			     hshm_kfifo(kfifo_peek(&cls->fifo, req));
	}
	if ((take || !got) && hshm_cls_empty(ch, c))
		hshm_ready_clear(ch, c);
	return got;
}

/* The class whose oldest request was submitted first: one FIFO overall. */
static int hshm_fifo_pick(struct hshm_chan *ch, unsigned int mask)
{
	struct hshm_req *req;
	ktime_t best = 0;
	int c, pick = -1;

	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		if (!(mask & (1u << c)) || !hshm_cls_next(ch, c, &req, false))
			continue;
		if (pick < 0 || ktime_before(req->t_submit, best)) {
			best = req->t_submit;
			pick = c;
		}
	}
	return pick;
}

static bool hshm_should_shed(struct hshm_chan *ch, struct hshm_req *req,
			     ktime_t now)
{
	u32 shed_us = READ_ONCE(ch->cls[req->cls].shed_us);

	return shed_us && ktime_us_delta(now, req->t_submit) > shed_us;
}

/**
 * hshm_sched_release_held() - give the buffers of given-up batches back
 * @ch: channel, with @ch->tx_lock held
 *
 * The peer is known to be done with them: it answered a batch handed over
 * after they were given up (a v1 peer serves one batch after the other),
 * it restarted, or the channel goes away.
 */
static void hshm_sched_release_held(struct hshm_chan *ch)
{
	struct hshm_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, &ch->held, resend_node) {
		list_del_init(&req->resend_node);
		hshm_req_put(req);
	}
	ch->nheld = 0;
}

/*
 * Under tx_lock: a heal gave @req up (it is completed) while the peer
 * may still be writing its answer into @req's buffer: the wire's reference
 * stays, and with it the slot and the buffer, until
 * hshm_sched_release_held().  A peer that never comes back must not pin
 * the pool: past half the slots the oldest is given back anyway (a peer
 * silent for that many heals is taken for dead).
 */
static void hshm_sched_hold(struct hshm_chan *ch, struct hshm_req *req)
{
	/* Whatever the peer writes there is cleared with the buffer. */
	req->dirty = req->nblocks << HSHM_BLOCK_SHIFT;
	list_add_tail(&req->resend_node, &ch->held);
	if (++ch->nheld <= ch->max_requests / 2)
		return;
	req = list_first_entry(&ch->held, struct hshm_req, resend_node);
	list_del_init(&req->resend_node);
	ch->nheld--;
	hshm_req_put(req);
}

/*
 * Under tx_lock: the peer is done with @req's entry.  Entries go back to
 * the end of the free list and are reused last: a late write of the peer
 * lands on a free entry (hshm_wire_tx_scrub()), and the entry a peer that
 * does not wait for busy has its head on (peers.md V1-7) is not filled
 * again before the next hand-over moves that head (D-3).
 */
static void hshm_sched_let_go(struct hshm_chan *ch, struct hshm_req *req)
{
	ch->cls[req->cls].nbatch--;
	hshm_wire_tx_put_tail(ch->tx, req->entry);
	hshm_req_put(req);
}

/*
 * Under tx_lock: @req, whose entry the peer left untouched and can no
 * longer read (hshm_wire_tx_withdraw()), goes back to the front of its
 * class, to be sent again (peers.md D-2); unless it completed meanwhile
 * (timeout, cancel), then it is let go.
 */
static void hshm_sched_resend(struct hshm_chan *ch, struct hshm_req *req)
{
	struct hshm_cls *c = &ch->cls[req->cls];

	c->nbatch--;
	hshm_wire_tx_put_tail(ch->tx, req->entry);
	/* Counted where it goes before it moves, as in the dispatch. */
	atomic_inc(&c->queued);
	if (atomic_cmpxchg(&req->state, HSHM_REQ_PEER, HSHM_REQ_QUEUED) !=
	    HSHM_REQ_PEER) {
		atomic_dec(&c->queued);
		hshm_req_put(req);
		return;
	}
	atomic_dec(&c->at_peer);
	atomic64_inc(&ch->resent);
	list_add_tail(&req->resend_node, &c->resend);
	set_bit(req->cls, &ch->ready);
}

static void hshm_sched_set_peer_state(struct hshm_chan *ch, int state)
{
	if (ch->peer_state == state)
		return;
	WRITE_ONCE(ch->peer_state, state);
	hshm_event_post(ch, HSHM_EV_PEER_STATE, HSHM_NR_CLASSES, 0, 0,
			state);
	dev_info_ratelimited(&ch->dev, "peer %s\n", hshm_peer_state_names[state]);
}

/*
 * Under tx_lock: give back the untouched entries of the batch (flag
 * still 0, hshm_wire_tx_untouched()) but the one the peer's head is on: a
 * peer that does not wait for busy serves that one next, or is serving it
 * now.  Each is withdrawn first (length 0, full barrier), then the head
 * read again: the peer either read an entry before its withdrawal, and
 * then its head is on it (restored and kept), or it never sees it valid
 * again.  Returns the number given back.
 */
static unsigned int hshm_sched_give_back(struct hshm_chan *ch)
{
	u16 head = hshm_wire_tx_peer_head(ch->tx), head2;
	unsigned int n = 0;
	u32 i;

	for (i = 0; i < ch->nbatch; i++) {
		struct hshm_req *req = ch->batch[i];

		if (req && req->entry != head &&
		    hshm_wire_tx_untouched(ch->tx, req->entry))
			hshm_wire_tx_withdraw(ch->tx, req->entry);
	}
	head2 = hshm_wire_tx_peer_head(ch->tx);
	for (i = 0; i < ch->nbatch; i++) {
		struct hshm_req *req = ch->batch[i];

		if (!req || req->entry == head ||
		    !hshm_wire_tx_untouched(ch->tx, req->entry))
			continue;
		if (req->entry == head2) {
			/* Moved onto it meanwhile: it may be served. */
			hshm_wire_tx_restore(ch->tx, req->entry, req->length);
			continue;
		}
		ch->batch[i] = NULL;
		ch->npending--;
		hshm_sched_resend(ch, req);
		n++;
	}
	return n;
}

static int hshm_reply_status(u8 result)
{
	switch (result) {
	case HSHM_WIRE_RESULT_SUCCESS:
		return 0;
	case HSHM_WIRE_RESULT_FAIL:
		return -EREMOTEIO;
	case HSHM_WIRE_RESULT_NOSERVICE:
		return -EOPNOTSUPP;
	default:
		return -EPROTO;
	}
}

/*
 * Under tx_lock: count bad data of @kind, @n times.  Spurious answers
 * and header fields are repaired where they are found; the other kinds
 * count towards a heal.
 */
static void hshm_sched_fault(struct hshm_chan *ch, enum hshm_fault kind,
			     unsigned int n)
{
	if (!n)
		return;
	atomic64_add(n, &ch->faults[kind]);
	/* Skipped entries are sent again; hand-overs with none served count. */
	if (kind != HSHM_FAULT_SPURIOUS && kind != HSHM_FAULT_BAD_HEADER &&
	    kind != HSHM_FAULT_SKIPPED)
		ch->bad_run += n;
}

/* The fault an unusable poll result stands for; -1 for a valid answer. */
static int hshm_poll_fault(enum hshm_wire_status st)
{
	switch (st) {
	case HSHM_WIRE_DONE:
		return -1;
	case HSHM_WIRE_BAD_FLAG:
		return HSHM_FAULT_BAD_FLAG;
	case HSHM_WIRE_BAD_LENGTH:
		return HSHM_FAULT_BAD_LENGTH;
	case HSHM_WIRE_BAD_RESULT:
		return HSHM_FAULT_BAD_RESULT;
	default:
		return HSHM_FAULT_SKIPPED;
	}
}

/*
 * Under tx_lock, at the end of a hand-over of ch->nbatch messages of
 * which the peer served ch->nserved: learn how many the peer serves per
 * hand-over (peers.md D-2).  Fewer served than handed over: that many
 * from now on.  All of a full hand-over served HSHM_LEARN_PROBE times in
 * a row: try twice as many.  None served teaches nothing about the size
 * (a peer that reset its head, or restarted) but counts as an invalid
 * observation towards a heal.
 */
#define HSHM_LEARN_PROBE	64

static void hshm_sched_learn(struct hshm_chan *ch)
{
	u32 max = READ_ONCE(ch->batch_max);

	if (!ch->nserved) {
		ch->bad_run++;
		return;
	}
	if (ch->nserved < ch->nbatch) {
		WRITE_ONCE(ch->learned, ch->nserved);
		ch->full_runs = 0;
		return;
	}
	if (ch->nbatch < ch->learned)
		return;
	if (++ch->full_runs >= HSHM_LEARN_PROBE && ch->learned < max) {
		WRITE_ONCE(ch->learned, min(ch->learned * 2, max));
		ch->full_runs = 0;
	}
}

/*
 * Under tx_lock: the peer went idle and what is left of the batch is the
 * one untouched entry its head is on (hshm_sched_give_back() kept it):
 * hand that entry over again, on its own, until it is served or the
 * batch's deadline heals the queue.
 */
static void hshm_sched_again(struct hshm_chan *ch)
{
	u16 head = hshm_wire_tx_peer_head(ch->tx);
	u32 i;

	for (i = 0; i < ch->nbatch; i++) {
		struct hshm_req *req = ch->batch[i];

		if (req && req->entry == head &&
		    hshm_wire_tx_untouched(ch->tx, req->entry)) {
			hshm_wire_tx_handover_again(ch->tx, req->entry);
			ch->ops->ring(ch);
			return;
		}
	}
}

/*
 * Complete the entries of the batch the peer has answered, in batch order,
 * which is the order a v1 peer serves them in.  With @in_order, while the
 * peer is busy (!@idle) an entry not answered yet ends the walk: the peer
 * may answer the next ones while this walk runs, and their completions
 * must not be posted before the earlier entry's.  Of each entry only flag
 * and length are read (hshm_wire_tx_poll()); its index and the capacity
 * of its buffer are the driver's own.
 *
 * {dealt, result "none"} while the peer is busy is an answer being
 * written in two steps (peers.md V1-8, D-4): looked at again later; once
 * the peer is idle it is final, and a bad answer.
 */
static bool hshm_sched_reap_entries(struct hshm_chan *ch, bool idle,
				    bool in_order)
{
	bool progress = false;
	u32 i;

	for (i = 0; i < ch->nbatch && ch->npending; i++) {
		struct hshm_req *req = ch->batch[i];
		struct hshm_wire_reply reply;
		enum hshm_wire_status st;
		int status, fault;
		u32 resp_len = 0;
		u8 result = HSHM_WIRE_RESULT_NONE;

		if (!req)
			continue;
		st = hshm_wire_tx_poll(ch->tx, req->entry,
				       req->nblocks << HSHM_BLOCK_SHIFT, &reply);
		/*
		 * A busy peer's answer is taken once its head has left the
		 * entry: until then it may still be writing there (a heal
		 * takes what there is).
		 */
		if (st == HSHM_WIRE_PENDING ||
		    (st == HSHM_WIRE_BAD_RESULT && !idle) ||
		    (in_order && !idle &&
		     !hshm_wire_tx_settled(ch->tx, req->entry))) {
			if (in_order && !idle)
				break;
			continue;
		}
		fault = hshm_poll_fault(st);
		ch->nserved++;
		/* What it wrote is cleared with the buffer, answer or not. */
		req->dirty = fault < 0 ? max(req->dirty, reply.length) :
			     req->nblocks << HSHM_BLOCK_SHIFT;
		if (fault < 0) {
			resp_len = reply.length;
			result = reply.result;
			status = hshm_reply_status(reply.result);
			ch->bad_run = 0;
			hshm_sched_set_peer_state(ch, HSHM_PEER_READY);
			/* Served after the heals: done with what they gave up. */
			if (ch->nheld)
				hshm_sched_release_held(ch);
		} else {
			hshm_sched_fault(ch, fault, 1);
			atomic64_inc(&ch->bad_replies);
			status = -EPROTO;
		}
		/* Counted by hshm_req_finish(); the event is raised here. */
		if (hshm_req_answer(req, status, resp_len, result) && req->late)
			hshm_event_post(ch, HSHM_EV_SLA_VIOLATION, req->cls,
					req->latency_ns,
					(u64)READ_ONCE(ch->cls[req->cls].target_us) *
					NSEC_PER_USEC, 1);
		ch->batch[i] = NULL;
		ch->npending--;
		hshm_sched_let_go(ch, req);
		progress = true;
	}
	return progress;
}

/* Under tx_lock: enter or leave the busy mode (the file's comment). */
static void hshm_sched_set_busy(struct hshm_chan *ch, bool busy)
{
	lockdep_assert_held(&ch->tx_lock);
	WRITE_ONCE(ch->busy, busy);
}

/*
 * Complete what the peer answered.  Returns true if anything changed.
 * The mark is read once, before the entries, so that an entry the peer
 * skipped is told apart from one it has not reached yet.  Entries the
 * peer left untouched when it went idle are sent again
 * (hshm_sched_give_back()).
 */
static bool hshm_sched_reap(struct hshm_chan *ch)
{
	bool idle, progress;
	unsigned int skipped;
	u32 mark;

	lockdep_assert_held(&ch->tx_lock);
	if (!ch->batch_out)
		return false;
	mark = hshm_wire_tx_mark(ch->tx);
	idle = mark == HSHM_WIRE_MARK_IDLE;
	if (!idle && mark != HSHM_WIRE_MARK_BUSY)
		hshm_sched_fault(ch, HSHM_FAULT_BAD_MARK, 1);
	progress = hshm_sched_reap_entries(ch, idle, true);
	if (idle && ch->npending) {
		skipped = hshm_sched_give_back(ch);
		if (skipped) {
			hshm_sched_fault(ch, HSHM_FAULT_SKIPPED, skipped);
			hshm_event_post(ch, HSHM_EV_PEER_RESET,
					HSHM_NR_CLASSES, 0, 0, skipped);
			progress = true;
		}
		if (ch->npending)
			hshm_sched_again(ch);
	}
	if (!ch->npending && idle) {
		hshm_sched_learn(ch);
		/*
		 * Answers to entries that were never handed over, a few
		 * entries each time: a batch of one message does not pay for
		 * a walk of the whole queue.
		 */
		hshm_sched_fault(ch, HSHM_FAULT_SPURIOUS,
				 hshm_wire_tx_scrub_some(ch->tx,
							 HSHM_SCRUB_STEP +
							 2 * ch->nbatch));
		ch->nbatch = 0;
		WRITE_ONCE(ch->batch_out, false);
		/* Pairs with the barrier in hshm_sched_flush(). */
		smp_mb();
		/* Requests waited behind the batch: busy until they drain. */
		if (hshm_backlog_mask(ch))
			hshm_sched_set_busy(ch, true);
		progress = true;
	}
	return progress;
}

/**
 * hshm_sched_heal() - reset the queue with a peer that broke the protocol
 * @ch: channel, with @ch->tx_lock held (the dispatcher thread)
 * @reason: what went wrong, for the log
 *
 * The requests of the batch at the peer whose entries it left untouched,
 * but the one its head is on, are sent again (hshm_sched_give_back());
 * every other completes with -ECONNRESET (the connection with the peer
 * was reset; whether the service ran is unknown), unless it has
 * completed already (its
 * timer, a cancel): hshm_req_finish() decides once.  All entries are
 * taken back and the queue is initialised again
 * (hshm_wire_tx_reset()), the entries of the abandoned batch reused last;
 * the peer finds it idle and serves the next batch from there.  The
 * requests given up keep their slot and buffer (hshm_sched_hold()): a
 * peer that is slow, not dead, may still write into them.  Requests
 * still queued stay queued.  The heal is counted (heals in sysfs).
 *
 * This is the one place a heal happens; it raises the "heal" netlink event.
 */
void hshm_sched_heal(struct hshm_chan *ch, const char *reason)
{
	unsigned int nlast = 0, failed = 0, resent;
	u32 i;

	lockdep_assert_held(&ch->tx_lock);
	/* What the peer did answer, whatever the order, is not given up. */
	hshm_sched_reap_entries(ch, false, false);
	resent = hshm_sched_give_back(ch);
	for (i = 0; i < ch->nbatch; i++) {
		struct hshm_req *req = ch->batch[i];

		if (!req)
			continue;
		failed += hshm_req_finish(req, -ECONNRESET);
		ch->heal_last[nlast++] = req->entry;
		ch->cls[req->cls].nbatch--;
		ch->batch[i] = NULL;
		hshm_sched_hold(ch, req);
	}
	hshm_wire_tx_reset(ch->tx, ch->heal_last, nlast);
	ch->nbatch = 0;
	ch->npending = 0;
	ch->bad_run = 0;
	ch->stalled = false;
	WRITE_ONCE(ch->batch_out, false);
	/* Pairs with the barrier in hshm_sched_flush(). */
	smp_mb();
	atomic64_inc(&ch->heals);
	hshm_event_post(ch, HSHM_EV_HEAL, HSHM_NR_CLASSES, 0, 0, failed);
	dev_warn_ratelimited(&ch->dev,
			     "peer: %s; queue reset, %u of %u requests at the peer failed, %u sent again\n",
			     reason, failed, nlast + resent, resent);
}

/*
 * How long a batch may stay at the peer, or the peer stay busy between
 * batches, before the queue is healed: the channel's default request
 * timeout, but never less than HSHM_HEAL_MIN_MS, so that a short default
 * timeout does not make a slow peer look hung.
 */
static unsigned long hshm_heal_timeout(struct hshm_chan *ch)
{
	return msecs_to_jiffies(max_t(u32, READ_ONCE(ch->timeout_ms),
				      HSHM_HEAL_MIN_MS));
}

/*
 * Give up on a peer that does not follow the protocol: a batch at the peer
 * past its deadline, a peer that does not go idle between batches for as
 * long, or HSHM_WIRE_HEAL_RUN invalid observations in a row.
 */
static void hshm_sched_watchdog(struct hshm_chan *ch)
{
	unsigned long now = jiffies;
	u32 mark;

	if (ch->bad_run >= HSHM_WIRE_HEAL_RUN) {
		hshm_sched_heal(ch, "invalid answers or marks in a row");
		return;
	}
	if (ch->batch_out) {
		if (time_after(now, ch->batch_deadline)) {
			hshm_sched_set_peer_state(ch, HSHM_PEER_LOST);
			hshm_sched_heal(ch, "batch not answered in time");
		}
		return;
	}
	/* Closed, waiting for the peer: 0xEEEEEEEE is this side's own mark. */
	if (!ch->open || !hshm_backlog_mask(ch)) {
		ch->stalled = false;
		return;
	}
	mark = hshm_wire_tx_mark(ch->tx);
	if (mark == HSHM_WIRE_MARK_IDLE) {
		ch->stalled = false;
		return;
	}
	/* No batch is out: the peer has no reason not to be idle. */
	hshm_sched_fault(ch, HSHM_FAULT_BAD_MARK, 1);
	if (!ch->stalled) {
		ch->stalled = true;
		ch->stall_since = now;
	} else if (time_after(now, ch->stall_since + hshm_heal_timeout(ch))) {
		hshm_sched_set_peer_state(ch, HSHM_PEER_LOST);
		hshm_sched_heal(ch, "queue not idle between batches");
	}
}

/* Under tx_lock: the pickers follow what sysfs or netlink set. */
static void hshm_sched_refresh_weights(struct hshm_chan *ch)
{
	u32 base = READ_ONCE(ch->drr_quantum);
	u16 w[HSHM_NR_CLASSES];
	unsigned int c;

	hshm_sched_get_weights(ch, w);
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		if (w[c] != ch->wrr.weight[c])
			break;
	if (c == HSHM_NR_CLASSES && base == ch->drr_base)
		return;
	hshm_wrr_set_weights(&ch->wrr, w);
	hshm_drr_set_quantum(&ch->drr, w, base);
	ch->drr_base = base;
}

/* Under tx_lock: the class the scheduler serves next, of @mask. */
static int hshm_sched_pick(struct hshm_chan *ch, int mode, unsigned int mask)
{
	switch (mode) {
	case HSHM_SCHED_FIFO:
		return hshm_fifo_pick(ch, mask);
	case HSHM_SCHED_DRR:
		return hshm_drr_pick(&ch->drr, mask);
	default:
		return hshm_wrr_pick(&ch->wrr, mask);
	}
}

static bool hshm_rt_active(struct hshm_chan *ch, ktime_t now)
{
	struct hshm_cls *rt = &ch->cls[HSHM_CLASS_REALTIME];

	return atomic_read(&rt->queued) || atomic_read(&rt->at_peer) ||
	       ktime_to_ns(ktime_sub(now, READ_ONCE(ch->rt_seen))) <
	       HSHM_RT_ACTIVE_NS;
}

/*
 * Under tx_lock: what the peer-owned queue says.  Its working_mark shows
 * a running owner (hshm_wire_mark_ready()) once the peer has started
 * (peers.md V1-4; hshm's peer initialises it): absent or lost becomes
 * ready when it starts showing one, ready becomes lost when it stops.
 */
static void hshm_sched_peer_look(struct hshm_chan *ch)
{
	bool present;

	if (!ch->layout.rxq_size)
		return;
	present = hshm_wire_mark_ready(hshm_wire_queue_mark((u8 *)ch->base +
							    ch->layout.rxq_off));
	/* A peer that (re)started writes nothing it held before. */
	if (present && !ch->peer_present)
		hshm_sched_release_held(ch);
	if (present && (!ch->peer_present || ch->peer_state == HSHM_PEER_ABSENT))
		hshm_sched_set_peer_state(ch, HSHM_PEER_READY);
	else if (!present && ch->peer_present)
		hshm_sched_set_peer_state(ch, HSHM_PEER_LOST);
	ch->peer_present = present;
}

/*
 * Under tx_lock: open the Linux-owned queue (mark it idle) for the first
 * batch, once the peer is ready or, with requests waiting, peer_wait_ms
 * after the first of them found it absent: the public client too goes on
 * after waiting (peers.md C-2).  Until then the queue is 0xEEEEEEEE, which
 * a v1 server starting meanwhile leaves alone (V1-3, D-1).
 */
static bool hshm_sched_open(struct hshm_chan *ch)
{
	if (!hshm_backlog_mask(ch))
		return false;
	if (ch->peer_state != HSHM_PEER_READY) {
		if (!ch->open_timing) {
			ch->open_timing = true;
			ch->open_by = jiffies +
				      msecs_to_jiffies(READ_ONCE(ch->peer_wait_ms));
		}
		if (time_before(jiffies, ch->open_by))
			return false;
		dev_info(&ch->dev, "no peer seen after %u ms: sending anyway\n",
			 READ_ONCE(ch->peer_wait_ms));
	}
	hshm_wire_tx_open(ch->tx);
	ch->open = true;
	return true;
}

/*
 * Build the next batch in scheduler order and hand it to the peer.  A
 * REALTIME request that arrives while a batch is at the peer waits for
 * that batch to end, so while REALTIME is active (queued, at the peer, or
 * submitted in the last HSHM_RT_ACTIVE_NS) batches are cut to
 * rt_batch_max.  The WRR order is the same, only cut shorter, so the
 * shares still follow the weights.
 */
static void hshm_sched_dispatch(struct hshm_chan *ch)
{
	int mode = READ_ONCE(ch->sched_mode);
	bool fifo = mode == HSHM_SCHED_FIFO;
	u32 max = READ_ONCE(ch->batch_max);
	ktime_t now = ktime_get();
	unsigned long deadline;
	unsigned int mask;

	lockdep_assert_held(&ch->tx_lock);
	if (ch->batch_out || (!ch->open && !hshm_sched_open(ch)) ||
	    !hshm_wire_tx_peer_idle(ch->tx))
		return;
	deadline = jiffies + hshm_heal_timeout(ch);
	if (!fifo && hshm_rt_active(ch, now))
		max = min(max, READ_ONCE(ch->rt_batch_max));
	max = min3(max, hshm_sched_handover(ch), (u32)ch->tx->nfree);
	ch->nserved = 0;
	hshm_sched_refresh_weights(ch);
	while (ch->nbatch < max && (mask = hshm_backlog_mask(ch))) {
		struct hshm_req *req;
		int c, entry;

		c = hshm_sched_pick(ch, mode, mask);
		if (c < 0)
			break;
		/* DRR sends the class's first request only if it fits */
		if (mode == HSHM_SCHED_DRR) {
			if (!hshm_cls_next(ch, c, &req, false))
				break;
			if (!hshm_drr_fits(&ch->drr, c, req->length, mask))
				continue;
		}
		if (!hshm_cls_next(ch, c, &req, true))
			break;
		if (hshm_should_shed(ch, req, now) &&
		    hshm_req_finish(req, -ETIME))
			hshm_event_post(ch, HSHM_EV_SHED, c, 0, 0, 1);
		/*
		 * Counted at the peer before it gets there, so that a
		 * timeout finishing it at once never takes at_peer below 0.
		 */
		atomic_inc(&ch->cls[c].at_peer);
		if (atomic_cmpxchg(&req->state, HSHM_REQ_QUEUED,
				   HSHM_REQ_PEER) != HSHM_REQ_QUEUED) {
			/* Cancelled, timed out or shed while queued. */
			atomic_dec(&ch->cls[c].at_peer);
			/* DRR charges only what is sent */
			if (mode == HSHM_SCHED_WRR)
				hshm_wrr_refund(&ch->wrr, c);
			hshm_req_put(req);
			continue;
		}
		if (mode == HSHM_SCHED_DRR)
			hshm_drr_charge(&ch->drr, c, req->length);
		hshm_race_window(HSHM_RACE_DISPATCH);
		atomic_dec(&ch->cls[c].queued);
		entry = hshm_wire_tx_get(ch->tx);
		if (WARN_ON_ONCE(entry < 0)) {
			hshm_req_finish(req, -EIO);
			hshm_req_put(req);
			break;
		}
		req->entry = entry;
		hshm_wire_tx_append(ch->tx, entry, req->service_id, req->offset,
				    req->length);
		ch->cls[c].nbatch++;
		ch->batch[ch->nbatch++] = req;
	}
	if (!ch->nbatch)
		return;
	ch->npending = ch->nbatch;
	ch->batch_deadline = deadline;
	WRITE_ONCE(ch->handed_at, jiffies);
	WRITE_ONCE(ch->batch_out, true);
	hshm_sched_fault(ch, HSHM_FAULT_BAD_HEADER,
			 hshm_wire_tx_check_header(ch->tx));
	hshm_wire_tx_handover(ch->tx);
	ch->ops->ring(ch);
}

/* Does a batch at the peer need polling, the reply interrupt or not? */
static bool hshm_sched_polled(struct hshm_chan *ch)
{
	return (ch->features & HSHM_FEAT_POLL) || ch->polling ||
	       !READ_ONCE(ch->profile)->rings;
}

/*
 * Under tx_lock, outside the dispatcher thread: complete what the peer
 * answered and, while the channel is quiet, hand the next batch over.
 * Returns false when the dispatcher thread has work: a batch ended with
 * requests waiting (busy now), nothing could be handed over (the queue is
 * closed, the peer not idle), or the batch handed over needs polling.
 */
static bool hshm_sched_step(struct hshm_chan *ch)
{
	hshm_sched_reap(ch);
	if (ch->batch_out)
		return true;
	if (!hshm_backlog_mask(ch)) {
		/* Drained: quiet again, whoever sees it first. */
		hshm_sched_set_busy(ch, false);
		return true;
	}
	if (ch->busy)
		return false;
	hshm_sched_dispatch(ch);
	if (!ch->batch_out)
		return false;
	atomic64_inc(&ch->direct_handovers);
	/* The thread may sleep with no timeout: someone looks anyway. */
	if (!timer_pending(&ch->watchdog))
		mod_timer(&ch->watchdog, jiffies + HSHM_IRQ_FALLBACK);
	return !hshm_sched_polled(ch);
}

/*
 * The short path (the file's comment): do the dispatcher's work in the
 * context at hand if the lock is free.  @irq: called for the reply
 * interrupt, whose arrival it records.  Returns false when the dispatcher
 * thread must be kicked.
 */
static bool hshm_sched_direct(struct hshm_chan *ch, bool irq)
{
	unsigned long flags;
	bool done;

	/* Before the thread runs, and after it stopped, it alone decides. */
	if (!READ_ONCE(ch->task) || READ_ONCE(ch->stopped))
		return false;
	/* A PREEMPT_RT kernel takes this lock in a thread only. */
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && in_hardirq())
		return false;
	if (!spin_trylock_irqsave(&ch->tx_lock, flags))
		return false;
	if (irq && test_and_clear_bit(HSHM_CHAN_IRQ, &ch->flags))
		ch->polling = false;
	done = hshm_sched_step(ch);
	spin_unlock_irqrestore(&ch->tx_lock, flags);
	return done;
}

/**
 * hshm_sched_notify() - the reply interrupt: complete what was answered
 * @ch: channel
 *
 * Any context, a hard interrupt included: in a task or, but on PREEMPT_RT,
 * in an interrupt the answers are completed here, unless someone else
 * holds the batches; else the dispatcher is kicked to do it.
 */
void hshm_sched_notify(struct hshm_chan *ch)
{
	set_bit(HSHM_CHAN_IRQ, &ch->flags);
	if (!hshm_sched_direct(ch, true))
		hshm_sched_kick(ch);
}

/**
 * hshm_sched_poll() - a caller waiting for an answer looks for it
 * @ch: channel
 * @req: the request it waits for
 *
 * Once the peer shows an answer (the request's entry written, or the
 * batch over) or when no batch is out, completes what the peer answered,
 * as the reply interrupt would, and while the channel is quiet hands the
 * next batch over; never waits for the lock.
 *
 * Context: task, inside the channel's SRCU read side.
 * Return: false if the dispatcher has work (hshm_sched_kick() it).
 */
bool hshm_sched_poll(struct hshm_chan *ch, struct hshm_req *req)
{
	/*
	 * Looked at without the lock, a hint: an entry that went to another
	 * request meanwhile makes one look too many.
	 */
	if (READ_ONCE(ch->batch_out) &&
	    hshm_wire_tx_mark(ch->tx) != HSHM_WIRE_MARK_IDLE &&
	    (atomic_read(&req->state) != HSHM_REQ_PEER ||
	     /* the entry is written under tx_lock: a hint, as said */
	     hshm_wire_tx_untouched(ch->tx, data_race(req->entry))))
		return true;
	return hshm_sched_direct(ch, false);
}

/**
 * hshm_sched_flush() - get what was queued on its way to the peer
 * @ch: channel
 *
 * When no batch is at the peer, the queued requests are handed over from
 * here if the channel is quiet (hshm_sched_direct()), else the dispatcher
 * is kicked; otherwise the end of the batch brings someone back anyway.
 *
 * Context: task, inside the channel's SRCU read side.
 */
void hshm_sched_flush(struct hshm_chan *ch)
{
	/* Pairs with the barrier after clearing batch_out. */
	smp_mb();
	if (!READ_ONCE(ch->batch_out) && !hshm_sched_direct(ch, false))
		hshm_sched_kick(ch);
}

/**
 * hshm_sched_enqueue() - queue a request in its class's kfifo
 * @ch: channel
 * @req: request holding its wire reference
 * @more: more requests follow, whose caller calls hshm_sched_flush()
 *	after the last: nothing is handed over yet
 *
 * Context: task, inside the channel's SRCU read side.
 */
void hshm_sched_enqueue(struct hshm_chan *ch, struct hshm_req *req, bool more)
{
	struct hshm_cls *c = &ch->cls[req->cls];

	spin_lock(&c->lock);
	hshm_kfifo(kfifo_put(&c->fifo, req));
	spin_unlock(&c->lock);
	hshm_ready_set(ch, req->cls);
	if (!more)
		hshm_sched_flush(ch);
}

/* How the dispatcher thread sleeps until it looks again. */
struct hshm_sleep {
	bool hr;
	long timeout;
	u32 ns;
};

/* Under tx_lock: how long the dispatcher may sleep, from what is out. */
static void hshm_sched_sleep_for(struct hshm_chan *ch, struct hshm_sleep *sl)
{
	sl->hr = false;
	sl->timeout = MAX_SCHEDULE_TIMEOUT;
	if (!ch->batch_out && !hshm_backlog_mask(ch)) {
		/* A peer not ready yet is looked for once a second. */
		if (ch->layout.rxq_size && ch->peer_state != HSHM_PEER_READY)
			sl->timeout = HZ;
	} else if (!ch->batch_out) {
		/* Backlog but the peer is not idle: look again later. */
		sl->timeout = HSHM_IRQ_FALLBACK;
	} else if (ch->cls[HSHM_CLASS_REALTIME].nbatch) {
		sl->hr = true;
		sl->ns = min_t(u32, ch->poll_ns, HSHM_RT_POLL_NS);
	} else if (hshm_sched_polled(ch)) {
		sl->hr = true;
		sl->ns = ch->poll_ns;
	} else {
		sl->timeout = HSHM_IRQ_FALLBACK;
	}
}

/* Sleep until kicked or until it is time to look; true on a timeout. */
static bool hshm_sched_wait(struct hshm_chan *ch, const struct hshm_sleep *sl)
{
	bool timed_out = false;

	set_current_state(TASK_INTERRUPTIBLE);
	if (test_and_clear_bit(HSHM_CHAN_KICK, &ch->flags) ||
	    kthread_should_stop()) {
		__set_current_state(TASK_RUNNING);
		return false;
	}
	if (sl->hr) {
		ktime_t t = ns_to_ktime(sl->ns);

		schedule_hrtimeout_range(&t, sl->ns / 4, HRTIMER_MODE_REL);
	} else if (sl->timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
	} else {
		timed_out = !schedule_timeout(sl->timeout);
	}
	__set_current_state(TASK_RUNNING);
	clear_bit(HSHM_CHAN_KICK, &ch->flags);
	/* With an interrupt on the way, the batch is not late. */
	return timed_out && !test_bit(HSHM_CHAN_IRQ, &ch->flags);
}

/* One look of the dispatcher thread, under tx_lock. */
static void hshm_sched_run(struct hshm_chan *ch, bool timed_out)
{
	bool progress;

	lockdep_assert_held(&ch->tx_lock);
	if (test_and_clear_bit(HSHM_CHAN_IRQ, &ch->flags))
		ch->polling = false;
	progress = hshm_sched_reap(ch);
	/*
	 * A batch found done by the fallback timer means its interrupt
	 * never came (a peer restarted without our vector, a lost
	 * message): poll until interrupts come back.
	 */
	if (timed_out && progress && (ch->features & HSHM_FEAT_IRQ) &&
	    !ch->polling) {
		atomic64_inc(&ch->lost_irqs);
		ch->polling = true;
	}
	/* Adaptive polling: fast while answers come, slower when not. */
	if (progress)
		ch->poll_ns = HSHM_POLL_MIN_NS;
	else if (ch->batch_out)
		ch->poll_ns = min_t(u32, ch->poll_ns * 2, HSHM_POLL_MAX_NS);
	hshm_sched_peer_look(ch);
	hshm_sched_watchdog(ch);
	hshm_sched_dispatch(ch);
	/* Drained: back to interrupts and the short path. */
	if (ch->busy && !ch->batch_out && !hshm_backlog_mask(ch))
		hshm_sched_set_busy(ch, false);
}

static int hshm_dispatcher(void *data)
{
	struct hshm_chan *ch = data;
	bool timed_out = false;
	struct hshm_sleep sl;

	while (!kthread_should_stop()) {
		spin_lock_irq(&ch->tx_lock);
		hshm_sched_run(ch, timed_out);
		hshm_sched_sleep_for(ch, &sl);
		spin_unlock_irq(&ch->tx_lock);
		timed_out = hshm_sched_wait(ch, &sl);
		/* The watchdog found a batch of the short path out too long. */
		if (test_and_clear_bit(HSHM_CHAN_WDOG, &ch->flags) &&
		    !test_bit(HSHM_CHAN_IRQ, &ch->flags))
			timed_out = true;
	}
	return 0;
}

/**
 * hshm_sched_start() - start the dispatcher thread of a channel
 * @ch: channel
 *
 * The thread runs from the start with the channel's struct
 * hshm_chan.thread_sched.
 *
 * Context: process; takes @ch->cfg_lock.
 * Return: 0, the error of kthread_create() or of sched_setattr_nocheck().
 */
int hshm_sched_start(struct hshm_chan *ch)
{
	struct task_struct *t;
	int ret;

	t = kthread_create(hshm_dispatcher, ch, "hshm%d-disp", ch->id);
	if (IS_ERR(t))
		return PTR_ERR(t);
	mutex_lock(&ch->cfg_lock);
	ret = hshm_sched_apply(t, &ch->thread_sched);
	if (ret) {
		mutex_unlock(&ch->cfg_lock);
		kthread_stop(t);
		return ret;
	}
	/* Kept until the channel is freed: a late kick finds a dead task. */
	get_task_struct(t);
	WRITE_ONCE(ch->task, t);
	mutex_unlock(&ch->cfg_lock);
	wake_up_process(t);
	return 0;
}

/**
 * hshm_sched_stop() - stop the dispatcher thread
 * @ch: channel
 *
 * Afterwards the caller owns the dispatcher's state.
 */
void hshm_sched_stop(struct hshm_chan *ch)
{
	if (ch->task && !ch->stopped)
		kthread_stop(ch->task);
	WRITE_ONCE(ch->stopped, true);
}

/**
 * hshm_sched_drain() - fail every queued and in-flight request
 * @ch: channel whose dispatcher is stopped and whose peer no longer
 *	touches the region
 */
void hshm_sched_drain(struct hshm_chan *ch)
{
	struct hshm_req *req;
	unsigned int c;
	u32 i;

	/* Nothing hands over or arms it any more. */
	timer_delete_sync(&ch->watchdog);
	spin_lock_irq(&ch->tx_lock);
	for (i = 0; i < ch->nbatch; i++) {
		req = ch->batch[i];
		if (!req)
			continue;
		hshm_req_finish(req, -ENODEV);
		req->dirty = req->nblocks << HSHM_BLOCK_SHIFT;
		ch->batch[i] = NULL;
		hshm_sched_let_go(ch, req);
	}
	ch->nbatch = 0;
	ch->npending = 0;
	WRITE_ONCE(ch->batch_out, false);
	/* The transport is stopped: the peer writes nothing any more. */
	hshm_sched_release_held(ch);
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		while (hshm_cls_next(ch, c, &req, true)) {
			hshm_req_finish(req, -ENODEV);
			hshm_req_put(req);
		}
	}
	spin_unlock_irq(&ch->tx_lock);
}
