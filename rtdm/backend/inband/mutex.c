// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: priority-inheriting mutexes.
 *
 * An rtdm_mutex is an rt_mutex. Every locker that has to wait queues on
 * the rt_mutex itself (rt_mutex_lock_interruptible()), in priority order,
 * and boosts the owner for as long as it waits, timed or not. A timed
 * wait ends at its deadline through a hard hrtimer that interrupts the
 * waiter the way a signal would (TIF_NOTIFY_SIGNAL), which dequeues it
 * and undoes the boost; destroying the mutex interrupts every waiter the
 * same way, and they return -EIDRM.
 */
#include <linux/sched/signal.h>
#include "inband.h"

struct rtdm_mutex_waiter {
	struct list_head link;		/* on mutex->waiters */
	struct task_struct *task;
	struct hrtimer timer;		/* the deadline of a timed wait */
	bool timedout;
	bool kicked;			/* we set TIF_NOTIFY_SIGNAL */
};

/* Interrupt @w's rt_mutex wait. Any context, raw lock held or not. */
static void waiter_kick(struct rtdm_mutex_waiter *w)
{
	if (!test_and_set_tsk_thread_flag(w->task, TIF_NOTIFY_SIGNAL))
		WRITE_ONCE(w->kicked, true);
	wake_up_process(w->task);
}

/*
 * Take back a TIF_NOTIFY_SIGNAL we set, unless task_work_add() wants it
 * too (it queues its work before setting the flag).
 */
static void waiter_unkick(struct rtdm_mutex_waiter *w)
{
	if (!READ_ONCE(w->kicked))
		return;

	clear_thread_flag(TIF_NOTIFY_SIGNAL);
	/* pairs with task_work_add(): work queued, then the flag set */
	smp_mb__after_atomic();
	if (READ_ONCE(current->task_works))
		set_thread_flag(TIF_NOTIFY_SIGNAL);
}

static enum hrtimer_restart mutex_timeout(struct hrtimer *timer)
{
	struct rtdm_mutex_waiter *w =
		container_of(timer, struct rtdm_mutex_waiter, timer);

	WRITE_ONCE(w->timedout, true);
	waiter_kick(w);

	return HRTIMER_NORESTART;
}

void rtdm_mutex_init(rtdm_mutex_t *mutex)
{
	rt_mutex_init(&mutex->lock);
	raw_spin_lock_init(&mutex->wlock);
	INIT_LIST_HEAD(&mutex->waiters);
	mutex->destroyed = false;
}
EXPORT_SYMBOL_GPL(rtdm_mutex_init);

void rtdm_mutex_destroy(rtdm_mutex_t *mutex)
{
	struct rtdm_mutex_waiter *w;
	unsigned long flags;

	raw_spin_lock_irqsave(&mutex->wlock, flags);
	mutex->destroyed = true;
	list_for_each_entry(w, &mutex->waiters, link)
		waiter_kick(w);
	raw_spin_unlock_irqrestore(&mutex->wlock, flags);
}
EXPORT_SYMBOL_GPL(rtdm_mutex_destroy);

int rtdm_mutex_timedlock(rtdm_mutex_t *mutex, nanosecs_rel_t timeout,
			 rtdm_toseq_t *timeout_seq)
{
	struct rtdm_mutex_waiter w = { .task = current };
	unsigned long flags;
	ktime_t deadline;
	int ret;

	rtdm_might_wait_rt();

	if (READ_ONCE(mutex->destroyed))
		return -EIDRM;

	if (rt_mutex_trylock(&mutex->lock))
		return 0;

	if (timeout < 0)
		return -EWOULDBLOCK;

	raw_spin_lock_irqsave(&mutex->wlock, flags);
	if (mutex->destroyed) {
		raw_spin_unlock_irqrestore(&mutex->wlock, flags);
		return -EIDRM;
	}
	list_add_tail(&w.link, &mutex->waiters);
	raw_spin_unlock_irqrestore(&mutex->wlock, flags);

	deadline = rtdm_timeout_deadline(timeout, timeout_seq);
	hrtimer_init_on_stack(&w.timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	w.timer.function = mutex_timeout;
	if (deadline != KTIME_MAX)
		hrtimer_start(&w.timer, deadline, HRTIMER_MODE_ABS_HARD);

	for (;;) {
		ret = rt_mutex_lock_interruptible(&mutex->lock);
		if (!ret)
			break;
		if (READ_ONCE(mutex->destroyed)) {
			ret = -EIDRM;
			break;
		}
		if (READ_ONCE(w.timedout)) {
			ret = -ETIMEDOUT;
			break;
		}
		/* a signal, the core revoking the call, an unblock */
		if (rtdm_wait_interrupted()) {
			ret = -EINTR;
			break;
		}
	}

	hrtimer_cancel(&w.timer);
	destroy_hrtimer_on_stack(&w.timer);
	raw_spin_lock_irqsave(&mutex->wlock, flags);
	list_del(&w.link);
	raw_spin_unlock_irqrestore(&mutex->wlock, flags);
	waiter_unkick(&w);

	if (!ret && READ_ONCE(mutex->destroyed)) {
		rt_mutex_unlock(&mutex->lock);
		ret = -EIDRM;
	}

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
	rt_mutex_unlock(&mutex->lock);
}
EXPORT_SYMBOL_GPL(rtdm_mutex_unlock);
