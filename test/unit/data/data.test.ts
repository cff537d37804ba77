import { describe, expect, it } from 'vitest';
import { recordKey } from '../../../src/data/types';
import { MAX_ID_LENGTH, validateKey, validateRecord } from '../../../src/data/validate';
import { ShoptrackError } from '../../../src/events/validate';

const product = {
  product_id: 'p1',
  name: 'Linen Shirt',
  link: '/product/p1',
  photo_url: '/img/p1.jpg',
  categories: [{ category_id: 'c2', name: 'Shirts' }, { category_id: 'c1', name: 'Men' }],
  variants: [{ variant_id: 'v1', price: 39.9, full_price: 49.9, stock: 5, size: 'M' }],
};
const order = {
  order_id: 'o1',
  customer_id: 'u1',
  status: 'completed',
  created_at: '2024-03-01T12:00:00Z',
  currency: 'eur',
  lines: [{ product_id: 'p1', variant_id: 'v1', quantity: 2, unit_price: 39.9 }],
};

const problem = (entity: Parameters<typeof validateRecord>[0], input: unknown): string => {
  try {
    validateRecord(entity, input);
  } catch (err) {
    expect(err).toBeInstanceOf(ShoptrackError);
    return (err as Error).message;
  }
  throw new Error('expected a ShoptrackError');
};

describe('canonical records', () => {
  it('accepts a full product and keeps its fields', () => {
    expect(validateRecord('product', product)).toEqual(product);
  });

  it('normalises CSV-style text: numeric strings, boolean words, numeric ids, empty cells', () => {
    const r = validateRecord('product', {
      ...product,
      product_id: 3310,
      brand: '',
      available: 'false',
      variants: [{ variant_id: 3311, price: '39.90', stock: '5', available: '1' }],
    });
    expect(r.product_id).toBe('3310');
    expect(r.available).toBe(false);
    expect('brand' in r).toBe(false);
    expect(r.variants[0]).toEqual({ variant_id: '3311', price: 39.9, stock: 5, available: true });
  });

  it('upper-cases the currency and lower-cases the status of an order', () => {
    const r = validateRecord('order', { ...order, status: 'Cancelled' });
    expect(r.currency).toBe('EUR');
    expect(r.status).toBe('cancelled');
  });

  it.each([
    ['product', { ...product, name: '' }, 'product.name: is required'],
    ['product', { ...product, variants: [] }, 'product.variants: must hold at least 1 item'],
    ['product', { ...product, categories: [{ category_id: 'c1' }] }, 'product.categories[0].name: is required'],
    ['product', { ...product, variants: [{ ...product.variants[0], price: 'cheap' }] }, 'product.variants[0].price: must be a number of at least 0'],
    ['product', { ...product, variants: [{ ...product.variants[0], stock: 1.5 }] }, 'product.variants[0].stock: must be a whole number of at least 0'],
    ['product', { ...product, variants: [product.variants[0], product.variants[0]] }, 'product.variants[1].variant_id: must be unique within the product'],
    ['product', { ...product, colour: 'red' }, 'product.colour: unknown field; expected one of'],
    ['product', { ...product, product_id: 'x'.repeat(MAX_ID_LENGTH + 1) }, 'product.product_id: must be at most 256 characters'],
    ['product', { ...product, available: 'maybe' }, 'product.available: must be true or false'],
    ['order', { ...order, status: 'shipped' }, 'order.status: must be one of processing, completed, cancelled, returned'],
    ['order', { ...order, created_at: 'yesterday' }, 'order.created_at: must be an ISO 8601 date'],
    ['order', { ...order, currency: 'euro' }, 'order.currency: must be a 3-letter currency code'],
    ['order', { ...order, lines: [{ ...order.lines[0], quantity: 0 }] }, 'order.lines[0].quantity: must be a number greater than 0'],
    ['order', { ...order, lines: [{ product_id: 'p1', quantity: 1, unit_price: 1 }] }, 'order.lines[0].variant_id: is required'],
    ['customer', { customer_id: 'u1', email: 'not-an-email' }, 'customer.email: must be an email address'],
    ['customer', { customer_id: 'u1', wishlist: 'p1' }, 'customer.wishlist: must be an array'],
    ['customer', { customer_id: 'u1', profile: { sex: ['f'] } }, 'customer.profile.sex: must be a string'],
    ['category', { category_id: 'c3', name: 'Tees', parents: [{ category_id: 'c1', name: 'Men' }, { category_id: 'c2', name: 'Shirts' }, { category_id: 'x', name: 'x' }, { category_id: 'y', name: 'y' }, { category_id: 'z', name: 'z' }] }, 'category.parents: must hold at most 4 ancestors'],
    ['variant', { variant_id: 'v1', price: 1, stock: 1 }, 'variant.product_id: is required'],
    ['customer', 'u1', 'customer: must be an object'],
  ] as const)('refuses a bad %s with field and rule: %s', (entity, input, message) => {
    expect(problem(entity, input)).toContain(message);
  });

  it('accepts ISO 8601 dates in the forms the vendors take', () => {
    for (const d of ['2024-03-01', '2024-03-01 20:20:01+01:00', '2024-03-01T04:23:01.000384', '2018-04-04 23:29:04Z'])
      expect(validateRecord('order', { ...order, created_at: d }).created_at).toBe(d);
  });

  it('checks the ids a delete names, and keys a variant by its product too', () => {
    expect(validateKey('variant', { product_id: 'p/1', variant_id: 7 })).toEqual({ product_id: 'p/1', variant_id: '7' });
    expect(() => validateKey('order', {})).toThrow('order.order_id: is required');
    expect(recordKey('variant', { product_id: 'p/1', variant_id: 'v' } as never)).not.toBe(recordKey('variant', { product_id: 'p', variant_id: '1/v' } as never));
    expect(recordKey('order', validateRecord('order', order))).toBe('o1');
  });
});
