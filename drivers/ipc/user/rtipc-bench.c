// SPDX-License-Identifier: GPL-2.0
/*
 * rtipc-bench: round-trip times of RTIPC against their Linux counterparts.
 *
 *   rtipc-bench [-n ROUNDTRIPS] [-j]
 *
 * - IDDP between two SCHED_FIFO threads vs a Unix-domain datagram socket
 *   pair between two SCHED_FIFO threads;
 * - XDDP between a SCHED_FIFO thread and a regular thread on /dev/rtpN vs
 *   a pair of pipes between the same two kinds of threads;
 * each for 16-byte and 4 KiB messages, 10,000 round trips by default.
 * Prints min/avg/max in microseconds side by side (-j: one JSON object).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <rtdm/uapi/ipc.h>

#define BIGMSG	4096

struct stats {
	double min, avg, max;
};

struct bench {
	int kind;		/* 0 IDDP, 1 unix, 2 XDDP, 3 pipe */
	size_t size;
	int rounds;
	int a, b;		/* initiator's and echoer's descriptors */
	int a2, b2;		/* pipes: the other direction */
	struct stats st;
	int err;
};

static void die(const char *what)
{
	perror(what);
	exit(EXIT_FAILURE);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static pthread_t start(void *(*fn)(void *), void *arg, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, prio ? SCHED_FIFO : SCHED_OTHER);
	pthread_attr_setschedparam(&attr, &sp);
	errno = pthread_create(&t, &attr, fn, arg);
	if (errno)
		die("pthread_create");
	pthread_attr_destroy(&attr);
	return t;
}

/* The echoing side: read one message, send it back; rounds times. */
static void *echoer(void *arg)
{
	struct bench *b = arg;
	char buf[BIGMSG];
	ssize_t n;
	int i, out = b->kind == 3 ? b->b2 : b->b;

	for (i = 0; i < b->rounds; i++) {
		n = read(b->b, buf, sizeof(buf));
		if (n <= 0 || write(out, buf, n) != n) {
			b->err = errno ?: EIO;
			break;
		}
	}
	return NULL;
}

static void *initiator(void *arg)
{
	struct bench *b = arg;
	uint64_t t0, dt, sum = 0, min = UINT64_MAX, max = 0;
	int i, in = b->kind == 3 ? b->a2 : b->a;
	char buf[BIGMSG];
	size_t got;
	ssize_t n;

	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < b->rounds; i++) {
		t0 = now_ns();
		if (write(b->a, buf, b->size) != (ssize_t)b->size) {
			b->err = errno;
			return NULL;
		}
		for (got = 0; got < b->size; got += n) {
			n = read(in, buf + got, sizeof(buf) - got);
			if (n <= 0) {
				b->err = errno ?: EIO;
				return NULL;
			}
		}
		dt = now_ns() - t0;
		sum += dt;
		if (dt < min)
			min = dt;
		if (dt > max)
			max = dt;
	}
	b->st.min = min / 1e3;
	b->st.avg = sum / 1e3 / b->rounds;
	b->st.max = max / 1e3;
	return NULL;
}

static void setup(struct bench *b)
{
	struct sockaddr_ipc sa = { .sipc_family = AF_RTIPC };
	int sv[2], p1[2], p2[2];
	size_t poolsz = 65536;

	switch (b->kind) {
	case 0:		/* IDDP: a on port 30, b on port 31, connected */
		b->a = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_IDDP);
		b->b = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_IDDP);
		if (b->a < 0 || b->b < 0)
			die("socket");
		setsockopt(b->a, SOL_IDDP, IDDP_POOLSZ, &poolsz, sizeof(poolsz));
		setsockopt(b->b, SOL_IDDP, IDDP_POOLSZ, &poolsz, sizeof(poolsz));
		sa.sipc_port = 30;
		if (bind(b->a, (struct sockaddr *)&sa, sizeof(sa)) ||
		    connect(b->b, (struct sockaddr *)&sa, sizeof(sa)))
			die("iddp bind");
		sa.sipc_port = 31;
		if (bind(b->b, (struct sockaddr *)&sa, sizeof(sa)) ||
		    connect(b->a, (struct sockaddr *)&sa, sizeof(sa)))
			die("iddp bind");
		break;
	case 1:
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			die("socketpair");
		b->a = sv[0];
		b->b = sv[1];
		break;
	case 2:		/* XDDP: the socket on port 30, Linux on /dev/rtp30 */
		b->a = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_XDDP);
		if (b->a < 0)
			die("socket");
		setsockopt(b->a, SOL_XDDP, XDDP_POOLSZ, &poolsz, sizeof(poolsz));
		sa.sipc_port = 30;
		if (bind(b->a, (struct sockaddr *)&sa, sizeof(sa)))
			die("xddp bind");
		b->b = open("/dev/rtp30", O_RDWR);
		if (b->b < 0)
			die("open /dev/rtp30");
		break;
	case 3:
		if (pipe(p1) || pipe(p2))
			die("pipe");
		b->a = p1[1];	/* initiator writes here */
		b->b = p1[0];	/* echoer reads here */
		b->b2 = p2[1];	/* echoer writes back */
		b->a2 = p2[0];	/* initiator reads back */
		break;
	}
}

static void teardown(struct bench *b)
{
	close(b->a);
	close(b->b);
	if (b->kind == 3) {
		close(b->a2);
		close(b->b2);
	}
}

static void run(struct bench *b)
{
	/* The Linux side of XDDP and pipes is a regular thread. */
	int echo_prio = b->kind >= 2 ? 0 : 80;
	pthread_t te, ti;

	setup(b);
	te = start(echoer, b, echo_prio);
	ti = start(initiator, b, 81);
	pthread_join(ti, NULL);
	if (b->err)
		pthread_cancel(te);
	else
		pthread_join(te, NULL);
	teardown(b);
}

int main(int argc, char **argv)
{
	static const char *names[] = { "iddp", "unix-dgram", "xddp", "pipe" };
	static const size_t sizes[] = { 16, BIGMSG };
	struct bench b[2][4];
	int rounds = 10000, json = 0, opt, s, k;

	while ((opt = getopt(argc, argv, "n:j")) != -1) {
		if (opt == 'n')
			rounds = atoi(optarg);
		else if (opt == 'j')
			json = 1;
		else {
			fprintf(stderr, "usage: rtipc-bench [-n roundtrips] [-j]\n");
			return 1;
		}
	}
	mlockall(MCL_CURRENT | MCL_FUTURE);

	for (s = 0; s < 2; s++)
		for (k = 0; k < 4; k++) {
			memset(&b[s][k], 0, sizeof(b[s][k]));
			b[s][k].kind = k;
			b[s][k].size = sizes[s];
			b[s][k].rounds = rounds;
			run(&b[s][k]);
			if (b[s][k].err) {
				errno = b[s][k].err;
				die(names[k]);
			}
		}

	if (json) {
		printf("{\"roundtrips\": %d", rounds);
		for (s = 0; s < 2; s++)
			for (k = 0; k < 4; k++)
				printf(", \"%s-%zu\": {\"min_us\": %.2f, \"avg_us\": %.2f, "
				       "\"max_us\": %.2f}", names[k], sizes[s],
				       b[s][k].st.min, b[s][k].st.avg, b[s][k].st.max);
		printf("}\n");
		return 0;
	}

	printf("round trip, %d per case, microseconds (min / avg / max)\n", rounds);
	printf("%-6s  %-28s  %-28s\n", "size", "IDDP (RT <-> RT)",
	       "unix dgram (RT <-> RT)");
	for (s = 0; s < 2; s++)
		printf("%-6zu  %8.1f %8.1f %9.1f    %8.1f %8.1f %9.1f\n", sizes[s],
		       b[s][0].st.min, b[s][0].st.avg, b[s][0].st.max,
		       b[s][1].st.min, b[s][1].st.avg, b[s][1].st.max);
	printf("%-6s  %-28s  %-28s\n", "size", "XDDP (RT <-> Linux)",
	       "pipe (RT <-> Linux)");
	for (s = 0; s < 2; s++)
		printf("%-6zu  %8.1f %8.1f %9.1f    %8.1f %8.1f %9.1f\n", sizes[s],
		       b[s][2].st.min, b[s][2].st.avg, b[s][2].st.max,
		       b[s][3].st.min, b[s][3].st.avg, b[s][3].st.max);
	return 0;
}
