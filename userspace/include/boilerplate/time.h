/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <boilerplate/time.h>: the timespec helpers of Xenomai 3's boilerplate
 * that its test programs use, header-only.
 */
#ifndef _RTDM_BOILERPLATE_TIME_H
#define _RTDM_BOILERPLATE_TIME_H

#include <time.h>

typedef unsigned long long ticks_t;
typedef long long sticks_t;

/* t as nanoseconds. */
static inline sticks_t timespec_scalar(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* r = t1 - t2 */
static inline void timespec_sub(struct timespec *r, const struct timespec *t1,
				const struct timespec *t2)
{
	r->tv_sec = t1->tv_sec - t2->tv_sec;
	r->tv_nsec = t1->tv_nsec - t2->tv_nsec;
	if (r->tv_nsec < 0) {
		r->tv_sec--;
		r->tv_nsec += 1000000000;
	}
}

/* r = t1 + t2 */
static inline void timespec_add(struct timespec *r, const struct timespec *t1,
				const struct timespec *t2)
{
	r->tv_sec = t1->tv_sec + t2->tv_sec;
	r->tv_nsec = t1->tv_nsec + t2->tv_nsec;
	if (r->tv_nsec >= 1000000000) {
		r->tv_sec++;
		r->tv_nsec -= 1000000000;
	}
}

/* r = t1 + ns (ns >= 0) */
static inline void timespec_adds(struct timespec *r, const struct timespec *t1,
				 sticks_t ns)
{
	r->tv_sec = t1->tv_sec + ns / 1000000000;
	r->tv_nsec = t1->tv_nsec + ns % 1000000000;
	if (r->tv_nsec >= 1000000000) {
		r->tv_sec++;
		r->tv_nsec -= 1000000000;
	}
}

/* r = t1 - ns (ns >= 0) */
static inline void timespec_subs(struct timespec *r, const struct timespec *t1,
				 sticks_t ns)
{
	r->tv_sec = t1->tv_sec - ns / 1000000000;
	r->tv_nsec = t1->tv_nsec - ns % 1000000000;
	if (r->tv_nsec < 0) {
		r->tv_sec--;
		r->tv_nsec += 1000000000;
	}
}

static inline void timespec_sets(struct timespec *r, ticks_t ns)
{
	r->tv_sec = ns / 1000000000;
	r->tv_nsec = ns % 1000000000;
}

static inline int timespec_before(const struct timespec *t1,
				  const struct timespec *t2)
{
	return t1->tv_sec < t2->tv_sec ||
	       (t1->tv_sec == t2->tv_sec && t1->tv_nsec < t2->tv_nsec);
}

static inline int timespec_after(const struct timespec *t1,
				 const struct timespec *t2)
{
	return timespec_before(t2, t1);
}

#endif /* _RTDM_BOILERPLATE_TIME_H */
