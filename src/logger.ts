import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where the JSON lines go; stdout when absent. Tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
}

/**
 * JSON lines on stdout, one object per line, for a log collector. For humans in development, pipe
 * them through `npx pino-pretty`: the service never loads it, so production needs no dev tooling.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      // API keys and session cookies must not end up in log storage.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
    },
    // Synchronous writes: the last lines before an exit (shutdown completed, cannot start) must
    // not be lost in a buffer when the process ends.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
