// SPDX-License-Identifier: GPL-2.0
/*
 * rtdm-hello: an application built against an installed RTDM (make
 * install DESTDIR=...) with nothing but pkg-config's flags
 * (tests/test_install.py):
 *
 *   cc rtdm-hello.c $(pkg-config --cflags --libs rtdm)                 librtdm calls
 *   cc -DHELLO_POSIX rtdm-hello.c $(pkg-config --cflags --libs rtdm-posix)
 *                                          Xenomai 3 POSIX calls, wrapped
 *
 * It asks rtdmtest0 for its device info, then sends "hello" from /dev/rtp7
 * to an XDDP socket bound to port 7 and reads it there. Prints one JSON
 * object; exit status 0 when both worked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <rtdm/rtdm.h>
#include <rtdm/uapi/ipc.h>

#ifdef HELLO_POSIX
#define API "posix"
#define SOCKET socket
#define SETSOCKOPT setsockopt
#define BIND bind
#define RECV recv
#define CLOSE close
#else
#define API "rtdm"
#define SOCKET rtdm_socket
#define SETSOCKOPT rtdm_setsockopt
#define BIND rtdm_bind
#define RECV rtdm_recv
#define CLOSE rtdm_close
#endif

int main(void)
{
	struct rtdm_device_info info = { 0 };
	struct sockaddr_ipc sa = { 0 };
	size_t poolsz = 4096;
	int fd, s, p, info_ret, n = -1, err = 0;
	char buf[32] = "";

	fd = rtdm_open("rtdmtest0", O_RDWR);
	info_ret = fd < 0 ? -errno : rtdm_ioctl(fd, RTIOC_DEVICE_INFO, &info);
	if (fd >= 0)
		rtdm_close(fd);

	s = SOCKET(AF_RTIPC, SOCK_DGRAM, IPCPROTO_XDDP);
	if (s < 0 || SETSOCKOPT(s, SOL_XDDP, XDDP_POOLSZ, &poolsz, sizeof(poolsz)))
		err = errno;
	sa.sipc_family = AF_RTIPC;
	sa.sipc_port = 7;
	if (!err && BIND(s, (struct sockaddr *)&sa, sizeof(sa)))
		err = errno;
	if (!err) {
		p = open("/dev/rtp7", O_RDWR);
		if (p < 0 || write(p, "hello", 5) != 5)
			err = errno;
		else
			n = RECV(s, buf, sizeof(buf) - 1, 0);
		if (n < 0 && !err)
			err = errno;
		if (p >= 0)
			close(p);
	}
	if (s >= 0)
		CLOSE(s);
	buf[n > 0 ? n : 0] = '\0';

	printf("{\"api\": \"%s\", \"open\": %d, \"info\": %d, \"class\": %d, "
	       "\"received\": \"%s\", \"errno\": %d}\n", API, fd >= 0 ? 0 : -1,
	       info_ret, info.device_class, buf, err);
	return fd >= 0 && !info_ret && !strcmp(buf, "hello") ? 0 : 1;
}
