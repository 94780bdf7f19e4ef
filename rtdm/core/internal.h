/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTDM core internals, shared by the core and its backend.
 */
#ifndef _RTDM_CORE_INTERNAL_H
#define _RTDM_CORE_INTERNAL_H

#include <linux/seq_file.h>
#include <rtdm/driver.h>

#define RTDM_DEVICE_MAGIC	0x82846877

/* Registry (device.c) */
extern struct class *rtdm_class;
extern struct mutex rtdm_dev_lock;
extern struct list_head rtdm_device_list;
extern spinlock_t rtdm_fd_list_lock;

int rtdm_device_init(void);
void rtdm_device_cleanup(void);
struct rtdm_device *rtdm_get_protocol_device(int family, int type);
struct rtdm_device *rtdm_get_named_device(struct rtdm_driver *drv, int minor);
void rtdm_put_device(struct rtdm_device *dev);

/* fd layer (fd.c) */
extern const struct file_operations rtdm_fops;

int rtdm_control_init(void);
void rtdm_control_cleanup(void);

ssize_t rtdm_fd_dispatch_read(struct rtdm_fd *fd, void __user *buf,
			      size_t size, bool rt);
ssize_t rtdm_fd_dispatch_write(struct rtdm_fd *fd, const void __user *buf,
			       size_t size, bool rt);
int rtdm_fd_dispatch_ioctl(struct rtdm_fd *fd, unsigned int request,
			   void __user *arg, bool rt);
struct rtdm_fd *rtdm_fd_enter(struct file *filp);
/* poll() mask bits of an RTDM_SELECTTYPE_* */
__poll_t rtdm_selector_mask(unsigned int type);
void rtdm_fd_put(struct rtdm_fd *fd);

/* mmap requests from rtdm_mmap_to_user() (drvlib.c) */
int rtdm_mmap_request(struct rtdm_fd *fd, struct vm_area_struct *vma);

/* Status files (proc.c) */
int rtdm_proc_init(void);
void rtdm_proc_cleanup(void);

/* Backend hooks, implemented by every backend. */
int rtdm_backend_init(void);
void rtdm_backend_cleanup(void);
void rtdm_backend_show_irqs(struct seq_file *m);
void rtdm_backend_show_tasks(struct seq_file *m);
const char *rtdm_backend_describe(void);

#endif /* _RTDM_CORE_INTERNAL_H */
