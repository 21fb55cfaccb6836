import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, runPlanes } from './faults.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The reference stack's manifest. */
export const REFERENCE_MANIFEST = readFileSync(join(REPO, 'compose', 'stack.yaml'), 'utf8');

/**
 * The reference stack changed so that a generate replaces files (both compose files, two env
 * files), adds some (an environment whose compose file is in a new directory, its env file, an
 * example) and needs a new secret: a half-done write shows.
 */
export const CHANGED_MANIFEST = REFERENCE_MANIFEST.replace('image: postgres:16-alpine', 'image: postgres:17-alpine')
  .replace('LOG_LEVEL: INFO', 'LOG_LEVEL: WARNING')
  .replace('DEBUG: { dev: "true", prod: "false" }', 'DEBUG: { dev: "true", prod: "false", staging: "true" }')
  .replace('  prod: { target: swarm, file: docker-compose.prod.yml }\n', '  prod: { target: swarm, file: docker-compose.prod.yml }\n  staging: { target: swarm, file: deploy/docker-compose.staging.yml }\n')
  .replace('  llm_api_key:\n', '  smtp_password:\n    description: Password of the SMTP relay\n    example: smtp-password-here\n  llm_api_key:\n')
  .replace('      llm_api_key: { env: LLM_API_KEY_FILE, mode: "0400" }\n    depends_on: [api, db, redis]', '      llm_api_key: { env: LLM_API_KEY_FILE, mode: "0400" }\n      smtp_password: { env: SMTP_PASSWORD_FILE }\n    depends_on: [api, db, redis]');

/** A new project directory (0755, so an unprivileged user can enter it) with this manifest, generated unless told not to. */
export function generatedProject(manifest = REFERENCE_MANIFEST, options: { generate?: boolean; parent?: string } = {}): string {
  const root = mkdtempSync(join(options.parent ?? tmpdir(), 'planes-faults-'));
  mkdirSync(join(root, 'compose'));
  writeFileSync(join(root, 'compose', 'stack.yaml'), manifest);
  run('chmod', ['755', root], root);
  if (options.generate !== false) {
    const generated = runPlanes(['generate'], root);
    if (generated.status !== 0) throw new Error(`planes generate failed in the fixture: ${generated.stderr}`);
  }
  return root;
}
