import type Docker from 'dockerode';
import { EngineError, secretLoggingProblem } from './docker.js';

export const LABEL_STACK = 'planes.stack';
export const LABEL_SECRET = 'planes.secret';
export const LABEL_SHA256 = 'planes.sha256';

export interface SwarmSecret {
  id: string;
  name: string;
  labels: Record<string, string>;
  createdAt: string;
}

interface SecretListEntry {
  ID: string;
  CreatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

/** Secrets' metadata; the engine never returns their data. */
export async function listSecrets(docker: Docker, filters: { label?: string[]; name?: string[] } = {}): Promise<SwarmSecret[]> {
  const entries = (await docker.listSecrets({ filters })) as unknown as SecretListEntry[];
  return entries.map((entry) => ({
    id: entry.ID,
    name: entry.Spec?.Name ?? entry.ID,
    labels: entry.Spec?.Labels ?? {},
    createdAt: entry.CreatedAt ?? '',
  }));
}

/** Swarm's name filter matches prefixes; this is the secret with exactly that name. */
export async function findSecret(docker: Docker, name: string): Promise<SwarmSecret | undefined> {
  return (await listSecrets(docker, { name: [name] })).find((secret) => secret.name === name);
}

export function planesLabels(stack: string, secret: string, sha256: string): Record<string, string> {
  return { [LABEL_STACK]: stack, [LABEL_SECRET]: secret, [LABEL_SHA256]: sha256 };
}

export async function createSecret(docker: Docker, name: string, value: Buffer, labels: Record<string, string>): Promise<string> {
  const logged = secretLoggingProblem();
  if (logged) throw new EngineError(logged);
  // docker-modem copies the options of a POST into its query string unless they are split
  // into _query and _body: without this the value would travel in the request URL.
  const created = (await docker.createSecret({ _query: {}, _body: { Name: name, Labels: labels, Data: value.toString('base64') } })) as { id: string };
  return created.id;
}

export async function removeSecret(docker: Docker, id: string): Promise<void> {
  await docker.getSecret(id).remove();
}
