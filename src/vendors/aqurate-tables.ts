// Aqurate's input tables (seeds/000_e974799954d6ed8c.txt, "The tables and structures"): items,
// item_categories, categories, stock, orders, line_items and customers, pushed with
// POST /input/{table}. Pure: queued changes of canonical records (data/types.ts) in, one request per
// table and batch out. website_events stays in aqurate.ts.
import type { Category, Customer, Order, Product } from '../data/types';
import { type Change, type Plan, VendorRuleError, emptyPlan, utcIso, utf8Length } from './plan';

/** The tables this file fills, in the order a backfill sends them (the required ones first). */
export const AQURATE_TABLES = ['categories', 'items', 'item_categories', 'stock', 'customers', 'orders', 'line_items'] as const;
export type AqurateTable = (typeof AQURATE_TABLES)[number];

/**
 * Rows a table push carries at most. The seed names no batch limit, only one request a second
 * (notes/vendors.md), so a backfill's time is its request count: a request carries as many rows as
 * fit AQURATE_MAX_BODY_BYTES, and at most this many (100,000 orders with three lines each: 10 orders
 * requests and 30 line_items requests).
 */
export const AQURATE_TABLE_MAX_ROWS = 10_000;
/** A body cap of our own (the seed states none): a few MB is what JSON APIs commonly take. */
export const AQURATE_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** items has attribute_1 to attribute_4 (name and value). */
export const AQURATE_ATTRIBUTES = 4;
/** categories has a main category and subcategory_1 to subcategory_4. */
export const AQURATE_SUBCATEGORIES = 4;

/** Order statuses Aqurate accepts: 'processing', 'completed', 'returned', 'canceled' (one l, seeds/000). */
const ORDER_STATUS: { [canonical: string]: AqurateOrderStatus } = {
  processing: 'processing',
  completed: 'completed',
  returned: 'returned',
  cancelled: 'canceled',
};
export type AqurateOrderStatus = 'processing' | 'completed' | 'returned' | 'canceled';

export interface AqurateItem {
  product_id: string;
  item_parent_id?: string;
  sku?: string;
  name: string;
  description?: string;
  brand?: string;
  price?: number;
  currency?: string;
  photo_url?: string;
  item_uri?: string;
  is_active?: boolean;
  attribute_1_name?: string;
  attribute_1_value?: string;
  attribute_2_name?: string;
  attribute_2_value?: string;
  attribute_3_name?: string;
  attribute_3_value?: string;
  attribute_4_name?: string;
  attribute_4_value?: string;
}
export interface AqurateItemCategory {
  product_id: string;
  category_id: string;
  is_primary?: boolean;
}
export interface AqurateCategory {
  main_category_id: string;
  main_category: string;
  subcategory_1_id?: string;
  subcategory_1?: string;
  subcategory_2_id?: string;
  subcategory_2?: string;
  subcategory_3_id?: string;
  subcategory_3?: string;
  subcategory_4_id?: string;
  subcategory_4?: string;
}
export interface AqurateStock {
  product_id: string;
  /** A String in the seed's table. */
  stock_quantity: string;
  stock_type?: 'own' | 'dropshipping' | 'at_supplier';
}
export interface AqurateOrder {
  order_id: string;
  customer_id: string;
  /** ISO 8601 in UTC. */
  order_date: string;
  order_status?: AqurateOrderStatus;
}
export interface AqurateLineItem {
  order_id: string;
  product_id: string;
  quantity?: number;
  price_per_unit?: number;
}
export interface AqurateCustomer {
  customer_id: string;
  email: string;
}
export type AqurateRow = AqurateItem | AqurateItemCategory | AqurateCategory | AqurateStock | AqurateOrder | AqurateLineItem | AqurateCustomer;
export type AqurateRows = { [T in AqurateTable]?: AqurateRow[] };

/** Leaves out columns without a value: the optional columns are absent, not null. */
function compact<T extends object>(row: T): T {
  const out = {} as { [k: string]: unknown };
  for (const [k, v] of Object.entries(row)) if (v !== undefined && v !== '') out[k] = v;
  return out as T;
}

/**
 * A product as Aqurate's items, item_categories and stock rows. Aqurate's website_events and
 * line_items name products, not variants, so a product is one item: its first variant gives the
 * price and SKU (the SKU only when it is the only variant), the stock is the sum of its variants', and
 * it is active when the product and one of its variants are for sale.
 */
export function productRows(p: Product): { items: AqurateItem[]; item_categories: AqurateItemCategory[]; stock: AqurateStock[] } {
  const first = p.variants[0];
  const item: AqurateItem = compact({
    product_id: p.product_id,
    sku: p.variants.length == 1 ? first.sku : undefined,
    name: p.name,
    description: p.description,
    brand: p.brand,
    price: first.price,
    currency: p.currency,
    photo_url: p.photo_url,
    item_uri: p.link,
    is_active: p.available !== false && p.variants.some((v) => v.available ?? true),
  });
  const attributes = Object.entries(p.attributes || {}).slice(0, AQURATE_ATTRIBUTES);
  attributes.forEach(([name, value], i) => {
    (item as unknown as { [k: string]: string })['attribute_' + (i + 1) + '_name'] = name;
    (item as unknown as { [k: string]: string })['attribute_' + (i + 1) + '_value'] = value;
  });
  const types = new Set(p.variants.map((v) => v.stock_type));
  const stockType = types.size == 1 ? first.stock_type : undefined;
  return {
    items: [item],
    // "An item in shoes and bestsellers would have the main category shoes": the first is the primary.
    item_categories: p.categories.map((c, i) => ({ product_id: p.product_id, category_id: c.category_id, is_primary: i == 0 })),
    stock: [compact({ product_id: p.product_id, stock_quantity: String(p.variants.reduce((n, v) => n + v.stock, 0)), stock_type: stockType })],
  };
}

/** A category as its categories row: the path from the main category down to it. */
export function categoryRow(c: Category): AqurateCategory {
  const path = [...(c.parents || []), { category_id: c.category_id, name: c.name }];
  if (path.length > AQURATE_SUBCATEGORIES + 1)
    throw new VendorRuleError('category.parents', 'Aqurate keeps a main category and ' + AQURATE_SUBCATEGORIES + ' subcategory levels');
  const row: { [k: string]: string } = { main_category_id: path[0].category_id, main_category: path[0].name };
  path.slice(1).forEach((level, i) => {
    row['subcategory_' + (i + 1) + '_id'] = level.category_id;
    row['subcategory_' + (i + 1)] = level.name;
  });
  return row as unknown as AqurateCategory;
}

/** An order as its orders row and one line_items row a line (the table has no variant column). */
export function orderRows(o: Order): { orders: AqurateOrder[]; line_items: AqurateLineItem[] } {
  return {
    orders: [{ order_id: o.order_id, customer_id: o.customer_id, order_date: utcIso(o.created_at), order_status: ORDER_STATUS[o.status] }],
    line_items: o.lines.map((l) => ({ order_id: o.order_id, product_id: l.product_id, quantity: l.quantity, price_per_unit: l.unit_price })),
  };
}

/** A customer's customers row; the table requires the email. */
export function customerRow(c: Customer): AqurateCustomer {
  if (!c.email) throw new VendorRuleError('customer.email', "is required by Aqurate's customers table");
  return { customer_id: c.customer_id, email: c.email };
}

/** The rows of one upsert; throws a VendorRuleError for a record Aqurate would refuse. */
export function aqurateRows(entity: string, record: unknown): AqurateRows {
  if (entity == 'product') return productRows(record as Product);
  if (entity == 'category') return { categories: [categoryRow(record as Category)] };
  if (entity == 'order') return orderRows(record as Order);
  if (entity == 'customer') return { customers: [customerRow(record as Customer)] };
  return {};
}

/** UTF-8 size of a row in the body: its JSON text and a comma. */
const rowBytes = (row: AqurateRow): number => utf8Length(JSON.stringify(row)) + 1;

/**
 * The requests for a claim of changes: one POST /input/{table} per table and batch of rows (a JSON
 * array, as website_events), at most AQURATE_TABLE_MAX_ROWS rows and AQURATE_MAX_BODY_BYTES each.
 * Aqurate's input API only adds rows: a delete has nothing to send (a product taken off sale is an
 * upsert with available false, which sends is_active false), and a variant sent on its own neither
 * (the items table names products: send the product).
 */
export function planAqurateTables(changes: Change[]): Plan<AqurateRow[]> {
  const plan = emptyPlan<AqurateRow[]>();
  const tables = new Map<AqurateTable, { row: AqurateRow; owner: number }[]>();
  changes.forEach((c, i) => {
    if (c.op == 'delete' || c.entity == 'variant') return plan.nothing.push(i);
    let rows: AqurateRows;
    try {
      rows = aqurateRows(c.entity, c.record);
    } catch (err) {
      if (err instanceof VendorRuleError) return plan.invalid.push({ index: i, error: err.message });
      throw err;
    }
    let any = false;
    for (const t of AQURATE_TABLES)
      for (const row of rows[t] || []) {
        if (!tables.has(t)) tables.set(t, []);
        tables.get(t)!.push({ row, owner: i });
        any = true;
      }
    if (!any) plan.nothing.push(i);
  });
  for (const t of AQURATE_TABLES) {
    const rows = tables.get(t);
    if (!rows) continue;
    let batch: AqurateRow[] = [];
    let owners = new Set<number>();
    let bytes = 2;
    const flush = () => {
      if (batch.length) plan.requests.push({ method: 'POST', path: '/input/' + t, body: batch, owners: [...owners] });
      batch = [];
      owners = new Set();
      bytes = 2;
    };
    for (const { row, owner } of rows) {
      const size = rowBytes(row);
      if (batch.length >= AQURATE_TABLE_MAX_ROWS || bytes + size > AQURATE_MAX_BODY_BYTES) flush();
      batch.push(row);
      owners.add(owner);
      bytes += size;
    }
    flush();
  }
  return plan;
}

