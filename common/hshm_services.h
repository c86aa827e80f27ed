/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The services hshm's peers serve: the HyperAMP reference set (1-15) plus
 * 66 = echo.  Exact algorithms are in Documentation/hshm/services.rst.
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

#endif /* _HSHM_SERVICES_H */
