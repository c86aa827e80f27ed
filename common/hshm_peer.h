/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The receiving side of a HyperAMP queue as a peer runs it: serve one
 * batch with the shared wire and service code.  Used by the in-kernel
 * loopback peer and by the user-space peer (hshm-peer).
 */
#ifndef _HSHM_PEER_H
#define _HSHM_PEER_H

#include "hshm_wire.h"

/**
 * struct hshm_peer_hooks - what a peer does around each message
 * @before: called before a message is served, to pace the peer (service
 *	cost); returning false leaves the batch where it is, as a peer that
 *	vanishes mid-batch would
 * @service: if set, called first for every message; returns a
 *	HSHM_WIRE_RESULT_* value with *@out_len set, -1 to let the
 *	reference services handle it, or %HSHM_PEER_ANSWERED when it has
 *	answered the message itself (hshm_wire_rx_reply_raw())
 * @end: if set, called after the last message of the batch, before the
 *	queue is marked idle; returning false leaves working_mark as the
 *	hook left it (a test peer that never ends a batch, or ends it its
 *	own way)
 * @ctx: passed to all
 */
struct hshm_peer_hooks {
	bool (*before)(void *ctx, const struct hshm_wire_rx_msg *msg);
	int (*service)(void *ctx, const struct hshm_wire_rx_msg *msg, u8 *buf,
		       u32 room, u32 *out_len);
	bool (*end)(void *ctx, struct hshm_wire_rx *rx);
	void *ctx;
};

/* struct hshm_peer_hooks.service: the hook wrote the answer itself. */
#define HSHM_PEER_ANSWERED	0x100

int hshm_peer_serve_batch(struct hshm_wire_rx *rx, u8 *data,
			  const struct hshm_peer_hooks *hooks);

#endif /* _HSHM_PEER_H */
