// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM test driver: exposes the RTDM core services to user space so that
 * test programs observe their real effects.
 *
 * Devices: rtdmtest0/1 (named), rtdmexcl0 (named, exclusive), rtdmplat0
 * (named, registered by the probe of the "rtdmtest" platform device the
 * module creates, so that it can be unbound through sysfs) and the
 * rtdmtest-proto datagram loopback (protocol device, see proto.c). The
 * named devices' ioctls are listed in <rtdm/uapi/testing.h>; requests that
 * set up tasks, timers, interrupts or mappings are served in-band
 * (ioctl_rt returns -ENOSYS for them), the waits and the dispatch probes
 * by both handlers, which report which one ran. Xenomai 3's RTDM core
 * test devices rtdm0, rtdm1 and rtdmx are served as well (xeno.c).
 */
#include <linux/delay.h>
#include <linux/platform_device.h>
#include "rttst.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RTDM test driver");
/* The name Xenomai 3's test programs modprobe for rtdm0/rtdm1/rtdmx. */
MODULE_ALIAS("xeno_rtdmtest");

static unsigned int exit_delay_ms;
module_param(exit_delay_ms, uint, 0444);
MODULE_PARM_DESC(exit_delay_ms, "sleep at the start of module removal (tests)");

/*
 * A deliberate leak, for the tests that prove the leak checks can fail
 * (tests/test_core_lifecycle.py): every open of a named device allocates
 * leak_per_open bytes and forgets them.
 */
static unsigned int leak_per_open;
module_param(leak_per_open, uint, 0444);
MODULE_PARM_DESC(leak_per_open, "bytes each open leaks on purpose (leak check tests)");

/* RTTST_RTIOC_FD_HOLD: one parked rtdm_fd_lock() reference. */
static DEFINE_MUTEX(rttst_hold_lock);
static struct rtdm_fd *rttst_held_fd;

static int rttst_fd_hold(struct rtdm_fd *fd)
{
	int ret = -EBUSY;

	mutex_lock(&rttst_hold_lock);
	if (!rttst_held_fd) {
		ret = rtdm_fd_lock(fd);
		if (!ret)
			rttst_held_fd = fd;
	}
	mutex_unlock(&rttst_hold_lock);

	return ret;
}

static int rttst_fd_release(void)
{
	struct rtdm_fd *fd;

	mutex_lock(&rttst_hold_lock);
	fd = rttst_held_fd;
	rttst_held_fd = NULL;
	mutex_unlock(&rttst_hold_lock);
	if (!fd)
		return -ENXIO;

	rtdm_fd_unlock(fd);

	return 0;
}

static void rttst_note_signal(struct rttst_ctx *ctx)
{
	rtdm_lockctx_t c;

	rtdm_lock_get_irqsave(&ctx->lock, c);
	ctx->signal_ns = rtdm_clock_read();
	rtdm_lock_put_irqrestore(&ctx->lock, c);
}

static u64 rttst_last_signal(struct rttst_ctx *ctx)
{
	rtdm_lockctx_t c;
	u64 ts;

	rtdm_lock_get_irqsave(&ctx->lock, c);
	ts = ctx->signal_ns;
	rtdm_lock_put_irqrestore(&ctx->lock, c);

	return ts;
}

static int rttst_open(struct rtdm_fd *fd, int oflags)
{
	struct rttst_ctx *ctx = rtdm_fd_to_private(fd);

	/* the pointer is dropped on purpose: leak_per_open */
	if (leak_per_open && !kmalloc(leak_per_open, GFP_KERNEL))
		return -ENOMEM;

	rtdm_event_init(&ctx->event, 0);
	rtdm_sem_init(&ctx->sem, 0);
	rtdm_lock_init(&ctx->lock);
	mutex_init(&ctx->setup_lock);

	return 0;
}

/*
 * Runs when no call is in progress any more (release, or the device going
 * away after its calls were interrupted): destroying the event and the
 * semaphore wakes poll() waiters, detaching releases what setup requests
 * acquired.
 */
static void rttst_close(struct rtdm_fd *fd)
{
	struct rttst_ctx *ctx = rtdm_fd_to_private(fd);

	rtdm_event_destroy(&ctx->event);
	rtdm_sem_destroy(&ctx->sem);

	mutex_lock(&ctx->setup_lock);
	rttst_irq_detach(ctx);
	rttst_mem_release(ctx);
	mutex_unlock(&ctx->setup_lock);
	mutex_destroy(&ctx->setup_lock);
}

static void rttst_which(struct rtdm_fd *fd, struct rttst_which *w,
			u32 handler)
{
	memset(w, 0, sizeof(*w));
	w->handler = handler;
	w->in_rt = !!rtdm_in_rt_context();
	w->rt_capable = !!rtdm_rt_capable(fd);
	w->policy = current->policy;
	w->rt_priority = current->rt_priority;
}

/* Waits on the fd's event or semaphore. */
static int rttst_wait(struct rttst_ctx *ctx, struct rttst_wait *w,
		      bool sem, u32 handler)
{
	w->handler = handler;
	w->start_ns = rtdm_clock_read();
	if (sem)
		w->ret = rtdm_sem_timeddown(&ctx->sem, w->timeout_ns, NULL);
	else
		w->ret = rtdm_event_timedwait(&ctx->event, w->timeout_ns, NULL);
	w->end_ns = rtdm_clock_read();
	w->signal_ns = rttst_last_signal(ctx);

	/*
	 * Interrupted (the caller's process closed its descriptor: the core
	 * returns -EBADF) or destroyed: fail the call; other outcomes are
	 * results, reported in @w.
	 */
	return w->ret == -EINTR || w->ret == -EIDRM ? w->ret : 0;
}

static int rttst_rw_info(struct rttst_ctx *ctx, struct rttst_rw_info *i)
{
	rtdm_lockctx_t c;

	memset(i, 0, sizeof(*i));
	rtdm_lock_get_irqsave(&ctx->lock, c);
	i->read_timeout_ns = ctx->read_timeout;
	i->last_read_handler = ctx->last_read_handler;
	i->last_read_ret = ctx->last_read_ret;
	i->last_write_handler = ctx->last_write_handler;
	i->last_write_in_rt = ctx->last_write_in_rt;
	i->write_len = ctx->wlen;
	memcpy(i->write_data, ctx->wbuf, ctx->wlen);
	rtdm_lock_put_irqrestore(&ctx->lock, c);

	return 0;
}

/*
 * The argument blocks of the requests, copied in before and out after
 * the service.
 */
union rttst_args {
	struct rttst_which which;
	struct rttst_rw_info rw;
	struct rttst_wait wait;
	struct rttst_mutex mutex;
	struct rttst_timer_oneshot oneshot;
	struct rttst_timer_periodic tperiodic;
	struct rttst_task_periodic kperiodic;
	struct rttst_sleep sleep;
	struct rttst_nrtsig nrtsig;
	struct rttst_irq irq;
	struct rttst_irq_attach irq_attach;
	struct rttst_irq_trigger irq_trigger;
	struct rttst_mmap mmap;
	struct rttst_mmap_check mmap_check;
	struct rttst_timer_self tself;
};

/* Requests both handlers serve; -ENOIOCTLCMD for the others. */
static int rttst_ioctl_common(struct rtdm_fd *fd, unsigned int request,
			      union rttst_args *a, u32 handler)
{
	struct rttst_ctx *ctx = rtdm_fd_to_private(fd);
	rtdm_lockctx_t c;

	switch (request) {
	case RTTST_RTIOC_WHICH:
		rttst_which(fd, &a->which, handler);
		return 0;
	case RTTST_RTIOC_RW_CONFIG:
		rtdm_lock_get_irqsave(&ctx->lock, c);
		ctx->read_timeout = a->rw.read_timeout_ns;
		rtdm_lock_put_irqrestore(&ctx->lock, c);
		return 0;
	case RTTST_RTIOC_RW_INFO:
		return rttst_rw_info(ctx, &a->rw);
	case RTTST_RTIOC_EVENT_WAIT:
		return rttst_wait(ctx, &a->wait, false, handler);
	case RTTST_RTIOC_EVENT_SIGNAL:
		rttst_note_signal(ctx);
		rtdm_event_signal(&ctx->event);
		return 0;
	case RTTST_RTIOC_EVENT_PULSE:
		rttst_note_signal(ctx);
		rtdm_event_pulse(&ctx->event);
		return 0;
	case RTTST_RTIOC_EVENT_CLEAR:
		rtdm_event_clear(&ctx->event);
		return 0;
	case RTTST_RTIOC_SEM_DOWN:
		return rttst_wait(ctx, &a->wait, true, handler);
	case RTTST_RTIOC_SEM_UP:
		rttst_note_signal(ctx);
		rtdm_sem_up(&ctx->sem);
		return 0;
	case RTTST_RTIOC_TASK_SLEEP:
		a->sleep.handler = handler;
		return rttst_task_sleep(&a->sleep);
	}

	return -ENOIOCTLCMD;
}

/* Requests served in-band only. */
static int rttst_ioctl_setup(struct rtdm_fd *fd, unsigned int request,
			     union rttst_args *a)
{
	struct rttst_ctx *ctx = rtdm_fd_to_private(fd);
	int ret;

	switch (request) {
	case RTTST_RTIOC_FALLBACK:
		rttst_which(fd, &a->which, RTTST_HANDLER_NRT);
		return 0;
	case RTTST_RTIOC_MUTEX_TEST:
		a->mutex.handler = RTTST_HANDLER_NRT;
		return rttst_mutex_test(ctx, &a->mutex);
	case RTTST_RTIOC_TIMER_ONESHOT:
		return rttst_timer_oneshot(&a->oneshot);
	case RTTST_RTIOC_TIMER_PERIODIC:
		return rttst_timer_periodic(&a->tperiodic);
	case RTTST_RTIOC_TASK_PERIODIC:
		return rttst_task_periodic(&a->kperiodic);
	case RTTST_RTIOC_NRTSIG:
		return rttst_nrtsig(&a->nrtsig);
	case RTTST_RTIOC_IRQ:
		return rttst_irq_test(&a->irq);
	case RTTST_RTIOC_TIMER_SELF:
		return rttst_timer_self(&a->tself);
	case RTTST_RTIOC_FD_HOLD:
		return rttst_fd_hold(fd);
	case RTTST_RTIOC_FD_RELEASE:
		return rttst_fd_release();
	}

	/* Requests touching the per-fd setup state. */
	ret = mutex_lock_interruptible(&ctx->setup_lock);
	if (ret)
		return ret;

	switch (request) {
	case RTTST_RTIOC_IRQ_ATTACH:
		ret = rttst_irq_attach(ctx, &a->irq_attach);
		break;
	case RTTST_RTIOC_IRQ_TRIGGER:
		ret = rttst_irq_trigger(ctx, &a->irq_trigger);
		break;
	case RTTST_RTIOC_IRQ_DETACH:
		ret = rttst_irq_detach(ctx);
		break;
	case RTTST_RTIOC_MMAP:
		ret = rttst_mmap_ioctl(fd, ctx, &a->mmap);
		break;
	case RTTST_RTIOC_MMAP_CHECK:
		ret = rttst_mmap_check(ctx, &a->mmap_check);
		break;
	case RTTST_RTIOC_MUNMAP:
		ret = rttst_munmap_ioctl(ctx);
		break;
	default:
		ret = -ENOIOCTLCMD;
	}

	mutex_unlock(&ctx->setup_lock);

	return ret;
}

static bool rttst_ioctl_known(unsigned int request)
{
	return _IOC_TYPE(request) == RTDM_CLASS_TESTING &&
		_IOC_NR(request) >= _IOC_NR(RTTST_RTIOC_WHICH) &&
		_IOC_NR(request) <= _IOC_NR(RTTST_RTIOC_LAST);
}

/*
 * Copies the argument block in, runs @serve, copies it back out. The
 * latency block is large and allocated.
 */
static int rttst_ioctl(struct rtdm_fd *fd, unsigned int request,
		       void __user *arg, bool rt)
{
	size_t size = _IOC_SIZE(request);
	union rttst_args a;
	u32 handler = rt ? RTTST_HANDLER_RT : RTTST_HANDLER_NRT;
	int ret;

	if (!rttst_ioctl_known(request))
		return -ENOTTY;

	if (request == RTTST_RTIOC_LATENCY) {
		struct rttst_latency *l;

		if (rt)
			return -ENOSYS;
		l = kmalloc(sizeof(*l), GFP_KERNEL);
		if (!l)
			return -ENOMEM;
		ret = rtdm_safe_copy_from_user(fd, l, arg, sizeof(*l));
		if (!ret)
			ret = rttst_latency(l);
		if (!ret)
			ret = rtdm_safe_copy_to_user(fd, arg, l, sizeof(*l));
		kfree(l);
		return ret;
	}

	if (size > sizeof(a))
		return -ENOTTY;

	memset(&a, 0, sizeof(a));
	if ((_IOC_DIR(request) & _IOC_WRITE) && size) {
		ret = rtdm_safe_copy_from_user(fd, &a, arg, size);
		if (ret)
			return ret;
	}

	if (rt) {
		if (request == RTTST_RTIOC_RTONLY) {
			rttst_which(fd, &a.which, RTTST_HANDLER_RT);
			ret = 0;
		} else {
			ret = rttst_ioctl_common(fd, request, &a, handler);
			if (ret == -ENOIOCTLCMD)	/* in-band request */
				return -ENOSYS;
		}
	} else {
		if (request == RTTST_RTIOC_RTONLY)
			return -ENOSYS;
		ret = rttst_ioctl_common(fd, request, &a, handler);
		if (ret == -ENOIOCTLCMD)
			ret = rttst_ioctl_setup(fd, request, &a);
		if (ret == -ENOIOCTLCMD)
			return -ENOTTY;
	}

	if (ret)
		return ret;

	if ((_IOC_DIR(request) & _IOC_READ) && size)
		ret = rtdm_safe_copy_to_user(fd, arg, &a, size);

	return ret;
}

static int rttst_ioctl_rt(struct rtdm_fd *fd, unsigned int request,
			  void __user *arg)
{
	return rttst_ioctl(fd, request, arg, true);
}

static int rttst_ioctl_nrt(struct rtdm_fd *fd, unsigned int request,
			   void __user *arg)
{
	return rttst_ioctl(fd, request, arg, false);
}

/*
 * read: waits for the fd's event, returns the date of the signal and,
 * with room for it, the serving handler.
 */
static ssize_t rttst_read(struct rtdm_fd *fd, void __user *buf, size_t size,
			  u32 handler)
{
	struct rttst_ctx *ctx = rtdm_fd_to_private(fd);
	nanosecs_rel_t timeout;
	rtdm_lockctx_t c;
	u64 out[2];
	size_t len;
	int ret;

	if (size < sizeof(u64))
		return -EINVAL;

	len = size >= sizeof(out) ? sizeof(out) : sizeof(u64);
	if (!rtdm_rw_user_ok(fd, buf, len))
		return -EFAULT;

	rtdm_lock_get_irqsave(&ctx->lock, c);
	timeout = ctx->read_timeout;
	rtdm_lock_put_irqrestore(&ctx->lock, c);

	ret = rtdm_event_timedwait(&ctx->event, timeout, NULL);

	rtdm_lock_get_irqsave(&ctx->lock, c);
	ctx->last_read_handler = handler;
	ctx->last_read_ret = ret;
	out[0] = ctx->signal_ns;
	rtdm_lock_put_irqrestore(&ctx->lock, c);
	out[1] = handler;

	if (ret)
		return ret;

	if (rtdm_copy_to_user(fd, buf, out, len))
		return -EFAULT;

	return len;
}

static ssize_t rttst_read_rt(struct rtdm_fd *fd, void __user *buf,
			     size_t size)
{
	return rttst_read(fd, buf, size, RTTST_HANDLER_RT);
}

static ssize_t rttst_read_nrt(struct rtdm_fd *fd, void __user *buf,
			      size_t size)
{
	return rttst_read(fd, buf, size, RTTST_HANDLER_NRT);
}

/* write: in-band only; real-time callers are served here too. */
static ssize_t rttst_write_nrt(struct rtdm_fd *fd, const void __user *buf,
			       size_t size)
{
	struct rttst_ctx *ctx = rtdm_fd_to_private(fd);
	u8 tmp[RTTST_WBUF_SIZE];
	rtdm_lockctx_t c;

	if (!size || size > RTTST_WBUF_SIZE)
		return -EINVAL;

	if (rtdm_safe_copy_from_user(fd, tmp, buf, size))
		return -EFAULT;

	rtdm_lock_get_irqsave(&ctx->lock, c);
	memcpy(ctx->wbuf, tmp, size);
	ctx->wlen = size;
	ctx->last_write_handler = RTTST_HANDLER_NRT;
	ctx->last_write_in_rt = !!rtdm_in_rt_context();
	rtdm_lock_put_irqrestore(&ctx->lock, c);

	return size;
}

/* Readable while the fd's event is pending (poll(), evl_poll()). */
static int rttst_select(struct rtdm_fd *fd, rtdm_selector_t *selector,
			unsigned int type, unsigned int index)
{
	struct rttst_ctx *ctx = rtdm_fd_to_private(fd);

	if (type != RTDM_SELECTTYPE_READ)
		return 0;

	return rtdm_event_select(&ctx->event, selector, type, index);
}

#define RTTST_NAMED_OPS {				\
	.open = rttst_open,				\
	.select = rttst_select,				\
	.close = rttst_close,				\
	.ioctl_rt = rttst_ioctl_rt,			\
	.ioctl_nrt = rttst_ioctl_nrt,			\
	.read_rt = rttst_read_rt,			\
	.read_nrt = rttst_read_nrt,			\
	.write_nrt = rttst_write_nrt,			\
	.mmap = rttst_mmap_handler,			\
}

static struct rtdm_driver rttst_driver = {
	.profile_info = RTDM_PROFILE_INFO(rtdmtest, RTDM_CLASS_TESTING,
					  RTDM_SUBCLASS_RTDMTEST,
					  RTTST_PROFILE_VER),
	.device_flags = RTDM_NAMED_DEVICE,
	.device_count = 2,
	.context_size = sizeof(struct rttst_ctx),
	.ops = RTTST_NAMED_OPS,
};

static struct rtdm_driver rttst_excl_driver = {
	.profile_info = RTDM_PROFILE_INFO(rtdmexcl, RTDM_CLASS_TESTING,
					  RTDM_SUBCLASS_RTDMTEST,
					  RTTST_PROFILE_VER),
	.device_flags = RTDM_NAMED_DEVICE | RTDM_EXCLUSIVE,
	.device_count = 1,
	.context_size = sizeof(struct rttst_ctx),
	.ops = RTTST_NAMED_OPS,
};

/* rtdmplat0: registered by the probe of the "rtdmtest" platform device. */
static struct rtdm_driver rttst_plat_driver = {
	.profile_info = RTDM_PROFILE_INFO(rtdmplat, RTDM_CLASS_TESTING,
					  RTDM_SUBCLASS_RTDMTEST,
					  RTTST_PROFILE_VER),
	.device_flags = RTDM_NAMED_DEVICE,
	.device_count = 1,
	.context_size = sizeof(struct rttst_ctx),
	.ops = RTTST_NAMED_OPS,
};

static int rttst_plat_probe(struct platform_device *pdev)
{
	struct rtdm_device *dev;

	dev = devm_kzalloc(&pdev->dev, sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;

	dev->driver = &rttst_plat_driver;
	dev->label = "rtdmplat%d";
	platform_set_drvdata(pdev, dev);

	return rtdm_dev_register(dev);
}

static void rttst_plat_remove(struct platform_device *pdev)
{
	rtdm_dev_unregister(platform_get_drvdata(pdev));
}

RTDM_PLATFORM_REMOVE(rttst_plat_remove);

static struct platform_driver rttst_pdriver = {
	.driver = { .name = "rtdmtest" },
	.probe = rttst_plat_probe,
	.remove = rtdm_platform_remove_op(rttst_plat_remove),
};

static struct platform_device *rttst_pdev;

static struct rtdm_device rttst_devices[] = {
	{ .driver = &rttst_driver, .label = RTTST_DEVICE_NAME "%d", },
	{ .driver = &rttst_driver, .label = RTTST_DEVICE_NAME "%d", },
	{ .driver = &rttst_excl_driver, .label = "rtdmexcl%d", },
};

static int __init rttst_init(void)
{
	int ret, n;

	ret = rttst_irq_init();
	if (ret)
		return ret;

	for (n = 0; n < ARRAY_SIZE(rttst_devices); n++) {
		ret = rtdm_dev_register(&rttst_devices[n]);
		if (ret)
			goto fail;
	}

	ret = rttst_proto_register();
	if (ret)
		goto fail;

	ret = rttst_xeno_register();
	if (ret)
		goto fail_xeno;

	ret = platform_driver_register(&rttst_pdriver);
	if (ret)
		goto fail_pdriver;

	rttst_pdev = platform_device_register_simple("rtdmtest", -1, NULL, 0);
	if (IS_ERR(rttst_pdev)) {
		ret = PTR_ERR(rttst_pdev);
		goto fail_pdev;
	}

	return 0;
fail_pdev:
	platform_driver_unregister(&rttst_pdriver);
fail_pdriver:
	rttst_xeno_unregister();
fail_xeno:
	rttst_proto_unregister();
fail:
	while (--n >= 0)
		rtdm_dev_unregister(&rttst_devices[n]);
	rttst_irq_cleanup();

	return ret;
}
module_init(rttst_init);

static void __exit rttst_exit(void)
{
	int n;

	msleep(exit_delay_ms);
	platform_device_unregister(rttst_pdev);
	platform_driver_unregister(&rttst_pdriver);
	rttst_xeno_unregister();
	rttst_proto_unregister();
	for (n = ARRAY_SIZE(rttst_devices) - 1; n >= 0; n--)
		rtdm_dev_unregister(&rttst_devices[n]);
	rttst_irq_cleanup();
}
module_exit(rttst_exit);
