// Shared by the relay's tests: the two vendor stand-ins, a relay config pointing at them, canonical
// events from simulated shoppers, and a client that posts batches the way dest-relay.ts does.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCTS } from '../../demo/catalog';
import { type AqurateStandIn, AQURATE_DEMO_TOKEN, createAqurateStandIn } from '../../demo/standins/aqurate';
import { type QuarticonStandIn, QUARTICON_DEMO_CUSTOMER, QUARTICON_DEMO_KEY, createQuarticonStandIn } from '../../demo/standins/quarticon';
import type { ShopEvent, TrackedEvent } from '../../src/events/types';
import { type RelayConfig, readRelayConfig } from '../../src/relay/config';
import type { RelayResult } from '../../src/relay/handler';
import { type AqurateState, toAqurate } from '../../src/vendors/aqurate';
import { toQuarticon } from '../../src/vendors/quarticon';

export interface Vendors {
  quarticon: QuarticonStandIn;
  aqurate: AqurateStandIn;
  close(): Promise<void>;
}

export async function startVendors(): Promise<Vendors> {
  const ctx = { catalog: PRODUCTS };
  const quarticon = createQuarticonStandIn(ctx);
  const aqurate = createAqurateStandIn(ctx);
  await quarticon.start();
  await aqurate.start();
  return { quarticon, aqurate, close: async () => void (await Promise.all([quarticon.close(), aqurate.close()])) };
}

export const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'shoptrack-relay-')), 'relay.sqlite');

/** The relay's config for tests: every vendor URL on 127.0.0.1, generous rate limits unless overridden. */
export function testConfig(v: Vendors, over: Partial<RelayConfig> = {}): RelayConfig {
  return {
    ...readRelayConfig(
      {},
      {
        port: 0,
        // The tests post to the root; the default base path (/relay) has its own test (relay-deploy).
        basePath: '',
        dbPath: tempDb(),
        quarticonUrl: v.quarticon.url,
        quarticonCustomer: QUARTICON_DEMO_CUSTOMER,
        quarticonApiKey: QUARTICON_DEMO_KEY,
        aqurateUrl: v.aqurate.url,
        aqurateToken: AQURATE_DEMO_TOKEN,
        rateLimitPerMinute: 60000,
        rateLimitBurst: 10000,
      },
    ),
    ...over,
  };
}

/** The environment that gives the relay CLI the same config. */
export const testEnv = (c: RelayConfig): { [k: string]: string } => ({
  SHOPTRACK_RELAY_PORT: String(c.port),
  SHOPTRACK_RELAY_BASE_PATH: c.basePath || '/',
  SHOPTRACK_RELAY_DB_PATH: c.dbPath,
  SHOPTRACK_RELAY_QUARTICON_URL: c.quarticonUrl,
  SHOPTRACK_RELAY_QUARTICON_CUSTOMER: c.quarticonCustomer!,
  SHOPTRACK_RELAY_QUARTICON_API_KEY: c.quarticonApiKey!,
  SHOPTRACK_RELAY_AQURATE_URL: c.aqurateUrl,
  SHOPTRACK_RELAY_AQURATE_TOKEN: c.aqurateToken!,
  SHOPTRACK_RELAY_RATE_LIMIT_PER_MINUTE: String(c.rateLimitPerMinute),
  SHOPTRACK_RELAY_RATE_LIMIT_BURST: String(c.rateLimitBurst),
});

let seq = 0;
export const tracked = (e: ShopEvent, over: Partial<TrackedEvent> = {}): TrackedEvent => ({
  id: 'ev' + ++seq + '-' + Math.random().toString(36).slice(2, 10),
  ts: Date.now(),
  aid: 'aid-1',
  sid: 'sid-1',
  uid: null,
  url: 'http://127.0.0.1/',
  ...over,
  e,
});

/**
 * A shopper's stream: product views, carts that grow, clicks on recommendations, an order. Every event
 * names products unique to it (`<shopper>-<n>-...`), so each vendor request can be traced to its event.
 */
export function shopperEvents(shopper: number, count: number, t0 = Date.now()): TrackedEvent[] {
  const out: TrackedEvent[] = [];
  const aid = 'shopper-' + shopper;
  let cart: { product_id: string; variant_id: string; quantity: number; unit_price: number; currency: string }[] = [];
  for (let n = 0; n < count; n++) {
    const p = 's' + shopper + '-' + n;
    const o = { aid, sid: aid + '-session', ts: t0 + n, page: 'product' };
    let e: ShopEvent;
    switch (n % 5) {
      case 0:
        e = { type: 'pageview', subtype: 'product', product_id: p };
        break;
      case 1:
        cart = [...cart, { product_id: p, variant_id: 'no-variants', quantity: 1, unit_price: 10, currency: 'EUR' }];
        e = { type: 'cart', subtype: 'update', cart, cart_link: '/cart' };
        break;
      case 2:
        e = { type: 'click', subtype: 'related', product_id: p, source: 'quarticon', tracking_string: 'tr-' + p };
        break;
      case 3:
        e = { type: 'wishlist', subtype: 'add', product_id: p };
        break;
      default:
        e = { type: 'order', subtype: 'completed', order_id: 'o-' + p, cart };
        cart = [];
    }
    out.push(tracked(e, o));
  }
  return out;
}

export async function postEvents(base: string, events: unknown[], headers: Record<string, string> = {}): Promise<{ status: number; results?: RelayResult[]; body: string; headers: Headers }> {
  const r = await fetch(base + '/events', {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: JSON.stringify({ events }),
  });
  const body = await r.text();
  let results: RelayResult[] | undefined;
  try {
    results = (JSON.parse(body) as { results?: RelayResult[] }).results;
  } catch {
    // Not JSON: the caller looks at the status.
  }
  return { status: r.status, results, body, headers: r.headers };
}

export async function until(what: string, fn: () => boolean, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until the relay at `url` (its base, as GET <base>/health answers) has no job waiting or in
 * flight for any vendor: what it was given has been sent, or refused for good. After this, nothing
 * more reaches a stand-in unless something new comes in: the observable end of "and nothing else".
 */
export async function drained(url: string, timeoutMs = 20000): Promise<{ [vendor: string]: { waiting: number; failed: number } }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(url + '/health')).json()) as { vendors?: { [vendor: string]: { waiting: number; failed: number } } };
    const vendors = health.vendors || {};
    if (Object.values(vendors).every((c) => c.waiting == 0)) return vendors;
    if (Date.now() > end) throw new Error('timed out waiting for the relay to drain: ' + JSON.stringify(vendors));
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How many times each value occurs. */
export const tally = (xs: string[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) || 0) + 1);
  return m;
};

/** What the vendors must receive for these events, each exactly once: Quarticon bodies and Aqurate rows as JSON, sorted. */
export function expectedAtVendors(events: TrackedEvent[], quarticonCustomer: string) {
  const q: string[] = [];
  const a: string[] = [];
  const carts = new Map<string, AqurateState | undefined>();
  for (const t of events) {
    const body = toQuarticon(t, quarticonCustomer);
    if (body) q.push(JSON.stringify(body));
    const r = toAqurate(t, carts.get(t.aid));
    if (r.state) carts.set(t.aid, r.state);
    for (const row of r.rows) a.push(JSON.stringify(row));
  }
  return { q: q.sort(), a: a.sort() };
}

export const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/**
 * Posts batches in order, as the browser's outbox does: a batch not answered 200 is sent again.
 * `base` is asked before every request, so a caller can move the client to another relay.
 */
export async function deliver(base: () => string, batches: TrackedEvent[][]): Promise<{ accepted: number; duplicate: number }> {
  const n = { accepted: 0, duplicate: 0 };
  for (const b of batches)
    for (;;) {
      const a = await postEvents(base(), b).catch(() => undefined);
      if (a?.status == 200) {
        for (const r of a.results!) if (r.status != 'invalid') n[r.status]++;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  return n;
}

/** The relay's CLI (`npx shoptrack-relay`) as a child process with this environment; `ready` once it listens. */
export function relayProcess(env: { [k: string]: string }): { child: ChildProcess; log: string[]; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/relay/cli.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      log.push(...s.split('\n').filter(Boolean));
      if (s.includes('"listening"')) resolve();
    });
    child.once('exit', (code) => reject(new Error('relay exited with ' + code + ': ' + log.join('\n'))));
  });
  return { child, log, ready };
}

export const exited = (c: ChildProcess): Promise<unknown> => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once('exit', r)));
