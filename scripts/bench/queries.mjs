// Query latency on the fixture: the built service (production) on a copy of the fixture, its read
// models caught up first, timed by a sequential client in another process (latency.mjs): the
// first and a deep page (BENCH_DEEP_PAGE, default 2000, reached by following the `next` links)
// of the obligations and of the audit trail, one agreement (now, as of a date and as recorded at
// a position), its obligations as of a date, and the CSV export of its payments. BENCH_QUERY_REQUESTS
// (default 200) requests each.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';
import { copyFixture } from './fixture.mjs';
import { ROOT, fail, startService, waitCaughtUp } from './service.mjs';

const PAGE_LIMIT = 50;

function positiveInteger(name, fallback) {
  const value = process.env[name] === undefined ? fallback : Number(process.env[name]);
  if (!Number.isInteger(value) || value <= 0) fail(`${name} must be a positive integer`);
  return value;
}

/** The `next` link of a page, absolute, or null on the last page. */
function nextLink(response, base) {
  const link = response.headers.get('link') ?? '';
  const match = /<([^>]+)>;\s*rel="next"/.exec(link);
  return match === null ? null : new URL(match[1], base).toString();
}

/** Follows `next` from `first` to page `page` (1 is the first); answers its URL and how deep it got. */
async function deepPage(first, page, headers) {
  let url = first;
  let reached = 1;
  for (; reached < page; reached += 1) {
    const response = await globalThis.fetch(url, { headers });
    if (response.status !== 200) fail(`${url} answered ${response.status}`);
    await response.arrayBuffer();
    const next = nextLink(response, url);
    if (next === null) break;
    url = next;
  }
  return { url, page: reached };
}

export async function queriesSection({ fixture }) {
  const count = positiveInteger('BENCH_QUERY_REQUESTS', 200);
  const deep = positiveInteger('BENCH_DEEP_PAGE', 2000);
  const { derivedUuid } = createRequire(import.meta.url)(
    join(ROOT, 'dist', 'src', 'application', 'storedEvents.js'),
  );
  const dir = mkdtempSync(join(os.tmpdir(), 'obligations-bench-queries-'));
  process.stderr.write(`queries: copying the fixture to ${dir}\n`);
  copyFixture(fixture.dir, dir);
  const service = await startService({ dir, name: 'service (queries)' });
  try {
    await service.ready(120_000);
    await waitCaughtUp(service, {
      timeoutMs: 30 * 60_000,
      onProgress: ({ slowest, lag }) =>
        process.stderr.write(`queries: waiting for ${slowest} (${lag} events behind)\n`),
    });
    const headers = { Authorization: `Bearer ${service.adminKey}` };
    const base = service.url;
    // An agreement from the middle of the fixture, and a position half way through the log.
    const agreementId = derivedUuid(
      'bench-agreement',
      String(Math.floor(fixture.meta.agreements / 2)),
    );
    const midPosition = Math.floor(fixture.meta.events / 2);
    process.stderr.write(
      `queries: following next links to page ${deep} of /obligations and /audit-trail\n`,
    );
    const obligationsFirst = `${base}/obligations?limit=${PAGE_LIMIT}`;
    const auditFirst = `${base}/audit-trail?limit=${PAGE_LIMIT}`;
    const obligationsDeep = await deepPage(obligationsFirst, deep, headers);
    const auditDeep = await deepPage(auditFirst, deep, headers);
    const requests = [
      { name: 'GET /obligations, first page', url: obligationsFirst },
      { name: `GET /obligations, page ${obligationsDeep.page}`, url: obligationsDeep.url },
      { name: 'GET /audit-trail, first page', url: auditFirst },
      { name: `GET /audit-trail, page ${auditDeep.page}`, url: auditDeep.url },
      { name: 'GET /agreements/{id}', url: `${base}/agreements/${agreementId}` },
      {
        name: 'GET /agreements/{id}?asOf=2012-06-30',
        url: `${base}/agreements/${agreementId}?asOf=2012-06-30`,
      },
      {
        name: `GET /agreements/{id}?recordedAt=${midPosition}`,
        url: `${base}/agreements/${agreementId}?recordedAt=${midPosition}`,
      },
      {
        name: 'GET /obligations?agreementId&asOf=2012-06-30',
        url: `${base}/obligations?agreementId=${agreementId}&asOf=2012-06-30&limit=${PAGE_LIMIT}`,
      },
      {
        name: 'GET /payments/export?agreementId&format=csv',
        url: `${base}/payments/export?agreementId=${agreementId}&format=csv`,
      },
    ].map((request) => ({ ...request, headers }));
    process.stderr.write(`queries: ${count} sequential requests each\n`);
    const client = spawnSync(
      process.execPath,
      [
        join(ROOT, 'scripts', 'bench', 'latency.mjs'),
        JSON.stringify({ requests, count, warmup: 5 }),
      ],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    if (client.status !== 0) fail(`the latency client failed:\n${client.stdout}${client.stderr}`);
    const latencies = JSON.parse(client.stdout.trim().split('\n').pop());
    for (const latency of latencies) {
      if (Object.keys(latency.statuses).some((status) => status !== '200'))
        fail(`${latency.name} answered ${JSON.stringify(latency.statuses)}`);
    }
    const results = {
      events: fixture.meta.events,
      agreements: fixture.meta.agreements,
      pageLimit: PAGE_LIMIT,
      requestsEach: count,
      latencies,
      peakRssMiB: service.peakRssMiB(),
    };
    return { results, markdown: markdown(results) };
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function markdown(results) {
  const lines = [
    `Query latency on ${results.events} events (${results.agreements} agreements), ${results.requestsEach} sequential requests each, ${results.pageLimit} items a page; service peak RSS ${results.peakRssMiB?.toFixed(1)} MiB`,
    '',
    '| query | p50 ms | p99 ms | mean ms | max ms | bytes |',
    '| ----- | -----: | -----: | ------: | -----: | ----: |',
  ];
  for (const l of results.latencies)
    lines.push(`| ${l.name} | ${l.p50} | ${l.p99} | ${l.mean} | ${l.max} | ${l.bytes} |`);
  return lines.join('\n');
}
