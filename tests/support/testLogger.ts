import pino, { type Logger } from 'pino';

/** Silent unless TEST_LOG_LEVEL asks for output. */
export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}
