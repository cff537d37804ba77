// A local stand-in of Quarticon's Store REST API (seeds/002_b9effc4c9bb4f847.txt): POST /track/event
// with x-api-key, every field checked against the seed's Event, EventClick, EventProductView and
// EventTransaction; POST /data/product (Product), POST /collectprofile (CollectProfile), POST and GET
// /contact (Contact), one object a request; GET /recommendation from the demo catalog. Wrong requests get the seed's error
// envelope (405 "Invalid input", `status: "ERROR"`, `data.error_code`) with the reason.
import type { IncomingHttpHeaders } from 'node:http';
import { type Product, productImage, productLink } from '../catalog';
import { standIn } from './serve';
import type { Reply, StandIn, StandInContext } from './types';

export const QUARTICON_DEMO_CUSTOMER = 'demo-shop';
/** The demo's secret key: the relay holds it, no page ever sees it. */
export const QUARTICON_DEMO_KEY = 'demo-quarticon-secret-key';

const ID = /^[a-zA-Z0-9_-]+$/;
const TYPES = ['eventClick', 'eventProductView', 'eventTransaction'];
/** Fields of Event (all types), then of each type (seeds/002, "Schema Definitions"). */
const COMMON = ['customer', 'eventType', 'userId', 'userEmail', 'deviceId', 'timestamp', 'referrer', 'cookie'];
const OWN: { [type: string]: string[] } = {
  eventClick: ['productId', 'trackingString'],
  eventProductView: ['productId'],
  eventTransaction: ['transactionId', 'basket'],
};

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v == 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => typeof v == 'string' && v !== '';

/** Why a /track/event body breaks the seed, or undefined when it does not. */
export function quarticonEventInvalid(b: unknown, customer: string): string | undefined {
  if (!isObj(b)) return 'body must be a JSON object';
  if (b.customer !== customer) return 'customer must be "' + customer + '", got ' + JSON.stringify(b.customer);
  if (!TYPES.includes(b.eventType as string)) return 'eventType must be one of ' + TYPES.join(', ');
  const type = b.eventType as string;
  for (const k in b) if (!COMMON.includes(k) && !OWN[type].includes(k)) return k + ': not a field of ' + type;
  if (!Number.isInteger(b.timestamp)) return 'timestamp must be an integer UNIX time';
  const ts = b.timestamp as number;
  if (ts < 1e9 || ts > 1e10) return 'timestamp must be in seconds, got ' + ts;
  for (const k of ['cookie', 'userId', 'deviceId']) if (b[k] != null && !(str(b[k]) && ID.test(b[k] as string))) return k + ' allows [a-zA-Z0-9-_] only';
  for (const k of ['userEmail', 'referrer']) if (b[k] != null && !str(b[k])) return k + ' must be a string';
  if (b.userEmail != null && !/^[^@\s]+@[^@\s]+$/.test(b.userEmail as string)) return 'userEmail must be an email address';
  if (b.cookie == null && b.deviceId == null && b.userId == null) return 'one of cookie, deviceId or userId is needed to know the user';
  if (type != 'eventTransaction' && !str(b.productId)) return 'productId must be a non-empty string';
  if (type == 'eventClick' && !str(b.trackingString)) return 'trackingString (from /recommendation) is required on eventClick';
  if (type == 'eventTransaction') {
    if (!str(b.transactionId)) return 'transactionId must be a non-empty string';
    if (!Array.isArray(b.basket) || !b.basket.length) return 'basket must be a non-empty array of TransactionProduct';
    for (const [i, item] of b.basket.entries()) {
      if (!isObj(item)) return 'basket[' + i + '] must be an object';
      for (const k in item) if (!['productId', 'price', 'quantity'].includes(k)) return 'basket[' + i + '].' + k + ': not a field of TransactionProduct';
      if (!str(item.productId)) return 'basket[' + i + '].productId must be a non-empty string';
      if (item.price != null && (typeof item.price != 'number' || !isFinite(item.price))) return 'basket[' + i + '].price must be a number';
      if (!Number.isInteger(item.quantity) || (item.quantity as number) < 1) return 'basket[' + i + '].quantity must be an integer of at least 1';
    }
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const checkFields = (b: Obj, spec: { [f: string]: string }, what: string): string | undefined => {
  for (const k in b) if (!(k in spec)) return k + ': not a field of ' + what;
  for (const [f, rule] of Object.entries(spec)) {
    const v = b[f];
    if (v === undefined || v === null) {
      if (rule.endsWith('!')) return f + ' is required';
      continue;
    }
    const type = rule.replace('!', '');
    if (type == 'string' && typeof v != 'string') return f + ' must be a string';
    if (type == 'id' && !(str(v) && ID.test(v as string))) return f + ' allows [a-zA-Z0-9-_] only';
    if (type == 'number' && !(typeof v == 'number' && Number.isFinite(v))) return f + ' must be a number (float)';
    if (type == 'boolean' && typeof v != 'boolean') return f + ' must be a boolean';
    if (type == 'email' && !(typeof v == 'string' && EMAIL.test(v))) return f + ' must be a valid email';
    if (type == 'array' && !Array.isArray(v)) return f + ' must be an array';
  }
};

/** Product (seeds/002, "Schema Definitions"): every field, id [a-zA-Z0-9-_], categories [{id: integer, name}]. */
export function quarticonProductInvalid(b: unknown): string | undefined {
  if (!isObj(b)) return 'body must be one Product object';
  const why = checkFields(
    b,
    { id: 'id!', title: 'string', image: 'string', description: 'string', url: 'string', price: 'number', priceOld: 'number', custom1: 'string', custom2: 'string', custom3: 'string', status: 'boolean', categories: 'array', catalogSymbol: 'string' },
    'Product',
  );
  if (why) return why;
  for (const [i, c] of ((b.categories as unknown[]) || []).entries()) {
    if (!isObj(c)) return 'categories[' + i + '] must be a Category object';
    for (const k in c) if (k != 'id' && k != 'name') return 'categories[' + i + '].' + k + ': not a field of Category';
    if (!Number.isInteger(c.id)) return 'categories[' + i + '].id must be an integer';
    if (typeof c.name != 'string') return 'categories[' + i + '].name must be a string';
  }
}

/** CollectProfile (seeds/002): userId and cookie required, one profile a request. */
export const quarticonProfileInvalid = (b: unknown): string | undefined =>
  isObj(b) ? checkFields(b, { userId: 'id!', cookie: 'id!', email: 'email', agreement: 'boolean' }, 'CollectProfile') : 'body must be one CollectProfile object';

/** Create or update Contact (seeds/002): email required; agreements {t, c, s} and tags {n, v}, all required. */
export function quarticonContactInvalid(b: unknown): string | undefined {
  if (!isObj(b)) return 'body must be one Contact object';
  const why = checkFields(b, { email: 'email!', cookie: 'id', agreements: 'array', tags: 'array' }, 'Contact');
  if (why) return why;
  for (const [i, a] of ((b.agreements as unknown[]) || []).entries()) {
    const bad = isObj(a) ? checkFields(a, { t: 'string!', c: 'string!', s: 'boolean!' }, 'an agreement') : 'must be an object';
    if (bad) return 'agreements[' + i + ']: ' + bad;
  }
  for (const [i, t] of ((b.tags as unknown[]) || []).entries()) {
    const bad = isObj(t) ? checkFields(t, { n: 'string!', v: 'string!' }, 'a tag') : 'must be an object';
    if (bad) return 'tags[' + i + ']: ' + bad;
  }
}

/** The tracking string of a recommended item: what eventClick must bring back. */
export const trackingString = (placementId: string, productId: string): string =>
  Buffer.from(JSON.stringify({ p: placementId, id: productId })).toString('base64url');

export interface QuarticonStandIn extends StandIn {
  /** The bodies of every /track/event answered 200, oldest first. */
  events(): Obj[];
  /** Every /recommendation answered 200: its query. */
  recommendationQueries(): Obj[];
  /** The catalog sent through /data/product, by id: the last version of each. */
  products(): Map<string, Obj>;
  /** Profiles by userId, contacts by email: the last version of each. */
  profiles(): Map<string, Obj>;
  contacts(): Map<string, Obj>;
}

export function createQuarticonStandIn(ctx: StandInContext, o: { customer?: string; apiKey?: string } = {}): QuarticonStandIn {
  const customer = o.customer || QUARTICON_DEMO_CUSTOMER;
  const apiKey = o.apiKey || QUARTICON_DEMO_KEY;
  const events: Obj[] = [];
  const queries: Obj[] = [];
  const products = new Map<string, Obj>();
  const profiles = new Map<string, Obj>();
  const contacts = new Map<string, Obj>();
  const now = () => Math.floor(Date.now() / 1000);
  const error = (status: number, reason: string): Reply => ({
    status,
    reason,
    json: { status: 'ERROR', timestamp: now(), data: { error_code: 'http.status.' + status, error_message: reason } },
  });

  const recommend = (q: URLSearchParams): Reply => {
    if (q.get('customer') !== customer) return error(405, 'customer must be "' + customer + '"');
    for (const k of ['placementId', 'cookie', 'deviceId', 'userId', 'requestId', 'filterProduct'])
      if (q.has(k) && !ID.test(q.get(k)!)) return error(405, k + ' allows [a-zA-Z0-9-_] only');
    const placement = q.get('placementId');
    if (!placement) return error(405, 'placementId is required');
    if (!q.get('cookie') && !q.get('deviceId')) return error(405, 'cookie is required when deviceId is not sent');
    const seed = q.get('filterProduct') || '';
    const items = ctx.catalog.filter((p: Product) => p.id != seed).slice(0, 6);
    queries.push(Object.fromEntries(q));
    return {
      status: 200,
      json: {
        status: 'OK',
        timestamp: now(),
        placementId: placement,
        qrId: 'ad_' + now().toString(16),
        duplicatesCount: 0,
        data: items.map((p) => ({
          id: p.id,
          title: p.name,
          image: productImage(p),
          description: p.description,
          url: productLink(p),
          price: p.price.toFixed(2),
          priceOld: p.fullPrice ?? null,
          custom1: '',
          custom2: '',
          custom3: '',
          status: true,
          trackingString: trackingString(placement, p.id),
        })),
      },
    };
  };

  const handle = (r: { method: string; path: string; headers: IncomingHttpHeaders; body: unknown }): Reply => {
    const url = new URL(r.path, 'http://quarticon.invalid');
    if (r.method == 'GET' && url.pathname == '/recommendation') return recommend(url.searchParams);
    const data: { [path: string]: [(b: unknown) => string | undefined, Map<string, Obj>, string] } = {
      '/data/product': [quarticonProductInvalid, products, 'id'],
      '/collectprofile': [quarticonProfileInvalid, profiles, 'userId'],
      '/contact': [quarticonContactInvalid, contacts, 'email'],
    };
    const d = data[url.pathname];
    if (d && (r.method == 'POST' || (r.method == 'GET' && url.pathname == '/contact'))) {
      if (r.headers['x-api-key'] !== apiKey) return error(401, 'x-api-key header missing or wrong');
      if (r.method == 'GET') {
        const email = url.searchParams.get('email') || (isObj(r.body) ? r.body.email : undefined);
        if (typeof email != 'string' || !EMAIL.test(email)) return error(405, 'email is required (a valid email)');
        const c = contacts.get(email);
        return c ? { status: 200, json: { status: 'OK', timestamp: now(), data: c } } : error(404, 'no contact ' + email);
      }
      if (!/^application\/json/.test(r.headers['content-type'] || '')) return error(405, 'Content-Type must be application/json');
      const why = d[0](r.body);
      if (why) return error(405, why);
      const b = r.body as Obj;
      d[1].set(b[d[2]] as string, b);
      return { status: 200, json: { status: 'OK', timestamp: now() } };
    }
    if (r.method == 'POST' && url.pathname == '/track/event') {
      if (r.headers['x-api-key'] !== apiKey) return error(401, 'x-api-key header missing or wrong');
      if (!/^application\/json/.test(r.headers['content-type'] || '')) return error(405, 'Content-Type must be application/json');
      const why = quarticonEventInvalid(r.body, customer);
      if (why) return error(405, why);
      events.push(r.body as Obj);
      return { status: 200, json: { status: 'OK', timestamp: now() } };
    }
    return error(404, r.method + ' ' + url.pathname + ' is not an endpoint of this stand-in');
  };

  const s = standIn({ name: 'quarticon', handle, allowHeaders: ['Content-Type', 'x-api-key', 'accept-version'] });
  return Object.assign(s, {
    events: () => events,
    recommendationQueries: () => queries,
    products: () => products,
    profiles: () => profiles,
    contacts: () => contacts,
    clear() {
      products.clear();
      profiles.clear();
      contacts.clear();
      s.received.length = 0;
      events.length = 0;
      queries.length = 0;
    },
  });
}
