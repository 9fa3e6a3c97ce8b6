import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RebuildProgress } from './rebuild';
import type { Workers } from './startWorkers';

export type JobState = 'running' | 'completed' | 'failed';

/** One read model of a rebuild job, as `GET /admin/rebuilds/{id}` shows it. */
export interface ProjectionRebuildView {
  readonly name: string;
  readonly state: 'pending' | JobState;
  readonly position: number;
  readonly head: number | null;
  readonly applied: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface RebuildJobView {
  readonly id: string;
  readonly state: JobState;
  readonly projections: readonly ProjectionRebuildView[];
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Why it failed: the read model it was rebuilding and the error. */
  readonly error: string | null;
}

/** A rebuild job is already running in this process. */
export class RebuildRunningError extends Error {
  constructor(readonly jobId: string) {
    super(`the rebuild ${jobId} is still running: one rebuild at a time`);
    this.name = 'RebuildRunningError';
  }
}

const KEEP_FINISHED = 20;
/**
 * Once this process's worker has let the lease go, another process's worker (several processes
 * with SERVICE_ROLE=all) may take it first and keep it: the job fails after this long rather than
 * stay running for ever.
 */
const LEASE_TIMEOUT_MS = 30_000;

/**
 * The rebuild jobs of this process, in memory: one running at a time (its read models one after
 * the other), the last few finished ones kept for their reports. A restart forgets them, which
 * loses nothing but the report: every batch of a rebuild commits with its checkpoint, so an
 * interrupted rebuild's worker carries on from where it stopped.
 */
export class RebuildJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly clock: () => Date;

  constructor(
    private readonly workers: Workers,
    private readonly logger: Logger,
    clock?: () => Date,
  ) {
    this.clock = clock ?? (() => new Date());
  }

  /** Starts rebuilding `names` in order; answers the job at once. */
  start(names: readonly string[]): RebuildJobView {
    const running = [...this.jobs.values()].find((job) => job.state === 'running');
    if (running !== undefined) throw new RebuildRunningError(running.id);
    const job = new Job(randomUUID(), names, this.clock());
    this.jobs.set(job.id, job);
    this.forgetOld();
    job.finished = this.run(job);
    return job.view();
  }

  get(id: string): RebuildJobView | undefined {
    return this.jobs.get(id)?.view();
  }

  /** Resolves when the job has finished (whether it failed or not); for tests and shutdown. */
  async settled(id: string): Promise<void> {
    await this.jobs.get(id)?.finished;
  }

  private async run(job: Job): Promise<void> {
    const log = this.logger.child({ rebuild: job.id });
    log.info({ projections: job.names }, 'rebuild started');
    for (const entry of job.entries) {
      entry.state = 'running';
      entry.startedAt = this.clock().toISOString();
      try {
        const last = await this.workers.rebuild(entry.name, {
          onProgress: (progress) => (entry.progress = progress),
          leaseTimeoutMs: LEASE_TIMEOUT_MS,
        });
        entry.progress = last;
        entry.state = 'completed';
        log.info({ projection: entry.name, ...summary(last) }, 'read model rebuilt');
      } catch (error) {
        entry.state = 'failed';
        job.state = 'failed';
        job.error = `${entry.name}: ${error instanceof Error ? error.message : String(error)}`;
        log.error({ err: error, projection: entry.name }, 'rebuild failed');
      } finally {
        entry.finishedAt = this.clock().toISOString();
      }
      if (job.state === 'failed') break;
    }
    if (job.state === 'running') job.state = 'completed';
    job.finishedAt = this.clock().toISOString();
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((job) => job.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(job.id);
  }
}

const summary = (progress: RebuildProgress) => ({
  position: progress.position,
  applied: progress.applied,
  eventsPerSecond: progress.eventsPerSecond,
});

interface Entry {
  readonly name: string;
  state: ProjectionRebuildView['state'];
  progress: RebuildProgress | null;
  startedAt: string | null;
  finishedAt: string | null;
}

class Job {
  state: JobState = 'running';
  error: string | null = null;
  finishedAt: string | null = null;
  finished: Promise<void> = Promise.resolve();
  readonly entries: Entry[];

  constructor(
    readonly id: string,
    readonly names: readonly string[],
    readonly startedAt: Date,
  ) {
    this.entries = names.map((name) => ({
      name,
      state: 'pending',
      progress: null,
      startedAt: null,
      finishedAt: null,
    }));
  }

  view(): RebuildJobView {
    return {
      id: this.id,
      state: this.state,
      projections: this.entries.map((entry) => ({
        name: entry.name,
        state: entry.state,
        position: entry.progress?.position ?? 0,
        head: entry.progress?.head ?? null,
        applied: entry.progress?.applied ?? 0,
        eventsPerSecond: entry.progress?.eventsPerSecond ?? 0,
        etaSeconds: entry.progress?.etaSeconds ?? null,
        startedAt: entry.startedAt,
        finishedAt: entry.finishedAt,
      })),
      startedAt: this.startedAt.toISOString(),
      finishedAt: this.finishedAt,
      error: this.error,
    };
  }
}
