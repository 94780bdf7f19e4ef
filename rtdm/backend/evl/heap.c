// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: memory for RTDM services and drivers, from EVL's system
 * heap (CONFIG_EVL_COREMEM_SIZE): usable on both stages, bounded time.
 */
#include <evl/memory.h>
#include "evl.h"

void *rtdm_malloc(size_t size)
{
	return evl_alloc(size);
}
EXPORT_SYMBOL_GPL(rtdm_malloc);

void rtdm_free(void *ptr)
{
	evl_free(ptr);
}
EXPORT_SYMBOL_GPL(rtdm_free);
