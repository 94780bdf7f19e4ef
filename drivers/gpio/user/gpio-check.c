// SPDX-License-Identifier: GPL-2.0
/*
 * gpio-check: behaviour checks of the RTDM GPIO devices, for the test
 * suite. Prints ONE JSON object: {"test": ..., "checks": [...], ...}
 * where each check is {"name", "ok", "ret", "errno"} plus measured
 * values; the pytest side asserts on them.
 *
 *   gpio-check [-f] abi        <dev>
 *   gpio-check [-f] edges      <out> <in> <trigger> <toggles>
 *   gpio-check [-f] level      <out> <in> high|low
 *   gpio-check [-f] nonblock   <out> <in>
 *   gpio-check [-f] select     <out> <in>
 *   gpio-check [-f] badinput   <out> <in>
 *   gpio-check [-f] close-wake <in>
 *   gpio-check [-f] revoke     <in>        (blocks until the chip goes)
 *   gpio-check [-f] cycles     <dev> <n>
 *   gpio-check [-f] outputs    <dev> <N>   (N: the line's GPIO number)
 *
 * <out> is wired to <in> (a loopback pair). <trigger>: rising, falling,
 * both. -f runs the checks from a SCHED_FIFO thread (priority 60), so
 * that the real-time handlers serve them as real-time callers. Dates are
 * CLOCK_MONOTONIC nanoseconds, the clock of GPIO_RTIOC_TS_MONO.
 *
 * outputs reads each state back through Linux's gpiolib (debugfs'
 * /sys/kernel/debug/gpio, which asks the chip driver for the line's
 * direction and value while the line is requested by the RTDM device):
 * the check for boards whose inputs nothing drives (QEMU's i.MX GPIO).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <rtdm/uapi/gpio.h>

#define MS	1000000LL
/* hidden from the compiler, which would reject them */
static void *volatile bad_user_ptr = (void *)8;	/* user range, unmapped */
static void *volatile bad_kernel_ptr = (void *)~(uintptr_t)4095;	/* not user */
#define BADPTR	bad_user_ptr
#define KBADPTR	bad_kernel_ptr

/* how long an edge that should come may take in the emulator */
#define EDGE_WAIT_MS	2000
/* how long we listen for an edge that must not come */
#define QUIET_WAIT_MS	300

static int use_fifo;
static int nchecks;
static char **args;
static int nargs;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENOTTY: return "ENOTTY";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EAGAIN: return "EAGAIN";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case ENOSYS: return "ENOSYS";
	case EINTR: return "EINTR";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EPERM: return "EPERM";
	case ENXIO: return "ENXIO";
	default: return "other";
	}
}

static void check(const char *name, int ok, long ret, int err,
		  const char *fmt, ...)
{
	va_list ap;

	printf("%s{\"name\": \"%s\", \"ok\": %s, \"ret\": %ld, \"errno\": \"%s\"",
	       nchecks++ ? ", " : "", name, ok ? "true" : "false", ret,
	       ret < 0 ? ename(err) : "0");
	if (fmt) {
		printf(", ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("}");
}

static void expect_err(const char *name, long ret, int want)
{
	int err = errno;

	check(name, ret < 0 && err == want, ret, err, NULL);
}

static void expect_ok(const char *name, long ret)
{
	int err = errno;

	check(name, ret >= 0, ret, err, NULL);
}

static int open_dev(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		printf("\"error\": \"open %s: %s\"}\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static void must(const char *what, int ret)
{
	if (ret < 0) {
		printf("\"error\": \"%s: %s\"}\n", what, strerror(errno));
		exit(1);
	}
}

static int dir_out(int fd, int value)
{
	return ioctl(fd, GPIO_RTIOC_DIR_OUT, &value);
}

static int irqen(int fd, int trigger)
{
	return ioctl(fd, GPIO_RTIOC_IRQEN, &trigger);
}

static int ts_mono(int fd, int on)
{
	return ioctl(fd, GPIO_RTIOC_TS_MONO, &on);
}

/* 1 readable, 0 timeout, -1 error */
static int wait_readable(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	fd_set set;

	FD_ZERO(&set);
	FD_SET(fd, &set);
	return select(fd + 1, &set, NULL, NULL, &tv);
}

/* ------------------------------------------------------------------ */

static void t_abi(void)
{
	struct rtdm_device_info info;
	int fd = open_dev(args[0], O_RDWR), ret;

	printf("\"sizes\": {\"readout\": %zu, \"value_offset\": %zu}, ",
	       sizeof(struct rtdm_gpio_readout),
	       offsetof(struct rtdm_gpio_readout, value));
	printf("\"ioctls\": {\"DIR_OUT\": \"%#x\", \"DIR_IN\": \"%#x\", "
	       "\"IRQEN\": \"%#x\", \"IRQDIS\": \"%#x\", \"REQS\": \"%#x\", "
	       "\"RELS\": \"%#x\", \"TS_MONO\": \"%#x\", \"TS_REAL\": \"%#x\"}, ",
	       (unsigned int)GPIO_RTIOC_DIR_OUT, (unsigned int)GPIO_RTIOC_DIR_IN,
	       (unsigned int)GPIO_RTIOC_IRQEN, (unsigned int)GPIO_RTIOC_IRQDIS,
	       (unsigned int)GPIO_RTIOC_REQS, (unsigned int)GPIO_RTIOC_RELS,
	       (unsigned int)GPIO_RTIOC_TS_MONO, (unsigned int)GPIO_RTIOC_TS_REAL);
	printf("\"checks\": [");
	ret = ioctl(fd, RTIOC_DEVICE_INFO, &info);
	check("device_info", !ret, ret, errno,
	      "\"class\": %d, \"subclass\": %d, \"version\": %d, \"flags\": %d",
	      info.device_class, info.device_sub_class, info.profile_version,
	      info.device_flags);
	ret = open(args[0], O_RDWR);
	expect_err("second_open", ret, EBUSY);
	if (ret >= 0)
		close(ret);
	close(fd);
	/* the line was released: it opens again */
	ret = open(args[0], O_RDWR);
	expect_ok("reopen", ret);
	if (ret >= 0)
		close(ret);
	printf("]");
}

static int trigger_of(const char *name)
{
	if (!strcmp(name, "rising"))
		return GPIO_TRIGGER_EDGE_RISING;
	if (!strcmp(name, "falling"))
		return GPIO_TRIGGER_EDGE_FALLING;
	if (!strcmp(name, "both"))
		return GPIO_TRIGGER_EDGE_RISING | GPIO_TRIGGER_EDGE_FALLING;
	printf("\"error\": \"bad trigger %s\"}\n", name);
	exit(2);
}

/*
 * Toggle the output, listen for an edge after each toggle: the edges
 * asked for must all come, with the right value and a timestamp between
 * the write and the read; the others must not.
 */
static void t_edges(void)
{
	int out = open_dev(args[0], O_RDWR), in = open_dev(args[1], O_RDWR);
	int trigger = trigger_of(args[2]), toggles = atoi(args[3]);
	long rising = 0, falling = 0, expected_r = 0, expected_f = 0;
	long unexpected = 0, missed = 0, bad_value = 0, bad_order = 0;
	int64_t worst = 0;
	int k, value, ret;

	must("DIR_OUT", dir_out(out, 0));
	must("IRQEN", irqen(in, trigger));
	must("TS_MONO", ts_mono(in, 1));
	/* nothing pending from the set-up */
	ret = wait_readable(in, QUIET_WAIT_MS);

	printf("\"trigger\": \"%s\", \"toggles\": %d, \"checks\": [", args[2],
	       toggles);
	check("quiet_after_irqen", ret == 0, ret, errno, NULL);

	for (k = 0; k < toggles; k++) {
		struct rtdm_gpio_readout rdo;
		int64_t t_write, t_read;
		int want;

		value = !(k & 1);	/* 1, 0, 1, 0, ... */
		want = value ? (trigger & GPIO_TRIGGER_EDGE_RISING) :
			(trigger & GPIO_TRIGGER_EDGE_FALLING);
		expected_r += value && want;
		expected_f += !value && want;
		t_write = now_ns();
		must("write", write(out, &value, sizeof(value)));
		ret = wait_readable(in, want ? EDGE_WAIT_MS : QUIET_WAIT_MS);
		if (ret <= 0) {
			missed += !!want;
			continue;
		}
		must("read", read(in, &rdo, sizeof(rdo)));
		t_read = now_ns();
		if (!want) {
			unexpected++;
			continue;
		}
		if (value)
			rising++;
		else
			falling++;
		bad_value += rdo.value != value;
		bad_order += (int64_t)rdo.timestamp < t_write ||
			(int64_t)rdo.timestamp > t_read;
		if ((int64_t)rdo.timestamp - t_write > worst)
			worst = rdo.timestamp - t_write;
	}
	ret = wait_readable(in, QUIET_WAIT_MS);
	check("edges", !missed && !unexpected && !bad_value && !bad_order &&
	      rising == expected_r && falling == expected_f && ret == 0, 0, 0,
	      "\"rising\": %ld, \"falling\": %ld, \"expected_rising\": %ld, "
	      "\"expected_falling\": %ld, \"missed\": %ld, \"unexpected\": %ld, "
	      "\"bad_value\": %ld, \"bad_order\": %ld, \"trailing\": %d, "
	      "\"worst_write_irq_ns\": %lld", rising, falling, expected_r,
	      expected_f, missed, unexpected, bad_value, bad_order, ret,
	      (long long)worst);
	printf("]");
	close(in);
	close(out);
}

/* Interrupts handled on the line of device @path, from /proc/rtdm/irq. */
static long irq_hits(const char *path)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char line[128], label[64];
	unsigned int irq;
	long hits, found = -1;
	FILE *f = fopen("/proc/rtdm/irq", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))	/* "# irq hits device", then one per line */
		if (sscanf(line, "%u %ld %63s", &irq, &hits, label) == 3 &&
		    !strcmp(label, name))
			found = hits;
	fclose(f);

	return found;
}

/*
 * Level interrupts: one per read while the level holds, none otherwise,
 * and no more were handled than were read (7).
 */
static void t_level(void)
{
	int out = open_dev(args[0], O_RDWR), in = open_dev(args[1], O_RDWR);
	int high = !strcmp(args[2], "high");
	int active = high, inactive = !high, ret, k, ok;
	struct rtdm_gpio_readout rdo;
	int64_t t_write, t_read, last_ts;
	long hits;

	must("DIR_OUT", dir_out(out, inactive));
	must("IRQEN", irqen(in, high ? GPIO_TRIGGER_LEVEL_HIGH :
			    GPIO_TRIGGER_LEVEL_LOW));
	must("TS_MONO", ts_mono(in, 1));
	printf("\"level\": \"%s\", \"checks\": [", args[2]);

	ret = wait_readable(in, QUIET_WAIT_MS);
	check("inactive_silent", ret == 0, ret, errno, NULL);

	t_write = now_ns();
	must("write", write(out, &active, sizeof(active)));
	ret = read(in, &rdo, sizeof(rdo));
	t_read = now_ns();
	check("active_fires", ret == sizeof(rdo) && rdo.value == active &&
	      (int64_t)rdo.timestamp >= t_write && (int64_t)rdo.timestamp <= t_read,
	      ret, errno, "\"value\": %d, \"write_ns\": %lld, \"irq_ns\": %lld, "
	      "\"read_ns\": %lld", rdo.value, (long long)t_write,
	      (long long)rdo.timestamp, (long long)t_read);

	/* the level holds: each read takes a new interrupt */
	ok = 1;
	last_ts = rdo.timestamp;
	for (k = 0; k < 5; k++) {
		ret = wait_readable(in, EDGE_WAIT_MS);
		if (ret != 1 || read(in, &rdo, sizeof(rdo)) != sizeof(rdo) ||
		    rdo.value != active || (int64_t)rdo.timestamp <= last_ts)
			ok = 0;
		last_ts = rdo.timestamp;
	}
	check("active_repeats", ok, 0, 0, "\"reads\": 5");

	must("write", write(out, &inactive, sizeof(inactive)));
	ret = wait_readable(in, QUIET_WAIT_MS);
	check("inactive_again_silent", ret == 0, ret, errno, NULL);

	t_write = now_ns();
	must("write", write(out, &active, sizeof(active)));
	ret = wait_readable(in, EDGE_WAIT_MS);
	ok = ret == 1 && read(in, &rdo, sizeof(rdo)) == sizeof(rdo) &&
		rdo.value == active && (int64_t)rdo.timestamp >= t_write;
	check("active_again_fires", ok, ret, errno, NULL);
	/* an interrupt would be handled now if a read had let one more in */
	usleep(QUIET_WAIT_MS * 1000);
	hits = irq_hits(args[1]);
	check("one_interrupt_per_read", hits == 7, hits, 0,
	      "\"handled\": %ld, \"read\": 7", hits);
	printf("]");
	close(in);
	close(out);
}

/* O_NONBLOCK reads: the value now, at once, with a timestamp of now. */
static void t_nonblock(void)
{
	int out = open_dev(args[0], O_RDWR);
	int in = open_dev(args[1], O_RDWR | O_NONBLOCK), ret, v, one = 1, zero = 0;
	struct rtdm_gpio_readout rdo;
	int64_t t0, t1;

	must("DIR_OUT", dir_out(out, 1));
	must("DIR_IN", ioctl(in, GPIO_RTIOC_DIR_IN));
	printf("\"checks\": [");
	t0 = now_ns();
	ret = read(in, &v, sizeof(v));
	t1 = now_ns();
	check("read_high", ret == sizeof(v) && v == 1, ret, errno,
	      "\"value\": %d, \"elapsed_ns\": %lld", v, (long long)(t1 - t0));
	must("write", write(out, &zero, sizeof(zero)));
	ret = read(in, &v, sizeof(v));
	check("read_low", ret == sizeof(v) && v == 0, ret, errno,
	      "\"value\": %d", v);
	must("TS_MONO", ts_mono(in, 1));
	must("write", write(out, &one, sizeof(one)));
	t0 = now_ns();
	ret = read(in, &rdo, sizeof(rdo));
	t1 = now_ns();
	check("read_timestamped", ret == sizeof(rdo) && rdo.value == 1 &&
	      (int64_t)rdo.timestamp >= t0 && (int64_t)rdo.timestamp <= t1,
	      ret, errno, "\"value\": %d, \"elapsed_ns\": %lld", rdo.value,
	      (long long)(t1 - t0));
	/* blocking, no interrupt armed: nothing could ever wake the reader */
	must("F_SETFL", fcntl(in, F_SETFL, 0));
	ret = read(in, &rdo, sizeof(rdo));
	expect_err("blocking_read_without_irq", ret, EINVAL);
	printf("]");
	close(in);
	close(out);
}

/* select() and poll() report an edge, and only then. */
static void t_select(void)
{
	int out = open_dev(args[0], O_RDWR), in = open_dev(args[1], O_RDWR);
	struct pollfd pfd = { .fd = in, .events = POLLIN };
	int ret, v = 1;
	int64_t t0, t1;

	must("DIR_OUT", dir_out(out, 0));
	must("IRQEN", irqen(in, GPIO_TRIGGER_EDGE_RISING | GPIO_TRIGGER_EDGE_FALLING));
	printf("\"checks\": [");
	t0 = now_ns();
	ret = wait_readable(in, QUIET_WAIT_MS);
	t1 = now_ns();
	check("select_times_out", ret == 0 && t1 - t0 >= QUIET_WAIT_MS * MS,
	      ret, errno, "\"elapsed_ns\": %lld", (long long)(t1 - t0));
	must("write", write(out, &v, sizeof(v)));
	ret = wait_readable(in, EDGE_WAIT_MS);
	check("select_sees_edge", ret == 1, ret, errno, NULL);
	ret = read(in, &v, sizeof(v));
	check("read_after_select", ret == sizeof(v) && v == 1, ret, errno,
	      "\"value\": %d", v);
	ret = wait_readable(in, QUIET_WAIT_MS);
	check("select_consumed", ret == 0, ret, errno, NULL);
	ret = poll(&pfd, 1, QUIET_WAIT_MS);
	check("poll_times_out", ret == 0, ret, errno, NULL);
	v = 0;
	must("write", write(out, &v, sizeof(v)));
	ret = poll(&pfd, 1, EDGE_WAIT_MS);
	check("poll_sees_edge", ret == 1 && (pfd.revents & POLLIN), ret, errno,
	      "\"revents\": %d", pfd.revents);
	ret = read(in, &v, sizeof(v));
	check("read_after_poll", ret == sizeof(v) && v == 0, ret, errno,
	      "\"value\": %d", v);
	printf("]");
	close(in);
	close(out);
}

static void t_badinput(void)
{
	int out = open_dev(args[0], O_RDWR), in = open_dev(args[1], O_RDWR);
	struct rtdm_gpio_readout rdo;
	int ret, v = 1, trig;
	char small[8];

	printf("\"checks\": [");
	/* no direction yet */
	ret = write(out, &v, sizeof(v));
	expect_err("write_no_direction", ret, EAGAIN);
	ret = read(in, &v, sizeof(v));
	expect_err("read_no_direction", ret, EAGAIN);

	ret = ioctl(out, _IO(RTDM_CLASS_GPIO, 99));
	expect_err("unknown_ioctl", ret, EINVAL);
	ret = ioctl(out, _IOW(RTDM_CLASS_SERIAL, 1, int), &v);
	expect_err("foreign_ioctl", ret, EINVAL);

	trig = 0x10;
	ret = ioctl(in, GPIO_RTIOC_IRQEN, &trig);
	expect_err("irqen_unknown_bits", ret, EINVAL);
	trig = GPIO_TRIGGER_EDGE_RISING | GPIO_TRIGGER_LEVEL_HIGH;
	ret = ioctl(in, GPIO_RTIOC_IRQEN, &trig);
	expect_err("irqen_edge_and_level", ret, EINVAL);
	trig = GPIO_TRIGGER_LEVEL_HIGH | GPIO_TRIGGER_LEVEL_LOW;
	ret = ioctl(in, GPIO_RTIOC_IRQEN, &trig);
	expect_err("irqen_both_levels", ret, EINVAL);
	trig = -1;
	ret = ioctl(in, GPIO_RTIOC_IRQEN, &trig);
	expect_err("irqen_negative", ret, EINVAL);
	ret = ioctl(in, GPIO_RTIOC_IRQEN, BADPTR);
	expect_err("irqen_bad_pointer", ret, EFAULT);
	ret = ioctl(in, GPIO_RTIOC_IRQEN, NULL);
	expect_err("irqen_null", ret, EFAULT);
	ret = ioctl(out, GPIO_RTIOC_DIR_OUT, BADPTR);
	expect_err("dir_out_bad_pointer", ret, EFAULT);
	ret = ioctl(in, GPIO_RTIOC_TS_MONO, KBADPTR);
	expect_err("ts_mono_kernel_pointer", ret, EFAULT);
	ret = ioctl(in, GPIO_RTIOC_TS_REAL, BADPTR);
	expect_err("ts_real_bad_pointer", ret, EFAULT);

	must("DIR_OUT", dir_out(out, 0));
	must("IRQEN", irqen(in, GPIO_TRIGGER_EDGE_RISING));
	ret = irqen(in, GPIO_TRIGGER_EDGE_FALLING);
	expect_err("irqen_twice", ret, EBUSY);
	ret = dir_out(in, 1);
	expect_err("dir_out_while_irq", ret, EBUSY);

	ret = write(in, &v, sizeof(v));
	expect_err("write_on_input", ret, EINVAL);
	ret = read(out, &v, sizeof(v));
	expect_err("read_on_output", ret, EINVAL);
	ret = write(out, &v, 2);
	expect_err("write_short", ret, EINVAL);
	ret = write(out, BADPTR, sizeof(v));
	expect_err("write_bad_pointer", ret, EFAULT);
	ret = write(out, KBADPTR, sizeof(v));
	expect_err("write_kernel_pointer", ret, EFAULT);
	ret = read(in, small, 3);
	expect_err("read_short", ret, EINVAL);
	must("TS_MONO", ts_mono(in, 1));
	ret = read(in, small, sizeof(small));
	expect_err("read_short_timestamped", ret, EINVAL);

	/* an edge pending, then a read into a bad buffer */
	v = 1;
	must("write", write(out, &v, sizeof(v)));
	ret = wait_readable(in, EDGE_WAIT_MS);
	check("edge_pending", ret == 1, ret, errno, NULL);
	ret = read(in, BADPTR, sizeof(rdo));
	expect_err("read_bad_pointer", ret, EFAULT);
	must("F_SETFL", fcntl(in, F_SETFL, O_NONBLOCK));
	ret = read(in, KBADPTR, sizeof(rdo));
	expect_err("read_kernel_pointer", ret, EFAULT);
	must("F_SETFL", fcntl(in, F_SETFL, 0));

	/* IRQDIS, twice: fine; then a blocking read has nothing to wait for */
	expect_ok("irqdis", ioctl(in, GPIO_RTIOC_IRQDIS));
	expect_ok("irqdis_twice", ioctl(in, GPIO_RTIOC_IRQDIS));
	ret = read(in, &rdo, sizeof(rdo));
	expect_err("read_after_irqdis", ret, EINVAL);
	expect_ok("irqen_again", irqen(in, GPIO_TRIGGER_EDGE_FALLING));

	/* released line: requests fail, it can be requested again */
	expect_ok("rels", ioctl(out, GPIO_RTIOC_RELS));
	ret = write(out, &v, sizeof(v));
	expect_err("write_released", ret, EPERM);
	ret = dir_out(out, 0);
	expect_err("dir_out_released", ret, EPERM);
	expect_ok("reqs", ioctl(out, GPIO_RTIOC_REQS));
	ret = ioctl(out, GPIO_RTIOC_REQS);
	expect_err("reqs_twice", ret, EBUSY);
	ret = write(out, &v, sizeof(v));
	expect_err("write_requested_no_direction", ret, EAGAIN);
	expect_ok("dir_out_again", dir_out(out, 1));
	ret = write(out, &v, sizeof(v));
	check("write_again", ret == sizeof(v), ret, errno, NULL);
	printf("]");
	close(in);
	close(out);
}

struct blocked {
	int fd;
	int ret, err;
	int64_t t_return;
};

static void *blocked_reader(void *arg)
{
	struct blocked *b = arg;
	struct rtdm_gpio_readout rdo;

	b->ret = read(b->fd, &rdo, sizeof(rdo));
	b->err = errno;
	b->t_return = now_ns();
	return NULL;
}

static pthread_t start_reader(struct blocked *b)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	if (use_fifo) {
		struct sched_param sp = { .sched_priority = 61 };

		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
	}
	if (pthread_create(&t, &attr, blocked_reader, b)) {
		printf("\"error\": \"pthread_create\"}\n");
		exit(1);
	}
	return t;
}

/* close() of the last descriptor wakes a reader blocked on the line. */
static void t_close_wake(void)
{
	struct blocked b = { .fd = open_dev(args[0], O_RDWR) };
	int64_t t_close;
	pthread_t t;

	must("IRQEN", irqen(b.fd, GPIO_TRIGGER_EDGE_RISING | GPIO_TRIGGER_EDGE_FALLING));
	must("TS_MONO", ts_mono(b.fd, 1));
	t = start_reader(&b);
	usleep(300000);
	t_close = now_ns();
	close(b.fd);
	pthread_join(t, NULL);
	printf("\"checks\": [");
	check("reader_woken_by_close", b.ret < 0 && b.err == EBADF, b.ret, b.err,
	      "\"wake_ns\": %lld", (long long)(b.t_return - t_close));
	/* the line was released: it opens again */
	b.ret = open(args[0], O_RDWR);
	expect_ok("reopen", b.ret);
	if (b.ret >= 0)
		close(b.ret);
	printf("]");
}

/* A reader blocked while the chip goes away gets ENODEV, and so do later calls. */
static void t_revoke(void)
{
	struct blocked b = { .fd = open_dev(args[0], O_RDWR) };
	int ret, v;

	must("IRQEN", irqen(b.fd, GPIO_TRIGGER_EDGE_RISING));
	must("TS_MONO", ts_mono(b.fd, 1));
	blocked_reader(&b);
	printf("\"checks\": [");
	check("blocked_read_revoked", b.ret < 0 && b.err == ENODEV, b.ret, b.err,
	      NULL);
	ret = read(b.fd, &v, sizeof(v));
	expect_err("read_after_revoke", ret, ENODEV);
	ret = ioctl(b.fd, GPIO_RTIOC_IRQDIS);
	expect_err("ioctl_after_revoke", ret, ENODEV);
	ret = close(b.fd);
	expect_ok("close_after_revoke", ret);
	printf("]");
}

/* open, interrupt on, close: n times. */
static void t_cycles(void)
{
	int n = atoi(args[1]), k, fd, failed = 0, first_err = 0;
	int64_t t0 = now_ns();

	for (k = 0; k < n; k++) {
		fd = open(args[0], O_RDWR);
		if (fd < 0 || irqen(fd, GPIO_TRIGGER_EDGE_RISING) ||
		    ts_mono(fd, 1)) {
			if (!failed++)
				first_err = errno;
		}
		if (fd >= 0)
			close(fd);
	}
	printf("\"checks\": [");
	check("cycles", !failed, failed ? -1 : 0, first_err,
	      "\"cycles\": %d, \"failed\": %d, \"elapsed_ns\": %lld", n, failed,
	      (long long)(now_ns() - t0));
	printf("]");
}

/* "in", "out hi", "out lo" for GPIO @gpio, from gpiolib's debugfs. */
static void gpiolib_state(int gpio, char *state, size_t size)
{
	char line[256], key[32];
	FILE *f = fopen("/sys/kernel/debug/gpio", "r");
	char *p;

	snprintf(state, size, "absent");
	if (!f)
		return;
	snprintf(key, sizeof(key), " gpio-%d ", gpio);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)))
			continue;
		p = strchr(line, ')');
		if (!p)
			break;
		p++;
		while (*p == ' ')
			p++;
		/* "out hi ACTIVE LOW" / "in  lo": direction and value */
		if (!strncmp(p, "in", 2))
			snprintf(state, size, "in");
		else if (!strncmp(p, "out hi", 6))
			snprintf(state, size, "out hi");
		else if (!strncmp(p, "out lo", 6))
			snprintf(state, size, "out lo");
		else
			snprintf(state, size, "other");
		break;
	}
	fclose(f);
}

static void expect_state(const char *name, int gpio, const char *want)
{
	char state[32];

	gpiolib_state(gpio, state, sizeof(state));
	check(name, !strcmp(state, want), 0, 0, "\"gpiolib\": \"%s\"", state);
}

/* Outputs set through RTDM reach the chip; direction changes too. */
static void t_outputs(void)
{
	int fd = open_dev(args[0], O_RDWR), gpio = atoi(args[1]), v, ret;
	struct rtdm_gpio_readout rdo;

	printf("\"checks\": [");
	expect_ok("dir_out_0", dir_out(fd, 0));
	expect_state("gpiolib_out_lo", gpio, "out lo");
	v = 1;
	ret = write(fd, &v, sizeof(v));
	check("write_1", ret == sizeof(v), ret, errno, NULL);
	expect_state("gpiolib_after_write_1", gpio, "out hi");
	v = 0;
	ret = write(fd, &v, sizeof(v));
	check("write_0", ret == sizeof(v), ret, errno, NULL);
	expect_state("gpiolib_after_write_0", gpio, "out lo");
	expect_ok("dir_in", ioctl(fd, GPIO_RTIOC_DIR_IN));
	expect_state("gpiolib_in", gpio, "in");
	ret = write(fd, &v, sizeof(v));
	expect_err("write_on_input", ret, EINVAL);
	expect_ok("dir_out_1", dir_out(fd, 1));
	expect_state("gpiolib_out_hi", gpio, "out hi");
	v = 0;
	ret = write(fd, &v, sizeof(v));
	check("write_0_again", ret == sizeof(v), ret, errno, NULL);
	expect_state("gpiolib_out_lo_again", gpio, "out lo");
	ret = read(fd, &v, sizeof(v));
	expect_err("read_on_output", ret, EINVAL);
	/* the interrupt can be armed and disarmed (nothing drives it here) */
	ret = irqen(fd, GPIO_TRIGGER_EDGE_RISING | GPIO_TRIGGER_EDGE_FALLING);
	expect_ok("irqen", ret);
	expect_state("gpiolib_irq_input", gpio, "in");
	must("TS_MONO", ts_mono(fd, 1));
	must("F_SETFL", fcntl(fd, F_SETFL, O_NONBLOCK));
	ret = read(fd, &rdo, sizeof(rdo));
	check("nonblock_read_input", ret == sizeof(rdo) &&
	      (rdo.value == 0 || rdo.value == 1), ret, errno, "\"value\": %d",
	      rdo.value);
	expect_ok("irqdis", ioctl(fd, GPIO_RTIOC_IRQDIS));
	close(fd);
	/* released by close: no longer listed as requested */
	expect_state("released_on_close", gpio, "absent");
	printf("]");
}

static const struct {
	const char *name;
	int nargs;
	void (*fn)(void);
} tests[] = {
	{ "abi", 1, t_abi },
	{ "edges", 4, t_edges },
	{ "level", 3, t_level },
	{ "nonblock", 2, t_nonblock },
	{ "select", 2, t_select },
	{ "badinput", 2, t_badinput },
	{ "close-wake", 1, t_close_wake },
	{ "revoke", 1, t_revoke },
	{ "cycles", 2, t_cycles },
	{ "outputs", 2, t_outputs },
};

static int cur;

static void *runner(void *arg)
{
	tests[cur].fn();
	return arg;
}

int main(int argc, char **argv)
{
	int n = 1;
	unsigned int k;

	if (n < argc && !strcmp(argv[n], "-f")) {
		use_fifo = 1;
		n++;
	}
	if (n >= argc)
		goto usage;
	for (k = 0; k < sizeof(tests) / sizeof(tests[0]); k++)
		if (!strcmp(argv[n], tests[k].name))
			break;
	if (k == sizeof(tests) / sizeof(tests[0]) || argc - n - 1 != tests[k].nargs)
		goto usage;
	cur = k;
	args = argv + n + 1;
	nargs = tests[k].nargs;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	printf("{\"test\": \"%s\", \"fifo\": %s, ", tests[cur].name,
	       use_fifo ? "true" : "false");
	if (use_fifo) {
		struct sched_param sp = { .sched_priority = 60 };
		pthread_attr_t attr;
		pthread_t t;

		pthread_attr_init(&attr);
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
		if (pthread_create(&t, &attr, runner, NULL)) {
			printf("\"error\": \"pthread_create SCHED_FIFO\"}\n");
			return 1;
		}
		pthread_join(t, NULL);
	} else {
		runner(NULL);
	}
	printf("}\n");
	return 0;
usage:
	fprintf(stderr, "usage: gpio-check [-f] <test> <args>; tests:");
	for (k = 0; k < sizeof(tests) / sizeof(tests[0]); k++)
		fprintf(stderr, " %s(%d)", tests[k].name, tests[k].nargs);
	fprintf(stderr, "\n");
	return 2;
}
