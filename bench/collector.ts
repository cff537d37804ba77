// The local collector: one endpoint per SDK's wire format, on its own origin (as a real collector is),
// answering CORS. It counts what arrives properly: each benchmark event once by its index, page views,
// requests and preflights, and when the page view and the last benchmark event arrived.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** What one page load delivered. Times are epoch milliseconds with sub-millisecond precision. */
export interface Delivery {
  requests: number;
  preflights: number;
  pageViews: number;
  firstPageViewAt?: number;
  /** Benchmark events by index; a second copy of an index counts in `duplicates`. */
  events: Set<number>;
  duplicates: number;
  lastEventAt?: number;
  /** Requests the collector could not read as the SDK's format. */
  malformed: string[];
}

export const newDelivery = (): Delivery => ({ requests: 0, preflights: 0, pageViews: 0, events: new Set(), duplicates: 0, malformed: [] });

const now = () => performance.timeOrigin + performance.now();
type Json = { [k: string]: unknown };
const isObj = (v: unknown): v is Json => typeof v == 'object' && v !== null && !Array.isArray(v);

/** A benchmark event's index (its `i`), 'page' for a page view, or undefined for anything else. */
type Kind = number | 'page' | undefined;

// Snowplow: POST {schema: payload_data, data: [payload]}; a self-describing event carries ue_pr (JSON).
function snowplow(body: Json): Kind[] {
  const data = body.data;
  if (!Array.isArray(data)) throw new Error('no data array');
  return data.map((p: Json) => {
    if (p.e == 'pv') return 'page';
    if (p.e == 'ue' && typeof p.ue_pr == 'string') {
      const ue = JSON.parse(p.ue_pr) as { data?: { data?: { i?: number } } };
      return ue.data?.data?.i;
    }
  });
}

// Segment and RudderStack: one event per request at /t|/track and /p|/page, or {batch: [...]}.
function segmentLike(body: Json): Kind[] {
  const events = Array.isArray(body.batch) ? (body.batch as Json[]) : [body];
  return events.map((e) => {
    if (e.type == 'page') return 'page';
    if (e.type == 'track' && isObj(e.properties) && typeof e.properties.i == 'number') return e.properties.i;
  });
}

// DataCue (shoptrack): one {user, event, timestamp} or an array of them.
function datacue(body: unknown): Kind[] {
  const events = (Array.isArray(body) ? body : [body]) as Json[];
  return events.map((b) => {
    if (!isObj(b.user) || typeof b.timestamp != 'string' || !isObj(b.event)) throw new Error('not a DataCue body');
    const e = b.event;
    if (e.type == 'pageview') return 'page';
    if (e.type == 'click' && typeof e.product_id == 'string') return +e.product_id.slice(1);
  });
}

const segmentSettings = (origin: string) => ({
  integrations: { 'Segment.io': { apiKey: 'benchkey', apiHost: origin.replace(/^http:\/\//, '') + '/seg/v1', protocol: 'http' } },
  plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
  remotePlugins: [],
  enabledMiddleware: {},
  metrics: { sampleRate: 0 },
});

const rudderConfig = {
  source: {
    id: 'benchsource',
    name: 'bench',
    writeKey: 'benchkey',
    workspaceId: 'benchworkspace',
    enabled: true,
    config: {},
    destinations: [],
  },
  updatedAt: new Date(0).toISOString(),
};

export interface Collector {
  origin: string;
  /** The delivery being recorded; the runner swaps it for each page load. */
  current: Delivery;
  /** Requests for paths the collector does not serve. */
  unknown: string[];
  close(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
  const c: Collector = { origin: '', current: newDelivery(), unknown: [], close: async () => {} };
  const cors = (req: IncomingMessage, res: ServerResponse) => {
    // Echo the origin: Snowplow sends credentials, which a wildcard would refuse.
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] || '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Max-Age', '600');
  };
  const json = (res: ServerResponse, v: unknown) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(v));
  };
  const server: Server = createServer((req, res) => {
    cors(req, res);
    const path = (req.url || '').split('?')[0];
    if (req.method == 'OPTIONS') {
      c.current.preflights++;
      res.statusCode = 204;
      return res.end();
    }
    if (req.method == 'GET') {
      if (/^\/seg-cdn\/v1\/projects\/[^/]+\/settings$/.test(path)) return json(res, segmentSettings(c.origin));
      if (path.startsWith('/rs-config')) return json(res, rudderConfig);
      c.unknown.push(req.method + ' ' + req.url);
      res.statusCode = 404;
      return res.end();
    }
    const chunks: Buffer[] = [];
    req.on('data', (b: Buffer) => chunks.push(b));
    req.on('end', () => {
      const at = now();
      const d = c.current;
      const text = Buffer.concat(chunks).toString('utf8');
      let kinds: Kind[] | undefined;
      try {
        const body = JSON.parse(text) as unknown;
        if (path.startsWith('/sp/')) kinds = snowplow(body as Json);
        else if (path.startsWith('/seg/v1/') || path.startsWith('/rs/v1/')) kinds = segmentLike(body as Json);
        else if (path == '/dc') kinds = datacue(body);
      } catch (err) {
        d.malformed.push(path + ': ' + (err as Error).message);
      }
      if (!kinds) {
        if (!d.malformed.length) c.unknown.push(req.method + ' ' + req.url);
        res.statusCode = 404;
        return res.end();
      }
      d.requests++;
      for (const k of kinds) {
        if (k == 'page') {
          d.pageViews++;
          d.firstPageViewAt ??= at;
        } else if (typeof k == 'number') {
          if (d.events.has(k)) d.duplicates++;
          else {
            d.events.add(k);
            d.lastEventAt = at;
          }
        }
      }
      // DataCue answers page views of the home page with recommendations; the rest just say ok.
      if (path == '/dc') return json(res, { main_banners: [], related_product_skus: [] });
      if (path.startsWith('/rs/')) return res.end('OK');
      return json(res, {});
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  c.origin = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
  c.close = () => new Promise((r) => server.close(() => r()));
  return c;
}
