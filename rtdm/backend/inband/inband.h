/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the inband backend. */
#ifndef _RTDM_BACKEND_INBAND_INTERNAL_H
#define _RTDM_BACKEND_INBAND_INTERNAL_H

#include "../../core/internal.h"

/*
 * True when the current wait must end with -EINTR: a pending signal, or an
 * RTDM task that was unblocked or asked to stop.
 */
bool rtdm_wait_interrupted(void);

/*
 * Sleep until @deadline on @clock (KTIME_MAX: forever) unless woken:
 * 0 when the deadline passed, -EINTR when interrupted. The caller sets the
 * task state before and checks its wake-up condition after.
 */
int rtdm_sleep_until(ktime_t deadline, clockid_t clock);

/*
 * Calling-context checks (debug builds: make RTDM_DEBUG=1). On this
 * backend "real-time context" is a task with a real-time policy or an
 * RTDM task: what runs out-of-band on the evl backend.
 */
bool rtdm_in_rt_task(void);
#ifdef RTDM_DEBUG
#define rtdm_might_wait_rt()						\
do {									\
	might_sleep();							\
	WARN_ONCE(!rtdm_in_rt_task(),					\
		  "rtdm: %s() is for real-time context, called by %s/%d\n",\
		  __func__, current->comm, task_pid_nr(current));	\
} while (0)
#else
#define rtdm_might_wait_rt()	might_sleep()
#endif
/* Any task context, may sleep. */
#define rtdm_might_wait()	might_sleep()

/* Blocking wait queues and the poll() relay (bwq.c). */
void bwq_init(struct rtdm_bwq *wq);
/* Lock of @wq held: wake the first waiter / all waiters with @status. */
bool bwq_wake_one(struct rtdm_bwq *wq, int status);
bool bwq_wake_all(struct rtdm_bwq *wq, int status);
/*
 * Wait on @wq, whose lock is held (taken with interrupts enabled); the
 * lock is held again on return. Returns the waker's status (0, -EIDRM or
 * -EINTR), -ETIMEDOUT or -EINTR.
 */
int bwq_wait_locked(struct rtdm_bwq *wq, ktime_t deadline);
void pollwq_init(struct rtdm_pollwq *pq);
void pollwq_signal(struct rtdm_pollwq *pq);
void pollwq_destroy(struct rtdm_pollwq *pq);
void pollwq_bind(struct rtdm_pollwq *pq, rtdm_selector_t *selector,
		 unsigned int type, bool ready);

/* Absolute monotonic deadline of an RTDM timeout (KTIME_MAX: none). */
static inline ktime_t rtdm_timeout_deadline(nanosecs_rel_t timeout,
					    rtdm_toseq_t *timeout_seq)
{
	if (timeout == 0)
		return KTIME_MAX;
	if (timeout_seq)
		return ns_to_ktime(*timeout_seq);
	return ktime_add_ns(ktime_get(), timeout);
}

#endif
