// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM file descriptors.
 *
 * Every RTDM fd is a real Linux file whose private data is an
 * rtdm_dev_context. Named devices are opened through their character
 * device node; protocol devices through the control device
 * /dev/rtdm/control, whose RTDM_CTL_SOCKET ioctl returns a new fd.
 *
 * Lifetime: the context holds one reference while the fd is open and one
 * per handler in progress. Closing the fd (the last close() of it, even
 * while another thread is blocked in one of its handlers) runs the
 * driver's close handler at once; drivers wake their waiters there, and
 * the core makes further calls on the fd fail with -EBADF. Blocked
 * handlers woken that way return -EBADF by convention (the RTDM wait
 * services report -EIDRM to the driver). The context memory is released
 * when the last handler in progress returns.
 *
 * Dispatch: a real-time caller is served by the _rt handler first, others
 * by the _nrt handler first; -ENOSYS from the first runs the second.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include "internal.h"

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

	return ctx;
}

static void link_context(struct rtdm_dev_context *ctx)
{
	spin_lock(&rtdm_fd_list_lock);
	list_add_tail(&ctx->fd.next, &ctx->device->openfd_list);
	spin_unlock(&rtdm_fd_list_lock);
}

static void free_context(struct rtdm_dev_context *ctx)
{
	struct rtdm_device *dev = ctx->device;

	spin_lock(&rtdm_fd_list_lock);
	list_del(&ctx->fd.next);
	spin_unlock(&rtdm_fd_list_lock);
	kfree(ctx);
	rtdm_put_device(dev);
}

void rtdm_fd_put(struct rtdm_fd *fd)
{
	if (refcount_dec_and_test(&fd->refs))
		free_context(rtdm_fd_to_context(fd));
}

/* Enter a handler: NULL if the fd is closed. */
struct rtdm_fd *rtdm_fd_enter(struct file *filp)
{
	struct rtdm_dev_context *ctx = filp->private_data;
	struct rtdm_fd *fd = &ctx->fd;

	if (!refcount_inc_not_zero(&fd->refs))
		return NULL;

	if (test_bit(RTDM_FD_CLOSED, &fd->state)) {
		rtdm_fd_put(fd);
		return NULL;
	}

	return fd;
}

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

/* Run the driver's close handler, once. */
static void close_fd(struct rtdm_fd *fd)
{
	if (test_and_set_bit(RTDM_FD_CLOSED, &fd->state))
		return;

	if (fd->ops->close)
		fd->ops->close(fd);
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                           */
/* ------------------------------------------------------------------ */

#define DISPATCH(fd, rt, op, fallback_err, ...)				\
({									\
	struct rtdm_fd *__fd = (fd);					\
	typeof(__fd->ops->op##_rt) __first, __second;			\
	long __ret;							\
									\
	if (rt) {							\
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
		if (__ret == -ENOSYS && __second)			\
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

	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
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
	ssize_t ret;
	int flags;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;

	umsg = args.msg;
	if (copy_from_user(&msg, umsg, sizeof(msg)))
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

	if (!send && (put_user(msg.msg_namelen, &umsg->msg_namelen) ||
		      put_user(msg.msg_controllen, &umsg->msg_controllen) ||
		      put_user(msg.msg_flags, &umsg->msg_flags)))
		return -EFAULT;

	return put_user((__s64)ret, &uargs->bytes) ? -EFAULT : 0;
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
	kfree(ctx);
	rtdm_put_device(dev);

	return ret;
}

/*
 * close(): when this closes the last descriptor referring to the file
 * (the file count is then one plus the handlers in progress, each of which
 * holds the file), run the driver's close handler now so that blocked
 * callers are woken; release() does it otherwise.
 */
static int rtdm_fop_flush(struct file *filp, fl_owner_t id)
{
	struct rtdm_dev_context *ctx = filp->private_data;
	unsigned int inflight = refcount_read(&ctx->fd.refs) - 1;

	if (file_count(filp) <= 1 + inflight)
		close_fd(&ctx->fd);

	return 0;
}

static int rtdm_fop_release(struct inode *inode, struct file *filp)
{
	struct rtdm_dev_context *ctx = filp->private_data;

	close_fd(&ctx->fd);
	backend_release(&ctx->fd);
	rtdm_fd_put(&ctx->fd);

	return 0;
}

static ssize_t rtdm_fop_read(struct file *filp, char __user *buf,
			     size_t size, loff_t *ppos)
{
	struct rtdm_fd *fd = rtdm_fd_enter(filp);
	ssize_t ret;

	if (!fd)
		return -EBADF;

	ret = rtdm_fd_dispatch_read(fd, buf, size, rtdm_in_rt_context());
	rtdm_fd_put(fd);

	return ret;
}

static ssize_t rtdm_fop_write(struct file *filp, const char __user *buf,
			      size_t size, loff_t *ppos)
{
	struct rtdm_fd *fd = rtdm_fd_enter(filp);
	ssize_t ret;

	if (!fd)
		return -EBADF;

	ret = rtdm_fd_dispatch_write(fd, buf, size, rtdm_in_rt_context());
	rtdm_fd_put(fd);

	return ret;
}

static long rtdm_fop_ioctl(struct file *filp, unsigned int request,
			   unsigned long arg)
{
	struct rtdm_fd *fd = rtdm_fd_enter(filp);
	long ret;

	if (!fd)
		return -EBADF;

	ret = rtdm_fd_dispatch_ioctl(fd, request, (void __user *)arg,
				     rtdm_in_rt_context());
	rtdm_fd_put(fd);

	return ret;
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

static __poll_t rtdm_fop_poll(struct file *filp, poll_table *pt)
{
	struct rtdm_fd *fd = rtdm_fd_enter(filp);
	struct rtdm_selector sel = { .file = filp, .pt = pt, .mask = 0 };
	unsigned int type;

	if (!fd)
		return EPOLLERR | EPOLLNVAL;

	if (!fd->ops->select) {
		rtdm_fd_put(fd);
		return EPOLLERR;
	}

	for (type = RTDM_SELECTTYPE_READ; type <= RTDM_SELECTTYPE_EXCEPT;
	     type++)
		fd->ops->select(fd, &sel, type, 0);

	rtdm_fd_put(fd);

	return sel.mask;
}

static int rtdm_fop_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct rtdm_fd *fd = rtdm_fd_enter(filp);
	int ret;

	if (!fd)
		return -EBADF;

	ret = rtdm_mmap_request(fd, vma);
	if (ret == -ENOSYS)
		ret = fd->ops->mmap ? fd->ops->mmap(fd, vma) : -ENODEV;

	rtdm_fd_put(fd);

	return ret;
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
	.llseek = no_llseek,
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
		return -ENOMEM;
	}

	if (ctx->fd.ops->socket) {
		ret = ctx->fd.ops->socket(&ctx->fd, req->protocol);
		if (ret) {
			kfree(ctx);
			rtdm_put_device(dev);
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
	close_fd(&ctx->fd);
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
	.llseek = no_llseek,
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
