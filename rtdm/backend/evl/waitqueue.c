// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: condition wait queues (Xenomai 3's rtdm_waitqueue). The
 * queue's lock is the hard lock of its EVL wait queue.
 */
#include <linux/poll.h>
#include "evl.h"

void __rtdm_waitqueue_init(rtdm_waitqueue_t *wq, struct lock_class_key *key)
{
	bwq_init(&wq->wq, "rtdm_waitqueue", key);
	wq->destroyed = false;
}
EXPORT_SYMBOL_GPL(__rtdm_waitqueue_init);

void rtdm_waitqueue_destroy(rtdm_waitqueue_t *wq)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&wq->wq.oob.wchan.lock, flags);
	wq->destroyed = true;
	raw_spin_unlock_irqrestore(&wq->wq.oob.wchan.lock, flags);
	bwq_destroy(&wq->wq);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_destroy);

bool rtdm_waitqueue_signal(rtdm_waitqueue_t *wq)
{
	bool woken = bwq_wake_one(&wq->wq);

	bwq_signal_poll(&wq->wq);

	return woken;
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_signal);

bool rtdm_waitqueue_broadcast(rtdm_waitqueue_t *wq)
{
	bool woken = bwq_wake_all(&wq->wq, 0);

	bwq_signal_poll(&wq->wq);

	return woken;
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_broadcast);

bool rtdm_waitqueue_flush(rtdm_waitqueue_t *wq)
{
	bool woken = bwq_wake_all(&wq->wq, EVL_T_BREAK);

	bwq_signal_poll(&wq->wq);

	return woken;
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_flush);

int rtdm_timedwait_locked(rtdm_waitqueue_t *wq, nanosecs_rel_t timeout,
			  rtdm_toseq_t *toseq)
{
	rtdm_might_wait();

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
	bwq_select(&wq->wq, selector, type, ready || READ_ONCE(wq->destroyed));
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_select);

void rtdm_waitqueue_poll_wait(rtdm_waitqueue_t *wq, struct file *filp,
			      struct poll_table_struct *pt)
{
	poll_wait(filp, &wq->wq.inband, pt);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_poll_wait);
