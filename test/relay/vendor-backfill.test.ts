// A relay process (the CLI) killed with SIGKILL in the middle of each vendor's backfill loses nothing:
// restarted, it delivers every record, and resends at most the claim that was in flight. Aqurate also keeps its one
// request a second across the restart.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../demo/catalog';
import { AQURATE_DEMO_TOKEN, createAqurateStandIn } from '../../demo/standins/aqurate';
import { ENGAGE_DEMO_TOKEN, createEngageStandIn } from '../../demo/standins/engage';
import { QUARTICON_DEMO_CUSTOMER, QUARTICON_DEMO_KEY, createQuarticonStandIn } from '../../demo/standins/quarticon';
import { SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET, createShoptimizaStandIn } from '../../demo/standins/shoptimiza';
import type { StandIn } from '../../demo/standins/types';
import { AQURATE_TABLE_ENTITIES } from '../../src/relay/aqurate-tables';
import { NEXT_UPLOAD_KEY } from '../../src/relay/shoptimiza';
import { sqliteStore } from '../../src/relay/store';
import { type SyncInput, submitChanges } from '../../src/relay/sync';
import type { Entity } from '../../src/data/types';
import { ENGAGE_MAX_BATCH } from '../../src/vendors/engage';
import { QUARTICON_DATA_CLAIM } from '../../src/relay/quarticon-data';
import { AQURATE_TABLE_MAX_ROWS } from '../../src/vendors/aqurate-tables';
import { tempDb, until } from './harness';
import { order, product } from '../unit/vendors/vendor-records';

const children: ChildProcess[] = [];
const stands: StandIn[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const s of stands.splice(0)) await s.close();
});

/** Queues the backfill in the store, as the import does, before any relay process runs. */
async function queue(db: string, vendor: string, entities: readonly Entity[], inputs: SyncInput[]) {
  const store = sqliteStore(db);
  await store.ready;
  const sender = { entities, batch: 1, send: async () => [] };
  const answers = await submitChanges(store.sync, [{ name: vendor, sender }], inputs, Date.now());
  expect(answers.every((a) => a.status == 'accepted')).toBe(true);
  return store;
}

/** The relay CLI, configured for one vendor at its stand-in, on a free port. */
function relay(db: string, vendor: string, stand: StandIn, key: string, secret?: string): ChildProcess {
  const url = stand.url.replace(/\/$/, '');
  const vendorEnv: { [vendor: string]: { [k: string]: string } } = {
    engage: { SHOPTRACK_RELAY_ENGAGE_URL: url, SHOPTRACK_RELAY_ENGAGE_TOKEN: key },
    quarticon: { SHOPTRACK_RELAY_QUARTICON_URL: url, SHOPTRACK_RELAY_QUARTICON_CUSTOMER: QUARTICON_DEMO_CUSTOMER, SHOPTRACK_RELAY_QUARTICON_API_KEY: key },
    aqurate: { SHOPTRACK_RELAY_AQURATE_URL: url, SHOPTRACK_RELAY_AQURATE_TOKEN: key },
    shoptimiza: { SHOPTRACK_RELAY_SHOPTIMIZA_URL: url, SHOPTRACK_RELAY_SHOPTIMIZA_API_KEY: key, SHOPTRACK_RELAY_SHOPTIMIZA_SECRET: secret || '', SHOPTRACK_RELAY_SHOPTIMIZA_UPLOAD: 'true' },
  };
  const env = { ...process.env, SHOPTRACK_RELAY_PORT: '0', SHOPTRACK_RELAY_DB_PATH: db, ...vendorEnv[vendor] };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/relay/cli.ts'], { env, stdio: ['ignore', 'ignore', 'ignore'] });
  children.push(child);
  return child;
}

const killed = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });

const orders = (n: number, from = 1): SyncInput[] =>
  Array.from({ length: n }, (_, i) => ({ entity: 'order', op: 'upsert', record: order({ order_id: String(from + i), created_at: new Date(Date.now() - 86400_000).toISOString(), lines: [{ product_id: 'P' + (i % 7), variant_id: 'v', quantity: 1, unit_price: 5 }] }) }));

describe('a relay killed in the middle of a backfill', () => {
  it('engage: 5,000 orders all arrive; at most one batch of 250 twice', async () => {
    const stand = createEngageStandIn();
    stands.push(stand);
    await stand.start();
    const db = tempDb();
    await (await queue(db, 'engage', ['order'], orders(5000))).close();
    // From the second batch or so on engage hangs: the relay is killed with a batch in flight, some delivered.
    const first = relay(db, 'engage', stand, ENGAGE_DEMO_TOKEN);
    await until('engage got 1 batch', () => stand.batchSizes().length >= 1, 45_000);
    stand.fault({ mode: 'hang' });
    await until('a batch hangs at engage', () => stand.received.some((r) => r.fault == 'hang'), 45_000);
    await killed(first);
    stand.fault({ mode: 'none' });
    expect(stand.orders().size).toBeLessThan(5000);
    relay(db, 'engage', stand, ENGAGE_DEMO_TOKEN);
    await until('engage has every order', () => stand.orders().size == 5000, 45_000);
    const sent = stand.batchSizes().reduce((a, b) => a + b, 0);
    expect(sent - 5000).toBeLessThanOrEqual(ENGAGE_MAX_BATCH);
  }, 90_000);

  it('quarticon: 300 products all arrive; at most one claim twice', async () => {
    const stand = createQuarticonStandIn({ catalog: PRODUCTS });
    stands.push(stand);
    await stand.start();
    const db = tempDb();
    const inputs: SyncInput[] = Array.from({ length: 300 }, (_, i) => ({ entity: 'product', op: 'upsert', record: product({ product_id: 'P' + i }) }));
    await (await queue(db, 'quarticon', ['product', 'customer'], inputs)).close();
    const first = relay(db, 'quarticon', stand, QUARTICON_DEMO_KEY);
    await until('quarticon got a product', () => stand.products().size >= 1, 45_000);
    stand.fault({ mode: 'hang' });
    await until('a product hangs at quarticon', () => stand.received.some((r) => r.fault == 'hang'), 45_000);
    await killed(first);
    stand.fault({ mode: 'none' });
    expect(stand.products().size).toBeLessThan(300);
    relay(db, 'quarticon', stand, QUARTICON_DEMO_KEY);
    await until('quarticon has every product', () => stand.products().size == 300, 45_000);
    expect(stand.received.filter((r) => r.status == 200).length - 300).toBeLessThanOrEqual(QUARTICON_DATA_CLAIM);
  }, 90_000);

  it('aqurate: 20,000 orders reach orders and line_items; one claim at most twice; never two requests within a second, restart included', async () => {
    const stand = createAqurateStandIn({ catalog: PRODUCTS });
    stands.push(stand);
    await stand.start();
    const db = tempDb();
    await (await queue(db, 'aqurate', AQURATE_TABLE_ENTITIES, orders(20_000))).close();
    const first = relay(db, 'aqurate', stand, AQURATE_DEMO_TOKEN);
    await until('aqurate got the first request', () => stand.received.length >= 1, 45_000);
    await killed(first);
    relay(db, 'aqurate', stand, AQURATE_DEMO_TOKEN);
    const ids = (t: string) => new Set(stand.table(t).map((r) => r.order_id));
    await until('aqurate has every order and line', () => ids('orders').size == 20_000 && ids('line_items').size == 20_000, 60_000);
    expect(stand.table('orders').length - 20_000).toBeLessThanOrEqual(AQURATE_TABLE_MAX_ROWS);
    expect(stand.received.every((r) => r.status == 200)).toBe(true);
    const times = stand.postTimes();
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1000);
  }, 90_000);

  it('shoptimiza: an upload cut by the kill is made again after the restart, with every order', async () => {
    const stand = createShoptimizaStandIn();
    stands.push(stand);
    await stand.start();
    const db = tempDb();
    const store = await queue(db, 'shoptimiza', ['order'], orders(5000));
    await store.setMeta(NEXT_UPLOAD_KEY, String(Date.now() - 1));
    await store.close();
    // The first upload hangs at the vendor: the relay is killed while it is sending.
    stand.fault({ mode: 'hang' }, 1);
    const first = relay(db, 'shoptimiza', stand, SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET);
    await until('the upload started', () => stand.received.length == 1, 45_000);
    await killed(first);
    expect(stand.uploads()).toHaveLength(0);
    relay(db, 'shoptimiza', stand, SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET);
    await until('the file was uploaded', () => stand.uploads().length == 1, 45_000);
    expect(new Set(stand.uploads()[0].lines.map((l) => l.key)).size).toBe(5000);
  }, 90_000);
});
