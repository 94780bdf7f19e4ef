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
