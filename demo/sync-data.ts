// The demo's shop data for the sync engine: its catalog, a few customers and an order history, in the
// canonical shape (src/data/types.ts), imported into the relay when the demo starts.
import type { SyncInput } from '../src/relay/sync';
import { CATEGORIES, CURRENCY, NO_VARIANTS, PRODUCTS } from './catalog';

/** The order number of the first order of the demo's history. */
const HISTORY_FIRST_ORDER = 9001;

const CUSTOMERS = [
  { customer_id: 'demo-ana', email: 'ana@shop.example', first_name: 'Ana', last_name: 'Rojas', profile: { location: 'Santiago' }, email_subscriber: true },
  { customer_id: 'demo-ben', email: 'ben@shop.example', first_name: 'Ben', last_name: 'Okafor' },
  { customer_id: 'demo-chloe', email: 'chloe@shop.example', first_name: 'Chloé', last_name: 'Martin', profile: { segment: 'gold' } },
];

/** The customers' cities, in CUSTOMERS' order (country as ISO 3166-1 alpha-2). */
const ADDRESSES = [
  { city: 'Santiago', country: 'CL' },
  { city: 'Lagos', country: 'NG' },
  { city: 'Lyon', country: 'FR' },
];

export function demoSyncData(): SyncInput[] {
  const categoryOf = (id: string) => CATEGORIES.find((c) => c.id == id)!;
  const categories: SyncInput[] = CATEGORIES.map((c) => ({ entity: 'category', op: 'upsert', record: { category_id: c.id, name: c.name, link: '/category/' + c.slug } }));
  const products: SyncInput[] = PRODUCTS.map((p) => ({
    entity: 'product',
    op: 'upsert',
    record: {
      product_id: p.id,
      name: p.name,
      brand: p.brand,
      description: p.description,
      link: '/product/' + p.slug,
      photo_url: '/img/' + p.id + '.svg',
      currency: CURRENCY,
      categories: [{ category_id: p.categoryId, name: categoryOf(p.categoryId).name }],
      variants: (p.variants || [{ id: NO_VARIANTS, label: '', stock: p.stock }]).map((v) => ({
        variant_id: v.id,
        price: p.price,
        full_price: p.fullPrice,
        stock: v.stock,
        size: v.label || undefined,
      })),
    },
  }));
  const customers: SyncInput[] = CUSTOMERS.map((record) => ({ entity: 'customer', op: 'upsert', record }));
  // Twelve past orders over the last weeks, each of one or two catalog products. Numbered as a shop numbers
  // its orders (engage takes whole numbers only, seeds/003), below the storefront's own (10001 on).
  const orders: SyncInput[] = Array.from({ length: 12 }, (_, i) => {
    const lines = [PRODUCTS[i % PRODUCTS.length], PRODUCTS[(i * 3 + 1) % PRODUCTS.length]].slice(0, 1 + (i % 2)).map((p) => ({
      product_id: p.id,
      variant_id: p.variants ? p.variants[0].id : NO_VARIANTS,
      quantity: 1 + (i % 3),
      unit_price: p.price,
    }));
    return {
      entity: 'order',
      op: 'upsert',
      record: {
        order_id: String(HISTORY_FIRST_ORDER + i),
        customer_id: CUSTOMERS[i % CUSTOMERS.length].customer_id,
        // Where it went and whose it was: engage requires city, country and email (seeds/003).
        email: CUSTOMERS[i % CUSTOMERS.length].email,
        ...ADDRESSES[i % CUSTOMERS.length],
        status: i == 5 ? 'cancelled' : 'completed',
        created_at: new Date(Date.UTC(2026, 9, 1 + i * 3, 10)).toISOString(),
        currency: CURRENCY,
        lines,
      },
    };
  });
  return [...categories, ...products, ...customers, ...orders];
}
