// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM test driver: interrupts.
 *
 * There is no interrupt-generating hardware to test with, so the driver
 * brings its own software interrupt source: a one-line irq domain using
 * dummy_irq_chip and handle_simple_irq, whose virtual irq is raised with
 * generic_handle_irq() from a hard rtdm_timer handler, i.e. in hard irq
 * context with interrupts off, as a device interrupt would be. This
 * stand-in for an interrupt controller is the one place where the driver
 * uses kernel irq APIs directly (irqdomain and irq descriptor handling);
 * everything on the driver side of the line goes through rtdm_irq_*().
 *
 * The line is flagged level-triggered so that the kernel never replays,
 * on re-enabling, a trigger that arrived while it was disabled: a
 * trigger is delivered at once or lost, which keeps the counts exact.
 */
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include "rttst.h"

static struct fwnode_handle *rttst_fwnode;
static struct irq_domain *rttst_domain;
static unsigned int rttst_virq;
static atomic_t rttst_irq_busy = ATOMIC_INIT(0);

struct rttst_irqst {
	rtdm_irq_t irq;
	rtdm_timer_t timer;
	rtdm_event_t fired;
	bool requested;
	atomic_t hits;
	atomic_t disable_next;	/* the next hit returns RTDM_IRQ_DISABLE */
	u32 hardirq;
	u32 rt_context;
	u64 trigger_ns;
	u64 hit_ns;
	u64 total;
};

static int rttst_irq_map(struct irq_domain *d, unsigned int virq,
			 irq_hw_number_t hw)
{
	irq_set_chip_and_handler(virq, &dummy_irq_chip, handle_simple_irq);
	irq_set_status_flags(virq, IRQ_LEVEL | IRQ_NOPROBE);

	return 0;
}

static const struct irq_domain_ops rttst_irq_domain_ops = {
	.map = rttst_irq_map,
	.xlate = irq_domain_xlate_onecell,
};

int rttst_irq_init(void)
{
	rttst_fwnode = irq_domain_alloc_named_fwnode("rtdmtest");
	if (!rttst_fwnode)
		return -ENOMEM;

	rttst_domain = irq_domain_create_linear(rttst_fwnode, 1,
						&rttst_irq_domain_ops, NULL);
	if (!rttst_domain)
		goto fail_domain;

	rttst_virq = irq_create_mapping(rttst_domain, 0);
	if (!rttst_virq)
		goto fail_map;

	return 0;

fail_map:
	irq_domain_remove(rttst_domain);
fail_domain:
	irq_domain_free_fwnode(rttst_fwnode);

	return -ENOMEM;
}

void rttst_irq_cleanup(void)
{
	irq_dispose_mapping(rttst_virq);
	irq_domain_remove(rttst_domain);
	irq_domain_free_fwnode(rttst_fwnode);
}

static int rttst_irq_handler(rtdm_irq_t *irq_handle)
{
	struct rttst_irqst *st = rtdm_irq_get_arg(irq_handle,
						  struct rttst_irqst);

	st->hit_ns = rtdm_clock_read();
	if (in_hardirq())
		st->hardirq++;
	if (rtdm_in_rt_context())
		st->rt_context++;
	atomic_inc(&st->hits);

	if (atomic_cmpxchg(&st->disable_next, 1, 0))
		return RTDM_IRQ_HANDLED | RTDM_IRQ_DISABLE;

	return RTDM_IRQ_HANDLED;
}

/* The interrupt "hardware": raises the line from hard irq context. */
static void rttst_irq_timer(rtdm_timer_t *timer)
{
	struct rttst_irqst *st = container_of(timer, struct rttst_irqst,
					      timer);

	st->trigger_ns = rtdm_clock_read();
	generic_handle_irq(rttst_virq);
	rtdm_event_signal(&st->fired);
}

/*
 * Raises the line @count times, one trigger at a time; returns the number
 * of handler runs, or -errno.
 */
static int rttst_irq_fire(struct rttst_irqst *st, u32 count,
			  struct rttst_stats *lat)
{
	int before = atomic_read(&st->hits);
	int ret, h;
	u32 n;

	for (n = 0; n < count; n++) {
		h = atomic_read(&st->hits);
		ret = rtdm_timer_start(&st->timer, 20 * NSEC_PER_USEC, 0,
				       RTDM_TIMERMODE_RELATIVE);
		if (ret)
			return ret;
		ret = rtdm_event_timedwait(&st->fired, NSEC_PER_SEC, NULL);
		if (ret) {
			rtdm_timer_stop(&st->timer);
			return ret;
		}
		if (lat && atomic_read(&st->hits) != h)
			rttst_stats_add(lat, (s64)(st->hit_ns - st->trigger_ns));
	}

	return atomic_read(&st->hits) - before;
}

static struct rttst_irqst *rttst_irq_get(void)
{
	struct rttst_irqst *st;
	int ret;

	if (atomic_cmpxchg(&rttst_irq_busy, 0, 1))
		return ERR_PTR(-EBUSY);

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st) {
		atomic_set(&rttst_irq_busy, 0);
		return ERR_PTR(-ENOMEM);
	}

	rtdm_event_init(&st->fired, 0);
	ret = rtdm_timer_init(&st->timer, rttst_irq_timer, "rttst-irq");
	if (ret) {
		rtdm_event_destroy(&st->fired);
		kfree(st);
		atomic_set(&rttst_irq_busy, 0);
		return ERR_PTR(ret);
	}

	return st;
}

static void rttst_irq_put(struct rttst_irqst *st)
{
	if (st->requested)
		rtdm_irq_free(&st->irq);
	rtdm_timer_destroy(&st->timer);
	rtdm_event_destroy(&st->fired);
	kfree(st);
	atomic_set(&rttst_irq_busy, 0);
}

static int rttst_irq_request(struct rttst_irqst *st)
{
	int ret;

	ret = rtdm_irq_request(&st->irq, rttst_virq, rttst_irq_handler, 0,
			       "rtdmtest-irq", st);
	st->requested = !ret;

	return ret;
}

/* Phases of the interrupt test: see struct rttst_irq. */
int rttst_irq_test(struct rttst_irq *r)
{
	struct rttst_irqst *st;
	struct rttst_stats lat;
	int ret, hits;

	if (!r->count || r->count > 1000)
		return -EINVAL;

	st = rttst_irq_get();
	if (IS_ERR(st))
		return PTR_ERR(st);

	r->virq = rttst_virq;
	r->ret = rttst_irq_request(st);
	if (r->ret) {
		ret = 0;
		goto out;
	}

	rttst_stats_init(&lat);
	ret = rttst_irq_fire(st, r->count, &lat);
	if (ret < 0)
		goto out;
	r->hits = ret;
	r->hardirq = st->hardirq;
	r->rt_context = st->rt_context;
	rttst_stats_put(&lat, &r->lat_min_ns, &r->lat_avg_ns, &r->lat_max_ns);

	ret = rtdm_irq_disable(&st->irq);
	if (ret)
		goto out;
	ret = rttst_irq_fire(st, r->count, NULL);
	if (ret < 0)
		goto out;
	r->hits_disabled = ret;

	hits = atomic_read(&st->hits);
	ret = rtdm_irq_enable(&st->irq);
	if (ret)
		goto out;
	rtdm_task_sleep(5 * NSEC_PER_MSEC);
	r->hits_replayed = atomic_read(&st->hits) - hits;
	ret = rttst_irq_fire(st, r->count, NULL);
	if (ret < 0)
		goto out;
	r->hits_enabled = ret;

	/* The handler asks for the line to be left disabled. */
	atomic_set(&st->disable_next, 1);
	ret = rttst_irq_fire(st, 3, NULL);
	if (ret < 0)
		goto out;
	r->hits_disable_ret = ret;
	atomic_set(&st->disable_next, 0);

	/* Re-enable only a line that was really left disabled. */
	if (r->hits_disable_ret == 1) {
		ret = rtdm_irq_enable(&st->irq);
		if (ret)
			goto out;
	}
	ret = rttst_irq_fire(st, r->count, NULL);
	if (ret < 0)
		goto out;
	r->hits_reenabled = ret;

	ret = rtdm_irq_free(&st->irq);
	st->requested = false;
	if (ret)
		goto out;
	ret = rttst_irq_fire(st, r->count, NULL);
	if (ret < 0)
		goto out;
	r->hits_freed = ret;
	ret = 0;
out:
	rttst_irq_put(st);

	return ret;
}

/* Caller holds ctx->setup_lock for the three below. */
int rttst_irq_attach(struct rttst_ctx *ctx, struct rttst_irq_attach *a)
{
	struct rttst_irqst *st;

	if (ctx->irq)
		return -EBUSY;

	st = rttst_irq_get();
	if (IS_ERR(st))
		return PTR_ERR(st);

	a->virq = rttst_virq;
	a->ret = rttst_irq_request(st);
	if (a->ret) {
		rttst_irq_put(st);
		return 0;
	}
	ctx->irq = st;

	return 0;
}

int rttst_irq_trigger(struct rttst_ctx *ctx, struct rttst_irq_trigger *t)
{
	int ret;

	if (!ctx->irq)
		return -ENXIO;
	if (!t->count || t->count > 1000)
		return -EINVAL;

	ret = rttst_irq_fire(ctx->irq, t->count, NULL);
	if (ret < 0)
		return ret;

	t->hits = ret;
	ctx->irq->total += ret;
	t->total_hits = ctx->irq->total;

	return 0;
}

int rttst_irq_detach(struct rttst_ctx *ctx)
{
	if (!ctx->irq)
		return -ENXIO;

	rttst_irq_put(ctx->irq);
	ctx->irq = NULL;

	return 0;
}
