import type { Logger } from 'pino';
import type { LogLevel } from '../../src/config';
import { createLogger } from '../../src/logger';

export type LogLine = Record<string, unknown> & { msg?: string; level: number; reqId?: unknown };

export interface LogCapture {
  /** A logger built like the service's, writing into `lines`. */
  readonly logger: Logger;
  readonly lines: LogLine[];
}

export function captureLogs(level: LogLevel = 'debug'): LogCapture {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });
  return { logger, lines };
}
