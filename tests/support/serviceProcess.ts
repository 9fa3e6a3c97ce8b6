import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runningServices } from './runningServices';

const ROOT = join(__dirname, '..', '..');
/** What `npm start` runs. */
export const MAIN_JS = join(ROOT, 'dist', 'src', 'main.js');

/**
 * Compiles src/ to dist/ as `npm start` does. The integration project's global setup calls it
 * once per run, before any test file starts a process from dist/.
 */
export function buildService(): void {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  readonly pid: number;
  /** stdout, one parsed JSON object per log line. */
  readonly logs: Record<string, unknown>[];
  readonly stderrLines: () => string[];
  readonly exited: Promise<Exit>;
  /** Resolves with the first log line that matches, rejects if the process exits first. */
  waitForLog(matches: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): void;
}

export interface StartOptions {
  readonly env: Record<string, string>;
  /** Run as another user (root only), to meet file permissions as a service account does. */
  readonly uid?: number;
  readonly gid?: number;
}

export function startService({ env, uid, gid }: StartOptions): ServiceProcess {
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    // Only what the test chooses: no stray EVENT_STORE_URL or PORT from the developer's shell.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(uid !== undefined && { uid }),
    ...(gid !== undefined && { gid }),
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ unparsed: line });
    }
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  // A test that fails before it stops its process must not leave it running (and jest waiting).
  const killLeftover = async (): Promise<void> => {
    child.kill('SIGKILL');
    await exited;
  };
  runningServices().add(killLeftover);
  void exited.then(() => runningServices().delete(killLeftover));
  return {
    pid: child.pid ?? -1,
    logs,
    stderrLines: () => stderr.split('\n').filter((line) => line !== ''),
    exited,
    waitForLog(matches) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = logs.find(matches);
          if (found === undefined) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
        void exited.then((exit) => {
          waiters.delete(check);
          reject(
            new Error(
              `the service exited (${JSON.stringify(exit)}) before the expected log line; stderr: ${stderr}`,
            ),
          );
        });
      });
    },
    kill(signal) {
      child.kill(signal);
    },
  };
}
