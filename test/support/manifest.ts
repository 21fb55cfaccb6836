import { ManifestError, parseManifest } from '../../src/manifest/load.js';

/** The problems a manifest is refused with, one per line as the message gives them; [] when it is accepted. */
export function manifestProblems(text: string): string[] {
  try {
    parseManifest(text, 'stack.yaml');
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split('\n');
    throw error;
  }
  return [];
}
