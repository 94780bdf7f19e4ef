// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: blocking wait queues of both stages, shared by events,
 * semaphores and condition wait queues.
 *
 * The lock of the EVL wait queue (a hard spinlock) guards the state of
 * the object. Out-of-band waiters queue on the EVL wait queue by
 * priority. In-band waiters sleep on a Linux wait queue and notice
 * wake-ups by a sequence number changing; wake-ups reach them through an
 * irq_work, since a Linux wait queue cannot be touched out-of-band. Every
 * wake-up is retry-style (EVL never hands a resource over): the woken
 * task checks the object's state again under the lock.
 */
#include <linux/poll.h>
#include <evl/poll.h>
#include "evl.h"

static void bwq_relay(struct irq_work *work)
{
	struct rtdm_bwq *wq = container_of(work, struct rtdm_bwq, relay);

	wake_up_all(&wq->inband);
}

void bwq_init(struct rtdm_bwq *wq, const char *name,
	      struct lock_class_key *key)
{
	__evl_init_wait(&wq->oob, &evl_mono_clock, EVL_WAIT_PRIO, name, key);
	init_waitqueue_head(&wq->inband);
	wq->seq = 0;
	wq->flushes = 0;
	wq->dead = false;
	init_irq_work(&wq->relay, bwq_relay);
	evl_init_poll_head(&wq->poll);
	wq->poll_events = 0;
}

/* Lock held: in-band waiters and pollers look again. */
static void wake_inband(struct rtdm_bwq *wq)
{
	wq->seq++;
	if (wq_has_sleeper(&wq->inband))
		irq_work_queue(&wq->relay);
}

bool bwq_wake_one(struct rtdm_bwq *wq)
{
	bool woken = !!evl_wake_up_head(&wq->oob);

	if (!woken)
		woken = wq_has_sleeper(&wq->inband);
	wake_inband(wq);

	return woken;
}

bool bwq_wake_all(struct rtdm_bwq *wq, int reason)
{
	bool woken = evl_flush_wait_locked(&wq->oob, reason) > 0;

	woken |= wq_has_sleeper(&wq->inband);
	if (reason == EVL_T_BREAK)
		wq->flushes++;
	wake_inband(wq);

	return woken;
}

void bwq_signal_poll(struct rtdm_bwq *wq)
{
	if (wq->poll_events)
		evl_signal_poll_events(&wq->poll, wq->poll_events);
}

void bwq_destroy(struct rtdm_bwq *wq)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&wq->oob.wchan.lock, flags);
	wq->dead = true;
	evl_flush_wait_locked(&wq->oob, EVL_T_RMID);
	wake_inband(wq);
	bwq_signal_poll(wq);
	raw_spin_unlock_irqrestore(&wq->oob.wchan.lock, flags);
	rtdm_evl_schedule();

	irq_work_sync(&wq->relay);
	wake_up_all(&wq->inband);
	evl_destroy_wait(&wq->oob);
}

static int wait_inband(struct rtdm_bwq *wq, unsigned long seq,
		       unsigned long flushes, ktime_t deadline)
{
	DEFINE_WAIT(wait);
	int ret;

	for (;;) {
		prepare_to_wait(&wq->inband, &wait, TASK_INTERRUPTIBLE);
		if (READ_ONCE(wq->dead)) {
			ret = -EIDRM;
			break;
		}
		if (READ_ONCE(wq->flushes) != flushes) {
			ret = -EINTR;
			break;
		}
		if (READ_ONCE(wq->seq) != seq) {
			ret = 0;
			break;
		}
		if (rtdm_wait_interrupted()) {
			ret = -EINTR;
			break;
		}
		if (deadline == KTIME_MAX) {
			schedule();
		} else if (!schedule_hrtimeout(&deadline, HRTIMER_MODE_ABS)) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	finish_wait(&wq->inband, &wait);

	return ret;
}

int bwq_wait_locked(struct rtdm_bwq *wq, ktime_t deadline)
{
	unsigned long seq, flushes;
	enum evl_tmode mode;
	ktime_t timeout;
	int ret;

	if (wq->dead)
		return -EIDRM;

	if (running_oob()) {
		timeout = evl_timeout(deadline, &mode);
		evl_add_wait_queue(&wq->oob, timeout, mode);
		raw_spin_unlock_irq(&wq->oob.wchan.lock);
		ret = evl_wait_schedule(&wq->oob);
		raw_spin_lock_irq(&wq->oob.wchan.lock);
		return ret;
	}

	seq = wq->seq;
	flushes = wq->flushes;
	raw_spin_unlock_irq(&wq->oob.wchan.lock);
	ret = wait_inband(wq, seq, flushes, deadline);
	raw_spin_lock_irq(&wq->oob.wchan.lock);

	return ret;
}

/* An oob poll() connects to each poll head once. */
static bool oob_connected(rtdm_selector_t *selector, struct evl_poll_head *h)
{
	int n;

	for (n = 0; n < RTDM_EVL_SELECT_HEADS; n++) {
		if (selector->heads[n] == h)
			return true;
		if (!selector->heads[n]) {
			selector->heads[n] = h;
			return false;
		}
	}

	return true;	/* no room left: the mask still tells */
}

void bwq_select(struct rtdm_bwq *wq, rtdm_selector_t *selector,
		unsigned int type, bool ready)
{
	__poll_t mask = rtdm_selector_mask(type);
	unsigned long flags;

	if (selector->oob_wait) {
		raw_spin_lock_irqsave(&wq->oob.wchan.lock, flags);
		wq->poll_events |= (__force int)mask;
		raw_spin_unlock_irqrestore(&wq->oob.wchan.lock, flags);
		if (!oob_connected(selector, &wq->poll))
			evl_poll_watch(&wq->poll, selector->oob_wait, NULL);
	} else {
		poll_wait(selector->file, &wq->inband, selector->pt);
	}
	if (ready)
		selector->mask |= mask;
}
