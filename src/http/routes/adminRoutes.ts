import type { Logger } from 'pino';
import { z } from 'zod';
import { RebuildJobs, RebuildRunningError } from '../../workers/rebuildJobs';
import type { Workers } from '../../workers/startWorkers';
import { defineRoute, type AnyRoute } from '../api/route';
import { HttpProblemError, problemType } from '../problemDetails';

export interface AdminRoutesOptions {
  /** This process's projection workers; absent in an API-only process (SERVICE_ROLE=api). */
  readonly workers?: Workers | null;
  /** The read models a rebuild may name, in the order an unnamed rebuild takes them. */
  readonly readModels: readonly [string, ...string[]];
  readonly logger: Logger;
  readonly clock?: () => Date;
}

const TAGS = ['Administration'];
const PATH = '/admin/rebuilds';

const projectionStateSchema = z.object({
  name: z.string(),
  state: z.enum(['pending', 'running', 'completed', 'failed']),
  position: z.number().describe('The global position of the last event applied.'),
  head: z
    .number()
    .nullable()
    .describe('The head of the log when last asked; null before the rebuild started.'),
  applied: z.number().describe('Events applied so far.'),
  eventsPerSecond: z.number(),
  etaSeconds: z.number().nullable().describe('Seconds left at the current rate, when known.'),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const rebuildJobSchema = z
  .object({
    id: z.string(),
    state: z.enum(['running', 'completed', 'failed']),
    projections: z.array(projectionStateSchema),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'RebuildJob' });

const UNAUTHENTICATED = { description: 'No valid, unrevoked API key' };
const FORBIDDEN = { description: 'The key is not an admin key' };

/**
 * Rebuilding read models over HTTP (admin keys only). The rebuild runs in this process, whose
 * worker of that read model pauses meanwhile (src/workers/rebuild.ts): `POST` starts a job and
 * answers 202 at once, `GET` follows it. Jobs live in this process's memory: another replica does
 * not know them, and a restart forgets them (the rebuild itself is not lost: its worker carries
 * on from the checkpoint the last batch committed).
 */
export function adminRoutes({
  workers,
  readModels,
  logger,
  clock,
}: AdminRoutesOptions): AnyRoute[] {
  const jobs = workers ? new RebuildJobs(workers, logger, clock) : null;
  const bodySchema = z.strictObject({
    projection: z
      .enum(readModels)
      .optional()
      .describe('The read model to rebuild; every read model, one after the other, without it.'),
  });
  return [
    defineRoute({
      method: 'post',
      path: PATH,
      operationId: 'startRebuild',
      summary: 'Rebuild read models from the event log',
      description:
        'Empties the read model and applies the whole log to it again, in batches, each committed with its checkpoint; answers 202 at once with the job, which `Location` names. Meanwhile the read model shows the rebuild’s progress rather than the head (reads with `waitFor` wait for it). Send `{}` to rebuild every read model. Only a process that runs the projection workers (SERVICE_ROLE=all) can: see also `npm run cli -- rebuild`.',
      tags: TAGS,
      access: ['admin'],
      body: bodySchema,
      responses: {
        202: {
          description: 'Started; `Location` names the job',
          schema: rebuildJobSchema,
          headers: { Location: 'The job: /admin/rebuilds/{id}' },
        },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        409: {
          description: 'A rebuild is running already, or this process runs no projection workers',
        },
        422: { description: 'Not a read model' },
      },
      handler: ({ body, res }) => {
        if (jobs === null) throw noWorkers();
        try {
          const job = jobs.start(body.projection === undefined ? readModels : [body.projection]);
          res
            .status(202)
            .location(`${PATH}/${job.id}`)
            .setHeader('Cache-Control', 'no-store')
            .json(job);
        } catch (error) {
          if (!(error instanceof RebuildRunningError)) throw error;
          throw new HttpProblemError(
            {
              type: problemType('rebuild-running'),
              title: 'A rebuild is running already',
              status: 409,
              detail: `${error.message}; follow it at ${PATH}/${error.jobId}.`,
              job: `${PATH}/${error.jobId}`,
            },
            { Location: `${PATH}/${error.jobId}` },
          );
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: `${PATH}/:id`,
      operationId: 'getRebuild',
      summary: 'Follow a rebuild',
      description:
        'Where each read model of the job stands: position and head, events per second, estimated time left, start and end, and the error if it failed. Known only to the process that runs it, until it restarts.',
      tags: TAGS,
      access: ['admin'],
      params: z.object({ id: z.string() }),
      responses: {
        200: { description: 'The job', schema: rebuildJobSchema },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: {
          description: 'This process knows no such job (another one ran it, or it restarted)',
        },
      },
      handler: ({ params, res }) => {
        const job = jobs?.get(params.id);
        if (job === undefined)
          throw new HttpProblemError({
            type: problemType('rebuild-not-found'),
            title: 'No such rebuild',
            status: 404,
            detail: `This process knows no rebuild ${params.id}: jobs live in the memory of the process that runs them, until it restarts.`,
          });
        res.setHeader('Cache-Control', 'no-store').json(job);
      },
    }),
  ];
}

function noWorkers(): HttpProblemError {
  return new HttpProblemError({
    type: problemType('no-workers'),
    title: 'This process runs no workers',
    status: 409,
    detail:
      'This process serves the API only (SERVICE_ROLE=api), so it cannot pause a projection to rebuild it. Call a process started with SERVICE_ROLE=all, or run `npm run cli -- rebuild` beside the worker.',
  });
}
