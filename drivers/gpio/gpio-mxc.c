// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM GPIO binding for the i.MX GPIO banks (Linux's gpio-mxc driver):
 * exports every bank whose device-tree node carries one of the
 * compatibles below, as the i.MX device trees write them. i.MX8M Mini
 * banks are "fsl,imx8mm-gpio", "fsl,imx35-gpio"; i.MX6Q ones
 * "fsl,imx6q-gpio", "fsl,imx35-gpio"; i.MX7D ones "fsl,imx7d-gpio",
 * "fsl,imx35-gpio". A bank found through two of them is exported once.
 *
 * gpio-mxc labels each bank with its device name and numbers it from its
 * "gpioN" alias: bank GPIO<b> (alias gpio<b-1>) covers GPIO numbers
 * 32 * (b - 1) .. 32 * (b - 1) + 31. GPIO3_IO21 of the i.MX8M Mini is
 * therefore /dev/rtdm/30220000.gpio/gpio85.
 *
 * The banks present when the module loads are exported (gpio-mxc must be
 * bound first); loading fails with ENODEV on a machine without them.
 */
#include <linux/module.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/gpio.h>
#include "gpio-core.h"

static const char * const mxc_compat[] = {
	"fsl,imx8mm-gpio",
	"fsl,imx35-gpio",
	"fsl,imx6q-gpio",
	"fsl,imx7d-gpio",
};

static int __init rtdm_gpio_mxc_init(void)
{
	int ret;

	ret = rtdm_gpiochip_scan_of(mxc_compat, ARRAY_SIZE(mxc_compat),
				    RTDM_SUBCLASS_MXC);
	if (ret < 0) {
		rtdm_gpiochip_remove_owner(THIS_MODULE);
		return ret;
	}
	if (!ret)
		return -ENODEV;	/* nodes, but gpio-mxc bound none */

	pr_info("rtdm_gpio_mxc: %d i.MX GPIO banks exported\n", ret);

	return 0;
}
module_init(rtdm_gpio_mxc_init);

static void __exit rtdm_gpio_mxc_exit(void)
{
	rtdm_gpiochip_remove_owner(THIS_MODULE);
}
module_exit(rtdm_gpio_mxc_exit);

MODULE_DESCRIPTION("RTDM GPIO binding for the i.MX GPIO banks (gpio-mxc)");
MODULE_LICENSE("GPL");
