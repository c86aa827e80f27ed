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
