// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seed corpus of fuzz_wire: inputs built with the real queue operations,
 * so that the fuzzer starts from well-formed queues (a batch handed over,
 * the same batch answered, lists that loop, marks of every kind) rather
 * than from noise.  usage: fuzz_seed DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hshm_wire.h"
#include "hshm_peer.h"

#define FZ_QSIZE	HSHM_WIRE_QUEUE_SIZE
#define SEED_DATA	4096

struct seed_ctrl {
	uint8_t flags, nappend, nlast, stop;
	uint16_t capacity, offset, length, service;
	uint8_t pad[4];
};

static const char *dir;
static int nseeds;

static void emit(const struct seed_ctrl *c, const void *q, const void *data)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%03d", dir, nseeds++);
	f = fopen(path, "wb");
	if (!f || fwrite(c, sizeof(*c), 1, f) != 1 ||
	    fwrite(q, FZ_QSIZE, 1, f) != 1 ||
	    fwrite(data, SEED_DATA, 1, f) != 1 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 1, 2, 5, 32, 255 };
	static const uint16_t services[] = { 1, 2, 7, 9, 10, 14, 66, 500 };
	struct hshm_wire_queue *q = aligned_alloc(64, FZ_QSIZE);
	struct hshm_wire_tx *tx = calloc(1, sizeof(*tx));
	uint8_t *data = calloc(1, SEED_DATA);
	unsigned int s, i;

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seed DIR\n");
		return 2;
	}
	dir = argv[1];
	if (!q || !tx || !data)
		return 1;
	for (i = 0; i < SEED_DATA; i++)
		data[i] = (uint8_t)("hello, hostile world "[i % 21]);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct seed_ctrl c = {
			.flags = 0x01 | 0x02 | (s & 1 ? 0x08 | 0x10 : 0),
			.nappend = (uint8_t)sizes[s],
			.nlast = (uint8_t)(s * 3),
			.stop = (uint8_t)(s == 2 ? 3 : 0),
			.capacity = 256,
			.offset = 0,
			.length = 16,
			.service = services[s % 8],
		};
		struct hshm_wire_rx rx;
		int e;

		memset(q, 0, FZ_QSIZE);
		hshm_wire_tx_init(tx, q, FZ_QSIZE);
		for (i = 0; i < sizes[s]; i++) {
			e = hshm_wire_tx_get(tx);
			hshm_wire_tx_append(tx, (u16)e, services[(s + i) % 8],
					    (i * 16) % SEED_DATA, 16);
		}
		hshm_wire_tx_handover(tx);
		/* as handed over */
		emit(&c, q, data);
		/* answered by a correct peer */
		if (!hshm_wire_rx_attach(&rx, q, FZ_QSIZE, SEED_DATA)) {
			hshm_peer_serve_batch(&rx, data, NULL);
			emit(&c, q, data);
		}
		/* a loop: the last entry back to the first */
		hshm_wire_tx_init(tx, q, FZ_QSIZE);
		for (i = 0; i < sizes[s]; i++) {
			e = hshm_wire_tx_get(tx);
			hshm_wire_tx_append(tx, (u16)e, 1, 0, 8);
		}
		hshm_wire_tx_handover(tx);
		q->entries[sizes[s] - 1].nxt_idx = cpu_to_le16(0);
		c.flags |= 0x04;
		emit(&c, q, data);
		/* an unknown mark */
		q->working_mark = cpu_to_le32(0x12345678);
		c.flags &= ~0x04;
		emit(&c, q, data);
	}
	printf("fuzz_seed: %d inputs in %s\n", nseeds, dir);
	free(data);
	free(tx);
	free(q);
	return 0;
}
