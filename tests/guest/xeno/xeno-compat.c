// SPDX-License-Identifier: GPL-2.0
/*
 * xeno-compat: a program written the way Xenomai 3 programs are, built
 * with nothing but `rtdm-config --skin=posix --cflags/--ldflags` (see
 * userspace/Makefile), to show that such programs run unchanged.
 *
 * It relies on what a Xenomai 3 program relies on: <rtdm/ipc.h> and
 * <rtdm/testing.h> bringing <rtdm/rtdm.h>, <stdint.h> and ioctl();
 * <boilerplate/ancillaries.h> (ARRAY_SIZE, __STD); -D_GNU_SOURCE from the
 * flags (asprintf, pthread_timedjoin_np); the registry paths
 * /proc/xenomai/registry/rtipc/<proto>/<label>; and pthread_cancel() +
 * pthread_join() acting on threads blocked in RTDM calls.
 *
 *   xeno-compat cancel     a SCHED_FIFO thread blocks in each blocking call
 *                          (read, write, recvmsg, sendmsg, recvfrom, sendto,
 *                          connect by label, a blocking ioctl); the main
 *                          thread cancels and joins it
 *   xeno-compat sigint     an IDDP client/server pair exchanging until
 *                          SIGINT, then cancel + join as Xenomai's demos do
 *   xeno-compat labels     the three protocols found through Xenomai's
 *                          registry paths
 *
 * Each prints one JSON object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <sys/syscall.h>
#include <boilerplate/ancillaries.h>
#include <rtdm/ipc.h>
#include <rtdm/testing.h>

static void fail(const char *what)
{
	perror(what);
	exit(EXIT_FAILURE);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * ONE_BILLION + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
}

static int ipc_socket(int proto)
{
	int s = socket(AF_RTIPC, SOCK_DGRAM, proto);

	if (s < 0)
		fail("socket");
	return s;
}

static struct sockaddr_ipc ipc_addr(int port)
{
	struct sockaddr_ipc sa;

	memset(&sa, 0, sizeof(sa));
	sa.sipc_family = AF_RTIPC;
	sa.sipc_port = port;
	return sa;
}

static void ipc_bind(int s, int port)
{
	struct sockaddr_ipc sa = ipc_addr(port);

	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		fail("bind");
}

static void set_size(int s, int level, int opt, size_t size)
{
	if (setsockopt(s, level, opt, &size, sizeof(size)))
		fail("setsockopt");
}

static void set_label(int s, int level, int opt, const char *label)
{
	struct rtipc_port_label plabel;

	memset(&plabel, 0, sizeof(plabel));
	strncpy(plabel.label, label, sizeof(plabel.label) - 1);
	if (setsockopt(s, level, opt, &plabel, sizeof(plabel)))
		fail("setsockopt label");
}

static pthread_t spawn(void *(*fn)(void *), void *arg, int prio)
{
	struct sched_param param = { .sched_priority = prio };
	pthread_attr_t attr;
	pthread_t tid;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &param);
	errno = pthread_create(&tid, &attr, fn, arg);
	if (errno)
		fail("pthread_create");
	pthread_attr_destroy(&attr);
	return tid;
}

/* ------------------------------------------------------------------ */
/* cancel                                                             */

struct job {
	const char *name;
	int fd;			/* the blocking call's descriptor */
	int others[2];		/* its peers, closed at the end */
	int port;
	int probe;		/* an rtdmtest fd: which handler serves us */
	struct rttst_which which;
	volatile int started, returned, cleaned;
	pid_t tid;
	ssize_t ret;
	int err;
};

static void cleanup(void *arg)
{
	struct job *j = arg;

	j->cleaned = 1;
}

static ssize_t block(struct job *j)
{
	struct sockaddr_ipc sa = ipc_addr(j->port), from;
	socklen_t fromlen = sizeof(from);
	struct iovec iov;
	struct msghdr msg;
	struct rttst_wait w;
	char buf[64] = "x";

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;

	if (!strcmp(j->name, "read"))
		return read(j->fd, buf, sizeof(buf));
	if (!strcmp(j->name, "write"))
		return write(j->fd, buf, 1);
	if (!strcmp(j->name, "recvmsg"))
		return recvmsg(j->fd, &msg, 0);
	if (!strcmp(j->name, "recvfrom"))
		return recvfrom(j->fd, buf, sizeof(buf), 0,
				(struct sockaddr *)&from, &fromlen);
	if (!strcmp(j->name, "sendmsg")) {
		msg.msg_name = &sa;
		msg.msg_namelen = sizeof(sa);
		return sendmsg(j->fd, &msg, 0);
	}
	if (!strcmp(j->name, "sendto"))
		return sendto(j->fd, buf, 1, 0, (struct sockaddr *)&sa,
			      sizeof(sa));
	if (!strcmp(j->name, "connect")) {
		sa.sipc_port = -1;	/* by label: waits for it */
		return connect(j->fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	/* ioctl: RTTST_RTIOC_EVENT_WAIT without timeout */
	memset(&w, 0, sizeof(w));
	return ioctl(j->fd, RTTST_RTIOC_EVENT_WAIT, &w);
}

static void *blocker(void *arg)
{
	struct job *j = arg;
	ssize_t ret;

	j->tid = syscall(SYS_gettid);
	/*
	 * The thread's first RTDM call: which handler serves it, in which
	 * context (on EVL this call attaches the thread, and its later calls
	 * go out-of-band).
	 */
	if (ioctl(j->probe, RTTST_RTIOC_WHICH, &j->which))
		fail("RTTST_RTIOC_WHICH");
	pthread_cleanup_push(cleanup, j);
	j->started = 1;
	ret = block(j);
	j->err = errno;
	j->ret = ret;
	j->returned = 1;
	pthread_cleanup_pop(0);

	return NULL;
}

/* The thread's scheduler state ('S' while blocked in the kernel). */
static char task_state(pid_t tid)
{
	char path[64], line[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);

	return p && p[1] ? p[2] : '?';
}

/* A BUFP server with a 1 KiB buffer on @port, filled by @tx (connected). */
static void bufp_full(struct job *j, int port)
{
	char buf[1024];
	int rx = ipc_socket(IPCPROTO_BUFP), tx = ipc_socket(IPCPROTO_BUFP);
	struct sockaddr_ipc sa = ipc_addr(port);

	set_size(rx, SOL_BUFP, BUFP_BUFSZ, sizeof(buf));
	ipc_bind(rx, port);
	if (connect(tx, (struct sockaddr *)&sa, sizeof(sa)))
		fail("connect");
	memset(buf, 'f', sizeof(buf));
	if (send(tx, buf, sizeof(buf), MSG_DONTWAIT) != sizeof(buf))
		fail("bufp fill");
	j->fd = tx;
	j->others[0] = rx;
	j->port = port;
}

static void setup(struct job *j, int port)
{
	j->others[0] = j->others[1] = -1;

	if (!strcmp(j->name, "read")) {
		/* BUFP: read() on an empty buffer */
		j->fd = ipc_socket(IPCPROTO_BUFP);
		set_size(j->fd, SOL_BUFP, BUFP_BUFSZ, 1024);
		ipc_bind(j->fd, port);
	} else if (!strcmp(j->name, "recvmsg") ||
		   !strcmp(j->name, "recvfrom")) {
		/* IDDP: nobody sends */
		j->fd = ipc_socket(IPCPROTO_IDDP);
		ipc_bind(j->fd, port);
	} else if (!strcmp(j->name, "write") ||
		   !strcmp(j->name, "sendmsg") ||
		   !strcmp(j->name, "sendto")) {
		/* BUFP: the peer's buffer is full */
		bufp_full(j, port);
	} else if (!strcmp(j->name, "connect")) {
		j->fd = ipc_socket(IPCPROTO_IDDP);
		set_label(j->fd, SOL_IDDP, IDDP_LABEL, "xeno-nobody");
	} else {
		j->fd = open("/dev/rtdm/rtdmtest0", O_RDWR);
		if (j->fd < 0)
			fail("open /dev/rtdm/rtdmtest0");
	}
}

static int cmd_cancel(void)
{
	static const char *calls[] = {
		"read", "write", "recvmsg", "sendmsg", "recvfrom", "sendto",
		"connect", "ioctl",
	};
	struct timespec deadline;
	unsigned int i;
	uint64_t t0;
	char state;
	void *res;
	int ret, k, probe;

	probe = open("/dev/rtdm/rtdmtest1", O_RDWR);
	if (probe < 0)
		fail("open /dev/rtdm/rtdmtest1");
	printf("{");
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		struct job j;
		pthread_t tid;
		const char *outcome;
		double ms;

		memset(&j, 0, sizeof(j));
		j.name = calls[i];
		j.probe = probe;
		setup(&j, 10 + i);
		tid = spawn(blocker, &j, 50);

		/* let it enter the call and sleep there */
		while (!j.started)
			sleep_ms(1);
		for (k = 0; k < 2000; k++) {
			state = task_state(j.tid);
			if (j.returned || state == 'S' || state == 'D')
				break;
			sleep_ms(1);
		}
		sleep_ms(100);
		state = task_state(j.tid);

		t0 = now_ns();
		pthread_cancel(tid);
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 5;
		ret = pthread_timedjoin_np(tid, &res, &deadline);
		ms = (now_ns() - t0) / 1e6;
		if (ret) {
			/* never acted on the cancel: unblock it to go on */
			close(j.fd);
			pthread_join(tid, &res);
			j.fd = -1;
		}
		if (ret)
			outcome = "hung";
		else if (res == PTHREAD_CANCELED && !j.returned)
			outcome = "cancelled";
		else
			outcome = "returned";

		printf("%s\"%s\": {\"outcome\": \"%s\", \"state\": \"%c\", "
		       "\"cleanup\": %d, \"ms\": %.1f, \"ret\": %zd, "
		       "\"errno\": %d, \"handler\": \"%s\", \"in_rt\": %u}",
		       i ? ", " : "", j.name, outcome, state, j.cleaned, ms,
		       j.ret, j.returned ? j.err : 0,
		       j.which.handler == RTTST_HANDLER_RT ? "rt" : "nrt",
		       j.which.in_rt);
		fflush(stdout);

		if (j.fd >= 0)
			close(j.fd);
		for (k = 0; k < 2; k++)
			if (j.others[k] >= 0)
				close(j.others[k]);
	}
	printf("}\n");
	close(probe);

	return 0;
}

/* ------------------------------------------------------------------ */
/* sigint: the shape of Xenomai's iddp-sendrecv                       */

#define SV_PORT 24
#define CL_PORT 25

static sem_t bound;
static volatile int received, sent;

static void *server(void *arg)
{
	struct sockaddr_ipc claddr;
	socklen_t addrlen;
	char buf[128];
	int s, ret;

	(void)arg;
	s = ipc_socket(IPCPROTO_IDDP);
	set_size(s, SOL_IDDP, IDDP_POOLSZ, 32768);
	ipc_bind(s, SV_PORT);
	sem_post(&bound);
	for (;;) {
		addrlen = sizeof(claddr);
		ret = recvfrom(s, buf, sizeof(buf), 0,
			       (struct sockaddr *)&claddr, &addrlen);
		if (ret < 0)
			fail("recvfrom");
		received++;
	}

	return NULL;
}

static void *client(void *arg)
{
	struct sockaddr_ipc sv = ipc_addr(SV_PORT);
	char *text;
	int s, ret;

	(void)arg;
	s = ipc_socket(IPCPROTO_IDDP);
	ipc_bind(s, CL_PORT);
	for (;;) {
		if (asprintf(&text, "message %d", sent) < 0)
			fail("asprintf");
		ret = sendto(s, text, strlen(text), 0, (struct sockaddr *)&sv,
			     sizeof(sv));
		free(text);
		if (ret < 0)
			fail("sendto");
		sent++;
		sleep_ms(20);
	}

	return NULL;
}

static int cmd_sigint(void)
{
	pthread_t sv, cl;
	sigset_t set;
	uint64_t t0;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sem_init(&bound, 0, 0);

	sv = spawn(server, NULL, 71);
	sem_wait(&bound);
	cl = spawn(client, NULL, 70);

	__STD(sigwait(&set, &sig));
	t0 = now_ns();
	pthread_cancel(sv);
	pthread_cancel(cl);
	pthread_join(sv, NULL);
	pthread_join(cl, NULL);

	printf("{\"signal\": %d, \"sent\": %d, \"received\": %d, "
	       "\"exit_ms\": %.1f}\n", sig, sent, received,
	       (now_ns() - t0) / 1e6);
	return 0;
}

/* ------------------------------------------------------------------ */
/* labels                                                             */

struct xlabel {
	int s;
	char got[64];
};

/* RT side of XDDP: answer what the Linux side sent, once. */
static void *xddp_rt(void *arg)
{
	struct xlabel *x = arg;
	char buf[64];
	ssize_t n;

	n = recvfrom(x->s, buf, sizeof(buf) - 1, 0, NULL, 0);
	if (n < 0)
		fail("xddp recvfrom");
	buf[n] = '\0';
	strcpy(x->got, buf);
	if (sendto(x->s, "pong", 4, 0, NULL, 0) != 4)
		fail("xddp sendto");

	return NULL;
}

static int read_port_file(const char *path)
{
	char line[32];
	FILE *f = fopen(path, "r");
	int port = -2;

	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		port = atoi(line);
	fclose(f);
	return port;
}

static int cmd_labels(void)
{
	static const struct {
		const char *name;
		int proto, level, opt;
	} p[] = {
		{ "iddp", IPCPROTO_IDDP, SOL_IDDP, IDDP_LABEL },
		{ "bufp", IPCPROTO_BUFP, SOL_BUFP, BUFP_LABEL },
	};
	struct sockaddr_ipc sa;
	socklen_t len = sizeof(sa);
	struct xlabel x;
	char *path, buf[64];
	pthread_t rt;
	unsigned int i;
	ssize_t n;
	int fd;

	/* XDDP: the Linux side opens the label's path */
	memset(&x, 0, sizeof(x));
	x.s = ipc_socket(IPCPROTO_XDDP);
	set_label(x.s, SOL_XDDP, XDDP_LABEL, "xeno-xddp");
	ipc_bind(x.s, -1);
	if (getsockname(x.s, (struct sockaddr *)&sa, &len))
		fail("getsockname");
	rt = spawn(xddp_rt, &x, 60);
	if (asprintf(&path, "/proc/xenomai/registry/rtipc/xddp/%s",
		     "xeno-xddp") < 0)
		fail("asprintf");
	fd = open(path, O_RDWR);
	free(path);
	printf("{\"xddp\": {\"port\": %d, \"open\": \"%s\"", sa.sipc_port,
	       fd < 0 ? strerror(errno) : "OK");
	n = -1;
	if (fd >= 0 && write(fd, "ping", 4) == 4)
		n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (fd < 0)
		pthread_cancel(rt);
	pthread_join(rt, NULL);
	printf(", \"rt_got\": \"%s\", \"linux_got\": \"%s\"}", x.got, buf);
	if (fd >= 0)
		close(fd);
	close(x.s);

	/* IDDP, BUFP: the file gives the port; clients connect by label */
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		char label[32];
		int s, c, port;

		snprintf(label, sizeof(label), "xeno-%s", p[i].name);
		s = ipc_socket(p[i].proto);
		set_label(s, p[i].level, p[i].opt, label);
		if (p[i].proto == IPCPROTO_BUFP)
			set_size(s, SOL_BUFP, BUFP_BUFSZ, 4096);
		ipc_bind(s, -1);
		len = sizeof(sa);
		if (getsockname(s, (struct sockaddr *)&sa, &len))
			fail("getsockname");
		if (asprintf(&path, "/proc/xenomai/registry/rtipc/%s/%s",
			     p[i].name, label) < 0)
			fail("asprintf");
		port = read_port_file(path);
		free(path);

		c = ipc_socket(p[i].proto);
		set_label(c, p[i].level, p[i].opt, label);
		sa = ipc_addr(-1);
		buf[0] = '\0';
		if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    send(c, "hello", 5, 0) == 5) {
			/* BUFP reads wait for all the bytes asked for */
			n = recv(s, buf, 5, 0);
			buf[n > 0 ? n : 0] = '\0';
		}
		len = sizeof(sa);
		getsockname(s, (struct sockaddr *)&sa, &len);
		printf(", \"%s\": {\"port\": %d, \"registry_port\": %d, "
		       "\"received\": \"%s\"}", p[i].name, sa.sipc_port, port,
		       buf);
		close(c);
		close(s);
	}
	printf("}\n");

	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "cancel"))
		return cmd_cancel();
	if (argc == 2 && !strcmp(argv[1], "sigint"))
		return cmd_sigint();
	if (argc == 2 && !strcmp(argv[1], "labels"))
		return cmd_labels();
	fprintf(stderr, "usage: xeno-compat cancel|sigint|labels\n");
	return 2;
}
