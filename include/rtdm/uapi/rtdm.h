/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * RTDM user ABI: types, device classes and the ioctls every RTDM file
 * descriptor understands. Numbers and layouts are those of Xenomai 3's RTDM
 * profiles, so applications port by recompiling.
 */
#ifndef _RTDM_UAPI_RTDM_H
#define _RTDM_UAPI_RTDM_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * User pointers inside argument blocks are marked __user for sparse in the
 * kernel; the mark means nothing to user space.
 */
#ifdef __KERNEL__
#include <linux/compiler.h>
#elif !defined(__user)
#define __user
#endif

#define RTDM_API_VER			9
#define RTDM_API_MIN_COMPAT_VER		9

/* Absolute and relative times in nanoseconds. */
typedef __u64 nanosecs_abs_t;
typedef __s64 nanosecs_rel_t;

/* Timeouts: 0 waits forever, any negative value never blocks. */
#define RTDM_TIMEOUT_INFINITE		0
#define RTDM_TIMEOUT_NONE		(-1)

#define RTDM_MAX_DEVNAME_LEN		31

/* Device profile classes. */
#define RTDM_CLASS_PARPORT		1
#define RTDM_CLASS_SERIAL		2
#define RTDM_CLASS_CAN			3
#define RTDM_CLASS_NETWORK		4
#define RTDM_CLASS_RTMAC		5
#define RTDM_CLASS_TESTING		6
#define RTDM_CLASS_RTIPC		7
#define RTDM_CLASS_COBALT		8
#define RTDM_CLASS_UDD			9
#define RTDM_CLASS_MEMORY		10
#define RTDM_CLASS_GPIO			11
#define RTDM_CLASS_SPI			12
#define RTDM_CLASS_PWM			13
#define RTDM_CLASS_MISC			223
#define RTDM_CLASS_EXPERIMENTAL		224
#define RTDM_CLASS_MAX			255

#define RTDM_SUBCLASS_GENERIC		(-1)

#define RTIOC_TYPE_COMMON		0

struct rtdm_device_info {
	int device_flags;
	int device_class;
	int device_sub_class;
	int profile_version;
};

#define RTIOC_DEVICE_INFO	_IOR(RTIOC_TYPE_COMMON, 0x00, struct rtdm_device_info)

#define RTDM_PURGE_RX_BUFFER	0x0001
#define RTDM_PURGE_TX_BUFFER	0x0002
#define RTIOC_PURGE		_IOW(RTIOC_TYPE_COMMON, 0x10, int)

/*
 * Socket services travel as ioctls on the socket's file descriptor.
 * socklen_t is an unsigned 32-bit integer on every Linux ABI.
 */
struct sockaddr;

struct _rtdm_getsockopt_args {
	int level;
	int optname;
	void __user *optval;
	__u32 __user *optlen;
};

struct _rtdm_setsockopt_args {
	int level;
	int optname;
	const void __user *optval;
	__u32 optlen;
};

struct _rtdm_getsockaddr_args {
	struct sockaddr __user *addr;
	__u32 __user *addrlen;
};

struct _rtdm_setsockaddr_args {
	const struct sockaddr __user *addr;
	__u32 addrlen;
};

#define _RTIOC_GETSOCKOPT	_IOW(RTIOC_TYPE_COMMON, 0x20, struct _rtdm_getsockopt_args)
#define _RTIOC_SETSOCKOPT	_IOW(RTIOC_TYPE_COMMON, 0x21, struct _rtdm_setsockopt_args)
#define _RTIOC_BIND		_IOW(RTIOC_TYPE_COMMON, 0x22, struct _rtdm_setsockaddr_args)
#define _RTIOC_CONNECT		_IOW(RTIOC_TYPE_COMMON, 0x23, struct _rtdm_setsockaddr_args)
#define _RTIOC_LISTEN		_IOW(RTIOC_TYPE_COMMON, 0x24, int)
#define _RTIOC_ACCEPT		_IOW(RTIOC_TYPE_COMMON, 0x25, struct _rtdm_getsockaddr_args)
#define _RTIOC_GETSOCKNAME	_IOW(RTIOC_TYPE_COMMON, 0x26, struct _rtdm_getsockaddr_args)
#define _RTIOC_GETPEERNAME	_IOW(RTIOC_TYPE_COMMON, 0x27, struct _rtdm_getsockaddr_args)
#define _RTIOC_SHUTDOWN		_IOW(RTIOC_TYPE_COMMON, 0x28, int)

/*
 * Extension of this project (not in Xenomai 3, which had dedicated
 * syscalls): sendmsg/recvmsg as ioctls, so that they also travel through
 * EVL's out-of-band ioctl, which cannot return a positive count. The byte
 * count comes back in @bytes; the ioctl itself returns 0 or -1/errno.
 * @msg points to a struct msghdr.
 */
struct _rtdm_msg_args {
	void __user *msg;
	int flags;
	int reserved;
	__s64 bytes;
};

#define _RTIOC_SENDMSG		_IOWR(RTIOC_TYPE_COMMON, 0x30, struct _rtdm_msg_args)
#define _RTIOC_RECVMSG		_IOWR(RTIOC_TYPE_COMMON, 0x31, struct _rtdm_msg_args)

/*
 * Extension of this project: a call served as for a real-time caller,
 * whatever the caller's policy: the _rt handler first, the _nrt one when
 * it returns -ENOSYS (Xenomai 3's dispatch for a Cobalt thread). librtdm
 * issues it for SCHED_WEAK threads on the inband backend, where "real-time
 * caller" otherwise means a task with a real-time policy. @op is one of
 * _RTDM_RT_CALL_*; @request the ioctl request (_RTDM_RT_CALL_IOCTL);
 * @arg the buffer (read, write) or the ioctl argument, a user address;
 * @len the byte count of a read or write. The ioctl returns what the call
 * returns. The evl backend refuses it in-band (EOPNOTSUPP): a thread
 * asking for rt dispatch there is attached to EVL and calls out-of-band.
 */
struct _rtdm_rt_call {
	__u32 op;
	__u32 request;
	__u64 arg;
	__u64 len;
};

#define _RTDM_RT_CALL_READ	0
#define _RTDM_RT_CALL_WRITE	1
#define _RTDM_RT_CALL_IOCTL	2

#define _RTIOC_RT_CALL		_IOW(RTIOC_TYPE_COMMON, 0x38, struct _rtdm_rt_call)

/*
 * The control device /dev/rtdm/control creates protocol (socket) devices'
 * file descriptors: the ioctl returns a new fd bound to the protocol device
 * registered for (family, type); @protocol is passed to the driver.
 * @flags accepts O_NONBLOCK and O_CLOEXEC.
 */
struct rtdm_socket_req {
	int family;
	int type;
	int protocol;
	int flags;
};

#define RTDM_CTL_SOCKET		_IOW(RTIOC_TYPE_COMMON, 0x40, struct rtdm_socket_req)

#define RTDM_CONTROL_DEVICE	"/dev/rtdm/control"

#endif /* _RTDM_UAPI_RTDM_H */
