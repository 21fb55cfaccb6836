import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { auditReport, environmentFindings, historyBuildArgs, historyFindings, type AuditSubject } from '../../src/engine/audit/findings.js';
import { addKnownValue, addSwarmLabels, emptyKnown } from '../../src/engine/audit/known.js';
import { namedScopeProblem } from '../../src/engine/audit/subjects.js';
import { sha256Hex } from '../../src/engine/hash.js';
import { planes } from '../support/cli.js';
import { dockerTools } from '../support/engine.js';
import { projectWith } from '../support/project.js';
import { planesLabels } from '../../src/engine/swarm-secrets.js';

const SECRET = 'Vq3nX8pL2wR7tK9mZ4bY6cH1';

function subject(env: string[], history?: string[]): AuditSubject {
  return { file: 'container:shop-api-1', service: 'api', env, ...(history ? { history } : {}) };
}

describe('environmentFindings', () => {
  it('is clean for config, paths to secrets and flags', () => {
    const env = ['PATH=/usr/bin:/bin', 'LOG_LEVEL=INFO', 'DB_PASSWORD_FILE=/run/secrets/db_password', 'API_TOKEN=', 'ALLOW_EMPTY_PASSWORD=no', 'TOKEN_TTL=3600'];
    expect(environmentFindings(subject(env), emptyKnown())).toEqual([]);
  });

  it('reports a secret by name with the Finding contract, value redacted', () => {
    const [finding, ...rest] = environmentFindings(subject([`API_TOKEN=${SECRET}`]), emptyKnown());
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'secret-in-environment', severity: 'error', file: 'container:shop-api-1', line: 1, column: 1, service: 'api', key: 'API_TOKEN', path: null });
    expect(finding!.message).toMatch(/^API_TOKEN holds a secret \(Vq\*+H1, 24 chars\); .*API_TOKEN_FILE=\/run\/secrets\//);
    expect(finding!.message).not.toContain(SECRET);
  });

  it('warns about a placeholder in a secret slot', () => {
    expect(environmentFindings(subject(['DB_PASSWORD=changeme']), emptyKnown())[0]?.severity).toBe('warning');
  });

  it("reports a value equal to one of the stack's secrets whatever its name, from a file or a Swarm label", () => {
    const fromFile = emptyKnown();
    addKnownValue(fromFile, 'db_password', Buffer.from(`${SECRET}\n`));
    const [finding] = environmentFindings(subject([`SETTING=${SECRET}`]), fromFile);
    expect(finding?.message).toMatch(/^SETTING holds the value of the secret db_password/);
    expect(finding?.message).not.toContain(SECRET);

    const fromSwarm = emptyKnown();
    addSwarmLabels(fromSwarm, [{ id: 'x', name: 'shop_api_key_v2', createdAt: '', labels: planesLabels('shop', 'api_key', sha256Hex(SECRET)) }]);
    expect(environmentFindings(subject([`OPAQUE=${SECRET}`]), fromSwarm)[0]?.message).toMatch(/the secret api_key/);
  });

  it('reports a credential by its format whatever the name', () => {
    const token = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
    const [finding] = environmentFindings(subject([`UPSTREAM=${token}`]), emptyKnown());
    expect(finding?.key).toBe('UPSTREAM');
    expect(finding?.message).not.toContain(token);
  });

  it("judges as the checker does: a *_FILE variable holding the secret itself, whose advice keeps the variable's name", () => {
    const [finding] = environmentFindings(subject([`DB_PASSWORD_FILE=${SECRET}`]), emptyKnown());
    expect(finding).toMatchObject({ severity: 'error', key: 'DB_PASSWORD_FILE' });
    expect(finding!.message).toBe('DB_PASSWORD_FILE should hold the path of a secret file, not the secret (Vq***********H1, 24 chars); whoever can docker inspect reads it; mount it as a secret and pass DB_PASSWORD_FILE=/run/secrets/<name>');
  });

  it('reports the most severe credential of a value, not the first', () => {
    const hashThenToken = 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/ ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
    const [finding] = environmentFindings(subject([`UPSTREAM=${hashThenToken}`]), emptyKnown());
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toMatch(/^UPSTREAM holds a secret: GitHub token/);
  });
});

describe('history', () => {
  it('reads the build arguments a RUN step recorded', () => {
    expect(historyBuildArgs('RUN |2 NPM_TOKEN=abc VERSION=1 /bin/sh -c npm ci')).toEqual({ args: [['NPM_TOKEN', 'abc'], ['VERSION', '1']], rest: '/bin/sh -c npm ci' });
    expect(historyBuildArgs('/bin/sh -c #(nop) CMD ["sh"]')).toEqual({ args: [], rest: '/bin/sh -c #(nop) CMD ["sh"]' });
  });

  it('reports a secret build argument and a known value left in a build step, and nothing for a secret mount', () => {
    const known = emptyKnown();
    addKnownValue(known, 'pip_index_token', Buffer.from(SECRET));
    const image: AuditSubject = {
      file: 'image:shop/api:latest',
      service: null,
      env: [],
      history: [
        `RUN |1 NPM_TOKEN=${SECRET}x /bin/sh -c npm ci`,
        `RUN /bin/sh -c echo ${SECRET} > /etc/pip.conf`,
        'RUN /bin/sh -c sha256sum /run/secrets/pip_index_token > /token.sha256 # buildkit',
      ],
    };
    const findings = historyFindings(image, known);
    expect(findings.map((f) => [f.rule, f.key])).toEqual([
      ['build-secret-in-image', 'NPM_TOKEN'],
      ['build-secret-in-image', null],
    ]);
    expect(findings[1]!.message).toMatch(/the secret pip_index_token/);
    expect(JSON.stringify(findings)).not.toContain(SECRET);
  });
});

describe('auditReport', () => {
  it('is a version 1 Report with counts per severity and the number of subjects', () => {
    const report = auditReport([subject([`API_TOKEN=${SECRET}`, 'DB_PASSWORD=changeme']), subject(['LOG_LEVEL=INFO'])], emptyKnown());
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({ errors: 1, warnings: 1, suppressed: 0, files: 2 });
  });
});

describe('a stack or project named on the command line that is not there', () => {
  // Only what namedScopeProblem asks the engine.
  const engineWith = (services: { stack: string }[], containers: { project: string }[]) =>
    ({
      listServices: async () => services.map(({ stack }, i) => ({ ID: `s${i}`, Spec: { Name: `${stack}_web`, Labels: { 'com.docker.stack.namespace': stack } } })),
      listContainers: async () => containers.map(({ project }, i) => ({ Id: `c${i}`, Labels: { 'com.docker.compose.project': project } })),
    }) as unknown as Docker;

  it('is named, with the stacks or projects that are there, instead of "no problems"', async () => {
    const docker = engineWith([{ stack: 'shop' }, { stack: 'blog' }, { stack: 'shop' }], [{ project: 'dev' }]);
    expect(await namedScopeProblem(docker, { stack: 'shpo' })).toBe('no Swarm stack named shpo here (stacks: blog, shop); check the name given to --stack');
    expect(await namedScopeProblem(docker, { project: 'dve' })).toBe(
      'no running Compose project named dve here (running projects: dev); check the name given to --project, or start it',
    );
    expect(await namedScopeProblem(engineWith([], []), { stack: 'shop' })).toBe('no Swarm stack named shop here (stacks: none); check the name given to --stack');
  });

  it('is no problem when it is there', async () => {
    const docker = engineWith([{ stack: 'shop' }], [{ project: 'dev' }]);
    expect(await namedScopeProblem(docker, { stack: 'shop', project: 'dev' })).toBeUndefined();
    expect(await namedScopeProblem(docker, {})).toBeUndefined();
  });

  const engine = dockerTools('audit --stack with a name no stack has', ['engine']);
  it.skipIf(!engine)('planes audit --stack exits 2 and says so', () => {
    const root = projectWith({});
    const result = planes(['audit', '--stack', 'no-such-stack-planes-test'], root);
    expect(result.stderr).toMatch(/^planes: no Swarm stack named no-such-stack-planes-test here \(stacks: [^)]*\); check the name given to --stack\n$/);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  });
});
