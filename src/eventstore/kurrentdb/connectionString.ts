/**
 * `@eventstore/db-client` 6 parses only the `esdb://` and `esdb+discover://` schemes; KurrentDB's
 * own `kurrentdb://` and `kurrentdb+discover://` mean the same thing and are accepted here, so that
 * a later move to `@kurrent/kurrentdb-client` changes no configuration.
 */
export function clientConnectionString(connectionString: string): string {
  return connectionString.trim().replace(/^kurrentdb(\+discover)?:\/\//i, 'esdb$1://');
}

/**
 * The hosts of a connection string (`host:port`, comma separated), without scheme, credentials or
 * options: what an error message may show.
 */
export function describeServer(connectionString: string): string {
  const authority = /^[a-z+]+:\/\/([^/?#]*)/i.exec(connectionString.trim())?.[1] ?? '';
  // After the last `@`: a password may contain one.
  const hosts = authority
    .slice(authority.lastIndexOf('@') + 1)
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '')
    .map((host) => (/:\d+$/.test(host) ? host : `${host}:2113`));
  return hosts.length > 0 ? hosts.join(',') : 'the configured KurrentDB server';
}
