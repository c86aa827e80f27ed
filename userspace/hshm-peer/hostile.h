/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hshm-peer --hostile: a peer that breaks the HyperAMP protocol on purpose,
 * to test that the driver survives it (see hostile.c for what each mode
 * does).
 */
#ifndef _HSHM_PEER_HOSTILE_H
#define _HSHM_PEER_HOSTILE_H

#include <stdio.h>

#include "hshm_peer.h"

enum hostile_mode {
	HOSTILE_CORRUPT_HEADER,
	HOSTILE_CORRUPT_ENTRIES,
	HOSTILE_CORRUPT_FLAGS,
	HOSTILE_CORRUPT_LENGTHS,
	HOSTILE_CORRUPT_OFFSETS,
	HOSTILE_LOOP,
	HOSTILE_ANSWER_TWICE,
	HOSTILE_ANSWER_UNSENT,
	HOSTILE_NEVER_ANSWER,
	HOSTILE_FLIP_MARK,
	HOSTILE_VANISH,
	HOSTILE_NR,
};

#define HOSTILE_MAX_ENTRIES	HSHM_WIRE_MAX_ENTRIES

/**
 * struct hostile - state of the hostile peer
 * @modes: modes given with --hostile, always on
 * @rt_modes: modes switched on at run time (test hook), until @rt_until
 * @rt_until: CLOCK_MONOTONIC ns at which @rt_modes end
 * @rate: percent of the opportunities a mode acts on (--hostile-rate)
 * @rt_rate: the same for @rt_modes
 * @rng: xorshift state (--hostile-seed)
 * @injected: faults injected, per mode
 * @cur: entries of the batch being served, in list order
 * @ncur: number of @cur
 * @prev: entries of the previous batch
 * @nprev: number of @prev
 * @ignoring: never-answer is sitting on a batch
 * @ignored_head: proc_ing_h of that batch
 * @mark_after: flip-mark: the mark to leave instead of idle, 0 for none
 * @stop_at: flip-mark: go idle before this message of the batch, -1: none
 * @nserved: messages of the batch seen by the before hook
 */
struct hostile {
	unsigned int modes;
	unsigned int rt_modes;
	unsigned long long rt_until;
	unsigned int rate;
	unsigned int rt_rate;
	unsigned long long rng;
	unsigned long long injected[HOSTILE_NR];

	u16 cur[HOSTILE_MAX_ENTRIES];
	unsigned int ncur;
	u16 prev[HOSTILE_MAX_ENTRIES];
	unsigned int nprev;
	bool ignoring;
	u16 ignored_head;
	u32 mark_after;
	int stop_at;
	int nserved;
};

extern const char *const hostile_names[HOSTILE_NR];

int hostile_parse_modes(const char *list, unsigned int *modes);
int hostile_control(struct hostile *h, const char *cmd, size_t len,
		    unsigned long long now_ns);
unsigned int hostile_active(struct hostile *h, unsigned long long now_ns);
bool hostile_hold(struct hostile *h, struct hshm_wire_rx *rx,
		  unsigned int active);
void hostile_begin(struct hostile *h, struct hshm_wire_rx *rx,
		   unsigned int active);
bool hostile_before(struct hostile *h, struct hshm_wire_rx *rx,
		    const struct hshm_wire_rx_msg *m, unsigned int active);
int hostile_service(struct hostile *h, struct hshm_wire_rx *rx,
		    const struct hshm_wire_rx_msg *m, u8 *buf, u32 room,
		    unsigned int active);
bool hostile_end(struct hostile *h, struct hshm_wire_rx *rx,
		 unsigned int active);
size_t hostile_report(const struct hostile *h, char *buf, size_t len);
void hostile_print(const struct hostile *h, FILE *f);

#endif /* _HSHM_PEER_HOSTILE_H */
