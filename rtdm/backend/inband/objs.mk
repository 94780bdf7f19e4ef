# SPDX-License-Identifier: GPL-2.0
# Objects of the inband backend (mainline and PREEMPT_RT kernels): one
# concept per file, with the same file names as the evl backend.
backend-objs := backend.o heap.o bwq.o event.o sem.o waitqueue.o mutex.o \
	clock.o timer.o task.o irq.o nrtsig.o
