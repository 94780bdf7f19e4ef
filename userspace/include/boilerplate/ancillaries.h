/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <boilerplate/ancillaries.h>: the small helpers Xenomai 3's demos and
 * tests take from this header (array sizes, the nanosecond constant,
 * warning(), panic(), symerror(), get_mem_size(), the program's name,
 * the CPU sets), with the system headers it brings. All of it is
 * header-only; nothing else of Xenomai's boilerplate library is provided.
 */
#ifndef _RTDM_BOILERPLATE_ANCILLARIES_H
#define _RTDM_BOILERPLATE_ANCILLARIES_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <time.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <boilerplate/wrappers.h>
#include <boilerplate/compiler.h>

#ifndef ONE_BILLION
#define ONE_BILLION	1000000000
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* The name the program was started as, without its directory. */
#ifndef _GNU_SOURCE
extern char *__progname;	/* glibc's and musl's */
#endif
static inline const char *get_program_name(void)
{
#ifdef _GNU_SOURCE
	return program_invocation_short_name;
#else
	return __progname;
#endif
}

/* Prints "<program>: WARNING: <message>" on stderr. */
static inline __attribute__((format(printf, 1, 2)))
void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: WARNING: ", get_program_name());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Xenomai's early_warning(): the same as warning() here. */
#define early_warning(...)	warning(__VA_ARGS__)

/*
 * panic(), early_panic(): "<program>: BUG in <function>(): <message>" on
 * stderr, then exit(1).
 */
static inline __attribute__((format(printf, 2, 3), noreturn))
void __rtdm_panic(const char *fn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fflush(stdout);
	fprintf(stderr, "%s: BUG in %s(): ", get_program_name(), fn);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

#define panic(...)		__rtdm_panic(__func__, __VA_ARGS__)
#define early_panic(...)	__rtdm_panic(__func__, __VA_ARGS__)

/*
 * symerror(-EINVAL) is "EINVAL" (the sign does not matter, 0 is "OK"); a
 * code without a name here reads "<code>?".
 */
static inline const char *symerror(int errnum)
{
	static __thread char unknown[16];
	int e = errnum < 0 ? -errnum : errnum;

	switch (e) {
#define __RTDM_ESYM(__e) case __e: return #__e
	case 0: return "OK";
	__RTDM_ESYM(EPERM); __RTDM_ESYM(ENOENT); __RTDM_ESYM(ESRCH);
	__RTDM_ESYM(EINTR); __RTDM_ESYM(EIO); __RTDM_ESYM(ENXIO);
	__RTDM_ESYM(E2BIG); __RTDM_ESYM(ENOEXEC); __RTDM_ESYM(EBADF);
	__RTDM_ESYM(ECHILD); __RTDM_ESYM(EAGAIN); __RTDM_ESYM(ENOMEM);
	__RTDM_ESYM(EACCES); __RTDM_ESYM(EFAULT); __RTDM_ESYM(ENOTBLK);
	__RTDM_ESYM(EBUSY); __RTDM_ESYM(EEXIST); __RTDM_ESYM(EXDEV);
	__RTDM_ESYM(ENODEV); __RTDM_ESYM(ENOTDIR); __RTDM_ESYM(EISDIR);
	__RTDM_ESYM(EINVAL); __RTDM_ESYM(ENFILE); __RTDM_ESYM(EMFILE);
	__RTDM_ESYM(ENOTTY); __RTDM_ESYM(ETXTBSY); __RTDM_ESYM(EFBIG);
	__RTDM_ESYM(ENOSPC); __RTDM_ESYM(ESPIPE); __RTDM_ESYM(EROFS);
	__RTDM_ESYM(EMLINK); __RTDM_ESYM(EPIPE); __RTDM_ESYM(EDOM);
	__RTDM_ESYM(ERANGE); __RTDM_ESYM(ENOSYS); __RTDM_ESYM(ETIMEDOUT);
	__RTDM_ESYM(ENOMSG); __RTDM_ESYM(EIDRM); __RTDM_ESYM(EADDRINUSE);
	__RTDM_ESYM(EPROTO); __RTDM_ESYM(EOPNOTSUPP); __RTDM_ESYM(ENOTSOCK);
	__RTDM_ESYM(EAFNOSUPPORT); __RTDM_ESYM(ECONNREFUSED);
	__RTDM_ESYM(ECONNRESET); __RTDM_ESYM(ENOTCONN); __RTDM_ESYM(EMSGSIZE);
	__RTDM_ESYM(ENOBUFS); __RTDM_ESYM(EADDRNOTAVAIL); __RTDM_ESYM(EDEADLK);
	__RTDM_ESYM(EOVERFLOW); __RTDM_ESYM(ECANCELED); __RTDM_ESYM(ENOLCK);
	__RTDM_ESYM(EALREADY); __RTDM_ESYM(EINPROGRESS); __RTDM_ESYM(ENOTEMPTY);
	__RTDM_ESYM(ENAMETOOLONG); __RTDM_ESYM(ENOSR); __RTDM_ESYM(ETIME);
	__RTDM_ESYM(ENODATA); __RTDM_ESYM(EBADMSG); __RTDM_ESYM(EILSEQ);
	__RTDM_ESYM(EPROTONOSUPPORT); __RTDM_ESYM(EISCONN);
	__RTDM_ESYM(EHOSTUNREACH); __RTDM_ESYM(ENETDOWN);
#undef __RTDM_ESYM
	default:
		snprintf(unknown, sizeof(unknown), "%d?", errnum);
		return unknown;
	}
}

/*
 * get_mem_size("64k") is 65536: a number (strtol base 0) with an
 * optional k, m or g suffix (any case); 0 for anything else.
 */
static inline size_t get_mem_size(const char *arg)
{
	unsigned long long v;
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 0);
	if (errno || end == arg || n < 0)
		return 0;
	v = (unsigned long long)n;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		return v;
	case 'k':
		v <<= 10;
		break;
	case 'm':
		v <<= 20;
		break;
	case 'g':
		v <<= 30;
		break;
	default:
		return 0;
	}
	return end[1] ? 0 : (size_t)v;
}

#ifdef CPU_SETSIZE	/* cpu_set_t: _GNU_SOURCE, as rtdm-config --cflags */
/*
 * Reads a sysfs CPU list ("0-3", "0,2-3\n", "\n" for none) into @set:
 * 0, -errno if the file cannot be opened, -EINVAL (and @set empty) if it
 * holds no list.
 */
static inline int __rtdm_read_cpu_list(const char *path, cpu_set_t *set)
{
	char buf[1024], *p, *end;
	long lo, hi;
	FILE *f;

	CPU_ZERO(set);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p)
		return -EINVAL;
	while (*p && *p != '\n') {
		lo = strtol(p, &end, 10);
		if (end == p || lo < 0)
			goto bad;
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p || hi < lo)
				goto bad;
		}
		for (; lo <= hi && lo < CPU_SETSIZE; lo++)
			CPU_SET(lo, set);
		p = end;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			goto bad;
	}
	return 0;
bad:
	CPU_ZERO(set);
	return -EINVAL;
}

/* The online CPUs: 0 or a negative error code. */
static inline int get_online_cpu_set(cpu_set_t *cpuset)
{
	return __rtdm_read_cpu_list("/sys/devices/system/cpu/online", cpuset);
}

/*
 * The CPUs real-time work runs on: on an EVL kernel, EVL's out-of-band
 * CPUs (its evl.oobcpus= boot option); elsewhere every online CPU, as
 * Xenomai's Mercury build says. 0 or a negative error code.
 */
static inline int get_realtime_cpu_set(cpu_set_t *cpuset)
{
	int ret;

	ret = __rtdm_read_cpu_list("/sys/devices/virtual/evl/control/cpus",
				   cpuset);
	if (ret != -ENOENT)
		return ret;
	return get_online_cpu_set(cpuset);
}

/* The CPU the caller runs on, or a negative error code. */
static inline int get_current_cpu(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? -errno : cpu;
}
#endif

#endif /* _RTDM_BOILERPLATE_ANCILLARIES_H */
