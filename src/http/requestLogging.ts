import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { assignRequestId } from './requestId';

// Probes run every few seconds; at info level they would drown the log.
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Assigns the request id and gives every request `req.log`, a child logger that stamps each line
 * with `reqId`; logs one line when the response is finished (or aborted), as pino-http does.
 *
 * Unlike pino-http, the request's details (method, url, headers, redacted) are serialised only
 * for a completion line that is written: pino-http binds them to a logger of their own for
 * every request, whatever the level, which cost some 5% of the CPU of a webhook delivery at
 * LOG_LEVEL=warn, where a successful request writes nothing.
 */
export function requestLogging(logger: Logger): RequestHandler {
  // pino-http's own logger: its serializers for req, res and err shape the completion line.
  const base = pinoHttp({ logger }).logger;
  return (req, res, next) => {
    req.id = assignRequestId(req, res);
    const log = base.child({ reqId: req.id });
    req.log = log;
    res.log = log;
    const started = Date.now();
    const complete = (error?: Error) => {
      res.off('close', complete);
      res.off('finish', complete);
      res.off('error', complete);
      const level = levelFor(req, res, error);
      if (!log.isLevelEnabled(level)) return;
      const line = log.child({ req });
      const responseTime = Date.now() - started;
      const failure =
        error ??
        res.err ??
        (res.statusCode >= 500 && res.statusCode !== 503
          ? new Error(`failed with status code ${res.statusCode}`)
          : null);
      if (failure !== null) {
        line[level]({ res, err: failure, responseTime }, 'request errored');
        return;
      }
      const finished = !req.readableAborted && res.writableEnded;
      line[level]({ res, responseTime }, finished ? 'request completed' : 'request aborted');
    };
    res.on('close', complete);
    res.on('finish', complete);
    res.on('error', complete);
    next();
  };
}

/**
 * A 503 is an answer the service chose (a store out of reach, a read model a moment behind, a
 * shutdown): it passes by itself, and the client is told when to come back. It is a warning; an
 * error level, which pages someone, is for what nobody meant (a 500, a broken response).
 */
function levelFor(req: IncomingMessage, res: ServerResponse, error?: Error): Level {
  const failed = error !== undefined || res.statusCode >= 500;
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (PROBE_PATHS.has(path)) return failed ? 'warn' : 'debug';
  if (failed) return error === undefined && res.statusCode === 503 ? 'warn' : 'error';
  return res.statusCode >= 400 ? 'warn' : 'info';
}
