// A local stand-in of Aqurate's input API (seeds/000_e974799954d6ed8c.txt, "Website Events";
// notes/vendors.md): POST /input/website_events with X-Auth-Token, every row checked against the
// table and its valid (page_type, event) pairs, and ONE request a second for the shop (429 when
// faster). Item recommendations answer the request the relay designed (src/relay/aqurate.ts).
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
  /** The rows of every request answered 200, oldest first. */
  rows(): Obj[];
  /** Arrival times (ms) of every POST /input/website_events, answered or not. */
  postTimes(): number[];
}

export function createAqurateStandIn(ctx: StandInContext, o: { token?: string } = {}): AqurateStandIn {
  const token = o.token || AQURATE_DEMO_TOKEN;
  const rows: Obj[] = [];
  const times: number[] = [];
  const error = (status: number, reason: string, headers?: Record<string, string>): Reply => ({ status, reason, json: { error: reason }, headers });

  const handle = (r: { method: string; path: string; headers: IncomingHttpHeaders; body: unknown }): Reply => {
    const url = new URL(r.path, 'http://aqurate.invalid');
    if (r.headers['x-auth-token'] !== token) return error(401, 'X-Auth-Token missing or wrong');
    if (r.method == 'POST' && url.pathname == '/input/website_events') {
      const t = Date.now();
      const last = times[times.length - 1];
      times.push(t);
      if (last !== undefined && t - last < AQURATE_RATE_MS)
        return error(429, 'more than one request a second: ' + (t - last) + ' ms after the previous one', { 'Retry-After': '1' });
      if (!/^application\/json/.test(r.headers['content-type'] || '')) return error(400, 'Content-Type must be application/json');
      if (!Array.isArray(r.body) || !r.body.length) return error(400, 'the body must be a non-empty JSON array of website_events rows');
      for (const [i, row] of r.body.entries()) {
        const why = websiteEventInvalid(row);
        if (why) return error(400, 'row ' + i + ': ' + why);
      }
      rows.push(...(r.body as Obj[]));
      return { status: 200, json: { table: 'website_events', inserted: r.body.length } };
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

  const s = standIn({ name: 'aqurate', handle, allowHeaders: ['Content-Type', 'X-Auth-Token'] });
  return Object.assign(s, {
    rows: () => rows,
    postTimes: () => times,
    clear() {
      s.received.length = 0;
      rows.length = 0;
      times.length = 0;
    },
  });
}
