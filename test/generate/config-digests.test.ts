import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configDigests } from '../../src/generate/config-digests.js';
import { generate } from '../../src/generate/index.js';
import { ManifestError, parseManifest } from '../../src/manifest/load.js';
import { projectWith } from '../support/project.js';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const root = projectWith(files);
  roots.push(root);
  return root;
}

function manifest(name: string, service: string, configs: string): string {
  return `name: ${name}
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
services:
  app:
    image: app:1
${service}
configs:
${configs}
`;
}

function generated(root: string, text: string): { dev: string; prod: string; notes: string[] } {
  const { files, notes } = generate(parseManifest(text, 'compose/stack.yaml'), root);
  const content = (path: string) => files.find((file) => file.path === path)!.content;
  return { dev: content('docker-compose.yml'), prod: content('docker-compose.prod.yml'), notes };
}

const MOUNTS = '    configs: [{ source: site, target: /etc/site.conf }, conf]';
const CONFIGS = '  site: { file: ./conf/site.conf }\n  conf: { file: ./conf/app.conf }';

describe('configs that roll', () => {
  it('name each file config after its content in the stack file, and label the dev service with the digests it mounts', () => {
    const root = project({ 'conf/site.conf': 'listen 80;\n', 'conf/app.conf': 'a = 1\n' });
    const { dev, prod } = generated(root, manifest('shop', MOUNTS, CONFIGS));
    const site = /site:\n\s+file: \.\/conf\/site\.conf\n\s+name: (shop_site_[0-9a-f]{12})\n/.exec(prod)?.[1];
    const conf = /conf:\n\s+file: \.\/conf\/app\.conf\n\s+name: (shop_conf_[0-9a-f]{12})\n/.exec(prod)?.[1];
    expect(site).toBeDefined();
    expect(conf).toBeDefined();
    expect(dev).toContain(`planes.config-digests: conf=${conf!.slice(-12)},site=${site!.slice(-12)}`);
    expect(dev).not.toMatch(/name: shop_/);
    expect(prod).not.toContain('planes.config-digests');
  });

  it('give a changed file a new name and a new label, and the same file the same ones', () => {
    const text = manifest('shop', MOUNTS, CONFIGS);
    const root = project({ 'conf/site.conf': 'listen 80;\n', 'conf/app.conf': 'a = 1\n' });
    const before = generated(root, text);
    expect(generated(root, text)).toEqual(before);
    writeFileSync(join(root, 'conf/site.conf'), 'listen 8080;\n');
    const after = generated(root, text);
    expect(after.prod).not.toBe(before.prod);
    expect(after.dev).not.toBe(before.dev);
    expect(after.prod.match(/name: shop_conf_\w+/)?.[0]).toBe(before.prod.match(/name: shop_conf_\w+/)?.[0]);
  });

  it.each([
    ['a mapping of labels', '    labels: { team: web }\n' + MOUNTS, /labels:\n\s+team: web\n\s+planes\.config-digests: conf=\w{12},site=\w{12}\n/],
    ['a list of labels', '    labels: [team=web]\n' + MOUNTS, /labels:\n\s+- team=web\n\s+- planes\.config-digests=conf=\w{12},site=\w{12}\n/],
  ])('keep the service labels given as %s', (_, service, expected) => {
    const root = project({ 'conf/site.conf': 'x', 'conf/app.conf': 'y' });
    expect(generated(root, manifest('shop', service, CONFIGS)).dev).toMatch(expected);
  });

  it('leave a service that mounts no file config without the label', () => {
    const root = project({ 'conf/site.conf': 'x', 'conf/app.conf': 'y' });
    expect(generated(root, manifest('shop', '    ports: ["80:80"]', CONFIGS)).dev).not.toContain('planes.config-digests');
  });

  it.each([
    ['an external config', '  site: { external: true }', 'site'],
    ['a config with a name of its own', '  site: { file: ./conf/site.conf, name: fixed_site }', 'has a name of its own'],
    ['a config whose file is not there yet', '  site: { file: ./conf/missing.conf }', 'does not exist yet'],
  ])('do not roll %s', (_, configs, note) => {
    const root = project({ 'conf/site.conf': 'x' });
    const { dev, prod, notes } = generated(root, manifest('shop', '    configs: [site]', configs));
    expect(prod).not.toMatch(/name: shop_site_/);
    expect(dev).not.toContain('planes.config-digests');
    if (note !== 'site') expect(notes.join('\n')).toContain(note);
  });

  it('refuse a name Swarm would refuse as too long, at the config in the manifest', () => {
    const root = project({ 'conf/site.conf': 'x' });
    const text = manifest('a-project-with-quite-a-long-name', '    configs: [site]', '  a_config_name_that_is_long_too: { file: ./conf/site.conf }');
    const error = (() => {
      try {
        generate(parseManifest(text, 'compose/stack.yaml'), root);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(/compose\/stack\.yaml:10:3: .*longer than the 64 characters Swarm allows/);
  });

  it('read the digest from the bytes of the file', () => {
    const root = project({ 'a.conf': 'same', 'b.conf': 'same', 'c.conf': 'other' });
    const { digests } = configDigests('s', { a: { file: 'a.conf' }, b: { file: 'b.conf' }, c: { file: 'c.conf' } }, root);
    expect(digests.get('a')).toBe(digests.get('b'));
    expect(digests.get('c')).not.toBe(digests.get('a'));
    expect(digests.get('a')).toMatch(/^[0-9a-f]{12}$/);
  });
});
