import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { COMPOSE_FILE, renderComposeProject } from '../../bench/compose-gen.js';

function fileText(project: ReturnType<typeof renderComposeProject>, path: string): string {
  const file = project.files.find((f) => f.path === path);
  if (!file) throw new Error(`${path} not generated`);
  return file.content;
}

describe('bench compose generator', () => {
  it('is deterministic for a seed and varies with it', () => {
    const a = renderComposeProject({ services: 60, seed: 7 });
    const b = renderComposeProject({ services: 60, seed: 7 });
    const c = renderComposeProject({ services: 60, seed: 8 });
    expect(b).toEqual(a);
    expect(fileText(c, COMPOSE_FILE)).not.toEqual(fileText(a, COMPOSE_FILE));
  });

  it('writes about 21 lines a service', () => {
    const { composeLines } = renderComposeProject({ services: 500 });
    expect(composeLines).toBeGreaterThan(10_000);
    expect(composeLines).toBeLessThan(11_500);
  });

  it('parses with its merges resolved, within the alias budget dclint runs with', () => {
    const doc = parseDocument(fileText(renderComposeProject({ services: 150 }), COMPOSE_FILE), { merge: true });
    expect(doc.errors).toEqual([]);
    // toJS() with yaml's default maxAliasCount, as dclint calls it: over budget, dclint lints nothing.
    const data = doc.toJS() as { services: Record<string, { restart?: string }> };
    expect(Object.keys(data.services)).toHaveLength(150);
    expect(Object.values(data.services).filter((s) => s.restart === 'unless-stopped').length).toBeGreaterThan(100);
  });

  it('keeps every anchor under 100 references, whatever the size', () => {
    const text = fileText(renderComposeProject({ services: 5000 }), COMPOSE_FILE);
    const uses = new Map<string, number>();
    for (const [, name] of text.matchAll(/\*([\w-]+)/g)) uses.set(name as string, (uses.get(name as string) ?? 0) + 1);
    expect(uses.size).toBeGreaterThan(100);
    expect(Math.max(...uses.values())).toBeLessThanOrEqual(100);
  });

  it('records every planted leak at a line that holds it', () => {
    for (const services of [1, 500]) {
      const project = renderComposeProject({ services });
      expect(project.leaks.some((leak) => leak.file === COMPOSE_FILE)).toBe(true);
      for (const leak of project.leaks) {
        const line = fileText(project, leak.file).split('\n')[leak.line - 1] ?? '';
        expect(line).toContain(leak.key ?? (leak.kind === 'command-password' ? '--requirepass' : '-p'));
      }
    }
    const kinds = new Set(renderComposeProject({ services: 500 }).leaks.map((leak) => leak.kind));
    expect(kinds.size).toBe(12);
  });
});
