import type { OpenApiInfo } from './openApiDocument';

/**
 * The API's own version (of its contract, not of the package): bump it with changes that
 * clients see.
 */
export const API_INFO: OpenApiInfo = {
  title: 'obligations',
  version: '0.1.0',
  description:
    'Money obligations of licensing deals (upfront fees, milestones, royalties, late interest), kept as immutable events. Every error is an RFC 9457 problem (`application/problem+json`).',
};
