import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventStore } from '../eventstore/eventStore';
import type { SqlExecutor } from '../readstore/readStore';
import { verifyLog, type VerifyReport } from './verifyLog';

export type VerificationState = 'running' | 'completed' | 'failed';

/** One verification of the log, as `GET /audit/verifications/{id}` shows it. */
export interface VerificationJobView {
  readonly id: string;
  /** `completed` says the verification ran to its end: `report.ok` says whether the log is intact. */
  readonly state: VerificationState;
  /** The global position of the last event checked. */
  readonly position: number;
  /** The head of the log when last asked; null before the first batch. */
  readonly head: number | null;
  readonly eventsChecked: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** The report, once completed. */
  readonly report: VerifyReport | null;
  /** Why it could not run to its end (a store unreachable): not a verdict on the log. */
  readonly error: string | null;
}

/** A verification is already running in this process. */
export class VerificationRunningError extends Error {
  constructor(readonly jobId: string) {
    super(`the verification ${jobId} is still running: one at a time`);
    this.name = 'VerificationRunningError';
  }
}

const KEEP_FINISHED = 20;

/**
 * The verifications of this process, in memory, like the rebuild jobs (src/workers/rebuildJobs.ts):
 * one running at a time, the last few finished ones kept for their reports; a restart forgets them.
 */
export class VerificationJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly clock: () => Date;

  constructor(
    private readonly deps: {
      readonly store: EventStore;
      readonly readStore: SqlExecutor;
      readonly publicKeyPem: string | null;
      readonly logger?: Logger;
      readonly clock?: () => Date;
    },
  ) {
    this.clock = deps.clock ?? (() => new Date());
  }

  start(): VerificationJobView {
    const running = [...this.jobs.values()].find((job) => job.state === 'running');
    if (running !== undefined) throw new VerificationRunningError(running.id);
    const job = new Job(randomUUID(), this.clock());
    this.jobs.set(job.id, job);
    this.forgetOld();
    job.finished = this.run(job);
    return job.view();
  }

  get(id: string): VerificationJobView | undefined {
    return this.jobs.get(id)?.view();
  }

  /** Resolves when the job has finished; for tests and shutdown. */
  async settled(id: string): Promise<void> {
    await this.jobs.get(id)?.finished;
  }

  private async run(job: Job): Promise<void> {
    const { store, readStore, publicKeyPem, logger } = this.deps;
    const started = Date.now();
    try {
      const report = await verifyLog({
        store,
        readStore,
        ...(publicKeyPem !== null && { publicKeyPem }),
        onProgress: (progress) => {
          job.position = progress.position;
          job.head = progress.head;
          job.eventsChecked = progress.eventsChecked;
          job.seconds = (Date.now() - started) / 1000;
        },
      });
      job.eventsChecked = report.eventsChecked;
      job.position = Math.max(job.position, job.head ?? 0);
      job.report = report;
      job.state = 'completed';
      logger?.info(
        { verification: job.id, ok: report.ok, failure: report.failure },
        'log verified',
      );
    } catch (error) {
      job.state = 'failed';
      job.error = error instanceof Error ? error.message : String(error);
      logger?.error({ err: error, verification: job.id }, 'verification failed to run');
    } finally {
      job.seconds = (Date.now() - started) / 1000;
      job.finishedAt = this.clock().toISOString();
    }
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((job) => job.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(job.id);
  }
}

class Job {
  state: VerificationState = 'running';
  position = 0;
  head: number | null = null;
  eventsChecked = 0;
  seconds = 0;
  report: VerifyReport | null = null;
  error: string | null = null;
  finishedAt: string | null = null;
  finished: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly startedAt: Date,
  ) {}

  view(): VerificationJobView {
    const rate = this.seconds > 0 ? this.eventsChecked / this.seconds : 0;
    const left = this.head === null ? null : Math.max(0, this.head - this.position);
    return {
      id: this.id,
      state: this.state,
      position: this.position,
      head: this.head,
      eventsChecked: this.eventsChecked,
      eventsPerSecond: Math.round(rate),
      etaSeconds:
        this.state !== 'running' ? 0 : left === null || rate === 0 ? null : Math.ceil(left / rate),
      startedAt: this.startedAt.toISOString(),
      finishedAt: this.finishedAt,
      report: this.report,
      error: this.error,
    };
  }
}
