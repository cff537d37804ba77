// The widgets in real Chromium, against a small page server of this test's own: dist/shoptrack.js, a
// stand-in for DataCue's events endpoint answering with the seed's recommendations (seeds/001), and a
// stand-in relay (events, Quarticon and Aqurate recommendations). Run `npm run build` first.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launch } from './chromium';

const SCRIPT = readFileSync('dist/shoptrack.js', 'utf8');
const SENDING = readFileSync('dist/shoptrack-send.js', 'utf8');
const WIDGETS = readFileSync('dist/shoptrack-widgets.js', 'utf8');
const SHOTS = 'test-results';
/**
 * DataCue answers for the key "held" wait here until the test calls release(): the test, not a timer,
 * decides that the answer comes after the first paint, however busy the machine.
 */
let held: ((done: () => void) => void)[] = [];
/** Resolves once the answers released last have been written to the browser's connection. */
let written: Promise<unknown> = Promise.resolve();
/** Requests to /gate (a page holding its main thread) waiting for the test's next release(). */
let gated: (() => void)[] = [];
const release = () => {
  written = Promise.all(held.splice(0).map((answer) => new Promise<void>((done) => answer(done))));
  for (const open of gated.splice(0)) open();
};

interface Hit {
  path: string;
  at: number;
  body: unknown;
}
let hits: Hit[] = [];
let server: Server;
let base = '';
let browser: Browser;

const product = (id: number, name: string, price: number | string, extra: object = {}) => ({
  product_id: String(id),
  variant_id: 'a',
  name,
  price,
  photo_url: '/img/' + id + '.svg',
  link: '/product/' + id,
  ...extra,
});
const RELATED = [
  product(18, 'Luxury Double Bed', 1299, { full_price: 1599 }),
  product(59, 'Contemporary Sofa', '329.00'),
  product(41, 'Decorative Flatware', 79, { full_price: '99.00' }),
  product(12, 'Scandinavian Organizer with a rather long name that wraps', 69),
  product(56, 'Soft Sofa', 299),
  product(38, 'Wicker Sofa', 299, { full_price: 299 }),
  product(16, 'Basic Bed', 299),
  product(6, 'Handicraft Rack', 49, { full_price: 59 }),
];
const ANSWERS: { [key: string]: object } = {
  home: {
    main_banners: [{ banner_id: 'B1', photo_url: '/img/banner-main.svg', link: '/category/bathroom', name: 'Bathroom week' }],
    sub_banners: [{ banner_id: 'B6', photo_url: '/img/banner-sub.svg', link: '/category/bathroom/organizer', name: 'Organizers' }],
    related_product_skus: RELATED,
    recent_product_skus: [product(18, 'Luxury Double Bed', '1299.00', { extra: { discount: '20%' } })],
  },
  product: { similar_product_skus: RELATED.slice(4), related_product_skus: null, recent_product_skus: [] },
  xss: {
    main_banners: [{ banner_id: 'BX', photo_url: '/img/banner-main.svg', link: 'javascript:alert(3)', name: '<script>alert(4)</script>' }],
    related_product_skus: [
      { product_id: 'x1', name: '<img src=x onerror=alert(1)>', price: 1, link: 'javascript:alert(1)', photo_url: 'javascript:alert(2)' },
      { product_id: 'x2', name: 'Tabbed', price: 2, link: 'java\tscript:alert(5)', photo_url: '/img/1.svg' },
    ],
  },
};
const QUARTICON = {
  status: 'OK',
  timestamp: 1,
  data: [1, 2, 3, 4, 5, 6].map((i) => ({ id: 'Q' + i, title: 'Quarticon pick ' + i, image: '/img/' + i + '.svg', url: '/product/Q' + i, price: 10 * i, priceOld: i % 2 ? 12 * i : null, trackingString: 'tq' + i })),
};

function svg(name: string): string {
  const hue = [...name].reduce((h, c) => h + c.charCodeAt(0) * 37, 0) % 360;
  const [w, h] = name.startsWith('banner-main') || name == 'static' ? [1200, 720] : name.startsWith('banner-sub') ? [480, 720] : [400, 400];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="hsl(${hue} 55% 70%)"/><text x="50%" y="50%" font-size="${w / 8}" text-anchor="middle" font-family="sans-serif" fill="#fff">${name}</text></svg>`;
}

interface PageOpts {
  csp?: string;
  head?: string;
  /** Inline script run right after the bundle (window.shoptrack is there). */
  after?: string;
}
const pages: { [path: string]: { cfg: object; body: string } & PageOpts } = {};
/** Registers a page: its config (external script, so that a strict CSP page can have it too) and body. */
const addPage = (path: string, cfg: object, body: string, opts: PageOpts = {}) => {
  pages[path] = { cfg: { events_url: '/dc', relay_url: '/relay', currency: 'USD', locale: 'en-US', ...cfg }, body, ...opts };
  return base + path;
};

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
  });

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url!, base);
  const p = url.pathname;
  const send = (status: number, body: string, type = 'application/json', headers: object = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  };
  if (p == '/shoptrack.js') return send(200, SCRIPT, 'text/javascript');
  if (p == '/shoptrack-send.js') return send(200, SENDING, 'text/javascript');
  if (p == '/shoptrack-widgets.js') {
    hits.push({ path: p, at: Date.now(), body: null });
    return send(200, WIDGETS, 'text/javascript');
  }
  if (p.startsWith('/img/')) return send(200, svg(p.slice(5).replace('.svg', '')), 'image/svg+xml');
  if (p == '/dc') {
    const raw = JSON.parse(await read(req));
    const key = Buffer.from((req.headers.authorization || '').slice(6), 'base64').toString().replace(/:$/, '');
    for (const b of [raw].flat()) hits.push({ path: p, at: Date.now(), body: b });
    const ev = Array.isArray(raw) ? undefined : raw.event;
    const kind = key == 'xss' ? 'xss' : ev && ev.type == 'pageview' ? ev.subtype : '';
    if (ev && ANSWERS[kind]) {
      if (key == 'held') {
        const done = await new Promise<() => void>((r) => held.push(r));
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        return void res.end(JSON.stringify(ANSWERS[kind]), done);
      }
      return send(200, JSON.stringify(ANSWERS[kind]));
    }
    return send(204, '');
  }
  if (p == '/relay/events') {
    const { events } = JSON.parse(await read(req));
    for (const e of events) hits.push({ path: p, at: Date.now(), body: e });
    return send(200, JSON.stringify({ results: events.map((e: { id: string }) => ({ id: e.id, status: 'accepted' })) }));
  }
  if (p == '/relay/recs/quarticon') {
    hits.push({ path: p + url.search, at: Date.now(), body: null });
    return send(200, JSON.stringify(QUARTICON));
  }
  if (p.startsWith('/relay/recs/aqurate/')) {
    hits.push({ path: p + url.search, at: Date.now(), body: null });
    return send(200, JSON.stringify({ items: RELATED.slice(0, 3) }));
  }
  // A synchronous request the page makes to hold its main thread: answered after the test's next
  // release() (which the test calls once this request is in), once the answer it lets go is on the
  // wire, and a little later, for those bytes to reach Chromium's network stack (so that the answer is
  // usually waiting when the page resumes; what the test counts does not depend on it).
  if (p == '/gate') {
    await new Promise<void>((open) => gated.push(open));
    await written;
    await new Promise((r) => setTimeout(r, 50));
    return send(204, '');
  }
  if (p.startsWith('/cfg')) return send(200, 'window.datacueConfig=' + JSON.stringify(pages[p.slice(4)].cfg) + ';', 'text/javascript');
  if (p == '/favicon.ico') return send(204, '');
  // The product pages recommendations link to: the script runs there too, and sends what was deferred.
  if (!pages[p] && p.startsWith('/product/')) addPage(p, { api_key: 'k', page_type: 'product', product_id: p.slice(9) }, '<h1>Product</h1>');
  const pg = pages[p];
  hits.push({ path: p, at: Date.now(), body: null });
  if (!pg) return send(404, 'not found', 'text/plain');
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${p}</title>${pg.head || ''}` +
    `<script src="/cfg${p}"></script><script src="/shoptrack.js"></script>${pg.after ? '<script>' + pg.after + '</script>' : ''}</head>` +
    `<body>${pg.body}</body></html>`;
  send(200, html, 'text/html', pg.csp ? { 'content-security-policy': pg.csp } : {});
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = createServer((req, res) => void handle(req, res).catch((e) => (res.writeHead(500), res.end(String(e)))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});
beforeEach(() => {
  hits = [];
  release();
});

/** A fresh context per test: its own IndexedDB, cookies and storage. */
async function open(url: string, width = 1280): Promise<{ page: Page; problems: string[] }> {
  const ctx = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('dialog', (d) => (problems.push('dialog: ' + d.message()), void d.dismiss()));
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
  page.on('console', (m) => m.type() == 'error' && problems.push('console: ' + m.text()));
  await page.goto(url);
  return { page, problems };
}
const events = (path: string) => hits.filter((h) => h.path == path).map((h) => h.body as { [k: string]: unknown });
/** Two animation frames: what the page's DOM held before them has been rendered (laid out and painted). */
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
/**
 * The page's intersection observers have reported on `sel` at the current scroll: a new observer's
 * first report comes in the same delivery as theirs (Chromium delivers every observer pending for a
 * document in one task), so what the widgets tracked from their reports is in their outbox by then.
 */
const observed = (page: Page, sel: string) =>
  page.evaluate(
    (sel) =>
      new Promise<void>((reported) => {
        const io = new IntersectionObserver(() => (io.disconnect(), reported()));
        for (const e of document.querySelectorAll(sel)) io.observe(e);
      }),
    sel,
  );
/**
 * The page's layout shifts so far without recent input, summed (its Cumulative Layout Shift): the
 * entries the browser has buffered, read at once rather than when an observer's callback gets them.
 */
const layoutShift = (page: Page) =>
  page.evaluate(() => {
    const o = new PerformanceObserver(() => {});
    o.observe({ type: 'layout-shift', buffered: true });
    const shifts = o.takeRecords() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[];
    o.disconnect();
    return shifts.filter((e) => !e.hadRecentInput).reduce((n, e) => n + e.value, 0);
  });
/** The page's own outbox, sent: what it tracked so far has reached the stand-ins. */
const flushed = (page: Page) => page.evaluate(() => (window as never as { shoptrack: { flush(): Promise<void> } }).shoptrack.flush());
const until = async (fn: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !fn(); ) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + fn);
    await new Promise((r) => setTimeout(r, 25));
  }
};

const HOME_BODY =
  '<h1>Home</h1>' +
  '<div data-dc-banners data-dc-static-img="/img/static.svg" data-dc-static-link="/sale"></div>' +
  '<div id="grid" data-dc-products="related" data-dc-limit="6"></div>' +
  '<div id="slider" data-dc-products="related" data-dc-layout="slider"></div>' +
  '<p id="below">Content below the widgets.</p>';

describe('widgets in Chromium', () => {
  it("draws banners, a grid and a slider from DataCue's home answer, and saves screenshots", async () => {
    const { page, problems } = await open(addPage('/home', { api_key: 'k1', page_type: 'home' }, HOME_BODY));
    await page.waitForSelector('#slider .dc-c');
    expect(await page.locator('#grid h2').textContent()).toBe('Recommended for you');
    expect(await page.locator('#grid li').count()).toBe(6);
    expect(await page.locator('#slider li').count()).toBe(8);
    expect(await page.locator('#grid .dc-p').first().textContent()).toBe('$1,299.00$1,599.00');
    expect(await page.locator('#grid .dc-p del').allTextContents()).toEqual(['$1,599.00', '$99.00']);
    expect(await page.locator('.dc-bn img').evaluateAll((is) => is.map((i) => i.getAttribute('alt')))).toEqual(['', 'Bathroom week', 'Organizers']);
    // The static banner across the top, the personalised wide and narrow banners side by side below it.
    const boxes = await page.locator('.dc-bn').evaluateAll((bs) =>
      bs.map((b) => {
        const r = b.getBoundingClientRect();
        return { cls: b.className, x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width), h: Math.round(r.height) };
      }),
    );
    const [st, main, sub] = boxes;
    expect(boxes.map((b) => b.cls)).toEqual(['dc-bn dc-bt', 'dc-bn dc-bm', 'dc-bn dc-bs']);
    expect(main.y).toBeGreaterThanOrEqual(st.y + st.h);
    expect([main.y, main.x]).toEqual([sub.y, st.x]);
    expect(sub.x).toBeGreaterThan(main.x + main.w - 1);
    expect(Math.abs(main.w + sub.w - st.w)).toBeLessThanOrEqual(20);
    // Styled: grid columns and a one-row scroll-snap slider (a grid flowing into columns).
    const look = await page.evaluate(() => {
      const cs = (s: string) => getComputedStyle(document.querySelector(s)!);
      const l = cs('#slider .dc-l');
      return [cs('#grid .dc-l').display, l.display, l.gridAutoFlow, l.scrollSnapType, l.overflowX];
    });
    expect(look).toEqual(['grid', 'grid', 'column', 'x mandatory', 'auto']);
    await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode().catch(() => {}))));
    await page.locator('#grid').screenshot({ path: SHOTS + '/widgets-grid.png' });
    await page.locator('#slider').screenshot({ path: SHOTS + '/widgets-slider.png' });
    await page.locator('[data-dc-banners]').screenshot({ path: SHOTS + '/widgets-banners.png' });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("tells a shop's own listener (onAnswer, by its name in the script tag's build) each answer", async () => {
    const after = 'window.__heard=[];window.shoptrack.onAnswer(function(a,e){__heard.push([e.type,e.subtype,Object.keys(a).sort()])})';
    const { page, problems } = await open(addPage('/on-answer', { api_key: 'k', page_type: 'home' }, HOME_BODY, { after }));
    await page.waitForFunction(() => (window as never as { __heard: unknown[] }).__heard.length > 0);
    expect(await page.evaluate(() => (window as never as { __heard: unknown[] }).__heard)).toEqual([['pageview', 'home', Object.keys(ANSWERS.home).sort()]]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('tracks a click on a recommendation as a deferred DataCue click, sent from the next page', async () => {
    const { page, problems } = await open(addPage('/home-click', { api_key: 'k2', page_type: 'home' }, HOME_BODY));
    await page.waitForSelector('#slider .dc-c');
    await page.locator('#slider .dc-c').nth(4).click();
    await page.waitForURL('**/product/56');
    const arrived = hits.find((h) => h.path == '/product/56')!.at;
    await until(() => events('/dc').some((b) => (b.event as { type: string }).type == 'click'));
    const click = hits.find((h) => h.path == '/dc' && (h.body as { event: { type: string } }).event.type == 'click')!;
    expect((click.body as { event: object }).event).toEqual({ type: 'click', subtype: 'related', product_id: '56' });
    // Deferred: sent by the next page, not on the way out of this one.
    expect(click.at).toBeGreaterThanOrEqual(arrived);
    await until(() => events('/relay/events').some((e) => (e.e as { type: string }).type == 'click'));
    const relayed = events('/relay/events').find((e) => (e.e as { type: string }).type == 'click')!;
    expect(relayed.e).toEqual({ type: 'click', subtype: 'related', product_id: '56', source: 'datacue' });
    expect(relayed.url).toBe(base + '/home-click');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('sends a Quarticon impression once per item when half of it is visible, and its click with the trackingString', async () => {
    const url = addPage(
      '/product-qc',
      { api_key: 'k3', page_type: 'product', product_id: 'P1', product_update: [{ product_id: 'P1', name: 'Viewed', price: 5 }] },
      '<h1>Product</h1><div id="spacer"></div><div id="qc" data-qc-placement="frame_1" data-dc-title="Picked by Quarticon"></div><div id="after"></div>',
      { head: '<style>#spacer,#after{height:1500px}</style>' },
    );
    const { page, problems } = await open(url);
    await page.waitForSelector('#qc .dc-c');
    expect(events('/relay/recs/quarticon?placementId=frame_1&cookie=' + (await page.evaluate(() => (window as never as { shoptrack: { anonymousId: string } }).shoptrack.anonymousId)) + '&filterProduct=P1')).toHaveLength(1);
    const impressions = () => events('/relay/events').filter((e) => (e.e as { type: string }).type == 'impression').map((e) => e.e);
    // A sliver of the row in view (under half of each card): nothing yet, once the observers have
    // reported on the cards there and flush has sent what they tracked.
    await page.evaluate(() => window.scrollTo(0, document.querySelector('#qc .dc-l')!.getBoundingClientRect().top + scrollY - innerHeight + 60));
    await observed(page, '#qc .dc-c');
    await flushed(page);
    expect(impressions()).toEqual([]);
    await page.locator('#qc').scrollIntoViewIfNeeded();
    await until(() => impressions().length >= 6);
    // Out of view and back: no second impression.
    await page.evaluate(() => window.scrollTo(0, 0));
    await observed(page, '#qc .dc-c');
    await page.locator('#qc').scrollIntoViewIfNeeded();
    await observed(page, '#qc .dc-c');
    await flushed(page);
    expect(impressions().sort((a: any, b: any) => String(a.product_id).localeCompare(String(b.product_id)))).toEqual(
      [1, 2, 3, 4, 5, 6].map((i) => ({ type: 'impression', subtype: 'product', product_id: 'Q' + i, source: 'quarticon', tracking_string: 'tq' + i })),
    );
    // Impressions are Quarticon's: none went to DataCue.
    expect(events('/dc').filter((b) => (b.event as { type: string }).type == 'impression')).toEqual([]);
    await page.locator('#qc .dc-c').nth(1).click();
    await page.waitForURL('**/product/Q2');
    await until(() => events('/relay/events').some((e) => (e.e as { type: string }).type == 'click'));
    expect(events('/relay/events').find((e) => (e.e as { type: string }).type == 'click')!.e).toEqual({
      type: 'click',
      subtype: 'product',
      product_id: 'Q2',
      source: 'quarticon',
      tracking_string: 'tq2',
    });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("asks the relay for vendor placements with the browser's own fetch, not a page's wrapper of it", async () => {
    // A page (or a library on it) that wraps fetch and mangles what it answers.
    const url = addPage('/wrapped-fetch', { api_key: 'k5', page_type: 'product', product_id: 'P1' }, '<div id="qc" data-qc-placement="frame_1"></div><div id="aq" data-aq-recs="upsell"></div>', {
      head: '<script>window.__wrapped=0;window.fetch=function(){window.__wrapped++;return Promise.resolve(new Response("{}"))}</script>',
    });
    const { page, problems } = await open(url);
    await page.waitForSelector('#qc .dc-c');
    await page.waitForSelector('#aq .dc-c');
    expect(await page.locator('#qc .dc-c').count()).toBe(6);
    expect(await page.locator('#aq .dc-c').count()).toBe(3);
    expect(events('/relay/recs/aqurate/upsell?product_id=P1')).toHaveLength(1);
    expect(await page.evaluate(() => (window as never as { __wrapped: number }).__wrapped)).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('renders a product name holding HTML as text and drops javascript: links, inert in the browser', async () => {
    const { page, problems } = await open(addPage('/xss', { api_key: 'xss', page_type: 'home' }, '<div data-dc-products="related"></div><div data-dc-banners></div>'));
    await page.waitForSelector('.dc-n');
    expect(await page.locator('.dc-n').allTextContents()).toEqual(['<img src=x onerror=alert(1)>', 'Tabbed']);
    const dom = await page.evaluate(() => ({
      badImgs: document.querySelectorAll('img[src="x"], img[onerror], script:not([src])').length,
      hrefs: [...document.querySelectorAll('[href]')].map((a) => a.getAttribute('href')),
      srcs: [...document.querySelectorAll('.dc-s img, .dc-bn img')].map((i) => i.getAttribute('src')),
      cards: [...document.querySelectorAll('.dc-c')].map((c) => c.tagName),
    }));
    expect(dom).toEqual({ badImgs: 0, hrefs: [], srcs: [base + '/img/1.svg', base + '/img/banner-main.svg'], cards: ['DIV', 'DIV'] });
    await page.locator('.dc-c').first().click();
    await page.locator('.dc-bn').click();
    // Both clicks were tracked (deferred to the next page), and neither followed a link.
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('stk_held') || '[]').length)).toBe(2);
    await frames(page);
    expect(page.url()).toBe(base + '/xss');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shifts no layout when the answer arrives after the first paint (CLS 0)', async () => {
    const url = addPage('/cls', { api_key: 'held', page_type: 'home' }, HOME_BODY + '<p>More content.</p>'.repeat(20));
    const { page, problems } = await open(url);
    // The page is loaded and painted while its answer is held: space was reserved, not added.
    await until(() => held.length == 1);
    await frames(page);
    expect(await page.locator('.dc-c').count()).toBe(0);
    release();
    await page.waitForSelector('#slider .dc-c');
    await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode().catch(() => {}))));
    // Layout shifts are recorded as the frame that rendered them is painted.
    await frames(page);
    expect(await page.locator('#grid li').count()).toBe(6);
    // The static banner was there from the start; the personalised ones came into reserved space.
    expect(await page.locator('[data-dc-banners] .dc-bn').count()).toBe(3);
    expect(await layoutShift(page)).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('draws the recommendations within the frame the answer arrives in', async () => {
    // Every animation frame records whether the cards were there. The answer is held until the page is
    // loaded and rendering; then the page's main thread is held (a synchronous request the test server
    // answers only after the test has released the answer and it is on the wire), so the answer is
    // waiting for the page when it resumes. Counted in frames, not milliseconds, from when the answer was
    // within the page's reach (resumed, or its last byte in, if that came later): at most the one frame
    // already due may render before the answer's task; the next must show the cards.
    const url = addPage('/frame', { api_key: 'held', page_type: 'home' }, HOME_BODY, {
      head: '<script>window.__frames=[];(function f(t){__frames.push([t||0,!!document.querySelector("#grid .dc-c")]);requestAnimationFrame(f)})()</script>',
    });
    const { page, problems } = await open(url);
    await until(() => held.length == 1);
    await frames(page);
    expect(await page.locator('.dc-c').count()).toBe(0);
    await page.evaluate(() =>
      setTimeout(() => {
        const gate = new XMLHttpRequest();
        gate.open('GET', '/gate', false);
        gate.send();
        (window as never as { __resumed: number }).__resumed = performance.now();
      }),
    );
    // The page's main thread is held from the moment its request is at the gate; only then is the answer let go.
    await until(() => gated.length == 1);
    release();
    await page.waitForSelector('#grid .dc-c');
    const before = await page.evaluate(() => {
      const w = window as never as { __resumed: number; __frames: [number, boolean][] };
      const answerIn = performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname == '/dc').map((e) => (e as PerformanceResourceTiming).responseEnd);
      const from = Math.max(w.__resumed, ...answerIn);
      const after = w.__frames.filter(([t]) => t > from);
      return after.findIndex(([, cards]) => cards);
    });
    expect(before).toBeGreaterThanOrEqual(0);
    expect(before).toBeLessThanOrEqual(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('lets a keyboard alone use the slider: buttons, arrow keys, visible focus, Enter on a card', async () => {
    const url = addPage('/keys', { api_key: 'k4', page_type: 'home' }, '<a id="start" href="#">start</a><div id="slider" data-dc-products="related" data-dc-layout="slider"></div>');
    const { page, problems } = await open(url, 600);
    await page.waitForSelector('#slider .dc-c');
    const list = page.locator('#slider .dc-l');
    const scrollLeft = () => list.evaluate((l) => l.scrollLeft);
    /** Presses `key`, which must scroll the slider, and waits for its scrollend (smooth scroll and snap over): the position then. */
    const scrolled = async (key: string): Promise<number> => {
      await list.evaluate((l) => {
        const w = window as never as { __rest?: number };
        delete w.__rest;
        l.addEventListener('scrollend', () => (w.__rest = l.scrollLeft), { once: true });
      });
      await page.keyboard.press(key);
      const rest = await page
        .waitForFunction(() => {
          const r = (window as never as { __rest?: number }).__rest;
          return r !== undefined && [r];
        }, undefined, { timeout: 10_000 })
        .catch(() => {
          throw new Error(key + ' did not scroll the slider: no scrollend in 10 s');
        });
      return ((await rest.jsonValue()) as [number])[0];
    };
    const active = () => page.evaluate(() => document.activeElement!.getAttribute('aria-label') || document.activeElement!.className);
    await page.focus('#start');
    await page.keyboard.press('Tab');
    expect(await active()).toBe('Previous');
    await page.keyboard.press('Tab');
    expect(await active()).toBe('Next');
    const page1 = await scrolled('Enter');
    // About one slider width on, snapped to a card (176 px a card with its gap).
    expect(page1).toBeGreaterThan(300);
    expect(page1 % 176).toBe(0);
    expect(await scrolled('Enter')).toBeGreaterThan(page1);
    await page.keyboard.press('Shift+Tab');
    expect(await active()).toBe('Previous');
    expect(await scrolled('Enter')).toBeLessThan(page1 + 176);
    // Two more presses at most bring it back to the start; each, short of it, must scroll.
    for (let i = 0; i < 2 && (await scrollLeft()) > 0; i++) await scrolled('Enter');
    expect(await scrollLeft()).toBe(0);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await active()).toBe('Recommended for you');
    expect(await scrolled('ArrowRight')).toBe(176);
    await page.keyboard.press('Tab');
    expect(await active()).toBe('dc-c');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle + ' ' + getComputedStyle(document.activeElement!).outlineWidth);
    expect(outline).toBe('solid 2px');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/product/18');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it.each([
    ['a constructed stylesheet under style-src self', {}, "default-src 'self'; style-src 'self'"],
    ['a nonced <style> element', { style_nonce: 'abc123' }, "default-src 'self'; style-src 'nonce-abc123'"],
  ])('is styled under a strict CSP with %s', async (_, cfg, csp) => {
    const path = '/csp-' + Object.keys(cfg).length;
    const { page, problems } = await open(addPage(path, { api_key: 'k5', page_type: 'home', ...cfg }, HOME_BODY, { csp }));
    await page.waitForSelector('#slider .dc-c');
    expect(await page.locator('#grid .dc-l').evaluate((l) => getComputedStyle(l).display)).toBe('grid');
    expect(await page.locator('[style]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
