// A sequential HTTP client, run in its own process by the queries section: for each request it
// is given, a few warm-up requests, then `count` requests one after the other (a new one once
// the previous body has been read to its end), each timed from the call to the last byte.
// Prints one JSON line: per request, p50, p99, mean and max in milliseconds, and the statuses.
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const { requests, count, warmup } = JSON.parse(process.argv[2]);

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted, q) {
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

async function timeOne({ url, headers }) {
  const started = performance.now();
  const response = await globalThis.fetch(url, { headers });
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status, bytes: body.byteLength };
}

const results = [];
for (const request of requests) {
  for (let i = 0; i < warmup; i += 1) await timeOne(request);
  const times = [];
  const statuses = {};
  let bytes = 0;
  for (let i = 0; i < count; i += 1) {
    const one = await timeOne(request);
    times.push(one.ms);
    statuses[one.status] = (statuses[one.status] ?? 0) + 1;
    bytes = one.bytes;
  }
  times.sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 100) / 100;
  results.push({
    name: request.name,
    requests: count,
    p50: round(quantile(times, 0.5)),
    p99: round(quantile(times, 0.99)),
    mean: round(times.reduce((a, b) => a + b, 0) / times.length),
    max: round(times[times.length - 1]),
    statuses,
    bytes,
  });
}
process.stdout.write(JSON.stringify(results) + '\n');
