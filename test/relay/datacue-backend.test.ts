// DataCue's backend API (seeds/001): the mapper row by row, the signature against the seed's samples,
// and the engine against the stand-in, which checks the HMAC and every field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DataCueBackendStandIn, datacueBackendStandIn } from '../../demo/standins/datacue-backend';
import { validateRecord } from '../../src/data/validate';
import { datacueBackendAuth, datacueSender, datacueSignature } from '../../src/relay/datacue';
import { createLog } from '../../src/relay/log';
import { type RelayStore, sqliteStore } from '../../src/relay/store';
import { type SyncEngine, syncEngine } from '../../src/relay/sync';
import { type DataCueChange, planDataCue, readMultiStatus } from '../../src/vendors/datacue-backend';

const product = validateRecord('product', {
  product_id: 'p1',
  name: 'cool jeans',
  brand: 'zara',
  description: 'very fashionable jeans',
  link: '/product/p1',
  photo_url: 'https://s3.amazon.com/image.png',
  categories: [{ category_id: 'c9', name: 'jeans' }, { category_id: 'c1', name: 'men' }, { category_id: 'c2', name: 'summer' }],
  owner_id: 'user_id_3',
  extra: { extra_feature: 'details' },
  variants: [{ variant_id: 'v1', color: 'blue', size: 'M', price: 25000, full_price: 35000, stock: 5 }],
});
const twoVariants = { ...product, variants: [product.variants[0], { variant_id: 'v2', price: 99, stock: 0, available: false }] };
const customer = validateRecord('customer', {
  customer_id: 'u1',
  email: 'xyz@abc.com',
  title: 'Mr',
  first_name: 'John',
  last_name: 'Smith',
  profile: { location: 'santiago', sex: 'male', segment: 'platinum' },
  wishlist: ['P1', 'P3', 'P4'],
  email_subscriber: true,
  created_at: '2018-04-04 23:29:04-03:00',
});
const order = validateRecord('order', {
  order_id: 'O123',
  customer_id: 'U456',
  status: 'completed',
  created_at: '2018-04-04 23:29:04Z',
  currency: 'USD',
  lines: [
    { product_id: 'p1', variant_id: 'v1', quantity: 1, unit_price: 24 },
    { product_id: 'p3', variant_id: 'v2', quantity: 9, unit_price: 42 },
  ],
});
// The seed's Create Product example (Node tab), field for field.
const SEED_PRODUCT = {
  product_id: 'p1', variant_id: 'v1', main_category: 'jeans', categories: ['jeans', 'men', 'summer'], name: 'cool jeans', brand: 'zara',
  description: 'very fashionable jeans', color: 'blue', size: 'M', price: 25000, full_price: 35000, available: true, stock: 5,
  extra: { extra_feature: 'details' }, photo_url: 'https://s3.amazon.com/image.png', link: '/product/p1', owner_id: 'user_id_3',
};
const SEED_USER = {
  user_id: 'u1', email: 'xyz@abc.com', title: 'Mr', first_name: 'John', last_name: 'Smith', profile: { location: 'santiago', sex: 'male', segment: 'platinum' },
  email_subscriber: true, wishlist: ['P1', 'P3', 'P4'], timestamp: '2018-04-04 23:29:04-03:00',
};
const SEED_ORDER = {
  order_id: 'O123', user_id: 'U456', order_status: 'completed', timestamp: '2018-04-04 23:29:04Z',
  cart: [
    { product_id: 'p1', variant_id: 'v1', quantity: 1, unit_price: 24, currency: 'USD' },
    { product_id: 'p3', variant_id: 'v2', quantity: 9, unit_price: 42, currency: 'USD' },
  ],
};
const { product_id: _p, variant_id: _v, ...SEED_PRODUCT_UPDATE } = SEED_PRODUCT;
const { user_id: _u, ...SEED_USER_UPDATE } = SEED_USER;

const c = (entity: string, op: 'upsert' | 'delete', record: object, delivered = false): DataCueChange => ({ entity, op, record: record as never, delivered });
const one = (changes: DataCueChange[]) => planDataCue(changes).requests.map((r) => ({ method: r.method, path: r.path, body: r.body }));

describe('DataCue backend mapper: canonical record to request', () => {
  it.each([
    ['a new product: Create Product', [c('product', 'upsert', product)], [{ method: 'POST', path: '/v1/products', body: SEED_PRODUCT }]],
    ['a product DataCue has: Update Product per variant', [c('product', 'upsert', product, true)], [{ method: 'PUT', path: '/v1/products/p1/v1', body: SEED_PRODUCT_UPDATE }]],
    [
      'a new product with two variants: Batch Create Products',
      [c('product', 'upsert', twoVariants)],
      [{ method: 'POST', path: '/v1/batch/products', body: { batch: [SEED_PRODUCT, { ...SEED_PRODUCT, variant_id: 'v2', price: 99, full_price: 99, stock: 0, available: false, color: undefined, size: undefined }].map((x) => JSON.parse(JSON.stringify(x))) } }],
    ],
    ['a product deleted: Delete a product and all associated variants', [c('product', 'delete', { product_id: 'p 1' }, true)], [{ method: 'DELETE', path: '/v1/products/p%201', body: undefined }]],
    ['a variant deleted: Delete a variant', [c('variant', 'delete', { product_id: 'p1', variant_id: 'v1' }, true)], [{ method: 'DELETE', path: '/v1/products/p1/v1', body: undefined }]],
    [
      'a variant updated on its own: Update Product with its fields only',
      [c('variant', 'upsert', { product_id: 'p1', variant_id: 'v1', price: 40, full_price: 50, stock: 6, available: false })],
      [{ method: 'PUT', path: '/v1/products/p1/v1', body: { price: 40, full_price: 50, stock: 6, available: false } }],
    ],
    ['a new customer: Create User', [c('customer', 'upsert', customer)], [{ method: 'POST', path: '/v1/users', body: SEED_USER }]],
    ['a customer DataCue has: Update User', [c('customer', 'upsert', customer, true)], [{ method: 'PUT', path: '/v1/users/u1', body: SEED_USER_UPDATE }]],
    ['a customer deleted: Delete User', [c('customer', 'delete', { customer_id: 'u1' }, true)], [{ method: 'DELETE', path: '/v1/users/u1', body: undefined }]],
    ['a new order: Create Order', [c('order', 'upsert', order)], [{ method: 'POST', path: '/v1/orders', body: SEED_ORDER }]],
    ['a new order, already cancelled: Create Order with order_status', [c('order', 'upsert', { ...order, status: 'cancelled' })], [{ method: 'POST', path: '/v1/orders', body: { ...SEED_ORDER, order_status: 'cancelled' } }]],
    ['a sent order cancelled: Cancel Order', [c('order', 'upsert', { ...order, status: 'cancelled' }, true)], [{ method: 'PUT', path: '/v1/orders/O123', body: { order_status: 'cancelled' } }]],
    ['a sent order returned: Cancel Order', [c('order', 'upsert', { ...order, status: 'returned' }, true)], [{ method: 'PUT', path: '/v1/orders/O123', body: { order_status: 'cancelled' } }]],
    ['a sent order changed but not cancelled: nothing (orders cannot be updated)', [c('order', 'upsert', order, true)], []],
    ['an order deleted: Delete Order', [c('order', 'delete', { order_id: 'O123' }, true)], [{ method: 'DELETE', path: '/v1/orders/O123', body: undefined }]],
    [
      'two new customers: Batch Create Users',
      [c('customer', 'upsert', customer), c('customer', 'upsert', { customer_id: 'u2', first_name: 'Ann' })],
      [{ method: 'POST', path: '/v1/batch/users', body: { batch: [SEED_USER, { user_id: 'u2', first_name: 'Ann' }] } }],
    ],
    [
      'customers updated and deleted: Batch Update Users and Batch Delete Users',
      [c('customer', 'upsert', customer, true), c('customer', 'upsert', { customer_id: 'u2', first_name: 'Ann' }, true), c('customer', 'delete', { customer_id: 'u3' }, true), c('customer', 'delete', { customer_id: 'u4' }, true)],
      [
        { method: 'PUT', path: '/v1/batch/users', body: { batch: [SEED_USER, { user_id: 'u2', first_name: 'Ann' }] } },
        { method: 'DELETE', path: '/v1/batch/users', body: { batch: [{ user_id: 'u3' }, { user_id: 'u4' }] } },
      ],
    ],
    [
      'orders deleted: Batch Delete Orders',
      [c('order', 'delete', { order_id: 'o1' }, true), c('order', 'delete', { order_id: 'o2' }, true)],
      [{ method: 'DELETE', path: '/v1/batch/orders', body: { batch: [{ order_id: 'o1' }, { order_id: 'o2' }] } }],
    ],
    [
      'variants deleted: Batch Delete Products',
      [c('variant', 'delete', { product_id: 'p1', variant_id: 'v1' }, true), c('variant', 'delete', { product_id: 'p2', variant_id: 'v1' }, true)],
      [{ method: 'DELETE', path: '/v1/batch/products', body: { batch: [{ product_id: 'p1', variant_id: 'v1' }, { product_id: 'p2', variant_id: 'v1' }] } }],
    ],
  ])('%s', (_name, changes, expected) => {
    expect(one(changes as DataCueChange[])).toEqual(expected);
  });

  it('refuses a customer without a first name before sending (DataCue requires it), naming the field', () => {
    const plan = planDataCue([c('customer', 'upsert', { customer_id: 'u9' })]);
    expect(plan.requests).toEqual([]);
    expect(plan.invalid).toEqual([{ index: 0, error: expect.stringContaining('customer.first_name') }]);
  });

  it('splits a batch at 500 items, the seed limit', () => {
    const changes = Array.from({ length: 1001 }, (_, i) => c('order', 'delete', { order_id: 'o' + i }, true));
    const reqs = planDataCue(changes).requests;
    expect(reqs.map((r) => [r.path, r.owners.length])).toEqual([['/v1/batch/orders', 500], ['/v1/batch/orders', 500], ['/v1/orders/o1000', 1]]);
    expect(reqs.map((r) => (r.body as { batch: unknown[] } | undefined)?.batch.length)).toEqual([500, 500, undefined]);
  });

  it('reads a 207 item by item, by position, as the seed names ids inconsistently', () => {
    const items = [{ order_id: 'o1' }, { order_id: 'o2' }];
    // The seed's own Batch Create Orders answer: o2's status is under "product_id".
    const answer = { status: [{ order_id: 'o1', status: 'error', error: 'o1 already exists' }, { product_id: 'o2', status: 'OK' }] };
    expect(readMultiStatus(answer, items)).toEqual([{ error: 'o1 already exists' }, { ok: true }]);
    expect(readMultiStatus({ status: [{ order_id: 'o2', status: 'OK' }] }, items)).toEqual([{ error: expect.stringContaining('no status') }, { ok: true }]);
    expect(readMultiStatus('not json', items)).toEqual([{ error: expect.any(String) }, { error: expect.any(String) }]);
  });
});

describe('DataCue backend signature (seeds/001, Authentication)', () => {
  const SECRET = 'your-api-secret-goes-here';
  // Expected values from the seed's Python sample (hmac.new(bytes(apisecret,'utf-8'), bytes(json.dumps(data),
  // 'utf-8'), hashlib.sha256).hexdigest()), run with CPython 3, and its DELETE sample (bytes("", 'utf-8')).
  it.each([
    ['Python json.dumps of the Create User sample', '{"name": "Spongebob", "email": "pineapple@underthe.sea"}', 'b7088db9c6ab11d1ea50418a9f72b1fdf810f17b2ee4aeca5a9a6b407b8ebd80'],
    ['Node JSON.stringify of the Create User sample', JSON.stringify({ name: 'Spongebob', email: 'pineapple@underthe.sea' }), 'a36d339423db9dee9ae4f1a01f3469e16eab5cba0d35f7f71ab0d32e480c0847'],
    ['Python json.dumps of the Cancel Order sample', '{"order_status": "cancelled"}', 'e408249397dade3f770a9a140ce6db72322f12ab70d0140307ef66b862a9efa0'],
    ['a DELETE without a body signs the empty string', '', '35996fca3f637107b6c214f9dda5cdd14ec837d0c3cd91e4fe6404dc48ee5e95'],
  ])('%s', (_name, body, hex) => {
    expect(datacueSignature(SECRET, body)).toBe(hex);
  });

  it('puts the key as the user and the signature as the password of Basic auth', () => {
    const header = datacueBackendAuth('your-api-key-goes-here', SECRET, '');
    expect(Buffer.from(header.replace('Basic ', ''), 'base64').toString()).toBe('your-api-key-goes-here:35996fca3f637107b6c214f9dda5cdd14ec837d0c3cd91e4fe6404dc48ee5e95');
  });
});

describe('DataCue backend through the sync engine', () => {
  const KEY = 'test-backend-key';
  const SECRET = 'test-backend-secret-1234';
  let stand: DataCueBackendStandIn;
  let store: RelayStore;
  let engine: SyncEngine;
  const lines: string[] = [];

  /** Until no record waits for DataCue (the engine's own status); generous, for a loaded machine. */
  const settled = async (ms = 20_000) => {
    for (const end = Date.now() + ms; ; ) {
      const s = await engine.status();
      const waiting = Object.values(s.counts.datacue || {}).reduce((n, e) => n + e.waiting, 0);
      if (!waiting) return s;
      if (Date.now() > end) throw new Error('records still waiting: ' + JSON.stringify(s));
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeEach(async () => {
    stand = datacueBackendStandIn(KEY, SECRET);
    await stand.start(0);
    store = sqliteStore(':memory:');
    lines.length = 0;
    const sender = datacueSender({ url: stand.url.replace(/\/$/, ''), apiKey: KEY, apiSecret: SECRET });
    engine = syncEngine(store, [{ name: 'datacue', sender }], createLog([KEY, SECRET], (l) => lines.push(l)), { random: () => 0 });
    engine.start();
  });
  afterEach(async () => {
    await engine.stop();
    await store.close();
    await stand.close();
  });

  it('delivers products, customers and orders that pass the stand-in\'s HMAC and field checks, then updates, cancels and deletes', async () => {
    const answers = await engine.submit([
      { entity: 'product', op: 'upsert', record: twoVariants },
      { entity: 'customer', op: 'upsert', record: customer },
      { entity: 'order', op: 'upsert', record: order },
      { entity: 'customer', op: 'upsert', record: { customer_id: 'u2', first_name: 'Ann' } },
    ]);
    expect(answers.map((a) => a.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    await settled().catch((err) => {
      throw new Error(err.message + JSON.stringify(stand.received.map((r) => [r.method, r.path, r.status, r.reason])));
    });
    expect([...stand.products.keys()]).toEqual(['p1/v1', 'p1/v2']);
    expect(stand.users.get('u1')).toEqual(SEED_USER);
    expect(stand.orders.get('O123')).toEqual(SEED_ORDER);
    expect(stand.received.every((r) => r.status! < 300)).toBe(true);

    await engine.submit([
      { entity: 'product', op: 'upsert', record: { ...twoVariants, name: 'cooler jeans' } },
      { entity: 'order', op: 'cancel', record: { order_id: 'O123' } },
      { entity: 'customer', op: 'delete', record: { customer_id: 'u2' } },
    ]);
    const s = await settled().catch((err) => {
      throw new Error(err.message + JSON.stringify(stand.received.map((r) => [r.method, r.path, r.status, r.reason])));
    });
    expect(stand.products.get('p1/v1')!.name).toBe('cooler jeans');
    expect(stand.orders.get('O123')!.order_status).toBe('cancelled');
    expect(stand.users.has('u2')).toBe(false);
    expect(s.counts.datacue.customer).toEqual({ waiting: 0, sent: 2, failed: 0 });
    expect(stand.received.every((r) => r.status! < 300)).toBe(true);
  });

  it('resends only the failed items of a 207 answer; the ones that succeeded are never sent again', async () => {
    stand.refuse.add('users:u2');
    const users = ['u1', 'u2', 'u3'].map((id) => ({ entity: 'customer', op: 'upsert' as const, record: { customer_id: id, first_name: 'N' + id } }));
    await engine.submit(users);
    // Wait until the refusal is stored, then let the stand-in take it.
    await expect.poll(async () => (await engine.status()).errors.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await engine.status()).errors[0]).toMatchObject({ key: 'u2', state: 'waiting', error: expect.stringContaining('u2 refused') });
    stand.refuse.delete('users:u2');
    await settled();
    const bodies = stand.received.filter((r) => r.method == 'POST').map((r) => r.body as { batch?: { user_id: string }[]; user_id?: string });
    expect(bodies[0].batch!.map((u) => u.user_id)).toEqual(['u1', 'u2', 'u3']);
    expect(bodies.slice(1).map((b) => b.user_id ?? b.batch!.map((u) => u.user_id).join())).toEqual(['u2']);
    expect([...stand.accepted.entries()].sort()).toEqual([['users:u1', 1], ['users:u2', 1], ['users:u3', 1]]);
  });

  it('reports an item DataCue keeps refusing as failed after its tries, and never logs the secret', async () => {
    stand.refuse.add('users:u2');
    await engine.submit(['u1', 'u2'].map((id) => ({ entity: 'customer', op: 'upsert' as const, record: { customer_id: id, first_name: 'N' } })));
    const s = await settled();
    expect(s.counts.datacue.customer).toEqual({ waiting: 0, sent: 1, failed: 1 });
    expect(s.errors[0]).toMatchObject({ key: 'u2', state: 'failed' });
    expect(lines.some((l) => l.includes('refused 1 record(s) for good'))).toBe(true);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('keeps records through a wrong secret (401) and delivers them once the stand-in accepts', async () => {
    stand.fault({ mode: 'status', status: 401 }, 1);
    await engine.submit([{ entity: 'order', op: 'upsert', record: order }]);
    const s = await settled();
    expect(s.counts.datacue.order.sent).toBe(1);
    expect(stand.received.map((r) => r.status)).toEqual([401, 201]);
  });
});
