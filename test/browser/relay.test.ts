// End to end through the relay: dist/shoptrack.js in real Chromium on a page of 127.0.0.1, the relay
// mounted at /relay on the same origin, the Quarticon and Aqurate stand-ins behind it. Run
// `npm run build` first: these tests load the built bundle.
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AQURATE_DEMO_TOKEN } from '../../demo/standins/aqurate';
import { QUARTICON_DEMO_KEY } from '../../demo/standins/quarticon';
import type { Tracker } from '../../src/browser/tracker';
import { type Relay, createRelay } from '../../src/relay/handler';
import { createLog } from '../../src/relay/log';
import { type Vendors, startVendors, testConfig, until } from '../relay/harness';
import { launch } from './chromium';

declare global {
  interface Window {
    datacue: Tracker;
  }
}

const BUNDLE = readFileSync(new URL('../../dist/shoptrack.js', import.meta.url), 'utf8');
const SENDING = readFileSync(new URL('../../dist/shoptrack-send.js', import.meta.url), 'utf8');
const WIDGETS = readFileSync(new URL('../../dist/shoptrack-widgets.js', import.meta.url), 'utf8');
let browser: Browser;
let vendors: Vendors;
let relay: Relay;
let server: Server;
let origin: string;
let context: BrowserContext;
let page: Page;
/** Every body the browser received, to prove no secret reaches it. */
let seen: string[] = [];

/** A shop page: the config DataCue's plugins print, plus relay_url, and the bundle. */
const html = (config: object) =>
  `<!doctype html><html><head><script>window.datacueConfig = ${JSON.stringify({ api_key: 'k', events_url: '/dc', relay_url: '/relay', options: {}, ...config })};</script>` +
  `<script src="/shoptrack.js"></script></head><body><a id="next" href="/plain">next</a></body></html>`;
const PAGES: { [path: string]: object } = {
  '/product': { page_type: 'product', product_id: '101', user_id: null },
  '/cart': { page_type: 'cart', user_id: null },
  '/plain': { page_type: 'home', user_id: null },
  '/order': {
    page_type: 'order confirmation',
    user_id: 'ann@example.com',
    order_id: 'O-1001',
    order_details: { order_status: 'completed', cart: [{ product_id: '101', variant_id: 'v1', quantity: 2, unit_price: 12.5, currency: 'EUR' }, { product_id: '102', variant_id: 'no-variants', quantity: 1, unit_price: 30, currency: 'EUR' }] },
  },
};

beforeAll(async () => {
  [browser, vendors] = await Promise.all([launch(), startVendors()]);
  relay = createRelay(testConfig(vendors, { basePath: '/relay' }), { log: createLog([], () => {}) });
  server = createServer((req, res) => {
    const path = new URL(req.url || '/', 'http://x').pathname;
    if (path.startsWith('/relay')) return relay.handle(req, res);
    // DataCue is not what these tests look at: a stand-in that takes everything.
    if (path == '/dc') return void res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
    if (path == '/shoptrack.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(BUNDLE);
    if (path == '/shoptrack-send.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(SENDING);
    if (path == '/shoptrack-widgets.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(WIDGETS);
    if (PAGES[path]) return void res.writeHead(200, { 'content-type': 'text/html' }).end(html(PAGES[path]));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await relay?.close();
  server?.close();
  await Promise.all([browser?.close(), vendors?.close()]);
});
beforeEach(async () => {
  vendors.quarticon.clear();
  vendors.aqurate.clear();
  seen = [];
  context = await browser.newContext();
  page = await context.newPage();
  page.on('response', async (r) => {
    try {
      seen.push(r.url() + ' ' + (await r.text()));
    } catch {
      // Bodies of redirects and beacons are not readable; they carry nothing of ours.
    }
  });
});
afterEach(async () => {
  await context.close();
  // Whatever the relay sent, the stand-ins' reading of the seeds must have accepted.
  const refused = [...vendors.quarticon.received, ...vendors.aqurate.received].filter((r) => r.status != null && r.status >= 400);
  expect(refused.map((r) => r.reason)).toEqual([]);
  const all = seen.join('\n');
  expect(all).not.toContain(QUARTICON_DEMO_KEY);
  expect(all).not.toContain(AQURATE_DEMO_TOKEN);
});

const anonymousId = async () => (await context.cookies()).find((c) => c.name == 'stk_aid')?.value;
const rows = (event: string) => vendors.aqurate.rows().filter((r) => r.event == event);
const qEvents = (type: string) => vendors.quarticon.events().filter((e) => e.eventType == type);

describe('shoptrack -> relay -> Quarticon and Aqurate', () => {
  it('a product page view reaches Quarticon as eventProductView and Aqurate as (detail_page, page_view)', async () => {
    await page.goto(origin + '/product');
    await until('both vendors', () => qEvents('eventProductView').length == 1 && rows('page_view').length == 1);
    const aid = await anonymousId();
    expect(aid).toBeTruthy();
    const q = qEvents('eventProductView')[0];
    expect(q).toMatchObject({ customer: 'demo-shop', productId: '101', cookie: aid });
    expect(Math.abs((q.timestamp as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(rows('page_view')[0]).toMatchObject({ product_id: '101', page_type: 'detail_page', cookie_id: aid });
    expect(rows('page_view')[0].timestamp).toMatch(/Z$/);
  });

  it('cart updates become add_to_cart rows only for products whose quantity grew; a Quarticon click becomes eventClick', async () => {
    await page.goto(origin + '/product');
    await page.evaluate(async () => {
      const cart = (lines: [string, number][]) => ({ type: 'cart', subtype: 'update', cart_link: '/cart', cart: lines.map(([product_id, quantity]) => ({ product_id, variant_id: 'no-variants', quantity, unit_price: 10, currency: 'EUR' })) });
      await window.datacue.track(cart([['101', 1]]));
      await window.datacue.track(cart([['101', 1], ['102', 1]]));
      await window.datacue.track(cart([['101', 1]]));
      await window.datacue.track(cart([['101', 3]]));
      await window.datacue.track({ type: 'click', subtype: 'related', product_id: '103', source: 'quarticon', tracking_string: 'tr-103' });
    });
    await until('the click at both vendors', () => qEvents('eventClick').length == 1 && rows('link_click').length == 1, 10000);
    await until('three add_to_cart rows', () => rows('add_to_cart').length == 3, 10000);
    expect(rows('add_to_cart').map((r) => [r.product_id, r.page_type])).toEqual([
      ['101', 'detail_page'],
      ['102', 'detail_page'],
      ['101', 'detail_page'],
    ]);
    expect(qEvents('eventClick')[0]).toMatchObject({ productId: '103', trackingString: 'tr-103' });
    expect(rows('link_click')[0]).toMatchObject({ product_id: '103', page_type: null });
  });

  it('a guest order on the confirmation page reaches Quarticon as eventTransaction with userEmail, Aqurate as purchase rows without the email as user_id', async () => {
    await page.goto(origin + '/order');
    await until('the order at both vendors', () => qEvents('eventTransaction').length == 1 && rows('purchase').length == 2, 10000);
    expect(qEvents('eventTransaction')[0]).toMatchObject({
      transactionId: 'O-1001',
      userEmail: 'ann@example.com',
      basket: [
        { productId: '101', price: 12.5, quantity: 2 },
        { productId: '102', price: 30, quantity: 1 },
      ],
    });
    expect(qEvents('eventTransaction')[0].userId).toBeUndefined();
    expect(rows('purchase').map((r) => [r.product_id, r.page_type, r.user_id])).toEqual([
      ['101', 'checkout', undefined],
      ['102', 'checkout', undefined],
    ]);
  });

  it('an event tracked as the page is left arrives, and once', async () => {
    await page.goto(origin + '/cart');
    await page.evaluate(() => {
      void window.datacue.track({ type: 'wishlist', subtype: 'add', product_id: '104' });
      (document.getElementById('next') as HTMLAnchorElement).click();
    });
    await page.waitForURL(origin + '/plain');
    await until('the wishlist row', () => rows('add_to_wishlist').length >= 1, 10000);
    // Beacons at pagehide and the next page's resend may both reach the relay; it keeps one. Settled:
    // the next page has nothing waiting (its resend was answered) and the relay nothing left to forward.
    await page.waitForFunction(() => window.shoptrack.stats().then((s) => s.waiting == 0), undefined, { timeout: 10000 });
    for (const end = Date.now() + 10000; Object.values(await relay.store.counts()).some((c) => c.waiting > 0); ) {
      if (Date.now() > end) throw new Error('the relay kept jobs waiting');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows('add_to_wishlist').map((r) => [r.product_id, r.page_type])).toEqual([['104', 'checkout']]);
  });

  it('the widgets get Quarticon recommendations through the relay, with no key in the page', async () => {
    await page.goto(origin + '/plain');
    const aid = await anonymousId();
    const answer = await page.evaluate(async (cookie) => (await fetch('/relay/recs/quarticon?placementId=home_1&cookie=' + cookie)).json(), aid!);
    expect(answer.status).toBe('OK');
    expect(answer.data[0].trackingString).toBeTruthy();
    const items = await page.evaluate(async () => (await fetch('/relay/recs/aqurate/substitutes?product_id=101')).json());
    expect(items.items.length).toBeGreaterThan(0);
    expect(vendors.quarticon.recommendationQueries()[0]).toMatchObject({ customer: 'demo-shop', cookie: aid });
  });
});
