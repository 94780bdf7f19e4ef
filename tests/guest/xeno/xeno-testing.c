// SPDX-License-Identifier: GPL-2.0
/*
 * xeno-testing: drives /dev/rtdm/timerbench (timerbench.ko) through
 * Xenomai 3's testing-profile requests the way Xenomai's `latency -t1/-t2`
 * does, built like it with nothing but `rtdm-config --skin=posix
 * --cflags/--ldflags` and the headers it includes (<xeno_config.h>,
 * <rtdm/testing.h>, <boilerplate/trace.h>, <xenomai/init.h>).
 *
 *   xeno-testing run task|handler PERIOD_US SECONDS
 *       a SCHED_OTHER display thread starts the sampler
 *       (RTTST_RTIOC_TMBENCH_START) and collects SECONDS per-second
 *       results (RTTST_RTIOC_INTERM_BENCH_RES); a second thread then
 *       waits for one more while the main thread stops the sampler
 *       (RTTST_RTIOC_TMBENCH_STOP) and reads the overall result and the
 *       histograms
 *   xeno-testing errors
 *       bad configurations, bad pointers, requests out of order
 *
 * Each prints one JSON object; the test asserts on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <xeno_config.h>
#include <rtdm/testing.h>
#include <boilerplate/trace.h>
#include <xenomai/init.h>

#define HIST_CELLS	300
#define BUCKET_NS	1000
#define MAX_SECONDS	30

static int32_t hist_avg[HIST_CELLS], hist_min[HIST_CELLS], hist_max[HIST_CELLS];

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

static int open_bench(void)
{
	int fd = open("/dev/rtdm/timerbench", O_RDWR);

	if (fd < 0)
		fail("open /dev/rtdm/timerbench");
	return fd;
}

static void default_config(struct rttst_tmbench_config *c, int mode,
			   long long period_ns)
{
	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->priority = 99;
	c->period = period_ns;
	c->warmup_loops = 1;		/* latency's WARMUP_TIME */
	c->histogram_size = HIST_CELLS;
	c->histogram_bucketsize = BUCKET_NS;
	c->freeze_max = 0;
}

/* errno of a request, 0 on success */
static int req(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) ? errno : 0;
}

static void print_res(const char *name, const struct rttst_bench_res *r)
{
	printf("\"%s\": {\"min\": %d, \"avg\": %d, \"max\": %d, \"overruns\": %d, "
	       "\"test_loops\": %d}", name, r->min, r->avg, r->max, r->overruns,
	       r->test_loops);
}

struct run {
	int fd;
	int mode;
	long long period_ns;
	int seconds;
	int start_err;
	int got;
	struct rttst_interm_bench_res res[MAX_SECONDS];
	int err[MAX_SECONDS];
	uint64_t at[MAX_SECONDS];
	uint64_t started;
};

/* latency.c's display(): start, then one result per second. */
static void *display(void *arg)
{
	struct run *r = arg;
	struct rttst_tmbench_config config;
	int i;

	default_config(&config, r->mode, r->period_ns);
	r->started = now_ns();
	r->start_err = req(r->fd, RTTST_RTIOC_TMBENCH_START, &config);
	if (r->start_err)
		return NULL;

	for (i = 0; i < r->seconds; i++) {
		r->err[i] = req(r->fd, RTTST_RTIOC_INTERM_BENCH_RES, &r->res[i]);
		r->at[i] = now_ns();
		r->got++;
		if (r->err[i])
			break;
	}
	return NULL;
}

struct waiter {
	int fd;
	int err;
	uint64_t at;
};

static void *wait_one(void *arg)
{
	struct waiter *w = arg;
	struct rttst_interm_bench_res res;

	w->err = req(w->fd, RTTST_RTIOC_INTERM_BENCH_RES, &res);
	w->at = now_ns();
	return NULL;
}

static long long sum(const int32_t *h)
{
	long long s = 0;
	int i;

	for (i = 0; i < HIST_CELLS; i++)
		s += h[i];
	return s;
}

/* Index of the first and last non-empty cell, -1 if empty. */
static void span(const int32_t *h, int *first, int *last)
{
	int i;

	*first = *last = -1;
	for (i = 0; i < HIST_CELLS; i++) {
		if (!h[i])
			continue;
		if (*first < 0)
			*first = i;
		*last = i;
	}
}

static int cmd_run(const char *mode, long long period_us, int seconds)
{
	struct rttst_overall_bench_res overall;
	struct rtdm_device_info info;
	struct sched_param sp = { .sched_priority = 0 };
	struct waiter w = { 0 };
	pthread_attr_t attr;
	pthread_t t, tw;
	struct run r;
	uint64_t stop_at;
	int i, stop_err, f, l;

	memset(&r, 0, sizeof(r));
	if (seconds < 1 || seconds > MAX_SECONDS)
		seconds = 3;
	r.fd = open_bench();
	r.mode = strcmp(mode, "task") ? RTTST_TMBENCH_HANDLER : RTTST_TMBENCH_TASK;
	r.period_ns = period_us * 1000;
	r.seconds = seconds;

	if (ioctl(r.fd, RTIOC_DEVICE_INFO, &info))
		fail("RTIOC_DEVICE_INFO");

	/* as latency.c: the display thread is SCHED_OTHER */
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
	pthread_attr_setschedparam(&attr, &sp);
	if (pthread_create(&t, &attr, display, &r))
		fail("pthread_create");
	pthread_join(t, NULL);

	/* one more waiter, released by the stop */
	w.fd = r.fd;
	w.err = -1;
	if (!r.start_err) {
		if (pthread_create(&tw, &attr, wait_one, &w))
			fail("pthread_create");
		/* after the next second's publication, well before the one after */
		usleep(300000);
	}

	memset(&overall, 0, sizeof(overall));
	overall.histogram_avg = hist_avg;
	overall.histogram_min = hist_min;
	overall.histogram_max = hist_max;
	stop_at = now_ns();
	stop_err = req(r.fd, RTTST_RTIOC_TMBENCH_STOP, &overall);
	if (!r.start_err)
		pthread_join(tw, NULL);

	printf("{\"mode\": \"%s\", \"period_ns\": %lld, \"device\": {\"class\": %d, "
	       "\"subclass\": %d, \"profile\": %d}, \"start_err\": %d, \"interm\": [",
	       mode, r.period_ns, info.device_class, info.device_sub_class,
	       info.profile_version, r.start_err);
	for (i = 0; i < r.got; i++) {
		printf("%s{\"err\": %d, \"at_ms\": %.3f, ", i ? ", " : "", r.err[i],
		       (double)(r.at[i] - r.started) / 1e6);
		print_res("last", &r.res[i].last);
		printf(", ");
		print_res("overall", &r.res[i].overall);
		printf("}");
	}
	printf("], \"waiter\": {\"err\": %d, \"after_stop_ms\": %.3f}, ", w.err,
	       w.at ? ((double)w.at - (double)stop_at) / 1e6 : -1.0);
	printf("\"stop_err\": %d, ", stop_err);
	print_res("overall", &overall.result);
	printf(", \"hist\": {\"cells\": %d, \"bucket_ns\": %d", HIST_CELLS, BUCKET_NS);
	span(hist_min, &f, &l);
	printf(", \"min\": {\"sum\": %lld, \"first\": %d, \"last\": %d}", sum(hist_min), f, l);
	span(hist_avg, &f, &l);
	printf(", \"avg\": {\"sum\": %lld, \"first\": %d, \"last\": %d}", sum(hist_avg), f, l);
	span(hist_max, &f, &l);
	printf(", \"max\": {\"sum\": %lld, \"first\": %d, \"last\": %d}}", sum(hist_max), f, l);
	/* after the stop, a result request finds no sampler */
	printf(", \"interm_after_stop\": %d}\n",
	       req(r.fd, RTTST_RTIOC_INTERM_BENCH_RES, &r.res[0]));

	close(r.fd);
	return 0;
}

/* One START with @c, stopped again if it was accepted: its errno. */
static int try_start(int fd, struct rttst_tmbench_config *c)
{
	struct rttst_overall_bench_res o;
	int err = req(fd, RTTST_RTIOC_TMBENCH_START, c);

	if (!err) {
		memset(&o, 0, sizeof(o));
		req(fd, RTTST_RTIOC_TMBENCH_STOP, &o);
	}
	return err;
}

static int cmd_errors(void)
{
	struct rttst_tmbench_config c;
	struct rttst_overall_bench_res o;
	struct rttst_interm_bench_res ir;
	int fd = open_bench();
	int first = 1;

#define OUT(name, val) \
	do { \
		printf("%s\"%s\": %d", first ? "{" : ", ", name, val); \
		first = 0; \
	} while (0)
#define BAD(name, field, value) \
	do { \
		default_config(&c, RTTST_TMBENCH_TASK, 1000000); \
		c.field = value; \
		OUT(name, try_start(fd, &c)); \
	} while (0)

	memset(&o, 0, sizeof(o));
	OUT("stop_without_start", req(fd, RTTST_RTIOC_TMBENCH_STOP, &o));
	OUT("interm_without_start", req(fd, RTTST_RTIOC_INTERM_BENCH_RES, &ir));
	OUT("unknown_request", req(fd, _IOWR(RTIOC_TYPE_TESTING, 0x12, int), &first));

	BAD("mode_7", mode, 7);
	BAD("mode_-1", mode, -1);
	BAD("period_0", period, 0);
	BAD("period_1us", period, 1000);
	BAD("period_2s", period, 2000000000ULL);
	BAD("priority_100", priority, 100);
	BAD("priority_-1", priority, -1);
	BAD("warmup_-1", warmup_loops, -1);
	BAD("histogram_size_-1", histogram_size, -1);
	BAD("histogram_size_huge", histogram_size, 1 << 30);
	BAD("bucketsize_0", histogram_bucketsize, 0);
	BAD("bucketsize_-5", histogram_bucketsize, -5);
	/* valid ones */
	BAD("priority_0", priority, 0);
	BAD("no_histogram_bucket_0", histogram_size, 0);
	default_config(&c, RTTST_TMBENCH_HANDLER, 1000000);
	c.priority = -1;	/* not a task: the priority is not used */
	OUT("handler_priority_-1", try_start(fd, &c));

	OUT("start_null", req(fd, RTTST_RTIOC_TMBENCH_START, NULL));
	OUT("start_unmapped", req(fd, RTTST_RTIOC_TMBENCH_START, (void *)16));

	/* second start while running; stop with bad pointers */
	default_config(&c, RTTST_TMBENCH_HANDLER, 1000000);
	OUT("start", req(fd, RTTST_RTIOC_TMBENCH_START, &c));
	OUT("start_again", req(fd, RTTST_RTIOC_TMBENCH_START, &c));
	OUT("interm_null", req(fd, RTTST_RTIOC_INTERM_BENCH_RES, NULL));
	OUT("stop_null", req(fd, RTTST_RTIOC_TMBENCH_STOP, NULL));
	/* the bad stop stopped it all the same */
	OUT("stop_after_bad_stop", req(fd, RTTST_RTIOC_TMBENCH_STOP, &o));

	OUT("restart", req(fd, RTTST_RTIOC_TMBENCH_START, &c));
	memset(&o, 0, sizeof(o));
	o.histogram_avg = hist_avg;
	o.histogram_min = (int32_t *)16;
	o.histogram_max = hist_max;
	OUT("stop_bad_histogram", req(fd, RTTST_RTIOC_TMBENCH_STOP, &o));
	OUT("stop_bad_histogram_result_min", o.result.min);
	OUT("stop_again", req(fd, RTTST_RTIOC_TMBENCH_STOP, &o));

	/* without histograms, the pointers are not touched */
	c.histogram_size = 0;
	OUT("start_no_histogram", req(fd, RTTST_RTIOC_TMBENCH_START, &c));
	memset(&o, 0, sizeof(o));
	o.histogram_avg = o.histogram_min = o.histogram_max = (int32_t *)16;
	OUT("stop_no_histogram", req(fd, RTTST_RTIOC_TMBENCH_STOP, &o));

	/* close while running: the next open starts afresh */
	default_config(&c, RTTST_TMBENCH_TASK, 1000000);
	OUT("start_then_close", req(fd, RTTST_RTIOC_TMBENCH_START, &c));
	close(fd);
	fd = open_bench();
	OUT("stop_after_reopen", req(fd, RTTST_RTIOC_TMBENCH_STOP, &o));
	close(fd);

	/* the tracer calls latency -f makes do nothing */
	xntrace_latpeak_freeze(0);
	OUT("trace_freeze", xntrace_user_freeze(0, 1));
	OUT("default_period", CONFIG_XENO_DEFAULT_PERIOD);
	printf(", \"program\": \"%s\"}\n", get_program_name());
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "run") &&
	    (!strcmp(argv[2], "task") || !strcmp(argv[2], "handler")))
		return cmd_run(argv[2], atoll(argv[3]), atoi(argv[4]));
	if (argc == 2 && !strcmp(argv[1], "errors"))
		return cmd_errors();
	fprintf(stderr, "usage: xeno-testing run task|handler PERIOD_US SECONDS | errors\n");
	return 2;
}
