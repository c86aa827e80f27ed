// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm cfg: the settings of a channel, one setter each.
 *
 * sysfs (hshm_sysfs.c) and netlink (hshm_nl_cmd.c) change a channel
 * through these and nothing else, under ch->cfg_lock, so each range is
 * checked in one place and a value written through one reads back the
 * same through the other.  The dispatcher (hshm_sched.c) reads what they
 * publish without a lock: the weights as one word, the knobs as single
 * words (WRITE_ONCE/READ_ONCE), the profile as a pointer.
 */
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <uapi/linux/sched/types.h>

#include "hshm.h"

static u64 hshm_pack_weights(const u16 *w)
{
	return (u64)w[0] | (u64)w[1] << 16 | (u64)w[2] << 32 | (u64)w[3] << 48;
}

static void hshm_unpack_weights(u64 v, u16 *w)
{
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++)
		w[c] = (v >> (16 * c)) & 0xffff;
}

/**
 * hshm_sched_set_weights() - publish new weights to the dispatcher
 * @ch: channel
 * @w: %HSHM_NR_CLASSES validated weights
 *
 * The four weights change together: the dispatcher reads them as one word.
 */
void hshm_sched_set_weights(struct hshm_chan *ch, const u16 *w)
{
	atomic64_set(&ch->weights, hshm_pack_weights(w));
}

/**
 * hshm_sched_get_weights() - read the current weights
 * @ch: channel
 * @w: filled with %HSHM_NR_CLASSES weights
 */
void hshm_sched_get_weights(struct hshm_chan *ch, u16 *w)
{
	hshm_unpack_weights(atomic64_read(&ch->weights), w);
}

const char *const hshm_policy_names[HSHM_POLICY_NR] = {
	[HSHM_POLICY_OTHER] = "other",
	[HSHM_POLICY_FIFO] = "fifo",
	[HSHM_POLICY_RR] = "rr",
};

/**
 * hshm_sched_set_profile() - say which peer is on the other side
 * @ch: channel
 * @prof: a profile of hshm_peer_profile_get()
 *
 * Takes effect at the next hand-over: how many messages it carries
 * (struct hshm_peer_profile.handover, unless the handover setting says
 * otherwise) and whether the channel waits for the peer's interrupt or
 * polls (a profile whose peer never rings is polled).
 *
 * Context: process; @ch->cfg_lock held.
 * Return: 0.
 */
int hshm_sched_set_profile(struct hshm_chan *ch,
			   const struct hshm_peer_profile *prof)
{
	lockdep_assert_held(&ch->cfg_lock);
	WRITE_ONCE(ch->profile, prof);
	hshm_sched_kick(ch);
	return 0;
}

/*
 * The u32 knobs of a channel (enum hshm_knob): the field and its range;
 * max 0 is the number of queue entries.
 */
static const struct {
	size_t off;
	u32 min;
	u32 max;
} hshm_knobs[HSHM_KNOB_NR] = {
	[HSHM_KNOB_TIMEOUT_MS] = { offsetof(struct hshm_chan, timeout_ms),
				   1, HSHM_TIMEOUT_MAX_MS },
	[HSHM_KNOB_BATCH_MAX] = { offsetof(struct hshm_chan, batch_max), 1, 0 },
	[HSHM_KNOB_RT_BATCH_MAX] = { offsetof(struct hshm_chan, rt_batch_max),
				     1, 0 },
	[HSHM_KNOB_HANDOVER] = { offsetof(struct hshm_chan, handover), 0, 0 },
	[HSHM_KNOB_PEER_WAIT_MS] = { offsetof(struct hshm_chan, peer_wait_ms),
				     0, HSHM_TIMEOUT_MAX_MS },
	[HSHM_KNOB_DRR_QUANTUM] = { offsetof(struct hshm_chan, drr_quantum),
				    HSHM_DRR_QUANTUM_MIN, HSHM_DRR_QUANTUM_MAX },
};

static u32 *hshm_knob_field(struct hshm_chan *ch, enum hshm_knob k)
{
	return (u32 *)((u8 *)ch + hshm_knobs[k].off);
}

/**
 * hshm_knob_check() - is @v in the range of knob @k?
 * @ch: channel
 * @k: knob
 * @v: proposed value
 *
 * Return: 0, or -EINVAL if @v is out of the knob's range (the batch sizes
 * and the hand-over size are at most the queue's entries).
 */
int hshm_knob_check(struct hshm_chan *ch, enum hshm_knob k, u32 v)
{
	u32 max = hshm_knobs[k].max ?: ch->tx->n;

	return v < hshm_knobs[k].min || v > max ? -EINVAL : 0;
}

/**
 * hshm_knob_get() - the current value of knob @k
 * @ch: channel
 * @k: knob
 *
 * Return: the value, read once.
 */
u32 hshm_knob_get(struct hshm_chan *ch, enum hshm_knob k)
{
	return READ_ONCE(*hshm_knob_field(ch, k));
}

/**
 * hshm_knob_set() - set knob @k, for sysfs and netlink alike
 * @ch: channel
 * @k: knob
 * @v: new value
 *
 * The dispatcher is kicked so that a batch size or a wait takes effect at
 * once.
 *
 * Context: process; @ch->cfg_lock held.
 * Return: 0, or -EINVAL from hshm_knob_check() (nothing changed).
 */
int hshm_knob_set(struct hshm_chan *ch, enum hshm_knob k, u32 v)
{
	int ret;

	lockdep_assert_held(&ch->cfg_lock);
	ret = hshm_knob_check(ch, k, v);
	if (ret)
		return ret;
	WRITE_ONCE(*hshm_knob_field(ch, k), v);
	hshm_sched_kick(ch);
	return 0;
}

/**
 * hshm_sched_set_mode() - choose the class picker
 * @ch: channel
 * @mode: the scheduler
 *
 * Switching is safe under load: the pickers only choose the order in
 * which the class queues are taken from, and the new one starts from
 * its own state at the next pick.
 *
 * Context: process; @ch->cfg_lock held.
 */
void hshm_sched_set_mode(struct hshm_chan *ch, enum hshm_sched_kind mode)
{
	lockdep_assert_held(&ch->cfg_lock);
	WRITE_ONCE(ch->sched_mode, mode);
	hshm_sched_kick(ch);
}

/* Where class knob @k of class @cls lives. */
static u32 *hshm_cls_knob_ptr(struct hshm_chan *ch, unsigned int cls,
			      enum hshm_cls_knob k)
{
	struct hshm_cls *c = &ch->cls[cls];

	switch (k) {
	case HSHM_CLS_KNOB_SHED_US:
		return &c->shed_us;
	case HSHM_CLS_KNOB_TARGET_US:
		return &c->target_us;
	default:
		return &c->spin_us;
	}
}

/**
 * hshm_cls_knob_check() - may class @cls's knob @k take the value @v?
 * @cls: class
 * @k: the knob
 * @v: proposed value
 *
 * shed_us must be 0 for the classes that are never shed
 * (hshm_shed_allowed()); spin_us is at most %HSHM_SPIN_US_MAX; target_us
 * takes any value.
 *
 * Return: 0, -EINVAL (shed_us) or -ERANGE (spin_us).
 */
int hshm_cls_knob_check(unsigned int cls, enum hshm_cls_knob k, u32 v)
{
	if (k == HSHM_CLS_KNOB_SHED_US && !hshm_shed_allowed(cls, v))
		return -EINVAL;
	if (k == HSHM_CLS_KNOB_SPIN_US && v > HSHM_SPIN_US_MAX)
		return -ERANGE;
	return 0;
}

/**
 * hshm_cls_knob_get() - read a knob of a class
 * @ch: channel
 * @cls: class
 * @k: the knob
 *
 * Return: its value, read without a lock as its users read it.
 */
u32 hshm_cls_knob_get(struct hshm_chan *ch, unsigned int cls,
		      enum hshm_cls_knob k)
{
	return READ_ONCE(*hshm_cls_knob_ptr(ch, cls, k));
}

/**
 * hshm_cls_knob_set() - set a knob of a class
 * @ch: channel
 * @cls: class
 * @k: the knob
 * @v: its new value, hshm_cls_knob_check()ed here
 *
 * Context: process; @ch->cfg_lock held.
 * Return: 0 or the error of hshm_cls_knob_check(); nothing changes then.
 */
int hshm_cls_knob_set(struct hshm_chan *ch, unsigned int cls,
		      enum hshm_cls_knob k, u32 v)
{
	int ret;

	lockdep_assert_held(&ch->cfg_lock);
	ret = hshm_cls_knob_check(cls, k, v);
	if (!ret)
		WRITE_ONCE(*hshm_cls_knob_ptr(ch, cls, k), v);
	return ret;
}

/**
 * hshm_sched_handover() - most messages the next hand-over carries
 * @ch: channel
 *
 * The handover setting if not 0, else the profile's if not 0, else what
 * was learned from the peer; never more than batch_max.
 *
 * Return: a number from 1 to batch_max.
 */
u32 hshm_sched_handover(struct hshm_chan *ch)
{
	const struct hshm_peer_profile *prof = READ_ONCE(ch->profile);
	u32 max = READ_ONCE(ch->batch_max);
	u32 n = READ_ONCE(ch->handover);

	if (!n)
		n = prof->handover;
	if (!n)
		n = READ_ONCE(ch->learned);
	return clamp_t(u32, n, 1, max);
}

static bool hshm_policy_is_rt(int policy)
{
	return policy == HSHM_POLICY_FIFO || policy == HSHM_POLICY_RR;
}

/**
 * hshm_sched_thread_resolve() - the dispatcher setting a change gives
 * @ch: channel
 * @policy: the new policy (enum hshm_thread_policy), or NULL to keep the
 *	current one
 * @prio: the new priority, or NULL: the current one if it means the same
 *	under the new policy (a real-time priority between fifo and rr, a
 *	nice value under other), else the new policy's default
 *	(%HSHM_THREAD_RT_PRIO_DEFAULT for fifo and rr, nice 0 for other)
 * @ts: the resulting setting; changes nothing in @ch
 *
 * The one place the ranges are checked: a real-time priority from 1 to
 * 99 (MAX_RT_PRIO - 1) under fifo and rr, a nice value from -20 to 19
 * under other.
 *
 * Context: process; @ch->cfg_lock held.
 * Return: 0, or -EINVAL for an unknown policy or a priority out of range
 * for the policy.
 */
int hshm_sched_thread_resolve(struct hshm_chan *ch, const int *policy,
			      const int *prio, struct hshm_thread_sched *ts)
{
	const struct hshm_thread_sched *cur = &ch->thread_sched;

	lockdep_assert_held(&ch->cfg_lock);
	ts->policy = policy ? *policy : cur->policy;
	if (ts->policy < 0 || ts->policy >= HSHM_POLICY_NR)
		return -EINVAL;
	if (prio)
		ts->prio = *prio;
	else if (hshm_policy_is_rt(ts->policy) == hshm_policy_is_rt(cur->policy))
		ts->prio = cur->prio;
	else
		ts->prio = hshm_policy_is_rt(ts->policy) ?
			   HSHM_THREAD_RT_PRIO_DEFAULT : 0;
	if (hshm_policy_is_rt(ts->policy))
		return ts->prio >= 1 && ts->prio <= MAX_RT_PRIO - 1 ? 0 : -EINVAL;
	return ts->prio >= MIN_NICE && ts->prio <= MAX_NICE ? 0 : -EINVAL;
}

/**
 * hshm_sched_apply() - give a thread a policy and priority
 * @t: the dispatcher thread
 * @ts: the setting, from hshm_sched_thread_resolve()
 *
 * Return: 0 or the error of sched_setattr_nocheck().
 */
int hshm_sched_apply(struct task_struct *t, const struct hshm_thread_sched *ts)
{
	struct sched_attr attr = { .size = sizeof(attr) };

	switch (ts->policy) {
	case HSHM_POLICY_FIFO:
		attr.sched_policy = SCHED_FIFO;
		attr.sched_priority = ts->prio;
		break;
	case HSHM_POLICY_RR:
		attr.sched_policy = SCHED_RR;
		attr.sched_priority = ts->prio;
		break;
	default:
		attr.sched_policy = SCHED_NORMAL;
		attr.sched_nice = ts->prio;
		break;
	}
	return sched_setattr_nocheck(t, &attr);
}

/**
 * hshm_sched_set_thread() - change the dispatcher's policy and priority
 * @ch: channel
 * @policy: as for hshm_sched_thread_resolve()
 * @prio: as for hshm_sched_thread_resolve()
 *
 * The setting applies at once to the running dispatcher and is kept for
 * any dispatcher started later (hshm_sched_start()).  The one setter of
 * sysfs and netlink.
 *
 * Context: process; @ch->cfg_lock held.
 * Return: 0; -EINVAL for a value out of range; or the error of
 * sched_setattr_nocheck().  Nothing changes on error.
 */
int hshm_sched_set_thread(struct hshm_chan *ch, const int *policy,
			  const int *prio)
{
	struct hshm_thread_sched ts;
	int ret;

	lockdep_assert_held(&ch->cfg_lock);
	ret = hshm_sched_thread_resolve(ch, policy, prio, &ts);
	if (ret)
		return ret;
	if (ch->task) {
		ret = hshm_sched_apply(ch->task, &ts);
		if (ret)
			return ret;
	}
	ch->thread_sched = ts;
	return 0;
}

/**
 * hshm_sched_get_thread() - read the dispatcher's policy and priority
 * @ch: channel
 * @ts: filled with the current setting, both fields from the same one
 *
 * Context: process; takes @ch->cfg_lock.
 */
void hshm_sched_get_thread(struct hshm_chan *ch, struct hshm_thread_sched *ts)
{
	mutex_lock(&ch->cfg_lock);
	*ts = ch->thread_sched;
	mutex_unlock(&ch->cfg_lock);
}
