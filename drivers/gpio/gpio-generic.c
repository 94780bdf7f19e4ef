// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM GPIO binding by gpiochip label: exports the chips named by the
 * "labels" module parameter, whatever their driver, e.g.
 *
 *   insmod rtdm_gpio_generic.ko labels=gpio-loopback
 *   insmod rtdm_gpio_generic.ko labels=30220000.gpio,30230000.gpio
 *
 * (the labels are those of /sys/class/gpio/gpiochip<base>/label,
 * also printed by gpiodetect). Every label must name a chip present when
 * the module loads, else loading fails (ENODEV) and nothing is exported.
 * The chips must not sleep: see gpio-core.c.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/gpio.h>
#include "gpio-core.h"

#define MAX_LABELS	16

static char *labels[MAX_LABELS];
static int nlabels;
module_param_array(labels, charp, &nlabels, 0444);
MODULE_PARM_DESC(labels, "labels of the gpiochips to export, comma-separated");

static int __init rtdm_gpio_generic_init(void)
{
	int n, ret;

	if (!nlabels) {
		pr_err("rtdm_gpio_generic: no chip given (labels=...)\n");
		return -EINVAL;
	}

	for (n = 0; n < nlabels; n++) {
		ret = rtdm_gpiochip_export_label(labels[n],
						 RTDM_SUBCLASS_GPIO_GENERIC);
		if (ret) {
			pr_err("rtdm_gpio_generic: cannot export %s: %d\n",
			       labels[n], ret);
			rtdm_gpiochip_remove_owner(THIS_MODULE);
			return ret;
		}
	}

	return 0;
}
module_init(rtdm_gpio_generic_init);

static void __exit rtdm_gpio_generic_exit(void)
{
	rtdm_gpiochip_remove_owner(THIS_MODULE);
}
module_exit(rtdm_gpio_generic_exit);

MODULE_DESCRIPTION("RTDM GPIO binding of gpiochips by label");
MODULE_LICENSE("GPL");
