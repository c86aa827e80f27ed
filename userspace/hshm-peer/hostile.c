// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm-peer --hostile: break the HyperAMP protocol on purpose.
 *
 * Every mode acts on a share of its opportunities (--hostile-rate percent
 * of the batches or messages) and counts each fault it injects.  The
 * corruption is of the kinds a driver can notice or need not care about;
 * a peer that answers a request it holds with a plausible wrong response
 * cannot be told from a correct one by anybody, and no mode does that.
 *
 *   corrupt-header   garbage in buf_size, empty_h, wait_h (fields only the
 *                    owner writes) and sometimes proc_ing_h, before serving
 *   corrupt-entries  garbage in nxt_idx and cur_idx of an entry of the
 *                    batch: the walk leaves the batch (skipped entries,
 *                    free entries answered)
 *   corrupt-flags    answers with reserved flag bits, or with
 *                    service_result "none"
 *   corrupt-lengths  answers "success" with a length no request's buffer
 *                    has
 *   corrupt-offsets  garbage offsets written into entries once read (the
 *                    driver must not read them back), or an offset
 *                    outside the data area before serving (answered fail)
 *   loop             the batch's last entry points back at its first
 *   answer-twice     answers again, before going idle, the entries of the
 *                    previous batch that are not in this one (free
 *                    entries of the owner by then)
 *   answer-unsent    answers entries that are not in the batch
 *   never-answer     leaves the batch busy, unanswered, while on
 *   flip-mark        goes idle in the middle of the batch and abandons
 *                    the rest; or holds an unknown working_mark while
 *                    serving; or leaves an unknown mark instead of idle
 *   vanish           exits in the middle of a batch
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostile.h"
#include "hshm_services.h"

const char *const hostile_names[HOSTILE_NR] = {
	[HOSTILE_CORRUPT_HEADER] = "corrupt-header",
	[HOSTILE_CORRUPT_ENTRIES] = "corrupt-entries",
	[HOSTILE_CORRUPT_FLAGS] = "corrupt-flags",
	[HOSTILE_CORRUPT_LENGTHS] = "corrupt-lengths",
	[HOSTILE_CORRUPT_OFFSETS] = "corrupt-offsets",
	[HOSTILE_LOOP] = "loop",
	[HOSTILE_ANSWER_TWICE] = "answer-twice",
	[HOSTILE_ANSWER_UNSENT] = "answer-unsent",
	[HOSTILE_NEVER_ANSWER] = "never-answer",
	[HOSTILE_FLIP_MARK] = "flip-mark",
	[HOSTILE_VANISH] = "vanish",
};

/* Larger than any request's buffer (HSHM_MAX_PAYLOAD is 256 KiB). */
#define HOSTILE_BIG_LENGTH	0x00041000u
/* Flip-mark holds an unknown mark this long while serving. */
#define HOSTILE_MARK_HOLD_NS	20000000ull

#define BIT_OF(m)	(1u << (m))

static unsigned long long rnd(struct hostile *h)
{
	unsigned long long x = h->rng ? h->rng : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	h->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

static unsigned int rnd_below(struct hostile *h, unsigned int n)
{
	return n ? (unsigned int)(rnd(h) >> 33) % n : 0;
}

/* Does mode @m act on this opportunity? */
static bool strike(struct hostile *h, unsigned int active, unsigned int m)
{
	unsigned int rate;

	if (!(active & BIT_OF(m)))
		return false;
	rate = (h->rt_modes & BIT_OF(m)) ? h->rt_rate : h->rate;
	return rnd_below(h, 100) < rate;
}

static u32 unknown_mark(struct hostile *h)
{
	u32 m;

	do {
		m = (u32)rnd(h);
	} while (hshm_wire_mark_known(m));
	return m;
}

static void set_mark(struct hshm_wire_rx *rx, u32 mark)
{
	dma_wmb();
	WRITE_ONCE(rx->q->working_mark, cpu_to_le32(mark));
}

/**
 * hostile_parse_modes() - "mode[,mode...]" to a bit mask
 * @list: comma-separated mode names, "all", or "off"
 * @modes: the mask
 *
 * Return: 0, or -1 for an unknown name.
 */
int hostile_parse_modes(const char *list, unsigned int *modes)
{
	const char *p = list;

	*modes = 0;
	if (!strcmp(list, "off"))
		return 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned int m;

		if (len == 3 && !strncmp(p, "all", 3)) {
			*modes |= BIT_OF(HOSTILE_NR) - 1;
		} else {
			for (m = 0; m < HOSTILE_NR; m++)
				if (strlen(hostile_names[m]) == len &&
				    !strncmp(p, hostile_names[m], len))
					break;
			if (m == HOSTILE_NR)
				return -1;
			*modes |= BIT_OF(m);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/**
 * hostile_control() - the run-time switch: "MODES DURATION_MS [RATE]"
 * @h: state
 * @cmd: the command (not NUL-terminated)
 * @len: its bytes
 * @now_ns: CLOCK_MONOTONIC now
 *
 * MODES as for --hostile ("off" ends the run-time modes), DURATION_MS how
 * long they last, RATE the percent they act on (default: --hostile-rate).
 *
 * Return: 0, or -1 for a malformed command.
 */
int hostile_control(struct hostile *h, const char *cmd, size_t len,
		    unsigned long long now_ns)
{
	char buf[256], names[200];
	unsigned long long ms;
	unsigned int modes, rate;
	int n;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, cmd, len);
	buf[len] = '\0';
	n = sscanf(buf, "%199s %llu %u", names, &ms, &rate);
	if (n < 2 || hostile_parse_modes(names, &modes))
		return -1;
	if (n < 3)
		rate = h->rate;
	if (rate > 100)
		return -1;
	h->rt_modes = modes;
	h->rt_rate = rate;
	h->rt_until = now_ns + ms * 1000000ull;
	return 0;
}

/**
 * hostile_active() - the modes on now
 * @h: state
 * @now_ns: CLOCK_MONOTONIC now
 *
 * Return: a mask of enum hostile_mode bits.
 */
unsigned int hostile_active(struct hostile *h, unsigned long long now_ns)
{
	if (h->rt_modes && now_ns >= h->rt_until)
		h->rt_modes = 0;
	return h->modes | h->rt_modes;
}

/**
 * hostile_hold() - never-answer: sit on the batch?
 * @h: state
 * @rx: receiver state, a batch pending
 * @active: hostile_active()
 *
 * Return: true to leave the batch busy and unanswered for now.
 */
bool hostile_hold(struct hostile *h, struct hshm_wire_rx *rx,
		  unsigned int active)
{
	u16 head = le16_to_cpu(READ_ONCE(rx->q->proc_ing_h));

	if (!(active & BIT_OF(HOSTILE_NEVER_ANSWER))) {
		h->ignoring = false;
		return false;
	}
	if (!h->ignoring || head != h->ignored_head) {
		h->injected[HOSTILE_NEVER_ANSWER]++;
		h->ignoring = true;
		h->ignored_head = head;
	}
	return true;
}

static bool in_batch(const struct hostile *h, u16 idx)
{
	unsigned int i;

	for (i = 0; i < h->ncur; i++)
		if (h->cur[i] == idx)
			return true;
	return false;
}

/*
 * Record the batch: the walk from proc_ing_h, read-only, bounded by the
 * queue's size and stopped at the first index seen twice.
 */
static void record_batch(struct hostile *h, struct hshm_wire_rx *rx)
{
	u16 idx = le16_to_cpu(READ_ONCE(rx->q->proc_ing_h));

	memcpy(h->prev, h->cur, h->ncur * sizeof(h->cur[0]));
	h->nprev = h->ncur;
	h->ncur = 0;
	while (idx < rx->n && h->ncur < rx->n && !in_batch(h, idx)) {
		h->cur[h->ncur++] = idx;
		idx = le16_to_cpu(READ_ONCE(rx->q->entries[idx].nxt_idx));
	}
}

/**
 * hostile_begin() - before serving a batch: corrupt what is to be
 * @h: state
 * @rx: receiver state, a batch pending
 * @active: hostile_active()
 */
void hostile_begin(struct hostile *h, struct hshm_wire_rx *rx,
		   unsigned int active)
{
	struct hshm_wire_queue *q = rx->q;

	record_batch(h, rx);
	h->mark_after = 0;
	h->stop_at = -1;
	h->nserved = 0;
	if (strike(h, active, HOSTILE_CORRUPT_HEADER)) {
		WRITE_ONCE(q->buf_size, cpu_to_le16((u16)rnd(h)));
		WRITE_ONCE(q->empty_h, cpu_to_le16((u16)rnd(h)));
		WRITE_ONCE(q->wait_h, cpu_to_le16((u16)rnd(h)));
		h->injected[HOSTILE_CORRUPT_HEADER] += 3;
		if (!rnd_below(h, 4)) {
			WRITE_ONCE(q->proc_ing_h, cpu_to_le16((u16)rnd(h)));
			h->injected[HOSTILE_CORRUPT_HEADER]++;
		}
	}
	if (h->ncur && strike(h, active, HOSTILE_CORRUPT_ENTRIES)) {
		struct hshm_wire_entry *e = &q->entries[h->cur[rnd_below(h, h->ncur)]];

		WRITE_ONCE(e->cur_idx, cpu_to_le16((u16)rnd(h)));
		WRITE_ONCE(e->nxt_idx, cpu_to_le16(rnd_below(h, rx->n + 64)));
		h->injected[HOSTILE_CORRUPT_ENTRIES] += 2;
	}
	if (h->ncur && strike(h, active, HOSTILE_CORRUPT_OFFSETS)) {
		struct hshm_wire_entry *e = &q->entries[h->cur[rnd_below(h, h->ncur)]];

		/* Outside the data area: the walk answers it "fail". */
		WRITE_ONCE(e->msg.offset,
			   cpu_to_le32(rx->data_size + (u32)rnd_below(h, 1u << 30)));
		h->injected[HOSTILE_CORRUPT_OFFSETS]++;
	}
	if (h->ncur && strike(h, active, HOSTILE_LOOP)) {
		u16 first = h->cur[0], last = h->cur[h->ncur - 1];

		WRITE_ONCE(q->entries[last].nxt_idx, cpu_to_le16(first));
		h->injected[HOSTILE_LOOP]++;
	}
	if (h->ncur && strike(h, active, HOSTILE_FLIP_MARK)) {
		switch (rnd_below(h, 3)) {
		case 0:		/* idle in the middle, the rest abandoned */
			h->stop_at = (int)rnd_below(h, h->ncur);
			break;
		case 1:		/* an unknown mark while serving */
			set_mark(rx, unknown_mark(h));
			h->mark_after = HSHM_WIRE_MARK_IDLE;
			break;
		default:	/* an unknown mark instead of idle */
			h->mark_after = unknown_mark(h);
			break;
		}
		h->injected[HOSTILE_FLIP_MARK]++;
	}
}

/**
 * hostile_before() - before serving one message
 * @h: state
 * @rx: receiver state
 * @m: the message
 * @active: hostile_active()
 *
 * Return: false to stop serving the batch (flip-mark went idle early).
 */
bool hostile_before(struct hostile *h, struct hshm_wire_rx *rx,
		    const struct hshm_wire_rx_msg *m, unsigned int active)
{
	if (strike(h, active, HOSTILE_VANISH)) {
		h->injected[HOSTILE_VANISH]++;
		fprintf(stderr, "hshm-peer: hostile: vanishing mid-batch\n");
		hostile_print(h, stderr);
		_exit(3);
	}
	if (h->stop_at >= 0 && h->nserved++ >= h->stop_at) {
		set_mark(rx, HSHM_WIRE_MARK_IDLE);
		return false;
	}
	if (strike(h, active, HOSTILE_CORRUPT_OFFSETS)) {
		/* Read already: only an owner that reads it back is fooled. */
		WRITE_ONCE(rx->q->entries[m->idx].msg.offset, cpu_to_le32((u32)rnd(h)));
		h->injected[HOSTILE_CORRUPT_OFFSETS]++;
	}
	return true;
}

/**
 * hostile_service() - serve one message, wrongly if a mode says so
 * @h: state
 * @rx: receiver state
 * @m: the message
 * @buf: its payload
 * @room: bytes at @buf
 * @active: hostile_active()
 *
 * Return: %HSHM_PEER_ANSWERED when the message was answered here, -1 to
 * let the caller serve it.
 */
int hostile_service(struct hostile *h, struct hshm_wire_rx *rx,
		    const struct hshm_wire_rx_msg *m, u8 *buf, u32 room,
		    unsigned int active)
{
	bool flags = strike(h, active, HOSTILE_CORRUPT_FLAGS);
	bool lengths = !flags && strike(h, active, HOSTILE_CORRUPT_LENGTHS);
	u16 flag = HSHM_WIRE_FLAG_DEALT |
		   HSHM_WIRE_RESULT_SUCCESS << HSHM_WIRE_FLAG_RESULT_SHIFT;
	u32 out = 0;

	if (!flags && !lengths)
		return -1;
	hshm_service_run(m->service_id, buf, m->length, room, &out);
	if (flags) {
		if (rnd_below(h, 2))
			flag |= 1u << (3 + rnd_below(h, 13));
		else
			flag = HSHM_WIRE_FLAG_DEALT;
		h->injected[HOSTILE_CORRUPT_FLAGS]++;
	} else {
		out = HOSTILE_BIG_LENGTH + (u32)rnd_below(h, 1u << 31);
		h->injected[HOSTILE_CORRUPT_LENGTHS]++;
	}
	hshm_wire_rx_reply_raw(rx, m, flag, out);
	return HSHM_PEER_ANSWERED;
}

/**
 * hostile_end() - after the last message, before going idle
 * @h: state
 * @rx: receiver state
 * @active: hostile_active()
 *
 * Return: false when the queue was left in another state than idle on
 * purpose (the caller must not mark it idle).
 */
bool hostile_end(struct hostile *h, struct hshm_wire_rx *rx,
		 unsigned int active)
{
	struct hshm_wire_queue *q = rx->q;
	u16 answer = HSHM_WIRE_FLAG_DEALT |
		     HSHM_WIRE_RESULT_SUCCESS << HSHM_WIRE_FLAG_RESULT_SHIFT;
	unsigned int i, k;

	if (h->nprev && strike(h, active, HOSTILE_ANSWER_TWICE)) {
		for (i = 0; i < h->nprev; i++) {
			struct hshm_wire_entry *e = &q->entries[h->prev[i]];

			if (in_batch(h, h->prev[i]))
				continue;
			WRITE_ONCE(e->msg.length, cpu_to_le32(1 + rnd_below(h, 64)));
			dma_wmb();
			WRITE_ONCE(e->msg.flag, cpu_to_le16(answer));
			h->injected[HOSTILE_ANSWER_TWICE]++;
		}
	}
	if (strike(h, active, HOSTILE_ANSWER_UNSENT)) {
		for (k = 1 + rnd_below(h, 4); k; k--) {
			u16 idx = rnd_below(h, rx->n);

			if (in_batch(h, idx))
				continue;
			WRITE_ONCE(q->entries[idx].msg.length,
				   cpu_to_le32(1 + rnd_below(h, 64)));
			dma_wmb();
			WRITE_ONCE(q->entries[idx].msg.flag, cpu_to_le16(answer));
			h->injected[HOSTILE_ANSWER_UNSENT]++;
		}
	}
	if (h->mark_after == HSHM_WIRE_MARK_IDLE) {
		/* The unknown mark set at the start stays a while. */
		struct timespec ts = { 0, HOSTILE_MARK_HOLD_NS };

		nanosleep(&ts, NULL);
	} else if (h->mark_after) {
		set_mark(rx, h->mark_after);
		rx->steps = 0;
		return false;
	}
	return true;
}

/**
 * hostile_report() - "mode count" lines of the injected faults
 * @h: state
 * @buf: where to write; NUL-terminated if @len > 0
 * @len: its bytes
 *
 * Return: bytes written, without the NUL.
 */
size_t hostile_report(const struct hostile *h, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int m;

	for (m = 0; m < HOSTILE_NR && n < len; m++) {
		int w = snprintf(buf + n, len - n, "%s %llu\n", hostile_names[m],
				 h->injected[m]);

		if (w < 0 || (size_t)w >= len - n)
			break;
		n += w;
	}
	return n;
}

/**
 * hostile_print() - the injected faults on one line
 * @h: state
 * @f: where
 */
void hostile_print(const struct hostile *h, FILE *f)
{
	unsigned int m;

	fprintf(f, "hshm-peer: hostile faults injected:");
	for (m = 0; m < HOSTILE_NR; m++)
		fprintf(f, " %s %llu", hostile_names[m], h->injected[m]);
	fprintf(f, "\n");
}
