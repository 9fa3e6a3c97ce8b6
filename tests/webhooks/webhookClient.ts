/* eslint-disable @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { webhookSecretKey } from '../../src/integrations/webhookSecret';
import { signatureHeader } from '../../src/webhooks/verifySignature';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** A call to the service's REST API with an admin key. */
export async function callApi(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return answerOf(response);
}

/** Posts raw bytes to a webhook, with whatever headers the test chooses. */
export async function postWebhook(
  baseUrl: string,
  integrationId: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(`${baseUrl}/webhooks/${integrationId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  return answerOf(response);
}

/** Standard Webhooks headers for a body, signed with one secret (or several, space-separated). */
export function signed(
  secrets: string | readonly string[],
  id: string,
  body: string | Buffer,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const all = typeof secrets === 'string' ? [secrets] : secrets;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': all
      .map((secret) => signatureHeader(webhookSecretKey(secret)!, id, timestamp, body))
      .join(' '),
  };
}

export function envelope(type: string, data: object): string {
  return JSON.stringify({ type, timestamp: new Date().toISOString(), data });
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}
