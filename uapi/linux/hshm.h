/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * hshm: QoS-aware request/response channel to another hypervisor partition.
 *
 * User-space ABI of /dev/hshmN.  All pointers travel as __u64, every
 * reserved field must be zero (-EINVAL otherwise) and the structures have
 * the same layout for 32- and 64-bit callers.  Documentation/hshm/uapi.rst
 * describes the semantics in full.
 */
#ifndef _UAPI_LINUX_HSHM_H
#define _UAPI_LINUX_HSHM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * The generation of this ABI, in struct hshm_info.abi_version.  It stays 1
 * while the ABI grows: a new capability is a new HSHM_FEAT_* bit, a new
 * ioctl number, or a reserved field given a meaning in which zero keeps
 * today's behaviour.  Another value would be an incompatible ABI, which
 * hshm does not make.
 */
#define HSHM_ABI_VERSION	1

/*
 * HSHM_MAX_DEVICES - how many hshm devices one system has at most: N in
 * /dev/hshmN, /sys/class/hshm/hshmN and the netlink device index is
 * 0..HSHM_MAX_DEVICES - 1.
 */
#define HSHM_MAX_DEVICES	32

/**
 * enum hshm_class - QoS classes, in this order everywhere
 * @HSHM_CLASS_REALTIME: latency first; never shed
 * @HSHM_CLASS_THROUGHPUT: bulk; may be shed under overload
 * @HSHM_CLASS_RELIABLE: never shed
 * @HSHM_CLASS_BEST_EFFORT: the rest; may be shed under overload
 * @HSHM_CLASS_COUNT: number of classes
 * @HSHM_CLASS_AUTO: let the device's service map pick the class
 */
enum hshm_class {
	HSHM_CLASS_REALTIME	= 0,
	HSHM_CLASS_THROUGHPUT	= 1,
	HSHM_CLASS_RELIABLE	= 2,
	HSHM_CLASS_BEST_EFFORT	= 3,
	HSHM_CLASS_COUNT	= 4,
	HSHM_CLASS_AUTO		= 0xff,
};

/*
 * struct hshm_info.features: what this channel does.  A program tests the
 * bits it relies on; bits it does not know are for later capabilities and
 * are ignored.
 */
#define HSHM_FEAT_IRQ		0x00000001u	/* the peer raises a reply interrupt */
#define HSHM_FEAT_POLL		0x00000002u	/* completions found by adaptive polling */

/**
 * struct hshm_info - what HSHM_INFO returns
 * @abi_version: HSHM_ABI_VERSION
 * @features: HSHM_FEAT_* bits
 * @region_size: bytes of the whole shared region
 * @data_size: bytes of the data area this side allocates requests from
 * @queue_entries: entries in the Linux-owned queue
 * @max_payload: largest payload or response capacity of one request
 * @max_requests: requests that may be outstanding on the device at once
 * @block_size: allocation granule of the data area
 * @nr_classes: HSHM_CLASS_COUNT
 * @default_timeout_ms: timeout of a request that gives none
 * @batch_max: most messages handed to the peer in one batch
 * @reserved: zero
 */
struct hshm_info {
	__u32 abi_version;
	__u32 features;
	__u64 region_size;
	__u64 data_size;
	__u32 queue_entries;
	__u32 max_payload;
	__u32 max_requests;
	__u32 block_size;
	__u32 nr_classes;
	__u32 default_timeout_ms;
	__u32 batch_max;
	__u32 reserved[7];
};

/**
 * struct hshm_submit - one request
 * @payload: in: user pointer to @length bytes of payload
 * @response: in: user pointer where the response is copied when reaped
 * @user_data: in: returned unchanged in the completion
 * @id: out: the request's id, for HSHM_CANCEL and the completion
 * @length: in: payload bytes, 1..max_payload
 * @response_cap: in: bytes available at @response, 0..max_payload
 * @timeout_ms: in: 0 for the device default, else milliseconds
 * @service_id: in: the service the peer runs
 * @qos_class: in: an enum hshm_class value or HSHM_CLASS_AUTO
 * @flags: in: zero
 * @reserved: zero
 */
struct hshm_submit {
	__u64 payload;
	__u64 response;
	__u64 user_data;
	__u64 id;
	__u32 length;
	__u32 response_cap;
	__u32 timeout_ms;
	__u16 service_id;
	__u8 qos_class;
	__u8 flags;
	__u64 reserved[2];
};

/**
 * struct hshm_completion - one finished request
 * @user_data: as submitted
 * @id: as returned by HSHM_SUBMIT
 * @status: 0 or a negative errno: -EREMOTEIO the service failed,
 *	-EOPNOTSUPP the peer has no such service, -ETIMEDOUT no answer in
 *	time, -ECANCELED cancelled, -EMSGSIZE the response did not fit
 *	response_cap (nothing copied), -EPROTO the peer answered nonsense,
 *	-EFAULT the response could not be copied, -ENODEV the device went away,
 *	-ETIME shed after waiting longer than its class's shed_us,
 *	-ECONNRESET the driver reset the queue with a peer that was stuck or
 *	kept answering wrongly (a heal: whether the service ran is unknown),
 *	-EIO the driver found no free queue entry (a bug: reported in the log)
 * @length: response length the peer reported
 * @service_id: as submitted
 * @qos_class: the class the request was served in
 * @result: the raw service_result (HSHM_WIRE_RESULT_*)
 * @reserved: zero
 * @latency_ns: from the start of the submit (a wait for room included) to
 *	the moment the request ended
 */
struct hshm_completion {
	__u64 user_data;
	__u64 id;
	__s32 status;
	__u32 length;
	__u16 service_id;
	__u8 qos_class;
	__u8 result;
	__u32 reserved;
	__u64 latency_ns;
};

#define HSHM_WAIT_FOREVER	0xffffffffu

/**
 * struct hshm_complete - reap completions of this file descriptor
 * @completions: in: user pointer to @max_events struct hshm_completion
 * @max_events: in: at most this many are reaped, 1..1024
 * @min_events: in: wait until this many are ready (0: do not wait); the
 *	wait also ends when every outstanding request of the file is ready
 * @timeout_ms: in: longest wait, or HSHM_WAIT_FOREVER
 * @count: out: completions written
 * @reserved: zero
 */
struct hshm_complete {
	__u64 completions;
	__u32 max_events;
	__u32 min_events;
	__u32 timeout_ms;
	__u32 count;
	__u64 reserved;
};

/**
 * struct hshm_call - submit one request and wait for its completion
 * @submit: as for HSHM_SUBMIT
 * @completion: out: its completion
 */
struct hshm_call {
	struct hshm_submit submit;
	struct hshm_completion completion;
};

/**
 * struct hshm_submit_batch - submit several requests in one call
 * @submits: in: user pointer to @count struct hshm_submit, each checked
 *	and submitted as by HSHM_SUBMIT, in order, its id written back
 * @count: in: requests in @submits, 1..1024
 * @submitted: out: how many were submitted, the first ones; the batch
 *	stops at the first that fails, whose error the call returns only
 *	when it is the first (as sendmmsg() does)
 * @reserved: zero
 *
 * The requests are handed to the scheduler together: a quiet channel sends
 * them to the peer as one batch, in the scheduler's order.
 */
struct hshm_submit_batch {
	__u64 submits;
	__u32 count;
	__u32 submitted;
	__u64 reserved;
};

/**
 * struct hshm_cancel - cancel one request of this file descriptor
 * @id: the id HSHM_SUBMIT returned
 * @reserved: zero
 */
struct hshm_cancel {
	__u64 id;
	__u64 reserved;
};

/*
 * 0xBE, numbers 0x00-0x1F: free in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst (0xB6, the first
 * choice, is fpga-dfl's).
 */
#define HSHM_IOC_MAGIC		0xBE

#define HSHM_INFO	_IOR(HSHM_IOC_MAGIC, 0x00, struct hshm_info)
#define HSHM_SUBMIT	_IOWR(HSHM_IOC_MAGIC, 0x01, struct hshm_submit)
#define HSHM_COMPLETE	_IOWR(HSHM_IOC_MAGIC, 0x02, struct hshm_complete)
#define HSHM_CALL	_IOWR(HSHM_IOC_MAGIC, 0x03, struct hshm_call)
#define HSHM_CANCEL	_IOW(HSHM_IOC_MAGIC, 0x04, struct hshm_cancel)
#define HSHM_SUBMIT_BATCH _IOWR(HSHM_IOC_MAGIC, 0x05, struct hshm_submit_batch)

#endif /* _UAPI_LINUX_HSHM_H */
