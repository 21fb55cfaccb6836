/**
 * The loader's messages show a value only when nothing says it is a secret: a value filled in
 * from a secret-named variable, or holding a credential, is hidden (the variable named), and an
 * interpolation error names the variable and the position, never the text around it.
 */
import { describe, expect, it } from 'vitest';
import { loadComposeProject } from '../../src/compose/index.js';
import { UsageError } from '../../src/errors.js';
import { projectWith } from '../support/project.js';

const CANARY = 'Cnry4Lw8Qz7Vb2Kx';
// An AWS-access-key-shaped value, built so that no credential is written here.
const ACCESS_KEY = `AKIA${'SYNTHETIC0KEY0TESTONLY'.slice(0, 16)}`;

/** The messages of loading `compose`: its problems, or the one that stops it. */
function messagesOf(compose: string, dotenv = `DB_PASSWORD=${CANARY}\n`, files: Record<string, string> = {}): string[] {
  const root = projectWith({ 'compose.yaml': compose, '.env': dotenv, ...files });
  try {
    return loadComposeProject({ cwd: root, environment: {} }).problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return [(error as Error).message];
  }
}

const HIDDEN = /<hidden: filled from \$\{DB_PASSWORD\}, a secret; \S+, \d+ chars>/;

describe('loader messages about a value filled in from a secret-named variable', () => {
  it.each([
    ['extends.file', 'services:\n  a:\n    image: x\n    extends: { file: "${DB_PASSWORD}", service: b }\n', /the file .* that extends names does not exist/],
    ['extends.service', 'services:\n  a:\n    image: x\n    extends: { service: "${DB_PASSWORD}" }\n', /extends a service ".*" that this file does not define/],
    ['extends: name', 'services:\n  a:\n    image: x\n    extends: "${DB_PASSWORD}"\n', /extends a service ".*" that this file does not define/],
    ['env_file', 'services:\n  a:\n    image: x\n    env_file: ["${DB_PASSWORD}"]\n', /env file .* not found/],
    ['env_file as a string', 'services:\n  a:\n    image: x\n    env_file: "x/${DB_PASSWORD}.env"\n', /env file .* not found/],
    ['env_file.format', 'services:\n  a:\n    image: x\n    env_file: [{ path: app.env, format: "${DB_PASSWORD}" }]\n', /env file format ".*" is not one Compose reads/],
    ['include.env_file', 'include:\n  - path: sub.yaml\n    env_file: ["${DB_PASSWORD}"]\nservices:\n  a: { image: x }\n', /the env_file .* of this include does not exist/],
    ['include.path', 'include:\n  - "${DB_PASSWORD}"\nservices:\n  a: { image: x }\n', /the compose file .* that this include names does not exist or is not a regular file/],
  ])('%s: hides the value and names the variable', (_, compose, message) => {
    const messages = messagesOf(compose, undefined, { 'app.env': 'A=1\n', 'sub.yaml': 'services:\n  s: { image: y }\n' });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
    expect(messages[0]).toMatch(HIDDEN);
    expect(messages[0]).not.toContain(CANARY);
  });

  it('hides a value holding a credential, whatever filled it, and shows an ordinary one', () => {
    const [credential] = messagesOf(`services:\n  a:\n    image: x\n    env_file: ["envs/${ACCESS_KEY}.env"]\n`);
    expect(credential).toMatch(/env file <hidden: a credential \(AWS access key ID\); en\*{11}nv, \d+ chars> not found/);
    expect(credential).not.toContain(ACCESS_KEY);
    expect(messagesOf('services:\n  a:\n    image: x\n    env_file: ["${ENV_DIR}/app.env"]\n', 'ENV_DIR=envs\n')).toEqual([
      'compose.yaml:4:16: env file envs/app.env not found: create it, or mark the entry required: false',
    ]);
  });

  it('shows the value a secret-named variable did not fill: an unset one, or a default written in place', () => {
    expect(messagesOf('services:\n  a:\n    image: x\n    env_file: ["${NO_TOKEN:-app}.env"]\n', '')).toEqual([
      'compose.yaml:4:16: env file app.env not found: create it, or mark the entry required: false',
    ]);
  });
});

describe('interpolation errors name the variable and the position, never the text around', () => {
  it.each([
    ['in .env, unquoted', `DB_PASSWORD=${CANARY.slice(0, 8)}\${${CANARY.slice(8)}\n`],
    ['in .env, an operator', `DB_PASSWORD=ab\${${CANARY}:-${CANARY}\n`],
    ['in .env, double-quoted', `DB_PASSWORD="ab\${ ${CANARY}}"\n`],
  ])('%s', (_, dotenv) => {
    const [message] = messagesOf('services:\n  a: { image: x }\n', dotenv);
    expect(message).toMatch(/^\.env:1:13: invalid interpolation format in the value of DB_PASSWORD, at its character \d+: /);
    expect(message).not.toContain(CANARY);
    expect(message).not.toContain(CANARY.slice(8));
  });

  it('inline in a compose file', () => {
    const messages = messagesOf(`services:\n  a:\n    image: x\n    labels:\n      note: "${CANARY}\${${CANARY}"\n`, '');
    expect(messages).toEqual([
      'compose.yaml:5:13: invalid interpolation format in the value of note, at its character 17: the variable name after "${" must be followed by "}" or by one of :- - :? ? :+ + and a "}"; write $$ for a literal $',
    ]);
  });

  it('a required variable: its name, not the message written after "?"', () => {
    const messages = messagesOf(`services:\n  a:\n    image: "\${TAG:?${CANARY}}"\n`, '');
    expect(messages).toEqual(['compose.yaml:3:12: required variable TAG is missing a value (the value of image, at its character 1): set it']);
  });
});

describe('an empty project', () => {
  it.each([
    ['no content', ''],
    ['only comments', '# nothing yet\n'],
    ['an empty mapping', '{}\n'],
  ])('is refused as Compose refuses it ("empty compose file"): %s', (_, compose) => {
    expect(messagesOf(compose, '')).toEqual(['compose.yaml:1:1: the compose file is empty, and Compose refuses a project with nothing in it ("empty compose file"): define its services']);
  });

  it.each([
    ['empty documents', '---\n---\n'],
    ['an empty document after a full one', 'services:\n  a: { image: x }\n---\n'],
  ])('is refused as Compose refuses it ("Top-level object must be a mapping"): %s', (_, compose) => {
    expect(messagesOf(compose, '')).toEqual([
      'compose.yaml:1:1: a document of this file is empty (a --- with nothing after it, or only null), and Compose refuses a document that is not a mapping: remove that ---, or fill the document',
    ]);
  });

  it('is not one file of several that is empty, nor a file with only a name', () => {
    const root = projectWith({ 'compose.yaml': 'services:\n  a: { image: x }\n', 'empty.yaml': '' });
    expect(loadComposeProject({ cwd: root, environment: {}, files: ['compose.yaml', 'empty.yaml'] }).problems).toEqual([]);
    expect(messagesOf('name: shop\n', '')).toEqual([]);
  });
});
