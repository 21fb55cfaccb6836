/**
 * The loader on the bench's 5,000-service project (107,000 lines, anchors, `<<` merges, .env
 * interpolation, env files): every service there, and every environment entry the bench
 * planted a leak in located at its line. How long it takes is the bench's business.
 */
import { describe, expect, it } from 'vitest';
import { renderComposeProject } from '../../bench/compose-gen.js';
import { loadComposeProject, originOf } from '../../src/compose/index.js';
import { projectWith } from '../support/project.js';

describe('loadComposeProject at scale', () => {
  it('loads 5,000 services with every entry located', () => {
    const generated = renderComposeProject({ services: 5000 });
    const root = projectWith(Object.fromEntries(generated.files.map(({ path, content }) => [path, content])));
    const project = loadComposeProject({ cwd: root, environment: {} });
    expect(Object.keys(project.model.services)).toHaveLength(5000);

    const composeLines = (generated.files.find(({ path }) => path === 'compose.yaml')?.content ?? '').split('\n');
    const environmentLeaks = generated.leaks.filter(({ kind }) => kind.startsWith('env-') && kind !== 'env-file');
    expect(environmentLeaks.length).toBeGreaterThan(30);
    for (const { service, key, line } of environmentLeaks) {
      const environment = project.model.services[service ?? '']?.environment ?? {};
      const column = (composeLines[line - 1] ?? '').indexOf(key ?? '') + 1;
      expect(originOf(environment, key ?? '')?.key, `${service} ${key}`).toEqual({ file: 'compose.yaml', line, column });
    }
  });
});
