/**
 * What migration knows about images without pulling them: which ones read a secret from a
 * file named by a `*_FILE` variable (their documented convention), which ones have no shell
 * for the wrapper that sets a secret as a variable, and the ENTRYPOINT and CMD of a few common ones.
 */

type FileVariable = (variable: string) => string | undefined;

const suffixed = (variables: readonly string[], suffix = '_FILE'): FileVariable => (variable) =>
  variables.includes(variable) ? `${variable}${suffix}` : undefined;
const prefixed = (prefix: string, suffix = '_FILE'): FileVariable => (variable) =>
  variable.startsWith(prefix) ? `${variable}${suffix}` : undefined;

const POSTGRES = suffixed(['POSTGRES_PASSWORD', 'POSTGRES_USER', 'POSTGRES_DB', 'POSTGRES_INITDB_ARGS']);
const MYSQL = ['MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD', 'MYSQL_USER', 'MYSQL_DATABASE'];
const GRAFANA = prefixed('GF_', '__FILE');

/** Images whose entrypoint reads `<VAR>_FILE` (or Grafana's `<VAR>__FILE`) in place of `<VAR>`, by repository. */
const FILE_CONVENTIONS: Readonly<Record<string, FileVariable>> = {
  postgres: POSTGRES,
  'postgis/postgis': POSTGRES,
  'timescale/timescaledb': POSTGRES,
  mysql: suffixed(MYSQL),
  mariadb: suffixed([...MYSQL, ...MYSQL.map((name) => name.replace('MYSQL_', 'MARIADB_')), 'MARIADB_ROOT_PASSWORD_HASH', 'MARIADB_PASSWORD_HASH']),
  mongo: suffixed(['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD']),
  wordpress: prefixed('WORDPRESS_'),
  nextcloud: suffixed([
    'NEXTCLOUD_ADMIN_USER', 'NEXTCLOUD_ADMIN_PASSWORD', 'POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD',
    'MYSQL_DATABASE', 'MYSQL_USER', 'MYSQL_PASSWORD', 'REDIS_HOST_PASSWORD', 'SMTP_PASSWORD',
    'OBJECTSTORE_S3_KEY', 'OBJECTSTORE_S3_SECRET',
  ]),
  'grafana/grafana': GRAFANA,
  'grafana/grafana-oss': GRAFANA,
  'grafana/grafana-enterprise': GRAFANA,
  'dpage/pgadmin4': suffixed(['PGADMIN_DEFAULT_PASSWORD']),
  'pihole/pihole': suffixed(['WEBPASSWORD']),
};

/** The process an image starts, as its Dockerfile's ENTRYPOINT and CMD say (exec form). */
export interface ImageProcess {
  entrypoint: string[];
  cmd: string[];
  /** Where this was learnt, for the report. */
  from: string;
}

type KnownProcess = Omit<ImageProcess, 'from'>;

const known = (entrypoint: string[], cmd: string[]): KnownProcess => ({ entrypoint, cmd });

/**
 * ENTRYPOINT and CMD of images whose Dockerfiles are stable across tags, by repository; a
 * function of the tag where the variants differ.
 */
const KNOWN_PROCESSES: Readonly<Record<string, KnownProcess | ((tag: string) => KnownProcess)>> = {
  'gitea/gitea': known(['/usr/bin/entrypoint'], ['/usr/bin/s6-svscan', '/etc/s6']),
  'mcr.microsoft.com/mssql/server': known(['/opt/mssql/bin/permissions_check.sh'], ['/opt/mssql/bin/sqlservr']),
  redis: known(['docker-entrypoint.sh'], ['redis-server']),
  rabbitmq: known(['docker-entrypoint.sh'], ['rabbitmq-server']),
  memcached: known(['docker-entrypoint.sh'], ['memcached']),
  nginx: known(['/docker-entrypoint.sh'], ['nginx', '-g', 'daemon off;']),
  node: known(['docker-entrypoint.sh'], ['node']),
  python: known([], ['python3']),
  // rust-lang/docker-rust: the Debian variants are FROM buildpack-deps (docker-library/buildpack-deps,
  // down to debian), the Alpine ones FROM alpine; neither sets ENTRYPOINT or CMD, so the CMD is the
  // base's: debuerreotype/docker-debian-artifacts writes CMD ["bash"], docker-alpine CMD ["/bin/sh"].
  rust: (tag) => (tag.includes('alpine') ? known([], ['/bin/sh']) : known([], ['bash'])),
};

/** `docker.io/library/postgres:16-alpine@sha256:…` → `postgres`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0] as string;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repository = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  return repository.replace(/^(?:docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}

/** The variable through which the image reads `variable` from a file, if it has that convention. */
export function fileVariableOf(image: string | undefined, variable: string): string | undefined {
  if (image === undefined) return undefined;
  return FILE_CONVENTIONS[imageRepository(image)]?.(variable);
}

export function knownProcess(image: string): ImageProcess | undefined {
  const entry = KNOWN_PROCESSES[imageRepository(image)];
  const process = typeof entry === 'function' ? entry(imageTag(image)) : entry;
  return process && { ...process, from: `planes' table of known images (${imageRepository(image)})` };
}

/** `rust:1.77-alpine@sha256:…` → `1.77-alpine`; none written: `latest`. */
function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0] as string;
  const colon = withoutDigest.indexOf(':', withoutDigest.lastIndexOf('/') + 1);
  return colon === -1 ? 'latest' : withoutDigest.slice(colon + 1);
}
