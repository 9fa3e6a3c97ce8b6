/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModels } from '../../projections/catalogue';
import { formatApiKey, generateApiKey } from '../../src/auth/apiKeyToken';
import type { EventStore, RecordedEvent } from '../../src/eventstore/eventStore';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { migrateReadSide } from '../../src/readstore/migrateReadSide';
import { PostgresReadStore } from '../../src/readstore/postgres/postgresReadStore';
import type { ReadStore } from '../../src/readstore/readStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { rebuildWithLease } from '../../src/workers/rebuild';
import { createTestDatabase, describeWithPostgres } from '../support/postgresTarget';
import { startService, type ServiceProcess } from '../support/serviceProcess';
import { testLogger } from '../support/testLogger';
import { httpClient, snapshot, writeHistory, type Call } from '../workers/rebuildHistory';
import { caughtUp } from './caughtUp';
import { exactlyOnceViolations, readWholeLog } from './deliveryLedger';
import {
  agreementFactsByWebhook,
  productFactsByWebhook,
  send,
  startSenders,
  type DeliverySource,
  type Integration,
  type Sent,
} from './senders';

jest.setTimeout(120_000);

/** Where the service keeps its stores, and how the test opens them with the service down. */
interface StoreFiles {
  readonly env: Record<string, string>;
  openStore(): Promise<EventStore>;
  openReadStore(): Promise<ReadStore>;
  /** A read store nothing was ever written to. */
  openEmptyReadStore(): Promise<ReadStore>;
  remove(): Promise<void>;
}

function sqliteFiles(): StoreFiles {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-crash-'));
  const logger = testLogger();
  return {
    // The read models go beside the events by default: read-models.db.
    env: { EVENT_STORE_URL: `sqlite:${join(directory, 'obligations.db')}` },
    openStore: async () =>
      SqliteEventStore.open({ path: join(directory, 'obligations.db'), logger }),
    openReadStore: async () =>
      SqliteReadStore.open({ path: join(directory, 'read-models.db'), logger }),
    openEmptyReadStore: async () =>
      SqliteReadStore.open({ path: join(directory, 'rebuilt.db'), logger }),
    remove: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

async function postgresFiles(): Promise<StoreFiles> {
  const database = await createTestDatabase();
  const spare = await createTestDatabase();
  const logger = testLogger();
  return {
    env: { EVENT_STORE_URL: database.url, READ_STORE_URL: database.url },
    openStore: () => PostgresEventStore.open({ connectionString: database.url, logger }),
    openReadStore: () => PostgresReadStore.open({ connectionString: database.url, logger }),
    openEmptyReadStore: () => PostgresReadStore.open({ connectionString: spare.url, logger }),
    remove: async () => {
      await database.drop();
      await spare.drop();
    },
  };
}

async function withOpened<S extends { close(): Promise<void> }, T>(
  open: () => Promise<S>,
  work: (opened: S) => Promise<T>,
): Promise<T> {
  const opened = await open();
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

const SENDERS_OF_PRODUCT_FACTS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * kill -9 of the real service (dist/, production mode) while integrations post signed facts as
 * fast as it answers, then a restart on the same stores: every delivery it acknowledged is in the
 * log exactly once, redelivering every acknowledged and every unanswered webhook id appends
 * nothing twice, and once caught up the read models equal a rebuild from the log.
 */
function crashSuite(openFiles: () => Promise<StoreFiles>): void {
  const adminKey = formatApiKey(generateApiKey());
  let files: StoreFiles;
  let service: ServiceProcess | undefined;
  let baseUrl = '';
  let integration: Integration;
  const sent: Sent[] = [];
  let logAfterCrash: RecordedEvent[] = [];

  async function start(): Promise<void> {
    service = startService({
      env: {
        ...files.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        BOOTSTRAP_ADMIN_KEY: adminKey,
      },
    });
    const listening = await service.waitForLog((line) => line.msg === 'listening');
    baseUrl = `http://127.0.0.1:${listening.port as number}`;
  }

  beforeAll(async () => {
    files = await openFiles();
    await start();
    const call = httpClient(baseUrl, adminKey);
    // Every read model holds rows before the load: deals, payments, royalties, keys.
    await writeHistory(call, { extraDeals: 2 });
    integration = { integrationId: 'erp-and-cro', secret: await registerIntegration(call) };
  });

  afterAll(async () => {
    service?.kill('SIGKILL');
    await service?.exited;
    await files?.remove();
  });

  async function registerIntegration(call: Call): Promise<string> {
    const registered = await call('POST', '/admin/integrations', {
      integrationId: 'erp-and-cro',
      name: 'Licensees’ ERP and the CRO',
      eventTypes: ['INDSubmitted', 'ClinicalPhaseStarted', 'NetSalesReported', 'PaymentReceived'],
    });
    expect(registered.status).toBe(201);
    return registered.body.secret as string;
  }

  /** One sender per licence (its net sales and payments), and many posting product facts. */
  async function sources(call: Call): Promise<DeliverySource[]> {
    const agreements = (await call('GET', '/agreements?limit=100')).body.items as any[];
    expect(agreements).toHaveLength(3);
    // The history reported net sales up to 2012-03-31.
    const perAgreement = agreements.map((agreement) =>
      agreementFactsByWebhook(
        integration,
        { agreementId: agreement.agreementId, payerPartyId: agreement.licensee.partyId },
        '2012-04-01',
      ),
    );
    const perProduct = Array.from({ length: SENDERS_OF_PRODUCT_FACTS }, (_, i) =>
      productFactsByWebhook(integration, `crash-${i}`),
    );
    return [...perAgreement, ...perProduct];
  }

  const acknowledged = () => sent.filter((s) => s.outcome.kind === 'acknowledged');
  const unanswered = () => sent.filter((s) => s.outcome.kind === 'unanswered');

  it('keeps every acknowledged delivery exactly once when killed -9 in the middle of the load', async () => {
    const senders = startSenders(() => baseUrl, await sources(httpClient(baseUrl, adminKey)));
    const warm = Date.now() + 30_000;
    while (senders.sent.filter((s) => s.outcome.kind === 'acknowledged').length < 100) {
      if (Date.now() > warm) throw new Error(`too few acknowledged: ${senders.sent.length} sent`);
      await sleep(20);
    }
    // A random moment of the sustained load: no two runs kill at the same point.
    await sleep(Math.floor(Math.random() * 2_000));
    service!.kill('SIGKILL');
    const killed = senders.stop();
    expect(await service!.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await killed;
    service = undefined;
    sent.push(...senders.sent);

    // Some deliveries were cut off mid-request: the kill came under load.
    expect(unanswered().length).toBeGreaterThan(0);
    expect(acknowledged().length).toBeGreaterThanOrEqual(100);
    expect(new Set(acknowledged().map((s) => s.delivery.factType))).toEqual(
      new Set(['INDSubmitted', 'ClinicalPhaseStarted', 'NetSalesReported', 'PaymentReceived']),
    );
    // Read straight from the store files, before any restart or redelivery could fill a gap.
    logAfterCrash = await withOpened(() => files.openStore(), readWholeLog);
    expect(exactlyOnceViolations(sent, logAfterCrash)).toEqual([]);
  });

  it('would see a lost or a duplicated delivery in that very log', () => {
    const { delivery } = acknowledged().at(-1)!;
    const source = `webhook:${delivery.id}`;
    const fact = logAfterCrash.find(
      (event) => event.metadata.source === source && event.type === delivery.factType,
    )!;
    const renumbered = (log: RecordedEvent[]) =>
      log.map((event, index) => ({ ...event, globalPosition: index + 1 }));
    const twice = renumbered([...logAfterCrash, { ...fact, eventId: randomUUID() }]);
    expect(exactlyOnceViolations(sent, twice)).toEqual([
      `${delivery.id}: its ${delivery.factType} is in the log 2 times`,
      expect.stringMatching(new RegExp(`^${delivery.id} was acknowledged with`)),
    ]);
    const lost = renumbered(logAfterCrash.filter((event) => event.eventId !== fact.eventId));
    expect(exactlyOnceViolations(sent, lost)).toEqual([
      expect.stringMatching(new RegExp(`^${delivery.id} was acknowledged with`)),
    ]);
    const sameId = [...logAfterCrash, { ...fact, globalPosition: logAfterCrash.length + 1 }];
    expect(exactlyOnceViolations(sent, sameId)).toContain(
      `event ${fact.eventId} is in the log 2 times`,
    );
  });

  it('appends nothing twice when every acknowledged and unanswered webhook id is redelivered after a restart', async () => {
    await start();
    const resend = [...acknowledged(), ...unanswered()];
    // The unanswered all at once (those the killed process had claimed wait for it, up to 10 s),
    // meanwhile the acknowledged a few at a time, as senders catching up after an outage would.
    const [late, again] = await Promise.all([
      Promise.all(unanswered().map((s) => send(baseUrl, s.delivery))),
      (async () => {
        const answers: Sent[] = [];
        for (let i = 0; i < acknowledged().length; i += 16)
          answers.push(
            ...(await Promise.all(
              acknowledged()
                .slice(i, i + 16)
                .map((s) => send(baseUrl, s.delivery)),
            )),
          );
        return answers;
      })(),
    ]);
    const answers = [...again, ...late];
    const firstAnswer = new Map(resend.map((s) => [s.delivery.id, s.outcome]));
    for (const answer of answers) {
      const first = firstAnswer.get(answer.delivery.id)!;
      if (first.kind === 'acknowledged') {
        // The first answer again, with the same event ids.
        expect(answer.outcome).toEqual(first);
        continue;
      }
      // Recorded now, or still claimed by the killed process (409, Retry-After), or refused as
      // its content deserves (a report after one refused before the kill is out of order): an
      // answer, never a server error, and (checked below) never an event twice.
      const { outcome } = answer;
      if (outcome.kind === 'acknowledged') continue;
      expect(outcome).toMatchObject({ kind: 'refused', body: { type: expect.any(String) } });
      if (outcome.kind !== 'refused') continue;
      if (outcome.status >= 500)
        throw new Error(
          `redelivering ${answer.delivery.id} answered ${outcome.status} ${JSON.stringify(outcome.body)}; the service logged ${JSON.stringify(service!.logs.filter((line) => (line.level as number) >= 50))}`,
        );
      if (outcome.status === 409 && outcome.body.type === '/problems/webhook-id-in-flight')
        expect(outcome.retryAfter).toMatch(/^\d+$/);
      expect(outcome.contentType).toMatch(/^application\/problem\+json/);
    }
    sent.push(...answers);
  });

  it('has caught up after the restart with read models equal to a full rebuild into a fresh read store', async () => {
    await caughtUp(baseUrl);
    service!.kill('SIGTERM');
    expect(await service!.exited).toEqual({ code: 0, signal: null });
    service = undefined;

    await withOpened(
      () => files.openStore(),
      async (store) => {
        const log = await readWholeLog(store);
        expect(exactlyOnceViolations(sent, log)).toEqual([]);
        // What was there after the crash is still there, in the same places.
        expect(log.slice(0, logAfterCrash.length)).toEqual(logAfterCrash);
        const projections = readModels(store);
        const live = await withOpened(
          () => files.openReadStore(),
          (readStore) => snapshot(readStore, projections),
        );
        const rebuilt = await withOpened(
          () => files.openEmptyReadStore(),
          async (empty) => {
            await migrateReadSide(store, empty);
            for (const projection of projections)
              await rebuildWithLease({ projection, store, readStore: empty });
            return snapshot(empty, projections);
          },
        );
        expect(rebuilt.audit_trail).toHaveLength(log.length);
        expect(live).toEqual(rebuilt);
      },
    );
  });
}

describe('kill -9 under webhook load on SQLite', () => crashSuite(async () => sqliteFiles()));
describeWithPostgres('kill -9 under webhook load on PostgreSQL', () => crashSuite(postgresFiles));
