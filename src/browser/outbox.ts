// The outbox, the half every page needs at once (in the blocking script): every event is written here
// before it is sent, and leaves only when its destination has acknowledged it or refused it for good.
// The events whose answer the page needs are sent at once, beside their write. Sending the rest —
// batches, retries, the tabs' lock, the hand-over at pagehide — is sending.ts, which the script tag
// loads as a chunk of its own without blocking the page.
import { stringify } from '../events/json';
import { backoff } from '../events/policy';
import type { TrackedEvent } from '../events/types';
import type { Destination, SendResult } from './destination';
import { type Entry, type Store, list, save } from './store';

/** An entry sent at once, outside the lock, is not due for others before this: longer than a request may take. */
export const LEASE_MS = 30 * 1000;
/**
 * A destination that took something (2xx) this recently is up: what it fails then waits the backoff of
 * UP_TRIES tries at most (seconds), not the minutes that a long outage earns.
 */
export const UP_MS = 60 * 1000;
export const UP_TRIES = 3;

export interface Stats {
  waiting: number;
  sent: number;
  retried: number;
  dropped: number;
}

export interface OutboxDeps {
  store: Store;
  dests: Destination[];
  /** This page load's id: entries deferred by this page are held until the next one. */
  pageId: string;
  /** Refused for good, or dropped by the bounds. */
  onError: (err: Error, t?: TrackedEvent) => void;
  /**
   * Runs `fn` while no other tab of the shop runs it (Web Locks), calling `busy` first when another tab
   * holds it (this one waits, and the other sends what is written meanwhile). Without one, each tab
   * sends the entries it wrote, and takes over another's only once they are ORPHAN_MS overdue (that
   * tab is gone).
   */
  lock?: <T>(fn: () => Promise<T>, busy: () => void) => Promise<T>;
}

/**
 * The blocking half's JSON writer and localStorage lists (store.ts), lent to the sending half: its
 * chunk then carries no second copy of them.
 */
export interface Lib {
  json: typeof stringify;
  list: typeof list;
  save: typeof save;
}

/** The outbox's state, shared by this half and sending.ts. */
export interface Outbox {
  deps: OutboxDeps;
  lib: Lib;
  /** When this page opened the outbox (ms): what was deferred before came from earlier pages. */
  opened: number;
  /** Counts of this page: sent, retried, dropped (the tracker adds what is waiting). */
  counts: Omit<Stats, 'waiting'>;
  /** Entries this tab holds and has not seen resolved: what it hands over at pagehide. */
  mine: Map<string, Entry>;
  /** Keys of the entries on the wire. */
  inFlight: Set<string>;
  /** Keys of entries not in the store yet: waiting for their write, or being written. */
  unwritten: Set<string>;
  /**
   * Destinations that took something (2xx) since the entries were last read (every one once the network
   * is back): their entries that failed before are due again, not left to a backoff of up to minutes.
   */
  dueAgain: Set<string>;
  /** When each destination last took something. */
  upAt: { [dest: string]: number };
  /** The write of what was added last; the store holds it once this settles. */
  written?: Promise<void>;
  drop(e: Entry, why: string): void;
  /** Sends a batch and settles its entries; `answered` hears an answer first, before the store is written. */
  sendBatch(d: Destination, batch: Entry[], keepalive?: boolean, answered?: (answer: unknown) => void): Promise<SendResult>;
  /**
   * Writes events to the outbox. Every call in the same tick shares one IndexedDB transaction.
   * `lease` keeps other tabs off them while this one sends them at once; `hold` defers them to the next page.
   */
  add(ts: TrackedEvent[], opts?: { hold?: boolean; lease?: boolean }): { entries: Entry[]; written: Promise<void> };
  /**
   * Sends one leased entry at once, whether or not its write is done; its destination's answer goes to
   * `answered` as soon as it is in (the widgets draw it within the frame it arrives in), before the
   * outbox's own bookkeeping. A failure has set a retry time; until then the entry waits like any other.
   */
  now(e: Entry, answered?: (answer: unknown) => void): Promise<SendResult>;
}

export function openOutbox(deps: OutboxDeps): Outbox {
  const { store, pageId: page, onError, dests } = deps;
  let writing: Entry[] = [];

  const o: Outbox = {
    deps,
    lib: { json: stringify, list, save },
    opened: Date.now(),
    counts: { sent: 0, retried: 0, dropped: 0 },
    mine: new Map(),
    inFlight: new Set(),
    unwritten: new Set(),
    dueAgain: new Set(),
    upAt: {},

    drop(e, why) {
      o.counts.dropped++;
      o.mine.delete(e.k);
      onError(new Error(why), e.t);
    },

    async sendBatch(d, batch, keepalive, answered) {
      for (const e of batch) o.inFlight.add(e.k);
      const r = await d.send(
        batch.map((e) => e.t),
        !!keepalive,
      );
      if (r.answer) answered?.(r.answer);
      const t = Date.now();
      if (r.outcomes.includes('ok')) {
        o.dueAgain.add(d.name);
        o.upAt[d.name] = t;
      }
      // Up, unless it asked for a pause (Retry-After).
      const up = !r.retryAfter && t - (o.upAt[d.name] || 0) < UP_MS;
      const done: string[] = [];
      const keep: Entry[] = [];
      batch.forEach((e, i) => {
        const outcome = r.outcomes[i] || 'retry';
        o.inFlight.delete(e.k);
        if (outcome == 'retry') {
          o.counts.retried++;
          e.n++;
          e.at = t + Math.max(backoff(up ? Math.min(e.n, UP_TRIES) : e.n, Math.random()), r.retryAfter || 0);
          keep.push(e);
        } else if (outcome != 'ok' && batch.length > 1) {
          // One refused event must not cost the others of its batch: each goes alone from now on.
          e.solo = true;
          keep.push(e);
        } else {
          if (outcome == 'ok') {
            o.counts.sent++;
            o.mine.delete(e.k);
          } else o.drop(e, outcome.error);
          done.push(e.k);
        }
      });
      if (done.length) {
        // Settled before its write began (the page view goes out first): it is never written. Deleted
        // at once, not after the writes under way: a page going away may not live that long, and
        // IndexedDB runs a delete after the writes asked for before it.
        writing = writing.filter((e) => !done.includes(e.k));
        for (const k of done) o.unwritten.delete(k);
        await store.del(done);
      }
      if (keep.length) await store.put(keep);
      return r;
    },

    add(ts, opts = {}) {
      const t = Date.now();
      const entries: Entry[] = [];
      for (const ev of ts)
        for (const d of dests)
          if (d.accepts(ev)) {
            const e: Entry = { k: d.name + ':' + ev.id, d: d.name, t: ev, n: 0, at: t };
            if (opts.hold) e.hold = page;
            if (opts.lease) e.at = t + LEASE_MS;
            entries.push(e);
            o.mine.set(e.k, e);
            o.unwritten.add(e.k);
          }
      // Written in a task of its own, after the caller's: a shop's burst of calls and the cloning of
      // what they tracked into IndexedDB do not add up to one long task. Not in a hidden tab, whose
      // timers are throttled (a second, a minute) and which may be discarded unseen: there, at once.
      if (!writing.length)
        o.written = new Promise((r) => (document.hidden ? r(0) : setTimeout(r))).then(async () => {
          const batch = writing;
          writing = [];
          await store.put(batch);
          for (const e of batch) o.unwritten.delete(e.k);
        });
      writing.push(...entries);
      return { entries, written: o.written! };
    },

    now: (e, answered) => o.sendBatch(dests.find((d) => d.name == e.d)!, [e], false, answered),
  };
  return o;
}
