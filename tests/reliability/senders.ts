/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { envelope, signed } from '../webhooks/webhookClient';

/**
 * Clients writing as fast as the service answers (integrations posting signed facts, REST
 * callers recording facts), each sender one request after another, and every write's fate
 * written down: what its client was told (2xx with event ids, another answer, or nothing at all
 * when the process died under it). The reliability tests judge the event log against this.
 */

export interface Delivery {
  /** The webhook id, or the Idempotency-Key of a REST command. */
  readonly id: string;
  readonly factType: string;
  /** Which logged events are this write's: by their source (`webhook:<id>`), or by stream. */
  readonly owns: { readonly source: string } | { readonly streamId: string };
  /** Sends it once, as its client would (a webhook signed afresh each time). */
  readonly request: (baseUrl: string) => Promise<Response>;
}

export type Outcome =
  /** 2xx: the service said its events are committed. */
  | { readonly kind: 'acknowledged'; readonly status: number; readonly eventIds: string[] }
  /** Any other answer: nothing is promised. */
  | {
      readonly kind: 'refused';
      readonly status: number;
      readonly contentType: string | null;
      readonly retryAfter: string | null;
      readonly body: any;
    }
  /** No answer: the connection failed (refused, reset) before one came. */
  | { readonly kind: 'unanswered'; readonly error: string };

export interface Sent {
  readonly delivery: Delivery;
  readonly outcome: Outcome;
  readonly startedAt: number;
  readonly answeredAt: number;
}

/** Sends one write and tells what came of it. */
export async function send(baseUrl: string, delivery: Delivery): Promise<Sent> {
  const startedAt = Date.now();
  let outcome: Outcome;
  try {
    const response = await delivery.request(baseUrl);
    const body = parsed(await response.text());
    outcome =
      response.status >= 200 && response.status < 300
        ? { kind: 'acknowledged', status: response.status, eventIds: eventIdsOf(body) }
        : {
            kind: 'refused',
            status: response.status,
            contentType: response.headers.get('content-type'),
            retryAfter: response.headers.get('retry-after'),
            body,
          };
  } catch (error) {
    outcome = { kind: 'unanswered', error: String((error as Error).cause ?? error) };
  }
  return { delivery, outcome, startedAt, answeredAt: Date.now() };
}

/** A webhook answers `events`, a REST fact its `event`. */
function eventIdsOf(body: any): string[] {
  if (Array.isArray(body?.events))
    return (body.events as { eventId: string }[]).map((event) => event.eventId);
  return body?.event?.eventId === undefined ? [] : [String(body.event.eventId)];
}

function parsed(text: string): any {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** The writes one sender makes in turn; each call makes the next. */
export type DeliverySource = (sequence: number) => Delivery;

export interface Integration {
  readonly integrationId: string;
  readonly secret: string;
}

function webhook(integration: Integration, id: string, type: string, data: object): Delivery {
  const body = envelope(type, data);
  return {
    id,
    factType: type,
    owns: { source: `webhook:${id}` },
    request: (baseUrl) =>
      fetch(`${baseUrl}/webhooks/${integration.integrationId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...signed(integration.secret, id, body) },
        body,
      }),
  };
}

/** Fresh products' development facts by webhook: each a new product stream. */
export function productFactsByWebhook(integration: Integration, prefix: string): DeliverySource {
  return (sequence) => {
    const productId = `${prefix}-${sequence}`;
    return sequence % 4 === 3
      ? webhook(integration, `msg_${productId}`, 'ClinicalPhaseStarted', {
          productId,
          phase: 'I',
          firstPatientDosedOn: '2009-03-02',
          indication: 'solid tumours',
          jurisdiction: 'US',
        })
      : webhook(integration, `msg_${productId}`, 'INDSubmitted', {
          productId,
          jurisdiction: 'US',
          submittedOn: '2008-01-15',
        });
  };
}

/** Fresh products' INDs through the REST API, each with an Idempotency-Key. */
export function productFactsByRest(adminKey: string, prefix: string): DeliverySource {
  return (sequence) => {
    const productId = `${prefix}-${sequence}`;
    const id = `rest-${productId}`;
    const body = JSON.stringify({
      type: 'INDSubmitted',
      data: { jurisdiction: 'EU', submittedOn: '2009-06-30' },
    });
    return {
      id,
      factType: 'INDSubmitted',
      owns: { streamId: `product-${productId}` },
      request: (baseUrl) =>
        fetch(`${baseUrl}/products/${productId}/facts`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${adminKey}`,
            'Content-Type': 'application/json',
            'Idempotency-Key': id,
          },
          body,
        }),
    };
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * One licensee's ERP and bank for one agreement, by webhook: a net sales report of the next
 * day's sales (an agreement's periods are reported in order, so one sender owns them), then a
 * payment, in turn. `firstDay` is the first day not reported yet.
 */
export function agreementFactsByWebhook(
  integration: Integration,
  agreement: { readonly agreementId: string; readonly payerPartyId: string },
  firstDay: string,
): DeliverySource {
  const { agreementId, payerPartyId } = agreement;
  const start = Date.parse(`${firstDay}T00:00:00Z`);
  return (sequence) => {
    const id = `msg_${agreementId}_${sequence}`;
    if (sequence % 2 === 1)
      return webhook(integration, id, 'PaymentReceived', {
        agreementId,
        amount: { amount: `${1000 + sequence}.25`, currency: 'USD' },
        receivedOn: '2012-06-01',
        payerPartyId,
        payeePartyId: 'immunogen',
        reference: `WIRE-${id}`,
      });
    const day = isoDay(start + (sequence / 2) * DAY_MS);
    return webhook(integration, id, 'NetSalesReported', {
      agreementId,
      reportReference: `ERP-${id}`,
      period: { from: day, to: day },
      reportedOn: day,
      lines: [
        {
          productId: 'biib015',
          country: 'US',
          netSales: { amount: `${250_000 + sequence * 37}.11`, currency: 'USD' },
          exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: day },
        },
      ],
    });
  };
}

export interface Senders {
  /** Every write sent so far, in the order they were answered. */
  readonly sent: Sent[];
  /** Lets each sender finish the write it is sending, then stop. */
  stop(): Promise<void>;
}

/** One loop per source, each sending its next write as soon as the last one is answered. */
export function startSenders(baseUrl: () => string, sources: readonly DeliverySource[]): Senders {
  const sent: Sent[] = [];
  let stopping = false;
  const loops = sources.map(async (next) => {
    for (let sequence = 0; !stopping; sequence += 1)
      sent.push(await send(baseUrl(), next(sequence)));
  });
  return {
    sent,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
