import type { MilestoneTrigger } from '../agreement/terms';
import type { DEVELOPMENT_EVENT_TYPES } from '../agreement/termsSchema';
import type { BusinessDate } from '../dates';

export type DevelopmentEventType = (typeof DEVELOPMENT_EVENT_TYPES)[number];
export type DevelopmentConditions = Extract<
  MilestoneTrigger,
  { kind: 'development' }
>['conditions'];
export type ClinicalPhase = NonNullable<DevelopmentConditions['phase']>;
export type FilingType = NonNullable<DevelopmentConditions['filingTypes']>[number];

/**
 * A development or regulatory fact as the milestone rules read it: an IND submitted, a clinical
 * phase started, a filing submitted, an approval granted, a first commercial sale. The event that
 * reported it supplies the fields; `factId` is that event's id, so a redelivered event is the same
 * fact. Attributes are compared exactly as written (`"US"`, `"breast cancer"`): the events
 * normalise them, the rules do not guess.
 */
export interface DevelopmentFact {
  readonly factId: string;
  readonly eventType: DevelopmentEventType;
  readonly productId: string;
  /** When it happened (valid time), e.g. the day the IND was submitted. */
  readonly occurredOn: BusinessDate;
  /** The regulatory jurisdiction or the country of the sale: `US`, `EU`, `JP`, ... */
  readonly jurisdiction?: string;
  readonly phase?: ClinicalPhase;
  readonly filingType?: FilingType;
  readonly indication?: string;
}
