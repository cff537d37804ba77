// DataCue's browser events through the relay (issue 14): POST <base>/datacue takes DataCue's own body,
// keeps it on disk, sends each event once (the key is the digest of the body the browser resends
// unchanged), with the public key and the shopper's User-Agent, and answers a page view with DataCue's
// recommendations when DataCue answers in time, else with 204 while the event waits in the relay.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, type DataCueStandIn, createDataCueStandIn } from '../../demo/standins/datacue';
import { PRODUCTS } from '../../demo/catalog';
import type { RelayConfig } from '../../src/relay/config';
import { datacueBasic } from '../../src/relay/datacue-events';
import { type RunningRelay, startRelay } from '../../src/relay/server';
import { createLog } from '../../src/relay/log';
import { type Vendors, drained, startVendors, testConfig, until } from './harness';

let v: Vendors;
let dc: DataCueStandIn;
let running: RunningRelay | undefined;

async function relay(over: Partial<RelayConfig> = {}): Promise<string> {
  running = await startRelay(testConfig(v, { datacueApiKey: DEMO_API_KEY, datacueEventsUrl: dc.url, ...over }), { log: createLog([], () => {}) });
  return running.url;
}

beforeAll(async () => {
  v = await startVendors();
  dc = createDataCueStandIn({ catalog: PRODUCTS });
  await dc.start();
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  dc.clear();
  dc.fault({ mode: 'none' });
});
afterAll(async () => {
  await dc.close();
  await v.close();
});

const UA = 'Mozilla/5.0 (X11; Linux x86_64) shopper-browser/1.0';
const body = (event: object, anonymous_id = 'anon-1', ms = 123) => ({ user: { anonymous_id }, event, timestamp: '2026-11-30 20:00:00.' + String(ms).padStart(3, '0') + 'Z' });
const post = (base: string, b: unknown, auth = datacueBasic(DEMO_API_KEY)) =>
  fetch(base + '/datacue', { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth, 'user-agent': UA }, body: JSON.stringify(b) });
const productIds = () => dc.events().map((e) => e.event.product_id ?? e.event.type);

describe('POST <base>/datacue', () => {
  it("passes a page view on at once and answers with DataCue's recommendations; the public key and the shopper's User-Agent go with it", async () => {
    const base = await relay();
    const r = await post(base, body({ type: 'pageview', subtype: 'home' }));
    expect(r.status).toBe(200);
    const answer = await r.json();
    expect(answer.main_banners[0].banner_id).toBe('B1');
    expect(answer.related_product_skus.length).toBeGreaterThan(0);
    const [got] = dc.events();
    expect(got.event).toEqual({ type: 'pageview', subtype: 'home' });
    expect(got.headers.authorization).toBe(datacueBasic(DEMO_API_KEY));
    expect(got.headers['user-agent']).toBe(UA);
    // No header about the shopper that DataCue does not document.
    expect(Object.keys(got.headers).filter((h) => /forwarded|x-real-ip|cookie|referer/i.test(h))).toEqual([]);
  });

  it('sends each event once, however often the browser sends it (alone, in a batch, after a lost answer)', async () => {
    const base = await relay();
    const a = body({ type: 'click', subtype: 'product', product_id: 'P-A' }, 'anon-2', 1);
    const b = body({ type: 'click', subtype: 'product', product_id: 'P-B' }, 'anon-2', 2);
    expect((await post(base, a)).status).toBe(204);
    expect((await post(base, [a, b])).status).toBe(204);
    expect((await post(base, [b, a])).status).toBe(204);
    await until('both at DataCue', () => dc.events().length >= 2);
    // Nothing left in the relay for DataCue: a late double would have reached it by now.
    await drained(base);
    expect(productIds().sort()).toEqual(['P-A', 'P-B']);
  });

  it('answers 204 when DataCue is down, and the page view waits in the relay until DataCue is back', async () => {
    const base = await relay();
    dc.fault({ mode: 'down' });
    const t0 = Date.now();
    const r = await post(base, body({ type: 'pageview', subtype: 'product', product_id: '101' }, 'anon-3'));
    // No recommendations, and no error: the event is the relay's now.
    expect(r.status).toBe(204);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(dc.events()).toEqual([]);
    dc.fault({ mode: 'none' });
    await until('the page view at DataCue', () => dc.events().length == 1, 20_000);
    expect(dc.events()[0].event).toEqual({ type: 'pageview', subtype: 'product', product_id: '101' });
    expect(dc.events()[0].headers['user-agent']).toBe(UA);
  }, 30_000);

  it("refuses another shop's key (401) and a body DataCue would refuse (400), naming the field", async () => {
    const base = await relay();
    const other = await post(base, body({ type: 'login' }), datacueBasic('another-key'));
    expect(other.status).toBe(401);
    const bad = await post(base, [body({ type: 'login' }), { user: {}, event: { type: 'login' } }]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('[1].user: needs anonymous_id or user_id');
    // Nothing waits in the relay: neither refused body was kept (in part) to be sent later.
    expect((await drained(base)).datacue).toEqual({ waiting: 0, failed: 0 });
    expect(dc.events()).toEqual([]);
  });

  it('is not there without datacueApiKey', async () => {
    const base = await relay({ datacueApiKey: undefined });
    expect((await post(base, body({ type: 'login' }))).status).toBe(404);
  });
});
