import { catchUpSubscription, type CatchUpSource } from './catchUpSubscription';
import type { SubscribeOptions, Subscription } from './eventStore';

/** The catch-up subscriptions of one store: started over its log, all stopped when it closes. */
export class SubscriptionRegistry {
  private readonly running = new Set<Subscription>();

  constructor(private readonly source: CatchUpSource) {}

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = catchUpSubscription(this.source, options);
    this.running.add(subscription);
    void subscription.finished
      .finally(() => this.running.delete(subscription))
      .catch(() => undefined);
    return subscription;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((subscription) => subscription.stop()));
  }
}
