// Issue 14, items 2 and 3, and issue 12, item 1: what waits is due again after a 2xx or when the network
// comes back; the page view goes out beside its write; a page that goes to a next page of the shop
// leaves its outbox to that page instead of handing it to keepalive requests.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Destination, SendResult } from '../../../src/browser/destination';
import { createOutbox, createSending } from '../../../src/browser/sending';
import { UP_MS, UP_TRIES, openOutbox } from '../../../src/browser/outbox';
import { DELETING_PREFIX, type Entry, type Store, idbStore, list, memoryStore, save } from '../../../src/browser/store';
import { createTracker } from '../../../src';
import { startSending } from '../../../src/browser/sending';
import { type StartSending, createTracker as createBare } from '../../../src/browser/tracker';
import { BACKOFF_BASE_MS, backoff } from '../../../src/events/policy';
import type { TrackedEvent } from '../../../src/events/types';
import { sharedLock } from './locks';

let seq = 0;
const ev = (over: Partial<TrackedEvent> = {}): TrackedEvent => ({
  id: 'd' + ++seq, ts: Date.now(), aid: 'a', sid: 's', uid: null, url: 'https://s.example/', e: { type: 'login' }, ...over,
});

/** A destination that records each request (and whether it was a keepalive one) and answers from a script. */
function fakeDest(name = 'dc', answers: ((batch: TrackedEvent[]) => SendResult)[] = []) {
  const sent: { ids: string[]; keepalive: boolean }[] = [];
  const d: Destination = {
    name, max: 10,
    accepts: () => true,
    async send(batch, keepalive) {
      sent.push({ ids: batch.map((t) => t.id), keepalive });
      const a = answers.shift();
      return a ? a(batch) : { outcomes: batch.map(() => 'ok' as const) };
    },
  };
  return Object.assign(d, { sent });
}
const fail = (batch: TrackedEvent[]): SendResult => ({ outcomes: batch.map(() => 'retry' as const) });

/** A cart update of `lines` lines, about 85 bytes of JSON a line: a large event for the byte budgets. */
const bigCart = (lines: number) => ({
  type: 'cart' as const,
  subtype: 'update' as const,
  cart: Array.from({ length: lines }, (_, i) => ({ product_id: 'p' + i, variant_id: 'v' + i, quantity: 1, unit_price: 10, currency: 'EUR' })),
  cart_link: 'https://s.example/cart',
});

/** A store that logs its writes, to see what was written and when. */
function spyStore(inner: Store = memoryStore()) {
  const puts: string[] = [];
  const store: Store = {
    all: () => inner.all(),
    put: async (es) => { puts.push(...es.map((e) => e.k)); await inner.put(es); },
    del: (ks) => inner.del(ks),
  };
  return { store, puts, inner };
}

describe('what waits is due again', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('after a 2xx from its destination, not after its backoff', async () => {
    // The first request fails: its entry waits for a backoff of at least half a base interval.
    const d = fakeDest('dc', [fail]);
    const { store, inner } = spyStore();
    const ob = createOutbox({ store, dests: [d], pageId: 'p', onError: vi.fn() });
    const first = ev();
    const added = ob.add([first]);
    await vi.advanceTimersByTimeAsync(0);
    await added.written;
    await ob.flush();
    const [waiting] = await inner.all();
    expect(waiting.n).toBe(1);
    expect(waiting.at - Date.now()).toBeGreaterThanOrEqual(BACKOFF_BASE_MS / 2);
    // A later event is taken (2xx): in the same run, the first goes again, long before its backoff.
    const second = ev();
    const added2 = ob.add([second]);
    await vi.advanceTimersByTimeAsync(0);
    await added2.written;
    await ob.flush();
    expect(d.sent.map((r) => r.ids)).toEqual([[first.id], [second.id], [first.id]]);
    expect(await inner.all()).toEqual([]);
  });

  it('for every destination when the network comes back (flush(true), the online event)', async () => {
    const dc = fakeDest('dc', [fail]);
    const relay = fakeDest('relay', [fail]);
    const { store, inner } = spyStore();
    const ob = createOutbox({ store, dests: [dc, relay], pageId: 'p', onError: vi.fn() });
    const added = ob.add([ev()]);
    await vi.advanceTimersByTimeAsync(0);
    await added.written;
    await ob.flush();
    expect((await inner.all()).map((e) => e.n)).toEqual([1, 1]);
    // A plain flush leaves them to their backoff.
    await ob.flush();
    expect(dc.sent).toHaveLength(1);
    expect(relay.sent).toHaveLength(1);
    await ob.flush(true);
    expect(dc.sent).toHaveLength(2);
    expect(relay.sent).toHaveLength(2);
    expect(await inner.all()).toEqual([]);
  });

  it("not for an entry another tab holds (no Web Locks: it is that tab's until a minute overdue)", async () => {
    const d = fakeDest('dc');
    const inner = memoryStore();
    // Another tab's entry, failed once, due in a second.
    const theirs: Entry = { k: 'dc:x', d: 'dc', t: ev({ id: 'x' }), n: 1, at: Date.now() + 1000 };
    await inner.put([theirs]);
    const ob = createOutbox({ store: inner, dests: [d], pageId: 'p', onError: vi.fn() });
    const added = ob.add([ev()]);
    await vi.advanceTimersByTimeAsync(0);
    await added.written;
    await ob.flush();
    await ob.flush(true);
    expect(d.sent.flatMap((r) => r.ids)).not.toContain('x');
    expect((await inner.all()).map((e) => e.k)).toEqual(['dc:x']);
  });
});

describe('the page view goes out beside its write', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('is sent before the outbox writes it, and never written once taken', async () => {
    const d = fakeDest('dc');
    const { store, puts, inner } = spyStore();
    const ob = createOutbox({ store, dests: [d], pageId: 'p', onError: vi.fn() });
    const pv = ev({ e: { type: 'pageview', subtype: 'home' } });
    const { entries, written } = ob.add([pv], { lease: true });
    const sent = ob.now(entries[0]);
    // The request left in the caller's task, before the write's task ran.
    expect(d.sent).toEqual([{ ids: [pv.id], keepalive: false }]);
    expect(puts).toEqual([]);
    // Its answer came before the write's task: the write leaves it out.
    await vi.advanceTimersByTimeAsync(0);
    await sent;
    await written;
    expect(puts).toEqual([]);
    expect(await inner.all()).toEqual([]);
  });

  it('is written, and retried, when its request fails', async () => {
    const d = fakeDest('dc', [fail]);
    const { store, inner } = spyStore();
    const ob = createOutbox({ store, dests: [d], pageId: 'p', onError: vi.fn() });
    const pv = ev({ e: { type: 'pageview', subtype: 'home' } });
    const { entries, written } = ob.add([pv], { lease: true });
    await ob.now(entries[0]);
    await vi.advanceTimersByTimeAsync(0);
    await written;
    expect((await inner.all()).map((e) => [e.k, e.n])).toEqual([['dc:' + pv.id, 1]]);
    // The tracker flushes after each send at once: that run finds nothing due and sets the retry's timer.
    await ob.flush();
    expect(d.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5 * 60 * 1000);
    expect(d.sent.map((r) => r.ids)).toEqual([[pv.id], [pv.id]]);
    expect(await inner.all()).toEqual([]);
  });
});

/** The Navigation API, as far as the tracker reads it: `navigate` events with a destination. */
function fakeNavigation() {
  const target = new EventTarget();
  const go = (url: string, more: { sameDocument?: boolean; downloadRequest?: string | null } = {}) =>
    target.dispatchEvent(
      Object.assign(new Event('navigate'), { destination: { url, sameDocument: !!more.sameDocument }, downloadRequest: more.downloadRequest ?? null }),
    );
  return { target, go };
}

describe('leaving for a next page of the shop', () => {
  beforeEach(() => void vi.spyOn(console, 'warn').mockImplementation(() => {}));
  let nav: ReturnType<typeof fakeNavigation>;
  beforeEach(() => {
    localStorage.clear();
    nav = fakeNavigation();
    (globalThis as { navigation?: EventTarget }).navigation = nav.target;
  });
  afterEach(() => {
    delete (globalThis as { navigation?: EventTarget }).navigation;
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /**
   * A tracker whose DataCue fails every request while the page lives, so what it tracks stays in the
   * outbox, and takes what is handed over at pagehide (keepalive).
   */
  const page = (store: Store) => {
    const d = fakeDest('dc');
    d.send = async (batch, keepalive) => {
      d.sent.push({ ids: batch.map((t) => t.id), keepalive });
      return { outcomes: batch.map(() => (keepalive ? ('ok' as const) : ('retry' as const))) };
    };
    return { d, t: createTracker({}, { store, destinations: [d] }) };
  };

  it('hands nothing over: what is written waits for that page, what is not is left in localStorage for it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = memoryStore();
    const { d, t } = page(store);
    await t.track({ type: 'login' });
    const written = (await store.all()).map((e) => e.k);
    expect(written).toHaveLength(1);
    // Tracked in the task that navigates: not written yet when the page goes.
    t.track({ type: 'search', term: 'linen' }, false);
    nav.go(location.origin + '/cart');
    dispatchEvent(new Event('pagehide'));
    expect(d.sent.filter((r) => r.keepalive)).toEqual([]);
    const left = JSON.parse(localStorage.getItem('stk_left') || '[]') as Entry[];
    expect(left.map((e) => e.t.e.type)).toEqual(['search']);
    // The next page puts what was left into the outbox, keys and all, and sends both.
    const next = page(store);
    await vi.waitFor(async () => expect((await store.all()).map((e) => e.t.e.type).sort()).toEqual(['login', 'search']));
    expect(localStorage.getItem('stk_left')).toBeNull();
    // Past the first page's backoff and lease, and the minute after which a tab without Web Locks takes
    // over another tab's entries.
    vi.setSystemTime(Date.now() + 120_000);
    await next.t.flush();
    expect(next.d.sent.flatMap((r) => r.ids).sort()).toEqual(left.concat(await store.all()).map((e) => e.t.id).filter((x, i, a) => a.indexOf(x) == i).sort());
    expect(next.d.sent.flatMap((r) => r.ids)).toHaveLength(2);
  });

  it('starts no request once the navigation began, and sends what waits if the page stays after all', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = memoryStore();
    const d = fakeDest('dc');
    const t = createTracker({}, { store, destinations: [d] });
    await t.flush();
    nav.go(location.origin + '/cart');
    const tracked = t.track({ type: 'login' });
    await vi.advanceTimersByTimeAsync(0);
    await tracked;
    await t.flush();
    expect(d.sent).toEqual([]);
    expect(await store.all()).toHaveLength(1);
    // No pagehide came: the navigation was cancelled (or became a download); the loop goes on.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(d.sent.flatMap((r) => r.ids)).toHaveLength(1);
    expect(await store.all()).toEqual([]);
  });

  it('hands everything over where the navigation leaves the shop, is a download, or stays in the document', async () => {
    for (const [url, more] of [
      ['https://elsewhere.example/', {}],
      [location.origin + '/invoice.pdf', { downloadRequest: 'invoice.pdf' }],
      [location.origin + '/#reviews', { sameDocument: true }],
    ] as const) {
      const store = memoryStore();
      const { d, t } = page(store);
      await t.track({ type: 'login' });
      nav.go(url, more);
      dispatchEvent(new Event('pagehide'));
      expect(d.sent.filter((r) => r.keepalive).flatMap((r) => r.ids)).toHaveLength(1);
      expect(localStorage.getItem('stk_left')).toBeNull();
    }
  });

  it('sends what falls due after a navigation out of the shop, or after beforeunload, as keepalive requests', async () => {
    for (const goes of [() => nav.go('https://elsewhere.example/'), () => dispatchEvent(new Event('beforeunload'))]) {
      const d = fakeDest('dc');
      const t = createTracker({}, { store: memoryStore(), destinations: [d] });
      await t.flush();
      d.sent.length = 0;
      goes();
      // Tracked after the page began to go: an ordinary request would be cut short by the next page,
      // and an entry on the wire is not handed over at pagehide.
      await t.track({ type: 'login' });
      await t.flush();
      expect(d.sent.map((r) => r.keepalive)).toEqual([true]);
    }
  });

  it('keeps its keepalive requests within the browser\'s budget in all: what does not fit waits in the outbox', async () => {
    const store = memoryStore();
    const d = fakeDest('dc');
    const answers: ((r: SendResult) => void)[] = [];
    d.send = (batch, keepalive) => {
      d.sent.push({ ids: batch.map((t) => t.id), keepalive });
      return new Promise((r) => answers.push(r));
    };
    const t = createTracker({}, { store, destinations: [d] });
    // Over 32 KB each: one fits the 64 KB budget, two do not.
    const big = () => bigCart(500);
    expect(JSON.stringify(big()).length).toBeGreaterThan(32 * 1024);
    await t.flush();
    nav.go('https://elsewhere.example/');
    t.track(big());
    await vi.waitFor(() => expect(d.sent).toHaveLength(1));
    expect(d.sent[0].keepalive).toBe(true);
    // Tracked while the first is on the wire, handed over at pagehide: past the budget, it stays.
    t.track(big());
    await vi.waitFor(async () => expect(await store.all()).toHaveLength(2));
    dispatchEvent(new Event('pagehide'));
    expect(d.sent).toHaveLength(1);
    // Once the first is answered, the budget is free again.
    answers[0]({ outcomes: ['ok'] });
    await vi.waitFor(async () => expect(await store.all()).toHaveLength(1));
    dispatchEvent(new Event('pagehide'));
    expect(d.sent.map((r) => r.keepalive)).toEqual([true, true]);
  });

  it('hands everything over when the pagehide comes long after the navigation began (it was cancelled)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = memoryStore();
    const { d, t } = page(store);
    await t.track({ type: 'login' });
    nav.go(location.origin + '/cart');
    vi.setSystemTime(Date.now() + 11_000);
    dispatchEvent(new Event('pagehide'));
    expect(d.sent.filter((r) => r.keepalive).flatMap((r) => r.ids)).toHaveLength(1);
  });
});

describe('the sending half (a chunk of the script tag)', () => {
  beforeEach(() => void vi.spyOn(console, 'warn').mockImplementation(() => {}));
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('is what sends an event whose answer the page does not need', async () => {
    const d = fakeDest('dc');
    const store = memoryStore();
    let start!: (s: StartSending) => void;
    const t = createBare({}, { store, destinations: [d], sending: new Promise<StartSending>((r) => (start = r)) });
    await t.track({ type: 'login' });
    // Written, and not sent while the chunk is on its way.
    expect(d.sent).toEqual([]);
    expect(await store.all()).toHaveLength(1);
    start(startSending);
    await t.flush();
    expect(d.sent.map((r) => r.keepalive)).toEqual([false]);
    expect(await store.all()).toEqual([]);
  });

  it('missing (not given, or failed to load), each event goes at once, and what fails waits in the outbox', async () => {
    for (const sending of [() => undefined, () => Promise.reject(new Error('shoptrack-send.js did not load'))]) {
      const d = fakeDest('dc', [fail]);
      const store = memoryStore();
      const t = createBare({}, { store, destinations: [d], sending: sending() });
      await t.flush();
      await t.track({ type: 'login' });
      await t.track({ type: 'login' });
      expect(d.sent.map((r) => r.ids.length)).toEqual([1, 1]);
      expect((await store.all()).map((e) => e.n)).toEqual([1]);
    }
    const said = vi.mocked(console.warn).mock.calls.flat().filter((m) => /sending/.test(m));
    expect(said).toEqual(['[shoptrack] sending every event at once: Error: shoptrack-send.js did not load']);
  });

  it('retries a page view whose request at once failed, after its backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const d = fakeDest('dc', [fail]);
    const store = memoryStore();
    const t = createTracker({}, { store, destinations: [d] });
    const answered = t.track({ type: 'pageview', subtype: 'home' });
    await vi.advanceTimersByTimeAsync(0);
    await answered;
    expect((await store.all()).map((e) => e.n)).toEqual([1]);
    // Backoff of the first retry: at most 1.5 base intervals.
    await vi.advanceTimersByTimeAsync(BACKOFF_BASE_MS * 1.5);
    expect(d.sent.map((r) => r.ids.length)).toEqual([1, 1]);
    expect(await store.all()).toEqual([]);
  });
});

describe('a tab that closes while another holds the lock', () => {
  it('hands over only what is not written yet: the tab holding the lock sends the rest', async () => {
    const lock = sharedLock();
    const store = memoryStore();
    // Tab A holds the lock: its request is out until the test answers it.
    let answerA!: () => void;
    const dcA = fakeDest('dc');
    dcA.send = (batch, keepalive) => {
      dcA.sent.push({ ids: batch.map((t) => t.id), keepalive });
      const ok = { outcomes: batch.map(() => 'ok' as const) };
      // The first request is answered when the test says; the later ones at once.
      return dcA.sent.length == 1 ? new Promise((r) => (answerA = () => r(ok))) : Promise.resolve(ok);
    };
    const a = createOutbox({ store, dests: [dcA], pageId: 'a', onError: vi.fn(), lock });
    const first = a.add([ev()]);
    await first.written;
    const aFlush = a.flush();
    await vi.waitFor(() => expect(dcA.sent).toHaveLength(1));
    // Tab B writes an event; its flush waits for A's lock. B closes.
    const dcB = fakeDest('dc');
    const beaconed: string[] = [];
    const relayB = Object.assign(fakeDest('relay'), { beacon: (batch: TrackedEvent[]) => !!beaconed.push(...batch.map((t) => t.id)) });
    const b = createOutbox({ store, dests: [dcB, relayB], pageId: 'b', onError: vi.fn(), lock });
    const written = b.add([ev()]);
    await written.written;
    b.flush();
    const notWritten = ev();
    b.add([notWritten]);
    b.unload();
    // Only the event whose write had not begun goes in B's keepalive request to DataCue; the relay,
    // which deduplicates, has both at once.
    expect(dcB.sent).toEqual([{ ids: [notWritten.id], keepalive: true }]);
    expect(beaconed).toEqual([written.entries[0].t.id, notWritten.id]);
    // A, answered, goes on to send what B wrote.
    answerA();
    await aFlush;
    expect(dcA.sent.flatMap((r) => r.ids)).toContain(written.entries[0].t.id);
  });
});

describe('a tab that closes while its request for the lock is on its way', () => {
  /** Free, but granted a task later (Web Locks answers from the browser process). */
  const lock = <T>(fn: () => Promise<T>) => new Promise((r) => setTimeout(r)).then(fn);

  it('hands over what is written: no other tab holds the lock to send it', async () => {
    const dc = fakeDest('dc');
    const a = createOutbox({ store: memoryStore(), dests: [dc], pageId: 'a', onError: vi.fn(), lock });
    const written = a.add([ev()]);
    await written.written;
    a.flush();
    a.unload();
    expect(dc.sent).toEqual([{ ids: [written.entries[0].t.id], keepalive: true }]);
  });

  it('hands over only what is not written where another tab of the shop is open: that tab may hold the lock', async () => {
    const dc = fakeDest('dc');
    const o = openOutbox({ store: memoryStore(), dests: [dc], pageId: 'a', onError: vi.fn(), lock });
    const s = createSending(o, { otherTabs: () => true });
    const written = o.add([ev()]);
    await written.written;
    s.flush();
    const notWritten = ev();
    o.add([notWritten]);
    s.unload();
    expect(dc.sent).toEqual([{ ids: [notWritten.id], keepalive: true }]);
  });
});

describe('a tab holding the lock that closes', () => {
  it('hands over its own entries, not those of a live tab it took up from the store', async () => {
    const store = memoryStore();
    const lock = sharedLock();
    // One event a request; A's first request is never answered.
    const dcA = fakeDest('dc');
    dcA.max = 1;
    dcA.send = (batch, keepalive) => {
      dcA.sent.push({ ids: batch.map((t) => t.id), keepalive });
      return new Promise(() => {});
    };
    const a = createOutbox({ store, dests: [dcA], pageId: 'a', onError: vi.fn(), lock });
    const first = a.add([ev()]);
    await first.written;
    // Another live tab, B, tracked an event after A opened; it is in the store, after A's first.
    const fromB = ev({ ts: Date.now() + 1 });
    await store.put([{ k: 'dc:' + fromB.id, d: 'dc', t: fromB, n: 0, at: Date.now() }]);
    a.flush();
    // A sends its first, and holds B's until that is answered.
    await vi.waitFor(() => expect(dcA.sent.map((r) => r.ids)).toEqual([[first.entries[0].t.id]]));
    const own = a.add([ev()]);
    await own.written;
    a.unload();
    const handed = dcA.sent.filter((r) => r.keepalive).flatMap((r) => r.ids);
    expect(handed).toContain(own.entries[0].t.id);
    expect(handed).not.toContain(fromB.id);
  });
});

describe('a destination that is up', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  /** An entry that has failed `n` times, sent once more to a destination that fails it. */
  const failAgain = async (n: number, up: boolean, retryAfter?: number) => {
    const d = fakeDest('dc', [(b) => ({ ...fail(b), retryAfter })]);
    const ob = createOutbox({ store: memoryStore(), dests: [d], pageId: 'p', onError: vi.fn() });
    if (up) ob.upAt.dc = Date.now() - UP_MS + 1000;
    const e: Entry = { k: 'dc:x', d: 'dc', t: ev({ id: 'x' }), n, at: 0 };
    await ob.sendBatch(d, [e]);
    return e.at - Date.now();
  };

  it('(a 2xx within the last minute) makes a failure wait seconds, however often the entry failed', async () => {
    expect(await failAgain(8, true)).toBeLessThanOrEqual(1.5 * backoff(UP_TRIES, 0.999));
    expect(await failAgain(8, true)).toBeLessThanOrEqual(6000);
    // Down (nothing taken for a minute): the backoff the tries earned, minutes.
    expect(await failAgain(8, false)).toBeGreaterThanOrEqual(backoff(9, 0));
    // A Retry-After is a pause asked for: kept, and the backoff is the long one.
    expect(await failAgain(8, true, 90_000)).toBeGreaterThanOrEqual(backoff(9, 0));
  });
});

describe('a delete that the page going away cuts short', () => {
  it('is noted before IndexedDB is asked, and finished by the next page instead of sent again', async () => {
    localStorage.clear();
    const notes = () => Object.keys(localStorage).filter((k) => k.startsWith(DELETING_PREFIX));
    const store = idbStore(() => {});
    const e: Entry = { k: 'dc:acked', d: 'dc', t: ev({ id: 'acked' }), n: 0, at: 0 };
    await store.put([e]);
    const deleting = store.del([e.k]);
    expect(notes().map((n) => list(n))).toEqual([[e.k]]);
    await deleting;
    expect(notes()).toEqual([]);
    // Now the page goes before IndexedDB did the delete: the entry is still there, and noted.
    await store.put([e]);
    save(DELETING_PREFIX + e.k, [e.k]);
    // The next page's sending half finishes the delete before it reads what is due: nothing is sent.
    const d = fakeDest();
    const next = createOutbox({ store: idbStore(() => {}), dests: [d], pageId: 'next', onError: vi.fn() });
    await next.flush();
    expect(d.sent).toEqual([]);
    expect(notes()).toEqual([]);
    // Gone from IndexedDB itself, not just from one answer.
    expect(await idbStore(() => {}).all()).toEqual([]);
  });
});

describe('handoff_counts_as_sent (the shop trades a rare loss for no doubles at DataCue)', () => {
  beforeEach(() => void vi.spyOn(console, 'warn').mockImplementation(() => {}));
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A DataCue whose requests wait until the test answers them, and a relay that takes everything (beacons too). */
  function page(config: object, store = memoryStore()) {
    const answers: ((r: SendResult) => void)[] = [];
    const dc = fakeDest('dc');
    dc.send = (batch, keepalive) => {
      dc.sent.push({ ids: batch.map((t) => t.id), keepalive });
      return new Promise((r) => answers.push(r));
    };
    const beacons: string[][] = [];
    const relay: Destination = {
      name: 'relay', max: 10, accepts: () => true,
      send: async (batch) => ({ outcomes: batch.map(() => 'ok' as const) }),
      beacon: (b) => (beacons.push(b.map((t) => t.id)), true),
    };
    const t = createTracker(config, { store, destinations: [dc, relay] });
    const dcKeys = async () => (await store.all()).filter((e) => e.d == 'dc').map((e) => e.k);
    return { store, dc, beacons, answers, t, dcKeys };
  }
  const retry = (n: number, status: number): SendResult => ({ outcomes: Array(n).fill('retry'), status });

  it('on: an entry leaves the store as its request goes out, so that no other page sends it again', async () => {
    const p = page({ handoff_counts_as_sent: true });
    await p.t.track({ type: 'login' });
    await vi.waitFor(() => expect(p.dc.sent).toHaveLength(1));
    await vi.waitFor(async () => expect(await p.dcKeys()).toEqual([]));
    // The second waits behind the first, and is handed over at pagehide: out of the store too.
    await p.t.track({ type: 'login' });
    expect(await p.dcKeys()).toHaveLength(1);
    dispatchEvent(new Event('pagehide'));
    // Keepalive requests both: the first as every request to DataCue in this mode (within the budget).
    expect(p.dc.sent.map((r) => r.keepalive)).toEqual([true, true]);
    await vi.waitFor(async () => expect(await p.dcKeys()).toEqual([]));
    // The relay's is handed over as always (in a beacon: it deduplicates).
    expect(p.beacons).toHaveLength(1);
  });

  it('on: a failure the page lives to read puts the entry back, to be retried', async () => {
    const p = page({ handoff_counts_as_sent: true });
    await p.t.track({ type: 'login' });
    await vi.waitFor(() => expect(p.answers).toHaveLength(1));
    p.answers[0](retry(1, 500));
    await vi.waitFor(async () => expect((await p.store.all()).filter((e) => e.d == 'dc').map((e) => e.n)).toEqual([1]));
  });

  /**
   * After a first request without an answer (back in the outbox), the entry goes again once due; that
   * request has no answer once the page is going (beforeunload): it counts as sent, out of the store.
   */
  async function noAnswerOnceGoing(p: ReturnType<typeof page>, keepalive: boolean) {
    await vi.waitFor(() => expect(p.answers).toHaveLength(1));
    expect(p.dc.sent[0].keepalive).toBe(keepalive);
    // No answer while the page stays (the network): back in the outbox.
    p.answers[0](retry(1, 0));
    await vi.waitFor(async () => expect(await p.dcKeys()).toHaveLength(1));
    const [k] = await p.dcKeys();
    // (The relay took its copy: counted as sent already.)
    const sent = (await p.t.stats()).sent;
    // Sent again once due (the test flushes); no answer once the page is going: counts as sent.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    p.t.flush();
    await vi.waitFor(() => expect(p.answers).toHaveLength(2));
    expect(p.dc.sent[1].keepalive).toBe(keepalive);
    dispatchEvent(new Event('beforeunload'));
    p.answers[1](retry(1, 0));
    await vi.waitFor(async () => expect((await p.t.stats()).sent).toBe(sent + 1));
    expect(await p.dcKeys()).not.toContain(k);
  }

  it('on: a request is a keepalive one where the budget allows; with no answer after beforeunload it counts as sent, before it, it is retried', async () => {
    const p = page({ handoff_counts_as_sent: true });
    await p.t.track({ type: 'login' });
    await noAnswerOnceGoing(p, true);
  });

  it('on: an ordinary request (past the keepalive budget) that the page\'s going cut short counts as sent; before it, it is retried', async () => {
    const p = page({ handoff_counts_as_sent: true });
    const cart = bigCart(900);
    expect(JSON.stringify(cart).length).toBeGreaterThan(64 * 1024);
    await p.t.track(cart);
    await noAnswerOnceGoing(p, false);
  });

  it('off (the default): an entry stays in the store until acknowledged, so a next page sends it again', async () => {
    const p = page({});
    await p.t.track({ type: 'login' });
    await vi.waitFor(() => expect(p.dc.sent).toHaveLength(1));
    dispatchEvent(new Event('beforeunload'));
    p.answers[0](retry(1, 0));
    await vi.waitFor(async () => expect((await p.store.all()).filter((e) => e.d == 'dc').map((e) => e.n)).toEqual([1]));
  });

  it('anything but true or false is refused with a warning naming it, and taken as off', async () => {
    const p = page({ handoff_counts_as_sent: 'yes' });
    await p.t.track({ type: 'login' });
    await vi.waitFor(() => expect(p.dc.sent).toHaveLength(1));
    expect(await p.dcKeys()).toHaveLength(1);
    expect(vi.mocked(console.warn).mock.calls.flat()).toContain('[shoptrack] config.handoff_counts_as_sent: must be true or false');
  });
});
