import { describe, expect, it } from 'vitest';
import { manifestProblems } from '../support/manifest.js';
import { parseTemplate, queryEscape, renderTemplate, swarmTemplate, TemplateSyntaxError } from '../../src/manifest/template.js';

function manifest(secrets: string, config = '  USER: app\n  DB: { dev: shop, prod: shop }'): string {
  return `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
${config}
secrets:
  pw: { generate: { length: 32 } }
  typed: { description: an operator's password }
${secrets}
services:
  api: { image: api:1, secrets: [pw] }
`;
}


describe('template syntax', () => {
  it('splits literals and references with their filter', () => {
    expect(parseTemplate('a{{ config.USER }}:{{secret.pw|urlencode}}@b')).toEqual([
      { kind: 'literal', text: 'a' },
      { kind: 'config', name: 'USER', urlencode: false, column: 2 },
      { kind: 'literal', text: ':' },
      { kind: 'secret', name: 'pw', urlencode: true, column: 20 },
      { kind: 'literal', text: '@b' },
    ]);
  });

  it.each([
    ['an unknown namespace', 'x{{ env.HOME }}'],
    ['an unknown filter', '{{ secret.pw | base64 }}'],
    ['a Go expression', '{{ secret "pw" }}'],
    ['an unclosed expression', 'x{{ secret.pw'],
    ['a stray closer', 'x}}y'],
  ])('refuses %s', (_, template) => {
    expect(() => parseTemplate(template)).toThrow(TemplateSyntaxError);
  });
});

describe('urlencode is Go url.QueryEscape, byte for byte', () => {
  // Outputs of Go 1.21 url.QueryEscape for the same inputs.
  it.each([
    ['abcXYZ019-_.~', 'abcXYZ019-_.~'],
    ['a b+c/d:e@f', 'a+b%2Bc%2Fd%3Ae%40f'],
    ["!*'();$&=,?#[]%", '%21%2A%27%28%29%3B%24%26%3D%2C%3F%23%5B%5D%25'],
    ['é€', '%C3%A9%E2%82%AC'],
    ['\n\t"', '%0A%09%22'],
  ])('%j', (input, expected) => {
    expect(queryEscape(input)).toBe(expected);
  });
});

describe('rendering', () => {
  const parts = parseTemplate('postgresql://{{ config.USER }}:{{ secret.pw | urlencode }}@db/{{ config.DB | urlencode }}');
  it('renders in dev what the Swarm template gives for the same inputs', () => {
    expect(renderTemplate(parts, { config: (key) => ({ USER: 'app', DB: 'a b' })[key], secret: () => 'p@ss' })).toBe('postgresql://app:p%40ss@db/a+b');
    expect(swarmTemplate(parts, (key) => ({ USER: 'app', DB: 'a b' })[key])).toBe('postgresql://app:{{ secret "pw" | urlquery }}@db/a+b');
  });
});

describe('manifest rules of templated secrets', () => {
  it('accepts a template of known config and secrets', () => {
    expect(manifestProblems(manifest('  url: { template: "postgresql://{{ config.USER }}:{{ secret.typed | urlencode }}@db/{{ config.DB }}" }'))).toEqual([]);
  });

  it.each([
    ['an unknown secret', '  url: { template: "x:{{ secret.nope }}" }', /stack\.yaml:11:\d+: .*secret\.nope is not declared under secrets:/],
    ['an unknown config', '  url: { template: "{{ config.NOPE }}" }', /stack\.yaml:11:\d+: .*config\.NOPE is not declared under config:/],
    ['a syntax error', '  url: { template: "{{ secret.pw | base64 }}" }', /stack\.yaml:11:\d+: .*an expression planes does not know at character 1/],
    ['its own secret', '  url: { template: "{{ secret.url }}" }', /refers to its own secret url/],
    ['a cycle', '  a: { template: "{{ secret.b }}" }\n  b: { template: "{{ secret.a }}" }', /in a cycle \(a → b → a\)/],
    ['another template', '  a: { template: "{{ secret.pw }}" }\n  b: { template: "{{ secret.a }}" }', /secret\.a is itself a template; Swarm renders one level/],
    ['a value of its own as well', '  url: { template: "{{ secret.pw }}", generate: { length: 20 } }', /stack\.yaml:11:\d+: .*takes its value from its template alone; remove generate/],
    ['a password written out in a URL', '  url: { template: "postgresql://app:hunter2@db/{{ config.DB }}" }', /the URL's password must be one \{\{ secret\.NAME \| urlencode \}\} reference/],
    ['a password built from config', '  url: { template: "postgresql://app:{{ config.USER }}@db" }', /the URL's password must be one/],
    ['an operator secret left unescaped in a URL', '  url: { template: "postgresql://app:{{ secret.typed }}@db" }', /secret\.typed may hold characters a URL reserves/],
    [
      'a config value that differs between the environments sharing secrets/',
      '  url: { template: "{{ config.DB }}:{{ secret.pw }}" }',
      /config\.DB differs between local and dev/,
      '  USER: app\n  DB: { dev: a, local: b, prod: c }',
    ],
    ['a config value without a value in one environment', '  url: { template: "{{ config.DB }}:{{ secret.pw }}" }', /config\.DB has no value in prod/, '  USER: app\n  DB: { dev: a }'],
    ['a secret referenced from config', '  url: { template: "{{ secret.pw }}" }', /stack\.yaml:6:\d+: .*USER refers to a secret, which would put the secret into an env file/, '  USER: "{{ secret.pw }}"\n  DB: x'],
  ])('refuses %s, at its line', (_, secrets, expected, config?: string) => {
    let text = manifest(secrets, config);
    if (config?.includes('local')) text = text.replace('environments:\n', 'environments:\n  local: { target: compose, file: local.yml }\n');
    expect(manifestProblems(text).join('\n')).toMatch(expected);
  });

  it('lets a generated URL-safe secret go unescaped', () => {
    expect(manifestProblems(manifest('  url: { template: "postgresql://app:{{ secret.pw }}@db" }'))).toEqual([]);
  });
});
