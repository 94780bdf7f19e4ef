// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: condition wait queues (Xenomai 3's rtdm_waitqueue).
 */
#include <linux/poll.h>
#include "inband.h"

/* The caller (rtdm_waitqueue_init()) initialised the lock. */
void __rtdm_waitqueue_init(rtdm_waitqueue_t *wq)
{
	INIT_LIST_HEAD(&wq->wq.waiters);
	wq->destroyed = false;
	pollwq_init(&wq->poll);
}
EXPORT_SYMBOL_GPL(__rtdm_waitqueue_init);

void rtdm_waitqueue_destroy(rtdm_waitqueue_t *wq)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&wq->wq.lock, flags);
	wq->destroyed = true;
	bwq_wake_all(&wq->wq, -EIDRM);
	raw_spin_unlock_irqrestore(&wq->wq.lock, flags);
	pollwq_destroy(&wq->poll);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_destroy);

bool rtdm_waitqueue_signal(rtdm_waitqueue_t *wq)
{
	bool woken = bwq_wake_one(&wq->wq, 0);

	pollwq_signal(&wq->poll);

	return woken;
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_signal);

bool rtdm_waitqueue_broadcast(rtdm_waitqueue_t *wq)
{
	bool woken = bwq_wake_all(&wq->wq, 0);

	pollwq_signal(&wq->poll);

	return woken;
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_broadcast);

bool rtdm_waitqueue_flush(rtdm_waitqueue_t *wq)
{
	bool woken = bwq_wake_all(&wq->wq, -EINTR);

	pollwq_signal(&wq->poll);

	return woken;
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_flush);

int rtdm_timedwait_locked(rtdm_waitqueue_t *wq, nanosecs_rel_t timeout,
			  rtdm_toseq_t *toseq)
{
	if (wq->destroyed)
		return -EIDRM;
	if (timeout < 0)
		return -EWOULDBLOCK;

	return bwq_wait_locked(&wq->wq, rtdm_timeout_deadline(timeout, toseq));
}
EXPORT_SYMBOL_GPL(rtdm_timedwait_locked);

void rtdm_waitqueue_select(rtdm_waitqueue_t *wq, rtdm_selector_t *selector,
			   enum rtdm_selecttype type, bool ready)
{
	pollwq_bind(&wq->poll, selector, type,
		    ready || READ_ONCE(wq->destroyed));
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_select);

void rtdm_waitqueue_poll_wait(rtdm_waitqueue_t *wq, struct file *filp,
			      struct poll_table_struct *pt)
{
	poll_wait(filp, &wq->poll.wqh, pt);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_poll_wait);
