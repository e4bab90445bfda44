# xdpbridge build. `make` builds build/xdpbridge; `make test` runs every test;
# `make demo` runs the namespace demo; `make bench` the benchmark; `make vmtest`
# the suites in a VM on another kernel. V=1 shows commands.
BUILD     ?= build
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
ARCH_INC  := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude -I$(BUILD) -Iuser
BPF_CFLAGS := -O2 -g -Wall -target bpf -mcpu=v3 -D__BPF__ -Iinclude -I$(ARCH_INC)
LDLIBS    := -lbpf -lelf -lz -lmnl
TEST_LIBS := -lcriterion

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all clean test test-unit test-bpf test-integration demo bench deps vmtest vmtest-taps vmtest-libvirt

USER_SRCS := $(filter-out user/main.c,$(wildcard user/*.c))
USER_OBJS := $(patsubst user/%.c,$(BUILD)/obj/%.o,$(USER_SRCS))
SKEL      := $(BUILD)/xdpbridge.skel.h

all: $(BUILD)/xdpbridge $(BUILD)/xbpkt

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

# Test tools and suites
$(BUILD)/xbpkt: tests/tools/xbpkt.c | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(BUILD)/test_unit: $(wildcard tests/unit/*.c) $(BUILD)/libxb.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(wildcard tests/unit/*.c) $(BUILD)/libxb.a $(LDLIBS) $(TEST_LIBS) -o $@

$(BUILD)/test_bpf: $(wildcard tests/bpf/*.c) $(wildcard tests/bpf/*.h) $(SKEL) $(BUILD)/libxb.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(wildcard tests/bpf/*.c) $(BUILD)/libxb.a $(LDLIBS) $(TEST_LIBS) -o $@

deps:
	$(Q)./scripts/install-deps.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/test_unit $(BUILD)/test_bpf
	$(Q)./scripts/run-tests.sh

test-unit: $(BUILD)/test_unit
	$(Q)$(BUILD)/test_unit

test-bpf: $(BUILD)/test_bpf
	$(Q)$(BUILD)/test_bpf

test-integration: all
	$(Q)./tests/integration/run.sh

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

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)
