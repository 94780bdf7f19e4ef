/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * RTDM GPIO profile: the user ABI of the per-line GPIO devices
 * (/dev/rtdm/<chip-label>/gpio<N>, N the line's global GPIO number, i.e.
 * the base of its gpiochip plus its offset in the chip).
 *
 * Request numbers, structure layout and trigger values are those of
 * Xenomai 3's GPIO profile, so that programs written for it (gpiobench,
 * smokey's gpiotest) build unchanged. Behaviour of this project that is
 * part of the ABI:
 *  - GPIO_RTIOC_TS_MONO timestamps are CLOCK_MONOTONIC, GPIO_RTIOC_TS_REAL
 *    ones CLOCK_REALTIME, both taken in the line's interrupt handler;
 *  - a blocking read() returns the value the line had when its interrupt
 *    was taken; an O_NONBLOCK read() the value it has now;
 *  - level triggers fire once per read(): the interrupt is masked by its
 *    handler and unmasked by the next read() or select();
 *  - a trigger mixing edge and level bits, or both levels, is rejected
 *    with EINVAL; GPIO_TRIGGER_NONE keeps the trigger the interrupt
 *    already has (both edges when it has none).
 *
 * GPIO_RTIOC_TS_MONO and GPIO_RTIOC_TS_REAL read their int argument (the
 * enable flag) although their macros say _IOR; the numbers are kept for
 * compatibility.
 */
#ifndef _RTDM_UAPI_GPIO_H
#define _RTDM_UAPI_GPIO_H

#include <linux/types.h>
#include <rtdm/uapi/rtdm.h>

/* Subclasses reported by RTIOC_DEVICE_INFO: the binding that exported the chip. */
#define RTDM_SUBCLASS_GPIO_GENERIC	0	/* rtdm_gpio_generic: by chip label */
#define RTDM_SUBCLASS_MXC		2	/* rtdm_gpio_mxc: i.MX GPIO banks */

struct rtdm_gpio_readout {
	nanosecs_abs_t timestamp;
	__s32 value;
};

#define GPIO_RTIOC_DIR_OUT	_IOW(RTDM_CLASS_GPIO, 0, int)	/* int *: initial value */
#define GPIO_RTIOC_DIR_IN	_IO(RTDM_CLASS_GPIO, 1)
#define GPIO_RTIOC_IRQEN	_IOW(RTDM_CLASS_GPIO, 2, int)	/* int *: GPIO_TRIGGER_* */
#define GPIO_RTIOC_IRQDIS	_IO(RTDM_CLASS_GPIO, 3)
#define GPIO_RTIOC_REQS		_IO(RTDM_CLASS_GPIO, 4)
#define GPIO_RTIOC_RELS		_IO(RTDM_CLASS_GPIO, 5)
#define GPIO_RTIOC_TS_MONO	_IOR(RTDM_CLASS_GPIO, 7, int)	/* int *: enable */
#define GPIO_RTIOC_TS_REAL	_IOR(RTDM_CLASS_GPIO, 8, int)	/* int *: enable */
#define GPIO_RTIOC_TS		GPIO_RTIOC_TS_REAL

#define GPIO_TRIGGER_NONE		0x0	/* keep the current trigger */
#define GPIO_TRIGGER_EDGE_RISING	0x1
#define GPIO_TRIGGER_EDGE_FALLING	0x2
#define GPIO_TRIGGER_LEVEL_HIGH		0x4
#define GPIO_TRIGGER_LEVEL_LOW		0x8
#define GPIO_TRIGGER_MASK		0xf

#endif /* _RTDM_UAPI_GPIO_H */
