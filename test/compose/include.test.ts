import { describe, expect, it } from 'vitest';
import { ProjectEnvironment } from '../../src/compose/environment.js';
import { applyInclude, type IncludeContext, type IncludedProject } from '../../src/compose/include.js';
import type { ComposeModel } from '../../src/compose/index.js';
import { Normalizer } from '../../src/compose/normalize.js';
import { originOf } from '../../src/yaml/origins.js';
import { InputError } from '../../src/errors.js';
import { parseYaml, type YamlMapping } from '../../src/yaml/parse.js';
import { projectWith } from '../support/project.js';

function model(text: string, file: string, baseDir = '/project'): ComposeModel {
  const [document] = parseYaml(text, file);
  return new Normalizer(baseDir, []).document(document as YamlMapping);
}

/** An include context whose projects are given as models, by main file. */
function context(projects: Record<string, ComposeModel>, chain = ['/project/compose.yaml']): IncludeContext & { loaded: IncludedProject[]; notes: string[] } {
  const loaded: IncludedProject[] = [];
  const notes: string[] = [];
  return {
    loaded,
    notes,
    note: (position, message) => notes.push(`${position.file}:${position.line}: ${message}`),
    environment: ProjectEnvironment.of({ OUTER: 'outer' }),
    chain,
    load(project) {
      loaded.push(project);
      return projects[project.files[0] as string] ?? { services: {} };
    },
    envFile: (path) => ({ path, display: path }),
    display: (path) => path,
  };
}

describe('applyInclude', () => {
  it('adds the resources of each included project, located where they were written', () => {
    const included = model('services:\n  db: {image: postgres}\nvolumes:\n  data: {}\n', 'sub/compose.yaml');
    const result = applyInclude(model('include: [sub/compose.yaml]\nservices:\n  app: {image: x}\n', 'compose.yaml'), context({ '/project/sub/compose.yaml': included }));
    expect(Object.keys(result.services)).toEqual(['app', 'db']);
    expect(result['volumes']).toEqual({ data: {} });
    expect(result['include']).toBeUndefined();
    expect(originOf(result.services, 'db')?.key).toMatchObject({ file: 'sub/compose.yaml', line: 2 });
  });

  it("loads an included project from its files, in its directory, with the includer's environment first", () => {
    const root = projectWith({ 'sub/.env': 'OUTER=inner\nINNER=inner\n' });
    const includer = model(`include:\n  - path: [${root}/sub/a.yml, ${root}/sub/b.yml]\n`, 'compose.yaml');
    const includeContext = context({});
    applyInclude(includer, includeContext);
    const [project] = includeContext.loaded;
    expect(project?.files).toEqual([`${root}/sub/a.yml`, `${root}/sub/b.yml`]);
    expect(project?.projectDirectory).toBe(`${root}/sub`);
    expect(project?.chain).toEqual(['/project/compose.yaml', `${root}/sub/a.yml`]);
    expect(project?.environment.lookup('OUTER')).toBe('outer');
    expect(project?.environment.lookup('INNER')).toBe('inner');
  });

  it('takes project_directory and env_file when given; a listed env_file must exist', () => {
    const root = projectWith({ 'vars.env': 'X=1\n' });
    const includer = model(`include:\n  - path: other/compose.yaml\n    project_directory: elsewhere\n    env_file: ${root}/vars.env\n`, 'compose.yaml');
    const includeContext = context({});
    applyInclude(includer, includeContext);
    expect(includeContext.loaded[0]?.projectDirectory).toBe('/project/elsewhere');
    expect(includeContext.loaded[0]?.environment.lookup('X')).toBe('1');
    const missing = model('include:\n  - path: other/compose.yaml\n    env_file: nope.env\n', 'compose.yaml');
    expect(() => applyInclude(missing, context({}))).toThrow(InputError);
  });

  it('refuses a cycle, at the include entry', () => {
    const cyclic = model('include: [compose.yaml]\n', 'compose.yaml');
    expect(() => applyInclude(cyclic, context({}))).toThrow('compose.yaml:1:11: include cycle: /project/compose.yaml includes /project/compose.yaml');
  });
});

/**
 * A resource defined by the included project and again by the including file: current Compose
 * (compose-go v2.10 and later) lays the including definition over the included one, as a
 * multi-file merge does; Compose 2.26 refused it unless both were the same.
 */
describe('applyInclude: the including file redefines an included resource', () => {
  const cases: { name: string; included: string; including: string; kind?: string; expected: unknown }[] = [
    {
      name: 'a scalar of the including file wins, the rest of the included service stays',
      included: 'services:\n  app: {image: inner, user: nobody}\n',
      including: 'services:\n  app: {image: outer}\n',
      expected: { image: 'outer', user: 'nobody' },
    },
    {
      name: 'environment merges by variable',
      included: 'services:\n  app:\n    image: x\n    environment: {A: inner, B: inner}\n',
      including: 'services:\n  app:\n    environment: [B=outer, C=outer]\n',
      expected: { image: 'x', environment: { A: 'inner', B: 'outer', C: 'outer' } },
    },
    {
      name: '!override replaces the included value whole',
      included: 'services:\n  app:\n    image: x\n    environment: {A: inner}\n',
      including: 'services:\n  app:\n    environment: !override {B: outer}\n',
      expected: { image: 'x', environment: { B: 'outer' } },
    },
    {
      name: '!reset removes the included value',
      included: 'services:\n  app:\n    image: x\n    user: nobody\n',
      including: 'services:\n  app:\n    user: !reset null\n',
      expected: { image: 'x' },
    },
    {
      name: 'command replaces',
      included: 'services:\n  app:\n    image: x\n    command: [inner]\n',
      including: 'services:\n  app:\n    command: [outer]\n',
      expected: { image: 'x', command: ['outer'] },
    },
    {
      name: 'the same definition on both sides stays itself (Compose 2.26 accepts this one too)',
      included: 'services:\n  app: {image: x, environment: {A: "1"}}\n',
      including: 'services:\n  app: {image: x, environment: {A: "1"}}\n',
      expected: { image: 'x', environment: { A: '1' } },
    },
    {
      name: 'a top-level volume merges its labels',
      included: 'services: {}\nvolumes:\n  data: {labels: {a: inner}}\n',
      including: 'volumes:\n  data: {labels: {b: outer}}\n',
      kind: 'volumes',
      expected: { labels: { a: 'inner', b: 'outer' } },
    },
  ];

  it.each(cases)('$name', ({ included, including, kind = 'services', expected }) => {
    const inner = model(included, 'sub.yml');
    const outer = model(`include: [sub.yml]\n${including}`, 'compose.yaml');
    const includeContext = context({ '/project/sub.yml': inner });
    const result = applyInclude(outer, includeContext);
    // Where Compose before v5 refuses (the definitions differ), the note says which Compose planes follows.
    const name = kind === 'services' ? 'app' : 'data';
    expect(includeContext.notes).toEqual(
      included === including ? [] : [expect.stringMatching(new RegExp(`^compose\\.yaml:3: ${kind}\\.${name} is defined in the included sub\\.yml and again here: Compose v5 and later lay this definition over the included one.*Compose before v5 refuses it`))],
    );
    const resource = (result[kind] as Record<string, Record<string, unknown>>)[kind === 'services' ? 'app' : 'data'];
    expect(resource).toMatchObject(expected as Record<string, unknown>);
    if (kind === 'services' && 'environment' in (expected as object)) {
      expect(Object.keys(resource?.['environment'] as object).sort()).toEqual(Object.keys((expected as { environment: object }).environment).sort());
    }
    if (kind === 'services' && !('user' in (expected as object))) expect(resource?.['user']).toBeUndefined();
  });

  it('appends ports, one per published port, as a multi-file merge does', () => {
    const inner = model('services:\n  app:\n    image: x\n    ports: ["80:80", "81:81"]\n', 'sub.yml');
    const outer = model('include: [sub.yml]\nservices:\n  app:\n    ports: ["81:81", "82:82"]\n', 'compose.yaml');
    const app = applyInclude(outer, context({ '/project/sub.yml': inner })).services['app'] as { ports?: unknown[] };
    expect(app.ports).toEqual(['80:80', '81:81', '82:82']);
  });

  it('locates a merged entry where it was written: the including file for its own keys, the included file for the rest', () => {
    const inner = model('services:\n  app:\n    image: inner\n    user: nobody\n', 'sub.yml');
    const outer = model('include: [sub.yml]\nservices:\n  app:\n    image: outer\n', 'compose.yaml');
    const app = applyInclude(outer, context({ '/project/sub.yml': inner })).services['app'] as object;
    expect(originOf(app, 'image')?.key).toMatchObject({ file: 'compose.yaml', line: 4 });
    expect(originOf(app, 'user')?.key).toMatchObject({ file: 'sub.yml', line: 4 });
  });
});
