// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: blocking waits, events, semaphores, mutexes and
 * condition wait queues.
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

static void bwq_init(struct rtdm_bwq *wq)
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

static bool bwq_wake_one(struct rtdm_bwq *wq, int status)
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

static bool bwq_wake_all(struct rtdm_bwq *wq, int status)
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
static int bwq_wait_locked(struct rtdm_bwq *wq, ktime_t deadline)
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

static void pollwq_init(struct rtdm_pollwq *pq)
{
	init_waitqueue_head(&pq->wqh);
	init_irq_work(&pq->work, pollwq_relay);
}

static void pollwq_signal(struct rtdm_pollwq *pq)
{
	if (wq_has_sleeper(&pq->wqh))
		irq_work_queue(&pq->work);
}

static void pollwq_destroy(struct rtdm_pollwq *pq)
{
	irq_work_sync(&pq->work);
	wake_up_all(&pq->wqh);
}

static void pollwq_bind(struct rtdm_pollwq *pq, rtdm_selector_t *selector,
			unsigned int type, bool ready)
{
	poll_wait(selector->file, &pq->wqh, selector->pt);
	if (ready)
		selector->mask |= rtdm_selector_mask(type);
}

/* ------------------------------------------------------------------ */
/* Events                                                             */
/* ------------------------------------------------------------------ */

void rtdm_event_init(rtdm_event_t *event, unsigned long pending)
{
	bwq_init(&event->wq);
	event->pending = pending;
	event->destroyed = false;
	pollwq_init(&event->poll);
}
EXPORT_SYMBOL_GPL(rtdm_event_init);

void rtdm_event_destroy(rtdm_event_t *event)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&event->wq.lock, flags);
	event->destroyed = true;
	bwq_wake_all(&event->wq, -EIDRM);
	raw_spin_unlock_irqrestore(&event->wq.lock, flags);
	pollwq_destroy(&event->poll);
}
EXPORT_SYMBOL_GPL(rtdm_event_destroy);

void rtdm_event_signal(rtdm_event_t *event)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&event->wq.lock, flags);
	event->pending = 1;
	bwq_wake_all(&event->wq, 0);
	raw_spin_unlock_irqrestore(&event->wq.lock, flags);
	pollwq_signal(&event->poll);
}
EXPORT_SYMBOL_GPL(rtdm_event_signal);

void rtdm_event_pulse(rtdm_event_t *event)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&event->wq.lock, flags);
	bwq_wake_all(&event->wq, 0);
	raw_spin_unlock_irqrestore(&event->wq.lock, flags);
}
EXPORT_SYMBOL_GPL(rtdm_event_pulse);

void rtdm_event_clear(rtdm_event_t *event)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&event->wq.lock, flags);
	event->pending = 0;
	raw_spin_unlock_irqrestore(&event->wq.lock, flags);
}
EXPORT_SYMBOL_GPL(rtdm_event_clear);

int rtdm_event_timedwait(rtdm_event_t *event, nanosecs_rel_t timeout,
			 rtdm_toseq_t *timeout_seq)
{
	unsigned long flags;
	int ret = 0;

	raw_spin_lock_irqsave(&event->wq.lock, flags);

	if (event->destroyed) {
		ret = -EIDRM;
	} else if (event->pending) {
		event->pending = 0;
	} else if (timeout < 0) {
		ret = -EWOULDBLOCK;
	} else {
		ret = bwq_wait_locked(&event->wq,
				      rtdm_timeout_deadline(timeout,
							    timeout_seq));
		if (!ret)
			event->pending = 0;
	}

	raw_spin_unlock_irqrestore(&event->wq.lock, flags);

	return ret;
}
EXPORT_SYMBOL_GPL(rtdm_event_timedwait);

int rtdm_event_wait(rtdm_event_t *event)
{
	return rtdm_event_timedwait(event, 0, NULL);
}
EXPORT_SYMBOL_GPL(rtdm_event_wait);

int rtdm_event_select(rtdm_event_t *event, rtdm_selector_t *selector,
		      enum rtdm_selecttype type, unsigned int fd_index)
{
	pollwq_bind(&event->poll, selector, type,
		    READ_ONCE(event->pending) || READ_ONCE(event->destroyed));

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_event_select);

/* ------------------------------------------------------------------ */
/* Semaphores                                                         */
/* ------------------------------------------------------------------ */

void rtdm_sem_init(rtdm_sem_t *sem, unsigned long value)
{
	bwq_init(&sem->wq);
	sem->value = value;
	sem->destroyed = false;
	pollwq_init(&sem->poll);
}
EXPORT_SYMBOL_GPL(rtdm_sem_init);

void rtdm_sem_destroy(rtdm_sem_t *sem)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sem->wq.lock, flags);
	sem->destroyed = true;
	bwq_wake_all(&sem->wq, -EIDRM);
	raw_spin_unlock_irqrestore(&sem->wq.lock, flags);
	pollwq_destroy(&sem->poll);
}
EXPORT_SYMBOL_GPL(rtdm_sem_destroy);

int rtdm_sem_timeddown(rtdm_sem_t *sem, nanosecs_rel_t timeout,
		       rtdm_toseq_t *timeout_seq)
{
	unsigned long flags;
	int ret = 0;

	raw_spin_lock_irqsave(&sem->wq.lock, flags);

	if (sem->destroyed)
		ret = -EIDRM;
	else if (sem->value > 0)
		sem->value--;
	else if (timeout < 0)
		ret = -EWOULDBLOCK;
	else	/* rtdm_sem_up() hands the unit over to the waiter */
		ret = bwq_wait_locked(&sem->wq,
				      rtdm_timeout_deadline(timeout,
							    timeout_seq));

	raw_spin_unlock_irqrestore(&sem->wq.lock, flags);

	return ret;
}
EXPORT_SYMBOL_GPL(rtdm_sem_timeddown);

int rtdm_sem_down(rtdm_sem_t *sem)
{
	return rtdm_sem_timeddown(sem, 0, NULL);
}
EXPORT_SYMBOL_GPL(rtdm_sem_down);

void rtdm_sem_up(rtdm_sem_t *sem)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sem->wq.lock, flags);
	if (!bwq_wake_one(&sem->wq, 0))
		sem->value++;
	raw_spin_unlock_irqrestore(&sem->wq.lock, flags);
	pollwq_signal(&sem->poll);
}
EXPORT_SYMBOL_GPL(rtdm_sem_up);

int rtdm_sem_select(rtdm_sem_t *sem, rtdm_selector_t *selector,
		    enum rtdm_selecttype type, unsigned int fd_index)
{
	pollwq_bind(&sem->poll, selector, type,
		    READ_ONCE(sem->value) > 0 || READ_ONCE(sem->destroyed));

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_sem_select);

/* ------------------------------------------------------------------ */
/* Mutexes                                                            */
/* ------------------------------------------------------------------ */

void rtdm_mutex_init(rtdm_mutex_t *mutex)
{
	rt_mutex_init(&mutex->lock);
	bwq_init(&mutex->waiters);
	mutex->destroyed = false;
}
EXPORT_SYMBOL_GPL(rtdm_mutex_init);

void rtdm_mutex_destroy(rtdm_mutex_t *mutex)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&mutex->waiters.lock, flags);
	mutex->destroyed = true;
	bwq_wake_all(&mutex->waiters, -EIDRM);
	raw_spin_unlock_irqrestore(&mutex->waiters.lock, flags);
}
EXPORT_SYMBOL_GPL(rtdm_mutex_destroy);

/*
 * Infinite waits queue on the rt_mutex and boost its owner (priority
 * inheritance). Timed waits poll the rt_mutex at each unlock instead: they
 * do not boost the owner.
 */
int rtdm_mutex_timedlock(rtdm_mutex_t *mutex, nanosecs_rel_t timeout,
			 rtdm_toseq_t *timeout_seq)
{
	unsigned long flags;
	ktime_t deadline;
	int ret = 0;

	if (READ_ONCE(mutex->destroyed))
		return -EIDRM;

	if (rt_mutex_trylock(&mutex->lock))
		return 0;

	if (timeout < 0)
		return -EWOULDBLOCK;

	if (timeout == 0) {
		rt_mutex_lock(&mutex->lock);
		if (READ_ONCE(mutex->destroyed)) {
			rt_mutex_unlock(&mutex->lock);
			return -EIDRM;
		}
		return 0;
	}

	deadline = rtdm_timeout_deadline(timeout, timeout_seq);
	raw_spin_lock_irqsave(&mutex->waiters.lock, flags);
	while (!mutex->destroyed && !rt_mutex_trylock(&mutex->lock)) {
		ret = bwq_wait_locked(&mutex->waiters, deadline);
		if (ret)
			break;
	}
	if (!ret && mutex->destroyed)
		ret = -EIDRM;
	raw_spin_unlock_irqrestore(&mutex->waiters.lock, flags);

	return ret;
}
EXPORT_SYMBOL_GPL(rtdm_mutex_timedlock);

int rtdm_mutex_lock(rtdm_mutex_t *mutex)
{
	return rtdm_mutex_timedlock(mutex, 0, NULL);
}
EXPORT_SYMBOL_GPL(rtdm_mutex_lock);

void rtdm_mutex_unlock(rtdm_mutex_t *mutex)
{
	unsigned long flags;

	rt_mutex_unlock(&mutex->lock);

	raw_spin_lock_irqsave(&mutex->waiters.lock, flags);
	bwq_wake_all(&mutex->waiters, 0);
	raw_spin_unlock_irqrestore(&mutex->waiters.lock, flags);
}
EXPORT_SYMBOL_GPL(rtdm_mutex_unlock);

/* ------------------------------------------------------------------ */
/* Condition wait queues                                              */
/* ------------------------------------------------------------------ */

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
