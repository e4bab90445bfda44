# Benchmark tools: build/bench/xbbench (generator, sink, floor, VLAN flood prototype, FDB fill,
# the loader's ageing sweep timed, UDP echo) with its BPF programs
# embedded as skeletons. Included by the top-level Makefile (`make bench`
# builds `bench-tools`); it links the loader's build/libxb.a.
BUILD   ?= build
CLANG   ?= clang
BPFTOOL ?= bpftool
CC      ?= cc
BENCH_DIR := $(BUILD)/bench
BENCH_ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
BENCH_BPF_CFLAGS := -O2 -g -Wall -target bpf -Ibench -Iinclude -I$(BENCH_ARCH_INC)
BENCH_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude -Ibench -I$(BENCH_DIR) \
		-Iuser -I$(BUILD)
BENCH_PROGS := xbgen xbsink xbfloor xbvflood

ifneq ($(V),1)
BQ = @
endif

.PHONY: bench-tools
.SECONDARY: $(BENCH_PROGS:%=$(BENCH_DIR)/%.bpf.o)
bench-tools: $(BENCH_DIR)/xbbench

$(BENCH_DIR):
	$(BQ)mkdir -p $@

$(BENCH_DIR)/%.bpf.o: bench/%.bpf.c bench/xbbench.h | $(BENCH_DIR)
	@printf '  %-8s %s\n' BPF $@
	$(BQ)$(CLANG) $(BENCH_BPF_CFLAGS) -c $< -o $@

$(BENCH_DIR)/%.skel.h: $(BENCH_DIR)/%.bpf.o
	@printf '  %-8s %s\n' GEN-SKEL $@
	$(BQ)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(BENCH_DIR)/xbbench: bench/xbbench.c bench/xbbench.h include/xdpbridge.h $(BENCH_PROGS:%=$(BENCH_DIR)/%.skel.h) \
		$(BUILD)/libxb.a
	@printf '  %-8s %s\n' LINK $@
	$(BQ)$(CC) $(BENCH_CFLAGS) $< $(BUILD)/libxb.a -lbpf -lelf -lz -lmnl -o $@
