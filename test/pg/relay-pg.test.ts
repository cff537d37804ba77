// @vitest-environment node
// Three relays on one PostgreSQL, over HTTP, against the vendor stand-ins: shoppers' batches sent round
// robin reach Quarticon and Aqurate once each, and Aqurate never sees two requests within a second.
import { afterAll, afterEach, beforeAll, expect, inject, it } from 'vitest';
import { AQURATE_DEMO_TOKEN } from '../../demo/standins/aqurate';
import { QUARTICON_DEMO_CUSTOMER } from '../../demo/standins/quarticon';
import { SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET, createShoptimizaStandIn } from '../../demo/standins/shoptimiza';
import { NEXT_UPLOAD_KEY, shoptimizaUploader } from '../../src/relay/shoptimiza';
import { pgStore } from '../../src/relay/store-pg';
import { order } from '../unit/vendors/vendor-records';
import { createLog } from '../../src/relay/log';
import { type RunningRelay, startRelay } from '../../src/relay/server';
import { type Vendors, chunks, deliver, expectedAtVendors, shopperEvents, startVendors, testConfig, until } from '../relay/harness';
import { createDatabase } from './cluster';

let v: Vendors;
let relays: RunningRelay[] = [];
beforeAll(async () => {
  v = await startVendors();
});
afterEach(async () => {
  await Promise.all(relays.map((r) => r.close()));
  relays = [];
  v.quarticon.clear();
  v.aqurate.clear();
});
afterAll(() => v.close());

const quiet = createLog([], () => {});
/** Jobs waiting or being sent in the shared outbox, by any relay's /health. */
async function waitingJobs(r: RunningRelay): Promise<number> {
  const health = (await (await fetch(r.url + '/health')).json()) as { vendors: { [v: string]: { waiting: number } } };
  return Object.values(health.vendors).reduce((n, c) => n + c.waiting, 0);
}

const sortedJson = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

it('three relays on one database: batches round robin reach each vendor once, Aqurate one request a second', async () => {
  const storeUrl = await createDatabase(inject('pgUrl'));
  relays = await Promise.all([0, 1, 2].map(() => startRelay(testConfig(v, { storeUrl }), { log: quiet })));
  const shoppers = Array.from({ length: 12 }, (_, s) => shopperEvents(500 + s, 50));
  let next = 0;
  // Each shopper's batches in order (one tab's outbox), each batch to the next relay in turn.
  const counts = await Promise.all(shoppers.map((evs) => deliver(() => relays[next++ % 3].url, chunks(evs, 10))));
  // The browser resends a batch it never saw answered: to another relay, it is still a duplicate.
  const again = await deliver(() => relays[1].url, chunks(shoppers[0], 10).slice(0, 2));
  const want = expectedAtVendors(shoppers.flat(), QUARTICON_DEMO_CUSTOMER);
  await until('every event at both vendors', () => v.quarticon.events().length >= want.q.length && v.aqurate.rows().length >= want.a.length, 30000);
  // Then nothing more can come: the shared outbox holds no job, waiting or being sent.
  while ((await waitingJobs(relays[2])) > 0) await new Promise((r) => setTimeout(r, 50));
  const times = v.aqurate.postTimes();
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  console.log(`3 relays on PostgreSQL: ${want.q.length} Quarticon events, ${want.a.length} Aqurate rows in ${times.length} requests; least gap ${Math.min(...gaps)} ms`);
  expect(counts.reduce((n, c) => n + c.accepted, 0)).toBe(shoppers.flat().length);
  expect(again).toEqual({ accepted: 0, duplicate: 20 });
  expect(sortedJson(v.quarticon.events())).toEqual(want.q);
  expect(sortedJson(v.aqurate.rows())).toEqual(want.a);
  expect(times.length).toBeGreaterThan(1);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
});

it('one Aqurate budget across relays: requests from three relays at once go one a second, and a 429 to one pauses all', async () => {
  const storeUrl = await createDatabase(inject('pgUrl'));
  relays = await Promise.all([0, 1, 2].map(() => startRelay(testConfig(v, { storeUrl }), { log: quiet })));
  const headers = { 'content-type': 'application/json', 'x-auth-token': AQURATE_DEMO_TOKEN };
  const push = (r: RunningRelay) => r.relay.budgets.aqurate.request(v.aqurate.url.replace(/\/$/, '') + '/input/website_events', { method: 'POST', headers, body: '[]' });
  const answers = await Promise.all([relays[0], relays[1], relays[2], relays[0]].map(push));
  // An empty push is refused (400), which is the stand-in's answer when it was not too soon (429).
  expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400]);
  const times = v.aqurate.postTimes();
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  console.log(`budget across 3 relays: gaps ${gaps.join(', ')} ms`);
  expect(times).toHaveLength(4);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
  // Aqurate answers one relay 429 with Retry-After: 3; the others send nothing until then.
  v.aqurate.fault({ mode: 'status', status: 429, retryAfter: 3 }, 1);
  expect((await push(relays[1])).status).toBe(429);
  const held = await Promise.all([push(relays[0]), push(relays[2])]);
  expect(held.map((a) => a.status)).toEqual([0, 0]);
  expect(held.every((a) => a.retryAfter! > 1500)).toBe(true);
  expect(v.aqurate.received).toHaveLength(5);
});

it('the Shoptimiza sales file is uploaded once when it comes due, by one of three relays on the database', async () => {
  const url = await createDatabase(inject('pgUrl'));
  const stand = createShoptimizaStandIn();
  await stand.start(0);
  const stores = [0, 1, 2].map(() => pgStore(url));
  try {
    await Promise.all(stores.map((s) => s.ready));
    const o = order({ order_id: '122', created_at: new Date(Date.now() - 86400_000).toISOString() });
    await stores[0].sync.put(['shoptimiza'], [{ entity: 'order', key: '122', op: 'upsert', record: JSON.stringify(o), digest: 'o122' }], Date.now());
    await stores[0].setMeta(NEXT_UPLOAD_KEY, String(Date.now() - 1));
    const settings = { apiKey: SHOPTIMIZA_DEMO_KEY, secret: SHOPTIMIZA_DEMO_SECRET, url: stand.url.replace(/\/$/, ''), upload: true };
    const uploaders = stores.map((s) => shoptimizaUploader(settings, s, quiet));
    uploaders.forEach((u) => u.start());
    // Done when every relay sees the next upload a week away; stop() then waits for any upload under way.
    const aWeekAway = async () => (await Promise.all(uploaders.map((u) => u.nextUploadAt()))).every((t) => t > Date.now() + 86400_000);
    await expect.poll(aWeekAway, { timeout: 30_000, interval: 50 }).toBe(true);
    await Promise.all(uploaders.map((u) => u.stop()));
    expect(stand.received).toHaveLength(1);
    expect(stand.uploads()).toHaveLength(1);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await stand.close();
  }
});
