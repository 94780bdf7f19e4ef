// SPDX-License-Identifier: GPL-2.0
/*
 * bufp-label: as bufp-readwrite, but the server binds under the label
 * "bufp-demo" (port picked automatically) and the client connects by
 * that label, waiting until the server is bound.
 *
 * Usage: bufp-label   (runs until SIGINT, SIGTERM or SIGHUP)
 */
#include "demo.h"

#define BUFP_PORT_LABEL	"bufp-demo"

static void *server(void *arg __attribute__((unused)))
{
	struct rtipc_port_label plabel;
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

	memset(&plabel, 0, sizeof(plabel));
	strcpy(plabel.label, BUFP_PORT_LABEL);
	ret = setsockopt(s, SOL_BUFP, BUFP_LABEL, &plabel, sizeof(plabel));
	if (ret)
		fail("setsockopt");

	memset(&saddr, 0, sizeof(saddr));
	saddr.sipc_family = AF_RTIPC;
	saddr.sipc_port = -1;
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
	struct rtipc_port_label plabel;
	struct sockaddr_ipc svsaddr;
	int ret, s, n = 0, len;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_BUFP);
	if (s < 0)
		fail("socket");

	memset(&plabel, 0, sizeof(plabel));
	strcpy(plabel.label, BUFP_PORT_LABEL);
	ret = setsockopt(s, SOL_BUFP, BUFP_LABEL, &plabel, sizeof(plabel));
	if (ret)
		fail("setsockopt");

	memset(&svsaddr, 0, sizeof(svsaddr));
	svsaddr.sipc_family = AF_RTIPC;
	svsaddr.sipc_port = -1;	/* by label, waiting for the server */
	ret = connect(s, (struct sockaddr *)&svsaddr, sizeof(svsaddr));
	if (ret)
		fail("connect");

	for (;;) {
		len = strlen(msg[n]);
		ret = write(s, msg[n], len);
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
