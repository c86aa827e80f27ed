// SPDX-License-Identifier: GPL-2.0-only
/*
 * HyperAMP v1 queue operations (see hshm_wire.h and
 * Documentation/hshm/wire.rst).
 */
#include "hshm_wire.h"

/* Compile-time checks of the wire layout (wire-abi.md). */
static_assert(sizeof(struct hshm_wire_msg) == 12, "msg is 12 bytes");
static_assert(sizeof(struct hshm_wire_entry) == 16, "entry is 16 bytes");
static_assert(sizeof(struct hshm_wire_queue) == 12, "queue header is 12 bytes");
static_assert(__builtin_offsetof(struct hshm_wire_msg, service_id) == 2, "service_id");
static_assert(__builtin_offsetof(struct hshm_wire_msg, offset) == 4, "offset");
static_assert(__builtin_offsetof(struct hshm_wire_msg, length) == 8, "length");
static_assert(__builtin_offsetof(struct hshm_wire_entry, cur_idx) == 12, "cur_idx");
static_assert(__builtin_offsetof(struct hshm_wire_entry, nxt_idx) == 14, "nxt_idx");
static_assert(__builtin_offsetof(struct hshm_wire_queue, buf_size) == 4, "buf_size");
static_assert(__builtin_offsetof(struct hshm_wire_queue, empty_h) == 6, "empty_h");
static_assert(__builtin_offsetof(struct hshm_wire_queue, wait_h) == 8, "wait_h");
static_assert(__builtin_offsetof(struct hshm_wire_queue, proc_ing_h) == 10, "proc_ing_h");
static_assert(__builtin_offsetof(struct hshm_wire_queue, entries) == 12, "entries");
static_assert(HSHM_WIRE_QUEUE_ENTRIES(HSHM_WIRE_QUEUE_SIZE) == 255, "255 entries in 4 KiB");

static void hshm_wire_set_mark(struct hshm_wire_queue *q, u32 mark)
{
	/* Everything written before the mark is visible before it. */
	virt_wmb();
	WRITE_ONCE(q->working_mark, cpu_to_le32(mark));
}

static u32 hshm_wire_get_mark(const struct hshm_wire_queue *q)
{
	u32 mark = le32_to_cpu(READ_ONCE(q->working_mark));

	/* Nothing the mark publishes is read before the mark. */
	virt_rmb();
	return mark;
}

/**
 * hshm_wire_entries() - number of entries a queue of @queue_bytes holds
 * @queue_bytes: size of the queue area in bytes
 *
 * Return: the entry count, or -EINVAL if the area holds none or more than
 * %HSHM_WIRE_MAX_ENTRIES.
 */
int hshm_wire_entries(size_t queue_bytes)
{
	size_t n;

	if (queue_bytes < sizeof(struct hshm_wire_queue) +
			  sizeof(struct hshm_wire_entry))
		return -EINVAL;
	n = HSHM_WIRE_QUEUE_ENTRIES(queue_bytes);
	if (n > HSHM_WIRE_MAX_ENTRIES)
		return -EINVAL;
	return (int)n;
}

/*
 * Length first: a v1 server's head stays on the entry it served (peers.md
 * V1-7) and serves whatever looks valid there (V1-5, V1-6).  With the flag
 * cleared before the length, the answered entry would look like a new
 * request for a moment, and be served again over its response.
 */
static void hshm_wire_clear_entry(struct hshm_wire_entry *e, u16 idx, u16 nxt)
{
	WRITE_ONCE(e->msg.length, cpu_to_le32(0));
	/* The entry is empty before its flag says "not handled". */
	virt_wmb();
	WRITE_ONCE(e->msg.flag, cpu_to_le16(0));
	WRITE_ONCE(e->msg.service_id, cpu_to_le16(0));
	WRITE_ONCE(e->msg.offset, cpu_to_le32(0));
	WRITE_ONCE(e->cur_idx, cpu_to_le16(idx));
	WRITE_ONCE(e->nxt_idx, cpu_to_le16(nxt));
}

/* Link @idx at the tail of the private free list (and its mirror). */
static void hshm_wire_free_link_tail(struct hshm_wire_tx *tx, u16 idx)
{
	struct hshm_wire_queue *q = tx->q;

	tx->link[idx] = tx->n;
	WRITE_ONCE(q->entries[idx].nxt_idx, cpu_to_le16(tx->n));
	if (tx->nfree) {
		tx->link[tx->free_tail] = idx;
		WRITE_ONCE(q->entries[tx->free_tail].nxt_idx, cpu_to_le16(idx));
	} else {
		tx->free_head = idx;
	}
	tx->free_tail = idx;
	tx->nfree++;
}

/*
 * (Re)write the whole queue: header, every entry cleared, the free list
 * in index order from @first except that the @nlast entries of @last come
 * at its end, then initialised and, unless @closed, idle.  @n and @first
 * must be set.
 */
static void hshm_wire_tx_build(struct hshm_wire_tx *tx, const u16 *last,
			       unsigned int nlast, bool closed)
{
	struct hshm_wire_queue *q = tx->q;
	/* Never a valid index or link value: marks the entries of @last. */
	const u16 late = 0xffff;
	unsigned int i;

	hshm_wire_set_mark(q, HSHM_WIRE_MARK_INITING);
	WRITE_ONCE(q->buf_size, cpu_to_le16(tx->n));
	WRITE_ONCE(q->wait_h, cpu_to_le16(tx->n));
	WRITE_ONCE(q->proc_ing_h, cpu_to_le16(tx->n));
	for (i = 0; i < tx->n; i++) {
		hshm_wire_clear_entry(&q->entries[i], i, tx->n);
		tx->link[i] = 0;
	}
	for (i = 0; i < nlast; i++)
		if (last[i] < tx->n)
			tx->link[last[i]] = late;
	tx->free_head = tx->n;
	tx->free_tail = tx->n;
	tx->nfree = 0;
	/* Linking i only writes link[] of entries before i. */
	for (i = tx->first; i < tx->n; i++)
		if (tx->link[i] != late)
			hshm_wire_free_link_tail(tx, i);
	for (i = tx->first; i < tx->n; i++)
		if (tx->link[i] == late)
			hshm_wire_free_link_tail(tx, i);
	WRITE_ONCE(q->empty_h, cpu_to_le16(tx->free_head));
	tx->wait_head = tx->n;
	tx->wait_tail = tx->n;
	tx->nwait = 0;
	tx->scrub_next = tx->first;
	hshm_wire_set_mark(q, HSHM_WIRE_MARK_INITED);
	if (!closed)
		hshm_wire_set_mark(q, HSHM_WIRE_MARK_IDLE);
}

/**
 * hshm_wire_tx_init() - initialise a queue this side owns
 * @tx: sender state to set up
 * @queue: the shared queue area
 * @queue_bytes: its size
 *
 * Writes the header and the free list 0 -> 1 -> ... -> end, marks the
 * queue initialised and then idle, as HyperAMP peers expect.
 *
 * Return: 0, or -EINVAL if @queue_bytes holds no usable queue.
 */
int hshm_wire_tx_init(struct hshm_wire_tx *tx, void *queue, size_t queue_bytes)
{
	return hshm_wire_tx_setup(tx, queue, queue_bytes, 0);
}

/**
 * hshm_wire_tx_setup() - initialise a queue this side owns, with options
 * @tx: sender state to set up
 * @queue: the shared queue area
 * @queue_bytes: its size
 * @flags: %HSHM_WIRE_TX_SKIP_ENTRY0, %HSHM_WIRE_TX_CLOSED
 *
 * As hshm_wire_tx_init(), which is this with no flag.
 *
 * Return: 0, or -EINVAL if @queue_bytes holds no usable queue (with
 * %HSHM_WIRE_TX_SKIP_ENTRY0: fewer than two entries).
 */
int hshm_wire_tx_setup(struct hshm_wire_tx *tx, void *queue, size_t queue_bytes,
		       unsigned int flags)
{
	int n = hshm_wire_entries(queue_bytes);
	u16 first = flags & HSHM_WIRE_TX_SKIP_ENTRY0 ? 1 : 0;

	if (n < 0 || n <= first)
		return -EINVAL;
	tx->q = queue;
	tx->n = (u16)n;
	tx->first = first;
	hshm_wire_tx_build(tx, NULL, 0, flags & HSHM_WIRE_TX_CLOSED);
	return 0;
}

/**
 * hshm_wire_tx_open() - mark a queue set up closed idle: batches may come
 * @tx: sender state, with no batch handed over
 */
void hshm_wire_tx_open(struct hshm_wire_tx *tx)
{
	hshm_wire_set_mark(tx->q, HSHM_WIRE_MARK_IDLE);
}

/**
 * hshm_wire_tx_reset() - take every entry back and initialise the queue again
 * @tx: sender state of an initialised queue
 * @last: entries to put at the end of the free list, or NULL
 * @nlast: number of @last
 *
 * For a peer that stopped answering or broke the protocol: whatever it
 * holds is taken back, the header and every entry are rewritten, and the
 * queue goes through initialising and initialised to idle, from where a
 * peer attaches and serves again.  The entries of the abandoned batch
 * (@last) are reused last, so that an answer the peer still writes into
 * one of them lands on a free entry, where hshm_wire_tx_scrub() finds it,
 * rather than on a new request.
 *
 * Return: the number of entries handed out, all free again.
 */
int hshm_wire_tx_reset(struct hshm_wire_tx *tx, const u16 *last,
		       unsigned int nlast)
{
	hshm_wire_tx_build(tx, last, nlast, false);
	return tx->n - tx->first;
}

/**
 * hshm_wire_tx_get() - take an entry from the free list
 * @tx: sender state
 *
 * Return: the entry index, or -ENOSPC when every entry is in use.
 */
int hshm_wire_tx_get(struct hshm_wire_tx *tx)
{
	u16 idx = tx->free_head;

	if (!tx->nfree)
		return -ENOSPC;
	tx->free_head = tx->link[idx];
	if (!--tx->nfree)
		tx->free_tail = tx->n;
	WRITE_ONCE(tx->q->empty_h, cpu_to_le16(tx->free_head));
	return idx;
}

/**
 * hshm_wire_tx_put() - return an entry to the head of the free list
 * @tx: sender state
 * @idx: an index hshm_wire_tx_get() returned
 *
 * The caller must know that the peer no longer reads or writes @idx.
 */
void hshm_wire_tx_put(struct hshm_wire_tx *tx, u16 idx)
{
	struct hshm_wire_entry *e = &tx->q->entries[idx];

	/* Nothing stale for a peer that walks where it should not. */
	hshm_wire_clear_entry(e, idx, tx->free_head);
	tx->link[idx] = tx->free_head;
	tx->free_head = idx;
	if (!tx->nfree++)
		tx->free_tail = idx;
	WRITE_ONCE(tx->q->empty_h, cpu_to_le16(idx));
}

/**
 * hshm_wire_tx_put_tail() - return an entry to the end of the free list
 * @tx: sender state
 * @idx: an index hshm_wire_tx_get() returned
 *
 * For an entry the peer may still write (it skipped it, or answered it
 * wrongly): it is reused last, after everything else is free again.
 */
void hshm_wire_tx_put_tail(struct hshm_wire_tx *tx, u16 idx)
{
	hshm_wire_clear_entry(&tx->q->entries[idx], idx, tx->n);
	hshm_wire_free_link_tail(tx, idx);
	WRITE_ONCE(tx->q->empty_h, cpu_to_le16(tx->free_head));
}

/* Clear a free entry the peer wrote into; true if it had. */
static bool hshm_wire_scrub_entry(struct hshm_wire_entry *e)
{
	if (!READ_ONCE(e->msg.flag) && !READ_ONCE(e->msg.length))
		return false;
	/* Length first, as hshm_wire_clear_entry() says why. */
	WRITE_ONCE(e->msg.length, cpu_to_le32(0));
	/* The entry is empty before its flag says "not handled". */
	virt_wmb();
	WRITE_ONCE(e->msg.flag, cpu_to_le16(0));
	return true;
}

/**
 * hshm_wire_tx_scrub() - clear answers the peer wrote into free entries
 * @tx: sender state
 *
 * A free entry was never handed over (or was taken back), so the peer has
 * nothing to answer there: a non-zero flag or length is a spurious answer
 * (a peer answering twice, late, or entries it was never sent).  The walk
 * follows the private free list, at most @tx->nfree steps.
 *
 * Return: the number of free entries found written and cleared.
 */
unsigned int hshm_wire_tx_scrub(struct hshm_wire_tx *tx)
{
	unsigned int i, bad = 0;
	u16 idx = tx->free_head;

	for (i = 0; i < tx->nfree && idx < tx->n; i++, idx = tx->link[idx])
		bad += hshm_wire_scrub_entry(&tx->q->entries[idx]);
	return bad;
}

/**
 * hshm_wire_tx_scrub_some() - hshm_wire_tx_scrub() a few entries at a time
 * @tx: sender state
 * @count: entries to look at
 *
 * With every entry free (no batch built or handed over), looks at @count
 * entries from where the last call stopped, going round: a spurious
 * answer is found within (entries / @count) calls, at a cost per call
 * that does not grow with the queue.  Otherwise the whole free list is
 * walked, as hshm_wire_tx_scrub() does.
 *
 * Return: the number of free entries found written and cleared.
 */
unsigned int hshm_wire_tx_scrub_some(struct hshm_wire_tx *tx,
				     unsigned int count)
{
	unsigned int span = tx->n - tx->first, i, bad = 0;
	u16 idx = tx->scrub_next;

	if (tx->nfree != span || !span)
		return hshm_wire_tx_scrub(tx);
	if (count > span)
		count = span;
	for (i = 0; i < count; i++) {
		if (idx < tx->first || idx >= tx->n)
			idx = tx->first;
		bad += hshm_wire_scrub_entry(&tx->q->entries[idx++]);
	}
	tx->scrub_next = idx;
	return bad;
}

/**
 * hshm_wire_tx_check_header() - restore header fields only the owner writes
 * @tx: sender state
 *
 * buf_size, empty_h and wait_h belong to the owner; a receiver writes
 * working_mark and proc_ing_h only.  Each of the three that does not hold
 * what this side last wrote is rewritten.
 *
 * Return: the number of fields found changed.
 */
unsigned int hshm_wire_tx_check_header(struct hshm_wire_tx *tx)
{
	struct hshm_wire_queue *q = tx->q;
	unsigned int bad = 0;

	if (le16_to_cpu(READ_ONCE(q->buf_size)) != tx->n) {
		WRITE_ONCE(q->buf_size, cpu_to_le16(tx->n));
		bad++;
	}
	if (le16_to_cpu(READ_ONCE(q->empty_h)) != tx->free_head) {
		WRITE_ONCE(q->empty_h, cpu_to_le16(tx->free_head));
		bad++;
	}
	if (le16_to_cpu(READ_ONCE(q->wait_h)) != tx->wait_head) {
		WRITE_ONCE(q->wait_h, cpu_to_le16(tx->wait_head));
		bad++;
	}
	return bad;
}

/**
 * hshm_wire_tx_append() - add a message at the tail of the wait list
 * @tx: sender state
 * @idx: an entry taken with hshm_wire_tx_get()
 * @service_id: service the peer is to run
 * @offset: payload offset in the data area (payload already written)
 * @length: payload length
 *
 * Appending at the tail makes the peer serve the batch in the order the
 * dispatcher chose (public clients push at the head, which serves LIFO).
 */
void hshm_wire_tx_append(struct hshm_wire_tx *tx, u16 idx, u16 service_id,
			 u32 offset, u32 length)
{
	struct hshm_wire_queue *q = tx->q;
	struct hshm_wire_entry *e = &q->entries[idx];

	WRITE_ONCE(e->msg.service_id, cpu_to_le16(service_id));
	WRITE_ONCE(e->msg.offset, cpu_to_le32(offset));
	WRITE_ONCE(e->msg.length, cpu_to_le32(length));
	WRITE_ONCE(e->msg.flag, cpu_to_le16(0));
	WRITE_ONCE(e->cur_idx, cpu_to_le16(idx));
	WRITE_ONCE(e->nxt_idx, cpu_to_le16(tx->n));
	if (tx->nwait)
		WRITE_ONCE(q->entries[tx->wait_tail].nxt_idx, cpu_to_le16(idx));
	else
		tx->wait_head = idx;
	tx->wait_tail = idx;
	tx->nwait++;
	WRITE_ONCE(q->wait_h, cpu_to_le16(tx->wait_head));
}

/**
 * hshm_wire_tx_peer_idle() - may a new batch be handed over?
 * @tx: sender state
 *
 * Return: true when the queue's working_mark says idle.
 */
bool hshm_wire_tx_peer_idle(const struct hshm_wire_tx *tx)
{
	return hshm_wire_get_mark(tx->q) == HSHM_WIRE_MARK_IDLE;
}

/**
 * hshm_wire_tx_mark() - read working_mark once
 * @tx: sender state
 *
 * Return: the mark, with read ordering for what it publishes.
 */
u32 hshm_wire_tx_mark(const struct hshm_wire_tx *tx)
{
	return hshm_wire_get_mark(tx->q);
}

/**
 * hshm_wire_tx_peer_head() - read proc_ing_h once
 * @tx: sender state
 *
 * Where the peer is in the batch, or where a peer that does not wait for
 * busy looks next (peers.md V1-5); a value to compare with, never to use
 * as an index.
 *
 * Return: proc_ing_h as the peer left it.
 */
u16 hshm_wire_tx_peer_head(const struct hshm_wire_tx *tx)
{
	return le16_to_cpu(READ_ONCE(tx->q->proc_ing_h));
}

/**
 * hshm_wire_tx_settled() - has a busy peer moved on from an entry?
 * @tx: sender state
 * @idx: a handed-over entry whose answer was just read
 *
 * A receiver writes an entry only with its head (proc_ing_h) on it, and
 * moves its head after the flag: while the peer is busy, an answer read
 * with the head elsewhere was complete when read, and one with the head
 * still on it may be being written, or written again (a peer walking in
 * a loop writes length then flag over an answer taken already, and a
 * reader between the two would take the new length with the old flag).
 * The head is read after the answer.
 *
 * Return: true if the head is not on @idx.
 */
bool hshm_wire_tx_settled(const struct hshm_wire_tx *tx, u16 idx)
{
	/* The answer's reads before the head's. */
	virt_rmb();
	return hshm_wire_tx_peer_head(tx) != idx;
}

/**
 * hshm_wire_tx_untouched() - has the peer written nothing into the flag?
 * @tx: sender state
 * @idx: a handed-over entry
 *
 * Return: true while the flag is still 0: no answer, none begun.
 */
bool hshm_wire_tx_untouched(const struct hshm_wire_tx *tx, u16 idx)
{
	return !READ_ONCE(tx->q->entries[idx].msg.flag);
}

/**
 * hshm_wire_tx_withdraw() - make a handed-over entry look empty to the peer
 * @tx: sender state
 * @idx: an entry of the batch the peer left untouched
 *
 * Its length becomes 0, which no peer serves; a full barrier follows, so
 * that a proc_ing_h read afterwards tells whether the peer may have read
 * the entry before (then hshm_wire_tx_restore() it and wait).
 */
void hshm_wire_tx_withdraw(struct hshm_wire_tx *tx, u16 idx)
{
	WRITE_ONCE(tx->q->entries[idx].msg.length, cpu_to_le32(0));
	/* The length is seen before the caller reads proc_ing_h. */
	virt_mb();
}

/**
 * hshm_wire_tx_restore() - undo hshm_wire_tx_withdraw()
 * @tx: sender state
 * @idx: the entry
 * @length: its payload length, as appended
 */
void hshm_wire_tx_restore(struct hshm_wire_tx *tx, u16 idx, u32 length)
{
	WRITE_ONCE(tx->q->entries[idx].msg.length, cpu_to_le32(length));
}

/**
 * hshm_wire_queue_mark() - read the working_mark of any queue once
 * @queue: a queue area of at least the 12-byte header
 *
 * Return: the mark, with read ordering for what it publishes.
 */
u32 hshm_wire_queue_mark(const void *queue)
{
	return hshm_wire_get_mark(queue);
}

/**
 * hshm_wire_mark_ready() - does @mark say the queue's owner is running?
 * @mark: the working_mark of a queue the other side owns
 *
 * Initialised, idle or busy: what the public client waits for on the
 * peer's queue (peers.md C-2) and what every peer writes there when it
 * starts (V1-4; hshm's peer initialises it).
 *
 * Return: true for those three.
 */
bool hshm_wire_mark_ready(u32 mark)
{
	return mark == HSHM_WIRE_MARK_INITED || mark == HSHM_WIRE_MARK_IDLE ||
	       mark == HSHM_WIRE_MARK_BUSY;
}

/**
 * hshm_wire_mark_known() - is @mark one of the HSHM_WIRE_MARK_* values?
 * @mark: a working_mark value
 *
 * Return: true for the six values of the protocol.
 */
bool hshm_wire_mark_known(u32 mark)
{
	switch (mark) {
	case HSHM_WIRE_MARK_RAW:
	case HSHM_WIRE_MARK_INITING:
	case HSHM_WIRE_MARK_INITED:
	case HSHM_WIRE_MARK_DESTROYED:
	case HSHM_WIRE_MARK_BUSY:
	case HSHM_WIRE_MARK_IDLE:
		return true;
	default:
		return false;
	}
}

/**
 * hshm_wire_tx_handover() - hand the wait list to the peer
 * @tx: sender state
 *
 * proc_ing_h takes the wait list, wait_h is emptied, and only then (after
 * a write barrier) working_mark becomes busy.  The caller rings the
 * doorbell afterwards.
 *
 * Return: the number of messages handed over (0: nothing was waiting).
 */
unsigned int hshm_wire_tx_handover(struct hshm_wire_tx *tx)
{
	struct hshm_wire_queue *q = tx->q;
	unsigned int n = tx->nwait;

	if (!n)
		return 0;
	/*
	 * A peer that does not wait for busy serves what proc_ing_h points
	 * at (peers.md V1-6): the entries are complete before it does.
	 */
	virt_wmb();
	WRITE_ONCE(q->proc_ing_h, cpu_to_le16(tx->wait_head));
	WRITE_ONCE(q->wait_h, cpu_to_le16(tx->n));
	hshm_wire_set_mark(q, HSHM_WIRE_MARK_BUSY);
	tx->wait_head = tx->n;
	tx->wait_tail = tx->n;
	tx->nwait = 0;
	return n;
}

/**
 * hshm_wire_tx_handover_again() - hand one entry of the batch over again
 * @tx: sender state, with nothing waiting
 * @idx: the entry proc_ing_h is on, handed over and left untouched by a
 *	peer that went idle
 *
 * The entry becomes a batch of its own (its nxt_idx "end"), proc_ing_h
 * stays on it and working_mark becomes busy again: a peer that walks
 * batches serves it now, one that serves whatever its head is on
 * (peers.md V1-6) serves it anyway.  The caller rings the doorbell.
 */
void hshm_wire_tx_handover_again(struct hshm_wire_tx *tx, u16 idx)
{
	struct hshm_wire_queue *q = tx->q;

	WRITE_ONCE(q->entries[idx].nxt_idx, cpu_to_le16(tx->n));
	/* The entry ends the batch before the peer is told of it. */
	virt_wmb();
	WRITE_ONCE(q->proc_ing_h, cpu_to_le16(idx));
	hshm_wire_set_mark(q, HSHM_WIRE_MARK_BUSY);
}

/**
 * hshm_wire_tx_poll() - has the peer answered entry @idx?
 * @tx: sender state
 * @idx: a handed-over entry
 * @capacity: bytes of the buffer allocated to this request
 * @reply: filled in when the return value is %HSHM_WIRE_DONE
 *
 * flag and length are read once each, flag first with acquire ordering,
 * then the flag again (an answer being rewritten is pending), then
 * validated: no reserved flag bit, a length within @capacity, a
 * service_result other than "none".  Nothing else of the entry is read.
 *
 * Return: an enum hshm_wire_status value.
 */
enum hshm_wire_status hshm_wire_tx_poll(const struct hshm_wire_tx *tx, u16 idx,
					u32 capacity,
					struct hshm_wire_reply *reply)
{
	const struct hshm_wire_entry *e = &tx->q->entries[idx];
	u16 flag = le16_to_cpu(READ_ONCE(e->msg.flag));
	u32 length;

	if (!(flag & HSHM_WIRE_FLAG_DEALT))
		return HSHM_WIRE_PENDING;
	/* The length the flag publishes is read after the flag. */
	virt_rmb();
	length = le32_to_cpu(READ_ONCE(e->msg.length));
	/*
	 * And the flag once more: a peer that rewrites an answer (length
	 * first, as it should) must not be taken at its old flag with its
	 * new length.  Looked at again later.
	 */
	virt_rmb();
	if (le16_to_cpu(READ_ONCE(e->msg.flag)) != flag)
		return HSHM_WIRE_PENDING;
	if (flag & HSHM_WIRE_FLAG_RESERVED_MASK)
		return HSHM_WIRE_BAD_FLAG;
	if (length > capacity)
		return HSHM_WIRE_BAD_LENGTH;
	reply->length = length;
	reply->result = (flag & HSHM_WIRE_FLAG_RESULT_MASK) >>
			HSHM_WIRE_FLAG_RESULT_SHIFT;
	if (reply->result == HSHM_WIRE_RESULT_NONE)
		return HSHM_WIRE_BAD_RESULT;
	return HSHM_WIRE_DONE;
}

/**
 * hshm_wire_tx_destroy() - tell the peer this queue is gone
 * @tx: sender state
 */
void hshm_wire_tx_destroy(struct hshm_wire_tx *tx)
{
	hshm_wire_set_mark(tx->q, HSHM_WIRE_MARK_DESTROYED);
}

/**
 * hshm_wire_rx_attach() - start receiving on a queue the other side owns
 * @rx: receiver state to set up
 * @queue: the shared queue area
 * @queue_bytes: its size
 * @data_size: bytes of the data area that offsets refer to
 *
 * The entry count comes from @queue_bytes, never from the peer-written
 * buf_size, which only has to agree with it.
 *
 * Return: 0, -EINVAL for a bad size, or -EAGAIN while the owner has not
 * initialised the queue (or its buf_size disagrees).
 */
int hshm_wire_rx_attach(struct hshm_wire_rx *rx, void *queue,
			size_t queue_bytes, u32 data_size)
{
	struct hshm_wire_queue *q = queue;
	int n = hshm_wire_entries(queue_bytes);
	u32 mark;

	if (n < 0 || !data_size)
		return -EINVAL;
	mark = hshm_wire_get_mark(q);
	if (!hshm_wire_mark_ready(mark))
		return -EAGAIN;
	if (le16_to_cpu(READ_ONCE(q->buf_size)) != n)
		return -EAGAIN;
	rx->q = q;
	rx->n = (u16)n;
	rx->data_size = data_size;
	rx->steps = 0;
	rx->invalid_run = 0;
	rx->served = 0;
	rx->invalid = 0;
	rx->heals = 0;
	return 0;
}

/**
 * hshm_wire_rx_pending() - has the owner handed a batch over?
 * @rx: receiver state
 *
 * Return: true when working_mark says busy.
 */
bool hshm_wire_rx_pending(const struct hshm_wire_rx *rx)
{
	return hshm_wire_get_mark(rx->q) == HSHM_WIRE_MARK_BUSY;
}

static void hshm_wire_rx_heal(struct hshm_wire_rx *rx)
{
	WRITE_ONCE(rx->q->proc_ing_h, cpu_to_le16(rx->n));
	rx->invalid_run = 0;
	rx->heals++;
}

/**
 * hshm_wire_rx_next() - take the next valid message of the batch
 * @rx: receiver state
 * @msg: filled in when 1 is returned
 *
 * Walks from proc_ing_h.  An entry whose message is invalid (length 0,
 * payload outside the data area, already handled) is answered with
 * %HSHM_WIRE_RESULT_FAIL and skipped.  A head index out of range, a walk
 * longer than the queue (a loop) or %HSHM_WIRE_HEAL_RUN invalid entries in
 * a row reset the queue: proc_ing_h becomes "end" and the batch is over.
 *
 * Return: 1 with @msg set, or 0 when the batch is over; the caller then
 * calls hshm_wire_rx_finish().
 */
int hshm_wire_rx_next(struct hshm_wire_rx *rx, struct hshm_wire_rx_msg *msg)
{
	struct hshm_wire_queue *q = rx->q;

	for (;;) {
		u16 idx = le16_to_cpu(READ_ONCE(q->proc_ing_h));
		struct hshm_wire_entry *e;
		u16 flag;
		u32 off, len;

		if (idx == rx->n) {
			rx->steps = 0;
			return 0;
		}
		if (idx > rx->n || ++rx->steps > rx->n) {
			rx->invalid++;
			hshm_wire_rx_heal(rx);
			rx->steps = 0;
			return 0;
		}
		e = &q->entries[idx];
		flag = le16_to_cpu(READ_ONCE(e->msg.flag));
		off = le32_to_cpu(READ_ONCE(e->msg.offset));
		len = le32_to_cpu(READ_ONCE(e->msg.length));
		msg->idx = idx;
		msg->service_id = le16_to_cpu(READ_ONCE(e->msg.service_id));
		msg->offset = off;
		msg->length = len;
		if (!(flag & HSHM_WIRE_FLAG_DEALT) && len &&
		    off < rx->data_size && len <= rx->data_size - off) {
			rx->invalid_run = 0;
			return 1;
		}
		rx->invalid++;
		hshm_wire_rx_reply(rx, msg, HSHM_WIRE_RESULT_FAIL, 0);
		if (++rx->invalid_run >= HSHM_WIRE_HEAL_RUN) {
			hshm_wire_rx_heal(rx);
			rx->steps = 0;
			return 0;
		}
	}
}

/**
 * hshm_wire_rx_reply_raw() - write an answer as given and advance
 * @rx: receiver state
 * @msg: the message hshm_wire_rx_next() returned
 * @flag: the flag word to write, unchecked
 * @length: response length
 *
 * The length is written before the flag, with a write barrier between, so
 * a sender that sees deal_state = 1 sees the response.  Test peers use it
 * to write answers a correct peer never would.
 */
void hshm_wire_rx_reply_raw(struct hshm_wire_rx *rx,
			    const struct hshm_wire_rx_msg *msg, u16 flag,
			    u32 length)
{
	struct hshm_wire_entry *e = &rx->q->entries[msg->idx];
	u16 next = le16_to_cpu(READ_ONCE(e->nxt_idx));

	WRITE_ONCE(e->msg.length, cpu_to_le32(length));
	/* Response and length are visible before deal_state. */
	virt_wmb();
	WRITE_ONCE(e->msg.flag, cpu_to_le16(flag));
	/* next is validated when hshm_wire_rx_next() reads it back. */
	WRITE_ONCE(rx->q->proc_ing_h, cpu_to_le16(next));
}

/**
 * hshm_wire_rx_reply() - answer a message and advance to the next one
 * @rx: receiver state
 * @msg: the message hshm_wire_rx_next() returned
 * @result: HSHM_WIRE_RESULT_* value
 * @length: response length (the response is already in the data area)
 */
void hshm_wire_rx_reply(struct hshm_wire_rx *rx,
			const struct hshm_wire_rx_msg *msg, u8 result,
			u32 length)
{
	u16 flag = HSHM_WIRE_FLAG_DEALT |
		   ((result << HSHM_WIRE_FLAG_RESULT_SHIFT) &
		    HSHM_WIRE_FLAG_RESULT_MASK);

	if (result == HSHM_WIRE_RESULT_SUCCESS)
		rx->served++;
	hshm_wire_rx_reply_raw(rx, msg, flag, length);
}

/**
 * hshm_wire_rx_finish() - end the batch: working_mark becomes idle
 * @rx: receiver state
 *
 * The caller rings the owner's reply interrupt afterwards, where one is
 * wired.
 */
void hshm_wire_rx_finish(struct hshm_wire_rx *rx)
{
	rx->steps = 0;
	hshm_wire_set_mark(rx->q, HSHM_WIRE_MARK_IDLE);
}
