import { z } from 'zod';
import type { OperationSpec } from './openApiDocument';

const statusSchema = z.object({ status: z.literal('ok') });
const readinessSchema = statusSchema.extend({
  warnings: z
    .array(z.object({ code: z.string(), detail: z.string() }))
    .optional()
    .describe(
      'What this instance cannot do although it serves traffic, e.g. `no-signing-key`: no SIGNING_KEY, so the hash chain’s checkpoints are not signed and no evidence bundle can be exported.',
    ),
});

/** The health probes, mounted by `healthRoutes` ahead of the route table, described here. */
export const PROBE_OPERATIONS: readonly OperationSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'Liveness: the process answers',
    description: 'Restart the process if this does not answer.',
    tags: ['operations'],
    access: 'public',
    responses: { 200: { description: 'The process is alive.', schema: statusSchema } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: 'Readiness: the stores answer and no shutdown has begun',
    description: 'Send traffic to this instance only while this answers 200.',
    tags: ['operations'],
    access: 'public',
    responses: {
      200: {
        description: 'Ready for traffic; `warnings` lists degraded capabilities, if any.',
        schema: readinessSchema,
      },
      503: { description: 'A store does not answer, or the instance is shutting down.' },
    },
  },
];
