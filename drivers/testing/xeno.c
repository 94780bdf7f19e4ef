// SPDX-License-Identifier: GPL-2.0
/*
 * Xenomai 3's RTDM core test devices, for the programs of its testing
 * profile (testsuite/smokey/rtdm): written for this project from the ABI
 * in <rtdm/uapi/testing.h> and the behaviour those programs check.
 *
 * rtdm0, rtdm1 (named, exclusive):
 *   RTTST_RTIOC_RTDM_PING_PRIMARY    served by the _rt handler only: the
 *                                    magic RTTST_RTDM_MAGIC_PRIMARY; an
 *                                    in-band caller gets ENOTTY, as a
 *                                    plain thread does under Xenomai
 *   RTTST_RTIOC_RTDM_PING_SECONDARY  served by the _nrt handler: the
 *                                    magic RTTST_RTDM_MAGIC_SECONDARY
 *   RTTST_RTIOC_RTDM_DEFER_CLOSE     argument by value:
 *                                    RTTST_RTDM_NORMAL_CLOSE (nothing) or
 *                                    RTTST_RTDM_DEFER_CLOSE_CONTEXT: the
 *                                    device takes a reference on the fd
 *                                    (rtdm_fd_lock()) and drops it 300 ms
 *                                    later, so the device stays busy and
 *                                    the module pinned after the close;
 *                                    EINVAL for another value, EBUSY for
 *                                    a second deferral
 * rtdmx (named, exclusive): each open starts an RTDM task, the "actor";
 *   RTTST_RTIOC_RTDM_ACTOR_GET_CPU   the CPU the actor answered on
 *                                    (ETIMEDOUT if it did not within
 *                                    50 ms)
 *
 * The deferred reference is dropped in-band: a timer (rt context) pends a
 * non-real-time signal whose handler calls rtdm_fd_unlock() in task
 * context. The timer and the signal belong to the device, not to the fd
 * context, since dropping the reference may free that context.
 */
#include "rttst.h"

#define XENO_DEFER_NS		(300LL * RTTST_MS)
#define XENO_ACTION_NS		(50LL * RTTST_MS)

/* rtdm0, rtdm1: the deferred-close machinery of each device. */
struct xeno_basic {
	rtdm_timer_t timer;
	rtdm_nrtsig_t unlock_sig;
	rtdm_lock_t lock;	/* protects @held */
	struct rtdm_fd *held;	/* reference to drop, NULL if none */
};

/* rtdmx: per-fd context. */
struct xeno_actor {
	rtdm_task_t task;
	rtdm_waitqueue_t wq;	/* its lock protects the fields below */
	u32 requested;		/* requests issued */
	u32 answered;		/* requests answered */
	u32 cpu;		/* answer to the last request */
};

static struct xeno_basic xeno_basic[2];

static void xeno_unlock_sig(rtdm_nrtsig_t *sig, void *arg)
{
	struct xeno_basic *b = arg;
	struct rtdm_fd *fd;
	rtdm_lockctx_t c;

	rtdm_lock_get_irqsave(&b->lock, c);
	fd = b->held;
	b->held = NULL;
	rtdm_lock_put_irqrestore(&b->lock, c);
	if (fd)
		rtdm_fd_unlock(fd);
}

static void xeno_defer_timer(rtdm_timer_t *timer)
{
	struct xeno_basic *b = container_of(timer, struct xeno_basic, timer);

	rtdm_nrtsig_pend(&b->unlock_sig);
}

static int xeno_defer_close(struct rtdm_fd *fd, unsigned long how)
{
	struct xeno_basic *b = rtdm_fd_device(fd)->device_data;
	rtdm_lockctx_t c;
	int ret;

	if (how == RTTST_RTDM_NORMAL_CLOSE)
		return 0;
	if (how != RTTST_RTDM_DEFER_CLOSE_CONTEXT)
		return -EINVAL;

	ret = rtdm_fd_lock(fd);
	if (ret)
		return ret;

	rtdm_lock_get_irqsave(&b->lock, c);
	if (b->held) {
		rtdm_lock_put_irqrestore(&b->lock, c);
		rtdm_fd_unlock(fd);
		return -EBUSY;
	}
	b->held = fd;
	rtdm_lock_put_irqrestore(&b->lock, c);

	ret = rtdm_timer_start(&b->timer, XENO_DEFER_NS, 0,
			       RTDM_TIMERMODE_RELATIVE);
	if (ret)	/* cannot happen with a relative date; never leak */
		xeno_unlock_sig(&b->unlock_sig, b);

	return ret;
}

static int xeno_ping(struct rtdm_fd *fd, void __user *arg, u32 magic)
{
	return rtdm_safe_copy_to_user(fd, arg, &magic, sizeof(magic));
}

static int xeno_basic_ioctl_rt(struct rtdm_fd *fd, unsigned int request,
			       void __user *arg)
{
	if (request == RTTST_RTIOC_RTDM_PING_PRIMARY)
		return xeno_ping(fd, arg, RTTST_RTDM_MAGIC_PRIMARY);

	return -ENOSYS;
}

static int xeno_basic_ioctl_nrt(struct rtdm_fd *fd, unsigned int request,
				void __user *arg)
{
	switch (request) {
	case RTTST_RTIOC_RTDM_DEFER_CLOSE:
		return xeno_defer_close(fd, (unsigned long)arg);
	case RTTST_RTIOC_RTDM_PING_SECONDARY:
		return xeno_ping(fd, arg, RTTST_RTDM_MAGIC_SECONDARY);
	default:
		return -ENOTTY;
	}
}

/* Answers every request issued so far, until asked to stop. */
static void xeno_actor_proc(void *arg)
{
	struct xeno_actor *a = arg;
	rtdm_lockctx_t c;
	int ret;

	while (!rtdm_task_should_stop()) {
		rtdm_waitqueue_lock(&a->wq, c);
		ret = rtdm_wait_condition_locked(&a->wq,
						 a->answered != a->requested);
		if (!ret) {
			a->cpu = raw_smp_processor_id();
			a->answered = a->requested;
			rtdm_waitqueue_broadcast(&a->wq);
		}
		rtdm_waitqueue_unlock(&a->wq, c);
		if (ret && ret != -EINTR)
			break;
	}
}

static int xeno_actor_open(struct rtdm_fd *fd, int oflags)
{
	struct xeno_actor *a = rtdm_fd_to_private(fd);
	int ret;

	rtdm_waitqueue_init(&a->wq);
	a->requested = 0;
	a->answered = 0;
	ret = rtdm_task_init(&a->task, "rtdm_actor", xeno_actor_proc, a,
			     RTDM_TASK_LOWEST_PRIORITY, 0);
	if (ret)
		rtdm_waitqueue_destroy(&a->wq);

	return ret;
}

static void xeno_actor_close(struct rtdm_fd *fd)
{
	struct xeno_actor *a = rtdm_fd_to_private(fd);

	rtdm_task_destroy(&a->task);
	rtdm_waitqueue_destroy(&a->wq);
}

/*
 * Numbered requests: the answer a caller takes is the actor's reply to its
 * own request (or a later one), never a late reply to an earlier request
 * that timed out.
 */
static int xeno_actor_get_cpu(struct xeno_actor *a, u32 *cpu)
{
	rtdm_lockctx_t c;
	u32 mine;
	int ret;

	rtdm_waitqueue_lock(&a->wq, c);
	mine = ++a->requested;
	rtdm_waitqueue_broadcast(&a->wq);
	ret = rtdm_timedwait_condition_locked(&a->wq,
					      (s32)(a->answered - mine) >= 0,
					      XENO_ACTION_NS, NULL);
	*cpu = a->cpu;
	rtdm_waitqueue_unlock(&a->wq, c);

	return ret;
}

static int xeno_actor_ioctl_rt(struct rtdm_fd *fd, unsigned int request,
			       void __user *arg)
{
	struct xeno_actor *a = rtdm_fd_to_private(fd);
	u32 cpu;
	int ret;

	if (request != RTTST_RTIOC_RTDM_ACTOR_GET_CPU)
		return -ENOTTY;

	ret = xeno_actor_get_cpu(a, &cpu);
	if (ret)
		return ret;

	return rtdm_safe_copy_to_user(fd, arg, &cpu, sizeof(cpu));
}

static struct rtdm_driver xeno_basic_driver = {
	.profile_info = RTDM_PROFILE_INFO(rtdm_test_basic, RTDM_CLASS_TESTING,
					  RTDM_SUBCLASS_RTDMTEST,
					  RTTST_PROFILE_VER),
	.device_flags = RTDM_NAMED_DEVICE | RTDM_EXCLUSIVE,
	.device_count = ARRAY_SIZE(xeno_basic),
	.ops = {
		.ioctl_rt = xeno_basic_ioctl_rt,
		.ioctl_nrt = xeno_basic_ioctl_nrt,
	},
};

static struct rtdm_driver xeno_actor_driver = {
	.profile_info = RTDM_PROFILE_INFO(rtdm_test_actor, RTDM_CLASS_TESTING,
					  RTDM_SUBCLASS_RTDMTEST,
					  RTTST_PROFILE_VER),
	.device_flags = RTDM_NAMED_DEVICE | RTDM_EXCLUSIVE,
	.device_count = 1,
	.context_size = sizeof(struct xeno_actor),
	.ops = {
		.open = xeno_actor_open,
		.close = xeno_actor_close,
		.ioctl_rt = xeno_actor_ioctl_rt,
	},
};

static struct rtdm_device xeno_devices[] = {
	{ .driver = &xeno_basic_driver, .label = "rtdm%d",
	  .device_data = &xeno_basic[0], },
	{ .driver = &xeno_basic_driver, .label = "rtdm%d",
	  .device_data = &xeno_basic[1], },
	{ .driver = &xeno_actor_driver, .label = "rtdmx", },
};

static void xeno_basic_cleanup(int n)
{
	while (--n >= 0) {
		rtdm_timer_destroy(&xeno_basic[n].timer);
		rtdm_nrtsig_destroy(&xeno_basic[n].unlock_sig);
	}
}

int rttst_xeno_register(void)
{
	int ret, n, ndev;

	for (n = 0; n < ARRAY_SIZE(xeno_basic); n++) {
		struct xeno_basic *b = &xeno_basic[n];

		rtdm_lock_init(&b->lock);
		b->held = NULL;
		ret = rtdm_nrtsig_init(&b->unlock_sig, xeno_unlock_sig, b);
		if (ret)
			goto fail;
		ret = rtdm_timer_init(&b->timer, xeno_defer_timer,
				      "rtdm close test");
		if (ret) {
			rtdm_nrtsig_destroy(&b->unlock_sig);
			goto fail;
		}
	}

	for (ndev = 0; ndev < ARRAY_SIZE(xeno_devices); ndev++) {
		ret = rtdm_dev_register(&xeno_devices[ndev]);
		if (ret)
			goto fail_dev;
	}

	return 0;
fail_dev:
	while (--ndev >= 0)
		rtdm_dev_unregister(&xeno_devices[ndev]);
fail:
	xeno_basic_cleanup(n);

	return ret;
}

/*
 * Module exit: no fd is left (each pins the module until its context is
 * freed), so no deferred reference is pending; the signal may still be
 * running the unlock that freed the last one, which destroy waits for.
 */
void rttst_xeno_unregister(void)
{
	int n;

	for (n = ARRAY_SIZE(xeno_devices) - 1; n >= 0; n--)
		rtdm_dev_unregister(&xeno_devices[n]);
	xeno_basic_cleanup(ARRAY_SIZE(xeno_basic));
}
