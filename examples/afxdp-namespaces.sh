#!/usr/bin/env bash
# First contact with the AF_XDP backend: two Linux hosts talk through the Java router.
#
#   host A (ns …a, a0 10.77.1.2/24) ── veth ── r1 │ router (ns …r) │ r2 ── veth ── (b0 10.77.2.2/24, ns …b) host B
#
# The router namespace has no kernel addresses and no forwarding: `./router run --set nic=af-xdp` owns r1 and r2
# through AF_XDP sockets, answers ARP and ping for 10.77.1.1 / 10.77.2.1, resolves host B with ARP, sends ICMP
# time-exceeded (traceroute) and forwards everything else through the engine and the selected DMA strategy.
# The script runs ping, traceroute and iperf3 (TCP, UDP) between the hosts, prints what the router saw, and tears
# everything down, also on failure or Ctrl-C. Needs root, iproute2, iputils-ping, traceroute, iperf3, ethtool.
#
#   examples/afxdp-namespaces.sh                 # dma=per-packet (a UMEM per port, one copy per packet)
#   DMA=premapped-reuse examples/afxdp-namespaces.sh   # one shared UMEM, forwarded in place
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
DMA="${DMA:-per-packet}"

[[ $EUID -eq 0 ]] || { echo "afxdp-namespaces: run as root (network namespaces, XDP and AF_XDP need it)" >&2; exit 2; }
for tool in ip ping traceroute iperf3 ethtool; do
    command -v "$tool" >/dev/null || { echo "afxdp-namespaces: '$tool' is missing (apt-get install -y iproute2 iputils-ping traceroute iperf3 ethtool)" >&2; exit 2; }
done

TAG="rlx$$"
A="${TAG}a"; R="${TAG}r"; B="${TAG}b"
WORK="$(mktemp -d)"
ROUTER_PID=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n "$ROUTER_PID" ]] && kill -0 "$ROUTER_PID" 2>/dev/null; then
        kill -TERM "$ROUTER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$ROUTER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$ROUTER_PID" 2>/dev/null || true
    fi
    for ns in "$A" "$R" "$B"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }

step "topology: namespaces $A, $R, $B"
for ns in "$A" "$R" "$B"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add a0 netns "$A" type veth peer name r1 netns "$R"
ip link add b0 netns "$B" type veth peer name r2 netns "$R"
ip -n "$A" addr add 10.77.1.2/24 dev a0
ip -n "$B" addr add 10.77.2.2/24 dev b0
ip -n "$A" link set a0 up; ip -n "$B" link set b0 up
ip -n "$R" link set r1 up; ip -n "$R" link set r2 up
ip -n "$A" route add default via 10.77.1.1
ip -n "$B" route add default via 10.77.2.1
# A veth leaves TCP/UDP checksums to hardware that isn't there; XDP sees them unfinished. Real NICs are fine.
ip netns exec "$A" ethtool -K a0 tx off >/dev/null
ip netns exec "$B" ethtool -K b0 tx off >/dev/null
echo "no static neighbour entries anywhere: the router ARPs and answers ARP"

step "router: ./router run --set nic=af-xdp --set dma=$DMA (in $R)"
ip netns exec "$R" "$ROOT/router" run --duration 600 --set nic=af-xdp --set dma="$DMA" \
    --set ports=r1=10.77.1.1/24,r2=10.77.2.1/24 --set routes= >"$WORK/router.out" 2>"$WORK/router.err" &
ROUTER_PID=$!
for _ in $(seq 120); do
    if ip netns exec "$A" ping -c 1 -W 1 10.77.1.1 >/dev/null 2>&1; then break; fi
    kill -0 "$ROUTER_PID" 2>/dev/null || { echo "the router exited:"; cat "$WORK/router.err" "$WORK/router.out"; exit 1; }
    sleep 0.5
done
grep -h "af-xdp: r[12] " "$WORK/router.err" | sed 's/^.*af-xdp: /  /' || true

step "ping host B from host A (through the router)"
ip netns exec "$A" ping -c 5 -i 0.2 10.77.2.2

step "traceroute host B from host A (the router answers with ICMP time exceeded)"
ip netns exec "$A" traceroute -n -q 1 -w 1 -m 5 10.77.2.2

step "ping a network the router has no route to (ICMP destination unreachable)"
ip netns exec "$A" ping -c 1 -W 2 192.0.2.1 || true

step "iperf3 TCP, 5 s"
ip netns exec "$B" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
sleep 0.5
ip netns exec "$A" iperf3 -c 10.77.2.2 -p 5201 -t 5 | grep -E "sender|receiver|Retr"
wait $! 2>/dev/null || true

step "iperf3 UDP, 100 Mbit/s, 3 s"
ip netns exec "$B" iperf3 -s -1 -p 5202 >/dev/null 2>&1 &
sleep 0.5
ip netns exec "$A" iperf3 -c 10.77.2.2 -p 5202 -u -b 100M -t 3 | grep -E "sender|receiver|Jitter"
wait $! 2>/dev/null || true

step "what the router saw (stopped with SIGTERM, as Ctrl-C would: it prints its summary and detaches)"
# (A background job of a script ignores SIGINT, so the script sends SIGTERM; both run the same shutdown.)
kill -TERM "$ROUTER_PID"
wait "$ROUTER_PID" || true
ROUTER_PID=""
sed -n '/^routerlab run finished/,$p' "$WORK/router.out"
grep -h "af-xdp: r[12] closed" "$WORK/router.err" | sed 's/^.*af-xdp: /  /' || true
step "after the run: no XDP program left on r1/r2"
ip -n "$R" -d link show r1 | grep -q "prog/xdp" && echo "r1 still has a program!" || echo "r1: none"
ip -n "$R" -d link show r2 | grep -q "prog/xdp" && echo "r2 still has a program!" || echo "r2: none"
