#!/usr/bin/env bash
# Port security (issue 12; the contract is notes/issue12-semantics.md): VLAN hopping from an
# access port and S-tags/double tags from a trunk, MAC spoofing and a pinned FDB entry,
# link-local groups and group-fwd-mask, the DHCP, router and IP source guards (with a real
# DHCP exchange: dnsmasq beyond the uplink, busybox udhcpc on a vPort), mac-max under a MAC
# flood and storm-limit under a broadcast storm.
#
# Layout: switch ps0; its uplink is veth psu0 whose far end psu1 (MAC $UP) lives in netns
# psup; each vPort lives in a netns of its own name (psa, psb, ...), except pktgen's vPort psf,
# which stays here. Attack frames are built once with scapy (build_frames) and sent from a
# vPort's namespace through an AF_PACKET socket (tx); tcpdump records what reaches the far end
# and the other ports (cap_start/cap_stop) and cap_count counts the frames of interest: each
# crafted frame carries a marker "<PS14:NAME>" naming it. Every check pairs the attack frame
# (count 0 where it must not arrive, the port's drop counter rises) with the same or a legit
# frame that must pass, so a capture that saw nothing cannot pass for a drop.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
command -v tcpdump >/dev/null || ksft_skip "no tcpdump"
$PY -c 'import scapy.layers.l2' 2>/dev/null || ksft_skip "no scapy (Debian python3-scapy)"
command -v dnsmasq >/dev/null || ksft_skip "no dnsmasq (Debian dnsmasq-base)"
busybox --list 2>/dev/null | grep -qx udhcpc || ksft_skip "no busybox udhcpc"
load_module

SW=ps0
T=/tmp/vswitch-ps14            # frames, captures, dnsmasq's pid/lease/log (the VM's own /tmp)
NSS="psup psa psb psc pst"
declare -A MAC=([psa]=02:00:00:00:14:0a [psb]=02:00:00:00:14:0b [psc]=02:00:00:00:14:0c
                [pst]=02:00:00:00:14:0d [psf]=02:00:00:00:14:0f)
UP=02:00:00:00:14:fe           # psu1, the uplink's far end
BC=ff:ff:ff:ff:ff:ff
BGPIDS=""

cleanup() {
    local p i
    for p in $BGPIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    BGPIDS=""
    if [ -f "$T/dnsmasq.pid" ]; then
        p=$(cat "$T/dnsmasq.pid"); kill "$p" 2>/dev/null
        for i in $(seq 20); do [ -d "/proc/$p" ] || break; sleep 0.1; done
        rm -f "$T/dnsmasq.pid"
    fi
    [ -d /proc/net/pktgen ] && echo rem_device_all > /proc/net/pktgen/kpktgend_0 2>/dev/null
    vswctl switch del -f $SW 2>/dev/null
    for p in $NSS; do ip netns del "$p" 2>/dev/null; done
    ip link del psu0 2>/dev/null
    true
}
trap 'cleanup; rm -rf "$T"' EXIT
cleanup
rm -rf "$T"; mkdir -p "$T/frames"

# ---- topology ------------------------------------------------------------------------------

# netns NAME [v6]: a fresh namespace, lo up; IPv6 off (no autoconfiguration chatter), or with
# v6 on but without DAD (addresses usable at once)
netns() {
    ip netns add "$1"; ip -n "$1" link set lo up
    if [ "${2:-}" = v6 ]; then
        ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    else
        ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    fi
}
# switch_up [v6]: switch $SW with uplink psu0, a veth whose far end psu1 ($UP) is up in netns
# psup ([v6]: with IPv6)
switch_up() {
    netns psup "${1:-}"
    ip link add psu0 type veth peer name psu1 netns psup
    ip -n psup link set psu1 address $UP; ip -n psup link set psu1 up
    sysctl -qw net.ipv6.conf.psu0.disable_ipv6=1
    ip link set psu0 up
    vswctl switch add $SW uplink psu0
}
# vport NAME WHERE [WORDS...]: vPort NAME (MAC ${MAC[NAME]}, `port add` WORDS) moved into
# netns WHERE (made if missing; "v6:NS" makes it with IPv6) and up; WHERE "-": stays here
vport() {
    local name=$1 where=$2; shift 2
    vswctl port add "$name" switch $SW mac "${MAC[$name]}" "$@" || return 1
    if [ "$where" = - ]; then
        sysctl -qw "net.ipv6.conf.$name.disable_ipv6=1"
        ip link set "$name" up
        return
    fi
    local v6=""
    [ "${where#v6:}" != "$where" ] && { v6=v6; where=${where#v6:}; }
    [ -e "/run/netns/$where" ] || netns "$where" $v6
    ip link set "$name" netns "$where"; ip -n "$where" link set "$name" up
}
pings() { ip netns exec "$1" ping -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null 2>&1; }

# ---- counters and JSON ---------------------------------------------------------------------

# jpy EXPR: EXPR evaluated on the JSON document read from stdin (as d)
jpy() { pyrun_in -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# ctr PORT KEY: counter KEY of `vswctl -j -s port show PORT` (0 when the kernel left it out)
ctr() { vswctl -j -s port show "$1" | jpy "d[0].get('stats', {}).get('$2', 0)"; }
# rise PORT KEY BEFORE: how much the counter rose since BEFORE ("?" when unreadable)
rise() {
    local now; now=$(ctr "$1" "$2")
    if [[ $now =~ ^[0-9]+$ && $3 =~ ^[0-9]+$ ]]; then echo $((now - $3)); else echo "?"; fi
}
# ge A B: A is a number >= B
ge() { [[ $1 =~ ^-?[0-9]+$ ]] && [ "$1" -ge "$2" ]; }
# fdb_has MAC PORT [VID]: the FDB of $SW maps MAC (in VLAN VID, default 1) to PORT
fdb_has() { vswctl fdb show $SW | grep -q "^$1 vlan ${3:-1} port $2\b"; }
# rxp NS DEV: the rx packet counter of netdev DEV in netns NS
rxp() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

# ---- frames --------------------------------------------------------------------------------

# Every crafted frame, built once with scapy into $T/frames/NAME. The marker "<PS14:NAME>" in
# each is what cap_count looks for. Ports: A = psa, B = psb, C = psc, TRK = pst; UP = the far end.
build_frames() {
    MAC_A=${MAC[psa]} MAC_B=${MAC[psb]} MAC_C=${MAC[psc]} MAC_T=${MAC[pst]} MAC_UP=$UP \
        $PY - "$T/frames" <<'EOF'
import os, struct, sys
from scapy.layers.l2 import Ether, Dot1Q, Dot1AD, Dot3, LLC, STP, ARP
from scapy.layers.inet import IP, UDP, ICMP
from scapy.layers.inet6 import (IPv6, ICMPv6ND_RA, ICMPv6ND_Redirect, ICMPv6NDOptSrcLLAddr,
    ICMPv6NDOptDstLLAddr, ICMPv6NDOptPrefixInfo, ICMPv6NDOptUnknown, ICMPv6EchoRequest)
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.dhcp6 import (DHCP6_Advertise, DHCP6OptServerId, DHCP6OptIA_NA,
    DHCP6OptIAAddress, DUID_EN)
from scapy.utils import mac2str

out = sys.argv[1]
A, B, C, TRK, UP = (os.environ["MAC_" + k] for k in ("A", "B", "C", "T", "UP"))
BC = "ff:ff:ff:ff:ff:ff"
frames = {}

def mark(name):
    return b"<PS14:" + name.encode() + b">"

def add(name, build):
    """build(m) returns the frame with marker m somewhere in it."""
    frames[name] = bytes(build(mark(name)))

def udp(src, dst, m):
    return IP(src=src, dst=dst) / UDP(sport=4014, dport=9) / m

def nd_mark(m):
    """The marker as an unknown ND option (receivers skip those), padded to 8 bytes."""
    data = m + b"\0" * (-(len(m) + 2) % 8)
    return ICMPv6NDOptUnknown(type=253, len=(len(data) + 2) // 8, data=data)

# 1. VLAN hopping from access port psa (pvid 10) into VLAN 20
hop = lambda m: udp("10.14.20.1", "10.14.20.255", m)
add("v_q20", lambda m: Ether(src=A, dst=BC) / Dot1Q(vlan=20) / hop(m))
add("v_ad100_q20", lambda m: Ether(src=A, dst=BC) / Dot1AD(vlan=100) / Dot1Q(vlan=20) / hop(m))
add("v_q10_q20", lambda m: Ether(src=A, dst=BC) / Dot1Q(vlan=10) / Dot1Q(vlan=20) / hop(m))
add("v_q0_q20", lambda m: Ether(src=A, dst=BC) / Dot1Q(vlan=0) / Dot1Q(vlan=20) / hop(m))
add("v_prio", lambda m: Ether(src=A, dst=BC) / Dot1Q(vlan=0, prio=5) / udp("10.14.1.1", "10.14.1.255", m))
add("v_plain", lambda m: Ether(src=A, dst=BC) / udp("10.14.1.1", "10.14.1.255", m))

# 2. trunk port pst (vlans 10,20)
tr = lambda m: udp("10.14.2.4", "10.14.2.255", m)
add("t_ad20", lambda m: Ether(src=TRK, dst=BC) / Dot1AD(vlan=20) / tr(m))
add("t_q20_q10", lambda m: Ether(src=TRK, dst=BC) / Dot1Q(vlan=20) / Dot1Q(vlan=10) / tr(m))
add("t_ad10_q20", lambda m: Ether(src=TRK, dst=BC) / Dot1AD(vlan=10) / Dot1Q(vlan=20) / tr(m))
add("t_q20", lambda m: Ether(src=TRK, dst=BC) / Dot1Q(vlan=20) / tr(m))
add("t_q20p", lambda m: Ether(src=TRK, dst=BC) / Dot1Q(vlan=20) / tr(m))   # sent with protocol IPv4

# 3. MAC spoofing from psa (10.14.3.1); psb (10.14.3.2) is the victim
sp = lambda src, m: Ether(src=src, dst=BC) / udp("10.14.3.1", "10.14.3.255", m)
add("s_victim", lambda m: Ether(src=B, dst=BC) / udp("10.14.3.2", "10.14.3.255", m))
add("s_bcast", lambda m: sp(BC, m))
add("s_mcast", lambda m: sp("01:00:5e:00:00:01", m))
add("s_zero", lambda m: sp("00:00:00:00:00:00", m))
add("s_newmac", lambda m: sp("02:00:00:00:14:99", m))
add("s_own", lambda m: sp(A, m))

# 4. link-local groups 01:80:c2:00:00:0X from psa (and a BPDU from the far end)
ll = lambda x: "01:80:c2:00:00:%02x" % x
add("l_stp", lambda m: Dot3(src=A, dst=ll(0)) / LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP() / m)
add("l_stp_up", lambda m: Dot3(src=UP, dst=ll(0)) / LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP() / m)
add("l_pause", lambda m: Ether(src=A, dst=ll(1), type=0x8808) / (b"\x00\x01\x00\x10" + m))
add("l_lacp", lambda m: Ether(src=A, dst=ll(2), type=0x8809) / (b"\x01\x01" + m))
def lldp(m):
    tlv = lambda t, v: struct.pack("!H", t << 9 | len(v)) + v
    return (tlv(1, b"\x04" + mac2str(A)) + tlv(2, b"\x07psa") + tlv(3, b"\x00\x78")
            + tlv(5, m) + tlv(0, b""))
add("l_lldp", lambda m: Ether(src=A, dst=ll(0x0e), type=0x88cc) / lldp(m))
add("l_own", lambda m: Ether(src=A, dst=BC) / udp("10.14.4.1", "10.14.4.255", m))

# 5. rogue DHCP servers on psa; psc is a client
add("d_offer", lambda m: Ether(src=A, dst=BC) / IP(src="10.14.5.1", dst="255.255.255.255")
    / UDP(sport=67, dport=68)
    / BOOTP(op=2, xid=0x1414, yiaddr="10.14.5.77", siaddr="10.14.5.1", chaddr=mac2str(C), sname=m)
    / DHCP(options=[("message-type", "offer"), ("server_id", "10.14.5.1"), ("lease_time", 600),
                    ("subnet_mask", "255.255.255.0"), ("router", "10.14.5.1"), "end"]))
add("d_adv6", lambda m: Ether(src=A, dst="33:33:00:00:00:01")
    / IPv6(src="fe80::14:a", dst="ff02::1") / UDP(sport=547, dport=546)
    / DHCP6_Advertise(trid=0x1414) / DHCP6OptServerId(duid=DUID_EN(enterprisenum=32473, id=m))
    / DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptIAAddress(addr="2001:db8:bad::77")]))
add("d_own", lambda m: Ether(src=A, dst=BC) / udp("10.14.5.2", "10.14.5.255", m))

# 6. rogue router on psa (10.14.6.1); psb (10.14.6.2) is the victim
add("r_ra", lambda m: Ether(src=A, dst="33:33:00:00:00:01")
    / IPv6(src="fe80::14:a", dst="ff02::1", hlim=255) / ICMPv6ND_RA(routerlifetime=1800)
    / ICMPv6NDOptSrcLLAddr(lladdr=A) / ICMPv6NDOptPrefixInfo(prefix="2001:db8:bad::", prefixlen=64)
    / nd_mark(m))
add("r_redir6", lambda m: Ether(src=A, dst=B) / IPv6(src="fe80::14:a", dst="fe80::14:b", hlim=255)
    / ICMPv6ND_Redirect(tgt="fe80::14:a", dst="2001:db8:14:6::1") / ICMPv6NDOptDstLLAddr(lladdr=A)
    / nd_mark(m))
add("r_redir4", lambda m: Ether(src=A, dst=B) / IP(src="10.14.6.1", dst="10.14.6.2")
    / ICMP(type=5, code=1, gw="10.14.6.1") / IP(src="10.14.6.2", dst="192.0.2.1")
    / UDP(sport=4014, dport=9) / m)
add("r_own", lambda m: Ether(src=A, dst=B) / udp("10.14.6.1", "10.14.6.2", m))

# 7. IP source guard on psa; dnsmasq leases it 10.14.7.123; psb is 10.14.7.2; far end .254
add("i_spoof", lambda m: Ether(src=A, dst=UP) / IP(src="10.14.7.2", dst="10.14.7.254") / ICMP(id=0x14, seq=1) / m)
add("i_good", lambda m: Ether(src=A, dst=UP) / IP(src="10.14.7.123", dst="10.14.7.254") / ICMP(id=0x14, seq=2) / m)
add("i_arp", lambda m: Ether(src=A, dst=BC)
    / ARP(op=2, hwsrc=A, psrc="10.14.7.2", hwdst=BC, pdst="10.14.7.2") / m)
add("i_v6", lambda m: Ether(src=A, dst=UP) / IPv6(src="2001:db8:14:7::1", dst="2001:db8:14:7::fe")
    / ICMPv6EchoRequest(id=0x14, data=m))
add("i_v6ll", lambda m: Ether(src=A, dst=UP) / IPv6(src="fe80::14:a", dst="fe80::14:fe")
    / ICMPv6EchoRequest(id=0x14, data=m))
add("i_release", lambda m: Ether(src=A, dst=UP) / IP(src="10.14.7.123", dst="10.14.7.254")
    / UDP(sport=68, dport=67) / BOOTP(op=1, xid=0x1415, ciaddr="10.14.7.123", chaddr=mac2str(A))
    / DHCP(options=[("message-type", "release"), ("server_id", "10.14.7.254"), "end"]))

# 9. a frame from the storm receiver psb, so that the switch learns it
add("b_hello", lambda m: Ether(src=B, dst=BC) / udp("10.14.9.2", "10.14.9.255", m))

for name, data in frames.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
EOF
}

# tx NS DEV [all|ip] FRAME...: send the prebuilt FRAMEs from DEV in netns NS through an
# AF_PACKET raw socket. "all" (the default) binds it to ETH_P_ALL, as scapy's sendp does: the
# kernel then sets skb->protocol from the frame's ethertype. "ip" binds ETH_P_IP: skb->protocol
# says IPv4 whatever the frame holds (a tagged frame whose protocol lies). It runs in the
# python server (lib.sh's pyrun), which enters NS (setns) to open the socket and comes back.
tx() {
    local ns=$1 dev=$2 proto=all; shift 2
    case $1 in all|ip) proto=$1; shift ;; esac
    pyrun "$T/tx.py" "$ns" "$dev" "$proto" "$T/frames" "$@"
}
write_tx_py() {
    cat > "$T/tx.py" <<'EOF'
import ctypes, os, socket, sys
ns, dev, proto, dir, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
eth = {"all": 0x0003, "ip": 0x0800}[proto]
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")
home = os.open("/proc/self/ns/net", os.O_RDONLY)
target = os.open(f"/run/netns/{ns}", os.O_RDONLY)
try:
    setns(target)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(eth))
    s.bind((dev, eth))
    for n in names:
        with open(f"{dir}/{n}", "rb") as f:
            s.send(f.read())
    s.close()
finally:
    setns(home)
    os.close(home); os.close(target)
EOF
}

# ---- captures ------------------------------------------------------------------------------

declare -A CAP_PID
# cap_start CAP NS DEV: tcpdump on DEV in netns NS into $T/CAP.pcap (it ends by itself after
# 60 s); returns once it listens
cap_start() {
    local cap=$1 ns=$2 dev=$3 i
    rm -f "$T/$cap.pcap"; : > "$T/$cap.err"
    ip netns exec "$ns" timeout 60 tcpdump -nn -U -i "$dev" -w "$T/$cap.pcap" 2>"$T/$cap.err" &
    CAP_PID[$cap]=$!; BGPIDS+=" $!"
    for i in $(seq 100); do grep -q "listening on" "$T/$cap.err" && return 0; sleep 0.1; done
    echo "# tcpdump on $dev in $ns did not start: $(cat "$T/$cap.err")"
}
# cap_stop CAP...: stop the captures once frames in flight have landed
cap_stop() {
    local cap; sleep 1
    for cap; do kill "${CAP_PID[$cap]}" 2>/dev/null; wait "${CAP_PID[$cap]}" 2>/dev/null; done
}
# cap_count CAP [src MAC] [vlan VID] [FRAME...]: how many captured frames come from MAC, carry
# an 802.1Q/802.1ad tag VID at any depth, and hold the marker of one of the FRAMEs (each
# condition only when given); -1 when the capture cannot be read
cap_count() {
    local cap=$1; shift
    pyrun "$T/cap_count.py" "$T/$cap.pcap" "$@"
}
write_cap_count_py() {
    cat > "$T/cap_count.py" <<'EOF'
import struct, sys
path, args = sys.argv[1], sys.argv[2:]
src = vid = None
marks = []
while args:
    if args[0] == "src":
        src = bytes.fromhex(args[1].replace(":", "")); args = args[2:]
    elif args[0] == "vlan":
        vid = int(args[1]); args = args[2:]
    else:
        marks.append(b"<PS14:" + args[0].encode() + b">"); args = args[1:]
try:
    data = open(path, "rb").read()
    end = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<"}.get(data[:4], ">")
    assert len(data) >= 24
except Exception:
    print(-1); sys.exit()

def vids(f):
    off, out = 12, []
    while len(f) >= off + 4 and struct.unpack("!H", f[off:off + 2])[0] in (0x8100, 0x88a8, 0x9100):
        out.append(struct.unpack("!H", f[off + 2:off + 4])[0] & 0xfff)
        off += 4
    return out

n, off = 0, 24
while off + 16 <= len(data):
    caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
    f = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    if src is not None and f[6:12] != src:
        continue
    if vid is not None and vid not in vids(f):
        continue
    if marks and not any(m in f for m in marks):
        continue
    n += 1
print(n)
EOF
}
# cap_show CAP: the capture as text, for a failure's details
cap_show() { echo "$1:"; tcpdump -r "$T/$1.pcap" -nn -e 2>/dev/null | head -15; }

# ---- DHCP ----------------------------------------------------------------------------------

# dhcpd NET [OPTIONS...]: dnsmasq as the DHCP server on the far end psu1 (NET.254/24), leases
# NET.100-150 for 10 minutes; its pid, lease and log files are under $T
dhcpd() {
    local net=$1; shift
    ip -n psup addr add "$net.254/24" dev psu1
    ip netns exec psup dnsmasq --conf-file=/dev/null --no-hosts --no-resolv --port=0 \
        --interface=psu1 --bind-interfaces --user=root \
        --dhcp-range="$net.100,$net.150,255.255.255.0,10m" --dhcp-authoritative --no-ping \
        --dhcp-leasefile="$T/dnsmasq.leases" --pid-file="$T/dnsmasq.pid" \
        --log-facility="$T/dnsmasq.log" --log-dhcp "$@"
}
# dhcp_client NS DEV: busybox udhcpc on DEV in netns NS until it has a lease (or gives up);
# prints the leased address and puts it on DEV (/24). Its event script is /bin/true: no
# executable of ours on /tmp.
dhcp_client() {
    local out ip
    out=$(ip netns exec "$1" timeout 30 busybox udhcpc -f -q -n -t 4 -T 2 -A 1 -i "$2" -s /bin/true 2>&1)
    ip=$(sed -n 's/.*lease of \([0-9.]*\) obtained.*/\1/p' <<<"$out" | tail -1)
    if [ -z "$ip" ]; then printf '%s\n' "$out" > "$T/udhcpc.log"; return 1; fi
    ip -n "$1" addr add "$ip/24" dev "$2"
    echo "$ip"
}

# ---- pktgen --------------------------------------------------------------------------------

pg() { echo "$2" > "/proc/net/pktgen/$1"; }
# pktgen_run DEV COUNT DELAY_NS DST_MAC [SRC_MACS]: COUNT 60-byte frames from vPort DEV (in
# this namespace) to DST_MAC, DELAY_NS apart, from the port's MAC or from SRC_MACS different
# ones (02:10:00:00:00:00 onwards); returns when they are sent
pktgen_run() {
    pg kpktgend_0 "rem_device_all"; pg kpktgend_0 "add_device $1"
    pg "$1" "count $2"; pg "$1" "delay $3"; pg "$1" "pkt_size 60"; pg "$1" "clone_skb 0"
    pg "$1" "dst 10.14.0.255"; pg "$1" "dst_mac $4"
    if [ -n "${5:-}" ]; then pg "$1" "src_mac 02:10:00:00:00:00"; pg "$1" "src_mac_count $5"; fi
    pg pgctrl start
}
have_pktgen() { [ -d /proc/net/pktgen ] || modprobe pktgen 2>/dev/null; [ -d /proc/net/pktgen ]; }

# ---- cases ---------------------------------------------------------------------------------

# The settings' defaults and words, in JSON and text.
test_settings() {
    cleanup; switch_up
    vswctl port add psa switch $SW
    local j t sj bad=""
    j=$(vswctl -j port show psa); sj=$(vswctl -j switch show $SW)
    [ "$(jpy "[d[0][k] for k in ('mac_spoof','dhcp_guard','router_guard','ip_guard','trusted','mac_max','storm_limit','ip_allow')]" <<<"$j")" = \
      "[False, False, False, False, False, 0, 0, []]" ] || bad+="port defaults: $j; "
    [ "$(jpy "d[0]['group_fwd_mask']" <<<"$sj")" = 0 ] || bad+="switch default: $sj; "
    t=$(vswctl port show psa)
    grep -qE "mac-spoof|dhcp-guard|router-guard|ip-guard|trusted|mac-max|storm-limit|ip-allow" <<<"$t" &&
        bad+="defaults shown in text: $t; "
    vswctl port set psa mac-spoof on dhcp-guard on router-guard on ip-guard on trusted on \
        mac-max 64 storm-limit 100 ip-allow 10.14.0.5,2001:db8::5 || bad+="port set refused; "
    t=$(vswctl port show psa)
    for w in "mac-spoof on" "dhcp-guard on" "router-guard on" "ip-guard on" "trusted on" \
             "mac-max 64" "storm-limit 100" "ip-allow 10.14.0.5,2001:db8::5"; do
        grep -q "$w" <<<"$t" || bad+="text lacks '$w': $t; "
    done
    vswctl port set psa mac-max none storm-limit none ip-allow none || bad+="none refused; "
    j=$(vswctl -j port show psa)
    [ "$(jpy "[d[0][k] for k in ('mac_max','storm_limit','ip_allow')]" <<<"$j")" = "[0, 0, []]" ] ||
        bad+="none did not clear: $j; "
    vswctl switch set $SW group-fwd-mask 0x4000 || bad+="group-fwd-mask 0x4000 refused; "
    vswctl switch show $SW | grep -q "group-fwd-mask 0x4000" || bad+="switch text: $(vswctl switch show $SW); "
    [ "$(vswctl -j switch show $SW | jpy "d[0]['group_fwd_mask']")" = 16384 ] || bad+="switch JSON: $(vswctl -j switch show $SW); "
    if [ -z "$bad" ]; then
        ok "settings: defaults in JSON, text shows only what is not the default, none clears"
    else
        not_ok "settings: defaults in JSON, text shows only what is not the default, none clears" "$bad"
    fi
}

# 1. An access port (pvid 10) cannot put a frame into VLAN 20: not with an in-band 802.1Q tag
# (whatever skb->protocol says), not behind an S-tag, its own VLAN's tag or a priority tag, not
# through stacked 802.1ad/802.1Q devices. A priority-tagged frame is accepted.
test_vlan_hopping() {
    cleanup; switch_up
    vport psa psa mode access pvid 10
    vport psc psc mode access pvid 20
    ip -n psc addr add 10.14.20.3/24 dev psc
    ip -n psup link add link psu1 name psu1.20 type vlan id 20
    ip -n psup addr add 10.14.20.254/24 dev psu1.20; ip -n psup link set psu1.20 up
    ip -n psa link add link psa name psa.100 type vlan proto 802.1ad id 100
    ip -n psa link add link psa.100 name psa.100.20 type vlan id 20
    ip -n psa addr add 10.14.20.1/24 dev psa.100.20
    ip -n psa link set psa.100 up; ip -n psa link set psa.100.20 up
    local hops="v_q20 v_ad100_q20 v_q10_q20 v_q0_q20" b far vic good prio stacked
    b=$(ctr psa drop_vlan_tag)
    cap_start far psup psu1; cap_start vic psc psc
    tx psa psa all $hops v_prio v_plain
    tx psa psa ip $hops
    stacked=0
    pings psa 10.14.20.254 1 && stacked=1
    pings psa 10.14.20.3 1 && stacked=1
    cap_stop far vic
    far=$(cap_count far $hops); vic=$(cap_count vic src "${MAC[psa]}")
    local tag20; tag20=$(cap_count far src "${MAC[psa]}" vlan 20)
    good=$(cap_count far v_plain); prio=$(cap_count far v_prio)
    local d; d=$(rise psa drop_vlan_tag "$b")
    local why="far end: $far hop frames, $tag20 from psa tagged 20, control $good; psc: $vic from psa; drop_vlan_tag +$d
$(cap_show far)
$(cap_show vic)"
    if [ "$far" = 0 ] && [ "$vic" = 0 ] && [ "$tag20" = 0 ] && ge "$good" 1 && ge "$d" 8; then
        ok "access port: in-band tag 20 (skb->protocol 802.1Q or IPv4), S-tag+tag 20, tag 10+20, tag 0+20 reach no VLAN 20 (drop-vlan-tag +$d)"
    else
        not_ok "access port: in-band tag 20 (skb->protocol 802.1Q or IPv4), S-tag+tag 20, tag 10+20, tag 0+20 reach no VLAN 20" "$why"
    fi
    if [ $stacked = 0 ] && [ "$tag20" = 0 ] && [ "$vic" = 0 ]; then
        ok "access port: stacked 802.1ad 100 / 802.1Q 20 devices reach neither the far end's VLAN 20 nor a VLAN-20 port"
    else
        not_ok "access port: stacked 802.1ad 100 / 802.1Q 20 devices reach neither the far end's VLAN 20 nor a VLAN-20 port" "ping through them worked: $stacked; $why"
    fi
    if ge "$prio" 1; then
        ok "access port: a priority-tagged (VID 0) frame is accepted"
    else
        not_ok "access port: a priority-tagged (VID 0) frame is accepted" "$why"
    fi
}

# 2. A trunk port (vlans 10,20): an S-tag or a second tag is dropped; an allowed 802.1Q tag
# passes, in-band (also when skb->protocol says IPv4) or offloaded from a VLAN device.
test_trunk_tags() {
    cleanup; switch_up
    vport pst pst mode trunk vlans 10,20
    vport psb psb mode access pvid 20
    ip -n psb addr add 10.14.2.2/24 dev psb
    ip -n pst link add link pst name pst.20 type vlan id 20
    ip -n pst addr add 10.14.2.4/24 dev pst.20; ip -n pst link set pst.20 up
    local bad="t_ad20 t_q20_q10 t_ad10_q20" b far vic good_far good_vic lie_far lie_vic d
    b=$(ctr pst drop_vlan_tag)
    cap_start far psup psu1; cap_start vic psb psb
    tx pst pst all $bad t_q20
    tx pst pst ip $bad t_q20p
    cap_stop far vic
    far=$(cap_count far $bad); vic=$(cap_count vic $bad)
    good_far=$(cap_count far vlan 20 t_q20); good_vic=$(cap_count vic t_q20)
    lie_far=$(cap_count far vlan 20 t_q20p); lie_vic=$(cap_count vic t_q20p)
    d=$(rise pst drop_vlan_tag "$b")
    if [ "$far" = 0 ] && [ "$vic" = 0 ] && ge "$d" 6; then
        ok "trunk port: S-tagged and double-tagged frames are dropped (drop-vlan-tag +$d)"
    else
        not_ok "trunk port: S-tagged and double-tagged frames are dropped" "far end $far, psb $vic; drop_vlan_tag +$d
$(cap_show far)
$(cap_show vic)"
    fi
    if ge "$good_far" 1 && ge "$good_vic" 1 && pings pst 10.14.2.2; then
        ok "trunk port: an allowed 802.1Q VID passes (in-band, and from a VLAN device)"
    else
        not_ok "trunk port: an allowed 802.1Q VID passes (in-band, and from a VLAN device)" "tag-20 frame at the far end $good_far, at psb $good_vic
$(cap_show far)"
    fi
    # the tag is read from the frame: skb->protocol saying IPv4 does not matter
    if ge "$lie_far" 1 && ge "$lie_vic" 1; then
        ok "trunk port: an allowed in-band tag passes also when skb->protocol says IPv4"
    else
        not_ok "trunk port: an allowed in-band tag passes also when skb->protocol says IPv4" "far end $lie_far, psb $lie_vic"
    fi
}

# 3. MAC spoofing: another port's MAC, a group or zero source, a MAC the guest set itself; with
# mac-spoof on the spoofed frame passes but the victim's entry stays where it is.
test_mac_spoofing() {
    cleanup; switch_up
    vport psa psa mode access pvid 1
    vport psb psb mode access pvid 1
    ip -n psa addr add 10.14.3.1/24 dev psa; ip -n psb addr add 10.14.3.2/24 dev psb
    ip -n psup addr add 10.14.3.254/24 dev psu1
    local A=${MAC[psa]} B=${MAC[psb]} b d far vic own grp why
    pings psb 10.14.3.254 1; pings psa 10.14.3.254 1
    b=$(ctr psa drop_spoof)
    cap_start far psup psu1; cap_start vic psb psb
    tx psa psa s_victim s_bcast s_mcast s_zero s_own
    cap_stop far vic
    far=$(cap_count far s_victim); vic=$(cap_count vic s_victim); own=$(cap_count far s_own)
    grp=$(( $(cap_count far s_bcast s_mcast s_zero) + $(cap_count vic s_bcast s_mcast s_zero) ))
    d=$(rise psa drop_spoof "$b")
    why="far end $far, psb $vic spoofed frames, $grp with a group/zero source, control $own; drop_spoof +$d
$(vswctl fdb show $SW)
$(cap_show far)"
    if [ "$far" = 0 ] && [ "$vic" = 0 ] && ge "$own" 1 && ge "$d" 4 && fdb_has "$B" psb && ! fdb_has "$B" psa; then
        ok "mac spoofing: a frame with another port's MAC is dropped (drop-spoof +$d), the victim's entry stays"
    else
        not_ok "mac spoofing: a frame with another port's MAC is dropped, the victim's entry stays" "$why"
    fi
    if [ "$grp" = 0 ]; then
        ok "mac spoofing: broadcast, multicast and zero source MACs are dropped"
    else
        not_ok "mac spoofing: broadcast, multicast and zero source MACs are dropped" "$why"
    fi

    # The guest changes its netdev's address: the port's MAC stays.
    b=$(ctr psa drop_spoof)
    ip -n psa link set psa address 02:00:00:00:14:99
    cap_start far psup psu1
    tx psa psa s_newmac
    local pinged=0; pings psa 10.14.3.254 1 && pinged=1
    cap_stop far
    far=$(cap_count far s_newmac); d=$(rise psa drop_spoof "$b")
    local pmac; pmac=$(vswctl -j port show psa | jpy "d[0]['mac']")
    ip -n psa link set psa address "$A"
    if [ "$far" = 0 ] && [ $pinged = 0 ] && ge "$d" 1 && [ "$pmac" = "$A" ]; then
        ok "mac spoofing: ip link set address does not make the new MAC pass (drop-spoof +$d)"
    else
        not_ok "mac spoofing: ip link set address does not make the new MAC pass" "far end $far, ping $pinged, drop_spoof +$d, port mac $pmac"
    fi

    # mac-spoof on: the spoofed frame goes, group sources still do not, the entry stays.
    vswctl port set psa mac-spoof on
    local on; on=$(vswctl -j port show psa | jpy "d[0]['mac_spoof']")
    cap_start far psup psu1; cap_start vic psb psb
    tx psa psa s_victim s_bcast s_mcast s_zero
    cap_stop far vic
    far=$(cap_count far s_victim)
    grp=$(( $(cap_count far s_bcast s_mcast s_zero) + $(cap_count vic s_bcast s_mcast s_zero) ))
    if [ "$on" = True ] && ge "$far" 1 && fdb_has "$B" psb && ! fdb_has "$B" psa; then
        ok "mac-spoof on: the spoofed frame passes, the victim's FDB entry stays on the victim's port"
    else
        not_ok "mac-spoof on: the spoofed frame passes, the victim's FDB entry stays on the victim's port" "mac_spoof $on, far end $far
$(vswctl fdb show $SW)"
    fi
    if [ "$grp" = 0 ]; then
        ok "mac-spoof on: broadcast, multicast and zero source MACs are still dropped"
    else
        not_ok "mac-spoof on: broadcast, multicast and zero source MACs are still dropped" "$grp passed
$(cap_show far)"
    fi
}

# 4. Link-local groups: STP, PAUSE, LACP and LLDP are not forwarded; group-fwd-mask 0x4000 lets
# LLDP through; the PAUSE and LACP bits are refused.
test_link_local() {
    cleanup; switch_up
    vport psa psa mode access pvid 1
    vport psb psb mode access pvid 1
    local ll="l_stp l_pause l_lacp l_lldp" b d far vic up own out
    b=$(ctr psa drop_link_local)
    cap_start far psup psu1; cap_start vic psb psb; cap_start att psa psa
    tx psa psa $ll l_own
    tx psup psu1 l_stp_up
    cap_stop far vic att
    far=$(cap_count far $ll); vic=$(cap_count vic $ll); own=$(cap_count far l_own)
    up=$(( $(cap_count vic l_stp_up) + $(cap_count att l_stp_up) ))
    d=$(rise psa drop_link_local "$b")
    if [ "$far" = 0 ] && [ "$vic" = 0 ] && ge "$own" 1 && ge "$d" 4; then
        ok "link-local: STP, PAUSE, LACP and LLDP from a vPort reach neither the uplink nor a port (drop-link-local +$d)"
    else
        not_ok "link-local: STP, PAUSE, LACP and LLDP from a vPort reach neither the uplink nor a port" "far end $far, psb $vic, control $own; drop_link_local +$d
$(cap_show far)"
    fi
    if [ "$up" = 0 ]; then
        ok "link-local: a BPDU from the uplink reaches no vPort"
    else
        not_ok "link-local: a BPDU from the uplink reaches no vPort" "$(cap_show vic)"
    fi
    vswctl switch set $SW group-fwd-mask 0x4000
    cap_start far psup psu1; cap_start vic psb psb
    tx psa psa l_lldp l_stp
    cap_stop far vic
    local lf lv st
    lf=$(cap_count far l_lldp); lv=$(cap_count vic l_lldp)
    st=$(( $(cap_count far l_stp) + $(cap_count vic l_stp) ))
    if ge "$lf" 1 && ge "$lv" 1 && [ "$st" = 0 ]; then
        ok "group-fwd-mask 0x4000: LLDP is forwarded, STP still is not"
    else
        not_ok "group-fwd-mask 0x4000: LLDP is forwarded, STP still is not" "LLDP far end $lf, psb $lv; STP $st"
    fi
    local e1 e2 mask
    if expect_fail e1 vswctl switch set $SW group-fwd-mask 0x2 && expect_fail e2 vswctl switch set $SW group-fwd-mask 0x4 &&
       mask=$(vswctl -j switch show $SW | jpy "d[0]['group_fwd_mask']") && [ "$mask" = 16384 ]; then
        ok "group-fwd-mask 0x2 (PAUSE) and 0x4 (LACP) are refused: $e1"
    else
        not_ok "group-fwd-mask 0x2 (PAUSE) and 0x4 (LACP) are refused" "0x2: $e1; 0x4: $e2; mask now ${mask:-?}"
    fi
}

# 5. DHCP guard: a rogue OFFER and DHCPv6 ADVERTISE from a guarded port reach nobody; with the
# guard off they do; a real exchange with dhcp-guard on the client's port works.
test_dhcp_guard() {
    cleanup; switch_up
    vport psa psa mode access pvid 1 dhcp-guard on
    vport psc psc mode access pvid 1 dhcp-guard on
    local b d far vic own
    b=$(ctr psa drop_dhcp_guard)
    cap_start far psup psu1; cap_start vic psc psc
    tx psa psa d_offer d_adv6 d_own
    cap_stop far vic
    far=$(cap_count far d_offer d_adv6); vic=$(cap_count vic d_offer d_adv6); own=$(cap_count vic d_own)
    d=$(rise psa drop_dhcp_guard "$b")
    if [ "$far" = 0 ] && [ "$vic" = 0 ] && ge "$own" 1 && ge "$d" 2; then
        ok "dhcp-guard: a rogue DHCP OFFER and DHCPv6 ADVERTISE reach no other port (drop-dhcp-guard +$d)"
    else
        not_ok "dhcp-guard: a rogue DHCP OFFER and DHCPv6 ADVERTISE reach no other port" "far end $far, psc $vic, control $own; drop_dhcp_guard +$d
$(cap_show vic)"
    fi
    vswctl port set psa dhcp-guard off
    cap_start vic psc psc
    tx psa psa d_offer d_adv6
    cap_stop vic
    local o a; o=$(cap_count vic d_offer); a=$(cap_count vic d_adv6)
    if ge "$o" 1 && ge "$a" 1; then
        ok "dhcp-guard off: the same OFFER and ADVERTISE pass"
    else
        not_ok "dhcp-guard off: the same OFFER and ADVERTISE pass" "OFFER $o, ADVERTISE $a at psc"
    fi
    vswctl port set psa dhcp-guard on
    dhcpd 10.14.5
    local lease
    if lease=$(dhcp_client psc psc) && pings psc 10.14.5.254; then
        ok "dhcp-guard on the client's port: a DHCP exchange with dnsmasq beyond the uplink works ($lease)"
    else
        not_ok "dhcp-guard on the client's port: a DHCP exchange with dnsmasq beyond the uplink works" "$(cat "$T/udhcpc.log" 2>/dev/null; tail -5 "$T/dnsmasq.log")"
    fi
}

# 6. Router guard: RA, ICMPv6 redirect and ICMPv4 redirect from a guarded port are dropped;
# without the guard they pass.
test_router_guard() {
    cleanup; switch_up
    vport psa psa mode access pvid 1 router-guard on
    vport psb psb mode access pvid 1
    local r="r_ra r_redir6 r_redir4" b d far vic own
    b=$(ctr psa drop_router_guard)
    cap_start far psup psu1; cap_start vic psb psb
    tx psa psa $r r_own
    cap_stop far vic
    far=$(cap_count far $r); vic=$(cap_count vic $r); own=$(cap_count vic r_own)
    d=$(rise psa drop_router_guard "$b")
    if [ "$far" = 0 ] && [ "$vic" = 0 ] && ge "$own" 1 && ge "$d" 3; then
        ok "router-guard: RA, ICMPv6 redirect and ICMPv4 redirect are dropped (drop-router-guard +$d)"
    else
        not_ok "router-guard: RA, ICMPv6 redirect and ICMPv4 redirect are dropped" "far end $far, psb $vic, control $own; drop_router_guard +$d
$(cap_show vic)"
    fi
    vswctl port set psa router-guard off
    cap_start vic psb psb
    tx psa psa $r
    cap_stop vic
    local n=0 f
    for f in $r; do ge "$(cap_count vic "$f")" 1 && n=$((n + 1)); done
    if [ $n = 3 ]; then
        ok "router-guard off: the RA and both redirects pass"
    else
        not_ok "router-guard off: the RA and both redirects pass" "$n of 3 reached psb
$(cap_show vic)"
    fi
}

# 7. IP source guard: no binding, no traffic; a DHCP lease makes a binding; spoofed sources and
# ARP for another port's address are dropped; ip-allow adds static bindings; IPv6: global
# addresses need a binding, link-local goes; a DHCPRELEASE ends the binding.
test_ip_source_guard() {
    cleanup; switch_up v6
    vport psa v6:psa mode access pvid 1 ip-guard on
    vport psb psb mode access pvid 1
    ip -n psb addr add 10.14.7.2/24 dev psb
    local b d out j

    # No binding: the address dnsmasq will lease, set by hand, does not get out.
    ip -n psa addr add 10.14.7.123/24 dev psa
    ip -n psup addr add 10.14.7.254/24 dev psu1
    b=$(ctr psa drop_ip_guard)
    local pinged=0; pings psa 10.14.7.254 1 && pinged=1
    ip -n psa neigh flush dev psa    # no unresolved entry left for the pings below to wait on
    d=$(rise psa drop_ip_guard "$b")
    out=$(vswctl -j port show psa bindings)
    if [ $pinged = 0 ] && ge "$d" 1 && [ "$(jpy "len(d)" <<<"$out")" = 0 ]; then
        ok "ip-guard on, no binding: the port cannot ping out (drop-ip-guard +$d)"
    else
        not_ok "ip-guard on, no binding: the port cannot ping out" "ping $pinged, drop_ip_guard +$d, bindings: $out"
    fi
    ip -n psa -4 addr flush dev psa
    ip -n psup addr del 10.14.7.254/24 dev psu1

    # A lease from dnsmasq beyond the uplink (a trusted port) binds the address.
    dhcpd 10.14.7 --dhcp-host="${MAC[psa]},10.14.7.123"
    local lease; lease=$(dhcp_client psa psa)
    out=$(vswctl port show psa bindings); j=$(vswctl -j port show psa bindings)
    local exp; exp=$(jpy "[b.get('expires') for b in d if b['addr'] == '10.14.7.123' and b['source'] == 'dhcp']" <<<"$j" 2>/dev/null)
    if [ "$lease" = 10.14.7.123 ] && grep -qE "^10\.14\.7\.123 dhcp expires [0-9]+$" <<<"$out" &&
       [[ $exp =~ ^\[([0-9]+)\]$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] && [ "${BASH_REMATCH[1]}" -le 600 ]; then
        ok "a DHCP lease through the switch binds the address (${out//$'\n'/; })"
    else
        not_ok "a DHCP lease through the switch binds the address" "lease '$lease'; text: $out; JSON: $j
$(cat "$T/udhcpc.log" 2>/dev/null; tail -5 "$T/dnsmasq.log")"
    fi
    if pings psa 10.14.7.254; then
        ok "ip-guard: ping from the leased address works"
    else
        not_ok "ip-guard: ping from the leased address works" "$(vswctl -s port show psa)"
    fi

    # Another port's address as source, and ARP claiming it.
    b=$(ctr psa drop_ip_guard)
    cap_start far psup psu1; cap_start vic psb psb
    tx psa psa i_spoof i_arp i_good
    cap_stop far vic
    local sp arp good
    sp=$(cap_count far i_spoof); good=$(cap_count far i_good)
    arp=$(( $(cap_count far i_arp) + $(cap_count vic i_arp) ))
    d=$(rise psa drop_ip_guard "$b")
    if [ "$sp" = 0 ] && ge "$good" 1 && ge "$d" 2; then
        ok "ip-guard: a ping with another port's source address is dropped (drop-ip-guard +$d)"
    else
        not_ok "ip-guard: a ping with another port's source address is dropped" "spoofed $sp, leased-source control $good; drop_ip_guard +$d
$(cap_show far)"
    fi
    if [ "$arp" = 0 ]; then
        ok "ip-guard: ARP claiming another port's address is dropped"
    else
        not_ok "ip-guard: ARP claiming another port's address is dropped" "$arp frames passed
$(cap_show vic)"
    fi

    # A static binding.
    vswctl port set psa ip-allow 10.14.7.60
    ip -n psa addr add 10.14.7.60/24 dev psa
    out=$(vswctl port show psa bindings); j=$(vswctl -j port show psa)
    if ip netns exec psa ping -c 2 -i 0.2 -W 1 -I 10.14.7.60 10.14.7.254 >/dev/null 2>&1 &&
       [ "$(head -1 <<<"$out")" = "10.14.7.60 static" ] && [ "$(jpy "d[0]['ip_allow']" <<<"$j")" = "['10.14.7.60']" ]; then
        ok "ip-allow 10.14.7.60: a static binding (listed first), ping from it works"
    else
        not_ok "ip-allow 10.14.7.60: a static binding (listed first), ping from it works" "bindings: $out; $j"
    fi

    # IPv6: a global address needs a binding, link-local does not.
    ip -n psa addr add 2001:db8:14:7::1/64 dev psa
    ip -n psup addr add 2001:db8:14:7::fe/64 dev psu1; ip -n psup addr add fe80::14:fe/64 dev psu1
    b=$(ctr psa drop_ip_guard)
    local g6=0 ll6=0
    ip netns exec psa ping -6 -c 1 -W 1 2001:db8:14:7::fe >/dev/null 2>&1 && g6=1
    ip -n psa neigh flush dev psa
    ip netns exec psa ping -6 -c 2 -i 0.2 -W 1 -I psa fe80::14:fe >/dev/null 2>&1 && ll6=1
    cap_start far psup psu1
    tx psa psa i_v6 i_v6ll
    cap_stop far
    local v6 v6ll; v6=$(cap_count far i_v6); v6ll=$(cap_count far i_v6ll)
    d=$(rise psa drop_ip_guard "$b")
    if [ $g6 = 0 ] && [ "$v6" = 0 ] && [ $ll6 = 1 ] && ge "$v6ll" 1 && ge "$d" 2; then
        ok "ip-guard IPv6: an unbound global source is dropped (drop-ip-guard +$d), link-local passes"
    else
        not_ok "ip-guard IPv6: an unbound global source is dropped, link-local passes" "global ping $g6, crafted $v6; link-local ping $ll6, crafted $v6ll; drop_ip_guard +$d"
    fi
    vswctl port set psa ip-allow 10.14.7.60,2001:db8:14:7::1
    if ip netns exec psa ping -6 -c 2 -i 0.2 -W 2 2001:db8:14:7::fe >/dev/null 2>&1; then
        ok "ip-allow with an IPv6 address: the global address passes"
    else
        not_ok "ip-allow with an IPv6 address: the global address passes" "$(vswctl port show psa bindings)"
    fi

    # The client releases its lease: the binding goes.
    tx psa psa i_release
    sleep 0.5
    out=$(vswctl port show psa bindings)
    if ! grep -q "^10\.14\.7\.123 " <<<"$out" && grep -q "^10\.14\.7\.60 static" <<<"$out"; then
        ok "a DHCPRELEASE from the port removes its DHCP binding, the static ones stay"
    else
        not_ok "a DHCPRELEASE from the port removes its DHCP binding, the static ones stay" "$out"
    fi
}

# 8. mac-max 64 under a flood of 100 000 source MACs: the port teaches at most 64 entries,
# the other ports' entries and forwarding are untouched.
test_fdb_mac_max() {
    have_pktgen || { skip "mac-max under a MAC flood" "no pktgen"; return; }
    cleanup; switch_up
    vport psa psa mode access pvid 1
    vport psb psb mode access pvid 1
    ip -n psa addr add 10.14.8.1/24 dev psa; ip -n psb addr add 10.14.8.2/24 dev psb
    # pktgen sends from other MACs than the port's: mac-spoof on lets them in
    vport psf - mode access pvid 1 mac-spoof on mac-max 64
    pings psa 10.14.8.2 1
    local b n d t0 t1
    b=$(ctr psf learn_refused_mac_max)
    t0=$(date +%s)
    # to the first source MAC, which the first frame teaches on psf itself: the flood is
    # learned (or refused), not copied into the other namespaces
    pktgen_run psf 100000 0 02:10:00:00:00:00 100000
    t1=$(date +%s)
    n=$(vswctl fdb show $SW port psf | grep -c .); d=$(rise psf learn_refused_mac_max "$b")
    if ge "$n" 1 && [ "$n" -le 64 ] && ge "$d" 90000; then
        ok "mac-max 64: 100000 source MACs ($((t1 - t0)) s of pktgen) leave $n entries on the port (learn-refused-mac-max +$d)"
    else
        not_ok "mac-max 64: 100000 source MACs leave at most 64 entries on the port" "$n entries, learn_refused_mac_max +$d"
    fi
    if pings psa 10.14.8.2 && fdb_has "${MAC[psa]}" psa && fdb_has "${MAC[psb]}" psb; then
        ok "mac-max: the other ports' FDB entries and forwarding are intact"
    else
        not_ok "mac-max: the other ports' FDB entries and forwarding are intact" "$(vswctl fdb show $SW | grep -v 02:10:)"
    fi
}

# 9. storm-limit 100: a broadcast storm gets about 100 frames/s through; known unicast is not
# limited.
test_storm_limit() {
    have_pktgen || { skip "storm-limit under a broadcast storm" "no pktgen"; return; }
    cleanup; switch_up
    vport psb psb mode access pvid 1
    vport psf - mode access pvid 1 storm-limit 100
    local b r0 r1 t0 t1 secs got max d
    b=$(ctr psf drop_storm); r0=$(rxp psb psb)
    t0=$(date +%s.%N)
    pktgen_run psf 3000 1000000 $BC          # 3000 broadcasts, 1 ms apart: about 3 s
    t1=$(date +%s.%N)
    sleep 0.5
    r1=$(rxp psb psb); got=$((r1 - r0)); d=$(rise psf drop_storm "$b")
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { s = b - a; print (s == int(s)) ? s : int(s) + 1 }')
    max=$((3 * 100 * secs))
    # the storm must outrun the limit (at least 1000 dropped), else this proves nothing
    if ge "$got" 50 && [ "$got" -le $max ] && ge "$d" 1000 && ge "$d" $((3000 - got - 50)); then
        ok "storm-limit 100: $got of 3000 broadcasts in ${secs} s reached another port (drop-storm +$d)"
    else
        not_ok "storm-limit 100: about 100 broadcasts/s reach another port" "$got of 3000 in ${secs} s (at most $max), drop_storm +$d"
    fi
    # known unicast: psb is learned first
    tx psb psb b_hello
    b=$(ctr psf drop_storm); r0=$(rxp psb psb)
    pktgen_run psf 1000 100000 "${MAC[psb]}"
    sleep 0.5
    r1=$(rxp psb psb); got=$((r1 - r0)); d=$(rise psf drop_storm "$b")
    if ge "$got" 950 && [ "$d" = 0 ]; then
        ok "storm-limit: unicast to a known MAC is not limited ($got of 1000)"
    else
        not_ok "storm-limit: unicast to a known MAC is not limited" "$got of 1000 reached psb, drop_storm +$d"
    fi
}

# tx, cap_count and jpy run in one python3 (lib.sh's pyrun): a python3 start per frame sent or
# capture counted took minutes of the emulated CPU.
write_tx_py; write_cap_count_py; py_server
if ! out=$(build_frames 2>&1); then
    echo "TAP version 13"; echo "1..1"; echo "not ok 1 scapy builds the test frames"
    printf '%s\n' "$out" | sed 's/^/# /'
    exit 1
fi
ALL_TESTS="
    test_settings
    test_vlan_hopping
    test_trunk_tags
    test_mac_spoofing
    test_link_local
    test_dhcp_guard
    test_router_guard
    test_ip_source_guard
    test_fdb_mac_max
    test_storm_limit
"
run_tests
