import { describe, expect, it } from 'vitest';
import { applyExtends, type ExtendsSources } from '../../src/compose/extends.js';
import type { ComposeModel, ComposeService } from '../../src/compose/index.js';
import { Normalizer } from '../../src/compose/normalize.js';
import { originOf } from '../../src/yaml/origins.js';
import { InputError } from '../../src/errors.js';
import { parseYaml, type YamlMapping } from '../../src/yaml/parse.js';

function model(text: string, file: string): ComposeModel {
  const [document] = parseYaml(text, file);
  return new Normalizer('/project', []).document(document as YamlMapping);
}

/** Other files, by absolute path, as `extends.file` would find them. */
function files(byPath: Record<string, string>): ExtendsSources & { read: string[] } {
  const read: string[] = [];
  return {
    read,
    servicesOf(path) {
      read.push(path);
      const text = byPath[path];
      if (text === undefined) throw new Error(`no file ${path}`);
      return model(text, path.slice(1)).services;
    },
  };
}

const noFiles = files({});

describe('applyExtends', () => {
  it('leaves a service without extends as it is', () => {
    const input = model('services:\n  a: {image: x}\n', 'compose.yaml');
    expect(applyExtends(input, 'compose.yaml', noFiles).services['a']).toBe(input.services['a']);
  });

  it('follows a chain in the same file; entries keep where they were written', () => {
    const input = model(
      'services:\n  base: {image: x, environment: {A: "1"}}\n  mid: {extends: base, environment: {B: "2"}}\n  top:\n    extends: {service: mid}\n    environment: {A: "3"}\n',
      'compose.yaml',
    );
    const top = applyExtends(input, 'compose.yaml', noFiles).services['top'] as ComposeService;
    expect(top).toEqual({ image: 'x', environment: { A: '3', B: '2' } });
    expect(originOf(top.environment as object, 'B')?.key).toMatchObject({ line: 3, column: 38 });
    expect(originOf(top.environment as object, 'A')?.key).toMatchObject({ line: 6, column: 19 });
  });

  it('reads a service of another file, and follows its own extends there', () => {
    const sources = files({ '/lib/base.yml': 'services:\n  root: {image: r, labels: [a=1]}\n  worker: {extends: root, command: run}\n' });
    const input = model('services:\n  a: {extends: {file: /lib/base.yml, service: worker}}\n  b: {extends: {file: /lib/base.yml, service: worker}}\n', 'compose.yaml');
    const result = applyExtends(input, 'compose.yaml', sources);
    expect(result.services['a']).toEqual({ image: 'r', labels: { a: '1' }, command: 'run' });
    expect(result.services['b']).toEqual(result.services['a']);
    expect(originOf(result.services['a']?.labels as object, 'a')?.value.file).toBe('lib/base.yml');
    expect(new Set(sources.read)).toEqual(new Set(['/lib/base.yml']));
  });

  it('keeps the origins of the model itself', () => {
    const input = model('services:\n  a: {image: x}\n', 'compose.yaml');
    const result = applyExtends(input, 'compose.yaml', noFiles);
    expect(originOf(result, 'services')).toBe(originOf(input, 'services'));
    expect(originOf(result.services, 'a')).toBe(originOf(input.services, 'a'));
  });

  it('refuses a cycle and a service that is not there, at the extends entry', () => {
    const cycle = model('services:\n  a:\n    extends: b\n  b:\n    extends: a\n', 'compose.yaml');
    expect(() => applyExtends(cycle, 'compose.yaml', noFiles)).toThrow(InputError);
    expect(() => applyExtends(cycle, 'compose.yaml', noFiles)).toThrow(/circle \(a → b → a\)/);
    const missing = model('services:\n  a:\n    extends: {file: /lib/base.yml, service: nope}\n', 'compose.yaml');
    expect(() => applyExtends(missing, 'compose.yaml', files({ '/lib/base.yml': 'services: {}\n' }))).toThrow(
      'compose.yaml:3:5: service "a" extends a service "nope" that /lib/base.yml does not define',
    );
  });
});
