// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm-bench: is a completion the answer the peer gives?  What a service
 * id means depends on the peer (peers.md D-8), so the expected answer is
 * computed with the peer profile's own services (common/hshm_peer.c,
 * hshm_peer_profile_service()) on a copy of the payload, once per size
 * of a class, before the load starts.  No device is needed: the unit
 * tests call these functions as they are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hshm_peer.h"
#include "bench.h"

uint32_t bench_response_cap(uint32_t len)
{
	return len < HSHM_SVC_MIN_ROOM ? HSHM_SVC_MIN_ROOM : len;
}

bool bench_expect_ok(const struct bench_expect *e)
{
	return e->result == HSHM_WIRE_RESULT_SUCCESS && e->length <= e->cap;
}

int bench_expect_init(struct bench_expect *e,
		      const struct hshm_peer_profile *prof, uint16_t service,
		      const uint8_t *payload, uint32_t len)
{
	/*
	 * Room past the payload: the answer of a peer whose data area does
	 * not end right after the payload (the seL4 server's XOR fails
	 * there, V1-10), with room for hshm's 4-byte hashes.
	 */
	uint32_t room = len + HSHM_SVC_MIN_ROOM;
	uint8_t *buf = malloc(room);

	memset(e, 0, sizeof(*e));
	if (!buf)
		return -ENOMEM;
	memcpy(buf, payload, len);
	e->result = hshm_peer_profile_service(prof, service, buf, len, room,
					      &e->length);
	e->cap = bench_response_cap(len);
	e->bytes = buf;
	return 0;
}

void bench_expect_free(struct bench_expect *e)
{
	free(e->bytes);
	e->bytes = NULL;
}

enum bench_verdict bench_check(const struct bench_expect *e,
			       const struct hshm_completion *c,
			       const uint8_t *resp)
{
	bool same = c->result == e->result && c->length == e->length;

	switch (c->status) {
	case 0:
		if (!bench_expect_ok(e) || !same ||
		    memcmp(resp, e->bytes, e->length))
			return VERDICT_BAD;
		return VERDICT_COMPLETED;
	case -EREMOTEIO:
	case -EOPNOTSUPP:
	case -EMSGSIZE:
		/*
		 * The peer answered, nothing was copied: the answer of the
		 * profile if it gives no response that fits (the driver's
		 * status follows from the result and the length).
		 */
		return !bench_expect_ok(e) && same ? VERDICT_FAILED :
						     VERDICT_BAD;
	default:
		/* no answer (time-out, shed, cancel...) or not a valid one */
		return VERDICT_FAILED;
	}
}
