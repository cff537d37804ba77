// One vendor's request budget for the whole shop: the least time between two requests, and a pause the
// vendor asked for (429 with Retry-After). Every request to that vendor goes through the same budget,
// whatever sends it (the events forwarder, a table push), so that a 429 stops all of them until then.
// It is the store's turn for that vendor (RelayStore.beginTurn): the end of the last request and the
// pause live in the store, so a relay restarted during a pause still honours it, and relays sharing a
// PostgreSQL store take turns under the database's lock, one request an interval for the whole shop.
import { persistently } from './lease';
import type { RelayStore } from './store';
import { type VendorAnswer, vendorRequest } from './vendor-http';

export interface VendorBudget {
  readonly vendor: string;
  /** When the next request may start (ms since the epoch): after the pause, and the interval after the last one. */
  readyAt(): Promise<number>;
  /** Until when the vendor asked us to wait, if it did and that time is still ahead. */
  pausedUntil(): Promise<number | undefined>;
  /** Nothing goes to the vendor before `until` (a later pause already set is kept). */
  pause(until: number): Promise<void>;
  /**
   * Sends one request when the interval allows, one at a time for the whole budget; a 429 (or a 503)
   * with Retry-After pauses the vendor for that long. While the vendor is paused nothing is sent: the
   * answer is status 0 with `retryAfter` the time left. Never rejects.
   */
  request(url: string, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }, timeoutMs?: number): Promise<VendorAnswer>;
}

/** Answers that ask the client to slow down, with the time in Retry-After. */
const ASKS_TO_WAIT = (status: number): boolean => status == 429 || status == 503;

type TurnStore = Pick<RelayStore, 'beginTurn' | 'endTurn' | 'turnState' | 'pauseTurn'>;

export function vendorBudget(store: TurnStore, vendor: string, intervalMs: number, now: () => number = Date.now): VendorBudget {
  // Requests of this budget from this relay run one after another: the tail of the chain is the last one queued.
  let tail: Promise<unknown> = Promise.resolve();

  const pausedUntil = async (): Promise<number | undefined> => {
    const { pausedMs } = await store.turnState(vendor, intervalMs);
    return pausedMs > 0 ? now() + pausedMs : undefined;
  };
  const readyAt = async (): Promise<number> => now() + (await store.turnState(vendor, intervalMs)).wait;
  const pause = (until: number): Promise<void> => store.pauseTurn(vendor, until - now());

  const send = async (url: string, init: Parameters<VendorBudget['request']>[1], timeoutMs?: number): Promise<VendorAnswer> => {
    for (;;) {
      const until = await pausedUntil();
      if (until) return { status: 0, body: '', error: 'not sent: ' + vendor + ' asked to wait until ' + new Date(until).toISOString(), retryAfter: until - now() };
      const wait = await store.beginTurn(vendor, intervalMs);
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const answer = await vendorRequest(url, init, timeoutMs);
    // The turn ends with the request: the next starts an interval later, or after the pause the vendor asked for.
    // Should the store stay unreachable, the turn stays held until its lease ends: no relay sends sooner.
    await persistently(() => store.endTurn(vendor, true, ASKS_TO_WAIT(answer.status) && answer.retryAfter ? answer.retryAfter : 0)).catch(() => undefined);
    return answer;
  };

  return {
    vendor,
    readyAt,
    pausedUntil,
    pause,
    request(url, init, timeoutMs) {
      const run = tail.then(() => send(url, init, timeoutMs));
      tail = run.catch(() => undefined);
      return run.catch((err) => ({ status: 0, body: '', error: String(err) }));
    },
  };
}
