// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: clocks. EVL's monotonic clock is CLOCK_MONOTONIC, read in
 * a way that is safe on both stages; timestamps compare with in-band
 * ktime_get() and user space CLOCK_MONOTONIC.
 */
#include "evl.h"

nanosecs_abs_t rtdm_clock_read_monotonic(void)
{
	return ktime_to_ns(evl_read_clock(&evl_mono_clock));
}
EXPORT_SYMBOL_GPL(rtdm_clock_read_monotonic);

nanosecs_abs_t rtdm_clock_read(void)
{
	return rtdm_clock_read_monotonic();
}
EXPORT_SYMBOL_GPL(rtdm_clock_read);

nanosecs_abs_t rtdm_clock_read_realtime(void)
{
	return ktime_to_ns(evl_read_clock(&evl_realtime_clock));
}
EXPORT_SYMBOL_GPL(rtdm_clock_read_realtime);
