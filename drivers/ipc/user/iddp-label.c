// SPDX-License-Identifier: GPL-2.0
/*
 * iddp-label: the server binds an IDDP socket under the label "iddp-demo"
 * (port picked automatically); the client, bound to port 27, connects by
 * that label, waiting until the server is bound, and write()s datagrams
 * to it.
 *
 * Usage: iddp-label   (runs until SIGINT, SIGTERM or SIGHUP)
 */
#include "demo.h"

#define IDDP_CLPORT	27
#define IDDP_PORT_LABEL	"iddp-demo"

static void *server(void *arg __attribute__((unused)))
{
	struct rtipc_port_label plabel;
	struct sockaddr_ipc saddr, claddr;
	socklen_t addrlen;
	char buf[128];
	int ret, s;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_IDDP);
	if (s < 0)
		fail("socket");

	memset(&plabel, 0, sizeof(plabel));
	strcpy(plabel.label, IDDP_PORT_LABEL);
	ret = setsockopt(s, SOL_IDDP, IDDP_LABEL, &plabel, sizeof(plabel));
	if (ret)
		fail("setsockopt");

	memset(&saddr, 0, sizeof(saddr));
	saddr.sipc_family = AF_RTIPC;
	saddr.sipc_port = -1;
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
	struct sockaddr_ipc svsaddr, clsaddr;
	struct rtipc_port_label plabel;
	int ret, s, n = 0, len;

	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_IDDP);
	if (s < 0)
		fail("socket");

	memset(&clsaddr, 0, sizeof(clsaddr));
	clsaddr.sipc_family = AF_RTIPC;
	clsaddr.sipc_port = IDDP_CLPORT;
	ret = bind(s, (struct sockaddr *)&clsaddr, sizeof(clsaddr));
	if (ret)
		fail("bind");

	/* Set after bind(), the label only names the peer to connect to. */
	memset(&plabel, 0, sizeof(plabel));
	strcpy(plabel.label, IDDP_PORT_LABEL);
	ret = setsockopt(s, SOL_IDDP, IDDP_LABEL, &plabel, sizeof(plabel));
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
