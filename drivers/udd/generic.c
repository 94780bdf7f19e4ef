// SPDX-License-Identifier: GPL-2.0
/*
 * udd_generic: the generic UDD mini-driver for device-tree devices, what
 * uio_pdrv_genirq is to UIO.
 *
 * It binds to nodes with compatible "rtdm,udd" (or to any platform device
 * through driver_override) and publishes
 *   - one UDD_MEM_PHYS region per "reg" entry (at most UDD_NR_MAPS), named
 *     after "reg-names" when present, rounded out to whole pages: a block
 *     that does not start on a page boundary is at offset
 *     (start % PAGE_SIZE) in its mapping;
 *   - the first interrupt of "interrupts", if any: the handler leaves the
 *     line disabled (RTDM_IRQ_DISABLE) because only the user-space driver
 *     knows how to silence the device; it re-enables the line with
 *     write(fd, &one, 4) or UDD_RTIOC_IRQEN once it has done so.
 * The device is /dev/rtdm/<label> when the node has a "label" property,
 * else /dev/rtdm/<device name> (e.g. "20d0000.epit"); the platform device
 * shows it in its "udd_device" attribute. The clocks of the node are
 * enabled and the device is kept runtime-resumed (power domain on) while
 * it is bound.
 */
#include <linux/clk.h>
#include <linux/io.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <rtdm/udd.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Generic UDD mini-driver for device-tree devices");

struct udd_generic {
	struct udd_device udd;
	struct clk_bulk_data *clks;
	int nclks;
};

static int udd_generic_interrupt(struct udd_device *udd)
{
	return RTDM_IRQ_HANDLED | RTDM_IRQ_DISABLE;
}

static ssize_t udd_device_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct udd_generic *ug = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", ug->udd.device_name);
}
static DEVICE_ATTR_RO(udd_device);

static struct attribute *udd_generic_attrs[] = {
	&dev_attr_udd_device.attr,
	NULL,
};
ATTRIBUTE_GROUPS(udd_generic);

static void udd_generic_clks_off(void *data)
{
	struct udd_generic *ug = data;

	clk_bulk_disable_unprepare(ug->nclks, ug->clks);
}

static void udd_generic_pm_put(void *data)
{
	pm_runtime_put_sync(data);
}

static int udd_generic_regions(struct platform_device *pdev,
			       struct udd_generic *ug)
{
	struct device *dev = &pdev->dev;
	struct resource *res;
	int n;

	for (n = 0; n < UDD_NR_MAPS; n++) {
		struct udd_memregion *rn = &ug->udd.mem_regions[n];
		resource_size_t start;

		res = platform_get_resource(pdev, IORESOURCE_MEM, n);
		if (!res)
			break;
		start = res->start & PAGE_MASK;
		if (start != (unsigned long)start || !start)
			return dev_err_probe(dev, -EINVAL,
					     "region %d (%pR) cannot be mapped\n",
					     n, res);
		if (!devm_request_mem_region(dev, res->start,
					     resource_size(res),
					     dev_name(dev)))
			return dev_err_probe(dev, -EBUSY,
					     "region %d (%pR) is in use\n",
					     n, res);
		rn->name = res->name ?: "regs";
		rn->addr = start;
		rn->len = PAGE_ALIGN(res->end + 1) - start;
		rn->type = UDD_MEM_PHYS;
		if (res->start != start)
			dev_info(dev, "region %d: registers at offset %#lx of the mapping\n",
				 n, (unsigned long)(res->start - start));
	}

	if (n == UDD_NR_MAPS &&
	    platform_get_resource(pdev, IORESOURCE_MEM, UDD_NR_MAPS))
		dev_warn(dev, "only the first %d regions are mapped\n",
			 UDD_NR_MAPS);

	return 0;
}

static int udd_generic_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct udd_generic *ug;
	const char *name;
	int irq, ret;

	ug = devm_kzalloc(dev, sizeof(*ug), GFP_KERNEL);
	if (!ug)
		return -ENOMEM;

	if (!dev->of_node ||
	    of_property_read_string(dev->of_node, "label", &name))
		name = dev_name(dev);
	/* room for ",mapper<N>" */
	if (strlen(name) > RTDM_MAX_DEVNAME_LEN - 8)
		return dev_err_probe(dev, -EINVAL, "name %s too long\n", name);
	ug->udd.device_name = name;

	ret = udd_generic_regions(pdev, ug);
	if (ret)
		return ret;

	irq = platform_get_irq_optional(pdev, 0);
	if (irq > 0) {
		ug->udd.irq = irq;
		ug->udd.ops.interrupt = udd_generic_interrupt;
	} else if (irq == -ENXIO) {
		ug->udd.irq = UDD_IRQ_NONE;
	} else {
		return dev_err_probe(dev, irq ?: -EINVAL, "bad interrupt\n");
	}

	ret = devm_clk_bulk_get_all(dev, &ug->clks);
	if (ret < 0)
		return dev_err_probe(dev, ret, "cannot get the clocks\n");
	ug->nclks = ret;
	ret = clk_bulk_prepare_enable(ug->nclks, ug->clks);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable the clocks\n");
	ret = devm_add_action_or_reset(dev, udd_generic_clks_off, ug);
	if (ret)
		return ret;

	ret = devm_pm_runtime_enable(dev);
	if (ret)
		return ret;
	ret = pm_runtime_resume_and_get(dev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot resume\n");
	ret = devm_add_action_or_reset(dev, udd_generic_pm_put, dev);
	if (ret)
		return ret;

	ret = udd_register_device(&ug->udd);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register %s\n", name);
	platform_set_drvdata(pdev, ug);

	if (ug->udd.irq > 0)
		dev_info(dev, "/dev/rtdm/%s: irq %d, %d region(s)\n", name,
			 ug->udd.irq, ug->udd.__reserved.nr_maps);
	else
		dev_info(dev, "/dev/rtdm/%s: no irq, %d region(s)\n", name,
			 ug->udd.__reserved.nr_maps);

	return 0;
}

static void udd_generic_remove(struct platform_device *pdev)
{
	struct udd_generic *ug = platform_get_drvdata(pdev);

	udd_unregister_device(&ug->udd);
}

RTDM_PLATFORM_REMOVE(udd_generic_remove);

static const struct of_device_id udd_generic_of_match[] = {
	{ .compatible = "rtdm,udd" },
	{ }
};

/*
 * Autoloading, spelled out: the modpost of Debian's cross kbuild package
 * mis-sizes the 32-bit of_device_id tables of MODULE_DEVICE_TABLE(of).
 */
MODULE_ALIAS("of:N*T*Crtdm,udd");
MODULE_ALIAS("of:N*T*Crtdm,uddC*");

static struct platform_driver udd_generic_driver = {
	.probe = udd_generic_probe,
	.remove = rtdm_platform_remove_op(udd_generic_remove),
	.driver = {
		.name = "rtdm-udd",
		.of_match_table = udd_generic_of_match,
		.dev_groups = udd_generic_groups,
	},
};
module_platform_driver(udd_generic_driver);
