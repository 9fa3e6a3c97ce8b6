import pg from 'pg';

const INT8_OID = 20;

/**
 * bigint columns (positions, versions) as JavaScript numbers, refusing any value beyond 2^53
 * rather than rounding it. Passed per pool: no process-wide type-parser mutation.
 */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') return parseSafeInteger;
    const parser = pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
    return parser;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function parseSafeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`bigint ${value} is beyond JavaScript's safe integers`);
  }
  return parsed;
}
