// The demo storefront: a shop on 127.0.0.1 whose pages print DataCue's config and load dist/shoptrack.js,
// beside local stand-ins of the vendor APIs on their own ports and an inspector of what they received.
// `npm run demo` runs this file on fixed ports; tests call startDemo() on ephemeral ones.
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { PRODUCTS, categoryBySlug, productById, productBySlug, searchProducts } from './catalog';
import { CLIENT_JS } from './client';
import { INSPECTOR_HTML, carries } from './inspector';
import * as pages from './pages';
import { type DataCueStandIn, DEMO_API_KEY, createDataCueStandIn } from './standins/datacue';
import type { Fault, Received, StandIn, StandInFactory } from './standins/types';
import { createAqurateStandIn } from './standins/aqurate';
import { createQuarticonStandIn } from './standins/quarticon';
import { createEngageStandIn } from './standins/engage';
import { createShoptimizaStandIn } from './standins/shoptimiza';
import { demoRelay } from './relay';
import { datacueBackendStandIn } from './standins/datacue-backend';
import { bannerSvg, productSvg } from './svg';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * More vendor stand-ins, each started on its own port after DataCue's (demo/standins/types.ts says how
 * to write one). Quarticon's and Aqurate's go here.
 */
const STAND_INS: StandInFactory[] = [createQuarticonStandIn, createAqurateStandIn, createEngageStandIn, createShoptimizaStandIn, () => datacueBackendStandIn()];

/**
 * Handlers mounted under a path of the shop's origin, built once every stand-in listens, since the relay
 * forwards to their URLs. A mounted handler sees `req.url` without the prefix, as Express's mount does.
 * The relay is mounted at '/relay' (demo/relay.ts), so the pages print `relay_url: '/relay'` and
 * shoptrack sends to it.
 */
const MOUNTS: Mounts = { '/relay': demoRelay };

export type Mounts = { [prefix: string]: (standIns: { [name: string]: StandIn }) => Handler };

export interface DemoOptions {
  /** The shop's port; 0 (the default) picks a free one. */
  port?: number;
  /** The first stand-in's port, the next ones counting up; 0 (the default) picks free ones. */
  standInPort?: number;
  /** Mounted beside (or instead of) MOUNTS, for tests of a mounted handler. */
  mounts?: Mounts;
  /** DataCue's events through the relay: the pages print `events_url: '/relay/datacue'`. */
  datacueViaRelay?: boolean;
}

export interface Demo {
  /** The shop's base URL, "http://127.0.0.1:PORT". */
  url: string;
  datacue: DataCueStandIn;
  /** Every stand-in by name, DataCue's included. */
  standIns: { [name: string]: StandIn };
  /** What every stand-in received, in arrival order. */
  received(): Received[];
  close(): Promise<void>;
}

const DIST = new URL('../dist/', import.meta.url);
const FAULT_MODES = ['none', 'down', 'status', 'hang', 'flaky'];

function cookies(req: IncomingMessage): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  for (const part of (req.headers.cookie || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** The cart cookie, keeping only lines that name a product of the catalog with sane numbers. */
function cartOf(raw: string | undefined): pages.CartLine[] {
  try {
    const lines = JSON.parse(raw || '[]') as pages.CartLine[];
    return Array.isArray(lines)
      ? lines.filter((l) => productById(l.product_id) && l.quantity > 0 && typeof l.unit_price == 'number' && typeof l.variant_id == 'string')
      : [];
  } catch {
    return [];
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra }).end(body);
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const ctx = { catalog: PRODUCTS };
  const datacue = createDataCueStandIn(ctx);
  const all: StandIn[] = [datacue, ...STAND_INS.map((f) => f(ctx))];
  const base = opts.standInPort ?? 0;
  for (const [i, s] of all.entries()) await s.start(base ? base + i : 0);
  const standIns = Object.fromEntries(all.map((s) => [s.name, s]));
  const mounts = Object.entries({ ...MOUNTS, ...opts.mounts }).map(([prefix, make]) => [prefix, make(standIns)] as const);
  const orders = new Map<string, pages.Order>();
  let nextOrder = 10001;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url || '/', 'http://' + (req.headers.host || '127.0.0.1'));
    const path = url.pathname;
    for (const [prefix, handler] of mounts)
      if (path == prefix || path.startsWith(prefix + '/')) {
        req.url = (req.url || '/').slice(prefix.length) || '/';
        return handler(req, res);
      }
    const c = cookies(req);
    const userId = /^\d+$/.test(c.demo_user || '') ? Number(c.demo_user) : null;
    const pc: pages.PageContext = {
      origin: url.origin,
      userId,
      cart: cartOf(c.demo_cart),
      apiKey: DEMO_API_KEY,
      eventsUrl: opts.datacueViaRelay ? '/relay/datacue' : datacue.url,
      relayUrl: mounts.some(([p]) => p == '/relay') ? '/relay' : undefined,
    };
    const html = (p: pages.Page): void => send(res, p.status, 'text/html; charset=utf-8', p.html);
    let m: RegExpExecArray | null;

    if (req.method == 'POST' && path == '/order') {
      const email = new URLSearchParams(await readBody(req)).get('email') || 'guest@example.com';
      if (!pc.cart.length) return send(res, 303, 'text/plain', '', { Location: '/cart' });
      const id = String(nextOrder++);
      orders.set(id, { id, email, userId, cart: pc.cart, placedAt: new Date() });
      return send(res, 303, 'text/plain', '', { Location: '/order-received/' + id, 'Set-Cookie': 'demo_cart=; Path=/; Max-Age=0' });
    }
    if (req.method == 'POST' && path == '/inspector/fault') {
      const f = JSON.parse(await readBody(req)) as { standIn: string; mode: string; status?: number; retryAfter?: number; rate?: number };
      const s = standIns[f.standIn];
      if (!s || !FAULT_MODES.includes(f.mode)) return send(res, 400, 'text/plain', 'unknown stand-in or mode');
      // flaky: `rate` of the requests fail (0.4 when absent), answered `status`. The stand-in checks the rate.
      try {
        s.fault(
          f.mode == 'status'
            ? { mode: 'status', status: f.status || 503, retryAfter: f.retryAfter }
            : f.mode == 'flaky'
              ? { mode: 'flaky', rate: f.rate ?? 0.4, status: f.status || 500, retryAfter: f.retryAfter }
              : ({ mode: f.mode } as Fault),
        );
      } catch (err) {
        if (err instanceof RangeError) return send(res, 400, 'text/plain', err.message);
        throw err;
      }
      return send(res, 204, 'text/plain', '');
    }
    if (req.method != 'GET' && req.method != 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');

    if (path == '/') return html(pages.home(pc));
    if ((m = /^\/category\/([\w-]+)$/.exec(path)) && categoryBySlug(m[1])) return html(pages.category(pc, categoryBySlug(m[1])!));
    if ((m = /^\/product\/([\w-]+)$/.exec(path)) && productBySlug(m[1])) return html(pages.product(pc, productBySlug(m[1])!));
    if (path == '/search') {
      const term = url.searchParams.get('q') || '';
      return html(pages.search(pc, term, searchProducts(term)));
    }
    if (path == '/cart') return html(pages.cart(pc));
    if (path == '/checkout') return html(pages.checkout(pc));
    if ((m = /^\/order-received\/(\d+)$/.exec(path)) && orders.has(m[1])) return html(pages.orderConfirmation(pc, orders.get(m[1])!));
    // Without JavaScript the login link still logs in; with it, demo.js tracks the login first.
    if (path == '/login') return send(res, 303, 'text/plain', '', { Location: '/', 'Set-Cookie': 'demo_user=42; Path=/; SameSite=Lax' });
    if (path == '/demo.js') return send(res, 200, 'text/javascript; charset=utf-8', CLIENT_JS);
    if ((m = /^\/dist\/([\w.-]+\.m?js)$/.exec(path))) {
      try {
        return send(res, 200, 'text/javascript; charset=utf-8', await readFile(new URL(m[1], DIST)));
      } catch {
        return send(res, 404, 'text/plain', 'not built: run npm run build');
      }
    }
    if ((m = /^\/img\/product\/(\w+)\.svg$/.exec(path)) && productById(m[1])) return send(res, 200, 'image/svg+xml', productSvg(productById(m[1])!));
    if ((m = /^\/img\/banner\/(\w+)\.svg$/.exec(path)) && bannerSvg(m[1])) return send(res, 200, 'image/svg+xml', bannerSvg(m[1])!);
    if (path == '/inspector') return send(res, 200, 'text/html; charset=utf-8', INSPECTOR_HTML);
    if (path == '/inspector/events.json')
      return send(res, 200, 'application/json', JSON.stringify({ received: received().map((r) => ({ ...r, carries: carries(r) })), standIns: all.map((s) => ({ name: s.name, url: s.url, fault: s.currentFault.mode })) }));
    return html(pages.notFound(pc));
  }

  const received = () => all.flatMap((s) => s.received).sort((a, b) => a.at.localeCompare(b.at));
  const sockets = new Set<Socket>();
  const server = createServer((req, res) =>
    route(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(err));
    }),
  );
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    datacue,
    standIns,
    received,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => server.close(r)), ...all.map((s) => s.close())]);
    },
  };
}

/** Ports of `npm run demo`: the shop, then the stand-ins counting up. */
const DEMO_PORT = Number(process.env.PORT) || 8080;

if (process.argv[1] && import.meta.url == pathToFileURL(process.argv[1]).href) {
  // `npm run demo -- --datacue-via-relay`: DataCue's events go through the relay at /relay/datacue.
  const datacueViaRelay = process.argv.includes('--datacue-via-relay');
  const demo = await startDemo({ port: DEMO_PORT, standInPort: DEMO_PORT + 1, datacueViaRelay });
  console.log(`Demo shop:  ${demo.url}/` + (datacueViaRelay ? '  (DataCue through the relay)' : ''));
  console.log(`Inspector:  ${demo.url}/inspector`);
  for (const s of Object.values(demo.standIns)) console.log(`Stand-in ${s.name.padEnd(10)} ${s.url}`);
}
