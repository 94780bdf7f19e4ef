// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: blocking wait queues and the poll() relay, shared by
 * events, semaphores and condition wait queues.
 *
 * Waiters queue on an rtdm_bwq (raw spinlock, priority order) and sleep
 * on an absolute monotonic deadline with a hard hrtimer for real-time
 * tasks, so that wake-ups can come from hard interrupt context on
 * PREEMPT_RT as well.
 */
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include "inband.h"

struct rtdm_bwaiter {
	struct list_head link;
	struct task_struct *task;
	int status;		/* RTDM_BW_WAITING until woken */
};

#define RTDM_BW_WAITING	1

void bwq_init(struct rtdm_bwq *wq)
{
	raw_spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->waiters);
}

/* Priority order (lower ->prio is more urgent), FIFO among equals. */
static void bwq_enqueue(struct rtdm_bwq *wq, struct rtdm_bwaiter *w)
{
	struct rtdm_bwaiter *pos;

	list_for_each_entry(pos, &wq->waiters, link) {
		if (w->task->prio < pos->task->prio) {
			list_add_tail(&w->link, &pos->link);
			return;
		}
	}
	list_add_tail(&w->link, &wq->waiters);
}

bool bwq_wake_one(struct rtdm_bwq *wq, int status)
{
	struct rtdm_bwaiter *w;

	w = list_first_entry_or_null(&wq->waiters, struct rtdm_bwaiter, link);
	if (!w)
		return false;

	list_del_init(&w->link);
	WRITE_ONCE(w->status, status);
	wake_up_process(w->task);

	return true;
}

bool bwq_wake_all(struct rtdm_bwq *wq, int status)
{
	bool woken = false;

	while (bwq_wake_one(wq, status))
		woken = true;

	return woken;
}

/*
 * Wait on @wq, whose lock is held; the lock is held again on return.
 * Waiting needs a context that may sleep, so interrupts were enabled when
 * the lock was taken. Returns the waker's status (0, -EIDRM or -EINTR),
 * -ETIMEDOUT or -EINTR.
 */
int bwq_wait_locked(struct rtdm_bwq *wq, ktime_t deadline)
{
	struct rtdm_bwaiter w = {
		.task = current,
		.status = RTDM_BW_WAITING,
	};
	int ret;

	bwq_enqueue(wq, &w);

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		raw_spin_unlock_irq(&wq->lock);
		ret = rtdm_sleep_until(deadline, CLOCK_MONOTONIC);
		raw_spin_lock_irq(&wq->lock);

		if (READ_ONCE(w.status) != RTDM_BW_WAITING) {
			ret = w.status;
			break;
		}
		if (ret == -EINTR && rtdm_wait_interrupted())
			break;
		if (ret == 0 && deadline != KTIME_MAX) {
			ret = -ETIMEDOUT;
			break;
		}
	}

	if (!list_empty(&w.link))
		list_del(&w.link);
	__set_current_state(TASK_RUNNING);

	return ret;
}

/* ------------------------------------------------------------------ */
/* poll() relay                                                       */
/* ------------------------------------------------------------------ */

static void pollwq_relay(struct irq_work *work)
{
	struct rtdm_pollwq *pq = container_of(work, struct rtdm_pollwq, work);

	wake_up_all(&pq->wqh);
}

void pollwq_init(struct rtdm_pollwq *pq)
{
	init_waitqueue_head(&pq->wqh);
	init_irq_work(&pq->work, pollwq_relay);
}

void pollwq_signal(struct rtdm_pollwq *pq)
{
	if (wq_has_sleeper(&pq->wqh))
		irq_work_queue(&pq->work);
}

void pollwq_destroy(struct rtdm_pollwq *pq)
{
	irq_work_sync(&pq->work);
	wake_up_all(&pq->wqh);
}

void pollwq_bind(struct rtdm_pollwq *pq, rtdm_selector_t *selector,
		 unsigned int type, bool ready)
{
	poll_wait(selector->file, &pq->wqh, selector->pt);
	if (ready)
		selector->mask |= rtdm_selector_mask(type);
}

