import { parentPort } from 'node:worker_threads';
import { validateChunk, type ChunkRequest } from './validateChunk';

/**
 * A validation thread of an import (lineValidatorPool.ts): parses and validates the lines it is
 * sent, answering each chunk with its events or the first line at fault.
 */
parentPort?.on('message', (request: ChunkRequest) => {
  parentPort?.postMessage(validateChunk(request));
});
