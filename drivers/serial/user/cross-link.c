// SPDX-License-Identifier: GPL-2.0
/*
 * cross-link: the rtser loop latency test.
 *
 * Two real-time threads: the writer sends its clock reading (8 bytes) to
 * one port every period; the reader, on the port wired to it, waits for
 * RTSER_EVENT_RXPEND, reads the 8 bytes and reports, per frame,
 *   write->irq   date of the receive interrupt (timestamp history) - write date
 *   irq->read    date read() returned - interrupt date
 *   write->read  date read() returned - write date
 * Every date is CLOCK_MONOTONIC, the clock of the driver's timestamps.
 *
 * Defaults follow Xenomai 3's demo: writer /dev/rtdm/rtser0, reader
 * /dev/rtdm/rtser1, 115200 baud, 100 ms period, writer priority 50,
 * reader 51, event timeout 1 s. The same device for both ends (one UART
 * with TX wired to RX) uses one file descriptor.
 *
 *   cross-link [-w dev] [-r dev] [-b baud] [-p period_us] [-n frames]
 *              [-q] [-j]
 *
 * -n 0 runs until SIGINT/SIGTERM. -q drops the per-frame table, -j prints
 * the summary as one JSON object. A frame is lost when it never arrives,
 * late when it arrives after the next frame was written (write->read >
 * period), bad when its content matches no frame written.
 * Exit status: 0 when every frame arrived intact, 1 otherwise, 2 on usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <rtdm/uapi/serial.h>

#define MAX_FRAMES	100000

static const char *write_dev = "/dev/rtdm/rtser0";
static const char *read_dev = "/dev/rtdm/rtser1";
static int baud = 115200;
static long long period_ns = 100000000;
static long nframes = 0;
static int quiet, json;

static int write_fd = -1, read_fd = -1;
static volatile sig_atomic_t stop;
static volatile int writer_done;

/* write dates, indexed by frame number */
static uint64_t *wtimes;
static volatile long nwritten;

struct stat3 {
	long long min, max, sum;
	long n;
};

static struct stat3 st_wi, st_ir, st_wr;
static long received, lost, late, bad;

/* progress messages, on stdout unless the JSON summary is asked for */
#define note(...) do { if (!json) printf(__VA_ARGS__); } while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void stat_add(struct stat3 *s, long long v)
{
	if (!s->n || v < s->min)
		s->min = v;
	if (!s->n || v > s->max)
		s->max = v;
	s->sum += v;
	s->n++;
}

static void *write_task(void *arg)
{
	struct timespec next;
	long i;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; !stop && (!nframes || i < nframes) && i < MAX_FRAMES; i++) {
		uint64_t t;
		ssize_t n;

		next.tv_nsec += period_ns % 1000000000;
		next.tv_sec += period_ns / 1000000000 + next.tv_nsec / 1000000000;
		next.tv_nsec %= 1000000000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR && !stop)
			;
		if (stop)
			break;
		t = now_ns();
		wtimes[i] = t;
		nwritten = i + 1;
		n = write(write_fd, &t, sizeof(t));
		if (n != (ssize_t)sizeof(t)) {
			fprintf(stderr, "write_task: only %zd / %zu byte transmitted (%s)\n",
				n, sizeof(t), n < 0 ? strerror(errno) : "short");
			break;
		}
	}
	writer_done = 1;
	return NULL;
}

static void *read_task(void *arg)
{
	struct rtser_event ev;
	long next = 0;	/* frame expected next */
	int nr = 0;

	(void)arg;
	if (!quiet) {
		printf(" Nr |   write->irq    |    irq->read    |   write->read   |\n");
		printf("-----------------------------------------------------------\n");
	}
	while (!stop) {
		uint64_t wt, irq, rd;
		ssize_t n;
		long k;

		if (ioctl(read_fd, RTSER_RTIOC_WAIT_EVENT, &ev) < 0) {
			if (errno == ETIMEDOUT) {
				if (writer_done)
					break;	/* nothing more will come */
				continue;
			}
			fprintf(stderr, "read_task: error on RTSER_RTIOC_WAIT_EVENT, %s\n",
				strerror(errno));
			break;
		}
		irq = ev.rxpend_timestamp;
		n = read(read_fd, &wt, sizeof(wt));
		rd = now_ns();
		if (n != (ssize_t)sizeof(wt)) {
			if (n < 0)
				fprintf(stderr, "read_task: error on read, code %s\n",
					strerror(errno));
			else
				fprintf(stderr, "read_task: only %zd / %zu byte received\n",
					n, sizeof(wt));
			bad++;
			continue;
		}
		/* which frame is it? skipped ones were lost */
		for (k = next; k < nwritten && wtimes[k] != wt; k++)
			;
		if (k >= nwritten) {
			bad++;
			continue;
		}
		lost += k - next;
		next = k + 1;
		received++;
		stat_add(&st_wi, (long long)(irq - wt));
		stat_add(&st_ir, (long long)(rd - irq));
		stat_add(&st_wr, (long long)(rd - wt));
		if ((long long)(rd - wt) > period_ns)
			late++;
		if (!quiet)
			printf("%3d |%16lld |%16lld |%16lld\n", nr,
			       (long long)(irq - wt), (long long)(rd - irq),
			       (long long)(rd - wt));
		nr++;
		if (writer_done && next >= nwritten)
			break;
	}
	lost += nwritten - next;
	return NULL;
}

static int configure(void)
{
	struct rtser_config wc = {
		.config_mask = RTSER_SET_BAUD | RTSER_SET_TIMESTAMP_HISTORY,
		.baud_rate = baud,
		.timestamp_history = RTSER_DEF_TIMESTAMP_HISTORY,
	};
	struct rtser_config rc = {
		.config_mask = 0xffff,
		.baud_rate = baud,
		.parity = RTSER_DEF_PARITY,
		.data_bits = RTSER_DEF_BITS,
		.stop_bits = RTSER_DEF_STOPB,
		.handshake = RTSER_DEF_HAND,
		.fifo_depth = RTSER_DEF_FIFO_DEPTH,
		.rx_timeout = 1000000000,	/* Xenomai's demo: infinite */
		.tx_timeout = RTSER_DEF_TIMEOUT,
		.event_timeout = 1000000000,
		.timestamp_history = RTSER_RX_TIMESTAMP_HISTORY,
		.event_mask = RTSER_EVENT_RXPEND,
	};

	write_fd = open(write_dev, O_RDWR);
	if (write_fd < 0) {
		fprintf(stderr, "main : cannot open %s: %s\n", write_dev, strerror(errno));
		return -1;
	}
	note("main : write-file opened\n");
	if (ioctl(write_fd, RTSER_RTIOC_SET_CONFIG, &wc) < 0) {
		fprintf(stderr, "main : write-config: %s\n", strerror(errno));
		return -1;
	}
	note("main : write-config written\n");

	if (!strcmp(write_dev, read_dev)) {
		read_fd = write_fd;
	} else {
		read_fd = open(read_dev, O_RDWR);
		if (read_fd < 0) {
			fprintf(stderr, "main : cannot open %s: %s\n", read_dev,
				strerror(errno));
			return -1;
		}
	}
	note("main : read-file opened\n");
	if (ioctl(read_fd, RTSER_RTIOC_SET_CONFIG, &rc) < 0) {
		fprintf(stderr, "main : read-config: %s\n", strerror(errno));
		return -1;
	}
	ioctl(read_fd, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER);
	note("main : read-config written\n");
	return 0;
}

static int start_thread(pthread_t *t, int prio, void *(*fn)(void *))
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t attr;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	ret = pthread_create(t, &attr, fn, NULL);
	if (ret == EPERM) {
		fprintf(stderr, "main : no real-time priority, running SCHED_OTHER\n");
		ret = pthread_create(t, NULL, fn, NULL);
	}
	pthread_attr_destroy(&attr);
	return ret;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_stat(const char *name, const struct stat3 *s)
{
	if (json)
		printf("\"%s\": {\"min\": %lld, \"avg\": %lld, \"max\": %lld}", name,
		       s->n ? s->min : 0, s->n ? s->sum / s->n : 0, s->n ? s->max : 0);
	else
		printf("%-12s min %10lld  avg %10lld  max %10lld ns\n", name,
		       s->n ? s->min : 0, s->n ? s->sum / s->n : 0, s->n ? s->max : 0);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: cross-link [-w dev] [-r dev] [-b baud] [-p period_us] [-n frames] [-q] [-j]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t wt, rt;
	int c;

	while ((c = getopt(argc, argv, "w:r:b:p:n:qjh")) != -1) {
		switch (c) {
		case 'w':
			write_dev = optarg;
			break;
		case 'r':
			read_dev = optarg;
			break;
		case 'b':
			baud = atoi(optarg);
			break;
		case 'p':
			period_ns = atoll(optarg) * 1000;
			break;
		case 'n':
			nframes = atol(optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'j':
			json = 1;
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || baud <= 0 || period_ns <= 0 || nframes < 0 ||
	    nframes > MAX_FRAMES)
		usage();

	setvbuf(stdout, NULL, _IOLBF, 0);
	wtimes = calloc(MAX_FRAMES, sizeof(*wtimes));
	if (!wtimes)
		return 1;
	mlockall(MCL_CURRENT | MCL_FUTURE);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (configure())
		return 1;

	if (start_thread(&wt, 50, write_task))
		return 1;
	note("main : write-task created\n");
	note("main : starting write-task\n");
	if (start_thread(&rt, 51, read_task))
		return 1;
	note("main : read-task created\n");
	note("main : starting read-task\n");

	pthread_join(wt, NULL);
	pthread_join(rt, NULL);

	if (read_fd != write_fd) {
		close(read_fd);
		note("main : %s -> closed\n", read_dev);
	}
	close(write_fd);
	note("main : %s -> closed\n", write_dev);
	note("main : exit\n");

	if (json) {
		printf("{\"writer\": \"%s\", \"reader\": \"%s\", \"baud\": %d, "
		       "\"period_ns\": %lld, \"frames\": %ld, \"received\": %ld, "
		       "\"lost\": %ld, \"late\": %ld, \"bad\": %ld, ",
		       write_dev, read_dev, baud, period_ns, (long)nwritten,
		       received, lost, late, bad);
		print_stat("write_irq", &st_wi);
		printf(", ");
		print_stat("irq_read", &st_ir);
		printf(", ");
		print_stat("write_read", &st_wr);
		printf("}\n");
	} else {
		printf("summary: frames %ld received %ld lost %ld late %ld bad %ld\n",
		       (long)nwritten, received, lost, late, bad);
		print_stat("write->irq", &st_wi);
		print_stat("irq->read", &st_ir);
		print_stat("write->read", &st_wr);
	}

	return (lost || bad || received != nwritten) ? 1 : 0;
}
