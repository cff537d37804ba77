// A local stand-in of DataCue's backend REST API, `https://api.datacue.co` (seeds/001: Authentication,
// Products, Users, Orders, Batch). It checks the HMAC of the exact body bytes, every field against the
// seed's "Request parameters" tables, and at most 500 items a batch; it keeps what it was sent, and
// answers batches 207 item by item ("already exists", "not found"), as the seed's examples do.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { standIn } from './serve';
import type { Reply, StandIn } from './types';

/** The demo's backend key and secret: only the relay's config holds them. */
export const DATACUE_DEMO_API_KEY = 'demo-shop-key';
export const DATACUE_DEMO_API_SECRET = 'demo-shop-backend-secret';
/** "we accept a maximum of 500 items per request" (seeds/001, Batch). */
const BATCH_MAX = 500;

type Obj = { [k: string]: unknown };
type Rule = 'str' | 'str[]' | 'num' | 'int' | 'bool' | 'obj' | 'date' | 'status' | 'cart';
/** Field rules by the seed's tables; "!" marks a required field. */
const PRODUCT: { [f: string]: string } = {
  product_id: 'str!', variant_id: 'str!', main_category: 'str!', categories: 'str[]!', name: 'str!', brand: 'str', description: 'str',
  color: 'str', size: 'str', price: 'num!', full_price: 'num!', available: 'bool', stock: 'int!', extra: 'obj', photo_url: 'str!', link: 'str!', owner_id: 'str',
};
const USER: { [f: string]: string } = {
  user_id: 'str!', anonymous_id: 'str', email: 'str', title: 'str', first_name: 'str!', last_name: 'str', profile: 'obj', email_subscriber: 'bool', wishlist: 'str[]', timestamp: 'date',
};
const ORDER: { [f: string]: string } = { order_id: 'str!', user_id: 'str!', order_status: 'status', cart: 'cart', timestamp: 'date' };
const CART_ITEM: { [f: string]: string } = { product_id: 'str!', variant_id: 'str!', unit_price: 'num!', quantity: 'int!', currency: 'str' };

const ok = (v: unknown, rule: Rule): boolean => {
  switch (rule) {
    case 'str':
      return typeof v == 'string';
    case 'str[]':
      return Array.isArray(v) && v.every((x) => typeof x == 'string');
    case 'num':
      return typeof v == 'number' && Number.isFinite(v);
    case 'int':
      return Number.isInteger(v);
    case 'bool':
      return typeof v == 'boolean';
    case 'obj':
      return !!v && typeof v == 'object' && !Array.isArray(v);
    case 'date':
      return typeof v == 'string' && !Number.isNaN(Date.parse(v.replace(' ', 'T')));
    case 'status':
      return v == 'completed' || v == 'cancelled';
    case 'cart':
      return Array.isArray(v) && v.every((x) => !check(x, CART_ITEM, true));
  }
};

/** The first problem with `body` by `table`, or undefined. `create`: required fields must be there. */
function check(body: unknown, table: { [f: string]: string }, create: boolean, without: string[] = []): string | undefined {
  if (!body || typeof body != 'object' || Array.isArray(body)) return 'body must be a JSON object';
  const o = body as Obj;
  for (const f in o) {
    if (!(f in table) || without.includes(f)) return f + ': not a field of this endpoint';
    const rule = table[f].replace('!', '') as Rule;
    if (!ok(o[f], rule)) return f + ': must be ' + rule;
  }
  if (create) for (const f in table) if (table[f].endsWith('!') && !without.includes(f) && o[f] === undefined) return f + ': required';
}

export interface DataCueBackendStandIn extends StandIn {
  /** What DataCue holds now: products by "product_id/variant_id", users and orders by id. */
  products: Map<string, Obj>;
  users: Map<string, Obj>;
  orders: Map<string, Obj>;
  /** How many times each item was accepted, by "kind:id" (a record delivered twice shows 2). */
  accepted: Map<string, number>;
  /** How many times each record was created (POSTed), "already exists" included: more than 1 is a resend. */
  posted: Map<string, number>;
  /** Items whose key (as in `accepted`) are refused ("error" in a 207) while they are in this set. */
  refuse: Set<string>;
}

export function datacueBackendStandIn(apiKey = DATACUE_DEMO_API_KEY, apiSecret = DATACUE_DEMO_API_SECRET): DataCueBackendStandIn {
  const products = new Map<string, Obj>();
  const users = new Map<string, Obj>();
  const orders = new Map<string, Obj>();
  const accepted = new Map<string, number>();
  const refuse = new Set<string>();
  const posted = new Map<string, number>();
  const count = (k: string) => accepted.set(k, (accepted.get(k) || 0) + 1);

  function auth(header: string | undefined, raw: string): string | undefined {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header || '');
    if (!m) return 'Authorization must be Basic base64(api_key + ":" + signature)';
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (decoded.slice(0, colon) != apiKey) return 'unknown api key';
    const want = createHmac('sha256', apiSecret).update(raw, 'utf8').digest('hex');
    const got = Buffer.from(decoded.slice(colon + 1));
    if (got.length != want.length || !timingSafeEqual(got, Buffer.from(want))) return 'signature is not the HMAC-SHA256 of the body with the API secret';
  }

  type Kind = 'products' | 'users' | 'orders';
  const store = { products, users, orders };
  const keyOf = (kind: Kind, o: Obj) => (kind == 'products' ? o.product_id + '/' + o.variant_id : String(kind == 'users' ? o.user_id : o.order_id));
  const TABLE = { products: PRODUCT, users: USER, orders: ORDER };
  const ID_FIELD = { products: 'product_id', users: 'user_id', orders: 'order_id' };

  /** One item's effect; an error text or undefined. */
  function apply(method: string, kind: Kind, item: Obj): string | undefined {
    const key = keyOf(kind, item);
    const map = store[kind];
    if (refuse.has(kind + ':' + key)) return key + ' refused by the stand-in';
    if (method == 'POST') {
      posted.set(kind + ':' + key, (posted.get(kind + ':' + key) || 0) + 1);
      if (map.has(key)) return key + ' already exists';
      map.set(key, item);
    } else if (method == 'PUT') {
      if (!map.has(key)) return key + ' not found';
      map.set(key, { ...map.get(key), ...item });
    } else {
      if (kind == 'products' && item.variant_id === undefined) {
        const gone = [...products.keys()].filter((k) => k.startsWith(item.product_id + '/'));
        if (!gone.length) return 'Product not found';
        gone.forEach((k) => products.delete(k));
      } else if (!map.delete(key)) return key + ' not found';
    }
    count(kind + ':' + key + (method == 'DELETE' ? ':deleted' : ''));
  }

  const handle = (req: { method: string; path: string; headers: Obj; body: unknown; raw: string }): Reply => {
    const bad = (reason: string, status = 400): Reply => ({ status, reason, json: { error: reason } });
    const denied = auth(req.headers.authorization as string | undefined, req.raw);
    if (denied) return bad(denied, 401);
    if (req.raw && !String(req.headers['content-type'] || '').startsWith('application/json')) return bad('Content-Type must be application/json');
    const path = req.path.split('?')[0];
    const batch = /^\/v1\/batch\/(products|users|orders)$/.exec(path);
    if (batch) {
      const kind = batch[1] as Kind;
      if (kind == 'orders' && req.method == 'PUT') return bad('orders cannot be updated in a batch', 405);
      const list = (req.body as { batch?: unknown } | undefined)?.batch;
      if (!Array.isArray(list) || !list.length) return bad('batch: required, an array of items');
      if (list.length > BATCH_MAX) return bad('batch: at most ' + BATCH_MAX + ' items per request');
      const status = list.map((item: Obj) => {
        const id = { [ID_FIELD[kind]]: item && item[ID_FIELD[kind]] };
        const problem =
          req.method == 'DELETE'
            ? check(item, kind == 'products' ? { product_id: 'str!', variant_id: 'str!' } : { [ID_FIELD[kind]]: 'str!' }, true)
            : check(item, TABLE[kind], req.method == 'POST');
        const error = problem || apply(req.method, kind, item);
        return error ? { ...id, status: 'error', error } : { ...id, status: 'OK' };
      });
      return { status: 207, json: { status } };
    }
    const m = /^\/v1\/(products|users|orders)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
    if (!m) return bad('not found', 404);
    const kind = m[1] as Kind;
    const [id, variant] = [m[2], m[3]].map((s) => (s === undefined ? undefined : decodeURIComponent(s)));
    const ids: Obj = kind == 'products' ? { product_id: id, variant_id: variant } : { [ID_FIELD[kind]]: id };
    let error: string | undefined;
    if (req.method == 'POST' && !id) error = check(req.body, TABLE[kind], true) || apply('POST', kind, req.body as Obj);
    else if (req.method == 'PUT' && id && (kind != 'products' || variant)) {
      const table = kind == 'orders' ? { order_status: 'status!' } : TABLE[kind];
      error = check(req.body, table, kind == 'orders', Object.keys(ids)) || apply('PUT', kind, { ...(req.body as Obj), ...ids });
    } else if (req.method == 'DELETE' && id) {
      if (req.raw) return bad('a DELETE of one record has no body');
      error = apply('DELETE', kind, kind == 'products' && !variant ? { product_id: id } : ids);
      if (error) return bad(error, 404);
    } else return bad(req.method + ' ' + path + ' is not an endpoint of seed 001', 405);
    if (error) return bad(error);
    return { status: req.method == 'POST' ? 201 : 204 };
  };

  const s = standIn({ name: 'datacue-backend', handle: handle as never, allowHeaders: ['Content-Type', 'Authorization'] });
  return Object.assign(s, { products, users, orders, accepted, posted, refuse });
}
