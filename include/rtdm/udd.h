/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UDD: user-space device drivers on RTDM (Xenomai 3's UDD profile).
 *
 * A mini-driver describes a device (a name, up to UDD_NR_MAPS memory
 * regions, an interrupt) in a struct udd_device and registers it; the UDD
 * core (udd.ko) then publishes
 *   /dev/rtdm/<name>           read() waits for interrupts, write() and
 *                              the ioctls of <rtdm/uapi/udd.h> switch the
 *                              line and the signal notification;
 *   /dev/rtdm/<name>,mapper<N> mmap() maps region N (one node per region
 *                              declared, so a sparse array leaves gaps);
 * and the driver of the device itself runs in a user process.
 *
 * The core requests the interrupt line (irq > 0) and runs the mini-driver's
 * ops.interrupt() from its handler, in rt context: it silences the device
 * and returns RTDM_IRQ_HANDLED, or'ed with RTDM_IRQ_DISABLE to leave the
 * line disabled until user space re-enables it (UDD_RTIOC_IRQEN or a
 * write() of a non-zero value), as for a level-triggered interrupt only
 * user space can acknowledge. Each handled interrupt, RTDM_IRQ_DISABLE or
 * not, is reported to user space (Xenomai 3 reported only those handled
 * without it). With UDD_IRQ_CUSTOM the mini-driver handles its interrupt
 * itself and reports it with udd_notify_event(); with UDD_IRQ_NONE the
 * device has no interrupt and read() fails with EIO.
 *
 * Region types: UDD_MEM_PHYS (I/O memory at a physical address, mapped
 * uncached), UDD_MEM_LOGICAL (kernel memory from the page allocator or
 * kmalloc, physically contiguous), UDD_MEM_VIRTUAL (vmalloc memory, e.g.
 * vmalloc_user()). Address and length are page aligned. The memory must
 * stay valid for as long as user space may map it: a mapping outlives
 * close() and udd_unregister_device(), and holds the mini-driver's module.
 *
 * Handlers of the mini-driver (all optional but interrupt):
 *   open, close  in-band, for the device node only (not the mappers);
 *                close runs once the file is released or the device
 *                unregistered, as RTDM close handlers do;
 *   ioctl        every request on the device but UDD_RTIOC_IRQSIG is
 *                offered to it first, from the core's rt handler (for
 *                in-band callers too); -ENOSYS lets the core serve it.
 *                UDD_RTIOC_IRQSIG is offered to it in-band;
 *   mmap         replaces the core's mapping of the regions (mapper
 *                nodes), in-band;
 *   interrupt    rt context, hard interrupts off: never sleeps.
 */
#ifndef _RTDM_UDD_H
#define _RTDM_UDD_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/udd.h>

/* udd_device.irq: no interrupt, or one the mini-driver handles itself. */
#define UDD_IRQ_NONE		0
#define UDD_IRQ_CUSTOM		(-1)

/* udd_memregion.type */
#define UDD_MEM_NONE		0
#define UDD_MEM_PHYS		1
#define UDD_MEM_LOGICAL		2
#define UDD_MEM_VIRTUAL		3

#define UDD_NR_MAPS		5

struct udd_memregion {
	const char *name;	/* required, informational */
	unsigned long addr;	/* physical (PHYS) or kernel virtual address */
	size_t len;		/* bytes, a multiple of PAGE_SIZE */
	int type;		/* UDD_MEM_* */
};

struct udd_device;

struct udd_mapper {
	struct udd_device *udd;
	struct rtdm_device dev;
};

struct udd_device {
	/* /dev/rtdm/<device_name>; at most 23 characters with mappers */
	const char *device_name;
	int device_flags;	/* 0 or RTDM_EXCLUSIVE (RTDM_NAMED_DEVICE implied) */
	int device_subclass;	/* reported by RTIOC_DEVICE_INFO */
	struct {
		int (*open)(struct rtdm_fd *fd, int oflags);
		void (*close)(struct rtdm_fd *fd);
		int (*ioctl)(struct rtdm_fd *fd, unsigned int request,
			     void __user *arg);
		int (*mmap)(struct rtdm_fd *fd, struct vm_area_struct *vma);
		int (*interrupt)(struct udd_device *udd);
	} ops;
	int irq;		/* a Linux irq number, UDD_IRQ_NONE or _CUSTOM */
	/* may be sparse: unused entries have type UDD_MEM_NONE */
	struct udd_memregion mem_regions[UDD_NR_MAPS];

	/* Reserved to the UDD core. */
	struct udd_reserved {
		rtdm_lock_t lock;	/* count, line state, open files */
		u32 event_count;
		bool irq_off;		/* the managed line is disabled */
		bool irq_requested;
		struct list_head files;	/* open files of the device node */
		rtdm_irq_t irqh;
		/* signal notification (UDD_RTIOC_IRQSIG) */
		struct mutex sig_lock;	/* in-band side of the fields below */
		bool sig_on;		/* under lock too: read by notify */
		u32 sig_sent;		/* count in the last signal queued */
		int sig;
		struct pid *sig_pid;
		struct rtdm_fd *sig_fd;	/* the file that asked for it */
		unsigned long sig_lost;	/* queue full (RLIMIT_SIGPENDING) */
		rtdm_nrtsig_t sig_relay;
		struct rtdm_driver driver;
		struct rtdm_device device;
		struct rtdm_driver mapper_driver;
		struct udd_mapper mapdev[UDD_NR_MAPS];
		char *mapper_name;
		int nr_maps;
	} __reserved;
};

/*
 * Registers the device and its mappers and requests its interrupt line;
 * the fds opened on them hold the calling module. Returns 0, -EINVAL (bad
 * name, flags, region or irq, or no interrupt handler for a managed
 * line), -EEXIST (name in use), -ENOMEM, or the error of
 * rtdm_dev_register() or rtdm_irq_request().
 * Context: in-band, may sleep.
 */
int __udd_register_device(struct udd_device *udd, struct module *owner);
#define udd_register_device(__udd) __udd_register_device(__udd, THIS_MODULE)

/*
 * Revokes the fds open on the device and its mappers (their calls in
 * progress fail with ENODEV, blocked ones are woken, the close handlers
 * run), then frees the interrupt line. On return nothing refers to @udd
 * any more; the mappings user space still has stay in place. Returns 0.
 * Context: in-band, may sleep.
 */
int udd_unregister_device(struct udd_device *udd);

/*
 * The device of an fd of the device node or of one of its mappers, from
 * the handlers of the mini-driver. Context: any.
 */
struct udd_device *udd_get_device(struct rtdm_fd *fd);

/* The region of a mapper's fd, NULL for the device node. Context: any. */
struct udd_memregion *udd_get_region(struct rtdm_fd *fd);

/*
 * Reports an interrupt of a UDD_IRQ_CUSTOM device: wakes the readers and
 * queues the notification signal. Context: any, interrupt handlers
 * included; not after udd_unregister_device() has started.
 */
void udd_notify_event(struct udd_device *udd);

/*
 * Enables or disables the interrupt line the core manages (no effect for
 * UDD_IRQ_NONE and UDD_IRQ_CUSTOM), then signals @done if not NULL. The
 * line is switched before the call returns: switching it again to the
 * state it is in does nothing. Context: any.
 */
void udd_enable_irq(struct udd_device *udd, rtdm_event_t *done);
void udd_disable_irq(struct udd_device *udd, rtdm_event_t *done);

#endif /* _RTDM_UDD_H */
