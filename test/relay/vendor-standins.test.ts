// The stand-ins of Aqurate's tables, Quarticon's catalog and profiles, engage and Shoptimiza refuse
// what their seeds do not allow, and take what the pure mappers make: a relay test that passes against
// them says something about the real APIs.
import { describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../demo/catalog';
import { AQURATE_DEMO_TOKEN, createAqurateStandIn, tableRowInvalid } from '../../demo/standins/aqurate';
import { ENGAGE_DEMO_TOKEN, createEngageStandIn, engageOrderInvalid } from '../../demo/standins/engage';
import { QUARTICON_DEMO_KEY, createQuarticonStandIn, quarticonContactInvalid, quarticonProductInvalid, quarticonProfileInvalid } from '../../demo/standins/quarticon';
import { SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET, createShoptimizaStandIn, salesLineInvalid } from '../../demo/standins/shoptimiza';
import { nodeDigests, sha1Base64 } from '../../src/relay/shoptimiza';
import { AQURATE_TABLES, aqurateRows } from '../../src/vendors/aqurate-tables';
import { engageOrder } from '../../src/vendors/engage';
import { quarticonContact, quarticonProduct, quarticonProfile } from '../../src/vendors/quarticon-data';
import { salesFileUploadUrl, shoptimizaAuth } from '../../src/vendors/shoptimiza';
import { category, customer, order, product } from '../unit/vendors/vendor-records';

const ctx = { catalog: PRODUCTS };

const AQURATE: [string, string, object, string | undefined][] = [
  ['an orders row', 'orders', { order_id: '1', customer_id: 'C', order_date: '2024-03-01T12:00:00.000Z', order_status: 'completed' }, undefined],
  ['cancelled with two l', 'orders', { order_id: '1', customer_id: 'C', order_date: '2024-03-01T12:00:00Z', order_status: 'cancelled' }, "order_status must be one of 'processing', 'completed', 'returned', 'canceled', got \"cancelled\""],
  ['a local order_date', 'orders', { order_id: '1', customer_id: 'C', order_date: '2024-03-01 12:00:00' }, 'order_date must be ISO 8601 in UTC, got "2024-03-01 12:00:00"'],
  ['no customer', 'orders', { order_id: '1', order_date: '2024-03-01T12:00:00Z' }, 'customer_id is required'],
  ['a numeric order id', 'line_items', { order_id: 1, product_id: 'P' }, 'order_id must be a string, got 1'],
  ['a quantity as text', 'line_items', { order_id: '1', product_id: 'P', quantity: '2' }, 'quantity must be a number, got "2"'],
  ['an item without a name', 'items', { product_id: 'P' }, 'name is required'],
  ['is_active as 1', 'items', { product_id: 'P', name: 'N', is_active: 1 }, undefined],
  ['a fifth attribute', 'items', { product_id: 'P', name: 'N', attribute_5_name: 'x' }, 'attribute_5_name: not a column of items'],
  ['stock as a number (the seed says String)', 'stock', { product_id: 'P', stock_quantity: 3 }, 'stock_quantity must be a string, got 3'],
  ['an unknown stock type', 'stock', { product_id: 'P', stock_quantity: '3', stock_type: 'warehouse' }, 'stock_type must be one of own, dropshipping, at_supplier, got "warehouse"'],
  ['a category without its name', 'categories', { main_category_id: '1' }, 'main_category is required'],
  ['a customer without email', 'customers', { customer_id: 'C' }, 'email is required'],
  ['an unknown table', 'wishlists', {}, 'wishlists: not an input table'],
];

const ENGAGE_ORDER = {
  city: 'New York', country: 'USA', currency: 'USD', date_created_gmt: '2020-01-01 20:20:01+01:00', email: 'a@example.com', order_id: 20200101, status: 'completed', order_value: 40,
  line_items: [{ line_item_product_id: 1002, line_item_price: 17.49, line_item_quantity: 1 }],
};
const ENGAGE: [string, object, string | undefined][] = [
  ['the seed\'s example', ENGAGE_ORDER, undefined],
  ...['2020-01-01 04:23:01.000384', '2020-01-01 04:23:01', '2020-01-01T04:23:01+04:00', '2020-01-01T04:23:01.000384', '2020-01-01T04:23:01'].map(
    (d): [string, object, undefined] => ['the date format ' + d, { ...ENGAGE_ORDER, date_created_gmt: d }, undefined],
  ),
  ['a date with a slash', { ...ENGAGE_ORDER, date_created_gmt: '2020/01/01' }, 'order.date_created_gmt must be a date in one of the accepted formats (YYYY-MM-DD HH:MM:SS+HH:MM, ...), got "2020/01/01"'],
  ['an order id as a string', { ...ENGAGE_ORDER, order_id: '20200101' }, 'order.order_id must be an integer, got "20200101"'],
  ['no city', { ...ENGAGE_ORDER, city: undefined }, 'order.city is required'],
  ['no line items', { ...ENGAGE_ORDER, line_items: [] }, 'order.line_items must be a non-empty array of line items, got []'],
  ['a line without price', { ...ENGAGE_ORDER, line_items: [{ line_item_product_id: 1, line_item_quantity: 1 }] }, 'order.line_items[0].line_item_price is required'],
  ['an unknown field', { ...ENGAGE_ORDER, coupon: 'X' }, 'order.coupon: not a field of the seed'],
];

const QUARTICON: [string, (b: unknown) => string | undefined, object, string | undefined][] = [
  ['a product', quarticonProductInvalid, { id: 'P1', title: 'T', price: 9.5, status: true, categories: [{ id: 1, name: 'C' }] }, undefined],
  ['a product id with a dot', quarticonProductInvalid, { id: 'P.1' }, 'id allows [a-zA-Z0-9-_] only'],
  ['a price as text', quarticonProductInvalid, { id: 'P1', price: '9.50' }, 'price must be a number (float)'],
  ['a category id as text', quarticonProductInvalid, { id: 'P1', categories: [{ id: 'shirts', name: 'C' }] }, 'categories[0].id must be an integer'],
  ['a profile', quarticonProfileInvalid, { userId: 'C1', cookie: 'abc', email: 'a@example.com', agreement: true }, undefined],
  ['a profile without cookie', quarticonProfileInvalid, { userId: 'C1' }, 'cookie is required'],
  ['a user id with @', quarticonProfileInvalid, { userId: 'a@b', cookie: 'abc' }, 'userId allows [a-zA-Z0-9-_] only'],
  ['a contact', quarticonContactInvalid, { email: 'a@example.com', agreements: [{ t: 'newsletter', c: 'text', s: true }], tags: [{ n: 'firstname', v: 'Ann' }] }, undefined],
  ['a contact without email', quarticonContactInvalid, { cookie: 'abc' }, 'email is required'],
  ['an agreement without its text', quarticonContactInvalid, { email: 'a@example.com', agreements: [{ t: 'newsletter', s: true }] }, 'agreements[0]: c is required'],
];

const SALES: [string, string, string | undefined][] = [
  ['a line', '{"key":"122","items":["508","563"]}', undefined],
  ['a numeric key', '{"key":122,"items":["508"]}', 'key must be the order id as a string'],
  ['numeric items', '{"key":"122","items":[508]}', 'items must be product ids as strings'],
  ['a product twice', '{"key":"122","items":["508","508"]}', 'items must be distinct ("only interested in the different products")'],
  ['quantities', '{"key":"122","items":["508"],"quantities":[2]}', 'quantities: not a field of a sales line (key, items)'],
  ['not JSON', 'key=122', 'not a JSON object'],
];

describe('the stand-ins refuse what the seeds do not allow', () => {
  it.each(AQURATE)('aqurate: %s', (_n, table, row, reason) => expect(tableRowInvalid(table, row)).toBe(reason));
  it.each(ENGAGE)('engage: %s', (_n, o, reason) => expect(engageOrderInvalid(o)).toBe(reason));
  it.each(QUARTICON)('quarticon: %s', (_n, check, body, reason) => expect(check(body)).toBe(reason));
  it.each(SALES)('shoptimiza: %s', (_n, line, reason) => expect(salesLineInvalid(line)).toBe(reason));
});

describe('the stand-ins take what the mappers make', () => {
  it('every Aqurate table row of a product, a category, an order and a customer', () => {
    const rows = [aqurateRows('product', product({ attributes: { a: '1' } })), aqurateRows('category', category({ parents: [{ category_id: '1', name: 'Men' }] })), aqurateRows('order', order()), aqurateRows('customer', customer())];
    let n = 0;
    for (const r of rows)
      for (const t of AQURATE_TABLES)
        for (const row of r[t] || []) {
          expect(tableRowInvalid(t, row)).toBeUndefined();
          n++;
        }
    expect(n).toBe(8);
  });
  it('engage orders, Quarticon products, profiles and contacts', () => {
    expect(engageOrderInvalid(engageOrder(order({ completed_at: '2020-01-02', first_name: 'A', zip_code: '1' })))).toBeUndefined();
    expect(quarticonProductInvalid(quarticonProduct(product({ attributes: { a: 'b' } }), { catalogSymbol: 'main' }))).toBeUndefined();
    expect(quarticonProfileInvalid(quarticonProfile(customer({ email_subscriber: true })))).toBeUndefined();
    expect(quarticonContactInvalid(quarticonContact(customer({ email_subscriber: true }), { newsletterConsent: 'ok', nameTags: true }))).toBeUndefined();
  });
});

describe('the stand-ins over HTTP', () => {
  it('aqurate: one budget for every table, 429 within a second, a wrong token refused', async () => {
    const s = createAqurateStandIn(ctx);
    const base = await s.start();
    const post = (table: string, rows: object[], token = AQURATE_DEMO_TOKEN) =>
      fetch(base + 'input/' + table, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': token }, body: JSON.stringify(rows) });
    try {
      expect((await post('customers', [{ customer_id: 'C', email: 'a@example.com' }], 'wrong')).status).toBe(401);
      expect((await post('customers', [{ customer_id: 'C', email: 'a@example.com' }])).status).toBe(200);
      expect((await post('orders', [{ order_id: '1', customer_id: 'C', order_date: '2024-03-01T12:00:00Z' }])).status).toBe(429);
      expect(s.table('customers')).toEqual([{ customer_id: 'C', email: 'a@example.com' }]);
      expect(s.table('orders')).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('engage: Bearer token, at most 250 orders, an order id sent again overwrites', async () => {
    const s = createEngageStandIn();
    const url = (await s.start()) + 'v1/orders';
    const post = (body: unknown, token = ENGAGE_DEMO_TOKEN) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify(body) });
    try {
      expect((await post(ENGAGE_ORDER, 'wrong')).status).toBe(401);
      expect((await post(Array.from({ length: 251 }, (_, i) => ({ ...ENGAGE_ORDER, order_id: i })))).status).toBe(400);
      expect((await post(ENGAGE_ORDER)).status).toBe(200);
      expect((await post([{ ...ENGAGE_ORDER, status: 'cancelled' }, { ...ENGAGE_ORDER, order_id: 2 }])).status).toBe(200);
      expect(s.orders().size).toBe(2);
      expect(s.orders().get(20200101)!.status).toBe('cancelled');
      expect(s.batchSizes()).toEqual([1, 2]);
    } finally {
      await s.close();
    }
  });

  it('quarticon: products, profiles and contacts with x-api-key; GET /contact reads one back', async () => {
    const s = createQuarticonStandIn(ctx);
    const base = await s.start();
    const post = (path: string, body: object, key = QUARTICON_DEMO_KEY) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
    try {
      expect((await post('data/product', { id: 'P1', status: true }, 'wrong')).status).toBe(401);
      const bad = await post('data/product', { id: 'P 1' });
      expect(bad.status).toBe(405);
      expect(await bad.json()).toEqual({ status: 'ERROR', timestamp: expect.any(Number), data: { error_code: 'http.status.405', error_message: 'id allows [a-zA-Z0-9-_] only' } });
      expect((await post('data/product', { id: 'P1', status: true })).status).toBe(200);
      expect((await post('collectprofile', { userId: 'C1', cookie: 'abc' })).status).toBe(200);
      expect((await post('contact', { email: 'a@example.com', cookie: 'abc' })).status).toBe(200);
      const got = await fetch(base + 'contact?email=a%40example.com', { headers: { 'x-api-key': QUARTICON_DEMO_KEY } });
      expect(await got.json()).toEqual({ status: 'OK', timestamp: expect.any(Number), data: { email: 'a@example.com', cookie: 'abc' } });
      expect([...s.products().keys(), ...s.profiles().keys()]).toEqual(['P1', 'C1']);
    } finally {
      await s.close();
    }
  });

  it('shoptimiza: an upload with a valid header is taken; a wrong, stale or missing one is refused', async () => {
    const s = createShoptimizaStandIn();
    const url = salesFileUploadUrl((await s.start()).replace(/\/$/, ''), SHOPTIMIZA_DEMO_KEY);
    const file = '{"key":"122","items":["508","563"]}\n{"key":"139","items":["508"]}\n';
    const now = Math.floor(Date.now() / 1000);
    const auth = (time = now, secret = SHOPTIMIZA_DEMO_SECRET) => shoptimizaAuth(SHOPTIMIZA_DEMO_KEY, secret, time, { verb: 'POST', url, bodySha1: sha1Base64(file) }, nodeDigests);
    const post = (header?: string) => fetch(url, { method: 'POST', headers: header ? { 'x-shoptimiza-auth': header } : {}, body: file });
    try {
      expect((await post()).status).toBe(401);
      expect((await post(auth(now, 'not-the-shared-secret'))).status).toBe(401);
      expect((await post(auth(now - 3600))).status).toBe(401);
      expect((await post(auth())).status).toBe(200);
      expect(s.uploads().map((u) => u.lines)).toEqual([[{ key: '122', items: ['508', '563'] }, { key: '139', items: ['508'] }]]);
      expect(s.received.filter((r) => r.status == 401).map((r) => r.reason)).toEqual([
        'X-Shoptimiza-Auth is missing',
        'X-Shoptimiza-Auth: wrong signature',
        expect.stringMatching(/^X-Shoptimiza-Auth: stale \(signed 360\d s ago; the window is 300 s\)$/),
      ]);
    } finally {
      await s.close();
    }
  });
});
