#!/usr/bin/env bash
# VM NICs on the switch (issue 15): taps attached as dev ports (`port add P switch SW dev TAP
# mac VM-MAC`), proven with real nested guests (selftests/guest.sh): QEMU's iPXE ROM
# (DHCP + TFTP from dnsmasq through the switch, in seconds) on VLAN 10, and on VLAN 20 where
# no lease may come; a Linux guest (the test kernel, busybox initramfs) that gets a lease,
# pings the server behind a vPort, shows up in the port's counters and sees `port set link
# down` (its pings stop, the tap loses carrier) and `link up`; QEMU exiting takes the port
# away with an event; a GSO frame from a tap (virtio_net_hdr, as vhost-net writes it) reaches
# a vPort as one skb; taps attached and deleted under traffic; 100 taps added and removed;
# rmmod with a tap attached leaves the tap; kmemleak.
#
# Layout: switch tsw0. vPort vp10 (VLAN 10) in netns t10 is 10.20.10.1 and runs dnsmasq
# (DHCP 10.20.10.100-150, TFTP with an iPXE script); vPort vp20 (VLAN 20) in netns t20 only
# listens. The Linux guest boots in the background from the start (under nested TCG it is
# the slow part) on tap g1tap (port g1, VLAN 10); the other cases run meanwhile, and the
# traffic cases use VLAN 30 so that their floods do not reach it.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
command -v "${QEMU:-qemu-system-x86_64}" >/dev/null || ksft_skip "no qemu-system-x86_64"
command -v dnsmasq >/dev/null || ksft_skip "no dnsmasq (Debian dnsmasq-base)"
[ -x /bin/busybox ] || ksft_skip "no /bin/busybox (Debian busybox-static)"
[ -c /dev/net/tun ] || ksft_skip "no /dev/net/tun"
load_module

SW=tsw0
T=/tmp/vswitch-t20
GUEST_DIR=$T/guest
. "$(dirname "$0")/guest.sh"
G1MAC=52:54:00:20:00:01        # the Linux guest (VLAN 10)
G2MAC=52:54:00:20:00:02        # iPXE on VLAN 10
G3MAC=52:54:00:20:00:03        # iPXE on VLAN 20
MON_PID=""; BGPIDS=""
# The Linux guest takes most of this file's time (nested TCG); VSWITCH_NESTED_LINUX=0 skips it
LINUX=${VSWITCH_NESTED_LINUX:-1}

cleanup() {
    local p
    guest_stop_all
    for p in $BGPIDS $MON_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    BGPIDS=""; MON_PID=""
    [ -d /proc/net/pktgen ] && echo stop > /proc/net/pktgen/pgctrl 2>/dev/null
    [ -d /proc/net/pktgen ] && echo rem_device_all > /proc/net/pktgen/kpktgend_0 2>/dev/null
    if [ -f "$T/dnsmasq.pid" ]; then kill "$(cat "$T/dnsmasq.pid")" 2>/dev/null; rm -f "$T/dnsmasq.pid"; fi
    vswctl switch del -f $SW 2>/dev/null
    for p in t10 t20; do ip netns del $p 2>/dev/null; done
    for p in $(ls /sys/class/net); do
        case $p in g[0-9]tap|tq*|tp[0-9]*|tg0|tbr0) ip link del "$p" 2>/dev/null ;; esac
    done
    true
}
trap 'cleanup; rm -rf "$T"' EXIT
cleanup
rm -rf "$T"; mkdir -p "$T/tftp" "$GUEST_DIR"

# ---- helpers -------------------------------------------------------------------------------

_t0=$SECONDS
# took CASE: per-case time, as a TAP comment
took() { echo "# $1: $((SECONDS - _t0)) s"; _t0=$SECONDS; }
# jpy EXPR: EXPR on the JSON document from stdin (d); a tuple prints space-separated
jpy() { $PY -c 'import json,sys; d=json.load(sys.stdin); r=eval(sys.argv[1]); print(" ".join(map(str, r)) if isinstance(r, tuple) else r)' "$1"; }
# pj PORT EXPR: EXPR on the port's JSON object p (`vswctl -j -s port show PORT`)
pj() { vswctl -j -s port show "$1" 2>/dev/null | jpy "(lambda p: ($2))(d[0])"; }
ctr() { pj "$1" "p.get('stats', {}).get('$2', 0)"; }
ge() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ]; }
nsstat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }
port_exists() { vswctl -j port show 2>/dev/null | jpy "any(p['name'] == '$1' for p in d)" | grep -qx True; }
# dev_port P IFNAME [WORDS...]: dev port P on IFNAME with mac from DEVMAC (or a made-up one)
netns() {
    ip netns add "$1"; ip -n "$1" link set lo up
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}
# carrier IFNAME: 1 or 0, the kernel's carrier of a netdev here
carrier() { cat "/sys/class/net/$1/carrier" 2>/dev/null || echo "?"; }
# wait_for SECS CMD...: CMD succeeds within SECS (polled every 0.2 s)
wait_for() {
    local end=$((SECONDS + $1)); shift
    until "$@"; do [ $SECONDS -lt $end ] || return 1; sleep 0.2; done
}
have_pktgen() { [ -d /proc/net/pktgen ] || modprobe pktgen 2>/dev/null; [ -d /proc/net/pktgen ]; }
pg() { echo "$2" > "/proc/net/pktgen/$1"; }

setup() {
    dmesg_mark
    kmemleak_on && KMEMLEAK=1 || KMEMLEAK=0
    vswctl monitor > "$T/mon.txt" 2>&1 &
    MON_PID=$!
    vswctl switch add $SW
    vswctl port add vp10 switch $SW mode access pvid 10 mac 02:00:00:00:20:10
    vswctl port add vp20 switch $SW mode access pvid 20 mac 02:00:00:00:20:20
    netns t10; netns t20
    ip link set vp10 netns t10; ip -n t10 addr add 10.20.10.1/24 dev vp10; ip -n t10 link set vp10 up
    ip link set vp20 netns t20; ip -n t20 addr add 10.20.20.1/24 dev vp20; ip -n t20 link set vp20 up
    # iPXE runs the boot file as a script: it prints a marker (its poweroff command is not in
    # Debian's build, so the test stops QEMU)
    printf '#!ipxe\necho VSWIPXE: TFTP-OK ${net0/ip}\n' > "$T/tftp/boot.ipxe"
    ip netns exec t10 dnsmasq --conf-file=/dev/null --no-hosts --no-resolv --port=0 \
        --interface=vp10 --bind-interfaces --user=root \
        --dhcp-range=10.20.10.100,10.20.10.150,255.255.255.0,10m --dhcp-authoritative --no-ping \
        --dhcp-leasefile="$T/dnsmasq.leases" --pid-file="$T/dnsmasq.pid" \
        --log-facility="$T/dnsmasq.log" --log-dhcp \
        --enable-tftp --tftp-root="$T/tftp" --dhcp-boot=boot.ipxe
    # The Linux guest on a tap made beforehand (as libvirt's managed='no' does), attached
    # before QEMU opens it, booting while the other cases run.
    ip tuntap add g1tap mode tap
    ip link set g1tap up
    vswctl port add g1 switch $SW dev g1tap mac $G1MAC mode access pvid 10
    [ "$LINUX" = 1 ] && GUEST_ARGS="vsw.pings=5 vsw.watch=1500 vsw.tries=10" guest_start g1 g1tap $G1MAC linux
    took setup
}

# ---- cases ---------------------------------------------------------------------------------

test_show() {
    local out; out=$(vswctl -j -s port show g1)
    if [ "$(jpy "d[0].get('dev'), d[0].get('link'), d[0].get('mode'), d[0].get('pvid'), d[0].get('mac')" <<<"$out")" = \
         "g1tap up access 10 $G1MAC" ]; then
        ok "port show: a dev port shows its device, link up, VLAN and the VM's MAC"
    else
        not_ok "port show: a dev port shows its device, link up, VLAN and the VM's MAC" "$out"
    fi
    out=$(vswctl -j port show vp10)
    if [ "$(jpy "'dev' in d[0], d[0].get('link')" <<<"$out")" = "False up" ]; then
        ok "port show: a vPort has no dev key"
    else
        not_ok "port show: a vPort has no dev key" "$out"
    fi
    # the tap keeps its own name, address and MTU; the port is not a netdev of its own
    if ip link show g1tap >/dev/null && ! ip link show g1 >/dev/null 2>&1; then
        ok "the tap keeps its name; no netdev is made for the port"
    else
        not_ok "the tap keeps its name; no netdev is made for the port" "$(ip -br link)"
    fi
    took test_show
}

test_add_errors() {
    local out name
    ip tuntap add tq0 mode tap
    name="port add dev: no such device"
    if expect_fail out vswctl port add e1 switch $SW dev nosuchtap mac 52:54:00:20:0e:01; then ok "$name"; else not_ok "$name" "$out"; fi
    name="port add dev: without mac refused"
    if expect_fail out vswctl port add e1 switch $SW dev tq0; then ok "$name"; else not_ok "$name" "$out"; fi
    name="port add dev: a device that is already a port refused"
    if expect_fail out vswctl port add e1 switch $SW dev g1tap mac 52:54:00:20:0e:01; then ok "$name"; else not_ok "$name" "$out"; fi
    name="port add dev: a bridge's port (rx handler taken) refused"
    ip link add tbr0 type bridge; ip link set tq0 master tbr0
    if expect_fail out vswctl port add e1 switch $SW dev tq0 mac 52:54:00:20:0e:01; then ok "$name"; else not_ok "$name" "$out"; fi
    ip link set tq0 nomaster; ip link del tbr0
    name="port add dev: loopback (not Ethernet) refused"
    if expect_fail out vswctl port add e1 switch $SW dev lo mac 52:54:00:20:0e:01; then ok "$name"; else not_ok "$name" "$out"; vswctl port del e1 2>/dev/null; fi
    name="port add dev: a vPort refused"
    vswctl port add vpx switch $SW
    if expect_fail out vswctl port add e1 switch $SW dev vpx mac 52:54:00:20:0e:01; then ok "$name"; else not_ok "$name" "$out"; fi
    vswctl port del vpx
    name="port add dev: mtu refused (the device's own)"
    if expect_fail out vswctl port add e1 switch $SW dev tq0 mac 52:54:00:20:0e:01 mtu 1400; then ok "$name"; else not_ok "$name" "$out"; fi
    if port_exists e1; then not_ok "refused adds leave no port" "$(vswctl port show)"; else ok "refused adds leave no port"; fi
    # port del gives the tap back as it was: it can join a bridge again
    vswctl port add e1 switch $SW dev tq0 mac 52:54:00:20:0e:01
    vswctl port del e1
    ip link add tbr0 type bridge
    if out=$(ip link set tq0 master tbr0 2>&1) && ip link show tq0 >/dev/null; then
        ok "port del releases the tap untouched (it joins a bridge afterwards)"
    else
        not_ok "port del releases the tap untouched (it joins a bridge afterwards)" "$out"
    fi
    ip link del tbr0; ip link del tq0
    took test_add_errors
}

# iPXE guests: g2 on VLAN 10 gets a lease and its boot file; g3 on VLAN 20 sends DHCP (vp20
# sees it) but dnsmasq on VLAN 10 never hears it. Both taps are QEMU's own (made when it
# starts, gone when it exits), attached as soon as they appear.
test_ipxe() {
    local name out
    ip netns exec t20 tcpdump -c 2 -nn -e -i vp20 "ether src $G3MAC and udp dst port 67" > "$T/t20.txt" 2>/dev/null &
    local cap=$!
    guest_start g2 g2tap $G2MAC ipxe
    guest_start g3 g3tap $G3MAC ipxe
    if wait_for 30 test -e /sys/class/net/g2tap -a -e /sys/class/net/g3tap; then
        # QEMU leaves its tap down (script=no); libvirt or a script brings it up
        ip link set g2tap up; ip link set g3tap up
        vswctl port add g2 switch $SW dev g2tap mac $G2MAC mode access pvid 10
        vswctl port add g3 switch $SW dev g3tap mac $G3MAC mode access pvid 20
    fi
    name="iPXE on VLAN 10: DHCP lease and TFTP boot file from dnsmasq behind vPort vp10"
    if guest_wait g2 'VSWIPXE: TFTP-OK 10\.20\.10\.' 240 && grep -q "DHCPACK(vp10) 10.20.10.[0-9]* $G2MAC" "$T/dnsmasq.log" \
        && grep -q "sent $T/tftp/boot.ipxe to 10.20.10." "$T/dnsmasq.log"; then
        ok "$name ($(guest_elapsed g2) s from QEMU start)"
    else
        not_ok "$name" "$(guest_log g2; tail -5 "$T/dnsmasq.log")"
    fi
    local tx rx; tx=$(ctr g2 tx_packets); rx=$(ctr g2 rx_packets)
    if ge "$tx" 3 && ge "$rx" 3; then ok "iPXE's frames in the port's counters (from the VM tx_packets $tx, to it rx_packets $rx)"; else not_ok "iPXE's frames in the port's counters" "$(vswctl -s port show g2)"; fi
    name="iPXE on VLAN 20: its DHCP requests reach VLAN 20 (vp20), none reaches dnsmasq on VLAN 10"
    wait_for 60 grep -q "$G3MAC" "$T/t20.txt"; sleep 1
    if grep -q "$G3MAC" "$T/t20.txt" && ! grep -q "$G3MAC" "$T/dnsmasq.log" && ! grep -q "VSWIPXE" "$GUEST_DIR/g3.log"; then
        ok "$name"
    else
        not_ok "$name" "$(cat "$T/t20.txt"; grep "$G3MAC" "$T/dnsmasq.log"; guest_log g3)"
    fi
    kill $cap 2>/dev/null; wait $cap 2>/dev/null
    # QEMU exits: its tap goes, and the port with it (event)
    guest_stop g2; guest_stop g3
    name="QEMU exits: its tap and the port are gone, with port del events"
    if wait_for 10 eval '! port_exists g2 && ! port_exists g3' && wait_for 5 grep -q "^port del g3" "$T/mon.txt" \
        && grep -q "^port del g2" "$T/mon.txt" && [ ! -e /sys/class/net/g2tap ]; then
        ok "$name"
    else
        not_ok "$name" "$(vswctl port show; grep "g[23]" "$T/mon.txt")"
    fi
    took test_ipxe
}

# A GSO frame from a tap (virtio_net_hdr: TCPV4, gso_size 1448, partial checksum) reaches the
# vPort as one skb; a plain frame first shows the path.
test_gso() {
    local name p0 b0 p1 b1 out
    ip tuntap add tg0 mode tap vnet_hdr
    ip link set tg0 up
    vswctl port add gso switch $SW dev tg0 mac 02:00:00:00:20:99 mode access pvid 10
    ip -n t10 neigh replace 10.20.10.99 lladdr 02:00:00:00:20:99 dev vp10
    p0=$(nsstat t10 vp10 rx_packets); b0=$(nsstat t10 vp10 rx_bytes)
    ip netns exec t10 tcpdump -c 2 -nn -i vp10 "tcp port 5001" > "$T/gso.txt" 2>/dev/null &
    local cap=$!; sleep 1
    out=$($PY "$(dirname "$0")/tap_gso.py" tg0 02:00:00:00:20:99 02:00:00:00:20:10 10.20.10.99 10.20.10.1 --plain 2>&1)
    sleep 0.5
    p1=$(nsstat t10 vp10 rx_packets); b1=$(nsstat t10 vp10 rx_bytes)
    name="a plain TCP frame from the tap reaches the vPort"
    if [ $((p1 - p0)) -ge 1 ]; then ok "$name"; else not_ok "$name" "$out; rx_packets $p0 -> $p1; $(vswctl -s port show gso)"; fi
    p0=$p1; b0=$b1
    out=$($PY "$(dirname "$0")/tap_gso.py" tg0 02:00:00:00:20:99 02:00:00:00:20:10 10.20.10.99 10.20.10.1 --payload 10000 2>&1)
    sleep 0.5
    p1=$(nsstat t10 vp10 rx_packets); b1=$(nsstat t10 vp10 rx_bytes)
    kill $cap 2>/dev/null; wait $cap 2>/dev/null
    name="a 10054-byte GSO frame (TCPV4, gso_size 1448) reaches the vPort as one skb, not segmented"
    # one packet of >= 10040 bytes (IP + TCP + payload; the vPort may count the Ethernet header)
    if [ $((p1 - p0)) -eq 1 ] && [ $((b1 - b0)) -ge 10040 ]; then
        ok "$name (+$((p1 - p0)) packet, +$((b1 - b0)) bytes)"
    else
        not_ok "$name" "$out; rx_packets +$((p1 - p0)) rx_bytes +$((b1 - b0)); $(cat "$T/gso.txt"); $(vswctl -s port show gso)"
    fi
    vswctl port del gso; ip link del tg0
    took test_gso
}

# Taps attached and deleted while a vPort floods VLAN 30 (pktgen, broadcast) and each tap
# writes broadcasts back; half go with ip link del (the port follows, event), half with port
# del (the tap stays).
test_churn_under_traffic() {
    local name i tap n_ev=0 out fail=""
    have_pktgen || { skip "taps attached and deleted under traffic" "no pktgen"; return; }
    vswctl port add vpf switch $SW mode access pvid 30 mac 02:00:00:00:20:30
    ip link set vpf up
    pg kpktgend_0 "rem_device_all"; pg kpktgend_0 "add_device vpf"
    pg vpf "count 0"; pg vpf "delay 20000"; pg vpf "pkt_size 60"; pg vpf "clone_skb 0"
    pg vpf "dst 10.20.30.255"; pg vpf "dst_mac ff:ff:ff:ff:ff:ff"
    echo start > /proc/net/pktgen/pgctrl &
    local pgpid=$!
    for i in $(seq 1 12); do
        tap=tq$i
        ip tuntap add $tap mode tap; ip link set $tap up
        # a writer: the VM side, sending broadcasts until the tap goes away (or 20 s)
        $PY - "$tap" "52:54:00:20:30:$(printf %02x $i)" <<'EOF' &
import fcntl, os, struct, sys, time
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", sys.argv[1].encode(), 0x1002))
src = bytes(int(x, 16) for x in sys.argv[2].split(":"))
frame = b"\xff" * 6 + src + b"\x08\x06" + bytes(46)
end = time.time() + 20
while time.time() < end:
    try:
        os.write(fd, frame)
    except OSError:
        break
    time.sleep(0.001)
EOF
        local wpid=$!
        vswctl port add q$i switch $SW dev $tap mac "52:54:00:20:30:$(printf %02x $i)" mode access pvid 30 || fail+=" add-q$i"
        sleep 0.3
        if [ $((i % 2)) = 0 ]; then
            ip link del $tap || fail+=" del-$tap"
            n_ev=$((n_ev + 1))
        else
            vswctl port del q$i || fail+=" portdel-q$i"
            [ -e /sys/class/net/$tap ] || fail+=" $tap-gone-after-port-del"
            ip link del $tap
        fi
        kill $wpid 2>/dev/null; wait $wpid 2>/dev/null
    done
    local sent; sent=$(ip -s -j link show vpf | jpy "d[0]['stats64']['tx']['packets']")
    echo stop > /proc/net/pktgen/pgctrl; wait $pgpid 2>/dev/null
    pg kpktgend_0 "rem_device_all"
    name="12 taps attached and deleted (ip link del / port del) while VLAN 30 is flooded both ways"
    out=$(vswctl -j port show | jpy "[p['name'] for p in d if p['name'].startswith('q')]")
    if [ -z "$fail" ] && [ "$out" = "[]" ] && ge "$sent" 100; then
        ok "$name ($sent frames sent by pktgen)"
    else
        not_ok "$name" "failures:$fail; ports left: $out; pktgen sent $sent"
    fi
    sleep 0.5
    out=$(grep -c "^port del q" "$T/mon.txt")
    if [ "$out" -ge 12 ]; then ok "a port del event for each of them"; else not_ok "a port del event for each of them" "$(grep "q[0-9]" "$T/mon.txt")"; fi
    vswctl port del vpf
    took test_churn_under_traffic
}

# 100 taps attached and removed: half by port del (the tap stays, then goes), half by ip
# link del (the port follows). One `ip -batch` and one `vswctl -batch` per step: under TCG a
# process start costs more than the request.
test_100_taps() {
    local r i fail="" out name
    for r in 1; do
        for i in $(seq 0 99); do echo "tuntap add tp$i mode tap"; done | ip -batch - || fail+=" tuntap-add"
        for i in $(seq 0 99); do
            echo "port add pt$i switch $SW dev tp$i mac 52:54:00:20:01:$(printf %02x $i) mode access pvid 40"
        done | vswctl -batch - || fail+=" port-add"
        out=$(vswctl -j port show | jpy "sum(1 for p in d if p.get('dev', '').startswith('tp'))")
        [ "$out" = 100 ] || fail+=" round $r: $out dev ports, not 100"
        for i in $(seq 0 98 2); do echo "port del pt$i"; done | vswctl -batch - || fail+=" port-del"
        out=$(ls /sys/class/net | grep -c '^tp[0-9]')
        [ "$out" = 100 ] || fail+=" round $r: $out taps after port del, not 100"
        for i in $(seq 0 99); do echo "link del tp$i"; done | ip -batch - || fail+=" link-del"
        out=$(vswctl -j port show | jpy "[p['name'] for p in d if p['name'].startswith('pt')]")
        [ "$out" = "[]" ] || fail+=" round $r: ports left: $out"
    done
    name="100 taps attached as ports and removed (port del, ip link del): no port, no tap left"
    if [ -z "$fail" ] && ! ls /sys/class/net | grep -q '^tp[0-9]'; then ok "$name"; else not_ok "$name" "$fail"; fi
    took test_100_taps
}

# The Linux guest, booted since setup: lease, pings, counters.
test_linux_guest() {
    local name line tx rx
    [ "$LINUX" = 1 ] || { skip "Linux guest on a tap" "VSWITCH_NESTED_LINUX=0"; return; }
    name="Linux guest on a tap (access VLAN 10): DHCP lease from dnsmasq behind vPort vp10"
    if guest_wait g1 'VSWGUEST: (LEASE|NOLEASE)' "${GUEST_BOOT_WAIT:-1200}" && line=$(guest_line g1 'VSWGUEST: LEASE 10\.20\.10\.') && [ -n "$line" ]; then
        ok "$name ($(guest_elapsed g1) s from QEMU start: ${line#*VSWGUEST: })"
    else
        not_ok "$name" "$(guest_log g1; tail -5 "$T/dnsmasq.log")"
        return
    fi
    name="the guest pings 10.20.10.1 (the vPort's namespace) 5 of 5"
    if guest_wait g1 'VSWGUEST: PINGS' 120 && guest_line g1 'VSWGUEST: PINGS' | grep -q "PINGS 5/5"; then ok "$name"; else not_ok "$name" "$(guest_log g1)"; fi
    tx=$(ctr g1 tx_packets); rx=$(ctr g1 rx_packets)
    name="the guest's traffic in the tap port's counters (from the VM tx_packets, to it rx_packets)"
    if ge "$tx" 7 && ge "$rx" 7; then ok "$name: $tx, $rx"; else not_ok "$name" "$(vswctl -s port show g1)"; fi
    name="port show: carrier up while QEMU has the tap open"
    if [ "$(pj g1 "p.get('carrier')")" = True ]; then ok "$name"; else not_ok "$name" "$(vswctl -j port show g1)"; fi
    took test_linux_guest
}

# port set link down: the switch stops forwarding to and from the guest (its pings stop), the
# tap shows NO-CARRIER; link up brings both back.
test_link_down() {
    local name d0 line
    [ "$LINUX" = 1 ] || { skip "port set link down seen by the guest" "VSWITCH_NESTED_LINUX=0"; return; }
    grep -q 'VSWGUEST: PINGS' "$GUEST_DIR/g1.log" 2>/dev/null || { skip "port set link down seen by the guest" "the guest did not come up"; return; }
    d0=$(ctr g1 drop_down)
    vswctl port set g1 link down
    name="port set g1 link down: the guest's pings to the server stop"
    if guest_wait g1 'VSWGUEST: LINK DOWN' 90; then
        line=$(guest_line g1 'LINK DOWN'); ok "$name (the guest's NIC says ${line#*LINK DOWN }; QEMU does not pass a tap's carrier on)"
    else
        not_ok "$name" "$(guest_log g1)"
    fi
    name="link down: the tap has no carrier, port show says link down, carrier down"
    if [ "$(carrier g1tap)" = 0 ] && ip link show g1tap | grep -q NO-CARRIER && [ "$(pj g1 "p.get('link'), p.get('carrier')")" = "down False" ]; then
        ok "$name"
    else
        not_ok "$name" "$(ip link show g1tap; vswctl -j port show g1)"
    fi
    name="link down: the guest's frames are counted as drop-down"
    if ge "$(( $(ctr g1 drop_down) - d0 ))" 1; then ok "$name"; else not_ok "$name" "$(vswctl -s -s port show g1)"; fi
    vswctl port set g1 link up
    name="port set g1 link up: the guest's pings come back"
    if guest_wait g1 'VSWGUEST: LINK UP' 90; then ok "$name"; else not_ok "$name" "$(guest_log g1)"; fi
    name="link up: the tap has carrier again, port show says link up, carrier up"
    if [ "$(carrier g1tap)" = 1 ] && [ "$(pj g1 "p.get('link'), p.get('carrier')")" = "up True" ]; then
        ok "$name"
    else
        not_ok "$name" "$(ip link show g1tap; vswctl -j port show g1)"
    fi
    took test_link_down
}

# rmmod with the guest's tap still attached: the tap stays, usable; then kmemleak.
test_rmmod() {
    local out name
    guest_stop g1
    kill "$MON_PID" 2>/dev/null; wait "$MON_PID" 2>/dev/null; MON_PID=""
    [ -f "$T/dnsmasq.pid" ] && { kill "$(cat "$T/dnsmasq.pid")"; rm -f "$T/dnsmasq.pid"; }
    name="rmmod with a tap attached as a port: the tap stays, free for a bridge"
    if out=$(rmmod vswitch 2>&1) && ip link show g1tap >/dev/null 2>&1 && ip link add tbr0 type bridge && ip link set g1tap master tbr0; then
        ok "$name"
    else
        not_ok "$name" "$out $(ip link show g1tap 2>&1)"
    fi
    ip link del tbr0 2>/dev/null; ip link del g1tap 2>/dev/null
    if [ "$KMEMLEAK" = 1 ]; then
        out=$(kmemleak_ours)
        if [ -z "$out" ]; then ok "kmemleak: nothing of vswitch leaked"; else not_ok "kmemleak: nothing of vswitch leaked" "$(head -40 <<<"$out")"; fi
    else
        skip "kmemleak: nothing of vswitch leaked" "kmemleak is off (boot with kmemleak=on)"
    fi
    load_module
    took test_rmmod
}

setup
ALL_TESTS="${T20_TESTS:-test_show test_add_errors test_ipxe test_gso test_churn_under_traffic test_100_taps test_linux_guest test_link_down test_rmmod}"
run_tests
