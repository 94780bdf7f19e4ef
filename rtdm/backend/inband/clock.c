// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: clocks. rtdm_clock_read() is CLOCK_MONOTONIC, like
 * every timeout, timer and timestamp of the framework.
 */
#include "inband.h"
#include <linux/timekeeping.h>

nanosecs_abs_t rtdm_clock_read_monotonic(void)
{
	return ktime_get_ns();
}
EXPORT_SYMBOL_GPL(rtdm_clock_read_monotonic);

nanosecs_abs_t rtdm_clock_read(void)
{
	return ktime_get_ns();
}
EXPORT_SYMBOL_GPL(rtdm_clock_read);

nanosecs_abs_t rtdm_clock_read_realtime(void)
{
	return ktime_get_real_ns();
}
EXPORT_SYMBOL_GPL(rtdm_clock_read_realtime);
