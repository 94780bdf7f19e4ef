// SPDX-License-Identifier: GPL-2.0
/*
 * rtser-test: behaviour checks of an rtser driver, for the test suite.
 * Prints ONE JSON object: {"test": ..., "checks": [...], ...} where each
 * check is {"name", "ok", "ret", "errno"} plus measured values; the pytest
 * side asserts on them.
 *
 *   rtser-test [-f] abi    <dev>
 *   rtser-test [-f] config <dev>
 *   rtser-test [-f] timing <dev-a> <dev-b>     (a wired to b)
 *   rtser-test [-f] events <dev-a> <dev-b>
 *   rtser-test [-f] overrun <dev-a> <dev-b> <bytes>
 *   rtser-test [-f] close-wake <dev>
 *   rtser-test [-f] purge-read <dev-a> <dev-b>
 *   rtser-test [-f] config-write <dev-a> <dev-b> <bytes>
 *   rtser-test [-f] modem <dev> <rtscts 0|1> <ready-file>
 *
 * -f runs the checks from a SCHED_FIFO thread (priority 60), so that the
 * real-time handlers serve them (and SET_CONFIG takes its in-band path).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#include <rtdm/uapi/serial.h>

#define MS	1000000LL
/* hidden from the compiler, which would reject them */
static void *volatile bad_user_ptr = (void *)8;	/* user range, unmapped */
static void *volatile bad_kernel_ptr = (void *)~(uintptr_t)4095;	/* not user */
#define BADPTR	bad_user_ptr
#define KBADPTR	bad_kernel_ptr

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
	case EPIPE: return "EPIPE";
	case EBADF: return "EBADF";
	case ENOSYS: return "ENOSYS";
	case EINTR: return "EINTR";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EPERM: return "EPERM";
	default: return "other";
	}
}

/* One check: ret is the call's return, err its errno (0 on success). */
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

/* expect a failure with errno @want */
static void expect_err(const char *name, long ret, int want)
{
	int err = errno;

	check(name, ret < 0 && err == want, ret, err, NULL);
}

static int open_dev(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		printf("{\"error\": \"open %s: %s\"}\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static int set_config(int fd, struct rtser_config *c)
{
	return ioctl(fd, RTSER_RTIOC_SET_CONFIG, c);
}

/* ------------------------------------------------------------------ */

static void t_abi(void)
{
	struct rtdm_device_info info;
	int fd = open_dev(args[0], O_RDWR), ret;

	printf("\"sizes\": {\"config\": %zu, \"status\": %zu, \"event\": %zu}, ",
	       sizeof(struct rtser_config), sizeof(struct rtser_status),
	       sizeof(struct rtser_event));
	printf("\"offsets\": {\"rx_timeout\": %zu, \"event_timeout\": %zu, "
	       "\"timestamp_history\": %zu, \"rs485\": %zu, "
	       "\"last_timestamp\": %zu, \"rxpend_timestamp\": %zu}, ",
	       offsetof(struct rtser_config, rx_timeout),
	       offsetof(struct rtser_config, event_timeout),
	       offsetof(struct rtser_config, timestamp_history),
	       offsetof(struct rtser_config, rs485),
	       offsetof(struct rtser_event, last_timestamp),
	       offsetof(struct rtser_event, rxpend_timestamp));
	printf("\"ioctls\": {\"GET_CONFIG\": \"%#x\", \"SET_CONFIG\": \"%#x\", "
	       "\"GET_STATUS\": \"%#x\", \"GET_CONTROL\": \"%#x\", "
	       "\"SET_CONTROL\": \"%#x\", \"WAIT_EVENT\": \"%#x\", "
	       "\"BREAK_CTL\": \"%#x\"}, ",
	       (unsigned int)RTSER_RTIOC_GET_CONFIG, (unsigned int)RTSER_RTIOC_SET_CONFIG,
	       (unsigned int)RTSER_RTIOC_GET_STATUS, (unsigned int)RTSER_RTIOC_GET_CONTROL,
	       (unsigned int)RTSER_RTIOC_SET_CONTROL, (unsigned int)RTSER_RTIOC_WAIT_EVENT,
	       (unsigned int)RTSER_RTIOC_BREAK_CTL);
	printf("\"checks\": [");
	memset(&info, 0, sizeof(info));
	ret = ioctl(fd, RTIOC_DEVICE_INFO, &info);
	check("device_info", ret == 0 && info.device_class == RTDM_CLASS_SERIAL &&
	      info.device_sub_class == RTDM_SUBCLASS_16550A &&
	      info.profile_version == RTSER_PROFILE_VER, ret, errno,
	      "\"flags\": %d, \"class\": %d, \"subclass\": %d, \"version\": %d",
	      info.device_flags, info.device_class, info.device_sub_class,
	      info.profile_version);
	ret = open(args[0], O_RDWR);
	expect_err("second_open", ret, EBUSY);
	if (ret >= 0)
		close(ret);
	printf("]");
	close(fd);
}

#define CFG_FIELDS(c) \
	"\"baud\": %d, \"parity\": %d, \"data_bits\": %d, \"stop_bits\": %d, " \
	"\"handshake\": %d, \"fifo_depth\": %d, \"rx_timeout\": %lld, " \
	"\"tx_timeout\": %lld, \"event_timeout\": %lld, \"history\": %d, " \
	"\"event_mask\": %d, \"rs485\": %d", (c).baud_rate, (c).parity, \
	(c).data_bits, (c).stop_bits, (c).handshake, (c).fifo_depth, \
	(long long)(c).rx_timeout, (long long)(c).tx_timeout, \
	(long long)(c).event_timeout, (c).timestamp_history, (c).event_mask, \
	(c).rs485

static int same_config(const struct rtser_config *a, const struct rtser_config *b)
{
	return a->baud_rate == b->baud_rate && a->parity == b->parity &&
		a->data_bits == b->data_bits && a->stop_bits == b->stop_bits &&
		a->handshake == b->handshake && a->fifo_depth == b->fifo_depth &&
		a->rx_timeout == b->rx_timeout && a->tx_timeout == b->tx_timeout &&
		a->event_timeout == b->event_timeout &&
		a->timestamp_history == b->timestamp_history &&
		a->event_mask == b->event_mask && a->rs485 == b->rs485;
}

struct bad_cfg {
	const char *name;
	int mask;
	int field_off;
	int value;
};

static void t_config(void)
{
	static const struct bad_cfg bad[] = {
		{ "baud_zero", RTSER_SET_BAUD, offsetof(struct rtser_config, baud_rate), 0 },
		{ "baud_negative", RTSER_SET_BAUD, offsetof(struct rtser_config, baud_rate), -9600 },
		{ "baud_too_high", RTSER_SET_BAUD, offsetof(struct rtser_config, baud_rate), 2000000000 },
		{ "baud_too_low", RTSER_SET_BAUD, offsetof(struct rtser_config, baud_rate), 1 },
		{ "parity_2", RTSER_SET_PARITY, offsetof(struct rtser_config, parity), 2 },
		{ "parity_7", RTSER_SET_PARITY, offsetof(struct rtser_config, parity), 7 },
		{ "data_bits_5", RTSER_SET_DATA_BITS, offsetof(struct rtser_config, data_bits), RTSER_5_BITS },
		{ "data_bits_9", RTSER_SET_DATA_BITS, offsetof(struct rtser_config, data_bits), 9 },
		{ "stop_bits_2", RTSER_SET_STOP_BITS, offsetof(struct rtser_config, stop_bits), 2 },
		{ "handshake_5", RTSER_SET_HANDSHAKE, offsetof(struct rtser_config, handshake), 5 },
		{ "fifo_depth_0x10", RTSER_SET_FIFO_DEPTH, offsetof(struct rtser_config, fifo_depth), 0x10 },
		{ "history_2", RTSER_SET_TIMESTAMP_HISTORY, offsetof(struct rtser_config, timestamp_history), 2 },
		{ "event_mask_0x100", RTSER_SET_EVENT_MASK, offsetof(struct rtser_config, event_mask), 0x100 },
		{ "rs485_on", RTSER_SET_RS485, offsetof(struct rtser_config, rs485), RTSER_RS485_ENABLE },
	};
	struct rtser_config def, c, got, before;
	struct rtser_status st;
	int fd = open_dev(args[0], O_RDWR), ret, mcr = -1, i;
	struct rtser_event ev;
	char buf[4];

	printf("\"checks\": [");
	memset(&def, 0, sizeof(def));
	ret = ioctl(fd, RTSER_RTIOC_GET_CONFIG, &def);
	check("get_default", ret == 0 && def.baud_rate == RTSER_DEF_BAUD &&
	      def.parity == RTSER_NO_PARITY && def.data_bits == RTSER_8_BITS &&
	      def.stop_bits == RTSER_1_STOPB && def.rx_timeout == 0 &&
	      def.timestamp_history == 0 && def.event_mask == 0, ret, errno,
	      CFG_FIELDS(def));

	memset(&c, 0, sizeof(c));
	c.config_mask = 0xffff;
	c.baud_rate = 57600;
	c.parity = RTSER_EVEN_PARITY;
	c.data_bits = RTSER_7_BITS;
	c.stop_bits = RTSER_2_STOPB;
	c.handshake = RTSER_NO_HAND;
	c.fifo_depth = RTSER_FIFO_DEPTH_8;
	c.rx_timeout = 123 * MS;
	c.tx_timeout = -1;
	c.event_timeout = 456 * MS;
	c.timestamp_history = RTSER_RX_TIMESTAMP_HISTORY;
	c.event_mask = RTSER_EVENT_RXPEND | RTSER_EVENT_ERRPEND | RTSER_EVENT_TXEMPTY;
	c.rs485 = RTSER_RS485_DISABLE;
	ret = set_config(fd, &c);
	memset(&got, 0, sizeof(got));
	ioctl(fd, RTSER_RTIOC_GET_CONFIG, &got);
	check("set_get_roundtrip", ret == 0 && same_config(&c, &got), ret, errno,
	      CFG_FIELDS(got));

	/* a partial mask changes only its fields */
	memset(&c, 0xff, sizeof(c));
	c.config_mask = RTSER_SET_BAUD | RTSER_SET_TIMEOUT_RX;
	c.baud_rate = 230400;
	c.rx_timeout = -1;
	ret = set_config(fd, &c);
	before = got;
	ioctl(fd, RTSER_RTIOC_GET_CONFIG, &got);
	before.baud_rate = 230400;
	before.rx_timeout = -1;
	check("partial_mask", ret == 0 && same_config(&before, &got), ret, errno,
	      CFG_FIELDS(got));

	/* bad values: EINVAL, nothing changes */
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		int err;

		memcpy(&c, &got, sizeof(c));
		c.config_mask = bad[i].mask;
		*(int *)((char *)&c + bad[i].field_off) = bad[i].value;
		ret = set_config(fd, &c);
		err = errno;
		ioctl(fd, RTSER_RTIOC_GET_CONFIG, &before);
		check(bad[i].name, ret < 0 && err == EINVAL &&
		      same_config(&before, &got), ret, err, NULL);
	}

	/* bad pointers: EFAULT */
	expect_err("set_config_null", ioctl(fd, RTSER_RTIOC_SET_CONFIG, NULL), EFAULT);
	expect_err("set_config_bad", ioctl(fd, RTSER_RTIOC_SET_CONFIG, BADPTR), EFAULT);
	expect_err("get_config_bad", ioctl(fd, RTSER_RTIOC_GET_CONFIG, BADPTR), EFAULT);
	expect_err("get_status_bad", ioctl(fd, RTSER_RTIOC_GET_STATUS, BADPTR), EFAULT);
	expect_err("get_control_bad", ioctl(fd, RTSER_RTIOC_GET_CONTROL, BADPTR), EFAULT);
	expect_err("wait_event_bad", ioctl(fd, RTSER_RTIOC_WAIT_EVENT, KBADPTR), EFAULT);
	expect_err("write_bad", write(fd, BADPTR, 4), EFAULT);
	expect_err("read_bad", read(fd, KBADPTR, 4), EFAULT);
	expect_err("read_nonblock", read(fd, buf, sizeof(buf)), EAGAIN);

	/* other requests */
	expect_err("unknown_ioctl", ioctl(fd, _IOR(RTIOC_TYPE_SERIAL, 0x3f, int), &i), ENOTTY);
	expect_err("set_control_bad", ioctl(fd, RTSER_RTIOC_SET_CONTROL, 0x100), EINVAL);
	expect_err("break_ctl_bad", ioctl(fd, RTSER_RTIOC_BREAK_CTL, 5), EINVAL);
	expect_err("purge_bad", ioctl(fd, RTIOC_PURGE, 0x10), EINVAL);
	ret = ioctl(fd, RTSER_RTIOC_SET_CONTROL, RTSER_MCR_DTR | RTSER_MCR_RTS);
	ioctl(fd, RTSER_RTIOC_GET_CONTROL, &mcr);
	check("control_roundtrip", ret == 0 && mcr == (RTSER_MCR_DTR | RTSER_MCR_RTS),
	      ret, errno, "\"mcr\": %d", mcr);
	ret = ioctl(fd, RTSER_RTIOC_BREAK_CTL, RTSER_BREAK_SET);
	ret |= ioctl(fd, RTSER_RTIOC_BREAK_CTL, RTSER_BREAK_CLR);
	check("break_ctl", ret == 0, ret, errno, NULL);
	ret = ioctl(fd, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER | RTDM_PURGE_TX_BUFFER);
	check("purge", ret == 0, ret, errno, NULL);
	memset(&st, 0, sizeof(st));
	ret = ioctl(fd, RTSER_RTIOC_GET_STATUS, &st);
	check("get_status", ret == 0 && !(st.line_status & (RTSER_LSR_OVERRUN_ERR |
	      RTSER_LSR_PARITY_ERR | RTSER_LSR_FRAMING_ERR | RTSER_LSR_BREAK_IND |
	      RTSER_SOFT_OVERRUN_ERR)), ret, errno,
	      "\"line_status\": %d, \"modem_status\": %d", st.line_status,
	      st.modem_status);
	/* event timeout 456 ms set above, but non-blocking through O_NONBLOCK */
	c.config_mask = RTSER_SET_TIMEOUT_EVENT;
	c.event_timeout = -1;
	set_config(fd, &c);
	expect_err("wait_event_nonblock", ioctl(fd, RTSER_RTIOC_WAIT_EVENT, &ev), EWOULDBLOCK);
	printf("]");
	close(fd);
}

static int64_t timed_read(int fd, void *buf, size_t n, ssize_t *ret, int *err)
{
	int64_t t0 = now_ns();

	*ret = read(fd, buf, n);
	*err = errno;
	return now_ns() - t0;
}

static void t_timing(void)
{
	int fa = open_dev(args[0], O_RDWR), fb = open_dev(args[1], O_RDWR), err;
	struct rtser_config c = { .config_mask = RTSER_SET_BAUD | RTSER_SET_TIMEOUT_RX |
				  RTSER_SET_TIMEOUT_EVENT, .baud_rate = 115200,
				  .rx_timeout = 200 * MS, .event_timeout = 150 * MS };
	struct rtser_event ev;
	char buf[16];
	ssize_t ret;
	int64_t dt;

	set_config(fa, &c);
	set_config(fb, &c);
	ioctl(fb, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER);
	printf("\"checks\": [");

	dt = timed_read(fb, buf, 8, &ret, &err);
	check("rx_timeout_empty", ret < 0 && err == ETIMEDOUT, ret, err,
	      "\"elapsed_ns\": %lld, \"timeout_ns\": %lld", (long long)dt, 200 * MS);

	/* a partial frame comes back when the timeout expires */
	if (write(fa, "abc", 3) != 3)
		err = errno;
	dt = timed_read(fb, buf, 8, &ret, &err);
	check("rx_timeout_partial", ret == 3 && !memcmp(buf, "abc", 3), ret, err,
	      "\"elapsed_ns\": %lld, \"timeout_ns\": %lld", (long long)dt, 200 * MS);

	/* all of it: returns as soon as the bytes are there */
	if (write(fa, "0123456789", 10) != 10)
		err = errno;
	dt = timed_read(fb, buf, 10, &ret, &err);
	check("rx_full", ret == 10 && !memcmp(buf, "0123456789", 10), ret, err,
	      "\"elapsed_ns\": %lld", (long long)dt);

	/* event timeout */
	c.config_mask = RTSER_SET_EVENT_MASK;
	c.event_mask = RTSER_EVENT_RXPEND;
	set_config(fb, &c);
	dt = now_ns();
	ret = ioctl(fb, RTSER_RTIOC_WAIT_EVENT, &ev);
	err = errno;
	dt = now_ns() - dt;
	check("event_timeout", ret < 0 && err == ETIMEDOUT, ret, err,
	      "\"elapsed_ns\": %lld, \"timeout_ns\": %lld", (long long)dt, 150 * MS);

	/* non-blocking: rx_timeout < 0 */
	c.config_mask = RTSER_SET_TIMEOUT_RX;
	c.rx_timeout = -1;
	set_config(fb, &c);
	dt = timed_read(fb, buf, 8, &ret, &err);
	check("rx_nonblock", ret < 0 && err == EAGAIN, ret, err,
	      "\"elapsed_ns\": %lld", (long long)dt);
	printf("]");
	close(fa);
	close(fb);
}

struct waiter {
	int fd;
	int ret, err;
	struct rtser_event ev;
};

static void *event_waiter(void *arg)
{
	struct waiter *w = arg;

	w->ret = ioctl(w->fd, RTSER_RTIOC_WAIT_EVENT, &w->ev);
	w->err = errno;
	return NULL;
}

static void t_events(void)
{
	int fa = open_dev(args[0], O_RDWR), fb = open_dev(args[1], O_RDWR), err;
	struct rtser_config c = {
		.config_mask = RTSER_SET_BAUD | RTSER_SET_TIMEOUT_RX |
			RTSER_SET_TIMEOUT_EVENT | RTSER_SET_TIMESTAMP_HISTORY |
			RTSER_SET_EVENT_MASK,
		.baud_rate = 115200, .rx_timeout = 1000 * MS,
		.event_timeout = 1000 * MS,
		.timestamp_history = RTSER_RX_TIMESTAMP_HISTORY,
		.event_mask = RTSER_EVENT_RXPEND,
	};
	struct rtser_event ev;
	struct waiter w1, w2;
	pthread_t t1, t2;
	int64_t t0, t1w;
	char buf[8];
	ssize_t ret;

	set_config(fb, &c);
	ioctl(fb, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER);
	printf("\"checks\": [");

	t0 = now_ns();
	if (write(fa, "ping", 4) != 4)
		err = errno;
	t1w = now_ns();
	memset(&ev, 0, sizeof(ev));
	ret = ioctl(fb, RTSER_RTIOC_WAIT_EVENT, &ev);
	err = errno;
	check("rxpend", ret == 0 && (ev.events & RTSER_EVENT_RXPEND) &&
	      ev.rx_pending >= 1 && (int64_t)ev.rxpend_timestamp >= t0 &&
	      (int64_t)ev.rxpend_timestamp <= now_ns() &&
	      ev.last_timestamp >= ev.rxpend_timestamp, ret, err,
	      "\"events\": %d, \"rx_pending\": %d, \"write_ns\": %lld, "
	      "\"write_end_ns\": %lld, \"rxpend_ns\": %llu, \"last_ns\": %llu",
	      ev.events, ev.rx_pending, (long long)t0, (long long)t1w,
	      (unsigned long long)ev.rxpend_timestamp,
	      (unsigned long long)ev.last_timestamp);
	ret = read(fb, buf, 4);
	check("read_after_event", ret == 4 && !memcmp(buf, "ping", 4), ret, errno, NULL);

	/* RXPEND is cleared once the ring is empty */
	c.config_mask = RTSER_SET_TIMEOUT_EVENT;
	c.event_timeout = 100 * MS;
	set_config(fb, &c);
	ret = ioctl(fb, RTSER_RTIOC_WAIT_EVENT, &ev);
	expect_err("rxpend_cleared", ret, ETIMEDOUT);

	/* one waiter at a time */
	c.event_timeout = 500 * MS;
	set_config(fb, &c);
	w1.fd = w2.fd = fb;
	pthread_create(&t1, NULL, event_waiter, &w1);
	usleep(100000);
	pthread_create(&t2, NULL, event_waiter, &w2);
	pthread_join(t2, NULL);
	pthread_join(t1, NULL);
	check("single_waiter", w1.ret < 0 && w1.err == ETIMEDOUT && w2.ret < 0 &&
	      w2.err == EBUSY, w2.ret, w2.err, "\"first_errno\": \"%s\"",
	      ename(w1.err));

	/* TXEMPTY on the sender */
	c.config_mask = RTSER_SET_EVENT_MASK | RTSER_SET_TIMEOUT_EVENT;
	c.event_mask = RTSER_EVENT_TXEMPTY;
	c.event_timeout = 1000 * MS;
	set_config(fa, &c);
	if (write(fa, "txempty", 7) != 7)
		err = errno;
	memset(&ev, 0, sizeof(ev));
	ret = ioctl(fa, RTSER_RTIOC_WAIT_EVENT, &ev);
	check("txempty", ret == 0 && (ev.events & RTSER_EVENT_TXEMPTY), ret, errno,
	      "\"events\": %d", ev.events);
	ret = read(fb, buf, 7);
	check("txempty_data", ret == 7 && !memcmp(buf, "txempty", 7), ret, errno, NULL);
	printf("]");
	close(fa);
	close(fb);
}

static void t_overrun(void)
{
	int fa = open_dev(args[0], O_RDWR), fb = open_dev(args[1], O_RDWR), err;
	long n = atol(args[2]), got = 0;
	struct rtser_config c = {
		.config_mask = RTSER_SET_BAUD | RTSER_SET_TIMEOUT_RX |
			RTSER_SET_TIMEOUT_EVENT | RTSER_SET_EVENT_MASK,
		.baud_rate = 115200, .rx_timeout = -1, .event_timeout = 2000 * MS,
		.event_mask = RTSER_EVENT_ERRPEND,
	};
	struct rtser_status st;
	struct rtser_event ev;
	char *buf = calloc(1, n);
	ssize_t ret;
	long i;

	set_config(fa, &c);
	set_config(fb, &c);
	ioctl(fb, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER);
	printf("\"checks\": [");
	for (i = 0; i < n; i++)
		buf[i] = i & 0xff;
	ret = write(fa, buf, n);
	check("write", ret == n, ret, errno, NULL);
	memset(&ev, 0, sizeof(ev));
	ret = ioctl(fb, RTSER_RTIOC_WAIT_EVENT, &ev);
	check("errpend", ret == 0 && (ev.events & RTSER_EVENT_ERRPEND), ret, errno,
	      "\"events\": %d, \"rx_pending\": %d", ev.events, ev.rx_pending);
	usleep(500000);	/* let the rest arrive */
	ret = read(fb, buf, n);
	err = errno;
	check("read_eio", ret < 0 && err == EIO, ret, err, NULL);
	memset(&st, 0, sizeof(st));
	ret = ioctl(fb, RTSER_RTIOC_GET_STATUS, &st);
	check("status_soft_overrun", ret == 0 && (st.line_status & RTSER_SOFT_OVERRUN_ERR),
	      ret, errno, "\"line_status\": %d", st.line_status);
	ret = ioctl(fb, RTSER_RTIOC_GET_STATUS, &st);
	check("status_cleared", ret == 0 && !(st.line_status & RTSER_SOFT_OVERRUN_ERR),
	      ret, errno, "\"line_status\": %d", st.line_status);
	while ((ret = read(fb, buf + got, n - got)) > 0)
		got += ret;
	for (i = 0; i < got; i++)
		if (buf[i] != (char)(i & 0xff))
			break;
	check("ring_kept_oldest", got > 0 && got < n && i == got, got, errno,
	      "\"received\": %ld, \"intact\": %ld", got, i);
	printf("]");
	free(buf);
	close(fa);
	close(fb);
}

struct blocked {
	int fd;
	ssize_t ret;
	int err;
	int64_t woke;
};

static void *blocked_reader(void *arg)
{
	struct blocked *b = arg;
	char c;

	b->ret = read(b->fd, &c, 1);
	b->err = errno;
	b->woke = now_ns();
	return NULL;
}

static void t_close_wake(void)
{
	struct blocked b = { .fd = open_dev(args[0], O_RDWR) };
	struct rtser_config c = { .config_mask = RTSER_SET_TIMEOUT_RX, .rx_timeout = 0 };
	pthread_t t;
	int64_t t0;

	set_config(b.fd, &c);
	ioctl(b.fd, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER);
	printf("\"checks\": [");
	pthread_create(&t, NULL, blocked_reader, &b);
	usleep(200000);
	t0 = now_ns();
	close(b.fd);
	pthread_join(t, NULL);
	check("reader_woken_by_close", b.ret < 0 && b.err == EBADF, b.ret, b.err,
	      "\"wake_ns\": %lld", (long long)(b.woke - t0));
	/* the device is free again */
	b.fd = open(args[0], O_RDWR);
	check("reopen", b.fd >= 0, b.fd, errno, NULL);
	if (b.fd >= 0)
		close(b.fd);
	printf("]");
}

struct uffd_read {
	int fd;
	void *buf;
	size_t size;
	ssize_t ret;
	int err;
};

static void *uffd_reader(void *arg)
{
	struct uffd_read *r = arg;

	r->ret = read(r->fd, r->buf, r->size);
	r->err = errno;
	return NULL;
}

/* wait until @fd's receive ring holds @n bytes (RXPEND enabled); 0 or -1 */
static int wait_pending(int fd, int n)
{
	struct rtser_event ev;
	int i;

	for (i = 0; i < 500; i++) {
		memset(&ev, 0, sizeof(ev));
		if (!ioctl(fd, RTSER_RTIOC_WAIT_EVENT, &ev) && ev.rx_pending >= n)
			return 0;
		usleep(10000);
	}
	return -1;
}

/*
 * RTIOC_PURGE while a read() copies out of the receive ring: the reader is
 * held inside its copy by a userfaultfd page fault on its buffer, the
 * purge runs, then the fault is resolved. Afterwards nothing is pending:
 * a non-blocking read gives EAGAIN, GET_STATUS shows no data, and new
 * bytes read back as they were sent.
 */
static void t_purge_read(void)
{
	int fa = open_dev(args[0], O_RDWR), fb = open_dev(args[1], O_RDWR);
	struct rtser_config c = {
		.config_mask = RTSER_SET_BAUD | RTSER_SET_TIMEOUT_RX |
			RTSER_SET_TIMEOUT_EVENT | RTSER_SET_EVENT_MASK,
		.baud_rate = 115200, .rx_timeout = 500 * MS,
		.event_timeout = 100 * MS, .event_mask = RTSER_EVENT_RXPEND,
	};
	long pagesz = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zp;
	struct uffd_msg msg;
	struct rtser_status st;
	struct uffd_read r = { .fd = fb, .size = 64 };
	char sent[64], buf[256];
	struct pollfd pfd;
	int uffd, i, ret, err, faulted = 0;
	pthread_t t;

	for (i = 0; i < 64; i++)
		sent[i] = 'A' + i % 26;
	set_config(fa, &c);
	set_config(fb, &c);
	ioctl(fb, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER);
	printf("\"checks\": [");

	ret = write(fa, sent, sizeof(sent));
	err = errno;
	ret = ret == sizeof(sent) ? wait_pending(fb, sizeof(sent)) : -1;
	check("queued", ret == 0, ret, err, NULL);

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	err = errno;
	if (uffd >= 0 && ioctl(uffd, UFFDIO_API, &api) < 0)
		uffd = -1;
	r.buf = mmap(NULL, pagesz, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)r.buf;
	reg.range.len = pagesz;
	if (uffd >= 0 && (r.buf == MAP_FAILED ||
			  ioctl(uffd, UFFDIO_REGISTER, &reg) < 0))
		uffd = -1;
	check("userfaultfd", uffd >= 0, uffd, err, NULL);
	if (uffd < 0)
		goto out;

	pthread_create(&t, NULL, uffd_reader, &r);
	pfd.fd = uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) == 1 && read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
	    msg.event == UFFD_EVENT_PAGEFAULT)
		faulted = 1;
	check("reader_in_copy", faulted, faulted - 1, errno, NULL);

	/* the reader is inside its copy, the ring lock dropped */
	ret = ioctl(fb, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER);
	check("purge", ret == 0, ret, errno, NULL);

	zp.range.start = (uintptr_t)r.buf;
	zp.range.len = pagesz;
	zp.mode = 0;
	ioctl(uffd, UFFDIO_ZEROPAGE, &zp);
	pthread_join(t, NULL);
	check("read_during_purge", r.ret == sizeof(sent) &&
	      !memcmp(r.buf, sent, sizeof(sent)), r.ret, r.err, NULL);

	/* nothing was sent since: nothing may be pending */
	fcntl(fb, F_SETFL, fcntl(fb, F_GETFL) | O_NONBLOCK);
	ret = read(fb, buf, sizeof(buf));
	err = errno;
	check("nothing_after_purge", ret < 0 && err == EAGAIN, ret, err, NULL);
	memset(&st, 0, sizeof(st));
	ret = ioctl(fb, RTSER_RTIOC_GET_STATUS, &st);
	check("status_no_data", ret == 0 && !(st.line_status & RTSER_LSR_DATA),
	      ret, errno, "\"line_status\": %d", st.line_status);

	/* and the ring works as before */
	fcntl(fb, F_SETFL, fcntl(fb, F_GETFL) & ~O_NONBLOCK);
	ret = write(fa, "fresh", 5) == 5 ? wait_pending(fb, 5) : -1;
	ret = ret ? -1 : read(fb, buf, sizeof(buf));
	err = errno;
	check("fresh_data", ret == 5 && !memcmp(buf, "fresh", 5), ret, err, NULL);
	close(uffd);
out:
	printf("]");
	close(fa);
	close(fb);
}

struct stream {
	int fd;
	long size, done, first_error;
	int err;
};

static uint8_t stream_byte(long i)
{
	return (i * 7 + i / 251) & 0xff;
}

/* one byte per write(): as many chances as possible to meet SET_CONFIG */
static void *stream_writer(void *arg)
{
	struct stream *st = arg;
	uint8_t buf[1];
	long i, n;
	ssize_t ret;

	while (st->done < st->size) {
		n = st->size - st->done < (long)sizeof(buf) ?
			st->size - st->done : (long)sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = stream_byte(st->done + i);
		ret = write(st->fd, buf, n);
		if (ret <= 0) {
			st->err = errno;
			break;
		}
		st->done += ret;
	}
	return NULL;
}

static void *stream_reader(void *arg)
{
	struct stream *st = arg;
	uint8_t buf[256];
	ssize_t ret, i;

	st->first_error = -1;
	while (st->done < st->size) {
		ret = read(st->fd, buf, sizeof(buf));
		if (ret <= 0) {
			st->err = errno;
			break;
		}
		for (i = 0; i < ret; i++)
			if (buf[i] != stream_byte(st->done + i) && st->first_error < 0)
				st->first_error = st->done + i;
		st->done += ret;
	}
	return NULL;
}

struct configurer {
	int fd, id;
	volatile int *stop;
	long calls, fails;
	int err;
};

/* SET_CONFIG in a loop: line settings (same rate), FIFO depth, events */
static void *configurer(void *arg)
{
	struct configurer *cf = arg;
	struct rtser_config c = {
		.config_mask = RTSER_SET_BAUD | RTSER_SET_FIFO_DEPTH |
			RTSER_SET_EVENT_MASK,
		.baud_rate = 115200,
	};

	while (!*cf->stop) {
		c.fifo_depth = (cf->calls + cf->id) & 1 ? RTSER_FIFO_DEPTH_8 :
			RTSER_FIFO_DEPTH_1;
		c.event_mask = (cf->calls & 2) ? RTSER_EVENT_TXEMPTY : 0;
		if (set_config(cf->fd, &c)) {
			cf->fails++;
			cf->err = errno;
		}
		cf->calls++;
		usleep(500);
	}
	return NULL;
}

/*
 * SET_CONFIG of the line settings from two threads while a writer
 * streams through the port: every byte arrives intact at the other end,
 * the calls succeed. (That the transmitter is idle while the line is
 * reprogrammed is seen in debugfs: tx_reconfig.)
 */
static void t_config_write(void)
{
	int fa = open_dev(args[0], O_RDWR), fb = open_dev(args[1], O_RDWR), i;
	struct rtser_config c = {
		.config_mask = RTSER_SET_BAUD | RTSER_SET_TIMEOUT_RX |
			RTSER_SET_TIMEOUT_TX,
		.baud_rate = 115200, .rx_timeout = 5000 * MS,
		.tx_timeout = 20000 * MS,
	};
	struct stream w = { .fd = fa, .size = atol(args[2]) };
	struct stream r = { .fd = fb, .size = w.size };
	struct configurer cf[2];
	pthread_t tw, tr, tc[2];
	volatile int stop = 0;
	long calls = 0, fails = 0;

	set_config(fa, &c);
	set_config(fb, &c);
	ioctl(fb, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER);
	printf("\"checks\": [");
	pthread_create(&tr, NULL, stream_reader, &r);
	pthread_create(&tw, NULL, stream_writer, &w);
	for (i = 0; i < 2; i++) {
		memset(&cf[i], 0, sizeof(cf[i]));
		cf[i].fd = fa;
		cf[i].id = i;
		cf[i].stop = &stop;
		pthread_create(&tc[i], NULL, configurer, &cf[i]);
	}
	pthread_join(tw, NULL);
	pthread_join(tr, NULL);
	stop = 1;
	for (i = 0; i < 2; i++) {
		pthread_join(tc[i], NULL);
		calls += cf[i].calls;
		fails += cf[i].fails;
	}
	check("written", w.done == w.size, w.done, w.err, NULL);
	check("stream_intact", r.done == r.size && r.first_error < 0, r.done, r.err,
	      "\"first_error\": %ld", r.first_error);
	check("set_config_calls", calls > 0 && !fails, fails ? -1 : calls,
	      fails ? cf[0].err | cf[1].err : 0, "\"calls\": %ld, \"fails\": %ld",
	      calls, fails);
	printf("]");
	close(fa);
	close(fb);
}

/*
 * MODEMHI/MODEMLO events (with RTS/CTS handshake if asked): configures
 * the port, creates <ready-file>, then waits for two events, which the
 * caller raises meanwhile (debugfs inject: QEMU's UART model has no modem
 * lines).
 */
static void t_modem(void)
{
	int fd = open_dev(args[0], O_RDWR), ret, i;
	struct rtser_config c = {
		.config_mask = RTSER_SET_EVENT_MASK | RTSER_SET_TIMEOUT_EVENT,
		.event_mask = RTSER_EVENT_MODEMHI | RTSER_EVENT_MODEMLO,
		.event_timeout = 5000 * MS,
	};
	struct rtser_event ev;
	char name[16];
	FILE *f;

	if (atoi(args[1])) {
		c.config_mask |= RTSER_SET_HANDSHAKE;
		c.handshake = RTSER_RTSCTS_HAND;
	}
	printf("\"checks\": [");
	ret = set_config(fd, &c);
	check("set_config", ret == 0, ret, errno, NULL);
	f = fopen(args[2], "w");
	if (f)
		fclose(f);
	for (i = 0; i < 2; i++) {
		memset(&ev, 0, sizeof(ev));
		ret = ioctl(fd, RTSER_RTIOC_WAIT_EVENT, &ev);
		snprintf(name, sizeof(name), "event%d", i);
		check(name, ret == 0, ret, errno, "\"events\": %d", ev.events);
	}
	printf("]");
	close(fd);
}

static const struct {
	const char *name;
	int nargs;
	void (*fn)(void);
} tests[] = {
	{ "abi", 1, t_abi },
	{ "config", 1, t_config },
	{ "timing", 2, t_timing },
	{ "events", 2, t_events },
	{ "overrun", 3, t_overrun },
	{ "close-wake", 1, t_close_wake },
	{ "purge-read", 2, t_purge_read },
	{ "config-write", 3, t_config_write },
	{ "modem", 3, t_modem },
};

static int cur;

static void *runner(void *arg)
{
	(void)arg;
	tests[cur].fn();
	return NULL;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (i < argc && !strcmp(argv[i], "-f")) {
		use_fifo = 1;
		i++;
	}
	if (i >= argc)
		goto usage;
	for (cur = 0; cur < (int)(sizeof(tests) / sizeof(tests[0])); cur++)
		if (!strcmp(tests[cur].name, argv[i]))
			break;
	if (cur == (int)(sizeof(tests) / sizeof(tests[0])) ||
	    argc - i - 1 != tests[cur].nargs)
		goto usage;
	args = argv + i + 1;
	nargs = tests[cur].nargs;

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
		if (pthread_create(&t, &attr, runner, NULL))
			return 1;
		pthread_join(t, NULL);
	} else {
		runner(NULL);
	}
	printf("}\n");
	return 0;

usage:
	fprintf(stderr, "usage: rtser-test [-f] abi|config <dev> | timing|events <a> <b> | "
		"overrun <a> <b> <bytes> | close-wake <dev> | purge-read <a> <b> | "
		"config-write <a> <b> <bytes> | modem <dev> <rtscts> <ready-file>\n");
	return 2;
}
