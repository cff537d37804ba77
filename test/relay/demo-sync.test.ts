// The demo imports its catalog, customers and order history at start; the DataCue backend stand-in
// (HMAC and every field of seed 001 checked) takes all of it, and the inspector lists those requests.
import { expect, it } from 'vitest';
import { PRODUCTS } from '../../demo/catalog';
import { startDemo } from '../../demo/server';
import type { DataCueBackendStandIn } from '../../demo/standins/datacue-backend';
import type { EngageStandIn } from '../../demo/standins/engage';

it('imports the demo catalog, customers and order history into DataCue at start, and shows them in the inspector', async () => {
  const demo = await startDemo();
  try {
    const backend = demo.standIns['datacue-backend'] as DataCueBackendStandIn;
    const variants = PRODUCTS.reduce((n, p) => n + (p.variants ? p.variants.length : 1), 0);
    const engage = demo.standIns['engage'] as EngageStandIn;
    const done = () => backend.products.size == variants && backend.users.size == 3 && backend.orders.size == 12 && engage.orders().size == 12;
    for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
    expect([backend.products.size, backend.users.size, backend.orders.size]).toEqual([variants, 3, 12]);
    expect(backend.orders.get('9006')!.order_status).toBe('cancelled');
    // engage takes whole-number order ids only: the history reaches it too, every order of it.
    expect([...engage.orders().keys()].sort()).toEqual(Array.from({ length: 12 }, (_, i) => 9001 + i));
    expect(backend.received.every((r) => r.status! >= 200 && r.status! < 300)).toBe(true);
    const shown = (await (await fetch(demo.url + '/inspector/events.json')).json()) as { received: { standIn: string }[] };
    expect(shown.received.filter((r) => r.standIn == 'datacue-backend').length).toBe(backend.received.length);
  } finally {
    await demo.close();
  }
}, 60_000);
