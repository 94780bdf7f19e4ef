// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: non-real-time signals. Pended out-of-band, an nrt signal
 * crosses to the in-band stage through an irq_work, which queues the
 * handler on the high-priority system workqueue: it runs in task context
 * and may sleep, as on the inband backend. Pending it again before the
 * handler ran runs the handler once.
 */
#include "evl.h"

static void nrtsig_work(struct work_struct *work)
{
	rtdm_nrtsig_t *nrt_sig = container_of(work, rtdm_nrtsig_t, work);

	nrt_sig->handler(nrt_sig, nrt_sig->arg);
}

static void nrtsig_relay(struct irq_work *iwork)
{
	rtdm_nrtsig_t *nrt_sig = container_of(iwork, rtdm_nrtsig_t, iwork);

	queue_work(system_highpri_wq, &nrt_sig->work);
}

int rtdm_nrtsig_init(rtdm_nrtsig_t *nrt_sig, rtdm_nrtsig_handler_t handler,
		     void *arg)
{
	if (!handler)
		return -EINVAL;

	init_irq_work(&nrt_sig->iwork, nrtsig_relay);
	INIT_WORK(&nrt_sig->work, nrtsig_work);
	nrt_sig->handler = handler;
	nrt_sig->arg = arg;

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_nrtsig_init);

void rtdm_nrtsig_destroy(rtdm_nrtsig_t *nrt_sig)
{
	irq_work_sync(&nrt_sig->iwork);
	cancel_work_sync(&nrt_sig->work);
}
EXPORT_SYMBOL_GPL(rtdm_nrtsig_destroy);

void rtdm_nrtsig_pend(rtdm_nrtsig_t *nrt_sig)
{
	if (running_oob() || hard_irqs_disabled())
		irq_work_queue(&nrt_sig->iwork);
	else
		queue_work(system_highpri_wq, &nrt_sig->work);
}
EXPORT_SYMBOL_GPL(rtdm_nrtsig_pend);

/*
 * Work items queued out-of-band wait in a per-CPU ring for the in-band
 * stage (a work_struct has no free link for a lockless list).
 */
#define LOSTAGE_RING	64

struct lostage_ring {
	struct work_struct *works[LOSTAGE_RING];
	unsigned int head, tail;	/* hard irqs off */
	struct irq_work iwork;
};

static void lostage_relay(struct irq_work *iwork);
static DEFINE_PER_CPU(struct lostage_ring, lostage_rings) = {
	.iwork = IRQ_WORK_INIT(lostage_relay),
};

static void lostage_relay(struct irq_work *iwork)
{
	struct lostage_ring *r = container_of(iwork, struct lostage_ring,
					      iwork);
	struct work_struct *work;
	unsigned long flags;

	for (;;) {
		flags = hard_local_irq_save();
		work = r->head != r->tail ?
			r->works[r->head++ % LOSTAGE_RING] : NULL;
		hard_local_irq_restore(flags);
		if (!work)
			break;
		schedule_work(work);
	}
}

void rtdm_schedule_nrt_work(struct work_struct *lostage_work)
{
	struct lostage_ring *r;
	unsigned long flags;

	if (!running_oob() && !hard_irqs_disabled()) {
		schedule_work(lostage_work);
		return;
	}

	flags = hard_local_irq_save();
	r = this_cpu_ptr(&lostage_rings);
	if (!WARN_ON_ONCE(r->tail - r->head >= LOSTAGE_RING)) {
		r->works[r->tail++ % LOSTAGE_RING] = lostage_work;
		irq_work_queue(&r->iwork);
	}
	hard_local_irq_restore(flags);
}
EXPORT_SYMBOL_GPL(rtdm_schedule_nrt_work);
