// A local stand-in of engage's Order History API (seeds/003_ba2d3b352c11da7d.txt): POST /v1/orders
// with `Authorization: Bearer <token>`, one order or a batch of at most 250, every field checked against
// the seed's table (required fields, types, the accepted date formats); an order_id sent again
// overwrites the first, as the seed says.
import { standIn } from './serve';
import type { Reply, StandIn } from './types';

export const ENGAGE_DEMO_TOKEN = 'demo-engage-user-token';
/** "batches of maximum 250 orders at a time" (seeds/003). */
const MAX_BATCH = 250;

/**
 * The seed's "Generic format supported": YYYY-MM-DD[*HH[:MM[:SS[.fff[fff]]]][+HH:MM[:SS[.ffffff]]]],
 * which covers every row of its table.
 */
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2}(\.\d{3}(\d{3})?)?)?)?([+-]\d{2}:\d{2}(:\d{2}(\.\d{6})?)?)?)?$/;

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v == 'object' && v !== null && !Array.isArray(v);
type Rule = 'str' | 'int' | 'num' | 'date' | 'lines' | 'id';
/** The seed's query parameters table; "!" marks a required field. */
const ORDER: { [f: string]: string } = {
  city: 'str!', completion_date_gmt: 'date', country: 'str!', currency: 'str!', date_created_gmt: 'date!', date_modified_gmt: 'date', email: 'str!',
  first_name: 'str', last_name: 'str', order_id: 'int!', phone: 'str', status: 'str!', order_value: 'num!', zip_code: 'str', line_items: 'lines!',
};
/** line_items: product id, price and quantity are required; ids are numbers in the seed's example. */
const LINE: { [f: string]: string } = {
  line_item_product_id: 'id!', line_item_price: 'num!', line_item_quantity: 'num!', line_item_name: 'str', line_item_sku: 'str', line_item_variation_id: 'id',
  line_item_subtotal: 'num', line_item_total: 'num', line_item_tax_class: 'str', line_item_subtotal_tax: 'num', line_item_total_tax: 'num',
};
const CHECK: { [R in Rule]: [(v: unknown) => boolean, string] } = {
  str: [(v) => typeof v == 'string', 'a string'],
  int: [(v) => Number.isInteger(v), 'an integer'],
  num: [(v) => typeof v == 'number' && Number.isFinite(v), 'a number'],
  date: [(v) => typeof v == 'string' && DATE.test(v), 'a date in one of the accepted formats (YYYY-MM-DD HH:MM:SS+HH:MM, ...)'],
  lines: [(v) => Array.isArray(v) && v.length > 0, 'a non-empty array of line items'],
  id: [(v) => Number.isInteger(v) || (typeof v == 'string' && v !== ''), 'an id'],
};

function fieldsInvalid(o: unknown, spec: { [f: string]: string }, at: string): string | undefined {
  if (!isObj(o)) return at + ' must be an object';
  for (const k in o) if (!(k in spec)) return at + '.' + k + ': not a field of the seed';
  for (const [f, s] of Object.entries(spec)) {
    const v = o[f];
    if (v === undefined || v === null || v === '') {
      if (s.endsWith('!')) return at + '.' + f + ' is required';
      continue;
    }
    const [check, rule] = CHECK[s.replace('!', '') as Rule];
    if (!check(v)) return at + '.' + f + ' must be ' + rule + ', got ' + JSON.stringify(v);
  }
}

/** Why an order breaks the seed, or undefined when it does not. */
export function engageOrderInvalid(o: unknown, at = 'order'): string | undefined {
  const why = fieldsInvalid(o, ORDER, at);
  if (why) return why;
  for (const [i, line] of ((o as Obj).line_items as unknown[]).entries()) {
    const bad = fieldsInvalid(line, LINE, at + '.line_items[' + i + ']');
    if (bad) return bad;
  }
}

export interface EngageStandIn extends StandIn {
  /** The orders kept, by order_id: the last one sent with that id. */
  orders(): Map<number, Obj>;
  /** Orders each accepted request carried, in order. */
  batchSizes(): number[];
}

export function createEngageStandIn(_ctx?: unknown, o: { token?: string } = {}): EngageStandIn {
  const token = o.token || ENGAGE_DEMO_TOKEN;
  const orders = new Map<number, Obj>();
  const sizes: number[] = [];
  const error = (status: number, reason: string): Reply => ({ status, reason, json: { error: reason } });

  const handle = (r: { method: string; path: string; headers: { [k: string]: unknown }; body: unknown }): Reply => {
    const path = new URL(r.path, 'http://engage.invalid').pathname;
    if (path != '/v1/orders') return error(404, r.method + ' ' + path + ' is not an endpoint of this stand-in');
    if (r.method != 'POST') return error(405, '/v1/orders takes POST');
    if (r.headers['authorization'] !== 'Bearer ' + token) return error(401, 'Authorization: Bearer <user token> missing or wrong');
    if (!/^application\/json/.test(String(r.headers['content-type'] || ''))) return error(400, 'Content-Type must be application/json');
    const list = Array.isArray(r.body) ? r.body : [r.body];
    if (!list.length) return error(400, 'a batch must hold at least one order');
    if (list.length > MAX_BATCH) return error(400, 'a batch holds at most ' + MAX_BATCH + ' orders, got ' + list.length);
    for (const [i, order] of list.entries()) {
      const why = engageOrderInvalid(order, Array.isArray(r.body) ? 'orders[' + i + ']' : 'order');
      if (why) return error(400, 'Order upload failed: ' + why);
    }
    for (const order of list as Obj[]) orders.set(order.order_id as number, order);
    sizes.push(list.length);
    return { status: 200, json: { message: 'Order successfully added', count: list.length } };
  };

  const s = standIn({ name: 'engage', handle, allowHeaders: ['Content-Type', 'Authorization'], maxBody: 8 * 1024 * 1024 });
  return Object.assign(s, {
    orders: () => orders,
    batchSizes: () => sizes,
    clear() {
      s.received.length = 0;
      orders.clear();
      sizes.length = 0;
    },
  });
}
