/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <boilerplate/ancillaries.h>: the small helpers Xenomai 3's demos and
 * tests take from this header (array sizes, the nanosecond constant),
 * with the system headers it brings. Nothing else of Xenomai's
 * boilerplate library is provided.
 */
#ifndef _RTDM_BOILERPLATE_ANCILLARIES_H
#define _RTDM_BOILERPLATE_ANCILLARIES_H

#include <stdarg.h>
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

#endif /* _RTDM_BOILERPLATE_ANCILLARIES_H */
