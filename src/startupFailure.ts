import { ConfigError } from './config';
import {
  StoreStartupError,
  StoreUnavailableError,
  type StoreStartupReason,
} from './eventstore/errors';
import { SchemaMismatchError } from './eventstore/migration';

/** sysexits.h: supervisors and scripts can tell "fix the config" from "try again later". */
export const EXIT_CODES = {
  dataError: 65, // EX_DATAERR
  unavailable: 69, // EX_UNAVAILABLE
  software: 70, // EX_SOFTWARE
  osError: 71, // EX_OSERR
  cannotCreate: 73, // EX_CANTCREAT
  tempFail: 75, // EX_TEMPFAIL
  config: 78, // EX_CONFIG
} as const;

const EXIT_CODE_BY_STORE_REASON: Record<StoreStartupReason, number> = {
  unreachable: EXIT_CODES.unavailable,
  corrupt: EXIT_CODES.dataError,
  'read-only': EXIT_CODES.cannotCreate,
  locked: EXIT_CODES.tempFail,
  rejected: EXIT_CODES.config,
  'schema-mismatch': EXIT_CODES.config,
};

export interface StartupFailure {
  readonly exitCode: number;
  /** One line for a human, without a stack trace. */
  readonly reason: string;
}

export function startupFailureOf(error: unknown): StartupFailure {
  if (error instanceof ConfigError) {
    return failure(EXIT_CODES.config, `invalid configuration: ${error.message}`);
  }
  if (error instanceof SchemaMismatchError) {
    return failure(EXIT_CODES.config, error.message);
  }
  if (error instanceof StoreUnavailableError) {
    return failure(EXIT_CODES.unavailable, error.message);
  }
  if (error instanceof StoreStartupError) {
    return failure(EXIT_CODE_BY_STORE_REASON[error.reason], error.message);
  }
  const listenError = error as NodeJS.ErrnoException & { address?: unknown; port?: unknown };
  if (listenError?.code === 'EADDRINUSE') {
    return failure(
      EXIT_CODES.osError,
      `port ${String(listenError.port)} on ${String(listenError.address)} is already in use; stop the other process or set PORT to a free port`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return failure(EXIT_CODES.software, `unexpected error: ${message}`);
}

function failure(exitCode: number, reason: string): StartupFailure {
  return { exitCode, reason: reason.replace(/\s*[\r\n]+\s*/g, ' ') };
}
