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
          res.writeHead(204).end();
        });
        return;
      }
      // The shop serves the script and its chunk from a folder of its own.
      if (p == '/assets/st/shoptrack-core.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(CORE);
      if (p == '/assets/st/shoptrack-send.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(SENDING);
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
