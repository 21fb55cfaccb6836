import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { ManifestError, parseManifest } from '../../src/manifest/load.js';

/** A manifest whose config holds `lines` (indented under config:), with one service reading every setting. */
function manifestWith(config: string, extra = '', header = ''): string {
  return `${header}name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
${config}
services:
  api:
    image: shop/api:1
${extra}`;
}

function problemsOf(text: string): string[] {
  try {
    parseManifest(text, 'stack.yaml');
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the manifest to be rejected');
}

function commonEnv(text: string): string {
  const files = generate(parseManifest(text, 'stack.yaml'), '/nonexistent').files;
  return files.find((file) => file.path === 'config/common.env')!.content;
}

describe('config values reach the env files as written, or are refused', () => {
  // Each: how it is written, and what YAML makes of it.
  const CHANGED: [string, string][] = [
    ['1.10', '1.1'],
    ['0x1F', '31'],
    ['1e3', '1000'],
    ['0o17', '15'],
    ['+1', '1'],
    ['.5', '0.5'],
    ['1.0', '1'],
    ['.inf', 'Infinity'],
    ['-.inf', '-Infinity'],
  ];
  for (const [written, becomes] of CHANGED) {
    it(`refuses ${written}, which would become ${becomes}, at its line, with the quoted form`, () => {
      expect(problemsOf(manifestWith(`  VERSION: ${written}`))).toEqual([
        `stack.yaml:6:12: VERSION: ${written} would reach config/common.env as ${becomes}; write it quoted to keep it as written: VERSION: "${written}"`,
      ]);
    });
  }

  it('refuses a 30-digit number without repeating it (a long number may be a credential)', () => {
    const digits = '123456789012345678901234567890';
    const [problem] = problemsOf(manifestWith(`  TOKEN_TTL: ${digits}`));
    expect(problem).toBe('stack.yaml:6:14: TOKEN_TTL: this 30-character value would not reach config/common.env as written; write it quoted: TOKEN_TTL: "…"');
    expect(problem).not.toContain('12345678');
  });

  it('refuses ~ and an empty value, which YAML reads as null, instead of "Invalid input"', () => {
    expect(problemsOf(manifestWith('  A: ~\n  B:'))).toEqual([
      'stack.yaml:6:6: A: ~ is YAML\'s null, not a value; write it quoted to keep the text: A: "~"',
      'stack.yaml:7:5: B: has no value; write B: "" for an empty one',
    ]);
  });

  it('refuses !!binary, saying that the tag is not read', () => {
    expect(problemsOf(manifestWith('  A: !!binary aGVsbG8='))).toEqual([
      'stack.yaml:6:15: config.A: the tag !!binary is not read in the manifest; remove it and write the value itself (quoted text, a number, a list or a mapping)',
    ]);
  });

  it('refuses a per-environment value at its own line, naming the environment and its file', () => {
    expect(problemsOf(manifestWith('  DEBUG:\n    dev: "true"\n    prod: 1.50'))).toEqual([
      'stack.yaml:8:11: DEBUG (prod): 1.50 would reach config/prod.env as 1.5; write it quoted to keep it as written: prod: "1.50"',
    ]);
  });

  it('refuses a value aliased into config from where it would have passed', () => {
    const text = `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
services:
  api:
    image: shop/api:1
    labels: { version: &version 1.10 }
config:
  A: *version
`;
    expect(problemsOf(text)).toEqual([expect.stringMatching(/^stack\.yaml:7:33: A: 1\.10 would reach config\/common\.env as 1\.1;/)]);
  });

  it('names an alias used before its anchor, instead of calling it an alias bomb', () => {
    expect(problemsOf(manifestWith('  A: *version', '    labels: { version: &version "1.10" }\n'))).toEqual([
      'stack.yaml:6:6: the alias *version names no anchor defined before it; write &version on a value above, or move the anchor up',
    ]);
  });

  it('under %YAML 1.1, refuses yes, on, 0777 and 1:30, which it reads as true, true, 511 and 90', () => {
    expect(problemsOf(manifestWith('  A: yes\n  B: on\n  C: 0777\n  D: 1:30', '', '%YAML 1.1\n---\n'))).toEqual([
      'stack.yaml:8:6: A: yes would reach config/common.env as true; write it quoted to keep it as written: A: "yes"',
      'stack.yaml:9:6: B: on would reach config/common.env as true; write it quoted to keep it as written: B: "on"',
      'stack.yaml:10:6: C: 0777 would reach config/common.env as 511; write it quoted to keep it as written: C: "0777"',
      'stack.yaml:11:6: D: 1:30 would reach config/common.env as 90; write it quoted to keep it as written: D: "1:30"',
    ]);
  });

  it('writes numbers and booleans in the form YAML gives them, and quoted forms as written', () => {
    const env = commonEnv(manifestWith('  PORT: 8000\n  RATIO: 0.5\n  NEG: -7\n  ON: true\n  OFF: false\n  V: "1.10"\n  H: "0x1F"\n  Y: yes\n  T: 1:30\n  U: 1_000'));
    expect(env.split('\n').filter((line) => /^[A-Z]+=/.test(line))).toEqual(['PORT=8000', 'RATIO=0.5', 'NEG=-7', 'ON=true', 'OFF=false', 'V=1.10', 'H=0x1F', 'Y=yes', 'T=1:30', 'U=1_000']);
  });
});

describe('build arguments reach the compose file as written, or are refused', () => {
  it('refuses 1.10, naming the build arguments', () => {
    expect(problemsOf(manifestWith('  A: a', '    build: { context: ., args: { APP_VERSION: 1.10 } }\n'))).toEqual([
      'stack.yaml:10:47: APP_VERSION: 1.10 would reach the build arguments as 1.1; write it quoted to keep it as written: APP_VERSION: "1.10"',
    ]);
  });
});

describe('values passed through to Compose mean to it what they mean to planes, or are refused', () => {
  it('refuses 0440, which planes reads as 440 and Compose as the octal 288, suggesting 0o440', () => {
    expect(problemsOf(manifestWith('  A: a', '    configs: [{ source: nginx, mode: 0440 }]\n'))).toEqual([
      'stack.yaml:10:38: services.api.configs[0].mode: planes would read 0440 as the number 440 and Compose as the number 288; write it quoted if you mean the text, or in a form both read alike (an octal number: 0o440)',
    ]);
  });

  it('refuses under %YAML 1.1 a yes that Compose reads as text', () => {
    expect(problemsOf(manifestWith('  A: a', '    labels: { enabled: yes }\n', '%YAML 1.1\n---\n'))).toEqual([
      'stack.yaml:12:24: services.api.labels.enabled: planes would read yes as the boolean true and Compose as text; write it quoted if you mean the text, or in a form both read alike',
    ]);
  });

  it('accepts what both read alike: 0o440, 2, 0.5, true, null, 8000:8000', () => {
    const text = manifestWith('  A: a', '    configs: [{ source: nginx, mode: 0o440 }]\n    deploy: { replicas: 2 }\n    cpus: 0.5\n    init: true\n    ports: [8000:8000]\n    overrides: { prod: { init: null } }\n');
    expect(() => parseManifest(text, 'stack.yaml')).not.toThrow();
  });

  it('refuses a mapping key that would not stay as written', () => {
    expect(problemsOf(manifestWith('  A: a', '    labels: { 1.10: x }\n'))).toEqual(['stack.yaml:10:15: the key 1.10 would be read as 1.1; write it quoted: "1.10":']);
  });
});

describe('what YAML alone would say unhelpfully', () => {
  it('names a second document and what to do, instead of a function of the yaml package', () => {
    expect(problemsOf(`${manifestWith('  A: a')}---\nname: other\n`)).toEqual([
      'stack.yaml:10:1: a second YAML document starts here (---); the manifest is one document: remove this --- line, and merge what follows it into the document above',
    ]);
  });

  it('refuses deep nesting with a message, not "Maximum call stack size exceeded"', () => {
    const flow = problemsOf(manifestWith('  A: a', `    labels: { deep: ${'['.repeat(5000)}${']'.repeat(5000)} }\n`));
    expect(flow).toEqual([expect.stringMatching(/^stack\.yaml:10:\d+: the YAML nests more than 100 levels deep/)]);
    const block = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(6 + i)}k:`).join('\n');
    const [problem] = problemsOf(manifestWith('  A: a', `    labels:\n${block}\n`));
    expect(problem).toMatch(/^stack\.yaml:\d+:\d+: the YAML nests more than 100 levels deep/);
  });
});
