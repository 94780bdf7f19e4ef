// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host self-test of librtdm_posix, run by `make -C userspace check`
 * without the RTDM modules: the fd table (bounds, concurrent updates) and
 * the wrappers' fallbacks to the C library. Linked with the wrapper flags.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <rtdm/rtdm.h>
#include "posix.h"

static int failures;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "FAIL %s:%d: %s (errno %d: %s)\n", \
				__FILE__, __LINE__, #cond, errno,	\
				strerror(errno));			\
			failures++;					\
		}							\
	} while (0)

#define NR_THREADS	8
#define NR_ROUNDS	20000

static void *hammer(void *arg)
{
	long t = (long)arg;
	int round, k, fd;

	for (round = 0; round < NR_ROUNDS; round++) {
		/* Threads share words: fd = t + NR_THREADS * k. */
		for (k = 0; k < 4; k++) {
			fd = t + NR_THREADS * k + (round & 1) * 5000;
			if (rtdm_fdtab_set(fd) || !rtdm_fdtab_test(fd))
				return (void *)1;
		}
		for (k = 0; k < 4; k++) {
			fd = t + NR_THREADS * k + (round & 1) * 5000;
			rtdm_fdtab_clear(fd);
			if (rtdm_fdtab_test(fd))
				return (void *)1;
		}
	}

	return NULL;
}

static void test_fdtab(void)
{
	static const int fds[] = { 0, 63, 64, 4095, 4096, 100000, 1048575 };
	pthread_t threads[NR_THREADS];
	void *res;
	long t;
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		CHECK(!rtdm_fdtab_test(fds[i]));
		CHECK(rtdm_fdtab_set(fds[i]) == 0);
		CHECK(rtdm_fdtab_test(fds[i]));
		CHECK(!rtdm_fdtab_test(fds[i] ^ 1));
	}
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		rtdm_fdtab_clear(fds[i]);
		CHECK(!rtdm_fdtab_test(fds[i]));
	}

	errno = 0;
	CHECK(rtdm_fdtab_set(1048576) == -1 && errno == EMFILE);
	errno = 0;
	CHECK(rtdm_fdtab_set(-1) == -1 && errno == EBADF);
	CHECK(!rtdm_fdtab_test(-1) && !rtdm_fdtab_test(1 << 30));
	rtdm_fdtab_clear(-5);

	for (t = 0; t < NR_THREADS; t++)
		CHECK(pthread_create(&threads[t], NULL, hammer,
				     (void *)t) == 0);
	for (t = 0; t < NR_THREADS; t++) {
		CHECK(pthread_join(threads[t], &res) == 0);
		CHECK(res == NULL);
	}
}

static void test_fallbacks(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, b;
	socklen_t len = sizeof(b);
	char buf[16];
	int s, p[2];

	if (access(RTDM_CONTROL_DEVICE, F_OK) == 0) {
		printf("selftest: %s present, skipping the no-RTDM checks\n",
		       RTDM_CONTROL_DEVICE);
		return;
	}

	errno = 0;
	CHECK(rtdm_socket(111, SOCK_DGRAM, 0) == -1 && errno == EAFNOSUPPORT);
	errno = 0;
	CHECK(socket(111, SOCK_DGRAM, 0) == -1 && errno == EAFNOSUPPORT);
	errno = 0;
	CHECK(rtdm_open("no-such-rtdm-device", O_RDWR) == -1 &&
	      errno == ENOENT);
	s = rtdm_open("/dev/null", O_RDONLY);
	CHECK(s >= 0);
	CHECK(rtdm_close(s) == 0);

	/* An AF_INET socket goes to the C library and works as usual. */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(s >= 0);
	CHECK(!rtdm_posix_is_socket(s));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(getsockname(s, (struct sockaddr *)&b, &len) == 0);
	CHECK(len == sizeof(b) && b.sin_port != 0);
	CHECK(sendto(s, "ping", 4, 0, (struct sockaddr *)&b, len) == 4);
	len = sizeof(a);
	CHECK(recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&a,
		       &len) == 4);
	CHECK(memcmp(buf, "ping", 4) == 0 && a.sin_port == b.sin_port);

	/* A stale entry is dropped by close(), and by socket() reuse. */
	CHECK(rtdm_fdtab_set(s) == 0);
	CHECK(close(s) == 0);
	CHECK(!rtdm_posix_is_socket(s));
	CHECK(rtdm_fdtab_set(s) == 0);
	CHECK(socket(AF_INET, SOCK_DGRAM, 0) == s);
	CHECK(!rtdm_posix_is_socket(s));
	CHECK(close(s) == 0);

	/* Not a socket: ENOTSOCK survives the RTDM probe. */
	CHECK(pipe(p) == 0);
	errno = 0;
	CHECK(bind(p[0], (struct sockaddr *)&a, sizeof(a)) == -1 &&
	      errno == ENOTSOCK);
	CHECK(!rtdm_posix_is_socket(p[0]));
	CHECK(write(p[1], "x", 1) == 1 && read(p[0], buf, 1) == 1);
	errno = 0;
	CHECK(rtdm_sendto(p[1], "x", 1, 0, NULL, 0) == -1 && errno == ENOTTY);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	test_fdtab();
	test_fallbacks();

	if (failures) {
		fprintf(stderr, "selftest: %d failure(s)\n", failures);
		return 1;
	}
	printf("selftest: librtdm_posix OK\n");
	return 0;
}
