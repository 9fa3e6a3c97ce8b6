import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { validateChunk, type ChunkRequest, type ChunkResult } from './validateChunk';

/** Validates chunks of lines; answers each chunk's result (in any order across chunks). */
export interface LineValidator {
  validate(request: ChunkRequest): Promise<ChunkResult>;
  close(): Promise<void>;
}

// The compiled worker beside this file; absent when running from the TypeScript sources (tests).
const WORKER_FILE = join(__dirname, 'lineValidatorWorker.js');
const YOUNG_GENERATION_MB = 64;

/**
 * Validating a line (JSON, the envelope, the data against the catalogue with its dates and
 * money, canonical JSON and its hash) costs several times what writing it does, and lines are
 * independent: so it runs on `threads` worker threads while the main thread writes batches in
 * order. With 0 threads, or without the compiled worker, it runs inline.
 */
export function openLineValidator(threads: number): LineValidator {
  if (threads < 1 || !existsSync(WORKER_FILE)) {
    return { validate: async (request) => validateChunk(request), close: async () => undefined };
  }
  return new WorkerPool(threads);
}

interface Waiting {
  readonly resolve: (result: ChunkResult) => void;
  readonly reject: (error: unknown) => void;
}

class WorkerPool implements LineValidator {
  private readonly workers: Worker[];
  /** Per worker, the chunks sent and not yet answered: a worker answers in the order it is sent. */
  private readonly waiting: Waiting[][];
  private next = 0;

  constructor(threads: number) {
    this.workers = [];
    this.waiting = [];
    for (let index = 0; index < threads; index++) {
      // Validation allocates much and keeps little: a larger young generation scavenges less.
      const worker = new Worker(WORKER_FILE, {
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      const queue: Waiting[] = [];
      worker.on('message', (result: ChunkResult) => queue.shift()?.resolve(result));
      worker.on('error', (error) => {
        for (const waiting of queue.splice(0)) waiting.reject(error);
      });
      worker.on('exit', (code) => {
        const error = new Error(`an import validation thread exited (${code})`);
        for (const waiting of queue.splice(0)) waiting.reject(error);
      });
      this.workers.push(worker);
      this.waiting.push(queue);
    }
  }

  validate(request: ChunkRequest): Promise<ChunkResult> {
    const index = this.next;
    this.next = (this.next + 1) % this.workers.length;
    return new Promise((resolve, reject) => {
      this.waiting[index]!.push({ resolve, reject });
      this.workers[index]!.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
