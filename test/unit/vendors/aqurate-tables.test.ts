// Canonical records -> Aqurate's input tables (seeds/000_e974799954d6ed8c.txt): one row per case, the
// expected rows beside it; then how a claim of changes is batched into requests.
import { describe, expect, it } from 'vitest';
import {
  AQURATE_TABLE_MAX_ROWS,
  aqurateRows,
  planAqurateTables,
} from '../../../src/vendors/aqurate-tables';
import { category, customer, order, product, remove, upsert } from './vendor-records';

const ROWS: [string, string, object, object | string][] = [
  [
    'a product -> items, item_categories (first is primary), stock',
    'product',
    product(),
    {
      items: [
        {
          product_id: 'P1',
          sku: 'LS-1',
          name: 'Linen Shirt',
          description: 'A shirt of linen',
          brand: 'Acme',
          price: 39.9,
          currency: 'EUR',
          photo_url: 'https://shop.example/img/p1.jpg',
          item_uri: 'https://shop.example/product/linen-shirt',
          is_active: true,
        },
      ],
      item_categories: [
        { product_id: 'P1', category_id: '10', is_primary: true },
        { product_id: 'P1', category_id: '20', is_primary: false },
      ],
      stock: [{ product_id: 'P1', stock_quantity: '3', stock_type: 'own' }],
    },
  ],
  [
    'variants -> one item (events and line items name products), stock summed as a string, no SKU',
    'product',
    product({
      variants: [
        { variant_id: 'S', sku: 'LS-S', price: 39.9, stock: 2, stock_type: 'own' },
        { variant_id: 'M', sku: 'LS-M', price: 41, stock: 5, stock_type: 'dropshipping', available: false },
      ],
    }),
    {
      items: [expect.not.objectContaining({ sku: expect.anything() })],
      item_categories: expect.any(Array),
      stock: [{ product_id: 'P1', stock_quantity: '7' }],
    },
  ],
  [
    'attributes -> attribute_1..4 name/value, the fifth left out',
    'product',
    product({ attributes: { material: 'linen', fit: 'slim', collar: 'kent', sleeve: 'long', care: 'wash' } }),
    {
      items: [
        expect.objectContaining({
          attribute_1_name: 'material',
          attribute_1_value: 'linen',
          attribute_2_name: 'fit',
          attribute_2_value: 'slim',
          attribute_3_name: 'collar',
          attribute_3_value: 'kent',
          attribute_4_name: 'sleeve',
          attribute_4_value: 'long',
        }),
      ],
      item_categories: expect.any(Array),
      stock: expect.any(Array),
    },
  ],
  ['a product off sale -> is_active false', 'product', product({ available: false }), { items: [expect.objectContaining({ is_active: false })], item_categories: expect.any(Array), stock: expect.any(Array) }],
  [
    'every variant unavailable -> is_active false',
    'product',
    product({ variants: [{ variant_id: 'V1', price: 1, stock: 0, available: false }] }),
    { items: [expect.objectContaining({ is_active: false })], item_categories: expect.any(Array), stock: [{ product_id: 'P1', stock_quantity: '0' }] },
  ],
  ['a main category -> main_category only', 'category', category(), { categories: [{ main_category_id: '10', main_category: 'Shirts' }] }],
  [
    'a third-level category -> its path from the main category',
    'category',
    category({ category_id: '12', name: 'Linen', parents: [{ category_id: '1', name: 'Men' }, { category_id: '10', name: 'Shirts' }] }),
    { categories: [{ main_category_id: '1', main_category: 'Men', subcategory_1_id: '10', subcategory_1: 'Shirts', subcategory_2_id: '12', subcategory_2: 'Linen' }] },
  ],
  [
    'an order -> orders (order_date ISO 8601 UTC) and one line_items row a line',
    'order',
    order({
      lines: [
        { product_id: 'P1', variant_id: 'S', quantity: 1, unit_price: 39.9 },
        { product_id: 'P1', variant_id: 'M', quantity: 2, unit_price: 41 },
      ],
    }),
    {
      orders: [{ order_id: '10021', customer_id: 'C1', order_date: '2020-01-01T19:20:01.000Z', order_status: 'completed' }],
      line_items: [
        { order_id: '10021', product_id: 'P1', quantity: 1, price_per_unit: 39.9 },
        { order_id: '10021', product_id: 'P1', quantity: 2, price_per_unit: 41 },
      ],
    },
  ],
  ['a cancelled order -> order_status canceled (the seed spells it with one l)', 'order', order({ status: 'cancelled' }), { orders: [expect.objectContaining({ order_status: 'canceled' })], line_items: expect.any(Array) }],
  ['a returned order -> returned', 'order', order({ status: 'returned' }), { orders: [expect.objectContaining({ order_status: 'returned' })], line_items: expect.any(Array) }],
  ['a date without zone is read as UTC', 'order', order({ created_at: '2024-03-01 12:00:00' }), { orders: [expect.objectContaining({ order_date: '2024-03-01T12:00:00.000Z' })], line_items: expect.any(Array) }],
  ['a date alone -> midnight UTC', 'order', order({ created_at: '2024-03-01' }), { orders: [expect.objectContaining({ order_date: '2024-03-01T00:00:00.000Z' })], line_items: expect.any(Array) }],
  ['a customer -> customers', 'customer', customer(), { customers: [{ customer_id: 'C1', email: 'ann@example.com' }] }],
  ['a customer without email -> refused: the table requires it', 'customer', customer({ email: undefined }), "customer.email: is required by Aqurate's customers table"],
];

describe('Aqurate table rows', () => {
  it.each(ROWS)('%s', (_name, entity, record, expected) => {
    if (typeof expected == 'string') expect(() => aqurateRows(entity, record)).toThrow(expected);
    else expect(aqurateRows(entity, record)).toEqual(expected);
  });
});

describe('planAqurateTables', () => {
  it('sends one request per table, in the order required tables first, and names the changes each carries', () => {
    const plan = planAqurateTables([upsert('order', order()), upsert('product', product()), upsert('category', category()), upsert('customer', customer())]);
    expect(plan.requests.map((r) => [r.path, r.owners, (r.body as object[]).length])).toEqual([
      ['/input/categories', [2], 1],
      ['/input/items', [1], 1],
      ['/input/item_categories', [1], 2],
      ['/input/stock', [1], 1],
      ['/input/customers', [3], 1],
      ['/input/orders', [0], 1],
      ['/input/line_items', [0], 1],
    ]);
    expect(plan.invalid).toEqual([]);
  });

  it('has nothing to send for deletes and lone variants, and reports a customer without email', () => {
    const plan = planAqurateTables([remove('product', { product_id: 'P1' }), upsert('variant', { product_id: 'P1', variant_id: 'V', price: 1, stock: 1 }), upsert('customer', customer({ email: undefined }))]);
    expect(plan).toEqual({ requests: [], nothing: [0, 1], invalid: [{ index: 2, error: "customer.email: is required by Aqurate's customers table" }] });
  });

  it('takes 10,000 orders of 3 lines in one orders request and three line_items requests', () => {
    const lines = [1, 2, 3].map((n) => ({ product_id: 'P' + n, variant_id: 'V', quantity: 1, unit_price: 9.5 }));
    const changes = Array.from({ length: 10_000 }, (_, i) => upsert('order', order({ order_id: String(i + 1), lines })));
    const plan = planAqurateTables(changes);
    expect(plan.requests.map((r) => [r.path, (r.body as object[]).length])).toEqual([
      ['/input/orders', AQURATE_TABLE_MAX_ROWS],
      ['/input/line_items', AQURATE_TABLE_MAX_ROWS],
      ['/input/line_items', AQURATE_TABLE_MAX_ROWS],
      ['/input/line_items', AQURATE_TABLE_MAX_ROWS],
    ]);
    // Order 3,334's lines straddle two requests: its change is in both.
    expect(plan.requests[1].owners.at(-1)).toBe(3333);
    expect(plan.requests[2].owners[0]).toBe(3333);
  });

  it('starts a new request before the body passes 4 MiB', () => {
    const long = 'x'.repeat(60_000);
    const plan = planAqurateTables(Array.from({ length: 100 }, (_, i) => upsert('product', product({ product_id: 'P' + i, description: long }))));
    const items = plan.requests.filter((r) => r.path == '/input/items');
    expect(items.length).toBe(2);
    for (const r of items) expect(Buffer.byteLength(JSON.stringify(r.body))).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(items.flatMap((r) => r.owners)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
