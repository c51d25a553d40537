# Nested guests for selftests (sourced): a real VM NIC client inside the test VM, on a tap.
#
#   guest_kernel                 path of the bzImage the test VM booted (matched by /proc/version)
#   guest_initramfs              builds $GUEST_DIR/initramfs.cpio.gz (busybox + /init, below) once
#   guest_start NAME TAP MAC linux|ipxe [QEMU-OPTS...]
#                                boots qemu-system-x86_64 (TCG, 1 vCPU) in the background with a
#                                virtio-net NIC (MAC) on tap TAP; its serial console goes to
#                                $GUEST_DIR/NAME.log. linux: the test kernel with the initramfs;
#                                ipxe: no disk, `-boot n`, QEMU's iPXE ROM (Debian ipxe-qemu).
#                                GUEST_ARGS adds words to the linux guest's kernel command line.
#   guest_wait NAME REGEX SECS   waits until a console line matches REGEX (extended); fails when
#                                SECS pass or QEMU exits first
#   guest_stop NAME              kills QEMU (if still running) and waits for it
#   guest_log NAME               the console, for a failure's details (the /init marker lines and
#                                the last lines)
#   guest_stop_all
#
# The linux guest's /init (busybox sh): mounts proc/sys/dev, brings eth0 up, runs udhcpc
# (the lease's address and the server go on eth0), pings the DHCP server vsw.pings times, then
# pings it every ~0.5 s for vsw.watch seconds, reporting each change (3 losses in a row = down,
# one reply = up) together with what the guest's NIC says about its carrier, then reboots (with -no-reboot: QEMU exits).
# Every line it prints starts with "VSWGUEST: ":
#   VSWGUEST: BOOT <uptime>                       /init started
#   VSWGUEST: LEASE <ip>/<prefix> SERVER <ip> <uptime>
#   VSWGUEST: NOLEASE <uptime>                    udhcpc gave up (the guest reboots: QEMU exits)
#   VSWGUEST: PINGS <ok>/<n>
#   VSWGUEST: LINK DOWN|UP carrier=<0|1> <uptime> the pings to the server stopped / came back
#   VSWGUEST: DONE                                vsw.watch passed (the guest reboots: QEMU exits)
# The ipxe guest runs QEMU's network-boot ROM: DHCP, then TFTP of the boot file (an iPXE
# script the test serves) which prints its own marker; dnsmasq's log shows both from the
# server's side.
GUEST_DIR=${GUEST_DIR:-/tmp/vswitch-guest}
GUEST_MEM=${GUEST_MEM:-160M}
QEMU=${QEMU:-qemu-system-x86_64}
# Under nested TCG every piece of kernel code run for the first time costs two translations,
# so the guest skips what it does not need: ACPI (the pc machine's MP table and PCI config
# space suffice; -no-reboot turns the guest's reboot into QEMU's exit, as poweroff needs
# ACPI), the Spectre mitigations' code patching, KASLR's relocation.
GUEST_CMDLINE=${GUEST_CMDLINE:-acpi=off mitigations=off nokaslr}

# The guest's kernel: the small one scripts/guest-kernel builds (tinyconfig + virtio-net,
# scripts/kconfig/guest.config), which scripts/vm puts into the VM's snapshot: the test
# kernel boots in 15-20 minutes under nested emulation. Without it (GUEST_TEST_KERNEL=1, or
# outside scripts/vm), the test VM's own kernel: a bzImage whose version string (in its setup
# header) is the one in /proc/version.
guest_kernel() {
    local cache=${VSWITCH_CACHE:-/var/cache/vswitch} b off ver running
    if [ "${GUEST_TEST_KERNEL:-0}" = 0 ] && [ -f "${VSWITCH_SNAP:-/nonexistent}/guest-bzImage" ]; then
        echo "$VSWITCH_SNAP/guest-bzImage"; return 0
    fi
    running=$(cat /proc/version)
    for b in ${VSWITCH_SNAP:+"$VSWITCH_SNAP/bzImage"} "$cache"/build/*/arch/x86/boot/bzImage; do
        [ -f "$b" ] || continue
        # boot protocol: the 16-bit kernel_version field at 0x20e points (minus 0x200) at it
        off=$(od -An -tu2 -j $((0x20e)) -N2 "$b" | tr -d ' ')
        ver=$(dd if="$b" bs=1 skip=$((off + 0x200)) count=200 status=none | tr '\0' '\n' | head -1)
        # "6.12.117-vswitch (user@host) #1 SMP ..." vs "Linux version 6.12.117-vswitch (user@host) (cc ...) #1 SMP ..."
        local rel=${ver%% *} build=${ver#*#}
        [[ $running == "Linux version $rel "* && $running == *"#$build"* ]] && { echo "$b"; return 0; }
    done
    return 1
}

guest_initramfs() {
    local out=$GUEST_DIR/initramfs.cpio.gz root=$GUEST_DIR/initramfs
    [ -f "$out" ] && return 0
    mkdir -p "$GUEST_DIR"
    rm -rf "$root"; mkdir -p "$root"/{bin,dev,proc,sys,tmp}
    cp /bin/busybox "$root/bin/busybox" || return 1
    mknod -m 600 "$root/dev/console" c 5 1
    mknod -m 666 "$root/dev/null" c 1 3
    cat > "$root/udhcpc.script" <<'EOF'
#!/bin/busybox sh
# udhcpc's event script: apply the lease to the interface, remember it for /init
case "$1" in
    bound|renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/$mask" dev "$interface"
        echo "LEASE_IP=$ip LEASE_MASK=$mask LEASE_SERVER=$serverid" > /tmp/lease ;;
    deconfig) ip addr flush dev "$interface" ;;
esac
exit 0
EOF
    cat > "$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "VSWGUEST: $* $(up)"; }
pings=3; watch=0; tries=6; dmesg=0
for w in $(cat /proc/cmdline); do
    case "$w" in
        vsw.pings=*) pings=${w#*=} ;;
        vsw.watch=*) watch=${w#*=} ;;
        vsw.tries=*) tries=${w#*=} ;;
        vsw.dmesg=*) dmesg=${w#*=} ;;
    esac
done
say BOOT
ip link set lo up; ip link set eth0 up
udhcpc -i eth0 -s /udhcpc.script -f -q -n -t "$tries" -T 2 -A 1 >/dev/null 2>&1
[ "$dmesg" = 1 ] && dmesg
if [ ! -f /tmp/lease ]; then say NOLEASE; reboot -f; fi
. /tmp/lease
say "LEASE $LEASE_IP/$LEASE_MASK SERVER $LEASE_SERVER"
n=0; i=0
while [ $i -lt "$pings" ]; do
    i=$((i + 1)); ping -c 1 -W 2 "$LEASE_SERVER" >/dev/null 2>&1 && n=$((n + 1))
done
say "PINGS $n/$pings"
state=up; lost=0
end=$(( $(cut -d. -f1 /proc/uptime) + watch ))
while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
    if ping -c 1 -W 1 "$LEASE_SERVER" >/dev/null 2>&1; then
        lost=0
        [ $state = down ] && { state=up; say "LINK UP carrier=$(cat /sys/class/net/eth0/carrier)"; }
        sleep 0.5
    else
        lost=$((lost + 1))
        [ $state = up ] && [ $lost -ge 3 ] && { state=down; say "LINK DOWN carrier=$(cat /sys/class/net/eth0/carrier)"; }
    fi
done
say DONE
reboot -f
EOF
    chmod 755 "$root/init" "$root/udhcpc.script"
    (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp" && mv "$out.tmp" "$out"
}

# guest_start NAME TAP MAC linux|ipxe [QEMU-OPTS...]
guest_start() {
    local name=$1 tap=$2 mac=$3 kind=$4; shift 4
    local log=$GUEST_DIR/$name.log vhost=""
    mkdir -p "$GUEST_DIR"; : > "$log"
    [ -c /dev/vhost-net ] && [ "${GUEST_VHOST:-1}" = 1 ] && vhost=",vhost=on"
    local romfile=""
    [ "$kind" = linux ] && romfile=",romfile="   # no iPXE ROM to start: the kernel is loaded directly
    local args=(-nodefaults -nographic -no-reboot -machine pc -accel tcg -smp 1 -m "$GUEST_MEM"
                -serial "file:$log" -monitor none
                -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no$vhost"
                -device "virtio-net-pci,netdev=n0,mac=$mac${romfile:-}")
    case $kind in
        linux)
            local k; k=$(guest_kernel) || { echo "guest_start: no guest kernel (scripts/guest-kernel) and no bzImage matches /proc/version" >&2; return 1; }
            guest_initramfs || return 1
            args+=(-kernel "$k" -initrd "$GUEST_DIR/initramfs.cpio.gz"
                   -append "console=ttyS0 quiet panic=-1 $GUEST_CMDLINE ${GUEST_ARGS:-}") ;;
        ipxe)
            args+=(-boot n) ;;
        *) echo "guest_start: linux or ipxe, not $kind" >&2; return 1 ;;
    esac
    "$QEMU" "${args[@]}" "$@" </dev/null >"$GUEST_DIR/$name.qemu" 2>&1 &
    echo $! > "$GUEST_DIR/$name.pid"
    echo "$(date +%s.%N)" > "$GUEST_DIR/$name.start"
}

guest_running() {
    local p; p=$(cat "$GUEST_DIR/$1.pid" 2>/dev/null) || return 1
    kill -0 "$p" 2>/dev/null
}

# guest_wait NAME REGEX SECS: 0 when a console line matches REGEX within SECS
guest_wait() {
    local name=$1 re=$2 end=$((SECONDS + $3))
    while [ $SECONDS -lt $end ]; do
        grep -aqE "$re" "$GUEST_DIR/$name.log" 2>/dev/null && return 0
        guest_running "$name" || { grep -aqE "$re" "$GUEST_DIR/$name.log" 2>/dev/null; return; }
        sleep 0.5
    done
    return 1
}

# guest_line NAME REGEX: the last console line matching REGEX
guest_line() { grep -aE "$2" "$GUEST_DIR/$1.log" 2>/dev/null | tr -d '\r' | tail -1; }

# guest_elapsed NAME: seconds since guest_start
guest_elapsed() {
    local s; s=$(cat "$GUEST_DIR/$1.start")
    awk -v s="$s" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'
}

guest_stop() {
    local p; p=$(cat "$GUEST_DIR/$1.pid" 2>/dev/null) || return 0
    kill "$p" 2>/dev/null
    local i; for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
    rm -f "$GUEST_DIR/$1.pid"
    return 0
}

guest_stop_all() {
    local f; for f in "$GUEST_DIR"/*.pid; do [ -f "$f" ] && guest_stop "$(basename "$f" .pid)"; done
    return 0
}

guest_log() {
    echo "== $1: QEMU said:"; tail -5 "$GUEST_DIR/$1.qemu" 2>/dev/null
    echo "== $1: console markers:"; grep -a 'VSW' "$GUEST_DIR/$1.log" 2>/dev/null | tr -d '\r'
    echo "== $1: console tail:"; tail -c 1500 "$GUEST_DIR/$1.log" 2>/dev/null | tr -d '\r'
}
