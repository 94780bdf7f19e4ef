// SPDX-License-Identifier: GPL-2.0
/*
 * BUFP: byte-stream buffer protocol, between real-time threads.
 *
 * A bound socket owns a circular buffer of BUFP_BUFSZ bytes (mandatory
 * before bind(), else -ENOBUFS). A write of n bytes is atomic: it waits
 * (SO_SNDTIMEO) until n bytes are free in the peer's buffer, and n larger
 * than that buffer fails with -EINVAL. A read of n bytes waits
 * (SO_RCVTIMEO) until n bytes are buffered; it returns less only when a
 * writer is blocked for room at the same time, which would otherwise
 * deadlock both. MSG_DONTWAIT: -EWOULDBLOCK instead of waiting.
 *
 * One reader and one writer copy at a time; each works on its own part of
 * the ring and publishes it under the lock once copied.
 */
#include "internal.h"

static int bufp_setopt(struct rtipc_sock *sk, int name,
		       const void __user *val, u32 len)
{
	rtdm_lockctx_t ctx;
	size_t size;
	int ret;

	switch (name) {
	case BUFP_BUFSZ:
		ret = rtipc_get_size(&size, val, len);
		if (ret)
			return ret;
		if (!size || size > RTIPC_MAX_POOLSZ)
			return -EINVAL;
		rtdm_waitqueue_lock(&sk->wq, ctx);
		if (test_bit(RTIPC_BOUND, &sk->status))
			ret = -EALREADY;
		else
			sk->bufp_size = size;
		rtdm_waitqueue_unlock(&sk->wq, ctx);
		return ret;
	case BUFP_LABEL:
		return rtipc_set_label(sk, val, len);
	default:
		return -EINVAL;
	}
}

static int bufp_getopt(struct rtipc_sock *sk, int name, void __user *val,
		       u32 __user *len)
{
	if (name == BUFP_LABEL)
		return rtipc_get_label(sk, val, len);

	return -EINVAL;
}

static int bufp_bind(struct rtipc_sock *sk)
{
	if (!sk->bufp_size)
		return -ENOBUFS;

	sk->buf = kvmalloc(sk->bufp_size, GFP_KERNEL);
	if (!sk->buf)
		return -ENOMEM;
	sk->rdoff = 0;
	sk->wroff = 0;
	sk->fillsz = 0;

	return 0;
}

static void bufp_shutdown(struct rtipc_sock *sk)
{
}

static void bufp_release(struct rtipc_sock *sk)
{
	kvfree(sk->buf);
	sk->buf = NULL;
}

static bool bufp_room(struct rtipc_sock *rsk, size_t len)
{
	return !READ_ONCE(rsk->wr_busy) &&
		rsk->bufp_size - READ_ONCE(rsk->fillsz) >= len;
}

static ssize_t bufp_sendmsg(struct rtipc_sock *sk, struct rtipc_sock *rsk,
			    struct iov_iter *from, size_t len, int flags)
{
	size_t off, first, copied;
	nanosecs_rel_t timeout;
	rtdm_toseq_t toseq;
	rtdm_lockctx_t ctx;
	int ret;

	if (len == 0)
		return 0;
	if (len > rsk->bufp_size)
		return -EINVAL;

	timeout = rtipc_timeout(READ_ONCE(sk->tx_timeout), flags);
	if (timeout > 0)
		rtdm_toseq_init(&toseq, timeout);

	rtdm_waitqueue_lock(&rsk->wq, ctx);
	for (;;) {
		if (test_bit(RTIPC_CLOSED, &rsk->status)) {
			rtdm_waitqueue_unlock(&rsk->wq, ctx);
			return -ECONNRESET;
		}
		if (bufp_room(rsk, len))
			break;
		if (timeout < 0) {
			rtdm_waitqueue_unlock(&rsk->wq, ctx);
			return -EWOULDBLOCK;
		}
		/* Tell a reader waiting for more that we are stuck. */
		rsk->wr_waiting++;
		rtdm_waitqueue_broadcast(&rsk->wq);
		rtdm_waitqueue_unlock(&rsk->wq, ctx);
		ret = rtipc_wait_room(sk, rsk, bufp_room, len, timeout, &toseq);
		rtdm_waitqueue_lock(&rsk->wq, ctx);
		rsk->wr_waiting--;
		if (ret) {
			rtdm_waitqueue_unlock(&rsk->wq, ctx);
			return ret;
		}
	}
	rsk->wr_busy = true;
	off = rsk->wroff;
	rtdm_waitqueue_unlock(&rsk->wq, ctx);

	first = min(len, rsk->bufp_size - off);
	copied = rtdm_copy_from_iter(rsk->buf + off, first, from);
	if (copied == first && len > first)
		copied += rtdm_copy_from_iter(rsk->buf, len - first, from);

	rtdm_waitqueue_lock(&rsk->wq, ctx);
	rsk->wr_busy = false;
	if (copied == len) {
		rsk->wroff = (off + len) % rsk->bufp_size;
		rsk->fillsz += len;
		rtdm_waitqueue_broadcast(&rsk->wq);
	}
	rtdm_waitqueue_unlock(&rsk->wq, ctx);
	rtipc_pulse_writers();

	return copied == len ? len : -EFAULT;
}

/*
 * Lock held: a read of @len bytes may proceed (or fail), with a short
 * read when writers are stuck.
 */
static bool bufp_can_read(struct rtipc_sock *sk, size_t len)
{
	if (test_bit(RTIPC_CLOSED, &sk->status))
		return true;
	if (sk->rd_busy)
		return false;

	return sk->fillsz >= len || (sk->fillsz > 0 && sk->wr_waiting > 0);
}

static ssize_t bufp_recvmsg(struct rtipc_sock *sk, struct iov_iter *to,
			    size_t len, int flags, int *src)
{
	size_t off, n, first, copied;
	nanosecs_rel_t timeout;
	rtdm_lockctx_t ctx;
	int ret;

	if (len == 0)
		return 0;
	if (len > sk->bufp_size)
		return -EINVAL;

	timeout = rtipc_timeout(READ_ONCE(sk->rx_timeout), flags);
	rtdm_waitqueue_lock(&sk->wq, ctx);
	ret = rtdm_timedwait_condition_locked(&sk->wq,
					      bufp_can_read(sk, len),
					      timeout, NULL);
	if (!ret && test_bit(RTIPC_CLOSED, &sk->status))
		ret = -EBADF;
	if (ret) {
		rtdm_waitqueue_unlock(&sk->wq, ctx);
		return ret == -EIDRM ? -EBADF : ret;
	}
	n = min(len, sk->fillsz);
	sk->rd_busy = true;
	off = sk->rdoff;
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	first = min(n, sk->bufp_size - off);
	copied = rtdm_copy_to_iter(sk->buf + off, first, to);
	if (copied == first && n > first)
		copied += rtdm_copy_to_iter(sk->buf, n - first, to);

	/* The data is consumed even if the copy failed. */
	rtdm_waitqueue_lock(&sk->wq, ctx);
	sk->rd_busy = false;
	sk->rdoff = (off + n) % sk->bufp_size;
	sk->fillsz -= n;
	rtdm_waitqueue_broadcast(&sk->wq);
	rtdm_waitqueue_unlock(&sk->wq, ctx);
	rtipc_pulse_writers();

	*src = sk->name.sipc_port;

	return copied == n ? n : -EFAULT;
}

static bool bufp_readable(struct rtipc_sock *sk)
{
	return READ_ONCE(sk->fillsz) > 0;
}

static bool bufp_writable(struct rtipc_sock *rsk)
{
	return READ_ONCE(rsk->fillsz) < rsk->bufp_size;
}

const struct rtipc_proto bufp_proto = {
	.name = "bufp",
	.sol = SOL_BUFP,
	.sndtimeo = true,
	.send_flags = MSG_DONTWAIT,
	.bind = bufp_bind,
	.shutdown = bufp_shutdown,
	.release = bufp_release,
	.setopt = bufp_setopt,
	.getopt = bufp_getopt,
	.sendmsg = bufp_sendmsg,
	.recvmsg = bufp_recvmsg,
	.readable = bufp_readable,
	.writable = bufp_writable,
	.select_own_wq = true,
};
