// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM test driver: a datagram loopback protocol device.
 *
 * Sockets of family RTTST_AF, type SOCK_DGRAM bind to a port
 * (0..RTTST_NR_PORTS-1); a datagram sent to a port is queued on the
 * socket bound there (RTTST_QUEUE_LEN datagrams of up to RTTST_MSG_MAX
 * bytes). Receiving blocks with the SO_RCVTIMEO timeout (RTDM semantics)
 * unless MSG_DONTWAIT is given.
 */
#include <linux/net.h>
#include "rttst.h"

struct rttst_dgram {
	u16 len;
	u16 src_port;
	u8 data[RTTST_MSG_MAX];
};

struct rttst_sock {
	rtdm_event_t rx_event;
	nanosecs_rel_t rx_timeout;	/* under rttst_ports_lock */
	int port;			/* -1: unbound */
	int peer;			/* -1: not connected */
	bool closed;
	unsigned int head;		/* queue, under rttst_ports_lock */
	unsigned int count;
	struct rttst_dgram queue[RTTST_QUEUE_LEN];
};

/* Port table and every socket's queue. */
static DEFINE_RTDM_LOCK(rttst_ports_lock);
static struct rttst_sock *rttst_ports[RTTST_NR_PORTS];

static int rttst_sock_socket(struct rtdm_fd *fd, int protocol)
{
	struct rttst_sock *sk = rtdm_fd_to_private(fd);

	if (protocol != 0)
		return -EPROTONOSUPPORT;

	rtdm_event_init(&sk->rx_event, 0);
	sk->port = -1;
	sk->peer = -1;

	return 0;
}

static void rttst_sock_close(struct rtdm_fd *fd)
{
	struct rttst_sock *sk = rtdm_fd_to_private(fd);
	rtdm_lockctx_t c;

	rtdm_lock_get_irqsave(&rttst_ports_lock, c);
	if (sk->port >= 0)
		rttst_ports[sk->port] = NULL;
	sk->closed = true;
	sk->count = 0;
	rtdm_lock_put_irqrestore(&rttst_ports_lock, c);

	/* Wakes the blocked receivers with -EIDRM. */
	rtdm_event_destroy(&sk->rx_event);
}

/* Copies in and checks a socket address; returns its port or -errno. */
static int rttst_get_addr(struct rtdm_fd *fd, const void __user *uaddr,
			  u32 addrlen)
{
	struct sockaddr_rttst sa;

	if (!uaddr || addrlen < sizeof(sa))
		return -EINVAL;
	if (rtdm_safe_copy_from_user(fd, &sa, uaddr, sizeof(sa)))
		return -EFAULT;
	if (sa.rttst_family != RTTST_AF || sa.rttst_port >= RTTST_NR_PORTS)
		return -EINVAL;

	return sa.rttst_port;
}

/* Copies out a socket address the getsockname() way. */
static int rttst_put_addr(struct rtdm_fd *fd, void __user *uaddr,
			  u32 __user *ulen, int port)
{
	struct sockaddr_rttst sa = {
		.rttst_family = RTTST_AF,
		.rttst_port = port < 0 ? RTTST_PORT_NONE : port,
	};
	u32 len;

	if (rtdm_safe_copy_from_user(fd, &len, ulen, sizeof(len)))
		return -EFAULT;
	if (len > sizeof(sa))
		len = sizeof(sa);
	if (len && rtdm_safe_copy_to_user(fd, uaddr, &sa, len))
		return -EFAULT;
	len = sizeof(sa);

	return rtdm_safe_copy_to_user(fd, ulen, &len, sizeof(len));
}

static int rttst_bind(struct rtdm_fd *fd, struct rttst_sock *sk,
		      const struct _rtdm_setsockaddr_args *a)
{
	rtdm_lockctx_t c;
	int port, ret = 0;

	port = rttst_get_addr(fd, a->addr, a->addrlen);
	if (port < 0)
		return port;

	rtdm_lock_get_irqsave(&rttst_ports_lock, c);
	if (sk->port >= 0) {
		ret = -EINVAL;
	} else if (rttst_ports[port]) {
		ret = -EADDRINUSE;
	} else {
		rttst_ports[port] = sk;
		sk->port = port;
	}
	rtdm_lock_put_irqrestore(&rttst_ports_lock, c);

	return ret;
}

static int rttst_sockopt(struct rtdm_fd *fd, struct rttst_sock *sk,
			 unsigned int request, void __user *arg)
{
	struct _rtdm_getsockopt_args g;
	struct _rtdm_setsockopt_args s;
	nanosecs_rel_t tmo;
	rtdm_lockctx_t c;
	u32 len;

	if (request == _RTIOC_SETSOCKOPT) {
		if (rtdm_safe_copy_from_user(fd, &s, arg, sizeof(s)))
			return -EFAULT;
		if (s.level != SOL_SOCKET ||
		    (s.optname != SO_RCVTIMEO_OLD &&
		     s.optname != SO_RCVTIMEO_NEW))
			return -ENOPROTOOPT;
		if (s.optlen != sizeof(tmo))
			return -EINVAL;
		if (rtdm_safe_copy_from_user(fd, &tmo, s.optval, sizeof(tmo)))
			return -EFAULT;
		rtdm_lock_get_irqsave(&rttst_ports_lock, c);
		sk->rx_timeout = tmo;
		rtdm_lock_put_irqrestore(&rttst_ports_lock, c);
		return 0;
	}

	if (rtdm_safe_copy_from_user(fd, &g, arg, sizeof(g)))
		return -EFAULT;
	if (g.level != SOL_SOCKET ||
	    (g.optname != SO_RCVTIMEO_OLD && g.optname != SO_RCVTIMEO_NEW))
		return -ENOPROTOOPT;
	if (rtdm_safe_copy_from_user(fd, &len, g.optlen, sizeof(len)))
		return -EFAULT;
	if (len < sizeof(tmo))
		return -EINVAL;
	rtdm_lock_get_irqsave(&rttst_ports_lock, c);
	tmo = sk->rx_timeout;
	rtdm_lock_put_irqrestore(&rttst_ports_lock, c);
	len = sizeof(tmo);
	if (rtdm_safe_copy_to_user(fd, g.optval, &tmo, sizeof(tmo)))
		return -EFAULT;

	return rtdm_safe_copy_to_user(fd, g.optlen, &len, sizeof(len));
}

static int rttst_sock_ioctl(struct rtdm_fd *fd, unsigned int request,
			    void __user *arg)
{
	struct rttst_sock *sk = rtdm_fd_to_private(fd);
	struct _rtdm_setsockaddr_args sa;
	struct _rtdm_getsockaddr_args ga;
	rtdm_lockctx_t c;
	int port;

	switch (request) {
	case _RTIOC_BIND:
	case _RTIOC_CONNECT:
		if (rtdm_safe_copy_from_user(fd, &sa, arg, sizeof(sa)))
			return -EFAULT;
		if (request == _RTIOC_BIND)
			return rttst_bind(fd, sk, &sa);
		port = rttst_get_addr(fd, sa.addr, sa.addrlen);
		if (port < 0)
			return port;
		rtdm_lock_get_irqsave(&rttst_ports_lock, c);
		sk->peer = port;
		rtdm_lock_put_irqrestore(&rttst_ports_lock, c);
		return 0;
	case _RTIOC_GETSOCKNAME:
	case _RTIOC_GETPEERNAME:
		if (rtdm_safe_copy_from_user(fd, &ga, arg, sizeof(ga)))
			return -EFAULT;
		rtdm_lock_get_irqsave(&rttst_ports_lock, c);
		port = request == _RTIOC_GETSOCKNAME ? sk->port : sk->peer;
		rtdm_lock_put_irqrestore(&rttst_ports_lock, c);
		if (request == _RTIOC_GETPEERNAME && port < 0)
			return -ENOTCONN;
		return rttst_put_addr(fd, ga.addr, ga.addrlen, port);
	case _RTIOC_SETSOCKOPT:
	case _RTIOC_GETSOCKOPT:
		return rttst_sockopt(fd, sk, request, arg);
	case _RTIOC_LISTEN:
	case _RTIOC_ACCEPT:
		return -EOPNOTSUPP;
	case _RTIOC_SHUTDOWN:
		return -ENOTCONN;
	}

	return -ENOTTY;
}

static ssize_t rttst_sock_sendmsg(struct rtdm_fd *fd,
				  const struct user_msghdr *msg, int flags)
{
	struct rttst_sock *sk = rtdm_fd_to_private(fd);
	struct iovec iov_fast[RTDM_IOV_FASTMAX], *iov;
	struct rttst_dgram dg;
	struct rttst_sock *dst;
	rtdm_lockctx_t c;
	ssize_t len;
	size_t off = 0;
	int n, port, ret;

	if (flags & ~MSG_DONTWAIT)
		return -EINVAL;
	if (msg->msg_controllen)
		return -EINVAL;

	if (msg->msg_name) {
		port = rttst_get_addr(fd, msg->msg_name, msg->msg_namelen);
		if (port < 0)
			return port;
	} else {
		rtdm_lock_get_irqsave(&rttst_ports_lock, c);
		port = sk->peer;
		rtdm_lock_put_irqrestore(&rttst_ports_lock, c);
		if (port < 0)
			return -EDESTADDRREQ;
	}

	ret = rtdm_get_iovec(fd, &iov, msg, iov_fast);
	if (ret)
		return ret;

	len = rtdm_get_iov_flatlen(iov, msg->msg_iovlen);
	if (len < 0 || len > RTTST_MSG_MAX) {
		ret = len < 0 ? len : -EMSGSIZE;
		goto out;
	}

	for (n = 0; n < msg->msg_iovlen && off < len; n++) {
		if (!iov[n].iov_len)
			continue;
		ret = rtdm_safe_copy_from_user(fd, dg.data + off,
					       iov[n].iov_base,
					       iov[n].iov_len);
		if (ret)
			goto out;
		off += iov[n].iov_len;
	}
	dg.len = len;

	rtdm_lock_get_irqsave(&rttst_ports_lock, c);
	dg.src_port = sk->port < 0 ? RTTST_PORT_NONE : sk->port;
	dst = rttst_ports[port];
	if (!dst) {
		ret = -ECONNREFUSED;
	} else if (dst->count >= RTTST_QUEUE_LEN) {
		ret = -EAGAIN;
	} else {
		dst->queue[(dst->head + dst->count) % RTTST_QUEUE_LEN] = dg;
		dst->count++;
		/* The socket cannot go away while bound: signal under lock. */
		rtdm_event_signal(&dst->rx_event);
		ret = len;
	}
	rtdm_lock_put_irqrestore(&rttst_ports_lock, c);
out:
	rtdm_drop_iovec(iov, iov_fast);

	return ret;
}

static ssize_t rttst_sock_recvmsg(struct rtdm_fd *fd, struct user_msghdr *msg,
				  int flags)
{
	struct rttst_sock *sk = rtdm_fd_to_private(fd);
	struct iovec iov_fast[RTDM_IOV_FASTMAX], *iov;
	struct sockaddr_rttst sa;
	struct rttst_dgram dg;
	nanosecs_rel_t timeout;
	rtdm_toseq_t toseq;
	rtdm_lockctx_t c;
	size_t off = 0, n_copy;
	bool got;
	int n, ret;

	if (flags & ~(MSG_DONTWAIT | MSG_TRUNC))
		return -EINVAL;
	if (msg->msg_name && msg->msg_namelen < sizeof(sa))
		return -EINVAL;

	ret = rtdm_get_iovec(fd, &iov, msg, iov_fast);
	if (ret)
		return ret;

	rtdm_lock_get_irqsave(&rttst_ports_lock, c);
	timeout = sk->rx_timeout;
	rtdm_lock_put_irqrestore(&rttst_ports_lock, c);
	if (timeout > 0)
		rtdm_toseq_init(&toseq, timeout);

	for (;;) {
		rtdm_lock_get_irqsave(&rttst_ports_lock, c);
		got = sk->count > 0;
		if (got) {
			dg = sk->queue[sk->head];
			sk->head = (sk->head + 1) % RTTST_QUEUE_LEN;
			sk->count--;
		}
		rtdm_lock_put_irqrestore(&rttst_ports_lock, c);
		if (got)
			break;

		ret = -EWOULDBLOCK;
		if (flags & MSG_DONTWAIT)
			goto out;

		ret = rtdm_event_timedwait(&sk->rx_event, timeout,
					   timeout > 0 ? &toseq : NULL);
		if (ret == -EIDRM)	/* closed under our feet */
			ret = -EBADF;
		if (ret)
			goto out;
	}

	for (n = 0; n < msg->msg_iovlen && off < dg.len; n++) {
		n_copy = min_t(size_t, iov[n].iov_len, dg.len - off);
		if (!n_copy)
			continue;
		ret = rtdm_safe_copy_to_user(fd, iov[n].iov_base,
					     dg.data + off, n_copy);
		if (ret)
			goto out;
		off += n_copy;
	}

	msg->msg_flags = off < dg.len ? MSG_TRUNC : 0;
	msg->msg_controllen = 0;

	if (msg->msg_name) {
		memset(&sa, 0, sizeof(sa));
		sa.rttst_family = RTTST_AF;
		sa.rttst_port = dg.src_port;
		ret = rtdm_safe_copy_to_user(fd, msg->msg_name, &sa,
					     sizeof(sa));
		if (ret)
			goto out;
		msg->msg_namelen = sizeof(sa);
	} else {
		msg->msg_namelen = 0;
	}

	ret = (flags & MSG_TRUNC) ? dg.len : off;
out:
	rtdm_drop_iovec(iov, iov_fast);

	return ret;
}

static struct rtdm_driver rttst_proto_driver = {
	.profile_info = RTDM_PROFILE_INFO(rtdmtest_proto, RTDM_CLASS_TESTING,
					  RTDM_SUBCLASS_RTDMTEST,
					  RTTST_PROFILE_VER),
	.device_flags = RTDM_PROTOCOL_DEVICE,
	.device_count = 1,
	.context_size = sizeof(struct rttst_sock),
	.protocol_family = RTTST_AF,
	.socket_type = SOCK_DGRAM,
	.ops = {
		.socket = rttst_sock_socket,
		.close = rttst_sock_close,
		.ioctl_rt = rttst_sock_ioctl,
		.ioctl_nrt = rttst_sock_ioctl,
		.sendmsg_rt = rttst_sock_sendmsg,
		.sendmsg_nrt = rttst_sock_sendmsg,
		.recvmsg_rt = rttst_sock_recvmsg,
		.recvmsg_nrt = rttst_sock_recvmsg,
	},
};

static struct rtdm_device rttst_proto_device = {
	.driver = &rttst_proto_driver,
	.label = RTTST_PROTO_LABEL,
};

int rttst_proto_register(void)
{
	return rtdm_dev_register(&rttst_proto_device);
}

void rttst_proto_unregister(void)
{
	rtdm_dev_unregister(&rttst_proto_device);
}
