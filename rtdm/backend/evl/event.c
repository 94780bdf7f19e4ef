// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: events. A signal leaves the event pending until a waiter
 * consumes it; every waiter of either stage is woken and looks again.
 */
#include "evl.h"

void rtdm_event_init(rtdm_event_t *event, unsigned long pending)
{
	static struct lock_class_key key;

	bwq_init(&event->wq, "rtdm_event", &key);
	event->pending = pending;
	event->pulses = 0;
	event->destroyed = false;
}
EXPORT_SYMBOL_GPL(rtdm_event_init);

void rtdm_event_destroy(rtdm_event_t *event)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&event->wq.oob.wchan.lock, flags);
	event->destroyed = true;
	raw_spin_unlock_irqrestore(&event->wq.oob.wchan.lock, flags);
	bwq_destroy(&event->wq);
}
EXPORT_SYMBOL_GPL(rtdm_event_destroy);

void rtdm_event_signal(rtdm_event_t *event)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&event->wq.oob.wchan.lock, flags);
	event->pending = 1;
	bwq_wake_all(&event->wq, 0);
	bwq_signal_poll(&event->wq);
	raw_spin_unlock_irqrestore(&event->wq.oob.wchan.lock, flags);
	rtdm_evl_schedule();
}
EXPORT_SYMBOL_GPL(rtdm_event_signal);

void rtdm_event_pulse(rtdm_event_t *event)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&event->wq.oob.wchan.lock, flags);
	/* the waiters return 0 without the event left pending */
	event->pulses++;
	bwq_wake_all(&event->wq, 0);
	raw_spin_unlock_irqrestore(&event->wq.oob.wchan.lock, flags);
	rtdm_evl_schedule();
}
EXPORT_SYMBOL_GPL(rtdm_event_pulse);

void rtdm_event_clear(rtdm_event_t *event)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&event->wq.oob.wchan.lock, flags);
	event->pending = 0;
	raw_spin_unlock_irqrestore(&event->wq.oob.wchan.lock, flags);
}
EXPORT_SYMBOL_GPL(rtdm_event_clear);

int rtdm_event_timedwait(rtdm_event_t *event, nanosecs_rel_t timeout,
			 rtdm_toseq_t *timeout_seq)
{
	unsigned long flags, pulses;
	ktime_t deadline;
	int ret = 0;

	rtdm_might_wait();

	raw_spin_lock_irqsave(&event->wq.oob.wchan.lock, flags);
	if (event->destroyed) {
		ret = -EIDRM;
	} else if (event->pending) {
		event->pending = 0;
	} else if (timeout < 0) {
		ret = -EWOULDBLOCK;
	} else {
		deadline = rtdm_timeout_deadline(timeout, timeout_seq);
		pulses = event->pulses;
		for (;;) {
			ret = bwq_wait_locked(&event->wq, deadline);
			if (ret)
				break;
			if (event->pending) {
				event->pending = 0;
				break;
			}
			if (event->pulses != pulses)
				break;
		}
	}
	raw_spin_unlock_irqrestore(&event->wq.oob.wchan.lock, flags);

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
	bwq_select(&event->wq, selector, type,
		   READ_ONCE(event->pending) || READ_ONCE(event->destroyed));

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_event_select);
