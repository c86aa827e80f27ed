/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The services hshm's peers serve: the HyperAMP reference set (1-15) plus
 * 66 = echo.  Exact algorithms are in Documentation/hshm/services.rst.
 *
 * What a service id means depends on the peer (peers.md D-8): the public
 * v1 peers give the same ids other meanings.  Each meaning is a service
 * set, chosen by the peer profile (hshm_peer.h); the sets of the public
 * peers are in Documentation/hshm/peers.rst.
 */
#ifndef _HSHM_SERVICES_H
#define _HSHM_SERVICES_H

#include "hshm_port.h"

/* Smallest room a service may need for its response (the 4-byte hashes). */
#define HSHM_SVC_MIN_ROOM	4

u32 hshm_svc_fnv1a(const u8 *buf, u32 len);
u32 hshm_svc_crc32(const u8 *buf, u32 len);
u32 hshm_svc_djb2(const u8 *buf, u32 len);
u8 hshm_service_run(u16 service_id, u8 *buf, u32 len, u32 room,
		    u32 *out_len);

/**
 * enum hshm_svc_set - what the service ids mean to a peer
 * @HSHM_SVC_SET_HSHM: hshm's set (hshm_service_run(), services.rst)
 * @HSHM_SVC_SET_SEL4_V1: the public v1 seL4 server's (peers.md V1-10),
 *	also the FreeRTOS port's
 * @HSHM_SVC_SET_HVISOR_TOOL_V1: hvisor-tool's hyper_amp_service
 *	(peers.md V1-12)
 */
enum hshm_svc_set {
	HSHM_SVC_SET_HSHM = 0,
	HSHM_SVC_SET_SEL4_V1,
	HSHM_SVC_SET_HVISOR_TOOL_V1,
};

/* The key of the v1 peers' XOR services (V1-10, V1-12). */
#define HSHM_SVC_V1_XOR_KEY	0x5a
/* V1-10: a hex-print payload longer than this fails. */
#define HSHM_SVC_V1_HEX_MAX	2048
/* V1-10: the seL4 server's hex-print services. */
#define HSHM_SVC_V1_PRINT_FIRST	10
#define HSHM_SVC_V1_PRINT_LAST	13
/* V1-12: hvisor-tool's services. */
#define HSHM_SVC_HT_ENCRYPT	1
#define HSHM_SVC_HT_DECRYPT	2
#define HSHM_SVC_HT_ECHO	66

u8 hshm_service_run_set(enum hshm_svc_set set, u16 service_id, u8 *buf,
			u32 len, u32 room, u32 *out_len);
bool hshm_service_prints(enum hshm_svc_set set, u16 service_id);
int hshm_svc_hex_len(const u8 *buf, u32 len);
u8 hshm_svc_hex_byte(const u8 *buf, u32 i);

#endif /* _HSHM_SERVICES_H */
