import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Destination, SendResult } from '../../../src/browser/destination';
import { install } from '../../../src/browser/install';
import { memoryStore } from '../../../src/browser/store';
import { createTracker } from '../../../src';
import { startSending } from '../../../src/browser/sending';
import { type StartSending, createTracker as createBare } from '../../../src/browser/tracker';
import type { TrackedEvent } from '../../../src/events/types';
import { ShoptrackError } from '../../../src/events/validate';

function dest(name = 'x', answer?: (b: TrackedEvent[]) => SendResult): Destination & { sent: TrackedEvent[] } {
  const sent: TrackedEvent[] = [];
  return {
    name, max: 50, sent,
    accepts: (t) => t.e.type != 'impression',
    async send(b) {
      sent.push(...b);
      return answer ? answer(b) : { outcomes: b.map(() => 'ok' as const) };
    },
  };
}
/**
 * How long a check may wait for what the tracker does on its own (the config's page events, a send
 * after consent): milliseconds of work, so seconds are generous on a loaded machine, and under the
 * test's own 5 s, so that a failure names what never came. Checks wait for a state, never a sleep.
 */
const WAIT = { timeout: 4_000 };

/**
 * The next page opens after this one tracked: the clock has moved on by a millisecond at least (a
 * real navigation takes far longer). A page takes up what was deferred before it opened its outbox.
 */
const later = async () => {
  const t = Date.now();
  while (Date.now() <= t) await new Promise((r) => setTimeout(r, 1));
};

describe('tracker', () => {
  beforeEach(() => {
    localStorage.clear();
    for (const c of document.cookie.split('; ')) if (c) document.cookie = c.split('=')[0] + '=;expires=Thu, 01 Jan 1970 00:00:00 GMT;path=/';
    // The same spy across tests (spyOn finds it in place): its calls are this test's only.
    vi.spyOn(console, 'warn').mockImplementation(() => {}).mockClear();
  });

  it('enriches an event with ids, time, page and user', async () => {
    const d = dest();
    const t = createTracker({ user_id: 42, page_type: 'cart' }, { store: memoryStore(), destinations: [d] });
    t.identify('u7', { segment: 'gold' });
    await t.track({ type: 'wishlist', subtype: 'add', product_id: 'p1' });
    await t.flush();
    expect(d.sent).toHaveLength(1);
    const [ev] = d.sent;
    expect(ev).toMatchObject({ uid: 'u7', profile: { segment: 'gold' }, page: 'cart', url: location.href, e: { type: 'wishlist', subtype: 'add', product_id: 'p1' } });
    expect(ev.id).toMatch(/^[0-9a-f]{32}$/);
    expect(ev.aid).toMatch(/^[0-9a-f]{32}$/);
    expect(ev.sid).toMatch(/^[0-9a-f]{32}$/);
    expect(ev.sid).not.toBe(ev.aid);
    expect(Math.abs(ev.ts - Date.now())).toBeLessThan(5000);
  });

  it('takes user ids as strings or numbers, and "", null or anything else as logged out', async () => {
    const d = dest();
    const t = createTracker({}, { store: memoryStore(), destinations: [d] });
    const uids: unknown[] = [];
    for (const u of ['u1', 42, '', null, NaN, { id: 1 }]) {
      t.identify(u as string);
      await t.track({ type: 'login' });
      await t.flush();
      uids.push(d.sent.at(-1)!.uid);
    }
    expect(uids).toEqual(['u1', '42', null, null, null, null]);
  });

  it('rejects an invalid event with the field and the rule, without throwing', async () => {
    const t = createTracker({}, { store: memoryStore(), destinations: [dest()] });
    let p: Promise<unknown> | undefined;
    expect(() => (p = t.track({ type: 'wishlist', subtype: 'add' } as never))).not.toThrow();
    await expect(p).rejects.toThrow(new ShoptrackError('event.product_id', 'must be a non-empty string'));
    await expect(t.track(null as never)).rejects.toThrow('event: must be an object');
  });

  it('resolves a page view with the recommendation answer and tells the listeners', async () => {
    const answer = { related_product_skus: null, recent_product_skus: [{ product_id: '18' }] };
    const d = dest('dc', (b) => ({ outcomes: b.map(() => 'ok' as const), answer }));
    const t = createTracker({}, { store: memoryStore(), destinations: [d] });
    const heard = vi.fn();
    t.onAnswer(heard);
    await expect(t.track({ type: 'pageview', subtype: 'home' })).resolves.toEqual(answer);
    expect(heard).toHaveBeenCalledWith(answer, { type: 'pageview', subtype: 'home' });
    await expect(t.track({ type: 'login' })).resolves.toBeUndefined();
  });

  it('keeps an immediate event whose send failed for a retry', async () => {
    const d = dest('dc', (b) => ({ outcomes: b.map(() => 'retry' as const) }));
    const store = memoryStore();
    const t = createTracker({}, { store, destinations: [d] });
    await expect(t.track({ type: 'search', term: 'socks' })).resolves.toBeUndefined();
    expect(d.sent).toHaveLength(1);
    const [entry] = await store.all();
    expect(entry).toMatchObject({ n: 1 });
    // Due again after the first backoff (about a second), not after the 30 s kept for the immediate send.
    expect(entry.at - Date.now()).toBeLessThan(2000);
    expect(entry.t.e).toEqual({ type: 'search', term: 'socks' });
  });

  it('defers track(e, true) to the next page load', async () => {
    const store = memoryStore();
    const d1 = dest();
    const page1 = createTracker({}, { store, destinations: [d1] });
    await page1.track({ type: 'click', subtype: 'product', product_id: 'p2' }, true);
    await page1.flush();
    expect(d1.sent).toHaveLength(0);
    await later();
    const d2 = dest();
    const page2 = createTracker({}, { store, destinations: [d2], auto: true });
    await page2.flush();
    expect(d2.sent.map((t) => t.e)).toEqual([{ type: 'click', subtype: 'product', product_id: 'p2' }]);
  });

  it('keeps a deferred event even when the page leaves before any IndexedDB write finishes', async () => {
    const never: typeof memoryStore = () => ({ all: async () => [], put: () => new Promise(() => {}), del: async () => {} });
    const page1 = createTracker({}, { store: never(), destinations: [dest()] });
    await page1.track({ type: 'click', subtype: 'banner', banner_id: 'b1' }, true);
    await later();
    const d2 = dest();
    const page2 = createTracker({}, { store: memoryStore(), destinations: [d2] });
    await page2.flush();
    expect(d2.sent.map((t) => t.e)).toEqual([{ type: 'click', subtype: 'banner', banner_id: 'b1' }]);
    const d3 = dest();
    await createTracker({}, { store: memoryStore(), destinations: [d3] }).flush();
    expect(d3.sent).toHaveLength(0);
  });

  it('ignores a garbled list of deferred events and clears it', async () => {
    localStorage.setItem('stk_held', '{not json');
    const d = dest();
    const t = createTracker({}, { store: memoryStore(), destinations: [d] });
    // The sending half takes the list up as it starts.
    await t.flush();
    expect(localStorage.getItem('stk_held')).toBeNull();
    await t.track({ type: 'login' }, true);
    expect(JSON.parse(localStorage.getItem('stk_held')!)).toHaveLength(1);
  });

  it("leaves what this page deferred before its sending half came for the next page, and sends earlier pages'", async () => {
    const store = memoryStore();
    const earlier = createTracker({}, { store, destinations: [dest()] });
    await earlier.track({ type: 'click', subtype: 'product', product_id: 'from-earlier' }, true);
    await later();
    // This page's sending half comes as a chunk, after the page deferred a click of its own.
    let give!: (s: StartSending) => void;
    const d = dest();
    const t = createBare({}, { store, destinations: [d], sending: new Promise<StartSending>((r) => (give = r)) });
    await t.track({ type: 'click', subtype: 'product', product_id: 'from-this-page' }, true);
    give(startSending);
    await t.flush();
    expect(d.sent.map((s) => s.e.product_id)).toEqual(['from-earlier']);
    expect((JSON.parse(localStorage.getItem('stk_held')!) as TrackedEvent[]).map((s) => s.e.product_id)).toEqual(['from-this-page']);
    // The next page sends it.
    await later();
    const d2 = dest();
    await createTracker({}, { store: memoryStore(), destinations: [d2] }).flush();
    expect(d2.sent.map((s) => s.e.product_id)).toEqual(['from-this-page']);
    expect(localStorage.getItem('stk_held')).toBeNull();
  });

  it('tracks the page view from the config by itself', async () => {
    const d = dest();
    createTracker({ api_key: undefined, page_type: 'category', category_update: { name: 'Outdoor' }, category_id: '41' }, { store: memoryStore(), destinations: [d], auto: true });
    await vi.waitFor(() => expect(d.sent.map((t) => t.e)).toEqual([{ type: 'pageview', subtype: 'category', category_name: 'Outdoor', category_id: '41' }]), WAIT);
  });

  it("sends a category page view with the category's name only; without a name, nothing, and one warning naming the field", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const d = dest();
    createTracker({ api_key: undefined, page_type: 'category', category_name: 'Sofas', category_id: '41' }, { store: memoryStore(), destinations: [d], auto: true });
    await vi.waitFor(() => expect(d.sent.map((t) => t.e)).toEqual([{ type: 'pageview', subtype: 'category', category_name: 'Sofas', category_id: '41' }]), WAIT);
    warn.mockClear();
    const d2 = dest();
    const t2 = createTracker({ api_key: 'k', page_type: 'category', category_id: '41' }, { store: memoryStore(), destinations: [d2], auto: true });
    // The warning says the config's page view was refused; the flush after it, that nothing else waits.
    await vi.waitFor(() => expect(warn).toHaveBeenCalled(), WAIT);
    await t2.flush();
    // Seed 001: category_name is the category's name; its id is no stand-in for it.
    expect(d2.sent).toEqual([]);
    expect(await t2.stats()).toMatchObject({ waiting: 0, sent: 0 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('category_name');
  });

  it("sends product_update with the product page view, with the seed's fields only", async () => {
    const d = dest();
    const variant = (v: string, stock: number) => ({
      product_id: '3310', variant_id: v, name: 'Linen Shirt - ' + v, price: 39.9, full_price: 49.9, link: 'https://shop.example/p/3310',
      available: stock > 0, description: '<p>Breathable linen.</p>', brand: 'Northwind', photo_url: 'https://shop.example/3310.jpg',
      stock, category_ids: ['18'], main_category: 'Shirts', categories: ['Shirts', 'Summer'],
    });
    createTracker({ page_type: 'product', product_id: '3310', product_update: [variant('S', 12), variant('M', 0)] }, { store: memoryStore(), destinations: [d], auto: true });
    await vi.waitFor(() => expect(d.sent).toHaveLength(1), WAIT);
    const seed = (v: string, stock: number) => ({
      product_id: '3310', variant_id: v, name: 'Linen Shirt - ' + v, price: 39.9, full_price: 49.9, photo_url: 'https://shop.example/3310.jpg',
      available: stock > 0, stock, main_category: 'Shirts', categories: ['Shirts', 'Summer'], brand: 'Northwind',
    });
    expect(d.sent.map((t) => t.e)).toEqual([
      { type: 'pageview', subtype: 'product', product_id: '3310', variant_id: 'S', product_update: [seed('S', 12), seed('M', 0)] },
    ]);
    // Without product_update in the config, the page view has none.
    const d2 = dest();
    createTracker({ page_type: 'product', product_id: '3310' }, { store: memoryStore(), destinations: [d2], auto: true });
    await vi.waitFor(() => expect(d2.sent.map((t) => t.e)).toEqual([{ type: 'pageview', subtype: 'product', product_id: '3310' }]), WAIT);
  });

  it('tracks an order once, even when the confirmation page is reloaded', async () => {
    const cfg = { page_type: 'order confirmation', order_id: 'o9', order_details: { cart: [{ product_id: 'p', variant_id: 'v', quantity: 1, unit_price: 2, currency: 'EUR' }] } };
    const d1 = dest();
    createTracker(cfg, { store: memoryStore(), destinations: [d1], auto: true });
    await vi.waitFor(() => expect(d1.sent.map((t) => t.e.order_id)).toEqual(['o9']), WAIT);
    const d2 = dest();
    const reloaded = createTracker(cfg, { store: memoryStore(), destinations: [d2], auto: true });
    // The config's events are tracked right after the tracker's set-up, before this login is written
    // (a task later); once the login is sent, whatever the reload tracked would have gone with it.
    await reloaded.track({ type: 'login' });
    await reloaded.flush();
    expect(d2.sent.map((t) => t.e.type)).toEqual(['login']);
  });

  it('holds events in memory while consent is pending, sends them once granted', async () => {
    const d = dest();
    const t = createTracker({ consent: 'pending' }, { store: memoryStore(), destinations: [d] });
    await t.track({ type: 'login' });
    await t.flush();
    expect(d.sent).toHaveLength(0);
    expect(document.cookie).toBe('');
    expect(localStorage.length).toBe(0);
    await t.consent('granted');
    // Sent by the grant itself, not by a flush of the test's.
    await vi.waitFor(() => expect(d.sent).toHaveLength(1), WAIT);
    expect(document.cookie).toContain('stk_aid=');
  });

  it('drops what it holds and forgets the ids when consent is denied', async () => {
    const d = dest();
    const t = createTracker({ consent: 'pending' }, { store: memoryStore(), destinations: [d] });
    await t.track({ type: 'login' });
    await t.consent('denied');
    await t.track({ type: 'login' });
    await t.consent('granted');
    // flush() shares the round of sending the grant started, and resolves when it is over.
    await t.flush();
    expect(d.sent).toHaveLength(0);
    expect((await t.stats()).waiting).toBe(0);
  });

  it('reports events refused for good through onError', async () => {
    const onError = vi.fn();
    const d = dest('dc', (b) => ({ outcomes: b.map(() => ({ error: 'DataCue answered 400: no' })) }));
    const t = createTracker({ onError }, { store: memoryStore(), destinations: [d] });
    await t.track({ type: 'login' });
    await t.flush();
    expect(onError).toHaveBeenCalledWith(new Error('DataCue answered 400: no'), expect.objectContaining({ e: { type: 'login' } }));
    expect(console.warn).toHaveBeenCalledWith('[shoptrack] DataCue answered 400: no');
    expect(await t.stats()).toMatchObject({ waiting: 0, sent: 0, dropped: 1 });
  });
});

describe('install', () => {
  it('installs window.shoptrack and window.datacue, and replays the stub\'s calls in order', async () => {
    const calls: string[] = [];
    const resolved = vi.fn();
    const w: Record<string, unknown> = {
      shoptrackConfig: { page_type: 'home' },
      shoptrack: { q: [['identify', ['u1']], ['track', [{ type: 'login' }], resolved, () => calls.push('rejected')], ['track', [{ type: 'bogus' }], () => calls.push('resolved?'), (e: Error) => calls.push(e.message)]] },
    };
    const t = install(w)!;
    expect(w.shoptrack).toBe(t);
    expect(w.datacue).toBe(t);
    // Both queued calls answered: the login resolved, the bogus event rejected (and nothing else).
    await vi.waitFor(() => {
      expect(resolved).toHaveBeenCalled();
      expect(calls).toHaveLength(1);
    }, WAIT);
    expect(calls[0]).toMatch(/^event.type: unknown event "bogus"; expected one of pageview\/home, /);
  });
});

describe('automatic page events from an incomplete config', () => {
  // The same spy across tests (spyOn finds it in place): its calls are this test's only, so that a
  // warning seen is this config's, not one an earlier test left.
  beforeEach(() => void vi.spyOn(console, 'warn').mockImplementation(() => {}).mockClear());
  const cases: [string, object, string][] = [
    ['a product page without a product', { page_type: 'product' }, 'config (page_type "product"): event.product_id: must be a non-empty string'],
    ['a search page without a term', { page_type: 'search' }, 'config (page_type "search"): event.term: must be a non-empty string'],
    ['a category page without a name', { page_type: 'category' }, 'config (page_type "category"): event.category_name: must be a non-empty string'],
    ['an order page without details', { page_type: 'order confirmation', order_id: 'o1' }, 'config (page_type "order confirmation"): event.cart: must be an array of cart items'],
  ];
  it.each(cases)('warns about %s, naming the field, and tracks nothing for it', async (_, cfg, message) => {
    const d = dest();
    const t = createTracker(cfg, { store: memoryStore(), destinations: [d], auto: true });
    // The warning says the config's event was refused; the flush after it, that nothing else waits.
    await vi.waitFor(() => expect(console.warn).toHaveBeenCalledWith('[shoptrack] ' + message), WAIT);
    await t.flush();
    expect(d.sent).toHaveLength(0);
    expect(await t.stats()).toMatchObject({ waiting: 0, sent: 0 });
  });
});

describe('install on hostile pages', () => {
  it('survives a read-only window.datacue and a stub whose queue is not an array', () => {
    const w: Record<string, unknown> = { shoptrack: { q: 'nope' } };
    Object.defineProperty(w, 'datacue', { value: { q: 5 }, writable: false });
    const t = install(w);
    expect(t).toBeDefined();
    expect(w.shoptrack).toBe(t);
  });
});
