// SPDX-License-Identifier: GPL-2.0
/*
 * uddtest: user-space side of UDD devices, for the test suite and for
 * bring-up. Prints ONE JSON object: {"test": ..., "checks": [...], ...};
 * each check is {"name", "ok", "ret", "errno"} plus measured values, and
 * the pytest side asserts on them.
 *
 *   uddtest [-f] abi
 *   uddtest [-f] info <name>             device info, mappers, regions
 *   uddtest [-f] wait <name> [-n count] [-m read|select] [-t timeout_ms]
 *                [-e]                    wait for interrupts (select: with
 *                                        a timeout); -e re-enables the
 *                                        line after each one
 * On the simulated device of udd_sim.ko:
 *   uddtest [-f] sim-mem                 regions: kernel <-> user bytes
 *   uddtest [-f] sim-irq <read|select|signal|burst-read|burst-select|
 *                         burst-signal>
 *                        [-n count] [-d delay_us] [-p period_us]
 *   uddtest [-f] sim-gate                IRQEN/IRQDIS and write() gating
 *   uddtest [-f] sim-custom              UDD_IRQ_CUSTOM and UDD_IRQ_NONE
 *   uddtest [-f] errors                  bad input
 *   uddtest [-f] close-blocked           close() while a read() blocks
 *   uddtest [-f] unbind                  unregister while open, rebind
 *   uddtest hold <name> <seconds> <readyfile> [map]
 *                                        keep a device open (map: only a
 *                                        mapping of its region 0)
 * On an i.MX EPIT (i.MX6) given to udd_generic.ko:
 *   uddtest [-f] epit <name> [-m read|select|signal] [-c clksrc]
 *                [-F clock_hz] [-P prescaler] [-l load] [-t seconds]
 *   uddtest [-f] epit-gate <name>        the line gates a real device
 *
 * -f runs the test from a SCHED_FIFO thread (priority 60), so that the
 * real-time handlers serve it. -h or --help prints the usage on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
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
#include <sys/select.h>
#include <sys/syscall.h>
#include <rtdm/uapi/udd.h>
#include "../udd_sim.h"

#define US		1000LL
#define MS		1000000LL
#define SEC		1000000000LL
#define PAGE		4096
#define NR_MAPS		5	/* UDD_NR_MAPS */

#define SIM_DEV		"/dev/rtdm/" UDD_SIM_NAME
#define SIM_MAP(n)	"/dev/rtdm/" UDD_SIM_NAME ",mapper" #n
#define CUST_DEV	"/dev/rtdm/" UDD_SIM_CUST_NAME
#define NIRQ_DEV	"/dev/rtdm/" UDD_SIM_NIRQ_NAME
#define SIM_SYSFS	"/sys/bus/platform/drivers/udd-sim/"

/* hidden from the compiler, which would reject them */
static void *volatile bad_ptr = (void *)8;	/* user range, unmapped */

static int use_fifo;
static int nchecks;
static char **args;
static int nargs;
static int notify_sig;		/* SIGRTMIN + 1, blocked in every thread */

/* options */
static long opt_n = -1, opt_delay_us = -1, opt_period_us = -1;
static long opt_timeout_ms = 2000, opt_clksrc = 3, opt_prescaler = 1;
static long opt_load = -1, opt_clock_hz = -1;
static double opt_seconds = 2.0;
static int opt_reenable;
static const char *opt_mode = "read";

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { ns / SEC, ns % SEC };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
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
	case ENXIO: return "ENXIO";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	default: return "other";
	}
}

/* One check: @ret is the call's return, @err its errno. */
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
	fflush(stdout);
}

/* A call expected to fail with errno @want. */
static void expect_err(const char *name, long ret, int want)
{
	int err = errno;

	check(name, ret < 0 && err == want, ret, err, NULL);
}

/* A call expected to succeed (ret >= 0). */
static void expect_ok(const char *name, long ret)
{
	int err = errno;

	check(name, ret >= 0, ret, err, NULL);
}

/* Fields printed after the checks (measurements). */
static char extras[8192];

static void extra(const char *fmt, ...)
{
	size_t len = strlen(extras);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(extras + len, sizeof(extras) - len, fmt, ap);
	va_end(ap);
}

static void fatal(const char *what)
{
	printf("]%s, \"error\": \"%s: %s\"}\n", extras, what,
	       strerror(errno));
	exit(1);
}

static int open_dev(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0)
		fatal(path);
	return fd;
}

static void *map_region(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		fatal("mmap");
	return p;
}

static long sim_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

static int sim_fire(int fd, uint32_t count, int64_t delay_ns,
		    int64_t period_ns)
{
	struct udd_sim_fire f = {
		.count = count, .delay_ns = delay_ns, .period_ns = period_ns,
	};

	return ioctl(fd, UDD_SIM_RTIOC_FIRE, &f);
}

static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret;

	do
		ret = poll(&p, 1, timeout_ms);
	while (ret < 0 && errno == EINTR);

	return ret;
}

static int read_count(int fd, uint32_t *count)
{
	return read(fd, count, sizeof(*count)) == sizeof(*count) ? 0 : -1;
}

static int irq_switch(int fd, int on)
{
	return ioctl(fd, on ? UDD_RTIOC_IRQEN : UDD_RTIOC_IRQDIS);
}

static int set_signal(int fd, pid_t pid, int sig)
{
	struct udd_signotify sn = { .pid = pid, .sig = sig };

	return ioctl(fd, UDD_RTIOC_IRQSIG, &sn);
}

static int wait_signal(siginfo_t *si, int64_t timeout_ns)
{
	struct timespec ts = { timeout_ns / SEC, timeout_ns % SEC };
	sigset_t set;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, notify_sig);
	do
		ret = sigtimedwait(&set, si, &ts);
	while (ret < 0 && errno == EINTR);

	return ret;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Waits until the simulated device has raised its whole burst. */
static void sim_wait_idle(volatile struct udd_sim_regs *r)
{
	int64_t end = now_ns() + 10 * SEC;

	while (r->pending && now_ns() < end)
		sleep_ns(MS);
	sleep_ns(5 * MS);
}

/* Optionally with a histogram in 1 us cells (hist != NULL, HIST_CELLS). */
#define HIST_CELLS	5000

struct stats {
	int64_t min, max, sum;
	long n;
	uint32_t *hist;
	long overflow;
};

static void stats_add(struct stats *s, int64_t v)
{
	if (s->hist) {
		if (v >= 0 && v / 1000 < HIST_CELLS)
			s->hist[v / 1000]++;
		else
			s->overflow++;
	}
	if (!s->n || v < s->min)
		s->min = v;
	if (!s->n || v > s->max)
		s->max = v;
	s->sum += v;
	s->n++;
}

/* The cell (us) that holds the q-quantile, HIST_CELLS in the overflow. */
static long stats_quantile(const struct stats *s, double q)
{
	long i, seen = 0, want = (long)(q * s->n + 0.999999);

	for (i = 0; i < HIST_CELLS; i++) {
		seen += s->hist[i];
		if (seen >= want)
			return i;
	}
	return HIST_CELLS;
}

static void stats_print(const char *name, struct stats *s)
{
	char cells[4096];
	size_t len = 0;
	long i;

	extra(", \"%s\": {\"n\": %ld, \"min\": %" PRId64 ", \"avg\": %" PRId64
	       ", \"max\": %" PRId64, name, s->n, s->n ? s->min : 0,
	       s->n ? s->sum / s->n : 0, s->n ? s->max : 0);
	if (s->hist && s->n) {
		/* [[us, count], ...] of the non-empty cells */
		for (i = 0; i < HIST_CELLS && len < sizeof(cells) - 32; i++)
			if (s->hist[i])
				len += snprintf(cells + len, sizeof(cells) - len,
						"%s[%ld, %u]", len ? ", " : "",
						i, s->hist[i]);
		cells[len] = 0;
		extra(", \"p99_us\": %ld, \"p999_us\": %ld, \"overflow\": %ld, "
		      "\"hist\": [%s]", stats_quantile(s, 0.99),
		      stats_quantile(s, 0.999), s->overflow, cells);
	}
	extra("}");
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);

	return ret;
}

static int sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;

	return 0;
}

/* ------------------------------------------------------------------ */

static void t_abi(void)
{
	check("ioctls", UDD_RTIOC_IRQEN == 0x900 && UDD_RTIOC_IRQDIS == 0x901 &&
	      UDD_RTIOC_IRQSIG == 0x40080902, 0, 0,
	      "\"IRQEN\": \"%#x\", \"IRQDIS\": \"%#x\", \"IRQSIG\": \"%#lx\"",
	      UDD_RTIOC_IRQEN, UDD_RTIOC_IRQDIS,
	      (unsigned long)UDD_RTIOC_IRQSIG);
	check("signotify", sizeof(struct udd_signotify) == 8, 0, 0,
	      "\"size\": %zu", sizeof(struct udd_signotify));
}

static void print_info(const char *what, int fd)
{
	struct rtdm_device_info info;
	int ret = ioctl(fd, RTIOC_DEVICE_INFO, &info);

	check(what, ret == 0, ret, errno,
	      "\"class\": %d, \"subclass\": %d, \"flags\": %d, \"version\": %d",
	      ret ? -1 : info.device_class, ret ? -1 : info.device_sub_class,
	      ret ? -1 : info.device_flags, ret ? -1 : info.profile_version);
}

static void t_info(void)
{
	char path[128], attr[256];
	int fd, n;

	if (nargs < 1)
		fatal("info <name>");
	snprintf(path, sizeof(path), "/dev/rtdm/%s", args[0]);
	fd = open_dev(path, O_RDWR);
	print_info("device", fd);
	close(fd);
	snprintf(path, sizeof(path), "/sys/class/rtdm/%s/udd_irq", args[0]);
	if (!sysfs_read(path, attr, sizeof(attr)))
		check("irq", 1, 0, 0, "\"udd_irq\": \"%s\"", attr);
	for (n = 0; n < NR_MAPS; n++) {
		char name[32];

		snprintf(path, sizeof(path), "/dev/rtdm/%s,mapper%d", args[0], n);
		fd = open(path, O_RDWR);
		if (fd < 0)
			continue;
		snprintf(name, sizeof(name), "mapper%d", n);
		print_info(name, fd);
		close(fd);
		snprintf(path, sizeof(path), "/sys/class/rtdm/%s,mapper%d/udd_region",
			 args[0], n);
		snprintf(name, sizeof(name), "region%d", n);
		if (!sysfs_read(path, attr, sizeof(attr)))
			check(name, 1, 0, 0, "\"udd_region\": \"%s\"", attr);
	}
}

/* Generic: wait for interrupts on any UDD device. */
static void t_wait(void)
{
	char path[128];
	uint32_t c, prev = 0;
	struct stats gap = { 0 };
	int64_t t, last = 0;
	long n, want = opt_n > 0 ? opt_n : 1;
	int fd, ret = 0, one = 1;

	if (nargs < 1)
		fatal("wait <name>");
	snprintf(path, sizeof(path), "/dev/rtdm/%s", args[0]);
	fd = open_dev(path, O_RDWR);
	for (n = 0; n < want; n++) {
		if (!strcmp(opt_mode, "select")) {
			ret = wait_readable(fd, opt_timeout_ms);
			if (ret <= 0) {
				if (!ret)
					errno = ETIMEDOUT;
				ret = -1;
				break;
			}
		}
		ret = read_count(fd, &c);
		if (ret)
			break;
		t = now_ns();
		if (n)
			stats_add(&gap, t - last);
		last = t;
		prev = c;
		if (opt_reenable && write(fd, &one, sizeof(one)) != sizeof(one))
			break;
	}
	check("interrupts", n == want, ret, errno,
	      "\"received\": %ld, \"last_count\": %u", n, prev);
	stats_print("gap_ns", &gap);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Simulated device                                                   */
/* ------------------------------------------------------------------ */

struct sim {
	int fd, map0;
	void *regs_page;
	volatile struct udd_sim_regs *r;	/* block of uddsim */
	volatile struct udd_sim_regs *rc;	/* block of uddsim-cust */
};

static void sim_open(struct sim *s)
{
	s->fd = open_dev(SIM_DEV, O_RDWR);
	s->map0 = open_dev(SIM_MAP(0), O_RDWR);
	s->regs_page = map_region(s->map0, PAGE);
	s->r = s->regs_page + UDD_SIM_DEV_MAIN * UDD_SIM_REGS_STRIDE;
	s->rc = s->regs_page + UDD_SIM_DEV_CUST * UDD_SIM_REGS_STRIDE;
}

static void sim_close(struct sim *s)
{
	munmap(s->regs_page, PAGE);
	close(s->map0);
	close(s->fd);
}

static long region_mismatches(const volatile uint8_t *p, size_t len,
			      uint32_t seed)
{
	long bad = 0;
	size_t n;

	for (n = 0; n < len; n++)
		bad += p[n] != udd_sim_pattern(seed, n);

	return bad;
}

static void t_sim_mem(void)
{
	static const int regions[] = { 1, 3 };
	struct udd_sim_pattern pt;
	struct sim s;
	int i, ret;

	sim_open(&s);
	print_info("device_info", s.fd);
	print_info("mapper_info", s.map0);
	check("regs_magic", s.r->magic == UDD_SIM_MAGIC &&
	      s.r->version == UDD_SIM_VERSION &&
	      s.rc->magic == UDD_SIM_MAGIC, 0, 0,
	      "\"magic\": \"%#x\", \"version\": %u", s.r->magic, s.r->version);

	for (i = 0; i < 2; i++) {
		int reg = regions[i];
		char path[64], name[64];
		volatile uint8_t *p;
		uint32_t seed = 0x1000 * reg + (uint32_t)now_ns();
		long bad;
		int fd;

		snprintf(path, sizeof(path), SIM_DEV ",mapper%d", reg);
		fd = open_dev(path, O_RDWR);
		p = map_region(fd, UDD_SIM_BUF_LEN);

		/* kernel -> user */
		pt = (struct udd_sim_pattern){ .region = reg, .seed = seed };
		ret = sim_ioctl(s.fd, UDD_SIM_RTIOC_FILL, &pt);
		bad = region_mismatches(p, UDD_SIM_BUF_LEN, seed);
		snprintf(name, sizeof(name), "kernel_to_user_%d", reg);
		check(name, !ret && !bad && pt.len == UDD_SIM_BUF_LEN, ret,
		      errno, "\"seed\": %u, \"bytes\": %d, \"mismatches\": %ld",
		      seed, UDD_SIM_BUF_LEN, bad);

		/* user -> kernel */
		seed = ~seed;
		for (size_t n = 0; n < UDD_SIM_BUF_LEN; n++)
			p[n] = udd_sim_pattern(seed, n);
		pt = (struct udd_sim_pattern){ .region = reg, .seed = seed };
		ret = sim_ioctl(s.fd, UDD_SIM_RTIOC_CHECK, &pt);
		snprintf(name, sizeof(name), "user_to_kernel_%d", reg);
		check(name, !ret && !pt.mismatches && pt.first_bad == ~0ULL,
		      ret, errno, "\"seed\": %u, \"mismatches\": %" PRIu64,
		      seed, (uint64_t)pt.mismatches);

		/* the check can fail: one byte changed */
		p[1234] ^= 0x5a;
		pt = (struct udd_sim_pattern){ .region = reg, .seed = seed };
		ret = sim_ioctl(s.fd, UDD_SIM_RTIOC_CHECK, &pt);
		snprintf(name, sizeof(name), "user_change_seen_%d", reg);
		check(name, !ret && pt.mismatches == 1 && pt.first_bad == 1234,
		      ret, errno, "\"mismatches\": %" PRIu64
		      ", \"first_bad\": %" PRIu64, (uint64_t)pt.mismatches,
		      (uint64_t)pt.first_bad);

		munmap((void *)p, UDD_SIM_BUF_LEN);
		close(fd);
	}

	/* uddsim-nirq's region 0 is the memory of uddsim's region 1 */
	{
		int f1 = open_dev(SIM_MAP(1), O_RDWR);
		int f2 = open_dev(NIRQ_DEV ",mapper0", O_RDWR);
		volatile uint8_t *a = map_region(f1, UDD_SIM_BUF_LEN);
		volatile uint8_t *b = map_region(f2, PAGE);

		a[100] = 0xa5;
		a[101] = 0x3c;
		check("shared_memory", b[100] == 0xa5 && b[101] == 0x3c, 0, 0,
		      NULL);
		munmap((void *)a, UDD_SIM_BUF_LEN);
		munmap((void *)b, PAGE);
		close(f1);
		close(f2);
	}

	/* a mapping outlives close() of its mapper */
	{
		int f = open_dev(SIM_MAP(0), O_RDWR);
		volatile struct udd_sim_regs *r = map_region(f, PAGE);

		close(f);
		check("mapping_after_close", r->magic == UDD_SIM_MAGIC, 0, 0,
		      NULL);
		munmap((void *)r, PAGE);
	}
	sim_close(&s);
}

/* Waits for the next report: read(), select() + read() or a signal. */
static int sim_wait_report(struct sim *s, const char *how, uint32_t *c)
{
	siginfo_t si;
	int ret;

	if (!strcmp(how, "signal")) {
		ret = wait_signal(&si, 2 * SEC);
		if (ret < 0)
			return -1;
		if (si.si_code != SI_QUEUE || si.si_signo != notify_sig) {
			errno = EINVAL;
			return -1;
		}
		*c = (uint32_t)si.si_int;
		return 0;
	}

	if (!strcmp(how, "select")) {
		struct timeval tv = { 2, 0 };
		fd_set rfds;

		FD_ZERO(&rfds);
		FD_SET(s->fd, &rfds);
		ret = select(s->fd + 1, &rfds, NULL, NULL, &tv);
		if (ret != 1 || !FD_ISSET(s->fd, &rfds)) {
			if (!ret)
				errno = ETIMEDOUT;
			return -1;
		}
	}

	return read_count(s->fd, c);
}

/*
 * One interrupt at a time (@delay_ns after the request), @count times:
 * each report must carry the next count, the handler must have seen the
 * doorbell written for it, and nothing is reported before it comes.
 */
static int sim_irq_single(struct sim *s, const char *how, long count,
			  int64_t delay, uint32_t base, struct stats *wake)
{
	long n, in_order = 0, echo_ok = 0, blocked = 0, early = 0;
	int sig = !strcmp(how, "signal");
	uint32_t c = 0;
	int64_t before, t;
	int ret = 0;

	for (n = 1; n <= count; n++) {
		if (!sig)
			early += wait_readable(s->fd, 0) != 0;
		s->r->doorbell = (uint32_t)n;
		if (sim_fire(s->fd, 1, delay, 0))
			fatal("FIRE");
		before = now_ns();
		ret = sim_wait_report(s, how, &c);
		if (ret)
			break;
		t = now_ns();
		in_order += c == base + n;
		echo_ok += s->r->echo == (uint32_t)n;
		blocked += before < (int64_t)s->r->raise_ns;
		stats_add(wake, t - (int64_t)s->r->raise_ns);
	}
	check("counts_in_order", in_order == count, ret, errno,
	      "\"expected\": %ld, \"in_order\": %ld, \"base\": %u, "
	      "\"last\": %u, \"waited_before_irq\": %ld",
	      count, in_order, base, c, blocked);
	check("doorbell_echo", echo_ok == count, 0, 0, "\"echo_ok\": %ld",
	      echo_ok);
	if (!sig)
		check("not_ready_before_irq", early == 0, 0, 0,
		      "\"early\": %ld", early);

	return ret;
}

/*
 * @count interrupts, one every @period: the reports may coalesce for
 * read() and select() (each is newer than the one before, the last is
 * the total), never for signals (one each, counts in order).
 */
static int sim_irq_burst(struct sim *s, const char *how, long count,
			 int64_t delay, int64_t period, uint32_t base)
{
	int sig = !strcmp(how, "signal");
	long reports = 0, increasing = 0;
	uint32_t c = base, prev = base;
	int ret = 0;

	if (sim_fire(s->fd, count, delay, period))
		fatal("FIRE");
	while (c != base + count) {
		ret = sim_wait_report(s, how, &c);
		if (ret)
			break;
		reports++;
		increasing += sig ? c == prev + 1 : (int32_t)(c - prev) > 0;
		if ((int32_t)(c - (base + count)) > 0)
			break;
		prev = c;
	}
	sim_wait_idle(s->r);
	check("burst_total", !ret && c == base + count &&
	      s->r->handled == base + count, ret, errno,
	      "\"expected\": %ld, \"last\": %u, \"base\": %u, "
	      "\"handled\": %u, \"reports\": %ld, \"increasing\": %ld",
	      count, c, base, s->r->handled, reports, increasing);
	check("burst_reports_in_order", increasing == reports, 0, 0, NULL);
	if (sig)
		check("burst_one_signal_each", reports == count, 0, 0, NULL);

	return ret;
}

static void t_sim_irq(void)
{
	const char *mode = nargs ? args[0] : "read";
	int burst = !strncmp(mode, "burst-", 6);
	const char *how = burst ? mode + 6 : mode;
	long count = opt_n > 0 ? opt_n : 1000;
	int64_t delay = (opt_delay_us > 0 ? opt_delay_us : 200) * US;
	int64_t period = (opt_period_us > 0 ? opt_period_us : 500) * US;
	int sig = !strcmp(how, "signal");
	static uint32_t wake_hist[HIST_CELLS];
	struct stats wake = { .hist = wake_hist };
	int64_t t0, t1;
	uint32_t base;
	siginfo_t si;
	struct sim s;
	int ret;

	if (strcmp(how, "read") && strcmp(how, "select") && !sig)
		fatal("sim-irq: read, select, signal, burst-<one of them>");

	sim_open(&s);
	if (irq_switch(s.fd, 1))
		fatal("IRQEN");
	base = s.r->handled;
	if (sig) {
		ret = set_signal(s.fd, gettid_(), notify_sig);
		check("irqsig", ret == 0, ret, errno,
		      "\"sig\": %d, \"tid\": %d", notify_sig, gettid_());
		if (ret) {
			sim_close(&s);
			return;
		}
	}

	t0 = now_ns();
	if (burst)
		sim_irq_burst(&s, how, count, delay, period, base);
	else
		sim_irq_single(&s, how, count, delay, base, &wake);
	t1 = now_ns();

	/* nothing more is reported */
	if (sig) {
		ret = wait_signal(&si, 50 * MS);
		expect_err("no_extra_signal", ret, EAGAIN);
		ret = set_signal(s.fd, 0, 0);
		expect_ok("irqsig_off", ret);
		if (sim_fire(s.fd, 1, delay, 0))
			fatal("FIRE");
		ret = wait_signal(&si, 50 * MS);
		expect_err("no_signal_when_off", ret, EAGAIN);
		sim_wait_idle(s.r);
	} else {
		ret = wait_readable(s.fd, 20);
		check("no_extra_report", ret == 0, ret, errno, NULL);
	}
	extra(", \"elapsed_ns\": %" PRId64 ", \"count\": %ld", t1 - t0, count);
	stats_print("wakeup_ns", &wake);
	sim_close(&s);
}

static void t_sim_gate(void)
{
	volatile struct udd_sim_regs *r;
	uint32_t raised, handled, masked, c, zero = 0, one = 1;
	char attr[128];
	struct sim s;
	int ret, pass;

	sim_open(&s);
	r = s.r;
	for (pass = 0; pass < 2; pass++) {
		const char *via = pass ? "write" : "ioctl";
		char name[64];

		/* disable: raises are dropped at the line */
		ret = pass ? (write(s.fd, &zero, 4) == 4 ? 0 : -1) :
			irq_switch(s.fd, 0);
		snprintf(name, sizeof(name), "%s_disable", via);
		expect_ok(name, ret);
		sysfs_read("/sys/class/rtdm/" UDD_SIM_NAME "/udd_irq", attr,
			   sizeof(attr));
		snprintf(name, sizeof(name), "%s_sysfs_disabled", via);
		check(name, strstr(attr, "disabled") != NULL, 0, 0,
		      "\"udd_irq\": \"%s\"", attr);
		raised = r->raised;
		handled = r->handled;
		masked = r->masked;
		if (sim_fire(s.fd, 20, 10 * US, 200 * US))
			fatal("FIRE");
		sim_wait_idle(r);
		snprintf(name, sizeof(name), "%s_disabled_delivers_nothing", via);
		check(name, r->raised - raised == 20 && r->handled == handled &&
		      r->masked - masked == 20 && wait_readable(s.fd, 0) == 0,
		      0, 0, "\"raised\": %u, \"handled\": %u, \"masked\": %u",
		      r->raised - raised, r->handled - handled,
		      r->masked - masked);
		fcntl(s.fd, F_SETFL, O_NONBLOCK);
		ret = read(s.fd, &c, 4);
		snprintf(name, sizeof(name), "%s_disabled_read_nonblock", via);
		expect_err(name, ret, EAGAIN);
		fcntl(s.fd, F_SETFL, 0);

		/* disabling twice changes nothing */
		ret = irq_switch(s.fd, 0);
		snprintf(name, sizeof(name), "%s_disable_twice", via);
		expect_ok(name, ret);

		/* enable: no replay of what was dropped, then delivery */
		ret = pass ? (write(s.fd, &one, 4) == 4 ? 0 : -1) :
			irq_switch(s.fd, 1);
		snprintf(name, sizeof(name), "%s_enable", via);
		expect_ok(name, ret);
		ret = wait_readable(s.fd, 30);
		snprintf(name, sizeof(name), "%s_no_replay", via);
		check(name, ret == 0 && r->handled == handled, ret, errno, NULL);
		ret = irq_switch(s.fd, 1);
		snprintf(name, sizeof(name), "%s_enable_twice", via);
		expect_ok(name, ret);
		if (sim_fire(s.fd, 20, 10 * US, 200 * US))
			fatal("FIRE");
		sim_wait_idle(r);
		ret = read_count(s.fd, &c);
		snprintf(name, sizeof(name), "%s_enabled_delivers", via);
		check(name, !ret && r->handled - handled == 20 &&
		      c == handled + 20, ret, errno,
		      "\"handled\": %u, \"count\": %u, \"expected\": %u",
		      r->handled - handled, c, handled + 20);
	}
	sim_close(&s);
}

static void t_sim_custom(void)
{
	volatile struct udd_sim_regs *rc;
	uint32_t c, base, one = 1;
	struct sim s;
	int fd, ret;

	sim_open(&s);
	rc = s.rc;

	/* UDD_IRQ_CUSTOM: the mini-driver notifies and gates */
	fd = open_dev(CUST_DEV, O_RDWR);
	print_info("custom_info", fd);
	ret = open(CUST_DEV ",mapper0", O_RDWR);
	expect_err("custom_no_mapper", ret, ENOENT);
	ret = irq_switch(fd, 1);
	expect_ok("custom_irqen_by_minidriver", ret);
	base = rc->handled;
	sim_fire(fd, 1, 100 * US, 0);
	ret = read_count(fd, &c);
	check("custom_read", !ret && c == base + 1, ret, errno,
	      "\"count\": %u, \"base\": %u", c, base);
	ret = irq_switch(fd, 0);
	expect_ok("custom_irqdis_by_minidriver", ret);
	sim_fire(fd, 1, 100 * US, 0);
	sim_wait_idle(rc);
	ret = wait_readable(fd, 0);
	check("custom_disabled", ret == 0 && rc->handled == base + 1, ret,
	      errno, NULL);
	ret = write(fd, &one, 4);
	check("custom_write_enable", ret == 4, ret, errno, NULL);
	sim_fire(fd, 3, 100 * US, 300 * US);
	sim_wait_idle(rc);
	ret = read_count(fd, &c);
	check("custom_enabled_again", !ret && c == base + 4, ret, errno,
	      "\"count\": %u", c);
	close(fd);

	/* UDD_IRQ_NONE */
	fd = open_dev(NIRQ_DEV, O_RDWR);
	ret = read(fd, &c, 4);
	expect_err("nirq_read", ret, EIO);
	ret = irq_switch(fd, 1);
	expect_err("nirq_irqen", ret, EIO);
	ret = irq_switch(fd, 0);
	expect_err("nirq_irqdis", ret, EIO);
	ret = write(fd, &one, 4);
	expect_err("nirq_write", ret, EIO);
	ret = wait_readable(fd, 30);
	check("nirq_never_readable", ret == 0, ret, errno, NULL);
	ret = sim_fire(fd, 1, 100 * US, 0);
	expect_err("nirq_no_minidriver_ioctl", ret, EINVAL);
	close(fd);
	sim_close(&s);
}

static void t_errors(void)
{
	struct udd_signotify sn;
	struct sim s;
	uint32_t c, one = 1;
	uint64_t big = 0;
	void *p;
	int fd;

	sim_open(&s);
	irq_switch(s.fd, 1);

	/* read/write sizes and buffers */
	expect_err("read_short", read(s.fd, &c, 2), EINVAL);
	expect_err("read_long", read(s.fd, &big, 8), EINVAL);
	expect_err("read_zero", read(s.fd, &c, 0), EINVAL);
	expect_err("write_short", write(s.fd, &one, 2), EINVAL);
	expect_err("write_long", write(s.fd, &big, 8), EINVAL);
	expect_err("write_bad_buffer", write(s.fd, bad_ptr, 4), EFAULT);
	sim_fire(s.fd, 1, 100 * US, 0);
	sim_wait_idle(s.r);
	expect_err("read_bad_buffer", read(s.fd, bad_ptr, 4), EFAULT);

	/* IRQSIG */
	sn = (struct udd_signotify){ .pid = gettid_(), .sig = SIGUSR1 };
	expect_err("irqsig_not_rt_signal", ioctl(s.fd, UDD_RTIOC_IRQSIG, &sn),
		   EINVAL);
	sn.sig = 0;
	expect_err("irqsig_signal_0", ioctl(s.fd, UDD_RTIOC_IRQSIG, &sn),
		   EINVAL);
	sn.sig = 65;
	expect_err("irqsig_signal_65", ioctl(s.fd, UDD_RTIOC_IRQSIG, &sn),
		   EINVAL);
	sn = (struct udd_signotify){ .pid = 1, .sig = notify_sig };
	expect_err("irqsig_other_process", ioctl(s.fd, UDD_RTIOC_IRQSIG, &sn),
		   EINVAL);
	sn.pid = 4000000;
	expect_err("irqsig_no_such_thread",
		   ioctl(s.fd, UDD_RTIOC_IRQSIG, &sn), EINVAL);
	expect_err("irqsig_bad_pointer",
		   ioctl(s.fd, UDD_RTIOC_IRQSIG, bad_ptr), EFAULT);
	sn = (struct udd_signotify){ .pid = 0, .sig = 1000 };
	expect_ok("irqsig_off_ignores_sig", ioctl(s.fd, UDD_RTIOC_IRQSIG, &sn));
	sn.pid = -1;
	expect_ok("irqsig_off_negative_pid",
		  ioctl(s.fd, UDD_RTIOC_IRQSIG, &sn));

	/* unknown requests */
	expect_err("unknown_ioctl_udd", ioctl(s.fd, _IO(RTDM_CLASS_UDD, 0x30)),
		   EINVAL);
	expect_err("unknown_ioctl_other", ioctl(s.fd, _IO('x', 1)), EINVAL);
	expect_ok("device_info", ioctl(s.fd, RTIOC_DEVICE_INFO,
				       &(struct rtdm_device_info){ 0 }));

	/* the mini-driver's requests */
	expect_err("fire_count_0", sim_fire(s.fd, 0, 100 * US, 0), EINVAL);
	expect_err("fire_bad_pointer", ioctl(s.fd, UDD_SIM_RTIOC_FIRE, bad_ptr),
		   EFAULT);
	expect_ok("fire_burst", sim_fire(s.fd, 3, 100 * MS, 100 * MS));
	expect_err("fire_while_busy", sim_fire(s.fd, 1, 100 * US, 0), EBUSY);
	expect_ok("stop", ioctl(s.fd, UDD_SIM_RTIOC_STOP));
	expect_err("check_bad_region", sim_ioctl(s.fd, UDD_SIM_RTIOC_CHECK,
		   &(struct udd_sim_pattern){ .region = 2 }), EINVAL);

	/* mappers */
	expect_err("mapper_sparse_index", open(SIM_MAP(2), O_RDWR), ENOENT);
	expect_err("mapper_index_5", open(SIM_MAP(5), O_RDWR), ENOENT);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, s.map0, 0);
	expect_err("mmap_too_long", p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, s.map0, PAGE);
	expect_err("mmap_at_offset", p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, s.map0, 0);
	expect_err("mmap_private", p == MAP_FAILED ? -1 : 0, EINVAL);
	fd = open_dev(SIM_MAP(1), O_RDWR);
	p = mmap(NULL, UDD_SIM_BUF_LEN + PAGE, PROT_READ, MAP_SHARED, fd, 0);
	expect_err("mmap_vmem_too_long", p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 3 * PAGE);
	expect_err("mmap_vmem_at_offset", p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	expect_ok("mmap_vmem_part", p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED)
		munmap(p, 2 * PAGE);
	expect_err("mapper_read", read(fd, &c, 4), EBADF);
	expect_err("mapper_ioctl", ioctl(fd, UDD_RTIOC_IRQEN), ENOTTY);
	print_info("mapper_device_info", fd);
	close(fd);
	fd = open_dev(SIM_MAP(3), O_RDWR);
	p = mmap(NULL, UDD_SIM_BUF_LEN + PAGE, PROT_READ, MAP_SHARED, fd, 0);
	expect_err("mmap_kmem_too_long", p == MAP_FAILED ? -1 : 0, EINVAL);
	close(fd);
	sim_close(&s);
}

struct blocked {
	int fd;
	int ret, err;
	int64_t woke_ns;
};

static void *blocked_reader(void *arg)
{
	struct blocked *b = arg;
	uint32_t c;

	b->ret = read(b->fd, &c, 4);
	b->err = errno;
	b->woke_ns = now_ns();

	return NULL;
}

static void start_reader(pthread_t *t, struct blocked *b)
{
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = 60 };

	pthread_attr_init(&attr);
	if (use_fifo) {
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
	}
	if (pthread_create(t, &attr, blocked_reader, b))
		fatal("pthread_create");
	pthread_attr_destroy(&attr);
}

static void t_close_blocked(void)
{
	struct blocked b = { 0 };
	struct sim s;
	int64_t closed;
	pthread_t t;

	sim_open(&s);
	irq_switch(s.fd, 1);
	b.fd = open_dev(SIM_DEV, O_RDWR);
	start_reader(&t, &b);
	sleep_ns(200 * MS);
	check("reader_blocked", b.woke_ns == 0, 0, 0, NULL);
	closed = now_ns();
	close(b.fd);
	pthread_join(t, NULL);
	check("reader_woken_by_close", b.ret < 0 && b.err == EBADF, b.ret,
	      b.err, "\"wake_ns\": %" PRId64, b.woke_ns - closed);
	/* the device still works for the other file */
	sim_fire(s.fd, 1, 100 * US, 0);
	check("other_file_still_served", wait_readable(s.fd, 2000) == 1, 0, 0,
	      NULL);
	sim_close(&s);
}

static void t_unbind(void)
{
	struct blocked b = { 0 };
	struct pollfd pfd;
	struct sim s;
	uint32_t c;
	int64_t unbound;
	pthread_t t;
	void *p;
	int ret, fd;

	sim_open(&s);
	irq_switch(s.fd, 1);
	b.fd = s.fd;
	start_reader(&t, &b);
	sleep_ns(200 * MS);
	check("reader_blocked", b.woke_ns == 0, 0, 0, NULL);

	unbound = now_ns();
	ret = sysfs_write(SIM_SYSFS "unbind", "udd-sim");
	check("unbind", ret == 0, ret, errno, NULL);
	pthread_join(t, NULL);
	check("reader_woken_by_unregister", b.ret < 0 && b.err == ENODEV,
	      b.ret, b.err, "\"wake_ns\": %" PRId64, b.woke_ns - unbound);
	expect_err("read_after", read(s.fd, &c, 4), ENODEV);
	expect_err("ioctl_after", irq_switch(s.fd, 1), ENODEV);
	pfd = (struct pollfd){ .fd = s.fd, .events = POLLIN };
	ret = poll(&pfd, 1, 0);
	check("poll_after", ret == 1 && (pfd.revents & (POLLERR | POLLHUP)),
	      ret, errno, "\"revents\": \"%#x\"", pfd.revents);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, s.map0, 0);
	expect_err("mmap_after", p == MAP_FAILED ? -1 : 0, ENODEV);
	check("mapping_survives", s.r->magic == UDD_SIM_MAGIC, 0, 0, NULL);
	expect_err("open_after", open(SIM_DEV, O_RDWR), ENOENT);
	sim_close(&s);

	ret = sysfs_write(SIM_SYSFS "bind", "udd-sim");
	check("rebind", ret == 0, ret, errno, NULL);
	fd = open(SIM_DEV, O_RDWR);
	check("open_again", fd >= 0, fd, errno, NULL);
	if (fd >= 0) {
		sim_fire(fd, 1, 100 * US, 0);
		ret = read_count(fd, &c);
		/* a new registration counts from 0 */
		check("served_again", !ret && c == 1, ret, errno,
		      "\"count\": %u", c);
		close(fd);
	}
}

static void t_hold(void)
{
	char path[128];
	int64_t until;
	void *p = NULL;
	int fd, mfd;

	if (nargs < 3)
		fatal("hold <name> <seconds> <readyfile> [map]");
	until = now_ns() + (int64_t)(atof(args[1]) * SEC);
	snprintf(path, sizeof(path), "/dev/rtdm/%s", args[0]);
	fd = open_dev(path, O_RDWR);
	if (nargs > 3 && !strcmp(args[3], "map")) {
		snprintf(path, sizeof(path), "/dev/rtdm/%s,mapper0", args[0]);
		mfd = open_dev(path, O_RDWR);
		p = map_region(mfd, PAGE);
		close(mfd);
		close(fd);
		fd = -1;
	}
	close(open_dev(args[2], O_CREAT | O_WRONLY));
	while (now_ns() < until)
		sleep_ns(20 * MS);
	check("held", 1, 0, 0, "\"mapped\": %s", p ? "true" : "false");
	if (p)
		munmap(p, PAGE);
	if (fd >= 0)
		close(fd);
}

/* ------------------------------------------------------------------ */
/* i.MX EPIT (i.MX6 reference manual, chapter EPIT)                   */
/* ------------------------------------------------------------------ */

#define EPITCR		0	/* word offsets */
#define EPITSR		1
#define EPITLR		2
#define EPITCMPR	3
#define EPITCNR		4

#define CR_EN		(1u << 0)
#define CR_ENMOD	(1u << 1)
#define CR_OCIEN	(1u << 2)
#define CR_RLD		(1u << 3)
#define CR_PRESC(p)	((uint32_t)((p) - 1) << 4)
#define CR_CLKSRC(c)	((uint32_t)(c) << 24)
#define SR_OCIF		(1u << 0)

struct epit {
	int fd, mfd;
	volatile uint32_t *regs;
	uint32_t load;
	double tick_hz;
};

static void epit_open(struct epit *e)
{
	char path[128];

	if (nargs < 1)
		fatal("epit <name>");
	snprintf(path, sizeof(path), "/dev/rtdm/%s", args[0]);
	e->fd = open_dev(path, O_RDWR);
	snprintf(path, sizeof(path), "/dev/rtdm/%s,mapper0", args[0]);
	e->mfd = open_dev(path, O_RDWR);
	e->regs = map_region(e->mfd, PAGE);
	if (opt_clock_hz <= 0)
		opt_clock_hz = opt_clksrc == 3 ? 32768 : 0;
	if (opt_clock_hz <= 0)
		fatal("-F clock_hz needed with this clock source");
	e->tick_hz = (double)opt_clock_hz / opt_prescaler;
	e->load = opt_load > 0 ? (uint32_t)opt_load : 327;	/* ~100 Hz */
}

/*
 * Stopped, programmed, flag clear; @en starts it. The compare interrupt
 * is enabled once the counter runs: QEMU 7.2's model schedules the compare
 * event from a stale counter when EN and OCIEN are set by the same write,
 * off the counter's phase (the hardware does not care).
 */
static uint32_t epit_cr(void)
{
	return CR_CLKSRC(opt_clksrc) | CR_PRESC(opt_prescaler) | CR_RLD |
		CR_ENMOD;
}

static void epit_start(struct epit *e)
{
	e->regs[EPITCR] = epit_cr() | CR_EN;
	e->regs[EPITCR] = epit_cr() | CR_EN | CR_OCIEN;
}

static void epit_program(struct epit *e, int en)
{
	volatile uint32_t *r = e->regs;

	r[EPITCR] = 0;
	r[EPITSR] = SR_OCIF;
	r[EPITCR] = epit_cr();
	r[EPITLR] = e->load;
	r[EPITCMPR] = 0;
	if (en)
		epit_start(e);
}

static void epit_stop(struct epit *e)
{
	e->regs[EPITCR] = 0;
	e->regs[EPITSR] = SR_OCIF;
}

/*
 * The timer's rate against CLOCK_MONOTONIC, whether or not user space
 * kept up with every interrupt: at each wake-up the counter tells how long
 * ago the latest expiry was, hence when it was. The expiries lie on a
 * lattice of the timer's period: the period is the one that brings their
 * phases together (the mean resultant length of the phases, R, is 1 for
 * a perfect lattice, near 0 for a wrong period). It is searched around
 * the programmed one on spans of the run twice longer each time, each
 * span narrowing the search. Expiries read off the lattice (in the emulator,
 * the guest clock stalls while QEMU runs its timer callbacks late) only
 * lower R.
 */
#define PHASE_MAX	20000

struct phase {
	double period_ns;	/* programmed */
	int64_t e[PHASE_MAX];	/* expiries, ns */
	long n, dropped;
};

static void phase_add(struct phase *ph, int64_t expiry)
{
	if (ph->n < PHASE_MAX)
		ph->e[ph->n++] = expiry;
}

/* Mean resultant length of the phases of the expiries up to @span. */
static double phase_r(const struct phase *ph, double period, double span)
{
	double c = 0, s = 0, x;
	long i, n = 0;

	for (i = 0; i < ph->n; i++) {
		x = (double)(ph->e[i] - ph->e[0]);
		if (x > span)
			break;
		x = 2 * M_PI * fmod(x, period) / period;
		c += cos(x);
		s += sin(x);
		n++;
	}

	return n ? sqrt(c * c + s * s) / n : 0;
}

/* The period (ns) that fits best; its R in @r. */
static double phase_period(const struct phase *ph, double *r)
{
	double total = ph->n > 1 ? (double)(ph->e[ph->n - 1] - ph->e[0]) : 0;
	double best = ph->period_ns, range = 0.04 * best, span, step, p;
	double br = 0, pr;

	if (total <= 0) {
		*r = 0;
		return 0;
	}
	/* 20 periods (30 expiries at least) first, then twice longer */
	span = 20 * best;
	if (ph->n > 30 && (double)(ph->e[29] - ph->e[0]) > span)
		span = (double)(ph->e[29] - ph->e[0]);
	for (;; span *= 2) {
		if (span > total)
			span = total;
		/* a step drifts the phase by 1/20 period over the span */
		step = best * best / span / 20;
		for (p = best - range, br = 0; p <= best + range; p += step) {
			pr = phase_r(ph, p, span);
			if (pr > br) {
				br = pr;
				best = p;
			}
		}
		range = 4 * step;
		if (span >= total)
			break;
	}
	*r = br;

	return best;
}

static void t_epit(void)
{
	int sig = !strcmp(opt_mode, "signal"), sel = !strcmp(opt_mode, "select");
	uint32_t c = 0, first = 0, prev = 0, cnt, one = 1, lr_read;
	struct stats wake = { 0 };
	int64_t t0 = 0, t = 0, ta, end;
	double rate, expected, dev_rate, since, period, r;
	static struct phase ph;
	long n = 0, steps_ok = 0;
	struct epit e;
	siginfo_t si;
	int ret = 0;

	epit_open(&e);
	ph.n = ph.dropped = 0;
	ph.period_ns = (e.load + 1.0) * 1e9 / e.tick_hz;
	ret = irq_switch(e.fd, 1);
	expect_ok("irqen", ret);
	if (sig) {
		ret = set_signal(e.fd, gettid_(), notify_sig);
		expect_ok("irqsig", ret);
	}
	epit_program(&e, 0);
	lr_read = e.regs[EPITLR];
	check("registers_reach_device", lr_read == e.load &&
	      e.regs[EPITCR] == epit_cr(), 0, 0,
	      "\"lr\": %u, \"cr\": \"%#x\"", lr_read, e.regs[EPITCR]);
	epit_start(&e);
	cnt = e.regs[EPITCNR];
	sleep_ns(2 * MS);
	check("counter_runs", e.regs[EPITCNR] != cnt, 0, 0, NULL);

	end = now_ns() + (int64_t)(opt_seconds * SEC);
	while (now_ns() < end) {
		if (sig) {
			ret = wait_signal(&si, 2 * SEC);
			if (ret < 0)
				break;
			ret = 0;
			c = (uint32_t)si.si_int;
		} else {
			if (sel && wait_readable(e.fd, 2000) != 1) {
				ret = -1;
				break;
			}
			ret = read_count(e.fd, &c);
			if (ret)
				break;
		}
		ta = now_ns();
		cnt = e.regs[EPITCNR];
		t = now_ns();
		/* acknowledge the device, then unmask its line */
		e.regs[EPITSR] = SR_OCIF;
		if (write(e.fd, &one, 4) != 4) {
			ret = -1;
			break;
		}
		/* ticks since the latest expiry (the counter reloads then) */
		since = (e.load - cnt) * 1e9 / e.tick_hz;
		if (t - ta < 100 * US)
			phase_add(&ph, (ta + t) / 2 - (int64_t)since);
		else
			ph.dropped++;
		if (!n) {
			first = c;
			t0 = t;
		} else {
			steps_ok += c == prev + 1;
			stats_add(&wake, (int64_t)since);
		}
		prev = c;
		n++;
	}
	epit_stop(&e);
	if (sig)
		set_signal(e.fd, 0, 0);

	rate = n > 1 ? (double)(c - first) * 1e9 / (t - t0) : 0;
	expected = e.tick_hz / (e.load + 1.0);
	period = phase_period(&ph, &r);
	dev_rate = period > 0 ? 1e9 / period : 0;
	check("interrupts", n > 1 && ret == 0, ret, errno,
	      "\"received\": %ld, \"first\": %u, \"last\": %u, "
	      "\"steps_of_one\": %ld, \"elapsed_ns\": %" PRId64,
	      n, first, c, steps_ok, t - t0);
	check("counts_step_by_one", n > 1 && steps_ok == n - 1, 0, 0, NULL);
	/* the device's rate: the expiries' phases come together */
	check("device_rate", ph.n >= 20 && r >= 0.5, 0, 0,
	      "\"rate_hz\": %.3f, \"expected_hz\": %.3f, \"ratio\": %.5f, "
	      "\"r\": %.3f, \"samples\": %ld, \"dropped\": %ld, "
	      "\"tick_hz\": %.1f, \"load\": %u",
	      dev_rate, expected, expected ? dev_rate / expected : 0, r,
	      ph.n, ph.dropped, e.tick_hz, e.load);
	/* what user space received: lower when it missed expiries */
	check("rate", n > 1, 0, 0,
	      "\"rate_hz\": %.3f, \"expected_hz\": %.3f, \"ratio\": %.5f, "
	      "\"tick_hz\": %.1f, \"load\": %u, \"missed\": %ld",
	      rate, expected, expected ? rate / expected : 0, e.tick_hz,
	      e.load, dev_rate > 0 ? lround((t - t0) * dev_rate / 1e9) -
	      (long)(c - first) : 0);
	stats_print("wakeup_ns", &wake);
	extra(", \"mode\": \"%s\"", opt_mode);
	munmap((void *)e.regs, PAGE);
	close(e.mfd);
	close(e.fd);
}

/*
 * The line gates the device: with the line disabled the timer keeps
 * expiring but nothing is delivered; the interrupt is level-triggered, so
 * enabling the line delivers the flag raised meanwhile, once.
 */
static void t_epit_gate(void)
{
	uint32_t c0 = 0, c, one = 1;
	struct epit e;
	int ret;

	epit_open(&e);
	irq_switch(e.fd, 1);
	epit_program(&e, 1);
	ret = read_count(e.fd, &c0);
	expect_ok("first_interrupt", ret);
	ret = irq_switch(e.fd, 0);
	expect_ok("irqdis", ret);
	e.regs[EPITSR] = SR_OCIF;
	ret = write(e.fd, &one, 4);		/* IRQEN ... */
	expect_ok("irqen", ret);
	ret = irq_switch(e.fd, 0);		/* ... and off again */
	expect_ok("irqdis_again", ret);
	sleep_ns(300 * MS);
	ret = wait_readable(e.fd, 0);
	check("disabled_line_delivers_nothing",
	      ret == 0 && (e.regs[EPITSR] & SR_OCIF), ret, errno,
	      "\"ocif\": %u", e.regs[EPITSR] & SR_OCIF);
	e.regs[EPITCR] &= ~CR_EN;		/* freeze the device */
	ret = irq_switch(e.fd, 1);
	expect_ok("irqen_with_flag_set", ret);
	ret = wait_readable(e.fd, 1000);
	c = 0;
	if (ret == 1)
		read_count(e.fd, &c);
	check("pending_level_delivered_once", ret == 1 && c == c0 + 1, ret,
	      errno, "\"count\": %u, \"before\": %u", c, c0);
	e.regs[EPITSR] = SR_OCIF;
	if (write(e.fd, &one, 4) != 4)
		fatal("ack");
	ret = wait_readable(e.fd, 100);
	check("nothing_after_ack", ret == 0, ret, errno, NULL);
	epit_stop(&e);
	munmap((void *)e.regs, PAGE);
	close(e.mfd);
	close(e.fd);
}

/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "abi", t_abi },
	{ "info", t_info },
	{ "wait", t_wait },
	{ "sim-mem", t_sim_mem },
	{ "sim-irq", t_sim_irq },
	{ "sim-gate", t_sim_gate },
	{ "sim-custom", t_sim_custom },
	{ "errors", t_errors },
	{ "close-blocked", t_close_blocked },
	{ "unbind", t_unbind },
	{ "hold", t_hold },
	{ "epit", t_epit },
	{ "epit-gate", t_epit_gate },
};

static void (*test_fn)(void);

static void *runner(void *arg)
{
	(void)arg;
	test_fn();
	return NULL;
}

/* -h/--help: on stdout, status 0; a usage error: on stderr, status 2 */
static void usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f, "usage: uddtest [-f] <test> [args] [options]; tests:");
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		fprintf(f, " %s", tests[i].name);
	fprintf(f, "\n"
		"  abi | info <name> | sim-mem | sim-gate | sim-custom | errors |\n"
		"  close-blocked | unbind | epit-gate <name>\n"
		"  wait <name> [-n count] [-m read|select] [-t timeout_ms] [-e]\n"
		"  sim-irq read|select|signal|burst-read|burst-select|burst-signal\n"
		"          [-n count] [-d delay_us] [-p period_us]\n"
		"  hold <name> <seconds> <readyfile> [map]\n"
		"  epit <name> [-m read|select|signal] [-c clksrc] [-F clock_hz]\n"
		"       [-P prescaler] [-l load] [-t seconds]\n"
		"options (anywhere on the line):\n"
		"  -f            run the test in a SCHED_FIFO thread (priority 60)\n"
		"  -n count      interrupts to wait for (wait: 1, sim-irq: 1000)\n"
		"  -d delay_us   sim-irq: delay of each interrupt (200)\n"
		"  -p period_us  sim-irq burst-*: period of the burst (500)\n"
		"  -m mode       wait, epit: read (default), select or signal (epit)\n"
		"  -t value      wait: select timeout in ms (2000); epit: seconds (2)\n"
		"  -e            wait: re-enable the line after each interrupt\n"
		"  -c clksrc     epit: EPIT clock source, 1 ipg, 2 high, 3 32 kHz (3)\n"
		"  -F clock_hz   epit: frequency of that clock (32768 for clksrc 3)\n"
		"  -P prescaler  epit: divider 1..4096 (1)\n"
		"  -l load       epit: reload value (327, about 100 Hz at 32768 Hz)\n"
		"  -h --help     print this help\n");
	exit(status);
}

static void parse_opt(int opt)
{
	switch (opt) {
	case 'f': use_fifo = 1; break;
	case 'n': opt_n = atol(optarg); break;
	case 'd': opt_delay_us = atol(optarg); break;
	case 'p': opt_period_us = atol(optarg); break;
	case 't': opt_timeout_ms = atol(optarg);
		  opt_seconds = atof(optarg); break;
	case 'c': opt_clksrc = atol(optarg); break;
	case 'F': opt_clock_hz = atol(optarg); break;
	case 'P': opt_prescaler = atol(optarg); break;
	case 'l': opt_load = atol(optarg); break;
	case 'm': opt_mode = optarg; break;
	case 'e': opt_reenable = 1; break;
	case 'h': usage(0); break;
	default: usage(2);
	}
}

#define OPTS	"+fhn:d:p:t:c:F:P:l:m:e"

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 60 };
	char *pos[8];
	int npos = 0, opt;
	pthread_attr_t attr;
	pthread_t t;
	sigset_t set;
	size_t i;

	for (i = 1; i < (size_t)argc; i++)
		if (!strcmp(argv[i], "--help"))
			usage(0);
	/* options anywhere: before the test, after it, after its arguments */
	while (optind < argc) {
		opt = getopt(argc, argv, OPTS);
		if (opt == -1) {
			if (npos < 8)
				pos[npos++] = argv[optind];
			optind++;
			continue;
		}
		parse_opt(opt);
	}
	if (!npos)
		usage(2);
	args = pos + 1;
	nargs = npos - 1;
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(tests[i].name, pos[0]))
			test_fn = tests[i].fn;
	if (!test_fn)
		usage(2);

	/* the notification signal is only ever taken with sigtimedwait() */
	notify_sig = SIGRTMIN + 1;
	sigemptyset(&set);
	sigaddset(&set, notify_sig);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	printf("{\"test\": \"%s\", \"fifo\": %s, \"checks\": [", pos[0],
	       use_fifo ? "true" : "false");
	fflush(stdout);

	pthread_attr_init(&attr);
	if (use_fifo) {
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
	}
	if (pthread_create(&t, &attr, runner, NULL)) {
		printf("], \"error\": \"pthread_create: %s\"}\n",
		       strerror(errno));
		return 1;
	}
	pthread_join(t, NULL);
	printf("]%s}\n", extras);

	return 0;
}
