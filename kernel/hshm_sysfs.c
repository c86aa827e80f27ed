// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm sysfs: QoS knobs and counters under /sys/class/hshm/hshmN/.
 *
 * Every attribute is documented in Documentation/ABI/testing/
 * sysfs-class-hshm.  A rejected write returns -EINVAL and changes nothing;
 * array attributes change all their values at once.  The service map, a
 * table of up to 65536 runs that no page holds, is netlink's alone
 * (hshm_nl_svc.c).
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "hshm.h"

#define HSHM_STATS_HEADER \
	"class submitted completed failed cancelled dropped in_flight backlog p50_ns p95_ns p99_ns max_ns\n"

/*
 * Parse exactly @n unsigned integers in [@min, @max], separated by white
 * space, with optional white space (a newline) at the end.
 */
static int hshm_parse_array(const char *buf, u32 *vals, unsigned int n,
			    u32 min, u32 max)
{
	char *copy, *cur, *tok;
	unsigned int i = 0;
	int ret = 0;

	copy = kstrndup(buf, PAGE_SIZE, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cur = strim(copy);
	while ((tok = strsep(&cur, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (i == n || kstrtou32(tok, 10, &vals[i]) ||
		    vals[i] < min || vals[i] > max) {
			ret = -EINVAL;
			break;
		}
		i++;
	}
	if (!ret && i != n)
		ret = -EINVAL;
	kfree(copy);
	return ret;
}

static struct hshm_chan *hshm_dev_chan(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t weights_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	u16 w[HSHM_NR_CLASSES];

	hshm_sched_get_weights(hshm_dev_chan(dev), w);
	return sysfs_emit(buf, "%u %u %u %u\n", w[0], w[1], w[2], w[3]);
}

static ssize_t weights_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t len)
{
	struct hshm_chan *ch = hshm_dev_chan(dev);
	u32 v[HSHM_NR_CLASSES];
	u16 w[HSHM_NR_CLASSES];
	unsigned int c;
	int ret;

	ret = hshm_parse_array(buf, v, HSHM_NR_CLASSES, HSHM_WEIGHT_MIN,
			       HSHM_WEIGHT_MAX);
	if (ret)
		return ret;
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		w[c] = v[c];
	mutex_lock(&ch->cfg_lock);
	hshm_sched_set_weights(ch, w);
	mutex_unlock(&ch->cfg_lock);
	return len;
}
static DEVICE_ATTR_RW(weights);

static ssize_t reservations_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	u8 p[HSHM_NR_CLASSES];

	hshm_pool_get_reservations(hshm_dev_chan(dev), p);
	return sysfs_emit(buf, "%u %u %u %u\n", p[0], p[1], p[2], p[3]);
}

static ssize_t reservations_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t len)
{
	struct hshm_chan *ch = hshm_dev_chan(dev);
	u32 v[HSHM_NR_CLASSES];
	u8 p[HSHM_NR_CLASSES];
	unsigned int c;
	int ret;

	ret = hshm_parse_array(buf, v, HSHM_NR_CLASSES, 0, 100);
	if (ret)
		return ret;
	for (c = 0; c < HSHM_NR_CLASSES; c++)
		p[c] = v[c];
	mutex_lock(&ch->cfg_lock);
	ret = hshm_pool_set_reservations(ch, p);
	mutex_unlock(&ch->cfg_lock);
	return ret ?: len;
}
static DEVICE_ATTR_RW(reservations);

/* Every scheduler, the current one in brackets: "[wrr] fifo drr". */
static ssize_t scheduler_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	int cur = READ_ONCE(hshm_dev_chan(dev)->sched_mode), len = 0;
	unsigned int k;

	for (k = 0; k < HSHM_NR_SCHEDS; k++)
		len += sysfs_emit_at(buf, len, k == cur ? "%s[%s]" : "%s%s",
				     k ? " " : "", hshm_sched_str(k));
	return len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t scheduler_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t len)
{
	struct hshm_chan *ch = hshm_dev_chan(dev);
	size_t n = len;
	int mode;

	if (n && buf[n - 1] == '\n')
		n--;
	mode = hshm_sched_lookup(buf, n);
	if (mode < 0)
		return mode;
	mutex_lock(&ch->cfg_lock);
	hshm_sched_set_mode(ch, mode);
	mutex_unlock(&ch->cfg_lock);
	return len;
}
static DEVICE_ATTR_RW(scheduler);

/* The CPU scheduling of the dispatcher thread: "[other] fifo rr". */
static ssize_t sched_policy_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct hshm_thread_sched ts;
	unsigned int p;
	int n = 0;

	hshm_sched_get_thread(hshm_dev_chan(dev), &ts);
	for (p = 0; p < HSHM_POLICY_NR; p++)
		n += sysfs_emit_at(buf, n, p == ts.policy ? "%s[%s]" : "%s%s",
				   p ? " " : "", hshm_policy_names[p]);
	return n + sysfs_emit_at(buf, n, "\n");
}

static ssize_t sched_policy_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t len)
{
	struct hshm_chan *ch = hshm_dev_chan(dev);
	int policy, ret;

	policy = sysfs_match_string(hshm_policy_names, buf);
	if (policy < 0)
		return -EINVAL;
	mutex_lock(&ch->cfg_lock);
	ret = hshm_sched_set_thread(ch, &policy, NULL);
	mutex_unlock(&ch->cfg_lock);
	return ret ?: len;
}
static DEVICE_ATTR_RW(sched_policy);

static ssize_t sched_priority_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct hshm_thread_sched ts;

	hshm_sched_get_thread(hshm_dev_chan(dev), &ts);
	return sysfs_emit(buf, "%d\n", ts.prio);
}

/* The priority under the current policy: hshm_sched_thread_resolve(). */
static ssize_t sched_priority_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t len)
{
	struct hshm_chan *ch = hshm_dev_chan(dev);
	int prio, ret;

	if (kstrtoint(buf, 10, &prio))
		return -EINVAL;
	mutex_lock(&ch->cfg_lock);
	ret = hshm_sched_set_thread(ch, NULL, &prio);
	mutex_unlock(&ch->cfg_lock);
	return ret ?: len;
}
static DEVICE_ATTR_RW(sched_priority);

static ssize_t stats_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct hshm_chan *ch = hshm_dev_chan(dev);
	struct hshm_class_snap s;
	unsigned int c;
	int n;

	n = sysfs_emit(buf, HSHM_STATS_HEADER);
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		hshm_stats_snapshot(ch, c, &s);
		n += sysfs_emit_at(buf, n,
				   "%s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
				   hshm_class_str(c), s.submitted, s.completed,
				   s.failed, s.cancelled, s.dropped, s.in_flight,
				   s.backlog, s.p50, s.p95, s.p99, s.max);
	}
	return n;
}
static DEVICE_ATTR_RO(stats);

static ssize_t stats_reset_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t len)
{
	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	hshm_stats_reset(hshm_dev_chan(dev));
	return len;
}
static DEVICE_ATTR_WO(stats_reset);

/**
 * struct hshm_field_attr - a device attribute backed by one channel field
 * @attr: the attribute
 * @off: offset of an atomic64_t counter in struct hshm_chan (read-only
 *	attributes)
 * @knob: the knob (enum hshm_knob) of a writable attribute
 */
struct hshm_field_attr {
	struct device_attribute attr;
	size_t off;
	enum hshm_knob knob;
};

static struct hshm_field_attr *to_fa(struct device_attribute *attr)
{
	return container_of(attr, struct hshm_field_attr, attr);
}

static void *hshm_field(struct device *dev, struct device_attribute *attr)
{
	return (u8 *)hshm_dev_chan(dev) + to_fa(attr)->off;
}

static ssize_t hshm_knob_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  hshm_knob_get(hshm_dev_chan(dev), to_fa(attr)->knob));
}

static ssize_t hshm_knob_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t len)
{
	struct hshm_chan *ch = hshm_dev_chan(dev);
	u32 v;
	int ret;

	if (kstrtou32(buf, 10, &v))
		return -EINVAL;
	mutex_lock(&ch->cfg_lock);
	ret = hshm_knob_set(ch, to_fa(attr)->knob, v);
	mutex_unlock(&ch->cfg_lock);
	return ret ?: len;
}

static ssize_t hshm_u32_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(*(u32 *)hshm_field(dev, attr)));
}

static ssize_t hshm_counter_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read((atomic64_t *)hshm_field(dev, attr)));
}

static struct hshm_field_attr hshm_attr_timeout_ms = {
	.attr = __ATTR(timeout_ms, 0644, hshm_knob_show, hshm_knob_store),
	.knob = HSHM_KNOB_TIMEOUT_MS,
};

static struct hshm_field_attr hshm_attr_batch_max = {
	.attr = __ATTR(batch_max, 0644, hshm_knob_show, hshm_knob_store),
	.knob = HSHM_KNOB_BATCH_MAX,
};

static struct hshm_field_attr hshm_attr_rt_batch_max = {
	.attr = __ATTR(rt_batch_max, 0644, hshm_knob_show, hshm_knob_store),
	.knob = HSHM_KNOB_RT_BATCH_MAX,
};

static struct hshm_field_attr hshm_attr_drr_quantum = {
	.attr = __ATTR(drr_quantum, 0644, hshm_knob_show, hshm_knob_store),
	.knob = HSHM_KNOB_DRR_QUANTUM,
};

static struct hshm_field_attr hshm_attr_handover = {
	.attr = __ATTR(handover, 0644, hshm_knob_show, hshm_knob_store),
	.knob = HSHM_KNOB_HANDOVER,
};

static struct hshm_field_attr hshm_attr_handover_learned = {
	.attr = __ATTR(handover_learned, 0444, hshm_u32_show, NULL),
	.off = offsetof(struct hshm_chan, learned),
};

static struct hshm_field_attr hshm_attr_peer_wait_ms = {
	.attr = __ATTR(peer_wait_ms, 0644, hshm_knob_show, hshm_knob_store),
	.knob = HSHM_KNOB_PEER_WAIT_MS,
};

static struct hshm_field_attr hshm_attr_resent = {
	.attr = __ATTR(resent, 0444, hshm_counter_show, NULL),
	.off = offsetof(struct hshm_chan, resent),
};

static struct hshm_field_attr hshm_attr_direct_handovers = {
	.attr = __ATTR(direct_handovers, 0444, hshm_counter_show, NULL),
	.off = offsetof(struct hshm_chan, direct_handovers),
};

static struct hshm_field_attr hshm_attr_bad_replies = {
	.attr = __ATTR(bad_replies, 0444, hshm_counter_show, NULL),
	.off = offsetof(struct hshm_chan, bad_replies),
};

static struct hshm_field_attr hshm_attr_heals = {
	.attr = __ATTR(heals, 0444, hshm_counter_show, NULL),
	.off = offsetof(struct hshm_chan, heals),
};

static struct hshm_field_attr hshm_attr_lost_irqs = {
	.attr = __ATTR(lost_irqs, 0444, hshm_counter_show, NULL),
	.off = offsetof(struct hshm_chan, lost_irqs),
};

static ssize_t transport_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", hshm_dev_chan(dev)->ops->name);
}
static DEVICE_ATTR_RO(transport);

static ssize_t peer_state_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	int st = READ_ONCE(hshm_dev_chan(dev)->peer_state);

	return sysfs_emit(buf, "%s\n", hshm_peer_state_names[st]);
}
static DEVICE_ATTR_RO(peer_state);

static ssize_t peer_profile_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", READ_ONCE(hshm_dev_chan(dev)->profile)->name);
}

static ssize_t peer_profile_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t len)
{
	struct hshm_chan *ch = hshm_dev_chan(dev);
	const struct hshm_peer_profile *prof;
	char name[32];

	if (len >= sizeof(name))
		return -EINVAL;
	strscpy(name, buf, sizeof(name));
	prof = hshm_peer_profile_find(strim(name));
	if (!prof || !*strim(name))
		return -EINVAL;
	hshm_chan_set_profile(ch, prof);
	return len;
}
static DEVICE_ATTR_RW(peer_profile);

static struct attribute *hshm_chan_attrs[] = {
	&dev_attr_weights.attr,
	&dev_attr_reservations.attr,
	&dev_attr_scheduler.attr,
	&hshm_attr_drr_quantum.attr.attr,
	&dev_attr_sched_policy.attr,
	&dev_attr_sched_priority.attr,
	&dev_attr_stats.attr,
	&dev_attr_stats_reset.attr,
	&hshm_attr_timeout_ms.attr.attr,
	&hshm_attr_batch_max.attr.attr,
	&hshm_attr_rt_batch_max.attr.attr,
	&dev_attr_transport.attr,
	&hshm_attr_bad_replies.attr.attr,
	&hshm_attr_lost_irqs.attr.attr,
	&hshm_attr_heals.attr.attr,
	&dev_attr_peer_state.attr,
	&dev_attr_peer_profile.attr,
	&hshm_attr_peer_wait_ms.attr.attr,
	&hshm_attr_handover.attr.attr,
	&hshm_attr_handover_learned.attr.attr,
	&hshm_attr_resent.attr.attr,
	&hshm_attr_direct_handovers.attr.attr,
	NULL,
};

/* Attributes of every hshmN device; transports may add a group. */
const struct attribute_group hshm_chan_group = {
	.attrs = hshm_chan_attrs,
};

/*
 * faults/<kind>: one counter of enum hshm_fault per file (netlink's
 * HSHM_A_FAULTS nest carries the same counters).
 */
#define HSHM_FAULT_ATTR(_name, _kind)					\
static struct hshm_field_attr hshm_fault_##_name = {			\
	.attr = __ATTR(_name, 0444, hshm_counter_show, NULL),		\
	.off = offsetof(struct hshm_chan, faults[_kind]),		\
}

HSHM_FAULT_ATTR(bad_flag, HSHM_FAULT_BAD_FLAG);
HSHM_FAULT_ATTR(bad_length, HSHM_FAULT_BAD_LENGTH);
HSHM_FAULT_ATTR(bad_result, HSHM_FAULT_BAD_RESULT);
HSHM_FAULT_ATTR(skipped, HSHM_FAULT_SKIPPED);
HSHM_FAULT_ATTR(bad_mark, HSHM_FAULT_BAD_MARK);
HSHM_FAULT_ATTR(spurious, HSHM_FAULT_SPURIOUS);
HSHM_FAULT_ATTR(bad_header, HSHM_FAULT_BAD_HEADER);

static struct attribute *hshm_fault_attrs[] = {
	&hshm_fault_bad_flag.attr.attr,
	&hshm_fault_bad_length.attr.attr,
	&hshm_fault_bad_result.attr.attr,
	&hshm_fault_skipped.attr.attr,
	&hshm_fault_bad_mark.attr.attr,
	&hshm_fault_spurious.attr.attr,
	&hshm_fault_bad_header.attr.attr,
	NULL,
};

static_assert(ARRAY_SIZE(hshm_fault_attrs) == HSHM_FAULT_NR + 1);

/* The faults/ directory of every hshmN device. */
const struct attribute_group hshm_fault_group = {
	.name = "faults",
	.attrs = hshm_fault_attrs,
};

/* classes/<name>/: one value per file. */

/**
 * struct hshm_class_kobj - the sysfs directory of one class
 * @kobj: classes/<name>
 * @ch: channel
 * @cls: class
 */
struct hshm_class_kobj {
	struct kobject kobj;
	struct hshm_chan *ch;
	unsigned int cls;
};

static struct hshm_class_kobj *to_ck(struct kobject *kobj)
{
	return container_of(kobj, struct hshm_class_kobj, kobj);
}

static ssize_t hshm_class_stat_show(struct kobject *kobj, char *buf,
				    size_t field)
{
	struct hshm_class_kobj *ck = to_ck(kobj);
	struct hshm_class_snap s;

	hshm_stats_snapshot(ck->ch, ck->cls, &s);
	return sysfs_emit(buf, "%llu\n", *(u64 *)((u8 *)&s + field));
}

#define HSHM_CLASS_STAT(_name, _field)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return hshm_class_stat_show(kobj, buf,				\
			offsetof(struct hshm_class_snap, _field));	\
}									\
static struct kobj_attribute hshm_ca_##_name = __ATTR_RO(_name)

HSHM_CLASS_STAT(submitted, submitted);
HSHM_CLASS_STAT(completed, completed);
HSHM_CLASS_STAT(failed, failed);
HSHM_CLASS_STAT(cancelled, cancelled);
HSHM_CLASS_STAT(dropped, dropped);
HSHM_CLASS_STAT(in_flight, in_flight);
HSHM_CLASS_STAT(backlog, backlog);
HSHM_CLASS_STAT(sla_violations, late);
HSHM_CLASS_STAT(p50_ns, p50);
HSHM_CLASS_STAT(p95_ns, p95);
HSHM_CLASS_STAT(p99_ns, p99);
HSHM_CLASS_STAT(max_ns, max);

static ssize_t weight_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct hshm_class_kobj *ck = to_ck(kobj);
	u16 w[HSHM_NR_CLASSES];

	hshm_sched_get_weights(ck->ch, w);
	return sysfs_emit(buf, "%u\n", w[ck->cls]);
}

static ssize_t weight_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t len)
{
	struct hshm_class_kobj *ck = to_ck(kobj);
	u16 w[HSHM_NR_CLASSES];
	u32 v;

	if (kstrtou32(buf, 10, &v) || v < HSHM_WEIGHT_MIN || v > HSHM_WEIGHT_MAX)
		return -EINVAL;
	mutex_lock(&ck->ch->cfg_lock);
	hshm_sched_get_weights(ck->ch, w);
	w[ck->cls] = v;
	hshm_sched_set_weights(ck->ch, w);
	mutex_unlock(&ck->ch->cfg_lock);
	return len;
}

static struct kobj_attribute hshm_ca_weight = __ATTR_RW(weight);

static ssize_t reservation_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct hshm_class_kobj *ck = to_ck(kobj);
	u8 p[HSHM_NR_CLASSES];

	hshm_pool_get_reservations(ck->ch, p);
	return sysfs_emit(buf, "%u\n", p[ck->cls]);
}

static ssize_t reservation_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t len)
{
	struct hshm_class_kobj *ck = to_ck(kobj);
	u8 p[HSHM_NR_CLASSES];
	int ret;
	u8 v;

	if (kstrtou8(buf, 10, &v) || v > 100)
		return -EINVAL;
	mutex_lock(&ck->ch->cfg_lock);
	hshm_pool_get_reservations(ck->ch, p);
	p[ck->cls] = v;
	ret = hshm_pool_set_reservations(ck->ch, p);
	mutex_unlock(&ck->ch->cfg_lock);
	return ret ?: len;
}

static struct kobj_attribute hshm_ca_reservation = __ATTR_RW(reservation);

/**
 * struct hshm_class_knob_attr - a classes/<class>/ file of a class knob
 * @attr: the attribute
 * @knob: which, enum hshm_cls_knob
 */
struct hshm_class_knob_attr {
	struct kobj_attribute attr;
	int knob;
};

#define to_cka(a)	container_of(a, struct hshm_class_knob_attr, attr)

static ssize_t hshm_class_knob_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct hshm_class_kobj *ck = to_ck(kobj);

	return sysfs_emit(buf, "%u\n",
			  hshm_cls_knob_get(ck->ch, ck->cls, to_cka(attr)->knob));
}

/* The knob's own range is hshm_cls_knob_check()'s: EINVAL or ERANGE. */
static ssize_t hshm_class_knob_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t len)
{
	struct hshm_class_kobj *ck = to_ck(kobj);
	u32 v;
	int ret;

	if (kstrtou32(buf, 10, &v))
		return -EINVAL;
	mutex_lock(&ck->ch->cfg_lock);
	ret = hshm_cls_knob_set(ck->ch, ck->cls, to_cka(attr)->knob, v);
	mutex_unlock(&ck->ch->cfg_lock);
	return ret ?: len;
}

#define HSHM_CLASS_KNOB(_name, _knob)					\
static struct hshm_class_knob_attr hshm_ca_##_name = {			\
	.attr = __ATTR(_name, 0644, hshm_class_knob_show,		\
		       hshm_class_knob_store),				\
	.knob = _knob,							\
}

HSHM_CLASS_KNOB(shed_us, HSHM_CLS_KNOB_SHED_US);
HSHM_CLASS_KNOB(target_us, HSHM_CLS_KNOB_TARGET_US);
HSHM_CLASS_KNOB(spin_us, HSHM_CLS_KNOB_SPIN_US);

static struct attribute *hshm_class_attrs[] = {
	&hshm_ca_submitted.attr,
	&hshm_ca_completed.attr,
	&hshm_ca_failed.attr,
	&hshm_ca_cancelled.attr,
	&hshm_ca_dropped.attr,
	&hshm_ca_in_flight.attr,
	&hshm_ca_backlog.attr,
	&hshm_ca_sla_violations.attr,
	&hshm_ca_p50_ns.attr,
	&hshm_ca_p95_ns.attr,
	&hshm_ca_p99_ns.attr,
	&hshm_ca_max_ns.attr,
	&hshm_ca_weight.attr,
	&hshm_ca_reservation.attr,
	&hshm_ca_shed_us.attr.attr,
	&hshm_ca_target_us.attr.attr,
	&hshm_ca_spin_us.attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hshm_class);

static void hshm_class_kobj_release(struct kobject *kobj)
{
	kfree(to_ck(kobj));
}

static const struct kobj_type hshm_class_ktype = {
	.release	= hshm_class_kobj_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= hshm_class_groups,
};

/**
 * hshm_sysfs_add_classes() - create classes/<name>/ under the device
 * @ch: channel whose device is registered
 *
 * Return: 0 or a negative errno; nothing is left behind on error.
 */
int hshm_sysfs_add_classes(struct hshm_chan *ch)
{
	unsigned int c;
	int ret;

	ch->classes_kobj = kobject_create_and_add("classes", &ch->dev.kobj);
	if (!ch->classes_kobj)
		return -ENOMEM;
	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		struct hshm_class_kobj *ck = kzalloc(sizeof(*ck), GFP_KERNEL);

		if (!ck) {
			ret = -ENOMEM;
			goto undo;
		}
		ck->ch = ch;
		ck->cls = c;
		ret = kobject_init_and_add(&ck->kobj, &hshm_class_ktype,
					   ch->classes_kobj, "%s",
					   hshm_class_str(c));
		if (ret) {
			kobject_put(&ck->kobj);
			goto undo;
		}
		ch->cls[c].kobj = &ck->kobj;
	}
	return 0;

undo:
	hshm_sysfs_remove_classes(ch);
	return ret;
}

/**
 * hshm_sysfs_remove_classes() - remove classes/ and everything under it
 * @ch: channel
 *
 * Once this returns, no class attribute method runs any more.
 */
void hshm_sysfs_remove_classes(struct hshm_chan *ch)
{
	unsigned int c;

	for (c = 0; c < HSHM_NR_CLASSES; c++) {
		if (!ch->cls[c].kobj)
			continue;
		kobject_del(ch->cls[c].kobj);
		kobject_put(ch->cls[c].kobj);
		ch->cls[c].kobj = NULL;
	}
	kobject_put(ch->classes_kobj);
	ch->classes_kobj = NULL;
}
