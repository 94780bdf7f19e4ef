// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM test driver: mapping kernel memory to user space.
 *
 * RTTST_RTIOC_MMAP maps a kmalloc'ed or vmalloc'ed buffer with
 * rtdm_mmap_to_user(); the fd's own mmap() handler maps a vmalloc'ed
 * buffer with rtdm_mmap_vmem(). Both are filled with rttst_pattern() and
 * RTTST_RTIOC_MMAP_CHECK verifies what user space wrote into them.
 *
 * A buffer mapped by the ioctl is reference counted by its VMAs (through
 * the vm_ops the core installs), so that it outlives RTTST_RTIOC_MUNMAP
 * and close() for as long as some process (e.g. a fork()ed child) still
 * maps it.
 */
#include <linux/mman.h>
#include <linux/vmalloc.h>
#include "rttst.h"

static void rttst_fill(u8 *p, size_t len, u32 seed)
{
	size_t n;

	for (n = 0; n < len; n++)
		p[n] = rttst_pattern(seed, n);
}

static void rttst_mapbuf_free(struct kref *ref)
{
	struct rttst_mapbuf *b = container_of(ref, struct rttst_mapbuf, ref);

	if (b->kind == RTTST_MMAP_VMALLOC)
		vfree(b->mem);
	else
		kfree(b->mem);
	kfree(b);
}

static void rttst_vma_open(struct vm_area_struct *vma)
{
	struct rttst_mapbuf *b = vma->vm_private_data;

	kref_get(&b->ref);
}

static void rttst_vma_close(struct vm_area_struct *vma)
{
	struct rttst_mapbuf *b = vma->vm_private_data;

	kref_put(&b->ref, rttst_mapbuf_free);
}

static const struct vm_operations_struct rttst_vm_ops = {
	.open = rttst_vma_open,
	.close = rttst_vma_close,
};

static bool rttst_len_ok(u64 len)
{
	return len && len <= RTTST_MMAP_MAX && PAGE_ALIGNED(len);
}

int rttst_mmap_ioctl(struct rtdm_fd *fd, struct rttst_ctx *ctx,
		     struct rttst_mmap *m)
{
	struct rttst_mapbuf *b;
	void *addr;
	int ret;

	if (!rttst_len_ok(m->len) ||
	    (m->kind != RTTST_MMAP_KMALLOC && m->kind != RTTST_MMAP_VMALLOC))
		return -EINVAL;

	if (ctx->map)
		return -EBUSY;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;

	kref_init(&b->ref);
	b->len = m->len;
	b->kind = m->kind;
	if (m->kind == RTTST_MMAP_VMALLOC)
		b->mem = vmalloc_user(m->len);
	else
		b->mem = kzalloc(m->len, GFP_KERNEL);
	if (!b->mem) {
		kfree(b);
		return -ENOMEM;
	}
	rttst_fill(b->mem, b->len, m->seed);

	/* The core only stores the vm_ops into the VMA: const is safe. */
	ret = rtdm_mmap_to_user(fd, b->mem, b->len, PROT_READ | PROT_WRITE,
				&addr, (void *)&rttst_vm_ops, b);
	if (ret) {
		kref_put(&b->ref, rttst_mapbuf_free);
		return ret;
	}

	ctx->map = b;
	ctx->map_addr = (void __user *)addr;
	m->addr = (unsigned long)addr;

	return 0;
}

int rttst_munmap_ioctl(struct rttst_ctx *ctx)
{
	struct rttst_mapbuf *b = ctx->map;
	int ret;

	if (!b)
		return -ENXIO;

	ret = rtdm_munmap((void __force *)ctx->map_addr, b->len);
	if (ret)
		return ret;

	ctx->map = NULL;
	ctx->map_addr = NULL;
	kref_put(&b->ref, rttst_mapbuf_free);

	return 0;
}

int rttst_mmap_check(struct rttst_ctx *ctx, struct rttst_mmap_check *c)
{
	struct rttst_fdmap *fdmap;
	const u8 *p;
	size_t n;

	switch (c->which) {
	case RTTST_CHECK_IOCTL_MAP:
		if (!ctx->map)
			return -ENXIO;
		p = ctx->map->mem;
		c->len = ctx->map->len;
		break;
	case RTTST_CHECK_FD_MAP:
		/* Pairs with cmpxchg_release() in rttst_mmap_handler(). */
		fdmap = smp_load_acquire(&ctx->fdmap);
		if (!fdmap)
			return -ENXIO;
		p = fdmap->mem;
		c->len = fdmap->len;
		break;
	default:
		return -EINVAL;
	}

	c->mismatches = 0;
	c->first_bad = ~0ULL;
	for (n = 0; n < c->len; n++) {
		if (p[n] == rttst_pattern(c->seed, n))
			continue;
		if (!c->mismatches)
			c->first_bad = n;
		c->mismatches++;
	}

	return 0;
}

/*
 * mmap() of the fd: maps (a window of) a vmalloc'ed buffer allocated by
 * the first call, of that call's length. The VMA holds the file, so the
 * buffer lives at least as long as the context, released by close. No
 * setup_lock here: mmap_lock is held, and RTTST_RTIOC_MMAP takes them in
 * the other order; the buffer is published atomically instead.
 */
int rttst_mmap_handler(struct rtdm_fd *fd, struct vm_area_struct *vma)
{
	struct rttst_ctx *ctx = rtdm_fd_to_private(fd);
	size_t len = vma->vm_end - vma->vm_start;
	size_t off = vma->vm_pgoff << PAGE_SHIFT;
	struct rttst_fdmap *map, *old;

	/* Pairs with the cmpxchg_release() below. */
	map = smp_load_acquire(&ctx->fdmap);
	if (!map) {
		if (off || !rttst_len_ok(len))
			return -EINVAL;
		map = kzalloc(sizeof(*map), GFP_KERNEL);
		if (!map)
			return -ENOMEM;
		map->mem = vmalloc_user(len);
		if (!map->mem) {
			kfree(map);
			return -ENOMEM;
		}
		map->len = len;
		rttst_fill(map->mem, len, RTTST_FDMAP_SEED);
		/* Publishes the filled buffer; a concurrent mmap() may win. */
		old = cmpxchg_release(&ctx->fdmap, NULL, map);
		if (old) {
			vfree(map->mem);
			kfree(map);
			map = old;
		}
	}

	if (vma->vm_pgoff > map->len >> PAGE_SHIFT || len > map->len - off)
		return -EINVAL;

	return rtdm_mmap_vmem(vma, map->mem);
}

/* close: the ioctl mapping keeps its buffer while still mapped. */
void rttst_mem_release(struct rttst_ctx *ctx)
{
	if (ctx->map) {
		kref_put(&ctx->map->ref, rttst_mapbuf_free);
		ctx->map = NULL;
	}
	if (ctx->fdmap) {
		vfree(ctx->fdmap->mem);
		kfree(ctx->fdmap);
		ctx->fdmap = NULL;
	}
}
