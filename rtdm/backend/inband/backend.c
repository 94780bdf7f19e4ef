// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: RTDM services on a mainline or PREEMPT_RT kernel.
 *
 * Real-time callers are tasks with a real-time scheduling policy; they are
 * served by the drivers' _rt handlers. On PREEMPT_RT every service used
 * from those handlers is real-time: raw spinlocks, hard hrtimers,
 * IRQF_NO_THREAD interrupt handlers and SCHED_FIFO kernel threads.
 */
#include "inband.h"

int rtdm_backend_init(void)
{
	return 0;
}

void rtdm_backend_cleanup(void)
{
}

const char *rtdm_backend_describe(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		return RTDM_BACKEND_NAME " PREEMPT_RT";
	if (IS_ENABLED(CONFIG_PREEMPT_DYNAMIC))
		return RTDM_BACKEND_NAME " PREEMPT_DYNAMIC";
	if (IS_ENABLED(CONFIG_PREEMPTION))
		return RTDM_BACKEND_NAME " PREEMPT";
	return RTDM_BACKEND_NAME " PREEMPT_NONE";
}

int rtdm_rt_capable(struct rtdm_fd *fd)
{
	return rtdm_in_rt_context();
}
EXPORT_SYMBOL_GPL(rtdm_rt_capable);
