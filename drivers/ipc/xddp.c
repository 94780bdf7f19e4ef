// SPDX-License-Identifier: GPL-2.0
/*
 * XDDP: cross-domain datagram protocol.
 *
 * A real-time socket bound to port N exchanges datagrams with Linux
 * processes through the character device /dev/rtpN (class "rtpipe").
 * Both directions allocate from the socket's message pool (XDDP_POOLSZ,
 * default RTIPC_DEFAULT_POOLSZ, plus XDDP_BUFSZ): the real-time side never
 * blocks on the Linux side, a send failing with -ENOMEM when the pool is
 * exhausted.
 *
 * Linux side (/dev/rtpN):
 *  - open() is exclusive (-EBUSY) and waits until a socket is bound to the
 *    port (O_NONBLOCK: -EWOULDBLOCK);
 *  - read() returns the next datagram, or its head if the buffer is
 *    shorter (the rest comes with the next reads); it waits for one unless
 *    O_NONBLOCK (-EWOULDBLOCK);
 *  - write() queues one datagram for the socket, waiting for pool room
 *    unless O_NONBLOCK (-EWOULDBLOCK); -ENOMEM if it can never fit;
 *  - poll(): POLLIN when a datagram is pending, POLLOUT when the pool has
 *    room, POLLHUP once the socket is closed;
 *  - once the socket is closed, read() and write() fail with -EPIPE; the
 *    port stays busy until the Linux side closes too.
 *  - ioctls: XNPIPEIOC_GET_NRDEV, XNPIPEIOC_IFLUSH, XNPIPEIOC_OFLUSH,
 *    FIONREAD.
 *
 * Streaming: with XDDP_BUFSZ > 0, sends flagged MSG_MORE are gathered in a
 * buffer of that size which is queued to the Linux side at once and grows
 * while it is read; a full buffer is left to the reader and a new one
 * started. A send without MSG_MORE is a datagram of its own.
 */
#include <linux/ioctl.h>
#include <linux/poll.h>
#include <asm/ioctls.h>
#include "internal.h"

/*
 * The channel of a bound port: pool and queues shared by the socket and
 * the Linux endpoint, freed when both let go of it.
 */
struct xddp_chan {
	refcount_t refs;
	int port;
	rtdm_waitqueue_t wq;		/* guards the fields below */
	struct rtipc_pool pool;
	struct list_head outq;		/* to Linux */
	struct list_head inq;		/* to the socket */
	bool rt_gone;			/* socket closed; also under portwq */
	bool nrt_open;			/* under xddp_portwq */
	struct rtipc_msg *stream;	/* streaming buffer, on outq */
	int stream_src;
	size_t bufsz;
	struct mutex rdlock;		/* one Linux reader at a time */
};

/* Guards xddp_ports[] and nrt_open; open() waits there for a bind. */
static rtdm_waitqueue_t xddp_portwq;
static struct xddp_chan *xddp_ports[RTIPC_NRPORT];

static dev_t xddp_devt;
static struct cdev xddp_cdev;
static struct class *xddp_class;

static void xddp_put_chan(struct xddp_chan *chan)
{
	if (!refcount_dec_and_test(&chan->refs))
		return;

	mutex_destroy(&chan->rdlock);
	rtdm_waitqueue_destroy(&chan->wq);
	rtipc_pool_destroy(&chan->pool);
	kfree(chan);
}

/* Chan lock held: drop a message of the output queue. */
static void xddp_drop_out(struct xddp_chan *chan, struct rtipc_msg *msg)
{
	list_del(&msg->link);
	if (chan->stream == msg)
		chan->stream = NULL;
	rtipc_msg_free(&chan->pool, msg);
}

/* ------------------------------------------------------------------ */
/* Socket side                                                        */
/* ------------------------------------------------------------------ */

static bool xddp_port_busy(int port)
{
	rtdm_lockctx_t ctx;
	bool busy;

	rtdm_waitqueue_lock(&xddp_portwq, ctx);
	busy = xddp_ports[port];
	rtdm_waitqueue_unlock(&xddp_portwq, ctx);

	return busy;
}

static int xddp_setopt(struct rtipc_sock *sk, int name,
		       const void __user *val, u32 len)
{
	struct xddp_chan *chan;
	rtdm_lockctx_t ctx;
	size_t size;
	int ret;

	switch (name) {
	case XDDP_POOLSZ:
		ret = rtipc_get_size(&size, val, len);
		if (ret)
			return ret;
		if (!size || size > RTIPC_MAX_POOLSZ)
			return -EINVAL;
		rtdm_waitqueue_lock(&sk->wq, ctx);
		if (test_bit(RTIPC_BOUND, &sk->status))
			ret = -EALREADY;
		else
			sk->poolsz = size;
		rtdm_waitqueue_unlock(&sk->wq, ctx);
		return ret;
	case XDDP_BUFSZ:
		ret = rtipc_get_size(&size, val, len);
		if (ret)
			return ret;
		if (size > RTIPC_MAX_POOLSZ)
			return -EINVAL;
		ret = rtipc_enter(sk);
		if (ret)
			return ret;
		rtdm_waitqueue_lock(&sk->wq, ctx);
		chan = test_bit(RTIPC_BOUND, &sk->status) ? sk->chan : NULL;
		if (!chan && size > (sk->poolsz ?: RTIPC_DEFAULT_POOLSZ))
			ret = -EINVAL;
		else
			sk->bufsz = size;
		rtdm_waitqueue_unlock(&sk->wq, ctx);
		if (chan) {
			/* Applies to the next streaming buffer. */
			rtdm_waitqueue_lock(&chan->wq, ctx);
			if (size && !rtipc_pool_fits(&chan->pool, size))
				ret = -EINVAL;
			else
				chan->bufsz = size;
			rtdm_waitqueue_unlock(&chan->wq, ctx);
		}
		rtipc_leave(sk);
		return ret;
	case XDDP_LABEL:
		return rtipc_set_label(sk, val, len);
	case XDDP_MONITOR:
		return -EPERM;	/* kernel callers only */
	default:
		return -EINVAL;
	}
}

static int xddp_getopt(struct rtipc_sock *sk, int name, void __user *val,
		       u32 __user *len)
{
	if (name == XDDP_LABEL)
		return rtipc_get_label(sk, val, len);

	return -EINVAL;
}

static int xddp_bind(struct rtipc_sock *sk)
{
	int port = sk->name.sipc_port, ret;
	struct xddp_chan *chan;
	rtdm_lockctx_t ctx;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return -ENOMEM;

	ret = rtipc_pool_init(&chan->pool,
			      (sk->poolsz ?: RTIPC_DEFAULT_POOLSZ) + sk->bufsz);
	if (ret) {
		kfree(chan);
		return ret;
	}

	refcount_set(&chan->refs, 1);
	chan->port = port;
	chan->bufsz = sk->bufsz;
	chan->stream_src = -1;
	INIT_LIST_HEAD(&chan->outq);
	INIT_LIST_HEAD(&chan->inq);
	rtdm_waitqueue_init(&chan->wq);
	mutex_init(&chan->rdlock);

	rtdm_waitqueue_lock(&xddp_portwq, ctx);
	if (xddp_ports[port]) {
		ret = -EADDRINUSE;
	} else {
		xddp_ports[port] = chan;
		rtdm_waitqueue_broadcast(&xddp_portwq);
	}
	rtdm_waitqueue_unlock(&xddp_portwq, ctx);

	if (ret) {
		xddp_put_chan(chan);
		return ret;
	}
	sk->chan = chan;

	return 0;
}

static void xddp_shutdown(struct rtipc_sock *sk)
{
	struct xddp_chan *chan = sk->chan;
	rtdm_lockctx_t ctx, ctx2;

	rtdm_waitqueue_lock(&xddp_portwq, ctx);
	rtdm_waitqueue_lock(&chan->wq, ctx2);
	chan->rt_gone = true;
	rtdm_waitqueue_broadcast(&chan->wq);
	rtdm_waitqueue_unlock(&chan->wq, ctx2);
	/* The port stays busy while the Linux side holds it. */
	if (!chan->nrt_open && xddp_ports[chan->port] == chan)
		xddp_ports[chan->port] = NULL;
	rtdm_waitqueue_unlock(&xddp_portwq, ctx);
}

static void xddp_release(struct rtipc_sock *sk)
{
	xddp_put_chan(sk->chan);
	sk->chan = NULL;
}

static ssize_t xddp_send_dgram(struct xddp_chan *chan, int src,
			       struct iov_iter *from, size_t len, int flags)
{
	struct rtipc_msg *msg;
	rtdm_lockctx_t ctx;
	size_t copied;
	ssize_t ret = len;

	rtdm_waitqueue_lock(&chan->wq, ctx);
	if (chan->rt_gone)
		ret = -ECONNRESET;
	else if (!rtipc_pool_fits(&chan->pool, len))
		ret = -EMSGSIZE;
	msg = ret < 0 ? NULL : rtipc_msg_alloc(&chan->pool, len);
	rtdm_waitqueue_unlock(&chan->wq, ctx);
	if (ret < 0)
		return ret;
	if (!msg)
		return -ENOMEM;	/* never wait for the Linux side */

	copied = rtipc_msg_fill(msg, 0, from, len);

	rtdm_waitqueue_lock(&chan->wq, ctx);
	if (copied < len) {
		rtipc_msg_free(&chan->pool, msg);
		ret = -EFAULT;
	} else {
		msg->len = len;
		msg->src = src;
		if (flags & MSG_OOB)
			list_add(&msg->link, &chan->outq);
		else
			list_add_tail(&msg->link, &chan->outq);
		rtdm_waitqueue_broadcast(&chan->wq);
	}
	rtdm_waitqueue_unlock(&chan->wq, ctx);

	return ret;
}

/*
 * Append to the streaming buffer. Returns the bytes taken, possibly fewer
 * than @len when the rest must go as a datagram of its own (streaming
 * disabled, or the buffer being filled by another sender).
 */
static ssize_t xddp_stream(struct xddp_chan *chan, int src,
			   struct iov_iter *from, size_t len)
{
	struct rtipc_msg *msg;
	size_t done = 0, off, n, copied;
	rtdm_lockctx_t ctx;
	ssize_t ret = 0;

	rtdm_waitqueue_lock(&chan->wq, ctx);
	while (done < len) {
		if (chan->rt_gone) {
			ret = -ECONNRESET;
			break;
		}
		msg = chan->stream;
		if (!chan->bufsz ||
		    (msg && (msg->busy || chan->stream_src != src)))
			break;
		if (msg && msg->len == msg->cap) {
			/* Full: leave it to the reader, start another. */
			chan->stream = NULL;
			msg = NULL;
		}
		if (!msg) {
			msg = rtipc_msg_alloc(&chan->pool, chan->bufsz);
			if (!msg) {
				ret = -ENOMEM;
				break;
			}
			msg->src = src;
			list_add_tail(&msg->link, &chan->outq);
			chan->stream = msg;
			chan->stream_src = src;
		}
		n = min(len - done, msg->cap - msg->len);
		off = msg->len;
		msg->busy = true;
		rtdm_waitqueue_unlock(&chan->wq, ctx);

		copied = rtipc_msg_fill(msg, off, from, n);

		rtdm_waitqueue_lock(&chan->wq, ctx);
		msg->busy = false;
		msg->len += copied;
		done += copied;
		rtdm_waitqueue_broadcast(&chan->wq);
		if (copied < n) {
			ret = -EFAULT;
			break;
		}
	}
	rtdm_waitqueue_unlock(&chan->wq, ctx);

	return done ?: ret;
}

static ssize_t xddp_sendmsg(struct rtipc_sock *sk, struct rtipc_sock *rsk,
			    struct iov_iter *from, size_t len, int flags)
{
	struct xddp_chan *chan = rsk->chan;
	int src = sk->name.sipc_port;
	ssize_t ret, done = 0;

	if ((flags & (MSG_MORE | MSG_OOB)) == (MSG_MORE | MSG_OOB))
		return -EINVAL;
	if (len == 0)
		return 0;

	if (flags & MSG_MORE) {
		done = xddp_stream(chan, src, from, len);
		if (done < 0 || done == len)
			return done;
	}

	ret = xddp_send_dgram(chan, src, from, len - done, flags);
	if (ret < 0)
		return done ?: ret;

	return len;
}

static ssize_t xddp_recvmsg(struct rtipc_sock *sk, struct iov_iter *to,
			    size_t len, int flags, int *src)
{
	struct xddp_chan *chan = sk->chan;
	nanosecs_rel_t timeout;
	struct rtipc_msg *msg;
	rtdm_lockctx_t ctx;
	size_t copied;
	ssize_t ret;

	if (len == 0)
		return 0;

	timeout = rtipc_timeout(READ_ONCE(sk->rx_timeout), flags);
	rtdm_waitqueue_lock(&chan->wq, ctx);
	ret = rtdm_timedwait_condition_locked(&chan->wq,
					      chan->rt_gone ||
					      !list_empty(&chan->inq),
					      timeout, NULL);
	if (!ret && chan->rt_gone)
		ret = -EBADF;
	if (ret) {
		rtdm_waitqueue_unlock(&chan->wq, ctx);
		return ret == -EIDRM ? -EBADF : ret;
	}
	msg = list_first_entry(&chan->inq, struct rtipc_msg, link);
	list_del_init(&msg->link);
	rtdm_waitqueue_unlock(&chan->wq, ctx);

	if (msg->len > len) {
		ret = -ENOBUFS;		/* the datagram is dropped */
	} else {
		copied = rtipc_msg_drain(msg, 0, to, msg->len);
		ret = copied < msg->len ? -EFAULT : msg->len;
	}

	rtdm_waitqueue_lock(&chan->wq, ctx);
	rtipc_msg_free(&chan->pool, msg);
	rtdm_waitqueue_broadcast(&chan->wq);
	rtdm_waitqueue_unlock(&chan->wq, ctx);

	*src = sk->name.sipc_port;

	return ret;
}

static bool xddp_readable(struct rtipc_sock *sk)
{
	return !list_empty(&sk->chan->inq);
}

static bool xddp_writable(struct rtipc_sock *rsk)
{
	return true;	/* the peer is bound; sending never blocks */
}

const struct rtipc_proto xddp_proto = {
	.name = "xddp",
	.sol = SOL_XDDP,
	.sndtimeo = false,
	.send_flags = MSG_MORE | MSG_OOB | MSG_DONTWAIT,
	.bind = xddp_bind,
	.shutdown = xddp_shutdown,
	.release = xddp_release,
	.port_busy = xddp_port_busy,
	.setopt = xddp_setopt,
	.getopt = xddp_getopt,
	.sendmsg = xddp_sendmsg,
	.recvmsg = xddp_recvmsg,
	.readable = xddp_readable,
	.writable = xddp_writable,
	.select_own_wq = false,
};

/* ------------------------------------------------------------------ */
/* Linux side: /dev/rtpN                                              */
/* ------------------------------------------------------------------ */

static nanosecs_rel_t rtp_timeout(struct file *filp)
{
	return (filp->f_flags & O_NONBLOCK) ? RTDM_TIMEOUT_NONE :
		RTDM_TIMEOUT_INFINITE;
}

/* Port lock held: a socket is bound to @port (its channel in *@chan). */
static bool rtp_bound(int port, struct xddp_chan **chan)
{
	*chan = xddp_ports[port];

	return *chan && !(*chan)->rt_gone;
}

static int rtp_open(struct inode *inode, struct file *filp)
{
	int port = iminor(inode) - MINOR(xddp_devt), ret;
	struct xddp_chan *chan = NULL;
	rtdm_lockctx_t ctx;

	if (port < 0 || port >= RTIPC_NRPORT)
		return -ENXIO;

	rtdm_waitqueue_lock(&xddp_portwq, ctx);
	ret = rtdm_timedwait_condition_locked(&xddp_portwq,
					      rtp_bound(port, &chan),
					      rtp_timeout(filp), NULL);
	if (!ret) {
		if (chan->nrt_open) {
			ret = -EBUSY;
		} else {
			chan->nrt_open = true;
			refcount_inc(&chan->refs);
		}
	}
	rtdm_waitqueue_unlock(&xddp_portwq, ctx);
	if (ret)
		return ret == -EIDRM ? -ENXIO : ret;

	filp->private_data = chan;
	stream_open(inode, filp);

	return 0;
}

static int rtp_release(struct inode *inode, struct file *filp)
{
	struct xddp_chan *chan = filp->private_data;
	rtdm_lockctx_t ctx;

	rtdm_waitqueue_lock(&xddp_portwq, ctx);
	chan->nrt_open = false;
	if (chan->rt_gone && xddp_ports[chan->port] == chan)
		xddp_ports[chan->port] = NULL;
	rtdm_waitqueue_broadcast(&xddp_portwq);
	rtdm_waitqueue_unlock(&xddp_portwq, ctx);

	xddp_put_chan(chan);

	return 0;
}

/* Chan lock held: something to read at the head of the output queue. */
static bool rtp_readable(struct xddp_chan *chan)
{
	struct rtipc_msg *msg;

	msg = list_first_entry_or_null(&chan->outq, struct rtipc_msg, link);

	return msg && (msg->rdoff < msg->len || !msg->busy);
}

static ssize_t rtp_read(struct file *filp, char __user *buf, size_t count,
			loff_t *ppos)
{
	struct xddp_chan *chan = filp->private_data;
	size_t off, n, copied;
	struct rtipc_msg *msg;
	struct iov_iter to;
	struct iovec iov;
	rtdm_lockctx_t ctx;
	ssize_t ret;

	if (count == 0)
		return 0;

	ret = rtdm_import_ubuf(ITER_DEST, buf, count, &iov, &to);
	if (ret)
		return ret;

	ret = mutex_lock_interruptible(&chan->rdlock);
	if (ret)
		return ret;

	rtdm_waitqueue_lock(&chan->wq, ctx);
	for (;;) {
		ret = rtdm_timedwait_condition_locked(&chan->wq,
						      chan->rt_gone ||
						      rtp_readable(chan),
						      rtp_timeout(filp), NULL);
		if (ret)
			break;
		if (chan->rt_gone) {
			ret = -EPIPE;
			break;
		}
		msg = list_first_entry(&chan->outq, struct rtipc_msg, link);
		if (msg->rdoff == msg->len) {
			/* A drained streaming buffer. */
			xddp_drop_out(chan, msg);
			continue;
		}
		n = min(count, msg->len - msg->rdoff);
		off = msg->rdoff;
		rtdm_waitqueue_unlock(&chan->wq, ctx);

		copied = rtipc_msg_drain(msg, off, &to, n);

		rtdm_waitqueue_lock(&chan->wq, ctx);
		msg->rdoff += copied;
		if (msg->rdoff == msg->len && !msg->busy) {
			xddp_drop_out(chan, msg);
			rtdm_waitqueue_broadcast(&chan->wq);
		}
		ret = copied ?: -EFAULT;
		break;
	}
	rtdm_waitqueue_unlock(&chan->wq, ctx);
	mutex_unlock(&chan->rdlock);

	return ret;
}

static ssize_t rtp_write(struct file *filp, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	struct xddp_chan *chan = filp->private_data;
	struct rtipc_msg *msg = NULL;
	struct iov_iter from;
	struct iovec iov;
	rtdm_lockctx_t ctx;
	size_t copied;
	ssize_t ret;

	if (count == 0)
		return 0;

	ret = rtdm_import_ubuf(ITER_SOURCE, (void __user *)buf, count, &iov,
			       &from);
	if (ret)
		return ret;

	rtdm_waitqueue_lock(&chan->wq, ctx);
	if (!rtipc_pool_fits(&chan->pool, count)) {
		ret = -ENOMEM;
	} else {
		ret = rtdm_timedwait_condition_locked(&chan->wq,
						      chan->rt_gone ||
						      rtipc_pool_avail(&chan->pool,
								       count),
						      rtp_timeout(filp), NULL);
		if (!ret && chan->rt_gone)
			ret = -EPIPE;
		if (!ret)
			msg = rtipc_msg_alloc(&chan->pool, count);
	}
	rtdm_waitqueue_unlock(&chan->wq, ctx);
	if (ret)
		return ret;

	copied = rtipc_msg_fill(msg, 0, &from, count);

	rtdm_waitqueue_lock(&chan->wq, ctx);
	if (copied < count) {
		rtipc_msg_free(&chan->pool, msg);
		ret = -EFAULT;
	} else if (chan->rt_gone) {
		rtipc_msg_free(&chan->pool, msg);
		ret = -EPIPE;
	} else {
		msg->len = count;
		msg->src = -1;
		list_add_tail(&msg->link, &chan->inq);
		rtdm_waitqueue_broadcast(&chan->wq);
		ret = count;
	}
	rtdm_waitqueue_unlock(&chan->wq, ctx);

	/* Readability of the socket for its poll() waiters. */
	rtipc_pulse_writers();

	return ret;
}

static __poll_t rtp_poll(struct file *filp, poll_table *pt)
{
	struct xddp_chan *chan = filp->private_data;
	rtdm_lockctx_t ctx;
	__poll_t mask = 0;

	rtdm_waitqueue_poll_wait(&chan->wq, filp, pt);

	rtdm_waitqueue_lock(&chan->wq, ctx);
	if (chan->rt_gone) {
		mask |= EPOLLHUP | EPOLLERR;
	} else {
		if (rtp_readable(chan))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (chan->pool.nfree > 0)
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	rtdm_waitqueue_unlock(&chan->wq, ctx);

	return mask;
}

/* Chan lock held: free a queue's messages; bytes dropped. */
static long rtp_flush(struct xddp_chan *chan, struct list_head *q)
{
	struct rtipc_msg *msg, *tmp;
	long bytes = 0;

	list_for_each_entry_safe(msg, tmp, q, link) {
		if (msg->busy)
			continue;
		bytes += msg->len - msg->rdoff;
		if (q == &chan->outq) {
			xddp_drop_out(chan, msg);
		} else {
			list_del(&msg->link);
			rtipc_msg_free(&chan->pool, msg);
		}
	}
	rtdm_waitqueue_broadcast(&chan->wq);

	return bytes;
}

static long rtp_ioctl(struct file *filp, unsigned int request,
		      unsigned long arg)
{
	struct xddp_chan *chan = filp->private_data;
	struct rtipc_msg *msg;
	rtdm_lockctx_t ctx;
	long ret;
	int avail;

	switch (request) {
	case XNPIPEIOC_GET_NRDEV:
		return RTIPC_NRPORT;
	case XNPIPEIOC_IFLUSH:
		rtdm_waitqueue_lock(&chan->wq, ctx);
		ret = rtp_flush(chan, &chan->inq);
		rtdm_waitqueue_unlock(&chan->wq, ctx);
		return ret;
	case XNPIPEIOC_OFLUSH:
		ret = mutex_lock_interruptible(&chan->rdlock);
		if (ret)
			return ret;
		rtdm_waitqueue_lock(&chan->wq, ctx);
		ret = rtp_flush(chan, &chan->outq);
		rtdm_waitqueue_unlock(&chan->wq, ctx);
		mutex_unlock(&chan->rdlock);
		return ret;
	case FIONREAD:
		avail = 0;
		rtdm_waitqueue_lock(&chan->wq, ctx);
		list_for_each_entry(msg, &chan->outq, link)
			avail += msg->len - msg->rdoff;
		rtdm_waitqueue_unlock(&chan->wq, ctx);
		return put_user(avail, (int __user *)arg);
	case TCGETS:
		return -ENOTTY;
	default:
		return -EINVAL;
	}
}

static const struct file_operations rtp_fops = {
	.owner = THIS_MODULE,
	.open = rtp_open,
	.release = rtp_release,
	.read = rtp_read,
	.write = rtp_write,
	.poll = rtp_poll,
	.unlocked_ioctl = rtp_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	RTDM_NO_LLSEEK
};

static char *rtp_devnode(RTDM_DEVNODE_CONST struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0666;

	return NULL;
}

int xddp_init(void)
{
	struct device *dev;
	int ret, port;

	rtdm_waitqueue_init(&xddp_portwq);

	ret = alloc_chrdev_region(&xddp_devt, 0, RTIPC_NRPORT, "rtp");
	if (ret)
		return ret;

	cdev_init(&xddp_cdev, &rtp_fops);
	xddp_cdev.owner = THIS_MODULE;
	ret = cdev_add(&xddp_cdev, xddp_devt, RTIPC_NRPORT);
	if (ret)
		goto fail_cdev;

	xddp_class = rtdm_class_create("rtpipe");
	if (IS_ERR(xddp_class)) {
		ret = PTR_ERR(xddp_class);
		goto fail_class;
	}
	xddp_class->devnode = rtp_devnode;

	for (port = 0; port < RTIPC_NRPORT; port++) {
		dev = device_create(xddp_class, NULL, xddp_devt + port, NULL,
				    "rtp%d", port);
		if (IS_ERR(dev)) {
			ret = PTR_ERR(dev);
			goto fail_dev;
		}
	}

	return 0;

fail_dev:
	while (--port >= 0)
		device_destroy(xddp_class, xddp_devt + port);
	class_destroy(xddp_class);
fail_class:
	cdev_del(&xddp_cdev);
fail_cdev:
	unregister_chrdev_region(xddp_devt, RTIPC_NRPORT);

	return ret;
}

void xddp_cleanup(void)
{
	int port;

	for (port = 0; port < RTIPC_NRPORT; port++)
		device_destroy(xddp_class, xddp_devt + port);
	class_destroy(xddp_class);
	cdev_del(&xddp_cdev);
	unregister_chrdev_region(xddp_devt, RTIPC_NRPORT);
	rtdm_waitqueue_destroy(&xddp_portwq);
}
