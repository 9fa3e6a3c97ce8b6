import {
  API_KEY_PATTERN,
  formatApiKey,
  generateApiKey,
  generateKeyId,
  hashSecret,
  looksRandom,
  parseApiKey,
  secretMatches,
} from '../../src/auth/apiKeyToken';

describe('API key tokens', () => {
  it('are obl_, a 12-character key id and a 43-character secret', () => {
    const apiKey = formatApiKey(generateApiKey());
    expect(apiKey).toMatch(/^obl_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toHaveLength(60);
    expect(API_KEY_PATTERN.test(apiKey)).toBe(true);
  });

  it('carry 256 random bits of secret and differ every time', () => {
    const tokens = Array.from({ length: 200 }, () => generateApiKey());
    expect(new Set(tokens.map((token) => token.secret)).size).toBe(200);
    expect(new Set(tokens.map((token) => token.keyId)).size).toBe(200);
    for (const { secret } of tokens) expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('use every character of the key id alphabet', () => {
    const characters = new Set(Array.from({ length: 400 }, generateKeyId).join(''));
    expect([...characters].sort().join('')).toBe('234567abcdefghijklmnopqrstuvwxyz');
  });

  it('parse back into key id and secret, even when the secret holds underscores', () => {
    const token = { keyId: 'abcdefgh2345', secret: `__${'x'.repeat(39)}_-` };
    expect(parseApiKey(formatApiKey(token))).toEqual(token);
  });

  it.each([
    ['another prefix', `sk_abcdefgh2345_${'a'.repeat(43)}`],
    ['an upper-case key id', `obl_ABCDEFGH2345_${'a'.repeat(43)}`],
    ['a short key id', `obl_abcdefgh234_${'a'.repeat(43)}`],
    ['a short secret', `obl_abcdefgh2345_${'a'.repeat(42)}`],
    ['a long secret', `obl_abcdefgh2345_${'a'.repeat(44)}`],
    ['a character outside base64url', `obl_abcdefgh2345_${'a'.repeat(42)}+`],
    ['surrounding whitespace', ` obl_abcdefgh2345_${'a'.repeat(43)}`],
    ['nothing', ''],
  ])('refuse %s', (_case, value) => {
    expect(parseApiKey(value)).toBeNull();
  });
});

describe('secret hashes', () => {
  it('are the SHA-256 of the secret in hex', () => {
    // printf %s abc | sha256sum
    expect(hashSecret('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('match the secret they were made from and no other', () => {
    const { secret } = generateApiKey();
    const stored = hashSecret(secret);
    expect(secretMatches(secret, stored)).toBe(true);
    expect(secretMatches(generateApiKey().secret, stored)).toBe(false);
    expect(secretMatches(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'), stored)).toBe(
      false,
    );
  });

  it('never match a malformed stored hash', () => {
    expect(secretMatches('abc', '')).toBe(false);
    expect(secretMatches('abc', 'ba7816bf')).toBe(false);
  });
});

describe('looksRandom', () => {
  it('accepts generated secrets and refuses hand-made ones', () => {
    for (let i = 0; i < 100; i++) expect(looksRandom(generateApiKey().secret)).toBe(true);
    expect(looksRandom('A'.repeat(43))).toBe(false);
    expect(looksRandom('abcabcabcabcabcabcabcabcabcabcabcabcabcabca')).toBe(false);
  });
});
