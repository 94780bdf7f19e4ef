/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librtdm: user-space access to RTDM devices.
 *
 * Named devices are character devices below /dev/rtdm/; protocol devices
 * are file descriptors obtained from the control device. Every call here
 * follows the POSIX convention of the call it mirrors: it returns -1 and
 * sets errno on failure.
 *
 * Socket calls travel as RTDM socket ioctls on the file descriptor (see
 * <rtdm/uapi/rtdm.h>); read/write/close/poll/mmap are the plain system
 * calls. The functions are thread-safe and keep no hidden state.
 *
 * Link with -lrtdm. Applications written for Xenomai 3's POSIX skin
 * (socket(AF_RTIPC, ...) and friends) link with librtdm_posix as well and
 * the -Wl,--wrap flags printed by `rtdm-config --ldflags`.
 */
#ifndef _RTDM_RTDM_H
#define _RTDM_RTDM_H

/*
 * What a Xenomai 3 program gets from <rtdm/rtdm.h> besides the RTDM
 * declarations: fixed-size integers, ioctl(), the socket calls, open(),
 * errno, read()/write()/close(), and the __STD()/__RT() call markers.
 */
#include <linux/types.h>
#include <sched.h>
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <unistd.h>
#include <boilerplate/wrappers.h>
#include <rtdm/uapi/rtdm.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Xenomai 3's weak scheduling class (from Cobalt's <sched.h> there): a
 * thread that is not real-time in Linux (SCHED_OTHER) whose RTDM calls are
 * served by the _rt handlers first. librtdm_posix's pthread_setschedparam()
 * and sched_setscheduler() accept it for the calling thread, priority
 * 0..99 (see README, "Xenomai 3 programs").
 */
#ifndef SCHED_WEAK
#define SCHED_WEAK		43
#endif

/* Directory holding the named devices' nodes. */
#define RTDM_DEV_DIR		"/dev/rtdm/"

/* Device type flags as reported in rtdm_device_info.device_flags. */
#ifndef RTDM_NAMED_DEVICE
#define RTDM_NAMED_DEVICE	0x0010
#endif
#ifndef RTDM_PROTOCOL_DEVICE
#define RTDM_PROTOCOL_DEVICE	0x0020
#endif

/*
 * Opens a named device. @path is either absolute ("/dev/rtdm/rtser0") or
 * a device name relative to /dev/rtdm ("rtser0", "spi0/slave0.0"). A mode
 * argument is expected with O_CREAT/O_TMPFILE, as for open(2).
 */
int rtdm_open(const char *path, int oflag, ...);

/*
 * Creates a socket on the protocol device registered for (@family, @type).
 * @type may carry SOCK_NONBLOCK and SOCK_CLOEXEC. Fails with EAFNOSUPPORT
 * when no such device is registered or RTDM is not loaded.
 */
int rtdm_socket(int family, int type, int protocol);

int rtdm_close(int fd);
ssize_t rtdm_read(int fd, void *buf, size_t nbyte);
ssize_t rtdm_write(int fd, const void *buf, size_t nbyte);

/* Passes one optional argument (pointer or integer) to the driver. */
int rtdm_ioctl(int fd, unsigned long request, ...);

int rtdm_bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
int rtdm_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
int rtdm_listen(int fd, int backlog);
int rtdm_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int rtdm_shutdown(int fd, int how);

ssize_t rtdm_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t rtdm_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t rtdm_sendto(int fd, const void *buf, size_t len, int flags,
		    const struct sockaddr *to, socklen_t tolen);
ssize_t rtdm_recvfrom(int fd, void *buf, size_t len, int flags,
		      struct sockaddr *from, socklen_t *fromlen);
ssize_t rtdm_send(int fd, const void *buf, size_t len, int flags);
ssize_t rtdm_recv(int fd, void *buf, size_t len, int flags);

int rtdm_getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen);
int rtdm_setsockopt(int fd, int level, int optname, const void *optval,
		    socklen_t optlen);
int rtdm_getsockname(int fd, struct sockaddr *name, socklen_t *namelen);
int rtdm_getpeername(int fd, struct sockaddr *name, socklen_t *namelen);

/*
 * librtdm_posix: whether @fd is tracked as an RTDM socket by the POSIX
 * wrappers (only meaningful when linking with librtdm_posix).
 */
int rtdm_posix_is_socket(int fd);

#ifdef __cplusplus
}
#endif

#endif /* _RTDM_RTDM_H */
