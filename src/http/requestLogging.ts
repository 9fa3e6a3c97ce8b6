import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { assignRequestId } from './requestId';

// Probes run every few seconds; at info level they would drown the log.
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Assigns the request id and gives every request `req.log`, a child logger that stamps each line
 * with `reqId`; logs one line when the response is finished (or aborted).
 */
export function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: assignRequestId,
    // req.log carries only the id; the request and response details go on the completion line.
    quietReqLogger: true,
    customLogLevel: levelFor,
  });
}

function levelFor(req: IncomingMessage, res: ServerResponse, error?: Error): Level {
  const failed = error !== undefined || res.statusCode >= 500;
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (PROBE_PATHS.has(path)) return failed ? 'warn' : 'debug';
  if (failed) return 'error';
  return res.statusCode >= 400 ? 'warn' : 'info';
}
