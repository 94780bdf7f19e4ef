// SPDX-License-Identifier: GPL-2.0
/*
 * rtdm-core-test: exercises the RTDM core services through the test
 * driver (rtdmtest.ko) and prints ONE JSON object with the raw observations
 * (times in ns, errors as negative errno values plus their names). The
 * assertions live in the pytest files (tests/test_core_*.py).
 *
 *   rtdm-core-test [-o] <subtest> [args]
 *
 * Subtests run from a SCHED_FIFO thread (priority 80) unless -o asks for
 * a SCHED_OTHER thread; those where the dispatch matters run both.
 * Exit status: 0 when the JSON was printed, 2 on usage errors, 1 when the
 * test infrastructure failed (e.g. a thread could not be created).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <poll.h>
#ifdef RTDM_EVL
#include <evl/clock.h>
#include <evl/poll.h>
#endif
#include <rtdm/rtdm.h>
#include <rtdm/uapi/testing.h>

#define DEV0		"/dev/rtdm/rtdmtest0"
#define DEV_EXCL	"/dev/rtdm/" RTTST_EXCL_DEVICE_NAME
#define RT_PRIO		80
#define MS		1000000LL

static int use_other;	/* -o: run from a SCHED_OTHER thread */

/* ------------------------------------------------------------------ */
/* JSON output                                                        */
/* ------------------------------------------------------------------ */

static char jbuf[256 * 1024];
static size_t jlen;
static int jfirst = 1;

static void jraw(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(jbuf + jlen, sizeof(jbuf) - jlen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(jbuf) - jlen)
		jlen += n;
}

static void jkey(const char *key)
{
	if (!jfirst)
		jraw(",");
	jfirst = 0;
	if (key)
		jraw("\"%s\":", key);
}

static void jobj(const char *key)
{
	jkey(key);
	jraw("{");
	jfirst = 1;
}

static void jend(void)
{
	jraw("}");
	jfirst = 0;
}

static void jarr(const char *key)
{
	jkey(key);
	jraw("[");
	jfirst = 1;
}

static void jarr_end(void)
{
	jraw("]");
	jfirst = 0;
}

static void jint(const char *key, long long v)
{
	jkey(key);
	jraw("%lld", v);
}

static void jstr(const char *key, const char *s)
{
	jkey(key);
	jraw("\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			jraw("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			jraw("\\u%04x", *s);
		else
			jraw("%c", *s);
	}
	jraw("\"");
}

static const char *errname(int e)
{
	static const struct { int e; const char *n; } t[] = {
		{ 0, "OK" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" },
		{ ENOSYS, "ENOSYS" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EIDRM, "EIDRM" }, { EMSGSIZE, "EMSGSIZE" },
		{ EADDRINUSE, "EADDRINUSE" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ENOTCONN, "ENOTCONN" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { EDESTADDRREQ, "EDESTADDRREQ" },
		{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
		{ ENOPROTOOPT, "ENOPROTOOPT" }, { ENOTSOCK, "ENOTSOCK" },
	};
	static char buf[16];
	size_t i;

	if (e < 0)
		e = -e;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* A result as a negative errno value (0 for success) and its name. */
static void jerr(const char *key, int negerr)
{
	char k[96];

	jint(key, negerr);
	snprintf(k, sizeof(k), "%s_name", key);
	/* A positive value is a byte count. */
	jstr(k, negerr > 0 ? "OK" : errname(negerr));
}

/* Outcome of a call returning -1/errno: 0 or -errno. */
static int res(long ret)
{
	return ret < 0 ? -errno : 0;
}

static void jflush(void)
{
	fwrite(jbuf, 1, jlen, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "rtdm-core-test: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static int open_dev(const char *path)
{
	int fd = rtdm_open(path, O_RDWR);

	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	return fd;
}

/* Runs fn(arg) in a new thread with the given policy; joins it. */
static pthread_t start_thread(void *(*fn)(void *), void *arg, int policy,
			      int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t attr;
	pthread_t t;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, policy);
	pthread_attr_setschedparam(&attr, &sp);
	ret = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (ret)
		die("pthread_create(policy %d, prio %d): %s", policy, prio,
		    strerror(ret));
	return t;
}

static void run_thread(void *(*fn)(void *), void *arg, int rt)
{
	pthread_t t = rt ? start_thread(fn, arg, SCHED_FIFO, RT_PRIO) :
		start_thread(fn, arg, SCHED_OTHER, 0);

	pthread_join(t, NULL);
}

/* The main subtest thread: FIFO 80 unless -o. */
static void run_main(void *(*fn)(void *), void *arg)
{
	run_thread(fn, arg, !use_other);
}

static const char *ctx_name(int rt)
{
	return rt ? "rt" : "nrt";
}

static void jwhich(const char *key, const struct rttst_which *w, int ret)
{
	jobj(key);
	jerr("ret", ret);
	jint("handler", w->handler);
	jint("in_rt", w->in_rt);
	jint("rt_capable", w->rt_capable);
	jint("policy", w->policy);
	jint("rt_priority", w->rt_priority);
	jend();
}

static void jwait(const char *key, const struct rttst_wait *w, int ioret,
		  int64_t user_ns)
{
	jobj(key);
	jerr("ioctl", ioret);
	jerr("ret", w->ret);
	jint("handler", w->handler);
	jint("waited_ns", (long long)(w->end_ns - w->start_ns));
	jint("user_ns", user_ns);
	jint("start_ns", w->start_ns);
	jint("end_ns", w->end_ns);
	jint("signal_ns", w->signal_ns);
	jend();
}

static int do_wait(int fd, unsigned long req, int64_t timeout,
		   struct rttst_wait *w, int64_t *user_ns)
{
	int64_t t0;
	int ret;

	memset(w, 0, sizeof(*w));
	w->timeout_ns = timeout;
	t0 = now_ns();
	ret = res(rtdm_ioctl(fd, req, w));
	*user_ns = now_ns() - t0;
	return ret;
}

static void wait_to_json(const char *key, int fd, unsigned long req,
			 int64_t timeout)
{
	struct rttst_wait w;
	int64_t u;
	int ret = do_wait(fd, req, timeout, &w, &u);

	jwait(key, &w, ret, u);
}

/* ------------------------------------------------------------------ */
/* which / fallback: dispatch                                         */
/* ------------------------------------------------------------------ */

struct dispatch_arg {
	int fd;
	int rt;
};

static void *which_thread(void *p)
{
	struct dispatch_arg *a = p;
	struct rttst_which w;
	struct rttst_rw_info cfg = { .read_timeout_ns = 5000 * MS };
	uint64_t buf[2] = { 0, 0 };
	ssize_t n;
	int ret;

	jobj(ctx_name(a->rt));
	memset(&w, 0, sizeof(w));
	ret = res(rtdm_ioctl(a->fd, RTTST_RTIOC_WHICH, &w));
	jwhich("which", &w, ret);

	/* read: which handler serves it. */
	rtdm_ioctl(a->fd, RTTST_RTIOC_RW_CONFIG, &cfg);
	rtdm_ioctl(a->fd, RTTST_RTIOC_EVENT_SIGNAL);
	n = rtdm_read(a->fd, buf, sizeof(buf));
	jobj("read");
	jerr("ret", res(n));
	jint("bytes", n);
	jint("signal_ns", buf[0]);
	jint("handler", buf[1]);
	jend();
	jend();
	return NULL;
}

static int t_which(int argc, char **argv)
{
	struct dispatch_arg a = { .fd = open_dev(DEV0) };
	struct rtdm_device_info info;
	int ret;

	(void)argc;
	(void)argv;
	a.rt = 1;
	run_thread(which_thread, &a, 1);
	a.rt = 0;
	run_thread(which_thread, &a, 0);

	memset(&info, 0, sizeof(info));
	ret = res(rtdm_ioctl(a.fd, RTIOC_DEVICE_INFO, &info));
	jobj("device_info");
	jerr("ret", ret);
	jint("device_flags", info.device_flags);
	jint("device_class", info.device_class);
	jint("device_sub_class", info.device_sub_class);
	jint("profile_version", info.profile_version);
	jend();
	rtdm_close(a.fd);
	return 0;
}

static void *fallback_thread(void *p)
{
	struct dispatch_arg *a = p;
	struct rttst_rw_info info;
	struct rttst_which w;
	const char msg[] = "fallback";
	ssize_t n;
	int ret;

	jobj(ctx_name(a->rt));
	memset(&w, 0, sizeof(w));
	ret = res(rtdm_ioctl(a->fd, RTTST_RTIOC_FALLBACK, &w));
	jwhich("fallback", &w, ret);
	memset(&w, 0, sizeof(w));
	ret = res(rtdm_ioctl(a->fd, RTTST_RTIOC_RTONLY, &w));
	jwhich("rtonly", &w, ret);

	/* write_nrt only: serves real-time callers too. */
	n = rtdm_write(a->fd, msg, sizeof(msg));
	memset(&info, 0, sizeof(info));
	ret = res(rtdm_ioctl(a->fd, RTTST_RTIOC_RW_INFO, &info));
	jobj("write");
	jerr("ret", res(n));
	jint("bytes", n);
	jerr("info_ret", ret);
	jint("handler", info.last_write_handler);
	jint("in_rt", info.last_write_in_rt);
	jint("stored_len", info.write_len);
	jint("stored_ok", info.write_len == sizeof(msg) &&
	     !memcmp(info.write_data, msg, sizeof(msg)));
	jend();
	jend();
	return NULL;
}

static int t_fallback(int argc, char **argv)
{
	struct dispatch_arg a = { .fd = open_dev(DEV0) };

	(void)argc;
	(void)argv;
	a.rt = 1;
	run_thread(fallback_thread, &a, 1);
	a.rt = 0;
	run_thread(fallback_thread, &a, 0);
	rtdm_close(a.fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Events and semaphores                                              */
/* ------------------------------------------------------------------ */

struct ev_arg {
	int fd;
	int64_t ms;
};

static void *event_timeout_thread(void *p)
{
	struct ev_arg *a = p;

	jint("timeout_ns", a->ms * MS);
	wait_to_json("timed", a->fd, RTTST_RTIOC_EVENT_WAIT, a->ms * MS);
	wait_to_json("nonblock", a->fd, RTTST_RTIOC_EVENT_WAIT, -1);
	/* A pending event is consumed by one wait. */
	rtdm_ioctl(a->fd, RTTST_RTIOC_EVENT_SIGNAL);
	wait_to_json("pending", a->fd, RTTST_RTIOC_EVENT_WAIT, -1);
	wait_to_json("consumed", a->fd, RTTST_RTIOC_EVENT_WAIT, -1);
	/* A pulse without waiter leaves nothing pending. */
	rtdm_ioctl(a->fd, RTTST_RTIOC_EVENT_PULSE);
	wait_to_json("after_pulse", a->fd, RTTST_RTIOC_EVENT_WAIT, -1);
	/* A cleared event is no longer pending. */
	rtdm_ioctl(a->fd, RTTST_RTIOC_EVENT_SIGNAL);
	rtdm_ioctl(a->fd, RTTST_RTIOC_EVENT_CLEAR);
	wait_to_json("after_clear", a->fd, RTTST_RTIOC_EVENT_WAIT, -1);
	return NULL;
}

static int t_event_timeout(int argc, char **argv)
{
	struct ev_arg a = { .fd = open_dev(DEV0), .ms = 20 };

	if (argc > 0)
		a.ms = atoll(argv[0]);
	run_main(event_timeout_thread, &a);
	rtdm_close(a.fd);
	return 0;
}

struct signaller {
	int fd;
	unsigned long req;
	int64_t delay;
	int64_t at;	/* when the request was issued */
};

static void wait_ready(volatile int *ready)
{
	while (!__atomic_load_n(ready, __ATOMIC_ACQUIRE))
		sleep_ns(MS);
}

/*
 * A first call makes the thread what it will be for the blocking one (on
 * EVL, librtdm attaches a real-time thread to the core then, which takes
 * a while).
 */
static void warm_up(int fd)
{
	struct rttst_which w;

	rtdm_ioctl(fd, RTTST_RTIOC_WHICH, &w);
}

static void *signal_thread(void *p)
{
	struct signaller *s = p;

	sleep_ns(s->delay);
	s->at = now_ns();
	rtdm_ioctl(s->fd, s->req);
	return NULL;
}

/* Waits with @req_wait while another thread issues @req_sig after @ms. */
static void wait_woken(const char *key, int fd, unsigned long req_wait,
		       unsigned long req_sig, int64_t ms, int64_t timeout)
{
	struct signaller s = { fd, req_sig, ms * MS, 0 };
	struct rttst_wait w;
	pthread_t t;
	int64_t u;
	int ret;

	/* before the signaller's clock runs: see warm_up() */
	warm_up(fd);
	t = start_thread(signal_thread, &s, SCHED_FIFO, RT_PRIO - 10);
	ret = do_wait(fd, req_wait, timeout, &w, &u);
	pthread_join(t, NULL);
	jwait(key, &w, ret, u);
	jint("delay_ns", ms * MS);
}

static void *event_signal_thread(void *p)
{
	struct ev_arg *a = p;
	struct signaller s = { a->fd, RTTST_RTIOC_EVENT_SIGNAL, a->ms * MS, 0 };
	struct rttst_rw_info cfg = { .read_timeout_ns = 0 };
	uint64_t buf[2] = { 0, 0 };
	pthread_t t;
	int64_t t0;
	ssize_t n;

	jobj("signal");
	wait_woken("wait", a->fd, RTTST_RTIOC_EVENT_WAIT,
		   RTTST_RTIOC_EVENT_SIGNAL, a->ms, 0);
	jend();
	jobj("pulse");
	wait_woken("wait", a->fd, RTTST_RTIOC_EVENT_WAIT,
		   RTTST_RTIOC_EVENT_PULSE, a->ms, 0);
	wait_to_json("after", a->fd, RTTST_RTIOC_EVENT_WAIT, -1);
	jend();

	/* read() blocks on the same event. */
	rtdm_ioctl(a->fd, RTTST_RTIOC_RW_CONFIG, &cfg);
	t = start_thread(signal_thread, &s, SCHED_FIFO, RT_PRIO - 10);
	t0 = now_ns();
	n = rtdm_read(a->fd, buf, sizeof(buf));
	jobj("read");
	jint("user_ns", now_ns() - t0);
	pthread_join(t, NULL);
	jerr("ret", res(n));
	jint("bytes", n);
	jint("signal_ns", buf[0]);
	jint("handler", buf[1]);
	jint("signal_issued_ns", s.at);
	jint("delay_ns", a->ms * MS);
	jend();
	return NULL;
}

static int t_event_signal(int argc, char **argv)
{
	struct ev_arg a = { .fd = open_dev(DEV0), .ms = 50 };

	if (argc > 0)
		a.ms = atoll(argv[0]);
	run_main(event_signal_thread, &a);
	rtdm_close(a.fd);
	return 0;
}

static void *sem_thread(void *p)
{
	struct ev_arg *a = p;
	int i;

	wait_to_json("empty_nonblock", a->fd, RTTST_RTIOC_SEM_DOWN, -1);
	wait_to_json("timed", a->fd, RTTST_RTIOC_SEM_DOWN, a->ms * MS);
	for (i = 0; i < 3; i++)
		rtdm_ioctl(a->fd, RTTST_RTIOC_SEM_UP);
	jarr("counted");
	for (i = 0; i < 4; i++) {
		jobj(NULL);
		wait_to_json("w", a->fd, RTTST_RTIOC_SEM_DOWN, -1);
		jend();
	}
	jarr_end();
	jobj("woken");
	wait_woken("wait", a->fd, RTTST_RTIOC_SEM_DOWN, RTTST_RTIOC_SEM_UP,
		   a->ms, 0);
	jend();
	return NULL;
}

static int t_sem(int argc, char **argv)
{
	struct ev_arg a = { .fd = open_dev(DEV0), .ms = 20 };

	if (argc > 0)
		a.ms = atoll(argv[0]);
	jint("timeout_ns", a.ms * MS);
	run_main(sem_thread, &a);
	rtdm_close(a.fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Mutex                                                              */
/* ------------------------------------------------------------------ */

static void mutex_run(const char *key, int fd, int64_t hold, int64_t timeout,
		      unsigned int flags, int nwaiters, const int *prio)
{
	struct rttst_mutex m = {
		.hold_ns = hold, .timeout_ns = timeout, .flags = flags,
		.holder_prio = 10, .nwaiters = nwaiters,
	};
	int ret, n;

	for (n = 0; n < nwaiters; n++)
		m.waiter_prio[n] = prio[n];
	ret = res(rtdm_ioctl(fd, RTTST_RTIOC_MUTEX_TEST, &m));

	jobj(key);
	jerr("ioctl", ret);
	jint("hold_ns", hold);
	jint("timeout_ns", timeout);
	jint("holder_prio_before", m.holder_prio_before);
	jint("holder_prio_during", m.holder_prio_during);
	jint("holder_prio_after", m.holder_prio_after);
	jarr("waiters");
	for (n = 0; n < nwaiters; n++) {
		jobj(NULL);
		jint("prio", prio[n]);
		jerr("ret", m.ret[n]);
		jint("order", m.order[n]);
		jint("waited_ns", m.waited_ns[n]);
		jend();
	}
	jarr_end();
	jend();
}

/*
 * Holder: an RTDM task at priority 10; waiters: RTDM tasks started one
 * after the other (5 ms apart) while the holder keeps the mutex.
 */
static void *mutex_thread(void *p)
{
	static const int one[] = { 80 }, three[] = { 20, 40, 60 };
	struct ev_arg *a = p;
	int64_t hold = a->ms * MS;

	mutex_run("short_timeout", a->fd, hold, hold / 2, 0, 1, one);
	mutex_run("long_timeout", a->fd, hold, hold * 4, 0, 1, one);
	mutex_run("nonblock", a->fd, hold, -1, 0, 1, one);
	mutex_run("infinite", a->fd, hold, 0, 0, 1, one);
	mutex_run("pi", a->fd, hold, 0, RTTST_MUTEX_PI, 1, one);
	mutex_run("order", a->fd, hold, hold * 10, 0, 3, three);
	mutex_run("order_pi", a->fd, hold, 0, RTTST_MUTEX_PI, 3, three);
	mutex_run("destroy_timed", a->fd, hold, hold * 4, RTTST_MUTEX_DESTROY,
		  2, three);
	mutex_run("destroy_infinite", a->fd, hold, 0,
		  RTTST_MUTEX_PI | RTTST_MUTEX_DESTROY, 2, three);
	return NULL;
}

static int t_mutex(int argc, char **argv)
{
	struct ev_arg a = { .fd = open_dev(DEV0), .ms = 100 };

	if (argc > 0)
		a.ms = atoll(argv[0]);
	run_main(mutex_thread, &a);
	rtdm_close(a.fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Timers, tasks, sleeps                                              */
/* ------------------------------------------------------------------ */

static void oneshot_run(const char *key, int fd, int64_t delay,
			unsigned int mode)
{
	struct rttst_timer_oneshot t = { .delay_ns = delay, .mode = mode };
	int ret = res(rtdm_ioctl(fd, RTTST_RTIOC_TIMER_ONESHOT, &t));

	jobj(key);
	jerr("ioctl", ret);
	jerr("ret", t.ret);
	jint("delay_ns", delay);
	jint("armed_ns", t.armed_ns);
	jint("expiry_ns", t.expiry_ns);
	jint("fired_ns", t.fired_ns);
	jint("late_ns", t.fired ? (long long)(t.fired_ns - t.expiry_ns) : 0);
	jint("fired", t.fired);
	jint("hardirq", t.hardirq);
	jint("rt_context", t.rt_context);
	jend();
}

static int t_timer_oneshot(int argc, char **argv)
{
	int fd = open_dev(DEV0);
	int64_t ms = argc > 0 ? atoll(argv[0]) : 10;

	oneshot_run("relative", fd, ms * MS, RTTST_TIMER_RELATIVE);
	oneshot_run("absolute", fd, ms * MS, RTTST_TIMER_ABSOLUTE);
	oneshot_run("absolute_past", fd, -1 * MS, RTTST_TIMER_ABSOLUTE);
	oneshot_run("relative_zero", fd, 0, RTTST_TIMER_RELATIVE);
	rtdm_close(fd);
	return 0;
}

static int t_timer_periodic(int argc, char **argv)
{
	struct rttst_timer_periodic t = {
		.period_ns = (argc > 0 ? atoll(argv[0]) : 1000) * 1000LL,
		.count = argc > 1 ? atoi(argv[1]) : 100,
	};
	int fd = open_dev(DEV0);
	int ret = res(rtdm_ioctl(fd, RTTST_RTIOC_TIMER_PERIODIC, &t));

	jerr("ioctl", ret);
	jerr("ret", t.ret);
	jint("period_ns", t.period_ns);
	jint("count", t.count);
	jint("ticks", t.ticks);
	jint("extra_ticks", t.extra_ticks);
	jint("overruns", t.overruns);
	jint("hardirq", t.hardirq);
	jint("lat_min_ns", t.lat_min_ns);
	jint("lat_avg_ns", t.lat_avg_ns);
	jint("lat_max_ns", t.lat_max_ns);
	jint("start_ns", t.start_ns);
	jint("first_ns", t.first_ns);
	jint("last_ns", t.last_ns);
	rtdm_close(fd);
	return 0;
}

static void tself_run(const char *key, int fd, int64_t period, int count,
		      unsigned int mode)
{
	struct rttst_timer_self t = {
		.period_ns = period, .count = count, .mode = mode,
	};
	int ret = res(rtdm_ioctl(fd, RTTST_RTIOC_TIMER_SELF, &t));

	jobj(key);
	jerr("ioctl", ret);
	jerr("ret", t.ret);
	jerr("start_ret", t.start_ret);
	jint("count", count);
	jint("fired", t.fired);
	jint("fired_after", t.fired_after);
	jend();
}

static int t_timer_self(int argc, char **argv)
{
	int64_t period = (argc > 0 ? atoll(argv[0]) : 2000) * 1000;
	int count = argc > 1 ? atoi(argv[1]) : 20;
	int fd = open_dev(DEV0);

	tself_run("oneshot", fd, period, count, RTTST_TSELF_ONESHOT);
	tself_run("periodic", fd, period, count, RTTST_TSELF_PERIODIC);
	rtdm_close(fd);
	return 0;
}

static int t_task_periodic(int argc, char **argv)
{
	struct rttst_task_periodic t = {
		.period_ns = (argc > 0 ? atoll(argv[0]) : 1000) * 1000LL,
		.count = argc > 1 ? atoi(argv[1]) : 100,
		.prio = argc > 2 ? atoi(argv[2]) : 50,
	};
	int fd = open_dev(DEV0);
	int ret = res(rtdm_ioctl(fd, RTTST_RTIOC_TASK_PERIODIC, &t));

	jerr("ioctl", ret);
	jerr("ret", t.ret);
	jint("period_ns", t.period_ns);
	jint("count", t.count);
	jint("prio", t.prio);
	jint("cycles", t.cycles);
	jint("overruns", t.overruns);
	jint("timedout", t.timedout);
	jint("lat_min_ns", t.lat_min_ns);
	jint("lat_avg_ns", t.lat_avg_ns);
	jint("lat_max_ns", t.lat_max_ns);
	jint("start_ns", t.start_ns);
	jint("first_ns", t.first_ns);
	jint("last_ns", t.last_ns);
	jint("in_rt", t.in_rt);
	jint("rt_priority", t.rt_priority);
	jint("is_current", t.is_current);
	jint("stopped", t.stopped);
	jint("extra_cycles", t.extra_cycles);
	rtdm_close(fd);
	return 0;
}

static void sleep_run(const char *key, int fd, int64_t delay,
		      unsigned int mode)
{
	struct rttst_sleep s = { .delay_ns = delay, .mode = mode };
	int64_t t0 = now_ns();
	int ret = res(rtdm_ioctl(fd, RTTST_RTIOC_TASK_SLEEP, &s));

	jobj(key);
	jerr("ioctl", ret);
	jerr("ret", s.ret);
	jint("delay_ns", delay);
	jint("slept_ns", (long long)(s.end_ns - s.start_ns));
	jint("user_ns", now_ns() - t0);
	jint("handler", s.handler);
	jint("in_rt", s.in_rt);
	jend();
}

static void *sleep_thread(void *p)
{
	struct ev_arg *a = p;

	sleep_run("rel", a->fd, a->ms * MS, RTTST_SLEEP_REL);
	sleep_run("abs", a->fd, a->ms * MS, RTTST_SLEEP_ABS);
	sleep_run("until", a->fd, a->ms * MS, RTTST_SLEEP_UNTIL);
	sleep_run("busy", a->fd, 2 * MS, RTTST_SLEEP_BUSY);
	return NULL;
}

static void *sleep_other_thread(void *p)
{
	struct ev_arg *a = p;

	sleep_run("nrt_rel", a->fd, a->ms * MS, RTTST_SLEEP_REL);
	return NULL;
}

static int t_sleep(int argc, char **argv)
{
	struct ev_arg a = { .fd = open_dev(DEV0), .ms = 10 };

	if (argc > 0)
		a.ms = atoll(argv[0]);
	run_main(sleep_thread, &a);
	run_thread(sleep_other_thread, &a, 0);
	rtdm_close(a.fd);
	return 0;
}

static int t_nrtsig(int argc, char **argv)
{
	struct rttst_nrtsig n = {
		.count = argc > 0 ? atoi(argv[0]) : 20,
		.period_ns = (argc > 1 ? atoll(argv[1]) : 1000) * 1000LL,
	};
	int fd = open_dev(DEV0);
	int ret = res(rtdm_ioctl(fd, RTTST_RTIOC_NRTSIG, &n));

	jerr("ioctl", ret);
	jerr("ret", n.ret);
	jint("count", n.count);
	jint("pends", n.pends);
	jint("pend_hardirq", n.pend_hardirq);
	jint("pend_rt", n.pend_rt);
	jint("runs", n.runs);
	jint("run_hardirq", n.run_hardirq);
	jint("run_task", n.run_task);
	jint("run_softirq", n.run_softirq);
	jint("run_rt", n.run_rt);
	jint("lat_min_ns", n.lat_min_ns);
	jint("lat_avg_ns", n.lat_avg_ns);
	jint("lat_max_ns", n.lat_max_ns);
	rtdm_close(fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                         */
/* ------------------------------------------------------------------ */

static int t_irq(int argc, char **argv)
{
	struct rttst_irq r = { .count = argc > 0 ? atoi(argv[0]) : 10 };
	int fd = open_dev(DEV0);
	int ret = res(rtdm_ioctl(fd, RTTST_RTIOC_IRQ, &r));

	jerr("ioctl", ret);
	jerr("ret", r.ret);
	jint("count", r.count);
	jint("virq", r.virq);
	jint("hits", r.hits);
	jint("hits_disabled", r.hits_disabled);
	jint("hits_replayed", r.hits_replayed);
	jint("hits_enabled", r.hits_enabled);
	jint("hits_disable_ret", r.hits_disable_ret);
	jint("hits_reenabled", r.hits_reenabled);
	jint("hits_freed", r.hits_freed);
	jint("hardirq", r.hardirq);
	jint("rt_context", r.rt_context);
	jint("lat_min_ns", r.lat_min_ns);
	jint("lat_avg_ns", r.lat_avg_ns);
	jint("lat_max_ns", r.lat_max_ns);
	rtdm_close(fd);
	return 0;
}

/*
 * hold <ms> [irq <n>] [ready <path>]: keeps an fd open for @ms, optionally
 * with the test irq attached and triggered n times; prints its JSON and
 * creates the ready file once set up, so that a shell can act meanwhile.
 */
static int t_hold(int argc, char **argv)
{
	struct rttst_irq_trigger tr = { 0 };
	struct rttst_irq_attach at = { 0 };
	const char *ready = NULL;
	int64_t ms = argc > 0 ? atoll(argv[0]) : 1000;
	int fd = open_dev(DEV0), i, nirq = -1;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "irq"))
			nirq = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "ready"))
			ready = argv[i + 1];
	}

	jint("fd", fd);
	if (nirq >= 0) {
		jobj("irq");
		jerr("attach", res(rtdm_ioctl(fd, RTTST_RTIOC_IRQ_ATTACH, &at)));
		jerr("ret", at.ret);
		jint("virq", at.virq);
		if (nirq > 0) {
			tr.count = nirq;
			jerr("trigger",
			     res(rtdm_ioctl(fd, RTTST_RTIOC_IRQ_TRIGGER, &tr)));
			jint("hits", tr.hits);
			jint("total_hits", tr.total_hits);
		}
		jend();
	}
	jraw("}");
	jflush();
	if (ready) {
		i = open(ready, O_CREAT | O_WRONLY, 0644);
		if (i >= 0)
			close(i);
	}
	sleep_ns(ms * MS);
	rtdm_close(fd);
	return 1;	/* JSON already printed */
}

/* ------------------------------------------------------------------ */
/* mmap                                                               */
/* ------------------------------------------------------------------ */

static size_t pattern_check(const uint8_t *p, size_t len, uint32_t seed)
{
	size_t n, bad = 0;

	for (n = 0; n < len; n++)
		if (p[n] != rttst_pattern(seed, n))
			bad++;
	return bad;
}

static void pattern_fill(uint8_t *p, size_t len, uint32_t seed)
{
	size_t n;

	for (n = 0; n < len; n++)
		p[n] = rttst_pattern(seed, n);
}

static void check_to_json(const char *key, int fd, unsigned int which,
			  uint32_t seed)
{
	struct rttst_mmap_check c = { .which = which, .seed = seed };
	int ret = res(rtdm_ioctl(fd, RTTST_RTIOC_MMAP_CHECK, &c));

	jobj(key);
	jerr("ret", ret);
	jint("len", c.len);
	jint("mismatches", c.mismatches);
	jend();
}

static void mmap_kind(const char *key, int fd, unsigned int kind, size_t len)
{
	struct rttst_mmap m = { .len = len, .kind = kind, .seed = 11 };
	struct rttst_mmap m2 = { .len = len, .kind = kind, .seed = 12 };
	uint8_t *p;
	int ret;

	jobj(key);
	ret = res(rtdm_ioctl(fd, RTTST_RTIOC_MMAP, &m));
	jerr("ret", ret);
	jint("len", len);
	if (!ret) {
		p = (uint8_t *)(uintptr_t)m.addr;
		jint("user_mismatches", pattern_check(p, len, 11));
		pattern_fill(p, len, 22);
		check_to_json("kernel_sees_user", fd, RTTST_CHECK_IOCTL_MAP, 22);
		check_to_json("kernel_old_pattern", fd, RTTST_CHECK_IOCTL_MAP, 11);
		jerr("second_map", res(rtdm_ioctl(fd, RTTST_RTIOC_MMAP, &m2)));
		jerr("munmap", res(rtdm_ioctl(fd, RTTST_RTIOC_MUNMAP)));
		jerr("munmap_again", res(rtdm_ioctl(fd, RTTST_RTIOC_MUNMAP)));
		/* The range must be gone from our address space. */
		jint("unmapped", mincore(p, len, (unsigned char[256]){ 0 }) < 0 &&
		     errno == ENOMEM);
	}
	jend();
}

static int t_mmap(int argc, char **argv)
{
	size_t len = (argc > 0 ? atoi(argv[0]) : 16) * (size_t)getpagesize();
	int fd = open_dev(DEV0);

	if (len > 256 * (size_t)getpagesize())
		len = 256 * getpagesize();
	mmap_kind("kmalloc", fd, RTTST_MMAP_KMALLOC, len);
	mmap_kind("vmalloc", fd, RTTST_MMAP_VMALLOC, len);
	rtdm_close(fd);
	return 0;
}

static int t_mmap_fd(int argc, char **argv)
{
	size_t len = (argc > 0 ? atoi(argv[0]) : 16) * (size_t)getpagesize();
	int fd = open_dev(DEV0);
	uint8_t *p, *p2;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	jerr("ret", p == MAP_FAILED ? -errno : 0);
	jint("len", len);
	if (p != MAP_FAILED) {
		jint("user_mismatches", pattern_check(p, len, RTTST_FDMAP_SEED));
		pattern_fill(p, len, 33);
		check_to_json("kernel_sees_user", fd, RTTST_CHECK_FD_MAP, 33);
		/* A second mapping shows the same buffer. */
		p2 = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		jerr("second_ret", p2 == MAP_FAILED ? -errno : 0);
		if (p2 != MAP_FAILED) {
			jint("second_mismatches", pattern_check(p2, len, 33));
			munmap(p2, len);
		}
		p2 = mmap(NULL, 2 * len, PROT_READ, MAP_SHARED, fd, 0);
		jerr("too_long", p2 == MAP_FAILED ? -errno : 0);
		if (p2 != MAP_FAILED)
			munmap(p2, 2 * len);
		munmap(p, len);
	}
	rtdm_close(fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Latency                                                            */
/* ------------------------------------------------------------------ */

static int t_latency(int argc, char **argv)
{
	struct rttst_latency *l = calloc(1, sizeof(*l));
	int fd = open_dev(DEV0), ret, i;

	if (!l)
		die("out of memory");
	l->period_ns = (argc > 0 ? atoll(argv[0]) : 1000) * 1000LL;
	l->samples = argc > 1 ? atoi(argv[1]) : 1000;
	l->mode = argc > 2 && !strcmp(argv[2], "task") ? RTTST_LAT_TASK :
		RTTST_LAT_TIMER;
	ret = res(rtdm_ioctl(fd, RTTST_RTIOC_LATENCY, l));
	jerr("ioctl", ret);
	jerr("ret", l->ret);
	jstr("mode", l->mode == RTTST_LAT_TASK ? "task" : "timer");
	jint("period_ns", l->period_ns);
	jint("samples", l->samples);
	jint("collected", l->collected);
	jint("overruns", l->overruns);
	jint("min_ns", l->min_ns);
	jint("avg_ns", l->avg_ns);
	jint("max_ns", l->max_ns);
	jint("bucket_ns", l->bucket_ns);
	jint("hist_overflow", l->hist_overflow);
	jarr("hist");	/* [bucket, hits] for the non-empty buckets */
	for (i = 0; i < RTTST_LAT_BUCKETS; i++) {
		if (!l->hist[i])
			continue;
		jkey(NULL);
		jraw("[%d,%u]", i, l->hist[i]);
	}
	jarr_end();
	rtdm_close(fd);
	free(l);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Protocol device                                                    */
/* ------------------------------------------------------------------ */

static struct sockaddr_rttst addr_of(int port)
{
	struct sockaddr_rttst sa;

	memset(&sa, 0, sizeof(sa));
	sa.rttst_family = RTTST_AF;
	sa.rttst_port = port;
	return sa;
}

static int new_socket(void)
{
	int s = rtdm_socket(RTTST_AF, SOCK_DGRAM, 0);

	if (s < 0)
		die("rtdm_socket(%d): %s", RTTST_AF, strerror(errno));
	return s;
}

static int bind_port(int s, int port)
{
	struct sockaddr_rttst sa = addr_of(port);

	return res(rtdm_bind(s, (struct sockaddr *)&sa, sizeof(sa)));
}

static int send_to(int s, int port, const void *buf, size_t len, int flags)
{
	struct sockaddr_rttst sa = addr_of(port);
	ssize_t n = rtdm_sendto(s, buf, len, flags, (struct sockaddr *)&sa,
				sizeof(sa));

	return n < 0 ? -errno : (int)n;
}

struct sock_sender {
	int s;
	int port;
	int64_t delay;
	int64_t at;
};

static void *sock_send_thread(void *p)
{
	struct sock_sender *a = p;

	sleep_ns(a->delay);
	a->at = now_ns();
	send_to(a->s, a->port, "late", 4, 0);
	return NULL;
}

static void *socket_thread(void *p)
{
	int64_t tmo_ms = *(int64_t *)p;
	int a = new_socket(), b = new_socket(), c = new_socket();
	struct sockaddr_rttst from, name, sa;
	socklen_t len;
	char buf[512];
	int64_t t0, tmo;
	ssize_t n;
	int i, ret;

	jerr("bind_a", bind_port(a, 1));
	jerr("bind_b", bind_port(b, 2));
	jerr("bind_inuse", bind_port(c, 1));
	jerr("bind_twice", bind_port(a, 3));
	jerr("bind_badport", bind_port(c, RTTST_NR_PORTS));
	sa = addr_of(4);
	jerr("bind_badlen", res(rtdm_bind(c, (struct sockaddr *)&sa, 2)));
	sa.rttst_family = RTTST_AF + 1;
	jerr("bind_badfamily",
	     res(rtdm_bind(c, (struct sockaddr *)&sa, sizeof(sa))));

	/* b -> a */
	jerr("send", send_to(b, 1, "hello", 5, 0));
	memset(&from, 0, sizeof(from));
	len = sizeof(from);
	n = rtdm_recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			  &len);
	jobj("recv");
	jerr("ret", res(n));
	jint("bytes", n);
	jint("data_ok", n == 5 && !memcmp(buf, "hello", 5));
	jint("from_family", from.rttst_family);
	jint("from_port", from.rttst_port);
	jint("fromlen", len);
	jend();

	len = sizeof(name);
	memset(&name, 0, sizeof(name));
	ret = res(rtdm_getsockname(a, (struct sockaddr *)&name, &len));
	jobj("getsockname");
	jerr("ret", ret);
	jint("port", name.rttst_port);
	jint("family", name.rttst_family);
	jint("len", len);
	jend();
	len = sizeof(name);
	jerr("getpeername_unconnected",
	     res(rtdm_getpeername(a, (struct sockaddr *)&name, &len)));
	sa = addr_of(2);
	jerr("connect", res(rtdm_connect(a, (struct sockaddr *)&sa, sizeof(sa))));
	len = sizeof(name);
	memset(&name, 0, sizeof(name));
	ret = res(rtdm_getpeername(a, (struct sockaddr *)&name, &len));
	jobj("getpeername");
	jerr("ret", ret);
	jint("port", name.rttst_port);
	jend();
	n = rtdm_send(a, "connected", 9, 0);
	jerr("send_connected", n < 0 ? -errno : (int)n);
	n = rtdm_recv(b, buf, sizeof(buf), 0);
	jint("recv_connected_ok", n == 9 && !memcmp(buf, "connected", 9));
	n = rtdm_send(c, "x", 1, 0);
	jerr("send_unconnected", n < 0 ? -errno : (int)n);

	/* Truncation: a 10-byte datagram into a 4-byte buffer. */
	send_to(b, 1, "0123456789", 10, 0);
	{
		struct iovec iov = { buf, 4 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		n = rtdm_recvmsg(a, &mh, 0);
		jobj("truncated");
		jerr("ret", res(n));
		jint("bytes", n);
		jint("msg_trunc", !!(mh.msg_flags & MSG_TRUNC));
		jend();
	}
	/* Scatter: two iovecs gather one datagram. */
	{
		struct iovec iov[2] = { { buf, 3 }, { buf + 3, 7 } };
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

		send_to(b, 1, "abcdefghij", 10, 0);
		n = rtdm_recvmsg(a, &mh, 0);
		jint("scatter_ok", n == 10 && !memcmp(buf, "abcdefghij", 10));
	}

	/* Errors. */
	memset(buf, 'x', sizeof(buf));
	jerr("send_too_big", send_to(b, 1, buf, RTTST_MSG_MAX + 1, 0));
	jerr("send_max", send_to(b, 1, buf, RTTST_MSG_MAX, 0));
	rtdm_recv(a, buf, sizeof(buf), 0);
	jerr("send_unbound_port", send_to(b, 9, "x", 1, 0));
	sa = addr_of(1);
	n = rtdm_sendto(b, "x", 1, 0, (struct sockaddr *)&sa, 3);
	jerr("send_badlen", n < 0 ? -errno : (int)n);
	jarr("fill");
	for (i = 0; i < RTTST_QUEUE_LEN + 1; i++) {
		jkey(NULL);
		ret = send_to(b, 1, "q", 1, 0);
		jraw("%d", ret);
	}
	jarr_end();
	jerr("send_queue_full", send_to(b, 1, "q", 1, 0));
	for (i = 0; i < RTTST_QUEUE_LEN; i++)
		rtdm_recv(a, buf, sizeof(buf), 0);
	jerr("listen", res(rtdm_listen(a, 1)));
	len = sizeof(name);
	jerr("accept", res(rtdm_accept(a, (struct sockaddr *)&name, &len)));
	jerr("shutdown", res(rtdm_shutdown(a, SHUT_RDWR)));

	/* MSG_DONTWAIT on an empty queue. */
	t0 = now_ns();
	n = rtdm_recv(a, buf, sizeof(buf), MSG_DONTWAIT);
	jobj("dontwait");
	jerr("ret", res(n));
	jint("user_ns", now_ns() - t0);
	jend();

	/* SO_RCVTIMEO, RTDM semantics. */
	tmo = tmo_ms * MS;
	jerr("setsockopt",
	     res(rtdm_setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo))));
	jerr("setsockopt_badlen",
	     res(rtdm_setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tmo, 4)));
	jerr("setsockopt_badopt",
	     res(rtdm_setsockopt(a, SOL_SOCKET, SO_SNDBUF, &tmo, sizeof(tmo))));
	tmo = 0;
	len = sizeof(tmo);
	ret = res(rtdm_getsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tmo, &len));
	jobj("getsockopt");
	jerr("ret", ret);
	jint("value", tmo);
	jint("len", len);
	jend();
	t0 = now_ns();
	n = rtdm_recv(a, buf, sizeof(buf), 0);
	jobj("rcvtimeo");
	jerr("ret", res(n));
	jint("timeout_ns", tmo_ms * MS);
	jint("user_ns", now_ns() - t0);
	jend();
	tmo = -1;
	rtdm_setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	t0 = now_ns();
	n = rtdm_recv(a, buf, sizeof(buf), 0);
	jobj("rcvtimeo_nonblock");
	jerr("ret", res(n));
	jint("user_ns", now_ns() - t0);
	jend();

	/* A blocked receiver woken by a sender thread. */
	tmo = 0;
	rtdm_setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	{
		struct sock_sender snd = { b, 1, 50 * MS, 0 };
		pthread_t t = start_thread(sock_send_thread, &snd, SCHED_FIFO,
					   RT_PRIO - 10);

		t0 = now_ns();
		n = rtdm_recv(a, buf, sizeof(buf), 0);
		pthread_join(t, NULL);
		jobj("blocking");
		jerr("ret", res(n));
		jint("data_ok", n == 4 && !memcmp(buf, "late", 4));
		jint("user_ns", now_ns() - t0);
		jint("wake_ns", now_ns() - snd.at);
		jend();
	}

	/* After close, the port is free again. */
	rtdm_close(a);
	jerr("rebind_after_close", bind_port(c, 1));
	rtdm_close(b);
	rtdm_close(c);
	return NULL;
}

static int t_socket(int argc, char **argv)
{
	int64_t tmo_ms = argc > 0 ? atoll(argv[0]) : 20;

	run_main(socket_thread, &tmo_ms);
	return 0;
}

/* ------------------------------------------------------------------ */
/* close while blocked, exclusive open, bad input                     */
/* ------------------------------------------------------------------ */

struct blocked {
	int fd;
	int sock;
	ssize_t ret;
	int err;
	volatile int ready;
	int64_t returned_at;
};

static void *blocked_reader(void *p)
{
	struct blocked *b = p;
	char buf[16];
	int one = 1;

	/* a first call: on EVL it attaches the thread (see warm_up()) */
	if (b->sock)
		rtdm_getsockopt(b->fd, SOL_SOCKET, SO_TYPE, &one,
				&(socklen_t){ sizeof(one) });
	else
		warm_up(b->fd);
	__atomic_store_n(&b->ready, 1, __ATOMIC_RELEASE);
	if (b->sock)
		b->ret = rtdm_recv(b->fd, buf, sizeof(buf), 0);
	else
		b->ret = rtdm_read(b->fd, buf, sizeof(buf));
	b->err = b->ret < 0 ? errno : 0;
	b->returned_at = now_ns();
	return NULL;
}

static void close_blocked(const char *key, int sock, int64_t ms)
{
	struct blocked b = { .sock = sock };
	struct rttst_rw_info cfg = { .read_timeout_ns = 0 };
	int64_t closed_at;
	pthread_t t;
	int ret;

	if (sock) {
		b.fd = new_socket();
		bind_port(b.fd, 5);
	} else {
		b.fd = open_dev(DEV0);
		rtdm_ioctl(b.fd, RTTST_RTIOC_RW_CONFIG, &cfg);
	}
	t = use_other ? start_thread(blocked_reader, &b, SCHED_OTHER, 0) :
		start_thread(blocked_reader, &b, SCHED_FIFO, RT_PRIO);
	wait_ready(&b.ready);
	sleep_ns(ms * MS);
	closed_at = now_ns();
	ret = res(rtdm_close(b.fd));
	pthread_join(t, NULL);
	jobj(key);
	jerr("close", ret);
	jerr("ret", b.ret < 0 ? -b.err : (int)b.ret);
	jint("blocked_ns", ms * MS);
	jint("return_after_close_ns", b.returned_at - closed_at);
	jend();
}

static int t_close_while_blocked(int argc, char **argv)
{
	int64_t ms = argc > 0 ? atoll(argv[0]) : 100;

	close_blocked("read", 0, ms);
	close_blocked("recv", 1, ms);
	return 0;
}

/*
 * Descriptor life cycle: which close shuts an RTDM file. A read blocks
 * with the fd's read timeout (RTTST_RTIOC_RW_CONFIG, 0 = forever).
 */
static int open_timed(int oflags, int64_t timeout_ms)
{
	struct rttst_rw_info cfg = { .read_timeout_ns = timeout_ms * MS };
	int fd = rtdm_open(DEV0, O_RDWR | oflags);

	if (fd < 0)
		die("open %s: %s", DEV0, strerror(errno));
	if (rtdm_ioctl(fd, RTTST_RTIOC_RW_CONFIG, &cfg))
		die("RW_CONFIG: %s", strerror(errno));
	return fd;
}

static void timed_read(const char *key, int fd, int64_t *took)
{
	uint64_t buf[2];
	int64_t t0 = now_ns();
	int ret = res(rtdm_read(fd, buf, sizeof(buf)));

	*took = now_ns() - t0;
	jerr(key, ret);
}

static void child_closes(int fd, int64_t delay_ms, int exec)
{
	sleep_ns(delay_ms * MS);
	if (exec) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	close(fd);
	_exit(0);
}

/* After fork, the child closes its copy (or execs with O_CLOEXEC) while
 * the single-threaded parent is blocked in read(): the parent's file
 * stays open. */
static void fdlife_fork(const char *key, int exec)
{
	int fd = open_timed(exec ? O_CLOEXEC : 0, 400);
	int64_t took;
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0)
		child_closes(fd, 100, exec);
	jobj(key);
	timed_read("read", fd, &took);
	jint("read_ns", took);
	jerr("ioctl_after", res(rtdm_ioctl(fd, RTTST_RTIOC_EVENT_SIGNAL)));
	waitpid(pid, &st, 0);
	jint("child_status", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	jend();
	close(fd);
}

/* The parent closes its copy while the single-threaded child is blocked:
 * the child's file stays open. */
static void fdlife_parent_closes(const char *key)
{
	int fd = open_timed(0, 400), st;
	uint64_t buf[2];
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		int64_t t0 = now_ns(), took;
		int ret = res(rtdm_read(fd, buf, sizeof(buf)));

		took = now_ns() - t0;
		/* 0: timed out after 400 ms as it should; 1: EBADF; 2: else */
		_exit(ret == -ETIMEDOUT && took >= 390 * MS ? 0 :
		      ret == -EBADF ? 1 : 2);
	}
	sleep_ns(100 * MS);
	jobj(key);
	jerr("close", res(close(fd)));
	waitpid(pid, &st, 0);
	jint("child_status", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	jend();
}

struct fdlife_reader {
	int fd;
	int ret;
	volatile int ready;
	volatile int done;
	int64_t returned_at;
};

static void *fdlife_read_thread(void *p)
{
	struct fdlife_reader *r = p;
	uint64_t buf[2];

	warm_up(r->fd);
	__atomic_store_n(&r->ready, 1, __ATOMIC_RELEASE);
	r->ret = res(rtdm_read(r->fd, buf, sizeof(buf)));
	r->returned_at = now_ns();
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A thread blocks in read() on fd; the process drops one descriptor of
 * the file (close, or dup2 over it) while a dup of it remains: the thread
 * stays blocked and the dup works; dropping the last one wakes it (EBADF).
 */
static void fdlife_dup(const char *key, int use_dup2)
{
	struct fdlife_reader r = { .fd = open_timed(0, 0) };
	int fd2 = dup(r.fd), null = open("/dev/null", O_RDONLY);
	int64_t dropped_at;
	pthread_t t;

	t = start_thread(fdlife_read_thread, &r, SCHED_FIFO, RT_PRIO);
	wait_ready(&r.ready);
	sleep_ns(100 * MS);
	jobj(key);
	jerr(use_dup2 ? "dup2_first" : "close_first",
	     use_dup2 ? res(dup2(null, r.fd)) : res(close(r.fd)));
	sleep_ns(100 * MS);
	jint("blocked_after_first", !__atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	jerr("ioctl_on_dup", res(rtdm_ioctl(fd2, RTTST_RTIOC_EVENT_CLEAR)));
	dropped_at = now_ns();
	jerr(use_dup2 ? "dup2_last" : "close_last",
	     use_dup2 ? res(dup2(null, fd2)) : res(close(fd2)));
	pthread_join(t, NULL);
	jerr("read", r.ret);
	jint("return_after_last_ns", r.returned_at - dropped_at);
	jend();
	close(null);
	if (use_dup2) {
		close(r.fd);
		close(fd2);
	}
}

/* A driver-held reference (rtdm_fd_lock()) is not a descriptor: closing
 * one of two descriptors leaves the file open. */
static void fdlife_lock(const char *key)
{
	int fd = open_timed(0, 0), fd2;

	jobj(key);
	jerr("hold", res(rtdm_ioctl(fd, RTTST_RTIOC_FD_HOLD)));
	fd2 = dup(fd);
	jerr("close_first", res(close(fd)));
	jerr("ioctl_on_dup", res(rtdm_ioctl(fd2, RTTST_RTIOC_EVENT_CLEAR)));
	jerr("release", res(rtdm_ioctl(fd2, RTTST_RTIOC_FD_RELEASE)));
	jerr("close_last", res(close(fd2)));
	jend();
}

static int t_fd_life(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fdlife_fork("fork_child_closes", 0);
	fdlife_fork("fork_child_execs_cloexec", 1);
	fdlife_parent_closes("fork_parent_closes");
	fdlife_dup("dup_close", 0);
	fdlife_dup("dup2_over", 1);
	fdlife_lock("lock_dup");
	return 0;
}

/*
 * A driver reference outlives the file: /proc/rtdm/fds still lists the
 * context, with the flags the file had, until the reference is dropped.
 */
static void fds_line(const char *key, int minor_pid)
{
	char line[256], want[32], found[256] = "";
	FILE *f = fopen("/proc/rtdm/fds", "r");

	snprintf(want, sizeof(want), "rtdmtest1 1 %d ", minor_pid);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want))) {
			line[strcspn(line, "\n")] = 0;
			snprintf(found, sizeof(found), "%s", line);
		}
	if (f)
		fclose(f);
	jstr(key, found);
}

static int t_hold_close(int argc, char **argv)
{
	int fd = rtdm_open("/dev/rtdm/rtdmtest1", O_RDWR | O_NONBLOCK), fd0;

	(void)argc;
	(void)argv;
	if (fd < 0)
		die("open rtdmtest1: %s", strerror(errno));
	jint("oflags", O_RDWR | O_NONBLOCK);
	fds_line("open", getpid());
	jerr("hold", res(rtdm_ioctl(fd, RTTST_RTIOC_FD_HOLD)));
	jerr("close", res(close(fd)));
	fds_line("closed_held", getpid());
	fd0 = open_dev(DEV0);
	jerr("release", res(rtdm_ioctl(fd0, RTTST_RTIOC_FD_RELEASE)));
	fds_line("released", getpid());
	close(fd0);
	return 0;
}

/*
 * Blocks a reader on @dev (no timeout) and reports what it returns once
 * the device goes away (sysfs unbind from the outside, after <ready>
 * appears), then what later calls on the fd return.
 */
static int t_block_read(int argc, char **argv)
{
	struct fdlife_reader r = { 0 };
	struct rttst_rw_info cfg = { .read_timeout_ns = 0 };
	const char *dev = argc > 0 ? argv[0] : DEV0;
	const char *ready = argc > 1 ? argv[1] : NULL;
	int64_t max_ms = argc > 2 ? atoll(argv[2]) : 10000, t0;
	pthread_t t;
	int i;

	r.fd = open_dev(dev);
	rtdm_ioctl(r.fd, RTTST_RTIOC_RW_CONFIG, &cfg);
	t = start_thread(fdlife_read_thread, &r, SCHED_FIFO, RT_PRIO);
	wait_ready(&r.ready);
	sleep_ns(50 * MS);
	if (ready) {
		i = open(ready, O_CREAT | O_WRONLY, 0644);
		if (i >= 0)
			close(i);
	}
	t0 = now_ns();
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) &&
	       now_ns() - t0 < max_ms * MS)
		sleep_ns(MS);
	jint("returned", __atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	if (r.done) {
		pthread_join(t, NULL);
		jerr("read", r.ret);
		jint("blocked_ns", r.returned_at - t0);
	}
	jerr("ioctl_after", res(rtdm_ioctl(r.fd, RTTST_RTIOC_EVENT_SIGNAL)));
	jerr("read_after", res(rtdm_read(r.fd, (uint64_t[2]){ 0 }, 16)));
	jerr("close", res(close(r.fd)));
	return 0;
}

/*
 * poll() on a named device: readable once its event is signalled (by
 * another thread after @ms), POLLNVAL once closed. With libevl, the same
 * through evl_poll() from a thread attached to EVL (out-of-band poll).
 */
static void *poll_signaller(void *p)
{
	struct signaller *s = p;

	warm_up(s->fd);
	sleep_ns(s->delay);
	s->at = now_ns();
	rtdm_ioctl(s->fd, s->req);
	return NULL;
}

static void poll_run(const char *key, int fd, int64_t ms, int evl)
{
	struct signaller s = { fd, RTTST_RTIOC_EVENT_SIGNAL, ms * MS, 0 };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t t0, t1;
	pthread_t t;
	int ret;

	rtdm_ioctl(fd, RTTST_RTIOC_EVENT_CLEAR);
	jobj(key);
#ifdef RTDM_EVL
	int efd = -1;
	struct evl_poll_event ev;

	if (evl) {
		efd = evl_new_poll();
		jerr("new_poll", efd < 0 ? efd : 0);
		jerr("add_pollfd", evl_add_pollfd(efd, fd, POLLIN, evl_nil));
		struct timespec now;

		/* deadline now: a poll that does not wait (0 is infinite) */
		evl_read_clock(EVL_CLOCK_MONOTONIC, &now);
		ret = evl_timedpoll(efd, &ev, 1, &now);
		jint("idle", ret == -ETIMEDOUT ? 0 : ret);
	} else
#else
	(void)evl;
#endif
	{
		ret = poll(&pfd, 1, 0);
		jint("idle", ret);
	}
	t = start_thread(poll_signaller, &s, SCHED_FIFO, RT_PRIO - 10);
	t0 = now_ns();
#ifdef RTDM_EVL
	if (evl) {
		struct timespec dl;

		evl_read_clock(EVL_CLOCK_MONOTONIC, &dl);
		dl.tv_sec += 5;
		ret = evl_timedpoll(efd, &ev, 1, &dl);
		t1 = now_ns();
		jint("ready", ret);
		jint("pollin", ret == 1 && (ev.events & POLLIN) &&
		     (int)ev.fd == fd);
	} else
#endif
	{
		ret = poll(&pfd, 1, 5000);
		t1 = now_ns();
		jint("ready", ret);
		jint("pollin", ret == 1 && (pfd.revents & POLLIN));
	}
	pthread_join(t, NULL);
	jint("waited_ns", t1 - t0);
	jint("wake_ns", t1 - s.at);
	jint("delay_ns", ms * MS);
#ifdef RTDM_EVL
	if (efd >= 0)
		close(efd);
#endif
	jend();
}

static void *poll_thread(void *p)
{
	struct ev_arg *a = p;
	struct pollfd pfd;

	warm_up(a->fd);
	poll_run("poll", a->fd, a->ms, 0);
#ifdef RTDM_EVL
	jint("built_with_evl", 1);
	poll_run("evl_poll", a->fd, a->ms, 1);
#else
	jint("built_with_evl", 0);
#endif
	/* a closed descriptor: POLLNVAL */
	pfd.fd = a->fd;
	pfd.events = POLLIN;
	rtdm_close(a->fd);
	jint("closed_revents", poll(&pfd, 1, 0) == 1 ? pfd.revents : -1);
	return NULL;
}

static int t_poll(int argc, char **argv)
{
	struct ev_arg a = { .fd = open_dev(DEV0), .ms = 50 };

	if (argc > 0)
		a.ms = atoll(argv[0]);
	run_main(poll_thread, &a);
	return 0;
}

static int t_exclusive(int argc, char **argv)
{
	int a, b, c;

	(void)argc;
	(void)argv;
	a = rtdm_open(DEV_EXCL, O_RDWR);
	jerr("first", res(a));
	b = rtdm_open(DEV_EXCL, O_RDWR);
	jerr("second", res(b));
	if (b >= 0)
		rtdm_close(b);
	/* Non-exclusive devices open any number of times. */
	b = rtdm_open(DEV0, O_RDWR);
	c = rtdm_open(DEV0, O_RDWR);
	jerr("shared_second", res(c));
	if (b >= 0)
		rtdm_close(b);
	if (c >= 0)
		rtdm_close(c);
	if (a >= 0)
		rtdm_close(a);
	a = rtdm_open(DEV_EXCL, O_RDWR);
	jerr("after_close", res(a));
	if (a >= 0)
		rtdm_close(a);
	return 0;
}

#define BADIOC(key, fd, req, arg) jerr(key, res(rtdm_ioctl(fd, req, arg)))

static int t_badinput(int argc, char **argv)
{
	int fd = open_dev(DEV0), s;
	struct rttst_timer_periodic tp;
	struct rttst_task_periodic kp;
	struct rttst_latency *lat = calloc(1, sizeof(*lat));
	struct rttst_mmap mm;
	struct rttst_irq irq;
	struct rttst_nrtsig ns;
	struct rttst_mutex mx;
	struct rttst_sleep sl;
	struct rttst_timer_oneshot os;
	struct rttst_irq_trigger tr = { .count = 1 };
	struct rttst_rw_info cfg = { .read_timeout_ns = -1 };
	struct sockaddr_rttst sa;
	char buf[128];
	ssize_t n;

	(void)argc;
	(void)argv;
	if (!lat)
		die("out of memory");

	BADIOC("which_null", fd, RTTST_RTIOC_WHICH, NULL);
	BADIOC("which_garbage", fd, RTTST_RTIOC_WHICH, (void *)8);
	BADIOC("wait_null", fd, RTTST_RTIOC_EVENT_WAIT, NULL);
	BADIOC("periodic_null", fd, RTTST_RTIOC_TIMER_PERIODIC, NULL);
	BADIOC("latency_null", fd, RTTST_RTIOC_LATENCY, NULL);
	BADIOC("unknown", fd, _IO(RTDM_CLASS_TESTING, 0x7f), NULL);
	BADIOC("unknown_type", fd, _IO('x', 0x50), NULL);
	BADIOC("wrong_size", fd, _IOWR(RTDM_CLASS_TESTING, 0x50, buf), buf);

	memset(&tp, 0, sizeof(tp));
	tp.count = 10;
	BADIOC("period_zero", fd, RTTST_RTIOC_TIMER_PERIODIC, &tp);
	tp.period_ns = MS;
	tp.count = 0;
	BADIOC("count_zero", fd, RTTST_RTIOC_TIMER_PERIODIC, &tp);
	tp.count = 0x7fffffff;
	BADIOC("count_huge", fd, RTTST_RTIOC_TIMER_PERIODIC, &tp);
	tp.period_ns = -MS;
	tp.count = 10;
	BADIOC("period_negative", fd, RTTST_RTIOC_TIMER_PERIODIC, &tp);

	memset(&kp, 0, sizeof(kp));
	kp.period_ns = MS;
	kp.count = 10;
	kp.prio = 0;
	BADIOC("task_prio_zero", fd, RTTST_RTIOC_TASK_PERIODIC, &kp);
	kp.prio = 100;
	BADIOC("task_prio_100", fd, RTTST_RTIOC_TASK_PERIODIC, &kp);

	lat->period_ns = MS;
	lat->samples = 0;
	BADIOC("latency_samples_zero", fd, RTTST_RTIOC_LATENCY, lat);
	lat->samples = 100;
	lat->period_ns = 0;
	BADIOC("latency_period_zero", fd, RTTST_RTIOC_LATENCY, lat);
	lat->period_ns = MS;
	lat->mode = 7;
	BADIOC("latency_mode", fd, RTTST_RTIOC_LATENCY, lat);

	memset(&mm, 0, sizeof(mm));
	mm.len = 1000;
	BADIOC("mmap_len_unaligned", fd, RTTST_RTIOC_MMAP, &mm);
	mm.len = 2 * RTTST_MMAP_MAX;
	BADIOC("mmap_len_huge", fd, RTTST_RTIOC_MMAP, &mm);
	mm.len = 0;
	BADIOC("mmap_len_zero", fd, RTTST_RTIOC_MMAP, &mm);
	mm.len = getpagesize();
	mm.kind = 5;
	BADIOC("mmap_kind", fd, RTTST_RTIOC_MMAP, &mm);
	BADIOC("munmap_unmapped", fd, RTTST_RTIOC_MUNMAP, NULL);

	memset(&irq, 0, sizeof(irq));
	BADIOC("irq_count_zero", fd, RTTST_RTIOC_IRQ, &irq);
	BADIOC("irq_trigger_unattached", fd, RTTST_RTIOC_IRQ_TRIGGER, &tr);
	BADIOC("irq_detach_unattached", fd, RTTST_RTIOC_IRQ_DETACH, NULL);
	memset(&ns, 0, sizeof(ns));
	BADIOC("nrtsig_count_zero", fd, RTTST_RTIOC_NRTSIG, &ns);
	memset(&mx, 0, sizeof(mx));
	mx.holder_prio = 10;
	BADIOC("mutex_hold_zero", fd, RTTST_RTIOC_MUTEX_TEST, &mx);
	memset(&sl, 0, sizeof(sl));
	sl.delay_ns = MS;
	sl.mode = 9;
	BADIOC("sleep_mode", fd, RTTST_RTIOC_TASK_SLEEP, &sl);
	sl.mode = RTTST_SLEEP_REL;
	sl.delay_ns = 0;
	BADIOC("sleep_zero", fd, RTTST_RTIOC_TASK_SLEEP, &sl);
	memset(&os, 0, sizeof(os));
	os.delay_ns = MS;
	os.mode = 3;
	BADIOC("oneshot_mode", fd, RTTST_RTIOC_TIMER_ONESHOT, &os);

	/* read/write */
	jerr("write_zero", res(rtdm_write(fd, buf, 0)));
	jerr("write_too_big", res(rtdm_write(fd, buf, RTTST_WBUF_SIZE + 1)));
	jerr("write_null", res(rtdm_write(fd, NULL, 8)));
	jerr("write_garbage", res(rtdm_write(fd, (void *)8, 8)));
	jerr("read_short", res(rtdm_read(fd, buf, 4)));
	rtdm_ioctl(fd, RTTST_RTIOC_RW_CONFIG, &cfg);
	jerr("read_nonblock", res(rtdm_read(fd, buf, 8)));
	rtdm_ioctl(fd, RTTST_RTIOC_EVENT_SIGNAL);
	jerr("read_null", res(rtdm_read(fd, NULL, 8)));

	/* Opening and sockets */
	jerr("open_nonexistent", res(rtdm_open("/dev/rtdm/nonexistent", O_RDWR)));
	s = rtdm_socket(RTTST_AF + 1, SOCK_DGRAM, 0);
	jerr("socket_no_family", res(s));
	if (s >= 0)
		rtdm_close(s);
	s = rtdm_socket(RTTST_AF, SOCK_STREAM, 0);
	jerr("socket_no_type", res(s));
	if (s >= 0)
		rtdm_close(s);
	s = rtdm_socket(RTTST_AF, SOCK_DGRAM, 5);
	jerr("socket_bad_protocol", res(s));
	if (s >= 0)
		rtdm_close(s);
	s = new_socket();
	jerr("bind_null", res(rtdm_bind(s, NULL, sizeof(sa))));
	jerr("bind_garbage", res(rtdm_bind(s, (void *)8, sizeof(sa))));
	n = rtdm_sendto(s, NULL, 8, 0, NULL, 0);
	jerr("send_no_dest", n < 0 ? -errno : (int)n);
	sa = addr_of(0);
	n = rtdm_sendto(s, (void *)8, 8, 0, (struct sockaddr *)&sa, sizeof(sa));
	jerr("send_garbage_buf", n < 0 ? -errno : (int)n);
	jerr("setsockopt_null", res(rtdm_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO,
						    NULL, 8)));
	BADIOC("sock_ioctl_unknown", s, _IO(RTDM_CLASS_TESTING, 0x50), NULL);
	rtdm_close(s);
	rtdm_close(fd);
	jerr("ioctl_after_close", res(rtdm_ioctl(fd, RTTST_RTIOC_EVENT_SIGNAL)));
	free(lat);
	return 0;
}

/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} subtests[] = {
	{ "which", t_which, "" },
	{ "fallback", t_fallback, "" },
	{ "event-timeout", t_event_timeout, "[timeout_ms]" },
	{ "event-signal", t_event_signal, "[delay_ms]" },
	{ "sem", t_sem, "[timeout_ms]" },
	{ "mutex", t_mutex, "[hold_ms]" },
	{ "timer-oneshot", t_timer_oneshot, "[delay_ms]" },
	{ "timer-periodic", t_timer_periodic, "[period_us count]" },
	{ "task-periodic", t_task_periodic, "[period_us count prio]" },
	{ "sleep", t_sleep, "[ms]" },
	{ "nrtsig", t_nrtsig, "[count period_us]" },
	{ "irq", t_irq, "[count]" },
	{ "hold", t_hold, "<ms> [irq <n>] [ready <file>]" },
	{ "mmap", t_mmap, "[pages]" },
	{ "mmap-fd", t_mmap_fd, "[pages]" },
	{ "latency", t_latency, "[period_us samples timer|task]" },
	{ "socket", t_socket, "[rcvtimeo_ms]" },
	{ "close-while-blocked", t_close_while_blocked, "[ms]" },
	{ "fd-life", t_fd_life, "" },
	{ "poll", t_poll, "[delay_ms]" },
	{ "hold-close", t_hold_close, "" },
	{ "block-read", t_block_read, "[dev [ready-file [max_ms]]]" },
	{ "timer-self", t_timer_self, "[period_us count]" },
	{ "exclusive", t_exclusive, "" },
	{ "badinput", t_badinput, "" },
};

static void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: rtdm-core-test [-o] <subtest> [args]\n");
	for (i = 0; i < sizeof(subtests) / sizeof(subtests[0]); i++)
		fprintf(stderr, "  %s %s\n", subtests[i].name,
			subtests[i].usage);
	exit(2);
}

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "-o")) {
		use_other = 1;
		argc--;
		argv++;
	}
	if (argc < 2)
		usage();

	for (i = 0; i < sizeof(subtests) / sizeof(subtests[0]); i++) {
		if (strcmp(argv[1], subtests[i].name))
			continue;
		jraw("{");
		jstr("subtest", argv[1]);
		jstr("thread", use_other ? "other" : "fifo");
		ret = subtests[i].fn(argc - 2, argv + 2);
		if (ret == 0) {
			jraw("}");
			jflush();
		}
		return 0;
	}
	usage();
	return 2;
}
