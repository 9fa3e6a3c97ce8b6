import pg from 'pg';
import type { Logger } from 'pino';

export interface PostgresListenerOptions {
  readonly connectionString: string;
  readonly channel: string;
  readonly onNotification: () => void;
  readonly logger: Logger;
}

/**
 * A dedicated connection that LISTENs for appends. When the server restarts or the connection
 * drops it reconnects with backoff and then fires one notification, because appends may have
 * committed while nobody listened.
 */
const HEALTH_CHECK_MS = 30_000;

export class PostgresListener {
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs = 100;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly healthTimer: NodeJS.Timeout;

  constructor(private readonly options: PostgresListenerOptions) {
    void this.connect();
    this.healthTimer = setInterval(() => void this.checkAlive(), HEALTH_CHECK_MS);
    this.healthTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.healthTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      // A firewall that silently drops an idle connection would otherwise stop notifications
      // without a word: TCP keepalives, and a query every 30 s that fails when it is gone.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionString: this.options.connectionString,
      application_name: 'obligations-listener',
    });
    client.on('notification', () => this.options.onNotification());
    client.on('error', (error) => this.reconnect(client, error));
    client.on('end', () => this.reconnect(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.options.channel)}`);
    } catch (error) {
      this.reconnect(client, error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = 100;
    this.options.onNotification();
  }

  /** A connection dropped without a word (a NAT, a firewall) fails this query: reconnect then. */
  private async checkAlive(): Promise<void> {
    const client = this.client;
    if (client === null) return;
    await client.query('SELECT 1').catch((error: unknown) => this.reconnect(client, error));
  }

  private reconnect(client: pg.Client, error: unknown): void {
    if (this.closed || this.retryTimer || (this.client !== null && this.client !== client)) return;
    this.client = null;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.options.logger.warn(
      { err: error, retryMs: this.retryMs },
      'lost the PostgreSQL notification connection; reconnecting',
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 5_000);
  }
}
