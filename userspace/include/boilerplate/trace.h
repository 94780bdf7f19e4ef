/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <boilerplate/trace.h>: the calls Xenomai 3 programs make to the kernel
 * tracer (latency -f freezes the trace at each new maximum). There is no
 * such tracer here: each call does nothing and reports ENOSYS, as
 * Xenomai's do with the tracer disabled.
 */
#ifndef _RTDM_BOILERPLATE_TRACE_H
#define _RTDM_BOILERPLATE_TRACE_H

#include <errno.h>
#include <stdarg.h>

static inline int xntrace_max_begin(unsigned long v)
{
	(void)v;
	return -ENOSYS;
}

static inline int xntrace_max_end(unsigned long v)
{
	(void)v;
	return -ENOSYS;
}

static inline int xntrace_max_reset(void)
{
	return -ENOSYS;
}

static inline int xntrace_user_start(void)
{
	return -ENOSYS;
}

static inline int xntrace_user_stop(unsigned long v)
{
	(void)v;
	return -ENOSYS;
}

static inline int xntrace_user_freeze(unsigned long v, int once)
{
	(void)v;
	(void)once;
	return -ENOSYS;
}

static inline int xntrace_special(unsigned char id, unsigned long v)
{
	(void)id;
	(void)v;
	return -ENOSYS;
}

static inline int xntrace_special_u64(unsigned char id, unsigned long long v)
{
	(void)id;
	(void)v;
	return -ENOSYS;
}

static inline void xntrace_latpeak_freeze(int delay)
{
	(void)delay;
}

/* Text into the kernel trace (Cobalt: the ftrace buffer). */
static inline int xnftrace_vprintf(const char *format, va_list args)
{
	(void)format;
	(void)args;
	return -ENOSYS;
}

static inline __attribute__((format(printf, 1, 2)))
int xnftrace_printf(const char *format, ...)
{
	(void)format;
	return -ENOSYS;
}

#endif /* _RTDM_BOILERPLATE_TRACE_H */
