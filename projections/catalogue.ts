import type { EventStore } from '../src/eventstore/eventStore';
import { agreementPolicies } from '../src/application/agreementPolicies';
import { milestonePolicy } from '../src/application/milestonePolicy';
import { apiKeys } from './apiKeys';
import { auditTrail } from './auditTrail';
import { hashChainProjection } from './hashChain';
import { integrations } from './integrations';
import { obligationsProjection } from './obligations';
import { paymentsProjection } from './payments';
import type { Projection } from './projection';
import { royaltyStatementsProjection } from './royaltyStatements';

/** The read models finance, legal and auditors query: what a rebuild recomputes. */
export function readModels(store: EventStore): Projection[] {
  return [
    auditTrail,
    apiKeys,
    integrations,
    obligationsProjection(store),
    paymentsProjection,
    royaltyStatementsProjection,
    hashChainProjection,
  ];
}

/**
 * Every checkpointed worker: the read models, and the policies that append what facts imply
 * (never rebuilt: what they appended stays appended, and their event ids make a rerun a no-op).
 */
export function workersFor(store: EventStore): Projection[] {
  return [...readModels(store), milestonePolicy(store), agreementPolicies(store)];
}
