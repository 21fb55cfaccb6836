/**
 * Merges per-environment overrides over a service: mappings merge key by key, anything
 * else (lists, scalars) is replaced, and `null` removes the key.
 */
export function mergeOverride(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (value === null) delete merged[key];
    else if (isPlainObject(current) && isPlainObject(value)) merged[key] = mergeOverride(current, value);
    else merged[key] = value;
  }
  return merged;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
