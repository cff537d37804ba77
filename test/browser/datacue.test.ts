// What reaches DataCue from real Chromium: dist/shoptrack.js in the demo's pages, the demo's DataCue
// stand-in on another 127.0.0.1 port. Run `npm run build` first: these tests load the built bundle.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from '../../demo/server';
import { DEMO_API_KEY, type DataCueEvent } from '../../demo/standins/datacue';
import type { Tracker } from '../../src/browser/tracker';
import { launch } from './chromium';

declare global {
  interface Window {
    datacue: Tracker;
  }
}

/** The seed asks only for "an automatically generated visitor id" (its example is a UUID; shoptrack's is 32 hex digits). */
const VISITOR_ID = /^[0-9a-f]{32}$/;
const SEED_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const AUTH = 'Basic ' + Buffer.from(DEMO_API_KEY + ':').toString('base64');

let browser: Browser;
let demo: Demo;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [browser, demo] = await Promise.all([launch(), startDemo()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), demo?.close()]);
});
beforeEach(async () => {
  demo.datacue.fault({ mode: 'none' });
  demo.datacue.clear();
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
  // Whatever shoptrack sent, the stand-in's own reading of the seed must have accepted.
  const refused = demo.datacue.received.filter((r) => !r.fault && r.status != null && r.status >= 400);
  expect(refused.map((r) => r.reason)).toEqual([]);
});

const kindOf = (e: DataCueEvent) =>
  e.event.type == 'login' || e.event.type == 'search' ? e.event.type : e.event.type + '/' + e.event.subtype;
const eventsOf = (kind: string) => demo.datacue.events().filter((e) => kindOf(e) == kind);

/** The first accepted event of a kind (that `match` accepts), waiting for it to arrive. */
async function arrived(kind: string, match: (e: DataCueEvent) => boolean = () => true, timeout = 5000): Promise<DataCueEvent> {
  const end = Date.now() + timeout;
  for (;;) {
    const e = eventsOf(kind).find(match);
    if (e) return e;
    if (Date.now() > end) throw new Error(`no ${kind} reached the stand-in in ${timeout} ms; got ${demo.datacue.events().map(kindOf)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Waits until the page has the stand-in's answer for everything it sent. DataCue is delivered at least
 * once: a page left between the stand-in's receipt and its answer sends the event again from the next
 * page (the fault suite measures that rate), so tests that count exact deliveries leave only settled pages.
 */
/** Waits until a request to Aqurate (through the relay) names the product. */
const atAqurate = (productId: string) =>
  // (Aqurate has requests without a body too, the relay's GETs: JSON.stringify gives undefined for those.)
  expect
    .poll(() => demo.standIns.aqurate.received.some((r) => String(JSON.stringify(r.body)).includes(JSON.stringify(productId))), { timeout: 10_000 })
    .toBe(true);
const settled = () => page.waitForFunction(() => window.shoptrack.stats().then((s) => s.waiting == 0), undefined, { timeout: 5000 });
const anonymousId = async () => (await context.cookies()).find((c) => c.name == 'stk_aid')?.value;
const ids = (skus: unknown) => (skus as { product_id: string }[]).map((s) => s.product_id);

describe('DataCue browser events from the demo shop', () => {
  it('sends the home page view with the public key as Basic auth, in the seed body, and answers with banners', async () => {
    const before = Date.now();
    await page.goto(demo.url + '/');
    const e = await arrived('pageview/home');
    expect(e.headers.authorization).toBe(AUTH);
    expect(e.headers['content-type']).toBe('application/json');
    // Cross-origin, as events.datacue.co is to a shop.
    expect(e.headers.origin).toBe(demo.url);
    const aid = await anonymousId();
    expect(aid).toMatch(VISITOR_ID);
    const { request, headers, ...body } = e;
    expect(body).toEqual({ user: { anonymous_id: aid }, event: { type: 'pageview', subtype: 'home' }, timestamp: expect.stringMatching(SEED_TIME) });
    const ts = Date.parse(e.timestamp!.replace(' ', 'T'));
    expect(ts).toBeGreaterThanOrEqual(before - 1000);
    expect(ts).toBeLessThanOrEqual(Date.now());

    const answer = (await page.evaluate(() => window.datacue.track({ type: 'pageview', subtype: 'home' }))) as Record<string, unknown>;
    expect(answer.main_banners).toEqual([{ banner_id: 'B1', photo_url: '/img/banner/B1.svg', link: '/category/outdoors', name: 'Summer outdoors' }]);
    expect((answer.sub_banners as unknown[]).length).toBe(3);
    expect(ids(answer.related_product_skus)).toHaveLength(8);
    expect(answer.recent_product_skus).toEqual([]);
  });

  it('tracks the page views of category, product, search, cart and 404 pages from their config alone', async () => {
    await page.goto(demo.url + '/category/outdoors');
    expect((await arrived('pageview/category')).event).toEqual({ type: 'pageview', subtype: 'category', category_name: 'Outdoors', category_id: '13' });
    await settled();
    await page.goto(demo.url + '/product/linen-shirt');
    // No variant_id in the config: the first variant of product_update is the one on view.
    const view = (await arrived('pageview/product')).event;
    const { product_update, ...rest } = view as unknown as { product_update: { [k: string]: unknown }[] };
    expect(rest).toEqual({ type: 'pageview', subtype: 'product', product_id: '401', variant_id: '401-s' });
    // product_update from the config, with the fields the seed lists only (no description, link, category_ids).
    expect(product_update.map((v) => v.variant_id)).toEqual(['401-s', '401-m', '401-l']);
    expect(Object.keys(product_update[0]).sort()).toEqual(['available', 'brand', 'full_price', 'name', 'photo_url', 'price', 'product_id', 'stock', 'variant_id']);
    await settled();
    await page.goto(demo.url + '/product/enamel-mug');
    expect((await arrived('pageview/product', (e) => e.event.product_id == '101')).event).toMatchObject({
      type: 'pageview', subtype: 'product', product_id: '101', variant_id: 'no-variants',
    });
    await settled();
    await page.goto(demo.url + '/search?q=wool');
    expect((await arrived('search')).event).toEqual({ type: 'search', term: 'wool' });
    await settled();
    await page.goto(demo.url + '/cart');
    expect((await arrived('pageview/cart')).event).toEqual({ type: 'pageview', subtype: 'cart' });
    await settled();
    const res = await page.goto(demo.url + '/no-such-page');
    expect(res?.status()).toBe(404);
    expect((await arrived('pageview/404')).event).toEqual({ type: 'pageview', subtype: '404' });

    const aid = await anonymousId();
    const users = demo.datacue.events().map((e) => e.user);
    expect(users).toHaveLength(6);
    for (const u of users) expect(u).toEqual({ anonymous_id: aid });
  });

  it("resolves track()'s promise with the recommendations of a product page view and a search", async () => {
    await page.goto(demo.url + '/product/linen-shirt');
    await arrived('pageview/product');
    const answer = (await page.evaluate(() =>
      window.datacue.track({ type: 'pageview', subtype: 'product', product_id: '301' }),
    )) as Record<string, unknown>;
    expect(ids(answer.similar_product_skus)).toEqual(['302', '303', '304']);
    expect(ids(answer.related_product_skus)).toEqual(['302']);
    // Recently viewed, the current product left out; its price a string, as DataCue's is.
    expect(answer.recent_product_skus).toEqual([expect.objectContaining({ product_id: '401', variant_id: '401-s', price: '39.90', link: '/product/linen-shirt' })]);
    const noRelated = (await page.evaluate(() => window.datacue.track({ type: 'pageview', subtype: 'product', product_id: '103' }))) as Record<string, unknown>;
    expect(noRelated.related_product_skus).toBeNull();
    const search = await page.evaluate(() => window.datacue.track({ type: 'search', term: 'lamp' }));
    expect(ids((search as Record<string, unknown>).recent_product_skus)).toEqual(['103', '301', '401']);
  });

  it("sends cart update and wishlist add and remove from the shop's buttons, with the chosen variant", async () => {
    await page.goto(demo.url + '/product/linen-shirt');
    await page.selectOption('[data-variant-select]', '401-m');
    await page.click('.product [data-add]');
    expect((await arrived('cart/update')).event).toEqual({
      type: 'cart',
      subtype: 'update',
      cart: [{ product_id: '401', variant_id: '401-m', quantity: 1, unit_price: 39.9, currency: 'EUR' }],
      cart_link: demo.url + '/cart',
    });
    await page.click('.product [data-wish]');
    expect((await arrived('wishlist/add')).event).toEqual({ type: 'wishlist', subtype: 'add', product_id: '401', variant_id: '401-m' });
    await page.click('.product [data-wish]');
    expect((await arrived('wishlist/remove')).event).toEqual({ type: 'wishlist', subtype: 'remove', product_id: '401', variant_id: '401-m' });
  });

  it('sends login with the new user id, and the next page views carry it', async () => {
    await page.goto(demo.url + '/');
    await arrived('pageview/home');
    const aid = await anonymousId();
    await Promise.all([page.waitForURL(demo.url + '/'), page.click('[data-login]')]);
    const login = await arrived('login');
    expect({ user: login.user, event: login.event }).toEqual({ user: { user_id: '42', anonymous_id: aid, profile: { segment: 'demo' } }, event: { type: 'login' } });
    const home = await arrived('pageview/home', (e) => e.user.user_id != null);
    expect(home.user).toEqual({ user_id: '42', anonymous_id: aid });
  });

  it('checkout: identify then checkout started right after the script tags, then the order from the confirmation config', async () => {
    const cart = [
      { product_id: '402', variant_id: '402-l', quantity: 2, unit_price: 16, currency: 'EUR' },
      { product_id: '101', variant_id: 'no-variants', quantity: 1, unit_price: 12, currency: 'EUR' },
    ];
    await context.addCookies([
      { name: 'demo_user', value: '7', url: demo.url },
      { name: 'demo_cart', value: encodeURIComponent(JSON.stringify(cart)), url: demo.url },
    ]);
    await page.goto(demo.url + '/checkout');
    const started = await arrived('checkout/started');
    expect(started.event).toEqual({ type: 'checkout', subtype: 'started', cart, cart_link: demo.url + '/cart' });
    expect(started.user.user_id).toBe('7');
    expect((await arrived('pageview/checkout')).event).toEqual({ type: 'pageview', subtype: 'checkout' });

    await Promise.all([page.waitForURL(/\/order-received\/\d+$/), page.click('form.checkout button')]);
    const orderId = page.url().split('/').pop();
    const order = await arrived('order/completed');
    expect(order.event).toEqual({ type: 'order', subtype: 'completed', order_id: orderId, cart, order_status: 'completed' });
    expect(order.user.user_id).toBe('7');

    // A reload of the confirmation page is no second order.
    await page.reload();
    await page.evaluate(() => window.datacue.track({ type: 'wishlist', subtype: 'add', product_id: '303' }));
    await arrived('wishlist/add');
    expect(eventsOf('order/completed')).toHaveLength(1);
  });

  it("clicks on banners and product links are deferred and arrive from the next page", async () => {
    await page.goto(demo.url + '/');
    await arrived('pageview/home');
    await Promise.all([page.waitForURL(demo.url + '/category/outdoors'), page.click('[data-click-banner="promo-summer"]')]);
    expect((await arrived('click/banner')).event).toEqual({ type: 'click', subtype: 'banner', banner_id: 'promo-summer' });
    await Promise.all([page.waitForURL(demo.url + '/product/lantern'), page.click('.card [data-click-product="302"]')]);
    expect((await arrived('click/product')).event).toEqual({ type: 'click', subtype: 'product', product_id: '302' });
  });

  it('track(e, true) is not sent on this page, even by flush(), and is sent on the next load', async () => {
    await page.goto(demo.url + '/cart');
    await arrived('pageview/cart');
    await page.evaluate(async () => {
      await window.datacue.track({ type: 'click', subtype: 'product', product_id: '103' }, true);
      await window.datacue.flush();
      await window.datacue.track({ type: 'wishlist', subtype: 'add', product_id: '203' });
    });
    await arrived('wishlist/add');
    // flush() resolves when its round of sending is over: the deferred click is still waiting for the next page.
    await page.evaluate(() => window.datacue.flush());
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('stk_held') || '[]').map((t: { e: { type: string } }) => t.e.type))).toEqual(['click']);
    expect(eventsOf('click/product')).toEqual([]);

    await page.reload();
    const click = await arrived('click/product');
    expect(click.event).toEqual({ type: 'click', subtype: 'product', product_id: '103' });
    // Stamped when tracked, on the first page: before that page's wishlist event.
    expect(click.timestamp! < (await arrived('wishlist/add')).timestamp!).toBe(true);
  });

  it('an event tracked right before navigating to a page of the shop without the script: the relay gets it at once, DataCue from the next page with the script', async () => {
    await page.goto(demo.url + '/product/picnic-blanket');
    await arrived('pageview/product');
    demo.standIns.aqurate.clear();
    // The inspector does not load shoptrack: only what the leaving page handed over can arrive from it.
    await Promise.all([
      page.waitForURL(demo.url + '/inspector'),
      page.evaluate(() => {
        window.datacue.track({ type: 'wishlist', subtype: 'add', product_id: '303', variant_id: 'no-variants' });
        location.href = '/inspector';
      }),
    ]);
    // The relay deduplicates: the leaving page handed the event to it (a beacon), and Aqurate has it.
    await atAqurate('303');
    // DataCue does not: handed over too, the next page with the script would send it again (DataCue
    // counts twice). It waits in the outbox for that page.
    expect(eventsOf('wishlist/add')).toEqual([]);
    await page.goto(demo.url + '/');
    expect((await arrived('wishlist/add')).event).toEqual({ type: 'wishlist', subtype: 'add', product_id: '303', variant_id: 'no-variants' });
    await settled();
    expect(eventsOf('wishlist/add')).toHaveLength(1);
  });

  it('an event tracked right before leaving the shop for another site still arrives, handed over at pagehide', async () => {
    await page.goto(demo.url + '/product/picnic-blanket');
    await arrived('pageview/product');
    // Another origin: the shop's inspector by another name for the same host.
    const elsewhere = demo.url.replace('127.0.0.1', 'localhost') + '/inspector';
    await Promise.all([
      page.waitForURL(elsewhere),
      page.evaluate((url) => {
        window.datacue.track({ type: 'wishlist', subtype: 'add', product_id: '303', variant_id: 'no-variants' });
        location.href = url;
      }, elsewhere),
    ]);
    expect((await arrived('wishlist/add')).event).toEqual({ type: 'wishlist', subtype: 'add', product_id: '303', variant_id: 'no-variants' });
  });
});

describe('tabs sharing the outbox (Web Locks)', () => {
  it('a tab that closes while another holds the lock leaves what it wrote to that tab, and sends it nowhere itself', async () => {
    // Another tab of the shop holds the outbox's lock (here the inspector, which has no shoptrack).
    const holder = await context.newPage();
    await holder.goto(demo.url + '/inspector');
    await holder.evaluate(() => {
      void navigator.locks.request('shoptrack-outbox', () => new Promise((r) => ((window as { release?: (v?: unknown) => void }).release = r)));
    });
    await page.goto(demo.url + '/product/picnic-blanket');
    await arrived('pageview/product');
    demo.standIns.aqurate.clear();
    // Written (track() resolves once it is), then the tab closes.
    await page.evaluate(() => window.datacue.track({ type: 'wishlist', subtype: 'add', product_id: '303', variant_id: 'no-variants' }));
    await page.close({ runBeforeUnload: true });
    // What goes to the relay is handed over all the same (it deduplicates): once Aqurate has it, the
    // closing tab's pagehide is done. To DataCue it handed nothing: the lock holder sends the store's
    // entries, and handed over too, the event would reach DataCue twice.
    await atAqurate('303');
    expect(eventsOf('wishlist/add')).toEqual([]);
    // The holder goes; the next tab with the script takes the lock and sends it, once.
    await holder.evaluate(() => (window as { release?: (v?: unknown) => void }).release?.());
    page = await context.newPage();
    await page.goto(demo.url + '/');
    expect((await arrived('wishlist/add')).event.product_id).toBe('303');
    await settled();
    expect(eventsOf('wishlist/add')).toHaveLength(1);
  });

  it('each tab says on a BroadcastChannel that it is open, answers a newcomer, and says goodbye at pagehide', async () => {
    // A listener on the shop's origin (the inspector has no shoptrack), as another tab's script would be.
    const listener = await context.newPage();
    await listener.goto(demo.url + '/inspector');
    await listener.evaluate(() => {
      const w = window as { heard?: unknown[] };
      w.heard = [];
      const c = new BroadcastChannel('shoptrack-tabs');
      c.onmessage = (m) => w.heard!.push(m.data);
    });
    const heard = () => listener.evaluate(() => (window as { heard?: [string, string][] }).heard!);
    await page.goto(demo.url + '/product/picnic-blanket');
    await expect.poll(async () => (await heard()).map(([kind]) => kind)).toContain('hi');
    const id = (await heard()).find(([kind]) => kind == 'hi')![1];
    // A newcomer: every open tab answers 'here'.
    await listener.evaluate(() => new BroadcastChannel('shoptrack-tabs').postMessage(['hi', 'newcomer']));
    await expect.poll(async () => (await heard()).filter(([kind, who]) => kind == 'here' && who == id)).toHaveLength(1);
    await page.close({ runBeforeUnload: true });
    await expect.poll(async () => (await heard()).filter(([kind, who]) => kind == 'bye' && who == id)).toHaveLength(1);
    page = await context.newPage();
  });

  it('a tab alone that closes right after a write: the event still arrives', async () => {
    await page.goto(demo.url + '/product/picnic-blanket');
    await arrived('pageview/product');
    await page.evaluate(() => window.datacue.track({ type: 'wishlist', subtype: 'add', product_id: '303', variant_id: 'no-variants' }));
    await page.close({ runBeforeUnload: true });
    expect((await arrived('wishlist/add')).event.product_id).toBe('303');
  });
});

describe('DataCue unreachable or refusing', () => {
  it('keeps what was tracked while the stand-in is down and sends it once it is back', async () => {
    demo.datacue.fault({ mode: 'down' });
    await page.goto(demo.url + '/product/wool-throw');
    await page.click('.product [data-add]');
    const answer = await page.evaluate(() => window.datacue.track({ type: 'search', term: 'throw' }));
    // No answer to give: the search waits in the outbox like the rest.
    expect(answer).toBeUndefined();
    expect(demo.datacue.received).toEqual([]);
    const downUntil = new Date().toISOString().replace('T', ' ');

    demo.datacue.fault({ mode: 'none' });
    const flushing = setInterval(() => page.evaluate(() => window.datacue.flush()).catch(() => {}), 250);
    try {
      const view = await arrived('pageview/product');
      const cart = await arrived('cart/update');
      const search = await arrived('search');
      expect(view.event).toMatchObject({ type: 'pageview', subtype: 'product', product_id: '201', variant_id: 'no-variants' });
      expect(cart.event.cart).toEqual([{ product_id: '201', variant_id: 'no-variants', quantity: 1, unit_price: 129, currency: 'EUR' }]);
      expect(search.event).toEqual({ type: 'search', term: 'throw' });
      // Stamped when tracked, while the stand-in was down, not when finally sent.
      for (const e of [view, cart, search]) expect(e.timestamp! < downUntil).toBe(true);
      expect(demo.datacue.events()).toHaveLength(3);
    } finally {
      clearInterval(flushing);
    }
  });

  it('retries a 500 with backoff and honours Retry-After of a 429', async () => {
    demo.datacue.fault({ mode: 'status', status: 500 }, 1);
    await page.goto(demo.url + '/cart');
    await arrived('pageview/cart');
    const [first, second] = demo.datacue.received;
    expect(first.status).toBe(500);
    expect(second.status).toBe(204);
    expect(second.body).toEqual(first.body);
    // Backoff starts at 1 s, ±50 %.
    expect(Date.parse(second.at) - Date.parse(first.at)).toBeGreaterThanOrEqual(450);

    demo.datacue.clear();
    demo.datacue.fault({ mode: 'status', status: 429, retryAfter: 2 }, 1);
    const retried = (await page.evaluate(() => window.shoptrack.stats())).retried;
    await page.evaluate(() => window.datacue.track({ type: 'wishlist', subtype: 'remove', product_id: '204' }));
    // The 429 came back; a flush before its Retry-After has passed sends nothing (flush resolves when its round is over).
    await page.waitForFunction((n) => window.shoptrack.stats().then((s) => s.retried > n), retried, { timeout: 5000 });
    await page.evaluate(() => window.datacue.flush());
    expect(demo.datacue.received.map((r) => r.status)).toEqual([429]);
    expect(demo.datacue.events()).toEqual([]);
    await arrived('wishlist/remove');
    const [refused, accepted] = demo.datacue.received;
    expect(refused.status).toBe(429);
    expect(Date.parse(accepted.at) - Date.parse(refused.at)).toBeGreaterThanOrEqual(1950);
  });
});

describe('the DataCue stand-in', () => {
  const post = (body: unknown, auth = AUTH) =>
    fetch(demo.datacue.url, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const user = { anonymous_id: '07d35b1a-5776-4ddf-8f1c-dd0d2db9c502' };

  it('answers the CORS preflight for Authorization and Content-Type', async () => {
    const r = await fetch(demo.datacue.url, {
      method: 'OPTIONS',
      headers: { Origin: demo.url, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(demo.url);
    expect(r.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
  });

  it('refuses a wrong key, and payloads the seed does not allow, naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ user, event: { type: 'cart', subtype: 'update', cart: [] } }, 'body.event.cart_link is required and must be a non-empty string'],
      [{ user: {}, event: { type: 'login' } }, 'body.user needs user_id (logged in) or anonymous_id (not logged in)'],
      [{ user, event: { type: 'login' }, timestamp: '2024-01-01 10:00:00+02:00' }, 'body.timestamp must be an ISO-8601 date string in UTC such as "2017-11-01 00:29:03.123Z"'],
      [{ user, event: { type: 'pageview', subtype: 'product' } }, 'body.event.product_id is required and must be a non-empty string'],
      [[{ user, event: { type: 'login' } }, { user, event: { type: 'click', subtype: 'banner' } }], '[1].event.banner_id is required and must be a non-empty string'],
      [{ user, event: { type: 'pageview', subtype: 'home' }, extra: 1 }, 'body.extra is not one of user, event, context, timestamp'],
      [{ user, event: { type: 'checkout', subtype: 'started', cart: [{ product_id: 'p', quantity: 1, unit_price: 2, currency: 'EUR' }], cart_link: '/c' } }, 'body.event.cart[0].variant_id is required and must be a non-empty string'],
      [{ user, event: { type: 'pageview', subtype: 'product', product_id: 'p', product_update: [{ product_id: 'p', description: 'x' }] } }, 'body.event.product_update[0].description is not a field of product_update'],
    ];
    for (const [body, reason] of cases) {
      const r = await post(body);
      expect([r.status, await r.text()]).toEqual([400, reason]);
    }
    const r = await post({ user, event: { type: 'login' } }, 'Basic ' + Buffer.from('other-key:').toString('base64'));
    expect(r.status).toBe(401);
    const ok = await post([{ user, event: { type: 'login' }, timestamp: '2017-11-01 00:29:03.123Z' }, { user, event: { type: 'pageview', subtype: 'home' } }]);
    expect(ok.status).toBe(204);
    demo.datacue.clear();
  });
});
