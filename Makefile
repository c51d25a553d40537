# vswitch: `make run` boots the test kernel and shows the switch; `make test` runs all tests.
# Everything else (packages, test kernel, bindings, module, tool) is prepared on demand.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:/opt/vswitch/venv/bin:$(PATH)

REPO    := $(CURDIR)
KDIR    := $(shell $(REPO)/scripts/kernel --dir)
VSWCTL  := $(REPO)/target/release/vswctl
# vswctl's man pages and shell completions (written by `make tool`), laid out as under
# /usr/share: man/man8/vswctl*.8, bash-completion/completions/vswctl, zsh/site-functions/_vswctl.
VSWCTL_SHARE := $(REPO)/target/share
MODULE  := $(REPO)/vswitch.ko

.PHONY: all setup kernel module tool host-test test test-debug run bench clean help

all: module tool

help:
	@echo "make run      boot the test kernel in a VM, load vswitch.ko, show vswctl talking to it"
	@echo "make test     host cargo tests + every selftest in the VM; prints 'N passed, N failed'"
	@echo "make bench    bridge vs vswitch throughput in one VM boot (ratios)"
	@echo "make test-debug  the selftests on a debug kernel (KASAN, kmemleak, lockdep, PROVE_RCU)"
	@echo "make module   build vswitch.ko against the test kernel (builds the kernel if needed);"
	@echo "              CLIPPY=1 lints it with clippy (as CI does)"
	@echo "make tool     build vswctl, its man pages and shell completions (target/share)"
	@echo "make setup    install packages and tools (idempotent)"

setup:
	@$(REPO)/scripts/setup

kernel: setup
	@$(REPO)/scripts/kernel >/dev/null

module: kernel
	@$(REPO)/scripts/module >/dev/null

tool: setup
	@cargo build --release --locked -q -p vswctl
	@rm -rf $(VSWCTL_SHARE) && $(VSWCTL) generate $(VSWCTL_SHARE) >/dev/null

host-test: setup
	@cargo test --locked --workspace

test: module tool
	@$(REPO)/scripts/test

test-debug: setup tool
	@$(REPO)/scripts/test --debug

bench: module tool
	@$(REPO)/scripts/bench --no-build

run: module tool
	@$(REPO)/scripts/vm -- $(REPO)/scripts/demo

clean:
	@$(MAKE) --no-print-directory -C $(KDIR) M=$(REPO) LLVM=1 clean 2>/dev/null || true
	@rm -f rust/bindings_generated.rs
	@cargo clean
