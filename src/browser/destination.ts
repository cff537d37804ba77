// A destination: where outbox entries go, in its own wire format. Adding a vendor that the browser
// reaches directly is one new file implementing this.
import type { TrackedEvent } from '../events/types';

/** Chromium and Safari refuse keepalive bodies once a page has 64 KiB of them in flight (fetch spec). */
export const KEEPALIVE_BUDGET = 64 * 1024;

/** Per event: delivered, worth another try, or refused for good (the reason). */
export type Outcome = 'ok' | 'retry' | { error: string };

export interface SendResult {
  /** One per event of the batch, in order. */
  outcomes: Outcome[];
  /** The HTTP status, where one request carried the batch (0: no answer, as when the page went). */
  status?: number;
  /** The server's Retry-After, in milliseconds. */
  retryAfter?: number;
  /** The parsed answer of a single-event request (DataCue's recommendations). */
  answer?: unknown;
}

export interface Destination {
  /** Short name, the prefix of its outbox keys. */
  name: string;
  /** Events per request at most. */
  max: number;
  accepts(t: TrackedEvent): boolean;
  /** Sends a batch; never rejects (network failures are 'retry' outcomes). */
  send(batch: TrackedEvent[], keepalive: boolean): Promise<SendResult>;
  /**
   * At pagehide, when the page may be gone before any answer: queue the batch with sendBeacon. The
   * entries stay in the outbox, so the destination must accept them again (the relay deduplicates).
   * Destinations without it are sent with `keepalive` instead.
   */
  beacon?(batch: TrackedEvent[]): boolean;
}
