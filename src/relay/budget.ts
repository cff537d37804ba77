// One vendor's request budget for the whole shop: the least time between two requests, and a pause the
// vendor asked for (429 with Retry-After). Every request to that vendor goes through the same budget,
// whatever sends it (the events forwarder, a table push), so that a 429 stops all of them until then.
// Both times are kept in the store's meta, so a relay restarted during a pause still honours it.
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

type MetaStore = Pick<RelayStore, 'getMeta' | 'setMeta'>;

export const lastRequestKey = (vendor: string): string => 'last-request-end:' + vendor;
export const pausedKey = (vendor: string): string => 'paused-until:' + vendor;

export function vendorBudget(store: MetaStore, vendor: string, intervalMs: number, now: () => number = Date.now): VendorBudget {
  // Requests of this budget run one after another: the tail of the chain is the last one queued.
  let tail: Promise<unknown> = Promise.resolve();

  const pausedUntil = async (): Promise<number | undefined> => {
    const until = +((await store.getMeta(pausedKey(vendor))) || 0);
    return until > now() ? until : undefined;
  };
  const readyAt = async (): Promise<number> => {
    const last = +((await store.getMeta(lastRequestKey(vendor))) || 0);
    return Math.max(last + intervalMs, (await pausedUntil()) || 0);
  };
  const pause = async (until: number): Promise<void> => {
    const current = +((await store.getMeta(pausedKey(vendor))) || 0);
    if (until > current) await store.setMeta(pausedKey(vendor), String(until));
  };

  const send = async (url: string, init: Parameters<VendorBudget['request']>[1], timeoutMs?: number): Promise<VendorAnswer> => {
    for (;;) {
      const until = await pausedUntil();
      if (until) return { status: 0, body: '', error: 'not sent: ' + vendor + ' asked to wait until ' + new Date(until).toISOString(), retryAfter: until - now() };
      const wait = (await readyAt()) - now();
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const answer = await vendorRequest(url, init, timeoutMs);
    // Measured from the end of the request, so the vendor never sees two closer than the interval.
    await store.setMeta(lastRequestKey(vendor), String(now()));
    if (ASKS_TO_WAIT(answer.status) && answer.retryAfter) await pause(now() + answer.retryAfter);
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
