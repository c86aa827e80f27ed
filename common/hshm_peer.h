/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The receiving side of a HyperAMP queue as a peer runs it: serve one
 * batch with the shared wire and service code.  Used by the in-kernel
 * loopback peer and by the user-space peer (hshm-peer).
 *
 * A peer profile (struct hshm_peer_profile) says which peer is played:
 * hshm's own (serve whole batches, the default), or the observable
 * behaviour of one of the public v1 peers of peers.md, quirks included
 * (Documentation/hshm/peers.rst).
 */
#ifndef _HSHM_PEER_H
#define _HSHM_PEER_H

#include "hshm_wire.h"
#include "hshm_services.h"

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
 * @between: v1 profiles: if set, called between the two writes of the
 *	flag (V1-8), where a reader sees {dealt, result 0}; the place of a
 *	delay between them
 * @print: v1 profiles: if set, called with the payload of a message a
 *	print-only service (hshm_service_prints()) accepted, for the peer to
 *	print (hshm_svc_hex_byte() decodes it)
 * @ctx: passed to all
 */
struct hshm_peer_hooks {
	bool (*before)(void *ctx, const struct hshm_wire_rx_msg *msg);
	int (*service)(void *ctx, const struct hshm_wire_rx_msg *msg, u8 *buf,
		       u32 room, u32 *out_len);
	bool (*end)(void *ctx, struct hshm_wire_rx *rx);
	void (*between)(void *ctx, const struct hshm_wire_rx_msg *msg);
	void (*print)(void *ctx, const struct hshm_wire_rx_msg *msg,
		      const u8 *buf, u32 len);
	void *ctx;
};

/* struct hshm_peer_hooks.service: the hook wrote the answer itself. */
#define HSHM_PEER_ANSWERED	0x100

int hshm_peer_serve_batch(struct hshm_wire_rx *rx, u8 *data,
			  const struct hshm_peer_hooks *hooks);

/**
 * enum hshm_peer_walk - how a profile's peer finds the messages it serves
 * @HSHM_PEER_WALK_BATCH: wait for working_mark busy, serve the whole batch
 *	along nxt_idx, mark the queue idle (hshm_peer_serve_batch())
 * @HSHM_PEER_WALK_V1: the public v1 servers' loop (V1-5 to V1-9): each
 *	look serves at most the one message at proc_ing_h, busy or not
 *	(hshm_peer_v1_look())
 */
enum hshm_peer_walk {
	HSHM_PEER_WALK_BATCH = 0,
	HSHM_PEER_WALK_V1,
};

/* struct hshm_peer_profile.start: what the peer does when it starts */
/* Initialise the peer-owned queue as its owner (hshm_wire_tx_init()). */
#define HSHM_PEER_START_OWN_QUEUE	0x1
/* V1-3: overwrite the Linux queue's header unless it is 0xEEEEEEEE. */
#define HSHM_PEER_START_CLOBBER		0x2
/* V1-4: mark the peer-owned queue 0xEEEEEEEE unless it is already. */
#define HSHM_PEER_START_MARK_OWN	0x4

/**
 * struct hshm_peer_profile - which peer a serving loop plays
 * @name: what --profile and the loopback_profile parameter take
 * @about: one line for --help
 * @walk: how messages are found and answered
 * @services: what the service ids mean (D-8)
 * @start: HSHM_PEER_START_* actions, done by hshm_peer_profile_start()
 *	(%HSHM_PEER_START_OWN_QUEUE by the caller, which owns the
 *	struct hshm_wire_tx)
 * @start_buf_size: the buf_size the start-up writes into queue headers
 * @boot: bytes written into the data area at start, or NULL
 * @boot_len: their number
 * @boot_offset: where in the data area
 * @rings: the peer rings the owner when it has answered
 * @look_us: pause between two looks of a v1 loop, 0: none (a tight loop)
 * @pace_us: default cost of one message (the peer's pace)
 * @exit_after: the peer stops after serving this many messages, 0: never
 * @handover: messages a sender hands this peer at a time, 0: as many as
 *	it likes (the driver learns what the peer serves); the v1 servers
 *	serve one per hand-over (V1-7)
 */
struct hshm_peer_profile {
	const char *name;
	const char *about;
	enum hshm_peer_walk walk;
	enum hshm_svc_set services;
	unsigned int start;
	u16 start_buf_size;
	const u8 *boot;
	u32 boot_len;
	u32 boot_offset;
	bool rings;
	u32 look_us;
	u32 pace_us;
	u32 exit_after;
	u16 handover;
};

/**
 * struct hshm_peer_region - the shared region as a peer sees it
 * @data: the data area
 * @data_size: its bytes
 * @txq: the queue Linux owns, on which the peer receives
 * @txq_size: its bytes
 * @rxq: the queue the peer owns, or NULL
 * @rxq_size: its bytes
 */
struct hshm_peer_region {
	u8 *data;
	u32 data_size;
	void *txq;
	u32 txq_size;
	void *rxq;
	u32 rxq_size;
};

const struct hshm_peer_profile *hshm_peer_profile_get(unsigned int i);
const struct hshm_peer_profile *hshm_peer_profile_find(const char *name);
u8 hshm_peer_profile_service(const struct hshm_peer_profile *prof,
			     u16 service_id, u8 *buf, u32 len, u32 room,
			     u32 *out_len);
void hshm_peer_profile_start(const struct hshm_peer_profile *prof,
			     const struct hshm_peer_region *r);
bool hshm_peer_owner_ready(const struct hshm_peer_region *r);

/**
 * struct hshm_peer_v1 - state of a v1 server's loop (V1-5 to V1-9)
 * @prof: the profile played
 * @q: the queue Linux owns
 * @cap: entries that fit in the queue's memory: indices at or above it
 *	are never looked at, whatever buf_size says
 * @data: the data area
 * @data_size: its bytes; stands for the v1 servers' 4 MiB
 * @exit_after: stop after this many messages served, 0: never
 * @invalid_run: invalid looks in a row
 * @exited: @exit_after messages were served; nothing is done any more
 * @looks: looks done
 * @served: messages served
 * @invalid: looks that found no valid message
 * @heals: times proc_ing_h was reset after %HSHM_WIRE_HEAL_RUN of them
 *
 * Used by one thread at a time; the caller serialises.
 */
struct hshm_peer_v1 {
	const struct hshm_peer_profile *prof;
	struct hshm_wire_queue *q;
	u16 cap;
	u8 *data;
	u32 data_size;
	u32 exit_after;
	u32 invalid_run;
	bool exited;
	u64 looks;
	u64 served;
	u64 invalid;
	u64 heals;
};

/**
 * enum hshm_peer_look - what one look of a v1 loop did
 * @HSHM_PEER_LOOK_INVALID: no valid message at proc_ing_h; nothing written
 * @HSHM_PEER_LOOK_HEALED: the same, for the %HSHM_WIRE_HEAL_RUN-th time in
 *	a row: proc_ing_h = 0, then working_mark = idle (V1-9)
 * @HSHM_PEER_LOOK_SERVED: one message served and answered, the head
 *	advanced, working_mark = idle (V1-7, V1-8)
 * @HSHM_PEER_LOOK_STOPPED: the before hook stopped the peer at a valid
 *	message, which was left as it was
 * @HSHM_PEER_LOOK_EXITED: the peer has exited (exit_after): nothing read
 *	or written
 */
enum hshm_peer_look {
	HSHM_PEER_LOOK_INVALID = 0,
	HSHM_PEER_LOOK_HEALED,
	HSHM_PEER_LOOK_SERVED,
	HSHM_PEER_LOOK_STOPPED,
	HSHM_PEER_LOOK_EXITED,
};

int hshm_peer_v1_init(struct hshm_peer_v1 *s,
		      const struct hshm_peer_profile *prof,
		      const struct hshm_peer_region *r);
enum hshm_peer_look hshm_peer_v1_look(struct hshm_peer_v1 *s,
				      const struct hshm_peer_hooks *hooks);

#endif /* _HSHM_PEER_H */
