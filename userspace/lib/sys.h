/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* librtdm internals: the system calls on RTDM descriptors (sys.c). */
#ifndef _RTDM_LIB_SYS_H
#define _RTDM_LIB_SYS_H

#include <sys/types.h>

ssize_t rtdm_sys_read(int fd, void *buf, size_t nbyte);
ssize_t rtdm_sys_write(int fd, const void *buf, size_t nbyte);
int rtdm_sys_ioctl(int fd, unsigned long request, void *arg);
/* The regular ioctl(2), made a cancellation point. */
int rtdm_sys_ioctl_inband(int fd, unsigned long request, void *arg);
/* Whether the calling thread issues out-of-band calls (attached to EVL). */
int rtdm_sys_evl_thread(void);
/*
 * SCHED_WEAK as Xenomai 3 programs pass it (<rtdm/rtdm.h>): the scheduling
 * wrappers tell sys.c the policy and priority a thread gave itself; true
 * and the weak priority in *@prio (if not NULL) for a SCHED_WEAK thread.
 */
#define RTDM_SCHED_WEAK	43
void rtdm_sys_set_sched(int policy, int prio);
int rtdm_sys_weak(int *prio);
/* Remember @fd as an RTDM file (rtdm.c); -1 if it cannot be. */
int rtdm_mark_file(int fd);

#endif
