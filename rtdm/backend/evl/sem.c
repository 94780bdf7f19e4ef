// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: counting semaphores. rtdm_sem_up() adds a unit and wakes
 * the most urgent waiter, which takes it (out-of-band waiters first).
 */
#include "evl.h"

void rtdm_sem_init(rtdm_sem_t *sem, unsigned long value)
{
	static struct lock_class_key key;

	bwq_init(&sem->wq, "rtdm_sem", &key);
	sem->value = value;
	sem->destroyed = false;
}
EXPORT_SYMBOL_GPL(rtdm_sem_init);

void rtdm_sem_destroy(rtdm_sem_t *sem)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sem->wq.oob.wchan.lock, flags);
	sem->destroyed = true;
	raw_spin_unlock_irqrestore(&sem->wq.oob.wchan.lock, flags);
	bwq_destroy(&sem->wq);
}
EXPORT_SYMBOL_GPL(rtdm_sem_destroy);

int rtdm_sem_timeddown(rtdm_sem_t *sem, nanosecs_rel_t timeout,
		       rtdm_toseq_t *timeout_seq)
{
	unsigned long flags;
	ktime_t deadline;
	int ret = 0;

	rtdm_might_wait();

	raw_spin_lock_irqsave(&sem->wq.oob.wchan.lock, flags);
	if (sem->destroyed) {
		ret = -EIDRM;
	} else if (sem->value > 0) {
		sem->value--;
	} else if (timeout < 0) {
		ret = -EWOULDBLOCK;
	} else {
		deadline = rtdm_timeout_deadline(timeout, timeout_seq);
		for (;;) {
			ret = bwq_wait_locked(&sem->wq, deadline);
			if (ret)
				break;
			if (sem->value > 0) {
				sem->value--;
				break;
			}
		}
	}
	raw_spin_unlock_irqrestore(&sem->wq.oob.wchan.lock, flags);

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

	raw_spin_lock_irqsave(&sem->wq.oob.wchan.lock, flags);
	sem->value++;
	bwq_wake_one(&sem->wq);
	bwq_signal_poll(&sem->wq);
	raw_spin_unlock_irqrestore(&sem->wq.oob.wchan.lock, flags);
	rtdm_evl_schedule();
}
EXPORT_SYMBOL_GPL(rtdm_sem_up);

int rtdm_sem_select(rtdm_sem_t *sem, rtdm_selector_t *selector,
		    enum rtdm_selecttype type, unsigned int fd_index)
{
	bwq_select(&sem->wq, selector, type,
		   READ_ONCE(sem->value) > 0 || READ_ONCE(sem->destroyed));

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_sem_select);
