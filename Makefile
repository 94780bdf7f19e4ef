# RTDM for Dovetail - top-level Makefile
#
#   make modules  KDIR=<kernel build dir> [ARCH=..] [CROSS_COMPILE=..] [BUILDDIR=..]
#   make userspace [CROSS_COMPILE=..] [USERDIR=..]   static programs in USERDIR/bin
#   make demo      boot the emulated board, load the modules, show them working
#   make check     the whole test suite (QEMU guests, x86_64 + armhf, arm64 cross-build)
#
# Modules are built out of tree. Because Kbuild writes objects next to the
# sources, each kernel flavour is built from its own copy of the source tree
# under BUILDDIR (default: build/mod-<kernelrelease>).

TOP        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KDIR       ?= /lib/modules/$(shell uname -r)/build
ARCH       ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/armv7l/arm/')
KREL       := $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null || basename $(KDIR))
BUILDDIR   ?= $(TOP)/build/mod-$(KREL)-$(ARCH)
W          ?= 1
USERDIR    ?= $(TOP)/build/user-$(or $(patsubst %-,%,$(CROSS_COMPILE)),native)
PYTHON     ?= /usr/bin/python3

# Kernel sources that make up the out-of-tree module tree.
MODSRC := Kbuild rtdm drivers include

.PHONY: all modules modules_install sparse userspace demo check bench clean help

all: modules userspace

help:
	@sed -n '2,12p' $(TOP)/Makefile

modules:
	@mkdir -p $(BUILDDIR)
	@cd $(TOP) && tar cf - $(MODSRC) | (cd $(BUILDDIR) && tar xf - --touch -m 2>/dev/null || tar xf -)
	$(MAKE) -C $(KDIR) M=$(BUILDDIR) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) W=$(W) modules

modules_install:
	$(MAKE) -C $(KDIR) M=$(BUILDDIR) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) modules_install

# sparse, fatal findings (see CHECKFLAGS in Kbuild)
sparse:
	@mkdir -p $(BUILDDIR)
	@cd $(TOP) && tar cf - $(MODSRC) | (cd $(BUILDDIR) && tar xf -)
	$(MAKE) -C $(KDIR) M=$(BUILDDIR) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) W=$(W) C=2 modules

userspace:
	$(MAKE) -C $(TOP)/userspace CROSS_COMPILE=$(CROSS_COMPILE) OUT=$(USERDIR)

# Host setup (root): installs python3 and the rest from Debian's archive.
SETUP      := $(if $(filter 0,$(shell id -u)),,sudo) $(TOP)/tests/rig/setup.sh

demo:
	$(SETUP)
	RTDM_SETUP_DONE=1 $(PYTHON) $(TOP)/tests/rig/demo.py

check:
	$(TOP)/tests/run-check

bench:
	$(SETUP)
	RTDM_SETUP_DONE=1 $(PYTHON) $(TOP)/tests/rig/bench.py

clean:
	rm -rf $(TOP)/build
