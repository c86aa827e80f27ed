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
 *	HSHM_WIRE_RESULT_* value with *@out_len set, or -1 to let the
 *	reference services handle it
 * @ctx: passed to both
 */
struct hshm_peer_hooks {
	bool (*before)(void *ctx, const struct hshm_wire_rx_msg *msg);
	int (*service)(void *ctx, const struct hshm_wire_rx_msg *msg, u8 *buf,
		       u32 room, u32 *out_len);
	void *ctx;
};

int hshm_peer_serve_batch(struct hshm_wire_rx *rx, u8 *data,
			  const struct hshm_peer_hooks *hooks);

#endif /* _HSHM_PEER_H */
