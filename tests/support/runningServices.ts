/**
 * The services a test file started and has not stopped yet, kept on `globalThis` (one per test
 * file: jest gives each its own) so that the set-up file tests/support/stopLeftoverServices.ts
 * finds them without importing the whole service.
 */
export function runningServices(): Set<() => Promise<void>> {
  const scope = globalThis as { __obligationsRunningServices?: Set<() => Promise<void>> };
  return (scope.__obligationsRunningServices ??= new Set());
}
