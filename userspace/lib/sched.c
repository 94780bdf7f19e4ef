// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * librtdm_posix: Xenomai 3's SCHED_WEAK for the scheduling calls of
 * Xenomai-3-style programs (pthread_setschedparam(), sched_setscheduler()
 * and their getters, wrapped by the linker like the socket calls).
 *
 * Under Cobalt, a SCHED_WEAK thread is a real-time (Cobalt) thread of the
 * lowest class: not real-time in Linux, yet its RTDM calls are served by
 * the drivers' _rt handlers first. Here a thread switching itself to
 * SCHED_WEAK (priority 0..99, as Cobalt's weak class) runs SCHED_OTHER in
 * Linux and is marked, so that librtdm dispatches its RTDM calls in the
 * real-time order (sys.c: out-of-band on EVL, a _RTIOC_RT_CALL request on
 * the inband backend); the getters report SCHED_WEAK and its priority.
 * Any other policy clears the mark. The mark is per thread and set by the
 * thread itself: SCHED_WEAK for another thread gives ENOTSUP; a thread
 * attribute cannot carry it (pthread_attr_setschedpolicy() is not
 * wrapped: the C library refuses the policy with EINVAL). The other calls
 * go to the C library unchanged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "sys.h"

int __real_pthread_setschedparam(pthread_t thread, int policy,
				 const struct sched_param *param);
int __real_pthread_getschedparam(pthread_t thread, int *policy,
				 struct sched_param *param);
int __real_sched_setscheduler(pid_t pid, int policy,
			      const struct sched_param *param);
int __real_sched_getscheduler(pid_t pid);
int __real_sched_getparam(pid_t pid, struct sched_param *param);

int __wrap_pthread_setschedparam(pthread_t thread, int policy,
				 const struct sched_param *param);
int __wrap_pthread_getschedparam(pthread_t thread, int *policy,
				 struct sched_param *param);
int __wrap_sched_setscheduler(pid_t pid, int policy,
			      const struct sched_param *param);
int __wrap_sched_getscheduler(pid_t pid);
int __wrap_sched_getparam(pid_t pid, struct sched_param *param);

#define WEAK_PRIO_MAX	99

static int is_self(pid_t pid)
{
	return pid == 0 || pid == (pid_t)syscall(SYS_gettid);
}

/* 0 or an errno value, as pthread_setschedparam() returns. */
static int set_weak(int prio, int (*set_other)(const struct sched_param *))
{
	struct sched_param other = { .sched_priority = 0 };
	int ret;

	if (prio < 0 || prio > WEAK_PRIO_MAX)
		return EINVAL;
	ret = set_other(&other);
	if (!ret)
		rtdm_sys_set_sched(RTDM_SCHED_WEAK, prio);
	return ret;
}

static int self_other_pthread(const struct sched_param *p)
{
	return __real_pthread_setschedparam(pthread_self(), SCHED_OTHER, p);
}

static int self_other_sched(const struct sched_param *p)
{
	return __real_sched_setscheduler(0, SCHED_OTHER, p) ? errno : 0;
}

int __wrap_pthread_setschedparam(pthread_t thread, int policy,
				 const struct sched_param *param)
{
	int self = pthread_equal(thread, pthread_self());
	int ret;

	if (policy == RTDM_SCHED_WEAK) {
		if (!param)
			return EINVAL;
		if (!self)
			return ENOTSUP;
		return set_weak(param->sched_priority, self_other_pthread);
	}

	ret = __real_pthread_setschedparam(thread, policy, param);
	if (!ret && self)
		rtdm_sys_set_sched(policy, param->sched_priority);
	return ret;
}

int __wrap_pthread_getschedparam(pthread_t thread, int *policy,
				 struct sched_param *param)
{
	int ret, prio;

	ret = __real_pthread_getschedparam(thread, policy, param);
	if (!ret && pthread_equal(thread, pthread_self()) &&
	    rtdm_sys_weak(&prio)) {
		*policy = RTDM_SCHED_WEAK;
		param->sched_priority = prio;
	}
	return ret;
}

int __wrap_sched_setscheduler(pid_t pid, int policy,
			      const struct sched_param *param)
{
	int ret;

	if ((policy & ~SCHED_RESET_ON_FORK) == RTDM_SCHED_WEAK) {
		if (!param) {
			errno = EINVAL;
			return -1;
		}
		ret = is_self(pid) ? set_weak(param->sched_priority,
					      self_other_sched) : ENOTSUP;
		if (ret) {
			errno = ret;
			return -1;
		}
		return 0;
	}

	ret = __real_sched_setscheduler(pid, policy, param);
	if (!ret && is_self(pid))
		rtdm_sys_set_sched(policy & ~SCHED_RESET_ON_FORK,
				   param->sched_priority);
	return ret;
}

int __wrap_sched_getscheduler(pid_t pid)
{
	int ret = __real_sched_getscheduler(pid);

	if (ret >= 0 && is_self(pid) && rtdm_sys_weak(NULL))
		return RTDM_SCHED_WEAK;
	return ret;
}

int __wrap_sched_getparam(pid_t pid, struct sched_param *param)
{
	int ret = __real_sched_getparam(pid, param);
	int prio;

	if (!ret && is_self(pid) && rtdm_sys_weak(&prio))
		param->sched_priority = prio;
	return ret;
}
