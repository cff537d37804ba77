// The relay over HTTP, against the Quarticon and Aqurate stand-ins: per-event answers, dedup, the
// whole-request refusals, recommendations, retries, and secrets kept out of answers and logs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AQURATE_DEMO_TOKEN } from '../../demo/standins/aqurate';
import { QUARTICON_DEMO_KEY, trackingString } from '../../demo/standins/quarticon';
import { type RelayConfig, readRelayConfig, secretsOf } from '../../src/relay/config';
import { createRelay } from '../../src/relay/handler';
import { createLog } from '../../src/relay/log';
import { type RunningRelay, startRelay } from '../../src/relay/server';
import { type Vendors, drained, postEvents, startVendors, testConfig, tracked, until } from './harness';

let v: Vendors;
let running: RunningRelay | undefined;
let logLines: string[] = [];

async function relay(over: Partial<RelayConfig> = {}): Promise<string> {
  logLines = [];
  running = await startRelay(testConfig(v, over), { log: createLog([QUARTICON_DEMO_KEY, AQURATE_DEMO_TOKEN], (l) => logLines.push(l)) });
  return running.url + (over.basePath || '');
}

beforeAll(async () => {
  v = await startVendors();
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  v.quarticon.clear();
  v.aqurate.clear();
  v.quarticon.fault({ mode: 'none' });
  v.aqurate.fault({ mode: 'none' });
});
afterAll(() => v.close());

const view = (product_id: string, over = {}) => tracked({ type: 'pageview', subtype: 'product', product_id }, { page: 'product', ...over });

describe('POST <base>/events', () => {
  it('answers accepted per event and forwards each to both vendors', async () => {
    const base = await relay();
    const evs = [view('A1'), view('A2', { uid: '42' })];
    const a = await postEvents(base, evs);
    expect(a.status).toBe(200);
    expect(a.results).toEqual(evs.map((e) => ({ id: e.id, status: 'accepted' })));
    await until('both vendors', () => v.quarticon.events().length == 2 && v.aqurate.rows().length == 2);
    expect(v.quarticon.events().map((b) => b.productId).sort()).toEqual(['A1', 'A2']);
    expect(v.quarticon.events().find((b) => b.productId == 'A2')).toMatchObject({ eventType: 'eventProductView', userId: '42', customer: 'demo-shop' });
    expect(v.aqurate.rows().map((r) => [r.product_id, r.page_type, r.event])).toEqual([
      ['A1', 'detail_page', 'page_view'],
      ['A2', 'detail_page', 'page_view'],
    ]);
    expect(v.quarticon.received[0].headers['x-api-key']).toBe(QUARTICON_DEMO_KEY);
    expect(v.aqurate.received[0].headers['x-auth-token']).toBe(AQURATE_DEMO_TOKEN);
  });

  it('answers duplicate for an id already accepted, in this batch or an earlier one, and sends it once', async () => {
    const base = await relay();
    const e = view('D1');
    expect((await postEvents(base, [e])).results).toEqual([{ id: e.id, status: 'accepted' }]);
    const again = await postEvents(base, [e, e]);
    expect(again.results).toEqual([
      { id: e.id, status: 'duplicate' },
      { id: e.id, status: 'duplicate' },
    ]);
    const e2 = view('D2');
    expect((await postEvents(base, [e2, e2])).results).toEqual([
      { id: e2.id, status: 'accepted' },
      { id: e2.id, status: 'duplicate' },
    ]);
    await until('D1 and D2 at Quarticon', () => v.quarticon.events().length >= 2);
    await drained(base);
    expect(v.quarticon.events().map((b) => b.productId).sort()).toEqual(['D1', 'D2']);
  });

  it('refuses an invalid event with its reason and still takes the valid ones of the batch', async () => {
    const base = await relay();
    const good = view('G1');
    const badEvent = tracked({ type: 'pageview', subtype: 'product' });
    const badEnvelope = { ...view('G2'), ts: 'yesterday' };
    const badSource = tracked({ type: 'click', subtype: 'product', product_id: 'x', source: 'acme' as never });
    const a = await postEvents(base, [badEvent, good, badEnvelope, badSource, 'nonsense']);
    expect(a.status).toBe(200);
    expect(a.results).toEqual([
      { id: badEvent.id, status: 'invalid', error: 'event.product_id: must be a non-empty string' },
      { id: good.id, status: 'accepted' },
      { id: badEnvelope.id, status: 'invalid', error: 'ts: must be milliseconds since the epoch' },
      { id: badSource.id, status: 'invalid', error: 'event.source: must be one of datacue, quarticon, aqurate' },
      { id: '', status: 'invalid', error: 'event: must be an object' },
    ]);
    await until('the valid event', () => v.quarticon.events().length == 1);
    expect(v.quarticon.events()[0].productId).toBe('G1');
  });

  it('answers 400 to a body that is not JSON, 413 to one over the cap, 413 past the event limit', async () => {
    const base = await relay({ maxBodyBytes: 2000 });
    const notJson = await fetch(base + '/events', { method: 'POST', body: 'events=1' });
    expect(notJson.status).toBe(400);
    const big = await postEvents(base, [view('x'.repeat(3000))]);
    expect(big.status).toBe(413);
    await running!.close();
    const base2 = await relay();
    const many = await postEvents(base2, Array.from({ length: 501 }, (_, i) => view('M' + i)));
    expect(many.status).toBe(413);
    expect(JSON.parse(many.body).error).toBe('at most 500 events a request');
  });

  it('answers 403 to an origin it does not allow, and CORS headers to one it does', async () => {
    const base = await relay({ allowedOrigins: ['https://shop.example'] });
    const other = await postEvents(base, [view('O1')], { origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    const shop = await postEvents(base, [view('O2')], { origin: 'https://shop.example' });
    expect(shop.status).toBe(200);
    expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(shop.headers.get('access-control-expose-headers')).toBe('Retry-After');
    // The page of the relay's own origin.
    const own = await postEvents(base, [view('O3')], { origin: base });
    expect(own.status).toBe(200);
  });

  it('rate-limits each client with 429 and Retry-After', async () => {
    const base = await relay({ rateLimitPerMinute: 60, rateLimitBurst: 3 });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof postEvents>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await postEvents(base, [view('R' + i)]);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('answers only under its base path', async () => {
    const base = await relay({ basePath: '/relay' });
    expect((await postEvents(base, [view('B1')])).status).toBe(200);
    expect((await fetch(running!.url + '/events', { method: 'POST', body: '{"events":[]}' })).status).toBe(404);
    expect((await fetch(base + '/events')).status).toBe(405);
  });
});

describe('mounting', () => {
  it('mounts like Express: reads originalUrl under its base path and passes other paths to next', async () => {
    const r = createRelay(testConfig(v, { basePath: '/relay' }), { log: createLog([], () => {}) });
    const app = createServer((req, res) => {
      // What app.use('/relay', handler) does to the request.
      (req as { originalUrl?: string }).originalUrl = req.url;
      if (req.url!.startsWith('/relay')) req.url = req.url!.slice('/relay'.length) || '/';
      r.handle(req, res, () => res.writeHead(299).end('shop'));
    });
    await new Promise<void>((ok) => app.listen(0, '127.0.0.1', ok));
    const url = 'http://127.0.0.1:' + (app.address() as AddressInfo).port;
    try {
      const e = view('X1');
      expect((await postEvents(url + '/relay', [e])).results).toEqual([{ id: e.id, status: 'accepted' }]);
      expect((await fetch(url + '/cart')).status).toBe(299);
      expect((await fetch(url + '/relayed')).status).toBe(299);
    } finally {
      app.close();
      await r.close();
    }
  });
});

describe('forwarding', () => {
  it('retries a vendor that fails with 503, and delivers each event once', async () => {
    const base = await relay();
    v.quarticon.fault({ mode: 'status', status: 503 }, 2);
    await postEvents(base, [view('F1')]);
    await until('F1 after the retries', () => v.quarticon.events().length == 1, 15000);
    expect(v.quarticon.received.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('honours Aqurate\'s 429 Retry-After and never sends it two requests within a second', async () => {
    const base = await relay();
    v.aqurate.fault({ mode: 'status', status: 429, retryAfter: 2 }, 1);
    await postEvents(base, [view('Q1')]);
    await until('Q1 at Aqurate', () => v.aqurate.rows().length == 1, 15000);
    const at = v.aqurate.received.map((r) => Date.parse(r.at));
    expect(at.length).toBe(2);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(2000);
  });

  it('logs Quarticon\'s error envelope and does not retry a refused event', async () => {
    // A customer symbol the vendor does not know: every event is refused.
    const base = await relay({ quarticonCustomer: 'other-shop' });
    await postEvents(base, [view('E1')]);
    await until('the refusal', () => v.quarticon.received.length == 1);
    await until('the log line', () => logLines.some((l) => l.includes('http.status.405')));
    // Refused for good: nothing waits to be retried.
    expect((await drained(base)).quarticon).toEqual({ waiting: 0, failed: 1 });
    expect(v.quarticon.received.length).toBe(1);
    expect(logLines.find((l) => l.includes('http.status.405'))).toContain('customer must be \\"demo-shop\\"');
    expect((await (await fetch(running!.url + '/health')).json()).vendors.quarticon).toEqual({ waiting: 0, failed: 1 });
  });
});

describe('what the vendors get', () => {
  it('sends Quarticon no empty eventTransaction and no id it would refuse, and logs why; Aqurate gets no email as user_id', async () => {
    const base = await relay();
    const zeroOrder = tracked({ type: 'order', subtype: 'completed', order_id: 'Z1', cart: [{ product_id: 'Z1', variant_id: 'Z1', quantity: 0, unit_price: 5, currency: 'EUR' }] }, { uid: 'guest@example.com' });
    const badId = view('bad id');
    const good = view('OK1', { uid: 'ann@example.com' });
    const a = await postEvents(base, [zeroOrder, badId, good]);
    expect(a.results!.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    await until('OK1 at Quarticon and both views at Aqurate', () => v.quarticon.events().length == 1 && v.aqurate.rows().length == 2);
    expect(v.quarticon.events().map((b) => b.productId)).toEqual(['OK1']);
    // No job waits for Quarticon: the refused events made none.
    expect((await (await fetch(base + '/health')).json()).vendors.quarticon).toEqual({ waiting: 0, failed: 0 });
    const warnings = logLines.filter((l) => l.includes('quarticon gets nothing')).map((l) => JSON.parse(l));
    expect(warnings.map((w) => [w.id, w.error.split(':')[0]])).toEqual([
      [zeroOrder.id, 'cart'],
      [badId.id, 'product_id'],
    ]);
    expect(v.aqurate.rows().map((r) => r.product_id).sort()).toEqual(['OK1', 'bad id']);
    expect(v.aqurate.rows().every((r) => r.user_id === undefined)).toBe(true);
  });
});

describe('recommendations', () => {
  it('passes Quarticon\'s envelope through, with the customer symbol added by the relay', async () => {
    const base = await relay();
    const r = await fetch(base + '/recs/quarticon?placementId=home_1&cookie=aid-1&filterProduct=101');
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.status).toBe('OK');
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data[0].trackingString).toBe(trackingString('home_1', body.data[0].id));
    expect(v.quarticon.recommendationQueries()).toEqual([{ customer: 'demo-shop', placementId: 'home_1', cookie: 'aid-1', filterProduct: '101' }]);
  });

  it('refuses ids with characters Quarticon does not allow, and unknown parameters', async () => {
    const base = await relay();
    const bad = await fetch(base + '/recs/quarticon?placementId=home%201&cookie=aid-1');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('placementId: allows [a-zA-Z0-9-_] only');
    const extra = await fetch(base + '/recs/quarticon?placementId=p&cookie=c&customer=other');
    expect(extra.status).toBe(400);
    expect(v.quarticon.received.length).toBe(0);
  });

  it('normalises Aqurate item recommendations to {items}', async () => {
    const base = await relay();
    const r = await fetch(base + '/recs/aqurate/cross-sell?product_id=101');
    expect(r.status).toBe(200);
    const { items } = await r.json();
    expect(items.length).toBeGreaterThan(0);
    for (const it of items) expect(Object.keys(it).sort()).toEqual(['link', 'name', 'photo_url', 'price', 'product_id']);
    expect((await fetch(base + '/recs/aqurate/bestsellers?product_id=101')).status).toBe(404);
    expect((await fetch(base + '/recs/aqurate/upsell')).status).toBe(400);
  });
});

describe('secrets', () => {
  it('never answers a secret and scrubs it from the log, even when a vendor echoes it', async () => {
    // A vendor that echoes the request headers in its error.
    const echo = createServer((req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ERROR', data: { error_code: 'echo', error_message: JSON.stringify(req.headers) } })));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const url = 'http://127.0.0.1:' + (echo.address() as AddressInfo).port;
    const base = await relay({ quarticonUrl: url, aqurateUrl: url });
    const answers = [
      await (await fetch(base + '/recs/quarticon?placementId=p&cookie=c')).text(),
      await (await fetch(base + '/recs/aqurate/upsell?product_id=1')).text(),
      (await postEvents(base, [view('S1')])).body,
      await (await fetch(base + '/health')).text(),
    ];
    await until('both refusals logged', () => logLines.filter((l) => l.includes('refused')).length == 2);
    echo.close();
    const all = answers.join('\n') + logLines.join('\n');
    expect(logLines.join('\n')).toContain('[secret]');
    expect(all).not.toContain(QUARTICON_DEMO_KEY);
    expect(all).not.toContain(AQURATE_DEMO_TOKEN);
  });

  it('reads its config from the environment, refusing bad values', () => {
    const c = readRelayConfig({ SHOPTRACK_RELAY_AQURATE_TOKEN: 'tok-12345678', SHOPTRACK_RELAY_ALLOWED_ORIGINS: 'https://a.example, https://b.example' });
    expect(c.aqurateToken).toBe('tok-12345678');
    expect(c.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.quarticonUrl).toBe('https://restapi.quartic.pl/store');
    expect(() => readRelayConfig({ SHOPTRACK_RELAY_AQURATE_INTERVAL_MS: '500' })).toThrow(/at least 1000/);
    expect(() => readRelayConfig({ SHOPTRACK_RELAY_QUARTICON_URL: 'ftp://x' })).toThrow(/http\(s\) URL/);
    expect(() => readRelayConfig({ SHOPTRACK_RELAY_QUARTICON_CUSTOMER: 'shop' })).toThrow(/set both/);
  });

  it('takes a PostgreSQL storeUrl, refuses any other, and keeps its password out of the log', () => {
    const c = readRelayConfig({ SHOPTRACK_RELAY_STORE_URL: 'postgres://relay:s3cret-pass@db.internal:5432/shop' });
    expect(c.storeUrl).toBe('postgres://relay:s3cret-pass@db.internal:5432/shop');
    expect(secretsOf(c)).toContain('s3cret-pass');
    expect(() => readRelayConfig({}, { storeUrl: 'mysql://db/shop' })).toThrow(/storeUrl: must be a PostgreSQL URL/);
    expect(() => readRelayConfig({}, { storeLeaseMs: 5000 })).toThrow(/storeLeaseMs: must be at least twice vendorTimeoutMs \(20000\)/);
  });
});
