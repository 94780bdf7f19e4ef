// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM device registry: named devices (/dev/rtdm/<name>) and protocol
 * devices (found by protocol family and socket type).
 *
 * rtdm_dev_unregister() revokes the fds still open on the device: their
 * calls in progress are interrupted, their close handler runs, and later
 * calls fail with -ENODEV; the contexts are freed when closed. Module
 * removal never gets that far while fds are open: each open fd holds a
 * reference on the driver's module, so rmmod is refused (EBUSY) until the
 * last fd is closed; unbinding a device from its driver (sysfs unbind,
 * hot removal) does not wait for them.
 */
#include <linux/bitmap.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include "internal.h"

struct class *rtdm_class;
/* Serialises registration, open-time lookups and the device list. */
DEFINE_MUTEX(rtdm_dev_lock);
LIST_HEAD(rtdm_device_list);
/* Protects the open fd lists of the devices. */
DEFINE_SPINLOCK(rtdm_fd_list_lock);

static bool is_named(struct rtdm_driver *drv)
{
	return (drv->device_flags & RTDM_DEVICE_TYPE_MASK) == RTDM_NAMED_DEVICE;
}

static char *rtdm_devnode(RTDM_DEVNODE_CONST struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "rtdm/%s", dev_name(dev));
}

/* sysfs: /sys/class/rtdm/<name>/{profile,refcount,flags,type} */
static ssize_t profile_show(struct device *kdev, struct device_attribute *attr,
			    char *buf)
{
	struct rtdm_device *dev = dev_get_drvdata(kdev);
	struct rtdm_profile_info *p = &dev->driver->profile_info;

	return sysfs_emit(buf, "%d,%d\n", p->class_id, p->subclass_id);
}
static DEVICE_ATTR_RO(profile);

static ssize_t refcount_show(struct device *kdev,
			     struct device_attribute *attr, char *buf)
{
	struct rtdm_device *dev = dev_get_drvdata(kdev);

	return sysfs_emit(buf, "%d\n", atomic_read(&dev->refcount));
}
static DEVICE_ATTR_RO(refcount);

static ssize_t flags_show(struct device *kdev, struct device_attribute *attr,
			  char *buf)
{
	struct rtdm_device *dev = dev_get_drvdata(kdev);

	return sysfs_emit(buf, "%#x\n", dev->driver->device_flags);
}
static DEVICE_ATTR_RO(flags);

static ssize_t type_show(struct device *kdev, struct device_attribute *attr,
			 char *buf)
{
	struct rtdm_device *dev = dev_get_drvdata(kdev);

	return sysfs_emit(buf, "%s\n",
			  is_named(dev->driver) ? "named" : "protocol");
}
static DEVICE_ATTR_RO(type);

static struct attribute *rtdm_attrs[] = {
	&dev_attr_profile.attr,
	&dev_attr_refcount.attr,
	&dev_attr_flags.attr,
	&dev_attr_type.attr,
	NULL,
};
ATTRIBUTE_GROUPS(rtdm);

/* Expand the first %d or %i of a label with the minor number. */
static char *format_label(const char *label, int minor)
{
	const char *p = strchr(label, '%');

	if (p && (p[1] == 'd' || p[1] == 'i'))
		return kasprintf(GFP_KERNEL, "%.*s%d%s", (int)(p - label),
				 label, minor, p + 2);

	return kstrdup(label, GFP_KERNEL);
}

static bool name_is_valid(const char *name)
{
	/* "control" is the node of the socket factory, /dev/rtdm/control */
	return *name && strlen(name) <= RTDM_MAX_DEVNAME_LEN &&
		strcmp(name, "control") && !strchr(name, '%');
}

static struct rtdm_device *find_device(struct rtdm_driver *drv,
				       const char *name)
{
	struct rtdm_device *dev;

	list_for_each_entry(dev, &rtdm_device_list, link) {
		if (drv) {
			struct rtdm_driver *d = dev->driver;

			if (!is_named(d) &&
			    d->protocol_family == drv->protocol_family &&
			    d->socket_type == drv->socket_type)
				return dev;
		} else if (is_named(dev->driver) && !strcmp(dev->name, name)) {
			return dev;
		}
	}

	return NULL;
}

static int register_driver(struct rtdm_driver *drv)
{
	struct rtdm_profile_info *p = &drv->profile_info;
	int ret;

	if (drv->refcount) {
		if (p->magic != RTDM_CLASS_MAGIC)
			return -EINVAL;
		drv->refcount++;
		return 0;
	}

	if (p->magic != ~RTDM_CLASS_MAGIC || !p->name)
		return -EINVAL;

	switch (drv->device_flags & RTDM_DEVICE_TYPE_MASK) {
	case RTDM_NAMED_DEVICE:
	case RTDM_PROTOCOL_DEVICE:
		break;
	default:
		return -EINVAL;
	}

	if (drv->device_count <= 0 || drv->device_count > RTDM_MAX_MINOR ||
	    drv->base_minor < 0)
		return -EINVAL;

	drv->minor_map = bitmap_zalloc(drv->device_count, GFP_KERNEL);
	if (!drv->minor_map)
		return -ENOMEM;

	xa_init(&drv->devices);

	if (is_named(drv)) {
		ret = alloc_chrdev_region(&drv->named.devt, drv->base_minor,
					  drv->device_count, p->name);
		if (ret)
			goto fail_region;

		cdev_init(&drv->named.cdev, &rtdm_fops);
		/*
		 * The cdev lives in the driver's module: opening pins that
		 * module from the cdev lookup on, not only from
		 * grab_device() on.
		 */
		drv->named.cdev.owner = p->owner;
		ret = cdev_add(&drv->named.cdev, drv->named.devt,
			       drv->device_count);
		if (ret)
			goto fail_cdev;
	}

	p->magic = RTDM_CLASS_MAGIC;
	drv->refcount = 1;

	return 0;

fail_cdev:
	unregister_chrdev_region(drv->named.devt, drv->device_count);
fail_region:
	bitmap_free(drv->minor_map);
	drv->minor_map = NULL;

	return ret;
}

static void unregister_driver(struct rtdm_driver *drv)
{
	if (--drv->refcount)
		return;

	if (is_named(drv)) {
		cdev_del(&drv->named.cdev);
		unregister_chrdev_region(drv->named.devt, drv->device_count);
	}

	xa_destroy(&drv->devices);
	bitmap_free(drv->minor_map);
	drv->minor_map = NULL;
	drv->profile_info.magic = ~RTDM_CLASS_MAGIC;
}

/**
 * rtdm_dev_register - register an RTDM device
 * @dev: the device; driver and label must be set.
 *
 * Named devices appear as /dev/rtdm/<label>, protocol devices are found by
 * the (protocol_family, socket_type) pair of their driver. The first device
 * of a driver registers the driver.
 *
 * Return: 0, -EINVAL (bad driver or label), -EEXIST (name or protocol in
 * use), -ENXIO (no minor left or fixed minor out of range), -ENOMEM.
 */
int rtdm_dev_register(struct rtdm_device *dev)
{
	struct rtdm_driver *drv = dev->driver;
	struct class *kdev_class;
	int minor, slot, ret;
	dev_t rdev = 0;

	if (!drv || !dev->label)
		return -EINVAL;

	mutex_lock(&rtdm_dev_lock);

	ret = register_driver(drv);
	if (ret)
		goto unlock;

	if (drv->device_flags & RTDM_FIXED_MINOR) {
		minor = dev->minor;
		slot = minor - drv->base_minor;
		if (slot < 0 || slot >= drv->device_count) {
			ret = -ENXIO;
			goto fail;
		}
		if (test_bit(slot, drv->minor_map)) {
			ret = -EEXIST;
			goto fail;
		}
	} else {
		slot = find_first_zero_bit(drv->minor_map, drv->device_count);
		if (slot >= drv->device_count) {
			ret = -ENXIO;
			goto fail;
		}
		minor = drv->base_minor + slot;
	}

	dev->name = format_label(dev->label, minor);
	if (!dev->name) {
		ret = -ENOMEM;
		goto fail;
	}

	if (!name_is_valid(dev->name)) {
		ret = -EINVAL;
		goto fail_name;
	}

	if (find_device(is_named(drv) ? NULL : drv, dev->name)) {
		ret = -EEXIST;
		goto fail_name;
	}

	dev->minor = minor;
	dev->magic = RTDM_DEVICE_MAGIC;
	dev->dead = false;
	dev->open_count = 0;
	atomic_set(&dev->refcount, 0);
	INIT_LIST_HEAD(&dev->openfd_list);

	if (is_named(drv)) {
		rdev = MKDEV(MAJOR(drv->named.devt), minor);
		ret = xa_err(xa_store(&drv->devices, minor, dev, GFP_KERNEL));
		if (ret)
			goto fail_name;
	}

	kdev_class = drv->profile_info.kdev_class ?: rtdm_class;
	dev->kdev_class = kdev_class;
	dev->rdev = rdev;
	dev->kdev = device_create(kdev_class, NULL, rdev, dev, "%s",
				  dev->name);
	if (IS_ERR(dev->kdev)) {
		ret = PTR_ERR(dev->kdev);
		goto fail_kdev;
	}

	set_bit(slot, drv->minor_map);
	list_add_tail(&dev->link, &rtdm_device_list);
	mutex_unlock(&rtdm_dev_lock);

	return 0;

fail_kdev:
	if (is_named(drv))
		xa_erase(&drv->devices, minor);
fail_name:
	kfree(dev->name);
	dev->name = NULL;
fail:
	unregister_driver(drv);
unlock:
	mutex_unlock(&rtdm_dev_lock);

	return ret;
}
EXPORT_SYMBOL_GPL(rtdm_dev_register);

/* An fd still open on @dev, with a reference taken, or NULL. */
static struct rtdm_fd *next_open_fd(struct rtdm_device *dev)
{
	struct rtdm_fd *fd, *found = NULL;

	spin_lock(&rtdm_fd_list_lock);
	list_for_each_entry(fd, &dev->openfd_list, next)
		if (refcount_inc_not_zero(&fd->refs)) {
			found = fd;
			break;
		}
	spin_unlock(&rtdm_fd_list_lock);

	return found;
}

/**
 * rtdm_dev_unregister - remove an RTDM device
 * @dev: a registered device.
 *
 * New opens fail at once with -ENODEV. The fds still open on the device
 * are revoked: the calls in progress on them are interrupted (they return
 * -ENODEV), their close handler runs, and every later call on them fails
 * with -ENODEV until they are closed. On return, no handler of the device
 * runs any more and nothing refers to @dev.
 *
 * Context: in-band task context; may sleep.
 */
void rtdm_dev_unregister(struct rtdm_device *dev)
{
	struct rtdm_driver *drv = dev->driver;
	struct rtdm_fd *fd;

	if (WARN_ON(dev->magic != RTDM_DEVICE_MAGIC))
		return;

	mutex_lock(&rtdm_dev_lock);
	dev->dead = true;
	if (is_named(drv))
		xa_erase(&drv->devices, dev->minor);
	list_del(&dev->link);
	mutex_unlock(&rtdm_dev_lock);

	while ((fd = next_open_fd(dev))) {
		rtdm_fd_revoke(fd);
		rtdm_fd_put(fd);
	}
	/* fds being freed concurrently drop their device reference soon */
	wait_var_event(&dev->refcount, !atomic_read(&dev->refcount));

	device_unregister(dev->kdev);

	mutex_lock(&rtdm_dev_lock);
	clear_bit(dev->minor - drv->base_minor, drv->minor_map);
	dev->magic = 0;
	kfree(dev->name);
	dev->name = NULL;
	unregister_driver(drv);
	mutex_unlock(&rtdm_dev_lock);
}
EXPORT_SYMBOL_GPL(rtdm_dev_unregister);

/**
 * rtdm_drv_set_sysclass - give a driver's devices their own device class
 * @drv: driver without registered devices.
 * @cls: the class.
 *
 * Return: 0, or -EBUSY once devices are registered or a class is set.
 */
int rtdm_drv_set_sysclass(struct rtdm_driver *drv, struct class *cls)
{
	int ret = 0;

	mutex_lock(&rtdm_dev_lock);
	if (drv->refcount || drv->profile_info.kdev_class)
		ret = -EBUSY;
	else
		drv->profile_info.kdev_class = cls;
	mutex_unlock(&rtdm_dev_lock);

	return ret;
}
EXPORT_SYMBOL_GPL(rtdm_drv_set_sysclass);

/*
 * Open-side lookups: take a reference on the device (one per open fd) and
 * on its driver's module. Exclusive devices accept one open fd at a time.
 */
static int grab_device(struct rtdm_device *dev)
{
	struct rtdm_driver *drv = dev->driver;

	if (dev->dead)
		return -ENODEV;

	if ((drv->device_flags & RTDM_EXCLUSIVE) &&
	    atomic_read(&dev->refcount) > 0)
		return -EBUSY;

	if (!try_module_get(drv->profile_info.owner))
		return -ENODEV;

	atomic_inc(&dev->refcount);
	dev->open_count++;

	return 0;
}

struct rtdm_device *rtdm_get_named_device(struct rtdm_driver *drv, int minor)
{
	struct rtdm_device *dev;
	int ret = -ENODEV;

	mutex_lock(&rtdm_dev_lock);
	dev = xa_load(&drv->devices, minor);
	if (dev)
		ret = grab_device(dev);
	mutex_unlock(&rtdm_dev_lock);

	return ret ? ERR_PTR(ret) : dev;
}

struct rtdm_device *rtdm_get_protocol_device(int family, int type)
{
	struct rtdm_device *dev;
	int ret = -EAFNOSUPPORT;

	mutex_lock(&rtdm_dev_lock);
	list_for_each_entry(dev, &rtdm_device_list, link) {
		struct rtdm_driver *drv = dev->driver;

		if (!is_named(drv) && drv->protocol_family == family &&
		    drv->socket_type == type) {
			ret = grab_device(dev);
			break;
		}
	}
	mutex_unlock(&rtdm_dev_lock);

	return ret ? ERR_PTR(ret) : dev;
}

/* Drop the device reference of an fd. @dev may be freed on return. */
void rtdm_put_device(struct rtdm_device *dev)
{
	if (atomic_dec_and_test(&dev->refcount))
		wake_up_var(&dev->refcount);
}

int rtdm_device_init(void)
{
	rtdm_class = rtdm_class_create("rtdm");
	if (IS_ERR(rtdm_class))
		return PTR_ERR(rtdm_class);

	rtdm_class->devnode = rtdm_devnode;
	rtdm_class->dev_groups = rtdm_groups;

	return 0;
}

void rtdm_device_cleanup(void)
{
	class_destroy(rtdm_class);
}
