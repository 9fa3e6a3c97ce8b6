// Three projects: `unit` (pure, fast, part of `npm run check`), `integration` (real stores,
// real processes, real servers) and `reliability` (crashes, outages and fuzzing of the built
// service; also alone as `npm run test:reliability`). `npm test` runs all three.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

/** @type {import('jest').Config} */
module.exports = {
  // A global option: jest ignores `testTimeout` inside a project and would use its 5 s default.
  // Integration tests start servers, processes and databases on two busy cores; the unit tests
  // stay far below it (the few slow ones, OpenAPI and docs, set their own).
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '\\.rel\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/tests/**/*.int.test.ts'],
      // Finds (or starts) a PostgreSQL only when integration tests run, so `npm run check` never waits for one.
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/support/stopLeftoverServices.ts'],
    },
    {
      displayName: 'reliability',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/tests/reliability/**/*.rel.test.ts'],
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/support/stopLeftoverServices.ts'],
    },
  ],
};
