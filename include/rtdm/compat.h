/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels RTDM builds for (Debian's
 * 6.1 and the 6.12 Dovetail/EVL line), in one place. Included by
 * <rtdm/driver.h>.
 */
#ifndef _RTDM_COMPAT_H
#define _RTDM_COMPAT_H

#include <linux/version.h>

/* Since 6.12 a stream file needs no llseek method (no_llseek is gone). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#define RTDM_NO_LLSEEK	.llseek = no_llseek,
#else
#define RTDM_NO_LLSEEK
#endif

/*
 * Platform driver remove method: int before 6.11, void since. Write it
 * returning void, add RTDM_PLATFORM_REMOVE(fn) after it and set
 * .remove = rtdm_platform_remove_op(fn).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
#define RTDM_PLATFORM_REMOVE(__fn)					\
static int __fn##_int(struct platform_device *pdev)			\
{									\
	__fn(pdev);							\
	return 0;							\
}

#define rtdm_platform_remove_op(__fn)	__fn##_int
#else
#define RTDM_PLATFORM_REMOVE(__fn)
#define rtdm_platform_remove_op(__fn)	__fn
#endif

/* class_create() lost its module argument in 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define rtdm_class_create(__name)	class_create(__name)
#else
#define rtdm_class_create(__name)	class_create(THIS_MODULE, __name)
#endif

/* The devnode method of a class takes a const device since 6.2. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define RTDM_DEVNODE_CONST	const
#else
#define RTDM_DEVNODE_CONST
#endif

/*
 * An iov_iter over one user buffer (@iov is scratch space for kernels
 * that need it): import_ubuf() replaced import_single_range() in 6.9.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define rtdm_import_ubuf(__type, __buf, __len, __iov, __iter)	\
	((void)(__iov), import_ubuf(__type, __buf, __len, __iter))
#else
#define rtdm_import_ubuf(__type, __buf, __len, __iov, __iter)	\
	import_single_range(__type, __buf, __len, __iov, __iter)
#endif

/* struct device's bus, and the bus notifier calls, are const since 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define RTDM_BUS_CONST	const
#else
#define RTDM_BUS_CONST
#endif

/*
 * irq_chip flag of an interrupt controller whose handlers may run
 * out-of-band (Dovetail's interrupt pipeline); nothing elsewhere.
 */
#ifdef CONFIG_IRQ_PIPELINE
#define RTDM_IRQCHIP_PIPELINE_SAFE	IRQCHIP_PIPELINE_SAFE
#else
#define RTDM_IRQCHIP_PIPELINE_SAFE	0
#endif

#endif /* _RTDM_COMPAT_H */
