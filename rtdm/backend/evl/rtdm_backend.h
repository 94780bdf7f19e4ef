/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTDM backend primitives: evl backend (Dovetail + EVL core, Xenomai 4).
 *
 * Written for the EVL in-kernel API of EVL ABI 32 to 36 (linux-evl
 * v6.5..v6.12 lines; LmP xeno4 ships ABI 32). Every EVL and Dovetail call
 * of the project lives in this folder.
 *
 * Real-time context is the out-of-band stage: _rt handlers run from the
 * oob_* file operations for EVL threads, RTDM tasks are EVL kthreads, RTDM
 * timers EVL timers, RTDM interrupts IRQF_OOB handlers. Waits on events,
 * semaphores and wait queues work from both stages: each object keeps an
 * EVL wait queue for out-of-band waiters and a Linux wait queue for
 * in-band ones, woken through an irq_work when signalled out-of-band.
 */
#ifndef _RTDM_BACKEND_EVL_H
#define _RTDM_BACKEND_EVL_H

#include <linux/completion.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <evl/clock.h>
#include <evl/file.h>
#include <evl/mutex.h>
#include <evl/poll_head.h>
#include <evl/sched.h>
#include <evl/thread.h>
#include <evl/timer.h>
#include <evl/wait.h>

#define RTDM_BACKEND_NAME	"evl"

/* Locks: hard spinlocks, which mask interrupts of both stages. */
typedef hard_spinlock_t rtdm_lock_t;
typedef unsigned long rtdm_lockctx_t;

#define RTDM_LOCK_UNLOCKED(__name)	__HARD_SPIN_LOCK_INITIALIZER(__name)
#define DEFINE_RTDM_LOCK(__name)	DEFINE_HARD_SPINLOCK(__name)
#define rtdm_lock_init(__lock)		raw_spin_lock_init(__lock)
#define rtdm_lock_get(__lock)		raw_spin_lock(__lock)
#define rtdm_lock_put(__lock)		raw_spin_unlock(__lock)
#define rtdm_lock_get_irqsave(__lock, __ctx)	\
	raw_spin_lock_irqsave(__lock, __ctx)
#define rtdm_lock_put_irqrestore(__lock, __ctx)	\
do {							\
	raw_spin_unlock_irqrestore(__lock, __ctx);	\
	rtdm_evl_schedule();				\
} while (0)
#define rtdm_lock_irqsave(__ctx)	((__ctx) = hard_local_irq_save())
#define rtdm_lock_irqrestore(__ctx)	hard_local_irq_restore(__ctx)

/*
 * Let a thread woken out-of-band run, unless a hard lock is still held
 * (hard interrupts off): switching away with a lock held would deadlock
 * whoever wants it next. The outermost unlock (or EVL's own scheduling
 * points) does it then.
 */
static inline void rtdm_evl_schedule(void)
{
	if (!hard_irqs_disabled())
		evl_schedule();
}

/* Real-time context: the out-of-band stage. */
static inline int rtdm_backend_in_rt_context(void)
{
	return running_oob();
}

/*
 * Blocking wait queue of both stages. @oob's lock guards the state of the
 * object embedding it; in-band waiters sleep on @inband (poll() too) and
 * notice a wake-up by @seq changing; @poll serves oob_poll().
 */
struct rtdm_bwq {
	struct evl_wait_queue oob;
	wait_queue_head_t inband;
	unsigned long seq;	/* wake-ups */
	unsigned long flushes;	/* wake-ups with -EINTR */
	bool dead;		/* destroyed: -EIDRM */
	struct irq_work relay;
	struct evl_poll_head poll;
	int poll_events;	/* what oob pollers watch this object for */
};

typedef struct rtdm_event {
	struct rtdm_bwq wq;
	unsigned long pending;
	unsigned long pulses;	/* rtdm_event_pulse() count */
	bool destroyed;
} rtdm_event_t;

typedef struct rtdm_sem {
	struct rtdm_bwq wq;
	unsigned long value;
	bool destroyed;
} rtdm_sem_t;

typedef struct rtdm_waitqueue {
	struct rtdm_bwq wq;
	bool destroyed;
} rtdm_waitqueue_t;

void __rtdm_waitqueue_init(rtdm_waitqueue_t *wq, struct lock_class_key *key);
#define rtdm_waitqueue_init(__wq)				\
do {								\
	static struct lock_class_key __rtdm_wq_key;		\
								\
	__rtdm_waitqueue_init(__wq, &__rtdm_wq_key);		\
} while (0)

#define rtdm_waitqueue_lock(__wq, __ctx)	\
	raw_spin_lock_irqsave(&(__wq)->wq.oob.wchan.lock, __ctx)
/* Unlocking the outermost lock lets a woken out-of-band waiter run. */
#define rtdm_waitqueue_unlock(__wq, __ctx)				\
do {									\
	raw_spin_unlock_irqrestore(&(__wq)->wq.oob.wchan.lock, __ctx);	\
	rtdm_evl_schedule();						\
} while (0)

/* EVL kernel mutex: priority inheritance on the out-of-band stage. */
typedef struct rtdm_mutex {
	struct evl_kmutex lock;
	bool destroyed;
} rtdm_mutex_t;

typedef struct rtdm_timer {
	struct evl_timer timer;
	void (*handler)(struct rtdm_timer *timer);
	struct evl_clock *clock;
	const char *name;
} rtdm_timer_t;

typedef struct rtdm_task {
	struct evl_kthread kthread;
	rtdm_event_t exited;
	unsigned int magic;
	void (*proc)(void *arg);
	void *arg;
	int priority;
	ktime_t period;
	ktime_t next;		/* next release date, monotonic */
	bool stopping;		/* rtdm_task_destroy() in progress */
	bool running;
	struct list_head link;	/* status list */
	char name[32];
	/* statistics */
	unsigned long periods;
	unsigned long overruns;
	u64 max_lateness_ns;
} rtdm_task_t;

typedef struct rtdm_irq {
	unsigned int irq;
	int (*handler)(struct rtdm_irq *irq_handle);
	void *cookie;
	const char *name;
	unsigned long flags;
	atomic_long_t hits;
	struct list_head link;	/* status list */
} rtdm_irq_t;

/* oob -> irq_work (in-band, interrupt context) -> work (task context). */
typedef struct rtdm_nrtsig {
	struct irq_work iwork;
	struct work_struct work;
	void (*handler)(struct rtdm_nrtsig *nrt_sig, void *arg);
	void *arg;
} rtdm_nrtsig_t;

/*
 * The seam with the fd layer: the EVL file binding (the oob_* calls of
 * EVL threads reach the file through it) and the relay that finishes
 * in-band what an out-of-band call cannot do (wake the closer, free the
 * context).
 */
struct rtdm_backend_fd {
	struct evl_file efile;
	struct irq_work relay;
	struct work_struct work;
	unsigned long pending;	/* RTDM_FD_FINISH_* bits */
};

struct rtdm_fd;
struct oob_poll_wait;

ssize_t rtdm_evl_oob_read(struct file *filp, char __user *buf, size_t size);
ssize_t rtdm_evl_oob_write(struct file *filp, const char __user *buf,
			   size_t size);
long rtdm_evl_oob_ioctl(struct file *filp, unsigned int request,
			unsigned long arg);
__poll_t rtdm_evl_oob_poll(struct file *filp, struct oob_poll_wait *wait);

#define RTDM_BACKEND_FOPS			\
	.oob_read = rtdm_evl_oob_read,		\
	.oob_write = rtdm_evl_oob_write,	\
	.oob_ioctl = rtdm_evl_oob_ioctl,	\
	.oob_poll = rtdm_evl_oob_poll,

int rtdm_backend_fd_open(struct rtdm_fd *fd);
void rtdm_backend_fd_release(struct rtdm_fd *fd);
/*
 * Out-of-band, the last call of a closing fd and the last reference of a
 * context leave their in-band work (wake-up, free) to the relay.
 */
bool rtdm_backend_fd_defer(struct rtdm_fd *fd, unsigned int what);

/*
 * Interrupt the RTDM wait @task is in (the core revokes a call): an
 * out-of-band wait through EVL, an in-band one like a signal would.
 */
void rtdm_backend_kick(struct task_struct *task);

/* May a handler of the given kind run here? */
static inline bool rtdm_backend_may_run(bool rt_handler)
{
	return rt_handler ? running_oob() : running_inband();
}

/*
 * User copies: raw out-of-band (no might_fault(), as EVL's own oob paths
 * do), the regular accessors in-band. Return the bytes not copied.
 */
static inline unsigned long
rtdm_backend_copy_from_user(void *dst, const void __user *src, size_t size)
{
	if (running_inband())
		return copy_from_user(dst, src, size);
	if (!access_ok(src, size))
		return size;
	return raw_copy_from_user(dst, src, size);
}

static inline unsigned long
rtdm_backend_copy_to_user(void __user *dst, const void *src, size_t size)
{
	if (running_inband())
		return copy_to_user(dst, src, size);
	if (!access_ok(dst, size))
		return size;
	return raw_copy_to_user(dst, src, size);
}

/*
 * The selector a select handler receives: an in-band poll() (@pt) or an
 * out-of-band one (@oob_wait, which may connect to at most
 * EVL_POLL_NR_CONNECTORS poll heads, once each).
 */
#define RTDM_EVL_SELECT_HEADS	4
struct rtdm_selector {
	struct file *file;
	struct poll_table_struct *pt;
	__poll_t mask;
	struct oob_poll_wait *oob_wait;
	struct evl_poll_head *heads[RTDM_EVL_SELECT_HEADS];
};

#endif /* _RTDM_BACKEND_EVL_H */
