/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * HyperAMP v1 shared-memory wire ABI, as spoken by hshm.
 *
 * This is the layout existing HyperAMP peers (seL4, RTOS and Linux zones
 * under the hvisor hypervisor) already use; hshm does not change it.
 * Every field is little-endian, every structure is 4-byte aligned and has
 * no padding.  Documentation/hshm/wire.rst describes the protocol.
 */
#ifndef _UAPI_LINUX_HSHM_WIRE_H
#define _UAPI_LINUX_HSHM_WIRE_H

#include <linux/types.h>

/**
 * struct hshm_wire_msg - one request as the peer sees it (12 bytes)
 * @flag: bit 0 deal_state, bits 1-2 service_result, bits 3-15 zero
 * @service_id: the service the receiver runs on the payload
 * @offset: byte offset of the payload in the data area
 * @length: payload length; the receiver rewrites it with the response length
 */
struct hshm_wire_msg {
	__le16 flag;
	__le16 service_id;
	__le32 offset;
	__le32 length;
};

/**
 * struct hshm_wire_entry - a queue slot (16 bytes)
 * @msg: the message
 * @cur_idx: this entry's own index
 * @nxt_idx: next entry in whichever list holds this one
 */
struct hshm_wire_entry {
	struct hshm_wire_msg msg;
	__le16 cur_idx;
	__le16 nxt_idx;
};

/**
 * struct hshm_wire_queue - queue header (12 bytes), followed by the entries
 * @working_mark: one of the HSHM_WIRE_MARK_* values
 * @buf_size: number of entries; also the "end of list" index value
 * @empty_h: head of the free list
 * @wait_h: head of the batch the sender is building
 * @proc_ing_h: head of the batch handed to the receiver
 * @entries: @buf_size entries
 */
struct hshm_wire_queue {
	__le32 working_mark;
	__le16 buf_size;
	__le16 empty_h;
	__le16 wait_h;
	__le16 proc_ing_h;
	struct hshm_wire_entry entries[];
};

/* struct hshm_wire_msg.flag */
#define HSHM_WIRE_FLAG_DEALT		0x0001u
#define HSHM_WIRE_FLAG_RESULT_SHIFT	1
#define HSHM_WIRE_FLAG_RESULT_MASK	0x0006u
#define HSHM_WIRE_FLAG_RESERVED_MASK	0xfff8u

/* service_result values (two bits) */
#define HSHM_WIRE_RESULT_NONE		0
#define HSHM_WIRE_RESULT_SUCCESS	1
#define HSHM_WIRE_RESULT_FAIL		2
#define HSHM_WIRE_RESULT_NOSERVICE	3

/* struct hshm_wire_queue.working_mark */
#define HSHM_WIRE_MARK_RAW		0x00000000u
#define HSHM_WIRE_MARK_INITING		0xAAAAAAAAu
#define HSHM_WIRE_MARK_INITED		0xEEEEEEEEu
#define HSHM_WIRE_MARK_DESTROYED	0xDDDDDDDDu
#define HSHM_WIRE_MARK_BUSY		0xFFFFFFFFu
#define HSHM_WIRE_MARK_IDLE		0xBBBBBBBBu

/* Default region layout of public hvisor configurations. */
#define HSHM_WIRE_DATA_OFFSET		0x000000u
#define HSHM_WIRE_DATA_SIZE		0x400000u
#define HSHM_WIRE_TXQ_OFFSET		0x400000u	/* Linux-owned queue */
#define HSHM_WIRE_RXQ_OFFSET		0x410000u	/* peer-owned queue */
#define HSHM_WIRE_QUEUE_SIZE		0x1000u
#define HSHM_WIRE_REGION_SIZE		0x420000u

/* Entries that fit in a queue of @bytes bytes. */
#define HSHM_WIRE_QUEUE_ENTRIES(bytes) \
	(((bytes) - sizeof(struct hshm_wire_queue)) / sizeof(struct hshm_wire_entry))

/* Service ids of the reference set (Documentation/hshm/services.rst). */
#define HSHM_SVC_ECHO			1
#define HSHM_SVC_REVERSE		2
#define HSHM_SVC_CAESAR_ENC		3
#define HSHM_SVC_CAESAR_DEC		4
#define HSHM_SVC_XOR_ENC		5
#define HSHM_SVC_XOR_DEC		6
#define HSHM_SVC_ROT13_ENC		7
#define HSHM_SVC_ROT13_DEC		8
#define HSHM_SVC_DJB2			9
#define HSHM_SVC_CRC32			10
#define HSHM_SVC_FNV1A			11
#define HSHM_SVC_XORSHIFT		12
#define HSHM_SVC_LCG			13
#define HSHM_SVC_RANDOM_STRING		14
#define HSHM_SVC_RANDOM_CHAR		15
#define HSHM_SVC_ECHO66			66

#endif /* _UAPI_LINUX_HSHM_WIRE_H */
