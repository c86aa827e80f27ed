// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm: QoS-aware HyperAMP shared-memory channel to another hypervisor
 * partition.  Module entry: the device class, the char device region and
 * the transports.
 */
#include <linux/fs.h>
#include <linux/module.h>

#include "hshm.h"

/* The class every hshmN device belongs to: /sys/class/hshm/. */
struct class hshm_class = {
	.name = "hshm",
};

/* First device number of the hshmN char devices. */
dev_t hshm_devt;

unsigned int hshm_max_requests = 1024;
module_param_named(max_requests, hshm_max_requests, uint, 0444);
MODULE_PARM_DESC(max_requests, "Request slots per channel (default 1024)");

static int __init hshm_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&hshm_devt, 0, HSHM_MAX_DEVICES, "hshm");
	if (ret)
		return ret;
	ret = class_register(&hshm_class);
	if (ret)
		goto free_region;
	hshm_race_init();
	ret = hshm_nl_init();
	if (ret)
		goto exit_race;
	ret = hshm_loopback_init();
	if (ret)
		goto exit_nl;
	ret = hshm_ivshmem_init();
	if (ret)
		goto exit_loopback;
	ret = hshm_hvisor_init();
	if (ret)
		goto exit_ivshmem;
	return 0;

exit_ivshmem:
	hshm_ivshmem_exit();
exit_loopback:
	hshm_loopback_exit();
exit_nl:
	hshm_nl_exit();
exit_race:
	hshm_race_exit();
	class_unregister(&hshm_class);
free_region:
	unregister_chrdev_region(hshm_devt, HSHM_MAX_DEVICES);
	return ret;
}

static void __exit hshm_exit(void)
{
	hshm_hvisor_exit();
	hshm_ivshmem_exit();
	hshm_loopback_exit();
	hshm_nl_exit();
	hshm_race_exit();
	class_unregister(&hshm_class);
	unregister_chrdev_region(hshm_devt, HSHM_MAX_DEVICES);
}

module_init(hshm_init);
module_exit(hshm_exit);

MODULE_DESCRIPTION("QoS-aware HyperAMP shared-memory channel");
MODULE_AUTHOR("The hshm developers");
MODULE_LICENSE("GPL");
#ifdef HSHM_VERSION
MODULE_VERSION(HSHM_VERSION);
#endif
