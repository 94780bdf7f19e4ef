// SPDX-License-Identifier: GPL-2.0
/*
 * rtipc-test: guest test program of the RTIPC sockets (tests/test_ipc.py).
 *
 *   rtipc-test stress xddp|iddp|bufp [COUNT]   integrity over COUNT messages
 *   rtipc-test label                          labels, registry, connect
 *   rtipc-test timeout                        SO_RCVTIMEO, MSG_DONTWAIT
 *   rtipc-test pool                           pool/buffer exhaustion
 *   rtipc-test badinput                       errno of bad calls
 *   rtipc-test teardown [CYCLES]              close cases, open/close cycles
 *   rtipc-test poll                           poll() readiness
 *
 * Each prints one JSON object on stdout. Real-time sides run in SCHED_FIFO
 * threads, Linux sides in regular threads. Written against the Xenomai 3
 * POSIX interface (socket(AF_RTIPC, ...), bind, sendto...), linked with
 * the librtdm POSIX wrappers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <signal.h>
#include <rtdm/uapi/ipc.h>

#define MAXMSG		4096
#define HDR		12	/* seq, len, checksum */

static int failures;

/* An unmapped user address the compiler cannot see through. */
static void *bad_ptr(void)
{
	volatile uintptr_t p = 8;

	return (void *)p;
}

static void die(const char *what)
{
	printf("{\"error\": \"%s: %s\"}\n", what, strerror(errno));
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static uint32_t rnd(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static uint32_t checksum(const unsigned char *p, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* A message: header (seq, total length, checksum of payload) + payload. */
static size_t make_msg(unsigned char *buf, uint32_t seq, uint32_t *rs,
		       size_t maxlen)
{
	size_t len = HDR + rnd(rs) % (maxlen - HDR + 1), i;
	uint32_t v[3];

	for (i = HDR; i < len; i++)
		buf[i] = rnd(rs);
	v[0] = seq;
	v[1] = len;
	v[2] = checksum(buf + HDR, len - HDR);
	memcpy(buf, v, sizeof(v));
	return len;
}

/* 0 if @buf holds message @seq intact. */
static int check_msg(const unsigned char *buf, size_t len, uint32_t seq)
{
	uint32_t v[3];

	if (len < HDR)
		return -1;
	memcpy(v, buf, sizeof(v));
	if (v[0] != seq || v[1] != len)
		return -1;
	return v[2] == checksum(buf + HDR, len - HDR) ? 0 : -1;
}

static const char *ename(int e)
{
	static char buf[16];

	switch (e) {
	case 0: return "OK";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EPIPE: return "EPIPE";
	case ENOBUFS: return "ENOBUFS";
	case EMSGSIZE: return "EMSGSIZE";
	case EADDRINUSE: return "EADDRINUSE";
	case EALREADY: return "EALREADY";
	case ECONNRESET: return "ECONNRESET";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case ENOTCONN: return "ENOTCONN";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EPERM: return "EPERM";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case ENOTTY: return "ENOTTY";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* ------------------------------------------------------------------ */
/* helpers                                                            */

static int rt_socket(int proto)
{
	int s = socket(AF_RTIPC, SOCK_DGRAM, proto);

	if (s < 0)
		die("socket");
	return s;
}

static int do_bind(int s, int port)
{
	struct sockaddr_ipc sa = { .sipc_family = AF_RTIPC, .sipc_port = port };

	return bind(s, (struct sockaddr *)&sa, sizeof(sa));
}

static int do_connect(int s, int port)
{
	struct sockaddr_ipc sa = { .sipc_family = AF_RTIPC, .sipc_port = port };

	return connect(s, (struct sockaddr *)&sa, sizeof(sa));
}

static int set_size(int s, int level, int opt, size_t size)
{
	return setsockopt(s, level, opt, &size, sizeof(size));
}

static int set_label(int s, int level, int opt, const char *label)
{
	struct rtipc_port_label pl;

	memset(&pl, 0, sizeof(pl));
	strncpy(pl.label, label, sizeof(pl.label) - 1);
	return setsockopt(s, level, opt, &pl, sizeof(pl));
}

static int set_timeo(int s, int opt, long usec)
{
	struct timeval tv = { usec / 1000000, usec % 1000000 };

	return setsockopt(s, SOL_SOCKET, opt, &tv, sizeof(tv));
}

static int sock_port(int s)
{
	struct sockaddr_ipc sa;
	socklen_t len = sizeof(sa);

	if (getsockname(s, (struct sockaddr *)&sa, &len))
		return -100;
	return sa.sipc_port;
}

static ssize_t send_to(int s, const void *buf, size_t len, int flags,
		       int port)
{
	struct sockaddr_ipc sa = { .sipc_family = AF_RTIPC, .sipc_port = port };

	return sendto(s, buf, len, flags, (struct sockaddr *)&sa, sizeof(sa));
}

/* Run @fn in a SCHED_FIFO thread (prio) or a regular one (prio 0). */
static pthread_t start(void *(*fn)(void *), void *arg, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t attr;
	pthread_t t;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, prio ? SCHED_FIFO : SCHED_OTHER);
	pthread_attr_setschedparam(&attr, &sp);
	ret = pthread_create(&t, &attr, fn, arg);
	if (ret) {
		errno = ret;
		die("pthread_create");
	}
	pthread_attr_destroy(&attr);
	return t;
}

static long join(pthread_t t)
{
	void *ret;

	pthread_join(t, &ret);
	return (long)ret;
}

/* Run @fn in a real-time thread and wait for it. */
static long run_rt(void *(*fn)(void *), void *arg)
{
	return join(start(fn, arg, 50));
}

/* ------------------------------------------------------------------ */
/* stress                                                             */

struct stress {
	int proto;
	int count;
	int port;
	int s;			/* RT socket (receiver or XDDP endpoint) */
	int fd;			/* /dev/rtpN */
	long bad;
	long bytes;
	long retries;
};

static void *stress_rt_send(void *arg)
{
	struct stress *st = arg;
	unsigned char buf[MAXMSG];
	uint32_t rs = 12345;
	int i, s = st->s;
	ssize_t ret;
	size_t len;

	if (st->proto != IPCPROTO_XDDP) {
		s = rt_socket(st->proto);
		if (do_connect(s, st->port))
			die("connect");
	}
	for (i = 0; i < st->count; i++) {
		len = make_msg(buf, i, &rs, st->proto == IPCPROTO_XDDP ?
			       2048 : MAXMSG);
		for (;;) {
			ret = sendto(s, buf, len, 0, NULL, 0);
			if (ret >= 0 || errno != ENOMEM)
				break;
			/* XDDP never blocks: the pool is full, retry. */
			st->retries++;
			sleep_ms(1);
		}
		if (ret != (ssize_t)len) {
			fprintf(stderr, "send %d: %zd %s\n", i, ret,
				strerror(errno));
			return (void *)1L;
		}
	}
	if (s != st->s)
		close(s);
	return NULL;
}

static void *stress_rt_recv(void *arg)
{
	struct stress *st = arg;
	unsigned char buf[MAXMSG + 64];
	uint32_t hdr[3];
	size_t got, want;
	ssize_t ret;
	int i;

	for (i = 0; i < st->count; i++) {
		if (st->proto == IPCPROTO_BUFP) {
			/* A byte stream: header, then the rest. */
			for (got = 0, want = HDR; got < want; got += ret) {
				ret = recv(st->s, buf + got, want - got, 0);
				if (ret <= 0)
					return (void *)1L;
				if (got + ret >= HDR && want == HDR) {
					memcpy(hdr, buf, sizeof(hdr));
					want = hdr[1] <= MAXMSG ? hdr[1] : HDR;
				}
			}
			ret = got;
		} else {
			ret = recv(st->s, buf, sizeof(buf), 0);
		}
		if (ret < 0) {
			fprintf(stderr, "recv %d: %s\n", i, strerror(errno));
			return (void *)1L;
		}
		if (check_msg(buf, ret, i))
			st->bad++;
		st->bytes += ret;
	}
	return NULL;
}

/* Linux side of XDDP: read what the RT side sends. */
static void *stress_nrt_read(void *arg)
{
	struct stress *st = arg;
	unsigned char buf[MAXMSG];
	ssize_t ret;
	int i;

	for (i = 0; i < st->count; i++) {
		ret = read(st->fd, buf, sizeof(buf));
		if (ret < 0) {
			fprintf(stderr, "read %d: %s\n", i, strerror(errno));
			return (void *)1L;
		}
		if (check_msg(buf, ret, i))
			st->bad++;
		st->bytes += ret;
	}
	return NULL;
}

/* Linux side of XDDP: write to the RT side (blocks on pool room). */
static void *stress_nrt_write(void *arg)
{
	struct stress *st = arg;
	unsigned char buf[MAXMSG];
	uint32_t rs = 54321;
	ssize_t ret;
	size_t len;
	int i;

	for (i = 0; i < st->count; i++) {
		len = make_msg(buf, i, &rs, 2048);
		ret = write(st->fd, buf, len);
		if (ret != (ssize_t)len) {
			fprintf(stderr, "write %d: %s\n", i, strerror(errno));
			return (void *)1L;
		}
	}
	return NULL;
}

static int cmd_stress(const char *proto, int count)
{
	struct stress tx = { .count = count }, rx = { .count = count };
	uint64_t t0 = now_ns();
	char dev[32];
	long err = 0;
	pthread_t t[4];

	if (!strcmp(proto, "xddp")) {
		/* Both directions at once, on one socket and one device. */
		tx.proto = rx.proto = IPCPROTO_XDDP;
		tx.s = rt_socket(IPCPROTO_XDDP);
		if (set_size(tx.s, SOL_XDDP, XDDP_POOLSZ, 65536) ||
		    do_bind(tx.s, 5))
			die("xddp bind");
		snprintf(dev, sizeof(dev), "/dev/rtp%d", 5);
		tx.fd = open(dev, O_RDWR);
		if (tx.fd < 0)
			die("open rtp");
		rx.s = tx.s;
		rx.fd = tx.fd;
		t[0] = start(stress_rt_send, &tx, 60);
		t[1] = start(stress_nrt_read, &tx, 0);
		t[2] = start(stress_nrt_write, &rx, 0);
		t[3] = start(stress_rt_recv, &rx, 60);
		err = join(t[0]) | join(t[1]) | join(t[2]) | join(t[3]);
		close(tx.fd);
		close(tx.s);
		printf("{\"proto\": \"xddp\", \"count\": %d, \"rt_to_nrt_bad\": %ld, "
		       "\"nrt_to_rt_bad\": %ld, \"bytes\": %ld, \"enomem_retries\": %ld, "
		       "\"errors\": %ld, \"seconds\": %.3f}\n", count, tx.bad, rx.bad,
		       tx.bytes + rx.bytes, tx.retries, err,
		       (now_ns() - t0) / 1e9);
		return 0;
	}

	rx.proto = tx.proto = !strcmp(proto, "iddp") ? IPCPROTO_IDDP :
		IPCPROTO_BUFP;
	rx.s = rt_socket(rx.proto);
	if (rx.proto == IPCPROTO_IDDP) {
		if (set_size(rx.s, SOL_IDDP, IDDP_POOLSZ, 65536))
			die("poolsz");
	} else if (set_size(rx.s, SOL_BUFP, BUFP_BUFSZ, 16384)) {
		die("bufsz");
	}
	if (do_bind(rx.s, 7))
		die("bind");
	tx.port = 7;
	t[0] = start(stress_rt_recv, &rx, 61);
	t[1] = start(stress_rt_send, &tx, 60);
	err = join(t[1]) | join(t[0]);
	close(rx.s);
	printf("{\"proto\": \"%s\", \"count\": %d, \"bad\": %ld, \"bytes\": %ld, "
	       "\"errors\": %ld, \"seconds\": %.3f}\n", proto, count, rx.bad,
	       rx.bytes, err, (now_ns() - t0) / 1e9);
	return 0;
}

/* ------------------------------------------------------------------ */
/* labels                                                             */

static void *label_connect_rt(void *arg)
{
	int *v = arg;	/* in: proto; out: peer port, errno */
	struct sockaddr_ipc sa;
	socklen_t len = sizeof(sa);
	int s, level, opt;

	s = rt_socket(v[0]);
	level = v[0] == IPCPROTO_XDDP ? SOL_XDDP :
		v[0] == IPCPROTO_IDDP ? SOL_IDDP : SOL_BUFP;
	opt = v[0] == IPCPROTO_BUFP ? BUFP_LABEL : 1;
	set_timeo(s, SO_RCVTIMEO, 2000000);
	set_label(s, level, opt, (char *)&v[4]);
	v[1] = -1;
	v[2] = 0;
	if (do_connect(s, -1)) {
		v[2] = errno;
	} else if (!getpeername(s, (struct sockaddr *)&sa, &len)) {
		v[1] = sa.sipc_port;
		/* One datagram/byte string to the labelled socket. */
		if (write(s, "hello", 5) != 5)
			v[2] = errno;
	}
	close(s);
	return NULL;
}

static int cmd_label(void)
{
	static const struct {
		int proto, level, opt;
		const char *name, *label;
	} p[] = {
		{ IPCPROTO_XDDP, SOL_XDDP, XDDP_LABEL, "xddp", "lbl-xddp" },
		{ IPCPROTO_IDDP, SOL_IDDP, IDDP_LABEL, "iddp", "lbl-iddp" },
		{ IPCPROTO_BUFP, SOL_BUFP, BUFP_LABEL, "bufp", "lbl-bufp" },
	};
	char path[96], link[64], buf[64];
	int i, s, s2, port, v[12], fd, dup_err, to_err;
	uint64_t t0;
	ssize_t n;

	printf("{");
	for (i = 0; i < 3; i++) {
		s = rt_socket(p[i].proto);
		if (p[i].proto == IPCPROTO_BUFP)
			set_size(s, SOL_BUFP, BUFP_BUFSZ, 4096);
		if (set_label(s, p[i].level, p[i].opt, p[i].label) ||
		    do_bind(s, -1))
			die("label bind");
		port = sock_port(s);

		/* The registry entry. */
		snprintf(path, sizeof(path), RTIPC_REGISTRY_ROOT "/%s/%s",
			 p[i].name, p[i].label);
		memset(link, 0, sizeof(link));
		if (p[i].proto == IPCPROTO_XDDP) {
			n = readlink(path, link, sizeof(link) - 1);
		} else {
			fd = open(path, O_RDONLY);
			n = fd >= 0 ? read(fd, link, sizeof(link) - 1) : -1;
			if (fd >= 0)
				close(fd);
			if (n > 0 && link[n - 1] == '\n')
				link[n - 1] = '\0';
		}

		/* A second socket may not take the same label. */
		s2 = rt_socket(p[i].proto);
		if (p[i].proto == IPCPROTO_BUFP)
			set_size(s2, SOL_BUFP, BUFP_BUFSZ, 4096);
		set_label(s2, p[i].level, p[i].opt, p[i].label);
		dup_err = do_bind(s2, -1) ? errno : 0;
		close(s2);

		/* Connect by label from a real-time thread. */
		memset(v, 0, sizeof(v));
		v[0] = p[i].proto;
		strcpy((char *)&v[4], p[i].label);
		run_rt(label_connect_rt, v);

		/* What the peer sent reached the labelled port. */
		memset(buf, 0, sizeof(buf));
		if (p[i].proto == IPCPROTO_XDDP) {
			/* To the Linux side, opened through the registry. */
			fd = open(path, O_RDWR | O_NONBLOCK);
			n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -errno;
			if (fd >= 0) {
				/* and back to the socket */
				if (write(fd, "back", 4) == 4) {
					set_timeo(s, SO_RCVTIMEO, 1000000);
					if (recv(s, buf + 10, 20, 0) != 4)
						n = -1;
				}
				close(fd);
			}
		} else {
			set_timeo(s, SO_RCVTIMEO, 1000000);
			n = recv(s, buf, 5, 0);
		}
		printf("%s\"%s\": {\"port\": %d, \"registry\": \"%s\", "
		       "\"dup_label\": \"%s\", \"peer_port\": %d, "
		       "\"connect\": \"%s\", \"received\": \"%.5s\", "
		       "\"echo\": \"%.4s\"}", i ? ", " : "", p[i].name, port,
		       link, ename(dup_err), v[1], ename(v[2]),
		       n > 0 ? buf : "", buf + 10);
		close(s);
		/* The entry goes away with the socket. */
		if (access(path, F_OK) == 0)
			failures++;
	}

	/* Connect to a label nobody binds: SO_RCVTIMEO. */
	s = rt_socket(IPCPROTO_IDDP);
	set_timeo(s, SO_RCVTIMEO, 50000);
	set_label(s, SOL_IDDP, IDDP_LABEL, "nobody-home");
	t0 = now_ns();
	to_err = do_connect(s, -1) ? errno : 0;
	printf(", \"absent\": {\"connect\": \"%s\", \"waited_ms\": %.1f}",
	       ename(to_err), (now_ns() - t0) / 1e6);
	close(s);
	printf(", \"stale_entries\": %d}\n", failures);
	return 0;
}

/* ------------------------------------------------------------------ */
/* timeouts                                                           */

struct tmo {
	int proto;
	int err, err_nb;
	double waited_ms, nb_ms, got_ms;
};

static void *timeout_rt(void *arg)
{
	struct tmo *t = arg;
	struct timeval tv;
	socklen_t len = sizeof(tv);
	char buf[64];
	uint64_t t0;
	int s;

	s = rt_socket(t->proto);
	if (t->proto == IPCPROTO_BUFP)
		set_size(s, SOL_BUFP, BUFP_BUFSZ, 1024);
	if (do_bind(s, -1))
		die("bind");
	set_timeo(s, SO_RCVTIMEO, 20000);
	if (!getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len))
		t->got_ms = tv.tv_sec * 1e3 + tv.tv_usec / 1e3;

	t0 = now_ns();
	t->err = recv(s, buf, 16, 0) < 0 ? errno : 0;
	t->waited_ms = (now_ns() - t0) / 1e6;

	t0 = now_ns();
	t->err_nb = recv(s, buf, 16, MSG_DONTWAIT) < 0 ? errno : 0;
	t->nb_ms = (now_ns() - t0) / 1e6;
	close(s);
	return NULL;
}

static int cmd_timeout(void)
{
	static const char *names[] = { "", "xddp", "iddp", "bufp" };
	struct tmo t;
	int p;

	printf("{");
	for (p = IPCPROTO_XDDP; p <= IPCPROTO_BUFP; p++) {
		memset(&t, 0, sizeof(t));
		t.proto = p;
		run_rt(timeout_rt, &t);
		printf("%s\"%s\": {\"timeout\": \"%s\", \"waited_ms\": %.3f, "
		       "\"dontwait\": \"%s\", \"dontwait_ms\": %.3f, "
		       "\"option_ms\": %.3f}", p > 1 ? ", " : "", names[p],
		       ename(t.err), t.waited_ms, ename(t.err_nb), t.nb_ms,
		       t.got_ms);
	}
	printf("}\n");
	return 0;
}

/* ------------------------------------------------------------------ */
/* pools                                                              */

struct poolres {
	int iddp_sent, iddp_err, iddp_tmo_err, iddp_big_err, iddp_after;
	double iddp_tmo_ms;
	int xddp_sent, xddp_err, xddp_big_err, nrt_written, nrt_err,
	    nrt_big_err;
	int bufp_bytes, bufp_err, bufp_big_err;
};

static void *pool_rt(void *arg)
{
	struct poolres *r = arg;
	char buf[8192], dev[32];
	int rx, tx, s, fd;
	uint64_t t0;

	memset(buf, 'p', sizeof(buf));

	/* IDDP: 4 KiB pool in the receiver, never read. */
	rx = rt_socket(IPCPROTO_IDDP);
	set_size(rx, SOL_IDDP, IDDP_POOLSZ, 4096);
	if (do_bind(rx, 20))
		die("bind");
	tx = rt_socket(IPCPROTO_IDDP);
	while (r->iddp_sent < 10000 &&
	       send_to(tx, buf, 100, MSG_DONTWAIT, 20) == 100)
		r->iddp_sent++;
	r->iddp_err = errno;
	set_timeo(tx, SO_SNDTIMEO, 10000);
	t0 = now_ns();
	r->iddp_tmo_err = send_to(tx, buf, 100, 0, 20) < 0 ? errno : 0;
	r->iddp_tmo_ms = (now_ns() - t0) / 1e6;
	r->iddp_big_err = send_to(tx, buf, 8192, 0, 20) < 0 ? errno : 0;
	/* Reading one makes room for one. */
	recv(rx, buf, sizeof(buf), 0);
	r->iddp_after = send_to(tx, buf, 100, MSG_DONTWAIT, 20) == 100;
	close(tx);
	close(rx);

	/* XDDP: 4 KiB pool, nobody reads the Linux side. */
	s = rt_socket(IPCPROTO_XDDP);
	set_size(s, SOL_XDDP, XDDP_POOLSZ, 4096);
	if (do_bind(s, 21))
		die("bind");
	while (r->xddp_sent < 10000 && sendto(s, buf, 100, 0, NULL, 0) == 100)
		r->xddp_sent++;
	r->xddp_err = errno;
	r->xddp_big_err = sendto(s, buf, 8192, 0, NULL, 0) < 0 ? errno : 0;
	snprintf(dev, sizeof(dev), "/dev/rtp%d", 21);
	fd = open(dev, O_RDWR | O_NONBLOCK);
	if (fd < 0)
		die("open rtp");
	/* Drain, then fill the pool from the Linux side. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	while (r->nrt_written < 10000 && write(fd, buf, 100) == 100)
		r->nrt_written++;
	r->nrt_err = errno;
	r->nrt_big_err = write(fd, buf, 8192) < 0 ? errno : 0;
	close(fd);
	close(s);

	/* BUFP: 1 KiB buffer, never read. */
	rx = rt_socket(IPCPROTO_BUFP);
	set_size(rx, SOL_BUFP, BUFP_BUFSZ, 1024);
	if (do_bind(rx, 22))
		die("bind");
	tx = rt_socket(IPCPROTO_BUFP);
	while (r->bufp_bytes < 100000 &&
	       send_to(tx, buf, 100, MSG_DONTWAIT, 22) == 100)
		r->bufp_bytes += 100;
	r->bufp_err = errno;
	r->bufp_big_err = send_to(tx, buf, 2000, 0, 22) < 0 ? errno : 0;
	close(tx);
	close(rx);
	return NULL;
}

static int cmd_pool(void)
{
	struct poolres r;

	memset(&r, 0, sizeof(r));
	run_rt(pool_rt, &r);
	printf("{\"iddp\": {\"sent\": %d, \"full\": \"%s\", \"sndtimeo\": \"%s\", "
	       "\"sndtimeo_ms\": %.3f, \"oversize\": \"%s\", \"after_recv\": %d}, "
	       "\"xddp\": {\"sent\": %d, \"full\": \"%s\", \"oversize\": \"%s\", "
	       "\"nrt_written\": %d, \"nrt_full\": \"%s\", \"nrt_oversize\": \"%s\"}, "
	       "\"bufp\": {\"bytes\": %d, \"full\": \"%s\", \"oversize\": \"%s\"}}\n",
	       r.iddp_sent, ename(r.iddp_err), ename(r.iddp_tmo_err),
	       r.iddp_tmo_ms, ename(r.iddp_big_err), r.iddp_after,
	       r.xddp_sent, ename(r.xddp_err), ename(r.xddp_big_err),
	       r.nrt_written, ename(r.nrt_err), ename(r.nrt_big_err),
	       r.bufp_bytes, ename(r.bufp_err), ename(r.bufp_big_err));
	return 0;
}

/* ------------------------------------------------------------------ */
/* bad input                                                          */

static int nchecks;

static void check(const char *name, int ret, int expect)
{
	int got = ret < 0 ? errno : 0;

	printf("%s{\"name\": \"%s\", \"expect\": \"%s\", \"got\": \"%s\"}",
	       nchecks++ ? ", " : "", name, ename(expect), ename(got));
}

static void *badinput_rt(void *arg)
{
	struct sockaddr_ipc sa = { .sipc_family = AF_RTIPC, .sipc_port = 3 };
	struct rtipc_port_label pl;
	struct timeval tv = { 0, 2000000 };
	static char big[4096];
	char buf[256], longlabel[64];
	struct msghdr mh;
	struct iovec iov;
	socklen_t len;
	int s, s2, fd, mon = 0;
	size_t sz = 0;

	(void)arg;
	check("socket bad protocol",
	      socket(AF_RTIPC, SOCK_DGRAM, 7), EPROTONOSUPPORT);
	check("socket negative protocol",
	      socket(AF_RTIPC, SOCK_DGRAM, -1), EPROTONOSUPPORT);

	s = rt_socket(IPCPROTO_IDDP);
	check("bind port 32", do_bind(s, RTIPC_NRPORT), EINVAL);
	check("bind port -2", do_bind(s, -2), EINVAL);
	check("bind addrlen 3", bind(s, (struct sockaddr *)&sa, 3), EINVAL);
	check("bind addrlen 16", bind(s, (struct sockaddr *)&sa, 16), EINVAL);
	sa.sipc_family = AF_INET;
	check("bind wrong family", bind(s, (struct sockaddr *)&sa, sizeof(sa)),
	      EINVAL);
	sa.sipc_family = AF_RTIPC;
	check("bind bad pointer", bind(s, (struct sockaddr *)bad_ptr(), sizeof(sa)),
	      EFAULT);
	check("recv unbound", recv(s, buf, 10, MSG_DONTWAIT), EAGAIN);
	check("send unconnected unbound", send(s, "x", 1, 0), EDESTADDRREQ);
	check("getpeername unconnected",
	      (len = sizeof(sa), getpeername(s, (struct sockaddr *)&sa, &len)),
	      ENOTCONN);
	check("send to unbound port", send_to(s, "x", 1, 0, 31), ECONNRESET);
	check("sendto addrlen 8", sendto(s, "x", 1, 0, (struct sockaddr *)&sa, 8),
	      EINVAL);
	check("sendto port 40", send_to(s, "x", 1, 0, 40), EINVAL);
	check("connect port 99", do_connect(s, 99), EINVAL);
	check("setsockopt unknown level",
	      setsockopt(s, 999, 1, &sz, sizeof(sz)), ENOPROTOOPT);
	check("setsockopt unknown option",
	      setsockopt(s, SOL_IDDP, 99, &sz, sizeof(sz)), EINVAL);
	check("setsockopt unknown SOL_SOCKET option",
	      setsockopt(s, SOL_SOCKET, 12345, &sz, sizeof(sz)), EINVAL);
	check("poolsz zero", set_size(s, SOL_IDDP, IDDP_POOLSZ, 0), EINVAL);
	check("poolsz huge", set_size(s, SOL_IDDP, IDDP_POOLSZ, (size_t)-1),
	      EINVAL);
	check("poolsz short optlen",
	      setsockopt(s, SOL_IDDP, IDDP_POOLSZ, &sz, 2), EINVAL);
	check("poolsz bad pointer",
	      setsockopt(s, SOL_IDDP, IDDP_POOLSZ, bad_ptr(), sizeof(sz)), EFAULT);
	check("label short optlen",
	      setsockopt(s, SOL_IDDP, IDDP_LABEL, &pl, 4), EINVAL);
	memset(longlabel, 'a', sizeof(longlabel));
	check("label not terminated",
	      setsockopt(s, SOL_IDDP, IDDP_LABEL, longlabel, sizeof(pl)),
	      ENAMETOOLONG);
	check("label with slash", set_label(s, SOL_IDDP, IDDP_LABEL, "a/b"),
	      EINVAL);
	check("rcvtimeo bad usec",
	      setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EINVAL);
	check("rcvtimeo short optlen",
	      setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, 3), EINVAL);
	check("listen", listen(s, 1), EOPNOTSUPP);
	check("shutdown", shutdown(s, SHUT_RDWR), ENOTCONN);
	check("ioctl unknown", ioctl(s, 0x1234, 0), EINVAL);

	if (set_size(s, SOL_IDDP, IDDP_POOLSZ, 4096) || do_bind(s, 3))
		die("bind");
	check("bind twice", do_bind(s, 4), EADDRINUSE);
	check("poolsz after bind", set_size(s, SOL_IDDP, IDDP_POOLSZ, 8192),
	      EALREADY);
	s2 = rt_socket(IPCPROTO_IDDP);
	check("bind port in use", do_bind(s2, 3), EADDRINUSE);
	close(s2);
	check("recv bad flags", recv(s, buf, 10, MSG_PEEK), EINVAL);
	check("send bad flags", send(s, "x", 1, MSG_MORE), EINVAL);
	check("oversize datagram", send(s, buf, 8000, 0), EMSGSIZE);
	check("send bad pointer", send(s, bad_ptr(), 100, 0), EFAULT);
	check("send bad iovec",
	      (memset(&mh, 0, sizeof(mh)), mh.msg_iov = bad_ptr(),
	       mh.msg_iovlen = 1, sendmsg(s, &mh, 0)), EFAULT);
	iov.iov_base = buf;
	iov.iov_len = 10;
	mh.msg_iov = &iov;
	mh.msg_name = &sa;
	mh.msg_namelen = 2;
	check("recvmsg short namelen", recvmsg(s, &mh, MSG_DONTWAIT), EINVAL);
	send(s, "data", 4, 0);
	check("recv bad pointer", recv(s, bad_ptr(), 100, 0), EFAULT);
	check("recv after bad pointer", recv(s, buf, 100, 0), 0);
	check("recvfrom bad address",
	      (len = sizeof(sa), send(s, "data", 4, 0),
	       recvfrom(s, buf, 100, 0, (struct sockaddr *)bad_ptr(), &len)), EFAULT);
	check("getsockname bad pointer",
	      (len = sizeof(sa), getsockname(s, (struct sockaddr *)bad_ptr(), &len)),
	      EFAULT);
	check("getsockname short len",
	      (len = 2, getsockname(s, (struct sockaddr *)&sa, &len)), EINVAL);
	close(s);

	s = rt_socket(IPCPROTO_XDDP);
	check("xddp sndtimeo", set_timeo(s, SO_SNDTIMEO, 1000), EINVAL);
	check("xddp monitor from user",
	      setsockopt(s, SOL_XDDP, XDDP_MONITOR, &mon, sizeof(mon)), EPERM);
	check("xddp bufsz above pool",
	      (set_size(s, SOL_XDDP, XDDP_POOLSZ, 4096),
	       set_size(s, SOL_XDDP, XDDP_BUFSZ, 8192)), EINVAL);
	fd = open("/dev/rtp9", O_RDWR | O_NONBLOCK);
	check("rtp open unbound nonblock", fd, EAGAIN);
	if (fd >= 0)
		close(fd);
	if (do_bind(s, 9))
		die("bind");
	check("xddp more|oob", send(s, "x", 1, MSG_MORE | MSG_OOB), EINVAL);
	check("xddp oversize", send(s, buf, 8192, 0), EMSGSIZE);
	fd = open("/dev/rtp9", O_RDWR);
	check("rtp open bound", fd, 0);
	check("rtp open twice", open("/dev/rtp9", O_RDWR), EBUSY);
	check("rtp write bad pointer", write(fd, bad_ptr(), 10), EFAULT);
	check("rtp unknown ioctl", ioctl(fd, 0x4321, 0), EINVAL);
	check("rtp ioctl nrdev", ioctl(fd, XNPIPEIOC_GET_NRDEV, 0) == 32 ? 0 : -1,
	      0);
	send(s, "xy", 2, 0);
	check("rtp read bad pointer", read(fd, bad_ptr(), 10), EFAULT);
	if (write(fd, "toolong-for-buffer", 18) != 18)
		die("write");
	check("xddp recv short buffer", recv(s, buf, 4, 0), ENOBUFS);
	check("xddp message dropped", recv(s, buf, 4, MSG_DONTWAIT), EAGAIN);
	close(fd);
	close(s);

	s = rt_socket(IPCPROTO_BUFP);
	check("bufp bind without bufsz", do_bind(s, 5), ENOBUFS);
	set_size(s, SOL_BUFP, BUFP_BUFSZ, 1024);
	if (do_bind(s, 5))
		die("bind");
	check("bufp read above bufsz", recv(s, big, 2048, 0), EINVAL);
	check("bufp oob", send(s, "x", 1, MSG_OOB), EINVAL);
	close(s);
	return NULL;
}

static int cmd_badinput(void)
{
	printf("{\"checks\": [");
	run_rt(badinput_rt, NULL);
	printf("]}\n");
	return 0;
}

/* ------------------------------------------------------------------ */
/* teardown                                                           */

struct blocked {
	int s, fd;
	int port;
	int err;
	char buf[4096];
};

static void *blocked_recv(void *arg)
{
	struct blocked *b = arg;

	b->err = recv(b->s, b->buf, 16, 0) < 0 ? errno : 0;
	return NULL;
}

static void *blocked_send(void *arg)
{
	struct blocked *b = arg;

	b->err = send_to(b->s, b->buf, 600, 0, b->port) < 0 ? errno : 0;
	return NULL;
}

static void *blocked_read(void *arg)
{
	struct blocked *b = arg;

	b->err = read(b->fd, b->buf, 16) < 0 ? errno : 0;
	return NULL;
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static long meminfo(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key) + 1);
	fclose(f);
	return v;
}

static int cycle(int proto, int port, int i)
{
	char dev[32];
	int s, fd, ret = 0;

	s = socket(AF_RTIPC, SOCK_DGRAM, proto);
	if (s < 0)
		return -1;
	if (proto == IPCPROTO_BUFP)
		set_size(s, SOL_BUFP, BUFP_BUFSZ, 4096);
	if (proto == IPCPROTO_XDDP || proto == IPCPROTO_IDDP)
		set_size(s, proto == IPCPROTO_XDDP ? SOL_XDDP : SOL_IDDP, 2,
			 8192);
	if (i % 2 == 0)
		set_label(s, proto == IPCPROTO_XDDP ? SOL_XDDP :
			  proto == IPCPROTO_IDDP ? SOL_IDDP : SOL_BUFP, 1,
			  "cycle");
	if (do_bind(s, port))
		ret = -1;
	/* Leave some data queued. */
	if (!ret && send(s, "pending", 7, 0) != 7)
		ret = -1;
	if (!ret && proto == IPCPROTO_XDDP && i % 3 == 0) {
		snprintf(dev, sizeof(dev), "/dev/rtp%d", port);
		fd = open(dev, O_RDWR);
		if (fd < 0 || write(fd, "to-rt", 5) != 5)
			ret = -1;
		if (fd >= 0)
			close(fd);
	}
	close(s);
	return ret;
}

static void *teardown_rt(void *arg)
{
	int *res = arg, cycles = res[0], i, p, s, r, peer;
	struct blocked b;
	pthread_t t;
	char dev[32];

	/* Close while our own reader is blocked: it fails with EBADF. */
	for (p = IPCPROTO_XDDP; p <= IPCPROTO_BUFP; p++) {
		memset(&b, 0, sizeof(b));
		b.s = rt_socket(p);
		if (p == IPCPROTO_BUFP)
			set_size(b.s, SOL_BUFP, BUFP_BUFSZ, 1024);
		if (do_bind(b.s, 10))
			die("bind");
		t = start(blocked_recv, &b, 55);
		sleep_ms(50);
		close(b.s);
		join(t);
		res[p] = b.err;
	}

	/* IDDP/BUFP: close the receiver a sender is blocked on. */
	for (p = IPCPROTO_IDDP; p <= IPCPROTO_BUFP; p++) {
		memset(&b, 0, sizeof(b));
		peer = rt_socket(p);
		set_size(peer, p == IPCPROTO_IDDP ? SOL_IDDP : SOL_BUFP, 2, 1024);
		if (do_bind(peer, 11))
			die("bind");
		b.s = rt_socket(p);
		b.port = 11;
		/* Fill the peer, then block. */
		while (send_to(b.s, b.buf, 600, MSG_DONTWAIT, 11) == 600)
			;
		t = start(blocked_send, &b, 55);
		sleep_ms(50);
		close(peer);
		join(t);
		close(b.s);
		res[2 + p] = b.err;
	}

	/* XDDP: the Linux reader blocked on /dev/rtpN sees EPIPE. */
	memset(&b, 0, sizeof(b));
	s = rt_socket(IPCPROTO_XDDP);
	if (do_bind(s, 12))
		die("bind");
	snprintf(dev, sizeof(dev), "/dev/rtp%d", 12);
	b.fd = open(dev, O_RDWR);
	t = start(blocked_read, &b, 0);
	sleep_ms(50);
	close(s);
	join(t);
	res[6] = b.err;
	/* The port stays busy until the Linux side closes. */
	s = rt_socket(IPCPROTO_XDDP);
	res[7] = do_bind(s, 12) ? errno : 0;
	close(b.fd);
	res[8] = do_bind(s, 12) ? errno : 0;
	close(s);

	/*
	 * BUFP: the receiver's owner is killed (SIGKILL pending while its
	 * files are closed) while a sender is blocked on the full buffer and
	 * so uses it: the sender fails with ECONNRESET once it has left, and
	 * the buffer is not freed under it.
	 */
	{
		int ready[2];
		pid_t pid;
		char c;

		memset(&b, 0, sizeof(b));
		if (pipe(ready))
			die("pipe");
		pid = fork();
		if (pid == 0) {
			peer = rt_socket(IPCPROTO_BUFP);
			set_size(peer, SOL_BUFP, BUFP_BUFSZ, 1024);
			if (do_bind(peer, 13))
				_exit(1);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		if (read(ready[0], &c, 1) != 1)
			die("child socket");
		b.s = rt_socket(IPCPROTO_BUFP);
		b.port = 13;
		while (send_to(b.s, b.buf, 600, MSG_DONTWAIT, 13) == 600)
			;
		t = start(blocked_send, &b, 55);
		sleep_ms(50);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		join(t);
		close(b.s);
		close(ready[0]);
		close(ready[1]);
		res[10] = b.err;
	}

	/* Open/close cycles, same ports each time. */
	res[9] = 0;
	for (i = 0; i < cycles; i++)
		for (p = IPCPROTO_XDDP; p <= IPCPROTO_BUFP; p++) {
			r = cycle(p, 15, i);
			if (r)
				res[9]++;
		}
	return NULL;
}

static int cmd_teardown(int cycles)
{
	int res[12] = { cycles }, fds0, fds1;
	long slab0, slab1;

	fds0 = count_lines("/proc/rtdm/fds");
	slab0 = meminfo("Slab:");
	run_rt(teardown_rt, res);
	/* Let deferred frees (RCU) settle before looking again. */
	sleep_ms(200);
	fds1 = count_lines("/proc/rtdm/fds");
	slab1 = meminfo("Slab:");
	printf("{\"close_blocked_reader\": {\"xddp\": \"%s\", \"iddp\": \"%s\", "
	       "\"bufp\": \"%s\"}, \"close_peer_of_blocked_sender\": "
	       "{\"iddp\": \"%s\", \"bufp\": \"%s\"}, \"rtp_reader\": \"%s\", "
	       "\"rebind_lingering\": \"%s\", \"rebind_after_nrt_close\": \"%s\", "
	       "\"close_on_kill_of_blocked_senders_peer\": \"%s\", "
	       "\"cycles\": %d, \"cycle_failures\": %d, \"fds_before\": %d, "
	       "\"fds_after\": %d, \"slab_kb_before\": %ld, \"slab_kb_after\": %ld}\n",
	       ename(res[1]), ename(res[2]), ename(res[3]), ename(res[4]),
	       ename(res[5]), ename(res[6]), ename(res[7]), ename(res[8]),
	       ename(res[10]), cycles, res[9], fds0, fds1, slab0, slab1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* poll                                                               */

static int cmd_poll(void)
{
	struct pollfd pfd[2];
	int s, s2, fd, r0, r1, r2, r3, r4, r5;
	char buf[16];

	s = rt_socket(IPCPROTO_IDDP);
	if (do_bind(s, 25))
		die("bind");
	pfd[0].fd = s;
	pfd[0].events = POLLIN;
	r0 = poll(pfd, 1, 20);			/* nothing: timeout */
	send(s, "x", 1, 0);
	r1 = poll(pfd, 1, 1000) == 1 && (pfd[0].revents & POLLIN);
	recv(s, buf, sizeof(buf), 0);
	pfd[0].events = POLLOUT;
	r2 = poll(pfd, 1, 0) == 1 && (pfd[0].revents & POLLOUT);
	close(s);

	s2 = rt_socket(IPCPROTO_XDDP);
	if (do_bind(s2, 26))
		die("bind");
	fd = open("/dev/rtp26", O_RDWR);
	if (fd < 0)
		die("open");
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = s2;
	pfd[1].events = POLLIN;
	r3 = poll(pfd, 2, 20);
	send(s2, "y", 1, 0);
	if (write(fd, "z", 1) != 1)
		die("write");
	r4 = poll(pfd, 2, 1000) == 2 && (pfd[0].revents & POLLIN) &&
		(pfd[1].revents & POLLIN);
	close(s2);
	pfd[0].events = POLLIN;
	r5 = poll(pfd, 1, 1000) == 1 && (pfd[0].revents & POLLHUP);
	close(fd);
	printf("{\"idle\": %d, \"iddp_in\": %d, \"iddp_out\": %d, \"xddp_idle\": %d, "
	       "\"xddp_in_both\": %d, \"rtp_hup\": %d}\n", r0, r1, r2, r3, r4, r5);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "stress") && argc >= 3)
		return cmd_stress(argv[2], argc > 3 ? atoi(argv[3]) : 10000);
	if (!strcmp(argv[1], "label"))
		return cmd_label();
	if (!strcmp(argv[1], "timeout"))
		return cmd_timeout();
	if (!strcmp(argv[1], "pool"))
		return cmd_pool();
	if (!strcmp(argv[1], "badinput"))
		return cmd_badinput();
	if (!strcmp(argv[1], "teardown"))
		return cmd_teardown(argc > 2 ? atoi(argv[2]) : 1000);
	if (!strcmp(argv[1], "poll"))
		return cmd_poll();
usage:
	fprintf(stderr, "usage: rtipc-test stress|label|timeout|pool|badinput|teardown|poll\n");
	return 1;
}
