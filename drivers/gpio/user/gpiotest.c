// SPDX-License-Identifier: GPL-2.0
/*
 * gpiotest: the GPIO acceptance tests of Xenomai 3's smokey (gpiotest
 * plugins), with their arguments and messages:
 *
 *   gpiotest interrupt device=<path> [trigger=<t>] [select] [timestamp]
 *                      [count=<n>]
 *       t = edge (rising), edge-rising, edge-falling, edge-both,
 *           level (low), level-low, level-high
 *       waits for interrupts and prints, per interrupt,
 *       "received irq, GPIO state=<v>" or, with timestamp (which here
 *       enables CLOCK_MONOTONIC timestamps, GPIO_RTIOC_TS_MONO),
 *       "received irq <n> us from now, GPIO state=<v>"; count=<n> stops
 *       after n interrupts (smokey's plugin never stops)
 *   gpiotest read_value device=<path>    input, non-blocking read: value=<v>
 *   gpiotest write_value device=<path> [value=<v>]    output, writes v (1)
 *
 * Several tests may be given, separated by "--". Each prints
 * "<test> OK" or fails with a message naming the errno; the exit status
 * is the number of failed tests (at most 1 without -k). An unknown test
 * prints the usage (status 2), -h or --help prints it on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <rtdm/uapi/gpio.h>

struct args {
	const char *device;
	const char *trigger;
	int select;
	int timestamp;
	long count;
	int value;
};

static int warning(const char *fmt, const char *a, int err)
{
	fprintf(stderr, "gpiotest: ");
	fprintf(stderr, fmt, a);
	if (err)
		fprintf(stderr, " [%s]", strerrorname_np(err) ?: strerror(err));
	fprintf(stderr, "\n");
	return err ? -err : -EINVAL;
}

static int parse(int argc, char *const argv[], struct args *a)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->value = 1;
	for (n = 0; n < argc; n++) {
		const char *s = argv[n];

		if (!strncmp(s, "device=", 7))
			a->device = s + 7;
		else if (!strncmp(s, "trigger=", 8))
			a->trigger = s + 8;
		else if (!strcmp(s, "select"))
			a->select = 1;
		else if (!strcmp(s, "timestamp"))
			a->timestamp = 1;
		else if (!strncmp(s, "count=", 6))
			a->count = atol(s + 6);
		else if (!strncmp(s, "value=", 6))
			a->value = atoi(s + 6);
		else
			return warning("unknown argument %s", s, 0);
	}
	if (!a->device)
		return warning("missing device= specification%s", "", 0);

	return 0;
}

static long long timespec_ns(const struct timespec *ts)
{
	return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static int run_interrupt(const struct args *a)
{
	static const struct {
		const char *name;
		int flag;
	} trigger_types[] = {
		{ "edge", GPIO_TRIGGER_EDGE_RISING },
		{ "edge-rising", GPIO_TRIGGER_EDGE_RISING },
		{ "edge-falling", GPIO_TRIGGER_EDGE_FALLING },
		{ "edge-both", GPIO_TRIGGER_EDGE_FALLING | GPIO_TRIGGER_EDGE_RISING },
		{ "level", GPIO_TRIGGER_LEVEL_LOW },
		{ "level-low", GPIO_TRIGGER_LEVEL_LOW },
		{ "level-high", GPIO_TRIGGER_LEVEL_HIGH },
	};
	struct rtdm_gpio_readout rdo;
	int fd, ret, trigger = GPIO_TRIGGER_NONE, value, on = 1;
	struct timespec now;
	unsigned int n;
	long seen;
	fd_set set;

	if (a->trigger) {
		for (n = 0; n < sizeof(trigger_types) / sizeof(trigger_types[0]); n++)
			if (!strcmp(trigger_types[n].name, a->trigger))
				trigger = trigger_types[n].flag;
		if (trigger == GPIO_TRIGGER_NONE)
			return warning("invalid trigger type %s", a->trigger, 0);
	}

	fd = open(a->device, O_RDWR);
	if (fd < 0)
		return warning("cannot open device %s", a->device, errno);

	if (ioctl(fd, GPIO_RTIOC_IRQEN, &trigger)) {
		ret = warning("GPIO_RTIOC_IRQEN failed on %s", a->device, errno);
		goto out;
	}
	if (a->timestamp && ioctl(fd, GPIO_RTIOC_TS_MONO, &on)) {
		ret = warning("GPIO_RTIOC_TS_MONO failed on %s", a->device, errno);
		goto out;
	}

	for (seen = 0; !a->count || seen < a->count; seen++) {
		if (a->select) {
			FD_ZERO(&set);
			FD_SET(fd, &set);
			if (select(fd + 1, &set, NULL, NULL, NULL) < 0) {
				ret = warning("failed listening to %s", a->device, errno);
				goto out;
			}
		}
		if (a->timestamp) {
			if (read(fd, &rdo, sizeof(rdo)) < 0) {
				ret = warning("failed reading from %s", a->device, errno);
				goto out;
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
			printf("received irq %llu us from now, GPIO state=%d\n",
			       (unsigned long long)(timespec_ns(&now) - rdo.timestamp) / 1000ULL,
			       rdo.value);
		} else {
			if (read(fd, &value, sizeof(value)) < 0) {
				ret = warning("failed reading from %s", a->device, errno);
				goto out;
			}
			printf("received irq, GPIO state=%d\n", value);
		}
		fflush(stdout);
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static int run_read_value(const struct args *a)
{
	int fd, ret, value = -1;

	fd = open(a->device, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return warning("cannot open device %s", a->device, errno);
	if (ioctl(fd, GPIO_RTIOC_DIR_IN)) {
		ret = warning("GPIO_RTIOC_DIR_IN failed on %s", a->device, errno);
		close(fd);
		return ret;
	}
	ret = read(fd, &value, sizeof(value));
	if (ret != sizeof(value)) {
		ret = warning("read on %s failed", a->device, ret < 0 ? errno : 0);
		close(fd);
		return ret;
	}
	close(fd);
	printf("value=%d\n", value);

	return 0;
}

static int run_write_value(const struct args *a)
{
	int fd, ret, value = a->value;

	fd = open(a->device, O_WRONLY);
	if (fd < 0)
		return warning("cannot open device %s", a->device, errno);
	if (ioctl(fd, GPIO_RTIOC_DIR_OUT, &value)) {
		ret = warning("GPIO_RTIOC_DIR_OUT failed on %s", a->device, errno);
		close(fd);
		return ret;
	}
	ret = write(fd, &value, sizeof(value));
	if (ret != sizeof(value)) {
		ret = warning("write on %s failed", a->device, ret < 0 ? errno : 0);
		close(fd);
		return ret;
	}
	close(fd);

	return 0;
}

/* -h/--help: on stdout, status 0; a usage error: on stderr, status 2 */
static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: gpiotest [-k] <test> <args> [-- <test> <args>]...\n"
		"       gpiotest -h|--help\n"
		"  interrupt device=<path> [trigger=edge|edge-rising|edge-falling|edge-both|\n"
		"            level|level-low|level-high] [select] [timestamp] [count=<n>]\n"
		"  read_value device=<path>\n"
		"  write_value device=<path> [value=<v>]\n"
		"  -k         run every test even after one failed; the exit status\n"
		"             is the number of failed tests\n"
		"  -h --help  print this help\n");
	exit(status);
}

static int known_test(const char *name)
{
	return !strcmp(name, "interrupt") || !strcmp(name, "read_value") ||
		!strcmp(name, "write_value");
}

int main(int argc, char *argv[])
{
	int keep_going = 0, fails = 0, n = 1, end, ret;
	struct args a;

	if (n < argc && (!strcmp(argv[n], "-h") || !strcmp(argv[n], "--help")))
		usage(0);
	if (n < argc && !strcmp(argv[n], "-k")) {
		keep_going = 1;
		n++;
	}
	if (n >= argc)
		usage(2);

	while (n < argc) {
		const char *name = argv[n++];

		if (!known_test(name))
			usage(2);
		for (end = n; end < argc && strcmp(argv[end], "--"); end++)
			;
		ret = parse(end - n, argv + n, &a);
		if (!ret) {
			if (!strcmp(name, "interrupt"))
				ret = run_interrupt(&a);
			else if (!strcmp(name, "read_value"))
				ret = run_read_value(&a);
			else
				ret = run_write_value(&a);
		}
		if (ret) {
			fails++;
			fprintf(stderr, "gpiotest: test %s failed\n", name);
			if (!keep_going)
				return 1;
		} else {
			printf("%s OK\n", name);
		}
		n = end + 1;
	}

	return fails;
}
