/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HyperAMP v1 queue operations, sender and receiver side, shared by the
 * driver, the in-kernel loopback peer and the user-space peer.
 *
 * The sender keeps its own lists in private memory (struct hshm_wire_tx)
 * and only mirrors them into the shared queue for the peer; nothing it
 * needs is ever read back from shared memory except what the peer is
 * allowed to write (working_mark, and flag and length of handed-over
 * entries), and that is read once and validated.
 */
#ifndef _HSHM_WIRE_H
#define _HSHM_WIRE_H

#include "hshm_port.h"
#include "../uapi/linux/hshm_wire.h"

/* Largest queue this code handles (a 64 KiB queue holds 4095 entries). */
#define HSHM_WIRE_MAX_ENTRIES	4095

/* Consecutive invalid entries after which a receiver resets the queue. */
#define HSHM_WIRE_HEAL_RUN	32

/*
 * Data offsets below this one are written by public peers when they start,
 * whatever the queues say: "FREERTOS" or "Test" at 0, the seL4 server's
 * boot string at 0x40-0x57.  No buffer is ever handed out below it.
 */
#define HSHM_WIRE_DATA_BOOT_END	0x58u

/**
 * hshm_wire_alloc_skip() - bytes to leave unused at the start of an area
 * @alloc_off: data offset where the area a side allocates from starts
 * @granule: allocation granule, a power of two; @alloc_off is a multiple
 *
 * Return: 0 when the area starts at or above %HSHM_WIRE_DATA_BOOT_END,
 * else the whole granules that cover the part below it, so that the area
 * starts, still aligned, at or above it.
 */
static inline u32 hshm_wire_alloc_skip(u32 alloc_off, u32 granule)
{
	if (alloc_off >= HSHM_WIRE_DATA_BOOT_END)
		return 0;
	return (HSHM_WIRE_DATA_BOOT_END - alloc_off + granule - 1) &
	       ~(granule - 1);
}

/* hshm_wire_tx_setup() flags */
/*
 * Never hand out entry 0.  The public v1 servers move their head to entry
 * 0 on their own (peers.md V1-9, V1-3) and serve whatever looks valid
 * there, handed over or not (V1-6): kept cleared, entry 0 never does.
 */
#define HSHM_WIRE_TX_SKIP_ENTRY0	0x1
/*
 * Leave the queue marked initialised (0xEEEEEEEE) rather than idle until
 * hshm_wire_tx_open(): a v1 server that starts meanwhile leaves a queue
 * so marked alone, where it overwrites the header of any other (V1-3).
 */
#define HSHM_WIRE_TX_CLOSED		0x2

/**
 * struct hshm_wire_tx - sender-private state of a queue this side owns
 * @q: the shared queue
 * @n: number of entries (buf_size)
 * @first: entries below it are never handed out and stay cleared
 * @free_head: head of the private free list, @n when empty
 * @free_tail: last entry of the private free list, @n when empty
 * @nfree: entries on the free list
 * @wait_head: first entry of the batch being built, @n when empty
 * @wait_tail: last entry of the batch being built
 * @nwait: entries in the batch being built
 * @scrub_next: where hshm_wire_tx_scrub_some() goes on
 * @link: private next-links of the free list
 *
 * Used by one thread at a time; the caller serialises.
 */
struct hshm_wire_tx {
	struct hshm_wire_queue *q;
	u16 n;
	u16 first;
	u16 free_head;
	u16 free_tail;
	u16 nfree;
	u16 wait_head;
	u16 wait_tail;
	u16 nwait;
	u16 scrub_next;
	u16 link[HSHM_WIRE_MAX_ENTRIES];
};

/**
 * struct hshm_wire_reply - what the peer answered for one entry
 * @length: response length, already checked against the capacity
 * @result: HSHM_WIRE_RESULT_* value
 */
struct hshm_wire_reply {
	u32 length;
	u8 result;
};

/**
 * enum hshm_wire_status - outcome of looking at one handed-over entry
 * @HSHM_WIRE_PENDING: not handled yet
 * @HSHM_WIRE_DONE: handled; the reply is valid
 * @HSHM_WIRE_BAD_FLAG: reserved flag bits set
 * @HSHM_WIRE_BAD_LENGTH: response longer than the buffer of the request
 * @HSHM_WIRE_BAD_RESULT: handled, but with service_result "none"
 */
enum hshm_wire_status {
	HSHM_WIRE_PENDING = 0,
	HSHM_WIRE_DONE,
	HSHM_WIRE_BAD_FLAG,
	HSHM_WIRE_BAD_LENGTH,
	HSHM_WIRE_BAD_RESULT,
};

int hshm_wire_entries(size_t queue_bytes);
int hshm_wire_tx_init(struct hshm_wire_tx *tx, void *queue, size_t queue_bytes);
int hshm_wire_tx_setup(struct hshm_wire_tx *tx, void *queue, size_t queue_bytes,
		       unsigned int flags);
void hshm_wire_tx_open(struct hshm_wire_tx *tx);
int hshm_wire_tx_get(struct hshm_wire_tx *tx);
void hshm_wire_tx_put(struct hshm_wire_tx *tx, u16 idx);
void hshm_wire_tx_put_tail(struct hshm_wire_tx *tx, u16 idx);
int hshm_wire_tx_reset(struct hshm_wire_tx *tx, const u16 *last,
		       unsigned int nlast);
unsigned int hshm_wire_tx_scrub(struct hshm_wire_tx *tx);
unsigned int hshm_wire_tx_scrub_some(struct hshm_wire_tx *tx,
				     unsigned int count);
unsigned int hshm_wire_tx_check_header(struct hshm_wire_tx *tx);
u32 hshm_wire_tx_mark(const struct hshm_wire_tx *tx);
u16 hshm_wire_tx_peer_head(const struct hshm_wire_tx *tx);
bool hshm_wire_tx_settled(const struct hshm_wire_tx *tx, u16 idx);
bool hshm_wire_tx_untouched(const struct hshm_wire_tx *tx, u16 idx);
void hshm_wire_tx_withdraw(struct hshm_wire_tx *tx, u16 idx);
void hshm_wire_tx_restore(struct hshm_wire_tx *tx, u16 idx, u32 length);
bool hshm_wire_mark_known(u32 mark);
u32 hshm_wire_queue_mark(const void *queue);
bool hshm_wire_mark_ready(u32 mark);
void hshm_wire_tx_append(struct hshm_wire_tx *tx, u16 idx, u16 service_id,
			 u32 offset, u32 length);
bool hshm_wire_tx_peer_idle(const struct hshm_wire_tx *tx);
unsigned int hshm_wire_tx_handover(struct hshm_wire_tx *tx);
void hshm_wire_tx_handover_again(struct hshm_wire_tx *tx, u16 idx);
enum hshm_wire_status hshm_wire_tx_poll(const struct hshm_wire_tx *tx, u16 idx,
					u32 capacity,
					struct hshm_wire_reply *reply);
void hshm_wire_tx_destroy(struct hshm_wire_tx *tx);

/**
 * struct hshm_wire_rx - receiver state of a queue the other side owns
 * @q: the shared queue
 * @n: number of entries, checked against the queue's buf_size at attach
 * @data_size: bytes of the data area offsets refer to
 * @steps: entries walked in the current batch (bounds the walk)
 * @invalid_run: consecutive invalid entries seen
 * @served: entries answered
 * @invalid: entries rejected
 * @heals: queue resets after a run of invalid entries or a broken list
 */
struct hshm_wire_rx {
	struct hshm_wire_queue *q;
	u16 n;
	u32 data_size;
	u32 steps;
	u32 invalid_run;
	u64 served;
	u64 invalid;
	u64 heals;
};

/**
 * struct hshm_wire_rx_msg - one message taken from the batch
 * @idx: entry index
 * @service_id: requested service
 * @offset: payload offset in the data area, validated
 * @length: payload length, validated (1..data_size - offset)
 */
struct hshm_wire_rx_msg {
	u16 idx;
	u16 service_id;
	u32 offset;
	u32 length;
};

int hshm_wire_rx_attach(struct hshm_wire_rx *rx, void *queue,
			size_t queue_bytes, u32 data_size);
bool hshm_wire_rx_pending(const struct hshm_wire_rx *rx);
int hshm_wire_rx_next(struct hshm_wire_rx *rx, struct hshm_wire_rx_msg *msg);
void hshm_wire_rx_reply(struct hshm_wire_rx *rx,
			const struct hshm_wire_rx_msg *msg, u8 result,
			u32 length);
void hshm_wire_rx_reply_raw(struct hshm_wire_rx *rx,
			    const struct hshm_wire_rx_msg *msg, u16 flag,
			    u32 length);
void hshm_wire_rx_finish(struct hshm_wire_rx *rx);

#endif /* _HSHM_WIRE_H */
