// Canonical records (src/data/types.ts) that the vendor mapper tests start from, built by
// validateRecord so that every test input is one the admin API and the import would accept.
import type { Category, Customer, Order, Product } from '../../../src/data/types';
import { validateRecord } from '../../../src/data/validate';
import type { Change } from '../../../src/vendors/plan';

export const product = (over: object = {}): Product =>
  validateRecord('product', {
    product_id: 'P1',
    name: 'Linen Shirt',
    description: 'A shirt of linen',
    brand: 'Acme',
    link: 'https://shop.example/product/linen-shirt',
    photo_url: 'https://shop.example/img/p1.jpg',
    categories: [
      { category_id: '10', name: 'Shirts' },
      { category_id: '20', name: 'Bestsellers' },
    ],
    currency: 'EUR',
    variants: [{ variant_id: 'V1', sku: 'LS-1', price: 39.9, full_price: 49.9, stock: 3, stock_type: 'own' }],
    ...over,
  });

export const category = (over: object = {}): Category => validateRecord('category', { category_id: '10', name: 'Shirts', ...over });

export const customer = (over: object = {}): Customer =>
  validateRecord('customer', { customer_id: 'C1', email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', anonymous_id: 'anon-1', ...over });

export const order = (over: object = {}): Order =>
  validateRecord('order', {
    order_id: '10021',
    customer_id: 'C1',
    status: 'completed',
    created_at: '2020-01-01T20:20:01+01:00',
    currency: 'USD',
    email: 'ann@example.com',
    city: 'New York',
    country: 'US',
    lines: [{ product_id: '1002', variant_id: '1234', sku: 'sku 123', name: 'Any name', quantity: 1, unit_price: 17.49 }],
    ...over,
  });

export const upsert = (entity: string, record: object, delivered = false): Change => ({ entity, op: 'upsert', record: record as Change['record'], delivered });
export const remove = (entity: string, record: object): Change => ({ entity, op: 'delete', record: record as Change['record'], delivered: true });
