// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: memory for RTDM services and drivers. Task context: on
 * PREEMPT_RT the slab allocator is fine there, real-time policy or not.
 */
#include <linux/slab.h>
#include "inband.h"

void *rtdm_malloc(size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(rtdm_malloc);

void rtdm_free(void *ptr)
{
	kfree(ptr);
}
EXPORT_SYMBOL_GPL(rtdm_free);
