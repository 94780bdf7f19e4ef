// SPDX-License-Identifier: GPL-2.0
/*
 * A loopback gpiochip for tests (Debian's 6.1 kernels build neither
 * gpio-sim nor gpio-mockup): lines 2k and 2k+1 are wired to each other,
 * so that a line set as output drives its partner. An input whose partner
 * is an input too reads 0 (pulled down).
 *
 * It is a plain gpiolib provider (label "gpio-loopback", dynamic base)
 * with a real irq_chip: edge (rising, falling, both) and level (high, low)
 * interrupts, with the behaviour of a GPIO controller: an edge is latched
 * in a status bit whether the line is masked or not, acked by the flow
 * handler, and raised when unmasked; a level is raised for as long as it
 * holds and the line is unmasked. The interrupts are raised in hard
 * interrupt context, from an irq_work marked IRQ_WORK_HARD_IRQ (hard
 * interrupt context on PREEMPT_RT too), queued by whatever changes a
 * line's state, and enter through rtdm_irq_handle_domain(): on Dovetail
 * that is the interrupt pipeline's entry, so the RTDM GPIO core's
 * handlers run out-of-band as with a SoC's GPIO block. Its lock is an
 * rtdm_lock (a hard lock on Dovetail) and its irq_chip is marked
 * pipeline-safe: out-of-band callers may drive its lines. Linux's GPIO
 * character device (libgpiod) and the RTDM GPIO core both use it like a
 * SoC's GPIO block.
 *
 *   insmod gpio_loopback.ko [npairs=4]     (1..32 pairs)
 */
#include <linux/bitops.h>
#include <linux/gpio/driver.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <rtdm/driver.h>

#define DRV_NAME	"gpio-loopback"
#define MAX_PAIRS	32

static unsigned int npairs = 4;
module_param(npairs, uint, 0444);
MODULE_PARM_DESC(npairs, "pairs of wired lines (1..32), default 4");

struct gpio_loopback {
	struct gpio_chip gc;
	rtdm_lock_t lock;
	struct irq_work work;
	bool dead;
	/* one bit per line */
	u64 dir_out;		/* set as output */
	u64 out;		/* value driven by an output */
	u64 value;		/* value on the wire, as read */
	u64 unmasked;
	u64 edge_status;	/* latched edges, cleared by ack */
	u64 rising, falling, high, low;	/* interrupt trigger */
};

static inline u64 lb_bit(unsigned int offset)
{
	return BIT_ULL(offset);
}

/* What each line reads: its own output, its partner's, or the pull-down. */
static u64 wire_values(struct gpio_loopback *lb)
{
	u64 v = 0;
	unsigned int n, peer;

	for (n = 0; n < lb->gc.ngpio; n++) {
		peer = n ^ 1;
		if (lb->dir_out & lb_bit(n))
			v |= lb->out & lb_bit(n);
		else if (lb->dir_out & lb_bit(peer))
			v |= (lb->out & lb_bit(peer)) ? lb_bit(n) : 0;
	}

	return v;
}

/* Lines whose interrupt is due now. Lock held. */
static u64 due_locked(struct gpio_loopback *lb)
{
	u64 active = lb->edge_status |
		(lb->value & lb->high) | (~lb->value & lb->low);

	return active & lb->unmasked;
}

static void kick_locked(struct gpio_loopback *lb)
{
	if (!lb->dead && due_locked(lb))
		irq_work_queue(&lb->work);
}

/* Lock held: recompute the wire after a change, latch the edges. */
static void update_locked(struct gpio_loopback *lb)
{
	u64 now = wire_values(lb);
	u64 changed = now ^ lb->value;

	lb->edge_status |= (changed & now & lb->rising) |
		(changed & ~now & lb->falling);
	lb->value = now;
	kick_locked(lb);
}

/* Hard interrupt context: raise the interrupts that are due. */
static void lb_irq_work(struct irq_work *work)
{
	struct gpio_loopback *lb = container_of(work, struct gpio_loopback, work);
	rtdm_lockctx_t flags;
	unsigned int hw;
	u64 due;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	due = lb->dead ? 0 : due_locked(lb);
	rtdm_lock_put_irqrestore(&lb->lock, flags);

	for (hw = 0; hw < lb->gc.ngpio; hw++)
		if (due & lb_bit(hw))
			rtdm_irq_handle_domain(lb->gc.irq.domain, hw);
}

/* ------------------------------------------------------------------ */
/* gpio_chip                                                          */
/* ------------------------------------------------------------------ */

static int lb_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	struct gpio_loopback *lb = gpiochip_get_data(gc);

	return (READ_ONCE(lb->dir_out) & lb_bit(offset)) ?
		GPIO_LINE_DIRECTION_OUT : GPIO_LINE_DIRECTION_IN;
}

static int lb_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	struct gpio_loopback *lb = gpiochip_get_data(gc);
	rtdm_lockctx_t flags;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	lb->dir_out &= ~lb_bit(offset);
	update_locked(lb);
	rtdm_lock_put_irqrestore(&lb->lock, flags);

	return 0;
}

static void set_out_locked(struct gpio_loopback *lb, unsigned int offset,
			   int value)
{
	if (value)
		lb->out |= lb_bit(offset);
	else
		lb->out &= ~lb_bit(offset);
}

static int lb_direction_output(struct gpio_chip *gc, unsigned int offset,
			       int value)
{
	struct gpio_loopback *lb = gpiochip_get_data(gc);
	rtdm_lockctx_t flags;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	set_out_locked(lb, offset, value);
	lb->dir_out |= lb_bit(offset);
	update_locked(lb);
	rtdm_lock_put_irqrestore(&lb->lock, flags);

	return 0;
}

static int lb_get(struct gpio_chip *gc, unsigned int offset)
{
	struct gpio_loopback *lb = gpiochip_get_data(gc);

	return !!(READ_ONCE(lb->value) & lb_bit(offset));
}

static void lb_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	struct gpio_loopback *lb = gpiochip_get_data(gc);
	rtdm_lockctx_t flags;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	set_out_locked(lb, offset, value);
	update_locked(lb);
	rtdm_lock_put_irqrestore(&lb->lock, flags);
}

/* ------------------------------------------------------------------ */
/* irq_chip                                                           */
/* ------------------------------------------------------------------ */

static struct gpio_loopback *irqd_to_lb(struct irq_data *d)
{
	return gpiochip_get_data(irq_data_get_irq_chip_data(d));
}

static void lb_irq_ack(struct irq_data *d)
{
	struct gpio_loopback *lb = irqd_to_lb(d);
	rtdm_lockctx_t flags;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	lb->edge_status &= ~lb_bit(irqd_to_hwirq(d));
	rtdm_lock_put_irqrestore(&lb->lock, flags);
}

static void lb_irq_mask(struct irq_data *d)
{
	struct gpio_loopback *lb = irqd_to_lb(d);
	irq_hw_number_t hw = irqd_to_hwirq(d);
	rtdm_lockctx_t flags;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	lb->unmasked &= ~lb_bit(hw);
	rtdm_lock_put_irqrestore(&lb->lock, flags);
	gpiochip_disable_irq(&lb->gc, hw);
}

static void lb_irq_unmask(struct irq_data *d)
{
	struct gpio_loopback *lb = irqd_to_lb(d);
	irq_hw_number_t hw = irqd_to_hwirq(d);
	rtdm_lockctx_t flags;

	gpiochip_enable_irq(&lb->gc, hw);
	rtdm_lock_get_irqsave(&lb->lock, flags);
	lb->unmasked |= lb_bit(hw);
	kick_locked(lb);
	rtdm_lock_put_irqrestore(&lb->lock, flags);
}

static int lb_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct gpio_loopback *lb = irqd_to_lb(d);
	u64 b = lb_bit(irqd_to_hwirq(d));
	rtdm_lockctx_t flags;

	if ((type & IRQ_TYPE_EDGE_BOTH) && (type & IRQ_TYPE_LEVEL_MASK))
		return -EINVAL;
	if ((type & IRQ_TYPE_LEVEL_MASK) == IRQ_TYPE_LEVEL_MASK)
		return -EINVAL;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	lb->rising &= ~b;
	lb->falling &= ~b;
	lb->high &= ~b;
	lb->low &= ~b;
	lb->edge_status &= ~b;
	if (type & IRQ_TYPE_EDGE_RISING)
		lb->rising |= b;
	if (type & IRQ_TYPE_EDGE_FALLING)
		lb->falling |= b;
	if (type & IRQ_TYPE_LEVEL_HIGH)
		lb->high |= b;
	if (type & IRQ_TYPE_LEVEL_LOW)
		lb->low |= b;
	kick_locked(lb);
	rtdm_lock_put_irqrestore(&lb->lock, flags);

	irq_set_handler_locked(d, (type & IRQ_TYPE_LEVEL_MASK) ?
			       handle_level_irq : handle_edge_irq);

	return 0;
}

/* Replays an edge lost while the line was disabled. */
static int lb_irq_retrigger(struct irq_data *d)
{
	struct gpio_loopback *lb = irqd_to_lb(d);
	u64 b = lb_bit(irqd_to_hwirq(d));
	rtdm_lockctx_t flags;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	if ((lb->rising | lb->falling) & b)
		lb->edge_status |= b;
	kick_locked(lb);
	rtdm_lock_put_irqrestore(&lb->lock, flags);

	return 1;
}

static const struct irq_chip lb_irq_chip = {
	.name = DRV_NAME,
	.irq_ack = lb_irq_ack,
	.irq_mask = lb_irq_mask,
	.irq_unmask = lb_irq_unmask,
	.irq_set_type = lb_irq_set_type,
	.irq_retrigger = lb_irq_retrigger,
	.flags = IRQCHIP_IMMUTABLE | IRQCHIP_SKIP_SET_WAKE |
		 RTDM_IRQCHIP_PIPELINE_SAFE,
	GPIOCHIP_IRQ_RESOURCE_HELPERS,
};

/* ------------------------------------------------------------------ */
/* Platform device                                                    */
/* ------------------------------------------------------------------ */

static int lb_probe(struct platform_device *pdev)
{
	struct gpio_loopback *lb;
	struct gpio_irq_chip *girq;
	int ret;

	lb = devm_kzalloc(&pdev->dev, sizeof(*lb), GFP_KERNEL);
	if (!lb)
		return -ENOMEM;

	rtdm_lock_init(&lb->lock);
	lb->work = IRQ_WORK_INIT_HARD(lb_irq_work);

	lb->gc.label = DRV_NAME;
	lb->gc.parent = &pdev->dev;
	lb->gc.owner = THIS_MODULE;
	lb->gc.base = -1;
	lb->gc.ngpio = 2 * npairs;
	lb->gc.can_sleep = false;
	lb->gc.get_direction = lb_get_direction;
	lb->gc.direction_input = lb_direction_input;
	lb->gc.direction_output = lb_direction_output;
	lb->gc.get = lb_get;
	lb->gc.set = lb_set;

	girq = &lb->gc.irq;
	gpio_irq_chip_set_chip(girq, &lb_irq_chip);
	girq->handler = handle_edge_irq;
	girq->default_type = IRQ_TYPE_NONE;
	girq->num_parents = 0;
	girq->parent_handler = NULL;

	ret = gpiochip_add_data(&lb->gc, lb);
	if (ret)
		return ret;

	platform_set_drvdata(pdev, lb);
	dev_info(&pdev->dev, "%u lines at GPIO %d..%d, wired in pairs\n",
		 lb->gc.ngpio, lb->gc.base, lb->gc.base + lb->gc.ngpio - 1);

	return 0;
}

static void lb_remove(struct platform_device *pdev)
{
	struct gpio_loopback *lb = platform_get_drvdata(pdev);
	rtdm_lockctx_t flags;

	rtdm_lock_get_irqsave(&lb->lock, flags);
	lb->dead = true;
	rtdm_lock_put_irqrestore(&lb->lock, flags);
	irq_work_sync(&lb->work);
	gpiochip_remove(&lb->gc);
}

RTDM_PLATFORM_REMOVE(lb_remove);

static struct platform_driver lb_driver = {
	.driver = {
		.name = DRV_NAME,
	},
	.probe = lb_probe,
	.remove = rtdm_platform_remove_op(lb_remove),
};

static struct platform_device *lb_pdev;

static int __init gpio_loopback_init(void)
{
	int ret;

	if (npairs < 1 || npairs > MAX_PAIRS)
		return -EINVAL;

	ret = platform_driver_register(&lb_driver);
	if (ret)
		return ret;

	lb_pdev = platform_device_register_simple(DRV_NAME, PLATFORM_DEVID_NONE,
						  NULL, 0);
	if (IS_ERR(lb_pdev)) {
		platform_driver_unregister(&lb_driver);
		return PTR_ERR(lb_pdev);
	}

	return 0;
}
module_init(gpio_loopback_init);

static void __exit gpio_loopback_exit(void)
{
	platform_device_unregister(lb_pdev);
	platform_driver_unregister(&lb_driver);
}
module_exit(gpio_loopback_exit);

MODULE_DESCRIPTION("Loopback gpiochip with interrupts, for tests");
MODULE_LICENSE("GPL");
