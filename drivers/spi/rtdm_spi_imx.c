// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM SPI master for the i.MX ECSPI (i.MX51/53/6/7, i.MX8M Mini): PIO
 * through the 64-word FIFOs, completion by interrupt, no DMA. Registers
 * only; the RTDM SPI core (rtdm_spi_core.c) does the rest.
 *
 * One FIFO entry carries one SPI word (burst length = bits per word) and
 * the controller sends every queued word on one exchange (SS_CTL set), so
 * the native chip select line is negated between words on real hardware:
 * give multi-word slaves a chip select GPIO (cs-gpios), as the i.MX8MM EVK
 * device tree does. The controller is enabled for each bus cycle and
 * disabled after it (which also resets its FIFOs).
 *
 * Taking a controller from Linux's spi-imx: see drivers/spi/README.md (an
 * overlay with the "rtdm,imx-ecspi" compatible, or unbind and
 * driver_override at run time).
 */
#include <linux/clk.h>
#include <linux/io.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/spi.h>
#include "rtdm_spi.h"

#define DRV_NAME	"rtdm_spi_imx"

#define ECSPI_RXDATA	0x00
#define ECSPI_TXDATA	0x04
#define ECSPI_CONREG	0x08
#define ECSPI_CONFIGREG	0x0c
#define ECSPI_INTREG	0x10
#define ECSPI_DMAREG	0x14
#define ECSPI_STATREG	0x18
#define ECSPI_TESTREG	0x20

#define CON_EN		BIT(0)
#define CON_XCH		BIT(2)
#define CON_MODE_ALL	(0xf << 4)	/* every channel master */
#define CON_POST(n)	((n) << 8)
#define CON_PRE(n)	((n) << 12)
#define CON_CS(n)	((n) << 18)
#define CON_BL(n)	((n) << 20)	/* burst length - 1 */

#define CFG_PHA(c)	BIT(c)
#define CFG_POL(c)	BIT((c) + 4)
#define CFG_SSCTL(c)	BIT((c) + 8)
#define CFG_SSPOL(c)	BIT((c) + 12)
#define CFG_SCLKCTL(c)	BIT((c) + 20)

#define INT_RREN	BIT(3)
#define INT_TCEN	BIT(7)

#define STAT_RR		BIT(3)
#define STAT_RO		BIT(6)
#define STAT_TC		BIT(7)

#define TEST_LBC	BIT(31)

#define FIFO_WORDS	64

/* slave->hw[] */
#define HW_CON		0
#define HW_CFG		1
#define HW_TEST		2
#define HW_HZ		3

struct imx_ecspi {
	struct device *dev;
	void __iomem *base;
	struct clk *clk_ipg, *clk_per;
	unsigned long per_rate;
	int irq;
	rtdm_irq_t irq_handle;
	rtdm_lock_t lock;
	rtdm_event_t done;
	struct rtdm_spi_master *master;
	u32 last_cfg;
	/* the exchange in progress, under lock */
	bool busy;
	u32 con;
	const void *tx;
	void *rx;
	unsigned int wbytes, nwords, ntx, nrx;
};

static inline u32 ecspi_read(struct imx_ecspi *e, unsigned int reg)
{
	return readl(e->base + reg);
}

static inline void ecspi_write(struct imx_ecspi *e, unsigned int reg, u32 val)
{
	writel(val, e->base + reg);
}

static struct imx_ecspi *slave_ecspi(struct rtdm_spi_slave *slave)
{
	return rtdm_spi_master_priv(slave->master);
}

static int ecspi_configure(struct rtdm_spi_slave *slave,
			   const struct rtdm_spi_config *cfg)
{
	struct imx_ecspi *e = slave_ecspi(slave);
	unsigned int ch = slave->chip_select & 3, div, pre, post;
	u32 con, conf = 0;

	/* per / ((pre + 1) << post), at most the speed asked for */
	div = DIV_ROUND_UP(e->per_rate, cfg->speed_hz);
	for (post = 0; post <= 15; post++) {
		pre = DIV_ROUND_UP(div, 1U << post);
		if (pre <= 16)
			break;
	}
	if (post > 15)
		return -EINVAL;
	pre = max(pre, 1U) - 1;

	con = CON_EN | CON_MODE_ALL | CON_POST(post) | CON_PRE(pre) |
		CON_CS(ch) | CON_BL(cfg->bits_per_word - 1);
	conf = CFG_SSCTL(ch);
	if (cfg->mode & SPI_CPHA)
		conf |= CFG_PHA(ch);
	if (cfg->mode & SPI_CPOL)
		conf |= CFG_POL(ch) | CFG_SCLKCTL(ch);
	if (cfg->mode & SPI_CS_HIGH)
		conf |= CFG_SSPOL(ch);

	slave->hw[HW_CON] = con;
	slave->hw[HW_CFG] = conf;
	slave->hw[HW_TEST] = cfg->mode & SPI_LOOP ? TEST_LBC : 0;
	slave->hw[HW_HZ] = max(e->per_rate / ((pre + 1) << post), 1UL);

	return 0;
}

static void ecspi_prepare(struct rtdm_spi_slave *slave)
{
	struct imx_ecspi *e = slave_ecspi(slave);
	u32 cfg = slave->hw[HW_CFG];

	ecspi_write(e, ECSPI_CONREG, slave->hw[HW_CON]);
	ecspi_write(e, ECSPI_CONFIGREG, cfg);
	ecspi_write(e, ECSPI_TESTREG, slave->hw[HW_TEST]);
	ecspi_write(e, ECSPI_INTREG, 0);
	ecspi_write(e, ECSPI_DMAREG, 0);
	ecspi_write(e, ECSPI_STATREG, STAT_TC | STAT_RO);
	/* a new clock polarity takes effect after a clock cycle or so */
	if (cfg != e->last_cfg)
		rtdm_task_busy_sleep(2 * DIV_ROUND_UP(NSEC_PER_SEC,
						      slave->hw[HW_HZ]));
	e->last_cfg = cfg;
}

static void ecspi_unprepare(struct rtdm_spi_slave *slave)
{
	struct imx_ecspi *e = slave_ecspi(slave);

	ecspi_write(e, ECSPI_INTREG, 0);
	/* disabling resets the FIFOs and the state machine */
	ecspi_write(e, ECSPI_CONREG, 0);
}

/* Queue words up to a full FIFO. Lock held. */
static void ecspi_fill(struct imx_ecspi *e)
{
	u32 w;

	while (e->ntx < e->nwords && e->ntx - e->nrx < FIFO_WORDS) {
		w = 0;
		if (e->tx) {
			const void *p = e->tx + e->ntx * e->wbytes;

			if (e->wbytes == 1)
				w = *(const u8 *)p;
			else if (e->wbytes == 2)
				w = *(const u16 *)p;
			else
				w = *(const u32 *)p;
		}
		ecspi_write(e, ECSPI_TXDATA, w);
		e->ntx++;
	}
}

/* Take what the RX FIFO holds. Lock held. */
static void ecspi_drain(struct imx_ecspi *e)
{
	u32 w;

	while (e->nrx < e->ntx && (ecspi_read(e, ECSPI_STATREG) & STAT_RR)) {
		w = ecspi_read(e, ECSPI_RXDATA);
		if (e->rx) {
			void *p = e->rx + e->nrx * e->wbytes;

			if (e->wbytes == 1)
				*(u8 *)p = w;
			else if (e->wbytes == 2)
				*(u16 *)p = w;
			else
				*(u32 *)p = w;
		}
		e->nrx++;
	}
}

/* Start an exchange of what the FIFO holds, or finish. Lock held. */
static void ecspi_advance(struct imx_ecspi *e)
{
	ecspi_drain(e);
	if (e->nrx == e->nwords) {
		ecspi_write(e, ECSPI_INTREG, 0);
		e->busy = false;
		rtdm_event_signal(&e->done);
	} else if (e->nrx == e->ntx) {
		ecspi_fill(e);
		ecspi_write(e, ECSPI_STATREG, STAT_TC);
		ecspi_write(e, ECSPI_INTREG, INT_TCEN);
		ecspi_write(e, ECSPI_CONREG, e->con | CON_XCH);
	} else {
		/* the last words are still on their way into the RX FIFO */
		ecspi_write(e, ECSPI_INTREG, INT_RREN);
	}
}

static int ecspi_interrupt(rtdm_irq_t *irq_handle)
{
	struct imx_ecspi *e = rtdm_irq_get_arg(irq_handle, struct imx_ecspi);
	int ret = RTDM_IRQ_NONE;
	u32 stat, ien;

	rtdm_lock_get(&e->lock);
	ien = ecspi_read(e, ECSPI_INTREG);
	stat = ecspi_read(e, ECSPI_STATREG);
	if (e->busy && (stat & ien)) {
		ecspi_advance(e);
		ret = RTDM_IRQ_HANDLED;
	} else if (stat & ien) {
		/* nothing in progress: silence it */
		ecspi_write(e, ECSPI_INTREG, 0);
		ret = RTDM_IRQ_HANDLED;
	}
	rtdm_lock_put(&e->lock);

	return ret;
}

static int ecspi_transfer(struct rtdm_spi_slave *slave, const void *tx,
			  void *rx, size_t len)
{
	struct imx_ecspi *e = slave_ecspi(slave);
	unsigned int wbytes;
	rtdm_lockctx_t ctx;
	u64 timeout;
	int ret;

	wbytes = slave->config.bits_per_word <= 8 ? 1 :
		slave->config.bits_per_word <= 16 ? 2 : 4;
	/* twice the time on the wire, plus 2 s for an emulator under load */
	timeout = div_u64((u64)len * 8 * 2 * NSEC_PER_SEC, slave->hw[HW_HZ]) +
		2 * NSEC_PER_SEC;

	rtdm_event_clear(&e->done);
	rtdm_lock_get_irqsave(&e->lock, ctx);
	e->con = slave->hw[HW_CON];
	e->tx = tx;
	e->rx = rx;
	e->wbytes = wbytes;
	e->nwords = len / wbytes;
	e->ntx = 0;
	e->nrx = 0;
	e->busy = true;
	ecspi_advance(e);
	rtdm_lock_put_irqrestore(&e->lock, ctx);

	ret = rtdm_event_timedwait(&e->done, timeout, NULL);
	if (ret) {
		/* timed out or interrupted: stop the controller */
		rtdm_lock_get_irqsave(&e->lock, ctx);
		e->busy = false;
		ecspi_write(e, ECSPI_INTREG, 0);
		ecspi_write(e, ECSPI_CONREG, 0);
		ecspi_write(e, ECSPI_CONREG, slave->hw[HW_CON]);
		rtdm_lock_put_irqrestore(&e->lock, ctx);
	}

	return ret;
}

static const struct rtdm_spi_master_ops ecspi_ops = {
	.configure = ecspi_configure,
	.prepare = ecspi_prepare,
	.transfer = ecspi_transfer,
	.unprepare = ecspi_unprepare,
};

static int ecspi_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct rtdm_spi_master *master;
	struct imx_ecspi *e;
	int ret;

	master = rtdm_spi_alloc_master(dev, sizeof(*e));
	if (!master)
		return -ENOMEM;
	e = rtdm_spi_master_priv(master);
	e->master = master;
	e->dev = dev;
	e->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(e->base))
		return PTR_ERR(e->base);
	e->irq = platform_get_irq(pdev, 0);
	if (e->irq < 0)
		return e->irq;
	e->clk_ipg = devm_clk_get(dev, "ipg");
	if (IS_ERR(e->clk_ipg))
		return dev_err_probe(dev, PTR_ERR(e->clk_ipg), "no ipg clock\n");
	e->clk_per = devm_clk_get(dev, "per");
	if (IS_ERR(e->clk_per))
		return dev_err_probe(dev, PTR_ERR(e->clk_per), "no per clock\n");

	rtdm_lock_init(&e->lock);
	rtdm_event_init(&e->done, 0);
	e->last_cfg = ~0U;

	ret = clk_prepare_enable(e->clk_ipg);
	if (ret)
		goto fail_event;
	ret = clk_prepare_enable(e->clk_per);
	if (ret)
		goto fail_ipg;
	e->per_rate = clk_get_rate(e->clk_per);
	if (!e->per_rate) {
		ret = -EINVAL;
		goto fail_per;
	}

	/* whatever the previous owner left: disabled, no interrupts */
	ecspi_write(e, ECSPI_INTREG, 0);
	ecspi_write(e, ECSPI_CONREG, 0);

	ret = rtdm_irq_request(&e->irq_handle, e->irq, ecspi_interrupt, 0,
			       dev_name(dev), e);
	if (ret)
		goto fail_per;

	master->ops = &ecspi_ops;
	master->subclass = RTDM_SUBCLASS_IMX_ECSPI;
	master->mode_bits = SPI_CPHA | SPI_CPOL | SPI_CS_HIGH | SPI_LOOP;
	master->bits_per_word_mask = SPI_BPW_MASK(8) | SPI_BPW_MASK(16) |
		SPI_BPW_MASK(32);
	master->max_speed_hz = e->per_rate;
	master->min_speed_hz = DIV_ROUND_UP(e->per_rate, 16 << 15);
	master->num_chipselect = 4;
	platform_set_drvdata(pdev, master);

	ret = rtdm_spi_add_master(master);
	if (ret)
		goto fail_irq;

	dev_info(dev, "RTDM SPI master %s: ECSPI, irq %d, per clock %lu Hz\n",
		 dev_name(&master->ctlr->dev), e->irq, e->per_rate);

	return 0;

fail_irq:
	rtdm_irq_free(&e->irq_handle);
fail_per:
	clk_disable_unprepare(e->clk_per);
fail_ipg:
	clk_disable_unprepare(e->clk_ipg);
fail_event:
	rtdm_event_destroy(&e->done);
	return ret;
}

static void ecspi_remove(struct platform_device *pdev)
{
	struct rtdm_spi_master *master = platform_get_drvdata(pdev);
	struct imx_ecspi *e = rtdm_spi_master_priv(master);

	/* revokes the open slaves and waits for their handlers */
	rtdm_spi_remove_master(master);
	ecspi_write(e, ECSPI_INTREG, 0);
	ecspi_write(e, ECSPI_CONREG, 0);
	rtdm_irq_free(&e->irq_handle);
	rtdm_event_destroy(&e->done);
	clk_disable_unprepare(e->clk_per);
	clk_disable_unprepare(e->clk_ipg);
}

RTDM_PLATFORM_REMOVE(ecspi_remove);

static const struct of_device_id ecspi_of_match[] = {
	{ .compatible = "rtdm,imx-ecspi" },
	{ .compatible = "fsl,imx8mm-ecspi" },
	{ .compatible = "fsl,imx6ul-ecspi" },
	{ .compatible = "fsl,imx6q-ecspi" },
	{ .compatible = "fsl,imx51-ecspi" },
	{ }
};

/*
 * Autoloading for the overlay's compatible only, so that installing the
 * module never races spi-imx at boot (spelled out: see rtser_imx.c).
 */
MODULE_ALIAS("of:N*T*Crtdm,imx-ecspi");
MODULE_ALIAS("of:N*T*Crtdm,imx-ecspiC*");

static struct platform_driver ecspi_driver = {
	.probe = ecspi_probe,
	.remove = rtdm_platform_remove_op(ecspi_remove),
	.driver = {
		.name = DRV_NAME,
		.of_match_table = ecspi_of_match,
	},
};
module_platform_driver(ecspi_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RTDM SPI master for the i.MX ECSPI");
