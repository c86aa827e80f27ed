// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshmctl output: one call per field serves both forms.  A field has a
 * JSON key and a text format; either may be NULL, when the field has no
 * place in that form (the text tables put some in other units or leave
 * them out).  Objects and arrays nest in JSON and print nothing as text.
 * Below, the printer of each object: a device (list, status), its class
 * statistics.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "ctl.h"

#define PR_DEPTH	8

static struct {
	bool json;
	unsigned int depth;
	bool first[PR_DEPTH];
} pr;

void pr_init(bool json)
{
	pr.json = json;
	pr.depth = 0;
}

bool pr_json(void)
{
	return pr.json;
}

/* JSON: ", " between the members of the object or array open */
static void pr_key(const char *key)
{
	if (pr.depth && !pr.first[pr.depth - 1])
		fputs(", ", stdout);
	if (pr.depth)
		pr.first[pr.depth - 1] = false;
	if (key)
		printf("\"%s\": ", key);
}

static void pr_push(const char *key, char open)
{
	if (!pr.json)
		return;
	pr_key(key);
	putchar(open);
	if (pr.depth < PR_DEPTH)
		pr.first[pr.depth++] = true;
}

static void pr_pop(char close)
{
	if (!pr.json)
		return;
	putchar(close);
	if (pr.depth)
		pr.depth--;
}

void pr_list_open(void)
{
	pr_push(NULL, '[');
}

void pr_list_close(void)
{
	pr_pop(']');
	if (pr.json)
		putchar('\n');
}

void pr_obj_open(const char *key)
{
	pr_push(key, '{');
}

void pr_obj_close(void)
{
	pr_pop('}');
}

void pr_arr_open(const char *key)
{
	pr_push(key, '[');
}

void pr_arr_close(void)
{
	pr_pop(']');
}

/* One value: as @jfmt after "@key": in JSON, as @fmt in text. */
static void pr_value(const char *key, const char *jfmt, const char *fmt, ...)
{
	va_list ap;

	if (pr.json ? !key : !fmt)
		return;		/* not in this form */
	if (pr.json)
		pr_key(key);
	va_start(ap, fmt);
	vprintf(pr.json ? jfmt : fmt, ap);
	va_end(ap);
}

void pr_str(const char *key, const char *fmt, const char *s)
{
	pr_value(key, "\"%s\"", fmt, s);
}

void pr_u64(const char *key, const char *fmt, uint64_t v)
{
	pr_value(key, "%" PRIu64, fmt, v);
}

void pr_s64(const char *key, const char *fmt, int64_t v)
{
	pr_value(key, "%" PRId64, fmt, v);
}

void pr_bool(const char *key, bool v)
{
	if (pr.json && key) {
		pr_key(key);
		fputs(v ? "true" : "false", stdout);
	}
}

void pr_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* Names of the values the driver sends */

static const char *const fault_names[HSHM_FA_MAX + 1] = {
	[HSHM_FA_BAD_FLAG] = "bad_flag",
	[HSHM_FA_BAD_LENGTH] = "bad_length",
	[HSHM_FA_BAD_RESULT] = "bad_result",
	[HSHM_FA_SKIPPED] = "skipped",
	[HSHM_FA_BAD_MARK] = "bad_mark",
	[HSHM_FA_SPURIOUS] = "spurious",
	[HSHM_FA_BAD_HEADER] = "bad_header",
};

/* HSHM_NL_POLICY_*: the dispatcher thread's CPU scheduling policy */
const char *const ctl_policy_names[] = {
	[HSHM_NL_POLICY_OTHER] = "other",
	[HSHM_NL_POLICY_FIFO] = "fifo",
	[HSHM_NL_POLICY_RR] = "rr",
};

const unsigned int ctl_npolicies = HSHM_NL_POLICY_RR + 1;

/* HSHM_NL_PEER_*: what the driver last saw of its peer */
static const char *const peer_state_names[] = {
	[HSHM_NL_PEER_ABSENT] = "absent",
	[HSHM_NL_PEER_READY] = "ready",
	[HSHM_NL_PEER_LOST] = "lost",
};

const char *ctl_peer_state_name(uint8_t st)
{
	return st < ARRAY_SIZE(peer_state_names) ?
	       peer_state_names[st] : "unknown";
}

static const char *policy_name(uint8_t p)
{
	return p < ctl_npolicies ? ctl_policy_names[p] : "?";
}

/* Device: list */

void print_dev_list_header(void)
{
	pr_text("%-8s %-10s %-9s %8s %10s %9s\n", "DEVICE", "TRANSPORT",
		"NOTIFY", "ENTRIES", "DATA_KIB", "REQUESTS");
}

void print_dev_list(const struct hshm_nl_dev *d)
{
	bool irq = d->features & HSHM_FEAT_IRQ;

	pr_obj_open(NULL);
	pr_str("device", "%-8s", d->name);
	pr_u64("index", NULL, d->index);
	pr_str("transport", " %-10s", d->transport);
	pr_bool("interrupts", irq);
	pr_str(NULL, " %-9s", irq ? "interrupt" : "polling");
	pr_u64("queue_entries", " %8" PRIu64, d->entries);
	pr_u64("data_bytes", NULL, d->data_bytes);
	pr_u64(NULL, " %10" PRIu64, d->data_bytes >> 10);
	pr_u64("max_requests", " %9" PRIu64 "\n", d->max_requests);
	pr_obj_close();
}

/* Device: status (its configuration and that of its classes) */

static void print_peer(const struct hshm_nl_dev *d)
{
	pr_str("peer_profile", "  peer: profile %s", d->profile);
	pr_str("peer_state", ", %s", ctl_peer_state_name(d->peer_state));
	pr_u64("handover", NULL, d->handover);
	pr_u64("handover_learned", NULL, d->learned);
	pr_u64("peer_wait_ms", ", waited for up to %" PRIu64 " ms\n",
	       d->peer_wait_ms);
	if (d->handover)
		pr_text("  hand-over: %u messages (set), learned %u", d->handover,
			d->learned);
	else
		pr_text("  hand-over: auto (the profile's, else learned: %u)",
			d->learned);
	pr_u64("resent", ", resent %" PRIu64, d->resent);
	pr_u64("direct_handovers", ", direct %" PRIu64 "\n",
	       d->direct_handovers);
}

static void print_counters(const struct hshm_nl_dev *d)
{
	unsigned int c;

	pr_u64("bad_replies", "  bad_replies %" PRIu64, d->bad_replies);
	pr_u64("lost_irqs", ", lost_irqs %" PRIu64, d->lost_irqs);
	pr_u64("heals", ", heals %" PRIu64 "\n", d->heals);
	pr_obj_open("faults");
	pr_text("  faults:");
	for (c = 1; c < HSHM_FA_PAD; c++) {
		pr_text(" %s", fault_names[c]);
		pr_u64(fault_names[c], " %" PRIu64, d->faults[c]);
	}
	pr_text("\n");
	pr_obj_close();
}

static void print_class_config(const struct hshm_nl_dev *d)
{
	unsigned int c;

	pr_obj_open("classes");
	pr_text("  %-12s %7s %12s %10s %10s %8s\n", "CLASS", "WEIGHT",
		"RESERVATION", "SHED_US", "TARGET_US", "SPIN_US");
	for (c = 0; c < NCLS; c++) {
		const struct hshm_nl_cls *k = &d->cls[c];

		pr_obj_open(hshm_class_str(c));
		pr_text("  %-12s", hshm_class_str(c));
		pr_u64("weight", " %7" PRIu64, k->weight);
		pr_u64("reservation", " %11" PRIu64 "%%", k->reservation);
		pr_u64("shed_us", " %10" PRIu64, k->shed_us);
		pr_u64("target_us", " %10" PRIu64, k->target_us);
		pr_u64("spin_us", " %8" PRIu64 "\n", k->spin_us);
		pr_obj_close();
	}
	pr_obj_close();
}

void print_dev_status(const struct hshm_nl_dev *d)
{
	pr_obj_open(NULL);
	pr_str("device", "%s:", d->name);
	pr_str("transport", " transport %s", d->transport);
	pr_text(", %s, %u queue entries, %u KiB data, %u request slots\n",
		d->features & HSHM_FEAT_IRQ ? "interrupts" : "polling",
		d->entries, d->data_bytes >> 10, d->max_requests);
	pr_str("scheduler", "  scheduler %s", hshm_nl_sched_name(d->scheduler));
	if (d->drr_quantum)
		pr_u64("drr_quantum", " (drr quantum %" PRIu64 " B)",
		       d->drr_quantum);
	pr_u64("batch_max", ", batch_max %" PRIu64, d->batch_max);
	pr_u64("rt_batch_max", ", rt_batch_max %" PRIu64, d->rt_batch_max);
	pr_u64("timeout_ms", ", timeout %" PRIu64 " ms\n", d->timeout_ms);
	/* JSON has the counters before the thread and the peer, text after */
	if (pr_json())
		print_counters(d);
	if (d->has_thread) {
		pr_str("sched_policy", "  dispatcher thread: sched %s",
		       policy_name(d->sched_policy));
		pr_text(", %s", d->sched_policy == HSHM_NL_POLICY_OTHER ?
			"nice" : "priority");
		pr_s64("sched_priority", " %" PRId64 "\n", d->sched_priority);
	}
	if (d->has_peer)
		print_peer(d);
	if (!pr_json())
		print_counters(d);
	print_class_config(d);
	pr_obj_close();
}

/* Device: statistics of its classes */

static void print_hist(const struct hshm_nl_cls *c)
{
	unsigned int b, sb = c->hist_sub_bits;

	pr_arr_open("histogram");
	for (b = 0; b < hshm_hist_nbuckets(sb); b++) {
		if (!c->hist[b])
			continue;
		pr_obj_open(NULL);
		pr_u64("low_ns", NULL, hshm_hist_low(b, sb));
		pr_u64("high_ns", NULL, hshm_hist_high(b, sb));
		pr_text("    %12.3f..%-12.3f", hshm_hist_low(b, sb) / 1000.0,
			hshm_hist_high(b, sb) / 1000.0);
		pr_u64("count", " %" PRIu64 "\n", c->hist[b]);
		pr_obj_close();
	}
	pr_arr_close();
}

/* a latency: nanoseconds in JSON, microseconds with one decimal as text */
static void print_latency(const char *key, uint64_t ns)
{
	char buf[24];

	pr_u64(key, NULL, ns);
	snprintf(buf, sizeof(buf), "%.1f", ns / 1000.0);
	pr_str(NULL, " %9s", buf);
}

static void print_class_stats(unsigned int i, const struct hshm_nl_cls *c,
			      const struct hshm_nl_cls *prev, double dt)
{
	pr_obj_open(hshm_class_str(i));
	pr_text("  %-12s", hshm_class_str(i));
	pr_u64("submitted", " %10" PRIu64, c->submitted);
	pr_u64("completed", " %10" PRIu64, c->completed);
	pr_u64("failed", " %7" PRIu64, c->failed);
	pr_u64("cancelled", " %7" PRIu64, c->cancelled);
	pr_u64("dropped", " %7" PRIu64, c->dropped);
	/* (text: the queue before what is at the peer) */
	pr_u64("in_flight", NULL, c->in_flight);
	pr_u64("backlog", " %6" PRIu64, c->backlog);
	pr_u64(NULL, " %6" PRIu64, c->in_flight);
	pr_u64("sla_violations", " %6" PRIu64, c->sla);
	print_latency("p50_ns", c->p50);
	print_latency("p95_ns", c->p95);
	print_latency("p99_ns", c->p99);
	print_latency("max_ns", c->max);
	if (prev && dt > 0)
		pr_text(" %9.0f", (c->completed - prev->completed) / dt);
	pr_text("\n");
}

void print_dev_stats(const struct hshm_nl_dev *d,
		     const struct hshm_nl_dev *prev, double dt, bool hist)
{
	unsigned int i;

	pr_obj_open(NULL);
	pr_str("device", "%s", d->name);
	pr_text(" (%s, %s)\n", d->transport, hshm_nl_sched_name(d->scheduler));
	pr_text("  %-12s %10s %10s %7s %7s %7s %6s %6s %6s %9s %9s %9s %9s",
		"CLASS", "SUBMITTED", "COMPLETED", "FAILED", "CANCEL", "SHED",
		"QUEUED", "AT_PEER", "SLA", "P50_US", "P95_US", "P99_US",
		"MAX_US");
	if (prev)
		pr_text(" %9s", "REQ/S");
	pr_text("\n");
	pr_obj_open("classes");
	for (i = 0; i < NCLS; i++) {
		print_class_stats(i, &d->cls[i], prev ? &prev->cls[i] : NULL, dt);
		/* JSON: the histogram in its class; text: all below */
		if (hist && pr_json())
			print_hist(&d->cls[i]);
		pr_obj_close();
	}
	pr_obj_close();
	for (i = 0; hist && !pr_json() && i < NCLS; i++) {
		pr_text("  %s latency histogram (us: count)\n",
			hshm_class_str(i));
		print_hist(&d->cls[i]);
	}
	pr_obj_close();
}
