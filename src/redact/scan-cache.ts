/**
 * Values repeat across a project — an anchor merged into every service, an env file many
 * services share, one URL or healthcheck in each — and one run of planes scans every one of
 * them several times. A scan cache keeps what a pure scan found for each value of the size a
 * setting has, so that each is scanned once. What it keeps is shared: never changed, and
 * callers that may change a result get a copy of their own.
 */
const MAX_KEY_LENGTH = 4096;
/** A bound for long-lived callers (the test runner); one run of planes stays far below it. */
const MAX_ENTRIES = 100_000;

export class ScanCache<Result> {
  private readonly results = new Map<string, Result>();

  get(key: string, scan: () => Result): Result {
    if (key.length > MAX_KEY_LENGTH) return scan();
    let result = this.results.get(key);
    if (result === undefined) {
      result = scan();
      if (this.results.size >= MAX_ENTRIES) this.results.clear();
      this.results.set(key, result);
    }
    return result;
  }
}
