// engage's Order History API (seeds/003_ba2d3b352c11da7d.txt): POST /v1/orders with a Bearer token,
// one order or a batch of at most 250. Pure: queued changes of canonical orders (data/types.ts) in,
// the requests engage takes out; an order missing a field engage requires is reported, not sent.
import type { Order, OrderLine } from '../data/types';
import { type Change, type Plan, VendorRuleError, cents, chunks, emptyPlan, parseIsoDate } from './plan';

/** The seed's endpoint (its Google App Engine host); configurable (`engageUrl`). */
export const ENGAGE_URL = 'https://api-dot-solutionsone-211314.ew.r.appspot.com';
/** "The endpoint accept single orders or batches of maximum 250 orders at a time" (seeds/003). */
export const ENGAGE_MAX_BATCH = 250;
/** The first format of the seed's "Dates & Time" table: YYYY-MM-DD HH:MM:SS+HH:MM, sent in UTC. */
export const ENGAGE_DATE_FORMAT = 'YYYY-MM-DD HH:MM:SS+HH:MM';
/** A shop without variants names its one variant so (seeds/001): it is no variation id. */
const NO_VARIANT = 'no-variants';

/** A line of line_items (seeds/003). */
export interface EngageLineItem {
  line_item_product_id: number | string;
  line_item_price: number;
  line_item_quantity: number;
  line_item_name?: string;
  line_item_sku?: string;
  line_item_variation_id?: number | string;
  line_item_subtotal?: number;
  line_item_total?: number;
  line_item_tax_class?: string;
  line_item_subtotal_tax?: number;
  line_item_total_tax?: number;
}

/** An order of POST /v1/orders (seeds/003). */
export interface EngageOrder {
  city: string;
  completion_date_gmt?: string;
  country: string;
  currency: string;
  date_created_gmt: string;
  date_modified_gmt?: string;
  email: string;
  first_name?: string;
  last_name?: string;
  order_id: number;
  phone?: string;
  status: string;
  order_value: number;
  zip_code?: string;
  line_items: EngageLineItem[];
}

const two = (n: number) => String(n).padStart(2, '0');

/** A canonical date as ENGAGE_DATE_FORMAT, in UTC: "2020-01-01 19:20:01+00:00". */
export function engageDate(iso: string): string {
  const d = parseIsoDate(iso);
  return (
    d.getUTCFullYear() + '-' + two(d.getUTCMonth() + 1) + '-' + two(d.getUTCDate()) + ' ' + two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()) + '+00:00'
  );
}

const DIGITS = /^\d{1,15}$/;
/** The seed's ids are numbers (10021, 1002, 1234); a shop's numeric ids go as numbers, others as given. */
const numericId = (id: string): number | string => (DIGITS.test(id) ? Number(id) : id);

const required = (o: Order, field: 'city' | 'country' | 'email'): string => {
  const v = o[field];
  if (!v) throw new VendorRuleError('order.' + field, 'is required by engage (seeds/003)');
  return v;
};

function lineItem(l: OrderLine): EngageLineItem {
  const item: EngageLineItem = { line_item_product_id: numericId(l.product_id), line_item_price: l.unit_price, line_item_quantity: l.quantity };
  if (l.name) item.line_item_name = l.name;
  if (l.sku) item.line_item_sku = l.sku;
  if (l.variant_id && l.variant_id != NO_VARIANT) item.line_item_variation_id = numericId(l.variant_id);
  if (l.subtotal !== undefined) item.line_item_subtotal = l.subtotal;
  if (l.total !== undefined) item.line_item_total = l.total;
  if (l.tax_class) item.line_item_tax_class = l.tax_class;
  if (l.subtotal_tax !== undefined) item.line_item_subtotal_tax = l.subtotal_tax;
  if (l.total_tax !== undefined) item.line_item_total_tax = l.total_tax;
  return item;
}

/** engage's order for a canonical one; throws a VendorRuleError naming the first field engage would refuse. */
export function engageOrder(o: Order): EngageOrder {
  // "order_id required integer" (seeds/003).
  if (!DIGITS.test(o.order_id)) throw new VendorRuleError('order.order_id', 'engage takes whole-number order ids (seeds/003: integer)');
  const out: EngageOrder = {
    city: required(o, 'city'),
    country: required(o, 'country'),
    currency: o.currency,
    date_created_gmt: engageDate(o.created_at),
    email: required(o, 'email'),
    order_id: Number(o.order_id),
    status: o.status,
    order_value: o.total ?? cents(o.lines.reduce((sum, l) => sum + l.unit_price * l.quantity, 0)),
    line_items: o.lines.map(lineItem),
  };
  if (o.completed_at) out.completion_date_gmt = engageDate(o.completed_at);
  if (o.modified_at) out.date_modified_gmt = engageDate(o.modified_at);
  if (o.first_name) out.first_name = o.first_name;
  if (o.last_name) out.last_name = o.last_name;
  if (o.phone) out.phone = o.phone;
  if (o.zip_code) out.zip_code = o.zip_code;
  return out;
}

/**
 * The requests for a claim of changes: orders in batches of at most ENGAGE_MAX_BATCH (a lone order as
 * the seed's single object). "Sending two orders with identical order_id will overwrite the first
 * record", so an update, a cancel and a retry are the same POST. engage keeps orders only, and has no
 * delete: anything else has nothing to send.
 */
export function planEngage(changes: Change[]): Plan<EngageOrder | EngageOrder[]> {
  const plan = emptyPlan<EngageOrder | EngageOrder[]>();
  const orders: { order: EngageOrder; owner: number }[] = [];
  changes.forEach((c, i) => {
    if (c.entity != 'order' || c.op == 'delete') return plan.nothing.push(i);
    try {
      orders.push({ order: engageOrder(c.record as unknown as Order), owner: i });
    } catch (err) {
      if (!(err instanceof VendorRuleError)) throw err;
      plan.invalid.push({ index: i, error: err.message });
    }
  });
  for (const batch of chunks(orders, ENGAGE_MAX_BATCH))
    plan.requests.push({
      method: 'POST',
      path: '/v1/orders',
      body: batch.length == 1 ? batch[0].order : batch.map((b) => b.order),
      owners: batch.map((b) => b.owner),
    });
  return plan;
}
