// The fault suite's harness: the demo shop (startDemo) with its DataCue, Quarticon and Aqurate stand-ins and
// the relay at /relay, plus bare shop pages under /faults that load dist/shoptrack-core.js and nothing
// else. Every event a scenario tracks carries a product id of its own, and is counted where it lands:
// DataCue (at least once), Quarticon and Aqurate behind the relay (exactly once each).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type Demo, startDemo } from '../../demo/server';
import { DEMO_API_KEY } from '../../demo/standins/datacue';
import type { AqurateStandIn } from '../../demo/standins/aqurate';
import type { QuarticonStandIn } from '../../demo/standins/quarticon';
import type { StandIn } from '../../demo/standins/types';
import type { Tracker } from '../../src/browser/tracker';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../browser/chromium';

declare global {
  interface Window {
    shoptrack: Tracker;
  }
}

/** How a /faults page is served. */
export interface PageOpts {
  /** `consent` of the config (granted when absent). */
  consent?: 'pending' | 'granted' | 'denied';
  /** A Content-Security-Policy header; DataCue is then reached on the shop's origin (/faults/dc). */
  csp?: string;
  /** HTML before the config and the script (a stub, a library). */
  head?: string;
  /** DataCue's events through the relay (`events_url: '/relay/datacue'`, docs/relay.md) instead of directly. */
  datacueViaRelay?: boolean;
  /** The config's `handoff_counts_as_sent` (README): what a page going away has on the wire to DataCue counts as sent. */
  handoffCountsAsSent?: boolean;
  /** Which bundle: the tracking-only core (default) or the full one with widgets. */
  bundle?: 'shoptrack-core' | 'shoptrack';
}

export interface Shop {
  demo: Demo;
  url: string;
  quarticon: QuarticonStandIn;
  aqurate: AqurateStandIn;
  /** A shop page URL; `opts` travel in the query. */
  page(opts?: PageOpts): string;
  /** A page of the shop without shoptrack. */
  blank: string;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) =>
  void res.writeHead(status, { 'Content-Type': type, ...extra }).end(body);

/**
 * The /faults pages, /faults/shop/<n> for the n-th options registered (the URL stays short: it is part of
 * every event). No Cache-Control: no-store on them, which alone would keep them out of the bfcache.
 */
const faultPages = (registered: PageOpts[]) => (s: { [name: string]: StandIn }) => (req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url || '/', 'http://x');
  const n = /^\/(?:shop|cfg)\/(\d+)/.exec(url.pathname)?.[1];
  const o = (n && registered[+n]) || {};
  // Under `default-src 'self'` the shop's origin is the only one a page may reach: DataCue through it.
  if (url.pathname == '/dc') return s.datacue.handle(req, res);
  if (url.pathname == '/blank') return send(res, 200, 'text/html', '<!doctype html><title>blank</title><p>no shoptrack here');
  if (url.pathname.startsWith('/cfg/')) {
    const cfg: { [k: string]: unknown } = { api_key: DEMO_API_KEY, events_url: o.csp ? '/faults/dc' : o.datacueViaRelay ? '/relay/datacue' : s.datacue.url, relay_url: '/relay' };
    if (o.consent) cfg.consent = o.consent;
    if (o.handoffCountsAsSent) cfg.handoff_counts_as_sent = true;
    return send(res, 200, 'text/javascript', 'window.datacueConfig = ' + JSON.stringify(cfg) + ';');
  }
  if (n && url.pathname.startsWith('/shop/')) {
    const html =
      `<!doctype html><html><head><meta charset="utf-8"><title>fault shop</title>${o.head || ''}` +
      `<script src="/faults/cfg/${n}.js"></script><script src="/dist/${o.bundle || 'shoptrack-core'}.js"></script>` +
      `</head><body><a id="blank" href="/faults/blank">away</a></body></html>`;
    return send(res, 200, 'text/html; charset=utf-8', html, o.csp ? { 'Content-Security-Policy': o.csp } : {});
  }
  send(res, 404, 'text/plain', 'not a fault page');
};

export async function startShop(): Promise<Shop> {
  const registered: PageOpts[] = [];
  const demo = await startDemo({ mounts: { '/faults': faultPages(registered) } });
  return {
    demo,
    url: demo.url,
    quarticon: demo.standIns.quarticon as QuarticonStandIn,
    aqurate: demo.standIns.aqurate as AqurateStandIn,
    page: (opts = {}) => demo.url + '/faults/shop/' + (registered.push(opts) - 1),
    blank: demo.url + '/faults/blank',
    close: () => demo.close(),
  };
}

/** Chromium as test/browser/chromium.ts launches it, but with the back-forward cache Playwright turns off. */
export const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--disable-back-forward-cache'] });

export type { Browser, BrowserContext, Page };

/**
 * The event every scenario tracks: a click on a Quarticon recommendation, which DataCue takes (as a
 * click/product), Quarticon takes (eventClick) and Aqurate takes (a link_click row): one event, three
 * vendors, each naming the product, whose id is unique per tracked event.
 */
export const eventOf = (id: string) => ({ type: 'click', subtype: 'product', product_id: id, source: 'quarticon', tracking_string: 'ts-' + id });

/** A scenario's name as an id part: Quarticon takes ids of [a-zA-Z0-9-_] only (policy.ts), so no spaces. */
const idPart = (prefix: string): string => prefix.replace(/[^a-zA-Z0-9_-]/g, '_');
/** Ids `prefix-from` .. `prefix-(from+n-1)`, with the prefix made a valid id part. */
export const ids = (prefix: string, n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => idPart(prefix) + '-' + (from + i));

/** Tracks the events in the page; resolves once every track() resolved (each event is in the outbox). */
export const track = (page: Page, list: string[]): Promise<void> =>
  page.evaluate(async (list) => {
    await Promise.all(list.map((id) => window.shoptrack.track({ type: 'click', subtype: 'product', product_id: id, source: 'quarticon', tracking_string: 'ts-' + id })));
  }, list);

/** Opens a shop page and waits for shoptrack to be installed. */
export async function open(context: BrowserContext, url: string, page?: Page): Promise<Page> {
  page ||= await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => !!window.shoptrack && typeof window.shoptrack.track == 'function');
  return page;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Counts {
  scenario: string;
  tracked: number;
  /** Events DataCue accepted at least once. */
  datacue: number;
  /** Events both of the relay's vendors accepted exactly once. */
  relay: number;
  /** Events missing at DataCue or at either of the relay's vendors. */
  lost: number;
  /** Events DataCue accepted more than once. */
  doubled: number;
  /** Events a relay vendor accepted more than once (must be 0). */
  relayDoubled: number;
  /** Products that arrived but were never tracked as counted (must be 0). */
  phantom: number;
  /** Whether the scenario killed pages between a send and its answer (the only place doubles may come from). */
  pageDeaths: boolean;
  /** What else went wrong: page errors, CSP violations, storage written without consent... (must be empty). */
  problems: string[];
  ms: number;
  /**
   * Rows with a flaky vendor only: ms from the row's last track() call to the first accepted (2xx) arrival,
   * at that vendor's stand-in, of the event that arrived there last; Infinity when one never arrived.
   */
  lastDeliveryMs?: number;
}

const countBy = (xs: unknown[]) => {
  const m = new Map<string, number>();
  for (const x of xs) if (typeof x == 'string') m.set(x, (m.get(x) || 0) + 1);
  return m;
};

/** Whether `id` is one of the product ids `ids(prefix, ...)` hands out. */
const ofScenario = (prefix: string) => (id: unknown): id is string => typeof id == 'string' && id.startsWith(idPart(prefix) + '-');

/** Where each product of `prefix` arrived, how often. */
export function arrivals(shop: Shop, prefix: string) {
  const mine = ofScenario(prefix);
  return {
    dc: countBy(shop.demo.datacue.events().map((e) => e.event.product_id).filter(mine)),
    q: countBy(shop.quarticon.events().filter((b) => b.eventType == 'eventClick').map((b) => b.productId).filter(mine)),
    a: countBy(shop.aqurate.rows().filter((r) => r.event == 'link_click').map((r) => r.product_id).filter(mine)),
  };
}

/** The product ids one request to a stand-in carried: DataCue's events, Quarticon's event, Aqurate's rows. */
function productsIn(body: unknown): unknown[] {
  type Item = { event?: { product_id?: unknown }; productId?: unknown; product_id?: unknown } | null;
  return (Array.isArray(body) ? body : [body]).map((b: Item) => b?.event?.product_id ?? b?.productId ?? b?.product_id);
}

/**
 * When each product of `prefix` first arrived at a stand-in in a request it accepted (answered 2xx), in ms
 * since the epoch: the stand-ins run in this process, on its clock.
 */
export function firstArrivals(shop: Shop, standIn: string, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  const mine = ofScenario(prefix);
  for (const r of shop.demo.standIns[standIn].received) {
    if (r.status == null || r.status < 200 || r.status >= 300) continue;
    for (const id of productsIn(r.body)) if (mine(id) && !out.has(id)) out.set(id, Date.parse(r.at));
  }
  return out;
}

/** Ms from `from` to the first accepted arrival at `standIn` of the last of `tracked` to arrive there; Infinity when one never did. */
export function lastDelivery(shop: Shop, standIn: string, prefix: string, tracked: string[], from: number): number {
  const at = firstArrivals(shop, standIn, prefix);
  let last = -Infinity;
  for (const id of tracked) last = Math.max(last, at.get(id) ?? Infinity);
  return last - from;
}

/** Figures of a scenario: what arrived of `tracked`, compared per product. */
export function count(shop: Shop, scenario: string, prefix: string, tracked: string[], extra: Partial<Counts> = {}): Counts {
  const { dc, q, a } = arrivals(shop, prefix);
  const set = new Set(tracked);
  let datacue = 0, relay = 0, lost = 0, doubled = 0, relayDoubled = 0;
  for (const id of tracked) {
    const d = dc.get(id) || 0, qn = q.get(id) || 0, an = a.get(id) || 0;
    if (d) datacue++;
    if (d > 1) doubled++;
    if (qn == 1 && an == 1) relay++;
    if (qn > 1 || an > 1) relayDoubled++;
    if (!d || !qn || !an) lost++;
  }
  const phantom = new Set([...dc.keys(), ...q.keys(), ...a.keys()].filter((id) => !set.has(id))).size;
  return { scenario, tracked: tracked.length, datacue, relay, lost, doubled, relayDoubled, phantom, pageDeaths: false, problems: [], ms: 0, ...extra };
}

/** Waits until every tracked event reached all three vendors, or `timeout` ms passed. */
export async function settle(shop: Shop, prefix: string, tracked: string[], timeout: number): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    const { dc, q, a } = arrivals(shop, prefix);
    if (tracked.every((id) => dc.has(id) && q.has(id) && a.has(id))) break;
    if (Date.now() > end) return;
    await sleep(100);
  }
  // A late duplicate would show up now.
  await sleep(300);
}

/** Collects what a page must never do: throw into the page, or break its CSP. */
export function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    // Network errors are what the faults are made of; a refused script, style or request is not.
    if (/Content Security Policy|Refused to/.test(m.text())) problems.push('CSP: ' + m.text());
  });
}

/** What a page's shoptrack says about its outbox. */
export const stats = (page: Page) => page.evaluate(() => window.shoptrack.stats());
