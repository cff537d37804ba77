// The public API: window.shoptrack, also installed as window.datacue (a drop-in for DataCue's script).
import type { Dict, ShopEvent, TrackedEvent } from '../events/types';
import { ShoptrackError, asId, isObj, validateEvent } from '../events/validate';
import { answersWithRecs } from '../vendors/datacue';
import { CONSENTS, type Config, type Consent, oneOf, readConfig } from './config';
import { datacue } from './dest-datacue';
import type { Destination } from './destination';
import { relay } from './dest-relay';
import { createIdentity, newId } from './identity';
import { type Outbox, type Stats, openOutbox } from './outbox';
import { pageEvents } from './page';
import { VERSION } from './version';
import { attempt } from './attempt';
import { warn } from './console';
import type { Sending } from './sending';
import { HELD_KEY, type Store, idbStore, list, memoryStore, parse, save } from './store';

/** Order ids already tracked by this browser, so that reloading a confirmation page counts no order twice. */
const ORDERS_KEY = 'stk_orders';
const ORDERS_KEPT = 20;
/** The Web Lock the shop's tabs share: one sends the outbox at a time. */
const LOCK = 'shoptrack-outbox';
/** Events deferred to the next page (`track(e, true)`), at most this many. */
const MAX_HELD = 100;

/** Starts the outbox's sending half (sending.ts's startSending). */
export type StartSending = (outbox: Outbox, granted: () => boolean, config: Config) => Sending;

export interface TrackerOptions {
  /** The outbox's store; IndexedDB (falling back to memory) when not given. */
  store?: Store;
  /** Track the config's page events at once (the script tag does; tests and bundlers may not). */
  auto?: boolean;
  /** More destinations, beside DataCue and the relay the config names. */
  destinations?: Destination[];
  /**
   * The outbox's sending half: batches, retries, the hand-over at pagehide. The script tag loads it as
   * a chunk (a promise); bundlers pass it at once. Without it, or when it fails to load, every event is
   * sent at once, and what fails waits in the outbox for a page that has it.
   */
  sending?: StartSending | Promise<StartSending>;
}

export interface Tracker {
  init(apiKey: string): void;
  identify(userId: string | number | null, profile?: Dict): void;
  track(event: ShopEvent, defer?: boolean): Promise<unknown>;
  flush(): Promise<void>;
  consent(state: Consent): Promise<void>;
  stats(): Promise<Stats>;
  /** Called with every recommendation answer (DataCue's page views and searches); widgets listen here. */
  onAnswer(fn: (answer: unknown, event: ShopEvent) => void): void;
  readonly config: Config;
  readonly version: string;
  /** The anonymous id, read-only: the widgets pass it to the relay's recommendation requests. */
  readonly anonymousId: string;
}

export function createTracker(raw: unknown, opts: TrackerOptions = {}): Tracker {
  const cfg = readConfig(raw, (e) => warn(e.message));
  const report = (err: Error, ev?: unknown) => {
    warn(err.message);
    // The shop's own hook failing is its problem, not the page's.
    attempt(() => cfg.onError?.(err, ev));
  };
  let consent = cfg.consent;
  const granted = () => consent == 'granted';
  const id = createIdentity(granted(), cfg.cookieDomain);
  id.uid = cfg.userId;
  const listeners: ((answer: unknown, e: ShopEvent) => void)[] = [];

  const persistent = (): Store => opts.store || idbStore((err) => warn('IndexedDB failed, using localStorage: ' + err));
  // While consent is pending nothing is written anywhere: the outbox lives in memory.
  let mem = memoryStore();
  // The outbox's store; consent swaps what is behind it.
  const current: Store = { ...(granted() ? persistent() : mem) };

  const dests: Destination[] = [];
  const dc = (key: string) => datacue(cfg.eventsUrl, key, parse);
  if (cfg.apiKey) dests.push(dc(cfg.apiKey));
  if (cfg.relayUrl) dests.push(relay(cfg.relayUrl, parse));
  dests.push(...(opts.destinations || []));

  const locks = navigator.locks;
  const outbox = openOutbox({
    store: current,
    dests,
    pageId: newId(),
    onError: report,
    // Taken at once where free; where another tab holds it, `busy` says so before waiting for it.
    lock: locks && ((fn, busy) => locks.request(LOCK, { ifAvailable: true }, (l) => (l ? fn() : (busy(), locks.request(LOCK, fn)))) as never),
  });

  let sending: Sending | undefined;
  /** Without the sending half, each event is sent at once. */
  let alone = false;
  const started = Promise.resolve(opts.sending).then(
    (start) => void (start ? (sending = start(outbox, granted, cfg)) : (alone = true)),
    (err) => {
      alone = true;
      warn('sending every event at once: ' + err);
    },
  );
  /** Sends what is due, once the sending half is there. */
  const flush = async () => {
    await started;
    if (granted()) await sending?.flush();
  };

  async function track(input: ShopEvent, defer?: boolean): Promise<unknown> {
    const e = validateEvent(input);
    if (consent == 'denied') return;
    const ts = Date.now();
    // Fields left undefined are not stored in the JSON sent.
    const t: TrackedEvent = {
      id: newId(), ts, aid: id.aid, sid: id.session(ts), uid: id.uid, profile: id.profile,
      url: location.href, ref: document.referrer || undefined, page: cfg.pageType, e,
    };
    // A deferred event usually comes right before a navigation, which can abort an IndexedDB write still
    // in progress: it goes to localStorage synchronously, and the next page moves it to the outbox
    // (or, where storage is refused, it is held in the outbox until the next page).
    if (defer && granted() && save(HELD_KEY, list(HELD_KEY).concat(t).slice(-MAX_HELD))) return;
    // Events whose answer the page needs go at once (every event, without the sending half); if that
    // fails they wait like any other.
    const now = !defer && granted() && (answersWithRecs(e) || alone);
    const { entries, written } = outbox.add([t], { hold: defer, lease: now });
    if (!now) {
      await written;
      return void (!defer && flush());
    }
    let answer: unknown;
    // DataCue and the relay at once, beside the outbox's write: the request never waits for IndexedDB
    // to open. The answer (DataCue's recommendations) goes to the widgets first. Then what failed
    // waits for its retry, and a success makes what failed before due again.
    await Promise.all(
      entries.map((entry) =>
        outbox.now(entry, (a) => {
          answer = a;
          for (const fn of listeners) attempt(() => fn(a, e));
        }),
      ),
    );
    flush();
    return answer;
  }

  const api: Tracker = {
    version: VERSION,
    config: cfg,
    init(apiKey) {
      if (typeof apiKey != 'string' || !apiKey) report(new ShoptrackError('init(apiKey)', 'must be a non-empty string'));
      else if (!cfg.apiKey) dests.unshift(dc((cfg.apiKey = apiKey)));
    },
    identify(userId, profile) {
      // A string or a number ("" or null: logged out), as the plugins print user ids.
      id.uid = asId(userId) || null;
      if (isObj(profile)) id.profile = profile;
    },
    // An async function never throws: an invalid event is a rejected promise naming the field and the rule.
    track: (event, defer) =>
      track(event, defer).catch((err) => {
        if (!(err instanceof ShoptrackError)) report(err);
        throw err;
      }),
    flush,
    async consent(state) {
      const ok = oneOf(CONSENTS)(state);
      if (ok !== true) return report(new ShoptrackError('consent(state)', ok));
      const was = consent;
      consent = state;
      id.persist(granted());
      if (state == 'denied') {
        id.forget();
        await current.del((await current.all()).map((e) => e.k));
        Object.assign(current, (mem = memoryStore()));
      } else if (granted() && was != state) {
        const held = await mem.all();
        Object.assign(current, persistent());
        await current.put(held);
        flush();
      }
    },
    stats: async () => ({ ...outbox.counts, waiting: (await current.all()).length }),
    onAnswer: (fn) => void listeners.push(fn),
    get anonymousId() {
      return id.aid;
    },
  };

  // After the caller's synchronous set-up (the stub's queued identify() must reach the page view).
  if (opts.auto)
    Promise.resolve().then(() => {
      for (const e of pageEvents(cfg)) {
        // Reloading a confirmation page must not count its order twice.
        const orders = list(ORDERS_KEY);
        if (e.type == 'order') {
          if (orders.includes(e.order_id)) continue;
          if (granted()) save(ORDERS_KEY, orders.concat(e.order_id).slice(-ORDERS_KEPT));
        }
        api.track(e).catch((err) => warn('config (page_type "' + cfg.pageType + '"): ' + err.message));
      }
      // Deferred events of earlier pages, and retries that were waiting.
      setTimeout(flush);
    });
  return api;
}
