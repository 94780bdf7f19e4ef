// SPDX-License-Identifier: GPL-2.0
/*
 * xeno-rtdmtest: what Xenomai 3's RTDM core test (testsuite/smokey/rtdm)
 * checks, written for this project and built like a Xenomai program with
 * nothing but `rtdm-config --skin=posix --cflags/--ldflags`: the rtdm0,
 * rtdm1 and rtdmx devices of rtdmtest.ko (Xenomai's xeno_rtdmtest), the
 * handler that serves each call from a SCHED_OTHER, a SCHED_FIFO and a
 * SCHED_WEAK thread, deferred close, and bad input.
 *
 *   xeno-rtdmtest check   everything, one JSON object
 *   xeno-rtdmtest defer   opens rtdm0, defers its close, closes it (the
 *                         module stays in use for 300 ms)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <rtdm/testing.h>

#define DEV0	"/dev/rtdm/rtdm0"
#define DEV1	"/dev/rtdm/rtdm1"
#define DEVX	"/dev/rtdm/rtdmx"
#define DEVT	"/dev/rtdm/rtdmtest0"

static void fail(const char *what)
{
	perror(what);
	exit(EXIT_FAILURE);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* errno of a call, 0 on success */
#define ERR(call)	((call) < 0 ? errno : 0)

/* Open, or the errno negated. */
static int try_open(const char *path)
{
	int fd = open(path, O_RDWR);

	return fd < 0 ? -errno : fd;
}

static void print_ping(int fd, unsigned long request)
{
	uint32_t magic = 0;
	int err = ERR(ioctl(fd, request, &magic));

	printf("{\"err\": %d, \"magic\": %u}", err, magic);
}

static void print_which(int tfd)
{
	struct rttst_which w, f;
	int ew, ef;

	memset(&w, 0, sizeof(w));
	memset(&f, 0, sizeof(f));
	ew = ERR(ioctl(tfd, RTTST_RTIOC_WHICH, &w));
	ef = ERR(ioctl(tfd, RTTST_RTIOC_FALLBACK, &f));
	printf("\"which\": {\"err\": %d, \"handler\": %u, \"policy\": %u}, "
	       "\"fallback\": {\"err\": %d, \"handler\": %u}",
	       ew, w.handler, w.policy, ef, f.handler);
}

/* read (served rt first or not) and write (nrt only) on rtdmtest0 */
static void print_rw(int tfd)
{
	struct rttst_rw_info info;
	uint64_t out[2] = { 0, 0 };
	ssize_t n;
	int er, ew;

	memset(&info, 0, sizeof(info));
	info.read_timeout_ns = 1000000000LL;
	if (ioctl(tfd, RTTST_RTIOC_RW_CONFIG, &info))
		fail("RTTST_RTIOC_RW_CONFIG");
	if (ioctl(tfd, RTTST_RTIOC_EVENT_SIGNAL))
		fail("RTTST_RTIOC_EVENT_SIGNAL");
	n = read(tfd, out, sizeof(out));
	er = n < 0 ? errno : 0;
	ew = ERR(write(tfd, "weak", 4));
	memset(&info, 0, sizeof(info));
	if (ioctl(tfd, RTTST_RTIOC_RW_INFO, &info))
		fail("RTTST_RTIOC_RW_INFO");
	printf("\"read\": {\"err\": %d, \"len\": %zd, \"handler\": %u}, "
	       "\"write\": {\"err\": %d, \"handler\": %u, \"data\": \"%.*s\"}",
	       er, n, (unsigned int)out[1], ew, info.last_write_handler,
	       (int)info.write_len, (const char *)info.write_data);
}

static void print_sched(void)
{
	struct sched_param p;
	int policy = -1;

	memset(&p, 0, sizeof(p));
	pthread_getschedparam(pthread_self(), &policy, &p);
	printf("\"policy\": %d, \"prio\": %d, \"sched_getscheduler\": %d",
	       policy, p.sched_priority, sched_getscheduler(0));
}

static void print_stage(const char *name, int fd, int tfd, int xfd)
{
	uint32_t cpu = 0xffffffff;
	int err;

	printf("\"%s\": {", name);
	print_sched();
	printf(", \"primary\": ");
	print_ping(fd, RTTST_RTIOC_RTDM_PING_PRIMARY);
	printf(", \"secondary\": ");
	print_ping(fd, RTTST_RTIOC_RTDM_PING_SECONDARY);
	printf(", ");
	print_which(tfd);
	printf(", ");
	print_rw(tfd);
	err = ERR(ioctl(xfd, RTTST_RTIOC_RTDM_ACTOR_GET_CPU, &cpu));
	printf(", \"actor\": {\"err\": %d, \"cpu\": %d}}", err, (int)cpu);
}

struct handover {
	int fd, tfd, xfd;
	pthread_t other;
};

static int set_policy(int policy, int prio)
{
	struct sched_param p = { .sched_priority = prio };

	return pthread_setschedparam(pthread_self(), policy, &p);
}

static void *handover_thread(void *arg)
{
	struct handover *h = arg;
	struct sched_param p;
	int ret;

	print_stage("other", h->fd, h->tfd, h->xfd);
	ret = set_policy(SCHED_FIFO, 1);
	printf(", \"set_fifo\": %d, ", ret);
	print_stage("fifo", h->fd, h->tfd, h->xfd);
	ret = set_policy(SCHED_WEAK, 0);
	printf(", \"set_weak\": %d, ", ret);
	print_stage("weak", h->fd, h->tfd, h->xfd);
	ret = set_policy(SCHED_WEAK, 5);
	printf(", \"set_weak5\": %d, ", ret);
	print_sched();
	p.sched_priority = 0;
	printf(", \"weak_prio_100\": %d", set_policy(SCHED_WEAK, 100));
	printf(", \"weak_other_thread\": %d",
	       pthread_setschedparam(h->other, SCHED_WEAK, &p));
	printf(", \"sched_setscheduler_weak\": %d",
	       ERR(sched_setscheduler(0, SCHED_WEAK, &p)));
	ret = set_policy(SCHED_OTHER, 0);
	printf(", \"set_other\": %d, ", ret);
	print_stage("other_again", h->fd, h->tfd, h->xfd);
	printf(", ");

	return NULL;
}

static void *idle_thread(void *arg)
{
	pause();
	return arg;
}

/* the handover sequence in a SCHED_OTHER thread, as smokey's rtdm test */
static void check_handover(int fd)
{
	struct sched_param param = { .sched_priority = 0 };
	struct handover h;
	pthread_attr_t attr;
	pthread_t tid;

	h.fd = fd;
	h.tfd = open(DEVT, O_RDWR);
	if (h.tfd < 0)
		fail("open " DEVT);
	h.xfd = open(DEVX, O_RDWR);
	if (h.xfd < 0)
		fail("open " DEVX);
	if (pthread_create(&h.other, NULL, idle_thread, NULL))
		fail("pthread_create");
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
	pthread_attr_setschedparam(&attr, &param);
	printf("\"attr_weak\": %d, ", pthread_attr_setschedpolicy(&attr, SCHED_WEAK));
	if (pthread_create(&tid, &attr, handover_thread, &h))
		fail("pthread_create");
	pthread_join(tid, NULL);
	pthread_cancel(h.other);
	pthread_join(h.other, NULL);
	close(h.xfd);
	close(h.tfd);
}

/* bad input from a SCHED_FIFO thread, which reaches the rt handlers */
static void *bad_thread(void *arg)
{
	int fd = *(int *)arg, tfd;
	struct _rtdm_rt_call c;
	char buf[16];

	set_policy(SCHED_FIFO, 1);
	printf("\"bad\": {\"primary_null\": %d",
	       ERR(ioctl(fd, RTTST_RTIOC_RTDM_PING_PRIMARY, NULL)));
	printf(", \"secondary_null\": %d",
	       ERR(ioctl(fd, RTTST_RTIOC_RTDM_PING_SECONDARY, NULL)));
	printf(", \"primary_unmapped\": %d",
	       ERR(ioctl(fd, RTTST_RTIOC_RTDM_PING_PRIMARY, (void *)16)));
	printf(", \"defer_7\": %d",
	       ERR(ioctl(fd, RTTST_RTIOC_RTDM_DEFER_CLOSE,
			 (unsigned long)7)));
	printf(", \"unknown\": %d",
	       ERR(ioctl(fd, RTTST_RTIOC_RTDM_ACTOR_GET_CPU, buf)));
	/* the rt-call request itself */
	tfd = open(DEVT, O_RDWR);
	if (tfd < 0)
		fail("open " DEVT);
	printf(", \"rt_call_null\": %d", ERR(ioctl(tfd, _RTIOC_RT_CALL, NULL)));
	memset(&c, 0, sizeof(c));
	c.op = 9;
	printf(", \"rt_call_op\": %d", ERR(ioctl(tfd, _RTIOC_RT_CALL, &c)));
	c.op = _RTDM_RT_CALL_IOCTL;
	c.request = _RTIOC_RT_CALL;
	c.arg = (uintptr_t)&c;
	printf(", \"rt_call_nested\": %d", ERR(ioctl(tfd, _RTIOC_RT_CALL, &c)));
	c.op = _RTDM_RT_CALL_READ;
	c.arg = (uintptr_t)buf;
	c.len = 1ULL << 40;
	printf(", \"rt_call_len\": %d", ERR(ioctl(tfd, _RTIOC_RT_CALL, &c)));
	c.op = _RTDM_RT_CALL_IOCTL;
	c.request = RTTST_RTIOC_WHICH;
	c.arg = 16;
	printf(", \"rt_call_unmapped\": %d}, ",
	       ERR(ioctl(tfd, _RTIOC_RT_CALL, &c)));
	close(tfd);

	return NULL;
}

static void run_thread(void *(*fn)(void *), void *arg)
{
	pthread_t tid;

	if (pthread_create(&tid, NULL, fn, arg))
		fail("pthread_create");
	pthread_join(tid, NULL);
}

/* a SCHED_WEAK thread blocked in read() acts on pthread_cancel() */
static int cleaned;

static void cleanup(void *arg)
{
	cleaned = 1;
}

static void *blocked_weak(void *arg)
{
	int tfd = *(int *)arg;
	uint64_t out[2];

	set_policy(SCHED_WEAK, 0);
	pthread_cleanup_push(cleanup, NULL);
	read(tfd, out, sizeof(out));
	pthread_cleanup_pop(0);

	return NULL;
}

static void check_cancel(void)
{
	struct rttst_rw_info info;
	pthread_t tid;
	void *res;
	double t0;
	int tfd;

	tfd = open(DEVT, O_RDWR);
	if (tfd < 0)
		fail("open " DEVT);
	memset(&info, 0, sizeof(info));	/* read timeout 0: forever */
	if (ioctl(tfd, RTTST_RTIOC_RW_CONFIG, &info))
		fail("RTTST_RTIOC_RW_CONFIG");
	if (pthread_create(&tid, NULL, blocked_weak, &tfd))
		fail("pthread_create");
	usleep(200000);
	t0 = now_ms();
	pthread_cancel(tid);
	pthread_join(tid, &res);
	memset(&info, 0, sizeof(info));
	ioctl(tfd, RTTST_RTIOC_RW_INFO, &info);
	printf("\"cancel_weak\": {\"cancelled\": %d, \"cleanup\": %d, "
	       "\"ms\": %.1f, \"read_handler\": %u}, ",
	       res == PTHREAD_CANCELED, cleaned, now_ms() - t0,
	       info.last_read_handler);
	close(tfd);
}

static void check(void)
{
	int fd, fd2, ret, xfd;
	double t0;

	printf("{");
	fd = try_open(DEV0);
	printf("\"open\": %d, \"exclusive\": %d, ", fd, -try_open(DEV0));
	if (fd < 0)
		exit(EXIT_FAILURE);
	fd2 = try_open(DEV1);
	printf("\"successive\": %d, ", fd2 - fd);
	close(fd2);

	check_handover(fd);
	run_thread(bad_thread, &fd);
	check_cancel();

	/* deferred close: the device stays busy for 300 ms */
	printf("\"defer\": {\"ioctl\": %d",
	       ERR(ioctl(fd, RTTST_RTIOC_RTDM_DEFER_CLOSE,
			 (unsigned long)RTTST_RTDM_DEFER_CLOSE_CONTEXT)));
	printf(", \"again\": %d",
	       ERR(ioctl(fd, RTTST_RTIOC_RTDM_DEFER_CLOSE,
			 (unsigned long)RTTST_RTDM_DEFER_CLOSE_CONTEXT)));
	printf(", \"close\": %d", ERR(close(fd)));
	t0 = now_ms();
	printf(", \"reopen\": %d", -try_open(DEV0));
	fd2 = try_open(DEV1);
	printf(", \"successive\": %d", fd2 - fd);
	close(fd2);
	while ((ret = try_open(DEV0)) == -EBUSY && now_ms() - t0 < 3000)
		usleep(2000);
	printf(", \"busy_ms\": %.1f, \"fd\": %d}, ", now_ms() - t0, ret - fd);
	fd = ret;

	/* normal close */
	printf("\"normal\": {\"ioctl\": %d",
	       ERR(ioctl(fd, RTTST_RTIOC_RTDM_DEFER_CLOSE,
			 (unsigned long)RTTST_RTDM_NORMAL_CLOSE)));
	printf(", \"close\": %d", ERR(close(fd)));
	ret = try_open(DEV0);
	printf(", \"reopen\": %d}, ", ret - fd);
	close(ret);

	/* the actor */
	xfd = try_open(DEVX);
	printf("\"actor\": {\"open\": %d, \"exclusive\": %d", xfd >= 0,
	       -try_open(DEVX));
	printf(", \"null\": %d",
	       ERR(ioctl(xfd, RTTST_RTIOC_RTDM_ACTOR_GET_CPU, NULL)));
	printf(", \"ncpu\": %ld}, ", sysconf(_SC_NPROCESSORS_ONLN));
	close(xfd);

	printf("\"program\": \"xeno-rtdmtest\"}\n");
}

static void defer(void)
{
	int fd = open(DEV0, O_RDWR);

	if (fd < 0)
		fail("open " DEV0);
	if (ioctl(fd, RTTST_RTIOC_RTDM_DEFER_CLOSE,
		  (unsigned long)RTTST_RTDM_DEFER_CLOSE_CONTEXT))
		fail("RTTST_RTIOC_RTDM_DEFER_CLOSE");
	if (close(fd))
		fail("close");
	printf("deferred\n");
}

int main(int argc, char *const argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "check"))
		check();
	else if (argc == 2 && !strcmp(argv[1], "defer"))
		defer();
	else {
		fprintf(stderr, "usage: xeno-rtdmtest check|defer\n");
		return EXIT_FAILURE;
	}

	return EXIT_SUCCESS;
}
