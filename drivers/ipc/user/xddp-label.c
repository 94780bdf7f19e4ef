// SPDX-License-Identifier: GPL-2.0
/*
 * xddp-label: two real-time threads and a Linux thread meet through the
 * label "xddp-demo". realtime_thread1 binds an XDDP socket under that
 * label (port picked automatically); realtime_thread2 connects by label
 * and sends to that port; the Linux thread finds the port's device through
 * /proc/rtdm/ipc/xddp/xddp-demo (a link to /dev/rtpN), and relays what it
 * reads there back to realtime_thread1.
 *
 * Usage: xddp-label   (runs until SIGINT, SIGTERM or SIGHUP)
 */
#include "demo.h"

#define XDDP_PORT_LABEL	"xddp-demo"

static void *realtime_thread1(void *arg __attribute__((unused)))
{
	struct rtipc_port_label plabel;
	struct sockaddr_ipc saddr;
	char buf[128];
	int ret, s;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_XDDP);
	if (s < 0)
		fail("socket");

	memset(&plabel, 0, sizeof(plabel));
	strcpy(plabel.label, XDDP_PORT_LABEL);
	ret = setsockopt(s, SOL_XDDP, XDDP_LABEL, &plabel, sizeof(plabel));
	if (ret)
		fail("setsockopt");

	memset(&saddr, 0, sizeof(saddr));
	saddr.sipc_family = AF_RTIPC;
	saddr.sipc_port = -1;	/* any free port */
	ret = bind(s, (struct sockaddr *)&saddr, sizeof(saddr));
	if (ret)
		fail("bind");

	for (;;) {
		ret = recvfrom(s, buf, sizeof(buf), 0, NULL, 0);
		if (ret <= 0)
			fail("recvfrom");
		printf("%s: \"%.*s\" relayed by peer\n", __func__, ret, buf);
	}

	return NULL;
}

static void *realtime_thread2(void *arg __attribute__((unused)))
{
	struct rtipc_port_label plabel;
	struct sockaddr_ipc saddr;
	int ret, s, n = 0, len;
	struct timeval tv;
	socklen_t addrlen;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_XDDP);
	if (s < 0)
		fail("socket");

	/* Wait at most one second for the label to be bound. */
	tv.tv_sec = 1;
	tv.tv_usec = 0;
	ret = setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (ret)
		fail("setsockopt");

	memset(&plabel, 0, sizeof(plabel));
	strcpy(plabel.label, XDDP_PORT_LABEL);
	ret = setsockopt(s, SOL_XDDP, XDDP_LABEL, &plabel, sizeof(plabel));
	if (ret)
		fail("setsockopt");

	memset(&saddr, 0, sizeof(saddr));
	saddr.sipc_family = AF_RTIPC;
	saddr.sipc_port = -1;	/* by label */
	ret = connect(s, (struct sockaddr *)&saddr, sizeof(saddr));
	if (ret)
		fail("connect");

	addrlen = sizeof(saddr);
	ret = getpeername(s, (struct sockaddr *)&saddr, &addrlen);
	if (ret || addrlen != sizeof(saddr))
		fail("getpeername");
	printf("%s: NRT peer is reading from /dev/rtp%d\n",
	       __func__, saddr.sipc_port);

	for (;;) {
		len = strlen(msg[n]);
		ret = sendto(s, msg[n], len, 0, NULL, 0);
		if (ret != len)
			fail("sendto");
		printf("%s: sent %d bytes, \"%.*s\"\n",
		       __func__, ret, ret, msg[n]);
		n = (n + 1) % ARRAY_SIZE(msg);
		demo_pause();
	}

	return NULL;
}

static void *regular_thread(void *arg __attribute__((unused)))
{
	const char *path = RTIPC_XDDP_REGISTRY XDDP_PORT_LABEL;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 };
	char buf[128];
	int fd, tries;
	ssize_t ret;

	/* The label appears once realtime_thread1 is bound. */
	for (tries = 0; ; tries++) {
		fd = open(path, O_RDWR);
		if (fd >= 0 || errno != ENOENT || tries >= 500)
			break;
		nanosleep(&ts, NULL);
	}
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
	demo_thread(realtime_thread1, 42);
	demo_thread(realtime_thread2, 42);
	demo_thread(regular_thread, 0);

	return demo_wait();
}
