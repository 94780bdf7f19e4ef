// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: condition wait queues (rtdm_waitqueue).
 *
 * The queue's raw lock guards both the waiter list and the condition the
 * driver tests, so a waker that changes the condition under the lock can
 * never miss a waiter that found it false. Waiters are queued by
 * priority and sleep on an absolute monotonic deadline, like the other
 * RTDM waits of this backend. poll() waiters sleep on a regular wait
 * queue woken through an irq_work, since wake-ups may come from hard
 * interrupt context.
 */
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include "inband.h"

struct rtdm_wq_waiter {
	struct list_head link;
	struct task_struct *task;
	int status;		/* WQ_WAITING until woken */
};

#define WQ_WAITING	1

static void wq_poll_relay(struct irq_work *work)
{
	struct rtdm_pollwq *pq = container_of(work, struct rtdm_pollwq, work);

	wake_up_all(&pq->wqh);
}

static void wq_poll_signal(rtdm_waitqueue_t *wq)
{
	if (wq_has_sleeper(&wq->poll.wqh))
		irq_work_queue(&wq->poll.work);
}

void rtdm_waitqueue_init(rtdm_waitqueue_t *wq)
{
	raw_spin_lock_init(&wq->wq.lock);
	INIT_LIST_HEAD(&wq->wq.waiters);
	wq->destroyed = false;
	init_waitqueue_head(&wq->poll.wqh);
	init_irq_work(&wq->poll.work, wq_poll_relay);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_init);

/* Lock held. Wakes one waiter with @status; false if none was waiting. */
static bool wq_wake_one(rtdm_waitqueue_t *wq, int status)
{
	struct rtdm_wq_waiter *w;

	w = list_first_entry_or_null(&wq->wq.waiters, struct rtdm_wq_waiter,
				     link);
	if (!w)
		return false;

	list_del_init(&w->link);
	WRITE_ONCE(w->status, status);
	wake_up_process(w->task);

	return true;
}

static bool wq_wake_all(rtdm_waitqueue_t *wq, int status)
{
	bool woken = false;

	while (wq_wake_one(wq, status))
		woken = true;
	wq_poll_signal(wq);

	return woken;
}

void rtdm_waitqueue_destroy(rtdm_waitqueue_t *wq)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&wq->wq.lock, flags);
	wq->destroyed = true;
	wq_wake_all(wq, -EIDRM);
	raw_spin_unlock_irqrestore(&wq->wq.lock, flags);
	irq_work_sync(&wq->poll.work);
	wake_up_all(&wq->poll.wqh);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_destroy);

bool rtdm_waitqueue_signal(rtdm_waitqueue_t *wq)
{
	bool woken = wq_wake_one(wq, 0);

	wq_poll_signal(wq);

	return woken;
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_signal);

bool rtdm_waitqueue_broadcast(rtdm_waitqueue_t *wq)
{
	return wq_wake_all(wq, 0);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_broadcast);

bool rtdm_waitqueue_flush(rtdm_waitqueue_t *wq)
{
	return wq_wake_all(wq, -EINTR);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_flush);

int rtdm_timedwait_locked(rtdm_waitqueue_t *wq, nanosecs_rel_t timeout,
			  rtdm_toseq_t *toseq)
{
	struct rtdm_wq_waiter w = {
		.task = current,
		.status = WQ_WAITING,
	};
	struct rtdm_wq_waiter *pos;
	ktime_t deadline;
	int ret;

	if (wq->destroyed)
		return -EIDRM;
	if (timeout < 0)
		return -EWOULDBLOCK;

	deadline = rtdm_timeout_deadline(timeout, toseq);

	/* Priority order (lower ->prio is more urgent), FIFO among equals. */
	list_for_each_entry(pos, &wq->wq.waiters, link) {
		if (current->prio < pos->task->prio)
			break;
	}
	list_add_tail(&w.link, &pos->link);

	set_current_state(TASK_INTERRUPTIBLE);
	raw_spin_unlock_irq(&wq->wq.lock);
	ret = rtdm_sleep_until(deadline, CLOCK_MONOTONIC);
	raw_spin_lock_irq(&wq->wq.lock);
	__set_current_state(TASK_RUNNING);

	if (READ_ONCE(w.status) != WQ_WAITING)
		return w.status;	/* dequeued by the waker */

	list_del(&w.link);
	if (ret == -EINTR && rtdm_wait_interrupted())
		return -EINTR;
	if (ret == 0 && deadline != KTIME_MAX)
		return -ETIMEDOUT;

	return 0;	/* spurious: the caller tests its condition again */
}
EXPORT_SYMBOL_GPL(rtdm_timedwait_locked);

void rtdm_waitqueue_select(rtdm_waitqueue_t *wq, rtdm_selector_t *selector,
			   enum rtdm_selecttype type, bool ready)
{
	poll_wait(selector->file, &wq->poll.wqh, selector->pt);
	if (ready || READ_ONCE(wq->destroyed))
		selector->mask |= rtdm_selector_mask(type);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_select);

void rtdm_waitqueue_poll_wait(rtdm_waitqueue_t *wq, struct file *filp,
			      struct poll_table_struct *pt)
{
	poll_wait(filp, &wq->poll.wqh, pt);
}
EXPORT_SYMBOL_GPL(rtdm_waitqueue_poll_wait);
