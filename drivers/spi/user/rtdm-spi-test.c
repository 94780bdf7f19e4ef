// SPDX-License-Identifier: GPL-2.0
/*
 * rtdm-spi-test: behaviour checks of an RTDM SPI slave device, for the
 * test suite, against a SPI NOR flash on the slave (JEDEC id read with
 * 0x9f, write enable latch seen through the status register). Prints ONE
 * JSON object: {"checks": [...], ...}, each check {"name", "ok", "ret",
 * "errno"} plus values; the pytest side asserts on them.
 *
 *   rtdm-spi-test [-f] abi <dev>
 *   rtdm-spi-test [-f] close-busy <dev>
 *   rtdm-spi-test [-f] cs-high <dev> <gpio label>
 *
 * cs-high reads the level of the chip select GPIO (the line of
 * /sys/kernel/debug/gpio holding <gpio label>, e.g. "spi0 CS0") between
 * transfers in mode 0, SPI_CS_HIGH, and mode 0 again.
 *
 * -f runs the checks from a SCHED_FIFO thread (priority 60).
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
#include <rtdm/uapi/rtdm.h>
#include <rtdm/uapi/spi.h>

static void *volatile bad_user_ptr = (void *)8;	/* user range, unmapped */
#define BADPTR	bad_user_ptr

static int use_fifo, nchecks;
static char **args;

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
	case EBADF: return "EBADF";
	case ENOSYS: return "ENOSYS";
	case EINTR: return "EINTR";
	case ENODEV: return "ENODEV";
	case ENOMEM: return "ENOMEM";
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

static int open_dev(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd < 0) {
		printf("{\"error\": \"open %s: %s\"}\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static int set_cfg(int fd, uint32_t hz, uint16_t mode, uint8_t bits)
{
	struct rtdm_spi_config c = { .speed_hz = hz, .mode = mode,
				     .bits_per_word = bits };

	return ioctl(fd, SPI_RTIOC_SET_CONFIG, &c);
}

/* ------------------------------------------------------------------ */

static void test_abi(void)
{
	const char *dev = args[0];
	struct rtdm_device_info info;
	struct rtdm_spi_iobufs iob = { 0 };
	struct rtdm_spi_config cfg, cfg2;
	uint8_t *map, *in, *out, buf[64];
	long ret;
	int fd, fd2;

	printf("\"sizes\": {\"config\": %zu, \"iobufs\": %zu}, ",
	       sizeof(struct rtdm_spi_config), sizeof(struct rtdm_spi_iobufs));
	printf("\"ioctls\": {\"SET_CONFIG\": \"%#x\", \"GET_CONFIG\": \"%#x\", \"SET_IOBUFS\": \"%#x\", \"TRANSFER\": \"%#x\", \"TRANSFER_N\": \"%#x\"}, \"checks\": [",
	       (unsigned int)SPI_RTIOC_SET_CONFIG, (unsigned int)SPI_RTIOC_GET_CONFIG,
	       (unsigned int)SPI_RTIOC_SET_IOBUFS, (unsigned int)SPI_RTIOC_TRANSFER,
	       (unsigned int)SPI_RTIOC_TRANSFER_N);

	fd = open_dev(dev);
	ret = ioctl(fd, RTIOC_DEVICE_INFO, &info);
	check("device_info", ret == 0 && info.device_class == RTDM_CLASS_SPI, ret, errno,
	      "\"class\": %d, \"subclass\": %d, \"version\": %d", info.device_class,
	      info.device_sub_class, info.profile_version);
	fd2 = open(dev, O_RDWR);
	expect_err("second_open", fd2, EBUSY);
	if (fd2 >= 0)
		close(fd2);

	ret = ioctl(fd, SPI_RTIOC_GET_CONFIG, &cfg);
	check("get_config", ret == 0, ret, errno,
	      "\"speed_hz\": %u, \"mode\": %u, \"bits\": %u", cfg.speed_hz, cfg.mode,
	      cfg.bits_per_word);

	/* before SET_IOBUFS */
	expect_err("transfer_no_iobufs", ioctl(fd, SPI_RTIOC_TRANSFER), EINVAL);
	expect_err("transfer_n_no_iobufs", ioctl(fd, SPI_RTIOC_TRANSFER_N, 4), EINVAL);
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect_err("mmap_no_iobufs", map == MAP_FAILED ? -1 : 0, EINVAL);

	/* SET_IOBUFS */
	iob.io_len = 0;
	expect_err("iobufs_zero", ioctl(fd, SPI_RTIOC_SET_IOBUFS, &iob), EINVAL);
	iob.io_len = 0x7fffffff;
	expect_err("iobufs_huge", ioctl(fd, SPI_RTIOC_SET_IOBUFS, &iob), EINVAL);
	iob.io_len = RTDM_SPI_MAX_IOLEN + 1;
	expect_err("iobufs_max_plus_1", ioctl(fd, SPI_RTIOC_SET_IOBUFS, &iob), EINVAL);
	expect_err("iobufs_badptr", ioctl(fd, SPI_RTIOC_SET_IOBUFS, BADPTR), EFAULT);
	iob.io_len = 36;
	ret = ioctl(fd, SPI_RTIOC_SET_IOBUFS, &iob);
	check("iobufs", ret == 0 && iob.map_len >= 72 && iob.o_offset >= 36, ret, errno,
	      "\"io_len\": %u, \"i_offset\": %u, \"o_offset\": %u, \"map_len\": %u",
	      iob.io_len, iob.i_offset, iob.o_offset, iob.map_len);
	{
		struct rtdm_spi_iobufs again = { .io_len = 64 };

		expect_err("iobufs_twice", ioctl(fd, SPI_RTIOC_SET_IOBUFS, &again), EINVAL);
	}

	/* mmap */
	{
		size_t too_big = ((iob.map_len + 4095) & ~4095UL) + 4096;

		map = mmap(NULL, too_big, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		expect_err("mmap_too_big", map == MAP_FAILED ? -1 : 0, EINVAL);
		if (map != MAP_FAILED)
			munmap(map, too_big);
		map = mmap(NULL, iob.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
		expect_err("mmap_offset", map == MAP_FAILED ? -1 : 0, EINVAL);
		if (map != MAP_FAILED)
			munmap(map, iob.map_len);
	}
	map = mmap(NULL, iob.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check("mmap", map != MAP_FAILED, map == MAP_FAILED ? -1 : 0, errno, NULL);
	if (map == MAP_FAILED) {
		printf("]}\n");
		exit(1);
	}
	in = map + iob.i_offset;
	out = map + iob.o_offset;

	/* configuration */
	expect_err("speed_zero", set_cfg(fd, 0, 0, 8), EINVAL);
	expect_err("speed_too_high", set_cfg(fd, 4000000000U, 0, 8), EINVAL);
	expect_err("speed_too_low", set_cfg(fd, 1, 0, 8), EINVAL);
	expect_err("mode_lsb_first", set_cfg(fd, 1000000, SPI_LSB_FIRST, 8), EINVAL);
	expect_err("mode_3wire", set_cfg(fd, 1000000, SPI_3WIRE, 8), EINVAL);
	expect_err("mode_0x8000", set_cfg(fd, 1000000, 0x8000, 8), EINVAL);
	expect_err("bits_0", set_cfg(fd, 1000000, 0, 0), EINVAL);
	expect_err("bits_7", set_cfg(fd, 1000000, 0, 7), EINVAL);
	expect_err("bits_33", set_cfg(fd, 1000000, 0, 33), EINVAL);
	expect_err("set_config_badptr", ioctl(fd, SPI_RTIOC_SET_CONFIG, BADPTR), EFAULT);
	expect_err("get_config_badptr", ioctl(fd, SPI_RTIOC_GET_CONFIG, BADPTR), EFAULT);
	ioctl(fd, SPI_RTIOC_GET_CONFIG, &cfg2);
	check("bad_config_changed_nothing", !memcmp(&cfg, &cfg2, sizeof(cfg)), 0, 0, NULL);
	ret = set_cfg(fd, 1000000, SPI_MODE_3, 16);
	ioctl(fd, SPI_RTIOC_GET_CONFIG, &cfg2);
	check("config_roundtrip", ret == 0 && cfg2.speed_hz == 1000000 &&
	      cfg2.mode == SPI_MODE_3 && cfg2.bits_per_word == 16, ret, errno,
	      "\"speed_hz\": %u, \"mode\": %u, \"bits\": %u", cfg2.speed_hz, cfg2.mode,
	      cfg2.bits_per_word);
	expect_err("transfer_n_odd_16bit", ioctl(fd, SPI_RTIOC_TRANSFER_N, 3), EINVAL);
	expect_err("read_odd_16bit", read(fd, buf, 3), EINVAL);
	ret = set_cfg(fd, 10000000, SPI_MODE_0, 8);
	check("config_mode0_8bit", ret == 0, ret, errno, NULL);

	/* transfers */
	expect_err("transfer_n_zero", ioctl(fd, SPI_RTIOC_TRANSFER_N, 0), EINVAL);
	expect_err("transfer_n_negative", ioctl(fd, SPI_RTIOC_TRANSFER_N, -1), EINVAL);
	expect_err("transfer_n_too_long", ioctl(fd, SPI_RTIOC_TRANSFER_N, iob.io_len + 1), EINVAL);
	memset(out, 0, iob.io_len);
	memset(in, 0x55, iob.io_len);
	out[0] = 0x9f;
	ret = ioctl(fd, SPI_RTIOC_TRANSFER);
	check("jedec_transfer", ret == 0, ret, errno, "\"jedec\": \"%02x%02x%02x\"",
	      in[1], in[2], in[3]);
	memset(in, 0x55, iob.io_len);
	ret = ioctl(fd, SPI_RTIOC_TRANSFER_N, 4);
	check("jedec_transfer_n", ret == 0 && in[4] == 0x55, ret, errno,
	      "\"jedec\": \"%02x%02x%02x\", \"untouched\": %u", in[1], in[2], in[3], in[4]);

	/*
	 * 16- and 32-bit words, MSB first on the wire: the command byte is
	 * the top byte of the first word, the id comes back in the words.
	 */
	ret = set_cfg(fd, 10000000, SPI_MODE_0, 16);
	if (!ret) {
		uint16_t *o16 = (uint16_t *)out, *i16 = (uint16_t *)in;

		memset(out, 0, iob.io_len);
		o16[0] = 0x9f00;
		ret = ioctl(fd, SPI_RTIOC_TRANSFER_N, 4);
		check("jedec_16bit", ret == 0, ret, errno, "\"jedec\": \"%02x%04x\"",
		      i16[0] & 0xff, i16[1]);
	} else {
		check("jedec_16bit", 0, ret, errno, NULL);
	}
	ret = set_cfg(fd, 10000000, SPI_MODE_0, 32);
	if (!ret) {
		uint32_t *o32 = (uint32_t *)out, *i32 = (uint32_t *)in;

		memset(out, 0, iob.io_len);
		o32[0] = 0x9f000000;
		ret = ioctl(fd, SPI_RTIOC_TRANSFER_N, 4);
		check("jedec_32bit", ret == 0, ret, errno, "\"jedec\": \"%06x\"",
		      i32[0] & 0xffffff);
	} else {
		check("jedec_32bit", 0, ret, errno, NULL);
	}
	ret = set_cfg(fd, 10000000, SPI_MODE_0, 8);
	check("back_to_8bit", ret == 0, ret, errno, NULL);

	/* write(): write enable latch on, then off, seen with RDSR */
	buf[0] = 0x06;
	ret = write(fd, buf, 1);
	out[0] = 0x05;
	out[1] = 0;
	ioctl(fd, SPI_RTIOC_TRANSFER_N, 2);
	check("write_wren", ret == 1 && (in[1] & 2), ret, errno, "\"status\": %u", in[1]);
	buf[0] = 0x04;
	ret = write(fd, buf, 1);
	ioctl(fd, SPI_RTIOC_TRANSFER_N, 2);
	check("write_wrdi", ret == 1 && !(in[1] & 2), ret, errno, "\"status\": %u", in[1]);
	ret = read(fd, buf, sizeof(buf));
	check("read", ret == sizeof(buf), ret, errno, NULL);
	expect_err("read_badptr", read(fd, BADPTR, 16), EFAULT);
	expect_err("write_badptr", write(fd, BADPTR, 16), EFAULT);
	check("read_zero", read(fd, buf, 0) == 0, 0, errno, NULL);
	expect_err("unknown_ioctl", ioctl(fd, _IO(RTDM_CLASS_SPI, 0x7f)), ENOTTY);

	/* the mapping outlives the file */
	close(fd);
	out[0] = 0xa5;
	check("mapping_after_close", out[0] == 0xa5, 0, 0, NULL);
	munmap(map, iob.map_len);
	fd = open(dev, O_RDWR);
	check("reopen", fd >= 0, fd, errno, NULL);
	if (fd >= 0)
		close(fd);
	printf("]}\n");
}

/* ------------------------------------------------------------------ */

struct busy_arg {
	int fd;
	long done;
	int err;
	int64_t end_ns;
};

static void *busy_loop(void *p)
{
	struct busy_arg *a = p;

	for (;;) {
		if (ioctl(a->fd, SPI_RTIOC_TRANSFER)) {
			a->err = errno;
			break;
		}
		a->done++;
	}
	a->end_ns = now_ns();
	return NULL;
}

static void test_close_busy(void)
{
	const char *dev = args[0];
	struct rtdm_spi_iobufs iob = { .io_len = RTDM_SPI_MAX_IOLEN };
	struct busy_arg a = { 0 };
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = 50 };
	pthread_t th;
	int64_t t_close;
	uint8_t *map;
	long ret;
	int fd;

	printf("\"checks\": [");
	fd = open_dev(dev);
	ret = ioctl(fd, SPI_RTIOC_SET_IOBUFS, &iob);
	map = mmap(NULL, iob.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check("setup", ret == 0 && map != MAP_FAILED, ret, errno, NULL);
	/* zeros out: flash command 0 (none), nothing changes */
	a.fd = fd;
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	if (pthread_create(&th, &attr, busy_loop, &a))
		pthread_create(&th, NULL, busy_loop, &a);
	usleep(300000);
	t_close = now_ns();
	close(fd);
	pthread_join(th, NULL);
	check("close_during_transfer", a.err == EBADF, -1, a.err,
	      "\"transfers\": %ld, \"stop_ms\": %.1f", a.done, (a.end_ns - t_close) / 1e6);
	munmap(map, iob.map_len);
	fd = open(dev, O_RDWR);
	check("reopen", fd >= 0, fd, errno, NULL);
	if (fd >= 0) {
		struct rtdm_spi_iobufs small = { .io_len = 4 };
		uint8_t *m, *in, *out;

		ioctl(fd, SPI_RTIOC_SET_IOBUFS, &small);
		m = mmap(NULL, small.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m != MAP_FAILED) {
			in = m + small.i_offset;
			out = m + small.o_offset;
			out[0] = 0x9f;
			ret = ioctl(fd, SPI_RTIOC_TRANSFER);
			check("jedec_after", ret == 0, ret, errno, "\"jedec\": \"%02x%02x%02x\"",
			      in[1], in[2], in[3]);
			munmap(m, small.map_len);
		}
		close(fd);
	}
	printf("]}\n");
}

static const char *gpio_level(const char *label)
{
	static char line[256];
	const char *level = "?";
	FILE *f = fopen("/sys/kernel/debug/gpio", "r");

	if (!f)
		return "nodebugfs";
	while (fgets(line, sizeof(line), f))
		if (strstr(line, label)) {
			level = strstr(line, " out hi") ? "hi" :
				strstr(line, " out lo") ? "lo" : "?";
			break;
		}
	fclose(f);
	return level;
}

static void test_cs_high(void)
{
	const char *dev = args[0], *label = args[1];
	struct rtdm_spi_iobufs iob = { .io_len = 4 };
	static const uint16_t modes[] = { SPI_MODE_0, SPI_CS_HIGH, SPI_MODE_0 };
	static const char *const names[] = { "mode0", "cs_high", "mode0_again" };
	uint8_t *map, *in, *out;
	long ret;
	int fd, i;

	printf("\"checks\": [");
	fd = open_dev(dev);
	ret = ioctl(fd, SPI_RTIOC_SET_IOBUFS, &iob);
	map = mmap(NULL, iob.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check("setup", ret == 0 && map != MAP_FAILED, ret, errno, NULL);
	if (map == MAP_FAILED) {
		printf("]}\n");
		return;
	}
	in = map + iob.i_offset;
	out = map + iob.o_offset;
	for (i = 0; i < 3; i++) {
		ret = set_cfg(fd, 10000000, modes[i], 8);
		if (!ret) {
			memset(out, 0, 4);
			memset(in, 0, 4);
			out[0] = 0x9f;
			ret = ioctl(fd, SPI_RTIOC_TRANSFER);
		}
		check(names[i], ret == 0, ret, errno,
		      "\"idle\": \"%s\", \"jedec\": \"%02x%02x%02x\"", gpio_level(label),
		      in[1], in[2], in[3]);
	}
	munmap(map, iob.map_len);
	close(fd);
	printf("]}\n");
}

static void *run(void *p)
{
	const char *what = p;

	printf("{\"test\": \"%s\", \"fifo\": %s, ", what, use_fifo ? "true" : "false");
	if (!strcmp(what, "abi"))
		test_abi();
	else if (!strcmp(what, "cs-high"))
		test_cs_high();
	else
		test_close_busy();
	fflush(stdout);
	return NULL;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "-f")) {
		use_fifo = 1;
		i++;
	}
	if (argc - i < 2 || (strcmp(argv[i], "abi") && strcmp(argv[i], "close-busy") &&
			     strcmp(argv[i], "cs-high")) ||
	    (!strcmp(argv[i], "cs-high") && argc - i < 3)) {
		fprintf(stderr, "usage: rtdm-spi-test [-f] abi|close-busy <dev> | cs-high <dev> <gpio label>\n");
		return 2;
	}
	args = argv + i + 1;
	if (use_fifo) {
		pthread_attr_t attr;
		struct sched_param sp = { .sched_priority = 60 };
		pthread_t th;

		pthread_attr_init(&attr);
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
		if (pthread_create(&th, &attr, run, argv[i])) {
			printf("{\"error\": \"no SCHED_FIFO thread\"}\n");
			return 1;
		}
		pthread_join(th, NULL);
	} else {
		run(argv[i]);
	}
	return 0;
}
