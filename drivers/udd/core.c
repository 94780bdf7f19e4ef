// SPDX-License-Identifier: GPL-2.0
/*
 * UDD core: user-space device drivers on RTDM (see <rtdm/udd.h> for the
 * mini-driver side, <rtdm/uapi/udd.h> for the user side).
 *
 * Each open file of a device node has its own wait queue and its own
 * count of the interrupts it has reported; an interrupt bumps the device's
 * count and wakes every open file, under the device lock. Keeping the wait
 * queues in the files (their RTDM context lives until the last reference
 * to the file is gone, poll() entries included) rather than in the
 * udd_device lets a mini-driver free the device as soon as
 * udd_unregister_device() returns, even while user space still polls a
 * revoked file.
 *
 * The interrupt signal (UDD_RTIOC_IRQSIG) is queued in-band by an nrt
 * signal handler: Linux signals cannot be sent from hard interrupt context
 * on PREEMPT_RT, nor from the out-of-band stage. The handler queues one
 * signal per interrupt, with counts in order, from the last count it
 * queued to the device's count: interrupts that come while it is pending
 * or running are not lost.
 */
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/vmalloc.h>
#include <rtdm/udd.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RTDM UDD core: user-space device drivers");

/* Private area of an open file of a device node. */
struct udd_file {
	struct list_head next;	/* on the device's list, under its lock */
	rtdm_waitqueue_t wq;
	u32 seen;		/* count reported last, under wq's lock */
};

static inline bool udd_irq_managed(struct udd_device *udd)
{
	return udd->irq != UDD_IRQ_NONE && udd->irq != UDD_IRQ_CUSTOM;
}

struct udd_device *udd_get_device(struct rtdm_fd *fd)
{
	return rtdm_fd_device(fd)->device_data;
}
EXPORT_SYMBOL_GPL(udd_get_device);

struct udd_memregion *udd_get_region(struct rtdm_fd *fd)
{
	struct rtdm_device *dev = rtdm_fd_device(fd);
	struct udd_device *udd = dev->device_data;

	if (dev->driver != &udd->__reserved.mapper_driver)
		return NULL;

	return &udd->mem_regions[rtdm_fd_minor(fd)];
}
EXPORT_SYMBOL_GPL(udd_get_region);

/* ------------------------------------------------------------------ */
/* Events and the interrupt line                                      */
/* ------------------------------------------------------------------ */

void udd_notify_event(struct udd_device *udd)
{
	struct udd_reserved *ur = &udd->__reserved;
	rtdm_lockctx_t c, w;
	struct udd_file *uf;
	bool sig;

	rtdm_lock_get_irqsave(&ur->lock, c);
	WRITE_ONCE(ur->event_count, ur->event_count + 1);
	list_for_each_entry(uf, &ur->files, next) {
		rtdm_waitqueue_lock(&uf->wq, w);
		rtdm_waitqueue_broadcast(&uf->wq);
		rtdm_waitqueue_unlock(&uf->wq, w);
	}
	sig = ur->sig_on;
	rtdm_lock_put_irqrestore(&ur->lock, c);

	if (sig)
		rtdm_nrtsig_pend(&ur->sig_relay);
}
EXPORT_SYMBOL_GPL(udd_notify_event);

/* Switch the managed line to @off, unless it is in that state already. */
static void udd_switch_line(struct udd_device *udd, bool off)
{
	struct udd_reserved *ur = &udd->__reserved;
	rtdm_lockctx_t c;

	rtdm_lock_get_irqsave(&ur->lock, c);
	if (ur->irq_off != off) {
		ur->irq_off = off;
		if (off)
			rtdm_irq_disable(&ur->irqh);
		else
			rtdm_irq_enable(&ur->irqh);
	}
	rtdm_lock_put_irqrestore(&ur->lock, c);
}

void udd_enable_irq(struct udd_device *udd, rtdm_event_t *done)
{
	if (udd_irq_managed(udd))
		udd_switch_line(udd, false);
	if (done)
		rtdm_event_signal(done);
}
EXPORT_SYMBOL_GPL(udd_enable_irq);

void udd_disable_irq(struct udd_device *udd, rtdm_event_t *done)
{
	if (udd_irq_managed(udd))
		udd_switch_line(udd, true);
	if (done)
		rtdm_event_signal(done);
}
EXPORT_SYMBOL_GPL(udd_disable_irq);

/*
 * The line's handler: the mini-driver silences the device. The core keeps
 * track of the line state itself (rather than passing RTDM_IRQ_DISABLE on
 * to the backend) so that IRQEN/IRQDIS always know whether it is enabled.
 */
static int udd_irq_handler(rtdm_irq_t *irqh)
{
	struct udd_device *udd = rtdm_irq_get_arg(irqh, struct udd_device);
	int ret;

	ret = udd->ops.interrupt(udd);
	if (!(ret & RTDM_IRQ_HANDLED))
		return RTDM_IRQ_NONE;

	if (ret & RTDM_IRQ_DISABLE)
		udd_switch_line(udd, true);
	udd_notify_event(udd);

	return RTDM_IRQ_HANDLED;
}

/* ------------------------------------------------------------------ */
/* Signal notification                                                */
/* ------------------------------------------------------------------ */

/* sig_lock held. */
static void udd_sig_off(struct udd_device *udd)
{
	struct udd_reserved *ur = &udd->__reserved;
	rtdm_lockctx_t c;

	rtdm_lock_get_irqsave(&ur->lock, c);
	ur->sig_on = false;
	rtdm_lock_put_irqrestore(&ur->lock, c);
	put_pid(ur->sig_pid);
	ur->sig_pid = NULL;
	ur->sig_fd = NULL;
}

/* nrt signal handler: queue a signal for each interrupt not signalled yet. */
static void udd_sig_relay(rtdm_nrtsig_t *nrt_sig, void *arg)
{
	struct udd_device *udd = arg;
	struct udd_reserved *ur = &udd->__reserved;
	struct kernel_siginfo info;
	struct task_struct *task;

	mutex_lock(&ur->sig_lock);
	if (!ur->sig_pid)
		goto out;

	task = get_pid_task(ur->sig_pid, PIDTYPE_PID);
	if (!task) {
		/* The thread is gone. */
		udd_sig_off(udd);
		goto out;
	}

	/* Interrupts may keep coming while we queue. */
	while (READ_ONCE(ur->event_count) != ur->sig_sent) {
		clear_siginfo(&info);
		info.si_signo = ur->sig;
		info.si_code = SI_QUEUE;
		ur->sig_sent++;
		info.si_int = (int)ur->sig_sent;
		if (send_sig_info(ur->sig, &info, task) == -EAGAIN &&
		    !ur->sig_lost++)
			pr_warn("udd: %s: signal queue full, notifications lost\n",
				udd->device_name);
	}
	put_task_struct(task);
out:
	mutex_unlock(&ur->sig_lock);
}

static int udd_set_signal(struct rtdm_fd *fd, struct udd_device *udd,
			  const struct udd_signotify *sn)
{
	struct udd_reserved *ur = &udd->__reserved;
	struct task_struct *task;
	rtdm_lockctx_t c;
	struct pid *pid;
	bool ours;

	if (sn->pid <= 0) {
		mutex_lock(&ur->sig_lock);
		udd_sig_off(udd);
		mutex_unlock(&ur->sig_lock);
		return 0;
	}

	if (sn->sig < SIGRTMIN || sn->sig > SIGRTMAX)
		return -EINVAL;

	/* A thread of the caller's process. */
	pid = find_get_pid(sn->pid);
	if (!pid)
		return -EINVAL;
	task = get_pid_task(pid, PIDTYPE_PID);
	ours = task && same_thread_group(task, current);
	if (task)
		put_task_struct(task);
	if (!ours) {
		put_pid(pid);
		return -EINVAL;
	}

	mutex_lock(&ur->sig_lock);
	udd_sig_off(udd);
	ur->sig_pid = pid;
	ur->sig = sn->sig;
	ur->sig_fd = fd;
	/* Interrupts from now on are signalled, the earlier ones are not. */
	rtdm_lock_get_irqsave(&ur->lock, c);
	ur->sig_sent = ur->event_count;
	ur->sig_on = true;
	rtdm_lock_put_irqrestore(&ur->lock, c);
	mutex_unlock(&ur->sig_lock);

	return 0;
}

/* ------------------------------------------------------------------ */
/* The device node                                                    */
/* ------------------------------------------------------------------ */

static int udd_open(struct rtdm_fd *fd, int oflags)
{
	struct udd_device *udd = udd_get_device(fd);
	struct udd_reserved *ur = &udd->__reserved;
	struct udd_file *uf = rtdm_fd_to_private(fd);
	rtdm_lockctx_t c;
	int ret;

	if (udd->ops.open) {
		ret = udd->ops.open(fd, oflags);
		if (ret)
			return ret;
	}

	rtdm_waitqueue_init(&uf->wq);
	rtdm_lock_get_irqsave(&ur->lock, c);
	uf->seen = ur->event_count;
	list_add_tail(&uf->next, &ur->files);
	rtdm_lock_put_irqrestore(&ur->lock, c);

	return 0;
}

static void udd_close(struct rtdm_fd *fd)
{
	struct udd_device *udd = udd_get_device(fd);
	struct udd_reserved *ur = &udd->__reserved;
	struct udd_file *uf = rtdm_fd_to_private(fd);
	rtdm_lockctx_t c;

	rtdm_lock_get_irqsave(&ur->lock, c);
	list_del(&uf->next);
	rtdm_lock_put_irqrestore(&ur->lock, c);
	rtdm_waitqueue_destroy(&uf->wq);

	mutex_lock(&ur->sig_lock);
	if (ur->sig_fd == fd)
		udd_sig_off(udd);
	mutex_unlock(&ur->sig_lock);

	if (udd->ops.close)
		udd->ops.close(fd);
}

/*
 * Everything but UDD_RTIOC_IRQSIG, for real-time and (through -ENOSYS
 * from udd_ioctl_nrt()) in-band callers.
 */
static int udd_ioctl_rt(struct rtdm_fd *fd, unsigned int request,
			void __user *arg)
{
	struct udd_device *udd = udd_get_device(fd);
	int ret;

	if (request == UDD_RTIOC_IRQSIG)
		return -ENOSYS;		/* in-band: udd_ioctl_nrt() */

	if (udd->ops.ioctl) {
		ret = udd->ops.ioctl(fd, request, arg);
		if (ret != -ENOSYS)
			return ret;
	}

	switch (request) {
	case UDD_RTIOC_IRQEN:
	case UDD_RTIOC_IRQDIS:
		if (!udd_irq_managed(udd))
			return -EIO;
		udd_switch_line(udd, request == UDD_RTIOC_IRQDIS);
		return 0;
	default:
		return -EINVAL;
	}
}

/* UDD_RTIOC_IRQSIG: looks the thread up and holds its pid. */
static int udd_ioctl_nrt(struct rtdm_fd *fd, unsigned int request,
			 void __user *arg)
{
	struct udd_device *udd = udd_get_device(fd);
	struct udd_signotify sn;
	int ret;

	if (request != UDD_RTIOC_IRQSIG)
		return -ENOSYS;		/* udd_ioctl_rt() */

	if (udd->ops.ioctl) {
		ret = udd->ops.ioctl(fd, request, arg);
		if (ret != -ENOSYS)
			return ret;
	}

	if (rtdm_safe_copy_from_user(fd, &sn, arg, sizeof(sn)))
		return -EFAULT;

	return udd_set_signal(fd, udd, &sn);
}

static ssize_t udd_read_rt(struct rtdm_fd *fd, void __user *buf, size_t len)
{
	struct udd_device *udd = udd_get_device(fd);
	struct udd_reserved *ur = &udd->__reserved;
	struct udd_file *uf = rtdm_fd_to_private(fd);
	nanosecs_rel_t timeout = RTDM_TIMEOUT_INFINITE;
	rtdm_lockctx_t c;
	u32 count = 0;
	int ret;

	if (len != sizeof(count))
		return -EINVAL;
	if (udd->irq == UDD_IRQ_NONE)
		return -EIO;
	if (rtdm_fd_flags(fd) & O_NONBLOCK)
		timeout = RTDM_TIMEOUT_NONE;

	rtdm_waitqueue_lock(&uf->wq, c);
	ret = rtdm_timedwait_condition_locked(&uf->wq,
					      READ_ONCE(ur->event_count) !=
					      uf->seen, timeout, NULL);
	if (!ret) {
		count = READ_ONCE(ur->event_count);
		uf->seen = count;
	}
	rtdm_waitqueue_unlock(&uf->wq, c);
	if (ret)
		return ret == -EWOULDBLOCK ? -EAGAIN : ret;

	if (rtdm_safe_copy_to_user(fd, buf, &count, sizeof(count)))
		return -EFAULT;

	return sizeof(count);
}

static ssize_t udd_write_rt(struct rtdm_fd *fd, const void __user *buf,
			    size_t len)
{
	u32 val;
	int ret;

	if (len != sizeof(val))
		return -EINVAL;

	if (rtdm_safe_copy_from_user(fd, &val, buf, sizeof(val)))
		return -EFAULT;

	ret = udd_ioctl_rt(fd, val ? UDD_RTIOC_IRQEN : UDD_RTIOC_IRQDIS, NULL);

	return ret ?: len;
}

static bool udd_file_ready(struct udd_device *udd, struct udd_file *uf)
{
	rtdm_lockctx_t c;
	bool ready;

	rtdm_waitqueue_lock(&uf->wq, c);
	ready = READ_ONCE(udd->__reserved.event_count) != uf->seen;
	rtdm_waitqueue_unlock(&uf->wq, c);

	return ready;
}

static int udd_select(struct rtdm_fd *fd, rtdm_selector_t *selector,
		      unsigned int type, unsigned int index)
{
	struct udd_device *udd = udd_get_device(fd);
	struct udd_file *uf = rtdm_fd_to_private(fd);
	bool ready;

	if (udd->irq == UDD_IRQ_NONE)
		return -EIO;
	if (type != RTDM_SELECTTYPE_READ)
		return -EINVAL;

	ready = udd_file_ready(udd, uf);
	rtdm_waitqueue_select(&uf->wq, selector, type, ready);
	/* An interrupt between the test and the binding. */
	if (!ready && udd_file_ready(udd, uf))
		rtdm_waitqueue_select(&uf->wq, selector, type, true);

	return 0;
}

/* ------------------------------------------------------------------ */
/* Mappers                                                            */
/* ------------------------------------------------------------------ */

static int udd_mapper_mmap(struct rtdm_fd *fd, struct vm_area_struct *vma)
{
	struct udd_device *udd = udd_get_device(fd);
	struct udd_memregion *rn = udd_get_region(fd);
	size_t len = vma->vm_end - vma->vm_start;

	if (udd->ops.mmap)
		return udd->ops.mmap(fd, vma);

	/* The whole region or its beginning, shared. */
	if (vma->vm_pgoff || len > rn->len || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	switch (rn->type) {
	case UDD_MEM_PHYS:
		return rtdm_mmap_iomem(vma, rn->addr);
	case UDD_MEM_LOGICAL:
		return rtdm_mmap_kmem(vma, (void *)rn->addr);
	case UDD_MEM_VIRTUAL:
		return rtdm_mmap_vmem(vma, (void *)rn->addr);
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* sysfs: /sys/class/rtdm/<name>{,mapper<N>}/udd_*                    */
/* ------------------------------------------------------------------ */

static struct udd_mapper *kdev_to_mapper(struct device *kdev)
{
	struct rtdm_device *dev = dev_get_drvdata(kdev);

	return container_of(dev, struct udd_mapper, dev);
}

static ssize_t udd_region_show(struct device *kdev,
			       struct device_attribute *attr, char *buf)
{
	static const char * const types[] = {
		[UDD_MEM_PHYS] = "phys",
		[UDD_MEM_LOGICAL] = "logical",
		[UDD_MEM_VIRTUAL] = "virtual",
	};
	struct udd_mapper *m = kdev_to_mapper(kdev);
	struct udd_memregion *rn = &m->udd->mem_regions[m->dev.minor];

	/* name, length, type */
	return sysfs_emit(buf, "%s %zu %s\n", rn->name, rn->len,
			  types[rn->type]);
}
static DEVICE_ATTR_RO(udd_region);

static ssize_t udd_irq_show(struct device *kdev,
			    struct device_attribute *attr, char *buf)
{
	struct rtdm_device *dev = dev_get_drvdata(kdev);
	struct udd_device *udd = dev->device_data;
	struct udd_reserved *ur = &udd->__reserved;

	/* irq (number, none or custom), interrupts reported, line state */
	if (udd->irq == UDD_IRQ_NONE)
		return sysfs_emit(buf, "none\n");
	if (udd->irq == UDD_IRQ_CUSTOM)
		return sysfs_emit(buf, "custom %u\n",
				  READ_ONCE(ur->event_count));

	return sysfs_emit(buf, "%d %u %s\n", udd->irq,
			  READ_ONCE(ur->event_count),
			  READ_ONCE(ur->irq_off) ? "disabled" : "enabled");
}
static DEVICE_ATTR_RO(udd_irq);

/* ------------------------------------------------------------------ */
/* Registration                                                       */
/* ------------------------------------------------------------------ */

static int udd_check_region(const struct udd_memregion *rn)
{
	if (!rn->name || !rn->addr || !rn->len || !PAGE_ALIGNED(rn->len) ||
	    !PAGE_ALIGNED(rn->addr))
		return -EINVAL;

	switch (rn->type) {
	case UDD_MEM_PHYS:
		return 0;
	case UDD_MEM_LOGICAL:
		return virt_addr_valid((void *)rn->addr) &&
			virt_addr_valid((void *)(rn->addr + rn->len - 1)) ?
			0 : -EINVAL;
	case UDD_MEM_VIRTUAL:
		return is_vmalloc_addr((void *)rn->addr) ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static void udd_unregister_mappers(struct udd_device *udd)
{
	struct udd_reserved *ur = &udd->__reserved;
	int n;

	for (n = 0; n < UDD_NR_MAPS; n++) {
		struct rtdm_device *dev = &ur->mapdev[n].dev;

		if (!dev->driver)
			continue;
		device_remove_file(rtdm_dev_to_kdev(dev), &dev_attr_udd_region);
		rtdm_dev_unregister(dev);
		dev->driver = NULL;
	}
	kfree(ur->mapper_name);
	ur->mapper_name = NULL;
}

static int udd_register_mappers(struct udd_device *udd, struct module *owner)
{
	struct udd_reserved *ur = &udd->__reserved;
	struct rtdm_driver *drv = &ur->mapper_driver;
	int n, ret;

	ur->mapper_name = kasprintf(GFP_KERNEL, "%s,mapper%%d",
				    udd->device_name);
	if (!ur->mapper_name)
		return -ENOMEM;

	memset(drv, 0, sizeof(*drv));
	drv->profile_info = (struct rtdm_profile_info)
		RTDM_PROFILE_INFO(udd_mapper, RTDM_CLASS_MEMORY,
				  RTDM_SUBCLASS_GENERIC, 0);
	drv->profile_info.owner = owner;
	drv->device_flags = RTDM_NAMED_DEVICE | RTDM_FIXED_MINOR;
	drv->device_count = UDD_NR_MAPS;
	drv->ops.mmap = udd_mapper_mmap;

	for (n = 0; n < UDD_NR_MAPS; n++) {
		struct udd_mapper *m = &ur->mapdev[n];

		if (udd->mem_regions[n].type == UDD_MEM_NONE)
			continue;
		m->udd = udd;
		m->dev.driver = drv;
		m->dev.device_data = udd;
		m->dev.label = ur->mapper_name;
		m->dev.minor = n;
		ret = rtdm_dev_register(&m->dev);
		if (ret) {
			m->dev.driver = NULL;
			goto fail;
		}
		ret = device_create_file(rtdm_dev_to_kdev(&m->dev),
					 &dev_attr_udd_region);
		if (ret) {
			rtdm_dev_unregister(&m->dev);
			m->dev.driver = NULL;
			goto fail;
		}
	}

	return 0;
fail:
	udd_unregister_mappers(udd);

	return ret;
}

int __udd_register_device(struct udd_device *udd, struct module *owner)
{
	struct udd_reserved *ur = &udd->__reserved;
	struct rtdm_device *dev = &ur->device;
	struct rtdm_driver *drv = &ur->driver;
	int n, ret;

	if (!udd->device_name ||
	    (udd->device_flags & ~(RTDM_NAMED_DEVICE | RTDM_EXCLUSIVE)))
		return -EINVAL;
	if (udd->irq < UDD_IRQ_CUSTOM ||
	    (udd_irq_managed(udd) && !udd->ops.interrupt))
		return -EINVAL;

	memset(ur, 0, sizeof(*ur));
	for (n = 0; n < UDD_NR_MAPS; n++) {
		if (udd->mem_regions[n].type == UDD_MEM_NONE)
			continue;
		ret = udd_check_region(&udd->mem_regions[n]);
		if (ret)
			return ret;
		ur->nr_maps++;
	}

	rtdm_lock_init(&ur->lock);
	INIT_LIST_HEAD(&ur->files);
	mutex_init(&ur->sig_lock);
	ret = rtdm_nrtsig_init(&ur->sig_relay, udd_sig_relay, udd);
	if (ret)
		return ret;

	drv->profile_info = (struct rtdm_profile_info)
		RTDM_PROFILE_INFO(udd, RTDM_CLASS_UDD, udd->device_subclass, 0);
	drv->profile_info.name = udd->device_name;
	drv->profile_info.owner = owner;
	drv->device_flags = RTDM_NAMED_DEVICE | udd->device_flags;
	drv->device_count = 1;
	drv->context_size = sizeof(struct udd_file);
	drv->ops = (struct rtdm_fd_ops) {
		.open = udd_open,
		.close = udd_close,
		.ioctl_rt = udd_ioctl_rt,
		.ioctl_nrt = udd_ioctl_nrt,
		.read_rt = udd_read_rt,
		.write_rt = udd_write_rt,
		.select = udd_select,
	};

	dev->driver = drv;
	dev->device_data = udd;
	dev->label = udd->device_name;
	ret = rtdm_dev_register(dev);
	if (ret)
		goto fail_dev;
	ret = device_create_file(rtdm_dev_to_kdev(dev), &dev_attr_udd_irq);
	if (ret)
		goto fail_attr;

	if (ur->nr_maps) {
		ret = udd_register_mappers(udd, owner);
		if (ret)
			goto fail_mappers;
	}

	if (udd_irq_managed(udd)) {
		ret = rtdm_irq_request(&ur->irqh, udd->irq, udd_irq_handler, 0,
				       udd->device_name, udd);
		if (ret)
			goto fail_irq;
		ur->irq_requested = true;
	}

	return 0;

fail_irq:
	udd_unregister_mappers(udd);
fail_mappers:
	device_remove_file(rtdm_dev_to_kdev(dev), &dev_attr_udd_irq);
fail_attr:
	rtdm_dev_unregister(dev);
fail_dev:
	rtdm_nrtsig_destroy(&ur->sig_relay);
	mutex_destroy(&ur->sig_lock);

	return ret;
}
EXPORT_SYMBOL_GPL(__udd_register_device);

int udd_unregister_device(struct udd_device *udd)
{
	struct udd_reserved *ur = &udd->__reserved;

	udd_unregister_mappers(udd);
	device_remove_file(rtdm_dev_to_kdev(&ur->device), &dev_attr_udd_irq);
	/* Revokes the open files: their close handlers run. */
	rtdm_dev_unregister(&ur->device);

	if (ur->irq_requested) {
		rtdm_irq_free(&ur->irqh);
		ur->irq_requested = false;
	}
	rtdm_nrtsig_destroy(&ur->sig_relay);

	mutex_lock(&ur->sig_lock);
	udd_sig_off(udd);
	mutex_unlock(&ur->sig_lock);
	mutex_destroy(&ur->sig_lock);

	return 0;
}
EXPORT_SYMBOL_GPL(udd_unregister_device);
