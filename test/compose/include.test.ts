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
function context(projects: Record<string, ComposeModel>, chain = ['/project/compose.yaml']): IncludeContext & { loaded: IncludedProject[] } {
  const loaded: IncludedProject[] = [];
  return {
    loaded,
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

  it('refuses a conflicting resource and a cycle, at the include entry', () => {
    const included = model('services:\n  app: {image: other}\n', 'sub.yml');
    const includer = model('include:\n  - sub.yml\nservices:\n  app: {image: x}\n', 'compose.yaml');
    expect(() => applyInclude(includer, context({ '/project/sub.yml': included }))).toThrow(
      'compose.yaml:2:5: services.app is defined both by this file and by the file it includes: rename one of them',
    );
    const cyclic = model('include: [compose.yaml]\n', 'compose.yaml');
    expect(() => applyInclude(cyclic, context({}))).toThrow('compose.yaml:1:11: include cycle: /project/compose.yaml includes /project/compose.yaml');
  });
});
