/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTIPC internals: sockets, protocols, message pools.
 */
#ifndef _RTIPC_INTERNAL_H
#define _RTIPC_INTERNAL_H

#include <rtdm/driver.h>
#include <rtdm/uapi/ipc.h>

/* Pool sizes: default when no *_POOLSZ was set, and upper bound. */
#define RTIPC_DEFAULT_POOLSZ	(64 * 1024)
#define RTIPC_MAX_POOLSZ	(8 * 1024 * 1024)

/*
 * Message pools: a fixed array of chunks allocated at bind time. A
 * message is a chain of chunks, its header at the start of the first one,
 * so allocation never fragments and takes time linear in the message size.
 * The lock of the pool's owner guards it.
 */
#define RTIPC_CHUNK_SIZE	128

struct rtipc_chunk {
	struct rtipc_chunk *next;
	u8 data[RTIPC_CHUNK_SIZE - sizeof(void *)];
};

#define RTIPC_CHUNK_DATA	(RTIPC_CHUNK_SIZE - sizeof(void *))

struct rtipc_pool {
	struct rtipc_chunk *mem;
	struct rtipc_chunk *free;
	unsigned int nchunks;
	unsigned int nfree;
};

struct rtipc_msg {
	struct list_head link;
	struct rtipc_chunk *chunk;	/* first chunk: holds this header */
	size_t len;			/* bytes of data */
	size_t rdoff;			/* bytes already read */
	size_t cap;			/* capacity */
	unsigned int nchunks;
	int src;			/* source port */
	bool busy;			/* being filled (XDDP streaming) */
};

int rtipc_pool_init(struct rtipc_pool *pool, size_t size);
void rtipc_pool_destroy(struct rtipc_pool *pool);
/* Whether a message of @len bytes fits in the pool at all / right now. */
bool rtipc_pool_fits(struct rtipc_pool *pool, size_t len);
bool rtipc_pool_avail(struct rtipc_pool *pool, size_t len);
struct rtipc_msg *rtipc_msg_alloc(struct rtipc_pool *pool, size_t len);
void rtipc_msg_free(struct rtipc_pool *pool, struct rtipc_msg *msg);
/* Copy between message data at @off and an iterator; bytes copied. */
size_t rtipc_msg_fill(struct rtipc_msg *msg, size_t off,
		      struct iov_iter *from, size_t len);
size_t rtipc_msg_drain(struct rtipc_msg *msg, size_t off,
		       struct iov_iter *to, size_t len);

/* Socket state bits. */
#define RTIPC_BOUND		0
#define RTIPC_CLOSED		1
#define RTIPC_CONNECTED		2	/* connect() set the peer */

struct rtipc_proto;
struct xddp_chan;

struct rtipc_sock {
	struct rtdm_fd *fd;
	const struct rtipc_proto *proto;
	int protonr;
	/* Guards the fields below and the protocol state; wakes waiters. */
	rtdm_waitqueue_t wq;
	unsigned long status;
	unsigned int users;	/* handlers using the socket's resources */
	struct sockaddr_ipc name;
	struct sockaddr_ipc peer;
	char label[XNOBJECT_NAME_LEN];		/* option */
	char reglabel[XNOBJECT_NAME_LEN];	/* registered at bind */
	nanosecs_rel_t rx_timeout;
	nanosecs_rel_t tx_timeout;
	size_t poolsz;
	void *regent;		/* registry (proc) entry */
	/* IDDP */
	struct rtipc_pool pool;
	struct list_head inq;
	/* XDDP */
	struct xddp_chan *chan;
	size_t bufsz;
	/* BUFP */
	u8 *buf;
	size_t bufp_size;
	size_t rdoff, wroff, fillsz;
	bool rd_busy, wr_busy;
	unsigned int wr_waiting;
};

struct rtipc_proto {
	const char *name;
	int sol;
	bool sndtimeo;			/* SO_SNDTIMEO supported */
	int send_flags;			/* accepted sendmsg flags */
	int (*bind)(struct rtipc_sock *sk);
	void (*shutdown)(struct rtipc_sock *sk);	/* closing: wake */
	void (*release)(struct rtipc_sock *sk);		/* free */
	bool (*port_busy)(int port);
	int (*setopt)(struct rtipc_sock *sk, int name,
		      const void __user *val, u32 len);
	int (*getopt)(struct rtipc_sock *sk, int name,
		      void __user *val, u32 __user *len);
	ssize_t (*sendmsg)(struct rtipc_sock *sk, struct rtipc_sock *rsk,
			   struct iov_iter *from, size_t len, int flags);
	ssize_t (*recvmsg)(struct rtipc_sock *sk, struct iov_iter *to,
			   size_t len, int flags, int *src);
	bool (*readable)(struct rtipc_sock *sk);
	bool (*writable)(struct rtipc_sock *rsk);
	/*
	 * Readability changes pulse sk->wq (true) or the queue of
	 * rtipc_pulse_writers() (false).
	 */
	bool select_own_wq;
};

extern const struct rtipc_proto xddp_proto;
extern const struct rtipc_proto iddp_proto;
extern const struct rtipc_proto bufp_proto;

/* Enter/leave a socket as a user of its resources; -EBADF once closed. */
int rtipc_enter(struct rtipc_sock *sk);
void rtipc_leave(struct rtipc_sock *sk);

/*
 * Senders waiting for room in a peer, and poll() waiting for writability
 * (and for XDDP readability), sleep on one queue, pulsed whenever room
 * frees up, XDDP input arrives or a socket closes.
 */
void rtipc_pulse_writers(void);
/*
 * Wait until @room(@rsk, @len) may hold, @sk or @rsk closes, or the
 * timeout (deadline in *@toseq for a positive timeout) elapses.
 */
int rtipc_wait_room(struct rtipc_sock *sk, struct rtipc_sock *rsk,
		    bool (*room)(struct rtipc_sock *rsk, size_t len),
		    size_t len, nanosecs_rel_t timeout, rtdm_toseq_t *toseq);

/* Timeout of a wait: MSG_DONTWAIT means none. */
static inline nanosecs_rel_t rtipc_timeout(nanosecs_rel_t timeout, int flags)
{
	return (flags & MSG_DONTWAIT) ? RTDM_TIMEOUT_NONE : timeout;
}

/* Label option helpers. */
int rtipc_set_label(struct rtipc_sock *sk, const void __user *val, u32 len);
int rtipc_get_label(struct rtipc_sock *sk, void __user *val,
		    u32 __user *len);
int rtipc_get_size(size_t *size, const void __user *val, u32 len);

int xddp_init(void);
void xddp_cleanup(void);

#endif /* _RTIPC_INTERNAL_H */
