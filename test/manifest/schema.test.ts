import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '../../src/manifest/schema.js';

describe('the JSON Schema of the manifest', () => {
  it('is committed as schema/stack.schema.json, as `planes schema` prints it', () => {
    expect(readFileSync('schema/stack.schema.json', 'utf8')).toBe(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
  });

  it('is what the reference manifest names for editors', () => {
    expect(readFileSync('compose/stack.yaml', 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/stack.schema.json');
  });

  it('describes the four planes and rejects unknown keys', () => {
    const schema = manifestJsonSchema() as { properties: Record<string, { description?: string }>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(['name', 'environments', 'config', 'secrets', 'build_secrets', 'services', 'volumes', 'networks', 'configs']);
    expect(schema.properties.config?.description).toMatch(/Plane `config`/);
    expect(schema.additionalProperties).toBe(false);
  });
});
