// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm ivshmem transport: a peer in another VM or on the host, through
 * QEMU's inter-VM shared memory device (PCI 1af4:1110, revision 1).
 *
 * BAR0 holds the registers (IntrMask, IntrStatus, IVPosition = own id,
 * Doorbell), BAR1 the MSI-X table of ivshmem-doorbell, BAR2 the shared
 * memory.  The region uses the public HyperAMP layout unless the layout
 * parameters say otherwise.  With MSI-X the peer's reply arrives as an
 * interrupt; ivshmem-plain has none and the channel polls adaptively.
 * Ringing the peer writes (peer_id << 16) | vector to the Doorbell
 * register.
 *
 * Other programs use ivshmem too (shared frame buffers, other protocols),
 * and nothing in the device says whose it is: the driver binds only the
 * devices it is told are hshm's, by PCI address in ivshmem_devices or by
 * the device's driver_override, and touches nothing of any other.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "hshm.h"

#define HSHM_IVS_DRIVER		"hshm-ivshmem"
#define HSHM_IVS_VENDOR		0x1af4
#define HSHM_IVS_DEVICE		0x1110
#define HSHM_IVS_REVISION	1

#define HSHM_IVS_INTRMASK	0x00
#define HSHM_IVS_INTRSTATUS	0x04
#define HSHM_IVS_IVPOSITION	0x08
#define HSHM_IVS_DOORBELL	0x0c
#define HSHM_IVS_REGS_SIZE	0x10

static char *ivshmem_devices;
module_param(ivshmem_devices, charp, 0444);
MODULE_PARM_DESC(ivshmem_devices, "Comma-separated PCI addresses (0000:00:04.0) of the ivshmem devices that are hshm's; no other is bound but through its driver_override (default: none)");

static unsigned int ivshmem_peer;
module_param(ivshmem_peer, uint, 0444);
MODULE_PARM_DESC(ivshmem_peer, "ivshmem id of the peer to ring, at probe (default 0; sysfs peer_id changes it later)");

static bool ivshmem_intx;
module_param(ivshmem_intx, bool, 0444);
MODULE_PARM_DESC(ivshmem_intx, "Use INTx when the device has no MSI-X (ivshmem-doorbell,msi=off); default N: poll");

static unsigned int ivshmem_data_off = HSHM_WIRE_DATA_OFFSET;
module_param(ivshmem_data_off, uint, 0444);
MODULE_PARM_DESC(ivshmem_data_off, "Offset of the data area in BAR2 (default 0)");

static unsigned int ivshmem_data_size = HSHM_WIRE_DATA_SIZE;
module_param(ivshmem_data_size, uint, 0444);
MODULE_PARM_DESC(ivshmem_data_size, "Bytes of the data area; Linux allocates from its lower half (default 0x400000)");

static unsigned int ivshmem_txq_off = HSHM_WIRE_TXQ_OFFSET;
module_param(ivshmem_txq_off, uint, 0444);
MODULE_PARM_DESC(ivshmem_txq_off, "Offset of the Linux-owned queue in BAR2 (default 0x400000)");

static unsigned int ivshmem_txq_size = HSHM_WIRE_QUEUE_SIZE;
module_param(ivshmem_txq_size, uint, 0444);
MODULE_PARM_DESC(ivshmem_txq_size, "Bytes of the Linux-owned queue (default 0x1000)");

static char *ivshmem_profile = "hshm";
module_param(ivshmem_profile, charp, 0444);
MODULE_PARM_DESC(ivshmem_profile, "The peer on the other side of ivshmem devices: hshm (default), sel4-v1, freertos-v1, hvisor-tool-v1");

static unsigned int ivshmem_rxq_off = HSHM_WIRE_RXQ_OFFSET;
module_param(ivshmem_rxq_off, uint, 0444);
MODULE_PARM_DESC(ivshmem_rxq_off, "Offset of the peer-owned queue in BAR2, whose mark says the peer is there (default 0x410000)");

static unsigned int ivshmem_rxq_size = HSHM_WIRE_QUEUE_SIZE;
module_param(ivshmem_rxq_size, uint, 0444);
MODULE_PARM_DESC(ivshmem_rxq_size, "Bytes of the peer-owned queue, 0: none (default 0x1000)");

/**
 * struct hshm_ivs - one ivshmem device
 * @pdev: the PCI device
 * @regs: BAR0
 * @region: BAR2, mapped write-back like the peer maps its memory
 * @ch: the channel; NULL until created
 * @irq: Linux irq number, or 0 when polling
 * @intx: @irq is the shared INTx line
 * @own_id: IVPosition read at probe
 * @peer_id: ivshmem id of the peer the doorbell rings
 */
struct hshm_ivs {
	struct pci_dev *pdev;
	void __iomem *regs;
	void *region;
	struct hshm_chan *ch;
	int irq;
	bool intx;
	u32 own_id;
	u32 peer_id;
};

static irqreturn_t hshm_ivs_irq(int irq, void *data)
{
	struct hshm_ivs *ivs = data;
	struct hshm_chan *ch;

	/* INTx may be shared: IntrStatus says whether it was us (and clears). */
	if (ivs->intx && !ioread32(ivs->regs + HSHM_IVS_INTRSTATUS))
		return IRQ_NONE;
	ch = READ_ONCE(ivs->ch);
	if (ch)
		hshm_chan_notify(ch);
	return IRQ_HANDLED;
}

static void hshm_ivs_ring(struct hshm_chan *ch)
{
	struct hshm_ivs *ivs = ch->priv;

	iowrite32(READ_ONCE(ivs->peer_id) << 16, ivs->regs + HSHM_IVS_DOORBELL);
}

static void hshm_ivs_stop(struct hshm_chan *ch)
{
	struct hshm_ivs *ivs = ch->priv;

	/* The peer is another OS: it cannot be stopped, only ignored. */
	if (ivs->intx)
		iowrite32(0, ivs->regs + HSHM_IVS_INTRMASK);
	/* now, not at unbind: an INTx line may be shared with others */
	if (ivs->irq)
		devm_free_irq(&ivs->pdev->dev, ivs->irq, ivs);
	ivs->irq = 0;
}

static struct hshm_ivs *hshm_ivs_of(struct device *dev)
{
	struct hshm_chan *ch = dev_get_drvdata(dev);

	return ch->priv;
}

static ssize_t peer_id_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(hshm_ivs_of(dev)->peer_id));
}

static ssize_t peer_id_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t len)
{
	u16 v;

	if (kstrtou16(buf, 10, &v))
		return -EINVAL;
	WRITE_ONCE(hshm_ivs_of(dev)->peer_id, v);
	return len;
}
static DEVICE_ATTR_RW(peer_id);

static ssize_t own_id_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", hshm_ivs_of(dev)->own_id);
}
static DEVICE_ATTR_RO(own_id);

static struct attribute *hshm_ivs_attrs[] = {
	&dev_attr_peer_id.attr,
	&dev_attr_own_id.attr,
	NULL,
};

static const struct attribute_group hshm_ivs_group = {
	.attrs = hshm_ivs_attrs,
};

/*
 * hshm_ivs_ops - ivshmem transport operations
 *
 * ring writes the Doorbell register; stop releases the interrupt (the
 * remote peer itself cannot be stopped: its late writes land in BAR2,
 * which is device memory, never reused by Linux).
 */
static const struct hshm_transport_ops hshm_ivs_ops = {
	.name	= "ivshmem",
	.ring	= hshm_ivs_ring,
	.stop	= hshm_ivs_stop,
	.groups	= &hshm_ivs_group,
};

static void hshm_ivs_free_vectors(void *pdev)
{
	pci_free_irq_vectors(pdev);
}

static int hshm_ivs_setup_irq(struct hshm_ivs *ivs)
{
	struct pci_dev *pdev = ivs->pdev;
	unsigned int type;
	int ret;

	if (pci_msix_vec_count(pdev) > 0)
		type = PCI_IRQ_MSIX;
	else if (ivshmem_intx && pdev->pin)
		type = PCI_IRQ_INTX;
	else
		return 0;
	ret = pci_alloc_irq_vectors(pdev, 1, 1, type);
	if (ret < 0)
		return ret;
	ret = devm_add_action_or_reset(&pdev->dev, hshm_ivs_free_vectors, pdev);
	if (ret)
		return ret;
	ivs->intx = type == PCI_IRQ_INTX;
	ret = devm_request_irq(&pdev->dev, pci_irq_vector(pdev, 0), hshm_ivs_irq,
			       ivs->intx ? IRQF_SHARED : 0, "hshm-ivshmem", ivs);
	if (ret)
		return ret;
	ivs->irq = pci_irq_vector(pdev, 0);
	if (ivs->intx)
		iowrite32(1, ivs->regs + HSHM_IVS_INTRMASK);
	return 0;
}

/* hshm_ivs_ids' driver_data: the device was matched by its driver_override */
#define HSHM_IVS_BY_OVERRIDE	1

/* Is @pdev meant for hshm: named by driver_override or in ivshmem_devices? */
static bool hshm_ivs_wanted(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	const char *name = pci_name(pdev), *p = ivshmem_devices;
	size_t n = strlen(name), len;

	if (id->driver_data == HSHM_IVS_BY_OVERRIDE)
		return true;
	while (p && *p) {
		len = strcspn(p, ",");
		if (len == n && !strncmp(p, name, n))
			return true;
		p += len;
		if (*p)
			p++;
	}
	return false;
}

static int hshm_ivs_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct hshm_layout layout = {
		.data_off	= ivshmem_data_off,
		.data_size	= ivshmem_data_size,
		.alloc_off	= 0,
		.alloc_size	= ivshmem_data_size / 2,
		.txq_off	= ivshmem_txq_off,
		.txq_size	= ivshmem_txq_size,
		.rxq_off	= ivshmem_rxq_off,
		.rxq_size	= ivshmem_rxq_size,
	};
	const struct hshm_peer_profile *prof;
	struct device *dev = &pdev->dev;
	resource_size_t regs, mem;
	struct hshm_ivs *ivs;
	struct hshm_chan *ch;
	int ret;

	/* Not a byte of someone else's device is touched. */
	if (!hshm_ivs_wanted(pdev, id)) {
		dev_info(&pdev->dev, "not in ivshmem_devices and no driver_override: not hshm's, left alone\n");
		return -ENODEV;
	}
	if (pdev->revision != HSHM_IVS_REVISION)
		return -ENODEV;
	prof = hshm_peer_profile_find(ivshmem_profile);
	if (!prof) {
		dev_err(&pdev->dev, "ivshmem_profile: no peer profile '%s'\n",
			ivshmem_profile);
		return -EINVAL;
	}
	ivs = devm_kzalloc(&pdev->dev, sizeof(*ivs), GFP_KERNEL);
	if (!ivs)
		return -ENOMEM;
	ivs->pdev = pdev;
	ivs->peer_id = ivshmem_peer;
	pci_set_drvdata(pdev, ivs);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (pci_resource_len(pdev, 0) < HSHM_IVS_REGS_SIZE ||
	    !pci_resource_len(pdev, 2))
		return -ENODEV;
	regs = pci_resource_start(pdev, 0);
	mem = pci_resource_start(pdev, 2);
	layout.region_size = pci_resource_len(pdev, 2);
	if (!devm_request_mem_region(dev, regs, HSHM_IVS_REGS_SIZE,
				     HSHM_IVS_DRIVER) ||
	    !devm_request_mem_region(dev, mem, layout.region_size,
				     HSHM_IVS_DRIVER))
		return -EBUSY;
	ivs->regs = devm_ioremap(dev, regs, HSHM_IVS_REGS_SIZE);
	if (!ivs->regs)
		return -ENOMEM;
	/* The peer maps the memory as ordinary cacheable RAM: so do we. */
	ivs->region = devm_memremap(dev, mem, layout.region_size, MEMREMAP_WB);
	if (IS_ERR(ivs->region))
		return PTR_ERR(ivs->region);
	ivs->own_id = ioread32(ivs->regs + HSHM_IVS_IVPOSITION);
	/* Without bus mastering no MSI-X message ever reaches the CPU. */
	pci_set_master(pdev);
	ret = hshm_ivs_setup_irq(ivs);
	if (ret)
		return ret;

	ch = hshm_chan_alloc(&pdev->dev, &hshm_ivs_ops, ivs, ivs->region,
			     &layout, ivs->irq ? HSHM_FEAT_IRQ : HSHM_FEAT_POLL,
			     hshm_max_requests);
	if (IS_ERR(ch))
		return dev_err_probe(&pdev->dev, PTR_ERR(ch),
				     "cannot create channel: BAR2 of %llu bytes too small for the layout?\n",
				     (unsigned long long)layout.region_size);
	/* The device appears with the peer it talks to. */
	hshm_chan_set_profile(ch, prof);
	ret = hshm_chan_add(ch);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "cannot add the channel\n");
	WRITE_ONCE(ivs->ch, ch);
	dev_info(&pdev->dev, "hshm%d: own id %u, peer %u, %s, peer profile %s\n",
		 ch->id, ivs->own_id, ivs->peer_id,
		 ivs->irq ? (ivs->intx ? "INTx" : "MSI-X") : "polling",
		 prof->name);
	return 0;
}

static void hshm_ivs_remove(struct pci_dev *pdev)
{
	struct hshm_ivs *ivs = pci_get_drvdata(pdev);

	/*
	 * Fails what is in flight with -ENODEV and frees the interrupt
	 * (hshm_ivs_stop()); devm then undoes the rest of the probe: the
	 * vectors, the mappings, the regions, and pcim the device and its
	 * bus mastering.
	 */
	hshm_chan_remove(ivs->ch);
}

/* Any ivshmem device loads the module, which then binds only its own. */
static const struct pci_device_id hshm_ivs_alias_ids[] = {
	{ PCI_DEVICE(HSHM_IVS_VENDOR, HSHM_IVS_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, hshm_ivs_alias_ids);

/*
 * The PCI core tries the entries in order; an override_only one matches
 * only a device whose driver_override names this driver, so the probe
 * tells such a device from one matched by its ids alone.
 */
static const struct pci_device_id hshm_ivs_ids[] = {
	{ PCI_DEVICE_DRIVER_OVERRIDE(HSHM_IVS_VENDOR, HSHM_IVS_DEVICE, 1),
	  .driver_data = HSHM_IVS_BY_OVERRIDE },
	{ PCI_DEVICE(HSHM_IVS_VENDOR, HSHM_IVS_DEVICE) },
	{ }
};

static struct pci_driver hshm_ivs_driver = {
	.name		= HSHM_IVS_DRIVER,
	.id_table	= hshm_ivs_ids,
	.probe		= hshm_ivs_probe,
	.remove		= hshm_ivs_remove,
};

/**
 * hshm_ivshmem_init() - register the ivshmem PCI driver
 *
 * Return: 0 or the error of pci_register_driver().
 */
int hshm_ivshmem_init(void)
{
	return pci_register_driver(&hshm_ivs_driver);
}

/**
 * hshm_ivshmem_exit() - unregister it, removing every bound channel
 */
void hshm_ivshmem_exit(void)
{
	pci_unregister_driver(&hshm_ivs_driver);
}
