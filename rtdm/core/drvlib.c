// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM driver library: iovecs, iov_iter copies and mapping of kernel
 * memory into user space, over the backend's user copies.
 */
#include <linux/io.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include "internal.h"

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
		iov = rtdm_malloc(len);
		if (!iov)
			return -ENOMEM;
	}

	*iovp = iov;
	if (rtdm_backend_copy_from_user(iov, msg->msg_iov, len)) {
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

	if (rtdm_backend_copy_to_user(msg->msg_iov, iov, len))
		ret = -EFAULT;

	rtdm_drop_iovec(iov, iov_fast);

	return ret;
}
EXPORT_SYMBOL_GPL(rtdm_put_iovec);

void rtdm_drop_iovec(struct iovec *iov, struct iovec *iov_fast)
{
	if (iov != iov_fast)
		rtdm_free(iov);
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
/* iov_iter copies                                                    */
/* ------------------------------------------------------------------ */

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define iter_iov(__i)	((__i)->iov)
#endif

/*
 * Copy between @buf and a user-backed iterator through the backend's user
 * copies (raw out-of-band on evl: copy_to_iter() would might_fault()).
 */
static size_t user_iter_copy(void *buf, size_t size, struct iov_iter *i,
			     bool to_user)
{
	const struct iovec *iov;
	size_t done = 0, skip, n, left;
	unsigned long k;
	void __user *p;

	size = min(size, iov_iter_count(i));
	if (iter_is_ubuf(i)) {
		p = i->ubuf + i->iov_offset;
		left = to_user ? rtdm_backend_copy_to_user(p, buf, size) :
			rtdm_backend_copy_from_user(buf, p, size);
		done = size - left;
	} else {
		iov = iter_iov(i);
		skip = i->iov_offset;
		for (k = 0; k < i->nr_segs && done < size; k++, skip = 0) {
			n = min(iov[k].iov_len - skip, size - done);
			if (!n)
				continue;
			p = iov[k].iov_base + skip;
			left = to_user ?
				rtdm_backend_copy_to_user(p, buf + done, n) :
				rtdm_backend_copy_from_user(buf + done, p, n);
			done += n - left;
			if (left)
				break;
		}
	}
	iov_iter_advance(i, done);

	return done;
}

size_t rtdm_copy_to_iter(const void *src, size_t size, struct iov_iter *to)
{
	if (!user_backed_iter(to))
		return copy_to_iter(src, size, to);

	return user_iter_copy((void *)src, size, to, true);
}
EXPORT_SYMBOL_GPL(rtdm_copy_to_iter);

size_t rtdm_copy_from_iter(void *dst, size_t size, struct iov_iter *from)
{
	if (!user_backed_iter(from))
		return copy_from_iter(dst, size, from);

	return user_iter_copy(dst, size, from, false);
}
EXPORT_SYMBOL_GPL(rtdm_copy_from_iter);

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
