import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planes } from '../support/cli.js';
import { filesUnder, projectWith } from '../support/project.js';

const PASSWORD = 'Zq8-rT4m-Lw2x-9kPd';

describe('planes migrate (CLI)', () => {
  it('prints the report, writes the project, and exits 0 when it is clean', () => {
    const root = projectWith({ 'compose.yaml': `services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: ${PASSWORD} }\n` });
    const result = planes(['migrate', '--out', 'planes'], root);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/POSTGRES_PASSWORD {2}\(compose\.yaml:4:20\) {2}→ secret: secrets\/postgres_password\.txt/);
    expect(result.stdout).toMatch(/Result: clean\./);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(readFileSync(join(root, 'planes/secrets/postgres_password.txt'), 'utf8')).toBe(PASSWORD);
  });

  it('carries configs over, the config file still read from where it is', () => {
    const root = projectWith({
      'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    configs: [{ source: site, target: /etc/nginx/conf.d/site.conf }]\nconfigs:\n  site:\n    file: ./nginx/site.conf\n',
      'nginx/site.conf': 'server { listen 80; }\n',
    });
    const result = planes(['migrate', '--out', 'planes'], root);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const generated = readFileSync(join(root, 'planes/docker-compose.yml'), 'utf8');
    expect(generated).toContain('configs:\n  site:\n    file: ../nginx/site.conf');
    expect(generated).toContain('- source: site\n        target: /etc/nginx/conf.d/site.conf');
    expect(planes(['check'], join(root, 'planes')).status).toBe(0);
  });

  it('--dry-run writes nothing; --json prints the report as data', () => {
    const root = projectWith({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    environment: [LOG_LEVEL=info]\n' });
    const result = planes(['migrate', '-f', 'compose.yaml', '--out', 'planes', '--dry-run', '--json'], root);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ written: false, settings: [{ service: 'web', key: 'LOG_LEVEL', plane: 'config' }] });
    expect(existsSync(join(root, 'planes'))).toBe(false);
    expect(filesUnder(root)).toEqual(['compose.yaml']);
  });

  it('exits 1 when the report lists blockers, 2 for a non-empty --out or no --out', () => {
    const root = projectWith({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    userns_mode: host\n', 'full/x': '' });
    const blocked = planes(['migrate', '--out', 'planes'], root);
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toMatch(/Blockers[^\n]*\(1\):\n {2}- web: userns_mode: the manifest cannot express this key/);

    const full = planes(['migrate', '--out', 'full'], root);
    expect(full.status).toBe(2);
    expect(full.stderr).toMatch(/planes: .*full is not empty; .*--force/);

    expect(planes(['migrate'], root).status).toBe(2);
  });
});
