// SPDX-License-Identifier: GPL-2.0
/*
 * xddp-echo: a real-time thread sends messages through an XDDP socket
 * bound to port 0; a regular Linux thread reads them from /dev/rtp0 and
 * writes them back, and the real-time thread prints the echo.
 *
 * Usage: xddp-echo   (runs until SIGINT, SIGTERM or SIGHUP)
 */
#include "demo.h"

#define XDDP_PORT	0

static void *realtime_thread(void *arg __attribute__((unused)))
{
	struct sockaddr_ipc saddr;
	char buf[128];
	size_t poolsz;
	int ret, s, n = 0, len;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_XDDP);
	if (s < 0)
		fail("socket");

	/* A private pool for the messages of this socket. */
	poolsz = 16384;
	ret = setsockopt(s, SOL_XDDP, XDDP_POOLSZ, &poolsz, sizeof(poolsz));
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
		/* No destination: the default one is our own port. */
		ret = sendto(s, msg[n], len, 0, NULL, 0);
		if (ret != len)
			fail("sendto");
		printf("%s: sent %d bytes, \"%.*s\"\n",
		       __func__, ret, ret, msg[n]);

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

	/* Waits until the real-time socket is bound to the port. */
	fd = open("/dev/rtp0", O_RDWR);
	if (fd < 0)
		fail("open");

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
