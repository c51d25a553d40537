#!/usr/bin/env bash
# Without interrupt remapping (VM booted with scripts/vm --no-iommu; make test runs it in a
# second VM): the VF's vectors are reported as not remapped, the tool and the kernel log say
# so plainly.
. "$(dirname "$0")/lib.sh"
load_module
PF=$(ls /sys/bus/pci/drivers/igb/ 2>/dev/null | grep -m1 '^0000:')
[ -n "$PF" ] || ksft_skip "no igb PF in this VM (scripts/vm adds -device igb)"
grep -q "IR-PCI" /proc/interrupts && ksft_skip "interrupts are remapped: needs a VM without intel-iommu (scripts/vm --no-iommu)"
PFDEV=$(ls /sys/bus/pci/devices/$PF/net)
cleanup() {
    vswctl switch del -f nr 2>/dev/null
    true
}
trap cleanup EXIT
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# A switch nr on the PF with one VF port nrvf, the VF's netdev up.
dmesg_mark
vswctl switch add nr uplink "$PFDEV"
vswctl switch set nr sriov 1
vswctl port add nrvf switch nr vf 0
ip link set "$(ls /sys/bus/pci/devices/$PF/virtfn0/net)" up; sleep 1

test_not_remapped() {
    local out; out=$(vswctl -j port show nrvf irqs)
    if [ "$(j 'd["remapped"]' <<<"$out")" = False ] && [ "$(j 'len(d["irqs"])' <<<"$out")" -ge 1 ] &&
       [ "$(j 'any("IR" in e["domains"].split(" -> ")[1:2] or e["remapped"] for e in d["irqs"])' <<<"$out")" = False ]; then
        ok "without intremap: $(j 'len(d["irqs"])' <<<"$out") vectors, not remapped ($(j 'd["irqs"][0]["domains"]' <<<"$out"))"
    else
        not_ok "without intremap: vectors reported as not remapped" "$out"
    fi
}

test_tool_warns() {
    if vswctl port show nrvf irqs | grep -q "warning: interrupt remapping is off"; then
        ok "vswctl port show irqs warns that remapping is off"
    else
        not_ok "vswctl port show irqs warns that remapping is off" "$(vswctl port show nrvf irqs)"
    fi
}

test_kernel_warns_once() {
    vswctl port show nrvf irqs >/dev/null
    if [ "$(dmesg | grep -c 'interrupt remapping is off')" = 1 ]; then
        ok "the kernel warns once"
    else
        not_ok "the kernel warns once" "$(dmesg | grep 'remapping')"
    fi
    vswctl switch del -f nr
}

ALL_TESTS="
    test_not_remapped
    test_tool_warns
    test_kernel_warns_once
"
run_tests
