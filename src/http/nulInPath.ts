import type { RequestHandler } from 'express';
import { problemType, sendProblem } from './problemDetails';

/**
 * Refuses a path holding %00 before any router: no id contains U+0000, and PostgreSQL stores none
 * in text, so a route that records or looks up a path parameter (the webhook inbox records every
 * delivery, refused ones too) would fail there with a 500 rather than refuse the request.
 */
export function refuseNulInPath(): RequestHandler {
  return (req, res, next) => {
    if (!/%00/.test(req.path)) {
      next();
      return;
    }
    sendProblem(req, res, {
      type: problemType('malformed-path'),
      title: 'The path is not valid',
      status: 400,
      detail: 'The path holds %00 (U+0000, NUL), which no id of this service contains.',
    });
  };
}
