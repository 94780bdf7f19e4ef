/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bits of the RTIPC demo programs: the messages, error exit,
 * real-time thread creation and the main loop, which runs the threads
 * until SIGINT, SIGTERM or SIGHUP.
 */
#ifndef _RTIPC_DEMO_H
#define _RTIPC_DEMO_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <rtdm/uapi/ipc.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *msg[] = {
	"Surfing With The Alien",
	"Lords of Karma",
	"Banana Mango",
	"Psycho Monkey",
	"Luminous Flesh Giants",
	"Moroccan Sunset",
	"Satch Boogie",
	"Flying In A Blue Dream",
	"Ride",
	"Summer Song",
	"Speed Of Light",
	"Crystal Planet",
	"Raspberry Jam Delta-V",
	"Champagne?",
	"Clouds Race Across The Sky",
	"Engines Of Creation"
};

static inline void fail(const char *reason)
{
	perror(reason);
	exit(EXIT_FAILURE);
}

/* Sleep 500 ms between messages, as the Xenomai demos do. */
static inline void demo_pause(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 500000000 };

	clock_nanosleep(CLOCK_REALTIME, 0, &ts, NULL);
}

/* A thread with SCHED_FIFO at @prio, or SCHED_OTHER with @prio 0. */
static inline pthread_t demo_thread(void *(*fn)(void *), int prio)
{
	struct sched_param param = { .sched_priority = prio };
	pthread_attr_t attr;
	pthread_t tid;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, prio ? SCHED_FIFO : SCHED_OTHER);
	pthread_attr_setschedparam(&attr, &param);
	ret = pthread_create(&tid, &attr, fn, NULL);
	pthread_attr_destroy(&attr);
	if (ret) {
		errno = ret;
		fail("pthread_create");
	}

	return tid;
}

static sigset_t demo_sigset;

/* Call first: the threads inherit the blocked termination signals. */
static inline void demo_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	mlockall(MCL_CURRENT | MCL_FUTURE);
	sigemptyset(&demo_sigset);
	sigaddset(&demo_sigset, SIGINT);
	sigaddset(&demo_sigset, SIGTERM);
	sigaddset(&demo_sigset, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &demo_sigset, NULL);
}

/*
 * Wait for a termination signal. Returning from main() then ends the
 * threads, wherever they are blocked, and closes their descriptors.
 */
static inline int demo_wait(void)
{
	int sig;

	sigwait(&demo_sigset, &sig);

	return 0;
}

#endif /* _RTIPC_DEMO_H */
