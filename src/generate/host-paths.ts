/**
 * Host paths inside compose entries, rewritten for a compose file written somewhere else:
 * the generator writes the manifest's paths from each compose file's directory, the migrator
 * writes the original project's paths from the new project's root.
 */

/** What a host path becomes where the new file is. */
export type RewritePath = (path: string) => string;

/** Service `volumes`: the host path of a bind mount (`./data:/data:ro`, `{type: bind, source}`) when relative; named volumes and absolute paths stay. */
export function rewriteVolumeSources(volumes: readonly unknown[], rewrite: RewritePath): unknown[] {
  return volumes.map((volume) => {
    if (typeof volume === 'string') {
      const colon = volume.indexOf(':');
      const source = colon === -1 ? '' : volume.slice(0, colon);
      return isRelativeHostPath(source) ? `${rewrite(source)}${volume.slice(colon)}` : volume;
    }
    if (volume !== null && typeof volume === 'object' && (volume as { type?: unknown }).type === 'bind') {
      const source = (volume as { source?: unknown }).source;
      if (typeof source === 'string' && isRelativeHostPath(source)) return { ...volume, source: rewrite(source) };
    }
    return volume;
  });
}

/** Top-level `configs`: the `file` each is read from. */
export function rewriteConfigFiles(configs: Record<string, unknown>, rewrite: RewritePath): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(configs).map(([name, config]) => {
      const file = config !== null && typeof config === 'object' ? (config as { file?: unknown }).file : undefined;
      return [name, typeof file === 'string' ? { ...(config as object), file: rewrite(file) } : config];
    }),
  );
}

function isRelativeHostPath(path: string): boolean {
  return path === '.' || path === '..' || path.startsWith('./') || path.startsWith('../');
}
