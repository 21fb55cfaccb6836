/**
 * Whether a service's image can run planes' wrapper of secrets given as variables, a POSIX
 * shell script: planes never pulls an image to look inside, so it goes by what the compose
 * definition says — a WebAssembly platform or runtime, a distroless image.
 */
export function lacksShell(image: string | undefined, platform: unknown, runtime: unknown): string | undefined {
  if (typeof platform === 'string' && platform.startsWith('wasi')) return `a ${platform} (WebAssembly) image has no shell`;
  if (typeof runtime === 'string' && /wasm/i.test(runtime)) return `an image run by ${runtime} (WebAssembly) has no shell`;
  if (image?.startsWith('gcr.io/distroless/')) return 'a distroless image has no shell';
  return undefined;
}
