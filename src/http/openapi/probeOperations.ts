import { z } from 'zod';
import type { OperationSpec } from './openApiDocument';

const statusSchema = z.object({ status: z.literal('ok') });

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
      200: { description: 'Ready for traffic.', schema: statusSchema },
      503: { description: 'A store does not answer, or the instance is shutting down.' },
    },
  },
];
