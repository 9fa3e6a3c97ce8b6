/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';
import { describeWithPostgres } from '../../support/postgresTarget';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../../support/serviceHarness';

/** An HTTP answer as a client reads it. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Another key than the admin one; null for none. */
  readonly key?: string | null;
}

/** The whole service behind a real HTTP server, and what the endpoint tests ask of it. */
export interface Api {
  readonly stores: () => Stores;
  readonly service: () => RunningService;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** A call that must answer `status`; otherwise fails with the answer's body (a problem names its field). */
  expectStatus(
    status: number,
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<Answer>;
  /** Waits until every worker (projections and policies) has applied the whole log. */
  settled(): Promise<void>;
  sign(terms: AgreementTermsJson): Promise<Answer>;
  /** A fact of a product, posted by the admin key, answered 201. */
  fact(productId: string, type: string, data: Record<string, unknown>): Promise<Answer>;
  /**
   * A command on an agreement (`/agreements/<id><subpath>`) with the agreement's current ETag,
   * once the workers have settled; it must answer `status` (200 unless said otherwise).
   */
  command(agreementId: string, subpath: string, body: unknown, status?: number): Promise<Answer>;
  /** GET a list once the workers have settled, every page followed; the items. */
  list(path: string): Promise<any[]>;
  /** A new API key of the role; the whole key. */
  createKey(role: 'admin' | 'auditor' | 'integration', eventTypes?: string[]): Promise<string>;
}

/** Runs the suite against the service on SQLite and on PostgreSQL. */
export function onBothStores(title: string, suite: (api: Api) => void): void {
  describe(`${title} (SQLite)`, () => suite(serviceApi(openSqliteStores)));
  describeWithPostgres(`${title} (PostgreSQL)`, () => suite(serviceApi(openPostgresStores)));
}

/** A fresh service (stores, workers, server) for each test of the enclosing describe. */
function serviceApi(openStores: () => Promise<Stores>): Api {
  let stores: Stores | undefined;
  let service: RunningService | undefined;

  beforeEach(async () => {
    stores = await openStores();
    service = await startService(stores);
  });

  afterEach(async () => {
    await service?.stop();
    await stores?.close();
    service = undefined;
    stores = undefined;
  });

  const running = (): RunningService => {
    if (service === undefined) throw new Error('the service is not running');
    return service;
  };

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const { baseUrl, adminKey } = running();
    const key = options.key === undefined ? adminKey : options.key;
    const url = path.startsWith('http') ? path : baseUrl + path;
    const response = await fetch(url, {
      method,
      headers: {
        ...(key !== null && { Authorization: `Bearer ${key}` }),
        ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && {
        body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      }),
    });
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  async function expectStatus(
    status: number,
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<Answer> {
    const answer = await call(method, path, options);
    if (answer.status !== status)
      throw new Error(
        `${method} ${path} answered ${answer.status}, not ${status}:\n${answer.text.slice(0, 4000)}`,
      );
    return answer;
  }

  async function settled(): Promise<void> {
    const { store } = running().stores;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const head = await store.headPosition();
      await new Promise((resolve) => setTimeout(resolve, 30));
      const statuses = running().workers.statuses();
      if (
        statuses.every((status) => status.position >= head) &&
        (await store.headPosition()) === head
      )
        return;
      if (Date.now() > deadline) throw new Error('the workers did not catch up');
    }
  }

  return {
    stores: () => running().stores,
    service: running,
    call,
    expectStatus,
    settled,
    async sign(terms) {
      return expectStatus(201, 'POST', '/agreements', { body: { terms } });
    },
    async fact(productId, type, data) {
      return expectStatus(201, 'POST', `/products/${productId}/facts`, { body: { type, data } });
    },
    async command(agreementId, subpath, body, status = 200) {
      await settled();
      const current = await expectStatus(200, 'GET', `/agreements/${agreementId}`);
      return expectStatus(status, 'POST', `/agreements/${agreementId}${subpath}`, {
        body,
        headers: { 'If-Match': current.headers.get('etag') ?? '' },
      });
    },
    async list(path) {
      await settled();
      const items: any[] = [];
      let next: string | undefined = path;
      while (next !== undefined) {
        const page = await expectStatus(200, 'GET', next);
        items.push(...page.body.items);
        next = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
      }
      return items;
    },
    async createKey(role, eventTypes) {
      const created = await expectStatus(201, 'POST', '/admin/api-keys', {
        body: { name: `${role} key`, role, ...(eventTypes && { eventTypes }) },
      });
      return created.body.apiKey as string;
    },
  };
}

/** Money as the wire carries it. */
export const usd = (amount: string) => ({ amount, currency: 'USD' });

/** The events of a command's answer of one type. */
export const eventsOf = (answer: Answer, type: string): any[] =>
  answer.body.events.filter((event: { type: string }) => event.type === type);
