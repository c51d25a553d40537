#!/usr/bin/env bash
# SR-IOV VF-backed vPorts on the VM's igb (82576, SR-IOV) behind an intel-iommu with
# interrupt remapping: VFs enabled and disabled by the switch, errors, the VF programmed
# through the PF, its MSI-X vectors reported through the IR domain and steered by VMQ,
# a VF bound to vfio-pci, and teardown.
. "$(dirname "$0")/lib.sh"
ktap_begin 13
load_module
dmesg_mark

PF=$(ls /sys/bus/pci/drivers/igb/ 2>/dev/null | grep -m1 '^0000:')
if [ -z "$PF" ]; then
    for i in $(seq 13); do skip "SR-IOV" "no igb PF in this VM (scripts/vm adds -device igb)"; done
    ktap_end
fi
PFDEV=$(ls /sys/bus/pci/devices/$PF/net)
TOTAL=$(cat /sys/bus/pci/devices/$PF/sriov_totalvfs)
cleanup() {
    vswctl switch del -f sr 2>/dev/null; vswctl switch del -f sv 2>/dev/null
    ip link del srve0 2>/dev/null
    echo 0 > /sys/bus/pci/devices/$PF/sriov_numvfs 2>/dev/null
    true
}
cleanup
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
vfdev() { ls /sys/bus/pci/devices/$PF/virtfn$1/net 2>/dev/null; }
promisc_before=$(ip -d link show "$PFDEV" | grep -c promiscuity\ 0)

# 1: the switch enables VFs on its uplink (the PF)
vswctl switch add sr uplink "$PFDEV"
if vswctl switch set sr sriov 2 && [ "$(cat /sys/bus/pci/devices/$PF/sriov_numvfs)" = 2 ] &&
   [ -e /sys/bus/pci/devices/$PF/virtfn1 ] && [ "$(vswctl -j switch show sr | j 'd[0]["sriov"]')" = 2 ]; then
    ok "switch set sriov 2: two VFs on $PF ($TOTAL possible)"
else
    not_ok "switch set sriov 2: two VFs appear" "$(vswctl switch show sr; ls /sys/bus/pci/devices/$PF/)"
fi

# 2-3: errors: too many VFs; an uplink that is no SR-IOV PF
if expect_fail e1 vswctl switch set sr sriov $((TOTAL + 1)) && grep -q "sriov_totalvfs" <<<"$e1"; then
    ok "sriov beyond sriov_totalvfs refused: $e1"
else
    not_ok "sriov beyond sriov_totalvfs refused" "$e1"
fi
ip link add srve0 type veth peer name srve1
vswctl switch add sv uplink srve0
if expect_fail e2 vswctl switch set sv sriov 1 && grep -q "not a PCI device" <<<"$e2" &&
   expect_fail e3 vswctl port add sv9 switch sv vf 0 && grep -q "SR-IOV PF" <<<"$e3"; then
    ok "sriov and VF ports refused on a veth uplink: $e2"
else
    not_ok "sriov and VF ports refused on a veth uplink" "$e2 / $e3"
fi
vswctl switch del sv; ip link del srve0

# 4: a VF-backed port gets its MAC and VLAN through the PF
vswctl port add vf1 switch sr vf 0 mac 02:00:00:00:61:01 pvid 10
pfshow=$(ip link show "$PFDEV")
if grep "vf 0 " <<<"$pfshow" | grep -qi "02:00:00:00:61:01" && grep "vf 0 " <<<"$pfshow" | grep -q "vlan 10" &&
   grep "vf 0 " <<<"$pfshow" | grep -q "spoof checking on" && grep "vf 0 " <<<"$pfshow" | grep -q "trust off"; then
    ok "VF port: ip link show $PFDEV lists vf 0 with its MAC, vlan 10, spoof checking on, trust off"
else
    not_ok "VF port: ip link show PF lists the VF's MAC and VLAN" "$pfshow"
fi

# 5: port show
out=$(vswctl -j port show vf1)
if [ "$(j 'd[0]["vf"]' <<<"$out")" = 0 ] && [ "$(j 'd[0]["driver"]' <<<"$out")" = igbvf ] &&
   [ "$(j 'd[0]["vf_dev"]' <<<"$out")" = "$(vfdev 0)" ]; then
    ok "port show: vf 0, driver igbvf, netdev $(vfdev 0)"
else
    not_ok "port show: vf 0, driver igbvf, its netdev" "$out"
fi

# 6-7: the irq table: IR domain, matching /proc/interrupts and effective_affinity
VF0=$(vfdev 0); ip link set "$VF0" up; sleep 1
irqs=$(vswctl -j port show vf1 irqs)
mism=$(python3 - "$irqs" "$VF0" <<'EOF'
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
EOF
)
if [ -z "$mism" ] && [ "$(j 'd["remapped"]' <<<"$irqs")" = True ]; then
    ok "port show irqs: $(j 'len(d["irqs"])' <<<"$irqs") vectors through $(j 'd["irqs"][0]["domains"]' <<<"$irqs"), with IRTE index"
else
    not_ok "port show irqs: vectors through the IR domain" "$mism $irqs"
fi
if [ "$(grep -c "$VF0" /proc/interrupts)" = "$(j 'len(d["irqs"])' <<<"$irqs")" ]; then
    ok "the table has every vector /proc/interrupts shows for $VF0"
else
    not_ok "the table has every vector /proc/interrupts shows" "$(grep "$VF0" /proc/interrupts) / $irqs"
fi

# 8: steering: the VF's vectors follow the port's VMQ CPU
effs() { vswctl -j port show vf1 irqs | j '",".join(sorted(set(str(e["cpu"]) for e in d["irqs"])))'; }
vswctl switch set sr vmq static vmq-base-cpu 3 vmq-max-cpus 1; c3=$(effs)
vswctl switch set sr vmq-base-cpu 1; c1=$(effs)
if [ "$c3" = 3 ] && [ "$c1" = 1 ] && [ "$(vswctl -j vmq show sr | j '[x["cpu"] for x in d if x["port"]=="vf1"][0]')" = 1 ]; then
    ok "VF vectors steered with the port's VMQ CPU: all on CPU 3, then all on CPU 1"
else
    not_ok "VF vectors steered with the port's VMQ CPU" "after base 3: $c3, after base 1: $c1; $(vswctl vmq show sr)"
fi

# 9: VMQ keeps them there (one place decides the CPU)
vswctl switch set sr vmq dynamic interval 200
i0=$(vswctl -j port show vf1 irqs | j 'd["irqs"][0]["irq"]')
echo 2 > /proc/irq/$i0/smp_affinity_list
back=0
for _ in $(seq 15); do sleep 0.3; [ "$(cat /proc/irq/$i0/effective_affinity_list)" = 1 ] && { back=1; break; }; done
if [ $back = 1 ]; then ok "a vector moved by hand is put back on the port's CPU by VMQ"; else not_ok "a vector moved by hand is put back on the port's CPU" "$(cat /proc/irq/$i0/effective_affinity_list)"; fi

# 10: a VF bound to vfio-pci (passthrough) is still reported
vswctl port add vf2 switch sr vf 1
VFPCI1=$(basename "$(readlink /sys/bus/pci/devices/$PF/virtfn1)")
modprobe vfio-pci 2>/dev/null
echo vfio-pci > /sys/bus/pci/devices/$VFPCI1/driver_override
echo "$VFPCI1" > /sys/bus/pci/devices/$VFPCI1/driver/unbind
echo "$VFPCI1" > /sys/bus/pci/drivers_probe
out=$(vswctl -j port show vf2 irqs)
if [ "$(j 'd["driver"]' <<<"$out")" = vfio-pci ] && vswctl port show vf2 irqs >/dev/null && vswctl port show vf2 | grep -q vfio-pci; then
    ok "VF bound to vfio-pci: port show and irqs still report it (driver vfio-pci, msix $(j 'd["msix"]' <<<"$out"))"
else
    not_ok "VF bound to vfio-pci: still reported" "$out"
fi

# 11: deleting the port resets the VF
vswctl port del vf1
if ip link show "$PFDEV" | grep "vf 0 " | grep -q "00:00:00:00:00:00" && ! ip link show "$PFDEV" | grep "vf 0 " | grep -q "vlan"; then
    ok "port del resets the VF (no MAC, no VLAN)"
else
    not_ok "port del resets the VF" "$(ip link show "$PFDEV")"
fi

# 12: bad input on VF ports
if expect_fail e4 vswctl port add vf3 switch sr vf 7 && grep -q "no such VF" <<<"$e4" &&
   expect_fail e5 vswctl port add vf4 switch sr vf 1 && grep -q -- "already backs a port" <<<"$e5" &&
   expect_fail e6 vswctl port add vf5 switch sr vf 0 mode trunk vlans 10 && grep -q "VF port" <<<"$e6" &&
   expect_fail e7 vswctl switch set sr sriov 1 && grep -q "delete the switch's VF ports" <<<"$e7"; then
    ok "VF port errors: bad index, VF in use, trunk mode, changing VFs under VF ports"
else
    not_ok "VF port errors" "$e4 / $e5 / $e6 / $e7"
fi

# 13: deleting the switch disables the VFs it enabled and leaves the PF as it was
vswctl switch del -f sr
if [ "$(cat /sys/bus/pci/devices/$PF/sriov_numvfs)" = 0 ] && [ ! -e /sys/bus/pci/devices/$PF/virtfn0 ] &&
   [ "$(ip -d link show "$PFDEV" | grep -c promiscuity\ 0)" = "$promisc_before" ] && dmesg_clean; then
    ok "switch del: its VFs disabled, the PF as before, kernel log clean"
else
    not_ok "switch del: its VFs disabled, the PF as before" "$(cat /sys/bus/pci/devices/$PF/sriov_numvfs); $(dmesg | tail -20)"
fi
cleanup
ktap_end
