#!/usr/bin/env bash
# A Swarm of three managers and two workers on this one machine, for the multi-node e2e suite
# (test/e2e/multi-node). Each node is a dockerd in a network namespace of its own; the nodes
# reach each other through veth pairs plugged into a bridge inside one more namespace (the hub),
# so no packet crosses the host's own network stack or its FORWARD chain. Needs root.
#
#   swarm-cluster.sh up [IMAGE…]   bring the cluster up (idempotent) and load the images into every node
#   swarm-cluster.sh down          remove every namespace, process, mount and directory it made (idempotent)
#   swarm-cluster.sh status        one line per node
#   swarm-cluster.sh stop NODE     stop one node's engine (a fault, for the tests)
#   swarm-cluster.sh start NODE    start it again; it rejoins the Swarm with its state
#
# Node NODE answers on unix:///run/planes-NODE/docker.sock (m1 m2 m3 w1 w2). The addresses are
# 198.18.13.0/24 (RFC 2544 benchmarking range), given only to the namespaces made here and routed
# nowhere else. The host engine and its own Swarm are never touched. See README "Swarm secrets".
set -euo pipefail

NODES=(m1 m2 m3 w1 w2)
MANAGERS=(m1 m2 m3)
HUB=planes-hub
SUBNET_PREFIX=198.18.13
DATA_ROOT=/var/lib/planes-swarm
CGROUP_PARENT=planes-swarm
DEFAULT_IMAGES=(planes-test/busybox:1)

log() { printf 'swarm-cluster: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

namespace() { echo "planes-$1"; }
run_dir() { echo "/run/planes-$1"; }
socket() { echo "unix://$(run_dir "$1")/docker.sock"; }
address() { echo "$SUBNET_PREFIX.$(( $(index_of "$1") + 11 ))"; }
index_of() {
  local i
  for i in "${!NODES[@]}"; do [ "${NODES[$i]}" = "$1" ] && { echo "$i"; return; }; done
  die "unknown node '$1' (one of: ${NODES[*]})"
}
on() { local node=$1; shift; docker -H "$(socket "$node")" "$@"; }
answers() { on "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
dockerd_pid() {
  local pidfile; pidfile="$(run_dir "$1")/dockerd.pid"
  [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && cat "$pidfile"
}

require_root() {
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces, dockerd)"
  local tool
  for tool in ip nsenter dockerd docker; do
    command -v "$tool" >/dev/null || die "$tool is missing (bash scripts/docker-engine.sh installs dockerd)"
  done
}

# --- network --------------------------------------------------------------------------------

make_network() {
  ip netns add "$HUB"
  ip -n "$HUB" link set lo up
  ip -n "$HUB" link add br0 type bridge
  # A bridge inside a namespace of ours: bridged frames meet this namespace's (empty) netfilter
  # tables, if any, never the host's. Off anyway, so that nothing of the host's setup matters.
  ip netns exec "$HUB" sh -c 'f=/proc/sys/net/bridge/bridge-nf-call-iptables; [ -w $f ] && echo 0 >$f || true'
  ip -n "$HUB" link set br0 up
  local node ns
  for node in "${NODES[@]}"; do
    ns=$(namespace "$node")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # Both ends are made inside the namespaces: no link ever appears in the host's namespace.
    ip -n "$HUB" link add "$node" type veth peer name eth0 netns "$ns"
    ip -n "$HUB" link set "$node" master br0 up
    ip -n "$ns" addr add "$(address "$node")/24" dev eth0
    ip -n "$ns" link set eth0 up
  done
}

# --- engines --------------------------------------------------------------------------------

start_engine() {
  local node=$1 dir; dir=$(run_dir "$node")
  if dockerd_pid "$node" >/dev/null; then return; fi
  clear_sandboxes "$dir/exec/netns"
  clear_links "$(namespace "$node")"
  mkdir -p "$dir" "$DATA_ROOT/$node"
  echo '{}' >"$dir/daemon.json"
  # nsenter joins only the network namespace; `ip netns exec` would also remount /sys, and
  # dockerd then fails ("Devices cgroup isn't mounted"). The options keep each node light:
  # no bridge, no iptables, no userland proxy, few logs; its containers in a cgroup of ours.
  nsenter --net="/run/netns/$(namespace "$node")" setsid dockerd \
    --config-file "$dir/daemon.json" \
    --data-root "$DATA_ROOT/$node" \
    --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" \
    -H "$(socket "$node")" \
    --iptables=false --ip-forward=false --bridge=none --userland-proxy=false \
    --cgroup-parent "/$CGROUP_PARENT/$node" \
    --label "planes.node=$node" \
    --log-level warn \
    >"$dir/dockerd.log" 2>&1 </dev/null &
}

# The network namespaces a stopped engine left mounted (its overlay networks' sandboxes, with
# their vxlan links): a machine's reboot clears them from /run. Kept, they make the engine back
# from a stop fail to join its tasks to an overlay network ("error creating vxlan interface").
clear_sandboxes() {
  local netns=$1 sandbox
  [ -d "$netns" ] || return 0
  for sandbox in "$netns"/*; do
    [ -e "$sandbox" ] || continue
    umount "$sandbox" 2>/dev/null || true
    rm -f "$sandbox"
  done
}

# The links an engine stopped in the middle of its work left in its node's namespace: the vxlan
# of an overlay network on its way out of a sandbox, half a veth pair. A reboot clears them too.
# A stale vxlan makes every task of that network fail on the node, for good, once its engine is
# back ("error creating vxlan interface: file exists"). Only lo and eth0 are the script's own.
clear_links() {
  local ns=$1 link left=()
  for link in $(ip -n "$ns" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
    case $link in lo | eth0) ;; *) left+=("$link") ;; esac
  done
  ((${#left[@]} > 0)) || return 0
  log "$ns: removing the links its stopped engine left: ${left[*]}"
  # Removing one end of a veth pair removes the other: the second removal may find nothing.
  for link in "${left[@]}"; do ip -n "$ns" link del "$link" 2>/dev/null || true; done
}

wait_engine() {
  local node=$1 _
  for _ in $(seq 1 120); do
    answers "$node" && return
    sleep 0.25
  done
  log "the engine of $node did not answer within 30 s; last lines of $(run_dir "$node")/dockerd.log:"
  tail -n 20 "$(run_dir "$node")/dockerd.log" >&2 || true
  return 1
}

stop_engine() {
  local node=$1 pid _
  pid=$(dockerd_pid "$node") || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
}

form_swarm() {
  local first=${MANAGERS[0]}
  # A short heartbeat so that a stopped node is seen as down within seconds.
  on "$first" swarm init --advertise-addr "$(address "$first")" --listen-addr "$(address "$first"):2377" \
    --dispatcher-heartbeat 2s --task-history-limit 1 >/dev/null
  local manager_token worker_token node token
  manager_token=$(on "$first" swarm join-token -q manager)
  worker_token=$(on "$first" swarm join-token -q worker)
  for node in "${NODES[@]}"; do
    [ "$node" = "$first" ] && continue
    token=$worker_token
    [[ " ${MANAGERS[*]} " == *" $node "* ]] && token=$manager_token
    on "$node" swarm join --token "$token" --advertise-addr "$(address "$node")" \
      --listen-addr "$(address "$node"):2377" "$(address "$first"):2377" >/dev/null
  done
}

wait_swarm() {
  local _ ready
  for _ in $(seq 1 120); do
    ready=$(on "${MANAGERS[0]}" node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$' || true)
    [ "$ready" = "${#NODES[@]}" ] && return
    sleep 0.25
  done
  die "the Swarm did not have ${#NODES[@]} ready nodes within 30 s"
}

load_images() {
  local image node
  for image in "$@"; do
    docker image inspect "$image" >/dev/null 2>&1 || die "the host engine has no image $image to load (bash scripts/docker-engine.sh makes planes-test/busybox:1)"
  done
  local archive; archive=$(mktemp)
  docker save "$@" >"$archive"
  for node in "${NODES[@]}"; do on "$node" load -q <"$archive" >/dev/null; done
  rm -f "$archive"
}

healthy() {
  local node
  for node in "${NODES[@]}"; do answers "$node" || return 1; done
  [ "$(on "${MANAGERS[0]}" node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$')" = "${#NODES[@]}" ]
}

# --- commands -------------------------------------------------------------------------------

cmd_up() {
  local images=("$@")
  ((${#images[@]} > 0)) || images=("${DEFAULT_IMAGES[@]}")
  require_root
  if ! healthy 2>/dev/null; then
    # Whatever is left of an earlier or failed run goes first: up always starts from nothing.
    cmd_down quiet
    trap 'status=$?; if [ $status -ne 0 ]; then log "bring-up failed; removing what was made"; cmd_down quiet; fi' EXIT
    log "making namespaces $HUB and planes-{$(IFS=,; echo "${NODES[*]}")}"
    make_network
    local node
    for node in "${NODES[@]}"; do start_engine "$node"; done
    for node in "${NODES[@]}"; do wait_engine "$node"; done
    log "forming the Swarm: managers ${MANAGERS[*]}, workers ${NODES[*]:${#MANAGERS[@]}}"
    form_swarm
    wait_swarm
    trap - EXIT
  fi
  load_images "${images[@]}"
  log "ready: DOCKER_HOST=$(socket "${MANAGERS[0]}")"
}

# Every process of a namespace of ours (dockerd, containerd, shims) and of our cgroups (containers).
our_processes() {
  local node inodes=()
  for node in "${NODES[@]}"; do
    [ -e "/run/netns/$(namespace "$node")" ] && inodes+=("$(stat -L -c %i "/run/netns/$(namespace "$node")")")
  done
  if ((${#inodes[@]} > 0)); then
    stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null \
      | awk -v wanted=" ${inodes[*]} " 'index(wanted, " " $1 " ") { split($2, p, "/"); print p[3] }'
  fi
  # cgroup v1 (the pids hierarchy holds every process) or v2 (one hierarchy).
  find /sys/fs/cgroup/pids/"$CGROUP_PARENT" /sys/fs/cgroup/"$CGROUP_PARENT" -name cgroup.procs -exec cat {} + 2>/dev/null || true
}

our_mounts() {
  # Mount points (field 5 of mountinfo) under our directories, deepest first.
  awk -v data="$DATA_ROOT/" '$5 ~ "^/run/planes-" || index($5, data) == 1 || $5 ~ "^/run/netns/planes-" { print $5 }' /proc/self/mountinfo \
    | sort -r | uniq
}

cmd_down() {
  local quiet=${1:-}
  require_root
  local node pids mount
  # No graceful stop: everything the engines hold is removed below anyway.
  pids=$(our_processes | sort -u)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.5
  fi
  while read -r mount; do
    [ -n "$mount" ] && umount -l "$mount" 2>/dev/null || true
  done < <(our_mounts)
  for node in "${NODES[@]}" hub; do
    local ns; ns=$([ "$node" = hub ] && echo "$HUB" || namespace "$node")
    if [ -e "/run/netns/$ns" ]; then ip netns del "$ns" 2>/dev/null || rm -f "/run/netns/$ns"; fi
    [ "$node" = hub ] || rm -rf "$(run_dir "$node")"
  done
  rm -rf "$DATA_ROOT"
  # Cgroups of the containers, leaves first (rmdir only removes empty ones).
  find /sys/fs/cgroup/*/"$CGROUP_PARENT" /sys/fs/cgroup/"$CGROUP_PARENT" -depth -type d -exec rmdir {} + 2>/dev/null || true
  [ -n "$quiet" ] || log "down: no namespace, process, mount or directory of the cluster is left"
}

cmd_status() {
  local node pid state
  for node in "${NODES[@]}"; do
    pid=$(dockerd_pid "$node" || echo -)
    state=$(on "$node" info --format '{{.Swarm.LocalNodeState}} manager={{.Swarm.ControlAvailable}}' 2>/dev/null || echo 'engine down')
    printf '%-3s %-15s pid %-7s %s  %s\n' "$node" "$(address "$node")" "$pid" "$(socket "$node")" "$state"
  done
}

cmd_start() {
  local node=${1:?start NODE}
  index_of "$node" >/dev/null
  require_root
  [ -e "/run/netns/$(namespace "$node")" ] || die "no cluster: run $0 up first"
  start_engine "$node"
  wait_engine "$node"
}

cmd_stop() {
  local node=${1:?stop NODE}
  index_of "$node" >/dev/null
  require_root
  stop_engine "$node"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  *) die "usage: $0 up [IMAGE…] | down | status | stop NODE | start NODE" ;;
esac
