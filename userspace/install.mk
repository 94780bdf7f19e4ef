# RTDM for Dovetail - user space: shared libraries, make install / uninstall
# (included by userspace/Makefile; the top-level Makefile's install calls
# these with the same variables)
#
#   make install   [DESTDIR=] [PREFIX=/usr/local] [BINDIR=] [LIBDIR=] [INCLUDEDIR=]
#                  [MANDIR=] [PKGCONFIGDIR=] [SHARED=1|0]
#   make uninstall (same variables)
#
# What is installed is read from the tree, never from a list here:
#   programs   every tool (tools/<tool>/) and every drivers/*/user/<name>.c,
#              except the test suite's own programs (tests/guest/, *-test,
#              *-check)
#   man pages  every <name>.<section> file next to those sources (tools/*/,
#              drivers/*/user/) and in userspace/ (rtdm-config.1)
#   headers    include/rtdm/uapi/**.h -> INCLUDEDIR/rtdm/uapi/,
#              userspace/include/**.h -> INCLUDEDIR/ (rtdm/, boilerplate/,
#              smokey/, xenomai/, xeno_config.h)
#   libraries  librtdm.a, librtdm_posix.a, libsmokey.a and (SHARED=1)
#              librtdm.so.0, librtdm_posix.so.0
#   rtdm-config, rtdm.pc, rtdm-posix.pc (LIBDIR/pkgconfig)

PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
MANDIR       ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
SHARED       ?= 1
INSTALL      ?= install
VERSION      := $(shell cat $(TOP)/VERSION)
SOVERSION    := 0

INSTALL_PROGS := $(TOOLS) $(filter-out %-test %-check,\
		 $(basename $(notdir $(wildcard $(TOP)/drivers/*/user/*.c))))
MANPAGES      := $(sort $(wildcard $(USERSPACE)/tools/*/*.[1-8] \
				   $(TOP)/drivers/*/user/*.[1-8] $(USERSPACE)/*.[1-8]))
UAPI_HEADERS  := $(patsubst $(TOP)/include/%,%,$(shell find $(TOP)/include/rtdm/uapi -name '*.h' | sort))
USER_HEADERS  := $(patsubst $(USERSPACE)/include/%,%,$(shell find $(USERSPACE)/include -name '*.h' | sort))

# Shared libraries: the same sources built position-independent.
PIC       := $(OBJ)/pic
pic_of     = $(patsubst $(OBJ)/%,$(PIC)/%,$(1))
SO_RTDM       := $(OUT)/lib/librtdm.so.$(SOVERSION)
SO_RTDM_POSIX := $(OUT)/lib/librtdm_posix.so.$(SOVERSION)

.PHONY: shared install uninstall list-programs

shared: $(SO_RTDM) $(SO_RTDM_POSIX)

$(PIC)/%.o: $(TOP)/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -c -o $@ $<

$(PIC)/userspace/lib/sys-posix.o: $(USERSPACE)/lib/sys.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -DRTDM_POSIX_WRAP -c -o $@ $<

$(SO_RTDM): $(call pic_of,$(LIB_RTDM_OBJS))
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(notdir $@) $(filter-out -static,$(LDFLAGS)) -o $@ $^
	ln -sf $(notdir $@) $(OUT)/lib/librtdm.so

# the library's own calls to the C library go through __real_*(): link it
# with the same --wrap flags as the programs
$(SO_RTDM_POSIX): $(call pic_of,$(LIB_POSIX_OBJS))
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(notdir $@) $(filter-out -static,$(LDFLAGS)) $(WRAP_LDFLAGS) -o $@ $^
	ln -sf $(notdir $@) $(OUT)/lib/librtdm_posix.so

list-programs:
	@echo $(INSTALL_PROGS)

subst_paths = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		  -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@INCDIRS@|$(INCLUDEDIR)|g' \
		  -e 's|@TOP@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
		  -e 's|@WRAP@|$(WRAP_LDFLAGS)|g'

install: all $(if $(filter 1,$(SHARED)),shared)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 755 $(addprefix $(OUT)/bin/,$(INSTALL_PROGS)) $(DESTDIR)$(BINDIR)/
	$(subst_paths) $(USERSPACE)/rtdm-config >$(DESTDIR)$(BINDIR)/rtdm-config
	chmod 755 $(DESTDIR)$(BINDIR)/rtdm-config
	$(INSTALL) -m 644 $(LIB_RTDM) $(LIB_RTDM_POSIX) $(LIB_SMOKEY) $(DESTDIR)$(LIBDIR)/
ifeq ($(SHARED),1)
	$(INSTALL) -m 644 $(SO_RTDM) $(SO_RTDM_POSIX) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SO_RTDM)) $(DESTDIR)$(LIBDIR)/librtdm.so
	ln -sf $(notdir $(SO_RTDM_POSIX)) $(DESTDIR)$(LIBDIR)/librtdm_posix.so
endif
	$(subst_paths) $(TOP)/packaging/rtdm.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/rtdm.pc
	$(subst_paths) $(TOP)/packaging/rtdm-posix.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/rtdm-posix.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/rtdm.pc $(DESTDIR)$(PKGCONFIGDIR)/rtdm-posix.pc
	for h in $(UAPI_HEADERS); do \
		$(INSTALL) -D -m 644 $(TOP)/include/$$h $(DESTDIR)$(INCLUDEDIR)/$$h || exit 1; done
	for h in $(USER_HEADERS); do \
		$(INSTALL) -D -m 644 $(USERSPACE)/include/$$h $(DESTDIR)$(INCLUDEDIR)/$$h || exit 1; done
	for m in $(MANPAGES); do s=$${m##*.}; \
		$(INSTALL) -D -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/$$(basename $$m) || exit 1; done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(INSTALL_PROGS) rtdm-config)
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,librtdm.a librtdm_posix.a libsmokey.a librtdm.so librtdm_posix.so \
		$(notdir $(SO_RTDM) $(SO_RTDM_POSIX)))
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/rtdm.pc $(DESTDIR)$(PKGCONFIGDIR)/rtdm-posix.pc
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(UAPI_HEADERS) $(USER_HEADERS))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/rtdm/uapi $(DESTDIR)$(INCLUDEDIR)/rtdm \
		$(DESTDIR)$(INCLUDEDIR)/smokey 2>/dev/null
	for m in $(notdir $(MANPAGES)); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$m; done
