// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ioctl ABI of <linux/hshm.h> as Documentation/hshm/uapi.rst states
 * it: command numbers, structure sizes, and no padding the compiler chose
 * (each structure's size is the sum of its fields', which makes the
 * 32-bit layout the same as this one).  The values are written out here
 * on purpose: a change of the header that changes the ABI fails this test.
 */
#include "unit.h"

#include <linux/hshm.h>

#define FSZ(type, field)	sizeof(((type *)0)->field)

TEST(ioctl_numbers)
{
	EXPECT_EQ(0xBE, HSHM_IOC_MAGIC);
	EXPECT_EQ(0x8050be00u, (unsigned int)HSHM_INFO);
	EXPECT_EQ(0xc040be01u, (unsigned int)HSHM_SUBMIT);
	EXPECT_EQ(0xc020be02u, (unsigned int)HSHM_COMPLETE);
	EXPECT_EQ(0xc068be03u, (unsigned int)HSHM_CALL);
	EXPECT_EQ(0x4010be04u, (unsigned int)HSHM_CANCEL);
	EXPECT_EQ(0xc018be05u, (unsigned int)HSHM_SUBMIT_BATCH);
	EXPECT_EQ(1, HSHM_ABI_VERSION);
}

TEST(structures_have_no_padding)
{
	typedef struct hshm_info i;
	typedef struct hshm_submit s;
	typedef struct hshm_completion c;
	typedef struct hshm_complete r;

	EXPECT_EQ(80u, sizeof(i));
	EXPECT_EQ(sizeof(i), FSZ(i, abi_version) + FSZ(i, features) +
		  FSZ(i, region_size) + FSZ(i, data_size) +
		  FSZ(i, queue_entries) + FSZ(i, max_payload) +
		  FSZ(i, max_requests) + FSZ(i, block_size) +
		  FSZ(i, nr_classes) + FSZ(i, default_timeout_ms) +
		  FSZ(i, batch_max) + FSZ(i, reserved));
	EXPECT_EQ(64u, sizeof(s));
	EXPECT_EQ(sizeof(s), FSZ(s, payload) + FSZ(s, response) +
		  FSZ(s, user_data) + FSZ(s, id) + FSZ(s, length) +
		  FSZ(s, response_cap) + FSZ(s, timeout_ms) +
		  FSZ(s, service_id) + FSZ(s, qos_class) + FSZ(s, flags) +
		  FSZ(s, reserved));
	EXPECT_EQ(40u, sizeof(c));
	EXPECT_EQ(sizeof(c), FSZ(c, user_data) + FSZ(c, id) + FSZ(c, status) +
		  FSZ(c, length) + FSZ(c, service_id) + FSZ(c, qos_class) +
		  FSZ(c, result) + FSZ(c, reserved) + FSZ(c, latency_ns));
	EXPECT_EQ(32u, sizeof(r));
	EXPECT_EQ(sizeof(r), FSZ(r, completions) + FSZ(r, max_events) +
		  FSZ(r, min_events) + FSZ(r, timeout_ms) + FSZ(r, count) +
		  FSZ(r, reserved));
	EXPECT_EQ(104u, sizeof(struct hshm_call));
	EXPECT_EQ(sizeof(struct hshm_call), sizeof(s) + sizeof(c));
	EXPECT_EQ(16u, sizeof(struct hshm_cancel));
}

/* The class numbering every tool and the driver share. */
TEST(class_numbers)
{
	EXPECT_EQ(0, HSHM_CLASS_REALTIME);
	EXPECT_EQ(1, HSHM_CLASS_THROUGHPUT);
	EXPECT_EQ(2, HSHM_CLASS_RELIABLE);
	EXPECT_EQ(3, HSHM_CLASS_BEST_EFFORT);
	EXPECT_EQ(4, HSHM_CLASS_COUNT);
	EXPECT_EQ(0xff, HSHM_CLASS_AUTO);
}

TEST_HARNESS_MAIN
