/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <boilerplate/ancillaries.h>: the small helpers Xenomai 3's demos and
 * tests take from this header (array sizes, the nanosecond constant,
 * warning(), the program's name), with the system headers it brings.
 * Nothing else of Xenomai's boilerplate library is provided.
 */
#ifndef _RTDM_BOILERPLATE_ANCILLARIES_H
#define _RTDM_BOILERPLATE_ANCILLARIES_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <boilerplate/wrappers.h>

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

#endif /* _RTDM_BOILERPLATE_ANCILLARIES_H */
