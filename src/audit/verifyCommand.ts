import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hashChainProjection } from '../../projections/hashChain';
import type { CliCommand } from '../cli';
import { AUDIT_CHECKPOINTS_OWNER, auditCheckpointMigrations } from './checkpointStore';
import { parseSigningKey } from './signingKey';
import { verifyLog } from './verifyLog';

/** sysexits-free: 1 says the log failed verification (the report on stdout says where and why). */
const TAMPERED = 1;

/**
 * `verify [--public-key <spki.pem>]`: the whole log against its hash chain and signed
 * checkpoints, the report as JSON on stdout, progress on stderr every 5 s. Without --public-key,
 * the configured key's (SIGNING_KEY or the key file); an auditor passes the copy they trust.
 * The file may hold several PEM public keys: after a rotation, the old and the new one.
 */
export const verifyCommand: CliCommand = {
  usage: ['verify [--public-key <file>] [--batch-size n]'],
  run: async (args, context) => {
    let values: { 'public-key'?: string | undefined; 'batch-size'?: string | undefined };
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: { 'public-key': { type: 'string' }, 'batch-size': { type: 'string' } },
      }));
    } catch (error) {
      return context.usageError((error as Error).message);
    }
    const batchSize = values['batch-size'] === undefined ? 1_000 : Number(values['batch-size']);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      return context.usageError('--batch-size takes a positive integer');
    const { audit } = context.config;
    const publicKeyPem =
      values['public-key'] !== undefined
        ? readFileSync(values['public-key'], 'utf8')
        : audit.signingKey !== undefined
          ? parseSigningKey(audit.signingKey).publicKeyPem
          : audit.signingKeyFile !== undefined && existsSync(audit.signingKeyFile)
            ? parseSigningKey(readFileSync(audit.signingKeyFile, 'utf8')).publicKeyPem
            : undefined;
    if (publicKeyPem === undefined)
      context.tell('no public key (--public-key or SIGNING_KEY): signatures are not checked');
    const store = await context.eventStore();
    const readStore = await context.readStore();
    await readStore.migrate(hashChainProjection.name, hashChainProjection.migrations);
    await readStore.migrate(AUDIT_CHECKPOINTS_OWNER, auditCheckpointMigrations);
    let toldAt = Date.now();
    const report = await verifyLog({
      store,
      readStore,
      batchSize,
      ...(publicKeyPem !== undefined && { publicKeyPem }),
      onProgress: ({ position, head, eventsChecked }) => {
        if (Date.now() - toldAt < 5_000) return;
        toldAt = Date.now();
        context.tell(`verify: position ${position}/${head}, ${eventsChecked} events checked`);
      },
    });
    context.print(JSON.stringify(report));
    if (report.failure !== null)
      context.tell(
        `verify: FAILED at position ${report.failure.position} (${report.failure.kind}): ${report.failure.detail}`,
      );
    else
      context.tell(
        `verify: ok, ${report.eventsChecked} events, ${report.checkpointsChecked} signed checkpoints`,
      );
    return report.ok ? 0 : TAMPERED;
  },
};
