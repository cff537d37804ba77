// What the built script keeps in the shopper's browser must read the same in the next release: an
// outbox entry in IndexedDB (some of whose keys the build shortens, through mangle.json) and the
// events deferred to the next page in localStorage, compared with a committed snapshot. Run
// `npm run build` first. A change of shape on purpose (and a way to read the old one): WRITE_SNAPSHOT=1.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const SNAPSHOT = 'test/fixtures/stored-shapes.json';

/** Every key of a stored value, nested ones as a.b, sorted: the shape, whatever the values. */
const keysOf = (v: unknown, at = ''): string[] =>
  v && typeof v == 'object' && !Array.isArray(v)
    ? Object.entries(v).flatMap(([k, x]) => [at + k, ...keysOf(x, at + k + '.')]).sort()
    : [];

const idbAll = () =>
  new Promise<unknown[]>((resolve, reject) => {
    const open = indexedDB.open('shoptrack');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('outbox', 'readonly').objectStore('outbox').getAll();
      req.onsuccess = () => {
        open.result.close();
        resolve(req.result);
      };
    };
  });

// A relay that is down: every batch is answered 503, so entries stay in the outbox.
const relay = createServer((req, res) => {
  req.resume();
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' };
  res.writeHead(req.method == 'OPTIONS' ? 204 : 503, cors).end();
});
let relayUrl = '';
beforeAll(async () => {
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  relayUrl = 'http://127.0.0.1:' + (relay.address() as AddressInfo).port;
});
afterAll(() => new Promise((r) => relay.close(r)));

it('keeps outbox entries and deferred events in the shapes of the committed snapshot', async () => {
  type Shoptrack = { track(e: object, defer?: boolean): Promise<unknown>; stats(): Promise<{ retried: number }> };
  const w = window as unknown as { datacueConfig: object; shoptrack: Shoptrack };
  w.datacueConfig = { page_type: 'cart', relay_url: relayUrl };
  (0, eval)(readFileSync('dist/shoptrack.js', 'utf8'));
  const st = w.shoptrack;
  await st.track({ type: 'wishlist', subtype: 'add', product_id: 'p1' }, true);
  // Where localStorage refuses, a deferred event waits in the outbox, held for the next page.
  const setItem = vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
    throw new Error('QuotaExceededError');
  });
  try {
    await st.track({ type: 'wishlist', subtype: 'remove', product_id: 'p2' }, true);
  } finally {
    setItem.mockRestore();
  }
  for (const end = Date.now() + 10_000; (await st.stats()).retried < 1; ) {
    if (Date.now() > end) throw new Error('the page view was never tried');
    await new Promise((r) => setTimeout(r, 20));
  }
  const entries = (await idbAll()) as { t: { e: { subtype: string } } }[];
  const byKind = (subtype: string) => entries.find((e) => e.t.e.subtype == subtype);
  const shapes = {
    'outbox entry (IndexedDB), tried once': keysOf(byKind('cart')),
    'outbox entry (IndexedDB), held for the next page': keysOf(byKind('remove')),
    'deferred event (localStorage stk_held)': keysOf((JSON.parse(localStorage.getItem('stk_held')!) as object[])[0]),
  };
  if (process.env.WRITE_SNAPSHOT) (await import('node:fs')).writeFileSync(SNAPSHOT, JSON.stringify(shapes, null, 2) + '\n');
  expect(shapes).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
});
