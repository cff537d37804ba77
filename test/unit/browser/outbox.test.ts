import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Destination, SendResult } from '../../../src/browser/destination';
import { LEASE_MS } from '../../../src/browser/outbox';
import { MAX_ENTRIES, ORPHAN_MS, createOutbox } from '../../../src/browser/sending';
import { BACKOFF_BASE_MS, backoff } from '../../../src/events/policy';
import { type Entry, LS_PREFIX, type Store, idbStore, memoryStore } from '../../../src/browser/store';
import type { TrackedEvent } from '../../../src/events/types';
import { sharedLock } from './locks';

let seq = 0;
const ev = (over: Partial<TrackedEvent> = {}): TrackedEvent => ({
  id: 'e' + ++seq, ts: Date.now(), aid: 'a', sid: 's', uid: null, url: 'https://s.example/', e: { type: 'login' }, ...over,
});

/** A destination that records what it is sent and answers from a script (default: all ok). */
function fakeDest(name = 'dc', answers: ((batch: TrackedEvent[]) => SendResult)[] = []): Destination & { sent: TrackedEvent[][] } {
  const sent: TrackedEvent[][] = [];
  return {
    name, max: 3, sent,
    accepts: () => true,
    async send(batch) {
      sent.push(batch);
      const a = answers.shift();
      return a ? a(batch) : { outcomes: batch.map(() => 'ok' as const) };
    },
  };
}

/** Lets the outbox write what was added (in a task of its own, a timer here) and waits for it. */
async function stored(added: { written: Promise<void> }): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
  await added.written;
}

/** A store that records every call, so a test can see what was written before what was sent. */
function spyStore(inner: Store = memoryStore()) {
  const log: string[] = [];
  const store: Store = {
    all: () => inner.all(),
    put: async (es) => { log.push('put ' + es.map((e) => e.k).join(',')); await inner.put(es); },
    del: async (ks) => { log.push('del ' + ks.join(',')); await inner.del(ks); },
  };
  return { store, log, inner };
}

describe('outbox', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => (vi.useRealTimers(), vi.restoreAllMocks()));

  it('writes an event before the first send attempt and deletes it once acknowledged', async () => {
    const { store, log, inner } = spyStore();
    const d = fakeDest();
    const origSend = d.send;
    d.send = async (b, k) => { log.push('send ' + b.map((t) => t.id).join(',')); return origSend(b, k); };
    const ob = createOutbox({ store, dests: [d], pageId: 'p1', onError: vi.fn() });
    const t = ev();
    await stored(ob.add([t]));
    await ob.flush();
    expect(log[0]).toBe('put dc:' + t.id);
    expect(log.indexOf('send ' + t.id)).toBeGreaterThan(0);
    expect(log.at(-1)).toBe('del dc:' + t.id);
    expect(await inner.all()).toEqual([]);
    expect(ob.counts).toMatchObject({ sent: 1, retried: 0, dropped: 0 });
  });

  it('stores everything tracked in the same tick in one write', async () => {
    const { store, log } = spyStore();
    const ob = createOutbox({ store, dests: [fakeDest('dc'), fakeDest('relay')], pageId: 'p', onError: vi.fn() });
    const w = [ev(), ev(), ev()].map((t) => ob.add([t]).written);
    // Not in the caller's task (its microtasks included): a burst of calls and the write are two tasks.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all(w);
    expect(log).toHaveLength(1);
    expect(log[0].split(',')).toHaveLength(6);
  });

  it('writes at once in a hidden tab, whose timers may be throttled for a minute', async () => {
    const { store, log } = spyStore();
    const ob = createOutbox({ store, dests: [fakeDest()], pageId: 'p', onError: vi.fn() });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    try {
      const added = ob.add([ev()]);
      for (let i = 0; i < 10; i++) await Promise.resolve();
      // No timer ran (fake timers, not advanced): the write did not wait for one.
      expect(log).toHaveLength(1);
      await added.written;
    } finally {
      delete (document as { hidden?: boolean }).hidden;
    }
    expect(document.hidden).toBe(false);
  });

  it('uses one IndexedDB transaction for a tick of 1,000 events', async () => {
    vi.useRealTimers();
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const ob = createOutbox({ store: idbStore(() => {}), dests: [fakeDest()], pageId: 'p', onError: vi.fn() });
    let last;
    for (let i = 0; i < 1000; i++) last = ob.add([ev()]).written;
    await last;
    const writes = spy.mock.calls.filter((c) => c[1] == 'readwrite');
    expect(writes).toHaveLength(1);
    expect(await idbStore(() => {}).all()).toHaveLength(1000);
    spy.mockRestore();
  });

  it('sends in batches of the destination\'s size, oldest first', async () => {
    const d = fakeDest();
    const ob = createOutbox({ store: memoryStore(), dests: [d], pageId: 'p', onError: vi.fn() });
    const ts = [1, 2, 3, 4, 5].map((i) => ev({ ts: Date.now() - 10 + i }));
    await stored(ob.add(ts.slice().reverse()));
    await ob.flush();
    expect(d.sent.map((b) => b.map((t) => t.id))).toEqual([ts.slice(0, 3).map((t) => t.id), ts.slice(3).map((t) => t.id)]);
  });

  it('retries network errors and 5xx with growing backoff, honouring Retry-After', async () => {
    const retry = (retryAfter?: number) => (b: TrackedEvent[]): SendResult => ({ outcomes: b.map(() => 'retry' as const), retryAfter });
    const d = fakeDest('dc', [retry(), retry(60_000), retry()]);
    const { store, inner } = spyStore();
    const ob = createOutbox({ store, dests: [d], pageId: 'p', onError: vi.fn() });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    await stored(ob.add([ev()]));
    await ob.flush();
    expect(d.sent).toHaveLength(1);
    const [e1] = await inner.all();
    expect(e1.n).toBe(1);
    expect(e1.at - Date.now()).toBe(BACKOFF_BASE_MS);
    await vi.advanceTimersByTimeAsync(BACKOFF_BASE_MS - 1);
    expect(d.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(d.sent).toHaveLength(2);
    // Retry-After of 60 s outweighs the 2 s backoff of the second try.
    await vi.advanceTimersByTimeAsync(59_999);
    expect(d.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(d.sent).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(backoff(3, 0.5));
    expect(d.sent).toHaveLength(4);
    expect(await inner.all()).toEqual([]);
    expect(ob.counts).toMatchObject({ sent: 1, retried: 3 });
  });

  it('drops an event refused for good and reports it', async () => {
    const onError = vi.fn();
    const d = fakeDest('dc', [(b) => ({ outcomes: b.map(() => ({ error: 'DataCue answered 400: bad' })) })]);
    const { store, inner } = spyStore();
    const ob = createOutbox({ store, dests: [d], pageId: 'p', onError });
    const t = ev();
    await stored(ob.add([t]));
    await ob.flush();
    expect(await inner.all()).toEqual([]);
    expect(onError).toHaveBeenCalledWith(new Error('DataCue answered 400: bad'), t);
    expect(ob.counts.dropped).toBe(1);
  });

  it('splits a refused batch so that one bad event costs the others nothing', async () => {
    const onError = vi.fn();
    const bad = ev();
    const d = fakeDest('dc', [
      (b) => ({ outcomes: b.map(() => ({ error: '400' })) }),
      (b) => ({ outcomes: b.map((t) => (t.id == bad.id ? { error: '400' } : 'ok')) }),
      (b) => ({ outcomes: b.map((t) => (t.id == bad.id ? { error: '400' } : 'ok')) }),
      (b) => ({ outcomes: b.map((t) => (t.id == bad.id ? { error: '400' } : 'ok')) }),
    ]);
    const ob = createOutbox({ store: memoryStore(), dests: [d], pageId: 'p', onError });
    const now = Date.now();
    const good1 = ev({ ts: now - 3 }), good2 = ev({ ts: now - 1 });
    bad.ts = now - 2;
    await stored(ob.add([good1, bad, good2]));
    await ob.flush();
    expect(d.sent[0]).toHaveLength(3);
    expect(d.sent.slice(1).map((b) => b.length)).toEqual([1, 1, 1]);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(ob.counts).toMatchObject({ sent: 2, dropped: 1 });
  });

  it('holds a deferred event until the next page', async () => {
    const store = memoryStore();
    const lock = sharedLock();
    const d1 = fakeDest();
    const page1 = createOutbox({ store, dests: [d1], pageId: 'page1', onError: vi.fn(), lock });
    await stored(page1.add([ev()], { hold: true }));
    await page1.flush();
    expect(d1.sent).toHaveLength(0);
    const d2 = fakeDest();
    const page2 = createOutbox({ store, dests: [d2], pageId: 'page2', onError: vi.fn(), lock });
    await page2.flush();
    expect(d2.sent).toHaveLength(1);
  });

  it('leaves entries of a destination the page does not have', async () => {
    const store = memoryStore();
    const lock = sharedLock();
    const withRelay = createOutbox({ store, dests: [fakeDest('dc'), fakeDest('relay')], pageId: 'a', onError: vi.fn(), lock });
    await stored(withRelay.add([ev()]));
    const dc = fakeDest('dc');
    await createOutbox({ store, dests: [dc], pageId: 'b', onError: vi.fn(), lock }).flush();
    expect(dc.sent).toHaveLength(1);
    expect((await store.all()).map((e: Entry) => e.d)).toEqual(['relay']);
  });

  it('lets one tab send at a time: another tab waits for the lock, then finds nothing left to send', async () => {
    const store = memoryStore();
    const lock = sharedLock();
    let release!: () => void;
    const slow: Destination = { ...fakeDest(), send: (b) => new Promise((r) => (release = () => r({ outcomes: b.map(() => 'ok' as const) }))) };
    const tabA = createOutbox({ store, dests: [slow], pageId: 'a', onError: vi.fn(), lock });
    const other = fakeDest();
    const tabB = createOutbox({ store, dests: [other], pageId: 'b', onError: vi.fn(), lock });
    await stored(tabA.add([ev()]));
    const a = tabA.flush();
    await vi.advanceTimersByTimeAsync(0);
    const b = tabB.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(other.sent).toHaveLength(0);
    release();
    await a;
    await b;
    expect(other.sent).toHaveLength(0);
    expect(await store.all()).toEqual([]);
  });

  it('keeps an entry being sent at once away from other tabs for a while', async () => {
    const store = memoryStore();
    const lock = sharedLock();
    const tabA = createOutbox({ store, dests: [fakeDest()], pageId: 'a', onError: vi.fn(), lock });
    await stored(tabA.add([ev()], { lease: true }));
    const other = fakeDest();
    await createOutbox({ store, dests: [other], pageId: 'b', onError: vi.fn(), lock }).flush();
    expect(other.sent).toHaveLength(0);
    // Tab b comes back for it when the time kept for the immediate send is over.
    await vi.advanceTimersByTimeAsync(LEASE_MS - 1);
    expect(other.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(other.sent).toHaveLength(1);
  });

  it('drops the oldest entries past the cap, and counts them', async () => {
    const onError = vi.fn();
    const store = memoryStore();
    const lock = sharedLock();
    const old = createOutbox({ store, dests: [fakeDest('gone')], pageId: 'x', onError, lock });
    await stored(old.add(Array.from({ length: MAX_ENTRIES + 5 }, (_, i) => ev({ ts: Date.now() - 10_000 + i }))));
    const ob = createOutbox({ store, dests: [fakeDest('dc')], pageId: 'y', onError, lock });
    await ob.flush();
    expect(ob.counts.dropped).toBe(5);
    expect(await store.all()).toHaveLength(MAX_ENTRIES);
    expect(onError.mock.calls[0][0].message).toBe('outbox full or event older than 7 days: dropped');
  });

  it('hands unacknowledged entries to beacon at pagehide, and keeps them', async () => {
    const beaconed: TrackedEvent[][] = [];
    const d: Destination = { ...fakeDest('relay', [(b) => ({ outcomes: b.map(() => 'retry' as const) })]), beacon: (b) => (beaconed.push(b), true) };
    const store = memoryStore();
    const ob = createOutbox({ store, dests: [d], pageId: 'p', onError: vi.fn() });
    const held = ev();
    await stored(ob.add([held], { hold: true }));
    await stored(ob.add([ev(), ev()]));
    ob.unload();
    expect(beaconed.flat()).toHaveLength(2);
    expect(beaconed.flat().map((t) => t.id)).not.toContain(held.id);
    expect(await store.all()).toHaveLength(3);
  });

  it('without a shared lock, each tab sends only the entries it wrote: no event is sent twice', async () => {
    const store = memoryStore();
    const a = fakeDest();
    const b = fakeDest();
    const tabA = createOutbox({ store, dests: [a], pageId: 'a', onError: vi.fn() });
    const tabB = createOutbox({ store, dests: [b], pageId: 'b', onError: vi.fn() });
    const [ea, eb] = [ev(), ev()];
    await stored(tabA.add([ea]));
    await stored(tabB.add([eb]));
    // Both tabs flush at once, as tabs without Web Locks do.
    await Promise.all([tabA.flush(), tabB.flush()]);
    expect(a.sent.flat().map((t) => t.id)).toEqual([ea.id]);
    expect(b.sent.flat().map((t) => t.id)).toEqual([eb.id]);
    expect(await store.all()).toEqual([]);
  });

  it('without a shared lock, takes over the entries of a tab that is gone once they are ORPHAN_MS overdue', async () => {
    const store = memoryStore();
    // What a tab left behind: an entry it tried once, due again in a second, and then the tab closed.
    const t = ev();
    const entry: Entry = { k: 'dc:' + t.id, d: 'dc', t, n: 1, at: Date.now() + BACKOFF_BASE_MS };
    await store.put([entry]);
    const live = fakeDest();
    const other = createOutbox({ store, dests: [live], pageId: 'live', onError: vi.fn() });
    await other.flush();
    expect(live.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(entry.at + ORPHAN_MS - Date.now() - 1);
    expect(live.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(live.sent.flat().map((e) => e.id)).toEqual([t.id]);
    expect(await store.all()).toEqual([]);
  });

  it('hands a single send its answer before the outbox writes the store', async () => {
    const { store, log } = spyStore();
    const d = fakeDest('dc', [(b) => ({ outcomes: b.map(() => 'ok' as const), answer: { related_product_skus: [] } })]);
    const ob = createOutbox({ store, dests: [d], pageId: 'p', onError: vi.fn() });
    const [entry] = ob.add([ev()], { lease: true }).entries;
    await vi.advanceTimersByTimeAsync(0);
    const heard: string[] = [];
    await ob.now(entry, (a: unknown) => heard.push(JSON.stringify(a) + ' after ' + log.length + ' store calls'));
    expect(heard).toEqual(['{"related_product_skus":[]} after 1 store calls']);
    expect(log).toEqual(['put ' + entry.k, 'del ' + entry.k]);
  });
});

describe('memoryStore(prefix): the localStorage outbox where IndexedDB failed', () => {
  beforeEach(() => localStorage.clear());
  const entry = (k: string): Entry => ({ k, d: 'dc', t: ev(), n: 0, at: 1 });
  const keys = async (s: Store) => (await s.all()).map((e) => e.k).sort();

  it('keeps each entry under a key of its own, where another tab and the next page find it', async () => {
    const tab1 = memoryStore(LS_PREFIX);
    const tab2 = memoryStore(LS_PREFIX);
    await tab1.put([entry('dc:1'), entry('dc:2')]);
    expect(await keys(tab2)).toEqual(['dc:1', 'dc:2']);
    // Tabs writing at the same time touch different keys: neither undoes the other.
    await Promise.all([tab2.del(['dc:1']), tab1.put([entry('dc:3')])]);
    expect(await keys(memoryStore(LS_PREFIX))).toEqual(['dc:2', 'dc:3']);
    expect(Object.keys(localStorage).sort()).toEqual([LS_PREFIX + 'dc:2', LS_PREFIX + 'dc:3']);
  });

  it('keeps an entry in memory when storage refuses it (full), and the rest in storage', async () => {
    const s = memoryStore(LS_PREFIX);
    await s.put([entry('dc:1')]);
    const setItem = vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    try {
      await s.put([entry('dc:2')]);
    } finally {
      setItem.mockRestore();
    }
    expect(await keys(s)).toEqual(['dc:1', 'dc:2']);
    expect(Object.keys(localStorage)).toEqual([LS_PREFIX + 'dc:1']);
    await s.del(['dc:1', 'dc:2']);
    expect(await s.all()).toEqual([]);
    expect(Object.keys(localStorage)).toEqual([]);
  });

  it('without a prefix, touches no storage at all (consent pending)', async () => {
    const s = memoryStore();
    await s.put([entry('dc:1')]);
    expect(await keys(s)).toEqual(['dc:1']);
    expect(localStorage.length).toBe(0);
  });

  it('is where idbStore goes when IndexedDB is missing', async () => {
    const idb = globalThis.indexedDB;
    // @ts-expect-error: a browser without IndexedDB
    delete globalThis.indexedDB;
    try {
      const warned: unknown[] = [];
      const s = idbStore((err) => warned.push(err));
      await s.put([entry('dc:9')]);
      expect(warned).toHaveLength(1);
      expect(JSON.parse(localStorage.getItem(LS_PREFIX + 'dc:9')!).k).toBe('dc:9');
      expect(await keys(idbStore(() => {}))).toEqual(['dc:9']);
    } finally {
      globalThis.indexedDB = idb;
    }
  });
});
