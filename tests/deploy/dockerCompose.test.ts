import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';

// No container engine runs here, so the compose file cannot be started in CI; these checks catch
// what would break it: an environment the service refuses, a missing role, a wrong image user.
const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  healthcheck?: unknown;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = Object.entries(compose.services);
const ours = services.filter(([, service]) => service.image === 'obligations:local');

/** Compose's `${NAME:-default}` with nothing set in the shell. */
function interpolated(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1'),
    ]),
  );
}

describe('docker-compose.yml', () => {
  it('runs two API replicas and one worker of the service', () => {
    const roles = ours.map(([, service]) => service.environment?.SERVICE_ROLE).sort();
    expect(roles).toEqual(['api', 'api', 'worker']);
  });

  it.each(ours.map(([name, service]) => [name, service] as const))(
    'gives %s a configuration the service accepts: KurrentDB events, PostgreSQL read models',
    (_, service) => {
      const config = loadConfig(interpolated(service.environment ?? {}));
      expect(config.store.kind).toBe('kurrentdb');
      expect(config.readStore.kind).toBe('postgres');
    },
  );

  it('starts the service only once its stores are healthy', () => {
    for (const [, service] of ours) {
      expect(service.depends_on).toEqual({
        kurrentdb: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
      });
    }
  });

  it('sends traffic through the load balancer to both API replicas', () => {
    const caddyfile = readFileSync(join(ROOT, 'deploy', 'Caddyfile'), 'utf8');
    const apis = ours
      .filter(([, service]) => service.environment?.SERVICE_ROLE === 'api')
      .map(([name]) => name);
    for (const api of apis) expect(caddyfile).toContain(`${api}:3000`);
    expect(caddyfile).toMatch(/health_uri \/readyz/);
  });

  it('puts the three cluster nodes under the cluster profile', () => {
    const clusterNodes = services.filter(([, service]) => service.profiles?.includes('cluster'));
    expect(clusterNodes.map(([name]) => name)).toEqual([
      'kurrentdb-node1',
      'kurrentdb-node2',
      'kurrentdb-node3',
    ]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));

  it('runs the service as an unprivileged user', () => {
    expect(runtime).toMatch(/^USER node$/m);
  });

  it('checks health on /readyz', () => {
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/readyz/);
  });

  it('starts what npm start starts', () => {
    const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    expect(runtime).toContain('CMD ["node", "dist/src/main.js"]');
    expect(packageJson.scripts.start).toBe('node dist/src/main.js');
  });
});
