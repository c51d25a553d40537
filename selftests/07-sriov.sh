#!/usr/bin/env bash
# SR-IOV VF-backed vPorts on the VM's igb (82576, SR-IOV) behind an intel-iommu with
# interrupt remapping: VFs enabled and disabled by the switch, errors, the VF programmed
# through the PF, its MSI-X vectors reported through the IR domain and steered by VMQ,
# a VF bound to vfio-pci, and teardown. The cases run in order on one switch sr.
. "$(dirname "$0")/lib.sh"
load_module

PF=$(ls /sys/bus/pci/drivers/igb/ 2>/dev/null | grep -m1 '^0000:')
[ -n "$PF" ] || ksft_skip "no igb PF in this VM (scripts/vm adds -device igb)"
PFDEV=$(ls /sys/bus/pci/devices/$PF/net)
TOTAL=$(cat /sys/bus/pci/devices/$PF/sriov_totalvfs)
cleanup() {
    vswctl switch del -f sr 2>/dev/null; vswctl switch del -f sv 2>/dev/null
    ip link del srve0 2>/dev/null
    echo 0 > /sys/bus/pci/devices/$PF/sriov_numvfs 2>/dev/null
    true
}
trap cleanup EXIT
cleanup
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
vfdev() { ls /sys/bus/pci/devices/$PF/virtfn$1/net 2>/dev/null; }
# the VF's vectors' CPUs, as port show irqs reports them
effs() { vswctl -j port show vf1 irqs | j '",".join(sorted(set(str(e["cpu"]) for e in d["irqs"])))'; }
promisc_before=$(ip -d link show "$PFDEV" | grep -c promiscuity\ 0)

# the switch enables VFs on its uplink (the PF)
test_enable_vfs() {
    vswctl switch add sr uplink "$PFDEV"
    if vswctl switch set sr sriov 2 && [ "$(cat /sys/bus/pci/devices/$PF/sriov_numvfs)" = 2 ] &&
       [ -e /sys/bus/pci/devices/$PF/virtfn1 ] && [ "$(vswctl -j switch show sr | j 'd[0]["sriov"]')" = 2 ]; then
        ok "switch set sriov 2: two VFs on $PF ($TOTAL possible)"
    else
        not_ok "switch set sriov 2: two VFs appear" "$(vswctl switch show sr; ls /sys/bus/pci/devices/$PF/)"
    fi
}

test_too_many_vfs() {
    local e1
    if expect_fail e1 vswctl switch set sr sriov $((TOTAL + 1)) && grep -q "sriov_totalvfs" <<<"$e1"; then
        ok "sriov beyond sriov_totalvfs refused: $e1"
    else
        not_ok "sriov beyond sriov_totalvfs refused" "$e1"
    fi
}

# an uplink that is no SR-IOV PF
test_not_a_pf() {
    local e2 e3
    ip link add srve0 type veth peer name srve1
    vswctl switch add sv uplink srve0
    if expect_fail e2 vswctl switch set sv sriov 1 && grep -q "not a PCI device" <<<"$e2" &&
       expect_fail e3 vswctl port add sv9 switch sv vf 0 && grep -q "SR-IOV PF" <<<"$e3"; then
        ok "sriov and VF ports refused on a veth uplink: $e2"
    else
        not_ok "sriov and VF ports refused on a veth uplink" "$e2 / $e3"
    fi
    vswctl switch del sv; ip link del srve0
}

# a VF-backed port gets its MAC and VLAN through the PF
test_vf_programmed_through_pf() {
    vswctl port add vf1 switch sr vf 0 mac 02:00:00:00:61:01 pvid 10
    local pfshow; pfshow=$(ip link show "$PFDEV")
    if grep "vf 0 " <<<"$pfshow" | grep -qi "02:00:00:00:61:01" && grep "vf 0 " <<<"$pfshow" | grep -q "vlan 10" &&
       grep "vf 0 " <<<"$pfshow" | grep -q "spoof checking on" && grep "vf 0 " <<<"$pfshow" | grep -q "trust off"; then
        ok "VF port: ip link show $PFDEV lists vf 0 with its MAC, vlan 10, spoof checking on, trust off"
    else
        not_ok "VF port: ip link show PF lists the VF's MAC and VLAN" "$pfshow"
    fi
}

test_port_show() {
    local out; out=$(vswctl -j port show vf1)
    if [ "$(j 'd[0]["vf"]' <<<"$out")" = 0 ] && [ "$(j 'd[0]["driver"]' <<<"$out")" = igbvf ] &&
       [ "$(j 'd[0]["vf_dev"]' <<<"$out")" = "$(vfdev 0)" ]; then
        ok "port show: vf 0, driver igbvf, netdev $(vfdev 0)"
    else
        not_ok "port show: vf 0, driver igbvf, its netdev" "$out"
    fi
}

# the irq table: IR domain, matching /proc/interrupts and effective_affinity
test_irq_table() {
    local mism
    VF0=$(vfdev 0); ip link set "$VF0" up; sleep 1
    irqs=$(vswctl -j port show vf1 irqs)
    mism=$(python3 - "$irqs" "$VF0" <<'PY'
import json, sys
d = json.loads(sys.argv[1]); dev = sys.argv[2]
proc = {l.split(':')[0].strip(): l for l in open('/proc/interrupts') if ':' in l}
bad = []
if not d['irqs']: bad.append('no vectors')
for e in d['irqs']:
    line = proc.get(str(e['irq']))
    if not line or e['chip'] not in line: bad.append('irq %s not in /proc/interrupts with chip %s' % (e['irq'], e['chip']))
    eff = open('/proc/irq/%d/effective_affinity_list' % e['irq']).read().strip()
    if str(e['cpu']) != eff: bad.append('irq %d cpu %s != effective %s' % (e['irq'], e['cpu'], eff))
    if 'INTEL-IR' not in e['domains'] or not e['remapped'] or e['irte'] is None: bad.append('irq %d not through INTEL-IR: %s' % (e['irq'], e['domains']))
print('; '.join(bad))
PY
)
    if [ -z "$mism" ] && [ "$(j 'd["remapped"]' <<<"$irqs")" = True ]; then
        ok "port show irqs: $(j 'len(d["irqs"])' <<<"$irqs") vectors through $(j 'd["irqs"][0]["domains"]' <<<"$irqs"), with IRTE index"
    else
        not_ok "port show irqs: vectors through the IR domain" "$mism $irqs"
    fi
}

test_irq_table_complete() {
    if [ "$(grep -c "$VF0" /proc/interrupts)" = "$(j 'len(d["irqs"])' <<<"$irqs")" ]; then
        ok "the table has every vector /proc/interrupts shows for $VF0"
    else
        not_ok "the table has every vector /proc/interrupts shows" "$(grep "$VF0" /proc/interrupts) / $irqs"
    fi
}

# steering: the VF's vectors follow the port's VMQ CPU
test_vectors_steered() {
    local c3 c1
    vswctl switch set sr vmq static vmq-base-cpu 3 vmq-max-cpus 1; c3=$(effs)
    vswctl switch set sr vmq-base-cpu 1; c1=$(effs)
    if [ "$c3" = 3 ] && [ "$c1" = 1 ] && [ "$(vswctl -j vmq show sr | j '[x["cpu"] for x in d if x["port"]=="vf1"][0]')" = 1 ]; then
        ok "VF vectors steered with the port's VMQ CPU: all on CPU 3, then all on CPU 1"
    else
        not_ok "VF vectors steered with the port's VMQ CPU" "after base 3: $c3, after base 1: $c1; $(vswctl vmq show sr)"
    fi
}

# VMQ keeps them there (one place decides the CPU)
test_vmq_puts_vector_back() {
    local i0 back
    vswctl switch set sr vmq dynamic interval 200
    i0=$(vswctl -j port show vf1 irqs | j 'd["irqs"][0]["irq"]')
    echo 2 > /proc/irq/$i0/smp_affinity_list
    back=0
    for _ in $(seq 15); do sleep 0.3; [ "$(cat /proc/irq/$i0/effective_affinity_list)" = 1 ] && { back=1; break; }; done
    if [ $back = 1 ]; then ok "a vector moved by hand is put back on the port's CPU by VMQ"; else not_ok "a vector moved by hand is put back on the port's CPU" "$(cat /proc/irq/$i0/effective_affinity_list)"; fi
}

# a VF bound to vfio-pci (passthrough) is still reported
test_vfio_pci() {
    local vfpci1 out
    vswctl port add vf2 switch sr vf 1
    vfpci1=$(basename "$(readlink /sys/bus/pci/devices/$PF/virtfn1)")
    modprobe vfio-pci 2>/dev/null
    echo vfio-pci > /sys/bus/pci/devices/$vfpci1/driver_override
    echo "$vfpci1" > /sys/bus/pci/devices/$vfpci1/driver/unbind
    echo "$vfpci1" > /sys/bus/pci/drivers_probe
    out=$(vswctl -j port show vf2 irqs)
    if [ "$(j 'd["driver"]' <<<"$out")" = vfio-pci ] && vswctl port show vf2 irqs >/dev/null && vswctl port show vf2 | grep -q vfio-pci; then
        ok "VF bound to vfio-pci: port show and irqs still report it (driver vfio-pci, msix $(j 'd["msix"]' <<<"$out"))"
    else
        not_ok "VF bound to vfio-pci: still reported" "$out"
    fi
}

# deleting the port resets the VF
test_port_del_resets_vf() {
    vswctl port del vf1
    if ip link show "$PFDEV" | grep "vf 0 " | grep -q "00:00:00:00:00:00" && ! ip link show "$PFDEV" | grep "vf 0 " | grep -q "vlan"; then
        ok "port del resets the VF (no MAC, no VLAN)"
    else
        not_ok "port del resets the VF" "$(ip link show "$PFDEV")"
    fi
}

# bad input on VF ports
test_vf_port_errors() {
    local e4 e5 e6 e7
    if expect_fail e4 vswctl port add vf3 switch sr vf 7 && grep -q "no such VF" <<<"$e4" &&
       expect_fail e5 vswctl port add vf4 switch sr vf 1 && grep -q -- "already backs a port" <<<"$e5" &&
       expect_fail e6 vswctl port add vf5 switch sr vf 0 mode trunk vlans 10 && grep -q "VF port" <<<"$e6" &&
       expect_fail e7 vswctl switch set sr sriov 1 && grep -q "delete the switch's VF ports" <<<"$e7"; then
        ok "VF port errors: bad index, VF in use, trunk mode, changing VFs under VF ports"
    else
        not_ok "VF port errors" "$e4 / $e5 / $e6 / $e7"
    fi
}

# deleting the switch disables the VFs it enabled and leaves the PF as it was
test_switch_del_disables_vfs() {
    vswctl switch del -f sr
    if [ "$(cat /sys/bus/pci/devices/$PF/sriov_numvfs)" = 0 ] && [ ! -e /sys/bus/pci/devices/$PF/virtfn0 ] &&
       [ "$(ip -d link show "$PFDEV" | grep -c promiscuity\ 0)" = "$promisc_before" ] && dmesg_clean; then
        ok "switch del: its VFs disabled, the PF as before, kernel log clean"
    else
        not_ok "switch del: its VFs disabled, the PF as before" "$(cat /sys/bus/pci/devices/$PF/sriov_numvfs); $(dmesg | tail -20)"
    fi
    cleanup
}

ALL_TESTS="
    test_enable_vfs
    test_too_many_vfs
    test_not_a_pf
    test_vf_programmed_through_pf
    test_port_show
    test_irq_table
    test_irq_table_complete
    test_vectors_steered
    test_vmq_puts_vector_back
    test_vfio_pci
    test_port_del_resets_vf
    test_vf_port_errors
    test_switch_del_disables_vfs
"
run_tests
