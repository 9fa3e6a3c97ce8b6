import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { describeStore, loadConfig, type Config } from './config';
import { ApiKeyRegistry, bootstrapAdminKey, createAuthenticator } from './auth';
import { startCheckpointSigner } from './audit/checkpointSigner';
import { configuredSigningKey, signingReadinessWarnings } from './audit/configuredSigningKey';
import { IdempotencyStore } from './http/api/idempotency';
import { purgeIdempotencyRecords, serviceRoutes } from './http/routes/serviceRoutes';
import { migrateReadSide } from './readstore/migrateReadSide';
import { createApp } from './http/app';
import { apiRouter } from './http/api/route';
import { createLogger } from './logger';
import { instrumentEventStore } from './metrics/instrumentEventStore';
import { createMetricsRegistry } from './metrics/metricsRegistry';
import { registerProjectionMetrics } from './metrics/projectionMetrics';
import { openStore } from './openStore';
import { openReadStore } from './readstore/openReadStore';
import { startWorkers } from './workers/startWorkers';
import { workersFor } from '../projections/catalogue';
import { createWebhooks } from './webhooks/webhooks';
import { startServer } from './server';
import { shutDown } from './shutdown';
import { EXIT_CODES, startupFailureOf, type StartupFailure } from './startupFailure';

/** The composition root: the only place that reads the environment and wires the parts. */
function main(): void {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    exitCannotStart(startupFailureOf(error));
    return;
  }
  const logger = createLogger({ level: config.logLevel });
  start(config, logger).catch((error: unknown) => {
    const failure = startupFailureOf(error);
    // The reason explains an expected failure; only an unexpected one needs its stack, in the log.
    const unexpected = failure.exitCode === EXIT_CODES.software;
    logger.fatal(unexpected ? { ...failure, err: error } : failure, 'cannot start');
    exitCannotStart(failure);
  });
}

async function start(config: Config, logger: Logger): Promise<void> {
  const metrics = createMetricsRegistry();
  // Everything appends through the instrumented store, so /metrics counts every append.
  const store = instrumentEventStore(await openStore(config.store, logger), metrics);
  const readStore = await openReadStore(config.readStore, logger).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const closeStores = async (): Promise<void> => {
    await store.close();
    await readStore.close();
  };
  await migrateReadSide(store, readStore).catch(async (error: unknown) => {
    await closeStores();
    throw error;
  });
  let signingKey;
  try {
    signingKey = configuredSigningKey(config.audit, logger);
  } catch (error) {
    await closeStores();
    throw error;
  }
  const workers =
    config.role === 'api'
      ? null
      : await startWorkers({
          projections: workersFor(store),
          store,
          readStore,
          logger,
          // Started once the server listens: a backlog to catch up must not delay /readyz.
          start: false,
        }).catch(async (error: unknown) => {
          await closeStores();
          throw error;
        });
  // The workers' processes sign the hash chain's checkpoints (README: Tamper evidence).
  const signer =
    workers !== null && signingKey !== null
      ? startCheckpointSigner({
          store,
          readStore,
          key: signingKey,
          policy: {
            everyEvents: config.audit.checkpointEveryEvents,
            everyMs: config.audit.checkpointEveryMs,
          },
          logger,
        })
      : null;
  const apiKeys = new ApiKeyRegistry({ store });
  const serveApi = config.role !== 'worker';
  if (serveApi)
    await bootstrapAdminKey({
      registry: apiKeys,
      bootstrapKey: config.bootstrapAdminKey,
      logger,
    }).catch(async (error: unknown) => {
      await workers?.stop();
      await closeStores();
      throw error;
    });
  const idempotency = new IdempotencyStore({ readStore, logger });
  const purging = purgeIdempotencyRecords(idempotency, logger);
  const webhooks = createWebhooks({
    store,
    readStore,
    logger,
    unauthenticatedKept: config.webhookUnverifiedKept,
  });
  const routes = serviceRoutes({
    store,
    readStore,
    apiKeys,
    logger,
    idempotency,
    workers,
    webhooks,
    signingKey,
  });
  const authenticate = createAuthenticator({ registry: apiKeys });
  const shutdownController = new AbortController();
  registerProjectionMetrics(metrics, { statuses: () => workers?.statuses() ?? [], store });
  const app = createApp({
    store,
    readStore,
    logger,
    shutdownSignal: shutdownController.signal,
    routers: serveApi ? [webhooks.router, apiRouter({ routes, authenticate })] : [],
    ...(serveApi && { routes, operations: webhooks.operations }),
    metrics: {
      registry: metrics,
      ...(config.metricsToken !== undefined && { token: config.metricsToken }),
    },
    readinessWarnings: signingReadinessWarnings(signingKey),
  });
  const server = await startServer({ app, port: config.port, host: config.host }).catch(
    async (error: unknown) => {
      await workers?.stop();
      await closeStores();
      throw error;
    },
  );
  workers?.start();
  const { shutdownTimeoutMs } = config;
  // Workers stop before the stores they write through close.
  const resources = [
    purging,
    ...(signer ? [signer] : []),
    ...(workers ? [{ close: () => workers.stop() }] : []),
    store,
    readStore,
  ];
  // `once`: a second Ctrl-C falls back to Node's default and ends the process at once.
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'received signal');
    // Draining requests is bounded by SHUTDOWN_TIMEOUT_MS; closing the stores must be too, or a
    // hung connection would keep the process until the orchestrator kills it without a word.
    setTimeout(
      () => {
        logger.error({ shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
        process.exit(1);
      },
      2 * shutdownTimeoutMs + 5_000,
    ).unref();
    shutDown({ server, resources, logger, shutdownTimeoutMs, shutdownController }).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  // Logged once the signal handlers are in place: whoever waits for this line may stop us at once.
  const { port } = server.address() as AddressInfo;
  logger.info(
    {
      port,
      host: config.host,
      role: config.role,
      store: describeStore(config.store),
      readStore: describeStore(config.readStore),
    },
    'listening',
  );
}

/** One line on stderr, no stack trace, and a sysexits code that says what kind of failure. */
function exitCannotStart({ exitCode, reason }: StartupFailure): void {
  process.stderr.write(`obligations: cannot start: ${reason}\n`, () => process.exit(exitCode));
}

main();
