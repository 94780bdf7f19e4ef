// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM SPI master core: the SPI profile of Xenomai 3 (include/rtdm/uapi/
 * spi.h) on top of controller drivers (rtdm_spi.h).
 *
 * Each master registers a Linux SPI controller; its device-tree children
 * are spi_devices as usual, and those bound to the "rtdm-spidev" driver
 * of this module become /dev/rtdm/spi<bus>/slave<bus>.<n> (n: order of
 * registration on that bus, as in Xenomai 3). A slave is opened by one
 * file at a time.
 *
 * Contexts: SET_CONFIG, GET_CONFIG, TRANSFER, TRANSFER_N, read() and
 * write() are served by the _rt handlers (they take the bus mutex and
 * wait for the controller's interrupt); SET_IOBUFS by the _nrt one (it
 * allocates); open, close and mmap run in-band. The handler of the other
 * side returns -ENOSYS, so that every caller reaches the right one.
 */
#include <linux/gpio/consumer.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/spi/spi.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/spi.h>
#include "rtdm_spi.h"

#define DRV_NAME	"rtdm-spidev"
#define BOUNCE_SIZE	PAGE_SIZE

/* The I/O area of an open file; lives on while user space maps it. */
struct rtdm_spi_iobuf {
	refcount_t refs;
	void *buf;
	size_t alloc;		/* page-aligned allocation */
	struct rtdm_spi_iobufs desc;
};

/* Per open file. */
struct rtdm_spi_file {
	struct rtdm_spi_slave *slave;
	struct mutex setup_lock;	/* in-band: SET_IOBUFS, mmap */
	struct rtdm_spi_iobuf *iobuf;	/* set once, read with acquire */
	void *bounce;			/* read()/write() */
};

static inline struct rtdm_spi_slave *fd_to_slave(struct rtdm_fd *fd)
{
	return rtdm_fd_device(fd)->device_data;
}

/* ------------------------------------------------------------------ */
/* Linux side of the controller                                        */
/* ------------------------------------------------------------------ */

/* Linux SPI messages are not served by an RTDM master. */
static int rtdm_spi_linux_transfer(struct spi_controller *ctlr,
				   struct spi_device *spi,
				   struct spi_transfer *xfer)
{
	return -ENODEV;
}

static inline bool is_rtdm_controller(struct spi_controller *ctlr)
{
	return ctlr->transfer_one == rtdm_spi_linux_transfer;
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

static unsigned int word_bytes(const struct rtdm_spi_config *cfg)
{
	if (cfg->bits_per_word <= 8)
		return 1;
	if (cfg->bits_per_word <= 16)
		return 2;
	return 4;
}

static int check_config(struct rtdm_spi_master *master,
			const struct rtdm_spi_config *cfg)
{
	if (cfg->mode & ~master->mode_bits)
		return -EINVAL;
	if (cfg->bits_per_word < 1 || cfg->bits_per_word > 32 ||
	    !(master->bits_per_word_mask & SPI_BPW_MASK(cfg->bits_per_word)))
		return -EINVAL;
	if (!cfg->speed_hz || cfg->speed_hz < master->min_speed_hz ||
	    cfg->speed_hz > master->max_speed_hz)
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Bus cycles (rt)                                                     */
/* ------------------------------------------------------------------ */

static void chip_select(struct rtdm_spi_slave *slave, bool active)
{
	struct rtdm_spi_master *master = slave->master;

	if (slave->cs_gpiod)
		gpiod_set_raw_value(slave->cs_gpiod,
				    active == !!(slave->config.mode & SPI_CS_HIGH));
	else if (master->ops->chip_select)
		master->ops->chip_select(slave, active);
}

static int bus_begin(struct rtdm_spi_slave *slave)
{
	struct rtdm_spi_master *master = slave->master;
	int ret;

	ret = rtdm_mutex_lock(&master->bus_lock);
	if (ret)
		return ret;
	if (master->ops->prepare)
		master->ops->prepare(slave);
	chip_select(slave, true);

	return 0;
}

static void bus_end(struct rtdm_spi_slave *slave)
{
	struct rtdm_spi_master *master = slave->master;

	chip_select(slave, false);
	if (master->ops->unprepare)
		master->ops->unprepare(slave);
	rtdm_mutex_unlock(&master->bus_lock);
}

static int transfer_iobufs(struct rtdm_spi_file *f, int len)
{
	/* pairs with the release in set_iobufs(): the area is initialised */
	struct rtdm_spi_iobuf *io = smp_load_acquire(&f->iobuf);
	struct rtdm_spi_slave *slave = f->slave;
	int ret;

	if (!io)
		return -EINVAL;
	if (len < 0)
		len = io->desc.io_len;
	else if (len == 0 || len > io->desc.io_len)
		return -EINVAL;
	if (len % word_bytes(&slave->config))
		return -EINVAL;

	ret = bus_begin(slave);
	if (ret)
		return ret;
	ret = slave->master->ops->transfer(slave, io->buf + io->desc.o_offset,
					   io->buf + io->desc.i_offset, len);
	bus_end(slave);

	return ret;
}

static int set_config(struct rtdm_spi_slave *slave, struct rtdm_fd *fd,
		      const void __user *arg)
{
	struct rtdm_spi_master *master = slave->master;
	struct rtdm_spi_config cfg;
	int ret;

	if (rtdm_safe_copy_from_user(fd, &cfg, arg, sizeof(cfg)))
		return -EFAULT;
	ret = check_config(master, &cfg);
	if (ret)
		return ret;

	ret = rtdm_mutex_lock(&master->bus_lock);
	if (ret)
		return ret;
	ret = master->ops->configure(slave, &cfg);
	if (!ret)
		slave->config = cfg;
	rtdm_mutex_unlock(&master->bus_lock);

	return ret;
}

static int get_config(struct rtdm_spi_slave *slave, struct rtdm_fd *fd,
		      void __user *arg)
{
	struct rtdm_spi_master *master = slave->master;
	struct rtdm_spi_config cfg;
	int ret;

	ret = rtdm_mutex_lock(&master->bus_lock);
	if (ret)
		return ret;
	cfg = slave->config;
	rtdm_mutex_unlock(&master->bus_lock);

	return rtdm_safe_copy_to_user(fd, arg, &cfg, sizeof(cfg));
}

static int rtdm_spi_ioctl_rt(struct rtdm_fd *fd, unsigned int request,
			     void __user *arg)
{
	struct rtdm_spi_file *f = rtdm_fd_to_private(fd);
	struct rtdm_spi_slave *slave = f->slave;
	long len;

	switch (request) {
	case SPI_RTIOC_SET_CONFIG:
		return set_config(slave, fd, arg);
	case SPI_RTIOC_GET_CONFIG:
		return get_config(slave, fd, arg);
	case SPI_RTIOC_TRANSFER:
		return transfer_iobufs(f, -1);
	case SPI_RTIOC_TRANSFER_N:
		/* the length travels by value */
		len = (long __force)arg;
		if (len <= 0 || len > RTDM_SPI_MAX_IOLEN)
			return -EINVAL;
		return transfer_iobufs(f, len);
	default:
		/* SET_IOBUFS, RTIOC_DEVICE_INFO, unknown: in-band */
		return -ENOSYS;
	}
}

/* Half-duplex: @ubuf out (write) or in (read), through the bounce buffer. */
static ssize_t rw_half_duplex(struct rtdm_fd *fd, void __user *ubuf,
			      size_t size, bool out)
{
	struct rtdm_spi_file *f = rtdm_fd_to_private(fd);
	struct rtdm_spi_slave *slave = f->slave;
	size_t done = 0, chunk;
	int ret;

	if (!size)
		return 0;
	if (size > SSIZE_MAX)
		return -EINVAL;
	if (out ? !rtdm_read_user_ok(fd, ubuf, size) :
	    !rtdm_rw_user_ok(fd, ubuf, size))
		return -EFAULT;

	ret = bus_begin(slave);
	if (ret)
		return ret;
	if (size % word_bytes(&slave->config)) {
		ret = -EINVAL;
		goto out;
	}

	while (done < size) {
		chunk = min_t(size_t, size - done, BOUNCE_SIZE);
		if (out) {
			ret = rtdm_copy_from_user(fd, f->bounce, ubuf + done,
						  chunk);
			if (ret)
				break;
			ret = slave->master->ops->transfer(slave, f->bounce,
							   NULL, chunk);
		} else {
			ret = slave->master->ops->transfer(slave, NULL,
							   f->bounce, chunk);
			if (!ret)
				ret = rtdm_copy_to_user(fd, ubuf + done,
							f->bounce, chunk);
		}
		if (ret)
			break;
		done += chunk;
	}
out:
	bus_end(slave);

	return ret ? ret : done;
}

static ssize_t rtdm_spi_read_rt(struct rtdm_fd *fd, void __user *buf,
				size_t size)
{
	return rw_half_duplex(fd, buf, size, false);
}

static ssize_t rtdm_spi_write_rt(struct rtdm_fd *fd, const void __user *buf,
				 size_t size)
{
	return rw_half_duplex(fd, (void __user *)buf, size, true);
}

/* ------------------------------------------------------------------ */
/* I/O buffers and mapping (in-band)                                   */
/* ------------------------------------------------------------------ */

static void iobuf_put(struct rtdm_spi_iobuf *io)
{
	if (io && refcount_dec_and_test(&io->refs)) {
		free_pages_exact(io->buf, io->alloc);
		kfree(io);
	}
}

static int set_iobufs(struct rtdm_spi_file *f, struct rtdm_fd *fd,
		      void __user *arg)
{
	struct rtdm_spi_iobufs desc;
	struct rtdm_spi_iobuf *io;
	size_t half;
	int ret = 0;

	if (rtdm_safe_copy_from_user(fd, &desc, arg, sizeof(desc)))
		return -EFAULT;
	if (!desc.io_len || desc.io_len > RTDM_SPI_MAX_IOLEN)
		return -EINVAL;

	mutex_lock(&f->setup_lock);
	if (f->iobuf) {
		/* the I/O area cannot be resized */
		ret = -EINVAL;
		goto out;
	}

	io = kzalloc(sizeof(*io), GFP_KERNEL);
	if (!io) {
		ret = -ENOMEM;
		goto out;
	}
	half = L1_CACHE_ALIGN(desc.io_len);
	io->alloc = PAGE_ALIGN(half * 2);
	io->buf = alloc_pages_exact(io->alloc, GFP_KERNEL | __GFP_ZERO);
	if (!io->buf) {
		kfree(io);
		ret = -ENOMEM;
		goto out;
	}
	refcount_set(&io->refs, 1);
	io->desc.io_len = desc.io_len;
	io->desc.i_offset = 0;
	io->desc.o_offset = half;
	io->desc.map_len = half * 2;

	if (rtdm_safe_copy_to_user(fd, arg, &io->desc, sizeof(io->desc))) {
		iobuf_put(io);
		ret = -EFAULT;
		goto out;
	}
	/* publish the initialised area to transfer_iobufs() */
	smp_store_release(&f->iobuf, io);
out:
	mutex_unlock(&f->setup_lock);

	return ret;
}

static int rtdm_spi_ioctl_nrt(struct rtdm_fd *fd, unsigned int request,
			      void __user *arg)
{
	struct rtdm_spi_file *f = rtdm_fd_to_private(fd);

	switch (request) {
	case SPI_RTIOC_SET_IOBUFS:
		return set_iobufs(f, fd, arg);
	case SPI_RTIOC_SET_CONFIG:
	case SPI_RTIOC_GET_CONFIG:
	case SPI_RTIOC_TRANSFER:
	case SPI_RTIOC_TRANSFER_N:
		return -ENOSYS;
	default:
		return -ENOTTY;
	}
}

static void iobuf_vm_open(struct vm_area_struct *vma)
{
	struct rtdm_spi_iobuf *io = vma->vm_private_data;

	refcount_inc(&io->refs);
}

static void iobuf_vm_close(struct vm_area_struct *vma)
{
	iobuf_put(vma->vm_private_data);
}

static const struct vm_operations_struct iobuf_vm_ops = {
	.open = iobuf_vm_open,
	.close = iobuf_vm_close,
};

static int rtdm_spi_mmap(struct rtdm_fd *fd, struct vm_area_struct *vma)
{
	struct rtdm_spi_file *f = rtdm_fd_to_private(fd);
	unsigned long size = vma->vm_end - vma->vm_start;
	struct rtdm_spi_iobuf *io;
	int ret;

	mutex_lock(&f->setup_lock);
	io = f->iobuf;
	ret = -EINVAL;
	if (!io || vma->vm_pgoff || size > PAGE_ALIGN(io->desc.map_len))
		goto out;
	ret = rtdm_mmap_kmem(vma, io->buf);
	if (ret)
		goto out;
	vma->vm_private_data = io;
	vma->vm_ops = &iobuf_vm_ops;
	refcount_inc(&io->refs);
out:
	mutex_unlock(&f->setup_lock);

	return ret;
}

static int rtdm_spi_open(struct rtdm_fd *fd, int oflags)
{
	struct rtdm_spi_file *f = rtdm_fd_to_private(fd);

	f->slave = fd_to_slave(fd);
	mutex_init(&f->setup_lock);
	f->bounce = kmalloc(BOUNCE_SIZE, GFP_KERNEL);

	return f->bounce ? 0 : -ENOMEM;
}

static void rtdm_spi_close(struct rtdm_fd *fd)
{
	struct rtdm_spi_file *f = rtdm_fd_to_private(fd);

	/* a mapping keeps the I/O area until it is unmapped */
	iobuf_put(f->iobuf);
	f->iobuf = NULL;
	kfree(f->bounce);
	f->bounce = NULL;
	mutex_destroy(&f->setup_lock);
}

/* ------------------------------------------------------------------ */
/* Masters                                                             */
/* ------------------------------------------------------------------ */

struct rtdm_spi_master *__rtdm_spi_alloc_master(struct device *dev,
						size_t priv_size,
						struct module *owner)
{
	struct rtdm_spi_master *master;
	struct spi_controller *ctlr;

	ctlr = devm_spi_alloc_master(dev, sizeof(*master) + priv_size);
	if (!ctlr)
		return NULL;

	master = spi_controller_get_devdata(ctlr);
	master->ctlr = ctlr;
	master->owner = owner;
	master->subclass = RTDM_SUBCLASS_GENERIC;
	master->bits_per_word_mask = SPI_BPW_MASK(8);
	master->num_chipselect = 1;
	INIT_LIST_HEAD(&master->slaves);
	mutex_init(&master->slaves_lock);
	rtdm_mutex_init(&master->bus_lock);
	ctlr->dev.of_node = dev->of_node;

	return master;
}
EXPORT_SYMBOL_GPL(__rtdm_spi_alloc_master);

static char *slave_devnode(RTDM_DEVNODE_CONST struct device *dev,
			   umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "rtdm/%s/%s", dev->class->name,
			 dev_name(dev));
}

int rtdm_spi_add_master(struct rtdm_spi_master *master)
{
	struct spi_controller *ctlr = master->ctlr;
	struct rtdm_driver *drv = &master->driver;
	struct device_node *np = ctlr->dev.of_node;
	int id, ret;

	if (!master->ops || !master->ops->configure || !master->ops->transfer ||
	    !master->max_speed_hz || master->min_speed_hz > master->max_speed_hz)
		return -EINVAL;

	id = np ? of_alias_get_id(np, "spi") : -ENODEV;
	if (id >= 0)
		ctlr->bus_num = id;
	ctlr->mode_bits = master->mode_bits;
	ctlr->bits_per_word_mask = master->bits_per_word_mask;
	ctlr->min_speed_hz = master->min_speed_hz;
	ctlr->max_speed_hz = master->max_speed_hz;
	ctlr->num_chipselect = master->num_chipselect;
	ctlr->use_gpio_descriptors = true;
	ctlr->transfer_one = rtdm_spi_linux_transfer;

	drv->profile_info.class_id = RTDM_CLASS_SPI;
	drv->profile_info.subclass_id = master->subclass;
	drv->profile_info.version = RTDM_SPI_PROFILE_VER;
	drv->profile_info.magic = ~RTDM_CLASS_MAGIC;
	/* open files pin the controller driver's module */
	drv->profile_info.owner = master->owner;
	drv->device_flags = RTDM_NAMED_DEVICE | RTDM_EXCLUSIVE;
	drv->device_count = 256;
	drv->base_minor = 0;
	drv->context_size = sizeof(struct rtdm_spi_file);
	drv->ops = (struct rtdm_fd_ops) {
		.open = rtdm_spi_open,
		.close = rtdm_spi_close,
		.ioctl_rt = rtdm_spi_ioctl_rt,
		.ioctl_nrt = rtdm_spi_ioctl_nrt,
		.read_rt = rtdm_spi_read_rt,
		.write_rt = rtdm_spi_write_rt,
		.mmap = rtdm_spi_mmap,
	};

	/* the children are created, and may bind rtdm-spidev, in here */
	ret = spi_register_controller(ctlr);
	if (ret)
		return ret;
	master->registered = true;

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_spi_add_master);

void rtdm_spi_remove_master(struct rtdm_spi_master *master)
{
	if (master->registered)
		spi_unregister_controller(master->ctlr);	/* slaves go */
	master->registered = false;
	if (master->devclass)
		class_destroy(master->devclass);
	master->devclass = NULL;
	kfree(master->classname);
	master->classname = NULL;
	rtdm_mutex_destroy(&master->bus_lock);
}
EXPORT_SYMBOL_GPL(rtdm_spi_remove_master);

/* ------------------------------------------------------------------ */
/* Slaves: the rtdm-spidev SPI driver                                  */
/* ------------------------------------------------------------------ */

/* The class /dev/rtdm/spi<bus>/ hangs from, made with the first slave. */
static int master_class(struct rtdm_spi_master *master)
{
	struct class *cls;
	int ret;

	if (master->devclass)
		return 0;

	master->classname = kstrdup(dev_name(&master->ctlr->dev), GFP_KERNEL);
	if (!master->classname)
		return -ENOMEM;
	master->driver.profile_info.name = master->classname;
	cls = rtdm_class_create(master->classname);
	if (IS_ERR(cls)) {
		kfree(master->classname);
		master->classname = NULL;
		return PTR_ERR(cls);
	}
	cls->devnode = slave_devnode;
	ret = rtdm_drv_set_sysclass(&master->driver, cls);
	if (ret) {
		class_destroy(cls);
		kfree(master->classname);
		master->classname = NULL;
		return ret;
	}
	master->devclass = cls;

	return 0;
}

static int rtdm_spidev_probe(struct spi_device *spi)
{
	struct spi_controller *ctlr = spi->controller;
	struct rtdm_spi_master *master;
	struct rtdm_spi_slave *slave;
	struct rtdm_spi_config cfg;
	int ret;

	if (!is_rtdm_controller(ctlr)) {
		dev_err(&spi->dev, "%s is not an RTDM SPI controller\n",
			dev_name(&ctlr->dev));
		return -ENODEV;
	}
	master = spi_controller_get_devdata(ctlr);

	slave = kzalloc(sizeof(*slave), GFP_KERNEL);
	if (!slave)
		return -ENOMEM;
	slave->master = master;
	slave->spi = spi;
	slave->chip_select = spi_get_chipselect(spi, 0);
	slave->cs_gpiod = spi_get_csgpiod(spi, 0);
	if (slave->cs_gpiod && gpiod_cansleep(slave->cs_gpiod)) {
		dev_err(&spi->dev, "chip select GPIO may sleep: unusable in real-time context\n");
		ret = -EINVAL;
		goto fail;
	}

	cfg.speed_hz = clamp(spi->max_speed_hz ?: master->max_speed_hz,
			     master->min_speed_hz, master->max_speed_hz);
	cfg.mode = spi->mode & master->mode_bits;
	cfg.bits_per_word = spi->bits_per_word ?: 8;
	if (!(master->bits_per_word_mask & SPI_BPW_MASK(cfg.bits_per_word)))
		cfg.bits_per_word = 8;
	ret = master->ops->configure(slave, &cfg);
	if (ret) {
		dev_err(&spi->dev, "unusable configuration: %d\n", ret);
		goto fail;
	}
	slave->config = cfg;
	if (slave->cs_gpiod)
		gpiod_set_raw_value(slave->cs_gpiod,
				    !(cfg.mode & SPI_CS_HIGH));

	mutex_lock(&master->slaves_lock);
	ret = master_class(master);
	if (ret)
		goto fail_unlock;
	snprintf(slave->label, sizeof(slave->label), "slave%d.%%d",
		 ctlr->bus_num);
	slave->dev.driver = &master->driver;
	slave->dev.label = slave->label;
	slave->dev.device_data = slave;
	ret = rtdm_dev_register(&slave->dev);
	if (ret)
		goto fail_unlock;
	list_add_tail(&slave->next, &master->slaves);
	mutex_unlock(&master->slaves_lock);

	spi_set_drvdata(spi, slave);
	dev_info(&spi->dev, "/dev/rtdm/%s/%s: chip select %u (%s), %u Hz, mode %#x, %u bits\n",
		 master->classname, slave->dev.name, slave->chip_select,
		 slave->cs_gpiod ? "gpio" : "native", cfg.speed_hz, cfg.mode,
		 cfg.bits_per_word);

	return 0;

fail_unlock:
	mutex_unlock(&master->slaves_lock);
fail:
	kfree(slave);
	return ret;
}

static void rtdm_spidev_remove(struct spi_device *spi)
{
	struct rtdm_spi_slave *slave = spi_get_drvdata(spi);
	struct rtdm_spi_master *master = slave->master;

	/* revokes open files, waits for their handlers */
	rtdm_dev_unregister(&slave->dev);
	mutex_lock(&master->slaves_lock);
	list_del(&slave->next);
	mutex_unlock(&master->slaves_lock);
	kfree(slave);
}

static const struct of_device_id rtdm_spidev_of_match[] = {
	{ .compatible = "rtdm-spidev" },
	{ }
};

static const struct spi_device_id rtdm_spidev_ids[] = {
	{ "rtdm-spidev", 0 },
	{ }
};

static struct spi_driver rtdm_spidev_driver = {
	.driver = {
		.name = DRV_NAME,
		.of_match_table = rtdm_spidev_of_match,
	},
	.id_table = rtdm_spidev_ids,
	.probe = rtdm_spidev_probe,
	.remove = rtdm_spidev_remove,
};

static int __init rtdm_spi_init(void)
{
	return spi_register_driver(&rtdm_spidev_driver);
}
module_init(rtdm_spi_init);

static void __exit rtdm_spi_exit(void)
{
	spi_unregister_driver(&rtdm_spidev_driver);
}
module_exit(rtdm_spi_exit);

MODULE_ALIAS("spi:rtdm-spidev");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RTDM SPI master core and rtdm-spidev slave devices");
