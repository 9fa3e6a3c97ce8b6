// The benchmark's load generator, in its own process: one autocannon run against one target,
// every request a Standard Webhooks delivery of an INDSubmitted fact with a webhook id and a
// product of its own, signed here (HMAC-SHA256 over `<id>.<timestamp>.<body>`) just before it is
// sent. Prints the autocannon result as one JSON line. Started by run.mjs.
import { createHmac } from 'node:crypto';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import autocannon from 'autocannon';

const { url, integrationId, secret, connections, seconds, label } = JSON.parse(process.argv[2]);
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
let counter = 0;

function delivery(request) {
  counter += 1;
  const id = `bench-${label}-${process.pid}-${counter}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify({
    type: 'INDSubmitted',
    timestamp: new Date().toISOString(),
    data: { productId: id, jurisdiction: 'US', submittedOn: '2008-01-15' },
  });
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    ...request,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${signature}`,
    },
    body,
  };
}

const result = await autocannon({
  url,
  connections,
  duration: seconds,
  requests: [{ method: 'POST', path: `/webhooks/${integrationId}`, setupRequest: delivery }],
});
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: result.statusCodeStats,
  }) + '\n',
);
