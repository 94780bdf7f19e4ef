# SPDX-License-Identifier: GPL-2.0
# Objects of the evl backend (Dovetail + EVL core): one concept per file,
# with the same file names as the inband backend, plus fd.c (oob file ops).
backend-objs := backend.o heap.o bwq.o event.o sem.o waitqueue.o mutex.o \
	clock.o timer.o task.o irq.o nrtsig.o fd.o
