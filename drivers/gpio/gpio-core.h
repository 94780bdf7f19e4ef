/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTDM GPIO core (rtdm_gpio.ko): what the bindings (rtdm_gpio_mxc,
 * rtdm_gpio_generic) call to export Linux gpiochips as RTDM devices.
 *
 * An exported chip gets one named RTDM device per line,
 * /dev/rtdm/<chip label>/gpio<N>, N = chip base + line offset (the line's
 * global GPIO number, as in Xenomai 3). The open files of those devices
 * pin the module that exported the chip; the chip itself may go away at
 * any time (unbind, rmmod of its driver): its devices are then
 * unregistered and the files still open on them revoked (ENODEV).
 *
 * Context: in-band, may sleep (all of them).
 */
#ifndef _RTDM_GPIO_CORE_H
#define _RTDM_GPIO_CORE_H

#include <linux/gpio/driver.h>
#include <linux/module.h>

/*
 * Export @gc. Return: 0, -EEXIST (already exported), -EINVAL (no lines,
 * or a label that cannot name a device), -EOPNOTSUPP (a chip that may
 * sleep, or one without a parent device whose removal could be
 * followed), -ENOMEM, or an error from the RTDM core.
 */
int __rtdm_gpiochip_export(struct gpio_chip *gc, int subclass,
			   struct module *owner);
#define rtdm_gpiochip_export(__gc, __subclass) \
	__rtdm_gpiochip_export(__gc, __subclass, THIS_MODULE)

/* Export the chip labelled @label. -ENODEV when there is none. */
int __rtdm_gpiochip_export_label(const char *label, int subclass,
				 struct module *owner);
#define rtdm_gpiochip_export_label(__label, __subclass) \
	__rtdm_gpiochip_export_label(__label, __subclass, THIS_MODULE)

/*
 * Export every chip provided by a device-tree node compatible with one of
 * @compat (chips already exported are skipped). Return: the number of
 * chips exported by this call, -ENODEV when no node matched, or the first
 * error.
 */
int __rtdm_gpiochip_scan_of(const char * const *compat, int ncompat,
			    int subclass, struct module *owner);
#define rtdm_gpiochip_scan_of(__compat, __n, __subclass) \
	__rtdm_gpiochip_scan_of(__compat, __n, __subclass, THIS_MODULE)

/* Withdraw the chips exported by @owner; revokes their open files. */
void rtdm_gpiochip_remove_owner(struct module *owner);

#endif /* _RTDM_GPIO_CORE_H */
