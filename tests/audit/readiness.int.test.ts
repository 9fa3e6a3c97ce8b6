import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../support/postgresTarget';
import { startService, type ServiceProcess } from '../support/serviceProcess';

jest.setTimeout(60_000);

const SEED = Buffer.alloc(32, 5).toString('base64');

/** The built service (dist/src/main.js) on a PostgreSQL store, where no key file is made. */
describeWithPostgres('/readyz and the signing key, on a PostgreSQL store', () => {
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    service?.kill('SIGKILL');
    await service?.exited;
    service = undefined;
  });

  afterAll(async () => {
    await database.drop();
  });

  async function ready(env: Record<string, string>): Promise<{ status: number; body: unknown }> {
    service = startService({
      env: {
        HOST: '127.0.0.1',
        PORT: '0',
        EVENT_STORE_URL: database.url,
        READ_STORE_URL: database.url,
        ...env,
      },
    });
    const listening = await service.waitForLog((line) => line.msg === 'listening');
    const response = await fetch(`http://127.0.0.1:${listening.port as number}/readyz`);
    return { status: response.status, body: await response.json() };
  }

  it('stays ready without SIGNING_KEY, but says that nothing is signed, and logs it at startup', async () => {
    expect(await ready({})).toEqual({
      status: 200,
      body: {
        status: 'ok',
        warnings: [
          {
            code: 'no-signing-key',
            detail: expect.stringMatching(/^No SIGNING_KEY is configured .*not signed/) as unknown,
          },
        ],
      },
    });
    expect(service!.logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        readinessWarning: 'no-signing-key',
        msg: expect.stringMatching(
          /^no SIGNING_KEY: checkpoints of the hash chain are not signed/,
        ) as unknown,
      }),
    );
  });

  it('reports nothing more with a SIGNING_KEY', async () => {
    expect(await ready({ SIGNING_KEY: SEED })).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
