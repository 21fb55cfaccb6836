/*
 * What `docker stack deploy` does with each key of a stack file. It validates every file on its
 * own against the JSON schema of the version 3 format the file declares (the latest, 3.13 for
 * docker 28, without a version or with "3"), rejects the whole stack on a key that schema lacks,
 * and drops some keys it accepts, saying so or not. Measured with `docker stack config` and
 * `docker stack deploy` of docker 28.2 for each minor version 3.0 to 3.13.
 *
 * A number is the minor version of the format from which a key is accepted.
 */

export const TOP_LEVEL: Record<string, number> = { version: 0, services: 0, networks: 0, volumes: 0, secrets: 1, configs: 3 };
export const TOP_LEVEL_EXTENSIONS = 4;

export const SERVICE: Record<string, number> = {
  build: 0, cap_add: 0, cap_drop: 0, cgroup_parent: 0, cgroupns_mode: 9, command: 0, configs: 3, container_name: 0,
  credential_spec: 3, depends_on: 0, deploy: 0, devices: 0, dns: 0, dns_search: 0, domainname: 0, entrypoint: 0,
  env_file: 0, environment: 0, expose: 0, external_links: 0, extra_hosts: 0, healthcheck: 0, hostname: 0, image: 0,
  init: 7, ipc: 0, isolation: 5, labels: 0, links: 0, logging: 0, mac_address: 0, network_mode: 0, networks: 0,
  oom_score_adj: 13, pid: 0, ports: 0, privileged: 0, read_only: 0, restart: 0, secrets: 1, security_opt: 0,
  shm_size: 0, stdin_open: 0, stop_grace_period: 0, stop_signal: 0, sysctls: 0, tmpfs: 0, tty: 0, ulimits: 0,
  user: 0, userns_mode: 0, volumes: 0, working_dir: 0,
};
export const SERVICE_EXTENSIONS = 7;

/** Accepted, then dropped: what the service gets instead. */
export const IGNORED: Record<string, string> = {
  build: 'Swarm never builds; build and push the image in CI (docker buildx build --secret …) and name it in image:',
  cgroup_parent: "the containers go under the daemon's default cgroup parent",
  cgroupns_mode: "the containers get the daemon's default cgroup namespace mode",
  container_name: 'Swarm names each task container itself (<stack>_<service>.<slot>.<task id>)',
  devices: 'a Swarm service cannot map host devices',
  domainname: 'Swarm sets no domain name in the containers',
  expose: 'services on a shared network reach each other on every port anyway',
  external_links: 'attach the service to an external network that the other containers are on instead',
  ipc: 'each container of a Swarm service gets its own IPC namespace',
  links: 'services on a shared network reach each other by service name',
  mac_address: 'Swarm assigns MAC addresses itself',
  network_mode: 'Swarm attaches a service to the networks under networks: (the host network is an external network named host)',
  pid: 'each container of a Swarm service gets its own PID namespace',
  privileged: 'a Swarm service cannot be privileged; grant what it needs with cap_add',
  restart: 'Swarm restarts tasks by deploy.restart_policy (condition: any, on-failure or none); set that instead',
  security_opt: "the service runs with the engine's default security options (seccomp, AppArmor, SELinux)",
  shm_size: 'mount a tmpfs volume at /dev/shm instead (volumes: - { type: tmpfs, target: /dev/shm })',
  tmpfs: 'mount a volume of type tmpfs instead (volumes: - { type: tmpfs, target: … })',
  userns_mode: 'the service runs in the user namespace the daemon is configured with',
};

/** Rejected in every version: what to write instead. */
export const INSTEAD: Record<string, string> = {
  name: 'the stack name is given on the command line (docker stack deploy -c <file> <name>)',
  include: 'write the included services into the stack file, or pass each file with its own -c',
  cpus: 'set deploy.resources.limits.cpus',
  cpu_shares: 'set deploy.resources.limits.cpus',
  cpu_quota: 'set deploy.resources.limits.cpus',
  cpu_period: 'set deploy.resources.limits.cpus',
  cpuset: 'set deploy.resources.limits.cpus',
  mem_limit: 'set deploy.resources.limits.memory',
  memswap_limit: 'set deploy.resources.limits.memory',
  mem_reservation: 'set deploy.resources.reservations.memory',
  pids_limit: 'set deploy.resources.limits.pids',
  scale: 'set deploy.replicas',
  gpus: 'reserve them with deploy.resources.reservations.generic_resources',
  platform: 'constrain the placement instead (deploy.placement.constraints: [node.platform.arch == x86_64])',
  profiles: 'Swarm deploys every service of a stack file; leave the service out of it instead',
  pull_policy: 'docker stack deploy resolves and pulls images itself (--resolve-image)',
  extends: 'write the service out in full',
  volumes_from: 'define a top-level volume and mount it in each service that shares it',
  develop: 'it serves docker compose watch only; keep it in the development file',
};

export const BUILD: Record<string, number> = { context: 0, dockerfile: 0, args: 0, cache_from: 2, labels: 3, network: 4, target: 4, shm_size: 5, extra_hosts: 9 };
/** From 3.11 the schema takes any key under build. */
export const BUILD_ANY = 11;

export const SECRET: Record<string, number> = { file: 1, external: 1, labels: 1, name: 5, driver: 8, driver_opts: 8, template_driver: 8 };
export const SECRET_EXTENSIONS = 7;

/** The minor version from which a key is accepted; an `x-` key is accepted from `extensions` on. */
export function acceptedSince(table: Record<string, number>, extensions: number, key: string): number | undefined {
  return table[key] ?? (key.startsWith('x-') ? extensions : undefined);
}
