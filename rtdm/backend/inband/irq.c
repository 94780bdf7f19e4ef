// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: interrupts.
 *
 * RTDM interrupt handlers are requested with IRQF_NO_THREAD: they run in
 * hard interrupt context, never in a threaded handler, on PREEMPT_RT too.
 */
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/seq_file.h>
#include "inband.h"

static LIST_HEAD(irq_list);
static DEFINE_MUTEX(irq_list_lock);

static irqreturn_t irq_trampoline(int irq, void *dev_id)
{
	rtdm_irq_t *irq_handle = dev_id;
	int ret;

	ret = irq_handle->handler(irq_handle);
	if (!(ret & RTDM_IRQ_HANDLED))
		return IRQ_NONE;

	atomic_long_inc(&irq_handle->hits);
	if (ret & RTDM_IRQ_DISABLE)
		disable_irq_nosync(irq);

	return IRQ_HANDLED;
}

int rtdm_irq_request(rtdm_irq_t *irq_handle, unsigned int irq_no,
		     rtdm_irq_handler_t handler, unsigned long flags,
		     const char *device_name, void *arg)
{
	unsigned long irqflags = IRQF_NO_THREAD;
	int ret;

	if (!handler || (flags & ~(RTDM_IRQTYPE_SHARED | RTDM_IRQTYPE_EDGE)))
		return -EINVAL;

	if (flags & RTDM_IRQTYPE_SHARED)
		irqflags |= IRQF_SHARED;

	irq_handle->irq = irq_no;
	irq_handle->handler = handler;
	irq_handle->cookie = arg;
	irq_handle->name = device_name;
	irq_handle->flags = flags;
	atomic_long_set(&irq_handle->hits, 0);

	ret = request_irq(irq_no, irq_trampoline, irqflags, device_name,
			  irq_handle);
	if (ret)
		return ret;

	mutex_lock(&irq_list_lock);
	list_add_tail(&irq_handle->link, &irq_list);
	mutex_unlock(&irq_list_lock);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_irq_request);

int rtdm_irq_free(rtdm_irq_t *irq_handle)
{
	mutex_lock(&irq_list_lock);
	list_del(&irq_handle->link);
	mutex_unlock(&irq_list_lock);
	free_irq(irq_handle->irq, irq_handle);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_irq_free);

int rtdm_irq_enable(rtdm_irq_t *irq_handle)
{
	enable_irq(irq_handle->irq);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_irq_enable);

int rtdm_irq_disable(rtdm_irq_t *irq_handle)
{
	disable_irq_nosync(irq_handle->irq);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_irq_disable);

void rtdm_backend_show_irqs(struct seq_file *m)
{
	rtdm_irq_t *irq_handle;

	mutex_lock(&irq_list_lock);
	list_for_each_entry(irq_handle, &irq_list, link)
		seq_printf(m, "%u %ld %s\n", irq_handle->irq,
			   atomic_long_read(&irq_handle->hits),
			   irq_handle->name ?: "-");
	mutex_unlock(&irq_list_lock);
}

int rtdm_irq_handle_domain(struct irq_domain *domain, unsigned int hwirq)
{
	return generic_handle_domain_irq(domain, hwirq);
}
EXPORT_SYMBOL_GPL(rtdm_irq_handle_domain);
