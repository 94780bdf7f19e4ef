// SPDX-License-Identifier: GPL-2.0
/*
 * serial-loop: integrity and throughput of two rtser ports wired to each
 * other (TX of one to RX of the other, both ways).
 *
 * A pseudo-random stream (seeded) is written to one port by a real-time
 * thread and read back from the other by another; the receiver checks
 * every byte against the same stream and both ends compute a checksum
 * (FNV-1a, 64 bits). Both directions may run at once.
 *
 *   serial-loop [-a dev] [-b dev] [-s baud] [-n bytes] [-d ab|ba|both|seq]
 *               [-S seed] [-c chunk] [-t seconds] [-T idle-ms]
 *
 * Defaults: /dev/rtdm/rtser0 and /dev/rtdm/rtser1, 115200 baud, 65536
 * bytes, both directions at once, chunks of 1024 bytes, 120 s at most.
 * The threads of a run start together once all of them exist; a receiver
 * gives up after idle-ms (default 2000) without data (its rx_timeout).
 * Prints one JSON object; exit status 0 when every direction delivered
 * the stream intact. Each direction reports when its writer started and
 * finished queueing and when its reader got the first and the last byte
 * (start_ms, written_ms, first_rx_ms, last_rx_ms: ms from the start of
 * the run), so that a caller can tell two directions that really ran at
 * once from two that took turns. When one did not, the diagnosis goes to stderr
 * first: reads, short reads and errors, when the writer and the reader
 * finished, the bytes around the first mismatch and where the received
 * stream picks up the sent one again ("skip": bytes lost on the way).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <rtdm/uapi/serial.h>

static const char *dev_a = "/dev/rtdm/rtser0", *dev_b = "/dev/rtdm/rtser1";
static int baud = 115200;
static long nbytes = 65536;
static unsigned int seed = 1;
static long chunk = 1024;
static int max_seconds = 120;
static long idle_ms = 2000;
static pthread_barrier_t go;

struct dir {
	const char *name;
	int wfd, rfd;
	uint32_t seed;
	/* results */
	long sent, received, first_error;
	int werr, rerr;
	uint64_t tx_sum, rx_sum;
	double seconds;
	uint64_t t0, t_first, t_end, t_wend;
	uint8_t *rxlog;		/* what the reader got, for the diagnosis */
	long nreads, nshort, nerr;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint8_t prng_next(uint32_t *s)
{
	/* xorshift32 */
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x >> 24;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

static void *writer(void *arg)
{
	struct dir *d = arg;
	uint32_t s = d->seed;
	uint8_t *buf = malloc(chunk);
	uint64_t h = FNV_INIT;

	pthread_barrier_wait(&go);
	d->t0 = now_ns();
	while (buf && d->sent < nbytes) {
		long n = nbytes - d->sent < chunk ? nbytes - d->sent : chunk;
		ssize_t w;
		long i;

		for (i = 0; i < n; i++)
			buf[i] = prng_next(&s);
		h = fnv(h, buf, n);
		w = write(d->wfd, buf, n);
		if (w != n) {
			d->werr = w < 0 ? errno : EIO;
			break;
		}
		d->sent += n;
	}
	d->tx_sum = h;
	d->t_wend = now_ns();
	free(buf);
	return NULL;
}

static void *reader(void *arg)
{
	struct dir *d = arg;
	uint32_t s = d->seed;
	uint8_t *buf = malloc(chunk);
	uint64_t h = FNV_INIT, deadline;

	d->first_error = -1;
	pthread_barrier_wait(&go);
	deadline = now_ns() + max_seconds * 1000000000ULL;
	while (buf && d->received < nbytes && now_ns() < deadline) {
		long want = nbytes - d->received < chunk ? nbytes - d->received : chunk;
		ssize_t r = read(d->rfd, buf, want);
		long i;

		if (r < 0) {
			d->rerr = errno;
			d->nerr++;
			if (errno == ETIMEDOUT || errno == EBADF)
				break;
			continue;	/* line error: keep counting */
		}
		d->nreads++;
		if (r > 0 && !d->t_first)
			d->t_first = now_ns();
		if (r < want)
			d->nshort++;
		memcpy(d->rxlog + d->received, buf, r);
		for (i = 0; i < r; i++)
			if (buf[i] != prng_next(&s) && d->first_error < 0)
				d->first_error = d->received + i;
		h = fnv(h, buf, r);
		d->received += r;
		d->t_end = now_ns();
	}
	d->rx_sum = h;
	free(buf);
	return NULL;
}

/*
 * Small stacks: with mlockall(MCL_FUTURE) every page of a thread's stack
 * is faulted in at creation, and the default 8 MiB take seconds under
 * emulation.
 */
static int start(pthread_t *t, int prio, void *(*fn)(void *), void *arg)
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t attr;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	ret = pthread_create(t, &attr, fn, arg);
	if (ret == EPERM) {
		pthread_attr_setinheritsched(&attr, PTHREAD_INHERIT_SCHED);
		ret = pthread_create(t, &attr, fn, arg);
	}
	pthread_attr_destroy(&attr);
	return ret;
}

static int setup(int fd)
{
	struct rtser_config c = {
		.config_mask = RTSER_SET_BAUD | RTSER_SET_TIMEOUT_RX |
			RTSER_SET_TIMEOUT_TX | RTSER_SET_PARITY |
			RTSER_SET_DATA_BITS | RTSER_SET_STOP_BITS |
			RTSER_SET_EVENT_MASK | RTSER_SET_TIMESTAMP_HISTORY,
		.baud_rate = baud,
		.parity = RTSER_NO_PARITY,
		.data_bits = RTSER_8_BITS,
		.stop_bits = RTSER_1_STOPB,
		.rx_timeout = idle_ms * 1000000LL,
		.tx_timeout = 10000000000LL,
	};

	if (ioctl(fd, RTSER_RTIOC_SET_CONFIG, &c) < 0)
		return -errno;
	return ioctl(fd, RTIOC_PURGE, RTDM_PURGE_RX_BUFFER | RTDM_PURGE_TX_BUFFER) < 0 ?
		-errno : 0;
}

static void run(struct dir **dirs, int n)
{
	pthread_t w[2], r[2];
	int i;

	pthread_barrier_init(&go, NULL, 2 * n);
	for (i = 0; i < n; i++) {
		if (start(&r[i], 51, reader, dirs[i]) ||
		    start(&w[i], 50, writer, dirs[i])) {
			printf("{\"error\": \"pthread_create\", \"ok\": false}\n");
			exit(1);
		}
	}
	for (i = 0; i < n; i++) {
		pthread_join(w[i], NULL);
		pthread_join(r[i], NULL);
		dirs[i]->seconds = dirs[i]->t_end > dirs[i]->t0 ?
			(dirs[i]->t_end - dirs[i]->t0) / 1e9 : 0;
	}
	pthread_barrier_destroy(&go);
}

static int dir_ok(const struct dir *d)
{
	return d->sent == nbytes && d->received == nbytes &&
		d->first_error < 0 && d->tx_sum == d->rx_sum;
}

/* Why a direction failed (stderr): lost bytes, a stall, or garbage. */
static void diagnose(const struct dir *d)
{
	uint8_t *exp = malloc(nbytes);
	uint32_t s = d->seed;
	long i, e = d->first_error, off;

	fprintf(stderr, "%s: sent %ld received %ld, %ld reads (%ld short), %ld read errors "
		"(last %d), writer done after %.3f s, last byte read after %.3f s\n",
		d->name, d->sent, d->received, d->nreads, d->nshort, d->nerr, d->rerr,
		d->t_wend > d->t0 ? (d->t_wend - d->t0) / 1e9 : 0,
		d->t_end > d->t0 ? (d->t_end - d->t0) / 1e9 : 0);
	if (!exp || e < 0) {
		free(exp);
		return;
	}
	for (i = 0; i < nbytes; i++)
		exp[i] = prng_next(&s);
	fprintf(stderr, "%s: first mismatch at %ld; received:", d->name, e);
	for (i = e > 4 ? e - 4 : 0; i < e + 12 && i < d->received; i++)
		fprintf(stderr, " %02x", d->rxlog[i]);
	fprintf(stderr, "; sent:");
	for (i = e > 4 ? e - 4 : 0; i < e + 12 && i < nbytes; i++)
		fprintf(stderr, " %02x", exp[i]);
	fprintf(stderr, "\n");
	for (off = -8192; off < nbytes && e + 32 <= d->received; off++) {
		if (e + off < 0 || e + off + 32 > nbytes)
			continue;
		if (!memcmp(exp + e + off, d->rxlog + e, 32)) {
			fprintf(stderr, "%s: received[%ld..] = sent[%ld..] (skip %ld)\n",
				d->name, e, e + off, off);
			break;
		}
	}
	free(exp);
}

/* Dates of a run, in ms from the start of the first one (0 if never). */
static uint64_t origin;

static double ms(uint64_t t)
{
	return t > origin ? (t - origin) / 1e6 : 0;
}

static int print_dir(const struct dir *d, int first)
{
	int ok = dir_ok(d);

	printf("%s{\"dir\": \"%s\", \"sent\": %ld, \"received\": %ld, "
	       "\"tx_sum\": \"%016" PRIx64 "\", \"rx_sum\": \"%016" PRIx64 "\", "
	       "\"first_error\": %ld, \"write_errno\": %d, \"read_errno\": %d, "
	       "\"seconds\": %.3f, \"bytes_per_s\": %.0f, "
	       "\"start_ms\": %.1f, \"first_rx_ms\": %.1f, \"last_rx_ms\": %.1f, "
	       "\"written_ms\": %.1f, \"ok\": %s}",
	       first ? "" : ", ", d->name, d->sent, d->received, d->tx_sum,
	       d->rx_sum, d->first_error, d->werr, d->rerr, d->seconds,
	       d->seconds > 0 ? d->received / d->seconds : 0.0,
	       ms(d->t0), ms(d->t_first), ms(d->t_end), ms(d->t_wend),
	       ok ? "true" : "false");
	return ok;
}

static void usage(void)
{
	fprintf(stderr, "usage: serial-loop [-a dev] [-b dev] [-s baud] [-n bytes] "
		"[-d ab|ba|both|seq] [-S seed] [-c chunk] [-t seconds] [-T idle-ms]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode = "both";
	struct dir ab = { .name = "a->b" }, ba = { .name = "b->a" };
	struct dir *dirs[2];
	int c, fa, fb, ret, ok = 1;

	while ((c = getopt(argc, argv, "a:b:s:n:d:S:c:t:T:h")) != -1) {
		switch (c) {
		case 'a':
			dev_a = optarg;
			break;
		case 'b':
			dev_b = optarg;
			break;
		case 's':
			baud = atoi(optarg);
			break;
		case 'n':
			nbytes = atol(optarg);
			break;
		case 'd':
			mode = optarg;
			break;
		case 'S':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			chunk = atol(optarg);
			break;
		case 't':
			max_seconds = atoi(optarg);
			break;
		case 'T':
			idle_ms = atol(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || nbytes <= 0 || chunk <= 0 || !seed || idle_ms <= 0 ||
	    (strcmp(mode, "ab") && strcmp(mode, "ba") && strcmp(mode, "both") &&
	     strcmp(mode, "seq")))
		usage();

	mlockall(MCL_CURRENT | MCL_FUTURE);
	fa = open(dev_a, O_RDWR);
	fb = open(dev_b, O_RDWR);
	if (fa < 0 || fb < 0) {
		printf("{\"error\": \"open: %s\", \"ok\": false}\n", strerror(errno));
		return 1;
	}
	ret = setup(fa);
	if (!ret)
		ret = setup(fb);
	if (ret) {
		printf("{\"error\": \"SET_CONFIG baud %d: %s\", \"ok\": false}\n",
		       baud, strerror(-ret));
		return 1;
	}

	ab.rxlog = malloc(nbytes);
	ba.rxlog = malloc(nbytes);
	if (!ab.rxlog || !ba.rxlog) {
		printf("{\"error\": \"out of memory\", \"ok\": false}\n");
		return 1;
	}
	ab.wfd = fa;
	ab.rfd = fb;
	ab.seed = seed;
	ba.wfd = fb;
	ba.rfd = fa;
	ba.seed = (seed * 2654435761U) | 1;
	origin = now_ns();

	if (!strcmp(mode, "ab")) {
		dirs[0] = &ab;
		run(dirs, 1);
	} else if (!strcmp(mode, "ba")) {
		dirs[0] = &ba;
		run(dirs, 1);
	} else if (!strcmp(mode, "both")) {
		dirs[0] = &ab;
		dirs[1] = &ba;
		run(dirs, 2);
	} else {
		dirs[0] = &ab;
		run(dirs, 1);
		dirs[0] = &ba;
		run(dirs, 1);
	}

	if (strcmp(mode, "ba") && !dir_ok(&ab))
		diagnose(&ab);
	if (strcmp(mode, "ab") && !dir_ok(&ba))
		diagnose(&ba);
	fflush(stderr);

	printf("{\"a\": \"%s\", \"b\": \"%s\", \"baud\": %d, \"bytes\": %ld, "
	       "\"mode\": \"%s\", \"results\": [", dev_a, dev_b, baud, nbytes, mode);
	if (strcmp(mode, "ba"))
		ok &= print_dir(&ab, 1);
	if (strcmp(mode, "ab"))
		ok &= print_dir(&ba, !strcmp(mode, "ba"));
	printf("], \"ok\": %s}\n", ok ? "true" : "false");

	close(fa);
	close(fb);
	return ok ? 0 : 1;
}
