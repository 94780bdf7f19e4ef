// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM driver library: memory, iovecs and mapping of kernel memory into
 * user space. Backend independent.
 */
#include <linux/io.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include "internal.h"

void *rtdm_malloc(size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(rtdm_malloc);

void rtdm_free(void *ptr)
{
	kfree(ptr);
}
EXPORT_SYMBOL_GPL(rtdm_free);

/* ------------------------------------------------------------------ */
/* iovecs                                                             */
/* ------------------------------------------------------------------ */

int rtdm_get_iovec(struct rtdm_fd *fd, struct iovec **iovp,
		   const struct user_msghdr *msg, struct iovec *iov_fast)
{
	size_t len = sizeof(struct iovec) * msg->msg_iovlen;
	struct iovec *iov = iov_fast;

	if (msg->msg_iovlen > UIO_MAXIOV)
		return -EINVAL;

	if (msg->msg_iovlen > RTDM_IOV_FASTMAX) {
		iov = kmalloc(len, GFP_KERNEL);
		if (!iov)
			return -ENOMEM;
	}

	*iovp = iov;
	if (copy_from_user(iov, msg->msg_iov, len)) {
		rtdm_drop_iovec(iov, iov_fast);
		return -EFAULT;
	}

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_get_iovec);

/* Write the (updated) iovecs back to user space and release them. */
int rtdm_put_iovec(struct rtdm_fd *fd, struct iovec *iov,
		   const struct user_msghdr *msg, struct iovec *iov_fast)
{
	size_t len = sizeof(iov[0]) * msg->msg_iovlen;
	int ret = 0;

	if (copy_to_user(msg->msg_iov, iov, len))
		ret = -EFAULT;

	rtdm_drop_iovec(iov, iov_fast);

	return ret;
}
EXPORT_SYMBOL_GPL(rtdm_put_iovec);

void rtdm_drop_iovec(struct iovec *iov, struct iovec *iov_fast)
{
	if (iov != iov_fast)
		kfree(iov);
}
EXPORT_SYMBOL_GPL(rtdm_drop_iovec);

ssize_t rtdm_get_iov_flatlen(struct iovec *iov, int iovlen)
{
	ssize_t len = 0;
	int n;

	for (n = 0; n < iovlen; n++) {
		if (iov[n].iov_len > SSIZE_MAX - len)
			return -EINVAL;
		len += iov[n].iov_len;
	}

	return len;
}
EXPORT_SYMBOL_GPL(rtdm_get_iov_flatlen);

/* ------------------------------------------------------------------ */
/* Mapping to user space                                              */
/* ------------------------------------------------------------------ */

int rtdm_mmap_kmem(struct vm_area_struct *vma, void *va)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	if (!PAGE_ALIGNED(va))
		return -EINVAL;

	return remap_pfn_range(vma, vma->vm_start,
			       (virt_to_phys(va) >> PAGE_SHIFT) + vma->vm_pgoff,
			       size, vma->vm_page_prot);
}
EXPORT_SYMBOL_GPL(rtdm_mmap_kmem);

int rtdm_mmap_vmem(struct vm_area_struct *vma, void *va)
{
	unsigned long addr, off = vma->vm_pgoff << PAGE_SHIFT;
	int ret;

	if (!PAGE_ALIGNED(va) || !is_vmalloc_addr(va))
		return -EINVAL;

	for (addr = vma->vm_start; addr < vma->vm_end;
	     addr += PAGE_SIZE, off += PAGE_SIZE) {
		ret = vm_insert_page(vma, addr, vmalloc_to_page(va + off));
		if (ret)
			return ret;
	}

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_mmap_vmem);

int rtdm_mmap_iomem(struct vm_area_struct *vma, phys_addr_t pa)
{
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);

	return vm_iomap_memory(vma, pa + (vma->vm_pgoff << PAGE_SHIFT),
			       vma->vm_end - vma->vm_start);
}
EXPORT_SYMBOL_GPL(rtdm_mmap_iomem);

/* A mapping requested by rtdm_mmap_to_user()/rtdm_iomap_to_user(). */
struct rtdm_mmap_req {
	struct task_struct *task;
	void *va;
	phys_addr_t pa;
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data;
};

/*
 * Called by the file's mmap operation: serve the request of the caller's
 * own rtdm_mmap_to_user() in progress, -ENOSYS otherwise.
 */
int rtdm_mmap_request(struct rtdm_fd *fd, struct vm_area_struct *vma)
{
	struct rtdm_mmap_req *req = READ_ONCE(fd->mmap_req);
	int ret;

	if (!req || req->task != current)
		return -ENOSYS;

	if (req->va && is_vmalloc_addr(req->va))
		ret = rtdm_mmap_vmem(vma, req->va);
	else if (req->va)
		ret = rtdm_mmap_kmem(vma, req->va);
	else
		ret = rtdm_mmap_iomem(vma, req->pa);
	if (ret)
		return ret;

	vma->vm_private_data = req->vm_private_data;
	if (req->vm_ops) {
		vma->vm_ops = req->vm_ops;
		if (req->vm_ops->open)
			req->vm_ops->open(vma);
	}

	return 0;
}

static DEFINE_MUTEX(mmap_req_lock);

static int do_mmap_to_user(struct rtdm_fd *fd, struct rtdm_mmap_req *req,
			   size_t len, int prot, void **pptr)
{
	unsigned long uaddr;

	if (!len || !fd->file)
		return -EINVAL;

	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;

	req->task = current;

	mutex_lock(&mmap_req_lock);
	WRITE_ONCE(fd->mmap_req, req);
	uaddr = vm_mmap(fd->file, 0, len, prot, MAP_SHARED, 0);
	WRITE_ONCE(fd->mmap_req, NULL);
	mutex_unlock(&mmap_req_lock);

	if (IS_ERR_VALUE(uaddr))
		return (int)uaddr;

	*pptr = (void *)uaddr;

	return 0;
}

int rtdm_mmap_to_user(struct rtdm_fd *fd, void *src_addr, size_t len,
		      int prot, void **pptr,
		      const struct vm_operations_struct *vm_ops,
		      void *vm_private_data)
{
	struct rtdm_mmap_req req = {
		.va = src_addr,
		.vm_ops = vm_ops,
		.vm_private_data = vm_private_data,
	};

	if (!src_addr)
		return -EINVAL;

	return do_mmap_to_user(fd, &req, len, prot, pptr);
}
EXPORT_SYMBOL_GPL(rtdm_mmap_to_user);

int rtdm_iomap_to_user(struct rtdm_fd *fd, phys_addr_t src_addr, size_t len,
		       int prot, void **pptr,
		       const struct vm_operations_struct *vm_ops,
		       void *vm_private_data)
{
	struct rtdm_mmap_req req = {
		.pa = src_addr,
		.vm_ops = vm_ops,
		.vm_private_data = vm_private_data,
	};

	return do_mmap_to_user(fd, &req, len, prot, pptr);
}
EXPORT_SYMBOL_GPL(rtdm_iomap_to_user);

int rtdm_munmap(void *ptr, size_t len)
{
	return vm_munmap((unsigned long)ptr, len);
}
EXPORT_SYMBOL_GPL(rtdm_munmap);
