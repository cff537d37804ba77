// DataCue through the relay, from real Chromium (issue 14): the demo's pages print
// `events_url: '/relay/datacue'`, so dist/shoptrack.js sends DataCue's events to the relay on the shop's
// origin, which keeps them and forwards each once to DataCue's stand-in. Run `npm run build` first.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from '../../demo/server';
import { DEMO_API_KEY } from '../../demo/standins/datacue';
import type { Tracker } from '../../src/browser/tracker';
import { launch } from './chromium';

declare global {
  interface Window {
    shoptrack: Tracker;
  }
}

let browser: Browser;
let demo: Demo;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [browser, demo] = await Promise.all([launch(), startDemo({ datacueViaRelay: true })]);
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
  const refused = demo.datacue.received.filter((r) => !r.fault && r.status != null && r.status >= 400);
  expect(refused.map((r) => r.reason)).toEqual([]);
});

async function until(what: string, fn: () => boolean, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('DataCue through the relay', () => {
  it("sends nothing to DataCue's host; the relay forwards the page view with the key and the browser's User-Agent, and its recommendations reach the widgets", async () => {
    const direct: string[] = [];
    page.on('request', (r) => r.url().startsWith(demo.datacue.url) && direct.push(r.url()));
    await page.goto(demo.url + '/');
    // The widgets drew DataCue's answer: it came back through the relay.
    await page.waitForSelector('[data-dc-products] .dc-c');
    await page.waitForSelector('[data-dc-banners] .dc-bm');
    await until('the home page view at DataCue', () => demo.datacue.events().some((e) => e.event.subtype == 'home'));
    const view = demo.datacue.events().find((e) => e.event.subtype == 'home')!;
    expect(view.headers.authorization).toBe('Basic ' + Buffer.from(DEMO_API_KEY + ':').toString('base64'));
    expect(view.headers['user-agent']).toBe(await page.evaluate(() => navigator.userAgent));
    expect(direct).toEqual([]);
  });

  it('gets every event once, though each page is reloaded right after it tracked', async () => {
    await page.goto(demo.url + '/category/outdoors');
    const tracked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const list = Array.from({ length: 20 }, (_, j) => 'relay-reload-' + (i * 20 + j));
      await page.evaluate((list) => Promise.all(list.map((id) => window.shoptrack.track({ type: 'click', subtype: 'product', product_id: id }))), list);
      tracked.push(...list);
      await page.reload();
    }
    await page.waitForFunction(() => window.shoptrack.stats().then((s) => s.waiting == 0), undefined, { timeout: 20_000 });
    const mine = () => demo.datacue.events().map((e) => String(e.event.product_id)).filter((id) => id.startsWith('relay-reload-'));
    await until('every click at DataCue', () => new Set(mine()).size == tracked.length, 20_000);
    // The relay's outbox is empty: nothing more is on its way to DataCue.
    const health = await (await fetch(demo.url + '/relay/health')).json();
    expect(health.vendors.datacue).toEqual({ waiting: 0, failed: 0 });
    expect(mine().sort()).toEqual([...tracked].sort());
  }, 60_000);
});
