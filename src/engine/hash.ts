import { createHash } from 'node:crypto';

/** The content hash planes labels Swarm secrets with (planes.sha256) and compares values by. */
export function sha256Hex(value: Buffer | string): string {
  return createHash('sha256').update(value).digest('hex');
}
