// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM serial driver (rtser profile) for the i.MX UART, the block found in
 * i.MX6Q, i.MX7D and i.MX8M Mini. Interrupt-driven PIO; no DMA.
 *
 * Each port becomes /dev/rtdm/rtser<N>, N in probe order. A port is opened
 * by one file descriptor at a time. The data path (read, write, events,
 * status, control) is served in real-time context; RTSER_RTIOC_SET_CONFIG
 * is served in-band (the real-time handler returns -ENOSYS for it) since
 * it reads the clock framework and allocates the timestamp history.
 *
 * Claiming a port: the driver matches the i.MX UART compatibles, so it
 * binds any such port that Linux's imx-uart driver has not taken, and the
 * nodes a device-tree overlay gave to it with the "rtdm,imx-uart"
 * compatible (see dts-overlays/). For tests, a port can be taken from
 * imx-uart at run time through sysfs:
 *
 *   echo 2020000.serial > /sys/bus/platform/drivers/imx-uart/unbind
 *   echo rtser_imx > /sys/bus/platform/devices/2020000.serial/driver_override
 *   insmod rtser_imx.ko  (or: echo 2020000.serial > .../rtser_imx/bind)
 *
 * and given back with rmmod (or unbind), an empty driver_override and a
 * bind through imx-uart. Only "rtdm,imx-uart" is advertised for module
 * autoloading, so that installing the module never races imx-uart for the
 * console at boot.
 *
 * Timestamps are rtdm_clock_read() values (CLOCK_MONOTONIC) taken when the
 * interrupt handler starts.
 *
 * Debugging: /sys/kernel/debug/rtser_imx/<device>/ holds
 *   regs      the UART registers and counters kept since probe (handler
 *             runs, characters received, dropped, sent);
 *   inject    "<usr1> <usr2>" (hex): handle these line and modem status
 *             bits as if an interrupt had reported them (the port must be
 *             open), for the events an emulated UART cannot raise;
 *   rtscts, dte_mode   the uart-has-rtscts and fsl,dte-mode flags of the
 *             device tree, to override for tests (used from the next open
 *             or SET_CONFIG on).
 */
#include <linux/clk.h>
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/serial.h>

#define DRV_NAME		"rtser_imx"
#define RTSER_IMX_MAX_PORTS	8

/* Registers */
#define URXD		0x00	/* receiver */
#define UTXD		0x40	/* transmitter */
#define UCR1		0x80
#define UCR2		0x84
#define UCR3		0x88
#define UCR4		0x8c
#define UFCR		0x90	/* FIFO control */
#define USR1		0x94
#define USR2		0x98
#define UBIR		0xa4	/* baud rate increment */
#define UBMR		0xa8	/* baud rate modulator */
#define ONEMS		0xb0	/* ticks of the reference clock in 1 ms */
#define UTS		0xb4	/* test register */

#define URXD_ERR	BIT(14)
#define URXD_OVRRUN	BIT(13)
#define URXD_FRMERR	BIT(12)
#define URXD_BRK	BIT(11)
#define URXD_PRERR	BIT(10)

#define UCR1_TRDYEN	BIT(13)	/* tx below threshold irq */
#define UCR1_IDEN	BIT(12)
#define UCR1_RRDYEN	BIT(9)	/* rx above threshold irq */
#define UCR1_TXMPTYEN	BIT(6)
#define UCR1_RTSDEN	BIT(5)	/* RTS_B input delta irq */
#define UCR1_SNDBRK	BIT(4)
#define UCR1_UARTEN	BIT(0)

#define UCR2_IRTS	BIT(14)	/* ignore the RTS_B input */
#define UCR2_CTSC	BIT(13)	/* CTS_B driven by the receiver */
#define UCR2_CTS	BIT(12)	/* CTS_B level when !CTSC */
#define UCR2_PREN	BIT(8)
#define UCR2_PROE	BIT(7)	/* odd parity */
#define UCR2_STPB	BIT(6)	/* 2 stop bits */
#define UCR2_WS		BIT(5)	/* 8 data bits */
#define UCR2_ATEN	BIT(3)	/* ageing timer */
#define UCR2_TXEN	BIT(2)
#define UCR2_RXEN	BIT(1)
#define UCR2_SRST	BIT(0)	/* software reset, active low */

#define UCR3_DSR	BIT(10)	/* DTE: DTR output, DCE: DSR output */
#define UCR3_DCD	BIT(9)	/* DTE: DCD delta irq, DCE: DCD output */
#define UCR3_ADNIMP	BIT(7)
#define UCR3_RXDMUXSEL	BIT(2)	/* required on i.MX6 and later */

#define UCR4_CTSTL_SHIFT 10
#define UCR4_TCEN	BIT(3)	/* transmit complete irq */
#define UCR4_BKEN	BIT(2)	/* break irq */
#define UCR4_OREN	BIT(1)	/* overrun irq */
#define UCR4_DREN	BIT(0)
#define UCR4_IRQS	(UCR4_TCEN | UCR4_BKEN | UCR4_OREN | UCR4_DREN | BIT(7))

#define UFCR_TXTL_SHIFT	10
#define UFCR_RFDIV_SHIFT 7
#define UFCR_DCEDTE	BIT(6)

#define USR1_PARITYERR	BIT(15)
#define USR1_RTSS	BIT(14)	/* RTS_B input asserted */
#define USR1_TRDY	BIT(13)
#define USR1_RTSD	BIT(12)
#define USR1_FRAMERR	BIT(10)
#define USR1_RRDY	BIT(9)
#define USR1_AGTIM	BIT(8)
#define USR1_W1C	(USR1_PARITYERR | USR1_RTSD | USR1_FRAMERR | USR1_AGTIM)

#define USR2_TXFE	BIT(14)
#define USR2_RIDELT	BIT(10)
#define USR2_RIIN	BIT(9)
#define USR2_DCDDELT	BIT(6)
#define USR2_DCDIN	BIT(5)
#define USR2_TXDC	BIT(3)
#define USR2_BRCD	BIT(2)
#define USR2_ORE	BIT(1)
#define USR2_RDR	BIT(0)

#define UTS_LOOP	BIT(12)
#define UTS_TXFULL	BIT(4)

#define IMX_FIFO_SIZE	32
#define IMX_CTS_LEVEL	16	/* rx FIFO level that deasserts CTS_B */
#define RX_PASS_MAX	(2 * IMX_FIFO_SIZE)	/* bytes per interrupt */

#define RTSER_IMX_EVENTS	(RTSER_EVENT_RXPEND | RTSER_EVENT_ERRPEND | \
				 RTSER_EVENT_MODEMHI | RTSER_EVENT_MODEMLO | \
				 RTSER_EVENT_TXEMPTY)
#define RTSER_LINE_ERRORS	(RTSER_LSR_OVERRUN_ERR | RTSER_LSR_PARITY_ERR | \
				 RTSER_LSR_FRAMING_ERR | RTSER_LSR_BREAK_IND | \
				 RTSER_SOFT_OVERRUN_ERR)

static unsigned int rx_ring = 4096;
module_param(rx_ring, uint, 0444);
MODULE_PARM_DESC(rx_ring, "receive ring size per port in bytes (power of 2, 64..1048576, default 4096)");

static unsigned int tx_ring = 4096;
module_param(tx_ring, uint, 0444);
MODULE_PARM_DESC(tx_ring, "transmit ring size per port in bytes (power of 2, 64..1048576, default 4096)");

static unsigned int tx_trigger = 8;
module_param(tx_trigger, uint, 0444);
MODULE_PARM_DESC(tx_trigger, "refill the transmit FIFO when it holds fewer bytes than this (2..31, default 8)");

static unsigned int tx_pace = 3;
module_param(tx_pace, uint, 0444);
MODULE_PARM_DESC(tx_pace, "a transmitter that does not pace itself is fed at most once per (1 + tx_pace) times the time a FIFO load takes the handler (1..100, default 3)");

/* Bits of rtser_imx_port.busy */
#define RTSER_BUSY_READ		0
#define RTSER_BUSY_EVENT	1

struct rtser_imx_div {
	u32 rfdiv;		/* reference clock divider, 1..7 */
	u32 ubir;		/* numerator - 1 */
	u32 ubmr;		/* denominator - 1 */
	u32 onems;
};

/* Counters since probe, for debugfs; updated with the port lock held. */
struct rtser_imx_stats {
	unsigned long irqs;		/* handler runs */
	unsigned long rx;		/* characters read from URXD */
	unsigned long rx_dropped;	/* ... lost to a full receive ring */
	unsigned long tx;		/* characters written to UTXD */
	unsigned long tx_held;		/* FIFO loads followed by a pause */
	unsigned long tx_reconfig;	/* ... while SET_CONFIG reprograms */
};

struct rtser_imx_port {
	struct device *dev;
	void __iomem *base;
	int irq;
	struct clk *clk_ipg;
	struct clk *clk_per;
	unsigned long per_rate;
	bool have_rtscts;
	bool dte_mode;
	struct rtdm_device rtdm_dev;
	struct dentry *debugfs;

	/* State of the open file (the device is exclusive). */
	rtdm_lock_t lock;		/* everything below, and the registers */
	rtdm_irq_t irq_handle;
	struct rtser_config config;
	struct rtser_imx_div div;
	u32 ucr1, ucr4;			/* shadows */
	int mcr;			/* RTSER_MCR_* */

	u8 *rx_buf;
	u64 *rx_stamp;			/* timestamp history, or NULL */
	unsigned int rx_size;		/* power of 2 */
	unsigned int rx_head, rx_tail, rx_count;
	unsigned int rx_copying;	/* [rx_head, +rx_copying): reader's */
	unsigned int rx_wait;		/* bytes the reader waits for */
	rtdm_event_t rx_event;

	u8 *tx_buf;
	unsigned int tx_size;		/* power of 2 */
	unsigned int tx_head, tx_tail, tx_count;
	bool tx_wait;			/* a writer waits for room */
	bool tx_sent;			/* bytes left since TXEMPTY was armed */
	bool tx_paused;			/* SET_CONFIG drains the transmitter */
	bool tx_held;			/* TRDY masked until tx_timer fires */
	bool tx_instant;		/* TRDY stayed set after a full load */
	u64 char_ns;			/* one character on the line */
	u64 line_free;			/* ... the loads so far are sent then */
	rtdm_timer_t tx_timer;		/* paces a transmitter that does not */
	rtdm_event_t tx_event;
	rtdm_mutex_t tx_mutex;		/* one writer at a time */

	int events;			/* RTSER_EVENT_* pending */
	u64 last_stamp;			/* date of the last event */
	rtdm_event_t ev_event;
	int status;			/* line errors not yet reported */
	int saved_errors;		/* reported by read, for GET_STATUS */
	unsigned long busy;		/* RTSER_BUSY_* */
	bool running;			/* open, interrupt handler installed */
	bool reconfig;			/* SET_CONFIG reprograms the line */
	struct mutex config_lock;	/* SET_CONFIG callers (in-band) */

	struct rtser_imx_stats stats;
};

static const struct rtser_config rtser_imx_defaults = {
	.config_mask = 0xffff,
	.baud_rate = RTSER_DEF_BAUD,
	.parity = RTSER_DEF_PARITY,
	.data_bits = RTSER_DEF_BITS,
	.stop_bits = RTSER_DEF_STOPB,
	.handshake = RTSER_DEF_HAND,
	.fifo_depth = RTSER_DEF_FIFO_DEPTH,
	.rx_timeout = RTSER_DEF_TIMEOUT,
	.tx_timeout = RTSER_DEF_TIMEOUT,
	.event_timeout = RTSER_DEF_TIMEOUT,
	.timestamp_history = RTSER_DEF_TIMESTAMP_HISTORY,
	.event_mask = RTSER_DEF_EVENT_MASK,
	.rs485 = RTSER_DEF_RS485,
};

static inline u32 imx_read(struct rtser_imx_port *p, unsigned int reg)
{
	return readl(p->base + reg);
}

static inline void imx_write(struct rtser_imx_port *p, unsigned int reg,
			     u32 val)
{
	writel(val, p->base + reg);
}

/* ------------------------------------------------------------------ */
/* Line settings                                                      */
/* ------------------------------------------------------------------ */

static unsigned long rtser_gcd(unsigned long a, unsigned long b)
{
	while (b) {
		unsigned long t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * baud = per / rfdiv * (UBIR + 1) / (16 * (UBMR + 1)). The reference
 * divider keeps the reference clock close to 16 * baud; the ratio is then
 * reduced to fit the 16-bit registers.
 */
static int rtser_imx_calc_div(unsigned long per, int baud,
			      struct rtser_imx_div *div)
{
	unsigned long num, den, g, ref;
	unsigned int shift = 0;

	if (baud <= 0 || !per || baud > per / 16)
		return -EINVAL;

	div->rfdiv = clamp_t(unsigned long, per / (16UL * baud), 1, 7);
	ref = per / div->rfdiv;
	num = 16UL * baud;
	den = ref;
	g = rtser_gcd(num, den);
	num /= g;
	den /= g;
	while ((den >> shift) > 0x10000)
		shift++;
	if (shift) {
		num = (num + (1UL << (shift - 1))) >> shift;
		den >>= shift;
	}
	if (!num || num > den)
		return -EINVAL;	/* too slow for this reference clock */

	div->ubir = num - 1;
	div->ubmr = den - 1;
	div->onems = ref / 1000;

	return 0;
}

static u32 rtser_imx_rxtl(int fifo_depth)
{
	switch (fifo_depth) {
	case RTSER_FIFO_DEPTH_4:
		return 4;
	case RTSER_FIFO_DEPTH_8:
		return 8;
	case RTSER_FIFO_DEPTH_14:
		return 14;
	default:
		return 1;
	}
}

static u32 rtser_imx_ucr2(struct rtser_imx_port *p)
{
	const struct rtser_config *c = &p->config;
	u32 ucr2 = UCR2_SRST | UCR2_TXEN | UCR2_RXEN | UCR2_ATEN;

	if (c->data_bits == RTSER_8_BITS)
		ucr2 |= UCR2_WS;
	if (c->stop_bits == RTSER_2_STOPB)
		ucr2 |= UCR2_STPB;
	if (c->parity != RTSER_NO_PARITY) {
		ucr2 |= UCR2_PREN;
		if (c->parity == RTSER_ODD_PARITY)
			ucr2 |= UCR2_PROE;
	}
	if (c->handshake != RTSER_RTSCTS_HAND)
		ucr2 |= UCR2_IRTS;
	if (p->mcr & RTSER_MCR_RTS)
		ucr2 |= c->handshake == RTSER_RTSCTS_HAND ? UCR2_CTSC : UCR2_CTS;

	return ucr2;
}

static bool rtser_imx_modem_events(struct rtser_imx_port *p)
{
	return p->config.event_mask &
		(RTSER_EVENT_MODEMHI | RTSER_EVENT_MODEMLO);
}

static u32 rtser_imx_ucr3(struct rtser_imx_port *p)
{
	u32 ucr3 = UCR3_RXDMUXSEL | UCR3_ADNIMP;

	if (p->mcr & RTSER_MCR_DTR)
		ucr3 |= UCR3_DSR;
	/* DTE mode: interrupt on carrier changes (DCE mode: DCD output) */
	if (p->dte_mode && rtser_imx_modem_events(p))
		ucr3 |= UCR3_DCD;

	return ucr3;
}

/*
 * Interrupt sources that depend on the event mask: RTS_B changes, and in
 * DTE mode DCD changes. Lock held.
 */
static void rtser_imx_program_events(struct rtser_imx_port *p)
{
	if (rtser_imx_modem_events(p))
		p->ucr1 |= UCR1_RTSDEN;
	else
		p->ucr1 &= ~UCR1_RTSDEN;
	imx_write(p, UCR3, rtser_imx_ucr3(p));
	imx_write(p, UCR1, p->ucr1);
}

/*
 * Program the line from p->config and p->div, with the transmitter and
 * receiver disabled meanwhile: the transmitter must be idle (open, or
 * SET_CONFIG after pausing and draining it). Lock held.
 */
static void rtser_imx_program_line(struct rtser_imx_port *p)
{
	u32 ufcr, ucr2 = rtser_imx_ucr2(p);

	ufcr = rtser_imx_rxtl(p->config.fifo_depth) |
	       (tx_trigger << UFCR_TXTL_SHIFT) |
	       ((p->div.rfdiv < 7 ? 6 - p->div.rfdiv : 6) << UFCR_RFDIV_SHIFT);
	if (p->dte_mode)
		ufcr |= UFCR_DCEDTE;

	imx_write(p, UCR2, ucr2 & ~(UCR2_TXEN | UCR2_RXEN));
	imx_write(p, UFCR, ufcr);
	imx_write(p, UBIR, p->div.ubir);
	imx_write(p, UBMR, p->div.ubmr);
	imx_write(p, ONEMS, p->div.onems);
	imx_write(p, UCR3, rtser_imx_ucr3(p));
	imx_write(p, UCR2, ucr2);

	/* start bit, data bits, parity, stop bits */
	p->char_ns = div_u64((1ULL + (p->config.data_bits == RTSER_7_BITS ? 7 : 8) +
			      (p->config.parity != RTSER_NO_PARITY) +
			      (p->config.stop_bits == RTSER_2_STOPB ? 2 : 1)) *
			     NSEC_PER_SEC, p->config.baud_rate);
}

/* Modem control outputs and loopback. Lock held. */
static void rtser_imx_set_mcr(struct rtser_imx_port *p, int mcr)
{
	u32 uts;

	p->mcr = mcr;
	imx_write(p, UCR2, rtser_imx_ucr2(p));
	imx_write(p, UCR3, rtser_imx_ucr3(p));
	uts = imx_read(p, UTS);
	if (mcr & RTSER_MCR_LOOP)
		uts |= UTS_LOOP;
	else
		uts &= ~UTS_LOOP;
	imx_write(p, UTS, uts);
}

static int rtser_imx_msr(struct rtser_imx_port *p)
{
	u32 usr1 = imx_read(p, USR1), usr2 = imx_read(p, USR2);
	int msr = 0;

	if (usr1 & USR1_RTSD)
		msr |= RTSER_MSR_DCTS;
	if (usr1 & USR1_RTSS)
		msr |= RTSER_MSR_CTS;
	if (usr2 & USR2_RIDELT)
		msr |= RTSER_MSR_TERI;
	if (usr2 & USR2_DCDDELT)
		msr |= RTSER_MSR_DDCD;
	if (p->dte_mode) {
		if (!(usr2 & USR2_DCDIN))
			msr |= RTSER_MSR_DCD;
		if (!(usr2 & USR2_RIIN))
			msr |= RTSER_MSR_RI;
	}

	return msr;
}

/* ------------------------------------------------------------------ */
/* Interrupt handling                                                 */
/* ------------------------------------------------------------------ */

static unsigned int rtser_imx_rx_chars(struct rtser_imx_port *p, u64 now)
{
	unsigned int n = 0, stored = 0;
	int lsr = 0;
	u32 c;

	while (n < RX_PASS_MAX && (imx_read(p, USR2) & USR2_RDR)) {
		c = imx_read(p, URXD);
		n++;
		p->stats.rx++;
		if (unlikely(c & (URXD_ERR | URXD_BRK | URXD_PRERR |
				  URXD_FRMERR | URXD_OVRRUN))) {
			if (c & URXD_BRK) {
				lsr |= RTSER_LSR_BREAK_IND;
				continue;	/* the NUL of a break */
			}
			if (c & URXD_PRERR)
				lsr |= RTSER_LSR_PARITY_ERR;
			if (c & URXD_FRMERR)
				lsr |= RTSER_LSR_FRAMING_ERR;
			if (c & URXD_OVRRUN)
				lsr |= RTSER_LSR_OVERRUN_ERR;
		}
		if (unlikely(p->rx_count == p->rx_size)) {
			p->stats.rx_dropped++;
			lsr |= RTSER_SOFT_OVERRUN_ERR;
			continue;
		}
		p->rx_buf[p->rx_tail] = c & 0xff;
		if (p->rx_stamp)
			p->rx_stamp[p->rx_tail] = now;
		p->rx_tail = (p->rx_tail + 1) & (p->rx_size - 1);
		p->rx_count++;
		stored++;
	}
	p->status |= lsr;

	return stored;
}

/*
 * Mask TRDY until @until (a rtdm_clock_read() date), when tx_timer gives
 * the transmitter back. False, and nothing held, when that date has
 * passed already: the caller goes on feeding the FIFO. The date is
 * absolute so that time spent since the caller read the clock (a vCPU
 * descheduled by the host, an interrupt) can shorten the pause but never
 * turn it into a timer that does not run. Lock held.
 */
static bool rtser_imx_tx_hold(struct rtser_imx_port *p, u64 until)
{
	if (rtdm_timer_start(&p->tx_timer, until, 0, RTDM_TIMERMODE_ABSOLUTE))
		return false;
	p->tx_held = true;

	return true;
}

/*
 * One FIFO load, on TRDY: the FIFO holds fewer than tx_trigger characters,
 * so it has room for IMX_FIFO_SIZE - tx_trigger more. Lock held.
 *
 * After a full load a real FIFO is above the threshold: TRDY drops until
 * it has drained, at the line rate. A transmitter that keeps TRDY asserted
 * (QEMU's model sends each byte at once, at the cost of an exit to the
 * host per byte) would bring the handler back at once for as long as the
 * ring holds data: the line would run as fast as the CPU can feed it,
 * whatever the baud rate, and the CPU would stay in interrupt context,
 * readers of this or any other port starving. Such a transmitter
 * (tx_instant, from the first full load that leaves TRDY set) is fed as
 * a wire would take the bytes: line_free is when the loads so far would
 * have left the line at the programmed rate, and TRDY stays masked until
 * then, and for at least tx_pace times what the load took the handler.
 */
static void rtser_imx_tx_chars(struct rtser_imx_port *p)
{
	unsigned int n, budget = IMX_FIFO_SIZE - tx_trigger;
	u64 t0 = rtdm_clock_read();

	for (n = 0; n < budget && p->tx_count; n++) {
		imx_write(p, UTXD, p->tx_buf[p->tx_head]);
		p->tx_head = (p->tx_head + 1) & (p->tx_size - 1);
		p->tx_count--;
	}

	if (n == budget && !p->tx_instant && (imx_read(p, USR1) & USR1_TRDY))
		p->tx_instant = true;
	if (p->tx_instant && n) {
		p->line_free = max(p->line_free, t0) + n * p->char_ns;
		if (p->tx_count &&
		    rtser_imx_tx_hold(p, max(p->line_free,
					     t0 + (rtdm_clock_read() - t0) *
					     tx_pace)))
			p->stats.tx_held++;
	}

	p->stats.tx += n;
	if (p->reconfig)
		p->stats.tx_reconfig += n;
	if (n)
		p->tx_sent = true;
	if (n && p->tx_wait) {
		p->tx_wait = false;
		rtdm_event_signal(&p->tx_event);
	}
}

/*
 * Start or stop the transmit interrupt after the ring, the pause or the
 * pacing state changed. Lock held.
 */
static void rtser_imx_tx_update(struct rtser_imx_port *p)
{
	u32 ucr1 = p->ucr1;

	if (!p->running) {
		return;
	} else if (p->tx_paused || p->tx_held) {
		ucr1 &= ~UCR1_TRDYEN;
	} else if (p->tx_count && p->tx_instant &&
		   rtdm_clock_read() < p->line_free &&
		   rtser_imx_tx_hold(p, p->line_free)) {
		/* new bytes after a pause, the last ones still on the wire */
		ucr1 &= ~UCR1_TRDYEN;
	} else if (p->tx_count) {
		ucr1 |= UCR1_TRDYEN;
	} else {
		ucr1 &= ~UCR1_TRDYEN;
		if (p->tx_sent &&
		    (p->config.event_mask & RTSER_EVENT_TXEMPTY)) {
			/* report TXEMPTY once the line is idle */
			p->tx_sent = false;
			p->ucr4 |= UCR4_TCEN;
			imx_write(p, UCR4, p->ucr4);
		}
	}
	if (ucr1 != p->ucr1) {
		p->ucr1 = ucr1;
		imx_write(p, UCR1, ucr1);
	}
}

/* The pause of a transmitter that does not pace itself is over. */
static void rtser_imx_tx_resume(rtdm_timer_t *timer)
{
	struct rtser_imx_port *p = container_of(timer, struct rtser_imx_port,
						tx_timer);
	rtdm_lockctx_t ctx;

	rtdm_lock_get_irqsave(&p->lock, ctx);
	p->tx_held = false;
	rtser_imx_tx_update(p);
	rtdm_lock_put_irqrestore(&p->lock, ctx);
}

static void rtser_imx_post_events(struct rtser_imx_port *p, int events,
				  u64 now)
{
	events &= p->config.event_mask;
	if (events) {
		p->events |= events;
		p->last_stamp = now;
		rtdm_event_signal(&p->ev_event);
	}
}

/* Line and modem status changes (bits already cleared). Lock held. */
static int rtser_imx_status(struct rtser_imx_port *p, u32 usr1, u32 usr2)
{
	int events = 0;

	if (usr2 & USR2_ORE)
		p->status |= RTSER_LSR_OVERRUN_ERR;
	if (usr2 & USR2_BRCD)
		p->status |= RTSER_LSR_BREAK_IND;
	/* RTS_B changed; with RTS/CTS it is the peer's flow control */
	if (usr1 & USR1_RTSD)
		events |= (usr1 & USR1_RTSS) ? RTSER_EVENT_MODEMHI :
			RTSER_EVENT_MODEMLO;
	if (p->dte_mode && (usr2 & USR2_DCDDELT))
		events |= (usr2 & USR2_DCDIN) ? RTSER_EVENT_MODEMLO :
			RTSER_EVENT_MODEMHI;

	return events;
}

/* Wake the reader and post @events (plus ERRPEND). Lock held. */
static void rtser_imx_notify(struct rtser_imx_port *p, int events, u64 now)
{
	if (p->status)
		events |= RTSER_EVENT_ERRPEND;

	if (p->rx_wait && (p->rx_count >= p->rx_wait || p->status)) {
		p->rx_wait = 0;
		rtdm_event_signal(&p->rx_event);
	}

	rtser_imx_post_events(p, events, now);
}

static int rtser_imx_interrupt(rtdm_irq_t *irq_handle)
{
	struct rtser_imx_port *p;
	u64 now = rtdm_clock_read();
	int ret = RTDM_IRQ_NONE, events = 0;
	u32 usr1, usr2;

	p = rtdm_irq_get_arg(irq_handle, struct rtser_imx_port);

	rtdm_lock_get(&p->lock);
	p->stats.irqs++;

	usr1 = imx_read(p, USR1);
	usr2 = imx_read(p, USR2);

	if (usr1 & USR1_W1C)
		imx_write(p, USR1, usr1 & USR1_W1C);
	if (usr2 & (USR2_ORE | USR2_BRCD | USR2_DCDDELT | USR2_RIDELT))
		imx_write(p, USR2, usr2 & (USR2_ORE | USR2_BRCD |
					   USR2_DCDDELT | USR2_RIDELT));

	if (usr2 & USR2_RDR) {
		if (rtser_imx_rx_chars(p, now))
			events |= RTSER_EVENT_RXPEND;
		ret = RTDM_IRQ_HANDLED;
	}
	if ((usr1 & USR1_RTSD) ||
	    (usr2 & (USR2_ORE | USR2_BRCD | USR2_DCDDELT | USR2_RIDELT))) {
		events |= rtser_imx_status(p, usr1, usr2);
		ret = RTDM_IRQ_HANDLED;
	}
	if (usr1 & (USR1_AGTIM | USR1_RRDY))
		ret = RTDM_IRQ_HANDLED;

	if ((usr1 & USR1_TRDY) && (p->ucr1 & UCR1_TRDYEN)) {
		rtser_imx_tx_chars(p);
		rtser_imx_tx_update(p);
		ret = RTDM_IRQ_HANDLED;
	}
	if ((p->ucr4 & UCR4_TCEN) && (usr2 & USR2_TXDC)) {
		p->ucr4 &= ~UCR4_TCEN;
		imx_write(p, UCR4, p->ucr4);
		if (!p->tx_count)
			events |= RTSER_EVENT_TXEMPTY;
		ret = RTDM_IRQ_HANDLED;
	}

	rtser_imx_notify(p, events, now);

	rtdm_lock_put(&p->lock);

	return ret;
}

/* ------------------------------------------------------------------ */
/* open / close                                                       */
/* ------------------------------------------------------------------ */

/*
 * Discard what the receiver holds. Used instead of a software reset
 * (UCR2_SRST): QEMU's model of the UART stops taking input from its
 * backend when a reset drops a pending byte, whereas reading the bytes
 * out keeps it going; on hardware both empty the FIFO.
 */
static void rtser_imx_drain_rx(struct rtser_imx_port *p)
{
	int n;

	for (n = 0; n < 4 * IMX_FIFO_SIZE && (imx_read(p, USR2) & USR2_RDR); n++)
		imx_read(p, URXD);
}

static int rtser_imx_open(struct rtdm_fd *fd, int oflags)
{
	struct rtser_imx_port *p = rtdm_fd_device(fd)->device_data;
	rtdm_lockctx_t ctx;
	int ret;

	p->per_rate = clk_get_rate(p->clk_per);
	p->config = rtser_imx_defaults;
	ret = rtser_imx_calc_div(p->per_rate, p->config.baud_rate, &p->div);
	if (ret) {
		dev_err(p->dev, "per clock rate %lu Hz unusable\n", p->per_rate);
		return -EIO;
	}

	rtdm_event_init(&p->rx_event, 0);
	rtdm_event_init(&p->tx_event, 0);
	rtdm_event_init(&p->ev_event, 0);
	rtdm_mutex_init(&p->tx_mutex);
	rtdm_timer_init(&p->tx_timer, rtser_imx_tx_resume, p->rtdm_dev.name);
	p->rx_head = 0;
	p->rx_tail = 0;
	p->rx_count = 0;
	p->rx_copying = 0;
	p->rx_wait = 0;
	p->rx_stamp = NULL;
	p->tx_head = 0;
	p->tx_tail = 0;
	p->tx_count = 0;
	p->tx_wait = false;
	p->tx_sent = false;
	p->tx_paused = false;
	p->tx_held = false;
	p->tx_instant = false;
	p->line_free = 0;
	p->events = 0;
	p->last_stamp = 0;
	p->status = 0;
	p->saved_errors = 0;
	p->busy = 0;
	p->mcr = RTSER_MCR_DTR | RTSER_MCR_RTS;

	/*
	 * No interrupt source until the handler is installed. The UART,
	 * transmitter and receiver on with the default line, loopback off;
	 * then empty the receiver, enabled so that it really flushes, and
	 * clear what the last session left in the status registers.
	 */
	rtdm_lock_get_irqsave(&p->lock, ctx);
	p->ucr1 = UCR1_UARTEN;
	p->ucr4 = IMX_CTS_LEVEL << UCR4_CTSTL_SHIFT;
	imx_write(p, UCR1, p->ucr1);
	imx_write(p, UCR4, p->ucr4);
	rtser_imx_program_line(p);
	rtser_imx_set_mcr(p, p->mcr);
	rtser_imx_drain_rx(p);
	imx_write(p, USR1, USR1_W1C);
	imx_write(p, USR2, USR2_ORE | USR2_BRCD | USR2_DCDDELT | USR2_RIDELT);
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	ret = rtdm_irq_request(&p->irq_handle, p->irq, rtser_imx_interrupt, 0,
			       p->rtdm_dev.name, p);
	if (ret) {
		imx_write(p, UCR2, UCR2_SRST);
		imx_write(p, UCR1, 0);
		rtdm_event_destroy(&p->rx_event);
		rtdm_event_destroy(&p->tx_event);
		rtdm_event_destroy(&p->ev_event);
		rtdm_mutex_destroy(&p->tx_mutex);
		rtdm_timer_destroy(&p->tx_timer);
		return ret;
	}

	rtdm_lock_get_irqsave(&p->lock, ctx);
	p->running = true;
	p->ucr1 |= UCR1_RRDYEN;
	rtser_imx_program_events(p);
	p->ucr4 |= UCR4_OREN | UCR4_BKEN;
	imx_write(p, UCR4, p->ucr4);
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	return 0;
}

/*
 * Runs once, in-band, when the file is released or the device unregistered
 * (rmmod refuses while a port is open; a sysfs unbind revokes it): the
 * core has interrupted the calls in progress and waited for them to return,
 * so no handler of this fd runs meanwhile.
 *
 * Interrupt sources off first, then the handler and the pacing timer go;
 * the receiver is emptied while still enabled, then it, the transmitter
 * and the UART are disabled: nothing is left in the receiver (QEMU's
 * model takes nothing from its backend while a character waits there).
 */
static void rtser_imx_close(struct rtdm_fd *fd)
{
	struct rtser_imx_port *p = rtdm_fd_device(fd)->device_data;
	rtdm_lockctx_t ctx;
	u64 *stamp;

	rtdm_lock_get_irqsave(&p->lock, ctx);
	p->running = false;
	p->ucr1 &= UCR1_UARTEN;
	p->ucr4 &= ~UCR4_IRQS;
	imx_write(p, UCR1, p->ucr1);
	imx_write(p, UCR4, p->ucr4);
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	rtdm_irq_free(&p->irq_handle);
	rtdm_timer_destroy(&p->tx_timer);	/* tx_update: !running */

	rtdm_lock_get_irqsave(&p->lock, ctx);
	rtser_imx_drain_rx(p);
	imx_write(p, UCR2, UCR2_SRST);
	p->ucr1 = 0;
	imx_write(p, UCR1, 0);
	stamp = p->rx_stamp;
	p->rx_stamp = NULL;
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	rtdm_event_destroy(&p->rx_event);
	rtdm_event_destroy(&p->tx_event);
	rtdm_event_destroy(&p->ev_event);
	rtdm_mutex_destroy(&p->tx_mutex);
	kvfree(stamp);
}

/* ------------------------------------------------------------------ */
/* read / write                                                       */
/* ------------------------------------------------------------------ */

static nanosecs_rel_t rtser_imx_timeout(struct rtdm_fd *fd,
					nanosecs_rel_t timeout)
{
	return (rtdm_fd_flags(fd) & O_NONBLOCK) ? RTDM_TIMEOUT_NONE : timeout;
}

static ssize_t rtser_imx_read(struct rtdm_fd *fd, void __user *buf,
			      size_t size)
{
	struct rtser_imx_port *p = rtdm_fd_device(fd)->device_data;
	nanosecs_rel_t timeout;
	rtdm_toseq_t toseq;
	rtdm_lockctx_t ctx;
	size_t copied = 0;
	bool last_turn = false, fault;
	ssize_t ret = 0;

	if (!size)
		return 0;
	if (!rtdm_rw_user_ok(fd, buf, size))
		return -EFAULT;
	if (test_and_set_bit(RTSER_BUSY_READ, &p->busy))
		return -EBUSY;

	timeout = rtser_imx_timeout(fd, READ_ONCE(p->config.rx_timeout));
	rtdm_toseq_init(&toseq, timeout);

	rtdm_lock_get_irqsave(&p->lock, ctx);
	for (;;) {
		unsigned int n, head, first;

		if (p->status) {
			if (copied)
				break;	/* report the error on the next call */
			ret = (p->status & RTSER_LSR_BREAK_IND) ? -EPIPE : -EIO;
			p->saved_errors |= p->status;
			p->status = 0;
			p->events &= ~RTSER_EVENT_ERRPEND;
			break;
		}

		if (p->rx_count) {
			n = min_t(size_t, p->rx_count, size - copied);
			head = p->rx_head;
			/*
			 * The reader owns [head, head + n) until it moves
			 * head: a purge meanwhile keeps these bytes (the
			 * read took them first) and drops the rest.
			 */
			p->rx_copying = n;
			rtdm_lock_put_irqrestore(&p->lock, ctx);

			first = min(n, p->rx_size - head);
			fault = rtdm_copy_to_user(fd, buf + copied,
						  p->rx_buf + head, first) ||
				(n > first &&
				 rtdm_copy_to_user(fd, buf + copied + first,
						   p->rx_buf, n - first));

			rtdm_lock_get_irqsave(&p->lock, ctx);
			p->rx_copying = 0;
			if (fault) {
				ret = -EFAULT;	/* the bytes stay queued */
				break;
			}
			p->rx_head = (head + n) & (p->rx_size - 1);
			p->rx_count -= n;
			if (!p->rx_count)
				p->events &= ~RTSER_EVENT_RXPEND;
			copied += n;
			if (copied == size)
				break;
			continue;
		}

		if (timeout < 0) {
			ret = -EAGAIN;
			break;
		}
		if (last_turn)
			break;

		/* wake up at half a ring at most, so that it never overflows */
		p->rx_wait = min_t(size_t, size - copied, p->rx_size / 2);
		rtdm_lock_put_irqrestore(&p->lock, ctx);
		ret = rtdm_event_timedwait(&p->rx_event, timeout, &toseq);
		if (ret == -EIDRM) {
			ret = -EBADF;	/* closed while waiting */
			goto out;
		}
		rtdm_lock_get_irqsave(&p->lock, ctx);
		p->rx_wait = 0;
		if (ret)
			last_turn = true;	/* collect what came, then leave */
	}
	rtdm_lock_put_irqrestore(&p->lock, ctx);
out:
	clear_bit(RTSER_BUSY_READ, &p->busy);

	if (copied && ret != -EFAULT && ret != -EBADF)
		return copied;
	return ret;
}

static ssize_t rtser_imx_write(struct rtdm_fd *fd, const void __user *buf,
			       size_t size)
{
	struct rtser_imx_port *p = rtdm_fd_device(fd)->device_data;
	nanosecs_rel_t timeout;
	rtdm_toseq_t toseq;
	rtdm_lockctx_t ctx;
	size_t written = 0;
	ssize_t ret = 0;

	if (!size)
		return 0;
	if (!rtdm_read_user_ok(fd, buf, size))
		return -EFAULT;

	timeout = rtser_imx_timeout(fd, READ_ONCE(p->config.tx_timeout));
	rtdm_toseq_init(&toseq, timeout);

	ret = rtdm_mutex_timedlock(&p->tx_mutex, timeout, &toseq);
	if (ret)
		return ret == -EIDRM ? -EBADF : ret;

	while (written < size) {
		unsigned int n, tail, first;

		rtdm_lock_get_irqsave(&p->lock, ctx);
		n = min_t(size_t, p->tx_size - p->tx_count, size - written);
		tail = p->tx_tail;
		if (!n)
			p->tx_wait = true;
		rtdm_lock_put_irqrestore(&p->lock, ctx);

		if (n) {
			/* The writer owns [tail, tail + n) until it moves tail. */
			first = min(n, p->tx_size - tail);
			if (rtdm_copy_from_user(fd, p->tx_buf + tail,
						buf + written, first) ||
			    (n > first &&
			     rtdm_copy_from_user(fd, p->tx_buf,
						 buf + written + first,
						 n - first))) {
				ret = -EFAULT;
				break;
			}

			rtdm_lock_get_irqsave(&p->lock, ctx);
			p->tx_tail = (tail + n) & (p->tx_size - 1);
			p->tx_count += n;
			/* the transmit interrupt feeds the FIFO */
			rtser_imx_tx_update(p);
			rtdm_lock_put_irqrestore(&p->lock, ctx);
			written += n;
			continue;
		}

		if (timeout < 0) {
			ret = -EAGAIN;
			break;
		}
		ret = rtdm_event_timedwait(&p->tx_event, timeout, &toseq);
		if (ret) {
			if (ret == -EIDRM)
				ret = -EBADF;
			break;
		}
	}

	rtdm_mutex_unlock(&p->tx_mutex);

	if (written && ret != -EFAULT && ret != -EBADF)
		return written;
	return ret;
}

/* ------------------------------------------------------------------ */
/* ioctl                                                              */
/* ------------------------------------------------------------------ */

static int rtser_imx_check_config(struct rtser_imx_port *p,
				  const struct rtser_config *c,
				  struct rtser_imx_div *div)
{
	int mask = c->config_mask;

	if ((mask & RTSER_SET_BAUD) &&
	    rtser_imx_calc_div(p->per_rate, c->baud_rate, div))
		return -EINVAL;
	if ((mask & RTSER_SET_PARITY) && c->parity != RTSER_NO_PARITY &&
	    c->parity != RTSER_ODD_PARITY && c->parity != RTSER_EVEN_PARITY)
		return -EINVAL;
	/* the i.MX UART has 7 and 8 bit words only */
	if ((mask & RTSER_SET_DATA_BITS) && c->data_bits != RTSER_7_BITS &&
	    c->data_bits != RTSER_8_BITS)
		return -EINVAL;
	if ((mask & RTSER_SET_STOP_BITS) && c->stop_bits != RTSER_1_STOPB &&
	    c->stop_bits != RTSER_2_STOPB)
		return -EINVAL;
	if ((mask & RTSER_SET_HANDSHAKE) && c->handshake != RTSER_NO_HAND &&
	    (c->handshake != RTSER_RTSCTS_HAND || !p->have_rtscts))
		return -EINVAL;
	if ((mask & RTSER_SET_FIFO_DEPTH) &&
	    c->fifo_depth != RTSER_FIFO_DEPTH_1 &&
	    c->fifo_depth != RTSER_FIFO_DEPTH_4 &&
	    c->fifo_depth != RTSER_FIFO_DEPTH_8 &&
	    c->fifo_depth != RTSER_FIFO_DEPTH_14)
		return -EINVAL;
	if ((mask & RTSER_SET_TIMESTAMP_HISTORY) &&
	    (c->timestamp_history & ~RTSER_RX_TIMESTAMP_HISTORY))
		return -EINVAL;
	if ((mask & RTSER_SET_EVENT_MASK) &&
	    (c->event_mask & ~RTSER_IMX_EVENTS))
		return -EINVAL;
	/* RS485 direction control is not supported by this driver */
	if ((mask & RTSER_SET_RS485) && c->rs485 != RTSER_RS485_DISABLE)
		return -EINVAL;

	return 0;
}

/* Wait (in-band) until the transmitter has sent what its FIFO holds. */
static void rtser_imx_drain_fifo(struct rtser_imx_port *p)
{
	/* 40 character times at the current rate (10 bits each) */
	u64 limit = rtdm_clock_read() +
		div_u64(400ULL * NSEC_PER_SEC, p->config.baud_rate) +
		10 * NSEC_PER_MSEC;

	while (!(imx_read(p, USR2) & USR2_TXDC) && rtdm_clock_read() < limit)
		rtdm_task_sleep(100 * NSEC_PER_USEC);
}

/*
 * In-band (clock framework, allocation, sleeping drain). SET_CONFIG callers
 * are serialised by config_lock; the writer and the interrupt handler by
 * tx_paused: while the line is reprogrammed the transmit interrupt stays
 * masked, the writer only queues, and the FIFO has drained.
 */
static int rtser_imx_set_config(struct rtdm_fd *fd, void __user *arg)
{
	struct rtser_imx_port *p = rtdm_fd_device(fd)->device_data;
	const int line_bits = RTSER_SET_BAUD | RTSER_SET_PARITY |
		RTSER_SET_DATA_BITS | RTSER_SET_STOP_BITS |
		RTSER_SET_HANDSHAKE | RTSER_SET_FIFO_DEPTH;
	struct rtser_imx_div div;
	struct rtser_config c;
	u64 *stamp = NULL, *old_stamp = NULL;
	rtdm_lockctx_t ctx;
	int mask, ret;

	if (rtdm_safe_copy_from_user(fd, &c, arg, sizeof(c)))
		return -EFAULT;

	mutex_lock(&p->config_lock);

	div = p->div;
	p->per_rate = clk_get_rate(p->clk_per);
	ret = rtser_imx_check_config(p, &c, &div);
	if (ret)
		goto out;

	mask = c.config_mask;
	if ((mask & RTSER_SET_TIMESTAMP_HISTORY) &&
	    (c.timestamp_history & RTSER_RX_TIMESTAMP_HISTORY) &&
	    !p->rx_stamp) {
		stamp = kvcalloc(p->rx_size, sizeof(*stamp), GFP_KERNEL);
		if (!stamp) {
			ret = -ENOMEM;
			goto out;
		}
	}

	if (mask & line_bits) {
		/* pause the transmitter and let its FIFO drain */
		rtdm_lock_get_irqsave(&p->lock, ctx);
		p->tx_paused = true;
		p->reconfig = true;
		rtser_imx_tx_update(p);
		rtdm_lock_put_irqrestore(&p->lock, ctx);
		rtser_imx_drain_fifo(p);
	}

	rtdm_lock_get_irqsave(&p->lock, ctx);
	if (mask & RTSER_SET_BAUD) {
		p->config.baud_rate = c.baud_rate;
		p->div = div;
	}
	if (mask & RTSER_SET_PARITY)
		p->config.parity = c.parity;
	if (mask & RTSER_SET_DATA_BITS)
		p->config.data_bits = c.data_bits;
	if (mask & RTSER_SET_STOP_BITS)
		p->config.stop_bits = c.stop_bits;
	if (mask & RTSER_SET_HANDSHAKE)
		p->config.handshake = c.handshake;
	if (mask & RTSER_SET_FIFO_DEPTH)
		p->config.fifo_depth = c.fifo_depth;
	if (mask & RTSER_SET_TIMEOUT_RX)
		p->config.rx_timeout = c.rx_timeout;
	if (mask & RTSER_SET_TIMEOUT_TX)
		p->config.tx_timeout = c.tx_timeout;
	if (mask & RTSER_SET_TIMEOUT_EVENT)
		p->config.event_timeout = c.event_timeout;
	if (mask & RTSER_SET_RS485)
		p->config.rs485 = c.rs485;

	if (mask & RTSER_SET_TIMESTAMP_HISTORY) {
		p->config.timestamp_history = c.timestamp_history;
		if (c.timestamp_history & RTSER_RX_TIMESTAMP_HISTORY) {
			if (!p->rx_stamp) {
				unsigned int i, mask = p->rx_size - 1;

				/* bytes already queued get the last event date */
				for (i = 0; i < p->rx_count; i++)
					stamp[(p->rx_head + i) & mask] =
						p->last_stamp;
				p->rx_stamp = stamp;
				stamp = NULL;
			}
		} else {
			old_stamp = p->rx_stamp;
			p->rx_stamp = NULL;
		}
	}

	if (mask & RTSER_SET_EVENT_MASK) {
		p->config.event_mask = c.event_mask;
		p->events = 0;
		if ((c.event_mask & RTSER_EVENT_RXPEND) && p->rx_count)
			p->events |= RTSER_EVENT_RXPEND;
		if ((c.event_mask & RTSER_EVENT_ERRPEND) && p->status)
			p->events |= RTSER_EVENT_ERRPEND;
	}

	if (mask & line_bits)
		rtser_imx_program_line(p);
	if (mask & (line_bits | RTSER_SET_EVENT_MASK))
		rtser_imx_program_events(p);
	p->tx_paused = false;
	p->reconfig = false;
	rtser_imx_tx_update(p);

	rtdm_lock_put_irqrestore(&p->lock, ctx);

	kvfree(stamp);
	kvfree(old_stamp);
out:
	mutex_unlock(&p->config_lock);

	return ret;
}

static int rtser_imx_get_status(struct rtdm_fd *fd, void __user *arg)
{
	struct rtser_imx_port *p = rtdm_fd_device(fd)->device_data;
	struct rtser_status st;
	rtdm_lockctx_t ctx;
	u32 usr2;

	rtdm_lock_get_irqsave(&p->lock, ctx);
	st.line_status = p->saved_errors | p->status;
	p->saved_errors = 0;
	p->status = 0;
	p->events &= ~RTSER_EVENT_ERRPEND;
	if (p->rx_count)
		st.line_status |= RTSER_LSR_DATA;
	usr2 = imx_read(p, USR2);
	if (!p->tx_count && (usr2 & USR2_TXFE))
		st.line_status |= RTSER_LSR_THR_EMTPY;
	if (!p->tx_count && (usr2 & USR2_TXDC))
		st.line_status |= RTSER_LSR_TRANSM_EMPTY;
	st.modem_status = rtser_imx_msr(p);
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	return rtdm_safe_copy_to_user(fd, arg, &st, sizeof(st));
}

static int rtser_imx_wait_event(struct rtdm_fd *fd, void __user *arg)
{
	struct rtser_imx_port *p = rtdm_fd_device(fd)->device_data;
	struct rtser_event ev;
	nanosecs_rel_t timeout;
	rtdm_toseq_t toseq;
	rtdm_lockctx_t ctx;
	int ret = 0;

	if (!rtdm_rw_user_ok(fd, arg, sizeof(ev)))
		return -EFAULT;
	if (test_and_set_bit(RTSER_BUSY_EVENT, &p->busy))
		return -EBUSY;

	timeout = rtser_imx_timeout(fd, READ_ONCE(p->config.event_timeout));
	rtdm_toseq_init(&toseq, timeout);

	rtdm_lock_get_irqsave(&p->lock, ctx);
	while (!p->events) {
		rtdm_lock_put_irqrestore(&p->lock, ctx);
		ret = rtdm_event_timedwait(&p->ev_event, timeout, &toseq);
		if (ret) {
			if (ret == -EIDRM)
				ret = -EBADF;
			goto out;
		}
		rtdm_lock_get_irqsave(&p->lock, ctx);
	}
	ev.events = p->events;
	ev.rx_pending = p->rx_count;
	ev.last_timestamp = p->last_stamp;
	ev.rxpend_timestamp = (p->rx_stamp && p->rx_count) ?
		p->rx_stamp[p->rx_head] : 0;
	/* level events stay until their cause goes, edges are reported once */
	p->events &= ~(RTSER_EVENT_MODEMHI | RTSER_EVENT_MODEMLO |
		       RTSER_EVENT_TXEMPTY);
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	ret = rtdm_copy_to_user(fd, arg, &ev, sizeof(ev));
out:
	clear_bit(RTSER_BUSY_EVENT, &p->busy);
	return ret;
}

static int rtser_imx_purge(struct rtser_imx_port *p, unsigned long what)
{
	rtdm_lockctx_t ctx;

	if (what & ~(unsigned long)(RTDM_PURGE_RX_BUFFER |
				    RTDM_PURGE_TX_BUFFER))
		return -EINVAL;

	rtdm_lock_get_irqsave(&p->lock, ctx);
	if (what & RTDM_PURGE_RX_BUFFER) {
		rtser_imx_drain_rx(p);
		/* a reader copying out keeps what it took (see read) */
		p->rx_count = p->rx_copying;
		p->rx_tail = (p->rx_head + p->rx_count) & (p->rx_size - 1);
		p->status = 0;
		p->events &= ~(RTSER_EVENT_RXPEND | RTSER_EVENT_ERRPEND);
	}
	if (what & RTDM_PURGE_TX_BUFFER) {
		/* the tail stays: a writer may be filling the ring */
		p->tx_head = p->tx_tail;
		p->tx_count = 0;
		rtser_imx_tx_update(p);
		if (p->tx_wait) {
			p->tx_wait = false;
			rtdm_event_signal(&p->tx_event);
		}
	}
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	return 0;
}

/* Requests served in any context. */
static int rtser_imx_ioctl(struct rtdm_fd *fd, unsigned int request,
			   void __user *arg)
{
	struct rtser_imx_port *p = rtdm_fd_device(fd)->device_data;
	unsigned long val = (unsigned long)arg;
	struct rtser_config config;
	rtdm_lockctx_t ctx;
	int mcr;

	switch (request) {
	case RTSER_RTIOC_GET_CONFIG:
		rtdm_lock_get_irqsave(&p->lock, ctx);
		config = p->config;
		rtdm_lock_put_irqrestore(&p->lock, ctx);
		return rtdm_safe_copy_to_user(fd, arg, &config, sizeof(config));

	case RTSER_RTIOC_GET_STATUS:
		return rtser_imx_get_status(fd, arg);

	case RTSER_RTIOC_GET_CONTROL:
		mcr = READ_ONCE(p->mcr);
		return rtdm_safe_copy_to_user(fd, arg, &mcr, sizeof(mcr));

	case RTSER_RTIOC_SET_CONTROL:	/* int by value */
		if (val & ~(unsigned long)(RTSER_MCR_DTR | RTSER_MCR_RTS |
					   RTSER_MCR_OUT1 | RTSER_MCR_OUT2 |
					   RTSER_MCR_LOOP))
			return -EINVAL;
		rtdm_lock_get_irqsave(&p->lock, ctx);
		rtser_imx_set_mcr(p, val);
		rtdm_lock_put_irqrestore(&p->lock, ctx);
		return 0;

	case RTSER_RTIOC_WAIT_EVENT:
		return rtser_imx_wait_event(fd, arg);

	case RTSER_RTIOC_BREAK_CTL:	/* int by value */
		if (val != RTSER_BREAK_SET && val != RTSER_BREAK_CLR)
			return -EINVAL;
		rtdm_lock_get_irqsave(&p->lock, ctx);
		if (val == RTSER_BREAK_SET)
			p->ucr1 |= UCR1_SNDBRK;
		else
			p->ucr1 &= ~UCR1_SNDBRK;
		imx_write(p, UCR1, p->ucr1);
		rtdm_lock_put_irqrestore(&p->lock, ctx);
		return 0;

	case RTIOC_PURGE:		/* int by value */
		return rtser_imx_purge(p, val);

	default:
		return -ENOTTY;
	}
}

static int rtser_imx_ioctl_rt(struct rtdm_fd *fd, unsigned int request,
			      void __user *arg)
{
	if (request == RTSER_RTIOC_SET_CONFIG)
		return -ENOSYS;	/* in-band: clock framework, allocation */

	return rtser_imx_ioctl(fd, request, arg);
}

static int rtser_imx_ioctl_nrt(struct rtdm_fd *fd, unsigned int request,
			       void __user *arg)
{
	if (request == RTSER_RTIOC_SET_CONFIG)
		return rtser_imx_set_config(fd, arg);

	return rtser_imx_ioctl(fd, request, arg);
}

static struct rtdm_driver rtser_imx_driver = {
	.profile_info = RTDM_PROFILE_INFO(rtser_imx, RTDM_CLASS_SERIAL,
					  RTDM_SUBCLASS_16550A,
					  RTSER_PROFILE_VER),
	.device_flags = RTDM_NAMED_DEVICE | RTDM_EXCLUSIVE,
	.device_count = RTSER_IMX_MAX_PORTS,
	.context_size = 0,
	.ops = {
		.open = rtser_imx_open,
		.close = rtser_imx_close,
		.ioctl_rt = rtser_imx_ioctl_rt,
		.ioctl_nrt = rtser_imx_ioctl_nrt,
		.read_rt = rtser_imx_read,
		.write_rt = rtser_imx_write,
	},
};

/* ------------------------------------------------------------------ */
/* debugfs                                                            */
/* ------------------------------------------------------------------ */

static struct dentry *rtser_imx_debugfs_root;

static const struct {
	const char *name;
	unsigned int reg;
} rtser_imx_dump[] = {
	{ "UCR1", UCR1 }, { "UCR2", UCR2 }, { "UCR3", UCR3 },
	{ "UCR4", UCR4 }, { "UFCR", UFCR }, { "USR1", USR1 },
	{ "USR2", USR2 }, { "UBIR", UBIR }, { "UBMR", UBMR },
	{ "ONEMS", ONEMS }, { "UTS", UTS },
};

/* One "name value" pair a line: the registers (not URXD), then counters. */
static int rtser_imx_regs_show(struct seq_file *m, void *data)
{
	struct rtser_imx_port *p = m->private;
	u32 val[ARRAY_SIZE(rtser_imx_dump)];
	unsigned int i, rx_count, tx_count, ucr1;
	bool running, paused, held, instant;
	rtdm_lockctx_t ctx;
	struct rtser_imx_stats st;
	s64 line_free;

	rtdm_lock_get_irqsave(&p->lock, ctx);
	for (i = 0; i < ARRAY_SIZE(rtser_imx_dump); i++)
		val[i] = imx_read(p, rtser_imx_dump[i].reg);
	st = p->stats;
	rx_count = p->rx_count;
	tx_count = p->tx_count;
	ucr1 = p->ucr1;
	running = p->running;
	paused = p->tx_paused;
	held = p->tx_held;
	instant = p->tx_instant;
	line_free = (s64)(p->line_free - rtdm_clock_read());
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	for (i = 0; i < ARRAY_SIZE(rtser_imx_dump); i++)
		seq_printf(m, "%s 0x%04x\n", rtser_imx_dump[i].name, val[i]);
	seq_printf(m, "rx_count %u\ntx_count %u\n", rx_count, tx_count);
	/* the transmitter's state: shadow of UCR1, pauses, pacing */
	seq_printf(m, "ucr1_shadow 0x%04x\nrunning %d\ntx_paused %d\ntx_held_now %d\ntx_instant %d\nline_free_in_ns %lld\n",
		   ucr1, running, paused, held, instant, line_free);
	seq_printf(m, "irqs %lu\nrx %lu\nrx_dropped %lu\ntx %lu\ntx_held %lu\ntx_reconfig %lu\n",
		   st.irqs, st.rx, st.rx_dropped, st.tx, st.tx_held,
		   st.tx_reconfig);

	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rtser_imx_regs);

static ssize_t rtser_imx_inject_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *ppos)
{
	struct rtser_imx_port *p = file->private_data;
	rtdm_lockctx_t ctx;
	u32 usr1, usr2;
	char buf[32];
	int ret = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%x %x", &usr1, &usr2) != 2)
		return -EINVAL;

	rtdm_lock_get_irqsave(&p->lock, ctx);
	if (p->running)
		rtser_imx_notify(p, rtser_imx_status(p, usr1, usr2),
				 rtdm_clock_read());
	else
		ret = -ENODEV;
	rtdm_lock_put_irqrestore(&p->lock, ctx);

	return ret ?: len;
}

static const struct file_operations rtser_imx_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = rtser_imx_inject_write,
	RTDM_NO_LLSEEK
};

static void rtser_imx_debugfs_init(struct rtser_imx_port *p)
{
	p->debugfs = debugfs_create_dir(p->rtdm_dev.name,
					rtser_imx_debugfs_root);
	debugfs_create_file("regs", 0444, p->debugfs, p, &rtser_imx_regs_fops);
	debugfs_create_file("inject", 0200, p->debugfs, p,
			    &rtser_imx_inject_fops);
	debugfs_create_bool("rtscts", 0644, p->debugfs, &p->have_rtscts);
	debugfs_create_bool("dte_mode", 0644, p->debugfs, &p->dte_mode);
}

/* ------------------------------------------------------------------ */
/* Platform driver                                                    */
/* ------------------------------------------------------------------ */

static ssize_t rtdm_device_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct rtser_imx_port *p = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", p->rtdm_dev.name);
}
static DEVICE_ATTR_RO(rtdm_device);

static struct attribute *rtser_imx_attrs[] = {
	&dev_attr_rtdm_device.attr,
	NULL,
};
ATTRIBUTE_GROUPS(rtser_imx);

static int rtser_imx_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	struct rtser_imx_port *p;
	int ret;

	p = devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;

	p->dev = dev;
	p->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(p->base))
		return PTR_ERR(p->base);
	p->irq = platform_get_irq(pdev, 0);
	if (p->irq < 0)
		return p->irq;

	p->clk_ipg = devm_clk_get(dev, "ipg");
	if (IS_ERR(p->clk_ipg))
		return dev_err_probe(dev, PTR_ERR(p->clk_ipg), "no ipg clock\n");
	p->clk_per = devm_clk_get(dev, "per");
	if (IS_ERR(p->clk_per))
		return dev_err_probe(dev, PTR_ERR(p->clk_per), "no per clock\n");

	p->have_rtscts = of_property_read_bool(np, "uart-has-rtscts") ||
		of_property_read_bool(np, "fsl,uart-has-rtscts");
	p->dte_mode = of_property_read_bool(np, "fsl,dte-mode");

	p->rx_size = rx_ring;
	p->tx_size = tx_ring;
	p->rx_buf = devm_kmalloc(dev, p->rx_size, GFP_KERNEL);
	p->tx_buf = devm_kmalloc(dev, p->tx_size, GFP_KERNEL);
	if (!p->rx_buf || !p->tx_buf)
		return -ENOMEM;
	rtdm_lock_init(&p->lock);
	mutex_init(&p->config_lock);

	ret = clk_prepare_enable(p->clk_ipg);
	if (ret)
		return ret;
	ret = clk_prepare_enable(p->clk_per);
	if (ret)
		goto fail_ipg;
	p->per_rate = clk_get_rate(p->clk_per);

	/* whatever the previous owner left: no interrupt sources */
	imx_write(p, UCR1, imx_read(p, UCR1) &
		  ~(UCR1_TRDYEN | UCR1_RRDYEN | UCR1_TXMPTYEN | UCR1_RTSDEN |
		    UCR1_IDEN));
	imx_write(p, UCR4, imx_read(p, UCR4) & ~UCR4_IRQS);

	p->rtdm_dev.driver = &rtser_imx_driver;
	p->rtdm_dev.label = "rtser%d";
	p->rtdm_dev.device_data = p;
	platform_set_drvdata(pdev, p);
	ret = rtdm_dev_register(&p->rtdm_dev);
	if (ret)
		goto fail_per;
	rtser_imx_debugfs_init(p);

	dev_info(dev, "%s: i.MX UART, irq %d, per clock %lu Hz%s\n",
		 p->rtdm_dev.name, p->irq, p->per_rate,
		 p->have_rtscts ? ", RTS/CTS" : "");

	return 0;

fail_per:
	clk_disable_unprepare(p->clk_per);
fail_ipg:
	clk_disable_unprepare(p->clk_ipg);
	return ret;
}

static void rtser_imx_remove_port(struct platform_device *pdev)
{
	struct rtser_imx_port *p = platform_get_drvdata(pdev);

	debugfs_remove_recursive(p->debugfs);
	/* revokes an open port: its close handler has run on return */
	rtdm_dev_unregister(&p->rtdm_dev);
	clk_disable_unprepare(p->clk_per);
	clk_disable_unprepare(p->clk_ipg);
}

RTDM_PLATFORM_REMOVE(rtser_imx_remove_port);

static const struct of_device_id rtser_imx_of_match[] = {
	{ .compatible = "rtdm,imx-uart" },
	{ .compatible = "fsl,imx8mm-uart" },
	{ .compatible = "fsl,imx7d-uart" },
	{ .compatible = "fsl,imx6q-uart" },
	{ }
};

/*
 * Autoloading for the overlay's compatible only (see the top comment).
 * Spelled out: a MODULE_DEVICE_TABLE(of, ...) would also do, but the
 * modpost of Debian's cross kbuild package mis-sizes 32-bit of_device_id
 * tables.
 */
MODULE_ALIAS("of:N*T*Crtdm,imx-uart");
MODULE_ALIAS("of:N*T*Crtdm,imx-uartC*");

static struct platform_driver rtser_imx_platform_driver = {
	.probe = rtser_imx_probe,
	.remove = rtdm_platform_remove_op(rtser_imx_remove_port),
	.driver = {
		.name = DRV_NAME,
		.of_match_table = rtser_imx_of_match,
		.dev_groups = rtser_imx_groups,
	},
};

static unsigned int rtser_ring_size(const char *what, unsigned int size)
{
	unsigned int s = clamp(size, 64U, 1U << 20);

	s = roundup_pow_of_two(s);
	if (s != size)
		pr_info(DRV_NAME ": %s %u rounded to %u\n", what, size, s);
	return s;
}

static int __init rtser_imx_init(void)
{
	int ret;

	rx_ring = rtser_ring_size("rx_ring", rx_ring);
	tx_ring = rtser_ring_size("tx_ring", tx_ring);
	tx_trigger = clamp(tx_trigger, 2U, IMX_FIFO_SIZE - 1);
	tx_pace = clamp(tx_pace, 1U, 100U);

	rtser_imx_debugfs_root = debugfs_create_dir(DRV_NAME, NULL);
	ret = platform_driver_register(&rtser_imx_platform_driver);
	if (ret)
		debugfs_remove_recursive(rtser_imx_debugfs_root);

	return ret;
}
module_init(rtser_imx_init);

static void __exit rtser_imx_exit(void)
{
	platform_driver_unregister(&rtser_imx_platform_driver);
	debugfs_remove_recursive(rtser_imx_debugfs_root);
}
module_exit(rtser_imx_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RTDM serial driver (rtser profile) for the i.MX UART");
