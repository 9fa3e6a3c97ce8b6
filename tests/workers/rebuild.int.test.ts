/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- the answers are JSON read back as a client sees them */
import request from 'supertest';
import { readModels, workersFor } from '../../projections/catalogue';
import { ApiKeyRegistry, createAuthenticator } from '../../src/auth';
import { apiRouter } from '../../src/http/api/route';
import { createApp } from '../../src/http/app';
import { serviceRoutes } from '../../src/http/routes/serviceRoutes';
import { migrateReadSide } from '../../src/readstore/migrateReadSide';
import { readCheckpoint } from '../../src/workers/checkpoints';
import { rebuildWithLease, type RebuildProgress } from '../../src/workers/rebuild';
import { describeWithPostgres } from '../support/postgresTarget';
import { testLogger } from '../support/testLogger';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../support/serviceHarness';
import { httpClient, rowCounts, snapshot, writeHistory, type Call } from './rebuildHistory';

jest.setTimeout(120_000);

/**
 * A rebuild gives exactly the live read models: a realistic history goes through the real
 * service (HTTP, deciders, the milestone policy, every projection worker), then the read models
 * are rebuilt, in place through the admin endpoint and into an empty read store through the
 * function, and every row of every table must come out equal.
 */
function rebuildSuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let service: RunningService;
  let call: Call;

  beforeAll(async () => {
    stores = await openStores();
    service = await startService(stores);
    call = httpClient(service.baseUrl, service.adminKey);
    await writeHistory(call, { extraDeals: 4 });
  });

  afterAll(async () => {
    await service.stop();
    await stores.close();
  });

  /** Every worker (the policy too) has applied the whole log, and the log has stopped growing. */
  async function caughtUp(): Promise<number> {
    const names = workersFor(stores.store).map((projection) => projection.name);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const head = await stores.store.headPosition();
      const positions = await Promise.all(
        names.map((name) => readCheckpoint(stores.readStore, name)),
      );
      if (positions.every((position) => position === head)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if ((await stores.store.headPosition()) === head) return head;
      }
      if (Date.now() > deadline)
        throw new Error(`the workers did not catch up to ${head}: ${positions.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function finished(location: string): Promise<any> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await call('GET', location);
      expect(job.status).toBe(200);
      if (job.body.state !== 'running') return job.body;
      if (Date.now() > deadline) throw new Error(`the rebuild ${location} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('the history fills the tables of the read models (every table is compared, filled or not)', async () => {
    await caughtUp();
    const counts = rowCounts(await snapshot(stores.readStore, readModels(stores.store)));
    expect(counts.audit_trail).toBeGreaterThan(80);
    const filled = [
      'audit_trail',
      'api_keys',
      'agreements',
      'obligations',
      'payments',
      'payment_allocations',
      'royalty_statement_lines',
    ];
    for (const table of filled) expect([table, counts[table]]).toEqual([table, expect.any(Number)]);
    for (const table of filled) expect([table, counts[table]! > 0]).toEqual([table, true]);
  });

  it('rebuilds every read model in place through POST /admin/rebuilds: the same rows, and the workers carry on', async () => {
    const head = await caughtUp();
    const before = await snapshot(stores.readStore, readModels(stores.store));

    const started = await call('POST', '/admin/rebuilds', {});
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    expect(location).toBe(`/admin/rebuilds/${started.body.id}`);
    expect(started.body.projections.map((p: any) => p.name)).toEqual(
      readModels(stores.store).map((projection) => projection.name),
    );
    const job = await finished(location);
    expect(job).toMatchObject({ state: 'completed', error: null });
    expect(job.finishedAt).toEqual(expect.any(String));
    for (const projection of job.projections)
      expect(projection).toMatchObject({ state: 'completed', position: head, head, etaSeconds: 0 });

    expect(await snapshot(stores.readStore, readModels(stores.store))).toEqual(before);
    for (const projection of readModels(stores.store))
      expect(await readCheckpoint(stores.readStore, projection.name)).toBe(head);

    // The paused workers lead again: a new fact reaches every read model.
    const fact = await call('POST', '/products/biib015/facts', {
      type: 'ClinicalPhaseStarted',
      data: { phase: 'III', firstPatientDosedOn: '2010-09-01', indication: 'solid tumours' },
    });
    expect(fact.status).toBe(201);
    expect(await caughtUp()).toBeGreaterThan(head);
  });

  it('rebuilds one read model while commands keep arriving, and ends equal to a rebuild from scratch', async () => {
    await caughtUp();
    // Writes before, during and after the rebuild: the worker applies what the rebuild left.
    const writing = writeHistory(call, { extraDeals: 2, foundingDeal: false, seed: 7 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const started = await call('POST', '/admin/rebuilds', { projection: 'obligations' });
    expect(started.status).toBe(202);
    expect(started.body.projections).toEqual([expect.objectContaining({ name: 'obligations' })]);
    expect((await finished(started.headers.get('location')!)).state).toBe('completed');
    await writing;
    await caughtUp();
    const live = await snapshot(stores.readStore, readModels(stores.store));

    // From scratch, into an empty read store, through the function the CLI uses.
    const spare = await stores.openSpareReadStore();
    await migrateReadSide(stores.store, spare);
    const reports: RebuildProgress[] = [];
    for (const projection of readModels(stores.store))
      await rebuildWithLease({
        projection,
        store: stores.store,
        readStore: spare,
        options: { batchSize: 17, onProgress: (progress) => reports.push(progress) },
      });
    expect(await snapshot(spare, readModels(stores.store))).toEqual(live);
    expect(reports.filter((report) => report.done)).toHaveLength(readModels(stores.store).length);
  });

  it('refuses a second rebuild while one runs, an unknown read model, the policy, and other roles', async () => {
    const first = await call('POST', '/admin/rebuilds', { projection: 'audit-trail' });
    expect(first.status).toBe(202);
    const second = await call('POST', '/admin/rebuilds', {});
    if (second.status !== 202) {
      expect(second.status).toBe(409);
      expect(second.body.type).toBe('/problems/rebuild-running');
      expect(second.headers.get('location')).toBe(first.headers.get('location'));
    }
    await finished(first.headers.get('location')!);
    if (second.status === 202) await finished(second.headers.get('location')!);

    const policy = await call('POST', '/admin/rebuilds', { projection: 'milestone-policy' });
    expect(policy.status).toBe(422);
    expect(policy.body.errors[0].pointer).toBe('/projection');
    expect((await call('POST', '/admin/rebuilds', { projection: 'nonsense' })).status).toBe(422);
    expect((await call('GET', '/admin/rebuilds/no-such-job')).status).toBe(404);

    const auditor = await call('POST', '/admin/api-keys', { name: 'auditor', role: 'auditor' });
    const asAuditor = httpClient(service.baseUrl, auditor.body.apiKey);
    expect((await asAuditor('POST', '/admin/rebuilds', {})).status).toBe(403);
    expect((await asAuditor('GET', first.headers.get('location')!)).status).toBe(403);
    await expect(service.workers.rebuild('milestone-policy')).rejects.toThrow(/cannot be rebuilt/);
  });

  it('answers 409 from a process that runs no workers (SERVICE_ROLE=api)', async () => {
    const { store, readStore } = stores;
    const apiKeys = new ApiKeyRegistry({ store });
    const routes = serviceRoutes({ store, readStore, apiKeys, logger: testLogger() });
    const apiOnly = createApp({
      store,
      readStore,
      logger: testLogger(),
      shutdownSignal: new AbortController().signal,
      routers: [apiRouter({ routes, authenticate: createAuthenticator({ registry: apiKeys }) })],
    });
    const answer = await request(apiOnly)
      .post('/admin/rebuilds')
      .set('Authorization', `Bearer ${service.adminKey}`)
      .send({});
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      type: '/problems/no-workers',
      title: 'This process runs no workers',
    });
    expect(
      (
        await request(apiOnly)
          .get('/admin/rebuilds/anything')
          .set('Authorization', `Bearer ${service.adminKey}`)
      ).status,
    ).toBe(404);
  });
}

describe('rebuilding the read models on SQLite', () => rebuildSuite(openSqliteStores));
describeWithPostgres('rebuilding the read models on PostgreSQL', () =>
  rebuildSuite(openPostgresStores),
);
