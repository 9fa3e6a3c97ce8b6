// A jest set-up file of the integration and reliability projects. A test whose set-up fails half
// way (a `beforeEach` that started a service, then timed out) never reaches the `afterEach` that
// would stop it: its server and timers would keep jest from exiting, and CI would time out with
// no report. After each test file, whatever service is still running is stopped, and named.
import { runningServices } from './runningServices';

afterAll(async () => {
  const leftover = [...runningServices()];
  if (leftover.length === 0) return;
  process.stderr.write(
    `${expect.getState().testPath ?? 'a test file'} left ${leftover.length} service(s) running: stopped after its tests\n`,
  );
  await Promise.allSettled(leftover.map((stop) => stop()));
});
