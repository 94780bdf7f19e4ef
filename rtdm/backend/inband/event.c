// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: events.
 */
#include "inband.h"

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

