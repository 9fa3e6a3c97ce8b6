import { Webhook } from 'standardwebhooks';
import { webhookSecretKey } from '../../src/integrations/webhookSecret';
import {
  signatureHeader,
  verifySignature,
  type VerifyingSecret,
} from '../../src/webhooks/verifySignature';

jest.setTimeout(60_000);

// The test vector of the Standard Webhooks reference libraries.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const PAYLOAD = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

const key = (secret: string): Buffer => {
  const bytes = webhookSecretKey(secret);
  if (bytes === null) throw new Error(`not a secret: ${secret}`);
  return bytes;
};
const reference: VerifyingSecret = { secretId: 'reference', key: key(SECRET) };
const atSeconds = (seconds: number) => new Date(seconds * 1000);

function check(
  overrides: {
    id?: string | undefined;
    timestamp?: string | undefined;
    signature?: string | undefined;
    body?: string;
    secrets?: readonly VerifyingSecret[];
    now?: Date;
  } = {},
) {
  return verifySignature({
    headers: {
      id: 'id' in overrides ? overrides.id : ID,
      timestamp: 'timestamp' in overrides ? overrides.timestamp : String(TIMESTAMP),
      signature: 'signature' in overrides ? overrides.signature : SIGNATURE,
    },
    body: Buffer.from(overrides.body ?? PAYLOAD, 'utf8'),
    secrets: overrides.secrets ?? [reference],
    now: overrides.now ?? atSeconds(TIMESTAMP),
  });
}

describe('Standard Webhooks signatures', () => {
  it('verifies the reference test vector with the clock pinned at its timestamp', () => {
    expect(check()).toEqual({ ok: true, secretId: 'reference', timestamp: TIMESTAMP });
    expect(signatureHeader(key(SECRET), ID, TIMESTAMP, PAYLOAD)).toBe(SIGNATURE);
  });

  it('refuses the same payload re-serialised (the bytes are signed, not the JSON value)', () => {
    const reserialised = JSON.stringify(JSON.parse(PAYLOAD));
    expect(reserialised).toBe('{"test":2432232314}');
    expect(check({ body: reserialised })).toMatchObject({
      ok: false,
      reason: 'no-valid-signature',
    });
  });

  it('accepts a timestamp exactly 5 minutes old or ahead, and refuses one a second beyond, both ways', () => {
    const at = (now: number) => check({ now: atSeconds(now) });
    expect(at(TIMESTAMP + 300)).toMatchObject({ ok: true });
    expect(at(TIMESTAMP - 300)).toMatchObject({ ok: true });
    expect(at(TIMESTAMP + 301)).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(at(TIMESTAMP - 301)).toMatchObject({ ok: false, reason: 'timestamp-too-new' });
    // Within the second, the clock's milliseconds do not stretch the window.
    expect(check({ now: new Date((TIMESTAMP + 300) * 1000 + 999) })).toMatchObject({ ok: true });
  });

  it('refuses a timestamp that is not all digits', () => {
    for (const timestamp of [
      '+1614265330',
      '1614265330.0',
      ' 1614265330',
      '1.6e9',
      '-1',
      '0x60',
      'abc',
    ])
      expect(check({ timestamp })).toMatchObject({ ok: false, reason: 'invalid-timestamp' });
  });

  it('refuses missing headers, naming them', () => {
    expect(check({ id: undefined, signature: '' })).toEqual({
      ok: false,
      reason: 'missing-headers',
      detail: 'missing webhook-id, webhook-signature',
    });
    expect(check({ timestamp: undefined })).toMatchObject({ reason: 'missing-headers' });
  });

  it('takes any of several space-separated signatures and ignores versions it does not know', () => {
    const bogus = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    expect(check({ signature: `v2,abc ${bogus} v1a,xyz ${SIGNATURE}` })).toMatchObject({
      ok: true,
    });
    expect(check({ signature: `v2,${SIGNATURE.slice(3)}` })).toMatchObject({
      ok: false,
      reason: 'no-valid-signature',
      detail: 'webhook-signature holds no v1 signature',
    });
    expect(check({ signature: bogus })).toMatchObject({ ok: false, reason: 'no-valid-signature' });
    // A truncated or padded signature is not the signature.
    expect(check({ signature: SIGNATURE.slice(0, -1) })).toMatchObject({ ok: false });
    expect(check({ signature: `${SIGNATURE}=` })).toMatchObject({ ok: false });
  });

  it('verifies with any active secret during a rotation, and names the one that matched', () => {
    const fresh: VerifyingSecret = { secretId: 'fresh', key: Buffer.alloc(32, 7) };
    const signedWithFresh = signatureHeader(fresh.key, ID, TIMESTAMP, PAYLOAD);
    expect(check({ secrets: [reference, fresh] })).toMatchObject({
      ok: true,
      secretId: 'reference',
    });
    expect(check({ secrets: [reference, fresh], signature: signedWithFresh })).toMatchObject({
      ok: true,
      secretId: 'fresh',
    });
    // Once the old secret is revoked, only the new one verifies.
    expect(check({ secrets: [fresh] })).toMatchObject({ ok: false, reason: 'no-valid-signature' });
  });

  it('never verifies a signature made with another integration’s secret', () => {
    const other: VerifyingSecret = { secretId: 'other', key: Buffer.alloc(32, 1) };
    expect(check({ secrets: [other] })).toMatchObject({ ok: false, reason: 'no-valid-signature' });
    expect(check({ secrets: [] })).toMatchObject({ ok: false, reason: 'no-valid-signature' });
  });

  it('verifies what the standardwebhooks library signs, and the library verifies what we sign', () => {
    const library = new Webhook(SECRET);
    const body = '{"type":"INDSubmitted","timestamp":"2021-02-25T15:02:10Z","data":{"a":"é"}}';
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    const signature = library.sign('msg_1', now, body);
    expect(
      check({ id: 'msg_1', timestamp: String(timestamp), signature, body, now }),
    ).toMatchObject({
      ok: true,
    });
    const ours = signatureHeader(key(SECRET), 'msg_2', timestamp, body);
    expect(() =>
      library.verify(body, {
        'webhook-id': 'msg_2',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': ours,
      }),
    ).not.toThrow();
  });
});
