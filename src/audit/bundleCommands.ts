import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hashChainProjection } from '../../projections/hashChain';
import type { CliCommand, CliContext } from '../cli';
import { verifyBundle, type BundleReport } from './bundleVerify';
import { AUDIT_CHECKPOINTS_OWNER, auditCheckpointMigrations } from './checkpointStore';
import { BundleUnavailableError, exportBundle } from './evidenceBundle';
import { parseSigningKey } from './signingKey';

/** 1: the bundle failed verification, or none could be made; the message says why. */
const FAILED = 1;

/** `export-bundle <agreementId> [--out file]`: the agreement's evidence bundle, as JSON. */
export const exportBundleCommand: CliCommand = {
  usage: ['export-bundle <agreementId> [--out <file>]'],
  run: async (args, context) => {
    let parsed: { values: { out?: string | undefined }; positionals: string[] };
    try {
      parsed = parseArgs({
        args: [...args],
        options: { out: { type: 'string' } },
        allowPositionals: true,
      });
    } catch (error) {
      return context.usageError((error as Error).message);
    }
    const [agreementId, ...more] = parsed.positionals;
    if (agreementId === undefined || more.length > 0)
      return context.usageError('name one agreement');
    const store = await context.eventStore();
    const readStore = await context.readStore();
    await readStore.migrate(hashChainProjection.name, hashChainProjection.migrations);
    await readStore.migrate(AUDIT_CHECKPOINTS_OWNER, auditCheckpointMigrations);
    let text: string;
    try {
      const bundle = await exportBundle({
        store,
        readStore,
        agreementId,
        publicKeyPem: configuredPublicKey(context),
      });
      text = `${JSON.stringify(bundle, null, 2)}\n`;
      context.tell(
        `export-bundle: ${bundle.events.length} events of ${bundle.streams.length} streams, proven in the checkpoint of ${bundle.checkpoint.treeSize} events signed by ${bundle.publicKey.keyId}`,
      );
    } catch (error) {
      if (!(error instanceof BundleUnavailableError)) throw error;
      context.tell(`export-bundle: ${error.reason}: ${error.message}`);
      return FAILED;
    }
    if (parsed.values.out === undefined) process.stdout.write(text);
    else writeFileSync(parsed.values.out, text);
    return 0;
  },
};

/**
 * `verify-bundle <file> [--public-key <file>]`: offline, without the server or its stores. The
 * report as JSON on stdout; on stderr, what was proven (the payment history) or each failure.
 * The key file may hold several PEM public keys (the keys the auditor trusts across rotations).
 */
export const verifyBundleCommand: CliCommand = {
  usage: ['verify-bundle <file> [--public-key <file>]'],
  offline: true,
  run: (args, context) => {
    let parsed: { values: { 'public-key'?: string | undefined }; positionals: string[] };
    try {
      parsed = parseArgs({
        args: [...args],
        options: { 'public-key': { type: 'string' } },
        allowPositionals: true,
      });
    } catch (error) {
      return Promise.resolve(context.usageError((error as Error).message));
    }
    const [file, ...more] = parsed.positionals;
    if (file === undefined || more.length > 0)
      return Promise.resolve(context.usageError('name one bundle file'));
    const keyFile = parsed.values['public-key'];
    let bundle: unknown;
    try {
      bundle = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      context.tell(`verify-bundle: FAILED: cannot read ${file}: ${(error as Error).message}`);
      return Promise.resolve(FAILED);
    }
    const report = verifyBundle(bundle, {
      ...(keyFile !== undefined && { publicKeyPem: readFileSync(keyFile, 'utf8') }),
    });
    context.print(JSON.stringify(report));
    for (const line of summaryOf(report)) context.tell(line);
    return Promise.resolve(report.ok ? 0 : FAILED);
  },
};

/** What an auditor reads: warnings first, then the failures or the proven payment history. */
export function summaryOf(report: BundleReport): string[] {
  const lines = report.warnings.map((warning) => `verify-bundle: ${warning}`);
  if (!report.ok) {
    lines.push(`verify-bundle: FAILED (${report.failures.length} problems):`);
    for (const failure of report.failures) lines.push(`  - ${failure.reason}`);
    return lines;
  }
  lines.push(
    `verify-bundle: ok: ${report.eventsChecked} events of agreement ${report.agreementId} proven in the checkpoint of ${report.checkpoint?.treeSize} events (root ${report.checkpoint?.rootHash}), signed by key ${report.keyFingerprint} (${report.keySource === 'pinned' ? 'pinned' : 'THE BUNDLE’S OWN KEY, NOT PINNED'})`,
  );
  lines.push('Payment history (proven):');
  if (report.payments?.length === 0) lines.push('  no payments');
  const money = (m: { amount: string; currency: string }) => `${m.amount} ${m.currency}`;
  for (const payment of report.payments ?? []) {
    lines.push(
      `  ${payment.receivedOn}  ${money(payment.amount)} from ${payment.payerPartyId} to ${payment.payeePartyId}, ref ${payment.reference} (event ${payment.eventId}, recorded ${payment.recordedAt})`,
    );
    for (const application of payment.applications) {
      lines.push(
        `    applied${application.appliedOn === null ? '' : ` on ${application.appliedOn}`}${application.reversed ? ' (REVERSED)' : ''}: ${application.allocations.map((a) => `${money(a.amount)} to ${a.obligationId}`).join(', ') || 'nothing'}; unapplied ${money(application.unapplied)}`,
      );
    }
    if (payment.creditLeft !== null) lines.push(`    credit left: ${money(payment.creditLeft)}`);
  }
  for (const application of report.creditNoteApplications ?? [])
    lines.push(
      `  credit note applied${application.appliedOn === null ? '' : ` on ${application.appliedOn}`}${application.reversed ? ' (REVERSED)' : ''}: ${application.allocations.map((a) => `${money(a.amount)} to ${a.obligationId}`).join(', ')}`,
    );
  return lines;
}

function configuredPublicKey(context: CliContext): string | null {
  const { audit } = context.config;
  if (audit.signingKey !== undefined) return parseSigningKey(audit.signingKey).publicKeyPem;
  if (audit.signingKeyFile !== undefined && existsSync(audit.signingKeyFile))
    return parseSigningKey(readFileSync(audit.signingKeyFile, 'utf8')).publicKeyPem;
  return null;
}
