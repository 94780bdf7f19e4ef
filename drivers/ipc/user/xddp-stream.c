// SPDX-License-Identifier: GPL-2.0
/*
 * xddp-stream: like xddp-echo, but the real-time thread sends each message
 * one byte at a time with MSG_MORE, into a 1 KiB streaming buffer
 * (XDDP_BUFSZ) the Linux side reads as it fills.
 *
 * Usage: xddp-stream   (runs until SIGINT, SIGTERM or SIGHUP)
 */
#include "demo.h"

#define XDDP_PORT	0

static void *realtime_thread(void *arg __attribute__((unused)))
{
	struct sockaddr_ipc saddr;
	size_t poolsz, bufsz;
	int ret, s, n = 0, len, b;
	char buf[128];

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_XDDP);
	if (s < 0)
		fail("socket");

	poolsz = 16384;
	ret = setsockopt(s, SOL_XDDP, XDDP_POOLSZ, &poolsz, sizeof(poolsz));
	if (ret)
		fail("setsockopt");

	/* Gather MSG_MORE sends in a 1 KiB buffer. */
	bufsz = 1024;
	ret = setsockopt(s, SOL_XDDP, XDDP_BUFSZ, &bufsz, sizeof(bufsz));
	if (ret)
		fail("setsockopt");

	memset(&saddr, 0, sizeof(saddr));
	saddr.sipc_family = AF_RTIPC;
	saddr.sipc_port = XDDP_PORT;
	ret = bind(s, (struct sockaddr *)&saddr, sizeof(saddr));
	if (ret)
		fail("bind");

	for (;;) {
		len = strlen(msg[n]);
		for (b = 0; b < len; b++) {
			ret = sendto(s, msg[n] + b, 1, MSG_MORE, NULL, 0);
			if (ret != 1)
				fail("sendto");
		}
		printf("%s: sent (scattered) %d-bytes message, \"%.*s\"\n",
		       __func__, len, len, msg[n]);

		ret = recvfrom(s, buf, sizeof(buf), 0, NULL, 0);
		if (ret <= 0)
			fail("recvfrom");
		printf("   => \"%.*s\" echoed by peer\n", ret, buf);

		n = (n + 1) % ARRAY_SIZE(msg);
		demo_pause();
	}

	return NULL;
}

static void *regular_thread(void *arg __attribute__((unused)))
{
	char buf[128];
	ssize_t ret;
	int fd;

	fd = open("/dev/rtp0", O_RDWR);
	if (fd < 0)
		fail("open");

	/* Echo what the stream holds so far: it may come in pieces. */
	for (;;) {
		ret = read(fd, buf, sizeof(buf));
		if (ret <= 0)
			fail("read");
		ret = write(fd, buf, ret);
		if (ret <= 0)
			fail("write");
	}

	return NULL;
}

int main(void)
{
	demo_init();
	demo_thread(realtime_thread, 42);
	demo_thread(regular_thread, 0);

	return demo_wait();
}
