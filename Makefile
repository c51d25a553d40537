# vswitch: `make run` boots the test kernel and shows the switch; `make test` runs all tests.
# Everything else (packages, test kernel, bindings, module, tool) is prepared on demand.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:/opt/vswitch/venv/bin:$(PATH)

REPO    := $(CURDIR)
VSWCTL  := $(REPO)/target/release/vswctl
# vswctl's man pages and shell completions (written by `make tool`), laid out as under
# /usr/share: man/man8/vswctl*.8, bash-completion/completions/vswctl, zsh/site-functions/_vswctl.
VSWCTL_SHARE := $(REPO)/target/share
MODULE  := $(REPO)/vswitch.ko

# KDIR: a kernel build tree (CONFIG_RUST, >= 6.12, `make modules_prepare` done, as a
# distribution's headers package provides it). Not given: the project's test kernel, built
# on demand (scripts/kernel); `make install` then builds for the running kernel.
ifeq ($(filter command line environment,$(origin KDIR)),)
KDIR          = $(shell $(REPO)/scripts/kernel --dir)
INSTALL_KDIR := /lib/modules/$(shell uname -r)/build
TESTKERNEL   := 1
else
INSTALL_KDIR := $(KDIR)
endif
# `make install` destinations (scripts/install): the module under
# $(INSTALL_MOD_PATH)/lib/modules/<release>/updates, everything else under $(DESTDIR)$(PREFIX).
PREFIX           ?= /usr/local
DESTDIR          ?=
INSTALL_MOD_PATH ?= $(DESTDIR)
UNITDIR          ?= $(PREFIX)/lib/systemd/system

.PHONY: all setup kernel module tool install host-test test test-debug run bench clean clean-module help

all: module tool

help:
	@echo "make run      boot the test kernel in a VM, load vswitch.ko, show vswctl talking to it"
	@echo "make test     host cargo tests + every selftest in the VM; prints 'N passed, N failed'"
	@echo "make bench    bridge vs vswitch throughput in one VM boot (ratios)"
	@echo "make test-debug  the selftests on a debug kernel (KASAN, kmemleak, lockdep, PROVE_RCU)"
	@echo "make module   build vswitch.ko against the test kernel (builds the kernel if needed);"
	@echo "              CLIPPY=1 lints it with clippy (as CI does);"
	@echo "              KDIR=/path/to/kernel/build: against that kernel (docs/install.md)"
	@echo "make tool     build vswctl, its man pages and shell completions (target/share)"
	@echo "make install  module (modules_install), vswctl, man pages, completions, systemd unit;"
	@echo "              KDIR (default: the running kernel's), DESTDIR, PREFIX (/usr/local)"
	@echo "make setup    install packages and tools (idempotent)"

setup:
	@$(REPO)/scripts/setup

kernel: setup
	@$(REPO)/scripts/kernel >/dev/null

ifdef TESTKERNEL
module: kernel
	@$(REPO)/scripts/module >/dev/null
else
module:
	@$(REPO)/scripts/module --kdir "$(KDIR)" >/dev/null
endif

tool: setup
	@cargo build --release --locked -q -p vswctl
	@rm -rf $(VSWCTL_SHARE) && $(VSWCTL) generate $(VSWCTL_SHARE) >/dev/null

install:
	@KDIR="$(INSTALL_KDIR)" PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" \
		INSTALL_MOD_PATH="$(INSTALL_MOD_PATH)" UNITDIR="$(UNITDIR)" $(REPO)/scripts/install

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

# clean-module: the module's build outputs only (DKMS's CLEAN); clean: also the tool's.
clean-module:
	@$(MAKE) --no-print-directory -C $(KDIR) M=$(REPO) LLVM=1 clean 2>/dev/null || true
	@rm -f rust/bindings_generated.rs rust/bindings_generated.rs.kdir

clean: clean-module
	@cargo clean
