// DataCue's backend REST API (seeds/001_32de60bf4a85c92b.txt: Products, Users, Orders, Batch). Pure:
// canonical records (data/types.ts) in, the requests DataCue takes out, and its 207 answers read item
// by item. Signing and sending live in the relay (src/relay/datacue.ts).
import type { Customer, Order, Product, Variant, VariantRecord } from '../data/types';

/** "The API is located at https://api.datacue.co" (seeds/001, Quick facts). */
export const DATACUE_API_URL = 'https://api.datacue.co';
/** "we accept a maximum of 500 items per request" (seeds/001, Batch). */
export const DATACUE_BATCH_MAX = 500;
/** The records DataCue keeps: it has no category endpoint (categories travel inside products). */
export const DATACUE_ENTITIES = ['product', 'variant', 'customer', 'order'] as const;

type Body = { [field: string]: unknown };

/** Leaves out fields without a value: DataCue's optional fields are absent, not null. */
const compact = (o: Body): Body => {
  const out: Body = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
};

/** Create Product's fields for one variant of a product: DataCue's unit is product_id + variant_id. */
export function productItem(p: Product, v: Variant): Body {
  return compact({
    product_id: p.product_id,
    variant_id: v.variant_id,
    // "The most specific category for the product"; categories "as tags".
    main_category: p.categories[0].name,
    categories: p.categories.map((c) => c.name),
    name: v.name ?? p.name,
    brand: p.brand,
    description: p.description,
    color: v.color,
    size: v.size,
    price: v.price,
    // "If full_price is empty or less than price, we assume the product is not on discount."
    full_price: v.full_price ?? v.price,
    available: v.available ?? p.available ?? true,
    stock: v.stock,
    extra: p.extra,
    photo_url: v.photo_url ?? p.photo_url,
    link: v.link ?? p.link,
    owner_id: p.owner_id,
  });
}

/** Update Product's fields for a variant sent on its own: only what the variant itself holds. */
export function variantItem(v: VariantRecord): Body {
  return compact({
    product_id: v.product_id,
    variant_id: v.variant_id,
    name: v.name,
    color: v.color,
    size: v.size,
    price: v.price,
    full_price: v.full_price ?? v.price,
    available: v.available,
    stock: v.stock,
    photo_url: v.photo_url,
    link: v.link,
  });
}

/** Create User's fields. DataCue requires first_name: a customer without one is refused before sending. */
export function userBody(c: Customer): Body | { invalid: string } {
  if (!c.first_name) return { invalid: 'customer.first_name: DataCue requires a first name (seeds/001, Create User)' };
  return compact({
    user_id: c.customer_id,
    anonymous_id: c.anonymous_id,
    email: c.email,
    title: c.title,
    first_name: c.first_name,
    last_name: c.last_name,
    profile: c.profile,
    email_subscriber: c.email_subscriber,
    wishlist: c.wishlist,
    timestamp: c.created_at,
  });
}

/** DataCue knows completed and cancelled; a returned order no longer counts as bought. */
const orderStatus = (o: Order): 'completed' | 'cancelled' => (o.status == 'cancelled' || o.status == 'returned' ? 'cancelled' : 'completed');

/** Create Order's fields. */
export function orderBody(o: Order): Body {
  return {
    order_id: o.order_id,
    user_id: o.customer_id,
    order_status: orderStatus(o),
    cart: o.lines.map((l) => ({ product_id: l.product_id, variant_id: l.variant_id, quantity: l.quantity, unit_price: l.unit_price, currency: o.currency })),
    timestamp: o.created_at,
  };
}

/** One queued change as the mapper reads it. */
export interface DataCueChange {
  entity: string;
  op: 'upsert' | 'delete';
  /** The canonical record (upsert) or its id fields (delete). */
  record: Body;
  /** An earlier version reached DataCue: an upsert is an update. */
  delivered: boolean;
}

export interface DataCueRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  /** From the API's root: "/v1/batch/products". */
  path: string;
  /** The JSON body; none for a DELETE of one record. */
  body?: Body;
  /** For each item the request carries, in order, the index of the change it came from. */
  owners: number[];
  /** A batch request, answered 207 with a status per item. */
  batch: boolean;
}

export interface DataCuePlan {
  requests: DataCueRequest[];
  /** Changes DataCue has nothing for (an update of an order that is not cancelled: orders cannot be updated). */
  nothing: number[];
  /** Changes DataCue would refuse, with the field and the rule. */
  invalid: { index: number; error: string }[];
}

const enc = encodeURIComponent;
type Group = { method: 'POST' | 'PUT' | 'DELETE'; resource: 'products' | 'users' | 'orders'; items: Body[]; owners: number[] };
const ID_OF = { products: 'product_id', users: 'user_id', orders: 'order_id' } as const;

/** The single endpoint for one item of a group: the ids go into the path, the rest into the body. */
function single(g: Group, item: Body, owner: number): DataCueRequest {
  const { product_id, variant_id, user_id, order_id, ...rest } = item;
  const base = '/v1/' + g.resource;
  if (g.method == 'POST') return { method: 'POST', path: base, body: item, owners: [owner], batch: false };
  const path =
    g.resource == 'products' ? base + '/' + enc(String(product_id)) + '/' + enc(String(variant_id)) : base + '/' + enc(String(g.resource == 'users' ? user_id : order_id));
  return g.method == 'PUT' ? { method: 'PUT', path, body: rest, owners: [owner], batch: false } : { method: 'DELETE', path, owners: [owner], batch: false };
}

/**
 * The requests for a claim of changes: creates, updates and deletes each in DataCue's batch endpoints
 * (at most DATACUE_BATCH_MAX items a request), one item alone to its single endpoint. The seed has no
 * batch update of orders and no batch delete of a whole product: a cancel is a PUT of one order, and
 * a product's delete is a DELETE of that product (all its variants).
 */
export function planDataCue(changes: DataCueChange[]): DataCuePlan {
  const groups = new Map<string, Group>();
  const add = (method: Group['method'], resource: Group['resource'], item: Body, owner: number) => {
    const k = method + ' ' + resource;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { method, resource, items: [], owners: [] }));
    g.items.push(item);
    g.owners.push(owner);
  };
  const plan: DataCuePlan = { requests: [], nothing: [], invalid: [] };
  changes.forEach((c, i) => {
    const r = c.record;
    if (c.entity == 'product') {
      if (c.op == 'delete') plan.requests.push({ method: 'DELETE', path: '/v1/products/' + enc(String(r.product_id)), owners: [i], batch: false });
      else for (const v of (r as unknown as Product).variants) add(c.delivered ? 'PUT' : 'POST', 'products', productItem(r as unknown as Product, v), i);
    } else if (c.entity == 'variant') {
      if (c.op == 'delete') add('DELETE', 'products', { product_id: r.product_id, variant_id: r.variant_id }, i);
      else add('PUT', 'products', variantItem(r as unknown as VariantRecord), i);
    } else if (c.entity == 'customer') {
      if (c.op == 'delete') return add('DELETE', 'users', { user_id: r.customer_id }, i);
      const body = userBody(r as unknown as Customer);
      if ('invalid' in body) plan.invalid.push({ index: i, error: body.invalid as string });
      else add(c.delivered ? 'PUT' : 'POST', 'users', body, i);
    } else if (c.entity == 'order') {
      const o = r as unknown as Order;
      if (c.op == 'delete') add('DELETE', 'orders', { order_id: r.order_id }, i);
      else if (!c.delivered) add('POST', 'orders', orderBody(o), i);
      else if (orderStatus(o) == 'cancelled')
        plan.requests.push({ method: 'PUT', path: '/v1/orders/' + enc(o.order_id), body: { order_status: 'cancelled' }, owners: [i], batch: false });
      else plan.nothing.push(i);
    } else plan.nothing.push(i);
  });
  for (const g of groups.values())
    for (let at = 0; at < g.items.length; at += DATACUE_BATCH_MAX) {
      const items = g.items.slice(at, at + DATACUE_BATCH_MAX);
      const owners = g.owners.slice(at, at + DATACUE_BATCH_MAX);
      plan.requests.push(
        items.length == 1 ? single(g, items[0], owners[0]) : { method: g.method, path: '/v1/batch/' + g.resource, body: { batch: items }, owners, batch: true },
      );
    }
  return plan;
}

/** One item's result in a 207 answer. */
export type ItemStatus = { ok: true } | { error: string };

/**
 * Reads a batch answer item by item: `{"status": [{product_id, status: "OK" | "error", error}]}`
 * (seeds/001). The seed's own examples name the id field inconsistently ("product_id" for an order,
 * "banner_id" for a user), so statuses are matched by position, and by id only when the list's
 * length differs from the batch's. An item without a status is an error (to be tried again).
 */
export function readMultiStatus(answer: unknown, items: Body[]): ItemStatus[] {
  const list = answer && typeof answer == 'object' ? (answer as { status?: unknown }).status : undefined;
  const statuses = Array.isArray(list) ? list.filter((s): s is Body => !!s && typeof s == 'object') : [];
  const read = (s: Body | undefined): ItemStatus => {
    if (!s) return { error: 'no status for this item in the 207 answer' };
    if (String(s.status).toUpperCase() == 'OK') return { ok: true };
    return { error: typeof s.error == 'string' && s.error ? s.error : 'status ' + JSON.stringify(s.status) };
  };
  if (statuses.length == items.length) return statuses.map(read);
  const idOf = (o: Body) => Object.keys(o).filter((k) => k.endsWith('_id')).map((k) => String(o[k]));
  return items.map((item) => {
    const ids = idOf(item);
    return read(statuses.find((s) => idOf(s).some((id) => ids.includes(id))));
  });
}

export { ID_OF as DATACUE_ID_FIELDS };
