// The script tag's sending half, dist/shoptrack-send.js, in real Chromium: loaded from beside the
// script (wherever the shop serves it), under the page's CSP nonce, without blocking the page; and
// what happens when it cannot load. Run `npm run build` first: these tests load the built bundles.
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './chromium';

const CORE = readFileSync('dist/shoptrack-core.js', 'utf8');
const SENDING = readFileSync('dist/shoptrack-send.js', 'utf8');
const FULL = readFileSync('dist/shoptrack.js', 'utf8');
const WIDGETS = readFileSync('dist/shoptrack-widgets.js', 'utf8');
const VERSION = JSON.parse(readFileSync('package.json', 'utf8')).version;
const NONCE = 'r4nd0m';

let browser: Browser;
let server: Server;
let origin: string;
/** Every request the server saw: path and query. */
let requests: string[] = [];
/** Bodies DataCue's stand-in took, parsed. */
let datacue: { event: { type: string } }[] = [];
/** Paths whose answer waits until the test releases it, and the answers waiting. */
const holding = new Set<string>();
const waiting = new Map<string, () => void>();

/** Pages with dist/shoptrack.js (tracking, and the widgets where the page has use for them). */
const WIDGET_PAGES: { [path: string]: { cfg: object; body: string } } = {
  '/w/home': { cfg: { page_type: 'home' }, body: '<div id="grid" data-dc-products="related"></div>' },
  '/w/home-csp': { cfg: { page_type: 'home' }, body: '<div id="grid" data-dc-products="related"></div>' },
  '/w/cart': { cfg: { page_type: 'cart' }, body: '<h1>Cart</h1><div data-dc-banners></div>' },
  '/w/category': { cfg: { page_type: 'category', category_name: 'Lamps' }, body: '<h1>Lamps</h1><div id="recent" data-dc-products="recent"></div>' },
};
/** DataCue's answer to the home page view. */
const HOME_ANSWER = { related_product_skus: [{ product_id: 'p1', name: 'Lamp', price: 10, link: '/p/1', photo_url: '/img/1.svg' }] };

const page = (path: string, opts: { csp?: boolean; src: string }) =>
  `<!doctype html><html><head><script nonce="${NONCE}">window.datacueConfig = ${JSON.stringify({ api_key: 'k', events_url: '/dc', page_type: 'home', options: {} })};</script>` +
  `<script nonce="${NONCE}" src="${opts.src}"></script></head><body>${path}</body></html>`;

beforeAll(async () => {
  browser = await launch();
  server = createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://x');
    requests.push(url.pathname + url.search);
    const reply = () => {
      const p = url.pathname;
      if (p == '/dc') {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const b = JSON.parse(body);
          datacue.push(...(Array.isArray(b) ? b : [b]));
          if (!Array.isArray(b) && b.event.type == 'pageview' && b.event.subtype == 'home')
            return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(HOME_ANSWER));
          res.writeHead(204).end();
        });
        return;
      }
      // The shop serves the script and its chunk from a folder of its own.
      if (p == '/assets/st/shoptrack-core.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(CORE);
      if (p == '/assets/st/shoptrack-send.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(SENDING);
      if (p == '/assets/st/shoptrack.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(FULL);
      if (p == '/assets/st/shoptrack-widgets.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(WIDGETS);
      if (WIDGET_PAGES[p]) {
        const { cfg, body } = WIDGET_PAGES[p];
        const csp = p.endsWith('-csp') ? { 'content-security-policy': `script-src 'nonce-${NONCE}'; connect-src 'self'; img-src 'self'` } : {};
        const html =
          `<!doctype html><html><head><script nonce="${NONCE}">window.datacueConfig = ${JSON.stringify({ api_key: 'k', events_url: '/dc', ...cfg })};</script>` +
          `<script nonce="${NONCE}" src="/assets/st/shoptrack.js"></script></head><body>${body}</body></html>`;
        return void res.writeHead(200, { 'content-type': 'text/html', ...csp }).end(html);
      }
      if (p == '/inline') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page(p, { src: '' }).replace(`<script nonce="${NONCE}" src=""></script>`, () => `<script>${CORE}</script>`));
      if (p.startsWith('/page')) {
        const csp = p.includes('csp') ? { 'content-security-policy': `script-src 'nonce-${NONCE}'; connect-src 'self'` } : {};
        const src = p.includes('missing') ? '/elsewhere/shoptrack-core.js' : '/assets/st/shoptrack-core.js';
        return void res.writeHead(200, { 'content-type': 'text/html', ...csp }).end(page(p, { src }));
      }
      if (p == '/elsewhere/shoptrack-core.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(CORE);
      res.writeHead(404).end();
    };
    if (holding.has(url.pathname)) waiting.set(url.pathname, reply);
    else reply();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.close();
  await browser?.close();
});

async function open(path: string, waitUntil: 'load' | 'domcontentloaded' = 'load'): Promise<{ p: Page; warnings: string[] }> {
  requests = [];
  datacue = [];
  const context = await browser.newContext();
  const p = await context.newPage();
  const warnings: string[] = [];
  p.on('console', (m) => m.type() == 'warning' && warnings.push(m.text()));
  await p.goto(origin + path, { waitUntil });
  return { p, warnings };
}

const until = async (check: () => boolean, what: string) => {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the sending chunk', () => {
  it('comes from beside the script, with the release in its query, and sends what the page tracks', async () => {
    const { p, warnings } = await open('/page');
    await p.evaluate(() => (window as never as { datacue: { track(e: object): Promise<unknown> } }).datacue.track({ type: 'wishlist', subtype: 'add', product_id: '7' }));
    await until(() => datacue.some((b) => b.event.type == 'wishlist'), 'the wishlist event at DataCue');
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
    expect(requests.filter((r) => r.includes('shoptrack-send'))).toEqual(['/assets/st/shoptrack-send.js?v=' + version]);
    expect(warnings).toEqual([]);
    await p.context().close();
  });

  it('runs under a CSP that allows scripts by nonce only', async () => {
    const { p, warnings } = await open('/page-csp');
    await p.evaluate(() => (window as never as { datacue: { track(e: object): Promise<unknown> } }).datacue.track({ type: 'wishlist', subtype: 'add', product_id: '7' }));
    await until(() => datacue.some((b) => b.event.type == 'wishlist'), 'the wishlist event at DataCue');
    // Had the CSP refused the chunk, Chromium would say so, and so would the script ("did not load").
    expect(warnings.filter((w) => /Content Security Policy|shoptrack/.test(w))).toEqual([]);
    expect(requests).toContain('/assets/st/shoptrack-send.js?v=' + JSON.parse(readFileSync('package.json', 'utf8')).version);
    await p.context().close();
  });

  it('does not hold up the page: parsed and shown while the chunk is still on its way', async () => {
    const chunk = '/assets/st/shoptrack-send.js';
    holding.add(chunk);
    const { p } = await open('/page', 'domcontentloaded');
    await until(() => waiting.has(chunk), 'the request for the chunk');
    expect(await p.evaluate(() => document.body.textContent)).toBe('/page');
    // What the page tracks meanwhile is written, and sent once the chunk comes.
    await p.evaluate(() => (window as never as { datacue: { track(e: object): Promise<unknown> } }).datacue.track({ type: 'wishlist', subtype: 'add', product_id: '7' }));
    await until(() => datacue.some((b) => b.event.type == 'pageview'), 'the page view, sent at once');
    expect(datacue.filter((b) => b.event.type == 'wishlist')).toEqual([]);
    holding.delete(chunk);
    waiting.get(chunk)!();
    await until(() => datacue.some((b) => b.event.type == 'wishlist'), 'the wishlist event at DataCue');
    await p.context().close();
  });

  it('missing (a 404, or an inline script with no URL), says so, and each event goes at once', async () => {
    for (const path of ['/page-missing', '/inline']) {
      const { p, warnings } = await open(path);
      await p.evaluate(() => (window as never as { datacue: { track(e: object): Promise<unknown> } }).datacue.track({ type: 'wishlist', subtype: 'add', product_id: '7' }));
      await until(() => datacue.some((b) => b.event.type == 'wishlist'), 'the wishlist event at DataCue, from ' + path);
      expect(warnings.filter((w) => /shoptrack/.test(w)), path).toEqual([
        path == '/inline'
          ? '[shoptrack] sending every event at once: cannot tell where shoptrack-send.js is (the script has no src)'
          : expect.stringMatching(/^\[shoptrack\] sending every event at once: http:\/\/127\.0\.0\.1:\d+\/elsewhere\/shoptrack-send\.js\?v=[\d.]+ did not load$/),
      ]);
      await p.context().close();
    }
  });
});

describe('the widgets chunk (dist/shoptrack.js)', () => {
  const chunk = '/assets/st/shoptrack-widgets.js';
  const asked = () => requests.filter((r) => r.startsWith(chunk));
  /** The page's own events are written and sent: whatever the script was going to ask for, it has. */
  const settled = (p: Page) => p.evaluate(() => (window as never as { shoptrack: { flush(): Promise<void> } }).shoptrack.flush());

  it('comes at once where the page view brings recommendations, render-blocking while <head> is parsed, and draws them', async () => {
    const { p, warnings } = await open('/w/home');
    await p.waitForSelector('#grid .dc-c');
    expect(asked()).toEqual([chunk + '?v=' + VERSION]);
    // Asked for by the script itself, beside the recommendations' request, before the body was parsed.
    expect(await p.evaluate((c) => document.querySelector(`script[src*="${c}"]`)?.getAttribute('blocking'), chunk)).toBe('render');
    expect(await p.locator('#grid .dc-c').count()).toBe(1);
    expect(warnings).toEqual([]);
    await p.context().close();
  });

  it('is not asked for on a page with no priced placeholder whose events bring no recommendations', async () => {
    const { p, warnings } = await open('/w/cart');
    await settled(p);
    expect(datacue.map((b) => b.event.type)).toEqual(['pageview']);
    expect(asked()).toEqual([]);
    expect(warnings).toEqual([]);
    await p.context().close();
  });

  it('is asked for once the page is parsed, where a placeholder comes after the script', async () => {
    const { p, warnings } = await open('/w/category');
    // Nothing viewed yet, so the recent section has nothing to show: the widgets hide it.
    await p.waitForFunction(() => document.querySelector('#recent')!.classList.contains('dc-e'));
    expect(asked()).toEqual([chunk + '?v=' + VERSION]);
    expect(warnings).toEqual([]);
    await p.context().close();
  });

  it('draws an answer that came before it did', async () => {
    holding.add(chunk);
    try {
      const { p } = await open('/w/home', 'domcontentloaded');
      await until(() => waiting.has(chunk), 'the request for the widgets');
      // The answer is in the page before the widgets are.
      await p.waitForFunction(() => performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname == '/dc'));
      expect(await p.locator('#grid .dc-c').count()).toBe(0);
      holding.delete(chunk);
      waiting.get(chunk)!();
      await p.waitForSelector('#grid .dc-c');
      await p.context().close();
    } finally {
      holding.delete(chunk);
    }
  });

  it('runs under a CSP that allows scripts by nonce only', async () => {
    const { p, warnings } = await open('/w/home-csp');
    await p.waitForSelector('#grid .dc-c');
    expect(warnings.filter((w) => /Content Security Policy|shoptrack/.test(w))).toEqual([]);
    await p.context().close();
  });
});
