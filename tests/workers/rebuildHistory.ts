/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- the answers are JSON read back as a client sees them */
import { randomUUID } from 'node:crypto';
import { FOUNDING_DEAL_ID, foundingDeal } from '../domain/fixtures/foundingDeal';
import type { Projection } from '../../projections/projection';
import type { ReadStore } from '../../src/readstore/readStore';

/**
 * A realistic history written through the REST API, as the business would: the founding deal
 * and a few more licences of the same product, development and market facts (milestones follow
 * through the policy), payments (whole, partial, unapplied), quarterly net sales reports
 * (royalties), a late interest accrual, and API keys created and revoked. Used by the rebuild
 * tests, in-process and against a real service process.
 */

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

export type Call = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

export function httpClient(baseUrl: string, key: string): Call {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : JSON.parse(text),
    };
  };
}

/** A small deterministic generator (mulberry32): the same "random" deals on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const usd = (amount: string) => ({ amount, currency: 'USD' });
const cents = (minor: number): string => (minor / 100).toFixed(2);

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function expectStatus(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status)
    throw new Error(
      `${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`,
    );
  return answer;
}

/** A command on an agreement stream: If-Match from its read model, again while that lags. */
async function onAgreement(call: Call, agreementId: string, path: string, body: unknown) {
  return until(`${path} on ${agreementId}`, async () => {
    // Its read model may lag (or be in the middle of a rebuild): ask again.
    const current = await call('GET', `/agreements/${agreementId}`);
    if (current.status === 404) return undefined;
    expectStatus(current, 200, `GET agreement ${agreementId}`);
    const answer = await call('POST', `/agreements/${agreementId}${path}`, body, {
      'If-Match': current.headers.get('etag')!,
    });
    if (answer.status === 412) return undefined;
    return expectStatus(answer, 200, `POST ${path} on ${agreementId}`);
  });
}

async function fact(call: Call, type: string, data: Record<string, unknown>): Promise<void> {
  expectStatus(await call('POST', '/products/biib015/facts', { type, data }), 201, type);
}

async function obligationsOf(call: Call, agreementId: string, count: number): Promise<any[]> {
  return until(`${count} obligations of ${agreementId}`, async () => {
    const page = await call('GET', `/obligations?agreementId=${agreementId}&limit=100`);
    return page.body.items.length >= count ? page.body.items : undefined;
  });
}

export interface HistoryOptions {
  /** Deals besides the founding one. */
  readonly extraDeals?: number;
  /** False when the founding deal is signed already (a second helping of history). */
  readonly foundingDeal?: boolean;
  readonly seed?: number;
}

export async function writeHistory(call: Call, options: HistoryOptions = {}): Promise<void> {
  const random = seededRandom(options.seed ?? 2004);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const deals = options.foundingDeal === false ? [] : [foundingDeal];
  for (let i = 0; i < (options.extraDeals ?? 4); i += 1) {
    deals.push({
      ...foundingDeal,
      agreementId: randomUUID(),
      title: `Licence ${i + 1} of the TAP technology for BIIB015`,
      licensee: { partyId: `licensee-${between(1, 999)}`, name: `Licensee ${i + 1} Inc.` },
      signedOn: `200${between(5, 7)}-0${between(1, 9)}-1${between(0, 9)}`,
      upfrontFee: {
        ...foundingDeal.upfrontFee!,
        amount: usd(cents(between(10_000, 500_000) * 100)),
      },
    });
  }
  for (const terms of deals)
    expectStatus(await call('POST', '/agreements', { terms }), 201, `sign ${terms.agreementId}`);

  // Facts of the product: every licence reacts (milestones through the policy, royalty facts).
  await fact(call, 'INDSubmitted', { jurisdiction: 'US', submittedOn: '2008-01-15' });
  await fact(call, 'ValidClaimCoverageStarted', {
    country: 'US',
    claimReference: 'US 7,374,762 claim 1',
    coveredFrom: '2008-05-06',
    basis: 'existing-at-signing',
  });
  await fact(call, 'ClinicalPhaseStarted', {
    phase: 'II',
    firstPatientDosedOn: '2009-03-02',
    indication: 'solid tumours',
  });
  await fact(call, 'FirstCommercialSale', { country: 'US', soldOn: '2011-06-01' });

  for (const [index, terms] of deals.entries()) {
    const { agreementId } = terms;
    const payer = terms.licensee.partyId;
    // Upfront fee, IND and Phase II milestones.
    const obligations = await obligationsOf(call, agreementId, 3);
    const milestone = obligations.find((o: any) => o.clauseId === '5.2(a)');
    // Whole, partial, or more than owed (a credit), in turn.
    const upfront = Number(obligations.find((o: any) => o.kind === 'upfront-fee')!.amount.amount);
    const paid = [upfront, upfront / 2, upfront + 1234.56][index % 3]!;
    await onAgreement(call, agreementId, '/payments', {
      amount: usd(paid.toFixed(2)),
      receivedOn: `2008-0${between(1, 9)}-15`,
      payerPartyId: payer,
      payeePartyId: 'immunogen',
      reference: `WIRE-${index}-upfront`,
    });
    if (milestone !== undefined && index % 2 === 0)
      await onAgreement(call, agreementId, '/payments', {
        amount: usd('1500000.00'),
        receivedOn: '2008-03-03',
        payerPartyId: payer,
        payeePartyId: 'immunogen',
        reference: `WIRE-${index}-ind`,
        intendedObligationIds: [milestone.obligationId],
      });
    await onAgreement(call, agreementId, '/late-interest-accruals', { asOf: '2009-12-31' });
    // A few quarters of US sales: royalties accrue line by line.
    for (const [year, q] of [
      [2011, 3],
      [2011, 4],
      [2012, 1],
    ] as const) {
      const from = `${year}-${String(q * 3 - 2).padStart(2, '0')}-01`;
      const to = `${year}-${String(q * 3).padStart(2, '0')}-${q === 1 || q === 4 ? '31' : '30'}`;
      await onAgreement(call, agreementId, '/net-sales-reports', {
        period: { from, to },
        reportedOn: to,
        lines: [
          {
            productId: 'biib015',
            country: 'US',
            netSales: usd(cents(between(1_000_000, 90_000_000) * 100 + between(0, 99))),
            exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: to },
          },
        ],
      });
    }
  }

  // Keys are events too: the api-keys read model.
  const auditor = expectStatus(
    await call('POST', '/admin/api-keys', { name: 'KPMG audit', role: 'auditor' }),
    201,
    'create key',
  );
  expectStatus(
    await call('POST', '/admin/api-keys', {
      name: 'CRO feed',
      role: 'integration',
      eventTypes: ['INDSubmitted'],
    }),
    201,
    'create key',
  );
  expectStatus(
    await call('POST', `/admin/api-keys/${auditor.body.keyId}/revoke`, { reason: 'audit done' }),
    200,
    'revoke key',
  );
}

export { FOUNDING_DEAL_ID };

/** The primary key of a table, from the database's own catalogue. */
async function primaryKeyOf(readStore: ReadStore, table: string): Promise<string> {
  const columns = await readStore.query<{ name: string }>(
    readStore.dialect === 'sqlite'
      ? 'SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk'
      : `SELECT kcu.column_name AS name
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu
           ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
         WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_name = ?
           AND tc.table_schema = current_schema()
         ORDER BY kcu.ordinal_position`,
    [table],
  );
  if (columns.length === 0) throw new Error(`${table} has no primary key to order its rows by`);
  return columns.map((column) => column.name).join(', ');
}

export type Snapshot = Record<string, Record<string, unknown>[]>;

/**
 * Each table every read model declares, every row, in primary key order: what must come out of
 * a rebuild identical.
 */
export async function snapshot(
  readStore: ReadStore,
  projections: readonly Projection[],
): Promise<Snapshot> {
  const tables: Snapshot = {};
  for (const projection of projections)
    for (const table of projection.tables ?? [])
      tables[table] = await readStore.query(
        `SELECT * FROM ${table} ORDER BY ${await primaryKeyOf(readStore, table)}`,
      );
  return tables;
}

/** How many rows each table holds: that the history reached every read model. */
export const rowCounts = (tables: Snapshot): Record<string, number> =>
  Object.fromEntries(Object.entries(tables).map(([table, rows]) => [table, rows.length]));
