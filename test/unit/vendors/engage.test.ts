// Canonical orders -> engage's POST /v1/orders (seeds/003_ba2d3b352c11da7d.txt): one row per case, the
// expected order beside it; required fields refused locally; batches of at most 250.
import { describe, expect, it } from 'vitest';
import { ENGAGE_MAX_BATCH, engageDate, engageOrder, planEngage } from '../../../src/vendors/engage';
import { customer, order, remove, upsert } from './vendor-records';

/** The seed's own cURL example, as engage expects it from the canonical order below. */
const SEED_EXAMPLE = {
  city: 'New York',
  country: 'US',
  currency: 'USD',
  date_created_gmt: '2020-01-01 19:20:01+00:00',
  email: 'ann@example.com',
  order_id: 10021,
  status: 'completed',
  order_value: 17.49,
  line_items: [{ line_item_product_id: 1002, line_item_price: 17.49, line_item_quantity: 1, line_item_name: 'Any name', line_item_sku: 'sku 123', line_item_variation_id: 1234 }],
};

const CASES: [string, object, object | string][] = [
  ['the seed\'s example order', order(), SEED_EXAMPLE],
  [
    'optional fields: names, phone, zip, completion and modification dates',
    order({ first_name: 'John', last_name: 'Doe', phone: '+46 123 456 789', zip_code: '10800', completed_at: '2020-01-02T08:00:00Z', modified_at: '2020-01-03 10:00:00' }),
    {
      ...SEED_EXAMPLE,
      first_name: 'John',
      last_name: 'Doe',
      phone: '+46 123 456 789',
      zip_code: '10800',
      completion_date_gmt: '2020-01-02 08:00:00+00:00',
      date_modified_gmt: '2020-01-03 10:00:00+00:00',
    },
  ],
  ['order_value: the total when given', order({ total: 76.99 }), { ...SEED_EXAMPLE, order_value: 76.99 }],
  [
    'order_value: the lines\' sum in cents otherwise',
    order({ lines: [{ product_id: '1', variant_id: 'no-variants', quantity: 3, unit_price: 0.1 }, { product_id: '2', variant_id: 'no-variants', quantity: 1, unit_price: 0.2 }] }),
    {
      ...SEED_EXAMPLE,
      order_value: 0.5,
      line_items: [
        { line_item_product_id: 1, line_item_price: 0.1, line_item_quantity: 3 },
        { line_item_product_id: 2, line_item_price: 0.2, line_item_quantity: 1 },
      ],
    },
  ],
  [
    'tax fields of a line',
    order({ lines: [{ product_id: 'SKU-A', variant_id: 'blue', quantity: 1, unit_price: 10, subtotal: 10, total: 8, subtotal_tax: 2, total_tax: 1.6, tax_class: 'Class A' }] }),
    {
      ...SEED_EXAMPLE,
      order_value: 10,
      line_items: [
        {
          line_item_product_id: 'SKU-A',
          line_item_price: 10,
          line_item_quantity: 1,
          line_item_variation_id: 'blue',
          line_item_subtotal: 10,
          line_item_total: 8,
          line_item_subtotal_tax: 2,
          line_item_total_tax: 1.6,
          line_item_tax_class: 'Class A',
        },
      ],
    },
  ],
  ['a cancelled order -> status cancelled (resending overwrites)', order({ status: 'cancelled' }), { ...SEED_EXAMPLE, status: 'cancelled' }],
  ['no city -> refused', order({ city: undefined }), 'order.city: is required by engage (seeds/003)'],
  ['no country -> refused', order({ country: '' }), 'order.country: is required by engage (seeds/003)'],
  ['no email -> refused', order({ email: undefined }), 'order.email: is required by engage (seeds/003)'],
  ['an order id that is not a whole number -> refused', order({ order_id: 'WC-77' }), 'order.order_id: engage takes whole-number order ids (seeds/003: integer)'],
];

describe('engage orders', () => {
  it.each(CASES)('%s', (_name, o, expected) => {
    if (typeof expected == 'string') expect(() => engageOrder(o as never)).toThrow(expected);
    else expect(engageOrder(o as never)).toEqual(expected);
  });

  it('writes dates in the seed\'s first format, in UTC, whatever the input zone', () => {
    expect(engageDate('2020-01-01T04:23:01+04:00')).toBe('2020-01-01 00:23:01+00:00');
    expect(engageDate('2020-01-01T04:23:01.000384Z')).toBe('2020-01-01 04:23:01+00:00');
    expect(engageDate('2020-01-01')).toBe('2020-01-01 00:00:00+00:00');
    expect(engageDate('2020-01-01T23:59:59-01:00')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+\d{2}:\d{2}$/);
  });
});

describe('planEngage', () => {
  it('makes 251 orders into two requests: 250, then 1 as a single object', () => {
    const plan = planEngage(Array.from({ length: 251 }, (_, i) => upsert('order', order({ order_id: String(i + 1) }))));
    expect(plan.requests).toHaveLength(2);
    expect(plan.requests[0].body).toHaveLength(ENGAGE_MAX_BATCH);
    expect(plan.requests[0].owners).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(plan.requests[1]).toEqual({ method: 'POST', path: '/v1/orders', body: expect.objectContaining({ order_id: 251 }), owners: [250] });
  });

  it('reports an order missing a required field with field and rule, and sends the others', () => {
    const plan = planEngage([upsert('order', order({ order_id: '1' })), upsert('order', order({ order_id: '2', city: undefined })), upsert('order', order({ order_id: '3' }))]);
    expect(plan.invalid).toEqual([{ index: 1, error: 'order.city: is required by engage (seeds/003)' }]);
    expect(plan.requests).toEqual([{ method: 'POST', path: '/v1/orders', body: [expect.objectContaining({ order_id: 1 }), expect.objectContaining({ order_id: 3 })], owners: [0, 2] }]);
  });

  it('has nothing to send for customers, products and deletes', () => {
    expect(planEngage([upsert('customer', customer()), remove('order', { order_id: '1' })])).toEqual({ requests: [], nothing: [0, 1], invalid: [] });
  });
});
