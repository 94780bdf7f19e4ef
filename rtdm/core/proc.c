// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM status files, the counterpart of Xenomai's /proc/xenomai:
 *
 *   /proc/rtdm/devices  registered devices with their profile and open fds
 *   /proc/rtdm/fds      open file descriptors
 *   /proc/rtdm/irq      interrupt lines requested through RTDM, with hits
 *   /proc/rtdm/tasks    RTDM tasks with their period statistics
 *   /proc/rtdm/backend  the backend and the kernel's preemption model
 *
 * Each table starts with a '#' header line naming its whitespace-separated
 * columns.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "internal.h"

static struct proc_dir_entry *rtdm_proc_root;

static bool is_named(struct rtdm_driver *drv)
{
	return (drv->device_flags & RTDM_DEVICE_TYPE_MASK) == RTDM_NAMED_DEVICE;
}

static int devices_show(struct seq_file *m, void *v)
{
	struct rtdm_device *dev;

	seq_puts(m, "# name type class:sub ver flags fds driver proto\n");
	mutex_lock(&rtdm_dev_lock);
	list_for_each_entry(dev, &rtdm_device_list, link) {
		struct rtdm_driver *drv = dev->driver;
		struct rtdm_profile_info *p = &drv->profile_info;

		seq_printf(m, "%s %s %d:%d %d %#06x %d %s ", dev->name,
			   is_named(drv) ? "named" : "protocol", p->class_id,
			   p->subclass_id, p->version, drv->device_flags,
			   atomic_read(&dev->refcount), p->name);
		if (is_named(drv))
			seq_puts(m, "-\n");
		else
			seq_printf(m, "%d:%d\n", drv->protocol_family,
				   drv->socket_type);
	}
	mutex_unlock(&rtdm_dev_lock);

	return 0;
}

static int fds_show(struct seq_file *m, void *v)
{
	struct rtdm_device *dev;
	struct rtdm_fd *fd;

	seq_puts(m, "# device minor pid comm refs oflags\n");
	mutex_lock(&rtdm_dev_lock);
	list_for_each_entry(dev, &rtdm_device_list, link) {
		spin_lock(&rtdm_fd_list_lock);
		list_for_each_entry(fd, &dev->openfd_list, next)
			seq_printf(m, "%s %d %d %s %u %#x\n", dev->name,
				   fd->minor, fd->owner, fd->comm,
				   refcount_read(&fd->refs),
				   rtdm_fd_flags(fd));
		spin_unlock(&rtdm_fd_list_lock);
	}
	mutex_unlock(&rtdm_dev_lock);

	return 0;
}

static int irq_show(struct seq_file *m, void *v)
{
	seq_puts(m, "# irq hits device\n");
	rtdm_backend_show_irqs(m);

	return 0;
}

static int tasks_show(struct seq_file *m, void *v)
{
	seq_puts(m, "# pid prio period_ns periods overruns max_late_ns name\n");
	rtdm_backend_show_tasks(m);

	return 0;
}

static int backend_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", rtdm_backend_describe());

	return 0;
}

int rtdm_proc_init(void)
{
	rtdm_proc_root = proc_mkdir("rtdm", NULL);
	if (!rtdm_proc_root)
		return -ENOMEM;

	if (!proc_create_single("devices", 0444, rtdm_proc_root,
				devices_show) ||
	    !proc_create_single("fds", 0444, rtdm_proc_root, fds_show) ||
	    !proc_create_single("irq", 0444, rtdm_proc_root, irq_show) ||
	    !proc_create_single("tasks", 0444, rtdm_proc_root, tasks_show) ||
	    !proc_create_single("backend", 0444, rtdm_proc_root,
				backend_show)) {
		proc_remove(rtdm_proc_root);
		return -ENOMEM;
	}

	return 0;
}

void rtdm_proc_cleanup(void)
{
	proc_remove(rtdm_proc_root);
}
