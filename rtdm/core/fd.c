// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM file descriptors.
 *
 * Every RTDM fd is a real Linux file whose private data is an
 * rtdm_dev_context. Named devices are opened through their character
 * device node; protocol devices through the control device
 * /dev/rtdm/control, whose RTDM_CTL_SOCKET ioctl returns a new fd.
 *
 * Life cycle (see struct rtdm_fd in <rtdm/driver.h>): calls in progress
 * are listed on the fd with the descriptor table of their caller. When a
 * process closes its last descriptor of the file (flush with no other
 * descriptor of the file left in that table), the calls of that table are
 * revoked: the backend interrupts their RTDM waits and they return -EBADF.
 * The driver's close handler runs once, in a kernel worker, when the file
 * is released (no descriptor and no call left) or its device unregistered;
 * the context is freed on the last reference.
 *
 * Dispatch: a real-time caller is served by the _rt handler first, others
 * by the _nrt handler first; -ENOSYS from the first runs the second where
 * the backend lets it run (on evl an out-of-band caller gets -ENOSYS back
 * instead, and the library repeats the call in-band; and vice versa).
 * _RTIOC_RT_CALL asks for the real-time order whatever the caller's
 * policy (librtdm's SCHED_WEAK threads on the inband backend).
 */
#include <linux/anon_inodes.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include "internal.h"

/* Close handlers run here: in-band, task context, no signals. */
static struct workqueue_struct *rtdm_close_wq;

static void close_worker(struct work_struct *work)
{
	struct rtdm_fd *fd = container_of(work, struct rtdm_fd, close_work);

	if (fd->ops->close)
		fd->ops->close(fd);
	complete_all(&fd->close_done);
}

static struct rtdm_dev_context *alloc_context(struct rtdm_device *dev,
					      int oflags)
{
	struct rtdm_dev_context *ctx;

	ctx = kzalloc(sizeof(*ctx) + dev->driver->context_size, GFP_KERNEL);
	if (!ctx)
		return NULL;

	ctx->device = dev;
	ctx->fd.magic = RTDM_FD_MAGIC;
	ctx->fd.ops = &dev->driver->ops;
	ctx->fd.minor = dev->minor;
	ctx->fd.oflags = oflags;
	ctx->fd.owner = task_tgid_nr(current);
	get_task_comm(ctx->fd.comm, current);
	refcount_set(&ctx->fd.refs, 1);
	INIT_LIST_HEAD(&ctx->fd.next);
	rtdm_lock_init(&ctx->fd.calls_lock);
	INIT_LIST_HEAD(&ctx->fd.calls);
	ctx->fd.module = dev->driver->profile_info.owner;
	INIT_WORK(&ctx->fd.close_work, close_worker);
	init_completion(&ctx->fd.close_done);

	return ctx;
}

static void link_context(struct rtdm_dev_context *ctx)
{
	spin_lock(&rtdm_fd_list_lock);
	list_add_tail(&ctx->fd.next, &ctx->device->openfd_list);
	spin_unlock(&rtdm_fd_list_lock);
}

/* Take @ctx off its device's list and count, once. */
static void detach_context(struct rtdm_dev_context *ctx)
{
	if (test_and_set_bit(RTDM_FD_DETACHED, &ctx->fd.state))
		return;

	spin_lock(&rtdm_fd_list_lock);
	list_del_init(&ctx->fd.next);
	spin_unlock(&rtdm_fd_list_lock);
	rtdm_put_device(ctx->device);
}

/* Undo alloc_context() and the device lookup: no file, no handler ran. */
static void discard_context(struct rtdm_dev_context *ctx)
{
	struct module *owner = ctx->fd.module;

	rtdm_put_device(ctx->device);
	kfree(ctx);
	module_put(owner);
}

static void free_context(struct rtdm_dev_context *ctx)
{
	struct module *owner = ctx->fd.module;

	detach_context(ctx);
	kfree(ctx);
	module_put(owner);
}

void rtdm_fd_put(struct rtdm_fd *fd)
{
	if (refcount_dec_and_test(&fd->refs) &&
	    !rtdm_backend_fd_defer(fd, RTDM_FD_FINISH_FREE))
		free_context(rtdm_fd_to_context(fd));
}

void rtdm_fd_finish_inband(struct rtdm_fd *fd, unsigned int what)
{
	if (what == RTDM_FD_FINISH_DRAINED)
		wake_up_var(&fd->ncalls);
	else
		free_context(rtdm_fd_to_context(fd));
}

struct rtdm_fd *rtdm_fd_enter(struct file *filp, struct rtdm_fd_call *call)
{
	struct rtdm_dev_context *ctx = filp->private_data;
	struct rtdm_fd *fd = &ctx->fd;
	rtdm_lockctx_t c;

	rtdm_lock_get_irqsave(&fd->calls_lock, c);
	if (test_bit(RTDM_FD_CLOSED, &fd->state)) {
		rtdm_lock_put_irqrestore(&fd->calls_lock, c);
		return ERR_PTR(test_bit(RTDM_FD_REVOKED, &fd->state) ?
			       -ENODEV : -EBADF);
	}
	refcount_inc(&fd->refs);
	call->task = current;
	call->files = current->files;
	call->revoked = 0;
	list_add(&call->link, &fd->calls);
	fd->ncalls++;
	rtdm_lock_put_irqrestore(&fd->calls_lock, c);

	return fd;
}

long rtdm_fd_leave(struct rtdm_fd *fd, struct rtdm_fd_call *call, long ret)
{
	rtdm_lockctx_t c;
	bool drained;

	rtdm_lock_get_irqsave(&fd->calls_lock, c);
	list_del(&call->link);
	drained = !--fd->ncalls && test_bit(RTDM_FD_CLOSED, &fd->state);
	rtdm_lock_put_irqrestore(&fd->calls_lock, c);

	if (drained && !rtdm_backend_fd_defer(fd, RTDM_FD_FINISH_DRAINED))
		wake_up_var(&fd->ncalls);
	if (call->revoked && ret < 0)
		ret = call->revoked;
	rtdm_fd_put(fd);

	return ret;
}

/*
 * Revoke the calls in progress on @fd that tasks sharing @files (any task
 * with NULL) make: they return @err, their RTDM waits are interrupted.
 * With @shut, no call nor lock may start on @fd any more. In-band; the
 * tasks are woken outside the lock, a batch at a time.
 */
#define RTDM_KICK_BATCH	8

static void revoke_calls(struct rtdm_fd *fd, struct files_struct *files,
			 int err, bool shut)
{
	struct task_struct *tasks[RTDM_KICK_BATCH];
	struct rtdm_fd_call *call;
	rtdm_lockctx_t c;
	int n, k;

	do {
		n = 0;
		rtdm_lock_get_irqsave(&fd->calls_lock, c);
		if (shut) {
			if (err == -ENODEV)
				set_bit(RTDM_FD_REVOKED, &fd->state);
			set_bit(RTDM_FD_CLOSED, &fd->state);
		}
		list_for_each_entry(call, &fd->calls, link) {
			if (call->revoked || (files && call->files != files))
				continue;
			call->revoked = err;
			rtdm_backend_kick(call->task);
			get_task_struct(call->task);
			tasks[n++] = call->task;
			if (n == RTDM_KICK_BATCH)
				break;
		}
		rtdm_lock_put_irqrestore(&fd->calls_lock, c);

		for (k = 0; k < n; k++) {
			wake_up_process(tasks[k]);
			put_task_struct(tasks[k]);
		}
	} while (n == RTDM_KICK_BATCH);
}

/*
 * No new call or lock on @fd from now on; interrupt the calls in
 * progress with @err and wait until they have returned.
 */
static void shut_fd(struct rtdm_fd *fd, int err)
{
	revoke_calls(fd, NULL, err, true);
	wait_var_event(&fd->ncalls, !READ_ONCE(fd->ncalls));
}

/* Run the driver's close handler once, in the close worker; wait for it. */
static void run_close(struct rtdm_fd *fd)
{
	if (!test_and_set_bit(RTDM_FD_CLOSE_RUN, &fd->state))
		queue_work(rtdm_close_wq, &fd->close_work);
	wait_for_completion(&fd->close_done);
}

void rtdm_fd_revoke(struct rtdm_fd *fd)
{
	shut_fd(fd, -ENODEV);
	run_close(fd);
	detach_context(rtdm_fd_to_context(fd));
}

int rtdm_fd_flags(const struct rtdm_fd *fd)
{
	struct file *filp;
	int flags;

	/* A released file is freed after an RCU grace period. */
	rcu_read_lock();
	filp = READ_ONCE(fd->file);
	flags = filp ? READ_ONCE(filp->f_flags) : READ_ONCE(fd->oflags);
	rcu_read_unlock();

	return flags;
}
EXPORT_SYMBOL_GPL(rtdm_fd_flags);

int rtdm_fd_lock(struct rtdm_fd *fd)
{
	if (!refcount_inc_not_zero(&fd->refs))
		return -EIDRM;

	if (test_bit(RTDM_FD_CLOSED, &fd->state)) {
		rtdm_fd_put(fd);
		return -EIDRM;
	}

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_fd_lock);

void rtdm_fd_unlock(struct rtdm_fd *fd)
{
	rtdm_fd_put(fd);
}
EXPORT_SYMBOL_GPL(rtdm_fd_unlock);

/* Bind/unbind the file to the backend (e.g. EVL's file table). */
static int backend_open(struct rtdm_fd *fd)
{
	int ret = rtdm_backend_fd_open(fd);

	if (!ret)
		set_bit(RTDM_FD_BACKEND, &fd->state);

	return ret;
}

static void backend_release(struct rtdm_fd *fd)
{
	if (test_and_clear_bit(RTDM_FD_BACKEND, &fd->state))
		rtdm_backend_fd_release(fd);
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                           */
/* ------------------------------------------------------------------ */

#define DISPATCH(fd, rt, op, fallback_err, ...)				\
({									\
	struct rtdm_fd *__fd = (fd);					\
	bool __rt = (rt);						\
	typeof(__fd->ops->op##_rt) __first, __second;			\
	long __ret;							\
									\
	if (__rt) {							\
		__first = __fd->ops->op##_rt;				\
		__second = __fd->ops->op##_nrt;				\
	} else {							\
		__first = __fd->ops->op##_nrt;				\
		__second = __fd->ops->op##_rt;				\
	}								\
	if (!__first && !__second) {					\
		__ret = (fallback_err);					\
	} else {							\
		__ret = __first ? __first(__fd, ##__VA_ARGS__) : -ENOSYS;\
		if (__ret == -ENOSYS && __second &&			\
		    rtdm_backend_may_run(!__rt))			\
			__ret = __second(__fd, ##__VA_ARGS__);		\
	}								\
	__ret;								\
})

ssize_t rtdm_fd_dispatch_read(struct rtdm_fd *fd, void __user *buf,
			      size_t size, bool rt)
{
	return DISPATCH(fd, rt, read, -EBADF, buf, size);
}

ssize_t rtdm_fd_dispatch_write(struct rtdm_fd *fd, const void __user *buf,
			       size_t size, bool rt)
{
	return DISPATCH(fd, rt, write, -EBADF, buf, size);
}

static int device_info(struct rtdm_fd *fd, void __user *arg)
{
	struct rtdm_driver *drv = rtdm_fd_device(fd)->driver;
	struct rtdm_device_info info = {
		.device_flags = drv->device_flags,
		.device_class = drv->profile_info.class_id,
		.device_sub_class = drv->profile_info.subclass_id,
		.profile_version = drv->profile_info.version,
	};

	return rtdm_backend_copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

/*
 * sendmsg/recvmsg travel as ioctls carrying a struct _rtdm_msg_args: the
 * msghdr is copied in, the handler runs, the updated lengths and flags of
 * a received message are copied back and the byte count is stored in the
 * argument block.
 */
static int msg_ioctl(struct rtdm_fd *fd, void __user *arg, bool rt,
		     bool send)
{
	struct _rtdm_msg_args __user *uargs = arg;
	struct _rtdm_msg_args args;
	struct user_msghdr __user *umsg;
	struct user_msghdr msg;
	__s64 bytes;
	ssize_t ret;
	int flags;

	if (rtdm_backend_copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;

	umsg = args.msg;
	if (rtdm_backend_copy_from_user(&msg, umsg, sizeof(msg)))
		return -EFAULT;

	flags = args.flags;
	if (rtdm_fd_flags(fd) & O_NONBLOCK)
		flags |= MSG_DONTWAIT;

	if (send)
		ret = DISPATCH(fd, rt, sendmsg, -EBADF, &msg, flags);
	else
		ret = DISPATCH(fd, rt, recvmsg, -EBADF, &msg, flags);
	if (ret < 0)
		return ret;

	if (!send &&
	    (rtdm_backend_copy_to_user(&umsg->msg_namelen, &msg.msg_namelen,
				       sizeof(msg.msg_namelen)) ||
	     rtdm_backend_copy_to_user(&umsg->msg_controllen,
				       &msg.msg_controllen,
				       sizeof(msg.msg_controllen)) ||
	     rtdm_backend_copy_to_user(&umsg->msg_flags, &msg.msg_flags,
				       sizeof(msg.msg_flags))))
		return -EFAULT;

	bytes = ret;
	return rtdm_backend_copy_to_user(&uargs->bytes, &bytes, sizeof(bytes)) ?
		-EFAULT : 0;
}

/*
 * _RTIOC_RT_CALL: the call it carries, dispatched as for a real-time
 * caller. Only where the backend runs _rt handlers in the caller's stage.
 */
static int rt_call(struct rtdm_fd *fd, void __user *arg)
{
	struct _rtdm_rt_call c;
	void __user *uptr;

	if (!rtdm_backend_may_run(true))
		return -EOPNOTSUPP;

	if (rtdm_backend_copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;

	uptr = u64_to_user_ptr(c.arg);
	switch (c.op) {
	case _RTDM_RT_CALL_READ:
		if (c.len > MAX_RW_COUNT)
			return -EINVAL;
		return rtdm_fd_dispatch_read(fd, uptr, c.len, true);
	case _RTDM_RT_CALL_WRITE:
		if (c.len > MAX_RW_COUNT)
			return -EINVAL;
		return rtdm_fd_dispatch_write(fd, uptr, c.len, true);
	case _RTDM_RT_CALL_IOCTL:
		if (c.request == _RTIOC_RT_CALL)
			return -EINVAL;
		return rtdm_fd_dispatch_ioctl(fd, c.request, uptr, true);
	default:
		return -EINVAL;
	}
}

int rtdm_fd_dispatch_ioctl(struct rtdm_fd *fd, unsigned int request,
			   void __user *arg, bool rt)
{
	int ret;

	switch (request) {
	case _RTIOC_SENDMSG:
		return msg_ioctl(fd, arg, rt, true);
	case _RTIOC_RECVMSG:
		return msg_ioctl(fd, arg, rt, false);
	case _RTIOC_RT_CALL:
		return rt_call(fd, arg);
	}

	ret = DISPATCH(fd, rt, ioctl, -ENOTTY, request, arg);
	if (ret < 0 && request == RTIOC_DEVICE_INFO)
		ret = device_info(fd, arg);

	return ret;
}

/* ------------------------------------------------------------------ */
/* File operations                                                    */
/* ------------------------------------------------------------------ */

static int rtdm_fop_open(struct inode *inode, struct file *filp)
{
	struct rtdm_driver *drv;
	struct rtdm_dev_context *ctx;
	struct rtdm_device *dev;
	int ret;

	drv = container_of(inode->i_cdev, struct rtdm_driver, named.cdev);
	dev = rtdm_get_named_device(drv, iminor(inode));
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	ctx = alloc_context(dev, filp->f_flags);
	if (!ctx) {
		rtdm_put_device(dev);
		module_put(drv->profile_info.owner);
		return -ENOMEM;
	}

	ctx->fd.file = filp;
	filp->private_data = ctx;
	stream_open(inode, filp);

	ret = backend_open(&ctx->fd);
	if (ret)
		goto fail;

	if (ctx->fd.ops->open) {
		ret = ctx->fd.ops->open(&ctx->fd, filp->f_flags);
		if (ret) {
			backend_release(&ctx->fd);
			goto fail;
		}
	}

	link_context(ctx);

	return 0;
fail:
	filp->private_data = NULL;
	discard_context(ctx);

	return ret;
}

static int same_file(const void *filp, struct file *file, unsigned int n)
{
	return file == filp;
}

/*
 * A descriptor of the file is being closed in descriptor table @id. If it
 * was the table's last one, revoke the calls that table's tasks have in
 * progress on the file.
 */
static int rtdm_fop_flush(struct file *filp, fl_owner_t id)
{
	struct rtdm_dev_context *ctx = filp->private_data;
	struct rtdm_fd *fd = &ctx->fd;
	struct rtdm_fd_call *call;
	rtdm_lockctx_t c;
	bool caller = false;

	rtdm_lock_get_irqsave(&fd->calls_lock, c);
	list_for_each_entry(call, &fd->calls, link)
		caller |= call->files == id;
	rtdm_lock_put_irqrestore(&fd->calls_lock, c);

	/* Another descriptor of the file left in the table keeps it open. */
	if (!caller || iterate_fd(id, 0, same_file, filp))
		return 0;

	revoke_calls(fd, id, -EBADF, false);

	return 0;
}

static int rtdm_fop_release(struct inode *inode, struct file *filp)
{
	struct rtdm_dev_context *ctx = filp->private_data;
	struct rtdm_fd *fd = &ctx->fd;

	/* Calls without a file reference (out-of-band ones) may be left. */
	shut_fd(fd, -EBADF);
	WRITE_ONCE(fd->oflags, filp->f_flags);
	WRITE_ONCE(fd->file, NULL);
	backend_release(fd);
	run_close(fd);
	rtdm_fd_put(fd);

	return 0;
}

static ssize_t rtdm_fop_read(struct file *filp, char __user *buf,
			     size_t size, loff_t *ppos)
{
	struct rtdm_fd_call call;
	struct rtdm_fd *fd = rtdm_fd_enter(filp, &call);

	if (IS_ERR(fd))
		return PTR_ERR(fd);

	return rtdm_fd_leave(fd, &call,
			     rtdm_fd_dispatch_read(fd, buf, size,
						   rtdm_in_rt_context()));
}

static ssize_t rtdm_fop_write(struct file *filp, const char __user *buf,
			      size_t size, loff_t *ppos)
{
	struct rtdm_fd_call call;
	struct rtdm_fd *fd = rtdm_fd_enter(filp, &call);

	if (IS_ERR(fd))
		return PTR_ERR(fd);

	return rtdm_fd_leave(fd, &call,
			     rtdm_fd_dispatch_write(fd, buf, size,
						    rtdm_in_rt_context()));
}

static long rtdm_fop_ioctl(struct file *filp, unsigned int request,
			   unsigned long arg)
{
	struct rtdm_fd_call call;
	struct rtdm_fd *fd = rtdm_fd_enter(filp, &call);

	if (IS_ERR(fd))
		return PTR_ERR(fd);

	return rtdm_fd_leave(fd, &call,
			     rtdm_fd_dispatch_ioctl(fd, request,
						    (void __user *)arg,
						    rtdm_in_rt_context()));
}

__poll_t rtdm_selector_mask(unsigned int type)
{
	switch (type) {
	case RTDM_SELECTTYPE_READ:
		return EPOLLIN | EPOLLRDNORM;
	case RTDM_SELECTTYPE_WRITE:
		return EPOLLOUT | EPOLLWRNORM;
	default:
		return EPOLLPRI;
	}
}

__poll_t rtdm_fd_poll(struct file *filp, rtdm_selector_t *sel)
{
	struct rtdm_fd_call call;
	struct rtdm_fd *fd = rtdm_fd_enter(filp, &call);
	unsigned int type;

	if (IS_ERR(fd))
		return PTR_ERR(fd) == -ENODEV ? EPOLLERR | EPOLLHUP :
			EPOLLERR | EPOLLNVAL;

	if (fd->ops->select)
		for (type = RTDM_SELECTTYPE_READ;
		     type <= RTDM_SELECTTYPE_EXCEPT; type++)
			fd->ops->select(fd, sel, type, 0);
	else
		sel->mask = EPOLLERR;

	rtdm_fd_leave(fd, &call, 0);

	return sel->mask;
}

static __poll_t rtdm_fop_poll(struct file *filp, poll_table *pt)
{
	struct rtdm_selector sel = { .file = filp, .pt = pt, .mask = 0 };

	return rtdm_fd_poll(filp, &sel);
}

static int rtdm_fop_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct rtdm_fd_call call;
	struct rtdm_fd *fd = rtdm_fd_enter(filp, &call);
	int ret;

	if (IS_ERR(fd))
		return PTR_ERR(fd);

	ret = rtdm_mmap_request(fd, vma);
	if (ret == -ENOSYS)
		ret = fd->ops->mmap ? fd->ops->mmap(fd, vma) : -ENODEV;

	return rtdm_fd_leave(fd, &call, ret);
}

const struct file_operations rtdm_fops = {
	.owner = THIS_MODULE,
	.open = rtdm_fop_open,
	.flush = rtdm_fop_flush,
	.release = rtdm_fop_release,
	.read = rtdm_fop_read,
	.write = rtdm_fop_write,
	.unlocked_ioctl = rtdm_fop_ioctl,
	.poll = rtdm_fop_poll,
	.mmap = rtdm_fop_mmap,
	RTDM_NO_LLSEEK
	RTDM_BACKEND_FOPS
};

/* ------------------------------------------------------------------ */
/* Control device: socket factory                                     */
/* ------------------------------------------------------------------ */

static int rtdm_create_socket(const struct rtdm_socket_req *req)
{
	struct rtdm_dev_context *ctx;
	struct rtdm_device *dev;
	struct file *filp;
	int ufd, ret;

	if (req->flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;

	dev = rtdm_get_protocol_device(req->family, req->type);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	ctx = alloc_context(dev, O_RDWR | (req->flags & O_NONBLOCK));
	if (!ctx) {
		rtdm_put_device(dev);
		module_put(dev->driver->profile_info.owner);
		return -ENOMEM;
	}

	if (ctx->fd.ops->socket) {
		ret = ctx->fd.ops->socket(&ctx->fd, req->protocol);
		if (ret) {
			discard_context(ctx);
			return ret;
		}
	}

	link_context(ctx);

	ufd = get_unused_fd_flags(req->flags & O_CLOEXEC);
	if (ufd < 0) {
		ret = ufd;
		goto fail;
	}

	filp = anon_inode_getfile("[rtdm-socket]", &rtdm_fops, ctx,
				  O_RDWR | (req->flags & O_NONBLOCK));
	if (IS_ERR(filp)) {
		put_unused_fd(ufd);
		ret = PTR_ERR(filp);
		goto fail;
	}

	ctx->fd.file = filp;
	ret = backend_open(&ctx->fd);
	if (ret) {
		/* release() closes the fd and drops the context */
		put_unused_fd(ufd);
		fput(filp);
		return ret;
	}

	fd_install(ufd, filp);

	return ufd;
fail:
	set_bit(RTDM_FD_CLOSED, &ctx->fd.state);
	run_close(&ctx->fd);
	rtdm_fd_put(&ctx->fd);

	return ret;
}

static long rtdm_control_ioctl(struct file *filp, unsigned int request,
			       unsigned long arg)
{
	struct rtdm_socket_req req;

	switch (request) {
	case RTDM_CTL_SOCKET:
		if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
			return -EFAULT;
		return rtdm_create_socket(&req);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations rtdm_control_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = rtdm_control_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	RTDM_NO_LLSEEK
};

static struct miscdevice rtdm_control_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "rtdm_control",
	.nodename = "rtdm/control",
	.mode = 0666,
	.fops = &rtdm_control_fops,
};

int rtdm_control_init(void)
{
	return misc_register(&rtdm_control_dev);
}

void rtdm_control_cleanup(void)
{
	misc_deregister(&rtdm_control_dev);
}

int rtdm_fd_init(void)
{
	rtdm_close_wq = alloc_workqueue("rtdm_close", WQ_UNBOUND, 0);

	return rtdm_close_wq ? 0 : -ENOMEM;
}

void rtdm_fd_cleanup(void)
{
	destroy_workqueue(rtdm_close_wq);
}
