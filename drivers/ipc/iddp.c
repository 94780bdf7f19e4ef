// SPDX-License-Identifier: GPL-2.0
/*
 * IDDP: intra-domain datagram protocol, between real-time threads.
 *
 * A bound socket owns a message pool (IDDP_POOLSZ, default
 * RTIPC_DEFAULT_POOLSZ) and an input queue. Senders allocate their
 * datagram from the receiver's pool, waiting up to their SO_SNDTIMEO for
 * room (MSG_DONTWAIT: -EWOULDBLOCK at once); a datagram that can never fit
 * fails with -EMSGSIZE. A receive shorter than the datagram returns the
 * head of it and leaves the rest queued for the next receive.
 */
#include "internal.h"

static int iddp_setopt(struct rtipc_sock *sk, int name,
		       const void __user *val, u32 len)
{
	rtdm_lockctx_t ctx;
	size_t size;
	int ret;

	switch (name) {
	case IDDP_POOLSZ:
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
	case IDDP_LABEL:
		return rtipc_set_label(sk, val, len);
	default:
		return -EINVAL;
	}
}

static int iddp_getopt(struct rtipc_sock *sk, int name, void __user *val,
		       u32 __user *len)
{
	if (name == IDDP_LABEL)
		return rtipc_get_label(sk, val, len);

	return -EINVAL;
}

static int iddp_bind(struct rtipc_sock *sk)
{
	INIT_LIST_HEAD(&sk->inq);

	return rtipc_pool_init(&sk->pool, sk->poolsz ?: RTIPC_DEFAULT_POOLSZ);
}

static void iddp_shutdown(struct rtipc_sock *sk)
{
}

static void iddp_release(struct rtipc_sock *sk)
{
	/* The queued messages live in the pool. */
	INIT_LIST_HEAD(&sk->inq);
	rtipc_pool_destroy(&sk->pool);
}

static bool iddp_room(struct rtipc_sock *rsk, size_t len)
{
	return rtipc_pool_avail(&rsk->pool, len);
}

static ssize_t iddp_sendmsg(struct rtipc_sock *sk, struct rtipc_sock *rsk,
			    struct iov_iter *from, size_t len, int flags)
{
	nanosecs_rel_t timeout;
	struct rtipc_msg *msg;
	rtdm_toseq_t toseq;
	rtdm_lockctx_t ctx;
	size_t copied;
	int ret;

	if (len == 0)
		return 0;
	if (!rtipc_pool_fits(&rsk->pool, len))
		return -EMSGSIZE;

	timeout = rtipc_timeout(READ_ONCE(sk->tx_timeout), flags);
	if (timeout > 0)
		rtdm_toseq_init(&toseq, timeout);

	for (;;) {
		rtdm_waitqueue_lock(&rsk->wq, ctx);
		msg = rtipc_msg_alloc(&rsk->pool, len);
		rtdm_waitqueue_unlock(&rsk->wq, ctx);
		if (msg)
			break;
		if (timeout < 0)
			return -EWOULDBLOCK;
		ret = rtipc_wait_room(sk, rsk, iddp_room, len, timeout, &toseq);
		if (ret)
			return ret;
	}

	copied = rtipc_msg_fill(msg, 0, from, len);

	rtdm_waitqueue_lock(&rsk->wq, ctx);
	if (copied < len) {
		rtipc_msg_free(&rsk->pool, msg);
		ret = -EFAULT;
	} else {
		msg->len = len;
		msg->src = sk->name.sipc_port;
		if (flags & MSG_OOB)
			list_add(&msg->link, &rsk->inq);
		else
			list_add_tail(&msg->link, &rsk->inq);
		rtdm_waitqueue_broadcast(&rsk->wq);
		ret = 0;
	}
	rtdm_waitqueue_unlock(&rsk->wq, ctx);

	if (ret) {
		rtipc_pulse_writers();
		return ret;
	}

	return len;
}

static bool iddp_can_read(struct rtipc_sock *sk)
{
	return test_bit(RTIPC_CLOSED, &sk->status) || !list_empty(&sk->inq);
}

static ssize_t iddp_recvmsg(struct rtipc_sock *sk, struct iov_iter *to,
			    size_t len, int flags, int *src)
{
	nanosecs_rel_t timeout;
	struct rtipc_msg *msg;
	rtdm_lockctx_t ctx;
	size_t n, copied;
	bool freed = false;
	ssize_t ret;

	if (len == 0)
		return 0;

	timeout = rtipc_timeout(READ_ONCE(sk->rx_timeout), flags);
	rtdm_waitqueue_lock(&sk->wq, ctx);
	ret = rtdm_timedwait_condition_locked(&sk->wq, iddp_can_read(sk),
					      timeout, NULL);
	if (!ret && test_bit(RTIPC_CLOSED, &sk->status))
		ret = -EBADF;
	if (ret) {
		rtdm_waitqueue_unlock(&sk->wq, ctx);
		return ret == -EIDRM ? -EBADF : ret;
	}
	msg = list_first_entry(&sk->inq, struct rtipc_msg, link);
	list_del_init(&msg->link);
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	n = min(len, msg->len - msg->rdoff);
	copied = rtipc_msg_drain(msg, msg->rdoff, to, n);
	*src = msg->src;

	rtdm_waitqueue_lock(&sk->wq, ctx);
	if (copied < n) {
		/* Bad buffer: leave the datagram queued, untouched. */
		list_add(&msg->link, &sk->inq);
		ret = -EFAULT;
	} else if (msg->rdoff + n < msg->len) {
		msg->rdoff += n;
		list_add(&msg->link, &sk->inq);
		ret = n;
	} else {
		rtipc_msg_free(&sk->pool, msg);
		freed = true;
		ret = n;
	}
	rtdm_waitqueue_broadcast(&sk->wq);
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	if (freed)
		rtipc_pulse_writers();

	return ret;
}

static bool iddp_readable(struct rtipc_sock *sk)
{
	return !list_empty(&sk->inq);
}

static bool iddp_writable(struct rtipc_sock *rsk)
{
	return true;	/* the peer exists */
}

const struct rtipc_proto iddp_proto = {
	.name = "iddp",
	.sol = SOL_IDDP,
	.sndtimeo = true,
	.send_flags = MSG_OOB | MSG_DONTWAIT,
	.bind = iddp_bind,
	.shutdown = iddp_shutdown,
	.release = iddp_release,
	.setopt = iddp_setopt,
	.getopt = iddp_getopt,
	.sendmsg = iddp_sendmsg,
	.recvmsg = iddp_recvmsg,
	.readable = iddp_readable,
	.writable = iddp_writable,
	.select_own_wq = true,
};
