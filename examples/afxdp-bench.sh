#!/usr/bin/env bash
# Forwarded packets per second: the Java AF_XDP router against Linux's own IPv4 forwarding, same topology, same
# generator, same CPU placement; and premapped-reuse against per-packet on the AF_XDP backend.
#
#   generator (ns …a, a0, CPU 0) ── r1 │ router ns │ r2 ── b0 (ns …b, XDP sink)
#
# - Traffic: 64-byte frames on the wire (60 B without FCS), UDP 10.77.1.2 -> 10.77.2.2, 64 flows (random UDP source
#   port per frame), addressed straight to r1's MAC, so every router sees the same frames.
#   GEN=xdp (default): the in-kernel generator (TrafficTool xdpgen): BPF_PROG_RUN with live frames runs a tiny XDP
#   program (rewrite the headers, pick a port, XDP_TX) on a0 millions of times per syscall; the frames go to r1
#   through the veth's XDP transmit path, with no user-space work per frame. Pinned to CPU 0.
#   GEN=afxdp: the AF_XDP generator (TrafficTool gen, a tx-only socket on a0, copy mode), also on CPU 0.
# - r1 has GRO on: a veth takes XDP-transmitted frames only when its peer has NAPI (GRO, or a native XDP program).
# - Sink: a program on b0 that drops IPv4 and passes ARP (so every router can resolve b0). SINK=tc (default): tcx
#   ingress, which takes each skb as it comes. SINK=xdp: native XDP; on a veth XDP copies every non-linear skb
#   first (skb_pp_cow_data), and the skbs an AF_XDP socket sends (pointing into the UMEM) always are, while the
#   kernel's forwarded ones are not: that sink charges the AF_XDP router a copy per frame (in its own thread's
#   sendto, where b0's receive softirq runs) that the kernel does not pay.
# - Measured: b0's rx_packets over the middle 4 s of each 6 s run (one warm-up run first), median of RUNS runs; also
#   r1's rx_packets over the same window (what reached the router) and what the generator sent.
# - PLACEMENT (same for every config):
#   softirq (default): r1's receive work (veth NAPI, the XDP hook and the copy into the UMEM, or the kernel's whole
#            forwarding) runs in softirq on the CPU that raised it, the generator's CPU 0; the Java router's thread
#            is pinned to CPU 1.
#   threaded: r1's NAPI is threaded (echo 1 > /sys/class/net/r1/threaded) and its kthread pinned to CPU 1, with the
#            Java router's thread: CPU 0 only generates, CPU 1 does all the router's work, kernel or Java.
#   busypoll: one CPU each again, with the Java router busy-polling: it runs with --set nic.busy.poll=on, so its
#            forwarding thread (CPU 1) runs r1's NAPI itself (io_uring NAPI busy poll; the veth's receive, XDP and
#            the copy into the UMEM) and r1's napi_defer_hard_irqs/gro_flush_timeout (set by the router while it
#            runs) keep the kernel from scheduling that NAPI on the generator's CPU; r1's NAPI is not threaded for
#            it (a kthread on CPU 1 would compete with the thread that polls). The kernel runs as in the threaded
#            placement (its NAPI kthread alone on CPU 1), the generator alone on CPU 0 for both.
# - kernel:  r1/r2 carry the addresses in the router namespace, net.ipv4.ip_forward=1.
#   af-xdp/DMA: ./router run --set nic=af-xdp --set dma=DMA in the router namespace (taskset -c 1), XDP in skb mode
#            (auto on veth); af-xdp-drv/DMA: the same with nic.xdp.mode=drv (native XDP on r1 and r2).
#   generator: no router: a native XDP drop on r1; r1's rx_packets is what the generator alone puts through.
# - NICE=-10 runs the generator, the Java router and (threaded) r1's NAPI kthread with that nice value, on a machine
#   shared with other work (softirq work runs at the priority of the task it interrupts, or in ksoftirqd). With
#   the scheduler's autogroups (kernel.sched_autogroup_enabled=1) a nice value counts only among the tasks of one
#   session, and each session competes as a whole at nice 0: so the generator and the router each start in a
#   session of their own (setsid) whose autogroup gets NICE too. Without that, NICE=-15 did not put them above
#   other sessions' work, and in the threaded placement r1's NAPI kthread (nice -15, outside any autogroup) had
#   about 28 times the weight of the whole router process.
#
# - NAPI_NICE: the nice value of r1's NAPI kthread (threaded, busypoll placements); NICE by default.
# - ROUTER_ARGS="--set nic.rx.ring=16384 …": more options for the Java router.
# - A config may carry router settings after a '+': af-xdp-drv/premapped-reuse+burst=256+routing=dir-24-8 (each
#   one becomes --set KEY=VALUE; one that starts with '-' is a JVM option instead, added to ROUTER_JAVA_OPTS:
#   af-xdp/premapped-reuse+-XX:+UseParallelGC), so that settings can be compared in one interleaved series.
# - INTERLEAVE=1: round robin (each round starts every config afresh, one warm-up run, one measured run), so that a
#   change in the machine's load touches every config alike; by default each config runs all its runs in a row.
#
#   examples/afxdp-bench.sh   # RUNS=5 GEN=xdp SINK=tc PLACEMENT=softirq NICE=0 INTERLEAVE=0
#                             # CONFIGS="generator kernel af-xdp/per-packet af-xdp/premapped-reuse"
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
RUNS="${RUNS:-5}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-6}"
CONFIGS="${CONFIGS:-generator kernel af-xdp/per-packet af-xdp/premapped-reuse}"
NICE="${NICE:-0}"
GEN="${GEN:-xdp}"
SINK="${SINK:-tc}"
PLACEMENT="${PLACEMENT:-softirq}"
[[ "$GEN" == xdp || "$GEN" == afxdp ]] || { echo "afxdp-bench: GEN=xdp|afxdp" >&2; exit 2; }
[[ "$SINK" == tc || "$SINK" == xdp ]] || { echo "afxdp-bench: SINK=tc|xdp" >&2; exit 2; }
[[ "$PLACEMENT" == softirq || "$PLACEMENT" == threaded || "$PLACEMENT" == busypoll ]] \
    || { echo "afxdp-bench: PLACEMENT=softirq|threaded|busypoll" >&2; exit 2; }
BUSY_ARGS=()
[[ "$PLACEMENT" == busypoll ]] && BUSY_ARGS=(--set nic.busy.poll=auto)
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
ip netns exec "$R" ethtool -K r1 gro on >/dev/null
if [[ "$PLACEMENT" != softirq ]]; then
    ip netns exec "$R" sh -c 'echo 1 > /sys/class/net/r1/threaded'
fi
# Pins r1's NAPI kthread (threaded placement) to CPU 1; it exists only while r1's NAPI is enabled, so after every
# change of XDP program on r1.
pin_napi() {
    [[ "$PLACEMENT" != softirq ]] || return 0
    if [[ "$PLACEMENT" == busypoll ]]; then
        # threaded NAPI for the kernel only; the busy-polling Java router wants no kthread on its CPU
        local t=0
        [[ "$1" == kernel || "$1" == generator ]] && t=1
        ip netns exec "$R" sh -c "echo $t > /sys/class/net/r1/threaded"
        [[ $t == 1 ]] || return 0
    fi
    local found=""
    # (by name: a concurrent topology with an r1 of its own would have its kthread pinned too, harmlessly)
    for p in $(pgrep '^napi/r1-' || true); do
        taskset -pc 1 "$p" >/dev/null && renice -n "${NAPI_NICE:-$NICE}" -p "$p" >/dev/null && found=1
    done
    [[ -n "$found" ]] || echo "afxdp-bench: no napi/r1-* kthread to pin" >&2
}

ip netns exec "$B" "${TOOL[@]}" sink --dev b0 --hook "$SINK" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
sleep 1

# Gives the session that PID leads (started with setsid) the nice value NICE as a whole (see above).
group_nice() {
    [[ -w "/proc/$1/autogroup" ]] || return 0
    [[ "$(ps -o sid= -p "$1" | tr -d ' ')" == "$1" ]] || { echo "afxdp-bench: $1 leads no session" >&2; return 0; }
    echo "$NICE" >"/proc/$1/autogroup" 2>/dev/null || echo "afxdp-bench: could not set the autogroup nice of $1" >&2
}

rx_b0() { ip netns exec "$B" cat /sys/class/net/b0/statistics/rx_packets; }
rx_r1() { ip netns exec "$R" cat /sys/class/net/r1/statistics/rx_packets; }

# One run: the generator for SECONDS_PER_RUN s on CPU 0; packets/s over the middle 4 s at b0 (at r1 for the
# generator alone), r1's, and the generator's own rate.
measure() {
    local cmd=gen
    [[ "$GEN" == xdp ]] && cmd=xdpgen
    ip netns exec "$A" setsid nice -n "$NICE" taskset -c 0 "${TOOL[@]}" "$cmd" --dev a0 --dst-mac "$R1_MAC" --src 10.77.1.2 \
        --dst 10.77.2.2 --size 60 --flows 64 --seconds "$SECONDS_PER_RUN" >"$WORK/gen.log" 2>&1 &
    local gen=$!
    sleep 0.3
    group_nice "$gen"   # once it runs in its own session
    sleep 1.2
    local c1 r1; c1=$(rx_b0); r1=$(rx_r1)
    sleep 4
    local c2 r2; c2=$(rx_b0); r2=$(rx_r1)
    wait "$gen" || true
    local offered; offered=$(sed -n 's/.* frames in \([0-9.]*\) s, \([0-9.]*\) Mpps/\2/p' "$WORK/gen.log")
    if [[ "$1" == r1 ]]; then c1=$r1; c2=$r2; fi
    echo "$(( (c2 - c1) / 4 )) $(( (r2 - r1) / 4 )) ${offered:-?}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg), generator $GEN, sink $SINK," \
    "placement $PLACEMENT, nice $NICE, $RUNS runs of ${SECONDS_PER_RUN} s"
printf '%-26s %12s %22s %12s   %s\n' "config" "median pps" "min-max pps" "r1 rx pps" "generator Mpps (per run)"
# Starts what config needs (sets ROUTER and AT), then pins the NAPI kthread.
setup() {
    local config=$1
    ROUTER=""
    AT=b0
    case "$config" in
        generator)
            AT=r1
            ip netns exec "$R" "${TOOL[@]}" sink --dev r1 >"$WORK/sink-r1.log" 2>&1 &
            ROUTER=$!
            PIDS+=("$ROUTER")
            for _ in $(seq 50); do grep -q attached "$WORK/sink-r1.log" && break; sleep 0.1; done
            ;;
        kernel)
            ip -n "$R" addr add 10.77.1.1/24 dev r1
            ip -n "$R" addr add 10.77.2.1/24 dev r2
            ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
            ;;
        af-xdp/* | af-xdp-drv/*)
            dma="${config#*/}"
            dma="${dma%%+*}"
            extra=()
            jvm=()
            if [[ "$config" == *+* ]]; then
                IFS=+ read -ra kv <<<"${config#*+}"
                for x in "${kv[@]}"; do
                    if [[ "$x" == -* ]]; then jvm+=("$x"); else extra+=(--set "$x"); fi
                done
            fi
            mode=auto
            [[ "$config" == af-xdp-drv/* ]] && mode=drv
            ip netns exec "$R" setsid nice -n "$NICE" taskset -c 1 env ROUTER_NO_BUILD=1 \
                ROUTER_JAVA_OPTS="${ROUTER_JAVA_OPTS:-}${jvm[*]:+ ${jvm[*]}}" "$ROOT/router" run --duration 3600 \
                --set nic=af-xdp --set dma="$dma" --set nic.xdp.mode="$mode" \
                --set ports=r1=10.77.1.1/24,r2=10.77.2.1/24 --set routes= "${BUSY_ARGS[@]}" "${extra[@]}" ${ROUTER_ARGS:-} \
                >"$WORK/router.out" 2>"$WORK/router.err" &
            ROUTER=$!
            PIDS+=("$ROUTER")
            for _ in $(seq 120); do
                ip netns exec "$A" ping -c 1 -W 1 10.77.1.1 >/dev/null 2>&1 && break
                kill -0 "$ROUTER" 2>/dev/null || { cat "$WORK/router.err"; exit 1; }
                sleep 0.5
            done
            group_nice "$ROUTER"   # answers pings: long past setsid
            ;;
    esac
    pin_napi "$config"
}

teardown() {
    local config=$1
    case "$config" in
        generator)
            kill -TERM "$ROUTER"; wait "$ROUTER" || true
            ;;
        kernel)
            ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=0
            ip -n "$R" addr flush dev r1; ip -n "$R" addr flush dev r2
            ;;
        af-xdp/* | af-xdp-drv/*)
            kill -TERM "$ROUTER"; wait "$ROUTER" || true
            if [[ -n "${VERBOSE:-}" ]]; then
                sed -n '/^routerlab run finished/,$p' "$WORK/router.out"
                cp "$WORK/router.err" "/tmp/afxdp-bench-router.${config//\//_}.err"   # the router's log
                cp "$WORK/router.out" "/tmp/afxdp-bench-router.${config//\//_}.out"   # its summary (--json: all)
            fi
            ;;
    esac
}

report() {
    local config=$1 results=$2
    med=$(cut -d' ' -f1 "$results" | median)
    lo=$(cut -d' ' -f1 "$results" | sort -n | head -n 1)
    hi=$(cut -d' ' -f1 "$results" | sort -n | tail -n 1)
    r1med=$(cut -d' ' -f2 "$results" | median)
    off=$(cut -d' ' -f3 "$results" | tr '\n' ' ')
    printf '%-26s %12s %22s %12s   %s\n' "$config" "$med" "$lo-$hi" "$r1med" "$off"
}

if [[ "${INTERLEAVE:-0}" == 1 ]]; then
    # Round robin: every round starts each config afresh, warms it up with one run and measures one, so that a
    # change in the machine's load touches every config alike.
    for config in $CONFIGS; do : >"$WORK/results.${config//\//_}"; done
    for round in $(seq "$RUNS"); do
        for config in $CONFIGS; do
            setup "$config"
            measure "$AT" >/dev/null
            measure "$AT" >>"$WORK/results.${config//\//_}"
            teardown "$config"
        done
    done
    for config in $CONFIGS; do report "$config" "$WORK/results.${config//\//_}"; done
    # Paired: the same round's runs were minutes apart at most, so the median of the per-round ratios to the first
    # config is steadier than the ratio of the medians when the machine's load drifts.
    first="${CONFIGS%% *}"
    echo "per round (pps), and the median [min-max] of the per-round ratios to $first:"
    for config in $CONFIGS; do
        pairs=$(paste -d' ' <(cut -d' ' -f1 "$WORK/results.${first//\//_}") <(cut -d' ' -f1 "$WORK/results.${config//\//_}"))
        runs=$(cut -d' ' -f2 <<<"$pairs" | tr '\n' ' ')
        awk '{ printf "%.4f\n", ($1 > 0) ? $2 / $1 : 0 }' <<<"$pairs" | sort -g \
            | awk -v c="$config" -v runs="$runs" '{ r[NR] = $1 }
                END { m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
                      printf "%-26s %5.2fx [%4.2f-%4.2f]   %s\n", c, m, r[1], r[NR], runs }'
    done
    echo "$(date -u '+%H:%M UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit 0
fi
for config in $CONFIGS; do
    setup "$config"
    measure "$AT" >/dev/null   # warm-up: ARP, JIT
    : >"$WORK/results"
    for _ in $(seq "$RUNS"); do measure "$AT" >>"$WORK/results"; done
    report "$config" "$WORK/results"
    teardown "$config"
done
echo "$(date -u '+%H:%M UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
