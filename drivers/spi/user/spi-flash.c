// SPDX-License-Identifier: GPL-2.0
/*
 * spi-flash: a small SPI NOR flash tool on an RTDM SPI slave device.
 *
 *   spi-flash [-d dev] [-s hz] [-c chunk] [-p] [-j] id
 *   spi-flash ... status
 *   spi-flash ... read <offset> <length> <file>
 *   spi-flash ... erase <offset> <length>        (4 KiB sectors, 0x20)
 *   spi-flash ... program <offset> <file>
 *
 * Every command travels as SPI_RTIOC_TRANSFER_N on the mapped I/O area
 * (command, 24-bit address and data in one chip-select cycle). The JEDEC
 * id is also read with SPI_RTIOC_TRANSFER (whole io_len). SST chips
 * (manufacturer 0xbf, e.g. SST25VF016B) are programmed a byte at a time
 * (0x02 with one byte), others by pages of 256 bytes; -p forces pages.
 * Block protection bits found set are cleared before erase or program.
 * -j prints one JSON object per run; times are CLOCK_MONOTONIC ns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <rtdm/uapi/spi.h>

#define CMD_WRSR	0x01
#define CMD_PP		0x02
#define CMD_READ	0x03
#define CMD_WRDI	0x04
#define CMD_RDSR	0x05
#define CMD_WREN	0x06
#define CMD_SE		0x20
#define CMD_EWSR	0x50
#define CMD_RDID	0x9f
#define SR_BUSY		0x01
#define SR_BP		0x3c
#define SECTOR		4096
#define PAGE		256

static int fd = -1, json, force_pages;
static unsigned int chunk = 4096;
static uint8_t *in, *out;
static struct rtdm_spi_iobufs iob;
static uint8_t mfr;
static long transfers;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	int e = errno;

	if (json)
		printf("{\"ok\": false, \"error\": \"%s: %s\", \"errno\": %d}\n",
		       what, strerror(e), e);
	else
		fprintf(stderr, "spi-flash: %s: %s\n", what, strerror(e));
	exit(1);
}

/* One chip-select cycle of @len bytes from the output area. */
static void xfer(unsigned int len)
{
	if (ioctl(fd, SPI_RTIOC_TRANSFER_N, len))
		die("SPI_RTIOC_TRANSFER_N");
	transfers++;
}

static void cmd_addr(uint8_t cmd, uint32_t addr)
{
	memset(out, 0, iob.io_len);
	out[0] = cmd;
	out[1] = addr >> 16;
	out[2] = addr >> 8;
	out[3] = addr;
}

static uint8_t status(void)
{
	out[0] = CMD_RDSR;
	out[1] = 0;
	xfer(2);
	return in[1];
}

static void simple(uint8_t cmd)
{
	out[0] = cmd;
	xfer(1);
}

static void wait_ready(void)
{
	int64_t t0 = now_ns();

	while (status() & SR_BUSY)
		if (now_ns() - t0 > 5000000000LL) {
			errno = ETIMEDOUT;
			die("flash stays busy");
		}
}

static void read_id(uint8_t id[3], int whole)
{
	memset(out, 0, iob.io_len);
	out[0] = CMD_RDID;
	if (whole) {
		if (ioctl(fd, SPI_RTIOC_TRANSFER))
			die("SPI_RTIOC_TRANSFER");
		transfers++;
	} else {
		xfer(4);
	}
	memcpy(id, in + 1, 3);
}

static void unprotect(void)
{
	uint8_t sr = status();

	if (!(sr & SR_BP))
		return;
	simple(mfr == 0xbf ? CMD_EWSR : CMD_WREN);
	out[0] = CMD_WRSR;
	out[1] = 0;
	xfer(2);
	wait_ready();
}

static void do_read(uint32_t off, uint32_t len, const char *path)
{
	int ofd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	uint32_t done = 0, n;
	int64_t t0;

	if (ofd < 0)
		die(path);
	t0 = now_ns();
	while (done < len) {
		n = len - done < chunk ? len - done : chunk;
		cmd_addr(CMD_READ, off + done);
		xfer(4 + n);
		if (write(ofd, in + 4, n) != (ssize_t)n)
			die("write");
		done += n;
	}
	t0 = now_ns() - t0;
	close(ofd);
	if (json)
		printf("{\"ok\": true, \"op\": \"read\", \"offset\": %u, \"bytes\": %u, \"ns\": %" PRId64 ", \"transfers\": %ld}\n",
		       off, len, t0, transfers);
	else
		printf("read %u bytes at %#x in %.3f ms (%.0f B/s)\n", len, off,
		       t0 / 1e6, len * 1e9 / t0);
}

static void do_erase(uint32_t off, uint32_t len)
{
	uint32_t a, end = off + len;
	int64_t t0;

	if (off % SECTOR || len % SECTOR) {
		errno = EINVAL;
		die("erase: offset and length must be multiples of 4096");
	}
	unprotect();
	t0 = now_ns();
	for (a = off; a < end; a += SECTOR) {
		simple(CMD_WREN);
		cmd_addr(CMD_SE, a);
		xfer(4);
		wait_ready();
	}
	t0 = now_ns() - t0;
	if (json)
		printf("{\"ok\": true, \"op\": \"erase\", \"offset\": %u, \"bytes\": %u, \"ns\": %" PRId64 ", \"transfers\": %ld}\n",
		       off, len, t0, transfers);
	else
		printf("erased %u bytes at %#x in %.3f ms\n", len, off, t0 / 1e6);
}

static void do_program(uint32_t off, const char *path)
{
	int ifd = open(path, O_RDONLY), pages = force_pages || mfr != 0xbf;
	static uint8_t data[1 << 20];
	ssize_t len;
	uint32_t done = 0, n;
	int64_t t0;

	if (ifd < 0)
		die(path);
	len = read(ifd, data, sizeof(data));
	if (len < 0)
		die("read");
	close(ifd);
	unprotect();
	t0 = now_ns();
	while (done < (uint32_t)len) {
		n = 1;
		if (pages) {
			n = PAGE - (off + done) % PAGE;
			if (n > len - done)
				n = len - done;
			if (n > iob.io_len - 4)
				n = iob.io_len - 4;
		}
		simple(CMD_WREN);
		cmd_addr(CMD_PP, off + done);
		memcpy(out + 4, data + done, n);
		xfer(4 + n);
		wait_ready();
		done += n;
	}
	simple(CMD_WRDI);
	t0 = now_ns() - t0;
	if (json)
		printf("{\"ok\": true, \"op\": \"program\", \"offset\": %u, \"bytes\": %zd, \"mode\": \"%s\", \"ns\": %" PRId64 ", \"transfers\": %ld}\n",
		       off, len, pages ? "page" : "byte", t0, transfers);
	else
		printf("programmed %zd bytes at %#x (%s program) in %.3f ms\n",
		       len, off, pages ? "page" : "byte", t0 / 1e6);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: spi-flash [-d dev] [-s hz] [-c chunk] [-p] [-j] id|status|read <off> <len> <file>|erase <off> <len>|program <off> <file>\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/rtdm/spi0/slave0.0";
	struct rtdm_spi_config cfg;
	unsigned int speed = 0;
	uint8_t id[3], id2[3];
	void *map;
	int c;

	while ((c = getopt(argc, argv, "d:s:c:pj")) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 's': speed = strtoul(optarg, NULL, 0); break;
		case 'c': chunk = strtoul(optarg, NULL, 0); break;
		case 'p': force_pages = 1; break;
		case 'j': json = 1; break;
		default: usage();
		}
	}
	if (optind >= argc || !chunk || chunk > RTDM_SPI_MAX_IOLEN - 4)
		usage();

	fd = open(dev, O_RDWR);
	if (fd < 0)
		die(dev);
	iob.io_len = 4 + chunk;
	if (ioctl(fd, SPI_RTIOC_SET_IOBUFS, &iob))
		die("SPI_RTIOC_SET_IOBUFS");
	map = mmap(NULL, iob.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	in = (uint8_t *)map + iob.i_offset;
	out = (uint8_t *)map + iob.o_offset;
	if (ioctl(fd, SPI_RTIOC_GET_CONFIG, &cfg))
		die("SPI_RTIOC_GET_CONFIG");
	cfg.mode = SPI_MODE_0;
	cfg.bits_per_word = 8;
	if (speed)
		cfg.speed_hz = speed;
	if (ioctl(fd, SPI_RTIOC_SET_CONFIG, &cfg))
		die("SPI_RTIOC_SET_CONFIG");

	read_id(id, 0);
	mfr = id[0];

	if (!strcmp(argv[optind], "id")) {
		read_id(id2, 1);
		if (json)
			printf("{\"ok\": true, \"op\": \"id\", \"jedec\": \"%02x%02x%02x\", \"jedec_transfer\": \"%02x%02x%02x\", \"speed_hz\": %u}\n",
			       id[0], id[1], id[2], id2[0], id2[1], id2[2], cfg.speed_hz);
		else
			printf("JEDEC id %02x %02x %02x\n", id[0], id[1], id[2]);
	} else if (!strcmp(argv[optind], "status")) {
		uint8_t sr = status();

		if (json)
			printf("{\"ok\": true, \"op\": \"status\", \"status\": %u}\n", sr);
		else
			printf("status %#04x%s%s\n", sr, sr & SR_BUSY ? " busy" : "",
			       sr & 0x02 ? " write-enabled" : "");
	} else if (!strcmp(argv[optind], "read") && argc - optind == 4) {
		do_read(strtoul(argv[optind + 1], NULL, 0),
			strtoul(argv[optind + 2], NULL, 0), argv[optind + 3]);
	} else if (!strcmp(argv[optind], "erase") && argc - optind == 3) {
		do_erase(strtoul(argv[optind + 1], NULL, 0),
			 strtoul(argv[optind + 2], NULL, 0));
	} else if (!strcmp(argv[optind], "program") && argc - optind == 3) {
		do_program(strtoul(argv[optind + 1], NULL, 0), argv[optind + 2]);
	} else {
		usage();
	}

	munmap(map, iob.map_len);
	close(fd);
	return 0;
}
