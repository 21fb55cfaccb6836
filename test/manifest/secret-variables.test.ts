import { describe, expect, it } from 'vitest';
import { manifestProblems } from '../support/manifest.js';

function problemsOf(services: string, extra = ''): string {
  return manifestProblems(
    `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
secrets:
  key: { generate: { length: 32 } }
services:
${services}
${extra}`,
  ).join('\n');
}

describe('manifest rules of secrets given as variables', () => {
  it.each([
    ['its own entrypoint and command', '  app: { image: a, entrypoint: [run], command: [x], secrets: { key: { variable: KEY } } }'],
    ['the image start given', '  app: { image: a, image_start: { entrypoint: [], command: [run] }, secrets: { key: { variable: KEY } } }'],
  ])('accepts a service with %s', (_, services) => {
    expect(problemsOf(services)).toBe('');
  });

  it.each([
    ['no entrypoint and no image start', '  app:\n    image: a\n    secrets:\n      key: { variable: KEY }', /stack\.yaml:10:\d+: starting through the wrapper replaces the image's entrypoint.*docker image inspect/],
    ['an entrypoint but no command and no image start', '  app:\n    image: a\n    entrypoint: [run]\n    secrets:\n      key: { variable: KEY }', /stack\.yaml:11:\d+: with the wrapper as entrypoint the engine drops the image's command/],
    ['an entrypoint written as a string', '  app:\n    image: a\n    entrypoint: run it\n    command: [x]\n    secrets:\n      key: { variable: KEY }', /stack\.yaml:9:\d+: write the entrypoint as a list/],
    ['a WebAssembly platform, whose image has no shell', '  app:\n    image: a\n    platform: wasi/wasm\n    image_start: { entrypoint: [/app.wasm], command: [] }\n    secrets:\n      key: { variable: KEY }', /stack\.yaml:12:\d+: KEY would be set by planes' wrapper, a shell script, and a wasi\/wasm \(WebAssembly\) image has no shell: drop variable: and make the program read \/run\/secrets\/key/],
    ['a WebAssembly runtime', '  app:\n    image: a\n    runtime: io.containerd.wasmedge.v1\n    image_start: { entrypoint: [/app.wasm], command: [] }\n    secrets:\n      key: { variable: KEY }', /stack\.yaml:12:\d+: KEY would be set .*an image run by io\.containerd\.wasmedge\.v1 \(WebAssembly\) has no shell/],
    ['a distroless image', '  app:\n    image: gcr.io/distroless/static\n    image_start: { entrypoint: [/app], command: [] }\n    secrets:\n      key: { variable: KEY }', /stack\.yaml:11:\d+: KEY would be set .*a distroless image has no shell/],
    ['the variable set twice', '  app:\n    image: a\n    entrypoint: [run]\n    command: [x]\n    secrets:\n      key: { variable: KEY, env: KEY }', /KEY is set twice in this service/],
  ])('refuses %s, at its line', (_, services, expected) => {
    expect(problemsOf(services)).toMatch(expected);
  });

  it("refuses a config named like planes' wrapper", () => {
    expect(problemsOf('  app: { image: a }', 'configs:\n  planes_secret_env: { file: ./x }')).toMatch(/stack\.yaml:9:\d+: planes_secret_env is the name planes gives the wrapper/);
  });
});
