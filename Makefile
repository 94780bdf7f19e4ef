# RTDM for Dovetail - top-level Makefile
#
#   make modules  KDIR=<kernel build dir> [ARCH=..] [CROSS_COMPILE=..] [BUILDDIR=..]
#   make userspace [CROSS_COMPILE=..] [USERDIR=..] [EVL=libevl prefix [EVL_UAPI=..]]   static programs in USERDIR/bin
#   make demo      boot the emulated board, load the modules, show them working
#   make check     the whole test suite (QEMU guests, x86_64 + armhf, arm64 cross-build)
#   make install   [DESTDIR=] [PREFIX=/usr/local] modules (extra/), programs, libraries,
#                  headers, rtdm-config, pkg-config files, man pages, udev rule
#   make uninstall the same files; make install-dkms: the DKMS source tree
#   make deb       Debian packages rtdm-dkms, rtdm-tools, librtdm-dev in build/deb/
#
# Modules are built out of tree. Because Kbuild writes objects next to the
# sources, each kernel flavour is built from its own copy of the source tree
# under BUILDDIR (default: build/mod-<kernelrelease>).

TOP        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KDIR       ?= /lib/modules/$(shell uname -r)/build
ARCH       ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/armv7l/arm/')
# the release modules are built for (vermagic): utsrelease.h (Debian's
# headers answer `make kernelrelease` with the upstream version)
KREL       := $(or $(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null),\
		$(shell MAKEFLAGS= $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null || basename $(KDIR)))
BUILDDIR   ?= $(TOP)/build/mod-$(KREL)-$(ARCH)
W          ?= 1
USERDIR    ?= $(TOP)/build/user-$(or $(patsubst %-,%,$(CROSS_COMPILE)),native)
PYTHON     ?= /usr/bin/python3

# Kernel sources that make up the out-of-tree module tree.
MODSRC := Kbuild rtdm drivers include

.PHONY: all modules modules_install sparse userspace demo check bench clean help

all: modules userspace

help:
	@sed -n '2,16p' $(TOP)/Makefile

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
	$(MAKE) -C $(TOP)/userspace CROSS_COMPILE=$(CROSS_COMPILE) OUT=$(USERDIR) EVL=$(EVL) EVL_UAPI=$(EVL_UAPI)

# Host setup (root): installs python3 and the rest from Debian's archive.
SUDO       := $(if $(filter 0,$(shell id -u)),,sudo)
SETUP      := $(SUDO) $(TOP)/tests/rig/setup.sh

demo:
	$(SETUP)
	RTDM_SETUP_DONE=1 $(PYTHON) $(TOP)/tests/rig/demo.py

check:
	$(TOP)/tests/run-check

# make bench: build/bench/report.md (README "Benchmarks"); setup also
# stages cyclictest, stress-ng and gnuplot (RTDM_BENCH=1).
# RTDM_BENCH_ICOUNT=1: the repeatable mode (QEMU -icount, two runs).
bench:
	$(SUDO) env RTDM_BENCH=1 $(TOP)/tests/rig/setup.sh
	RTDM_SETUP_DONE=1 RTDM_BENCH=1 $(PYTHON) $(TOP)/tests/rig/bench.py

clean:
	rm -rf $(TOP)/build

# ---------------------------------------------------------------------------
# Installation (README "Installing"). What is installed is read from the
# tree: the modules Kbuild builds (modules_install), the programs, headers
# and man pages userspace/install.mk finds, and packaging/.
#
#   make install DESTDIR=/mnt/rootfs KDIR=.. ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#
# installs into a board's root file system (depmod -b runs on the host).
# install-modules, install-user and install-system do one part each.

PREFIX        ?= /usr/local
DOCDIR        ?= $(PREFIX)/share/doc/rtdm
UDEVRULESDIR  ?= /etc/udev/rules.d
DKMSSRCDIR    ?= /usr/src
DEPMOD        ?= /sbin/depmod
INSTALL       ?= install
VERSION       := $(shell cat $(TOP)/VERSION)
MODLIST        = $(shell sh $(TOP)/packaging/modules-list $(TOP) | cut -d' ' -f1,2 | sed 's| |/|')
# no signing key in the build tree (distribution headers): do not try to sign
NOSIGN        := $(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=)
USERVARS      := CROSS_COMPILE=$(CROSS_COMPILE) OUT=$(USERDIR) EVL=$(EVL) EVL_UAPI=$(EVL_UAPI)

.PHONY: deb install uninstall install-modules install-user install-system install-dkms dkms.conf

install: install-modules install-user install-system

install-modules:
	@test -f $(BUILDDIR)/modules.order || $(MAKE) -f $(TOP)/Makefile modules
	$(MAKE) -C $(KDIR) M=$(BUILDDIR) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra $(NOSIGN) modules_install
	$(DEPMOD) -a -b $(or $(DESTDIR),/) $(KREL)

install-user:
	$(MAKE) -C $(TOP)/userspace $(USERVARS) install

install-system:
	$(INSTALL) -D -m 644 $(TOP)/packaging/60-rtdm.rules $(DESTDIR)$(UDEVRULESDIR)/60-rtdm.rules
	$(INSTALL) -D -m 644 $(TOP)/packaging/modules-load.d-rtdm.conf \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d/rtdm.conf
	$(INSTALL) -D -m 644 $(TOP)/packaging/modprobe.d-rtdm.conf \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d/rtdm.conf
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && ! getent group rtdm >/dev/null; then \
		echo "groupadd --system rtdm"; groupadd --system rtdm; fi

# dkms.conf for the tree's modules: one BUILT_MODULE_* entry per module
# packaging/modules-list finds, those Kbuild builds under a kernel option
# (the loopback gpiochip, SPI) only where the .config of the kernel DKMS
# builds for ($$kernel_config) has it; the backend is picked by Kbuild from
# that configuration too.
$(BUILDDIR)/dkms.conf dkms.conf: $(TOP)/VERSION
	@mkdir -p $(BUILDDIR)
	@{ echo '# Generated by make dkms.conf from the Kbuild files: do not edit.'; \
	  echo 'PACKAGE_NAME="rtdm"'; \
	  echo 'PACKAGE_VERSION="$(VERSION)"'; \
	  echo 'MAKE[0]="make -C $${kernel_source_dir} M=$${dkms_tree}/$${PACKAGE_NAME}/$${PACKAGE_VERSION}/build modules"'; \
	  echo 'CLEAN="make -C $${kernel_source_dir} M=$${dkms_tree}/$${PACKAGE_NAME}/$${PACKAGE_VERSION}/build clean"'; \
	  echo 'n=0'; \
	  sh $(TOP)/packaging/modules-list $(TOP) | while read -r dir mod cond; do \
		entry="BUILT_MODULE_NAME[n]=\"$$mod\"; BUILT_MODULE_LOCATION[n]=\"$$dir/\"; DEST_MODULE_LOCATION[n]=\"/updates/dkms\"; n=\$$((n + 1))"; \
		if [ -n "$$cond" ]; then \
			echo "if grep -qs '^$$cond=[ym]' \"\$$kernel_config\"; then $$entry; fi"; \
		else echo "$$entry"; fi; done; \
	  echo 'AUTOINSTALL="yes"'; } >$(BUILDDIR)/dkms.conf
	@echo "wrote $(BUILDDIR)/dkms.conf"

# the module sources as DKMS wants them: DKMSSRCDIR/rtdm-VERSION/
install-dkms: $(BUILDDIR)/dkms.conf
	$(INSTALL) -d $(DESTDIR)$(DKMSSRCDIR)/rtdm-$(VERSION)
	cd $(TOP) && tar cf - --exclude='*/user' --exclude='README.md' $(MODSRC) | \
		(cd $(DESTDIR)$(DKMSSRCDIR)/rtdm-$(VERSION) && tar xf - --no-same-owner)
	$(INSTALL) -m 644 $(BUILDDIR)/dkms.conf $(DESTDIR)$(DKMSSRCDIR)/rtdm-$(VERSION)/dkms.conf

uninstall:
	rm -f $(foreach m,$(MODLIST),$(DESTDIR)/lib/modules/$(KREL)/extra/$(m).ko)
	-[ ! -d $(DESTDIR)/lib/modules/$(KREL) ] || $(DEPMOD) -a -b $(or $(DESTDIR),/) $(KREL)
	$(MAKE) -C $(TOP)/userspace $(USERVARS) uninstall
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-rtdm.rules
	rm -rf $(DESTDIR)$(DOCDIR)/examples/modules-load.d $(DESTDIR)$(DOCDIR)/examples/modprobe.d
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

# Debian packages (dpkg-buildpackage, debhelper, dh-dkms), built from a copy
# of the tree in build/deb/rtdm-VERSION; the .deb files land in build/deb/.
DEBDIR ?= $(TOP)/build/deb
deb:
	rm -rf $(DEBDIR) && mkdir -p $(DEBDIR)/rtdm-$(VERSION)
	cd $(TOP) && tar cf - --exclude=./build --exclude=./.git --exclude='./tests' . | \
		(cd $(DEBDIR)/rtdm-$(VERSION) && tar xf -)
	cd $(DEBDIR)/rtdm-$(VERSION) && dpkg-buildpackage -us -uc -b
