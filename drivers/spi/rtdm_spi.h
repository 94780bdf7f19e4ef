/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTDM SPI master core <-> controller drivers.
 *
 * The core (rtdm_spi.ko) registers a Linux SPI controller for each RTDM
 * master, so that the device tree's child nodes become spi_devices as
 * usual; those bound to the core's "rtdm-spidev" driver become RTDM
 * devices /dev/rtdm/spi<bus>/slave<bus>.<n>. The core owns the user ABI,
 * the bus lock (one transfer at a time per controller), chip select
 * (cs-gpios, or the controller's native lines), configuration checks and
 * the I/O buffers. A controller driver fills the ops below and touches its
 * registers only.
 *
 * Linux SPI messages sent to an RTDM controller (e.g. by a Linux driver
 * bound to another chip select) fail with -ENODEV.
 */
#ifndef _RTDM_DRIVERS_SPI_H
#define _RTDM_DRIVERS_SPI_H

#include <linux/spi/spi.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/spi.h>

struct rtdm_spi_master;
struct gpio_desc;

/* A slave: one chip select of a master, one RTDM device. */
struct rtdm_spi_slave {
	struct rtdm_device dev;
	struct rtdm_spi_master *master;
	struct spi_device *spi;
	struct gpio_desc *cs_gpiod;	/* NULL: native chip select */
	unsigned int chip_select;
	/* current configuration, changed under the bus lock */
	struct rtdm_spi_config config;
	/* the controller's precomputed register values for it */
	u32 hw[4];
	char label[32];
	struct list_head next;
};

/*
 * Controller operations. Context: rt (the caller of an _rt handler, on
 * either backend), bus lock held, except where stated.
 */
struct rtdm_spi_master_ops {
	/*
	 * Check @cfg (already checked against mode_bits, bits_per_word_mask
	 * and the speed limits) and precompute slave->hw for it; -EINVAL
	 * when the controller cannot do it. Must not sleep. Also called
	 * in-band (bus lock not held) when the slave is attached, for its
	 * device-tree configuration.
	 */
	int (*configure)(struct rtdm_spi_slave *slave,
			 const struct rtdm_spi_config *cfg);
	/* Program the controller for @slave before chip select. */
	void (*prepare)(struct rtdm_spi_slave *slave);
	/*
	 * Full-duplex transfer of @len bytes (a whole number of words): @tx
	 * NULL sends zeros, @rx NULL discards. Waits (on RTDM objects) for
	 * completion; returns 0, -ETIMEDOUT, -EINTR (the wait was
	 * interrupted: the controller is left idle).
	 */
	int (*transfer)(struct rtdm_spi_slave *slave, const void *tx,
			void *rx, size_t len);
	/* After chip select is released. */
	void (*unprepare)(struct rtdm_spi_slave *slave);
	/* Native chip select, optional. */
	void (*chip_select)(struct rtdm_spi_slave *slave, bool active);
};

struct rtdm_spi_master {
	struct spi_controller *ctlr;
	const struct rtdm_spi_master_ops *ops;
	struct module *owner;
	int subclass;
	u16 mode_bits;		/* SPI_CPHA, SPI_CPOL, SPI_CS_HIGH, SPI_LOOP ... */
	u32 bits_per_word_mask;	/* SPI_BPW_MASK(n) | ... */
	u32 min_speed_hz, max_speed_hz;
	unsigned int num_chipselect;
	/* Core-private below. */
	struct rtdm_driver driver;
	struct class *devclass;
	char *classname;
	rtdm_mutex_t bus_lock;
	struct mutex slaves_lock;	/* guards slaves, devclass */
	struct list_head slaves;
	bool registered;
	unsigned long priv[] __aligned(sizeof(long long));
};

static inline void *rtdm_spi_master_priv(struct rtdm_spi_master *master)
{
	return master->priv;
}

/*
 * Allocate a master with @priv_size bytes of controller data, device
 * managed on @dev. Context: in-band (probe).
 */
struct rtdm_spi_master *__rtdm_spi_alloc_master(struct device *dev,
						size_t priv_size,
						struct module *owner);
#define rtdm_spi_alloc_master(__dev, __size)	\
	__rtdm_spi_alloc_master(__dev, __size, THIS_MODULE)

/*
 * Register the Linux controller (bus number from the "spi" alias of the
 * device-tree node when there is one): its children are created, the
 * rtdm-spidev ones become RTDM devices. Context: in-band (probe).
 */
int rtdm_spi_add_master(struct rtdm_spi_master *master);
/*
 * Remove the slaves (waiting for open files to be closed) and the Linux
 * controller. Context: in-band (remove).
 */
void rtdm_spi_remove_master(struct rtdm_spi_master *master);

#endif /* _RTDM_DRIVERS_SPI_H */
