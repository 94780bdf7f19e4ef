// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: non-real-time signals (real-time context -> in-band).
 *
 * nrt signals are work items queued on the high-priority system workqueue
 * (queue_work() is safe from hard interrupt context on PREEMPT_RT too):
 * their handlers run in task context, in-band, and may sleep. Pending a
 * signal again before its handler ran runs the handler once.
 */
#include <linux/workqueue.h>
#include "inband.h"

static void nrtsig_trampoline(struct work_struct *work)
{
	rtdm_nrtsig_t *nrt_sig = container_of(work, rtdm_nrtsig_t, work);

	nrt_sig->handler(nrt_sig, nrt_sig->arg);
}

int rtdm_nrtsig_init(rtdm_nrtsig_t *nrt_sig, rtdm_nrtsig_handler_t handler,
		     void *arg)
{
	if (!handler)
		return -EINVAL;

	INIT_WORK(&nrt_sig->work, nrtsig_trampoline);
	nrt_sig->handler = handler;
	nrt_sig->arg = arg;

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_nrtsig_init);

void rtdm_nrtsig_destroy(rtdm_nrtsig_t *nrt_sig)
{
	cancel_work_sync(&nrt_sig->work);
}
EXPORT_SYMBOL_GPL(rtdm_nrtsig_destroy);

void rtdm_nrtsig_pend(rtdm_nrtsig_t *nrt_sig)
{
	queue_work(system_highpri_wq, &nrt_sig->work);
}
EXPORT_SYMBOL_GPL(rtdm_nrtsig_pend);

void rtdm_schedule_nrt_work(struct work_struct *lostage_work)
{
	schedule_work(lostage_work);
}
EXPORT_SYMBOL_GPL(rtdm_schedule_nrt_work);
