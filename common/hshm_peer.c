// SPDX-License-Identifier: GPL-2.0-only
/*
 * Serving a batch as a HyperAMP peer (see hshm_peer.h).
 */
#include "hshm_peer.h"
#include "hshm_services.h"

/**
 * hshm_peer_serve_batch() - serve the batch handed over on @rx
 * @rx: attached receiver state; the queue's working_mark says busy
 * @data: the data area (offsets in messages are relative to it)
 * @hooks: pacing and extra services, or NULL
 *
 * Serves every message in list order, in place, then marks the queue idle.
 * The caller rings the owner afterwards where a reply interrupt is wired.
 *
 * Return: messages served, or -1 if @hooks->before stopped the batch (the
 * queue is left busy) or @hooks->end kept the queue from being marked
 * idle.
 */
int hshm_peer_serve_batch(struct hshm_wire_rx *rx, u8 *data,
			  const struct hshm_peer_hooks *hooks)
{
	struct hshm_wire_rx_msg m;
	int served = 0;

	while (hshm_wire_rx_next(rx, &m) > 0) {
		/* Room up to the end of the data area; services stay within
		 * max(length, HSHM_SVC_MIN_ROOM).
		 */
		u32 room = rx->data_size - m.offset;
		u8 *buf = data + m.offset;
		int res = -1;
		u32 out = 0;

		if (hooks && hooks->before && !hooks->before(hooks->ctx, &m))
			return -1;
		if (hooks && hooks->service)
			res = hooks->service(hooks->ctx, &m, buf, room, &out);
		if (res == HSHM_PEER_ANSWERED) {
			served++;
			continue;
		}
		if (res < 0)
			res = hshm_service_run(m.service_id, buf, m.length, room,
					       &out);
		hshm_wire_rx_reply(rx, &m, (u8)res, out);
		served++;
	}
	if (hooks && hooks->end && !hooks->end(hooks->ctx, rx))
		return -1;
	hshm_wire_rx_finish(rx);
	return served;
}

/* V1-2: the seL4 server's boot string, NUL included (0x40-0x57). */
static const u8 hshm_peer_boot_sel4[] = "Hello from seL4 kernel!";
/* V1-12: the FreeRTOS port's, without a NUL (0x00-0x07). */
static const u8 hshm_peer_boot_freertos[] = {
	'F', 'R', 'E', 'E', 'R', 'T', 'O', 'S',
};

/* V1-12: hvisor-tool's, "Test" and a NUL (0x00-0x04). */
static const u8 hshm_peer_boot_hvisor_tool[] = "Test";

static const struct hshm_peer_profile hshm_peer_profiles[] = {
	{
		.name		= "hshm",
		.about		= "hshm's own: whole batches, its services, rings (default)",
		.walk		= HSHM_PEER_WALK_BATCH,
		.services	= HSHM_SVC_SET_HSHM,
		.start		= HSHM_PEER_START_OWN_QUEUE,
		.rings		= true,
	},
	{
		.name		= "sel4-v1",
		.about		= "the public v1 seL4 server (peers.md V1-1 to V1-11)",
		.walk		= HSHM_PEER_WALK_V1,
		.services	= HSHM_SVC_SET_SEL4_V1,
		.start		= HSHM_PEER_START_CLOBBER | HSHM_PEER_START_MARK_OWN,
		.start_buf_size	= 16,
		.boot		= hshm_peer_boot_sel4,
		.boot_len	= sizeof(hshm_peer_boot_sel4),
		.boot_offset	= 0x40,
		.pace_us	= 100,
		.handover	= 1,
	},
	{
		.name		= "freertos-v1",
		.about		= "the FreeRTOS port of the v1 server (V1-12)",
		.walk		= HSHM_PEER_WALK_V1,
		.services	= HSHM_SVC_SET_SEL4_V1,
		.start		= HSHM_PEER_START_CLOBBER | HSHM_PEER_START_MARK_OWN,
		.start_buf_size	= 16,
		.boot		= hshm_peer_boot_freertos,
		.boot_len	= sizeof(hshm_peer_boot_freertos),
		.boot_offset	= 0,
		.pace_us	= 100,
		.handover	= 1,
	},
	{
		.name		= "hvisor-tool-v1",
		.about		= "hvisor-tool's hyper_amp_service (V1-12), exits after 10",
		.walk		= HSHM_PEER_WALK_V1,
		.services	= HSHM_SVC_SET_HVISOR_TOOL_V1,
		.start		= HSHM_PEER_START_CLOBBER | HSHM_PEER_START_MARK_OWN,
		.start_buf_size	= 16,
		.boot		= hshm_peer_boot_hvisor_tool,
		.boot_len	= sizeof(hshm_peer_boot_hvisor_tool),
		.boot_offset	= 0,
		.look_us	= 100000,
		.pace_us	= 100,
		.exit_after	= 10,
		.handover	= 1,
	},
};

/**
 * hshm_peer_profile_get() - the profiles, one by one
 * @i: 0, 1, ...
 *
 * Profile 0 is "hshm", the default.
 *
 * Return: the @i-th profile, or NULL past the last.
 */
const struct hshm_peer_profile *hshm_peer_profile_get(unsigned int i)
{
	return i < ARRAY_SIZE(hshm_peer_profiles) ? &hshm_peer_profiles[i] :
						    NULL;
}

static bool hshm_peer_name_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/**
 * hshm_peer_profile_find() - a profile by name
 * @name: its name, or NULL or "" for the default ("hshm")
 *
 * Return: the profile, or NULL if none has that name.
 */
const struct hshm_peer_profile *hshm_peer_profile_find(const char *name)
{
	unsigned int i;

	if (!name || !*name)
		return &hshm_peer_profiles[0];
	for (i = 0; i < ARRAY_SIZE(hshm_peer_profiles); i++)
		if (hshm_peer_name_eq(name, hshm_peer_profiles[i].name))
			return &hshm_peer_profiles[i];
	return NULL;
}

/**
 * hshm_peer_profile_service() - run a service as a profile's peer does
 * @prof: the profile
 * @service_id: the id of the request
 * @buf: payload; the response is written over it
 * @len: payload length
 * @room: bytes from @buf to the end of the data area
 * @out_len: response length (the request's length for the v1 profiles)
 *
 * The one place a service id gets its meaning (peers.md D-8): the serving
 * loops call it, and tools call it on a copy of a request to compute the
 * response a peer of @prof gives.
 *
 * Return: the HSHM_WIRE_RESULT_* value the peer answers.
 */
u8 hshm_peer_profile_service(const struct hshm_peer_profile *prof,
			     u16 service_id, u8 *buf, u32 len, u32 room,
			     u32 *out_len)
{
	return hshm_service_run_set(prof->services, service_id, buf, len, room,
				    out_len);
}

/* V1-3 and V1-4: the header fields in the order the servers write them. */
static void hshm_peer_write_header(struct hshm_wire_queue *q, u32 mark,
				   u16 buf_size)
{
	WRITE_ONCE(q->working_mark, cpu_to_le32(mark));
	WRITE_ONCE(q->buf_size, cpu_to_le16(buf_size));
	WRITE_ONCE(q->empty_h, cpu_to_le16(0));
	WRITE_ONCE(q->wait_h, cpu_to_le16(0));
	WRITE_ONCE(q->proc_ing_h, cpu_to_le16(0));
}

static u32 hshm_peer_read_mark(const struct hshm_wire_queue *q)
{
	return le32_to_cpu(READ_ONCE(q->working_mark));
}

/**
 * hshm_peer_profile_start() - what the profile's peer does when it starts
 * @prof: the profile
 * @r: the region; @r->rxq may be NULL
 *
 * In this order: the boot bytes into the data area (V1-2, V1-12); with
 * %HSHM_PEER_START_CLOBBER, unless the Linux queue's working_mark is
 * exactly 0xEEEEEEEE, its header becomes working_mark idle, buf_size
 * @prof->start_buf_size, empty_h, wait_h and proc_ing_h 0, entries
 * untouched (V1-3); with %HSHM_PEER_START_MARK_OWN, unless the peer's own
 * queue is 0xEEEEEEEE, its header becomes 0xEEEEEEEE, the same buf_size
 * and heads 0 (V1-4).  Nothing is written that does not fit in @r.
 * %HSHM_PEER_START_OWN_QUEUE is the caller's (hshm_wire_tx_init()).
 */
void hshm_peer_profile_start(const struct hshm_peer_profile *prof,
			     const struct hshm_peer_region *r)
{
	const u32 hdr = sizeof(struct hshm_wire_queue);
	u32 i;

	if (prof->boot && prof->boot_offset <= r->data_size &&
	    prof->boot_len <= r->data_size - prof->boot_offset)
		for (i = 0; i < prof->boot_len; i++)
			WRITE_ONCE(r->data[prof->boot_offset + i], prof->boot[i]);
	if ((prof->start & HSHM_PEER_START_CLOBBER) && r->txq &&
	    r->txq_size >= hdr &&
	    hshm_peer_read_mark(r->txq) != HSHM_WIRE_MARK_INITED)
		hshm_peer_write_header(r->txq, HSHM_WIRE_MARK_IDLE,
				       prof->start_buf_size);
	if ((prof->start & HSHM_PEER_START_MARK_OWN) && r->rxq &&
	    r->rxq_size >= hdr &&
	    hshm_peer_read_mark(r->rxq) != HSHM_WIRE_MARK_INITED)
		hshm_peer_write_header(r->rxq, HSHM_WIRE_MARK_INITED,
				       prof->start_buf_size);
	/* What the start-up wrote is visible before the first look. */
	dma_wmb();
}

/**
 * hshm_peer_owner_ready() - has a driver initialised the Linux queue?
 * @r: the region
 *
 * What a peer that starts after Linux waits for: the Linux queue's
 * working_mark is initialised, idle or busy (0xEEEEEEEE, 0xBBBBBBBB or
 * 0xFFFFFFFF) and its buf_size is the number of entries that fit in
 * @r->txq_size, as hshm_wire_tx_init() leaves it.  Read-only.
 *
 * Return: true if so.
 */
bool hshm_peer_owner_ready(const struct hshm_peer_region *r)
{
	const struct hshm_wire_queue *q = r->txq;
	int n = hshm_wire_entries(r->txq_size);
	u32 mark;

	if (!q || n < 0)
		return false;
	mark = hshm_peer_read_mark(q);
	if (mark != HSHM_WIRE_MARK_INITED && mark != HSHM_WIRE_MARK_IDLE &&
	    mark != HSHM_WIRE_MARK_BUSY)
		return false;
	return le16_to_cpu(READ_ONCE(q->buf_size)) == n;
}

/**
 * hshm_peer_v1_init() - set up the loop of a v1 server
 * @s: state to set up
 * @prof: a profile with walk %HSHM_PEER_WALK_V1
 * @r: the region
 *
 * Nothing is read or written: a v1 server waits for nothing (V1-6).  Its
 * start-up is hshm_peer_profile_start(), called by the caller first.
 * @s->exit_after starts as @prof->exit_after; the caller may change it.
 *
 * Return: 0, or -EINVAL if the queue area holds no entry or the data area
 * is empty.
 */
int hshm_peer_v1_init(struct hshm_peer_v1 *s,
		      const struct hshm_peer_profile *prof,
		      const struct hshm_peer_region *r)
{
	int n = hshm_wire_entries(r->txq_size);

	if (n < 0 || !r->data_size)
		return -EINVAL;
	s->prof = prof;
	s->q = r->txq;
	s->cap = (u16)n;
	s->data = r->data;
	s->data_size = r->data_size;
	s->exit_after = prof->exit_after;
	s->invalid_run = 0;
	s->exited = false;
	s->looks = 0;
	s->served = 0;
	s->invalid = 0;
	s->heals = 0;
	return 0;
}

/*
 * V1-5: valid iff length > 0, length and offset below the data area's
 * size (the servers' 4 MiB) and deal_state != 1.  offset + length, the
 * reserved flag bits and working_mark are not looked at.
 */
static bool hshm_peer_v1_valid(const struct hshm_peer_v1 *s, u16 flag,
			       u32 offset, u32 length)
{
	return length && length < s->data_size && offset < s->data_size &&
	       !(flag & HSHM_WIRE_FLAG_DEALT);
}

/* V1-8: two 16-bit read-modify-writes of the flag, deal_state first. */
static void hshm_peer_v1_answer(struct hshm_wire_entry *e,
				const struct hshm_wire_rx_msg *m, u8 result,
				const struct hshm_peer_hooks *hooks)
{
	u16 flag;

	/* The payload the service wrote is visible before deal_state. */
	dma_wmb();
	flag = le16_to_cpu(READ_ONCE(e->msg.flag));
	WRITE_ONCE(e->msg.flag, cpu_to_le16(flag | HSHM_WIRE_FLAG_DEALT));
	if (hooks && hooks->between)
		hooks->between(hooks->ctx, m);
	flag = le16_to_cpu(READ_ONCE(e->msg.flag));
	flag &= (u16)~HSHM_WIRE_FLAG_RESULT_MASK;
	flag |= (result << HSHM_WIRE_FLAG_RESULT_SHIFT) &
		HSHM_WIRE_FLAG_RESULT_MASK;
	WRITE_ONCE(e->msg.flag, cpu_to_le16(flag));
}

/**
 * hshm_peer_v1_look() - one iteration of a v1 server's main loop
 * @s: state from hshm_peer_v1_init()
 * @hooks: pacing (before), test services, the delay between the two flag
 *	writes (between), printing (print); or NULL
 *
 * A full barrier first (the servers clean and invalidate their cache over
 * the region), then buf_size and proc_ing_h are read; working_mark is not
 * (V1-6).  A head below buf_size (and below @s->cap) whose entry is valid
 * (V1-5) is served: the service of the profile runs in place, the flag is
 * written in two steps (V1-8; length, offset and service_id are never
 * written), then proc_ing_h = the u16 at entry byte 12 if below buf_size,
 * else (head + 1) % buf_size, then working_mark = idle (V1-1, V1-7).
 * Anything else is an invalid look; the %HSHM_WIRE_HEAL_RUN-th in a row
 * writes proc_ing_h = 0, then working_mark = idle (V1-9).  Nothing rings
 * the owner (V1-11).
 *
 * Return: what the look did, an enum hshm_peer_look value.
 */
enum hshm_peer_look hshm_peer_v1_look(struct hshm_peer_v1 *s,
				      const struct hshm_peer_hooks *hooks)
{
	struct hshm_wire_queue *q = s->q;
	struct hshm_wire_rx_msg m;
	struct hshm_wire_entry *e;
	u16 n, head, flag, next;
	int res = -1;
	u32 room, out = 0;

	if (s->exited)
		return HSHM_PEER_LOOK_EXITED;
	/*
	 * The servers clean and invalidate their cache over the region here:
	 * everything below is read afresh, after whatever the owner wrote.
	 */
	smp_mb();
	s->looks++;
	n = le16_to_cpu(READ_ONCE(q->buf_size));
	head = le16_to_cpu(READ_ONCE(q->proc_ing_h));
	if (head >= n || head >= s->cap)
		goto invalid;
	e = &q->entries[head];
	flag = le16_to_cpu(READ_ONCE(e->msg.flag));
	m.idx = head;
	m.service_id = le16_to_cpu(READ_ONCE(e->msg.service_id));
	m.offset = le32_to_cpu(READ_ONCE(e->msg.offset));
	m.length = le32_to_cpu(READ_ONCE(e->msg.length));
	if (!hshm_peer_v1_valid(s, flag, m.offset, m.length))
		goto invalid;
	if (hooks && hooks->before && !hooks->before(hooks->ctx, &m))
		return HSHM_PEER_LOOK_STOPPED;

	room = s->data_size - m.offset;
	if (hooks && hooks->service)
		res = hooks->service(hooks->ctx, &m, s->data + m.offset, room,
				     &out);
	if (res != HSHM_PEER_ANSWERED) {
		if (res < 0)
			res = hshm_peer_profile_service(s->prof, m.service_id,
							s->data + m.offset,
							m.length, room, &out);
		if (res == HSHM_WIRE_RESULT_SUCCESS && hooks && hooks->print &&
		    hshm_service_prints(s->prof->services, m.service_id))
			hooks->print(hooks->ctx, &m, s->data + m.offset,
				     m.length);
		hshm_peer_v1_answer(e, &m, (u8)res, hooks);
	}

	/* V1-1: the server's entry is {message; u16 next}: byte 12. */
	next = le16_to_cpu(READ_ONCE(e->cur_idx));
	if (next >= n)
		next = (head + 1) % n;
	WRITE_ONCE(q->proc_ing_h, cpu_to_le16(next));
	dma_wmb();
	WRITE_ONCE(q->working_mark, cpu_to_le32(HSHM_WIRE_MARK_IDLE));
	s->invalid_run = 0;
	s->served++;
	if (s->exit_after && s->served >= s->exit_after)
		s->exited = true;
	return HSHM_PEER_LOOK_SERVED;

invalid:
	s->invalid++;
	if (++s->invalid_run < HSHM_WIRE_HEAL_RUN)
		return HSHM_PEER_LOOK_INVALID;
	WRITE_ONCE(q->proc_ing_h, cpu_to_le16(0));
	dma_wmb();
	WRITE_ONCE(q->working_mark, cpu_to_le32(HSHM_WIRE_MARK_IDLE));
	s->invalid_run = 0;
	s->heals++;
	return HSHM_PEER_LOOK_HEALED;
}
