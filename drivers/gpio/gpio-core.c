// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM GPIO core: exports the lines of Linux gpiochips as RTDM devices
 * with Xenomai 3's GPIO profile (include/rtdm/uapi/gpio.h).
 *
 * The core is a gpiolib consumer: it does not replace the chip's driver,
 * it requests lines from it. Each line of an exported chip is the named
 * device /dev/rtdm/<chip label>/gpio<N>, N being the line's global GPIO
 * number (chip base + offset), the numbering of Xenomai 3 and of gpiobench
 * -o/-i. A line is opened by one file at a time; open requests it from
 * gpiolib (EBUSY if someone else, e.g. a libgpiod user, holds it) and
 * close releases it with its interrupt.
 *
 * Set-up (direction, interrupt, request/release, timestamps) is served
 * in-band by ioctl_nrt, under a Linux mutex per line. The data path is
 * served by the _rt handlers, for in-band callers too: read blocks on the
 * line's event, signalled by the interrupt handler, which runs in hard
 * interrupt context (rtdm_irq_request()) and takes the timestamp and the
 * line's value; write sets an output; select binds the event. The state
 * the three share with the interrupt handler is guarded by an rtdm_lock.
 *
 * Level triggers would storm while the level holds: the handler masks the
 * interrupt, and a read or select unmasks it once the interrupt it took has
 * been read, so that each read sees one interrupt whenever the interrupt is
 * delivered: a read or select finding an interrupt not read yet does not
 * unmask, else a second interrupt, raised while the level still holds,
 * could land after that read and wake a later one with a stale level.
 *
 * Exported chips are followed through their parent device: when its
 * driver is unbound (sysfs unbind, rmmod of the chip's driver) or the
 * device is deleted, the lines' devices are unregistered before the chip
 * goes, which revokes the files open on them (calls in progress and later
 * ones fail with ENODEV). Lines are requested with
 * gpiochip_request_own_desc(), which does not pin the chip's module, so
 * that this works for a modular chip too. The open files pin the module
 * of the binding that exported the chip.
 *
 * Requirements on a chip: it must not sleep (its get/set are called from
 * real-time context and from the interrupt handler), and it must have a
 * parent device on a bus.
 */
#include <linux/err.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/irq.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/gpio.h>
#include "gpio-core.h"

#define GPIO_LINE_NAME_LEN	16

struct rtdm_gpio_chip;

struct rtdm_gpio_pin {
	struct rtdm_device dev;
	struct rtdm_gpio_chip *chip;
	unsigned int offset;
	char name[GPIO_LINE_NAME_LEN];	/* "gpio<N>": request and irq label */
	/* in-band set-up: open, close, ioctl_nrt */
	struct mutex setup_lock;
	/* below: guarded by lock, shared with the handler and the data path */
	rtdm_lock_t lock;
	struct gpio_desc *desc;		/* the requested line, or NULL */
	bool has_direction;
	bool is_output;
	bool armed;			/* interrupt requested */
	bool level;			/* level trigger */
	bool masked;			/* level interrupt masked by its handler */
	bool unread;			/* ... and that interrupt not read yet */
	bool want_timestamp;
	bool realtime;			/* CLOCK_REALTIME timestamps */
	nanosecs_abs_t timestamp;	/* of the last interrupt */
	int value;			/* line value at the last interrupt */
	rtdm_event_t event;
	rtdm_irq_t irqh;
};

struct rtdm_gpio_chip {
	struct list_head next;
	struct gpio_chip *gc;
	struct device *parent;
	struct module *owner;
	char *label;
	struct class *devclass;
	struct rtdm_driver driver;
	unsigned int ngpio;
	unsigned int initialized;	/* pins set up */
	unsigned int registered;	/* pins registered */
	struct rtdm_gpio_pin pins[];
};

/* A bus whose devices parent exported chips: its notifier stays on. */
struct gpio_bus_watch {
	RTDM_BUS_CONST struct bus_type *bus;
	struct list_head next;
	struct notifier_block nb;
};

/*
 * Exported chips, and the withdrawn ones whose memory must outlive the
 * files still open on their devices (see unexport_chip()). The lock is
 * taken by the bus notifiers, never while registering one.
 */
static DEFINE_MUTEX(chip_lock);
static LIST_HEAD(chip_list);
static LIST_HEAD(withdrawn_list);
static DEFINE_MUTEX(watch_lock);
static LIST_HEAD(watch_list);

static inline struct rtdm_gpio_pin *fd_to_pin(struct rtdm_fd *fd)
{
	return container_of(rtdm_fd_device(fd), struct rtdm_gpio_pin, dev);
}

static nanosecs_abs_t pin_clock(struct rtdm_gpio_pin *pin)
{
	return pin->realtime ? rtdm_clock_read_realtime() :
		rtdm_clock_read_monotonic();
}

/* ------------------------------------------------------------------ */
/* Interrupt                                                          */
/* ------------------------------------------------------------------ */

static int gpio_pin_interrupt(rtdm_irq_t *irqh)
{
	struct rtdm_gpio_pin *pin = rtdm_irq_get_arg(irqh, struct rtdm_gpio_pin);
	nanosecs_abs_t now;
	int value;

	rtdm_lock_get(&pin->lock);
	now = pin_clock(pin);
	value = gpiod_get_raw_value(pin->desc);
	pin->timestamp = now;
	pin->value = value;
	if (pin->level && !pin->masked) {
		pin->masked = true;
		pin->unread = true;
		rtdm_irq_disable(irqh);
	}
	rtdm_lock_put(&pin->lock);
	rtdm_event_signal(&pin->event);

	return RTDM_IRQ_HANDLED;
}

/*
 * Lock held: a level interrupt masked by its handler listens again, once
 * the interrupt it took has been read.
 */
static void pin_rearm_locked(struct rtdm_gpio_pin *pin)
{
	if (pin->armed && pin->masked && !pin->unread) {
		pin->masked = false;
		rtdm_irq_enable(&pin->irqh);
	}
}

static int trigger_to_irq_type(int trigger, unsigned int irq,
			       unsigned int *type)
{
	int edge = trigger & (GPIO_TRIGGER_EDGE_RISING |
			      GPIO_TRIGGER_EDGE_FALLING);
	int level = trigger & (GPIO_TRIGGER_LEVEL_HIGH |
			       GPIO_TRIGGER_LEVEL_LOW);

	if (trigger & ~GPIO_TRIGGER_MASK)
		return -EINVAL;
	if (edge && level)
		return -EINVAL;
	if (level == (GPIO_TRIGGER_LEVEL_HIGH | GPIO_TRIGGER_LEVEL_LOW))
		return -EINVAL;

	*type = 0;
	if (trigger & GPIO_TRIGGER_EDGE_RISING)
		*type |= IRQ_TYPE_EDGE_RISING;
	if (trigger & GPIO_TRIGGER_EDGE_FALLING)
		*type |= IRQ_TYPE_EDGE_FALLING;
	if (trigger & GPIO_TRIGGER_LEVEL_HIGH)
		*type |= IRQ_TYPE_LEVEL_HIGH;
	if (trigger & GPIO_TRIGGER_LEVEL_LOW)
		*type |= IRQ_TYPE_LEVEL_LOW;
	if (!*type) {
		/* NONE: keep the interrupt's trigger, both edges if unset */
		*type = irq_get_trigger_type(irq);
		if (!*type)
			*type = IRQ_TYPE_EDGE_BOTH;
	}

	return 0;
}

/* Setup lock held. */
static void pin_irq_release(struct rtdm_gpio_pin *pin)
{
	rtdm_lockctx_t c;

	rtdm_lock_get_irqsave(&pin->lock, c);
	if (!pin->armed) {
		rtdm_lock_put_irqrestore(&pin->lock, c);
		return;
	}
	pin->armed = false;
	pin->masked = false;
	pin->unread = false;
	rtdm_lock_put_irqrestore(&pin->lock, c);

	rtdm_irq_free(&pin->irqh);
	/* readers blocked on the event see the interrupt gone */
	rtdm_event_pulse(&pin->event);
}

/* Setup lock held. */
static int pin_irq_request(struct rtdm_gpio_pin *pin, int trigger)
{
	rtdm_lockctx_t c;
	unsigned int type;
	int irq, ret;

	if (pin->armed)
		return -EBUSY;
	if (!pin->desc)
		return -EPERM;

	irq = gpiod_to_irq(pin->desc);
	if (irq < 0)
		return irq;
	if (!irq)
		return -ENXIO;

	ret = trigger_to_irq_type(trigger, irq, &type);
	if (ret)
		return ret;

	ret = gpiod_direction_input(pin->desc);
	if (ret)
		return ret;

	rtdm_lock_get_irqsave(&pin->lock, c);
	pin->has_direction = true;
	pin->is_output = false;
	rtdm_lock_put_irqrestore(&pin->lock, c);

	ret = irq_set_irq_type(irq, type);
	if (ret)
		return ret;

	rtdm_event_clear(&pin->event);
	rtdm_lock_get_irqsave(&pin->lock, c);
	pin->level = !!(type & IRQ_TYPE_LEVEL_MASK);
	pin->masked = false;
	pin->unread = false;
	pin->armed = true;
	rtdm_lock_put_irqrestore(&pin->lock, c);

	ret = rtdm_irq_request(&pin->irqh, irq, gpio_pin_interrupt, 0,
			       pin->name, pin);
	if (ret) {
		rtdm_lock_get_irqsave(&pin->lock, c);
		pin->armed = false;
		rtdm_lock_put_irqrestore(&pin->lock, c);
	}

	return ret;
}

/* ------------------------------------------------------------------ */
/* Line request                                                       */
/* ------------------------------------------------------------------ */

/* Setup lock held. */
static int pin_request(struct rtdm_gpio_pin *pin)
{
	struct gpio_desc *desc;
	rtdm_lockctx_t c;

	if (pin->desc)
		return -EBUSY;

	desc = gpiochip_request_own_desc(pin->chip->gc, pin->offset, pin->name,
					 GPIO_LOOKUP_FLAGS_DEFAULT, GPIOD_ASIS);
	if (IS_ERR(desc))
		return PTR_ERR(desc);

	rtdm_lock_get_irqsave(&pin->lock, c);
	pin->desc = desc;
	pin->has_direction = false;
	pin->is_output = false;
	rtdm_lock_put_irqrestore(&pin->lock, c);

	return 0;
}

/* Setup lock held. */
static void pin_release(struct rtdm_gpio_pin *pin)
{
	struct gpio_desc *desc;
	rtdm_lockctx_t c;

	pin_irq_release(pin);

	rtdm_lock_get_irqsave(&pin->lock, c);
	desc = pin->desc;
	pin->desc = NULL;
	pin->has_direction = false;
	pin->is_output = false;
	pin->want_timestamp = false;
	pin->realtime = false;
	rtdm_lock_put_irqrestore(&pin->lock, c);

	if (desc)
		gpiochip_free_own_desc(desc);
}

/* ------------------------------------------------------------------ */
/* Handlers                                                           */
/* ------------------------------------------------------------------ */

static int gpio_pin_open(struct rtdm_fd *fd, int oflags)
{
	struct rtdm_gpio_pin *pin = fd_to_pin(fd);
	int ret;

	mutex_lock(&pin->setup_lock);
	ret = pin_request(pin);
	mutex_unlock(&pin->setup_lock);

	return ret;
}

static void gpio_pin_close(struct rtdm_fd *fd)
{
	struct rtdm_gpio_pin *pin = fd_to_pin(fd);

	mutex_lock(&pin->setup_lock);
	pin_release(pin);
	mutex_unlock(&pin->setup_lock);
}

static int pin_ioctl_locked(struct rtdm_fd *fd, struct rtdm_gpio_pin *pin,
			    unsigned int request, void __user *arg)
{
	rtdm_lockctx_t c;
	int ret, val;

	switch (request) {
	case GPIO_RTIOC_DIR_OUT:
		if (rtdm_safe_copy_from_user(fd, &val, arg, sizeof(val)))
			return -EFAULT;
		if (!pin->desc)
			return -EPERM;
		if (pin->armed)
			return -EBUSY;
		ret = gpiod_direction_output_raw(pin->desc, !!val);
		if (ret)
			return ret;
		rtdm_lock_get_irqsave(&pin->lock, c);
		pin->has_direction = true;
		pin->is_output = true;
		rtdm_lock_put_irqrestore(&pin->lock, c);
		return 0;
	case GPIO_RTIOC_DIR_IN:
		if (!pin->desc)
			return -EPERM;
		ret = gpiod_direction_input(pin->desc);
		if (ret)
			return ret;
		rtdm_lock_get_irqsave(&pin->lock, c);
		pin->has_direction = true;
		pin->is_output = false;
		rtdm_lock_put_irqrestore(&pin->lock, c);
		return 0;
	case GPIO_RTIOC_IRQEN:
		if (rtdm_safe_copy_from_user(fd, &val, arg, sizeof(val)))
			return -EFAULT;
		return pin_irq_request(pin, val);
	case GPIO_RTIOC_IRQDIS:
		pin_irq_release(pin);
		return 0;
	case GPIO_RTIOC_REQS:
		return pin_request(pin);
	case GPIO_RTIOC_RELS:
		pin_release(pin);
		return 0;
	case GPIO_RTIOC_TS_MONO:
	case GPIO_RTIOC_TS_REAL:
		if (rtdm_safe_copy_from_user(fd, &val, arg, sizeof(val)))
			return -EFAULT;
		rtdm_lock_get_irqsave(&pin->lock, c);
		pin->want_timestamp = !!val;
		pin->realtime = request == GPIO_RTIOC_TS_REAL;
		rtdm_lock_put_irqrestore(&pin->lock, c);
		return 0;
	default:
		/* Xenomai 3's GPIO profile answers EINVAL */
		return -EINVAL;
	}
}

static int gpio_pin_ioctl_nrt(struct rtdm_fd *fd, unsigned int request,
			      void __user *arg)
{
	struct rtdm_gpio_pin *pin = fd_to_pin(fd);
	int ret;

	mutex_lock(&pin->setup_lock);
	ret = pin_ioctl_locked(fd, pin, request, arg);
	mutex_unlock(&pin->setup_lock);

	return ret;
}

/*
 * Real-time read, also serving in-band callers: the next interrupt's
 * value (and timestamp), or with O_NONBLOCK the current value.
 */
static ssize_t gpio_pin_read_rt(struct rtdm_fd *fd, void __user *buf,
				size_t len)
{
	struct rtdm_gpio_pin *pin = fd_to_pin(fd);
	bool nonblock = rtdm_fd_flags(fd) & O_NONBLOCK;
	struct rtdm_gpio_readout rdo;
	struct gpio_desc *desc;
	rtdm_lockctx_t c;
	size_t size;
	bool ts;
	int ret;

	rtdm_lock_get_irqsave(&pin->lock, c);
	desc = pin->desc;
	ts = pin->want_timestamp;
	if (!desc)
		ret = -EPERM;
	else if (!pin->has_direction)
		ret = -EAGAIN;
	else if (pin->is_output)
		ret = -EINVAL;
	else if (len < (ts ? sizeof(rdo) : sizeof(rdo.value)))
		ret = -EINVAL;
	else if (!nonblock && !pin->armed)
		ret = -EINVAL;	/* no interrupt could ever wake us */
	else
		ret = 0;
	if (!ret && !nonblock)
		pin_rearm_locked(pin);
	rtdm_lock_put_irqrestore(&pin->lock, c);
	if (ret)
		return ret;

	if (nonblock) {
		rdo.timestamp = pin_clock(pin);
		rdo.value = gpiod_get_raw_value(desc);
	} else {
		ret = rtdm_event_wait(&pin->event);
		if (ret)
			return ret;
		rtdm_lock_get_irqsave(&pin->lock, c);
		if (!pin->armed)
			ret = -EINVAL;	/* GPIO_RTIOC_IRQDIS meanwhile */
		pin->unread = false;
		rdo.timestamp = pin->timestamp;
		rdo.value = pin->value;
		rtdm_lock_put_irqrestore(&pin->lock, c);
		if (ret)
			return ret;
	}

	if (ts) {
		size = sizeof(rdo);
		ret = rtdm_safe_copy_to_user(fd, buf, &rdo, size);
	} else {
		size = sizeof(rdo.value);
		ret = rtdm_safe_copy_to_user(fd, buf, &rdo.value, size);
	}

	return ret ?: size;
}

static ssize_t gpio_pin_write_rt(struct rtdm_fd *fd, const void __user *buf,
				 size_t len)
{
	struct rtdm_gpio_pin *pin = fd_to_pin(fd);
	struct gpio_desc *desc;
	rtdm_lockctx_t c;
	int value, ret;

	if (len < sizeof(value))
		return -EINVAL;

	rtdm_lock_get_irqsave(&pin->lock, c);
	desc = pin->desc;
	if (!desc)
		ret = -EPERM;
	else if (!pin->has_direction)
		ret = -EAGAIN;
	else if (!pin->is_output)
		ret = -EINVAL;
	else
		ret = 0;
	rtdm_lock_put_irqrestore(&pin->lock, c);
	if (ret)
		return ret;

	if (rtdm_safe_copy_from_user(fd, &value, buf, sizeof(value)))
		return -EFAULT;

	gpiod_set_raw_value(desc, !!value);

	return sizeof(value);
}

static int gpio_pin_select(struct rtdm_fd *fd, rtdm_selector_t *selector,
			   unsigned int type, unsigned int index)
{
	struct rtdm_gpio_pin *pin = fd_to_pin(fd);
	rtdm_lockctx_t c;
	int ret = 0;

	if (type != RTDM_SELECTTYPE_READ)
		return -EINVAL;

	rtdm_lock_get_irqsave(&pin->lock, c);
	if (!pin->desc || !pin->has_direction)
		ret = -EAGAIN;
	else if (pin->is_output)
		ret = -EINVAL;
	else
		pin_rearm_locked(pin);
	rtdm_lock_put_irqrestore(&pin->lock, c);
	if (ret)
		return ret;

	return rtdm_event_select(&pin->event, selector, type, index);
}

static const struct rtdm_fd_ops gpio_pin_ops = {
	.open = gpio_pin_open,
	.close = gpio_pin_close,
	.ioctl_nrt = gpio_pin_ioctl_nrt,
	.read_rt = gpio_pin_read_rt,
	.write_rt = gpio_pin_write_rt,
	.select = gpio_pin_select,
};

/* ------------------------------------------------------------------ */
/* Chips                                                              */
/* ------------------------------------------------------------------ */

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
static char *gpio_pin_devnode(const struct device *kdev, umode_t *mode)
#else
static char *gpio_pin_devnode(struct device *kdev, umode_t *mode)
#endif
{
	struct rtdm_device *dev = dev_get_drvdata(kdev);
	struct rtdm_gpio_pin *pin = container_of(dev, struct rtdm_gpio_pin, dev);

	/* the sysfs name cannot hold the '/' of "<chip>/gpio<N>" */
	return kasprintf(GFP_KERNEL, "rtdm/%s/%s", pin->chip->label, pin->name);
}

static struct rtdm_gpio_chip *find_exported(struct gpio_chip *gc)
{
	struct rtdm_gpio_chip *rgc;

	list_for_each_entry(rgc, &chip_list, next)
		if (rgc->gc == gc)
			return rgc;

	return NULL;
}

static void free_chip(struct rtdm_gpio_chip *rgc)
{
	kfree(rgc->label);
	kfree(rgc);
}

/*
 * Chip lock held; @rgc is off the list. Revokes the files still open.
 *
 * The pins' character device (in rgc->driver) stays referenced by the
 * inodes of files opened on it until their last fput(), which may come
 * after the revocation: a withdrawn chip's memory is therefore kept, on
 * the withdrawn list, until its binding module unloads, which cannot
 * happen while such a file exists (each pins the binding's module until
 * its character device reference is dropped). Without open files it is
 * freed at once.
 */
static void unexport_chip(struct rtdm_gpio_chip *rgc, bool keep)
{
	unsigned int n;

	for (n = rgc->registered; n > 0; n--)
		rtdm_dev_unregister(&rgc->pins[n - 1].dev);

	for (n = 0; n < rgc->initialized; n++) {
		struct rtdm_gpio_pin *pin = &rgc->pins[n];

		rtdm_event_destroy(&pin->event);
		mutex_destroy(&pin->setup_lock);
		kfree(pin->dev.label);
	}
	if (rgc->devclass)
		class_destroy(rgc->devclass);
	rgc->devclass = NULL;
	pr_info("rtdm_gpio: %s withdrawn\n", rgc->label);
	if (keep) {
		list_add(&rgc->next, &withdrawn_list);
		return;
	}
	free_chip(rgc);
}

static int gpio_bus_notify(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	struct device *dev = data;
	struct rtdm_gpio_chip *rgc, *tmp;

	if (action != BUS_NOTIFY_UNBIND_DRIVER &&
	    action != BUS_NOTIFY_DEL_DEVICE)
		return NOTIFY_DONE;

	mutex_lock(&chip_lock);
	list_for_each_entry_safe(rgc, tmp, &chip_list, next) {
		if (rgc->parent != dev)
			continue;
		list_del(&rgc->next);
		unexport_chip(rgc, true);
	}
	mutex_unlock(&chip_lock);

	return NOTIFY_OK;
}

/* Follow the removal of the devices of @bus (chip lock not held). */
static int watch_bus(RTDM_BUS_CONST struct bus_type *bus)
{
	struct gpio_bus_watch *w;
	int ret;

	mutex_lock(&watch_lock);
	list_for_each_entry(w, &watch_list, next)
		if (w->bus == bus) {
			mutex_unlock(&watch_lock);
			return 0;
		}

	ret = -ENOMEM;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (w) {
		w->bus = bus;
		w->nb.notifier_call = gpio_bus_notify;
		ret = bus_register_notifier(bus, &w->nb);
		if (ret)
			kfree(w);
		else
			list_add(&w->next, &watch_list);
	}
	mutex_unlock(&watch_lock);

	return ret;
}

static bool label_is_valid(const char *label)
{
	/* "<label>/gpio<N>" must fit an RTDM device name */
	return label && *label && !strchr(label, '/') && !strchr(label, '%') &&
		strlen(label) + sizeof("/gpio4095") - 1 <= RTDM_MAX_DEVNAME_LEN;
}

static int pin_init(struct rtdm_gpio_chip *rgc, unsigned int offset)
{
	struct rtdm_gpio_pin *pin = &rgc->pins[offset];
	int gpio = rgc->gc->base + offset;

	pin->chip = rgc;
	pin->offset = offset;
	snprintf(pin->name, sizeof(pin->name), "gpio%d", gpio);
	mutex_init(&pin->setup_lock);
	rtdm_lock_init(&pin->lock);
	rtdm_event_init(&pin->event, 0);
	pin->dev.driver = &rgc->driver;
	pin->dev.device_data = rgc;
	pin->dev.minor = gpio;
	pin->dev.label = kasprintf(GFP_KERNEL, "%s/gpio%%d", rgc->label);

	return pin->dev.label ? 0 : -ENOMEM;
}

/* Chip lock held. */
static int export_chip_locked(struct gpio_chip *gc, int subclass,
			      struct module *owner)
{
	struct rtdm_gpio_chip *rgc;
	unsigned int n;
	int ret;

	if (find_exported(gc))
		return -EEXIST;

	rgc = kzalloc(struct_size(rgc, pins, gc->ngpio), GFP_KERNEL);
	if (!rgc)
		return -ENOMEM;

	rgc->gc = gc;
	rgc->parent = gc->parent;
	rgc->owner = owner;
	rgc->ngpio = gc->ngpio;
	ret = -ENOMEM;
	rgc->label = kstrdup(gc->label, GFP_KERNEL);
	if (!rgc->label)
		goto fail_label;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	rgc->devclass = class_create(rgc->label);
#else
	rgc->devclass = class_create(THIS_MODULE, rgc->label);
#endif
	if (IS_ERR(rgc->devclass)) {
		ret = PTR_ERR(rgc->devclass);
		goto fail_class;
	}
	rgc->devclass->devnode = gpio_pin_devnode;

	rgc->driver.profile_info = (struct rtdm_profile_info)
		RTDM_PROFILE_INFO(rtdm_gpio, RTDM_CLASS_GPIO, subclass, 0);
	rgc->driver.profile_info.name = rgc->label;
	rgc->driver.profile_info.owner = owner;
	rgc->driver.device_flags = RTDM_NAMED_DEVICE | RTDM_FIXED_MINOR |
		RTDM_EXCLUSIVE;
	rgc->driver.base_minor = gc->base;
	rgc->driver.device_count = gc->ngpio;
	rgc->driver.context_size = 0;
	rgc->driver.ops = gpio_pin_ops;
	ret = rtdm_drv_set_sysclass(&rgc->driver, rgc->devclass);
	if (ret)
		goto fail_pins;

	for (n = 0; n < rgc->ngpio; n++) {
		ret = pin_init(rgc, n);
		rgc->initialized++;
		if (ret)
			goto fail_pins;
	}
	for (n = 0; n < rgc->ngpio; n++) {
		ret = rtdm_dev_register(&rgc->pins[n].dev);
		if (ret)
			goto fail_pins;
		rgc->registered++;
	}

	list_add_tail(&rgc->next, &chip_list);
	pr_info("rtdm_gpio: %s: /dev/rtdm/%s/gpio%d..gpio%d\n", rgc->label,
		rgc->label, gc->base, gc->base + gc->ngpio - 1);

	return 0;

fail_pins:
	/* unexport_chip() copes with what was set up; nothing was opened */
	unexport_chip(rgc, false);
	return ret;
fail_class:
	kfree(rgc->label);
fail_label:
	kfree(rgc);
	return ret;
}

int __rtdm_gpiochip_export(struct gpio_chip *gc, int subclass,
			   struct module *owner)
{
	int ret;

	if (!gc->ngpio || gc->base < 0 || !label_is_valid(gc->label))
		return -EINVAL;
	if (gc->can_sleep || !gc->parent || !gc->parent->bus)
		return -EOPNOTSUPP;

	ret = watch_bus(gc->parent->bus);
	if (ret)
		return ret;

	mutex_lock(&chip_lock);
	ret = export_chip_locked(gc, subclass, owner);
	mutex_unlock(&chip_lock);

	return ret;
}
EXPORT_SYMBOL_GPL(__rtdm_gpiochip_export);

/*
 * gpiolib's walk over its chips: gpiochip_find() until 6.7,
 * gpio_device_find() with a const match argument since 6.8 (which
 * returns a referenced gpio_device; the walkers here never match, they
 * collect).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define GPIO_MATCH_CONST	const

static void walk_chips(void *data,
		       int (*fn)(struct gpio_chip *gc, const void *data))
{
	struct gpio_device *gdev = gpio_device_find(data, fn);

	if (gdev)
		gpio_device_put(gdev);
}
#else
#define GPIO_MATCH_CONST

static void walk_chips(void *data, int (*fn)(struct gpio_chip *gc, void *data))
{
	gpiochip_find(data, fn);
}
#endif

struct label_match {
	const char *label;
	struct gpio_chip *chip;
};

static int match_label(struct gpio_chip *gc, GPIO_MATCH_CONST void *data)
{
	struct label_match *m = (struct label_match *)data;

	if (!m->chip && gc->label && !strcmp(gc->label, m->label))
		m->chip = gc;

	return 0;
}

int __rtdm_gpiochip_export_label(const char *label, int subclass,
				 struct module *owner)
{
	struct label_match m = { .label = label };

	walk_chips(&m, match_label);
	if (!m.chip)
		return -ENODEV;

	return __rtdm_gpiochip_export(m.chip, subclass, owner);
}
EXPORT_SYMBOL_GPL(__rtdm_gpiochip_export_label);

#define MAX_CHIPS_PER_DEVICE	8

struct parent_match {
	struct device *parent;
	int count;
	struct gpio_chip *chips[MAX_CHIPS_PER_DEVICE];
};

/* Called under gpiolib's spinlock: collect, do not sleep. */
static int match_parent(struct gpio_chip *gc, GPIO_MATCH_CONST void *data)
{
	struct parent_match *m = (struct parent_match *)data;

	if (gc->parent == m->parent && m->count < MAX_CHIPS_PER_DEVICE)
		m->chips[m->count++] = gc;

	return 0;	/* a device may provide several chips: go on */
}

int __rtdm_gpiochip_scan_of(const char * const *compat, int ncompat,
			    int subclass, struct module *owner)
{
	struct platform_device *pdev;
	struct device_node *np;
	struct parent_match m;
	int n, i, ret, found = 0, exported = 0;

	for (n = 0; n < ncompat; n++) {
		for_each_compatible_node(np, NULL, compat[n]) {
			pdev = of_find_device_by_node(np);
			if (!pdev)
				continue;
			found++;
			m.parent = &pdev->dev;
			m.count = 0;
			walk_chips(&m, match_parent);
			for (i = 0; i < m.count; i++) {
				ret = __rtdm_gpiochip_export(m.chips[i],
							     subclass, owner);
				if (!ret) {
					exported++;
				} else if (ret != -EEXIST) {
					put_device(&pdev->dev);
					of_node_put(np);
					return ret;
				}
			}
			put_device(&pdev->dev);
		}
	}

	return found ? exported : -ENODEV;
}
EXPORT_SYMBOL_GPL(__rtdm_gpiochip_scan_of);

void rtdm_gpiochip_remove_owner(struct module *owner)
{
	struct rtdm_gpio_chip *rgc, *tmp;

	mutex_lock(&chip_lock);
	list_for_each_entry_safe(rgc, tmp, &chip_list, next) {
		if (rgc->owner != owner)
			continue;
		list_del(&rgc->next);
		unexport_chip(rgc, false);
	}
	/* @owner is unloading: no file opened on its chips is left */
	list_for_each_entry_safe(rgc, tmp, &withdrawn_list, next) {
		if (rgc->owner != owner)
			continue;
		list_del(&rgc->next);
		free_chip(rgc);
	}
	mutex_unlock(&chip_lock);
}
EXPORT_SYMBOL_GPL(rtdm_gpiochip_remove_owner);

static int __init rtdm_gpio_init(void)
{
	return rtdm_available() ? 0 : -ENOSYS;
}
module_init(rtdm_gpio_init);

static void __exit rtdm_gpio_exit(void)
{
	struct gpio_bus_watch *w, *tmp;

	/* the bindings, hence their chips, are gone already */
	list_for_each_entry_safe(w, tmp, &watch_list, next) {
		bus_unregister_notifier(w->bus, &w->nb);
		list_del(&w->next);
		kfree(w);
	}
}
module_exit(rtdm_gpio_exit);

MODULE_DESCRIPTION("RTDM GPIO core: Linux gpiochip lines as RTDM devices");
MODULE_LICENSE("GPL");
