// SPDX-License-Identifier: GPL-2.0
/*
 * gpiobench: GPIO latency benchmark, with the options, banners, per-cycle
 * lines and histograms of Xenomai 3's gpiobench (v0.1).
 *
 * Loop mode (-m 0): the output line is wired to the interrupt line. Each
 * cycle writes the output (1, then 0, ...), reads the interrupt line's
 * edge (struct rtdm_gpio_readout, timestamped in the interrupt handler)
 * and measures
 *   inner  interrupt timestamp - date before the write (kernel side)
 *   outer  date read() returned - date before the write (user side)
 * with a pause between half-cycles. React mode (-m 1): wait for an edge
 * from a latency box on the interrupt line, answer on the output line.
 *
 * Additions of this project, all optional:
 *   -g        after the RTDM run, run the same loop through Linux's GPIO
 *             character device with libgpiod (line events, timestamped by
 *             gpiolib in its hard interrupt handler, CLOCK_MONOTONIC) on
 *             the same chip and lines, and print both distributions side
 *             by side (built when the target's static libgpiod is found)
 *   -j        print the results as one JSON object instead
 *   -w USEC   pause between half-cycles (default 10000, Xenomai's 10 ms)
 * Each cycle is also checked: the edge read has the value written, and
 * the interrupt timestamp lies between the write and the read's return.
 *
 * -o and -i are global GPIO numbers (gpiochip base + line offset) and -c
 * the chip's label: the devices are /dev/rtdm/<label>/gpio<N>. As in
 * Xenomai 3, pin number 0 is not set up (no direction, no interrupt).
 *
 * Exit status: 0, 1 when a cycle failed its checks (loop mode, -j), 2 on
 * usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <rtdm/uapi/gpio.h>
#ifdef HAVE_LIBGPIOD
#include <dirent.h>
#include <gpiod.h>
#endif

#define NS_PER_MS	1000000LL
#define NS_PER_S	1000000000LL
#define DEFAULT_PRIO	99
#define VERSION_STRING	"0.1"
#define GPIO_HIGH	1
#define GPIO_LOW	0
#define MAX_HIST	1000
#define MAX_CYCLES	1000000
#define DEFAULT_LIMIT	1000
#define DEV_PATH	"/dev/rtdm/"
#define TRACING_ON	"/sys/kernel/debug/tracing/tracing_on"
#define TRACING_EVENTS	"/sys/kernel/debug/tracing/events/enable"
#define TRACE_MARKER	"/sys/kernel/debug/tracing/trace_marker"

enum { MODE_LOOPBACK, MODE_REACT };

struct lat_stat {
	long long min, max;	/* us */
	double sum;		/* us */
	long long min_ns, max_ns;
	double sum_ns;
	long *hist;
	long overflow;
};

struct run_stat {
	const char *name;
	long cycles;		/* measured */
	long bad_value;		/* edge value != value written */
	long bad_order;		/* timestamp not between write and read */
	long missed;		/* no edge (libgpiod: wait timed out) */
	int interrupted;
	struct lat_stat inner, outer;
};

static struct {
	unsigned long max_cycles;
	unsigned long max_histogram;
	int mode;
	int clockid;
	int prio;
	int quiet;
	int tracelimit;
	int json;
	int libgpiod;
	long wait_us;
	int fd_dev_intr;
	int fd_dev_out;
	char pin_controller[32];
	int gpio_intr;
	int gpio_out;
} ti;

static struct run_stat rs_rtdm = { .name = "rtdm" };
static struct run_stat rs_gpiod = { .name = "libgpiod" };
static struct run_stat *cur = &rs_rtdm;
static volatile sig_atomic_t stop_sig;

static void display_help(void)
{
	printf("gpiobench V %s\n", VERSION_STRING);
	printf("usage: gpiobench -c <chip> -o <gpio> -i <gpio> [options]\n"
	       "  -c, --pinctrl=CHIP    label of the gpiochip whose lines are used (required)\n"
	       "  -o, --output=N        GPIO number driven by the benchmark (required)\n"
	       "  -i, --intr=N          GPIO number whose edges are timed (required)\n"
	       "  -m, --testmode=0|1    0: loop mode, output wired to input (default);\n"
	       "                        1: react mode, an external latency box drives the input\n"
	       "  -l, --loops=N         cycles to run (default 1000000)\n"
	       "  -w, --wait=USEC       pause between half-cycles (default 10000)\n"
	       "  -p, --prio=N          SCHED_FIFO priority of the benchmark thread (default 99)\n"
	       "  -k, --clockid=0|1     timestamps on CLOCK_REALTIME (0) or CLOCK_MONOTONIC (1, default)\n"
	       "  -h, --histogram=USEC  print a histogram up to USEC microseconds after the run\n"
	       "                        (default range 100)\n"
	       "  -b, --breaktrace=USEC stop when a latency exceeds USEC, with a note in the\n"
	       "                        ftrace marker (default 1000)\n"
	       "  -q, --quiet           summary only\n"
	       "  -j, --json            results as one JSON object\n"
	       "  -g, --libgpiod        loop mode: repeat the run through libgpiod line events\n"
	       "                        and print both%s\n"
	       "example: gpiobench -c gpio-loopback -o 512 -i 513 -l 1000\n",
#ifdef HAVE_LIBGPIOD
	       ""
#else
	       " (not built in)"
#endif
		);
}

static void process_options(int argc, char *argv[])
{
	static const char optstring[] = "h:p:m:l:c:b:i:o:k:qgjw:";
	static const struct option long_options[] = {
		{ "bracetrace", required_argument, 0, 'b' },
		{ "breaktrace", required_argument, 0, 'b' },
		{ "histogram", required_argument, 0, 'h' },
		{ "loops", required_argument, 0, 'l' },
		{ "prio", required_argument, 0, 'p' },
		{ "quiet", no_argument, 0, 'q' },
		{ "output", required_argument, 0, 'o' },
		{ "intr", required_argument, 0, 'i' },
		{ "pinctrl", required_argument, 0, 'c' },
		{ "testmode", required_argument, 0, 'm' },
		{ "clockid", required_argument, 0, 'k' },
		{ "libgpiod", no_argument, 0, 'g' },
		{ "json", no_argument, 0, 'j' },
		{ "wait", required_argument, 0, 'w' },
		{ 0, 0, 0, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, optstring, long_options,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			ti.max_histogram = atoi(optarg);
			break;
		case 'p':
			ti.prio = atoi(optarg);
			break;
		case 'l':
			ti.max_cycles = atoi(optarg);
			break;
		case 'q':
			ti.quiet = 1;
			break;
		case 'b':
			ti.tracelimit = atoi(optarg);
			break;
		case 'i':
			ti.gpio_intr = atoi(optarg);
			break;
		case 'o':
			ti.gpio_out = atoi(optarg);
			break;
		case 'c':
			snprintf(ti.pin_controller, sizeof(ti.pin_controller),
				 "%s", optarg);
			break;
		case 'm':
			ti.mode = atoi(optarg) >= MODE_REACT ?
				MODE_REACT : MODE_LOOPBACK;
			break;
		case 'k':
			ti.clockid = atoi(optarg) >= CLOCK_MONOTONIC ?
				CLOCK_MONOTONIC : CLOCK_REALTIME;
			break;
		case 'g':
			ti.libgpiod = 1;
			break;
		case 'j':
			ti.json = 1;
			ti.quiet = 1;
			break;
		case 'w':
			ti.wait_us = atol(optarg);
			break;
		default:
			display_help();
			exit(2);
		}
	}

	if (ti.gpio_out == -1 || ti.gpio_intr == -1 ||
	    !strlen(ti.pin_controller)) {
		display_help();
		exit(2);
	}
#ifndef HAVE_LIBGPIOD
	if (ti.libgpiod) {
		fprintf(stderr, "gpiobench: built without libgpiod, -g unavailable\n");
		exit(2);
	}
#endif
	if (ti.libgpiod && ti.mode != MODE_LOOPBACK) {
		fprintf(stderr, "gpiobench: -g needs loop mode (-m 0)\n");
		exit(2);
	}
	if (ti.wait_us < 0)
		ti.wait_us = 0;

	ti.prio = ti.prio > DEFAULT_PRIO ? DEFAULT_PRIO : ti.prio;
	ti.max_cycles = ti.max_cycles > MAX_CYCLES ? MAX_CYCLES : ti.max_cycles;
	ti.max_histogram = ti.max_histogram > MAX_HIST ?
		MAX_HIST : ti.max_histogram;
}

static void stat_init(struct run_stat *r)
{
	struct lat_stat *l[2] = { &r->inner, &r->outer };
	int n;

	for (n = 0; n < 2; n++) {
		l[n]->min = DEFAULT_LIMIT;
		l[n]->max = 0;
		l[n]->min_ns = INT64_MAX;
		l[n]->hist = calloc(ti.max_histogram ?: 1, sizeof(long));
		if (!l[n]->hist) {
			perror("calloc");
			exit(1);
		}
	}
}

static void lat_add(struct lat_stat *l, long long ns)
{
	long long us = ns / 1000;

	if (us < l->min)
		l->min = us;
	if (us > l->max)
		l->max = us;
	l->sum += (double)us;
	if (ns < l->min_ns)
		l->min_ns = ns;
	if (ns > l->max_ns)
		l->max_ns = ns;
	l->sum_ns += (double)ns;
	if (us < 0 || us >= (long long)ti.max_histogram)
		l->overflow++;
	else
		l->hist[us]++;
}

static long long now_ns(int clockid)
{
	struct timespec ts;

	clock_gettime(clockid, &ts);
	return (long long)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void pause_half_cycle(void)
{
	struct timespec ts = {
		.tv_sec = ti.wait_us / 1000000,
		.tv_nsec = (ti.wait_us % 1000000) * 1000,
	};

	if (ti.wait_us)
		nanosleep(&ts, NULL);
}

static int setevent(const char *event, const char *val)
{
	int fd, ret;

	fd = open(event, O_WRONLY);
	if (fd < 0) {
		printf("unable to open %s\n", event);
		return -1;
	}
	ret = write(fd, val, strlen(val));
	close(fd);
	if (ret < 0) {
		printf("unable to write %s to %s\n", val, event);
		return -1;
	}

	return 0;
}

static void tracing(const char *enable)
{
	setevent(TRACING_EVENTS, enable);
	setevent(TRACING_ON, enable);
}

static void tracemark(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tracemark(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int fd, len;

	fd = open(TRACE_MARKER, O_WRONLY);
	if (fd < 0) {
		printf("unable to open trace_marker file: %s\n", TRACE_MARKER);
		return;
	}
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(fd, buf, len) < 0)
		printf("unable to write to %s\n", TRACE_MARKER);
	close(fd);
}

/* One cycle's figures and checks; returns the outer latency in us. */
static long long account(int index, int value, long long t_write,
			 long long t_irq, int value_read, long long t_read)
{
	long long inner = t_irq - t_write, outer = t_read - t_write;

	cur->cycles++;
	if (value_read != value)
		cur->bad_value++;
	if (t_irq < t_write || t_irq > t_read)
		cur->bad_order++;
	lat_add(&cur->inner, inner);
	lat_add(&cur->outer, outer);
	if (!ti.quiet)
		printf("index: %d, inner_diff: %8lld, outer_diff: %8lld\n",
		       index, inner / 1000, outer / 1000);

	return outer / 1000;
}

static int rw_gpio(int value, int index)
{
	struct rtdm_gpio_readout rdo;
	long long t_write, t_read;
	int ret;

	t_write = now_ns(ti.clockid);
	ret = write(ti.fd_dev_out, &value, sizeof(value));
	if (ret < 0) {
		printf("write GPIO, failed\n");
		return ret;
	}

	ret = read(ti.fd_dev_intr, &rdo, sizeof(rdo));
	if (ret < 0) {
		printf("read GPIO, failed\n");
		return ret;
	}
	t_read = now_ns(ti.clockid);

	return account(index, value, t_write, (long long)rdo.timestamp,
		       rdo.value, t_read);
}

#ifdef HAVE_LIBGPIOD
static struct gpiod_line *gd_out, *gd_in;

static int rw_gpiod(int value, int index)
{
	struct timespec timeout = { .tv_sec = 1 };
	struct gpiod_line_event ev;
	long long t_write, t_read, t_irq;
	int ret;

	t_write = now_ns(CLOCK_MONOTONIC);
	if (gpiod_line_set_value(gd_out, value) < 0) {
		printf("libgpiod: set value, failed\n");
		return -1;
	}
	ret = gpiod_line_event_wait(gd_in, &timeout);
	if (ret <= 0) {
		cur->missed++;
		printf("libgpiod: no edge within 1 s, index: %d\n", index);
		return -1;
	}
	if (gpiod_line_event_read(gd_in, &ev) < 0) {
		printf("libgpiod: read event, failed\n");
		return -1;
	}
	t_read = now_ns(CLOCK_MONOTONIC);
	t_irq = (long long)ev.ts.tv_sec * NS_PER_S + ev.ts.tv_nsec;

	return account(index, value, t_write, t_irq,
		       ev.event_type == GPIOD_LINE_EVENT_RISING_EDGE, t_read);
}
#endif

static int one_cycle(int value, int index)
{
#ifdef HAVE_LIBGPIOD
	if (cur == &rs_gpiod)
		return rw_gpiod(value, index);
#endif
	return rw_gpio(value, index);
}

static void *run_gpiobench_loop(void *cookie __attribute__((unused)))
{
	unsigned long i;
	int ret;

	if (!ti.json)
		printf("----rt task, gpio loop, test run%s----\n",
		       cur == &rs_gpiod ? " (libgpiod)" : "");

	for (i = 0; i < ti.max_cycles && !stop_sig; i++) {
		/*
		 * Even indexes drive the line high, odd ones low: each
		 * cycle is one edge, measured from the write to the read.
		 */
		ret = one_cycle(i & 1 ? GPIO_LOW : GPIO_HIGH, (int)i);
		if (ret < 0) {
			printf("RW GPIO, failed\n");
			cur->interrupted = 1;
			break;
		}
		if (ti.tracelimit && ret > ti.tracelimit) {
			tracemark("hit latency threshold (%d > %d), index: %lu",
				  ret, ti.tracelimit, i);
			cur->interrupted = 1;
			break;
		}
		pause_half_cycle();
	}
	if (stop_sig)
		cur->interrupted = 1;

	return NULL;
}

static void *run_gpiobench_react(void *cookie __attribute__((unused)))
{
	struct rtdm_gpio_readout rdo;
	unsigned long i;
	int value, ret;

	printf("----rt task, gpio react, test run----\n");

	for (i = 0; i < ti.max_cycles && !stop_sig; i++) {
		ret = read(ti.fd_dev_intr, &rdo, sizeof(rdo));
		if (ret < 0) {
			printf("RW GPIO read, failed\n");
			break;
		}
		if (!ti.quiet)
			printf("idx: %lu, received signal from latency box\n", i);

		value = (i & 1) ? GPIO_LOW : GPIO_HIGH;
		ret = write(ti.fd_dev_out, &value, sizeof(value));
		if (ret < 0) {
			printf("RW GPIO write, failed\n");
			break;
		}
		if (!ti.quiet)
			printf("idx: %lu, sent reaction to latency box\n", i);
	}

	return NULL;
}

static void print_one_hist(const struct run_stat *r, const struct lat_stat *l)
{
	unsigned long i;

	for (i = 0; i < ti.max_histogram; i++)
		printf("%06lu %06lu\n", i, (unsigned long)l->hist[i]);
	printf("# Total: %09lu\n", (unsigned long)r->cycles);
	printf("# Min Latencies: %05lld\n", r->cycles ? l->min : 0);
	printf("# Avg Latencies: %05lf\n", r->cycles ? l->sum / r->cycles : 0.0);
	printf("# Max Latencies: %05lld\n", l->max);
}

static void print_hist(const struct run_stat *r)
{
	const char *tag = r == &rs_gpiod ? " (libgpiod)" : "";

	if (r->interrupted) {
		printf("\nTest is interrupted and exit exceptionally\n");
		printf("Please run again till it exit normally\n");
	}
	printf("\n# Inner Loop Histogram%s\n", tag);
	printf("# Inner Loop latency is the latency in kernel space\n"
	       "# between gpio_set_value and irq handler\n");
	print_one_hist(r, &r->inner);
	printf("\n\n# Outer Loop Histogram%s\n", tag);
	printf("# Outer Loop latency is the latency in user space\n"
	       "# between write and read\n"
	       "# Technically, outer loop latency is inner loop latercy\n"
	       "# plus overhead of event wakeup\n");
	print_one_hist(r, &r->outer);
}

static double lat_pick(const struct run_stat *r, const struct lat_stat *l,
		       int what)
{
	if (!r->cycles)
		return 0;
	if (what == 0)
		return l->min_ns / 1000.0;
	if (what == 1)
		return l->sum_ns / r->cycles / 1000.0;
	return l->max_ns / 1000.0;
}

static void print_summary(void)
{
	static const char * const what[3] = { "min", "avg", "max" };
	int n;

	printf("\n# RTDM vs libgpiod, side by side (us)\n");
	printf("#                     RTDM     libgpiod\n");
	for (n = 0; n < 3; n++)
		printf("# inner %s  %12.1f %12.1f\n", what[n],
		       lat_pick(&rs_rtdm, &rs_rtdm.inner, n),
		       lat_pick(&rs_gpiod, &rs_gpiod.inner, n));
	for (n = 0; n < 3; n++)
		printf("# outer %s  %12.1f %12.1f\n", what[n],
		       lat_pick(&rs_rtdm, &rs_rtdm.outer, n),
		       lat_pick(&rs_gpiod, &rs_gpiod.outer, n));
	printf("# cycles     %12ld %12ld\n", rs_rtdm.cycles, rs_gpiod.cycles);
}

static void json_lat(const char *name, const struct run_stat *r,
		     const struct lat_stat *l)
{
	printf("\"%s\": {\"min_ns\": %lld, \"avg_ns\": %.0f, \"max_ns\": %lld, "
	       "\"min_us\": %lld, \"avg_us\": %.3f, \"max_us\": %lld, "
	       "\"overflow\": %ld, \"hist\": [", name,
	       r->cycles ? l->min_ns : 0,
	       r->cycles ? l->sum_ns / r->cycles : 0.0, l->max_ns,
	       r->cycles ? l->min : 0, r->cycles ? l->sum / r->cycles : 0.0,
	       l->max, l->overflow);
	for (unsigned long i = 0; i < ti.max_histogram; i++)
		printf("%s%ld", i ? ", " : "", l->hist[i]);
	printf("]}");
}

static void json_run(const struct run_stat *r)
{
	printf("\"%s\": {\"cycles\": %ld, \"bad_value\": %ld, \"bad_order\": %ld, "
	       "\"missed\": %ld, \"interrupted\": %s, ", r->name, r->cycles,
	       r->bad_value, r->bad_order, r->missed,
	       r->interrupted ? "true" : "false");
	json_lat("inner", r, &r->inner);
	printf(", ");
	json_lat("outer", r, &r->outer);
	printf("}");
}

static int run_thread(void *(*fn)(void *))
{
	struct sched_param p = { .sched_priority = ti.prio };
	pthread_attr_t tattr;
	pthread_t task;
	int ret;

	pthread_attr_init(&tattr);
	pthread_attr_setinheritsched(&tattr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&tattr, ti.prio ? SCHED_FIFO : SCHED_OTHER);
	pthread_attr_setschedparam(&tattr, &p);
	ret = pthread_create(&task, &tattr, fn, NULL);
	pthread_attr_destroy(&tattr);
	if (ret) {
		printf("pthread_create(gpiotask), failed\n");
		return -1;
	}
	pthread_join(task, NULL);

	return 0;
}

#ifdef HAVE_LIBGPIOD
/* The base of the chip labelled @label, from /sys/class/gpio. */
static int chip_base(const char *label)
{
	char path[300], buf[64];
	struct dirent *de;
	int base = -1;
	DIR *d;
	FILE *f;

	d = opendir("/sys/class/gpio");
	if (!d)
		return -1;
	while (base < 0 && (de = readdir(d))) {
		if (strncmp(de->d_name, "gpiochip", 8))
			continue;
		snprintf(path, sizeof(path), "/sys/class/gpio/%s/label",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = 0;
			if (!strcmp(buf, label))
				base = atoi(de->d_name + 8);
		}
		fclose(f);
	}
	closedir(d);

	return base;
}

static int run_libgpiod(void)
{
	struct gpiod_chip *chip;
	int base, ret = -1;

	chip = gpiod_chip_open_by_label(ti.pin_controller);
	if (!chip) {
		printf("libgpiod: no chip labelled %s\n", ti.pin_controller);
		return -1;
	}
	base = chip_base(ti.pin_controller);
	if (base < 0) {
		printf("libgpiod: no base for %s in /sys/class/gpio\n",
		       ti.pin_controller);
		goto out;
	}
	gd_out = gpiod_chip_get_line(chip, ti.gpio_out - base);
	gd_in = gpiod_chip_get_line(chip, ti.gpio_intr - base);
	if (!gd_out || !gd_in) {
		printf("libgpiod: lines %d/%d not on %s\n", ti.gpio_out,
		       ti.gpio_intr, ti.pin_controller);
		goto out;
	}
	if (gpiod_line_request_output(gd_out, "gpiobench", 0) < 0 ||
	    gpiod_line_request_both_edges_events(gd_in, "gpiobench") < 0) {
		printf("libgpiod: line request, failed: %s\n", strerror(errno));
		goto out;
	}
	cur = &rs_gpiod;
	ret = run_thread(run_gpiobench_loop);
out:
	gpiod_chip_close(chip);	/* releases the lines */
	return ret;
}
#endif

static void init_ti(void)
{
	memset(&ti, 0, sizeof(ti));
	ti.prio = DEFAULT_PRIO;
	ti.max_cycles = MAX_CYCLES;
	ti.max_histogram = MAX_HIST;
	ti.tracelimit = DEFAULT_LIMIT;
	ti.gpio_out = -1;
	ti.gpio_intr = -1;
	ti.mode = MODE_LOOPBACK;
	ti.clockid = CLOCK_MONOTONIC;
	ti.wait_us = 10000;
	ti.fd_dev_out = ti.fd_dev_intr = -1;
}

static void close_rtdm(void)
{
	if (ti.fd_dev_out >= 0 && close(ti.fd_dev_out) < 0)
		printf("can't close gpio_out device\n");
	if (ti.fd_dev_intr >= 0 && close(ti.fd_dev_intr) < 0)
		printf("can't close gpio_intr device\n");
	ti.fd_dev_out = ti.fd_dev_intr = -1;
}

static int bad(const struct run_stat *r)
{
	return r->bad_value || r->bad_order || r->missed || r->interrupted;
}

static int report(void)
{
	if (ti.mode != MODE_LOOPBACK)
		return 0;

	if (ti.json) {
		printf("{\"mode\": \"loop\", \"pinctrl\": \"%s\", \"output\": %d, "
		       "\"intr\": %d, \"loops\": %lu, \"histogram\": %lu, "
		       "\"clock\": \"%s\", \"prio\": %d, \"wait_us\": %ld, ",
		       ti.pin_controller, ti.gpio_out, ti.gpio_intr,
		       ti.max_cycles, ti.max_histogram,
		       ti.clockid == CLOCK_MONOTONIC ? "monotonic" : "realtime",
		       ti.prio, ti.wait_us);
		json_run(&rs_rtdm);
		if (ti.libgpiod) {
			printf(", ");
			json_run(&rs_gpiod);
		}
		printf("}\n");
	} else {
		print_hist(&rs_rtdm);
		if (ti.libgpiod) {
			print_hist(&rs_gpiod);
			print_summary();
		}
	}

	return bad(&rs_rtdm) || (ti.libgpiod && bad(&rs_gpiod));
}

static void cleanup_and_exit(int sig)
{
	stop_sig = sig;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = cleanup_and_exit };
	char dev_name[64];
	int trigger, value, ret;

	init_ti();
	process_options(argc, argv);
	stat_init(&rs_rtdm);
	stat_init(&rs_gpiod);

	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		printf("mlockall failed\n");
		return 1;
	}

	snprintf(dev_name, sizeof(dev_name), "%s%s/gpio%d", DEV_PATH,
		 ti.pin_controller, ti.gpio_out);
	ti.fd_dev_out = open(dev_name, O_RDWR);
	if (ti.fd_dev_out < 0) {
		printf("can't open %s\n", dev_name);
		return 1;
	}
	if (ti.gpio_out) {
		value = 0;
		if (ioctl(ti.fd_dev_out, GPIO_RTIOC_DIR_OUT, &value)) {
			printf("ioctl gpio port output, failed\n");
			goto fail;
		}
	}

	snprintf(dev_name, sizeof(dev_name), "%s%s/gpio%d", DEV_PATH,
		 ti.pin_controller, ti.gpio_intr);
	ti.fd_dev_intr = open(dev_name, O_RDWR);
	if (ti.fd_dev_intr < 0) {
		printf("can't open %s\n", dev_name);
		goto fail;
	}
	if (ti.gpio_intr) {
		trigger = GPIO_TRIGGER_EDGE_FALLING | GPIO_TRIGGER_EDGE_RISING;
		value = 1;
		if (ioctl(ti.fd_dev_intr, GPIO_RTIOC_IRQEN, &trigger)) {
			printf("ioctl gpio port interrupt, failed\n");
			goto fail;
		}
		if (ioctl(ti.fd_dev_intr, ti.clockid == CLOCK_MONOTONIC ?
			  GPIO_RTIOC_TS_MONO : GPIO_RTIOC_TS_REAL, &value)) {
			printf("ioctl gpio port ts, failed\n");
			goto fail;
		}
	}

	if (ti.tracelimit < DEFAULT_LIMIT)
		tracing("1");

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	ret = run_thread(ti.mode == MODE_LOOPBACK ? run_gpiobench_loop :
			 run_gpiobench_react);
	close_rtdm();
	if (stop_sig && !ti.json)
		printf("Signal %d received\n", (int)stop_sig);
#ifdef HAVE_LIBGPIOD
	if (!ret && ti.libgpiod && !stop_sig)
		ret = run_libgpiod();
#endif
	if (ti.tracelimit < DEFAULT_LIMIT)
		tracing("0");

	ret = report() || ret;

	return ti.json ? ret : 0;
fail:
	close_rtdm();
	return 1;
}
