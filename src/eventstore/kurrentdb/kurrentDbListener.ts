import type { Logger } from 'pino';

/** The events of a live subscription that the listener uses. */
export interface LiveSubscription {
  on(event: 'data', listener: (event: unknown) => void): unknown;
  on(event: 'confirmation' | 'close' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
  unsubscribe(): Promise<void>;
  destroy(): unknown;
}

export interface KurrentDbListenerOptions {
  /** Starts a live subscription to $all from its end, filtered to our streams. */
  readonly subscribe: () => LiveSubscription;
  readonly onNotification: () => void;
  readonly logger: Logger;
}

const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * The notification source of one store instance, as LISTEN/NOTIFY is for PostgreSQL: one live
 * subscription to $all whose events only wake the catch-up subscriptions, which then read the log
 * themselves from their checkpoints (so every store follows the log through the same code). When
 * the subscription fails (a server restart, a lost connection) it is started again with backoff,
 * and the first confirmation after that fires one notification, because events may have been
 * appended while nobody listened.
 */
export class KurrentDbListener {
  private subscription: LiveSubscription | null = null;
  private closed = false;
  private retryMs = RETRY_INITIAL_MS;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: KurrentDbListenerOptions) {
    this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const subscription = this.subscription;
    this.subscription = null;
    if (subscription) await this.discard(subscription);
  }

  private start(): void {
    let subscription: LiveSubscription;
    try {
      subscription = this.options.subscribe();
    } catch (error) {
      this.scheduleRestart(error);
      return;
    }
    this.subscription = subscription;
    subscription.on('confirmation', () => {
      this.retryMs = RETRY_INITIAL_MS;
      this.options.onNotification();
    });
    subscription.on('data', () => this.options.onNotification());
    subscription.on('error', (error) => this.restart(subscription, error));
    subscription.on('end', () => this.restart(subscription, null));
    subscription.on('close', () => this.restart(subscription, null));
  }

  private restart(subscription: LiveSubscription, error: unknown): void {
    if (this.closed || this.subscription !== subscription) return;
    this.subscription = null;
    void this.discard(subscription);
    this.scheduleRestart(error);
  }

  private scheduleRestart(error: unknown): void {
    if (this.closed || this.retryTimer) return;
    this.options.logger.warn(
      { err: error, retryMs: this.retryMs },
      'lost the KurrentDB notification subscription; subscribing again',
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) this.start();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private async discard(subscription: LiveSubscription): Promise<void> {
    subscription.removeAllListeners();
    // A cancelled call may still report an error; it must not become an uncaught exception.
    subscription.on('error', () => undefined);
    await subscription.unsubscribe().catch(() => undefined);
    subscription.destroy();
  }
}
