// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: counting semaphores.
 */
#include "inband.h"

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

