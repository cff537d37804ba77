// Aqurate allows the shop ONE request a second (notes/vendors.md), whatever sends it: browser events'
// website_events rows and the tables of a backfill share the relay's one Aqurate budget, so Aqurate
// never sees two requests less than a second apart while both run at once.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { aqurateTablesSender } from '../../src/relay/aqurate-tables';
import { createRelay } from '../../src/relay/handler';
import { createLog } from '../../src/relay/log';
import { syncEngine } from '../../src/relay/sync';
import { chunks, deliver, expectedAtVendors, shopperEvents, startVendors, testConfig, until } from './harness';
import { order } from '../unit/vendors/vendor-records';

it('1,000 browser events and a 10,000-order import at once: every row arrives, never two Aqurate requests within a second', async () => {
  const v = await startVendors();
  const quiet = createLog([], () => undefined);
  const config = testConfig(v);
  const relay = createRelay(config, { log: quiet });
  const server = createServer((req, res) => relay.handle(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
  const sender = aqurateTablesSender({ url: config.aqurateUrl, token: config.aqurateToken!, budget: relay.budgets.aqurate });
  const engine = syncEngine(relay.store, [{ name: 'aqurate', sender }], quiet);
  engine.start();
  try {
    const events = Array.from({ length: 20 }, (_, s) => shopperEvents(s, 50)).flat();
    const imported = Array.from({ length: 10_000 }, (_, i) => ({
      entity: 'order',
      op: 'upsert' as const,
      record: order({ order_id: String(i + 1), lines: [{ product_id: 'P' + (i % 9), variant_id: 'v', quantity: 1, unit_price: 3 }] }),
    }));
    await Promise.all([deliver(() => base, chunks(events, 100)), ...chunks(imported, 1000).map((c) => engine.submit(c))]);

    const rows = expectedAtVendors(events, '').a;
    await until('every row at Aqurate', () => v.aqurate.rows().length == rows.length && new Set(v.aqurate.table('orders').map((r) => r.order_id)).size == 10_000, 60_000);
    expect(new Set(v.aqurate.table('line_items').map((r) => r.order_id)).size).toBe(10_000);
    const paths = new Set(v.aqurate.received.map((r) => r.path));
    expect(paths).toEqual(new Set(['/input/website_events', '/input/orders', '/input/line_items']));
    expect(v.aqurate.received.every((r) => r.status == 200)).toBe(true);
    const times = v.aqurate.postTimes();
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
  } finally {
    await engine.stop();
    server.close();
    await relay.close();
    await v.close();
  }
}, 90_000);
