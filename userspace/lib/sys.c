// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * librtdm: the system calls on RTDM descriptors, the one place where the
 * backend shows in user space.
 *
 * Built with libevl (make userspace EVL=<libevl prefix>), a thread attached
 * to the EVL core issues oob_read(), oob_write() and oob_ioctl(), served by
 * the drivers' _rt handlers out-of-band; when an _rt handler asks for the
 * in-band path (ENOSYS), the regular call follows, served by the _nrt
 * handler. Other threads use the regular calls. These functions are for
 * RTDM descriptors only (librtdm's own calls, and the POSIX wrappers for
 * descriptors librtdm opened: fdtable.c).
 *
 * Attachment: a Xenomai-3-style program never calls evl_attach_self().
 * The first RTDM call of a thread running with a real-time policy
 * (SCHED_FIFO, SCHED_RR) attaches it to EVL, as "rtdm:<pid>.<tid>". A
 * thread with another policy stays a plain Linux thread until it calls a
 * service that only an _rt handler provides (the in-band call returns
 * ENOSYS): it is attached then (EVL's weak class, as Xenomai 3 makes every
 * thread of a program a Cobalt thread) and the call is repeated
 * out-of-band; from then on it is served like a real-time thread.
 * Threads the program attached itself are used as they are.
 * RTDM_EVL_ATTACH=0 in the environment turns automatic attachment off.
 * A thread that cannot attach (no EVL core: the inband backend) keeps
 * using the regular calls, so the same binary runs on both backends.
 *
 * Built without libevl, these are the regular calls.
 *
 * SCHED_WEAK (Xenomai 3's weak class, which librtdm_posix's scheduling
 * wrappers give a thread as SCHED_OTHER in Linux plus a per-thread mark):
 * such a thread is served like a real-time one, the _rt handlers first,
 * as Cobalt serves its weak threads. On EVL it is attached (EVL's weak
 * class) and calls out-of-band; elsewhere (the inband backend) each call
 * travels in a _RTIOC_RT_CALL request, which the core dispatches in the
 * real-time order.
 *
 * Cancellation: every call here is a cancellation point, as the blocking
 * RTDM calls of Xenomai 3's library are. The C library makes read() and
 * write() cancellation points but not ioctl(), which carries the socket
 * calls (sendmsg, recvmsg, sendto, recvfrom, ...) and the drivers' own
 * requests, nor libevl's oob_*() calls. So each system call runs with
 * asynchronous cancellation enabled for its duration (and only the system
 * call: attaching a thread to EVL allocates and must not be cut short).
 * pthread_cancel() then acts on a thread blocked in a driver at once: the
 * cancellation signal interrupts the RTDM wait (in-band: a pending signal;
 * evl: EVL kicks the thread out of its out-of-band wait and it handles the
 * signal in-band), and the thread unwinds from the signal handler. As with
 * Xenomai, a request cancelled after the driver completed it is lost with
 * the thread (e.g. a datagram just received).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <rtdm/uapi/rtdm.h>
#include "sys.h"

/*
 * The C library's calls. In librtdm_posix, where the program's read(),
 * write() and ioctl() are wrapped and may lead here, the real ones.
 */
#ifdef RTDM_POSIX_WRAP
ssize_t __real_read(int fd, void *buf, size_t nbyte);
ssize_t __real_write(int fd, const void *buf, size_t nbyte);
int __real_ioctl(int fd, unsigned long request, ...);
#define libc_read	__real_read
#define libc_write	__real_write
#define libc_ioctl	__real_ioctl
#else
#define libc_read	read
#define libc_write	write
#define libc_ioctl	ioctl
#endif

/* @__call as a cancellation point; errno is the call's. */
#define CANCEL_POINT(__call)						\
({									\
	typeof(__call) __cret;						\
	int __ctype, __cerr;						\
									\
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &__ctype);	\
	__cret = (__call);						\
	__cerr = errno;							\
	pthread_setcanceltype(__ctype, NULL);				\
	errno = __cerr;							\
	__cret;								\
})

int rtdm_sys_ioctl_inband(int fd, unsigned long request, void *arg)
{
	return CANCEL_POINT(libc_ioctl(fd, request, arg));
}

/* Per thread: the weak class's priority + 1, 0 when not SCHED_WEAK. */
static __thread int weak_prio;
/*
 * Per thread: attaching to EVL. libevl reads the thread's policy with
 * pthread_getschedparam(), which the wrappers (linked into libevl too)
 * would answer SCHED_WEAK: it gets the Linux one (SCHED_OTHER) then.
 */
static __thread int attaching;

int rtdm_sys_weak(int *prio)
{
	if (!weak_prio || attaching)
		return 0;
	if (prio)
		*prio = weak_prio - 1;
	return 1;
}

/* A call dispatched in the real-time order (SCHED_WEAK, no EVL). */
static int rt_call(int fd, unsigned int op, unsigned long request,
		   const void *arg, size_t len)
{
	struct _rtdm_rt_call c = {
		.op = op,
		.request = (__u32)request,
		.arg = (__u64)(uintptr_t)arg,
		.len = len,
	};

	return CANCEL_POINT(libc_ioctl(fd, _RTIOC_RT_CALL, &c));
}

#ifdef RTDM_EVL
#include <evl/sched.h>
#include <evl/syscall.h>
#include <evl/thread.h>

/* Per thread: 0 not decided yet, 1 attached, -1 regular calls only. */
static __thread int evl_state;

/*
 * An EVL attachment does not survive fork(): the child's only thread
 * decides again (the TLS copy of the forking thread would say attached).
 */
static void evl_forget(void)
{
	evl_state = 0;
}

static void evl_init(void)
{
	pthread_atfork(NULL, NULL, evl_forget);
}

static int attach(void)
{
	struct evl_sched_attrs attrs;
	int err = errno;

	attaching = 1;
	if (evl_attach_self("rtdm:%d.%ld", getpid(),
			    (long)syscall(SYS_gettid)) >= 0)
		evl_state = 1;
	attaching = 0;
	/* a weak thread: EVL's weak class, at its priority */
	if (evl_state > 0 && weak_prio > 1) {
		memset(&attrs, 0, sizeof(attrs));
		attrs.sched_policy = SCHED_WEAK;
		attrs.sched_priority = weak_prio - 1;
		evl_set_schedattr(evl_get_self(), &attrs);
	}
	errno = err;

	return evl_state > 0;
}

static int evl_thread(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *env;
	int policy;

	if (evl_state)
		return evl_state > 0;

	pthread_once(&once, evl_init);
	if (evl_get_self() >= 0) {
		evl_state = 1;
		return 1;
	}

	evl_state = -1;
	env = getenv("RTDM_EVL_ATTACH");
	if (env && !strcmp(env, "0"))
		return 0;

	policy = sched_getscheduler(0);
	if (policy != SCHED_FIFO && policy != SCHED_RR && !weak_prio)
		return 0;

	return attach();
}

/* An in-band call said ENOSYS: attach the thread and say so, or no. */
static int attach_on_demand(void)
{
	const char *env = getenv("RTDM_EVL_ATTACH");

	if (errno != ENOSYS || evl_state > 0 || (env && !strcmp(env, "0")))
		return 0;

	return attach();
}

static int want_inband(void)
{
	return errno == ENOSYS;
}

/*
 * Out-of-band first for an attached thread, in-band when the _rt handler
 * sends the call there; an in-band call the _nrt handler cannot serve
 * goes out-of-band after attaching the thread.
 */
#define SYS_CALL(__oob, __inband, __rt)					\
({									\
	typeof(__oob) __ret;						\
									\
	if (evl_thread()) {						\
		__ret = CANCEL_POINT(__oob);				\
		if (__ret >= 0 || !want_inband())			\
			goto out;					\
		__ret = CANCEL_POINT(__inband);				\
	} else if (weak_prio) {						\
		__ret = (__rt);						\
	} else {							\
		__ret = CANCEL_POINT(__inband);				\
		if (__ret < 0 && attach_on_demand())			\
			__ret = CANCEL_POINT(__oob);			\
	}								\
out:									\
	__ret;								\
})

ssize_t rtdm_sys_read(int fd, void *buf, size_t nbyte)
{
	return SYS_CALL(oob_read(fd, buf, nbyte), libc_read(fd, buf, nbyte),
			rt_call(fd, _RTDM_RT_CALL_READ, 0, buf, nbyte));
}

ssize_t rtdm_sys_write(int fd, const void *buf, size_t nbyte)
{
	return SYS_CALL(oob_write(fd, buf, nbyte),
			libc_write(fd, buf, nbyte),
			rt_call(fd, _RTDM_RT_CALL_WRITE, 0, buf, nbyte));
}

int rtdm_sys_ioctl(int fd, unsigned long request, void *arg)
{
	return SYS_CALL(oob_ioctl(fd, request, arg),
			libc_ioctl(fd, request, arg),
			rt_call(fd, _RTDM_RT_CALL_IOCTL, request, arg, 0));
}

int rtdm_sys_evl_thread(void)
{
	return evl_thread();
}

/*
 * An attached thread gets its new policy on the out-of-band stage too
 * (what is not real-time there is EVL's weak class); another one decides
 * at its next call whether to attach.
 */
void rtdm_sys_set_sched(int policy, int prio)
{
	struct evl_sched_attrs attrs;
	int err = errno;

	weak_prio = policy == RTDM_SCHED_WEAK ? prio + 1 : 0;
	if (evl_state <= 0) {
		evl_state = 0;
		return;
	}
	memset(&attrs, 0, sizeof(attrs));
	if (policy == SCHED_FIFO || policy == SCHED_RR) {
		attrs.sched_policy = policy;
		attrs.sched_priority = prio;
	} else {
		attrs.sched_policy = SCHED_WEAK;
		attrs.sched_priority = weak_prio ? prio : 0;
	}
	evl_set_schedattr(evl_get_self(), &attrs);
	errno = err;
}

#else /* !RTDM_EVL */

ssize_t rtdm_sys_read(int fd, void *buf, size_t nbyte)
{
	if (weak_prio)
		return rt_call(fd, _RTDM_RT_CALL_READ, 0, buf, nbyte);
	return CANCEL_POINT(libc_read(fd, buf, nbyte));
}

ssize_t rtdm_sys_write(int fd, const void *buf, size_t nbyte)
{
	if (weak_prio)
		return rt_call(fd, _RTDM_RT_CALL_WRITE, 0, buf, nbyte);
	return CANCEL_POINT(libc_write(fd, buf, nbyte));
}

int rtdm_sys_ioctl(int fd, unsigned long request, void *arg)
{
	if (weak_prio)
		return rt_call(fd, _RTDM_RT_CALL_IOCTL, request, arg, 0);
	return rtdm_sys_ioctl_inband(fd, request, arg);
}

int rtdm_sys_evl_thread(void)
{
	return 0;
}

void rtdm_sys_set_sched(int policy, int prio)
{
	weak_prio = policy == RTDM_SCHED_WEAK ? prio + 1 : 0;
}

#endif
