import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { EventStore } from '../../../src/eventstore/eventStore';
import { SqliteEventStore } from '../../../src/eventstore/sqlite/sqliteEventStore';
import type { IdempotencyStore } from '../../../src/http/api/idempotency';
import { createApp } from '../../../src/http/app';
import type { OpenApiDocument } from '../../../src/http/openapi/openApiDocument';
import { commandRoutes } from '../../../src/http/routes/commandRoutes';
import { queryRoutes } from '../../../src/http/routes/queryRoutes';
import type { ReadStore } from '../../../src/readstore/readStore';
import { startServer } from '../../../src/server';
import { testLogger } from '../../support/testLogger';

// Debian's chromium (`apt-get install chromium`); playwright-core brings no browser of its own.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skipReason = existsSync(CHROMIUM)
  ? null
  : `no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (skipReason !== null) process.stderr.write(`docs page browser test skipped: ${skipReason}\n`);

// The service's route table, so the page renders what clients will see; only rendered, never called.
const unused = <T>(): T => ({}) as T;
const routes = [
  ...commandRoutes({ store: unused<EventStore>(), idempotency: unused<IdempotencyStore>() }),
  ...queryRoutes({ readStore: unused<ReadStore>() }),
];

const describeWithChromium =
  skipReason === null
    ? describe
    : (name: string, body: () => void) => describe.skip(`${name} (${skipReason})`, body);

describeWithChromium('the /docs page in a browser', () => {
  let directory: string;
  let store: SqliteEventStore;
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-docs-page-'));
    store = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
    const app = createApp({
      store,
      logger: testLogger(),
      shutdownSignal: new AbortController().signal,
      routes,
    });
    server = await startServer({ app, port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Root in a container has no user namespaces for chromium's sandbox.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('renders every operation from this service alone, and tries one out', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) {
        problems.push(message.text());
      }
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${origin}/docs`);
    const document = (await (
      await page.request.get(`${origin}/openapi.json`)
    ).json()) as OpenApiDocument;
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    // Swagger UI shows an operation under each of its tags, as `operations-<tag>-<operationId>`.
    const shown = await Promise.all(
      (await page.locator('.opblock').all()).map(async (block) =>
        String(await block.getAttribute('id')),
      ),
    );
    for (const operation of operations) {
      expect(shown.some((id) => id.endsWith(`-${operation.operationId}`))).toBe(true);
    }
    expect(operations.length).toBeGreaterThan(30);
    for (const path of ['/agreements/{agreementId}', '/healthz', '/metrics', '/openapi.json']) {
      expect(
        await page.locator(`.opblock-summary-path[data-path="${path}"]`).count(),
      ).toBeGreaterThan(0);
    }

    // Try it out: the call goes to this origin, which the CSP allows.
    const healthz = page.locator('.opblock', {
      has: page.locator('.opblock-summary-path[data-path="/healthz"]'),
    });
    await healthz.locator('.opblock-summary').click();
    await healthz.locator('button.try-out__btn').click();
    await healthz.locator('button.execute').click();
    await healthz
      .locator('.live-responses-table tr.response .response-col_status')
      .first()
      .waitFor();
    expect(
      await healthz
        .locator('.live-responses-table tr.response .response-col_status')
        .first()
        .innerText(),
    ).toContain('200');

    if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT });
    expect(problems).toEqual([]);
    const elsewhere = requested.filter(
      (url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'),
    );
    expect(elsewhere).toEqual([]);
    expect(requested).toEqual(
      expect.arrayContaining([`${origin}/openapi.json`, `${origin}/healthz`]),
    );
    // A browser on two busy cores: seconds, not jest's default 5.
  }, 60_000);
});
