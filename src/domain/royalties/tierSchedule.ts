/** Which of the clause's tier schedules priced some sales: the clause's own field names. */
export type TierSchedule = 'tiers' | 'tiersWithoutValidClaim';
