/**
 * ENTRYPOINT and CMD of an image already on this machine, through `docker image inspect`,
 * which never pulls. No Docker, or no such image here: nothing is known.
 */
import { spawnSync } from 'node:child_process';
import type { ImageProcess } from './images.js';

export function inspectLocalImage(image: string): ImageProcess | undefined {
  const result = spawnSync('docker', ['image', 'inspect', '--format', '{{json .Config.Entrypoint}}\t{{json .Config.Cmd}}', image], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.status !== 0) return undefined;
  const [entrypoint, cmd] = result.stdout.trim().split('\t').map((json) => (JSON.parse(json) as string[] | null) ?? []);
  return { entrypoint: entrypoint ?? [], cmd: cmd ?? [], from: `the image ${image} on this machine (docker image inspect)` };
}
