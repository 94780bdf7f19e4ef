// SPDX-License-Identifier: GPL-2.0
/*
 * bufp-readwrite: the server binds a BUFP socket with a 16 KiB buffer to
 * port 12 and read()s it 128 bytes at a time; the client connects to port
 * 12 and write()s messages into the byte stream. A read returns once 128
 * bytes are buffered, so the printed chunks span several messages.
 *
 * Usage: bufp-readwrite   (runs until SIGINT, SIGTERM or SIGHUP)
 */
#include "demo.h"

#define BUFP_SVPORT	12

static void *server(void *arg __attribute__((unused)))
{
	struct sockaddr_ipc saddr;
	char buf[128];
	size_t bufsz;
	int ret, s;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_BUFP);
	if (s < 0)
		fail("socket");

	bufsz = 16384;
	ret = setsockopt(s, SOL_BUFP, BUFP_BUFSZ, &bufsz, sizeof(bufsz));
	if (ret)
		fail("setsockopt");

	memset(&saddr, 0, sizeof(saddr));
	saddr.sipc_family = AF_RTIPC;
	saddr.sipc_port = BUFP_SVPORT;
	ret = bind(s, (struct sockaddr *)&saddr, sizeof(saddr));
	if (ret)
		fail("bind");

	for (;;) {
		ret = read(s, buf, sizeof(buf));
		if (ret < 0)
			fail("read");
		printf("%s: received %d bytes, \"%.*s\"\n",
		       __func__, ret, ret, buf);
	}

	return NULL;
}

static void *client(void *arg __attribute__((unused)))
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 };
	int ret, s, n = 0, len, tries = 0;
	struct sockaddr_ipc svsaddr;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_BUFP);
	if (s < 0)
		fail("socket");

	memset(&svsaddr, 0, sizeof(svsaddr));
	svsaddr.sipc_family = AF_RTIPC;
	svsaddr.sipc_port = BUFP_SVPORT;
	ret = connect(s, (struct sockaddr *)&svsaddr, sizeof(svsaddr));
	if (ret)
		fail("connect");

	for (;;) {
		len = strlen(msg[n]);
		ret = write(s, msg[n], len);
		if (ret < 0 && errno == ECONNRESET && tries++ < 100) {
			/* The server is not bound yet. */
			nanosleep(&ts, NULL);
			continue;
		}
		if (ret < 0)
			fail("write");
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
