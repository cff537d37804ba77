// A local stand-in of Aqurate's input API (seeds/000_e974799954d6ed8c.txt, "The tables and structures";
// notes/vendors.md): POST /input/{table} with X-Auth-Token for website_events, orders, line_items,
// items, item_categories, categories, stock and customers, every row checked against its table
// (columns, types, required columns; website_events' valid (page_type, event) pairs), and ONE request
// a second for the shop, whatever the table (429 when faster). Item recommendations answer the request
// the relay designed (src/relay/aqurate.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { type Product, productImage, productLink } from '../catalog';
import { standIn } from './serve';
import type { Reply, StandIn, StandInContext } from './types';

export const AQURATE_DEMO_TOKEN = 'demo-aqurate-secret-token';
/** "The API is rate-limited to ONE request per second" (notes/vendors.md). */
export const AQURATE_RATE_MS = 1000;

const COLUMNS = ['timestamp', 'session_id', 'cookie_id', 'user_id', 'product_id', 'page_type', 'event'];
/** The seed's valid entries, and notes/vendors.md's `null` page with link_click. */
const PAIRS: { [page: string]: string[] } = {
  detail_page: ['page_view', 'add_to_cart', 'add_to_wishlist'],
  checkout: ['add_to_cart', 'add_to_wishlist', 'purchase'],
  null: ['link_click'],
};
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** Our own body cap (the seed states none): the relay's table pushes stay under 4 MiB. */
const MAX_TABLE_BODY = 5 * 1024 * 1024;

/**
 * Column types of the input tables, as the seed's tables give them; "!" marks a required column.
 * Boolean is true/false, or 1/0 as the seed describes is_active.
 */
type ColumnType = 'String' | 'Float' | 'Boolean' | 'Timestamp' | 'Currency' | 'OrderStatus' | 'StockType';
const TABLES: { [table: string]: { [column: string]: string } } = {
  orders: { order_id: 'String!', customer_id: 'String!', order_date: 'Timestamp!', order_status: 'OrderStatus' },
  line_items: { order_id: 'String!', product_id: 'String!', quantity: 'Float', price_per_unit: 'Float' },
  items: {
    product_id: 'String!', item_parent_id: 'String', sku: 'String', name: 'String!', description: 'String', brand: 'String', price: 'Float',
    currency: 'Currency', photo_url: 'String', item_uri: 'String', is_active: 'Boolean',
    attribute_1_name: 'String', attribute_1_value: 'String', attribute_2_name: 'String', attribute_2_value: 'String',
    attribute_3_name: 'String', attribute_3_value: 'String', attribute_4_name: 'String', attribute_4_value: 'String',
  },
  item_categories: { product_id: 'String!', category_id: 'String!', is_primary: 'Boolean' },
  categories: {
    main_category_id: 'String!', main_category: 'String!', subcategory_1_id: 'String', subcategory_1: 'String', subcategory_2_id: 'String',
    subcategory_2: 'String', subcategory_3_id: 'String', subcategory_3: 'String', subcategory_4_id: 'String', subcategory_4: 'String',
  },
  // stock_quantity is a String in the seed's table.
  stock: { product_id: 'String!', stock_quantity: 'String!', stock_type: 'StockType' },
  customers: { customer_id: 'String!', email: 'String!' },
};
const TYPE_CHECKS: { [T in ColumnType]: [(v: unknown) => boolean, string] } = {
  String: [(v) => typeof v == 'string', 'a string'],
  Float: [(v) => typeof v == 'number' && Number.isFinite(v), 'a number'],
  Boolean: [(v) => typeof v == 'boolean' || v === 0 || v === 1, 'true or false (or 1 or 0)'],
  Timestamp: [(v) => typeof v == 'string' && ISO_UTC.test(v) && !isNaN(Date.parse(v)), 'ISO 8601 in UTC'],
  Currency: [(v) => typeof v == 'string' && /^[A-Z]{3}$/.test(v), 'a 3-letter currency such as EUR'],
  OrderStatus: [(v) => ['processing', 'completed', 'returned', 'canceled'].includes(v as string), "one of 'processing', 'completed', 'returned', 'canceled'"],
  StockType: [(v) => ['own', 'dropshipping', 'at_supplier'].includes(v as string), 'one of own, dropshipping, at_supplier'],
};

/** Why a row of an input table (other than website_events) breaks the seed, or undefined when it does not. */
export function tableRowInvalid(table: string, row: unknown): string | undefined {
  const columns = TABLES[table];
  if (!columns) return table + ': not an input table';
  if (!isObj(row)) return 'a row must be an object';
  for (const k in row) if (!(k in columns)) return k + ': not a column of ' + table;
  for (const [column, spec] of Object.entries(columns)) {
    const type = spec.replace('!', '') as ColumnType;
    const v = row[column];
    if (v === undefined || v === null) {
      if (spec.endsWith('!')) return column + ' is required';
      continue;
    }
    const [check, rule] = TYPE_CHECKS[type];
    if (!check(v) || (spec.endsWith('!') && v === '')) return column + ' must be ' + rule + ', got ' + JSON.stringify(v);
  }
}
const KINDS = ['upsell', 'cross-sell', 'substitutes'];

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v == 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => typeof v == 'string' && v !== '';

/** Why a website_events row breaks the seed, or undefined when it does not. */
export function websiteEventInvalid(row: unknown): string | undefined {
  if (!isObj(row)) return 'a row must be an object';
  for (const k in row) if (!COLUMNS.includes(k)) return k + ': not a column of website_events';
  if (!str(row.timestamp) || !ISO_UTC.test(row.timestamp as string) || isNaN(Date.parse(row.timestamp as string)))
    return 'timestamp must be ISO 8601 in UTC, got ' + JSON.stringify(row.timestamp);
  for (const k of ['session_id', 'cookie_id', 'product_id']) if (!str(row[k])) return k + ' is required (a non-empty string)';
  if (row.user_id != null && !str(row.user_id)) return 'user_id must be a string';
  if (!('page_type' in row)) return 'page_type is required';
  const events = PAIRS[String(row.page_type)];
  if (!events || (row.page_type !== null && typeof row.page_type != 'string')) return 'page_type must be detail_page, checkout or null';
  if (!events.includes(row.event as string)) return '(' + row.page_type + ', ' + row.event + ') is not a valid (page_type, event) pair';
}

export interface AqurateStandIn extends StandIn {
  /** The website_events rows of every request answered 200, oldest first. */
  rows(): Obj[];
  /** The rows of another input table taken so far, oldest first. */
  table(name: string): Obj[];
  /** Arrival times (ms) of every POST /input/{table}, answered or not: the shop's one budget. */
  postTimes(): number[];
}

export function createAqurateStandIn(ctx: StandInContext, o: { token?: string } = {}): AqurateStandIn {
  const token = o.token || AQURATE_DEMO_TOKEN;
  const rows: Obj[] = [];
  const tables = new Map<string, Obj[]>();
  const times: number[] = [];
  const error = (status: number, reason: string, headers?: Record<string, string>): Reply => ({ status, reason, json: { error: reason }, headers });

  const handle = (r: { method: string; path: string; headers: IncomingHttpHeaders; body: unknown }): Reply => {
    const url = new URL(r.path, 'http://aqurate.invalid');
    if (r.headers['x-auth-token'] !== token) return error(401, 'X-Auth-Token missing or wrong');
    const input = /^\/input\/(\w+)$/.exec(url.pathname);
    if (r.method == 'POST' && input) {
      const table = input[1];
      const t = Date.now();
      const last = times[times.length - 1];
      times.push(t);
      if (last !== undefined && t - last < AQURATE_RATE_MS)
        return error(429, 'more than one request a second: ' + (t - last) + ' ms after the previous one', { 'Retry-After': '1' });
      if (table != 'website_events' && !TABLES[table]) return error(404, table + ' is not an input table');
      if (!/^application\/json/.test(r.headers['content-type'] || '')) return error(400, 'Content-Type must be application/json');
      if (!Array.isArray(r.body) || !r.body.length) return error(400, 'the body must be a non-empty JSON array of ' + table + ' rows');
      for (const [i, row] of r.body.entries()) {
        const why = table == 'website_events' ? websiteEventInvalid(row) : tableRowInvalid(table, row);
        if (why) return error(400, 'row ' + i + ': ' + why);
      }
      if (table == 'website_events') rows.push(...(r.body as Obj[]));
      else {
        if (!tables.has(table)) tables.set(table, []);
        const kept = tables.get(table)!;
        for (const row of r.body as Obj[]) kept.push(row);
      }
      return { status: 200, json: { table, inserted: r.body.length } };
    }
    const m = /^\/recommendations\/items\/([^/]+)$/.exec(url.pathname);
    if (r.method == 'GET' && m) {
      if (!KINDS.includes(m[1])) return error(404, 'unknown recommendation kind ' + m[1]);
      const pid = url.searchParams.get('product_id');
      if (!pid) return error(400, 'product_id is required');
      const items = ctx.catalog.filter((p: Product) => p.id != pid).slice(m[1] == 'substitutes' ? 0 : 2, m[1] == 'substitutes' ? 4 : 6);
      return {
        status: 200,
        json: { recommendations: items.map((p) => ({ product_id: p.id, name: p.name, price: p.price, photo_url: productImage(p), item_uri: productLink(p) })) },
      };
    }
    return error(404, r.method + ' ' + url.pathname + ' is not an endpoint of this stand-in');
  };

  const s = standIn({ name: 'aqurate', handle, allowHeaders: ['Content-Type', 'X-Auth-Token'], maxBody: MAX_TABLE_BODY });
  return Object.assign(s, {
    rows: () => rows,
    table: (name: string) => tables.get(name) || [],
    postTimes: () => times,
    clear() {
      s.received.length = 0;
      rows.length = 0;
      tables.clear();
      times.length = 0;
    },
  });
}
