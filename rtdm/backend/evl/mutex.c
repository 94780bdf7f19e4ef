// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: mutexes, EVL kernel mutexes with priority inheritance.
 * Lock and unlock are for out-of-band callers only (EVL's rule).
 */
#include "evl.h"

void rtdm_mutex_init(rtdm_mutex_t *mutex)
{
	evl_init_kmutex(&mutex->lock);
	mutex->destroyed = false;
}
EXPORT_SYMBOL_GPL(rtdm_mutex_init);

/* Waiters fail with -EIDRM; an owner may still unlock. */
void rtdm_mutex_destroy(rtdm_mutex_t *mutex)
{
	if (xchg(&mutex->destroyed, true))
		return;

	evl_destroy_kmutex(&mutex->lock);
}
EXPORT_SYMBOL_GPL(rtdm_mutex_destroy);

int rtdm_mutex_timedlock(rtdm_mutex_t *mutex, nanosecs_rel_t timeout,
			 rtdm_toseq_t *timeout_seq)
{
	enum evl_tmode mode;
	ktime_t date;
	int ret;

	rtdm_might_wait_rt();
	if (running_inband())
		return -EPERM;

	if (READ_ONCE(mutex->destroyed))
		return -EIDRM;

	if (timeout < 0) {
		ret = evl_trylock_kmutex(&mutex->lock);
		return ret == -EBUSY ? -EWOULDBLOCK : ret;
	}

	date = evl_timeout(rtdm_timeout_deadline(timeout, timeout_seq), &mode);
	ret = evl_lock_mutex_timeout(&mutex->lock.mutex, date, mode);
	if (!ret && READ_ONCE(mutex->destroyed)) {
		evl_unlock_kmutex(&mutex->lock);
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
	if (!WARN_ON_ONCE(running_inband()))
		evl_unlock_kmutex(&mutex->lock);
}
EXPORT_SYMBOL_GPL(rtdm_mutex_unlock);
