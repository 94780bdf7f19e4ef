// SPDX-License-Identifier: GPL-2.0
/*
 * udd_sim: UDD mini-driver of a simulated device, for the tests on
 * machines without UDD hardware (see udd_sim.h for what user space sees).
 *
 * The "hardware" is a timer and a private interrupt line: a one-line irq
 * domain on dummy_irq_chip with handle_simple_irq, raised with
 * generic_handle_irq() from a hard rtdm_timer handler, i.e. in hard
 * interrupt context with interrupts off, as a device would. This stand-in
 * for an interrupt controller is the one place where the driver uses
 * kernel irq APIs directly; the UDD core requests the line through
 * rtdm_irq_request() like any other. The line is flagged level-triggered
 * so that a raise while it is disabled is dropped, never replayed when it
 * is enabled again: what user space counts is exactly what was delivered.
 *
 * The devices are registered by the probe of a platform device the module
 * creates, so that unbinding it through sysfs unregisters them while they
 * are open. The memory of the regions belongs to the module, not to the
 * platform device: mappings outlive an unbind, and hold the module.
 */
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/platform_device.h>
#include <linux/vmalloc.h>
#include <rtdm/udd.h>
#include "udd_sim.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("UDD mini-driver of a simulated device (tests)");

#define UDD_SIM_KBUF_ORDER	get_order(UDD_SIM_BUF_LEN)

struct udd_sim {
	struct udd_device udd;
	struct udd_sim_regs *regs;
	rtdm_timer_t timer;
	rtdm_lock_t lock;	/* burst state */
	u32 pending;
	bool custom_on;		/* uddsim-cust: the "line" is enabled */
};

static struct udd_sim sim_main, sim_cust, sim_nirq;
static void *sim_regs, *sim_vbuf, *sim_kbuf;

static struct fwnode_handle *sim_fwnode;
static struct irq_domain *sim_domain;
static unsigned int sim_virq;

static struct udd_sim_regs *sim_regs_block(int n)
{
	return sim_regs + n * UDD_SIM_REGS_STRIDE;
}

static struct udd_sim *fd_to_sim(struct rtdm_fd *fd)
{
	return container_of(udd_get_device(fd), struct udd_sim, udd);
}

/* ------------------------------------------------------------------ */
/* The hardware                                                       */
/* ------------------------------------------------------------------ */

static int sim_irq_map(struct irq_domain *d, unsigned int virq,
		       irq_hw_number_t hw)
{
	irq_set_chip_and_handler(virq, &dummy_irq_chip, handle_simple_irq);
	irq_set_status_flags(virq, IRQ_LEVEL | IRQ_NOPROBE);

	return 0;
}

static const struct irq_domain_ops sim_irq_domain_ops = {
	.map = sim_irq_map,
	.xlate = irq_domain_xlate_onecell,
};

/* Raise the interrupt of @sim once; hard interrupt context. */
static void sim_raise(struct udd_sim *sim)
{
	struct udd_sim_regs *r = sim->regs;
	u32 handled = READ_ONCE(r->handled);

	WRITE_ONCE(r->raised, r->raised + 1);
	WRITE_ONCE(r->raise_ns, rtdm_clock_read());

	if (sim == &sim_main) {
		generic_handle_irq(sim_virq);
	} else if (READ_ONCE(sim->custom_on)) {
		/* uddsim-cust: the mini-driver handles its own interrupt. */
		WRITE_ONCE(r->handled, handled + 1);
		WRITE_ONCE(r->handle_ns, rtdm_clock_read());
		WRITE_ONCE(r->echo, READ_ONCE(r->doorbell));
		udd_notify_event(&sim->udd);
	}

	if (READ_ONCE(r->handled) == handled)
		WRITE_ONCE(r->masked, r->masked + 1);
}

static void sim_timer(rtdm_timer_t *timer)
{
	struct udd_sim *sim = container_of(timer, struct udd_sim, timer);
	rtdm_lockctx_t c;
	bool last;

	rtdm_lock_get_irqsave(&sim->lock, c);
	if (!sim->pending) {
		rtdm_lock_put_irqrestore(&sim->lock, c);
		return;
	}
	last = !--sim->pending;
	WRITE_ONCE(sim->regs->pending, sim->pending);
	if (last)
		rtdm_timer_stop_in_handler(timer);
	rtdm_lock_put_irqrestore(&sim->lock, c);

	sim_raise(sim);
}

static int sim_fire(struct rtdm_fd *fd, struct udd_sim *sim,
		    struct udd_sim_fire __user *arg)
{
	struct udd_sim_fire f;
	rtdm_lockctx_t c;
	int ret;

	if (rtdm_safe_copy_from_user(fd, &f, arg, sizeof(f)))
		return -EFAULT;
	if (!f.count || f.count > 1000000 || f.delay_ns < 1000 ||
	    f.delay_ns > 10ULL * NSEC_PER_SEC ||
	    (f.count > 1 && (f.period_ns < 10000 ||
			     f.period_ns > 10ULL * NSEC_PER_SEC)))
		return -EINVAL;

	rtdm_lock_get_irqsave(&sim->lock, c);
	if (sim->pending) {
		rtdm_lock_put_irqrestore(&sim->lock, c);
		return -EBUSY;
	}
	sim->pending = f.count;
	WRITE_ONCE(sim->regs->pending, f.count);
	rtdm_lock_put_irqrestore(&sim->lock, c);

	ret = rtdm_timer_start(&sim->timer, f.delay_ns,
			       f.count > 1 ? f.period_ns : 0,
			       RTDM_TIMERMODE_RELATIVE);
	if (ret) {
		rtdm_lock_get_irqsave(&sim->lock, c);
		sim->pending = 0;
		WRITE_ONCE(sim->regs->pending, 0);
		rtdm_lock_put_irqrestore(&sim->lock, c);
	}

	return ret;
}

static void sim_stop(struct udd_sim *sim)
{
	rtdm_lockctx_t c;

	rtdm_timer_stop(&sim->timer);
	rtdm_lock_get_irqsave(&sim->lock, c);
	sim->pending = 0;
	WRITE_ONCE(sim->regs->pending, 0);
	rtdm_lock_put_irqrestore(&sim->lock, c);
}

/* ------------------------------------------------------------------ */
/* Memory                                                             */
/* ------------------------------------------------------------------ */

static u8 *sim_region_mem(u32 region)
{
	switch (region) {
	case 1:
		return sim_vbuf;
	case 3:
		return sim_kbuf;
	default:
		return NULL;
	}
}

static void sim_fill(u8 *p, u32 seed)
{
	size_t n;

	for (n = 0; n < UDD_SIM_BUF_LEN; n++)
		p[n] = udd_sim_pattern(seed, n);
}

static int sim_pattern_ioctl(struct rtdm_fd *fd, unsigned int request,
			     struct udd_sim_pattern __user *arg)
{
	struct udd_sim_pattern pt;
	size_t n;
	u8 *p;

	if (rtdm_safe_copy_from_user(fd, &pt, arg, sizeof(pt)))
		return -EFAULT;

	p = sim_region_mem(pt.region);
	if (!p)
		return -EINVAL;

	pt.len = UDD_SIM_BUF_LEN;
	pt.mismatches = 0;
	pt.first_bad = ~0ULL;
	if (request == UDD_SIM_RTIOC_FILL) {
		sim_fill(p, pt.seed);
	} else {
		for (n = 0; n < UDD_SIM_BUF_LEN; n++) {
			if (READ_ONCE(p[n]) == udd_sim_pattern(pt.seed, n))
				continue;
			if (!pt.mismatches++)
				pt.first_bad = n;
		}
	}

	return rtdm_safe_copy_to_user(fd, arg, &pt, sizeof(pt));
}

/* ------------------------------------------------------------------ */
/* Mini-driver handlers                                               */
/* ------------------------------------------------------------------ */

static int sim_interrupt(struct udd_device *udd)
{
	struct udd_sim *sim = container_of(udd, struct udd_sim, udd);
	struct udd_sim_regs *r = sim->regs;

	/* Reading the doorbell is what "acknowledges" the device. */
	WRITE_ONCE(r->echo, READ_ONCE(r->doorbell));
	WRITE_ONCE(r->handle_ns, rtdm_clock_read());
	WRITE_ONCE(r->handled, r->handled + 1);

	return RTDM_IRQ_HANDLED;
}

static int sim_ioctl(struct rtdm_fd *fd, unsigned int request,
		     void __user *arg)
{
	struct udd_sim *sim = fd_to_sim(fd);

	switch (request) {
	case UDD_SIM_RTIOC_FIRE:
		return sim_fire(fd, sim, arg);
	case UDD_SIM_RTIOC_STOP:
		sim_stop(sim);
		return 0;
	case UDD_SIM_RTIOC_FILL:
	case UDD_SIM_RTIOC_CHECK:
		if (sim != &sim_main)
			return -EINVAL;
		return sim_pattern_ioctl(fd, request, arg);
	case UDD_RTIOC_IRQEN:
	case UDD_RTIOC_IRQDIS:
		/* The custom device's line is the mini-driver's business. */
		if (sim != &sim_cust)
			return -ENOSYS;
		WRITE_ONCE(sim->custom_on, request == UDD_RTIOC_IRQEN);
		return 0;
	default:
		return -ENOSYS;
	}
}

/* ------------------------------------------------------------------ */
/* Devices                                                            */
/* ------------------------------------------------------------------ */

static void sim_setup(void)
{
	struct udd_device *u;

	u = &sim_main.udd;
	u->device_name = UDD_SIM_NAME;
	u->ops.ioctl = sim_ioctl;
	u->ops.interrupt = sim_interrupt;
	u->irq = sim_virq;
	u->mem_regions[0] = (struct udd_memregion) {
		.name = "regs", .addr = (unsigned long)sim_regs,
		.len = PAGE_SIZE, .type = UDD_MEM_LOGICAL,
	};
	u->mem_regions[1] = (struct udd_memregion) {
		.name = "vbuf", .addr = (unsigned long)sim_vbuf,
		.len = UDD_SIM_BUF_LEN, .type = UDD_MEM_VIRTUAL,
	};
	u->mem_regions[3] = (struct udd_memregion) {
		.name = "kbuf", .addr = (unsigned long)sim_kbuf,
		.len = UDD_SIM_BUF_LEN, .type = UDD_MEM_LOGICAL,
	};
	sim_main.regs = sim_regs_block(UDD_SIM_DEV_MAIN);

	u = &sim_cust.udd;
	u->device_name = UDD_SIM_CUST_NAME;
	u->ops.ioctl = sim_ioctl;
	u->irq = UDD_IRQ_CUSTOM;
	sim_cust.regs = sim_regs_block(UDD_SIM_DEV_CUST);
	sim_cust.custom_on = true;

	u = &sim_nirq.udd;
	u->device_name = UDD_SIM_NIRQ_NAME;
	u->irq = UDD_IRQ_NONE;
	u->mem_regions[0] = (struct udd_memregion) {
		.name = "vbuf", .addr = (unsigned long)sim_vbuf,
		.len = UDD_SIM_BUF_LEN, .type = UDD_MEM_VIRTUAL,
	};
}

static struct udd_sim *const sim_devs[] = { &sim_main, &sim_cust, &sim_nirq };

static int sim_probe(struct platform_device *pdev)
{
	int n, ret;

	/* A new registration counts interrupts from 0: so do the registers. */
	for (n = UDD_SIM_DEV_MAIN; n <= UDD_SIM_DEV_CUST; n++) {
		struct udd_sim_regs *r = sim_regs_block(n);

		r->raised = 0;
		r->handled = 0;
		r->masked = 0;
	}

	for (n = 0; n < ARRAY_SIZE(sim_devs); n++) {
		ret = udd_register_device(&sim_devs[n]->udd);
		if (ret) {
			dev_err(&pdev->dev, "cannot register %s: %d\n",
				sim_devs[n]->udd.device_name, ret);
			goto fail;
		}
	}

	return 0;
fail:
	while (--n >= 0)
		udd_unregister_device(&sim_devs[n]->udd);

	return ret;
}

static void sim_remove(struct platform_device *pdev)
{
	int n;

	/* Quiesce the hardware, then revoke what user space has open. */
	sim_stop(&sim_main);
	sim_stop(&sim_cust);
	for (n = ARRAY_SIZE(sim_devs) - 1; n >= 0; n--)
		udd_unregister_device(&sim_devs[n]->udd);
}

RTDM_PLATFORM_REMOVE(sim_remove);

static struct platform_driver sim_driver = {
	.probe = sim_probe,
	.remove = rtdm_platform_remove_op(sim_remove),
	.driver = {
		.name = "udd-sim",
	},
};

static struct platform_device *sim_pdev;

static int sim_irq_init(void)
{
	sim_fwnode = irq_domain_alloc_named_fwnode("udd-sim");
	if (!sim_fwnode)
		return -ENOMEM;

	sim_domain = irq_domain_create_linear(sim_fwnode, 1,
					      &sim_irq_domain_ops, NULL);
	if (!sim_domain)
		goto fail_domain;

	sim_virq = irq_create_mapping(sim_domain, 0);
	if (!sim_virq)
		goto fail_map;

	return 0;

fail_map:
	irq_domain_remove(sim_domain);
fail_domain:
	irq_domain_free_fwnode(sim_fwnode);

	return -ENOMEM;
}

static void sim_irq_cleanup(void)
{
	irq_dispose_mapping(sim_virq);
	irq_domain_remove(sim_domain);
	irq_domain_free_fwnode(sim_fwnode);
}

static void sim_free_mem(void)
{
	free_page((unsigned long)sim_regs);
	vfree(sim_vbuf);
	if (sim_kbuf)
		free_pages((unsigned long)sim_kbuf, UDD_SIM_KBUF_ORDER);
}

static int __init sim_init(void)
{
	int n, ret;

	sim_regs = (void *)get_zeroed_page(GFP_KERNEL);
	sim_vbuf = vmalloc_user(UDD_SIM_BUF_LEN);
	sim_kbuf = (void *)__get_free_pages(GFP_KERNEL, UDD_SIM_KBUF_ORDER);
	if (!sim_regs || !sim_vbuf || !sim_kbuf) {
		ret = -ENOMEM;
		goto fail_mem;
	}
	sim_fill(sim_vbuf, UDD_SIM_SEED_VBUF);
	sim_fill(sim_kbuf, UDD_SIM_SEED_KBUF);
	for (n = UDD_SIM_DEV_MAIN; n <= UDD_SIM_DEV_CUST; n++) {
		sim_regs_block(n)->magic = UDD_SIM_MAGIC;
		sim_regs_block(n)->version = UDD_SIM_VERSION;
	}

	ret = sim_irq_init();
	if (ret)
		goto fail_mem;

	sim_setup();
	for (n = 0; n < 2; n++) {
		rtdm_lock_init(&sim_devs[n]->lock);
		ret = rtdm_timer_init(&sim_devs[n]->timer, sim_timer,
				      sim_devs[n]->udd.device_name);
		if (ret)
			goto fail_timer;
	}

	ret = platform_driver_register(&sim_driver);
	if (ret)
		goto fail_timer;

	sim_pdev = platform_device_register_simple("udd-sim", -1, NULL, 0);
	if (IS_ERR(sim_pdev)) {
		ret = PTR_ERR(sim_pdev);
		goto fail_pdev;
	}
	if (!sim_pdev->dev.driver) {
		/* The probe failed: say so at load time. */
		ret = -ENODEV;
		goto fail_probe;
	}

	return 0;

fail_probe:
	platform_device_unregister(sim_pdev);
fail_pdev:
	platform_driver_unregister(&sim_driver);
fail_timer:
	while (--n >= 0)
		rtdm_timer_destroy(&sim_devs[n]->timer);
	sim_irq_cleanup();
fail_mem:
	sim_free_mem();

	return ret;
}
module_init(sim_init);

static void __exit sim_exit(void)
{
	int n;

	platform_device_unregister(sim_pdev);
	platform_driver_unregister(&sim_driver);
	for (n = 0; n < 2; n++)
		rtdm_timer_destroy(&sim_devs[n]->timer);
	sim_irq_cleanup();
	sim_free_mem();
}
module_exit(sim_exit);
