// The shared half of every stand-in: an HTTP server on 127.0.0.1 with CORS, recording and fault modes.
// A vendor's stand-in only supplies its VendorHandler.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Fault, Received, StandIn, VendorHandler } from './types';

/**
 * A seeded generator of numbers in [0, 1) (mulberry32): a flaky fault with a seed fails the same requests
 * of a run, request for request, every time.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bodies past this are refused (unless a stand-in sets its own): no browser event batch comes near it, a runaway test might. */
const MAX_BODY = 1024 * 1024;

export interface StandInOptions {
  name: string;
  handle: VendorHandler;
  /** Request headers the browser may send cross-origin (each must be named in the preflight answer). */
  allowHeaders: string[];
  /** The largest body taken, when the vendor's requests are larger than MAX_BODY (table pushes, files). */
  maxBody?: number;
}

export function standIn(o: StandInOptions): StandIn {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let fault: Fault = { mode: 'none' };
  let faultLeft = Infinity;
  /** Where a flaky fault's choices come from. */
  let chance: () => number = Math.random;
  let n = 0;
  let url = '';
  const maxBody = o.maxBody ?? MAX_BODY;

  const cors = (req: IncomingMessage): Record<string, string> => ({
    'Access-Control-Allow-Origin': req.headers.origin || '*',
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
    'Access-Control-Allow-Headers': o.allowHeaders.join(', '),
    // Without this a cross-origin fetch cannot read Retry-After, and backoff could not honour it.
    'Access-Control-Expose-Headers': 'Retry-After',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  });

  const current = (): Fault => {
    if (fault.mode == 'none') return fault;
    const f = fault;
    if (--faultLeft <= 0) fault = { mode: 'none' };
    return f;
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const f = fault.mode == 'down' ? current() : undefined;
    if (f) {
      req.socket.destroy();
      return;
    }
    if (req.method == 'OPTIONS') {
      res.writeHead(204, cors(req)).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Kept as text: the handler decides whether that is an error.
      }
      const r: Received = {
        n: ++n,
        standIn: o.name,
        at: new Date().toISOString(),
        method: req.method || '',
        path: req.url || '/',
        headers: req.headers,
        body,
        status: null,
      };
      received.push(r);
      const f = current();
      if (f.mode == 'hang') {
        r.fault = 'hang';
        return;
      }
      let reply;
      if (f.mode == 'status' || (f.mode == 'flaky' && chance() < f.rate)) {
        r.fault = f.mode;
        reply = { status: f.status ?? 500, headers: f.retryAfter != null ? { 'Retry-After': String(f.retryAfter) } : undefined };
      } else if (size > maxBody) reply = { status: 413, reason: 'body over ' + maxBody + ' bytes' };
      else reply = o.handle({ method: r.method, path: r.path, headers: req.headers, body, raw: text });
      r.status = reply.status;
      if (reply.reason) r.reason = reply.reason;
      const headers: Record<string, string> = { ...cors(req), ...reply.headers };
      let out = '';
      if (reply.json !== undefined) {
        headers['Content-Type'] = 'application/json';
        out = JSON.stringify(reply.json);
      } else if (reply.reason) {
        headers['Content-Type'] = 'text/plain; charset=utf-8';
        out = reply.reason;
      }
      res.writeHead(reply.status, headers).end(out);
    });
  }

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return {
    name: o.name,
    get url() {
      return url;
    },
    received,
    get currentFault() {
      return fault;
    },
    fault(f, times = Infinity) {
      if (f.mode == 'flaky' && !(typeof f.rate == 'number' && f.rate >= 0 && f.rate <= 1))
        throw new RangeError('flaky fault: rate must be from 0 to 1, got ' + JSON.stringify(f.rate));
      fault = f;
      faultLeft = times;
      chance = f.mode == 'flaky' && f.seed != null ? seededRandom(f.seed) : Math.random;
    },
    clear() {
      received.length = 0;
    },
    handle,
    start(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
          resolve(url);
        });
      });
    },
    close() {
      // Hanging requests and keep-alive sockets would hold close() open forever.
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
