import { ConfigError, loadConfig } from '../src/config';

describe('WEBHOOK_UNVERIFIED_KEPT', () => {
  it('is the number of unauthenticated deliveries the inbox keeps', () => {
    expect(loadConfig({ WEBHOOK_UNVERIFIED_KEPT: '3' }).webhookUnverifiedKept).toBe(3);
  });

  it('leaves the inbox its default when unset or empty', () => {
    expect(loadConfig({}).webhookUnverifiedKept).toBeUndefined();
    expect(loadConfig({ WEBHOOK_UNVERIFIED_KEPT: '' }).webhookUnverifiedKept).toBe(undefined);
  });

  it.each(['0', '-1', '2.5', 'lots', '1000001'])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig({ WEBHOOK_UNVERIFIED_KEPT: value })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_UNVERIFIED_KEPT: value })).toThrow(
      `WEBHOOK_UNVERIFIED_KEPT: expected an integer from 1 to 1000000, got "${value}"`,
    );
  });
});
