# xdpbridge build. `make` builds build/xdpbridge and its man page; `make test`
# runs every test; `make install` (PREFIX, DESTDIR) installs it; `make demo`
# runs the namespace demo; `make bench` the benchmark; `make vmtest` the suites
# in a VM on another kernel. V=1 shows commands. SANITIZE=1 builds user space
# (loader, libxb.a, test suites) with ASan + UBSan into build-san/ instead,
# and `make test SANITIZE=1` runs the unit and BPF suites from there (plain
# `make test` runs those sanitized suites too). `make fuzz` runs the long
# fuzzers (tests/fuzz/README.md).
SAN_BUILD ?= build-san
ifeq ($(SANITIZE),1)
BUILD     := $(SAN_BUILD)
else
BUILD     ?= build
endif
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
ARCH_INC  := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude -I$(BUILD) -Iuser
BPF_CFLAGS := -O2 -g -Wall -target bpf -mcpu=v3 -D__BPF__ -Iinclude -I$(ARCH_INC)
LDLIBS    := -lbpf -lelf -lz -lmnl
ifeq ($(SANITIZE),1)
# Any finding aborts the process: a test that trips a sanitizer fails.
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CFLAGS    += $(SAN_FLAGS)
endif
TEST_LIBS := -lcriterion

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all clean test test-unit test-bpf test-integration test-slow demo bench deps vmtest vmtest-taps \
	vmtest-libvirt install uninstall fuzz

USER_SRCS := $(filter-out user/main.c,$(wildcard user/*.c))
USER_OBJS := $(patsubst user/%.c,$(BUILD)/obj/%.o,$(USER_SRCS))
SKEL      := $(BUILD)/xdpbridge.skel.h

all: $(BUILD)/xdpbridge $(BUILD)/xbpkt $(BUILD)/xb_vlan_push.bpf.o $(BUILD)/xdpbridge.8

$(BUILD) $(BUILD)/obj:
	$(Q)mkdir -p $@

$(BUILD)/xdpbridge.bpf.o: bpf/xdpbridge.bpf.c $(wildcard bpf/*.h) include/xdpbridge.h | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BUILD)/xdpbridge.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name xdpbridge_bpf > $@

$(BUILD)/obj/%.o: user/%.c $(wildcard user/*.h) include/xdpbridge.h $(SKEL) | $(BUILD)/obj
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libxb.a: $(USER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/xdpbridge: $(BUILD)/obj/main.o $(BUILD)/libxb.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# The man page: scdoc source (man/xdpbridge.8.scd) to roff.
$(BUILD)/xdpbridge.8: man/xdpbridge.8.scd | $(BUILD)
	$(call msg,SCDOC,$@)
	$(Q)scdoc < $< > $@

# Test tools and suites
$(BUILD)/xbpkt: tests/tools/xbpkt.c | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# Built here, not by the test: make vmtest's guest has no clang.
$(BUILD)/xb_vlan_push.bpf.o: tests/tools/xb_vlan_push.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/test_unit: $(wildcard tests/unit/*.c) $(BUILD)/libxb.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(wildcard tests/unit/*.c) $(BUILD)/libxb.a $(LDLIBS) $(TEST_LIBS) -o $@

$(BUILD)/test_bpf: $(wildcard tests/bpf/*.c) $(wildcard tests/bpf/*.h) $(SKEL) $(BUILD)/libxb.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(wildcard tests/bpf/*.c) $(BUILD)/libxb.a $(LDLIBS) $(TEST_LIBS) -o $@

# The frame fuzzer (tests/fuzz/frames.c) on the BPF suites' fixture.
FUZZ_SRCS := tests/fuzz/frames.c tests/bpf/fixture.c
$(BUILD)/test_fuzz: $(FUZZ_SRCS) $(wildcard tests/bpf/*.h) $(SKEL) $(BUILD)/libxb.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/bpf $(FUZZ_SRCS) $(BUILD)/libxb.a $(LDLIBS) $(TEST_LIBS) -o $@

# libFuzzer targets for the user-space parsers (tests/fuzz/fuzz_*.c): clang's
# -fsanitize=fuzzer (libclang-rt-14-dev) with ASan and UBSan.
FUZZ_CC      ?= clang
FUZZ_TARGETS := parse args config
FUZZ_LIBSRCS := user/parse.c user/args.c user/config.c user/settings.c user/log.c user/json_print.c
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude -Iuser \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIBSRCS) $(wildcard user/*.h) include/xdpbridge.h | $(BUILD)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_LIBSRCS) -lbpf -o $@

# The long fuzzing run: each parser target for FUZZ_TIME seconds, then the
# frame fuzzer for each of FUZZ_SEEDS random seeds, FUZZ_FRAMES frames in its
# main test (frames_native) and a share of that in each other one.
FUZZ_TIME   ?= 60
FUZZ_FRAMES ?= 1000000
FUZZ_SEEDS  ?= 2
fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/test_fuzz $(addprefix $(BUILD)/fuzz_,$(FUZZ_TARGETS))
	$(Q)BUILD=$(BUILD) FUZZ_TIME=$(FUZZ_TIME) FUZZ_FRAMES=$(FUZZ_FRAMES) FUZZ_SEEDS=$(FUZZ_SEEDS) \
		FUZZ_TARGETS="$(FUZZ_TARGETS)" ./tests/fuzz/run.sh

deps:
	$(Q)./scripts/install-deps.sh

# Plain: every suite, the ASan + UBSan builds of the unit and BPF suites and
# the short frame fuzzer included. SANITIZE=1: the sanitized unit and BPF
# suites alone.
# Builds in make test use every CPU (about 40 s less on 2 cores).
NPROC := $(shell nproc 2>/dev/null || echo 1)

ifeq ($(SANITIZE),1)
test: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 $(BUILD)/test_unit $(BUILD)/test_bpf
	$(Q)BUILD=$(BUILD) XB_SUITES="unit bpf" ./scripts/run-tests.sh
else
test: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all $(BUILD)/test_unit $(BUILD)/test_bpf $(BUILD)/test_fuzz
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) SANITIZE=1 $(SAN_BUILD)/test_unit $(SAN_BUILD)/test_bpf
	$(Q)BUILD=$(BUILD) SAN_BUILD=$(SAN_BUILD) ./scripts/run-tests.sh
endif

test-unit: $(BUILD)/test_unit
	$(Q)$(BUILD)/test_unit

test-bpf: $(BUILD)/test_bpf
	$(Q)$(BUILD)/test_bpf

test-integration: all
	$(Q)./tests/integration/run.sh

# Integration tests of minutes each (STP re-elections, TCN ageing, loop
# restart): `make test` reports them skipped to stay within 15 minutes.
test-slow: all
	$(Q)XB_SLOW=1 ./tests/integration/run.sh test_stp

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./scripts/demo.sh

include bench/bench.mk

bench: deps
	$(Q)$(MAKE) --no-print-directory all bench-tools
	$(Q)./scripts/bench.sh

# Kernel-facing suites in a qemu VM on Debian 12's 6.1 LTS kernel
# (make vmtest KERNEL=/path/to/bzImage for another). Minutes under TCG: not in CI.
vmtest:
	$(Q)./scripts/install-deps.sh vmtest
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/test_bpf
	$(Q)KERNEL=$(KERNEL) ./vmtest/run.sh

# Two qemu guests on tap ports, bridged by xdpbridge, then by the Linux bridge.
vmtest-taps:
	$(Q)./scripts/install-deps.sh vmtest
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./vmtest/tap-guests.sh

# A libvirt guest (real libvirtd, TCG) whose tap joins by --auto-port. Minutes: not in CI.
vmtest-libvirt:
	$(Q)./scripts/install-deps.sh vmtest libvirt
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./vmtest/libvirt-guest.sh

# Install: the binary (its BPF object is inside, in the skeleton), the man
# page, bash completion, the systemd unit, the ifupdown and libvirt hooks, a
# sample bridge file. Configuration goes to SYSCONFDIR (/etc) whatever PREFIX;
# /etc/default/xdpbridge is installed only where none exists (it is the
# admin's), and uninstall leaves it when it was changed.
PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR  ?= /etc
INSTALL     ?= install
# Scripts learn where the binary is.
fill_in = sed 's|@SBINDIR@|$(SBINDIR)|g' $(1) > $(2)

INSTALLED := $(SBINDIR)/xdpbridge $(MANDIR)/man8/xdpbridge.8 $(BASHCOMPDIR)/xdpbridge \
	$(UNITDIR)/xdpbridge@.service \
	$(SYSCONFDIR)/network/if-pre-up.d/xdpbridge $(SYSCONFDIR)/network/if-post-down.d/xdpbridge \
	$(SYSCONFDIR)/libvirt/hooks/qemu.d/xdpbridge $(SYSCONFDIR)/xdpbridge/BRIDGE.conf.example

install: $(BUILD)/xdpbridge $(BUILD)/xdpbridge.8
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX) $(DESTDIR)$(SYSCONFDIR))
	$(Q)$(INSTALL) -d $(addprefix $(DESTDIR),$(SBINDIR) $(MANDIR)/man8 $(BASHCOMPDIR) $(UNITDIR) \
		$(SYSCONFDIR)/network/if-pre-up.d $(SYSCONFDIR)/network/if-post-down.d \
		$(SYSCONFDIR)/libvirt/hooks/qemu.d $(SYSCONFDIR)/xdpbridge $(SYSCONFDIR)/default)
	$(Q)$(INSTALL) -m 755 $(BUILD)/xdpbridge $(DESTDIR)$(SBINDIR)/xdpbridge
	$(Q)$(INSTALL) -m 644 $(BUILD)/xdpbridge.8 $(DESTDIR)$(MANDIR)/man8/xdpbridge.8
	$(Q)$(INSTALL) -m 644 completion/xdpbridge $(DESTDIR)$(BASHCOMPDIR)/xdpbridge
	$(Q)$(call fill_in,dist/systemd/xdpbridge@.service,$(DESTDIR)$(UNITDIR)/xdpbridge@.service)
	$(Q)chmod 644 $(DESTDIR)$(UNITDIR)/xdpbridge@.service
	$(Q)for d in if-pre-up.d if-post-down.d; do \
		$(call fill_in,dist/ifupdown/xdpbridge,$(DESTDIR)$(SYSCONFDIR)/network/$$d/xdpbridge) && \
		chmod 755 $(DESTDIR)$(SYSCONFDIR)/network/$$d/xdpbridge || exit 1; \
	done
	$(Q)$(call fill_in,dist/libvirt/qemu-hook,$(DESTDIR)$(SYSCONFDIR)/libvirt/hooks/qemu.d/xdpbridge)
	$(Q)chmod 755 $(DESTDIR)$(SYSCONFDIR)/libvirt/hooks/qemu.d/xdpbridge
	$(Q)$(INSTALL) -m 644 dist/BRIDGE.conf.example $(DESTDIR)$(SYSCONFDIR)/xdpbridge/BRIDGE.conf.example
	$(Q)[ -e $(DESTDIR)$(SYSCONFDIR)/default/xdpbridge ] || \
		$(INSTALL) -m 644 dist/xdpbridge.default $(DESTDIR)$(SYSCONFDIR)/default/xdpbridge

uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX) $(DESTDIR)$(SYSCONFDIR))
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)! cmp -s dist/xdpbridge.default $(DESTDIR)$(SYSCONFDIR)/default/xdpbridge || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/default/xdpbridge
	$(Q)rmdir $(DESTDIR)$(SYSCONFDIR)/xdpbridge $(DESTDIR)$(SYSCONFDIR)/libvirt/hooks/qemu.d 2>/dev/null || true

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD) $(SAN_BUILD)
