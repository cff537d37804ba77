// The outbox's sending half (outbox.ts is the half the blocking script holds): due entries go out in
// batches, one tab of the shop at a time (a lock the tabs share is held for the whole round, so no two
// tabs send the same entry), failures wait for their backoff, and what the page holds when it goes is
// handed to the browser. The script tag loads this as a chunk of its own (dist/shoptrack-send.js),
// without blocking the page; bundlers get it with the tracker.
import { type Destination, KEEPALIVE_BUDGET } from './destination';
import { type Outbox, type OutboxDeps, openOutbox } from './outbox';
import { attempt } from './attempt';
import { warn } from './console';
import type { Config } from './config';
import { DELETING_PREFIX, type Entry, HELD_KEY, LEFT_KEY } from './store';
import type { TrackedEvent } from '../events/types';

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
/**
 * How long after a `navigate` event to a page of the shop its pagehide is taken for that navigation.
 * Past it (a slow server, or a navigation that became a download or was cancelled), the page hands
 * over what it holds, as at any other pagehide.
 */
export const NAVIGATION_MS = 10 * 1000;

/** The BroadcastChannel on which the shop's open tabs say they are there. */
export const TABS_CHANNEL = 'shoptrack-tabs';

/** Whether a destination takes an event sent twice as once (the relay, by event id): those get beacons. */
const deduplicates = (dests: Destination[], name: string) => dests.some((d) => d.name == name && d.beacon);

export interface Sending {
  /**
   * Sends every due entry; concurrent calls share one run, and a call during a run asks for another.
   * `online`: the network is back, so what waits for any destination is due again.
   */
  flush(online?: boolean): Promise<void>;
  /**
   * The page is going away (pagehide, or hidden, after which it may be killed unseen): hand what this
   * tab holds to the browser. Beacons for destinations that deduplicate, keepalive fetches within
   * the browser's budget for the others. Entries stay until acknowledged. `deduplicatingOnly`: only
   * what goes to destinations that deduplicate (the relay).
   */
  unload(deduplicatingOnly?: boolean): void;
}

/**
 * The sending loop. `leaving()` gives 0, or until when the page is taken to be going to a next page of
 * the shop, which sends what is written: until then the loop starts no request (one on the wire when
 * the page goes reaches its destination with its answer unread, and the next page sends it again).
 */
export interface SendingOptions {
  /** 0, or until when the page is taken to be going to a next page of the shop (see createSending). */
  leaving?: () => number;
  /**
   * The shop's choice (config `handoff_counts_as_sent`): what a page has on the wire to a destination
   * that does not deduplicate (DataCue, directly) when it goes away counts as sent. Its entries leave
   * the store as the request goes out (a failure the page lives to read puts them back), and a request
   * the page's going cuts short (no answer, once `going()` says so) settles them as sent. Whatever such
   * a request then fails to deliver is lost: the shop's trade for no doubles.
   */
  onWireCountsAsSent?: boolean;
  /** Whether the page is going away (beforeunload, a navigation, pagehide: within the last seconds). */
  going?: () => boolean;
  /**
   * Whether another tab of the shop is open. While this tab's request for the lock is unanswered, such
   * a tab may hold the lock and be sending what this one wrote.
   */
  otherTabs?: () => boolean;
}

export function createSending(o: Outbox, opts: SendingOptions = {}): Sending {
  const { leaving = () => 0, onWireCountsAsSent, going = () => false, otherTabs = () => false } = opts;
  const { store, pageId: page, onError, dests } = o.deps;
  const lock = o.deps.lock || ((fn) => fn());
  let flushing: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Waiting for the lock the tabs share: another tab holds it, and sends every entry due meanwhile. */
  let waiting = false;
  /** This tab asked for the lock and has no answer yet: free, or held by another tab, it does not know. */
  let asking = false;
  /** Entries this tab took up from the store that another tab tracked while this page was open. */
  const others = new Set<string>();
  const startedAt = Date.now();

  /**
   * Splits entries of one destination into requests: by count, by bytes, and solos alone. `size` is
   * the JSON of the batch's events: theirs, with a comma between and the brackets.
   */
  const batches = (d: Destination, es: Entry[]): { b: Entry[]; size: number }[] => {
    const out: { b: Entry[]; size: number }[] = [];
    let cur: { b: Entry[]; size: number } | undefined;
    for (const e of es) {
      const size = o.lib.json(e.t).length;
      if (e.solo || !cur || cur.b[0].solo || cur.b.length >= d.max || cur.size + size + 1 > BATCH_BYTES) out.push((cur = { b: [e], size: size + 2 }));
      else {
        cur.b.push(e);
        cur.size += size + 1;
      }
    }
    return out;
  };

  /** The due entries, oldest first; past the bounds, the oldest are dropped. */
  const due = async () => {
    const t = Date.now();
    // What a page that went away was deleting (store.ts DELETING_PREFIX): finished first, so it is not
    // sent again. Deleting the same keys again notes them under the same name, and clears the note.
    for (const note of attempt(() => Object.keys(localStorage).filter((k) => k.startsWith(DELETING_PREFIX))) || [])
      await store.del(o.lib.list(note) as string[]);
    const all = (await store.all()).sort((a, b) => a.t.ts - b.t.ts);
    const gone: string[] = [];
    const ready: Entry[] = [];
    let next = Infinity;
    const over = all.length - MAX_ENTRIES;
    all.forEach((e, i) => {
      if (i < over || t - e.t.ts > MAX_AGE_MS) {
        gone.push(e.k);
        o.drop(e, 'outbox full or event older than 7 days: dropped');
      } else if (e.hold != page && dests.some((d) => d.name == e.d) && !o.inFlight.has(e.k)) {
        // (Otherwise deferred to the next page, for a destination this page lacks, or being sent.)
        // An entry that failed before is due again once its destination took something since the last
        // read; not one another tab leased.
        const again = e.n && o.dueAgain.has(e.d);
        const at = o.deps.lock || o.mine.has(e.k) ? (again ? t : e.at) : e.at + ORPHAN_MS;
        if (at > t) next = Math.min(next, at);
        else {
          ready.push(e);
          if (!o.mine.has(e.k) && e.t.ts >= startedAt) others.add(e.k);
          o.mine.set(e.k, e);
        }
      }
    });
    o.dueAgain.clear();
    if (gone.length) await store.del(gone);
    return { ready, next };
  };

  const schedule = (at: number) => {
    if (at < Infinity) {
      clearTimeout(timer);
      timer = setTimeout(flush, at - Date.now());
    }
  };

  /**
   * Bytes of this page's keepalive requests on the wire: the browser refuses one that would take all of
   * them past KEEPALIVE_BUDGET, and a refused request must not pass for one the page's going cut short.
   */
  let keptAlive = 0;

  /** With onWireCountsAsSent, a destination whose entries leave the store as their request goes out. */
  const countsOnWire = (d: Destination) => !!onWireCountsAsSent && !d.beacon;

  /**
   * Sends a batch. To a destination that counts what is on the wire as sent, every request is a
   * keepalive one where the budget allows: the page's going does not cut it short, it goes on in the
   * browser. Its page may still read no answer once it is going (seen in the fault suite),
   * and a request without an answer then counts as sent: put back, the next page would send it again
   * (measured: 3-11 % doubles on the browser's reload, against 0).
   */
  const sendBatch = async (d: Destination, b: Entry[], keepalive: boolean, size: number) => {
    if (keepalive) keptAlive += size;
    try {
      if (!countsOnWire(d)) return await o.sendBatch(d, b, keepalive);
      const counted: Destination = {
        ...d,
        async send(batch, keepalive) {
          const r = await d.send(batch, keepalive);
          return r.status === 0 && going() ? { ...r, outcomes: batch.map(() => 'ok' as const) } : r;
        },
      };
      const sent = o.sendBatch(counted, b, keepalive);
      // On the wire: out of the store at once, so that no other page sends it again should this one go
      // before the answer (a closing tab reads none). A failure the page lives to read puts it back.
      store.del(b.map((e) => e.k));
      return await sent;
    } finally {
      if (keepalive) keptAlive -= size;
    }
  };

  /**
   * Groups entries by destination and sends each group in batches; at unload (`unloading`), as keepalive
   * requests and beacons, without waiting for answers. A page that is going (a navigation out of the
   * shop, beforeunload) sends what falls due meanwhile as keepalive requests too: its going would cut an
   * ordinary one short, and entries on the wire are not handed over at pagehide.
   */
  const send = (es: Entry[], unloading?: boolean) =>
    Promise.all(
      dests.map(async (d) => {
        for (const { b, size } of batches(
          d,
          es.filter((e) => e.d == d.name),
        )) {
          // A navigation to a next page of the shop began meanwhile: that page sends the rest.
          if (!unloading && leaving()) break;
          const events = b.map((e) => e.t);
          const alive = keptAlive + size <= KEEPALIVE_BUDGET;
          if (!unloading) await sendBatch(d, b, alive && (going() || countsOnWire(d)), size);
          else if (d.beacon) d.beacon(events);
          else if (alive) sendBatch(d, b, true, size);
        }
      }),
    );

  const run = () => {
    asking = true;
    return lock(
      async () => {
        asking = waiting = false;
        do {
          again = false;
          await o.written;
          const until = leaving();
          if (until) return schedule(until);
          const { ready, next } = await due();
          await send(ready);
          if (ready.length) again = true;
          else schedule(next);
        } while (again);
      },
      () => {
        asking = false;
        waiting = true;
      },
    );
  };

  function flush(online?: boolean): Promise<void> {
    if (online) for (const d of dests) o.dueAgain.add(d.name);
    if (flushing) again = true;
    else flushing = run().catch(onError).finally(() => (flushing = undefined));
    return flushing!;
  }

  return {
    flush,
    unload(deduplicatingOnly) {
      // While another tab holds the lock (Web Locks), that tab sends what is written, this tab's
      // entries too: handed over as well, they would reach DataCue twice. What is not written yet is
      // this tab's to hand over. Entries another tab tracked while this page was open are that live
      // tab's to send (Web Locks); earlier pages' entries are handed over as this tab's own. A
      // destination that deduplicates (the relay) gets all of it: twice costs nothing there. While
      // the lock has not answered, another open tab is taken to hold it; alone, this tab hands over.
      const othersSend = !!o.deps.lock && (waiting || (asking && otherTabs()));
      send(
        [...o.mine.values()].filter(
          (e) =>
            e.hold != page &&
            !o.inFlight.has(e.k) &&
            (deduplicates(dests, e.d) ||
              (!deduplicatingOnly && (!othersSend || o.unwritten.has(e.k)) && !(o.deps.lock && others.has(e.k)))),
        ),
        true,
      ).catch(onError);
    },
  };
}

/** The whole outbox, both halves, for bundlers and tests. */
export const createOutbox = (deps: OutboxDeps): Outbox & Sending => {
  const o = openOutbox(deps);
  return Object.assign(o, createSending(o));
};

/** The Navigation API (Chromium 102 on; not yet in TypeScript's DOM types): what the outbox reads of it. */
declare const navigation: {
  addEventListener(
    type: 'navigate',
    fn: (e: { destination: { url: string; sameDocument: boolean }; downloadRequest: string | null }) => void,
  ): void;
};

/**
 * Starts sending for the tracker: at once, then whenever the network comes back and when the page
 * goes (pagehide, not unload: an unload listener keeps the page out of the back-forward cache; hidden
 * too: a hidden page may be killed unseen). `granted`: whether the shopper allows storage and sending.
 *
 * Where a next page of the shop comes (a link, a form, a reload or a navigation by the page's script:
 * the Navigation API tells where it goes), that page sends what is written: handed over too, it would
 * reach DataCue twice (no idempotency key). What is not written yet is left for it in localStorage
 * (LEFT_KEY). A reload from the browser's button, a closing tab and a navigation away from the shop
 * hand everything over: the browser tells nothing of where they go.
 */
export function startSending(o: Outbox, granted: () => boolean, config: Config): Sending {
  const { list, save } = o.lib;
  // What earlier pages deferred (track(e, true)), and what the last one left unwritten: into the
  // outbox, to be sent from this page. What this page deferred since it opened the outbox, before this
  // half came, stays for the next page: moved to the outbox now, its write could be cut short by the
  // navigation it was deferred for.
  if (granted()) {
    const held = list(HELD_KEY) as TrackedEvent[];
    const left = list(LEFT_KEY) as Entry[];
    const earlier = held.filter((t) => t.ts < o.opened);
    const mine = held.filter((t) => t.ts >= o.opened);
    attempt(() => localStorage.removeItem(LEFT_KEY));
    if (mine.length) save(HELD_KEY, mine);
    else attempt(() => localStorage.removeItem(HELD_KEY));
    if (earlier.length) o.add(earlier);
    if (left.length) o.deps.store.put(left);
  }
  let nextPageAt = -NAVIGATION_MS;
  /** When the page last said it is going away: beforeunload, a navigation, pagehide. */
  let goingAt = -NAVIGATION_MS;
  const going = () => Date.now() - goingAt < NAVIGATION_MS;
  const leaving = () => (Date.now() - nextPageAt < NAVIGATION_MS ? nextPageAt + NAVIGATION_MS : 0);
  const once = config.raw.handoff_counts_as_sent;
  if (once != null && typeof once != 'boolean') warn('config.handoff_counts_as_sent: must be true or false');
  // The other open tabs of the shop, by page id: each says 'hi' when it opens (or comes back from the
  // back-forward cache), 'here' to a 'hi', and 'bye' at pagehide. The channel is closed while the page
  // is hidden in that cache, which an open channel could keep it out of.
  const tabs = new Set<unknown>();
  let channel: BroadcastChannel | undefined;
  const say = (kind: string) => attempt(() => channel!.postMessage([kind, o.deps.pageId]));
  const hello = () => {
    channel = attempt(() => new BroadcastChannel(TABS_CHANNEL));
    if (channel)
      channel.onmessage = (m) =>
        attempt(() => {
          const [kind, id] = m.data;
          if (kind == 'bye') tabs.delete(id);
          else tabs.add(id);
          if (kind == 'hi') say('here');
        });
    say('hi');
  };
  hello();
  addEventListener('pageshow', (e) => e.persisted && hello());
  const s = createSending(o, { leaving, onWireCountsAsSent: once === true, going, otherTabs: () => tabs.size > 0 });
  // A reload from the browser's button, a typed URL and a closing tab fire no `navigate`, but this.
  addEventListener('beforeunload', () => (goingAt = Date.now()));
  attempt(() =>
    navigation.addEventListener('navigate', (n) => {
      const toShop = !n.destination.sameDocument && !n.downloadRequest && n.destination.url.startsWith(location.origin + '/');
      nextPageAt = toShop ? Date.now() : -NAVIGATION_MS;
      if (!n.destination.sameDocument) goingAt = Date.now();
    }),
  );
  const unload = () => {
    if (!granted()) return;
    // Going to a next page of the shop: what goes to the relay is handed over all the same (it
    // deduplicates, and that page may be one without the script); the rest waits for the next page
    // with the script.
    // Read once: two readings could fall on either side of the navigation's time limit.
    const toNextPage = !!leaving();
    s.unload(toNextPage);
    if (toNextPage) {
      const left = [...o.mine.values()].filter((e) => o.unwritten.has(e.k));
      if (left.length) save(LEFT_KEY, list(LEFT_KEY).concat(left));
    }
  };
  addEventListener('pagehide', () => {
    goingAt = Date.now();
    unload();
    say('bye');
    attempt(() => channel!.close());
    tabs.clear();
  });
  addEventListener('visibilitychange', () => document.visibilityState == 'hidden' && unload());
  addEventListener('online', () => granted() && s.flush(true));
  return s;
}
