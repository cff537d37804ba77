// The outbox: every event is written here before it is sent, and leaves only when its destination has
// acknowledged it or refused it for good. One tab of the shop sends at a time (a lock shared by the
// tabs is held for the whole round), so no two tabs send the same entry.
import { stringify } from '../events/json';
import { backoff } from '../events/policy';
import type { TrackedEvent } from '../events/types';
import type { Destination, SendResult } from './destination';
import type { Entry, Store } from './store';
import { KEEPALIVE_BUDGET } from './transport';

/** An entry sent at once, outside the lock, is not due for others before this: longer than a request may take. */
export const LEASE_MS = 30 * 1000;
/** Entries older than this are dropped (and counted): DataCue logs browser events at receipt. */
export const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/**
 * Without a lock shared by the tabs, an entry another tab wrote is left to that tab until it is this
 * far past its due time: a live tab sends its entries when due, so one that late belongs to a tab gone.
 */
export const ORPHAN_MS = 60 * 1000;
/** The outbox holds at most this many entries; past it the oldest are dropped and counted. */
export const MAX_ENTRIES = 2000;
/** Bytes of a batch past which it is split (the keepalive budget, with room for headers). */
export const BATCH_BYTES = KEEPALIVE_BUDGET - 4096;

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
   * Runs `fn` while no other tab of the shop runs it (Web Locks). Without one, each tab sends the
   * entries it wrote, and takes over another's only once they are ORPHAN_MS overdue (that tab is gone).
   */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
}

export function createOutbox(deps: OutboxDeps) {
  const { store, pageId: page, onError, dests } = deps;
  const now = Date.now;
  const lock = deps.lock || ((fn) => fn());
  const dest = (name: string) => dests.find((d) => d.name == name);
  const stats = { sent: 0, retried: 0, dropped: 0 };
  /** Entries this tab holds and has not seen resolved: what it hands over at pagehide. */
  const mine = new Map<string, Entry>();
  const inFlight = new Set<string>();
  let writing: Entry[] = [];
  let written: Promise<void> | undefined;
  let flushing: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const drop = (e: Entry, why: string) => {
    stats.dropped++;
    mine.delete(e.k);
    onError(new Error(why), e.t);
  };

  /** Splits entries of one destination into requests: by count, by bytes, and solos alone. */
  const batches = (d: Destination, es: Entry[]): Entry[][] => {
    const out: Entry[][] = [];
    let cur: Entry[] = [];
    let bytes = 0;
    for (const e of es) {
      const size = stringify(e.t).length;
      if (e.solo || !cur.length || cur.length >= d.max || (bytes += size) > BATCH_BYTES) {
        out.push((cur = [e]));
        bytes = e.solo ? Infinity : size;
      } else cur.push(e);
    }
    return out;
  };

  /** Sends a batch and settles its entries; `answered` hears an answer first, before the store is written. */
  const sendBatch = async (d: Destination, batch: Entry[], keepalive?: boolean, answered?: (answer: unknown) => void): Promise<SendResult> => {
    for (const e of batch) inFlight.add(e.k);
    const r = await d.send(
      batch.map((e) => e.t),
      !!keepalive,
    );
    if (r.answer) answered?.(r.answer);
    const t = now();
    const done: string[] = [];
    const keep: Entry[] = [];
    // size: 5 B, .map as the loop against forEach (the core is at its gate).
    batch.map((e, i) => {
      const o = r.outcomes[i] || 'retry';
      inFlight.delete(e.k);
      if (o == 'retry') {
        stats.retried++;
        e.at = t + Math.max(backoff(++e.n, Math.random()), r.retryAfter || 0);
        keep.push(e);
      } else if (o != 'ok' && batch[1]) {
        // One refused event must not cost the others of its batch: each goes alone from now on.
        // size: 3 B, batch[1] for "more than one" against batch.length > 1.
        e.solo = true;
        keep.push(e);
      } else {
        if (o == 'ok') {
          stats.sent++;
          mine.delete(e.k);
        } else drop(e, o.error);
        done.push(e.k);
      }
    });
    if (done.length) await store.del(done);
    if (keep.length) await store.put(keep);
    return r;
  };

  /** The due entries, oldest first; past the bounds, the oldest are dropped. */
  const due = async () => {
    const t = now();
    const all = (await store.all()).sort((a, b) => a.t.ts - b.t.ts);
    const gone: string[] = [];
    const ready: Entry[] = [];
    let next = Infinity;
    const over = all.length - MAX_ENTRIES;
    // size: 5 B, .map as the loop against forEach.
    all.map((e, i) => {
      if (i < over || t - e.t.ts > MAX_AGE_MS) {
        gone.push(e.k);
        drop(e, 'outbox full or event older than 7 days: dropped');
      } else if (e.hold != page && dest(e.d) && !inFlight.has(e.k)) {
        // (Otherwise deferred to the next page, for a destination this page lacks, or being sent.)
        const at = deps.lock || mine.has(e.k) ? e.at : e.at + ORPHAN_MS;
        if (at > t) next = Math.min(next, at);
        else {
          ready.push(e);
          mine.set(e.k, e);
        }
      }
    });
    if (gone.length) await store.del(gone);
    return { ready, next };
  };

  const schedule = (at: number) => {
    if (at < Infinity) {
      clearTimeout(timer);
      timer = setTimeout(flush, at - now());
    }
  };

  /** Groups entries by destination and sends each group in batches; `keepalive` at unload. */
  const send = (es: Entry[], keepalive?: boolean, budget = KEEPALIVE_BUDGET) =>
    Promise.all(
      dests.map(async (d) => {
        for (const b of batches(d, es.filter((e) => e.d == d.name))) {
          if (!keepalive) await sendBatch(d, b);
          else if (d.beacon) d.beacon(b.map((e) => e.t));
          else if ((budget -= stringify(b.map((e) => e.t)).length) > 0) sendBatch(d, b, true);
        }
      }),
    );

  const run = () =>
    lock(async () => {
      do {
        again = false;
        await written;
        const { ready, next } = await due();
        await send(ready);
        if (ready.length) again = true;
        else schedule(next);
      } while (again);
    });

  /** Sends every due entry; concurrent calls share one run, and a call during a run asks for another. */
  function flush(): Promise<void> {
    if (flushing) again = true;
    else flushing = run().catch(onError).finally(() => (flushing = undefined));
    return flushing!;
  }

  return {
    /** Counts of this page: sent, retried, dropped (the tracker adds what is waiting). */
    stats: () => ({ ...stats }),

    /**
     * Writes events to the outbox. Every call in the same tick shares one IndexedDB transaction.
     * `lease` keeps other tabs off them while this one sends them at once; `hold` defers them to the next page.
     */
    add(ts: TrackedEvent[], opts: { hold?: boolean; lease?: boolean } = {}): { entries: Entry[]; written: Promise<void> } {
      const t = now();
      const entries: Entry[] = [];
      for (const ev of ts)
        for (const d of dests)
          if (d.accepts(ev)) {
            const e: Entry = { k: d.name + ':' + ev.id, d: d.name, t: ev, n: 0, at: t };
            if (opts.hold) e.hold = page;
            if (opts.lease) e.at = t + LEASE_MS;
            entries.push(e);
            mine.set(e.k, e);
          }
      // Written in a task of its own, after the caller's: a shop's burst of calls and the cloning of
      // what they tracked into IndexedDB do not add up to one long task. Not in a hidden tab, whose
      // timers are throttled (a second, a minute) and which may be discarded unseen: there, at once.
      if (!writing.length)
        written = new Promise((r) => (document.hidden ? r(0) : setTimeout(r))).then(() => {
          const batch = writing;
          writing = [];
          return store.put(batch);
        });
      writing.push(...entries);
      return { entries, written: written! };
    },

    /**
     * Sends one leased entry at once; its destination's answer goes to `answered` as soon as it is in
     * (the widgets draw it within the frame it arrives in), before the outbox's own bookkeeping.
     */
    async now(e: Entry, answered?: (answer: unknown) => void): Promise<void> {
      const r = await sendBatch(dest(e.d)!, [e], false, answered);
      // A failure has set a retry time; until then the entry waits like any other.
      if (r.outcomes[0] != 'ok') schedule(e.at);
    },

    flush,

    /**
     * The page is going away (pagehide, or hidden, after which it may be killed unseen): hand what this
     * tab holds to the browser. Beacons for destinations that deduplicate, keepalive fetches within
     * the browser's budget for the others. Entries stay until acknowledged.
     */
    unload(): void {
      send(
        [...mine.values()].filter((e) => e.hold != page && !inFlight.has(e.k)),
        true,
      ).catch(onError);
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
