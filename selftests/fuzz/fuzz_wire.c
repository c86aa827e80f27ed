// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness over the shared wire code (common/hshm_wire.c) and the
 * peer's batch serving (common/hshm_peer.c, common/hshm_services.c), built
 * in user space with common/hshm_port_user.h.
 *
 * An input is
 *   struct fz_ctrl  what to do (sizes, counts, choices)
 *   queue image     up to 4 KiB written over the queue (whatever a peer or
 *                   an owner may write there)
 *   data            the rest, the data area's first bytes
 *
 * Sender side: a batch is built and handed over with the real operations,
 * the queue is overwritten with the image as a hostile peer would, and
 * the sender polls, scrubs, checks the header, returns entries and resets
 * the queue.  Receiver side: the image is the queue a hostile owner
 * handed over; it is attached and served in place over a data area of
 * exactly FZ_DATA_SIZE bytes (AddressSanitizer catches any access
 * outside), and the walk must end.  Invariants that do not hold abort().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hshm_wire.h"
#include "hshm_peer.h"
#include "hshm_services.h"

#define FZ_DATA_SIZE	(64 * 1024)
#define FZ_QSIZE	HSHM_WIRE_QUEUE_SIZE

/**
 * struct fz_ctrl - the first bytes of an input
 * @flags: FZ_* bits
 * @nappend: entries in the batch (modulo the queue's size + 1)
 * @nlast: entries given to the reset as "reuse last"
 * @stop: the before hook stops the batch at this message (0: never)
 * @capacity: buffer capacity of every request, for tx_poll
 * @offset: payload offset of the first request
 * @length: payload length of every request
 * @service: service of every request
 * @pad: unused
 */
struct fz_ctrl {
	uint8_t flags;
	uint8_t nappend;
	uint8_t nlast;
	uint8_t stop;
	uint16_t capacity;
	uint16_t offset;
	uint16_t length;
	uint16_t service;
	uint8_t pad[4];
};

#define FZ_TX		0x01	/* run the sender side */
#define FZ_RX		0x02	/* run the receiver side */
#define FZ_BUSY		0x04	/* rx: force a valid header (busy, buf_size) */
#define FZ_TAIL		0x08	/* tx: answered entries go back to the tail */
#define FZ_HOOKS	0x10	/* rx: serve with hooks */

#define FZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_wire: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* The private free list is a list of exactly nfree distinct entries. */
static void check_free_list(const struct hshm_wire_tx *tx, unsigned int in_use)
{
	static uint8_t seen[HSHM_WIRE_MAX_ENTRIES];
	unsigned int i;
	u16 idx = tx->free_head, last = tx->n;

	FZ_CHECK(tx->nfree + in_use == tx->n);
	memset(seen, 0, tx->n);
	for (i = 0; i < tx->nfree; i++) {
		FZ_CHECK(idx < tx->n);
		FZ_CHECK(!seen[idx]);
		seen[idx] = 1;
		last = idx;
		idx = tx->link[idx];
	}
	FZ_CHECK(tx->nfree ? idx == tx->n && last == tx->free_tail :
			     tx->free_head == tx->n);
}

static void fuzz_tx(const struct fz_ctrl *c, const uint8_t *img, size_t nimg)
{
	struct hshm_wire_queue *q = aligned_alloc(64, FZ_QSIZE);
	struct hshm_wire_tx *tx = calloc(1, sizeof(*tx));
	u16 batch[HSHM_WIRE_MAX_ENTRIES], last[256];
	unsigned int k, i, in_use = 0;

	FZ_CHECK(q && tx);
	FZ_CHECK(!hshm_wire_tx_init(tx, q, FZ_QSIZE));
	FZ_CHECK(hshm_wire_tx_peer_idle(tx));
	check_free_list(tx, 0);
	k = c->nappend % (tx->n + 1);
	for (i = 0; i < k; i++) {
		int e = hshm_wire_tx_get(tx);

		FZ_CHECK(e >= 0 && e < tx->n);
		batch[i] = (u16)e;
		hshm_wire_tx_append(tx, batch[i], c->service,
				    c->offset + i * 256u, c->length);
	}
	if (k == tx->n)
		FZ_CHECK(hshm_wire_tx_get(tx) == -ENOSPC);
	FZ_CHECK(hshm_wire_tx_handover(tx) == k);
	in_use = k;

	/* The peer writes whatever it likes, anywhere in the queue. */
	memcpy(q, img, nimg);

	(void)hshm_wire_mark_known(hshm_wire_tx_mark(tx));
	for (i = 0; i < k; i++) {
		struct hshm_wire_reply r = { 0 };
		enum hshm_wire_status st;

		st = hshm_wire_tx_poll(tx, batch[i], c->capacity, &r);
		FZ_CHECK(st <= HSHM_WIRE_BAD_RESULT);
		if (st == HSHM_WIRE_DONE) {
			FZ_CHECK(r.length <= c->capacity);
			FZ_CHECK(r.result >= HSHM_WIRE_RESULT_SUCCESS &&
				 r.result <= HSHM_WIRE_RESULT_NOSERVICE);
		}
		if (st == HSHM_WIRE_PENDING)
			continue;
		if ((c->flags & FZ_TAIL) && st != HSHM_WIRE_DONE)
			hshm_wire_tx_put_tail(tx, batch[i]);
		else
			hshm_wire_tx_put(tx, batch[i]);
		in_use--;
	}
	check_free_list(tx, in_use);
	(void)hshm_wire_tx_scrub(tx);
	FZ_CHECK(hshm_wire_tx_scrub(tx) == 0);
	(void)hshm_wire_tx_check_header(tx);
	FZ_CHECK(hshm_wire_tx_check_header(tx) == 0);
	check_free_list(tx, in_use);

	/* Take everything back; the "last" list may hold any value. */
	for (i = 0; i < c->nlast && i < sizeof(last) / sizeof(last[0]); i++)
		last[i] = i < nimg / 2 ? (u16)(img[2 * i] | img[2 * i + 1] << 8) :
					 (u16)i;
	FZ_CHECK(hshm_wire_tx_reset(tx, last, i) == tx->n);
	check_free_list(tx, 0);
	FZ_CHECK(hshm_wire_tx_peer_idle(tx));
	FZ_CHECK(le16_to_cpu(q->proc_ing_h) == tx->n);
	FZ_CHECK(hshm_wire_tx_scrub(tx) == 0);
	hshm_wire_tx_destroy(tx);
	free(tx);
	free(q);
}

static int fz_stop_at;

static bool fz_before(void *ctx, const struct hshm_wire_rx_msg *m)
{
	int *seen = ctx;

	FZ_CHECK(m->length && m->offset < FZ_DATA_SIZE &&
		 m->length <= FZ_DATA_SIZE - m->offset);
	return !fz_stop_at || ++*seen < fz_stop_at;
}

static int fz_service(void *ctx, const struct hshm_wire_rx_msg *m, u8 *buf,
		      u32 room, u32 *out_len)
{
	/* Touch the whole room the peer is given: it must be ours. */
	if (room)
		buf[room - 1] ^= 0;
	*out_len = 0;
	return m->service_id == 0xffff ? HSHM_WIRE_RESULT_FAIL : -1;
}

static void fuzz_rx(const struct fz_ctrl *c, const uint8_t *img, size_t nimg,
		    const uint8_t *data_in, size_t ndata)
{
	struct hshm_wire_queue *q = aligned_alloc(64, FZ_QSIZE);
	uint8_t *data = malloc(FZ_DATA_SIZE);
	struct hshm_wire_rx rx;
	struct hshm_peer_hooks hooks = {
		.before = fz_before,
		.service = fz_service,
	};
	int seen = 0, round, n;

	FZ_CHECK(q && data);
	memset(q, 0, FZ_QSIZE);
	memcpy(q, img, nimg);
	memset(data, 0, FZ_DATA_SIZE);
	memcpy(data, data_in, ndata < FZ_DATA_SIZE ? ndata : FZ_DATA_SIZE);
	if (c->flags & FZ_BUSY) {
		q->working_mark = cpu_to_le32(HSHM_WIRE_MARK_BUSY);
		q->buf_size = cpu_to_le16(HSHM_WIRE_QUEUE_ENTRIES(FZ_QSIZE));
	}
	hooks.ctx = &seen;
	fz_stop_at = c->stop;
	if (!hshm_wire_rx_attach(&rx, q, FZ_QSIZE, FZ_DATA_SIZE)) {
		for (round = 0; round < 3 && hshm_wire_rx_pending(&rx); round++) {
			n = hshm_peer_serve_batch(&rx, data,
						  (c->flags & FZ_HOOKS) ? &hooks : NULL);
			FZ_CHECK(n <= rx.n);
			if (n < 0)
				break;
			FZ_CHECK(!hshm_wire_rx_pending(&rx));
		}
	}
	free(data);
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t len)
{
	struct fz_ctrl c;
	size_t nimg;

	if (len < sizeof(c))
		return 0;
	memcpy(&c, d, sizeof(c));
	d += sizeof(c);
	len -= sizeof(c);
	nimg = len < FZ_QSIZE ? len : FZ_QSIZE;
	if (c.flags & FZ_TX)
		fuzz_tx(&c, d, nimg);
	if (c.flags & FZ_RX)
		fuzz_rx(&c, d, nimg, d + nimg, len - nimg);
	return 0;
}
