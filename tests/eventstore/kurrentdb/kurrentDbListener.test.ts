import { EventEmitter } from 'node:events';
import pino from 'pino';
import {
  KurrentDbListener,
  type LiveSubscription,
} from '../../../src/eventstore/kurrentdb/kurrentDbListener';

/** A live subscription the test drives: confirm it, push events, break it. */
class ScriptedSubscription extends EventEmitter implements LiveSubscription {
  unsubscribed = false;
  destroyed = false;

  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    return Promise.resolve();
  }

  destroy(): void {
    this.destroyed = true;
  }
}

describe('KurrentDbListener', () => {
  let subscriptions: ScriptedSubscription[];
  let notifications: number;
  let listener: KurrentDbListener;

  beforeEach(() => {
    jest.useFakeTimers();
    subscriptions = [];
    notifications = 0;
    listener = new KurrentDbListener({
      subscribe: () => {
        const subscription = new ScriptedSubscription();
        subscriptions.push(subscription);
        return subscription;
      },
      onNotification: () => (notifications += 1),
      logger: pino({ level: 'silent' }),
    });
  });

  afterEach(async () => {
    await listener.close();
    jest.useRealTimers();
  });

  it('subscribes once, and wakes readers for each event of ours the server pushes', () => {
    subscriptions[0]!.emit('confirmation');
    subscriptions[0]!.emit('data', {});
    subscriptions[0]!.emit('data', {});
    expect(subscriptions).toHaveLength(1);
    expect(notifications).toBe(3);
  });

  it('subscribes again with backoff after the subscription fails, then wakes readers once', async () => {
    subscriptions[0]!.emit('confirmation');
    notifications = 0;
    subscriptions[0]!.emit('error', new Error('14 UNAVAILABLE'));
    expect(subscriptions[0]!.unsubscribed).toBe(true);
    await jest.advanceTimersByTimeAsync(100);
    expect(subscriptions).toHaveLength(2);
    // Still down: the next attempt waits twice as long.
    subscriptions[1]!.emit('error', new Error('14 UNAVAILABLE'));
    await jest.advanceTimersByTimeAsync(150);
    expect(subscriptions).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(50);
    expect(subscriptions).toHaveLength(3);
    expect(notifications).toBe(0);
    // Events may have been appended while nobody listened.
    subscriptions[2]!.emit('confirmation');
    expect(notifications).toBe(1);
  });

  it('subscribes again when the server ends the subscription', async () => {
    subscriptions[0]!.emit('end');
    await jest.advanceTimersByTimeAsync(100);
    expect(subscriptions).toHaveLength(2);
  });

  it('reacts once to a subscription that both fails and closes', async () => {
    subscriptions[0]!.emit('error', new Error('14 UNAVAILABLE'));
    subscriptions[0]!.emit('close');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(subscriptions).toHaveLength(2);
  });

  it('stops subscribing once closed', async () => {
    subscriptions[0]!.emit('error', new Error('14 UNAVAILABLE'));
    await listener.close();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(subscriptions).toHaveLength(1);
  });

  it('cancels its subscription when closed', async () => {
    await listener.close();
    expect(subscriptions[0]).toMatchObject({ unsubscribed: true, destroyed: true });
    subscriptions[0]!.emit('data', {});
    expect(notifications).toBe(0);
  });
});
