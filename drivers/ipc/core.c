// SPDX-License-Identifier: GPL-2.0
/*
 * RTIPC: real-time IPC protocol family on RTDM.
 *
 * One RTDM protocol device (AF_RTIPC, SOCK_DGRAM) serves three protocols,
 * picked by the socket() protocol argument: XDDP (real-time socket <->
 * Linux /dev/rtpN), IDDP (datagrams between real-time threads) and BUFP
 * (byte-stream buffer between real-time threads). This file holds what
 * they share: socket calls, options, port maps, labels, message pools.
 *
 * Resources a socket allocates (message pools, buffers) are allocated at
 * bind time, bounded by the socket's pool/buffer size options; sending
 * and receiving never allocate kernel memory.
 *
 * Lifetime: the port maps list bound sockets. A handler using a socket's
 * resources, its own or a peer's found in a map, counts as a user of that
 * socket (rtipc_enter/rtipc_leave). Closing a socket removes it from the
 * maps, wakes its waiters and waits for its users to leave before freeing
 * anything; the core runs close handlers in a kernel worker, so that wait
 * cannot be cut short by a signal of the closing task. Threads blocked on
 * the socket as a peer (e.g. a sender waiting for room) then fail with
 * -ECONNRESET; a process closing its descriptor interrupts its own threads
 * blocked on the socket, which fail with -EBADF (RTDM core).
 */
#include <linux/net.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "internal.h"

static const struct rtipc_proto *rtipc_protos[IPCPROTO_MAX] = {
	[IPCPROTO_IPC] = &iddp_proto,
	[IPCPROTO_XDDP] = &xddp_proto,
	[IPCPROTO_IDDP] = &iddp_proto,
	[IPCPROTO_BUFP] = &bufp_proto,
};

/*
 * Port maps of the three protocols, guarded by the lock of rtipc_mapwq,
 * which connect()-by-label waits on.
 */
static rtdm_waitqueue_t rtipc_mapwq;
static struct rtipc_sock *rtipc_portmap[IPCPROTO_MAX][RTIPC_NRPORT];

/*
 * Serializes bind and close (registry entries): in-band code only, hence
 * a Linux mutex (RTDM mutexes are for real-time context).
 */
static DEFINE_MUTEX(rtipc_bind_mutex);

/* poll() waiters for writability, pulsed when space frees up anywhere. */
static rtdm_waitqueue_t rtipc_outwq;

static struct proc_dir_entry *rtipc_proc_root;
static struct proc_dir_entry *rtipc_proc_xeno;
static struct proc_dir_entry *rtipc_proc_dir[IPCPROTO_MAX];

/* ------------------------------------------------------------------ */
/* Message pools                                                      */
/* ------------------------------------------------------------------ */

#define RTIPC_MSG_HDR	ALIGN(sizeof(struct rtipc_msg), sizeof(long))

static unsigned int rtipc_msg_chunks(size_t len)
{
	return DIV_ROUND_UP(len + RTIPC_MSG_HDR, RTIPC_CHUNK_DATA);
}

int rtipc_pool_init(struct rtipc_pool *pool, size_t size)
{
	unsigned int n;

	pool->nchunks = max_t(size_t, size / RTIPC_CHUNK_SIZE, 1);
	pool->mem = kvcalloc(pool->nchunks, sizeof(struct rtipc_chunk),
			     GFP_KERNEL);
	if (!pool->mem)
		return -ENOMEM;

	pool->free = NULL;
	for (n = pool->nchunks; n > 0; n--) {
		pool->mem[n - 1].next = pool->free;
		pool->free = &pool->mem[n - 1];
	}
	pool->nfree = pool->nchunks;

	return 0;
}

void rtipc_pool_destroy(struct rtipc_pool *pool)
{
	kvfree(pool->mem);
	pool->mem = NULL;
	pool->free = NULL;
	pool->nchunks = 0;
	pool->nfree = 0;
}

bool rtipc_pool_fits(struct rtipc_pool *pool, size_t len)
{
	return len <= RTIPC_MAX_POOLSZ &&
		rtipc_msg_chunks(len) <= pool->nchunks;
}

bool rtipc_pool_avail(struct rtipc_pool *pool, size_t len)
{
	return len <= RTIPC_MAX_POOLSZ && rtipc_msg_chunks(len) <= pool->nfree;
}

struct rtipc_msg *rtipc_msg_alloc(struct rtipc_pool *pool, size_t len)
{
	struct rtipc_chunk *first, *c;
	struct rtipc_msg *msg;
	unsigned int n, need;

	if (!rtipc_pool_avail(pool, len))
		return NULL;

	need = rtipc_msg_chunks(len);
	first = pool->free;
	c = first;
	for (n = 1; n < need; n++)
		c = c->next;
	pool->free = c->next;
	c->next = NULL;
	pool->nfree -= need;

	msg = (struct rtipc_msg *)first->data;
	INIT_LIST_HEAD(&msg->link);
	msg->chunk = first;
	msg->len = 0;
	msg->rdoff = 0;
	msg->cap = len;
	msg->nchunks = need;
	msg->src = -1;
	msg->busy = false;

	return msg;
}

void rtipc_msg_free(struct rtipc_pool *pool, struct rtipc_msg *msg)
{
	struct rtipc_chunk *first = msg->chunk, *last = first;

	while (last->next)
		last = last->next;
	pool->nfree += msg->nchunks;
	last->next = pool->free;
	pool->free = first;
}

static size_t rtipc_msg_xfer(struct rtipc_msg *msg, size_t off,
			     struct iov_iter *iter, size_t len, bool fill)
{
	size_t pos = off + RTIPC_MSG_HDR, done = 0, n, copied;
	struct rtipc_chunk *c = msg->chunk;

	while (pos >= RTIPC_CHUNK_DATA) {
		c = c->next;
		pos -= RTIPC_CHUNK_DATA;
	}

	while (done < len && c) {
		n = min_t(size_t, len - done, RTIPC_CHUNK_DATA - pos);
		if (fill)
			copied = rtdm_copy_from_iter(c->data + pos, n, iter);
		else
			copied = rtdm_copy_to_iter(c->data + pos, n, iter);
		done += copied;
		if (copied < n)
			break;
		pos = 0;
		c = c->next;
	}

	return done;
}

size_t rtipc_msg_fill(struct rtipc_msg *msg, size_t off,
		      struct iov_iter *from, size_t len)
{
	return rtipc_msg_xfer(msg, off, from, len, true);
}

size_t rtipc_msg_drain(struct rtipc_msg *msg, size_t off,
		       struct iov_iter *to, size_t len)
{
	return rtipc_msg_xfer(msg, off, to, len, false);
}

/* ------------------------------------------------------------------ */
/* Socket users                                                       */
/* ------------------------------------------------------------------ */

int rtipc_enter(struct rtipc_sock *sk)
{
	rtdm_lockctx_t ctx;
	int ret = 0;

	rtdm_waitqueue_lock(&sk->wq, ctx);
	if (test_bit(RTIPC_CLOSED, &sk->status))
		ret = -EBADF;
	else
		sk->users++;
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	return ret;
}

void rtipc_leave(struct rtipc_sock *sk)
{
	rtdm_lockctx_t ctx;

	rtdm_waitqueue_lock(&sk->wq, ctx);
	if (--sk->users == 0 && test_bit(RTIPC_CLOSED, &sk->status))
		rtdm_waitqueue_broadcast(&sk->wq);
	rtdm_waitqueue_unlock(&sk->wq, ctx);
}

/*
 * The socket bound to @port of @sk's protocol, entered as a user, or an
 * ERR_PTR: -ECONNRESET when there is none.
 */
static struct rtipc_sock *rtipc_get_peer(struct rtipc_sock *sk, int port)
{
	int proto = sk->protonr, ret = -ECONNRESET;
	struct rtipc_sock *rsk;
	rtdm_lockctx_t ctx, ctx2;

	rtdm_waitqueue_lock(&rtipc_mapwq, ctx);
	rsk = rtipc_portmap[proto][port];
	if (rsk) {
		rtdm_waitqueue_lock(&rsk->wq, ctx2);
		if (!test_bit(RTIPC_CLOSED, &rsk->status)) {
			rsk->users++;
			ret = 0;
		}
		rtdm_waitqueue_unlock(&rsk->wq, ctx2);
	}
	rtdm_waitqueue_unlock(&rtipc_mapwq, ctx);

	return ret ? ERR_PTR(ret) : rsk;
}

void rtipc_pulse_writers(void)
{
	rtdm_lockctx_t ctx;

	rtdm_waitqueue_lock(&rtipc_outwq, ctx);
	rtdm_waitqueue_broadcast(&rtipc_outwq);
	rtdm_waitqueue_unlock(&rtipc_outwq, ctx);
}

int rtipc_wait_room(struct rtipc_sock *sk, struct rtipc_sock *rsk,
		    bool (*room)(struct rtipc_sock *rsk, size_t len),
		    size_t len, nanosecs_rel_t timeout, rtdm_toseq_t *toseq)
{
	int ret;

	ret = rtdm_timedwait_condition(&rtipc_outwq,
				       test_bit(RTIPC_CLOSED, &sk->status) ||
				       test_bit(RTIPC_CLOSED, &rsk->status) ||
				       room(rsk, len),
				       timeout, toseq);
	if (ret)
		return ret == -EIDRM ? -ECONNRESET : ret;
	if (test_bit(RTIPC_CLOSED, &sk->status))
		return -EBADF;
	if (test_bit(RTIPC_CLOSED, &rsk->status))
		return -ECONNRESET;

	return 0;
}

/* ------------------------------------------------------------------ */
/* Options                                                            */
/* ------------------------------------------------------------------ */

static int rtipc_put_u32(u32 val, u32 __user *p)
{
	return rtdm_copy_to_user(NULL, p, &val, sizeof(val));
}

int rtipc_get_size(size_t *size, const void __user *val, u32 len)
{
	if (len != sizeof(*size))
		return -EINVAL;
	if (rtdm_copy_from_user(NULL, size, val, sizeof(*size)))
		return -EFAULT;

	return 0;
}

int rtipc_set_label(struct rtipc_sock *sk, const void __user *val, u32 len)
{
	struct rtipc_port_label plabel;
	rtdm_lockctx_t ctx;
	int ret = 0;

	if (len < sizeof(plabel))
		return -EINVAL;
	if (rtdm_copy_from_user(NULL, &plabel, val, sizeof(plabel)))
		return -EFAULT;
	if (strnlen(plabel.label, sizeof(plabel.label)) == sizeof(plabel.label))
		return -ENAMETOOLONG;
	/* The label names a proc entry. */
	if (strchr(plabel.label, '/') || !strcmp(plabel.label, ".") ||
	    !strcmp(plabel.label, ".."))
		return -EINVAL;

	/*
	 * Set after bind(), the label only serves connect(): the port
	 * keeps the name it was bound with.
	 */
	rtdm_waitqueue_lock(&sk->wq, ctx);
	strscpy(sk->label, plabel.label, sizeof(sk->label));
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	return ret;
}

int rtipc_get_label(struct rtipc_sock *sk, void __user *val,
		    u32 __user *len)
{
	struct rtipc_port_label plabel;
	rtdm_lockctx_t ctx;
	u32 ulen;

	if (rtdm_copy_from_user(NULL, &ulen, len, sizeof(ulen)))
		return -EFAULT;
	if (ulen < sizeof(plabel))
		return -EINVAL;

	memset(&plabel, 0, sizeof(plabel));
	rtdm_waitqueue_lock(&sk->wq, ctx);
	strscpy(plabel.label, sk->label, sizeof(plabel.label));
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	if (rtdm_copy_to_user(NULL, val, &plabel, sizeof(plabel)))
		return -EFAULT;

	return rtipc_put_u32(sizeof(plabel), len);
}

/* SO_RCVTIMEO/SO_SNDTIMEO: old (native long) or 64-bit timeval. */
#define RTIPC_SO_RCVTIMEO_OLD	20
#define RTIPC_SO_SNDTIMEO_OLD	21
#define RTIPC_SO_RCVTIMEO_NEW	66
#define RTIPC_SO_SNDTIMEO_NEW	67

static int rtipc_get_timeval(nanosecs_rel_t *ns, const void __user *val,
			     u32 len)
{
	struct __kernel_old_timeval otv;
	struct __kernel_sock_timeval tv;

	if (len == sizeof(tv)) {
		if (rtdm_copy_from_user(NULL, &tv, val, sizeof(tv)))
			return -EFAULT;
	} else if (len == sizeof(otv)) {
		if (rtdm_copy_from_user(NULL, &otv, val, sizeof(otv)))
			return -EFAULT;
		tv.tv_sec = otv.tv_sec;
		tv.tv_usec = otv.tv_usec;
	} else {
		return -EINVAL;
	}

	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= USEC_PER_SEC)
		return -EINVAL;
	/* About 292 years: beyond that, wait forever. */
	if (tv.tv_sec >= S64_MAX / NSEC_PER_SEC - 1)
		*ns = RTDM_TIMEOUT_INFINITE;
	else
		*ns = tv.tv_sec * NSEC_PER_SEC + tv.tv_usec * NSEC_PER_USEC;

	return 0;
}

static int rtipc_put_timeval(nanosecs_rel_t ns, void __user *val,
			     u32 __user *len)
{
	struct __kernel_old_timeval otv;
	struct __kernel_sock_timeval tv;
	u32 ulen;
	s32 rem;

	if (rtdm_copy_from_user(NULL, &ulen, len, sizeof(ulen)))
		return -EFAULT;

	tv.tv_sec = div_s64_rem(ns, NSEC_PER_SEC, &rem);
	tv.tv_usec = rem / NSEC_PER_USEC;
	if (ulen >= sizeof(tv)) {
		if (rtdm_copy_to_user(NULL, val, &tv, sizeof(tv)))
			return -EFAULT;
		return rtipc_put_u32(sizeof(tv), len);
	}
	if (ulen >= sizeof(otv)) {
		otv.tv_sec = tv.tv_sec;
		otv.tv_usec = tv.tv_usec;
		if (rtdm_copy_to_user(NULL, val, &otv, sizeof(otv)))
			return -EFAULT;
		return rtipc_put_u32(sizeof(otv), len);
	}

	return -EINVAL;
}

static int rtipc_setsockopt(struct rtipc_sock *sk, void __user *arg)
{
	struct _rtdm_setsockopt_args args;
	nanosecs_rel_t ns;
	int ret;

	if (rtdm_copy_from_user(NULL, &args, arg, sizeof(args)))
		return -EFAULT;

	if (args.level == sk->proto->sol)
		return sk->proto->setopt(sk, args.optname, args.optval,
					 args.optlen);
	if (args.level != SOL_SOCKET)
		return -ENOPROTOOPT;

	switch (args.optname) {
	case RTIPC_SO_RCVTIMEO_OLD:
	case RTIPC_SO_RCVTIMEO_NEW:
		ret = rtipc_get_timeval(&ns, args.optval, args.optlen);
		if (!ret)
			WRITE_ONCE(sk->rx_timeout, ns);
		return ret;
	case RTIPC_SO_SNDTIMEO_OLD:
	case RTIPC_SO_SNDTIMEO_NEW:
		if (!sk->proto->sndtimeo)
			return -EINVAL;
		ret = rtipc_get_timeval(&ns, args.optval, args.optlen);
		if (!ret)
			WRITE_ONCE(sk->tx_timeout, ns);
		return ret;
	default:
		return -EINVAL;
	}
}

static int rtipc_getsockopt(struct rtipc_sock *sk, void __user *arg)
{
	struct _rtdm_getsockopt_args args;

	if (rtdm_copy_from_user(NULL, &args, arg, sizeof(args)))
		return -EFAULT;

	if (args.level == sk->proto->sol)
		return sk->proto->getopt(sk, args.optname, args.optval,
					 args.optlen);
	if (args.level != SOL_SOCKET)
		return -ENOPROTOOPT;

	switch (args.optname) {
	case RTIPC_SO_RCVTIMEO_OLD:
	case RTIPC_SO_RCVTIMEO_NEW:
		return rtipc_put_timeval(READ_ONCE(sk->rx_timeout),
					 args.optval, args.optlen);
	case RTIPC_SO_SNDTIMEO_OLD:
	case RTIPC_SO_SNDTIMEO_NEW:
		if (!sk->proto->sndtimeo)
			return -EINVAL;
		return rtipc_put_timeval(READ_ONCE(sk->tx_timeout),
					 args.optval, args.optlen);
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* Registry: labels published under /proc/rtdm/ipc/<proto>/<label>   */
/* (and /proc/xenomai/registry/rtipc/<proto>/<label>, Xenomai's path) */
/* ------------------------------------------------------------------ */

static int rtipc_port_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%ld\n", (long)m->private);

	return 0;
}

static int rtipc_publish(struct rtipc_sock *sk, int proto, int port)
{
	struct proc_dir_entry *dir = rtipc_proc_dir[proto];
	char target[16];

	if (!sk->reglabel[0] || !dir)
		return 0;

	if (proto == IPCPROTO_XDDP) {
		snprintf(target, sizeof(target), "/dev/rtp%d", port);
		sk->regent = proc_symlink(sk->reglabel, dir, target);
	} else {
		sk->regent = proc_create_single_data(sk->reglabel, 0444, dir,
						     rtipc_port_show,
						     (void *)(long)port);
	}

	return sk->regent ? 0 : -ENOMEM;
}

static void rtipc_unpublish(struct rtipc_sock *sk, int proto)
{
	if (sk->regent) {
		remove_proc_entry(sk->reglabel, rtipc_proc_dir[proto]);
		sk->regent = NULL;
	}
}

/* Map lock held: the port of the socket bound with @label, or -1. */
static int rtipc_find_label(int proto, const char *label)
{
	struct rtipc_sock *rsk;
	int port;

	for (port = 0; port < RTIPC_NRPORT; port++) {
		rsk = rtipc_portmap[proto][port];
		if (rsk && rsk->reglabel[0] && !strcmp(rsk->reglabel, label))
			return port;
	}

	return -1;
}

/* ------------------------------------------------------------------ */
/* bind / connect / names                                             */
/* ------------------------------------------------------------------ */

static int rtipc_get_sockaddr(struct sockaddr_ipc *sa, void __user *arg)
{
	struct _rtdm_setsockaddr_args args;

	if (rtdm_copy_from_user(NULL, &args, arg, sizeof(args)))
		return -EFAULT;
	if (args.addrlen != sizeof(*sa))
		return -EINVAL;
	if (rtdm_copy_from_user(NULL, sa, args.addr, sizeof(*sa)))
		return -EFAULT;
	if (sa->sipc_family != AF_RTIPC)
		return -EINVAL;
	if (sa->sipc_port < -1 || sa->sipc_port >= RTIPC_NRPORT)
		return -EINVAL;

	return 0;
}

static int rtipc_put_sockaddr(const struct sockaddr_ipc *sa, void __user *arg)
{
	struct _rtdm_getsockaddr_args args;
	u32 len;

	if (rtdm_copy_from_user(NULL, &args, arg, sizeof(args)))
		return -EFAULT;
	if (rtdm_copy_from_user(NULL, &len, args.addrlen, sizeof(len)))
		return -EFAULT;
	if (len < sizeof(*sa))
		return -EINVAL;
	if (rtdm_copy_to_user(NULL, args.addr, sa, sizeof(*sa)))
		return -EFAULT;

	return rtipc_put_u32(sizeof(*sa), args.addrlen);
}

static int rtipc_bind(struct rtipc_sock *sk, void __user *arg)
{
	int proto = sk->protonr, port, ret;
	rtdm_lockctx_t ctx, ctx2;
	struct sockaddr_ipc sa;

	ret = rtipc_get_sockaddr(&sa, arg);
	if (ret)
		return ret;

	ret = mutex_lock_interruptible(&rtipc_bind_mutex);
	if (ret)
		return ret;

	if (test_bit(RTIPC_BOUND, &sk->status) ||
	    test_bit(RTIPC_CLOSED, &sk->status)) {
		ret = -EADDRINUSE;
		goto out;
	}

	/* Pick the port; it is only taken once the map points at us. */
	rtdm_waitqueue_lock(&rtipc_mapwq, ctx);
	port = sa.sipc_port;
	if (port < 0) {
		for (port = 0; port < RTIPC_NRPORT; port++)
			if (!rtipc_portmap[proto][port] &&
			    !(sk->proto->port_busy &&
			      sk->proto->port_busy(port)))
				break;
		if (port == RTIPC_NRPORT)
			ret = -EAGAIN;
	} else if (rtipc_portmap[proto][port] ||
		   (sk->proto->port_busy && sk->proto->port_busy(port))) {
		ret = -EADDRINUSE;
	}
	rtdm_waitqueue_lock(&sk->wq, ctx2);
	strscpy(sk->reglabel, sk->label, sizeof(sk->reglabel));
	rtdm_waitqueue_unlock(&sk->wq, ctx2);
	if (!ret && sk->reglabel[0] &&
	    rtipc_find_label(proto, sk->reglabel) >= 0)
		ret = -EADDRINUSE;
	rtdm_waitqueue_unlock(&rtipc_mapwq, ctx);
	if (ret) {
		sk->reglabel[0] = '\0';
		goto out;
	}

	sk->name.sipc_port = port;
	ret = sk->proto->bind(sk);
	if (ret)
		goto fail;

	ret = rtipc_publish(sk, proto, port);
	if (ret) {
		sk->proto->shutdown(sk);
		sk->proto->release(sk);
		goto fail;
	}

	rtdm_waitqueue_lock(&sk->wq, ctx);
	set_bit(RTIPC_BOUND, &sk->status);
	if (sk->peer.sipc_port < 0)
		sk->peer = sk->name;
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	rtdm_waitqueue_lock(&rtipc_mapwq, ctx);
	rtipc_portmap[proto][port] = sk;
	rtdm_waitqueue_broadcast(&rtipc_mapwq);
	rtdm_waitqueue_unlock(&rtipc_mapwq, ctx);
	/* sockets connected to this port may have become writable */
	rtipc_pulse_writers();
out:
	mutex_unlock(&rtipc_bind_mutex);

	return ret;
fail:
	sk->name.sipc_port = -1;
	sk->reglabel[0] = '\0';
	mutex_unlock(&rtipc_bind_mutex);

	return ret;
}

/* Map lock held: @sk closed, or a socket bound with @label (at *@port). */
static bool rtipc_label_found(struct rtipc_sock *sk, const char *label,
			      int *port)
{
	if (test_bit(RTIPC_CLOSED, &sk->status))
		return true;

	*port = rtipc_find_label(sk->protonr, label);

	return *port >= 0;
}

static int rtipc_connect(struct rtipc_sock *sk, void __user *arg)
{
	int port = -1, ret;
	char label[XNOBJECT_NAME_LEN];
	nanosecs_rel_t timeout;
	struct sockaddr_ipc sa;
	rtdm_lockctx_t ctx;

	ret = rtipc_get_sockaddr(&sa, arg);
	if (ret)
		return ret;

	rtdm_waitqueue_lock(&sk->wq, ctx);
	strscpy(label, sk->label, sizeof(label));
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	if (sa.sipc_port >= 0) {
		port = sa.sipc_port;
	} else if (label[0]) {
		/* Wait for a socket bound with our label. */
		timeout = READ_ONCE(sk->rx_timeout);
		rtdm_waitqueue_lock(&rtipc_mapwq, ctx);
		ret = rtdm_timedwait_condition_locked(&rtipc_mapwq,
						      rtipc_label_found(sk, label,
									&port),
						      timeout, NULL);
		rtdm_waitqueue_unlock(&rtipc_mapwq, ctx);
		if (ret)
			return ret == -EIDRM ? -EBADF : ret;
		if (test_bit(RTIPC_CLOSED, &sk->status))
			return -EBADF;
	}

	rtdm_waitqueue_lock(&sk->wq, ctx);
	sk->peer.sipc_family = AF_RTIPC;
	sk->peer.sipc_port = port;
	if (port >= 0)
		set_bit(RTIPC_CONNECTED, &sk->status);
	else
		clear_bit(RTIPC_CONNECTED, &sk->status);
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	return 0;
}

static int rtipc_ioctl(struct rtdm_fd *fd, unsigned int request,
		       void __user *arg, bool rt)
{
	struct rtipc_sock *sk = rtdm_fd_to_private(fd);
	struct sockaddr_ipc sa;
	rtdm_lockctx_t ctx;

	switch (request) {
	case _RTIOC_BIND:
		/* Allocates: in-band only. */
		return rt ? -ENOSYS : rtipc_bind(sk, arg);
	case _RTIOC_CONNECT:
		return rtipc_connect(sk, arg);
	case _RTIOC_SETSOCKOPT:
		return rtipc_setsockopt(sk, arg);
	case _RTIOC_GETSOCKOPT:
		return rtipc_getsockopt(sk, arg);
	case _RTIOC_GETSOCKNAME:
		rtdm_waitqueue_lock(&sk->wq, ctx);
		sa = sk->name;
		rtdm_waitqueue_unlock(&sk->wq, ctx);
		return rtipc_put_sockaddr(&sa, arg);
	case _RTIOC_GETPEERNAME:
		rtdm_waitqueue_lock(&sk->wq, ctx);
		sa = sk->peer;
		rtdm_waitqueue_unlock(&sk->wq, ctx);
		if (sa.sipc_port < 0)
			return -ENOTCONN;
		return rtipc_put_sockaddr(&sa, arg);
	case _RTIOC_LISTEN:
	case _RTIOC_ACCEPT:
		return -EOPNOTSUPP;
	case _RTIOC_SHUTDOWN:
		return -ENOTCONN;
	default:
		return -EINVAL;
	}
}

static int rtipc_ioctl_rt(struct rtdm_fd *fd, unsigned int request,
			  void __user *arg)
{
	return rtipc_ioctl(fd, request, arg, true);
}

static int rtipc_ioctl_nrt(struct rtdm_fd *fd, unsigned int request,
			   void __user *arg)
{
	return rtipc_ioctl(fd, request, arg, false);
}

/* ------------------------------------------------------------------ */
/* Data transfer                                                      */
/* ------------------------------------------------------------------ */

static ssize_t rtipc_do_send(struct rtipc_sock *sk, struct iov_iter *from,
			     size_t len, int flags, int port)
{
	struct rtipc_sock *rsk;
	ssize_t ret;

	if (port < 0)
		return -EDESTADDRREQ;

	rsk = rtipc_get_peer(sk, port);
	if (IS_ERR(rsk))
		return PTR_ERR(rsk);

	ret = sk->proto->sendmsg(sk, rsk, from, len, flags);
	rtipc_leave(rsk);

	return ret;
}

static ssize_t rtipc_sendmsg(struct rtdm_fd *fd,
			     const struct user_msghdr *msg, int flags)
{
	struct rtipc_sock *sk = rtdm_fd_to_private(fd);
	struct iovec iov_fast[RTDM_IOV_FASTMAX], *iov;
	struct sockaddr_ipc daddr;
	struct iov_iter from;
	ssize_t len, ret;

	if (flags & ~sk->proto->send_flags)
		return -EINVAL;

	if (msg->msg_name) {
		if (msg->msg_namelen != sizeof(daddr))
			return -EINVAL;
		if (rtdm_copy_from_user(NULL, &daddr, msg->msg_name, sizeof(daddr)))
			return -EFAULT;
		if (daddr.sipc_family != AF_RTIPC ||
		    daddr.sipc_port < 0 || daddr.sipc_port >= RTIPC_NRPORT)
			return -EINVAL;
	} else {
		if (msg->msg_namelen)
			return -EINVAL;
		daddr.sipc_port = READ_ONCE(sk->peer.sipc_port);
	}

	if (msg->msg_iovlen >= UIO_MAXIOV)
		return -EINVAL;

	ret = rtdm_get_iovec(fd, &iov, msg, iov_fast);
	if (ret)
		return ret;

	len = rtdm_get_iov_flatlen(iov, msg->msg_iovlen);
	if (len < 0 || len > MAX_RW_COUNT) {
		ret = -EINVAL;
		goto out;
	}

	iov_iter_init(&from, ITER_SOURCE, iov, msg->msg_iovlen, len);
	ret = rtipc_enter(sk);
	if (!ret) {
		ret = rtipc_do_send(sk, &from, len, flags, daddr.sipc_port);
		rtipc_leave(sk);
	}
out:
	rtdm_drop_iovec(iov, iov_fast);

	return ret;
}

static ssize_t rtipc_recvmsg(struct rtdm_fd *fd, struct user_msghdr *msg,
			     int flags)
{
	struct rtipc_sock *sk = rtdm_fd_to_private(fd);
	struct iovec iov_fast[RTDM_IOV_FASTMAX], *iov;
	struct sockaddr_ipc saddr;
	struct iov_iter to;
	ssize_t len, ret;
	int src = -1;

	if (flags & ~MSG_DONTWAIT)
		return -EINVAL;

	if (msg->msg_name) {
		if (msg->msg_namelen < sizeof(saddr))
			return -EINVAL;
	} else if (msg->msg_namelen) {
		return -EINVAL;
	}

	if (msg->msg_iovlen >= UIO_MAXIOV)
		return -EINVAL;

	if (!test_bit(RTIPC_BOUND, &sk->status))
		return -EAGAIN;

	ret = rtdm_get_iovec(fd, &iov, msg, iov_fast);
	if (ret)
		return ret;

	len = rtdm_get_iov_flatlen(iov, msg->msg_iovlen);
	if (len < 0 || len > MAX_RW_COUNT) {
		ret = -EINVAL;
		goto out;
	}

	iov_iter_init(&to, ITER_DEST, iov, msg->msg_iovlen, len);
	ret = rtipc_enter(sk);
	if (ret)
		goto out;
	ret = sk->proto->recvmsg(sk, &to, len, flags, &src);
	rtipc_leave(sk);

	if (ret >= 0 && msg->msg_name) {
		saddr.sipc_family = AF_RTIPC;
		saddr.sipc_port = src;
		if (rtdm_copy_to_user(NULL, msg->msg_name, &saddr, sizeof(saddr)))
			ret = -EFAULT;
		else
			msg->msg_namelen = sizeof(saddr);
	}
	msg->msg_flags = 0;
out:
	rtdm_drop_iovec(iov, iov_fast);

	return ret;
}

static ssize_t rtipc_read(struct rtdm_fd *fd, void __user *buf, size_t size)
{
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct rtipc_sock *sk = rtdm_fd_to_private(fd);
	struct iov_iter to;
	ssize_t ret;
	int src;

	if (!test_bit(RTIPC_BOUND, &sk->status))
		return -EAGAIN;
	if (size > MAX_RW_COUNT)
		size = MAX_RW_COUNT;

	iov_iter_init(&to, ITER_DEST, &iov, 1, size);
	ret = rtipc_enter(sk);
	if (ret)
		return ret;
	ret = sk->proto->recvmsg(sk, &to, size,
				 (rtdm_fd_flags(fd) & O_NONBLOCK) ?
				 MSG_DONTWAIT : 0, &src);
	rtipc_leave(sk);

	return ret;
}

static ssize_t rtipc_write(struct rtdm_fd *fd, const void __user *buf,
			   size_t size)
{
	struct iovec iov = { .iov_base = (void __user *)buf, .iov_len = size };
	struct rtipc_sock *sk = rtdm_fd_to_private(fd);
	struct iov_iter from;
	ssize_t ret;

	if (size > MAX_RW_COUNT)
		return -EINVAL;

	iov_iter_init(&from, ITER_SOURCE, &iov, 1, size);
	ret = rtipc_enter(sk);
	if (ret)
		return ret;
	ret = rtipc_do_send(sk, &from, size,
			    (rtdm_fd_flags(fd) & O_NONBLOCK) ?
			    MSG_DONTWAIT : 0, READ_ONCE(sk->peer.sipc_port));
	rtipc_leave(sk);

	return ret;
}

static int rtipc_select(struct rtdm_fd *fd, rtdm_selector_t *selector,
			unsigned int type, unsigned int index)
{
	struct rtipc_sock *sk = rtdm_fd_to_private(fd);
	struct rtipc_sock *rsk;
	bool ready = true;
	int port;

	switch (type) {
	case RTDM_SELECTTYPE_READ:
		if (rtipc_enter(sk))
			return -EBADF;
		ready = test_bit(RTIPC_BOUND, &sk->status) &&
			sk->proto->readable(sk);
		/*
		 * Poll waiters stay queued until the file is released
		 * (epoll): only queues outliving the socket's resources.
		 */
		rtdm_waitqueue_select(sk->proto->select_own_wq ? &sk->wq :
				      &rtipc_outwq, selector, type, ready);
		rtipc_leave(sk);
		return 0;
	case RTDM_SELECTTYPE_WRITE:
		/* Unconnected sockets address peers explicitly: writable. */
		if (test_bit(RTIPC_CONNECTED, &sk->status)) {
			port = READ_ONCE(sk->peer.sipc_port);
			rsk = port >= 0 ? rtipc_get_peer(sk, port) :
				ERR_PTR(-ENOTCONN);
			ready = !IS_ERR(rsk) && sk->proto->writable(rsk);
			if (!IS_ERR(rsk))
				rtipc_leave(rsk);
		}
		rtdm_waitqueue_select(&rtipc_outwq, selector, type, ready);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* Socket creation and teardown                                       */
/* ------------------------------------------------------------------ */

static int rtipc_socket(struct rtdm_fd *fd, int protocol)
{
	struct rtipc_sock *sk = rtdm_fd_to_private(fd);

	if (protocol < 0 || protocol >= IPCPROTO_MAX)
		return -EPROTONOSUPPORT;
	if (protocol == IPCPROTO_IPC)
		protocol = IPCPROTO_IDDP;

	sk->fd = fd;
	sk->protonr = protocol;
	sk->proto = rtipc_protos[protocol];
	rtdm_waitqueue_init(&sk->wq);
	sk->name.sipc_family = AF_RTIPC;
	sk->name.sipc_port = -1;
	sk->peer = sk->name;
	sk->rx_timeout = RTDM_TIMEOUT_INFINITE;
	sk->tx_timeout = RTDM_TIMEOUT_INFINITE;
	INIT_LIST_HEAD(&sk->inq);

	return 0;
}

static void rtipc_close(struct rtdm_fd *fd)
{
	struct rtipc_sock *sk = rtdm_fd_to_private(fd);
	int proto = sk->protonr, port;
	rtdm_lockctx_t ctx;
	bool bound;

	mutex_lock(&rtipc_bind_mutex);

	rtdm_waitqueue_lock(&sk->wq, ctx);
	set_bit(RTIPC_CLOSED, &sk->status);
	bound = test_bit(RTIPC_BOUND, &sk->status);
	rtdm_waitqueue_broadcast(&sk->wq);
	rtdm_waitqueue_unlock(&sk->wq, ctx);

	/* Unmap; wake our connect()-by-label and send waits. */
	port = sk->name.sipc_port;
	rtdm_waitqueue_lock(&rtipc_mapwq, ctx);
	if (bound && rtipc_portmap[proto][port] == sk)
		rtipc_portmap[proto][port] = NULL;
	rtdm_waitqueue_broadcast(&rtipc_mapwq);
	rtdm_waitqueue_unlock(&rtipc_mapwq, ctx);
	rtipc_pulse_writers();

	if (bound) {
		rtipc_unpublish(sk, proto);
		sk->proto->shutdown(sk);
	}

	mutex_unlock(&rtipc_bind_mutex);

	/*
	 * Let the handlers using our resources leave. The close handler runs
	 * in the core's close worker: no signal can end this wait early.
	 */
	rtdm_wait_condition(&sk->wq, sk->users == 0);

	if (bound)
		sk->proto->release(sk);
	rtdm_waitqueue_destroy(&sk->wq);
	rtipc_pulse_writers();
}

static struct rtdm_driver rtipc_driver = {
	.profile_info = RTDM_PROFILE_INFO(rtipc, RTDM_CLASS_RTIPC,
					  RTDM_SUBCLASS_GENERIC, 1),
	.device_flags = RTDM_PROTOCOL_DEVICE,
	.device_count = 1,
	.context_size = sizeof(struct rtipc_sock),
	.protocol_family = PF_RTIPC,
	.socket_type = SOCK_DGRAM,
	.ops = {
		.socket = rtipc_socket,
		.close = rtipc_close,
		.recvmsg_rt = rtipc_recvmsg,
		.recvmsg_nrt = rtipc_recvmsg,
		.sendmsg_rt = rtipc_sendmsg,
		.sendmsg_nrt = rtipc_sendmsg,
		.ioctl_rt = rtipc_ioctl_rt,
		.ioctl_nrt = rtipc_ioctl_nrt,
		.read_rt = rtipc_read,
		.read_nrt = rtipc_read,
		.write_rt = rtipc_write,
		.write_nrt = rtipc_write,
		.select = rtipc_select,
	},
};

static struct rtdm_device rtipc_device = {
	.driver = &rtipc_driver,
	.label = "rtipc",
};

static void rtipc_proc_cleanup(void)
{
	if (rtipc_proc_xeno)
		proc_remove(rtipc_proc_xeno);
	rtipc_proc_xeno = NULL;
	if (rtipc_proc_root)
		proc_remove(rtipc_proc_root);
	rtipc_proc_root = NULL;
}

static int __init rtipc_init(void)
{
	int ret;

	rtdm_waitqueue_init(&rtipc_mapwq);
	rtdm_waitqueue_init(&rtipc_outwq);

	rtipc_proc_root = proc_mkdir("rtdm/ipc", NULL);
	if (!rtipc_proc_root)
		return -ENOMEM;
	rtipc_proc_dir[IPCPROTO_XDDP] = proc_mkdir("xddp", rtipc_proc_root);
	rtipc_proc_dir[IPCPROTO_IDDP] = proc_mkdir("iddp", rtipc_proc_root);
	rtipc_proc_dir[IPCPROTO_BUFP] = proc_mkdir("bufp", rtipc_proc_root);

	/*
	 * Xenomai 3 programs find labels under
	 * /proc/xenomai/registry/rtipc/<proto>/<label>: the same entries.
	 */
	rtipc_proc_xeno = proc_mkdir("xenomai", NULL);
	if (!rtipc_proc_xeno ||
	    !proc_mkdir("xenomai/registry", NULL) ||
	    !proc_symlink("xenomai/registry/rtipc", NULL, "/proc/rtdm/ipc")) {
		rtipc_proc_cleanup();
		return -ENOMEM;
	}

	ret = xddp_init();
	if (ret)
		goto fail_xddp;

	ret = rtdm_dev_register(&rtipc_device);
	if (ret)
		goto fail_dev;

	return 0;

fail_dev:
	xddp_cleanup();
fail_xddp:
	rtipc_proc_cleanup();

	return ret;
}

static void __exit rtipc_exit(void)
{
	rtdm_dev_unregister(&rtipc_device);
	xddp_cleanup();
	rtipc_proc_cleanup();
	rtdm_waitqueue_destroy(&rtipc_outwq);
	rtdm_waitqueue_destroy(&rtipc_mapwq);
}

module_init(rtipc_init);
module_exit(rtipc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RTDM real-time IPC: XDDP, IDDP and BUFP sockets");
