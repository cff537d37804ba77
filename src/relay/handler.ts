// The relay as a request handler: (req, res, next?) for Node's http and for Express. It answers under
// its base path: POST /events (the browser's batches, src/browser/dest-relay.ts), GET /recs/... (the
// widgets' recommendations) and GET /health; anything else goes to `next`, or gets a 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrackedEvent } from '../events/types';
import { RELAY_EVENTS_PATH, RELAY_MAX_EVENTS, type RelayAnswer, type RelayResult } from '../events/policy';
import { adminRefusal, adminRequest } from './admin';
import { type VendorBudget, vendorBudget } from './budget';
import { checkTracked } from './check';
import { type RelayConfig, secretsOf, trustFunction } from './config';
import { type Forwarder, SHARED_POLL_MS, forward } from './forward';
import { type Log, createLog } from './log';
import { rateLimiter } from './rate-limit';
import { type RelayStore, sqliteStore } from './store';
import { pgStore } from './store-pg';
import { type DataSender, type SyncEngine, syncEngine } from './sync';
import type { VendorContext, VendorParts, VendorRoute } from './vendor';
import { VENDORS } from './vendors';

/** How often a relay looks for records the import CLI or openSync() queued from another process. */
export const SYNC_POLL_MS = 1000;
/** Events one request may carry (the browser sends at most RELAY_BATCH, in dest-relay.ts). */
export const MAX_EVENTS = RELAY_MAX_EVENTS;
/** Event ids are remembered this long: the browser's outbox drops events after 7 days (MAX_AGE_MS). */
export const DEDUP_MS = 8 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600 * 1000;
/** What a closing relay asks clients to wait before they send again. */
const CLOSING_RETRY_S = 5;
/** Refused origins logged (each once), so that a flood of forged ones cannot fill the log. */
const REFUSED_ORIGINS_LOGGED = 20;

export type { RelayResult };

export interface RelayOptions {
  /** The outbox; PostgreSQL at config.storeUrl, or else SQLite at config.dbPath, when not given. */
  store?: RelayStore;
  log?: Log;
  /** More vendors' browser-event forwarders, beside the configured vendor modules'. */
  forwarders?: Forwarder[];
  /** More vendors' data senders, beside the configured vendor modules'. */
  senders?: { name: string; sender: DataSender }[];
  now?: () => number;
}

export type Next = (err?: unknown) => void;

export interface Relay {
  handle(req: IncomingMessage, res: ServerResponse, next?: Next): void;
  /** Stops taking events, lets requests to vendors in flight finish and be recorded, closes the store. */
  close(): Promise<void>;
  readonly store: RelayStore;
  readonly forwarders: readonly Forwarder[];
  /** Each rate-limited vendor's one budget for the shop (Aqurate's): every request to it goes through it. */
  readonly budgets: { readonly [vendor: string]: VendorBudget };
  /** The shop's records to the vendors (docs/sync.md): the Node API's way in. */
  readonly sync: SyncEngine;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const readBody = (req: IncomingMessage, max: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const pre = (req as { body?: unknown }).body;
    // Mounted after a body parser (express.text(), express.json()): the body was read already.
    if (typeof pre == 'string') return resolve(pre);
    if (Buffer.isBuffer(pre)) return resolve(pre.toString('utf8'));
    if (pre && typeof pre == 'object' && Object.keys(pre).length) return resolve(JSON.stringify(pre));
    if (+(req.headers['content-length'] || 0) > max) return reject(new HttpError(413, 'body larger than ' + max + ' bytes'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, 'body larger than ' + max + ' bytes'));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** The store a config names: PostgreSQL at storeUrl, or else the SQLite file (beside a relay: recover false). */
export function openStore(config: RelayConfig, log: Log, opts: { recover?: boolean } = {}): RelayStore {
  return config.storeUrl
    ? pgStore(config.storeUrl, { leaseMs: config.storeLeaseMs, onError: (err) => log('warn', 'a database connection closed', { error: String(err) }) })
    : sqliteStore(config.dbPath, opts);
}

/** The parts of every vendor module the config turns on (src/relay/vendors.ts). */
export function configuredVendors(
  config: RelayConfig,
  store: RelayStore,
  log: Log,
  now: () => number,
  budgets: { [vendor: string]: VendorBudget } = {},
  /** New jobs are in the store (a vendor route took events): the relay's forwarding sends them. */
  wake: () => void = () => {},
) {
  const ctx: VendorContext = {
    store,
    log,
    now,
    timeoutMs: config.vendorTimeoutMs,
    budget: (vendor, intervalMs) => (budgets[vendor] ||= vendorBudget(store, vendor, intervalMs, now)),
    wake,
  };
  const forwarders: Forwarder[] = [];
  const senders: { name: string; sender: DataSender }[] = [];
  const routes: VendorRoute[] = [];
  const background: VendorParts[] = [];
  for (const v of VENDORS) {
    const parts = v.create(config, ctx);
    if (!parts) continue;
    if (parts.forwarder) forwarders.push(parts.forwarder);
    if (parts.sender) senders.push({ name: v.name, sender: parts.sender });
    routes.push(...(parts.routes || []));
    if (parts.start || parts.stop) background.push(parts);
  }
  return { forwarders, senders, routes, background };
}

export function createRelay(config: RelayConfig, opts: RelayOptions = {}): Relay {
  const log = opts.log || createLog(secretsOf(config));
  const now = opts.now || Date.now;
  const store = opts.store || openStore(config, log);
  store.ready.then(
    ({ interrupted }) => {
      if (interrupted) log('warn', 'relay restarted with ' + interrupted + ' job(s) in flight when it stopped; resending them (a vendor may see those twice)');
    },
    (err) => log('error', 'the outbox could not be opened', { error: String(err) }),
  );

  const budgets: { [vendor: string]: VendorBudget } = {};
  const { forwarders, senders, routes, background } = configuredVendors(config, store, log, now, budgets, () => forwarding.wake());
  forwarders.push(...(opts.forwarders || []));
  senders.push(...(opts.senders || []));
  log('info', 'relay started', { base: config.basePath || '/', vendors: forwarders.map((f) => f.name), sync: senders.map((v) => v.name) });
  const sync = syncEngine(store, senders, log, { now, leaseMs: config.syncLeaseMs, pollMs: store.shared ? SHARED_POLL_MS : SYNC_POLL_MS });
  // One relay per SQLite file: claims left by a killed relay are its batch in flight, resent now.
  store.sync.release(now()).then(
    (n) => {
      if (n) log('warn', 'relay restarted with ' + n + ' record(s) in flight when it stopped; resending them (a vendor may see those twice)');
      if (closing) return;
      sync.start();
      for (const b of background) b.start?.();
    },
    (err) => {
      // Delivery starts anyway: claims whose lease ends are taken again without a release.
      log('error', 'the sync queue could not be read', { error: String(err) });
      if (!closing) sync.start();
    },
  );

  const forwarding = forward(store, forwarders, log, { now });
  forwarding.wake();
  const prune = () => store.prune(now() - DEDUP_MS).catch((err) => log('error', 'pruning event ids failed', { error: String(err) }));
  prune();
  const pruner = setInterval(prune, PRUNE_EVERY_MS);
  pruner.unref();

  const limiter = rateLimiter(config.rateLimitPerMinute, config.rateLimitBurst, now);
  let closing = false;
  const busy = new Set<Promise<unknown>>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
    res.end(JSON.stringify(body));
  };

  const trust = trustFunction(config.trustProxy);
  /** Whether the request came straight from a trusted proxy, whose X-Forwarded-* headers count. */
  const fromTrustedProxy = (req: IncomingMessage): boolean => !!trust && trust(req.socket.remoteAddress || '', 0);
  /** A forwarded header's first entry (the one the first proxy wrote, as Express reads it). */
  const forwarded = (req: IncomingMessage, name: string): string | undefined => {
    const v = req.headers[name];
    const first = (Array.isArray(v) ? v[0] : v)?.split(',')[0].trim();
    return first || undefined;
  };

  const originAllowed = (req: IncomingMessage, origin: string): boolean => {
    const list = config.allowedOrigins;
    if (list.includes('*') || list.includes(origin)) return true;
    // The shop's own pages: the relay is mounted on the shop's origin. Behind a trusted proxy that origin
    // is in X-Forwarded-Host (nginx sets Host to the upstream by default) and X-Forwarded-Proto.
    try {
      const page = new URL(origin);
      const proxied = fromTrustedProxy(req);
      const host = (proxied && forwarded(req, 'x-forwarded-host')) || req.headers.host;
      const proto = proxied ? forwarded(req, 'x-forwarded-proto') : undefined;
      if (!host) return false;
      // Through the URL parser, so that "shop.example:443" and "shop.example" compare equal under https.
      const own = new URL((proto || page.protocol.slice(0, -1)) + '://' + host);
      return own.host == page.host && own.protocol == page.protocol;
    } catch {
      return false;
    }
  };

  const refusedLogged = new Set<string>();
  const logRefusedOrigin = (req: IncomingMessage, origin: string) => {
    if (refusedLogged.has(origin) || refusedLogged.size >= REFUSED_ORIGINS_LOGGED) return;
    refusedLogged.add(origin);
    log('error', 'refused requests from origin ' + JSON.stringify(origin) + ' (403; its pages lose these events). If it is the shop\'s own site behind a reverse proxy, have the proxy pass Host or X-Forwarded-Host and set trustProxy; otherwise add it to allowedOrigins. See docs/relay.md, "Behind a reverse proxy".', {
      origin,
      host: req.headers.host,
      forwarded_host: req.headers['x-forwarded-host'],
      forwarded_proto: req.headers['x-forwarded-proto'],
      trusted_proxy: fromTrustedProxy(req),
    });
  };

  /** The client's address: the socket's, or behind trusted proxies the last X-Forwarded-For entry they did not write themselves. */
  const client = (req: IncomingMessage): string => (trust ? proxyaddr(req, trust) : req.socket.remoteAddress) || 'unknown';

  async function events(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>) {
    const text = await readBody(req, config.maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'the body must be JSON: {"events": [...]}');
    }
    const list = body && typeof body == 'object' ? (body as { events?: unknown }).events : undefined;
    if (!Array.isArray(list)) throw new HttpError(400, 'the body must be {"events": [...]}');
    if (list.length > MAX_EVENTS) throw new HttpError(413, 'at most ' + MAX_EVENTS + ' events a request');

    const results: RelayResult[] = [];
    const valid: TrackedEvent[] = [];
    const inBatch = new Set<string>();
    for (const input of list) {
      const rawId = input && typeof input == 'object' ? (input as { id?: unknown }).id : undefined;
      try {
        const t = checkTracked(input);
        if (inBatch.has(t.id)) results.push({ id: t.id, status: 'duplicate' });
        else {
          inBatch.add(t.id);
          valid.push(t);
          results.push({ id: t.id, status: 'accepted' });
        }
      } catch (err) {
        const error = (err as Error).message;
        results.push({ id: typeof rawId == 'string' ? rawId : '', status: 'invalid', error });
        log('warn', 'invalid event', { id: typeof rawId == 'string' ? rawId.slice(0, 64) : undefined, error });
      }
    }
    let known: Set<string>;
    try {
      known = await store.accept(valid, forwarders, now());
    } catch (err) {
      log('error', 'the outbox could not write events', { error: String(err) });
      throw new HttpError(503, 'the relay could not store the events; send them again later');
    }
    for (const r of results) if (r.status == 'accepted' && known.has(r.id)) r.status = 'duplicate';
    // Accepted for every vendor, but one may take nothing from it: say so where the shop's developer looks.
    for (const t of valid) {
      if (known.has(t.id)) continue;
      for (const f of forwarders) {
        const why = f.refusal && f.refusal(t);
        if (why) log('warn', f.name + ' gets nothing for event ' + t.id + ' (' + t.e.type + '/' + t.e.subtype + '): ' + why, { id: t.id, vendor: f.name, error: why });
      }
    }
    send(res, 200, { results } satisfies RelayAnswer, cors);
    if (valid.length > known.size) forwarding.wake();
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, url: URL, cors: Record<string, string>) {
    const method = req.method || 'GET';
    const allow = (m: string) => {
      if (method != m) throw new HttpError(405, path + ' takes ' + m);
    };
    if (path == RELAY_EVENTS_PATH) {
      allow('POST');
      if (closing) return send(res, 503, { error: 'the relay is restarting' }, { ...cors, 'retry-after': String(CLOSING_RETRY_S) });
      return events(req, res, cors);
    }
    if (path == '/health') {
      allow('GET');
      if (closing) return send(res, 200, { status: 'closing' }, cors);
      // Every configured vendor, with zero counts until it has jobs.
      const vendors: { [vendor: string]: { waiting: number; failed: number } } = {};
      for (const f of forwarders) vendors[f.name] = { waiting: 0, failed: 0 };
      return send(res, 200, { status: 'ok', vendors: { ...vendors, ...(await store.counts()) } }, cors);
    }
    for (const r of routes) {
      const prefix = r.path.endsWith('/');
      if (prefix ? !path.startsWith(r.path) : path != r.path) continue;
      if (r.serve) {
        if (method != 'GET' && method != 'HEAD') throw new HttpError(405, path + ' takes GET');
        return r.serve(req, res);
      }
      const post = r.method == 'POST';
      allow(post ? 'POST' : 'GET');
      if (!r.handle) throw new HttpError(404, 'not found');
      if (post && closing) return send(res, 503, { error: 'the relay is restarting' }, { ...cors, 'retry-after': String(CLOSING_RETRY_S) });
      const body = post ? await readBody(req, config.maxBodyBytes) : '';
      const a = await r.handle(url.searchParams, prefix ? path.slice(r.path.length) : '', { headers: req.headers, body });
      return send(res, a.status, a.body, { ...cors, ...a.headers });
    }
    throw new HttpError(404, 'not found');
  }

  /** The admin API (admin.ts): no CORS, no browser, a bearer token. */
  function admin(req: IncomingMessage, res: ServerResponse, path: string): void {
    const refused = adminRefusal(req, config.adminToken);
    if (refused) {
      req.resume();
      return send(res, refused.status, refused.body);
    }
    const p = (async () => {
      const text = req.method == 'POST' ? await readBody(req, config.adminMaxBodyBytes) : '';
      if (closing) return send(res, 503, { error: 'the relay is restarting' }, { 'retry-after': String(CLOSING_RETRY_S) });
      const a = await adminRequest(sync, req.method || 'GET', path, text, () => store.counts());
      send(res, a.status, a.body);
    })().catch((err) => {
      if (err instanceof HttpError) return send(res, err.status, { error: err.message });
      log('error', 'admin request failed', { path, error: String(err) });
      if (!res.headersSent) send(res, 503, { error: 'the relay could not store the records; send them again later' });
    });
    busy.add(p);
    p.finally(() => busy.delete(p));
  }

  function handle(req: IncomingMessage, res: ServerResponse, next?: Next): void {
    // Express strips its mount path from req.url and keeps the whole path in originalUrl.
    const url = new URL((req as { originalUrl?: string }).originalUrl || req.url || '/', 'http://relay.invalid');
    const base = config.basePath;
    if (url.pathname != base && !url.pathname.startsWith(base + '/')) {
      if (next) return next();
      return send(res, 404, { error: 'not found' });
    }
    const path = url.pathname.slice(base.length) || '/';
    if (path == '/admin' || path.startsWith('/admin/')) return admin(req, res, path);
    const cors: Record<string, string> = {};
    const origin = req.headers.origin;
    if (origin) {
      if (!originAllowed(req, origin)) {
        logRefusedOrigin(req, origin);
        req.resume();
        return send(res, 403, { error: 'origin not allowed' });
      }
      cors['access-control-allow-origin'] = origin;
      // A relay on another origin than the page: without this the browser could not read Retry-After.
      cors['access-control-expose-headers'] = 'Retry-After';
      cors['vary'] = 'Origin';
    }
    if (req.method == 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '86400' });
      return void res.end();
    }
    const wait = limiter.take(client(req));
    if (wait) {
      req.resume();
      return send(res, 429, { error: 'too many requests' }, { ...cors, 'retry-after': String(Math.ceil(wait / 1000)) });
    }
    const p = route(req, res, path, url, cors).catch((err) => {
      if (err instanceof HttpError) {
        if (err.status == 413) res.setHeader('connection', 'close');
        return send(res, err.status, { error: err.message }, cors);
      }
      log('error', 'request failed', { path, error: String(err) });
      if (!res.headersSent) send(res, 500, { error: 'internal error' }, cors);
    });
    busy.add(p);
    p.finally(() => busy.delete(p));
  }

  return {
    handle,
    store,
    forwarders,
    budgets,
    sync,
    async close() {
      closing = true;
      clearInterval(pruner);
      await Promise.all(busy);
      await forwarding.stop();
      await sync.stop();
      await Promise.all(background.map((b) => b.stop?.()));
      await store.close();
      log('info', 'relay stopped');
    },
  };
}
