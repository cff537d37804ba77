// The shop's records through the sync engine to the stand-ins of Aqurate's tables, Quarticon's catalog
// and profiles, engage and Shoptimiza (upload and publish), which check every request against the seeds.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PRODUCTS } from '../../demo/catalog';
import { AQURATE_DEMO_TOKEN, createAqurateStandIn } from '../../demo/standins/aqurate';
import { ENGAGE_DEMO_TOKEN, createEngageStandIn } from '../../demo/standins/engage';
import { QUARTICON_DEMO_KEY, createQuarticonStandIn } from '../../demo/standins/quarticon';
import { SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET, createShoptimizaStandIn } from '../../demo/standins/shoptimiza';
import type { StandIn } from '../../demo/standins/types';
import { aqurateTablesSender } from '../../src/relay/aqurate-tables';
import { vendorBudget } from '../../src/relay/budget';
import { engageSender } from '../../src/relay/engage';
import { createLog } from '../../src/relay/log';
import { quarticonDataSender, quarticonGetContact } from '../../src/relay/quarticon-data';
import {
  NEXT_UPLOAD_KEY,
  SHOPTIMIZA_FIRST_UPLOAD_DELAY_MS,
  publishSalesFile,
  shoptimizaSender,
  shoptimizaUploader,
} from '../../src/relay/shoptimiza';
import { type RelayStore, sqliteStore } from '../../src/relay/store';
import { type DataSender, type SyncEngine, type SyncInput, syncEngine } from '../../src/relay/sync';
import { SHOPTIMIZA_UPLOAD_EVERY_MS, shoptimizaAuth } from '../../src/vendors/shoptimiza';
import { nodeDigests } from '../../src/relay/shoptimiza';
import { category, customer, order, product } from '../unit/vendors/vendor-records';

const ctx = { catalog: PRODUCTS };
const quiet = createLog([], () => undefined);
const base = (s: StandIn) => s.url.replace(/\/$/, '');
const upsert = (entity: string, record: object): SyncInput => ({ entity, op: 'upsert', record });

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(name: string, sender: (store: RelayStore) => DataSender, standIn: StandIn) {
  await standIn.start();
  const store = sqliteStore(':memory:');
  const engine = syncEngine(store, [{ name, sender: sender(store) }], quiet, { random: () => 0 });
  engine.start();
  cleanup.push(async () => {
    await engine.stop();
    await store.close();
    await standIn.close();
  });
  return { store, engine };
}

/** Waits until nothing waits for any vendor (the engine's own status). */
async function settled(engine: SyncEngine, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const s = await engine.status();
    const waiting = Object.values(s.counts).flatMap((byEntity) => Object.values(byEntity)).reduce((n, c) => n + c.waiting, 0);
    if (!waiting) return s;
    if (Date.now() > end) throw new Error('records still waiting: ' + JSON.stringify(s));
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('engage through the sync engine', () => {
  it('makes 251 orders two requests (250 and 1), and reports an order missing a required field without sending it', async () => {
    const stand = createEngageStandIn();
    const { engine } = await setup('engage', () => engageSender({ url: base(stand), token: ENGAGE_DEMO_TOKEN }), stand);
    const orders = Array.from({ length: 251 }, (_, i) => upsert('order', order({ order_id: String(1000 + i) })));
    await engine.submit([...orders, upsert('order', order({ order_id: '9999', email: undefined }))]);
    const s = await settled(engine);
    expect(stand.received.map((r) => r.status)).toEqual([200, 200]);
    expect(stand.batchSizes()).toEqual([250, 1]);
    expect(stand.orders().size).toBe(251);
    expect(s.counts.engage.order).toEqual({ waiting: 0, sent: 251, failed: 1 });
    expect(s.errors).toEqual([expect.objectContaining({ key: '9999', state: 'failed', error: 'order.email: is required by engage (seeds/003)' })]);
  });

  it('resends a batch after a 503, and the second send overwrites (same order ids)', async () => {
    const stand = createEngageStandIn();
    stand.fault({ mode: 'status', status: 503, retryAfter: 0 }, 1);
    const { engine } = await setup('engage', () => engageSender({ url: base(stand), token: ENGAGE_DEMO_TOKEN }), stand);
    await engine.submit([upsert('order', order({ order_id: '1' })), upsert('order', order({ order_id: '2' }))]);
    await settled(engine);
    expect(stand.received.map((r) => r.status)).toEqual([503, 200]);
    expect([...stand.orders().keys()]).toEqual([1, 2]);
  });
});

describe('Aqurate tables through the sync engine', () => {
  it('fills every table the seed defines, through the shop\'s one budget', async () => {
    const stand = createAqurateStandIn(ctx);
    const { engine } = await setup(
      'aqurate',
      (store) => aqurateTablesSender({ url: base(stand), token: AQURATE_DEMO_TOKEN, budget: vendorBudget(store, 'aqurate', 1000) }),
      stand,
    );
    await engine.submit([upsert('category', category()), upsert('product', product()), upsert('customer', customer()), upsert('order', order())]);
    const s = await settled(engine);
    expect(s.counts.aqurate).toEqual({
      category: { waiting: 0, sent: 1, failed: 0 },
      product: { waiting: 0, sent: 1, failed: 0 },
      customer: { waiting: 0, sent: 1, failed: 0 },
      order: { waiting: 0, sent: 1, failed: 0 },
    });
    expect(['categories', 'items', 'item_categories', 'stock', 'customers', 'orders', 'line_items'].map((t) => stand.table(t).length)).toEqual([1, 1, 2, 1, 1, 1, 1]);
    expect(stand.received.every((r) => r.status == 200)).toBe(true);
    const times = stand.postTimes();
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1000);
  }, 30_000);
});

describe('Quarticon catalog and profiles through the sync engine', () => {
  it('sends products and customers one object a request, refuses a bad id locally, reads the envelope, and GETs a contact back', async () => {
    const stand = createQuarticonStandIn(ctx);
    const settings = () => ({ url: base(stand), apiKey: QUARTICON_DEMO_KEY, newsletterConsent: 'Send me news' });
    const { engine } = await setup('quarticon', () => quarticonDataSender(settings()), stand);
    await engine.submit([upsert('product', product()), upsert('product', product({ product_id: 'P/2' })), upsert('customer', customer({ email_subscriber: true }))]);
    const s = await settled(engine);
    expect([...stand.products().keys()]).toEqual(['P1']);
    expect(stand.profiles().get('C1')).toEqual({ userId: 'C1', cookie: 'anon-1', email: 'ann@example.com', agreement: true });
    expect(s.counts.quarticon.product).toEqual({ waiting: 0, sent: 1, failed: 1 });
    expect(s.errors[0].error).toBe('product.product_id: Quarticon allows [a-zA-Z0-9-_] only, got "P/2"');
    expect(stand.received.map((r) => r.path)).toEqual(['/data/product', '/collectprofile', '/contact']);
    expect(await quarticonGetContact(settings(), 'ann@example.com')).toEqual({
      status: 200,
      body: { email: 'ann@example.com', cookie: 'anon-1', agreements: [{ t: 'newsletter', c: 'Send me news', s: true }] },
    });
  });

  it('takes an envelope with status ERROR as a refusal, even with HTTP 200', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ERROR', timestamp: 1486987017, data: { error_code: 'http.status.405', error_message: 'Invalid data' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const store = sqliteStore(':memory:');
    const url = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
    const engine = syncEngine(store, [{ name: 'quarticon', sender: quarticonDataSender({ url, apiKey: QUARTICON_DEMO_KEY }) }], quiet);
    engine.start();
    cleanup.push(async () => {
      await engine.stop();
      await store.close();
    });
    await engine.submit([upsert('product', product())]);
    const s = await settled(engine);
    expect(s.counts.quarticon.product).toEqual({ waiting: 0, sent: 0, failed: 1 });
    expect(s.errors[0].error).toBe('quarticon refused /data/product: http.status.405: Invalid data');
  });
});

describe('Shoptimiza', () => {
  const now = Date.now();
  const settings = (stand: StandIn, over: object = {}) => ({ apiKey: SHOPTIMIZA_DEMO_KEY, secret: SHOPTIMIZA_DEMO_SECRET, url: base(stand), upload: true, ...over });
  const history = [
    upsert('order', order({ order_id: '122', created_at: new Date(now - 86400_000).toISOString(), lines: ['508', '563', '508'].map((p) => ({ product_id: p, variant_id: 'v', quantity: 1, unit_price: 1 })) })),
    upsert('order', order({ order_id: '139', created_at: new Date(now - 400 * 86400_000).toISOString() })),
    upsert('order', order({ order_id: '144', status: 'cancelled', created_at: new Date(now - 86400_000).toISOString() })),
  ];

  it('publishes the file only for a valid X-Shoptimiza-Auth: missing, wrong and stale get 401', async () => {
    const stand = createShoptimizaStandIn();
    const { store, engine } = await setup('shoptimiza', () => shoptimizaSender(), stand);
    await engine.submit(history);
    await settled(engine);
    const server = createServer((req, res) => void publishSalesFile(req, res, settings(stand), store.sync, Date.now(), quiet));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const url = 'http://127.0.0.1:' + (server.address() as AddressInfo).port + '/shoptimiza/sales-file';

    const ok = await stand.fetchPublished(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('{"key":"122","items":["508","563"]}\n');
    expect((await fetch(url)).status).toBe(401);
    expect((await stand.fetchPublished(url, { secret: 'a-wrong-shared-secret' })).status).toBe(401);
    expect((await stand.fetchPublished(url, { unixTime: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    const other = shoptimizaAuth(SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET, Math.floor(Date.now() / 1000), { verb: 'GET', url: url + '?x' }, nodeDigests);
    expect((await fetch(url, { headers: { 'x-shoptimiza-auth': other } })).status).toBe(401);
  });

  it('uploads the file when due, then schedules the next in 7 days in the store, so a restart keeps it', async () => {
    const stand = createShoptimizaStandIn();
    const { store, engine } = await setup('shoptimiza', () => shoptimizaSender(), stand);
    await engine.submit(history);
    await settled(engine);

    const first = shoptimizaUploader(settings(stand), store, quiet);
    // Never uploaded: the first upload waits for a backfill queued at setup.
    expect(await first.nextUploadAt()).toBeGreaterThanOrEqual(now + SHOPTIMIZA_FIRST_UPLOAD_DELAY_MS - 1000);
    await store.setMeta(NEXT_UPLOAD_KEY, String(Date.now() - 1));
    first.start();
    await expect.poll(() => stand.uploads().length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(stand.uploads().map((u) => u.lines)).toEqual([[{ key: '122', items: ['508', '563'] }]]);
    await first.stop();
    const next = +(await store.getMeta(NEXT_UPLOAD_KEY))!;
    expect(next - Date.now()).toBeGreaterThan(SHOPTIMIZA_UPLOAD_EVERY_MS - 60_000);

    // A relay started again within the 7 days does not upload: once it has looked at the schedule, its
    // timer is armed for the upload already scheduled, and nothing more has reached Shoptimiza.
    const again = shoptimizaUploader(settings(stand), store, quiet);
    expect(again.scheduledAt()).toBeUndefined();
    again.start();
    await vi.waitFor(() => expect(again.scheduledAt()).toBe(next), { timeout: 5000, interval: 10 });
    expect(await again.nextUploadAt()).toBe(next);
    await again.stop();
    expect(again.scheduledAt()).toBeUndefined();
    expect(stand.received).toHaveLength(1);
  });

  it('retries a failed upload with backoff, without losing the schedule', async () => {
    const stand = createShoptimizaStandIn();
    stand.fault({ mode: 'status', status: 503 }, 1);
    const { store, engine } = await setup('shoptimiza', () => shoptimizaSender(), stand);
    await engine.submit(history);
    await settled(engine);
    const up = shoptimizaUploader(settings(stand), store, quiet, { random: () => 0 });
    expect((await up.uploadNow()).status).toBe(503);
    const retryAt = +(await store.getMeta(NEXT_UPLOAD_KEY))!;
    expect(retryAt - Date.now()).toBeLessThan(2000);
    expect((await up.uploadNow()).ok).toBe(true);
    expect(stand.uploads()).toHaveLength(1);
  });
});

