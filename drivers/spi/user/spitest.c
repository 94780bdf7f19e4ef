// SPDX-License-Identifier: GPL-2.0
/*
 * spitest: the SPI transfer test of Xenomai 3's smokey suite, on an RTDM
 * SPI slave device, with its arguments and output.
 *
 *   spitest [--run[=ids]] [--list] [--exclude=ids] [--keep-going] [--vm]
 *           [--verbose[=N]] [--silent]
 *           device=<path> [speed=<hz>] [latency[=0|1]] [ioctl_n=<0|1>]
 *
 * Every 500 ms (timerfd, first shot on the next whole second) a
 * SCHED_FIFO thread exchanges a 36-byte frame (24-bit sequence number,
 * 8-bit checksum, 32 payload bytes) with SPI_RTIOC_TRANSFER (or
 * SPI_RTIOC_TRANSFER_N when ioctl_n=1) on the mapped I/O area, and checks
 * the frame coming back (meant for MOSI wired to MISO). Traffic mode
 * (default) prints each received frame; latency mode prints the transfer
 * durations. Runs until interrupted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <rtdm/uapi/spi.h>

#define NSEC_PER_SEC	1000000000LL
#define SEQ_BITS	24
#define SEQ_MASK	((1U << SEQ_BITS) - 1)
#define PAYLOAD		32

#define BAD_CRC		0x1
#define BAD_SEQ		0x2

struct frame_header {
	unsigned int seq : 24, crc : 8;
} __attribute__((packed));

#define TRANSFER_SIZE	(PAYLOAD + sizeof(struct frame_header))

static const char *device;
static unsigned int speed_hz = 40000000;
static int with_traffic = 1, with_latency, ioctl_n, verbose = 1;
static long long period_ns = NSEC_PER_SEC / 2;
static unsigned char *i_area, *o_area;
static unsigned int seq_out, seq_in = 1U << SEQ_BITS;
static int data_lines = 21;

/* latency figures, ns, shared with the display thread */
static sem_t display_sem;
static long minj, maxj, avgj, gminj = 0x7fffffff, gmaxj;
static int goverrun, gerrors;

static unsigned char crc_of(const unsigned char *p)
{
	unsigned int sum = 0, n;

	for (n = 0; n < PAYLOAD; n++)
		sum += p[n];
	return ~sum & 0xff;
}

static void set_output_header(void)
{
	struct frame_header *fh = (struct frame_header *)o_area;

	fh->seq = seq_out;
	fh->crc = crc_of(o_area + sizeof(*fh));
	seq_out = (seq_out + 1) & SEQ_MASK;
}

static int check_input(void)
{
	const struct frame_header *fh = (const struct frame_header *)i_area;
	int checkval = 0;
	unsigned int next;

	if (fh->crc != crc_of(i_area + sizeof(*fh)))
		checkval |= BAD_CRC;
	next = (seq_in + 1) & SEQ_MASK;
	if (seq_in > SEQ_MASK) {
		/* first frame: sync on it */
		seq_in = fh->seq;
	} else if (fh->seq != next) {
		seq_in = 1U << SEQ_BITS;
		checkval |= BAD_SEQ;
	} else {
		seq_in = next;
	}
	return checkval;
}

static void show_frame(int round, int checkval)
{
	const struct frame_header *fh = (const struct frame_header *)i_area;
	unsigned int n;

	printf("%.4d> seq=%u%s, crc=%.2X%s", round, fh->seq,
	       checkval & BAD_SEQ ? "?" : "", fh->crc,
	       checkval & BAD_CRC ? "?" : "");
	for (n = 0; n < PAYLOAD; n++) {
		if (n % 16 == 0)
			printf("\n");
		printf("%.2X ", i_area[sizeof(*fh) + n]);
	}
	printf("\n");
}

static int process(int round)
{
	unsigned char *od = o_area + sizeof(struct frame_header);
	int checkval = check_input(), n;

	if (with_traffic)
		show_frame(round, checkval);
	for (n = 0; n < PAYLOAD; n++)
		od[n] = od[n] + 1 ?: 1;
	set_output_header();

	return checkval;
}

static long long ts_ns(const struct timespec *t)
{
	return t->tv_sec * NSEC_PER_SEC + t->tv_nsec;
}

static void *display_thread(void *arg)
{
	time_t start, now, dt;
	int n = 0;

	(void)arg;
	time(&start);
	for (;;) {
		while (sem_wait(&display_sem) && errno == EINTR)
			;
		if (verbose < 1)
			continue;
		if (data_lines && n++ % data_lines == 0) {
			time(&now);
			dt = now - start;
			printf("RTT|  %.2lld:%.2lld:%.2lld  (%lld us period)\n",
			       (long long)(dt / 3600), (long long)(dt / 60 % 60),
			       (long long)(dt % 60), period_ns / 1000);
			printf("RTH|%11s|%11s|%11s|%8s|%8s|%11s|%11s\n",
			       "----lat min", "----lat avg", "----lat max",
			       "-overrun", "-errors", "---lat best", "--lat worst");
		}
		printf("RTD|%11.3f|%11.3f|%11.3f|%8d|%8d|%11.3f|%11.3f\n",
		       minj / 1000.0, avgj / 1000.0, maxj / 1000.0, goverrun,
		       gerrors, gminj / 1000.0, gmaxj / 1000.0);
	}
	return NULL;
}

static int fd;

static int do_spi_loop(void)
{
	struct itimerspec its;
	struct timespec now, t0, t1;
	long nsamples = NSEC_PER_SEC / period_ns, n = 0, lmin = 0x7fffffff,
		lmax = 0, d;
	long long sum = 0;
	uint64_t ticks;
	int tfd, ret, round = 0;

	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	if (tfd < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &now);
	its.it_value.tv_sec = now.tv_sec + 1;
	its.it_value.tv_nsec = 0;
	its.it_interval.tv_sec = period_ns / NSEC_PER_SEC;
	its.it_interval.tv_nsec = period_ns % NSEC_PER_SEC;
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL))
		return -errno;

	for (;;) {
		if (read(tfd, &ticks, sizeof(ticks)) != sizeof(ticks))
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ret = ioctl_n ? ioctl(fd, SPI_RTIOC_TRANSFER_N, TRANSFER_SIZE) :
			ioctl(fd, SPI_RTIOC_TRANSFER);
		if (ret) {
			fprintf(stderr, "spitest: transfer: %s\n", strerror(errno));
			return -errno;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (process(round++) && with_latency)
			gerrors++;
		if (!with_latency)
			continue;
		d = ts_ns(&t1) - ts_ns(&t0);
		if (d < lmin)
			lmin = d;
		if (d > lmax)
			lmax = d;
		sum += d;
		if (++n >= nsamples) {
			minj = lmin;
			maxj = lmax;
			avgj = sum / n;
			if (lmin < gminj)
				gminj = lmin;
			if (lmax > gmaxj)
				gmaxj = lmax;
			n = 0;
			sum = 0;
			lmin = 0x7fffffff;
			lmax = 0;
			sem_post(&display_sem);
		}
	}
}

static int run_spi_transfer(void)
{
	struct rtdm_spi_iobufs iobufs = { .io_len = TRANSFER_SIZE };
	struct rtdm_spi_config config;
	struct sched_param param = { .sched_priority = 10 };
	pthread_t display;
	void *p;
	int ret;

	if (!device) {
		fprintf(stderr, "spitest: missing device= specification\n");
		return -EINVAL;
	}
	fd = open(device, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "spitest: open %s: %s\n", device, strerror(errno));
		return -errno;
	}
	if (ioctl(fd, SPI_RTIOC_SET_IOBUFS, &iobufs)) {
		fprintf(stderr, "spitest: SPI_RTIOC_SET_IOBUFS: %s\n", strerror(errno));
		return -errno;
	}
	p = mmap(NULL, iobufs.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "spitest: mmap: %s\n", strerror(errno));
		return -errno;
	}
	i_area = (unsigned char *)p + iobufs.i_offset;
	o_area = (unsigned char *)p + iobufs.o_offset;
	if (verbose >= 1)
		printf("input_area[%u..%u], output_area[%u..%u], mapping length=%u\n",
		       iobufs.i_offset, iobufs.i_offset + (unsigned int)TRANSFER_SIZE - 1,
		       iobufs.o_offset, iobufs.o_offset + (unsigned int)TRANSFER_SIZE - 1,
		       iobufs.map_len);
	memset(o_area, 0, TRANSFER_SIZE);
	set_output_header();

	config.mode = SPI_MODE_0;
	config.bits_per_word = 8;
	config.speed_hz = speed_hz;
	if (ioctl(fd, SPI_RTIOC_SET_CONFIG, &config)) {
		fprintf(stderr, "spitest: SPI_RTIOC_SET_CONFIG: %s\n", strerror(errno));
		return -errno;
	}
	if (ioctl(fd, SPI_RTIOC_GET_CONFIG, &config)) {
		fprintf(stderr, "spitest: SPI_RTIOC_GET_CONFIG: %s\n", strerror(errno));
		return -errno;
	}
	if (verbose >= 1)
		printf("speed=%u hz, mode=%#x, bits=%u\n", config.speed_hz,
		       config.mode, config.bits_per_word);

	if (with_latency) {
		with_traffic = 0;
		sem_init(&display_sem, 0, 0);
		ret = pthread_create(&display, NULL, display_thread, NULL);
		if (ret)
			return -ret;
	}
	ret = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
	if (ret) {
		fprintf(stderr, "spitest: pthread_setschedparam: %s\n", strerror(ret));
		return -ret;
	}

	return do_spi_loop();
}

static int boolarg(const char *v)
{
	return v ? atoi(v) != 0 : 1;
}

int main(int argc, char **argv)
{
	int i, list = 0, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		char *a = argv[i], *v = strchr(a, '=');

		if (v)
			v++;
		if (!strncmp(a, "--run", 5) || !strncmp(a, "--exclude", 9) ||
		    !strcmp(a, "--keep-going") || !strcmp(a, "--vm"))
			continue;	/* one test: nothing to select */
		else if (!strcmp(a, "--list"))
			list = 1;
		else if (!strncmp(a, "--verbose", 9))
			verbose = v ? atoi(v) : 1;
		else if (!strcmp(a, "--silent"))
			verbose = 0;
		else if (!strncmp(a, "device=", 7))
			device = v;
		else if (!strncmp(a, "speed=", 6))
			speed_hz = strtoul(v, NULL, 0);
		else if (!strncmp(a, "latency", 7) && (!a[7] || a[7] == '='))
			with_latency = boolarg(v);
		else if (!strncmp(a, "ioctl_n", 7) && (!a[7] || a[7] == '='))
			ioctl_n = boolarg(v);
		else {
			fprintf(stderr, "spitest: unknown argument %s\n", a);
			return 2;
		}
	}
	if (list) {
		printf("#0      spi_transfer\n\tCheck SPI transfers with the RTDM SPI profile\n");
		return 0;
	}
	ret = run_spi_transfer();
	if (ret) {
		fprintf(stderr, "spi_transfer: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
