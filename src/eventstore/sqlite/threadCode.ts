import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where a worker thread's code is, and, for code written in TypeScript (tests), how to load it. */
export interface ThreadCode {
  readonly file: string;
  /** For a worker written in TypeScript: `['--require', 'tsx/cjs']`. */
  readonly execArgv?: readonly string[];
}

/**
 * The compiled worker `name` in `directory` (the caller's `__dirname`) when there is one: the
 * built service. Running from the TypeScript sources (the tests) there is none, and the caller
 * does the work on its own thread.
 */
export function compiledThread(directory: string, name: string): ThreadCode | null {
  const file = join(directory, name);
  return existsSync(file) ? { file } : null;
}
