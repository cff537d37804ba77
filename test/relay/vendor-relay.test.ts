// One call from the shop's backend reaches every vendor configured: an order through the admin API goes
// to DataCue, Aqurate (orders, line_items), engage and the next Shoptimiza sales file; a product and a
// customer to Aqurate's tables and Quarticon's catalog and profiles. The relay publishes the sales file
// only for a valid X-Shoptimiza-Auth.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../demo/catalog';
import { AQURATE_DEMO_TOKEN, createAqurateStandIn } from '../../demo/standins/aqurate';
import { datacueBackendStandIn } from '../../demo/standins/datacue-backend';
import { ENGAGE_DEMO_TOKEN, createEngageStandIn } from '../../demo/standins/engage';
import { QUARTICON_DEMO_CUSTOMER, QUARTICON_DEMO_KEY, createQuarticonStandIn } from '../../demo/standins/quarticon';
import { SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET, createShoptimizaStandIn } from '../../demo/standins/shoptimiza';
import { readRelayConfig } from '../../src/relay/config';
import { type RunningRelay, startRelay } from '../../src/relay/server';
import { customer, order, product } from '../unit/vendors/vendor-records';
import { until } from './harness';

const TOKEN = 'admin-token-for-vendor-tests-0123';
const ctx = { catalog: PRODUCTS };
const datacue = datacueBackendStandIn();
const aqurate = createAqurateStandIn(ctx);
const engage = createEngageStandIn();
const quarticon = createQuarticonStandIn(ctx);
const shoptimiza = createShoptimizaStandIn();
const stands = [datacue, aqurate, engage, quarticon, shoptimiza];
let relay: RunningRelay;
const logs: string[] = [];
const url = (s: { url: string }) => s.url.replace(/\/$/, '');
const admin = (path: string, body: unknown) =>
  fetch(relay.url + '/relay/admin' + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + TOKEN }, body: JSON.stringify(body) });
type Counts = { [vendor: string]: { [entity: string]: { waiting: number } } };
/** Records waiting for any vendor, by the relay's /admin/status: none, and nothing more goes out. */
const waitingRecords = async () => {
  const r = await fetch(relay.url + '/relay/admin/status', { headers: { authorization: 'Bearer ' + TOKEN } });
  const counts = ((await r.json()) as { sync: Counts }).sync;
  return Object.values(counts).flatMap((byEntity) => Object.values(byEntity)).reduce((n, c) => n + c.waiting, 0);
};

beforeAll(async () => {
  for (const s of stands) await s.start();
  const config = readRelayConfig(
    {},
    {
      port: 0,
      dbPath: join(mkdtempSync(join(tmpdir(), 'vendor-relay-')), 'relay.sqlite'),
      adminToken: TOKEN,
      datacueApiUrl: url(datacue),
      datacueApiKey: 'demo-shop-key',
      datacueApiSecret: 'demo-shop-backend-secret',
      aqurateUrl: url(aqurate),
      aqurateToken: AQURATE_DEMO_TOKEN,
      engageUrl: url(engage),
      engageToken: ENGAGE_DEMO_TOKEN,
      quarticonUrl: url(quarticon),
      quarticonCustomer: QUARTICON_DEMO_CUSTOMER,
      quarticonApiKey: QUARTICON_DEMO_KEY,
      shoptimizaUrl: url(shoptimiza),
      shoptimizaApiKey: SHOPTIMIZA_DEMO_KEY,
      shoptimizaSecret: SHOPTIMIZA_DEMO_SECRET,
    },
  );
  relay = await startRelay(config, { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) });
});
afterAll(async () => {
  await relay.close();
  for (const s of stands) await s.close();
});

describe('the relay with every vendor configured', () => {
  it('takes a live order in one admin call to DataCue, Aqurate, engage and the next sales file', async () => {
    const o = order({ order_id: '5001', created_at: new Date().toISOString() });
    const r = await admin('/orders', o);
    expect((await r.json()).results).toEqual([{ status: 'accepted', entity: 'order', id: '5001' }]);
    await until('every vendor has the order', () => datacue.orders.has('5001') && aqurate.table('line_items').length == 1 && engage.orders().has(5001), 20_000);
    expect(aqurate.table('orders')).toEqual([expect.objectContaining({ order_id: '5001', customer_id: 'C1', order_status: 'completed' })]);
    const file = await shoptimiza.fetchPublished(relay.url + '/relay/shoptimiza/sales-file');
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('{"key":"5001","items":["1002"]}\n');
    // Quarticon keeps no orders: once no record waits for any vendor, nothing went there.
    await expect.poll(waitingRecords, { timeout: 20_000 }).toBe(0);
    expect(quarticon.received).toHaveLength(0);
  });

  it('publishes the sales file only for a valid header: missing, wrong and stale get 401', async () => {
    const path = relay.url + '/relay/shoptimiza/sales-file';
    expect((await fetch(path)).status).toBe(401);
    expect((await shoptimiza.fetchPublished(path, { secret: 'not-the-shared-secret' })).status).toBe(401);
    const stale = await shoptimiza.fetchPublished(path, { unixTime: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect(stale.status).toBe(401);
    expect((await stale.json()).error).toMatch(/^X-Shoptimiza-Auth: stale/);
    expect(logs.join('\n')).not.toContain(SHOPTIMIZA_DEMO_SECRET);
  });

  it('sends a product and a customer to Aqurate\'s tables and Quarticon\'s catalog and profiles', async () => {
    await admin('/products', product({ product_id: 'P7' }));
    await admin('/customers', customer({ customer_id: 'C7' }));
    await until('Aqurate and Quarticon have them', () => aqurate.table('items').length == 1 && aqurate.table('customers').length == 1 && quarticon.products().has('P7') && quarticon.contacts().size == 1, 20_000);
    expect(quarticon.profiles().get('C7')).toEqual({ userId: 'C7', cookie: 'anon-1', email: 'ann@example.com' });
    const times = aqurate.postTimes();
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1000);
  });
});
