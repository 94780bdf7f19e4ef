// SPDX-License-Identifier: GPL-2.0
/*
 * iddp-sendrecv: two real-time threads exchange IDDP datagrams. The server
 * is bound to port 12 with a 32 KiB pool and prints what it receives and
 * from which port; the client, bound to port 13, sends to port 12.
 *
 * Usage: iddp-sendrecv   (runs until SIGINT, SIGTERM or SIGHUP)
 */
#include "demo.h"

#define IDDP_SVPORT	12
#define IDDP_CLPORT	13

static void *server(void *arg __attribute__((unused)))
{
	struct sockaddr_ipc saddr, claddr;
	socklen_t addrlen;
	char buf[128];
	size_t poolsz;
	int ret, s;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_IDDP);
	if (s < 0)
		fail("socket");

	poolsz = 32768;
	ret = setsockopt(s, SOL_IDDP, IDDP_POOLSZ, &poolsz, sizeof(poolsz));
	if (ret)
		fail("setsockopt");

	memset(&saddr, 0, sizeof(saddr));
	saddr.sipc_family = AF_RTIPC;
	saddr.sipc_port = IDDP_SVPORT;
	ret = bind(s, (struct sockaddr *)&saddr, sizeof(saddr));
	if (ret)
		fail("bind");

	for (;;) {
		addrlen = sizeof(claddr);
		ret = recvfrom(s, buf, sizeof(buf), 0,
			       (struct sockaddr *)&claddr, &addrlen);
		if (ret < 0)
			fail("recvfrom");
		printf("%s: received %d bytes, \"%.*s\" from port %d\n",
		       __func__, ret, ret, buf, claddr.sipc_port);
	}

	return NULL;
}

static void *client(void *arg __attribute__((unused)))
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 };
	struct sockaddr_ipc svsaddr, clsaddr;
	int ret, s, n = 0, len, tries = 0;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_IDDP);
	if (s < 0)
		fail("socket");

	memset(&clsaddr, 0, sizeof(clsaddr));
	clsaddr.sipc_family = AF_RTIPC;
	clsaddr.sipc_port = IDDP_CLPORT;
	ret = bind(s, (struct sockaddr *)&clsaddr, sizeof(clsaddr));
	if (ret)
		fail("bind");

	memset(&svsaddr, 0, sizeof(svsaddr));
	svsaddr.sipc_family = AF_RTIPC;
	svsaddr.sipc_port = IDDP_SVPORT;

	for (;;) {
		len = strlen(msg[n]);
		ret = sendto(s, msg[n], len, 0,
			     (struct sockaddr *)&svsaddr, sizeof(svsaddr));
		if (ret < 0 && errno == ECONNRESET && tries++ < 100) {
			/* The server is not bound yet. */
			nanosleep(&ts, NULL);
			continue;
		}
		if (ret < 0)
			fail("sendto");
		printf("%s: sent %d bytes, \"%.*s\"\n",
		       __func__, ret, ret, msg[n]);
		n = (n + 1) % ARRAY_SIZE(msg);
		demo_pause();
	}

	return NULL;
}

int main(void)
{
	demo_init();
	demo_thread(server, 71);
	demo_thread(client, 70);

	return demo_wait();
}
