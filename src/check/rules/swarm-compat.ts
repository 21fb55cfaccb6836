import { originOf } from '../../compose/load.js';
import { formatComposePath, type ComposePath } from '../../compose/schema.js';
import type { Severity } from '../finding.js';
import { isMapping, type YamlMapping, type YamlValue } from '../../yaml/parse.js';
import type { Rule, RuleFinding } from '../rule.js';

/*
 * What `docker stack deploy` does with each key of a stack file. It validates every file on its
 * own against the JSON schema of the version 3 format the file declares (the latest, 3.13 for
 * docker 28, without a version or with "3"), rejects the whole stack on a key that schema lacks,
 * and drops some keys it accepts, saying so or not. Measured with `docker stack config` and
 * `docker stack deploy` of docker 28.2 for each minor version 3.0 to 3.13.
 *
 * A number is the minor version of the format from which a key is accepted.
 */

const TOP_LEVEL: Record<string, number> = { version: 0, services: 0, networks: 0, volumes: 0, secrets: 1, configs: 3 };
const TOP_LEVEL_EXTENSIONS = 4;

const SERVICE: Record<string, number> = {
  build: 0, cap_add: 0, cap_drop: 0, cgroup_parent: 0, cgroupns_mode: 9, command: 0, configs: 3, container_name: 0,
  credential_spec: 3, depends_on: 0, deploy: 0, devices: 0, dns: 0, dns_search: 0, domainname: 0, entrypoint: 0,
  env_file: 0, environment: 0, expose: 0, external_links: 0, extra_hosts: 0, healthcheck: 0, hostname: 0, image: 0,
  init: 7, ipc: 0, isolation: 5, labels: 0, links: 0, logging: 0, mac_address: 0, network_mode: 0, networks: 0,
  oom_score_adj: 13, pid: 0, ports: 0, privileged: 0, read_only: 0, restart: 0, secrets: 1, security_opt: 0,
  shm_size: 0, stdin_open: 0, stop_grace_period: 0, stop_signal: 0, sysctls: 0, tmpfs: 0, tty: 0, ulimits: 0,
  user: 0, userns_mode: 0, volumes: 0, working_dir: 0,
};
const SERVICE_EXTENSIONS = 7;

/** Accepted, then dropped: what the service gets instead. */
const IGNORED: Record<string, string> = {
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
const INSTEAD: Record<string, string> = {
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

const BUILD: Record<string, number> = { context: 0, dockerfile: 0, args: 0, cache_from: 2, labels: 3, network: 4, target: 4, shm_size: 5, extra_hosts: 9 };
/** From 3.11 the schema takes any key under build. */
const BUILD_ANY = 11;

const SECRET: Record<string, number> = { file: 1, external: 1, labels: 1, name: 5, driver: 8, driver_opts: 8, template_driver: 8 };
const SECRET_EXTENSIONS = 7;

/** No version, or "3": the latest schema. */
const LATEST = Number.POSITIVE_INFINITY;

/**
 * A stack file (`docker stack deploy -c`) as Swarm reads it: keys it rejects, keys it drops,
 * and secrets that a production stack must not take from the deploying machine.
 */
export const swarmCompatRule: Rule = {
  id: 'swarm-compat',
  description: 'a Swarm stack file uses keys docker stack deploy rejects or ignores, or secrets that are not external',
  severity: 'error',
  check(context) {
    return context.project.documents.filter(({ file }) => context.stackFiles.has(file)).flatMap(({ data }) => new StackDocument(data).check());
  },
};

interface Place {
  container: YamlMapping;
  key: string;
  path: ComposePath;
  service: string | null;
  /** The finding's key: the compose key, or the secret's name. */
  subject: string;
}

/** The minor version from which a key is accepted; an `x-` key is accepted from `extensions` on. */
function acceptedSince(table: Record<string, number>, extensions: number, key: string): number | undefined {
  return table[key] ?? (key.startsWith('x-') ? extensions : undefined);
}

/** One YAML document of a stack file, checked against the schema of the version it declares. */
class StackDocument {
  private readonly findings: RuleFinding[] = [];
  private readonly minor: number;
  private readonly version: string;

  constructor(private readonly document: YamlMapping) {
    const { minor, shown, problem } = formatVersion(document['version']);
    this.minor = minor;
    this.version = shown;
    if (problem !== undefined) this.report({ container: document, key: 'version', path: ['version'], service: null, subject: 'version' }, problem);
  }

  check(): RuleFinding[] {
    for (const key of Object.keys(this.document)) {
      this.rejects({ container: this.document, key, path: [key], service: null, subject: key }, acceptedSince(TOP_LEVEL, TOP_LEVEL_EXTENSIONS, key));
    }
    const services = this.document['services'];
    if (isMapping(services)) {
      for (const [name, definition] of Object.entries(services)) if (isMapping(definition)) this.service(name, definition);
    }
    const secrets = this.document['secrets'];
    if (isMapping(secrets)) {
      for (const [name, definition] of Object.entries(secrets)) if (isMapping(definition)) this.secret(name, definition);
    }
    return this.findings;
  }

  private service(service: string, definition: YamlMapping): void {
    for (const [key, value] of Object.entries(definition)) {
      const place: Place = { container: definition, key, path: ['services', service, key], service, subject: key };
      if (this.rejects(place, acceptedSince(SERVICE, SERVICE_EXTENSIONS, key))) continue;
      const ignored = IGNORED[key];
      if (ignored !== undefined) this.report(place, `docker stack deploy ignores ${key}: ${ignored}`, 'warning');
      if (key === 'depends_on' && !Array.isArray(value)) {
        this.report(
          place,
          'docker stack deploy takes depends_on only as a list of service names: Swarm starts services in no order and has no conditions; write depends_on: [name, …] and make each service wait for what it needs',
        );
      }
      if (key === 'build' && isMapping(value)) {
        for (const option of Object.keys(value)) {
          this.rejects({ container: value, key: option, path: ['services', service, 'build', option], service, subject: option }, BUILD[option] ?? BUILD_ANY);
        }
      }
    }
  }

  private secret(name: string, definition: YamlMapping): void {
    for (const key of Object.keys(definition)) {
      const place: Place = { container: definition, key, path: ['secrets', name, key], service: null, subject: name };
      if (key === 'environment') {
        this.report(place, `Swarm has no environment source for a secret; make ${name} external: true and create it beforehand (planes secrets push, or docker secret create)`);
      } else if (!this.rejects(place, acceptedSince(SECRET, SECRET_EXTENSIONS, key)) && key === 'file') {
        this.report(
          place,
          `a production secret is external: ${name} would be read from a file on the deploying machine; make it external: true and create it beforehand (planes secrets push, or docker secret create)`,
        );
      }
    }
  }

  /** Reports a key the schema of this file's version lacks; whether it did. */
  private rejects(place: Place, since: number | undefined): boolean {
    if (since !== undefined && since <= this.minor) return false;
    const where = formatComposePath(place.path);
    this.report(
      place,
      since === undefined
        ? `docker stack deploy rejects ${where}, which the version 3 format does not have; ${INSTEAD[place.key] ?? 'remove it from the stack file'}`
        : `docker stack deploy rejects ${where} in a version ${this.version} file; it needs version "3.${since}" or later`,
    );
    return true;
  }

  private report({ container, key, path, service, subject }: Place, message: string, severity?: Severity): void {
    const origin = originOf(container, key);
    // Every key of a parsed document has its origin; the fallback only satisfies the type.
    const { file, line, column } = origin?.key ?? origin?.value ?? { file: '', line: 1, column: 1 };
    this.findings.push({ file, line, column, service, key: subject, path: formatComposePath(path), message, ...(severity ? { severity } : {}) });
  }
}

/** The minor version the schema is chosen by, as shown in messages, and what is wrong with `version`. */
function formatVersion(version: YamlValue | undefined): { minor: number; shown: string; problem?: string } {
  if (version === undefined) return { minor: LATEST, shown: 'latest' };
  const text = typeof version === 'string' || typeof version === 'number' ? String(version) : '';
  const match = /^3(?:\.(\d+))?$/.exec(text);
  const minor = match?.[1] === undefined ? LATEST : Number(match[1]);
  if (match === null) {
    return { minor, shown: text, problem: 'docker stack deploy reads the version 3 format only; write version: "3.8" (or another "3.x"), or leave version out' };
  }
  if (typeof version === 'number') {
    return { minor, shown: text, problem: `docker stack deploy takes the version only as a string: write version: "${text}"` };
  }
  return { minor, shown: text };
}
