import { ConfigError, loadConfig } from '../../src/config';

describe('METRICS_TOKEN', () => {
  it('leaves /metrics open when unset or empty', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
  });

  it('is read when set', () => {
    const token = '3f2a9c0b7d1e4f5a6b7c8d9e0f1a2b3c';
    expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
  });

  it('refuses a short token or one with spaces, without echoing it', () => {
    for (const token of ['short', 'has a space in the middle']) {
      let thrown: unknown;
      try {
        loadConfig({ METRICS_TOKEN: token });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      const message = (thrown as ConfigError).message;
      expect(message).toMatch(/^METRICS_TOKEN: expected at least 16 characters/);
      expect(message).not.toContain(token);
    }
  });
});
