#!/usr/bin/env bash
# Installs (when missing) and starts what the end-to-end tests need: dockerd, Compose v2,
# Buildx, a one-node Swarm and a local base image. Idempotent; safe to run again.
# See README "Docker engine". Nothing is ever pulled from a registry.
set -euo pipefail

BASE_IMAGE=planes-test/busybox:1
log() { printf 'docker-engine: %s\n' "$*" >&2; }

apt_updated=""
apt_update_once() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=1
  fi
}

install_engine() {
  if command -v dockerd >/dev/null 2>&1 && [ -x /bin/busybox ]; then return; fi
  log "installing docker.io and busybox-static from Debian"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    docker.io busybox-static iptables >/dev/null
}

# Compose v2 and Buildx come from the next Debian release; only those two packages are
# taken from it. The source stanza is derived from the machine's own sources file so
# that no mirror host is written down here.
install_plugins() {
  if docker compose version >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; then return; fi
  log "installing docker-compose (v2) and docker-buildx from Debian trixie"
  local work; work=$(mktemp -d)
  awk 'BEGIN{RS=""; ORS="\n\n"} NR==1{print; exit}' /etc/apt/sources.list.d/debian.sources \
    | sed -E 's/^Suites:.*/Suites: trixie/' >"$work/trixie.sources"
  mkdir -p "$work/lists/partial"
  local opts=(-o "Dir::Etc::sourcelist=$work/trixie.sources" -o Dir::Etc::sourceparts=-
              -o "Dir::State::Lists=$work/lists")
  apt-get "${opts[@]}" update -qq
  (cd "$work" && apt-get "${opts[@]}" download docker-compose docker-buildx >/dev/null)
  dpkg -i "$work"/docker-compose_*.deb "$work"/docker-buildx_*.deb >/dev/null
  rm -rf "$work"
}

start_engine() {
  if docker info >/dev/null 2>&1; then return; fi
  log "starting dockerd"
  setsid dockerd >/var/log/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then return; fi
    sleep 0.5
  done
  log "dockerd did not answer within 30 s; last lines of /var/log/dockerd.log:"
  tail -n 20 /var/log/dockerd.log >&2
  exit 1
}

start_swarm() {
  local state; state=$(docker info --format '{{.Swarm.LocalNodeState}}')
  if [ "$state" = active ]; then return; fi
  log "initialising a one-node swarm"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
}

make_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return; fi
  log "importing $BASE_IMAGE from the static busybox"
  local root; root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/"
  ln -s busybox "$root/bin/sh"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  tar -C "$root" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
}

install_engine
install_plugins
start_engine
start_swarm
make_base_image
log "ready: $(docker version --format 'engine {{.Server.Version}}'), $(docker compose version --short | sed 's/^/compose /'), swarm $(docker info --format '{{.Swarm.LocalNodeState}}')"
