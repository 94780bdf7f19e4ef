// SPDX-License-Identifier: GPL-2.0
/*
 * latency - timer latency benchmark, after Xenomai's tool of the same name.
 *
 *   -t0  a SCHED_FIFO user thread sleeping on absolute CLOCK_MONOTONIC dates
 *   -t1  an RTDM kernel task (rtdm_task_wait_period), via rtdmtest.ko
 *   -t2  an RTDM timer handler, via rtdmtest.ko
 *
 * Every second it prints the min/avg/max lateness of the wake-ups of that
 * second (RTD lines, microseconds), and a summary (RTS) at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <rtdm/uapi/testing.h>

#define HIST_CELLS_MAX	RTTST_LAT_BUCKETS

static const char *const mode_names[] = {
	"periodic user-mode task",
	"in-kernel periodic task",
	"in-kernel timer handler",
};

static struct {
	long period_ns;
	int duration;		/* seconds, 0 = until interrupted */
	int mode;
	int prio;
	int cpu;
	int lines;
	int quiet;
	int histogram;
	int stats;
	long bucket_ns;
	long max_us;
} opt = {
	.period_ns = 1000000,
	.mode = 0,
	.prio = 99,
	.cpu = -1,
	.lines = 21,
	.bucket_ns = RTTST_LAT_BUCKET_NS,
};

static volatile sig_atomic_t stop;

/* Totals over the whole run (ns). */
static int64_t gmin = INT64_MAX, gmax = INT64_MIN;
static double gsum;
static uint64_t gsamples, goverruns;
static uint32_t hist[HIST_CELLS_MAX], hist_overflow;

struct second {
	int64_t min, max;
	double sum;
	uint32_t samples, overruns;
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: latency [options]\n"
		"  -p <us>    sampling period (default 1000)\n"
		"  -T <s>     duration in seconds (default: until ^C)\n"
		"  -t <0|1|2> 0 user task, 1 in-kernel task, 2 in-kernel timer handler\n"
		"  -P <prio>  priority 1..99 (default 99)\n"
		"  -c <cpu>   pin the user-mode sampling thread\n"
		"  -l <n>     data lines per header, 0 = no headers (default 21)\n"
		"  -B <ns>    histogram bucket size (default 1000)\n"
		"  -h         print the histogram at the end\n"
		"  -s         print histogram statistics at the end\n"
		"  -q         quiet: summary only (needs -T)\n"
		"  -m <us>    exit 1 if the worst latency exceeds <us>\n");
	exit(2);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void account(struct second *s, int64_t lat)
{
	unsigned long cell;

	if (lat < s->min)
		s->min = lat;
	if (lat > s->max)
		s->max = lat;
	s->sum += lat;
	s->samples++;

	cell = lat < 0 ? 0 : lat / opt.bucket_ns;
	if (cell < HIST_CELLS_MAX)
		hist[cell]++;
	else
		hist_overflow++;
}

/* -t0: one second of wake-ups of a SCHED_FIFO thread. */
static int user_second(struct second *s, int64_t *next)
{
	long n = 1000000000L / opt.period_ns;
	struct timespec ts;
	int64_t lat;

	while (n-- > 0 && !stop) {
		ts.tv_sec = *next / 1000000000;
		ts.tv_nsec = *next % 1000000000;
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			continue;	/* interrupted: the loop checks stop */
		lat = now_ns() - *next;
		account(s, lat);
		*next += opt.period_ns;
		/* missed release points count as overruns */
		while (now_ns() > *next + opt.period_ns) {
			*next += opt.period_ns;
			s->overruns++;
		}
	}

	return 0;
}

/* -t1/-t2: one second measured by the test driver. */
static int kernel_second(int fd, struct second *s)
{
	struct rttst_latency req;
	uint32_t i;

	memset(&req, 0, sizeof(req));
	req.period_ns = opt.period_ns;
	req.samples = 1000000000L / opt.period_ns;
	req.mode = opt.mode == 1 ? RTTST_LAT_TASK : RTTST_LAT_TIMER;
	req.prio = opt.prio;
	req.bucket_ns = opt.bucket_ns;

	if (ioctl(fd, RTTST_RTIOC_LATENCY, &req))
		return -errno;
	if (req.ret)
		return req.ret;

	s->min = req.min_ns;
	s->max = req.max_ns;
	s->sum = (double)req.avg_ns * req.collected;
	s->samples = req.collected;
	s->overruns = req.overruns;
	for (i = 0; i < HIST_CELLS_MAX; i++)
		hist[i] += req.hist[i];
	hist_overflow += req.hist_overflow;

	return 0;
}

static void header(int elapsed)
{
	printf("RTT|  %.2d:%.2d:%.2d  (%s, %ld us period, priority %d)\n",
	       elapsed / 3600, (elapsed / 60) % 60, elapsed % 60,
	       mode_names[opt.mode], opt.period_ns / 1000, opt.prio);
	printf("RTH|%11s|%11s|%11s|%8s|%6s|%11s|%11s\n", "----lat min",
	       "----lat avg", "----lat max", "-overrun", "---msw",
	       "---lat best", "--lat worst");
}

static void print_histogram(void)
{
	unsigned int i;

	printf("---|--param|----range-|--samples\n");
	for (i = 0; i < HIST_CELLS_MAX; i++)
		if (hist[i])
			printf("HSD|    avg| %3u -%3u | %8u\n", i, i + 1, hist[i]);
	if (hist_overflow)
		printf("HSD|    avg| %3u -  ~ | %8u\n", HIST_CELLS_MAX,
		       hist_overflow);
}

static void print_stats(void)
{
	double avg = 0, var = 0, n = 0;
	unsigned int i;

	for (i = 0; i < HIST_CELLS_MAX; i++) {
		avg += (double)i * hist[i];
		n += hist[i];
	}
	if (n > 0)
		avg /= n;
	for (i = 0; i < HIST_CELLS_MAX; i++)
		var += hist[i] * (i - avg) * (i - avg);
	if (n > 1)
		var /= n - 1;

	printf("HSH|--param|--samples-|--average--|---stddev--\n");
	printf("HSS|    avg| %9.0f| %10.3f| %10.3f\n", n, avg, sqrt(var));
}

static int set_realtime(void)
{
	struct sched_param sp = { .sched_priority = opt.prio };
	cpu_set_t set;

	if (opt.cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(opt.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("latency: sched_setaffinity");
	}

	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("latency: sched_setscheduler");
		return -1;
	}

	return 0;
}

int main(int argc, char **argv)
{
	int c, fd = -1, elapsed = 0, ret, failed = 0;
	int64_t next = 0;
	struct sigaction sa;

	while ((c = getopt(argc, argv, "p:T:t:P:c:l:B:hsqm:")) != -1) {
		switch (c) {
		case 'p':
			opt.period_ns = atol(optarg) * 1000;
			break;
		case 'T':
			opt.duration = atoi(optarg);
			break;
		case 't':
			opt.mode = atoi(optarg);
			break;
		case 'P':
			opt.prio = atoi(optarg);
			break;
		case 'c':
			opt.cpu = atoi(optarg);
			break;
		case 'l':
			opt.lines = atoi(optarg);
			break;
		case 'B':
			opt.bucket_ns = atol(optarg);
			break;
		case 'h':
			opt.histogram = 1;
			break;
		case 's':
			opt.stats = 1;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'm':
			opt.max_us = atol(optarg);
			break;
		default:
			usage();
		}
	}

	if (opt.period_ns <= 0 || opt.period_ns > 1000000000L ||
	    opt.mode < 0 || opt.mode > 2 || opt.prio < 1 || opt.prio > 99 ||
	    opt.bucket_ns <= 0 || opt.duration < 0 ||
	    (opt.quiet && !opt.duration))
		usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("latency: mlockall");

	if (opt.mode) {
		fd = open("/dev/rtdm/" RTTST_DEVICE_NAME "0", O_RDWR);
		if (fd < 0) {
			perror("latency: /dev/rtdm/" RTTST_DEVICE_NAME "0 "
			       "(is rtdmtest.ko loaded?)");
			return 1;
		}
	} else if (set_realtime()) {
		return 1;
	}

	printf("== Sampling period: %ld us\n", opt.period_ns / 1000);
	printf("== Test mode: %s\n", mode_names[opt.mode]);
	printf("== All results in microseconds\n");
	if (opt.quiet)
		fprintf(stderr, "running quietly for %d seconds\n",
			opt.duration);
	fflush(stdout);

	next = now_ns() + 1000000;
	while (!stop && (!opt.duration || elapsed < opt.duration)) {
		struct second s = { .min = INT64_MAX, .max = INT64_MIN };

		ret = opt.mode ? kernel_second(fd, &s) : user_second(&s, &next);
		if (ret) {
			/* the summary of the seconds measured still follows */
			fprintf(stderr, "latency: measurement failed: %s\n",
				strerror(-ret));
			failed = 1;
			break;
		}
		if (!s.samples)
			break;

		if (s.min < gmin)
			gmin = s.min;
		if (s.max > gmax)
			gmax = s.max;
		gsum += s.sum;
		gsamples += s.samples;
		goverruns += s.overruns;

		if (!opt.quiet) {
			if (opt.lines && elapsed % opt.lines == 0)
				header(elapsed);
			printf("RTD|%11.3f|%11.3f|%11.3f|%8llu|%6u|%11.3f|%11.3f\n",
			       s.min / 1000.0, s.sum / s.samples / 1000.0,
			       s.max / 1000.0,
			       (unsigned long long)goverruns, 0u,
			       gmin / 1000.0, gmax / 1000.0);
			fflush(stdout);
		}
		elapsed++;
	}

	if (opt.histogram)
		print_histogram();
	if (opt.histogram || opt.stats)
		print_stats();

	if (gsamples) {
		printf("---|-----------|-----------|-----------|--------|------|-------------------------\n");
		printf("RTS|%11.3f|%11.3f|%11.3f|%8llu|%6u|    %.2d:%.2d:%.2d/%.2d:%.2d:%.2d\n",
		       gmin / 1000.0, gsum / gsamples / 1000.0, gmax / 1000.0,
		       (unsigned long long)goverruns, 0u, elapsed / 3600,
		       (elapsed / 60) % 60, elapsed % 60, opt.duration / 3600,
		       (opt.duration / 60) % 60, opt.duration % 60);
	}

	if (fd >= 0)
		close(fd);
	if (failed)
		return 1;

	if (opt.max_us && gmax > opt.max_us * 1000) {
		printf("\nMaximum latency exceeded: %11.3f > %ld\n",
		       gmax / 1000.0, opt.max_us);
		return 1;
	}

	return 0;
}
