#!/usr/bin/env bash
# Forwarded packets per second: the Java AF_XDP router against Linux's own IPv4 forwarding, same topology, same
# generator, same CPU placement; and premapped-reuse against per-packet on the AF_XDP backend.
#
#   generator (ns …a, a0, CPU 0) ── r1 │ router ns (CPU 1 for the Java router) │ r2 ── b0 (ns …b, XDP sink)
#
# - Traffic: 64-byte frames on the wire (60 B without FCS), UDP 10.77.1.2 -> 10.77.2.2, 64 flows, sent by the
#   project's own AF_XDP generator (TrafficTool gen: a tx-only AF_XDP socket on a0, as fast as its rings allow),
#   pinned to CPU 0. It addresses frames straight to r1's MAC, so both routers see the same frames.
# - Sink: an XDP program on b0 that drops IPv4 and passes ARP (so both routers can resolve b0).
# - Measured: b0's rx_packets over the middle 4 s of each 6 s run (one warm-up run first), median of RUNS runs.
# - kernel:  r1/r2 carry the addresses in the router namespace, net.ipv4.ip_forward=1 (its forwarding runs in
#            softirq where the frames arrive: on the generator's CPU 0, as veth delivers them there).
#   af-xdp/*: ./router run --set nic=af-xdp in the router namespace, pinned to CPU 1 with taskset; XDP in skb mode
#            (the generic XDP hook and the copy into the UMEM also run in softirq on CPU 0).
#
# - NICE=-10 runs the generator and the Java router with that nice value (on a machine shared with other work; the
#   kernel's forwarding runs in the generator's softirq, so it gets the same priority).
#
#   examples/afxdp-bench.sh            # RUNS=5 CONFIGS="kernel af-xdp/per-packet af-xdp/premapped-reuse" NICE=0
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
RUNS="${RUNS:-5}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-6}"
CONFIGS="${CONFIGS:-kernel af-xdp/per-packet af-xdp/premapped-reuse}"
NICE="${NICE:-0}"
DIST="$ROOT/distribution/target/routerlab"

[[ $EUID -eq 0 ]] || { echo "afxdp-bench: run as root" >&2; exit 2; }
# A Java 25: JAVA_HOME if it is one, else /usr/lib/jvm/*25* (a bare /bin/java may be an older default).
JAVA=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
    JAVA="$JAVA_HOME/bin/java"
fi
[[ -n "$JAVA" ]] || JAVA="$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)"
[[ -x "$JAVA" ]] || { echo "afxdp-bench: no Java 25 (set JAVA_HOME)" >&2; exit 2; }
[[ -f "$DIST/bundles/router-nic-afxdp-0.1.0-SNAPSHOT.jar" ]] || { echo "afxdp-bench: build first: mvn -B -q -DskipTests install" >&2; exit 2; }
TOOL=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$DIST/bundles/router-nic-afxdp-0.1.0-SNAPSHOT.jar:$DIST/bundles/router-api-0.1.0-SNAPSHOT.jar" org.routerlab.nic.afxdp.internal.TrafficTool)

TAG="rlb$$"
A="${TAG}a"; R="${TAG}r"; B="${TAG}b"
R1_MAC=02:00:00:77:01:01
WORK="$(mktemp -d)"
PIDS=()

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 1
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    for ns in "$A" "$R" "$B"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ns in "$A" "$R" "$B"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add a0 netns "$A" address 02:00:00:77:01:02 type veth peer name r1 netns "$R" address "$R1_MAC"
ip link add b0 netns "$B" address 02:00:00:77:02:02 type veth peer name r2 netns "$R" address 02:00:00:77:02:01
ip -n "$A" addr add 10.77.1.2/24 dev a0
ip -n "$B" addr add 10.77.2.2/24 dev b0
for x in "$A a0" "$B b0" "$R r1" "$R r2"; do set -- $x; ip -n "$1" link set "$2" up; done
ip -n "$A" route add default via 10.77.1.1
ip -n "$B" route add default via 10.77.2.1

ip netns exec "$B" "${TOOL[@]}" sink --dev b0 >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
sleep 1

rx_b0() { ip netns exec "$B" cat /sys/class/net/b0/statistics/rx_packets; }

# One run: the generator for SECONDS_PER_RUN s on CPU 0; b0's packets/s over the middle 4 s.
measure() {
    ip netns exec "$A" nice -n "$NICE" taskset -c 0 "${TOOL[@]}" gen --dev a0 --dst-mac "$R1_MAC" --src 10.77.1.2 --dst 10.77.2.2 \
        --size 60 --flows 64 --seconds "$SECONDS_PER_RUN" >"$WORK/gen.log" 2>&1 &
    local gen=$!
    sleep 1.5
    local c1; c1=$(rx_b0)
    sleep 4
    local c2; c2=$(rx_b0)
    wait "$gen" || true
    local offered; offered=$(sed -n 's/.* frames in \([0-9.]*\) s, \([0-9.]*\) Mpps/\2/p' "$WORK/gen.log")
    echo "$(( (c2 - c1) / 4 )) ${offered:-?}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), nice $NICE, $RUNS runs of ${SECONDS_PER_RUN} s"
printf '%-26s %12s %22s %14s\n' "config" "median pps" "min-max pps" "offered Mpps"
for config in $CONFIGS; do
    ROUTER=""
    case "$config" in
        kernel)
            ip -n "$R" addr add 10.77.1.1/24 dev r1
            ip -n "$R" addr add 10.77.2.1/24 dev r2
            ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
            ;;
        af-xdp/*)
            dma="${config#af-xdp/}"
            ip netns exec "$R" nice -n "$NICE" taskset -c 1 env ROUTER_NO_BUILD=1 "$ROOT/router" run --duration 3600 \
                --set nic=af-xdp --set dma="$dma" --set ports=r1=10.77.1.1/24,r2=10.77.2.1/24 --set routes= \
                >"$WORK/router.out" 2>"$WORK/router.err" &
            ROUTER=$!
            PIDS+=("$ROUTER")
            for _ in $(seq 120); do
                ip netns exec "$A" ping -c 1 -W 1 10.77.1.1 >/dev/null 2>&1 && break
                kill -0 "$ROUTER" 2>/dev/null || { cat "$WORK/router.err"; exit 1; }
                sleep 0.5
            done
            ;;
    esac
    measure >/dev/null   # warm-up: ARP, JIT
    : >"$WORK/results"
    for _ in $(seq "$RUNS"); do measure >>"$WORK/results"; done
    med=$(cut -d' ' -f1 "$WORK/results" | median)
    lo=$(cut -d' ' -f1 "$WORK/results" | sort -n | head -n 1)
    hi=$(cut -d' ' -f1 "$WORK/results" | sort -n | tail -n 1)
    off=$(cut -d' ' -f2 "$WORK/results" | tr '\n' ' ')
    printf '%-26s %12s %22s   %s\n' "$config" "$med" "$lo-$hi" "$off"
    case "$config" in
        kernel)
            ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=0
            ip -n "$R" addr flush dev r1; ip -n "$R" addr flush dev r2
            ;;
        af-xdp/*)
            kill -TERM "$ROUTER"; wait "$ROUTER" || true
            if [[ -n "${VERBOSE:-}" ]]; then sed -n '/^routerlab run finished/,$p' "$WORK/router.out"; fi
            ;;
    esac
done
