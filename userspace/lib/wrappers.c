// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * librtdm_posix: POSIX socket calls routed to RTDM protocol devices, for
 * applications written against Xenomai 3's POSIX skin, e.g.
 * socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_XDDP) then bind()/sendto().
 *
 * Link with the flags `rtdm-config --ldflags` prints: -Wl,--wrap=<call> for
 * every call below and -lrtdm_posix (which contains librtdm too). The
 * linker then sends the application's calls to __wrap_<call>(), which
 * serves RTDM sockets and hands everything else to the C library through
 * __real_<call>(). All wrapper flags must be given together.
 *
 * socket() asks RTDM first and falls back to the C library when RTDM has
 * no protocol device for the family (or is not loaded). The descriptors
 * RTDM hands out are recorded in a lock-free table (fdtable.c); close()
 * clears the entry before closing. read(), write(), ioctl() and close()
 * need no routing: the kernel serves them on RTDM descriptors directly.
 *
 * A descriptor the table does not know (dup()'ed, or created with
 * rtdm_socket() directly) is recognised when the C library says ENOTSOCK:
 * the RTDM core answers RTIOC_DEVICE_INFO on it with the protocol flag.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <rtdm/rtdm.h>
#include "posix.h"
#include "sys.h"

/* The C library's entry points, as the linker's --wrap names them. */
int __real_socket(int family, int type, int protocol);
int __real_bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
int __real_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
int __real_listen(int fd, int backlog);
int __real_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int __real_shutdown(int fd, int how);
ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __real_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);
ssize_t __real_recvfrom(int fd, void *buf, size_t len, int flags,
			struct sockaddr *from, socklen_t *fromlen);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __real_recv(int fd, void *buf, size_t len, int flags);
int __real_getsockopt(int fd, int level, int optname, void *optval,
		      socklen_t *optlen);
int __real_setsockopt(int fd, int level, int optname, const void *optval,
		      socklen_t optlen);
int __real_getsockname(int fd, struct sockaddr *name, socklen_t *namelen);
int __real_getpeername(int fd, struct sockaddr *name, socklen_t *namelen);
int __real_close(int fd);
ssize_t __real_read(int fd, void *buf, size_t nbyte);
ssize_t __real_write(int fd, const void *buf, size_t nbyte);
int __real_ioctl(int fd, unsigned long request, ...);
int __real_open(const char *path, int oflag, ...);
int __real_open64(const char *path, int oflag, ...);

/* Our own definitions, declared to keep -Wmissing-prototypes quiet. */
int __wrap_socket(int family, int type, int protocol);
int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
int __wrap_listen(int fd, int backlog);
int __wrap_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int __wrap_shutdown(int fd, int how);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);
ssize_t __wrap_recvfrom(int fd, void *buf, size_t len, int flags,
			struct sockaddr *from, socklen_t *fromlen);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);
int __wrap_getsockopt(int fd, int level, int optname, void *optval,
		      socklen_t *optlen);
int __wrap_setsockopt(int fd, int level, int optname, const void *optval,
		      socklen_t optlen);
int __wrap_getsockname(int fd, struct sockaddr *name, socklen_t *namelen);
int __wrap_getpeername(int fd, struct sockaddr *name, socklen_t *namelen);
int __wrap_close(int fd);
ssize_t __wrap_read(int fd, void *buf, size_t nbyte);
ssize_t __wrap_write(int fd, const void *buf, size_t nbyte);
int __wrap_ioctl(int fd, unsigned long request, ...);
int __wrap_open(const char *path, int oflag, ...);
int __wrap_open64(const char *path, int oflag, ...);

int rtdm_posix_is_socket(int fd)
{
	return rtdm_fdtab_test(fd);
}

/*
 * The C library said ENOTSOCK on @fd: adopt it if it is an RTDM socket the
 * table has not seen. errno is preserved when it is not.
 */
static int adopt(int fd)
{
	struct rtdm_device_info info;
	int err = errno;

	if (__real_ioctl(fd, RTIOC_DEVICE_INFO, &info) == 0 &&
	    (info.device_flags & RTDM_PROTOCOL_DEVICE) &&
	    rtdm_fdtab_set(fd) == 0) {
		errno = err;
		return 1;
	}

	errno = err;
	return 0;
}

/*
 * Body of every socket-call wrapper: RTDM sockets to librtdm, the rest to
 * the C library, which gets the first try on unknown descriptors.
 */
#define RTDM_DISPATCH(type, fd, rtdm_call, real_call)			\
	do {								\
		type __ret;						\
									\
		if (rtdm_fdtab_test(fd))				\
			return rtdm_call;				\
		__ret = real_call;					\
		if (__ret < 0 && errno == ENOTSOCK && adopt(fd))	\
			return rtdm_call;				\
		return __ret;						\
	} while (0)

int __wrap_socket(int family, int type, int protocol)
{
	int fd, rtdm_err;

	fd = rtdm_socket(family, type, protocol);
	if (fd >= 0) {
		if (rtdm_fdtab_set(fd)) {
			rtdm_err = errno;
			__real_close(fd);
			errno = rtdm_err;
			return -1;
		}
		return fd;
	}

	/*
	 * Whatever RTDM said (no such family, not loaded, no permission on
	 * the control device), the C library may know the family. If it
	 * does not either, RTDM's reason is the more useful one.
	 */
	rtdm_err = errno;
	fd = __real_socket(family, type, protocol);
	if (fd >= 0) {
		rtdm_fdtab_clear(fd);	/* stale entry of an unseen close */
		return fd;
	}

	if (errno == EAFNOSUPPORT && rtdm_err != EAFNOSUPPORT)
		errno = rtdm_err;

	return -1;
}

int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	RTDM_DISPATCH(int, fd, rtdm_bind(fd, addr, addrlen),
		      __real_bind(fd, addr, addrlen));
}

int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	RTDM_DISPATCH(int, fd, rtdm_connect(fd, addr, addrlen),
		      __real_connect(fd, addr, addrlen));
}

int __wrap_listen(int fd, int backlog)
{
	RTDM_DISPATCH(int, fd, rtdm_listen(fd, backlog),
		      __real_listen(fd, backlog));
}

static int rtdm_accept_track(int fd, struct sockaddr *addr,
			     socklen_t *addrlen)
{
	int newfd, err;

	newfd = rtdm_accept(fd, addr, addrlen);
	if (newfd >= 0 && rtdm_fdtab_set(newfd)) {
		err = errno;
		__real_close(newfd);
		errno = err;
		return -1;
	}

	return newfd;
}

int __wrap_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	int newfd;

	if (rtdm_fdtab_test(fd))
		return rtdm_accept_track(fd, addr, addrlen);

	newfd = __real_accept(fd, addr, addrlen);
	if (newfd >= 0) {
		rtdm_fdtab_clear(newfd);
		return newfd;
	}

	if (errno == ENOTSOCK && adopt(fd))
		return rtdm_accept_track(fd, addr, addrlen);

	return -1;
}

int __wrap_shutdown(int fd, int how)
{
	RTDM_DISPATCH(int, fd, rtdm_shutdown(fd, how),
		      __real_shutdown(fd, how));
}

ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	RTDM_DISPATCH(ssize_t, fd, rtdm_sendmsg(fd, msg, flags),
		      __real_sendmsg(fd, msg, flags));
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	RTDM_DISPATCH(ssize_t, fd, rtdm_recvmsg(fd, msg, flags),
		      __real_recvmsg(fd, msg, flags));
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	RTDM_DISPATCH(ssize_t, fd,
		      rtdm_sendto(fd, buf, len, flags, to, tolen),
		      __real_sendto(fd, buf, len, flags, to, tolen));
}

ssize_t __wrap_recvfrom(int fd, void *buf, size_t len, int flags,
			struct sockaddr *from, socklen_t *fromlen)
{
	RTDM_DISPATCH(ssize_t, fd,
		      rtdm_recvfrom(fd, buf, len, flags, from, fromlen),
		      __real_recvfrom(fd, buf, len, flags, from, fromlen));
}

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
	RTDM_DISPATCH(ssize_t, fd, rtdm_send(fd, buf, len, flags),
		      __real_send(fd, buf, len, flags));
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
	RTDM_DISPATCH(ssize_t, fd, rtdm_recv(fd, buf, len, flags),
		      __real_recv(fd, buf, len, flags));
}

int __wrap_getsockopt(int fd, int level, int optname, void *optval,
		      socklen_t *optlen)
{
	RTDM_DISPATCH(int, fd,
		      rtdm_getsockopt(fd, level, optname, optval, optlen),
		      __real_getsockopt(fd, level, optname, optval, optlen));
}

int __wrap_setsockopt(int fd, int level, int optname, const void *optval,
		      socklen_t optlen)
{
	RTDM_DISPATCH(int, fd,
		      rtdm_setsockopt(fd, level, optname, optval, optlen),
		      __real_setsockopt(fd, level, optname, optval, optlen));
}

int __wrap_getsockname(int fd, struct sockaddr *name, socklen_t *namelen)
{
	RTDM_DISPATCH(int, fd, rtdm_getsockname(fd, name, namelen),
		      __real_getsockname(fd, name, namelen));
}

int __wrap_getpeername(int fd, struct sockaddr *name, socklen_t *namelen)
{
	RTDM_DISPATCH(int, fd, rtdm_getpeername(fd, name, namelen),
		      __real_getpeername(fd, name, namelen));
}

int __wrap_close(int fd)
{
	/*
	 * Forget the fd first: once closed, its number may be reused by
	 * another thread's socket(), which must not lose its fresh entry.
	 */
	rtdm_fdtab_clear(fd);
	rtdm_fdfile_clear(fd);
	return __real_close(fd);
}

/*
 * read/write/ioctl: on an RTDM file (opened by librtdm or by open() of a
 * /dev/rtdm node), librtdm's calls (sys.c: out-of-band for a thread
 * attached to EVL, in-band otherwise, attaching the thread when only an
 * _rt handler serves the call); the C library on other descriptors. Descriptors duplicated with dup() and friends are not known:
 * their calls go in-band. On RTDM files all three are cancellation points
 * (read() and write() are anyway, ioctl() is made one: sys.c).
 */
ssize_t __wrap_read(int fd, void *buf, size_t nbyte)
{
	if (rtdm_fdfile_test(fd))
		return rtdm_sys_read(fd, buf, nbyte);
	return __real_read(fd, buf, nbyte);
}

ssize_t __wrap_write(int fd, const void *buf, size_t nbyte)
{
	if (rtdm_fdfile_test(fd))
		return rtdm_sys_write(fd, buf, nbyte);
	return __real_write(fd, buf, nbyte);
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	/*
	 * RTDM files: out-of-band or in-band as the thread is, attached on
	 * demand for services only an _rt handler has, and a cancellation
	 * point as on Xenomai (sys.c).
	 */
	if (rtdm_fdfile_test(fd))
		return rtdm_sys_ioctl(fd, request, arg);
	return __real_ioctl(fd, request, arg);
}

static mode_t open_mode(int oflag, va_list ap)
{
	return (oflag & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

/* A descriptor open() returned: an RTDM named device or not. */
static int opened(int fd, const char *path)
{
	if (fd < 0)
		return fd;

	rtdm_fdtab_clear(fd);
	if (!strncmp(path, RTDM_DEV_DIR, strlen(RTDM_DEV_DIR)) &&
	    strcmp(path, RTDM_CONTROL_DEVICE))
		return rtdm_mark_file(fd);
	rtdm_fdfile_clear(fd);

	return fd;
}

/* Any path, RTDM's or not: open() is what opens RTDM named devices. */
int __wrap_open(const char *path, int oflag, ...)
{
	va_list ap;
	mode_t mode;
	int fd;

	va_start(ap, oflag);
	mode = open_mode(oflag, ap);
	va_end(ap);

	fd = __real_open(path, oflag, mode);
	return opened(fd, path);
}

int __wrap_open64(const char *path, int oflag, ...)
{
	va_list ap;
	mode_t mode;
	int fd;

	va_start(ap, oflag);
	mode = open_mode(oflag, ap);
	va_end(ap);

	fd = __real_open64(path, oflag, mode);
	return opened(fd, path);
}
