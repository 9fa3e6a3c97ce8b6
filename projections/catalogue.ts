import { auditTrail } from './auditTrail';
import type { Projection } from './projection';

/** Every read model the workers keep up to date. */
export const projections: readonly Projection[] = [auditTrail];
