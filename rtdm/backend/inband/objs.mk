# SPDX-License-Identifier: GPL-2.0
# Objects of the inband backend (mainline and PREEMPT_RT kernels).
backend-objs := backend.o wait.o timer.o task.o irq.o
