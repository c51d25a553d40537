#!/usr/bin/env bash
# Install: the vswitch.ko that `make install DESTDIR=...` laid out (built with
# `make module KDIR=...` on a prepared-only copy of this kernel's tree, no vmlinux; host side:
# scripts/test-install, which leaves the tree in .build/install-root) loads into this kernel,
# shows its version in sysfs, and modprobe finds it by its aliases: `tc qdisc add ... vswitch`
# and the generic netlink family lookup (vswctl) autoload it.
. "$(dirname "$0")/lib.sh"
root=$REPO/.build/install-root
kver=$(uname -r)
ko=$root/lib/modules/$kver/updates/vswitch.ko
[ -d "$root" ] || ksft_skip "no .build/install-root: run scripts/test-install on the host (scripts/test does)"
version=$(sed -n 's/^pub const VERSION: &str = "\(.*\)";/\1/p' "$REPO/vswitch/uapi.rs")
work=$(mktemp -d /tmp/vsw18.XXXXXX)
saved_modprobe=$(cat /proc/sys/kernel/modprobe)

cleanup() {
    echo "$saved_modprobe" > /proc/sys/kernel/modprobe
    ip link del vsw18a 2>/dev/null
    rm -rf "$work"
    # Back to the module under test for the files after this one.
    unload_module 2>/dev/null
    load_module
    true
}
trap cleanup EXIT

test_installed_for_this_kernel() {
    if [ -f "$ko" ]; then
        ok "make install laid out lib/modules/$kver/updates/vswitch.ko"
    else
        not_ok "make install laid out lib/modules/$kver/updates/vswitch.ko" "$(cd "$root" && find . -name '*.ko')"
    fi
}

test_load_installed() {
    unload_module
    local err=""
    insmod "$ko" || err="insmod failed"
    [ -z "$err" ] && [ "$(cat /sys/module/vswitch/version 2>&1)" != "$version" ] &&
        err="/sys/module/vswitch/version: $(cat /sys/module/vswitch/version 2>&1)"
    [ -z "$err" ] && ! vswctl version | grep -q "vswitch module $version" && err="$(vswctl version 2>&1)"
    rmmod vswitch || err="${err:+$err; }rmmod failed"
    if [ -z "$err" ]; then
        ok "the prepared-tree module loads: /sys/module/vswitch/version and vswctl version say $version"
    else
        not_ok "the prepared-tree module loads: /sys/module/vswitch/version and vswctl version say $version" "$err"
    fi
}

# The kernel's module requests go through a modprobe that logs them and looks in the
# installed tree (depmod's modules.alias there, made from the module's modinfo).
setup_modprobe() {
    mkdir -p "$work/root/lib/modules/$kver"
    cp -a "$root/lib/modules/$kver/." "$work/root/lib/modules/$kver/"
    # (Its warnings about the kernel's own module lists, absent from this tree, are noise.)
    local out
    out=$(depmod -b "$work/root" "$kver" 2>&1) || { echo "$out"; return 1; }
    cat > "$work/modprobe" <<EOT
#!/bin/sh
echo "\$*" >> $work/requests
exec $(command -v modprobe) -d $work/root "\$@"
EOT
    chmod +x "$work/modprobe"
    echo "$work/modprobe" > /proc/sys/kernel/modprobe
}

test_qdisc_autoloads() {
    local err=""
    unload_module
    local out
    out=$(setup_modprobe) || err="depmod failed: $out"
    grep -q 'alias net-sch-vswitch vswitch' "$work/root/lib/modules/$kver/modules.alias" ||
        err="${err:+$err; }modules.alias: $(cat "$work/root/lib/modules/$kver/modules.alias")"
    ip link add vsw18a type veth peer name vsw18b
    out=$(tc qdisc add dev vsw18a root vswitch 2>&1) || err="${err:+$err; }tc: $out"
    module_loaded || err="${err:+$err; }module not loaded"
    grep -qx -- '-q -- net-sch-vswitch' "$work/requests" 2>/dev/null ||
        err="${err:+$err; }requests: $(cat "$work/requests" 2>&1)"
    tc qdisc show dev vsw18a | grep -q "qdisc vswitch" || err="${err:+$err; }$(tc qdisc show dev vsw18a)"
    ip link del vsw18a
    if [ -z "$err" ]; then
        ok "tc qdisc add ... vswitch autoloads the installed module (net-sch-vswitch)"
    else
        not_ok "tc qdisc add ... vswitch autoloads the installed module (net-sch-vswitch)" "$err"
    fi
}

test_genl_autoloads() {
    local err="" out
    unload_module
    : > "$work/requests"
    out=$(vswctl version 2>&1) || err="vswctl: $out"
    module_loaded || err="${err:+$err; }module not loaded"
    grep -q 'net-pf-16-proto-16-family-vswitch' "$work/requests" ||
        err="${err:+$err; }requests: $(cat "$work/requests")"
    if [ -z "$err" ]; then
        ok "vswctl autoloads the installed module (net-pf-16-proto-16-family-vswitch)"
    else
        not_ok "vswctl autoloads the installed module (net-pf-16-proto-16-family-vswitch)" "$err"
    fi
}

ALL_TESTS="
    test_installed_for_this_kernel
    test_load_installed
    test_qdisc_autoloads
    test_genl_autoloads
"
run_tests
