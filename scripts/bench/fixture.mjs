// The bench's large store: 10,000 agreements (BENCH_AGREEMENTS) of about 100 events each, over
// 1M events, generated once and kept in bench/.fixture/v<version>-<agreements>-<read side>/
// (gitignored), so later runs reuse it. Change FIXTURE_VERSION whenever what is generated
// changes; a change of any read model's migrations makes a new fixture by itself.
//
// How it is made, so that every event is one the service itself would have produced:
// 1. Events: each agreement's life is a list of commands (sign the founding deal's terms with
//    its own ids and dates, development facts of its own product, invoices, payments, quarterly
//    net sales reports) decided by the service's own deciders (dist/: decide, evolve,
//    milestonesForFact for what the milestone policy derives from a product fact, with the ids
//    and metadata the policy gives them) and appended through its SqliteEventStore with the
//    stream version as the expected version, many agreements at once so group commit batches
//    them. Keeping each agreement's state in memory instead of reading its stream back for every
//    command is the only shortcut, and it changes no event.
// 2. Read models: the built service (dist/src/main.js, production) is started on the store and
//    left to catch up every projection and policy (the policies find nothing left to append: the
//    ids of what they derive are the ones step 1 used), then stopped.
//
// `node scripts/bench/fixture.mjs` generates (or finds) the fixture and prints its directory.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const FIXTURE_VERSION = 1;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'bench', '.fixture');
const DIST = join(ROOT, 'dist', 'src');
/** Agreements whose commands are decided and appended side by side (one group commit per step). */
const WAVE = 1000;
const QUARTERS_OF_SALES = 19;
/** Agreements decided command by command; the others replay one of them with their own ids. */
const TEMPLATES = 100;

/** The fixture's directory, generating it first if it is not there yet. */
export async function ensureFixture({ agreements, log = (line) => process.stderr.write(line) }) {
  const dir = join(FIXTURES, `v${FIXTURE_VERSION}-${agreements}-${readSideKey()}`);
  if (existsSync(join(dir, 'fixture.json'))) {
    const meta = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8'));
    log(`fixture: reusing ${dir} (${meta.events} events, ${meta.agreements} agreements)\n`);
    return { dir, meta };
  }
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`fixture: generating ${agreements} agreements into ${partial}\n`);
  const started = Date.now();
  // A process of its own: its memory and its event loop are not the bench's.
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--append', partial, String(agreements)],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`generating the fixture's events failed (exit ${code})`);
  const appendSeconds = (Date.now() - started) / 1000;
  const catchUp = await catchUpReadModels(partial, log);
  const meta = {
    version: FIXTURE_VERSION,
    agreements,
    events: catchUp.head,
    appendSeconds,
    catchUpSeconds: catchUp.seconds,
    generatedAt: new Date().toISOString(),
    node: process.version,
  };
  writeFileSync(join(partial, 'fixture.json'), JSON.stringify(meta, null, 2) + '\n');
  renameSync(partial, dir);
  log(
    `fixture: ${meta.events} events appended in ${appendSeconds.toFixed(0)} s, read models caught up in ${catchUp.seconds.toFixed(0)} s\n`,
  );
  return { dir, meta };
}

/**
 * What the fixture's read models were made by: the migrations of every projection and policy of
 * dist/ (names, versions and SQL). A read model whose tables changed would be migrated on the
 * cached fixture with its new tables empty, so a change makes a new fixture.
 */
function readSideKey() {
  const { workersFor } = dist('../projections/catalogue.js');
  const migrations = workersFor(null).map((projection) => [
    projection.name,
    projection.migrations.map((migration) => [migration.version, migration.sqlite]),
  ]);
  return createHash('sha256').update(JSON.stringify(migrations)).digest('hex').slice(0, 8);
}

/** The paths of the stores in a fixture directory (or a copy of one). */
export const storePaths = (dir) => ({
  events: join(dir, 'obligations.db'),
  readModels: join(dir, 'read-models.db'),
});

/** Copies a fixture's stores (a run must never change the cached fixture). */
export function copyFixture(from, to) {
  mkdirSync(to, { recursive: true });
  for (const name of ['obligations.db', 'read-models.db']) {
    const copy = spawnSync('cp', ['--sparse=always', join(from, name), join(to, name)]);
    if (copy.status !== 0) throw new Error(`copying ${name} failed: ${copy.stderr}`);
  }
}

/** Starts the built service on the fixture and waits until no projection lags behind the head. */
async function catchUpReadModels(dir, log) {
  const { startService, waitCaughtUp } = await import('./service.mjs');
  const started = Date.now();
  const service = await startService({ dir, name: 'fixture-catch-up' });
  try {
    const { head } = await waitCaughtUp(service, {
      timeoutMs: 60 * 60_000,
      onProgress: ({ head: at, slowest, lag }) =>
        log(`fixture: catching up read models, ${slowest} ${at - lag}/${at}\n`),
    });
    return { head, seconds: (Date.now() - started) / 1000 };
  } finally {
    await service.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Step 1, in its own process: decide and append every agreement's events.

function dist(path) {
  return createRequire(import.meta.url)(join(DIST, path));
}

const addDays = (date, days) => {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
};

const quarterOf = (year, q) => {
  const from = `${year}-${String(q * 3 - 2).padStart(2, '0')}-01`;
  const to = addDays(
    q === 4 ? `${year + 1}-01-01` : `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`,
    -1,
  );
  return { from, to };
};

/** The founding deal's terms, with the agreement's own id, product, parties and signing date. */
function termsOf(template, index, agreementId, signedOn) {
  const productId = productIdOf(index);
  const terms = JSON.parse(JSON.stringify(template));
  terms.agreementId = agreementId;
  terms.title = `${template.title} (#${index})`;
  terms.signedOn = signedOn;
  terms.licensee = { partyId: `licensee-${index % 97}`, name: `Licensee ${index % 97} Inc.` };
  terms.licensor = { partyId: `licensor-${index % 13}`, name: `Licensor ${index % 13} Inc.` };
  terms.products = terms.products.map((product) => ({ ...product, productId }));
  terms.royalties = terms.royalties.map((royalty) => ({ ...royalty, productIds: [productId] }));
  return { terms, productId };
}

/**
 * One agreement's life as a list of steps, each an append the service would make: a command
 * decided on the agreement's state, or a product fact and what the milestone policy derives from
 * it. Steps are generated lazily: each needs the state the previous ones left.
 */
function* agreementLife(index, lib) {
  const agreementId = lib.derivedUuid('bench-agreement', String(index));
  const signedOn = addDays('2004-01-01', (index * 37) % 1500);
  const { terms, productId } = termsOf(lib.template, index, agreementId, signedOn);
  const licensee = terms.licensee.partyId;
  const licensor = terms.licensor.partyId;
  const actor = `apikey:bench-finance-${index % 7}`;

  yield { command: { type: 'SignAgreement', terms }, on: signedOn, actor };
  const upfront = [...lib.state(agreementId).obligations.values()];
  yield* invoiceAndPay(upfront, addDays(signedOn, 5), actor, licensee, licensor, lib, agreementId);

  const facts = [
    ['INDSubmitted', 400, { jurisdiction: 'US', indication: 'solid tumours' }, 'submittedOn'],
    [
      'ClinicalPhaseStarted',
      900,
      { phase: 'II', indication: 'solid tumours' },
      'firstPatientDosedOn',
    ],
    [
      'ClinicalPhaseStarted',
      1500,
      { phase: 'III', indication: 'solid tumours' },
      'firstPatientDosedOn',
    ],
    [
      'RegulatoryApprovalGranted',
      2400,
      { jurisdiction: 'US', indication: 'solid tumours', filingType: 'BLA' },
      'approvedOn',
    ],
  ];
  for (const [type, days, fields, dateField] of facts) {
    const on = addDays(signedOn, days + (index % 30));
    const before = new Set(lib.state(agreementId).obligations.keys());
    yield { fact: { type, data: { productId, ...fields, [dateField]: on } }, productId, on };
    const created = [...lib.state(agreementId).obligations.values()].filter(
      (obligation) => !before.has(obligation.obligationId),
    );
    yield* invoiceAndPay(created, addDays(on, 3), actor, licensee, licensor, lib, agreementId);
  }

  const approvedOn = addDays(signedOn, 2400 + (index % 30));
  const firstSaleOn = addDays(approvedOn, 20);
  yield {
    fact: { type: 'FirstCommercialSale', data: { productId, country: 'US', soldOn: firstSaleOn } },
    productId,
    on: firstSaleOn,
  };
  yield {
    fact: {
      type: 'ValidClaimCoverageStarted',
      data: {
        productId,
        country: 'US',
        claimReference: `US 7,000,${String(index).padStart(3, '0')} claim 1`,
        coveredFrom: signedOn,
        basis: 'existing-at-signing',
      },
    },
    productId,
    on: signedOn,
  };

  let year = Number(firstSaleOn.slice(0, 4));
  let q = Math.floor((Number(firstSaleOn.slice(5, 7)) - 1) / 3) + 2;
  if (q > 4) [year, q] = [year + 1, 1];
  for (let n = 0; n < QUARTERS_OF_SALES; n += 1) {
    const period = quarterOf(year, q);
    const reportedOn = addDays(period.to, 28);
    const base = 20_000_000 + (index % 50) * 1_000_000;
    const netSales = (base + n * 2_500_000 + ((index * 7919 + n * 104_729) % 1_000_000)).toFixed(2);
    const before = new Set(lib.state(agreementId).obligations.keys());
    yield {
      command: {
        type: 'ReportNetSales',
        reportReference: `ROY-${index}-${year}-Q${q}`,
        period,
        reportedOn,
        lines: [
          {
            productId,
            country: 'US',
            netSales: { amount: netSales, currency: 'USD' },
            exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: period.to },
          },
        ],
        facts: lib.royaltyFacts(productId),
      },
      on: reportedOn,
      actor,
    };
    const created = [...lib.state(agreementId).obligations.values()].filter(
      (obligation) => !before.has(obligation.obligationId),
    );
    yield* pay(created, addDays(reportedOn, 30), actor, licensee, licensor, lib);
    [year, q] = q === 4 ? [year + 1, 1] : [year, q + 1];
  }
}

function* invoiceAndPay(obligations, on, actor, licensee, licensor, lib, agreementId) {
  if (obligations.length === 0) return;
  const invoiceable = obligations.filter((obligation) => obligation.amount.amountMinor > 0n);
  for (const obligation of invoiceable) {
    yield {
      command: {
        type: 'IssueInvoice',
        invoiceNumber: `INV-${agreementId.slice(0, 8)}-${obligation.obligationId.slice(0, 8)}`,
        issuedByPartyId: licensor,
        obligationIds: [obligation.obligationId],
        issuedOn: on,
      },
      on,
      actor,
    };
  }
  yield* pay(invoiceable, addDays(on, 25), actor, licensee, licensor, lib);
}

function* pay(obligations, on, actor, licensee, licensor, lib) {
  for (const obligation of obligations) {
    if (obligation.amount.amountMinor <= 0n) continue;
    yield {
      command: {
        type: 'RecordPayment',
        amount: lib.formatMoney(obligation.amount),
        receivedOn: on,
        payerPartyId: licensee,
        payeePartyId: licensor,
        reference: `WIRE-${obligation.obligationId.slice(0, 13)}`,
        intendedObligationIds: [obligation.obligationId],
      },
      on,
      actor,
    };
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const PRODUCT = /biib015-\d{5}/g;
const productIdOf = (index) => `biib015-${String(index).padStart(5, '0')}`;

/**
 * Decides and appends every agreement's events, WAVE agreements side by side. The first
 * TEMPLATES agreements are decided command by command (the deciders cost about 1 ms an event,
 * mostly re-pricing earlier royalty statements); every later agreement replays the appends of
 * template `index % TEMPLATES` with its own agreement and product ids, and every event id
 * recomputed from the same parts (derivedUuid) with those ids: the events the deciders would
 * give the same commands for that agreement, which they do not depend on beyond its ids.
 */
async function appendAll(dir, agreements, start = 0) {
  const { pino } = createRequire(join(ROOT, 'package.json'))('pino');
  const { SqliteEventStore } = dist('eventstore/sqlite/sqliteEventStore.js');
  const { decide } = dist('domain/agreement/decide.js');
  const { evolve } = dist('domain/agreement/evolve.js');
  const { initialState } = dist('domain/agreement/agreementState.js');
  const { emit } = dist('domain/agreement/agreementEvent.js');
  const { derivedUuid, newEventOf } = dist('application/storedEvents.js');
  const { milestonesForFact } = dist('domain/policies/milestonesForFact.js');
  const { MILESTONE_POLICY_ACTOR } = dist('application/milestonePolicy.js');
  const { royaltyCountryFactsOf } = dist('domain/products/royaltyCountryFacts.js');
  const { formatMoney } = dist('domain/money.js');
  const { streamIdOf } = dist('domain/events/streams.js');
  const template = JSON.parse(
    readFileSync(join(ROOT, 'examples', 'founding-deal.json'), 'utf8'),
  ).terms;
  const templates = Math.min(TEMPLATES, agreements - start);

  const store = SqliteEventStore.open({
    path: storePaths(dir).events,
    logger: pino({ level: 'warn' }),
  });
  /** The parts of every id the templates derived: how a copy derives its own. */
  const idParts = new Map();
  const recordingUuid = (...parts) => {
    const id = derivedUuid(...parts);
    idParts.set(id, parts);
    return id;
  };
  const states = new Map();
  const productFacts = new Map();
  const streamVersions = new Map();
  const lib = {
    template,
    derivedUuid: recordingUuid,
    formatMoney,
    state: (agreementId) => states.get(agreementId) ?? initialState,
    royaltyFacts: (productId) => royaltyCountryFactsOf(productFacts.get(productId) ?? []),
  };

  /** Appends with the stream's version as the expected version; answers the events appended. */
  async function append(streamId, newEvents) {
    const version = streamVersions.get(streamId) ?? 0;
    const result = await store.append(streamId, newEvents, {
      expectedVersion: version === 0 ? 'no-stream' : version,
    });
    streamVersions.set(streamId, result.streamVersion);
    return newEvents.length;
  }

  /** One step of a template agreement: decide, append, fold; answers its appends. */
  async function decideStep(agreementId, step, seq) {
    const now = `${step.on}T12:00:00.000Z`;
    if (step.command !== undefined) {
      const idSeed = `${agreementId}:${seq}`;
      const context = {
        now,
        actor: step.actor,
        idFor: (key) => recordingUuid('agreement', agreementId, idSeed, key),
      };
      const state = lib.state(agreementId);
      const events = decide({ ...step.command, ...context }, state);
      if (events.length === 0) return [];
      const metadata = {
        actor: step.actor,
        source: 'http:POST /agreements',
        correlationId: idSeed,
      };
      const appended = {
        streamId: streamIdOf('agreement', agreementId),
        events: events.map((event) => newEventOf(event, metadata, now)),
      };
      await append(appended.streamId, appended.events);
      states.set(agreementId, events.reduce(evolve, state));
      return [appended];
    }
    // A product fact (ProductFacts.record), then what the milestone policy derives from it.
    const fact = emit(
      recordingUuid('fact', `${agreementId}:${seq}`),
      step.fact.type,
      step.fact.data,
    );
    const history = productFacts.get(step.productId) ?? [];
    const recorded = {
      streamId: streamIdOf('product', step.productId),
      events: [
        newEventOf(
          fact,
          { actor: 'integration:bench-cro', source: `webhook:${agreementId}:${seq}` },
          now,
        ),
      ],
    };
    await append(recorded.streamId, recorded.events);
    productFacts.set(step.productId, [...history, fact]);
    const state = lib.state(agreementId);
    const derived = milestonesForFact({
      fact,
      state,
      earlierFacts: history,
      idFor: (key) => recordingUuid('milestone-policy', agreementId, fact.eventId, key),
    });
    if (derived.length === 0) return [recorded];
    const policyAppend = {
      streamId: streamIdOf('agreement', agreementId),
      events: derived.map((event) =>
        newEventOf(event, { actor: MILESTONE_POLICY_ACTOR, causationId: fact.eventId }, now),
      ),
    };
    await append(policyAppend.streamId, policyAppend.events);
    states.set(agreementId, derived.reduce(evolve, state));
    return [recorded, policyAppend];
  }

  /** The template's appends as agreement `index` makes them: its ids, the same events. */
  function copier(templateAgreementId, index) {
    const ids = new Map([[templateAgreementId, lib.derivedUuid('bench-agreement', String(index))]]);
    const productId = productIdOf(index);
    const mapString = (text) => text.replace(UUID, (id) => mapId(id)).replace(PRODUCT, productId);
    function mapId(id) {
      let mapped = ids.get(id);
      if (mapped === undefined) {
        const parts = idParts.get(id);
        mapped = parts === undefined ? id : derivedUuid(...parts.map(mapString));
        ids.set(id, mapped);
      }
      return mapped;
    }
    return (appended) => ({
      streamId: mapString(appended.streamId),
      events: appended.events.map((event) => ({
        eventId: mapId(event.eventId),
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: JSON.parse(mapString(JSON.stringify(event.data))),
        metadata: JSON.parse(mapString(JSON.stringify(event.metadata))),
      })),
    });
  }

  /** Agreement `index`'s steps: decided for a template, replayed from its template otherwise. */
  function* stepsOf(index, recordedLives) {
    if (index - start < templates) {
      const agreementId = lib.derivedUuid('bench-agreement', String(index));
      const recorded = [];
      recordedLives[index - start] = { agreementId, appends: recorded };
      let seq = 0;
      for (const step of agreementLife(index, lib)) {
        seq += 1;
        yield async () => {
          const appends = await decideStep(agreementId, step, seq);
          recorded.push(...appends);
          return appends.reduce((sum, a) => sum + a.events.length, 0);
        };
      }
      return;
    }
    const life = recordedLives[(index - start) % templates];
    const copy = copier(life.agreementId, index);
    for (const appended of life.appends) {
      yield async () => {
        const mine = copy(appended);
        return append(mine.streamId, mine.events);
      };
    }
  }

  const recordedLives = [];
  const started = Date.now();
  let appended = 0;
  let lastReport = 0;
  // The templates first, on their own: a copy replays a template's appends once they are all known.
  for (let first = start; first < agreements;) {
    const last = first < start + templates ? start + templates : Math.min(first + WAVE, agreements);
    let active = [];
    for (let index = first; index < last; index += 1) active.push(stepsOf(index, recordedLives));
    // Each agreement's appends in order; the wave's agreements side by side, as concurrent clients.
    while (active.length > 0) {
      const next = active.map((steps) => steps.next());
      const counts = await Promise.all(next.map((step) => (step.done ? 0 : step.value())));
      appended += counts.reduce((a, b) => a + b, 0);
      active = active.filter((_, i) => !next[i].done);
    }
    // The wave's streams are complete: no later wave appends to them.
    states.clear();
    streamVersions.clear();
    first = last;
    const now = Date.now();
    if (now - lastReport > 5_000 || last >= agreements) {
      lastReport = now;
      const seconds = (now - started) / 1000;
      process.stderr.write(
        `fixture: ${last}/${agreements} agreements, ${appended} events, ${Math.round(appended / seconds)} events/s, ${seconds.toFixed(0)} s\n`,
      );
    }
  }
  await store.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--append') {
    await appendAll(process.argv[3], Number(process.argv[4]), Number(process.argv[5] ?? 0));
  } else {
    const agreements = Number(process.env.BENCH_AGREEMENTS ?? 10_000);
    const { dir } = await ensureFixture({ agreements });
    process.stdout.write(`${dir}\n`);
  }
}
