/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTDM backend primitives: inband backend (mainline and PREEMPT_RT).
 *
 * Each backend folder provides this header, included by <rtdm/driver.h>,
 * with the types behind the RTDM services and the few operations that must
 * be inline. Everything here is real-time on PREEMPT_RT: raw spinlocks,
 * hard-mode hrtimers, SCHED_FIFO kthreads and IRQF_NO_THREAD handlers.
 */
#ifndef _RTDM_BACKEND_INBAND_H
#define _RTDM_BACKEND_INBAND_H

#include <linux/completion.h>
#include <linux/hardirq.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/rtmutex.h>
#include <linux/sched.h>
#include <linux/sched/rt.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define RTDM_BACKEND_NAME	"inband"

/* Locks: raw spinlocks stay spinning locks on PREEMPT_RT. */
typedef raw_spinlock_t rtdm_lock_t;
typedef unsigned long rtdm_lockctx_t;

#define RTDM_LOCK_UNLOCKED(__name)	__RAW_SPIN_LOCK_UNLOCKED(__name)
#define DEFINE_RTDM_LOCK(__name)	DEFINE_RAW_SPINLOCK(__name)
#define rtdm_lock_init(__lock)		raw_spin_lock_init(__lock)
#define rtdm_lock_get(__lock)		raw_spin_lock(__lock)
#define rtdm_lock_put(__lock)		raw_spin_unlock(__lock)
#define rtdm_lock_get_irqsave(__lock, __ctx)	\
	raw_spin_lock_irqsave(__lock, __ctx)
#define rtdm_lock_put_irqrestore(__lock, __ctx)	\
	raw_spin_unlock_irqrestore(__lock, __ctx)
#define rtdm_lock_irqsave(__ctx)	local_irq_save(__ctx)
#define rtdm_lock_irqrestore(__ctx)	local_irq_restore(__ctx)

/*
 * Real-time context: a task running a real-time scheduling policy
 * (SCHED_FIFO, SCHED_RR, SCHED_DEADLINE; rt_task() covers all three), or
 * hard interrupt context.
 */
static inline int rtdm_backend_in_rt_context(void)
{
	return in_hardirq() || rt_task(current);
}

/*
 * Blocking wait queue: raw lock, waiters queued by priority, woken from
 * any context including hard interrupts.
 */
struct rtdm_bwq {
	raw_spinlock_t lock;
	struct list_head waiters;
};

/*
 * Poll support: poll waiters sleep on a regular wait queue, which may not
 * be woken from hard interrupt context on PREEMPT_RT; wake-ups are relayed
 * through an irq_work.
 */
struct rtdm_pollwq {
	wait_queue_head_t wqh;
	struct irq_work work;
};

typedef struct rtdm_event {
	struct rtdm_bwq wq;
	unsigned long pending;
	bool destroyed;
	struct rtdm_pollwq poll;
} rtdm_event_t;

typedef struct rtdm_sem {
	struct rtdm_bwq wq;
	unsigned long value;
	bool destroyed;
	struct rtdm_pollwq poll;
} rtdm_sem_t;

/*
 * Condition wait queue: waiters and the caller's condition are guarded
 * by the raw lock of @wq (rtdm_waitqueue_lock()).
 */
typedef struct rtdm_waitqueue {
	struct rtdm_bwq wq;
	bool destroyed;
	struct rtdm_pollwq poll;
} rtdm_waitqueue_t;

#define rtdm_waitqueue_init(__wq)				\
do {								\
	rtdm_waitqueue_t *__rtdm_wqi = (__wq);			\
								\
	raw_spin_lock_init(&__rtdm_wqi->wq.lock);		\
	__rtdm_waitqueue_init(__rtdm_wqi);			\
} while (0)
void __rtdm_waitqueue_init(rtdm_waitqueue_t *wq);

#define rtdm_waitqueue_lock(__wq, __ctx)	\
	raw_spin_lock_irqsave(&(__wq)->wq.lock, __ctx)
#define rtdm_waitqueue_unlock(__wq, __ctx)	\
	raw_spin_unlock_irqrestore(&(__wq)->wq.lock, __ctx)

/*
 * rt_mutex for priority inheritance; @waiters lists the tasks waiting in
 * rtdm_mutex_timedlock(), for destroy and timeouts (mutex.c).
 */
typedef struct rtdm_mutex {
	struct rt_mutex lock;
	raw_spinlock_t wlock;
	struct list_head waiters;
	bool destroyed;
} rtdm_mutex_t;

typedef struct rtdm_timer {
	struct hrtimer hrt;
	void (*handler)(struct rtdm_timer *timer);
	ktime_t interval;
	clockid_t clock;
	bool in_handler;
	int handler_cpu;	/* where the handler runs, while in_handler */
	bool stop_in_handler;
	bool restart_in_handler;
	const char *name;
} rtdm_timer_t;

typedef struct rtdm_task {
	struct task_struct *kthread;
	void (*proc)(void *arg);
	void *arg;
	int priority;
	ktime_t period;
	ktime_t next;		/* next release date, monotonic */
	bool unblocked;
	bool stopping;		/* rtdm_task_destroy() in progress */
	struct completion exited;
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

typedef struct rtdm_nrtsig {
	struct work_struct work;
	void (*handler)(struct rtdm_nrtsig *nrt_sig, void *arg);
	void *arg;
} rtdm_nrtsig_t;

/*
 * The seam with the fd layer: per-fd backend state, the hooks run when an
 * RTDM file is created and released, and extra file operations (an evl
 * backend binds files to EVL here and adds the oob_* handlers). The inband
 * backend serves everything through the regular file operations.
 */
struct rtdm_backend_fd {
};

#define RTDM_BACKEND_FOPS

struct rtdm_fd;

static inline int rtdm_backend_fd_open(struct rtdm_fd *fd)
{
	return 0;
}

static inline void rtdm_backend_fd_release(struct rtdm_fd *fd)
{
}

/* The fd layer never has to defer in-band work on this backend. */
static inline bool rtdm_backend_fd_defer(struct rtdm_fd *fd, unsigned int what)
{
	return false;
}

/* Both kinds of handlers may run in any task context here. */
static inline bool rtdm_backend_may_run(bool rt_handler)
{
	return true;
}

/* User copies; the bytes not copied. */
static inline unsigned long
rtdm_backend_copy_from_user(void *dst, const void __user *src, size_t size)
{
	return copy_from_user(dst, src, size);
}

static inline unsigned long
rtdm_backend_copy_to_user(void __user *dst, const void *src, size_t size)
{
	return copy_to_user(dst, src, size);
}

/*
 * Make the RTDM wait @task is in, or the next one it starts, fail with
 * -EINTR (the core revokes a call in progress and wakes the task next,
 * outside its lock): TIF_NOTIFY_SIGNAL makes signal_pending() true until
 * the task returns to user space, where the kernel clears it, like a
 * signal without a handler.
 */
static inline void rtdm_backend_kick(struct task_struct *task)
{
	set_tsk_thread_flag(task, TIF_NOTIFY_SIGNAL);
}

/* The selector a select handler receives: the poll() request in progress. */
struct rtdm_selector {
	struct file *file;
	struct poll_table_struct *pt;
	__poll_t mask;
};

#endif /* _RTDM_BACKEND_INBAND_H */
