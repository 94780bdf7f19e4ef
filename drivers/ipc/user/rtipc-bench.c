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
 * - BUFP (byte stream) between two SCHED_FIFO threads vs a Unix-domain
 *   stream socket pair between two SCHED_FIFO threads;
 * each for 16-byte and 4 KiB messages, 10,000 round trips by default.
 * Prints min/avg/max in microseconds side by side (-j: one JSON object
 * that adds the 99th and 99.9th percentiles and the histogram of every
 * case, 1 us cells: "hist": [[us, count], ...], non-empty cells only).
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
	double min, avg, max, p99, p999;
};

enum { IDDP, UNIX_DGRAM, XDDP, PIPE, BUFP, UNIX_STREAM, KINDS };

struct bench {
	int kind;		/* IDDP .. UNIX_STREAM */
	size_t size;
	int rounds;
	int a, b;		/* initiator's and echoer's descriptors */
	int a2, b2;		/* pipes: the other direction */
	struct stats st;
	uint32_t *ns;		/* every round trip, nanoseconds */
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
	int i, out = b->kind == PIPE ? b->b2 : b->b;

	for (i = 0; i < b->rounds; i++) {
		size_t got = 0;

		/* streams (pipes, BUFP, unix) may split a message */
		do {
			n = read(b->b, buf + got, b->size - got);
			if (n <= 0)
				break;
			got += n;
		} while (got < b->size);
		if (n <= 0 || write(out, buf, got) != (ssize_t)got) {
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
	int i, in = b->kind == PIPE ? b->a2 : b->a;
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
			n = read(in, buf + got, b->size - got);
			if (n <= 0) {
				b->err = errno ?: EIO;
				return NULL;
			}
		}
		dt = now_ns() - t0;
		b->ns[i] = dt > UINT32_MAX ? UINT32_MAX : dt;
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

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0 < q < 1) of the sorted samples, in microseconds. */
static double quantile(const uint32_t *v, int n, double q)
{
	int i = (int)(q * n + 0.999999) - 1;

	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return v[i] / 1e3;
}

static void percentiles(struct bench *b)
{
	qsort(b->ns, b->rounds, sizeof(*b->ns), cmp_u32);
	b->st.p99 = quantile(b->ns, b->rounds, 0.99);
	b->st.p999 = quantile(b->ns, b->rounds, 0.999);
}

/* The histogram of the sorted samples: [[us, count], ...] */
static void print_hist(const struct bench *b)
{
	uint32_t cell, count = 0;
	int i, first = 1;

	for (i = 0; i < b->rounds; i++) {
		cell = b->ns[i] / 1000;
		count++;
		if (i + 1 < b->rounds && b->ns[i + 1] / 1000 == cell)
			continue;
		printf("%s[%u, %u]", first ? "" : ", ", cell, count);
		first = 0;
		count = 0;
	}
}

static void setup(struct bench *b)
{
	struct sockaddr_ipc sa = { .sipc_family = AF_RTIPC };
	int sv[2], p1[2], p2[2];
	size_t poolsz = 65536;

	switch (b->kind) {
	case IDDP:	/* IDDP: a on port 30, b on port 31, connected */
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
	case UNIX_DGRAM:
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			die("socketpair");
		b->a = sv[0];
		b->b = sv[1];
		break;
	case XDDP:	/* XDDP: the socket on port 30, Linux on /dev/rtp30 */
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
	case BUFP:	/* a on port 32, b on port 33, each connected to the other */
		b->a = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_BUFP);
		b->b = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_BUFP);
		if (b->a < 0 || b->b < 0)
			die("socket");
		if (setsockopt(b->a, SOL_BUFP, BUFP_BUFSZ, &poolsz, sizeof(poolsz)) ||
		    setsockopt(b->b, SOL_BUFP, BUFP_BUFSZ, &poolsz, sizeof(poolsz)))
			die("bufp bufsz");
		sa.sipc_port = 20;
		if (bind(b->a, (struct sockaddr *)&sa, sizeof(sa)))
			die("bufp bind");
		sa.sipc_port = 21;
		if (bind(b->b, (struct sockaddr *)&sa, sizeof(sa)) ||
		    connect(b->a, (struct sockaddr *)&sa, sizeof(sa)))
			die("bufp bind");
		sa.sipc_port = 20;
		if (connect(b->b, (struct sockaddr *)&sa, sizeof(sa)))
			die("bufp connect");
		break;
	case UNIX_STREAM:
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			die("socketpair");
		b->a = sv[0];
		b->b = sv[1];
		break;
	case PIPE:
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
	if (b->kind == PIPE) {
		close(b->a2);
		close(b->b2);
	}
}

static void run(struct bench *b)
{
	/* The Linux side of XDDP and pipes is a regular thread. */
	int echo_prio = b->kind == XDDP || b->kind == PIPE ? 0 : 80;
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
	if (!b->err)
		percentiles(b);
}

int main(int argc, char **argv)
{
	static const char *names[] = { "iddp", "unix-dgram", "xddp", "pipe",
				       "bufp", "unix-stream" };
	static const size_t sizes[] = { 16, BIGMSG };
	struct bench b[2][KINDS];
	int rounds = 10000, json = 0, opt, s, k;

	while ((opt = getopt(argc, argv, "n:j")) != -1) {
		if (opt == 'n' && atoi(optarg) > 0)
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
		for (k = 0; k < KINDS; k++) {
			memset(&b[s][k], 0, sizeof(b[s][k]));
			b[s][k].kind = k;
			b[s][k].size = sizes[s];
			b[s][k].rounds = rounds;
			b[s][k].ns = calloc(rounds, sizeof(uint32_t));
			if (!b[s][k].ns)
				die("calloc");
			run(&b[s][k]);
			if (b[s][k].err) {
				errno = b[s][k].err;
				die(names[k]);
			}
		}

	if (json) {
		printf("{\"roundtrips\": %d", rounds);
		for (s = 0; s < 2; s++)
			for (k = 0; k < KINDS; k++) {
				printf(", \"%s-%zu\": {\"min_us\": %.2f, \"avg_us\": %.2f, "
				       "\"max_us\": %.2f, \"p99_us\": %.2f, "
				       "\"p999_us\": %.2f, \"hist\": [", names[k], sizes[s],
				       b[s][k].st.min, b[s][k].st.avg, b[s][k].st.max,
				       b[s][k].st.p99, b[s][k].st.p999);
				print_hist(&b[s][k]);
				printf("]}");
			}
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
	printf("%-6s  %-28s  %-28s\n", "size", "BUFP (RT <-> RT)",
	       "unix stream (RT <-> RT)");
	for (s = 0; s < 2; s++)
		printf("%-6zu  %8.1f %8.1f %9.1f    %8.1f %8.1f %9.1f\n", sizes[s],
		       b[s][4].st.min, b[s][4].st.avg, b[s][4].st.max,
		       b[s][5].st.min, b[s][5].st.avg, b[s][5].st.max);
	return 0;
}
