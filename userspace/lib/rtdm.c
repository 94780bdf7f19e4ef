// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * librtdm: RTDM device and socket calls.
 *
 * Named devices are opened through their /dev/rtdm node. Sockets come from
 * the control device's RTDM_CTL_SOCKET ioctl. Socket services are the RTDM
 * socket ioctls; sendmsg/recvmsg return their byte count in the argument
 * block because the ioctl itself returns 0 or -1 (an out-of-band ioctl
 * cannot return a positive value).
 *
 * Every system call on an RTDM fd goes through rtdm_sys_ioctl(),
 * rtdm_sys_read() and rtdm_sys_write() (sys.c): out-of-band calls for
 * threads attached to EVL, the regular ones otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <rtdm/rtdm.h>
#include "posix.h"
#include "sys.h"

#define RTDM_PATH_MAX	4096

/* Remember @fd as an RTDM file (out-of-band calls on EVL); returns @fd. */
int rtdm_mark_file(int fd)
{
	if (fd >= 0 && rtdm_fdfile_set(fd)) {
		close(fd);
		return -1;
	}

	return fd;
}

int rtdm_open(const char *path, int oflag, ...)
{
	char buf[RTDM_PATH_MAX];
	mode_t mode = 0;
	va_list ap;
	int len;

	if (!path) {
		errno = EFAULT;
		return -1;
	}

	if (oflag & (O_CREAT | O_TMPFILE)) {
		va_start(ap, oflag);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}

	if (path[0] != '/') {
		if (!path[0]) {
			errno = ENOENT;
			return -1;
		}
		len = snprintf(buf, sizeof(buf), RTDM_DEV_DIR "%s", path);
		if (len < 0 || (size_t)len >= sizeof(buf)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		path = buf;
	}

	return rtdm_mark_file(open(path, oflag, mode));
}

static int open_control(void)
{
	int fd;

	fd = open(RTDM_CONTROL_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		fd = open(RTDM_CONTROL_DEVICE, O_RDONLY | O_CLOEXEC);

	return fd;
}

int rtdm_socket(int family, int type, int protocol)
{
	struct rtdm_socket_req req;
	int ctl, fd, err;

	memset(&req, 0, sizeof(req));
	req.family = family;
	req.type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	req.protocol = protocol;
	if (type & SOCK_NONBLOCK)
		req.flags |= O_NONBLOCK;
	if (type & SOCK_CLOEXEC)
		req.flags |= O_CLOEXEC;

	/*
	 * A fresh control fd per call: socket creation is an in-band,
	 * rare operation, and no cached fd can be closed under our feet.
	 */
	ctl = open_control();
	if (ctl < 0) {
		/* RTDM not loaded: no protocol device for anybody. */
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			errno = EAFNOSUPPORT;
		return -1;
	}

	/* in-band: the control device has no out-of-band ioctl */
	fd = ioctl(ctl, RTDM_CTL_SOCKET, &req);
	err = errno;
	close(ctl);
	errno = err;

	return rtdm_mark_file(fd);
}

int rtdm_close(int fd)
{
	/* forget it first: its number may be reused at once */
	rtdm_fdfile_clear(fd);
	return close(fd);
}

ssize_t rtdm_read(int fd, void *buf, size_t nbyte)
{
	return rtdm_sys_read(fd, buf, nbyte);
}

ssize_t rtdm_write(int fd, const void *buf, size_t nbyte)
{
	return rtdm_sys_write(fd, buf, nbyte);
}

int rtdm_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	return rtdm_sys_ioctl(fd, request, arg);
}

static int setsockaddr(int fd, unsigned long request,
		       const struct sockaddr *addr, socklen_t addrlen)
{
	struct _rtdm_setsockaddr_args args = {
		.addr = addr,
		.addrlen = addrlen,
	};

	return rtdm_sys_ioctl(fd, request, &args);
}

static int getsockaddr(int fd, unsigned long request,
		       struct sockaddr *addr, socklen_t *addrlen)
{
	struct _rtdm_getsockaddr_args args = {
		.addr = addr,
		.addrlen = (__u32 *)addrlen,
	};

	return rtdm_sys_ioctl(fd, request, &args);
}

int rtdm_bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	return setsockaddr(fd, _RTIOC_BIND, addr, addrlen);
}

int rtdm_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	return setsockaddr(fd, _RTIOC_CONNECT, addr, addrlen);
}

int rtdm_listen(int fd, int backlog)
{
	return rtdm_sys_ioctl(fd, _RTIOC_LISTEN, (void *)(long)backlog);
}

int rtdm_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return getsockaddr(fd, _RTIOC_ACCEPT, addr, addrlen);
}

int rtdm_shutdown(int fd, int how)
{
	return rtdm_sys_ioctl(fd, _RTIOC_SHUTDOWN, (void *)(long)how);
}

int rtdm_getsockname(int fd, struct sockaddr *name, socklen_t *namelen)
{
	return getsockaddr(fd, _RTIOC_GETSOCKNAME, name, namelen);
}

int rtdm_getpeername(int fd, struct sockaddr *name, socklen_t *namelen)
{
	return getsockaddr(fd, _RTIOC_GETPEERNAME, name, namelen);
}

int rtdm_getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen)
{
	struct _rtdm_getsockopt_args args = {
		.level = level,
		.optname = optname,
		.optval = optval,
		.optlen = (__u32 *)optlen,
	};

	return rtdm_sys_ioctl(fd, _RTIOC_GETSOCKOPT, &args);
}

int rtdm_setsockopt(int fd, int level, int optname, const void *optval,
		    socklen_t optlen)
{
	struct _rtdm_setsockopt_args args = {
		.level = level,
		.optname = optname,
		.optval = optval,
		.optlen = optlen,
	};

	return rtdm_sys_ioctl(fd, _RTIOC_SETSOCKOPT, &args);
}

static ssize_t do_msg(int fd, unsigned long request, struct msghdr *msg,
		      int flags)
{
	struct _rtdm_msg_args args;
	int ret;

	memset(&args, 0, sizeof(args));
	args.msg = msg;
	args.flags = flags;

	ret = rtdm_sys_ioctl(fd, request, &args);
	if (ret < 0)
		return -1;

	return (ssize_t)args.bytes;
}

ssize_t rtdm_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	/* The kernel only reads a message it sends. */
	return do_msg(fd, _RTIOC_SENDMSG, (struct msghdr *)msg, flags);
}

ssize_t rtdm_recvmsg(int fd, struct msghdr *msg, int flags)
{
	return do_msg(fd, _RTIOC_RECVMSG, msg, flags);
}

ssize_t rtdm_sendto(int fd, const void *buf, size_t len, int flags,
		    const struct sockaddr *to, socklen_t tolen)
{
	struct iovec iov = {
		.iov_base = (void *)buf,
		.iov_len = len,
	};
	struct msghdr msg = {
		.msg_name = (void *)to,
		.msg_namelen = to ? tolen : 0,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};

	return rtdm_sendmsg(fd, &msg, flags);
}

ssize_t rtdm_recvfrom(int fd, void *buf, size_t len, int flags,
		      struct sockaddr *from, socklen_t *fromlen)
{
	struct iovec iov = {
		.iov_base = buf,
		.iov_len = len,
	};
	struct msghdr msg = {
		.msg_name = from,
		.msg_namelen = (from && fromlen) ? *fromlen : 0,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t ret;

	ret = rtdm_recvmsg(fd, &msg, flags);
	if (ret >= 0 && from && fromlen)
		*fromlen = msg.msg_namelen;

	return ret;
}

ssize_t rtdm_send(int fd, const void *buf, size_t len, int flags)
{
	return rtdm_sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t rtdm_recv(int fd, void *buf, size_t len, int flags)
{
	return rtdm_recvfrom(fd, buf, len, flags, NULL, NULL);
}
