// A local stand-in of Quarticon's Store REST API (seeds/002_b9effc4c9bb4f847.txt): POST /track/event
// with x-api-key, every field checked against the seed's Event, EventClick, EventProductView and
// EventTransaction; GET /recommendation from the demo catalog. Wrong requests get the seed's error
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

/** The tracking string of a recommended item: what eventClick must bring back. */
export const trackingString = (placementId: string, productId: string): string =>
  Buffer.from(JSON.stringify({ p: placementId, id: productId })).toString('base64url');

export interface QuarticonStandIn extends StandIn {
  /** The bodies of every /track/event answered 200, oldest first. */
  events(): Obj[];
  /** Every /recommendation answered 200: its query. */
  recommendationQueries(): Obj[];
}

export function createQuarticonStandIn(ctx: StandInContext, o: { customer?: string; apiKey?: string } = {}): QuarticonStandIn {
  const customer = o.customer || QUARTICON_DEMO_CUSTOMER;
  const apiKey = o.apiKey || QUARTICON_DEMO_KEY;
  const events: Obj[] = [];
  const queries: Obj[] = [];
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
    clear() {
      s.received.length = 0;
      events.length = 0;
      queries.length = 0;
    },
  });
}
