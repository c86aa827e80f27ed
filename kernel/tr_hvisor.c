// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm hvisor transport: the region of an hvisor zone, from the device tree.
 *
 * The node (compatible "hvisor,hyperamp-shm", Documentation/devicetree/
 * bindings/misc/hvisor,hyperamp-shm.yaml) points at no-map reserved memory
 * holding the HyperAMP region; the public layout applies unless properties
 * move its parts.  The peer is rung through the HyperAMP control page (an
 * MMIO write the hypervisor traps), the hvisor hypercall, or not at all;
 * its reply interrupt, where one is wired, completes batches, otherwise the
 * channel polls.
 *
 * Memory attributes: the region is shared with another OS that maps it
 * with its own attributes, and both must agree.  The public peers map it
 * cacheable (the seL4 server cleans and invalidates every line of it on
 * each turn of its loop), so by default it is mapped write-back, as
 * coherent memory on a coherent SoC; the virt_wmb()/virt_rmb() barriers
 * of the wire code (the ones for another CPU sharing memory through a
 * hypervisor) order every hand-over, and a write barrier comes before
 * each doorbell that traps.
 * For a peer that maps it non-cacheable, "hvisor,non-cacheable" maps it
 * write-combining (Normal non-cacheable on arm64) instead.  The older
 * "hvisor,cacheable" names the default and is accepted for old trees.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/platform_device.h>
#include <linux/ratelimit.h>

#include "hshm.h"

static bool hvisor_loopback;
module_param(hvisor_loopback, bool, 0444);
MODULE_PARM_DESC(hvisor_loopback, "Serve device-tree regions with the in-kernel peer, polling (testing without a hypervisor; default N)");

#define HSHM_HV_LOOPBACK_POLL_US	100

/* hvisor's shared-memory signal hypercall (wire-abi.md). */
#define HSHM_HV_HVC_SHM_SIGNAL		10

enum hshm_hv_doorbell {
	HSHM_HV_DOORBELL_NONE,
	HSHM_HV_DOORBELL_MMIO,
	HSHM_HV_DOORBELL_HVC,
};

/**
 * struct hshm_hv - one device-tree region
 * @dev: the platform device
 * @region: the region, mapped with the attributes the peer uses
 * @ctrl: the HyperAMP control page (MMIO doorbell), or NULL
 * @doorbell: how the peer is rung
 * @peer_zone: the peer's zone id
 * @service: service id put in the doorbell
 * @word: the value written to the control page, never 0
 * @hvc_errors: hypercalls the hypervisor refused (negative return)
 * @irq: reply interrupt, or 0 when polling
 * @ch: the channel; NULL until created
 * @lb: the in-kernel peer (hvisor_loopback), or NULL
 * @profile: the peer on the other side (hvisor,peer-profile)
 */
struct hshm_hv {
	struct device *dev;
	void *region;
	void __iomem *ctrl;
	enum hshm_hv_doorbell doorbell;
	u32 peer_zone;
	u32 service;
	u32 word;
	atomic64_t hvc_errors;
	int irq;
	struct hshm_chan *ch;
	struct hshm_lb_peer *lb;
	const struct hshm_peer_profile *profile;
};

/* Returns what the hypervisor left in x0: 0, or -EPERM / -ENOENT. */
static long hshm_hv_hypercall(u32 zone, u32 service)
{
#ifdef CONFIG_ARM64
	register unsigned long x0 asm("x0") = HSHM_HV_HVC_SHM_SIGNAL;
	register unsigned long x1 asm("x1") = zone;
	register unsigned long x2 asm("x2") = service;

	asm volatile("hvc #0x4856" : "+r" (x0) : "r" (x1), "r" (x2) : "memory");
	return (long)x0;
#else
	return -EOPNOTSUPP;
#endif
}

static void hshm_hv_ring(struct hshm_chan *ch)
{
	struct hshm_hv *hv = ch->priv;
	long ret;

	/*
	 * The hand-over is visible to the peer's CPUs before the trap that
	 * interrupts them (writel() orders too; a hypercall does not).
	 */
	virt_wmb();
	switch (hv->doorbell) {
	case HSHM_HV_DOORBELL_MMIO:
		/* The hypervisor traps the write and interrupts the zone. */
		writel(hv->word, hv->ctrl);
		break;
	case HSHM_HV_DOORBELL_HVC:
		ret = hshm_hv_hypercall(hv->peer_zone, hv->service);
		if (ret < 0) {
			/*
			 * The peer was not rung; the batch completes on the
			 * channel's fallback timer or times out.
			 */
			atomic64_inc(&hv->hvc_errors);
			dev_warn_ratelimited(hv->dev,
					     "hypercall to zone %u failed: %ld\n",
					     hv->peer_zone, ret);
		}
		break;
	case HSHM_HV_DOORBELL_NONE:
		if (hv->lb)
			hshm_lb_peer_ring(hv->lb);
		break;
	}
}

static void hshm_hv_stop(struct hshm_chan *ch)
{
	struct hshm_hv *hv = ch->priv;

	if (hv->irq)
		disable_irq(hv->irq);
	if (hv->lb)
		hshm_lb_peer_destroy(hv->lb);
	hv->lb = NULL;
}

static irqreturn_t hshm_hv_irq(int irq, void *data)
{
	struct hshm_hv *hv = data;
	struct hshm_chan *ch = READ_ONCE(hv->ch);

	if (ch)
		hshm_chan_notify(ch);
	return IRQ_HANDLED;
}

static ssize_t peer_zone_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct hshm_chan *ch = dev_get_drvdata(dev);
	struct hshm_hv *hv = ch->priv;

	return sysfs_emit(buf, "%u\n", hv->peer_zone);
}
static DEVICE_ATTR_RO(peer_zone);

static const char *const hshm_hv_doorbell_names[] = {
	[HSHM_HV_DOORBELL_NONE] = "none",
	[HSHM_HV_DOORBELL_MMIO] = "mmio",
	[HSHM_HV_DOORBELL_HVC] = "hypercall",
};

static ssize_t doorbell_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct hshm_chan *ch = dev_get_drvdata(dev);
	struct hshm_hv *hv = ch->priv;

	return sysfs_emit(buf, "%s\n", hshm_hv_doorbell_names[hv->doorbell]);
}
static DEVICE_ATTR_RO(doorbell);

static ssize_t doorbell_errors_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct hshm_chan *ch = dev_get_drvdata(dev);
	struct hshm_hv *hv = ch->priv;

	return sysfs_emit(buf, "%lld\n",
			  (long long)atomic64_read(&hv->hvc_errors));
}
static DEVICE_ATTR_RO(doorbell_errors);

static struct attribute *hshm_hv_attrs[] = {
	&dev_attr_peer_zone.attr,
	&dev_attr_doorbell.attr,
	&dev_attr_doorbell_errors.attr,
	NULL,
};

static const struct attribute_group hshm_hv_group = {
	.attrs = hshm_hv_attrs,
};

/*
 * hshm_hv_ops - hvisor transport operations
 *
 * ring uses the doorbell the device tree names (or the in-kernel peer's);
 * stop silences the reply interrupt and stops an in-kernel peer.  A real
 * peer zone cannot be stopped: its late writes land in the reserved
 * region, which Linux never uses for anything else.
 */
static const struct hshm_transport_ops hshm_hv_ops = {
	.name	= "hvisor",
	.ring	= hshm_hv_ring,
	.stop	= hshm_hv_stop,
	.groups	= &hshm_hv_group,
};

static int hshm_hv_parse(struct hshm_hv *hv, struct hshm_layout *l,
			 struct resource *res, bool *noncached)
{
	struct device_node *np = hv->dev->of_node, *mem;
	const char *db = "none", *profile = "hshm";
	int ret;

	of_property_read_string(np, "hvisor,peer-profile", &profile);
	hv->profile = hshm_peer_profile_find(profile);
	if (!hv->profile)
		return dev_err_probe(hv->dev, -EINVAL,
				     "hvisor,peer-profile: no profile '%s'\n",
				     profile);

	mem = of_parse_phandle(np, "memory-region", 0);
	if (!mem)
		return dev_err_probe(hv->dev, -EINVAL, "no memory-region\n");
	ret = of_address_to_resource(mem, 0, res);
	of_node_put(mem);
	if (ret)
		return dev_err_probe(hv->dev, ret, "memory-region has no reg\n");
	if (of_property_read_u32(np, "hvisor,peer-zone", &hv->peer_zone) ||
	    hv->peer_zone > 0xffff)
		return dev_err_probe(hv->dev, -EINVAL,
				     "hvisor,peer-zone missing or above 0xffff\n");
	of_property_read_u32(np, "hvisor,doorbell-service", &hv->service);
	if (hv->service > 0xffff)
		return dev_err_probe(hv->dev, -EINVAL,
				     "hvisor,doorbell-service above 0xffff\n");
	of_property_read_string(np, "hvisor,doorbell", &db);
	if (!strcmp(db, "mmio"))
		hv->doorbell = HSHM_HV_DOORBELL_MMIO;
	else if (!strcmp(db, "hypercall") && IS_ENABLED(CONFIG_ARM64))
		hv->doorbell = HSHM_HV_DOORBELL_HVC;
	else if (strcmp(db, "none"))
		return dev_err_probe(hv->dev, -EINVAL,
				     "hvisor,doorbell \"%s\" not supported here\n", db);
	/*
	 * The hypervisor ignores a write of 0 to the control page (the
	 * warm-up of hvisor-tool's client) and does not look at the zone
	 * and service fields of any other value: every non-zero word pends
	 * the same interrupt.  So the one configuration whose word is 0,
	 * zone 0 with service 0, writes service 1 instead and still rings.
	 */
	hv->word = hv->peer_zone << 16 | hv->service;
	if (hv->doorbell == HSHM_HV_DOORBELL_MMIO && !hv->word) {
		hv->word = 1;
		dev_info(hv->dev,
			 "doorbell word 0 is ignored by hvisor: writing 1\n");
	}
	/* The hypercall's zone is its target; zone 0 is the caller itself. */
	if (hv->doorbell == HSHM_HV_DOORBELL_HVC && !hv->peer_zone)
		return dev_err_probe(hv->dev, -EINVAL,
				     "hypercall doorbell to zone 0, the root zone itself\n");
	*noncached = of_property_read_bool(np, "hvisor,non-cacheable");
	if (*noncached && of_property_read_bool(np, "hvisor,cacheable"))
		return dev_err_probe(hv->dev, -EINVAL,
				     "hvisor,cacheable and hvisor,non-cacheable both set\n");

	l->region_size = resource_size(res);
	l->data_off = HSHM_WIRE_DATA_OFFSET;
	l->data_size = HSHM_WIRE_DATA_SIZE;
	l->txq_off = HSHM_WIRE_TXQ_OFFSET;
	l->txq_size = HSHM_WIRE_QUEUE_SIZE;
	l->rxq_off = HSHM_WIRE_RXQ_OFFSET;
	of_property_read_u32(np, "hvisor,data-offset", &l->data_off);
	of_property_read_u32(np, "hvisor,data-size", &l->data_size);
	of_property_read_u32(np, "hvisor,txq-offset", &l->txq_off);
	of_property_read_u32(np, "hvisor,txq-size", &l->txq_size);
	/* The peer-owned queue: its mark says whether the peer is there. */
	of_property_read_u32(np, "hvisor,rxq-offset", &l->rxq_off);
	l->rxq_size = l->txq_size;
	/* Linux allocates from the lower half; the peer owns the upper. */
	l->alloc_off = 0;
	l->alloc_size = round_down(l->data_size / 2, HSHM_BLOCK_SIZE);
	return 0;
}

static int hshm_hv_probe(struct platform_device *pdev)
{
	struct hshm_layout layout;
	struct resource res;
	struct hshm_hv *hv;
	struct hshm_chan *ch;
	bool noncached;
	u32 features;
	int ret;

	hv = devm_kzalloc(&pdev->dev, sizeof(*hv), GFP_KERNEL);
	if (!hv)
		return -ENOMEM;
	hv->dev = &pdev->dev;
	platform_set_drvdata(pdev, hv);
	ret = hshm_hv_parse(hv, &layout, &res, &noncached);
	if (ret)
		return ret;
	hv->region = devm_memremap(&pdev->dev, res.start, resource_size(&res),
				   noncached ? MEMREMAP_WC : MEMREMAP_WB);
	if (IS_ERR(hv->region))
		return dev_err_probe(&pdev->dev, PTR_ERR(hv->region),
				     "cannot map %pR\n", &res);
	if (hv->doorbell == HSHM_HV_DOORBELL_MMIO) {
		hv->ctrl = devm_platform_ioremap_resource(pdev, 0);
		if (IS_ERR(hv->ctrl))
			return dev_err_probe(&pdev->dev, PTR_ERR(hv->ctrl),
					     "mmio doorbell needs reg\n");
	}

	ret = platform_get_irq_optional(pdev, 0);
	if (ret > 0) {
		hv->irq = ret;
		ret = devm_request_irq(&pdev->dev, hv->irq, hshm_hv_irq, 0,
				       "hshm-hvisor", hv);
		if (ret)
			return ret;
	} else if (ret != -ENXIO) {
		return ret;
	}

	if (hvisor_loopback) {
		/* No hypervisor: the in-kernel peer serves the region, polling. */
		hv->lb = hshm_lb_peer_create(hv->region, &layout, false,
					     HSHM_HV_LOOPBACK_POLL_US);
		if (IS_ERR(hv->lb))
			return PTR_ERR(hv->lb);
	}
	features = hv->irq ? HSHM_FEAT_IRQ : HSHM_FEAT_POLL;
	ch = hshm_chan_alloc(&pdev->dev, &hshm_hv_ops, hv, hv->region, &layout,
			     features, hshm_max_requests);
	ret = PTR_ERR_OR_ZERO(ch);
	if (!ret) {
		/* The device appears with the peer it talks to. */
		hshm_chan_set_profile(ch, hv->profile);
		ret = hshm_chan_add(ch);
	}
	if (ret) {
		if (hv->lb)
			hshm_lb_peer_destroy(hv->lb);
		return dev_err_probe(&pdev->dev, ret,
				     "cannot create a channel on %pR\n", &res);
	}
	WRITE_ONCE(hv->ch, ch);
	if (hv->lb)
		hshm_lb_peer_start(hv->lb, ch);
	dev_info(&pdev->dev, "hshm%d: %pR %s, peer zone %u, doorbell %s, %s, peer profile %s%s\n",
		 ch->id, &res, noncached ? "write-combining" : "cacheable",
		 hv->peer_zone, hshm_hv_doorbell_names[hv->doorbell],
		 hv->irq ? "interrupt" : "polling", hv->profile->name,
		 hv->lb ? ", in-kernel peer" : "");
	return 0;
}

static void hshm_hv_remove_channel(struct platform_device *pdev)
{
	struct hshm_hv *hv = platform_get_drvdata(pdev);

	/* Fails what is in flight with -ENODEV; devm undoes the rest. */
	hshm_chan_remove(hv->ch);
}

HSHM_DEFINE_PLATFORM_REMOVE(hshm_hv_remove_channel);

static const struct of_device_id hshm_hv_of_match[] = {
	{ .compatible = "hvisor,hyperamp-shm" },
	{ }
};
MODULE_DEVICE_TABLE(of, hshm_hv_of_match);

static struct platform_driver hshm_hv_driver = {
	.driver = {
		.name = "hshm-hvisor",
		.of_match_table = hshm_hv_of_match,
	},
	.probe = hshm_hv_probe,
	.remove = HSHM_PLATFORM_REMOVE(hshm_hv_remove_channel),
};

/**
 * hshm_hvisor_init() - register the device-tree platform driver
 *
 * Return: 0 or the error of platform_driver_register().
 */
int hshm_hvisor_init(void)
{
	return platform_driver_register(&hshm_hv_driver);
}

/**
 * hshm_hvisor_exit() - unregister it, removing every bound channel
 */
void hshm_hvisor_exit(void)
{
	platform_driver_unregister(&hshm_hv_driver);
}
