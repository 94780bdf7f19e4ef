/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTDM driver API.
 *
 * This is the only header a driver includes. It follows Xenomai 3's RTDM
 * driver interface so that drivers port with little change; the services
 * behind it are provided by the backend the core was built with (evl on a
 * Dovetail kernel running the EVL core, inband on mainline and PREEMPT_RT).
 *
 * Timeouts follow RTDM: 0 waits forever, a negative value never blocks
 * (-EWOULDBLOCK), a positive value is a relative delay in nanoseconds
 * (-ETIMEDOUT when it elapses). Waits may also fail with -EINTR (a signal,
 * rtdm_task_unblock(), or the core revoking the call because the caller's
 * process closed its descriptor) and -EIDRM (the object was destroyed):
 * handlers then return an error at once.
 *
 * Calling contexts. Every service states where it may be called
 * ("Context:") and whether it may sleep:
 *
 *   rt       real-time context: an _rt handler, an RTDM task, an RTDM
 *            timer or interrupt handler. On the evl backend this is the
 *            out-of-band stage; on the inband backend a task with a
 *            real-time policy or an RTDM task, and hard interrupt context.
 *   in-band  regular Linux context: module init/exit, probe/remove, the
 *            open, socket, close and mmap handlers, _nrt handlers, nrt
 *            signal handlers, Linux file operations of companion devices.
 *   task     task context on either stage (not an interrupt handler).
 *   any      any context, interrupt handlers of both stages included.
 *
 * The rules that let one driver run unchanged on both backends:
 * - Waits on events, semaphores and condition wait queues, and
 *   rtdm_task_sleep*(), are allowed in any task context: the evl backend
 *   keeps real-time and in-band waiters apart. Mutexes are for rt context
 *   only (their priority inheritance acts on the real-time stage); in-band
 *   code serialises with a Linux mutex, or with an rtdm_lock against rt
 *   code.
 * - Setup is in-band: registration, allocations sized by user input,
 *   interrupt requests, clocks, firmware, tasks. _rt handlers do not call
 *   Linux services that may sleep.
 * - An _rt handler returning -ENOSYS makes the core run the _nrt handler
 *   in-band: on evl the caller leaves the real-time stage for it (the
 *   library retries the call in-band), and vice versa.
 * - Nothing sleeps in an interrupt or timer handler, or with an rtdm_lock
 *   held.
 * Debug builds (make RTDM_DEBUG=1) check the rt-only and in-band-only
 * rules where the backend can tell the context.
 */
#ifndef _RTDM_DRIVER_H
#define _RTDM_DRIVER_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <rtdm/compat.h>
#include <rtdm/uapi/rtdm.h>

struct rtdm_fd;
struct rtdm_device;
struct rtdm_driver;
struct rtdm_selector;
typedef struct rtdm_selector rtdm_selector_t;

enum rtdm_selecttype {
	RTDM_SELECTTYPE_READ = 0,
	RTDM_SELECTTYPE_WRITE = 1,
	RTDM_SELECTTYPE_EXCEPT = 2,
};

enum rtdm_timer_mode {
	RTDM_TIMERMODE_RELATIVE = 0,	/* expiry relative to now */
	RTDM_TIMERMODE_ABSOLUTE = 1,	/* absolute date, monotonic clock */
	RTDM_TIMERMODE_REALTIME = 2,	/* absolute date, wall clock */
};

/* Backend primitives: lock, wait, timer, task, irq and nrtsig types. */
#include <rtdm_backend.h>

/* ------------------------------------------------------------------ */
/* Device flags and profiles                                          */
/* ------------------------------------------------------------------ */

#define RTDM_EXCLUSIVE		0x0001	/* one open instance at a time */
#define RTDM_FIXED_MINOR	0x0002	/* use rtdm_device.minor verbatim */
#define RTDM_NAMED_DEVICE	0x0010	/* /dev/rtdm/<label> */
#define RTDM_PROTOCOL_DEVICE	0x0020	/* (family, type) socket */
#define RTDM_DEVICE_TYPE_MASK	0x00F0
#define RTDM_MAX_MINOR		4096

#define RTDM_CLASS_MAGIC	0x8284636c

struct rtdm_profile_info {
	const char *name;	/* class name, also the chrdev region name */
	int class_id;
	int subclass_id;
	int version;
	unsigned int magic;
	struct module *owner;
	struct class *kdev_class;	/* NULL: the "rtdm" class */
};

#define RTDM_PROFILE_INFO(__name, __id, __subid, __version)	\
{								\
	.name = #__name,					\
	.class_id = (__id),					\
	.subclass_id = (__subid),				\
	.version = (__version),					\
	.magic = ~RTDM_CLASS_MAGIC,				\
	.owner = THIS_MODULE,					\
	.kdev_class = NULL,					\
}

/*
 * Handlers of a device. The _rt variants serve real-time callers, the
 * _nrt variants the others; a handler returning -ENOSYS (or left NULL
 * while its sibling exists) makes the core run the other one. With both
 * NULL, ioctl fails with -ENOTTY and read/write/recvmsg/sendmsg with
 * -EBADF. RTIOC_DEVICE_INFO is answered by the core.
 *
 * open/socket/close/mmap always run in-band, in task context. For
 * recvmsg/sendmsg the struct user_msghdr has been copied into the kernel;
 * the iovecs, name and control buffers it points to are still user memory.
 */
struct rtdm_fd_ops {
	int (*open)(struct rtdm_fd *fd, int oflags);
	int (*socket)(struct rtdm_fd *fd, int protocol);
	void (*close)(struct rtdm_fd *fd);
	int (*ioctl_rt)(struct rtdm_fd *fd, unsigned int request,
			void __user *arg);
	int (*ioctl_nrt)(struct rtdm_fd *fd, unsigned int request,
			 void __user *arg);
	ssize_t (*read_rt)(struct rtdm_fd *fd, void __user *buf, size_t size);
	ssize_t (*read_nrt)(struct rtdm_fd *fd, void __user *buf, size_t size);
	ssize_t (*write_rt)(struct rtdm_fd *fd, const void __user *buf,
			    size_t size);
	ssize_t (*write_nrt)(struct rtdm_fd *fd, const void __user *buf,
			     size_t size);
	ssize_t (*recvmsg_rt)(struct rtdm_fd *fd, struct user_msghdr *msg,
			      int flags);
	ssize_t (*recvmsg_nrt)(struct rtdm_fd *fd, struct user_msghdr *msg,
			       int flags);
	ssize_t (*sendmsg_rt)(struct rtdm_fd *fd,
			      const struct user_msghdr *msg, int flags);
	ssize_t (*sendmsg_nrt)(struct rtdm_fd *fd,
			       const struct user_msghdr *msg, int flags);
	int (*select)(struct rtdm_fd *fd, rtdm_selector_t *selector,
		      unsigned int type, unsigned int index);
	int (*mmap)(struct rtdm_fd *fd, struct vm_area_struct *vma);
};

/*
 * A driver: one profile, one set of handlers, up to device_count devices.
 * Must be writable (the core keeps runtime data in it).
 */
struct rtdm_driver {
	struct rtdm_profile_info profile_info;
	int device_flags;
	size_t context_size;	/* zeroed private area of each open fd */
	int protocol_family;	/* protocol devices only */
	int socket_type;	/* protocol devices only */
	struct rtdm_fd_ops ops;
	int device_count;
	int base_minor;
	/* Core-private below. */
	struct {
		dev_t devt;
		struct cdev cdev;
	} named;
	int refcount;
	unsigned long *minor_map;
	struct xarray devices;	/* minor -> struct rtdm_device */
};

/* A device instance of a driver. */
struct rtdm_device {
	struct rtdm_driver *driver;
	void *device_data;	/* driver cookie */
	const char *label;	/* first %d is replaced by the minor */
	int minor;		/* in with RTDM_FIXED_MINOR, else out */
	/* Core-private below. */
	unsigned int magic;
	char *name;
	dev_t rdev;
	struct device *kdev;
	struct class *kdev_class;
	atomic_t refcount;	/* open fds */
	struct list_head openfd_list;
	struct list_head link;	/* global device list */
	bool dead;
	unsigned long open_count;	/* statistics */
};

/* Context: in-band, may sleep (the three of them). */
int rtdm_dev_register(struct rtdm_device *dev);
void rtdm_dev_unregister(struct rtdm_device *dev);
int rtdm_drv_set_sysclass(struct rtdm_driver *drv, struct class *cls);

static inline struct device *rtdm_dev_to_kdev(struct rtdm_device *device)
{
	return device->kdev;
}

/* ------------------------------------------------------------------ */
/* File descriptors                                                   */
/* ------------------------------------------------------------------ */

#define RTDM_FD_MAGIC		0x52544446

/*
 * An open RTDM file (named device or socket).
 *
 * Life cycle, the same on every backend:
 * - Each call into a handler runs with a reference on the fd; the open
 *   file holds one, and so does each rtdm_fd_lock().
 * - When a process closes its last descriptor of the file (close(),
 *   dup2() over it, exit, exec with O_CLOEXEC), the calls that the threads
 *   sharing that descriptor table have in progress on the file are
 *   interrupted: RTDM waits return -EINTR to the handler, and the call
 *   returns -EBADF to user space. Descriptors of the same file held by
 *   other processes (fork, SCM_RIGHTS) are not affected.
 * - The driver's close handler runs once, when the file is released (no
 *   descriptor left anywhere and no call in progress) or when the device
 *   is unregistered, in a kernel worker: in-band, task context, no signal
 *   pending. Calls on the fd fail with -EBADF from then on (-ENODEV once
 *   the device is gone).
 * - The context (private area included) is freed when the last reference
 *   is dropped, which rtdm_fd_lock() holders may delay past close.
 */
struct rtdm_fd {
	unsigned int magic;
	struct rtdm_fd_ops *ops;
	struct file *file;	/* NULL once the file is released */
	int minor;
	int oflags;		/* open flags when there is no file */
	unsigned long state;	/* RTDM_FD_* bits */
	refcount_t refs;	/* open file + calls in progress + locks */
	pid_t owner;		/* tgid of the opener, for status output */
	char comm[TASK_COMM_LEN];
	struct list_head next;	/* on the device's open fd list */
	void *mmap_req;		/* rtdm_mmap_to_user() in progress */
	/* Core-private below. */
	rtdm_lock_t calls_lock;
	struct list_head calls;	/* calls in progress (struct rtdm_fd_call) */
	unsigned int ncalls;
	struct module *module;	/* the driver's, pinned while the fd exists */
	struct work_struct close_work;
	struct completion close_done;
	struct rtdm_backend_fd backend;
};

#define RTDM_FD_CLOSED		0	/* state bits: no new call or lock */
#define RTDM_FD_BACKEND		1	/* bound to the backend */
#define RTDM_FD_REVOKED		2	/* the device was unregistered */
#define RTDM_FD_CLOSE_RUN	3	/* the close handler was started */
#define RTDM_FD_DETACHED	4	/* off the device's list and count */

struct rtdm_dev_context {
	struct rtdm_fd fd;
	struct rtdm_device *device;
	char dev_private[] __aligned(sizeof(long long));
};

static inline struct rtdm_dev_context *rtdm_fd_to_context(struct rtdm_fd *fd)
{
	return container_of(fd, struct rtdm_dev_context, fd);
}

static inline void *rtdm_fd_to_private(struct rtdm_fd *fd)
{
	return &rtdm_fd_to_context(fd)->dev_private[0];
}

static inline struct rtdm_fd *rtdm_private_to_fd(void *dev_private)
{
	struct rtdm_dev_context *ctx;

	ctx = container_of(dev_private, struct rtdm_dev_context, dev_private);
	return &ctx->fd;
}

static inline struct rtdm_device *rtdm_fd_device(struct rtdm_fd *fd)
{
	return rtdm_fd_to_context(fd)->device;
}

static inline bool rtdm_fd_is_user(struct rtdm_fd *fd)
{
	return true;	/* every fd is opened from user space here */
}

static inline int rtdm_fd_minor(const struct rtdm_fd *fd)
{
	return fd->minor;
}

/*
 * Open flags; reflects fcntl(F_SETFL) changes such as O_NONBLOCK while the
 * file exists, the flags it had when released afterwards.
 */
int rtdm_fd_flags(const struct rtdm_fd *fd);

static inline int rtdm_fd_is_compat(const struct rtdm_fd *fd)
{
	return 0;
}

/*
 * Take/drop a reference on an fd so that its context stays valid while
 * used outside of its own handlers (e.g. a peer socket). -EIDRM once the
 * fd is closed. A lock does not delay the close handler; dropping the
 * last reference frees the context. Any task context, no RTDM lock held.
 */
int rtdm_fd_lock(struct rtdm_fd *fd);
void rtdm_fd_unlock(struct rtdm_fd *fd);	/* Context: task, no rtdm_lock held */

/* ------------------------------------------------------------------ */
/* Clock and timeouts                                                 */
/* ------------------------------------------------------------------ */

/*
 * rtdm_clock_read() reads the monotonic clock (CLOCK_MONOTONIC), the base
 * of every timeout, timer and timestamp of this framework; user space
 * compares against clock_gettime(CLOCK_MONOTONIC). This differs from
 * Xenomai 3, where it read the wall clock: use rtdm_clock_read_realtime()
 * for that.
 */
/* Context: any. */
nanosecs_abs_t rtdm_clock_read(void);
nanosecs_abs_t rtdm_clock_read_monotonic(void);
nanosecs_abs_t rtdm_clock_read_realtime(void);

/* A timeout sequence: an absolute deadline shared by successive waits. */
typedef nanosecs_abs_t rtdm_toseq_t;

static inline void rtdm_toseq_init(rtdm_toseq_t *timeout_seq,
				   nanosecs_rel_t timeout)
{
	*timeout_seq = rtdm_clock_read_monotonic() + timeout;
}

/* ------------------------------------------------------------------ */
/* Tasks                                                              */
/* ------------------------------------------------------------------ */

#define RTDM_TASK_LOWEST_PRIORITY	0
#define RTDM_TASK_HIGHEST_PRIORITY	99
#define RTDM_TASK_RAISE_PRIORITY	1
#define RTDM_TASK_LOWER_PRIORITY	(-1)

typedef void (*rtdm_task_proc_t)(void *arg);

/*
 * Starts the task at once; @period 0 for a non-periodic task. RTDM tasks
 * run in rt context (out-of-band on evl).
 * Context: in-band, may sleep.
 */
int rtdm_task_init(rtdm_task_t *task, const char *name,
		   rtdm_task_proc_t task_proc, void *arg,
		   int priority, nanosecs_rel_t period);
/*
 * Asks the task to stop, unblocks it and waits for it to exit.
 * Context: in-band, may sleep; not from the task itself.
 */
void rtdm_task_destroy(rtdm_task_t *task);
/* Waits for the task's procedure to return. Context: task, may sleep. */
void rtdm_task_join(rtdm_task_t *task);
/* Context: the task itself. */
int rtdm_task_should_stop(void);
/* Context: task. */
void rtdm_task_set_priority(rtdm_task_t *task, int priority);
int rtdm_task_set_period(rtdm_task_t *task, nanosecs_abs_t start_date,
			 nanosecs_rel_t period);
/*
 * -ETIMEDOUT when periods were missed (count in *overruns_r), -EINTR.
 * Context: the periodic task itself, may sleep.
 */
int rtdm_task_wait_period(unsigned long *overruns_r);
/* Context: any. */
int rtdm_task_unblock(rtdm_task_t *task);
/* The RTDM task running, or NULL. Context: task. */
rtdm_task_t *rtdm_task_current(void);
/* Context: task (both stages), may sleep. */
int rtdm_task_sleep(nanosecs_rel_t delay);
int rtdm_task_sleep_abs(nanosecs_abs_t wakeup, enum rtdm_timer_mode mode);
int rtdm_task_sleep_until(nanosecs_abs_t wakeup_time);
/* Spins. Context: any. */
void rtdm_task_busy_sleep(nanosecs_rel_t delay);
/*
 * The real-time priority the calling task runs at now, priority
 * inheritance included, -1 when it is not real-time. For diagnostics and
 * tests. Context: task.
 */
int rtdm_task_current_priority(void);

/* ------------------------------------------------------------------ */
/* Timers                                                             */
/* ------------------------------------------------------------------ */

/* Timer handlers run in rt context with interrupts off: they never sleep. */
typedef void (*rtdm_timer_handler_t)(rtdm_timer_t *timer);

/* Context: task. */
int rtdm_timer_init(rtdm_timer_t *timer, rtdm_timer_handler_t handler,
		    const char *name);
/* Waits for a running handler. Context: task; not from the handler. */
void rtdm_timer_destroy(rtdm_timer_t *timer);
/*
 * @interval 0: one-shot. -ETIMEDOUT if an absolute one-shot expiry is
 * already in the past. From the timer's own handler it re-arms the timer
 * once the handler returns (the clock of @mode must then be the one the
 * timer runs on, else -EINVAL).
 * Context: any.
 */
int rtdm_timer_start(rtdm_timer_t *timer, nanosecs_abs_t expiry,
		     nanosecs_rel_t interval, enum rtdm_timer_mode mode);
/*
 * From another context it waits for a running handler; from the timer's
 * own handler it only keeps it from being re-armed. Context: any.
 */
void rtdm_timer_stop(rtdm_timer_t *timer);
/* Context: the timer's own handler only. */
int rtdm_timer_start_in_handler(rtdm_timer_t *timer, nanosecs_abs_t expiry,
				nanosecs_rel_t interval,
				enum rtdm_timer_mode mode);
void rtdm_timer_stop_in_handler(rtdm_timer_t *timer);

/* ------------------------------------------------------------------ */
/* Synchronisation                                                    */
/* ------------------------------------------------------------------ */

/*
 * Events and semaphores: init and destroy from task context; signal,
 * pulse, clear and up from any context; waits from task context on
 * either stage, may sleep.
 */
void rtdm_event_init(rtdm_event_t *event, unsigned long pending);
/* Wakes every waiter with -EIDRM. */
void rtdm_event_destroy(rtdm_event_t *event);
/* Sets the event and wakes all waiters. */
void rtdm_event_signal(rtdm_event_t *event);
/* Wakes the current waiters without leaving the event set. */
void rtdm_event_pulse(rtdm_event_t *event);
void rtdm_event_clear(rtdm_event_t *event);
int rtdm_event_wait(rtdm_event_t *event);
/* Consumes a pending event; see the timeout rules at the top. */
int rtdm_event_timedwait(rtdm_event_t *event, nanosecs_rel_t timeout,
			 rtdm_toseq_t *timeout_seq);
/* From a select handler. */
int rtdm_event_select(rtdm_event_t *event, rtdm_selector_t *selector,
		      enum rtdm_selecttype type, unsigned int fd_index);

void rtdm_sem_init(rtdm_sem_t *sem, unsigned long value);
void rtdm_sem_destroy(rtdm_sem_t *sem);
int rtdm_sem_down(rtdm_sem_t *sem);
int rtdm_sem_timeddown(rtdm_sem_t *sem, nanosecs_rel_t timeout,
		       rtdm_toseq_t *timeout_seq);
void rtdm_sem_up(rtdm_sem_t *sem);
int rtdm_sem_select(rtdm_sem_t *sem, rtdm_selector_t *selector,
		    enum rtdm_selecttype type, unsigned int fd_index);

/*
 * Condition wait queues (Xenomai 3's rtdm_waitqueue). The queue's lock,
 * taken with rtdm_waitqueue_lock(wq, ctx) and released with
 * rtdm_waitqueue_unlock(wq, ctx) (irqsave semantics, provided by the
 * backend header), guards the waiters and the caller's condition: change
 * the condition and wake the waiters with the lock held, and test it in
 * rtdm_timedwait_condition_locked(), which sleeps with the lock dropped.
 *
 * Tasks of both stages may wait (task context, may sleep; interrupts
 * enabled when the lock was taken); signal, broadcast and flush from any
 * context with the lock held. A wait returns 0 once the condition holds,
 * or -ETIMEDOUT, -EWOULDBLOCK (negative timeout), -EINTR (signal,
 * rtdm_task_unblock(), rtdm_waitqueue_flush() or a revoked call) or
 * -EIDRM (rtdm_waitqueue_destroy()).
 */
/*
 * rtdm_waitqueue_init(wq) comes from the backend header: each call site
 * gives its queues a lock class of their own, so that lock validators
 * accept a driver nesting two kinds of queue locks.
 */
/* Wakes every waiter with -EIDRM; later waits fail with -EIDRM. Unlocked. */
void rtdm_waitqueue_destroy(rtdm_waitqueue_t *wq);
/*
 * Lock held: sleep once, until woken (0), a signal (-EINTR) or the
 * timeout; @toseq, if not NULL, holds the deadline of a positive timeout.
 */
int rtdm_timedwait_locked(rtdm_waitqueue_t *wq, nanosecs_rel_t timeout,
			  rtdm_toseq_t *toseq);
/*
 * Lock held: wake the most urgent waiter, all waiters, or all waiters
 * with -EINTR. Poll waiters are woken too. True if a task was woken.
 */
bool rtdm_waitqueue_signal(rtdm_waitqueue_t *wq);
bool rtdm_waitqueue_broadcast(rtdm_waitqueue_t *wq);
bool rtdm_waitqueue_flush(rtdm_waitqueue_t *wq);
/*
 * For select handlers: bind @wq to @selector for @type, @ready telling
 * whether the driver's condition for @type holds now.
 */
void rtdm_waitqueue_select(rtdm_waitqueue_t *wq, rtdm_selector_t *selector,
			   enum rtdm_selecttype type, bool ready);
/*
 * For the poll() method of a plain Linux file a driver serves beside its
 * RTDM devices (e.g. a companion character device): wake-ups of @wq
 * re-run the poll; the driver computes the mask itself.
 */
void rtdm_waitqueue_poll_wait(rtdm_waitqueue_t *wq, struct file *filp,
			      struct poll_table_struct *pt);

#define rtdm_timedwait_condition_locked(__wq, __cond, __timeout, __toseq) \
({									\
	nanosecs_rel_t __rtdm_to = (__timeout);				\
	rtdm_toseq_t __rtdm_seq, *__rtdm_ts = (__toseq);		\
	int __rtdm_ret = 0;						\
									\
	if (!__rtdm_ts && __rtdm_to > 0) {				\
		rtdm_toseq_init(&__rtdm_seq, __rtdm_to);		\
		__rtdm_ts = &__rtdm_seq;				\
	}								\
	while (!__rtdm_ret && !(__cond))				\
		__rtdm_ret = rtdm_timedwait_locked(__wq, __rtdm_to,	\
						   __rtdm_ts);		\
	__rtdm_ret;							\
})

#define rtdm_wait_condition_locked(__wq, __cond)			\
	rtdm_timedwait_condition_locked(__wq, __cond, 0, NULL)

#define rtdm_timedwait_condition(__wq, __cond, __timeout, __toseq)	\
({									\
	rtdm_waitqueue_t *__rtdm_wq = (__wq);				\
	rtdm_lockctx_t __rtdm_ctx;					\
	int __rtdm_wret;						\
									\
	rtdm_waitqueue_lock(__rtdm_wq, __rtdm_ctx);			\
	__rtdm_wret = rtdm_timedwait_condition_locked(__rtdm_wq, __cond, \
						      __timeout, __toseq); \
	rtdm_waitqueue_unlock(__rtdm_wq, __rtdm_ctx);			\
	__rtdm_wret;							\
})

#define rtdm_wait_condition(__wq, __cond)				\
	rtdm_timedwait_condition(__wq, __cond, 0, NULL)

/*
 * Priority-inheriting, non-recursive. Every locker that has to wait, with
 * a timeout or without, boosts the owner while it waits. Lock and unlock:
 * rt context only, may sleep (in-band code uses a Linux mutex); init and
 * destroy: task context. Destroy fails the waiters with -EIDRM; a lock
 * may also fail with -EINTR (see the top).
 */
void rtdm_mutex_init(rtdm_mutex_t *mutex);
void rtdm_mutex_destroy(rtdm_mutex_t *mutex);
int rtdm_mutex_lock(rtdm_mutex_t *mutex);
int rtdm_mutex_timedlock(rtdm_mutex_t *mutex, nanosecs_rel_t timeout,
			 rtdm_toseq_t *timeout_seq);
void rtdm_mutex_unlock(rtdm_mutex_t *mutex);

/*
 * Spinlocks (rtdm_lock_t) disable preemption and, with the _irqsave
 * forms, interrupts of the real-time stage; they are provided by the
 * backend header:
 *   DEFINE_RTDM_LOCK(l), rtdm_lock_init(l), rtdm_lock_get(l),
 *   rtdm_lock_put(l), rtdm_lock_get_irqsave(l, ctx),
 *   rtdm_lock_put_irqrestore(l, ctx), rtdm_lock_irqsave(ctx),
 *   rtdm_lock_irqrestore(ctx).
 */

/* ------------------------------------------------------------------ */
/* Interrupts                                                         */
/* ------------------------------------------------------------------ */

#define RTDM_IRQ_NONE		0x1	/* not our interrupt */
#define RTDM_IRQ_HANDLED	0x2	/* handled */
#define RTDM_IRQ_DISABLE	0x4	/* or'ed: leave the line disabled */

#define RTDM_IRQTYPE_SHARED	0x1
#define RTDM_IRQTYPE_EDGE	0x2

/* Interrupt handlers run in rt context, hard interrupts off: no sleep. */
typedef int (*rtdm_irq_handler_t)(rtdm_irq_t *irq_handle);

/*
 * The line is enabled on return.
 * Context (request, free): in-band, may sleep.
 */
int rtdm_irq_request(rtdm_irq_t *irq_handle, unsigned int irq_no,
		     rtdm_irq_handler_t handler, unsigned long flags,
		     const char *device_name, void *arg);
int rtdm_irq_free(rtdm_irq_t *irq_handle);
/*
 * Context (enable, disable): any, the line's own handler included;
 * disable does not wait for a handler running on another CPU.
 */
int rtdm_irq_enable(rtdm_irq_t *irq_handle);
int rtdm_irq_disable(rtdm_irq_t *irq_handle);

#define rtdm_irq_get_arg(irq_handle, type)	((type *)(irq_handle)->cookie)

struct irq_domain;

/*
 * For interrupt controllers emulated in software (a test gpiochip):
 * raises @hwirq of @domain as if the hardware had, so that each handler
 * runs in the stage it was requested for (rtdm_irq_request() handlers
 * out-of-band on evl, request_irq() ones in-band). Returns 0, or -EINVAL
 * if @hwirq has no mapping.
 * Context: hard interrupt context of the in-band stage (an irq_work
 * marked IRQ_WORK_HARD_IRQ), with hard interrupts on; no sleep.
 */
int rtdm_irq_handle_domain(struct irq_domain *domain, unsigned int hwirq);

/* ------------------------------------------------------------------ */
/* Non-real-time signalling: real-time context -> in-band work         */
/* ------------------------------------------------------------------ */

typedef void (*rtdm_nrtsig_handler_t)(rtdm_nrtsig_t *nrt_sig, void *arg);

/* Context: task (init); in-band, may sleep (destroy: waits for it). */
int rtdm_nrtsig_init(rtdm_nrtsig_t *nrt_sig, rtdm_nrtsig_handler_t handler,
		     void *arg);
void rtdm_nrtsig_destroy(rtdm_nrtsig_t *nrt_sig);
/*
 * The handler runs later, in-band, in task context (it may sleep);
 * pending it again before it ran runs it once. Context: any.
 */
void rtdm_nrtsig_pend(rtdm_nrtsig_t *nrt_sig);
/* Queues @lostage_work on the system workqueue. Context: any. */
void rtdm_schedule_nrt_work(struct work_struct *lostage_work);

/* ------------------------------------------------------------------ */
/* Memory and user space access                                       */
/* ------------------------------------------------------------------ */

/*
 * Memory usable from rt context (EVL's heap on evl). Context: task, both
 * stages; not from interrupt handlers.
 */
void *rtdm_malloc(size_t size);
void rtdm_free(void *ptr);

static inline int rtdm_read_user_ok(struct rtdm_fd *fd,
				    const void __user *ptr, size_t size)
{
	return access_ok(ptr, size);
}

static inline int rtdm_rw_user_ok(struct rtdm_fd *fd,
				  const void __user *ptr, size_t size)
{
	return access_ok(ptr, size);
}

/*
 * User copies. Context: task, both stages (raw copies out-of-band on evl);
 * 0 or -EFAULT.
 */
static inline int rtdm_copy_from_user(struct rtdm_fd *fd, void *dst,
				      const void __user *src, size_t size)
{
	return rtdm_backend_copy_from_user(dst, src, size) ? -EFAULT : 0;
}

static inline int rtdm_safe_copy_from_user(struct rtdm_fd *fd, void *dst,
					   const void __user *src, size_t size)
{
	return rtdm_backend_copy_from_user(dst, src, size) ? -EFAULT : 0;
}

static inline int rtdm_copy_to_user(struct rtdm_fd *fd, void __user *dst,
				    const void *src, size_t size)
{
	return rtdm_backend_copy_to_user(dst, src, size) ? -EFAULT : 0;
}

static inline int rtdm_safe_copy_to_user(struct rtdm_fd *fd, void __user *dst,
					 const void *src, size_t size)
{
	return rtdm_backend_copy_to_user(dst, src, size) ? -EFAULT : 0;
}

/*
 * Copies between a kernel buffer and an iov_iter (e.g. the iovecs of a
 * recvmsg/sendmsg), advancing it. Context: task, both stages. The bytes
 * copied.
 */
size_t rtdm_copy_to_iter(const void *src, size_t size, struct iov_iter *to);
size_t rtdm_copy_from_iter(void *dst, size_t size, struct iov_iter *from);

/* Returns the string length (without NUL), or -EFAULT. */
static inline int rtdm_strncpy_from_user(struct rtdm_fd *fd, char *dst,
					 const char __user *src, size_t count)
{
	return strncpy_from_user(dst, src, count);
}

/* iovec helpers for recvmsg/sendmsg handlers. */
#define RTDM_IOV_FASTMAX	16

int rtdm_get_iovec(struct rtdm_fd *fd, struct iovec **iov,
		   const struct user_msghdr *msg, struct iovec *iov_fast);
int rtdm_put_iovec(struct rtdm_fd *fd, struct iovec *iov,
		   const struct user_msghdr *msg, struct iovec *iov_fast);
void rtdm_drop_iovec(struct iovec *iov, struct iovec *iov_fast);
ssize_t rtdm_get_iov_flatlen(struct iovec *iov, int iovlen);

/* ------------------------------------------------------------------ */
/* Mapping memory to user space (in-band, task context)               */
/* ------------------------------------------------------------------ */

/* From an ioctl handler: map kmalloc'ed or vmalloc'ed memory. */
int rtdm_mmap_to_user(struct rtdm_fd *fd, void *src_addr, size_t len,
		      int prot, void **pptr,
		      const struct vm_operations_struct *vm_ops,
		      void *vm_private_data);
/* From an ioctl handler: map physical I/O memory. */
int rtdm_iomap_to_user(struct rtdm_fd *fd, phys_addr_t src_addr, size_t len,
		       int prot, void **pptr,
		       const struct vm_operations_struct *vm_ops,
		       void *vm_private_data);
int rtdm_munmap(void *ptr, size_t len);
/* From an mmap handler: map the vma onto kernel memory. */
int rtdm_mmap_kmem(struct vm_area_struct *vma, void *va);
int rtdm_mmap_vmem(struct vm_area_struct *vma, void *va);
int rtdm_mmap_iomem(struct vm_area_struct *vma, phys_addr_t pa);

/* ------------------------------------------------------------------ */
/* Utilities                                                          */
/* ------------------------------------------------------------------ */

/* True when the core is up and able to serve real-time requests. */
bool rtdm_available(void);
/* True when running in real-time context (see the backend). */
static inline int rtdm_in_rt_context(void)
{
	return rtdm_backend_in_rt_context();
}

/* True when the caller of @fd may be served by the _rt handlers. */
int rtdm_rt_capable(struct rtdm_fd *fd);

#define rtdm_printk(fmt, ...)	printk(fmt, ##__VA_ARGS__)
#define rtdm_printk_ratelimited(fmt, ...) \
	printk_ratelimited(fmt, ##__VA_ARGS__)

#endif /* _RTDM_DRIVER_H */
