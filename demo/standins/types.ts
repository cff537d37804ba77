// The extension point for vendor stand-ins: each one is a local HTTP server that plays a vendor's API on
// its own 127.0.0.1 port (cross-origin to the shop, like the real host), records what it received and
// can be told to fail. To add one: write `demo/standins/<vendor>.ts` exporting a `StandInFactory` built
// with `standIn()` from ./serve.ts, and add it to STAND_INS in demo/server.ts.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Product } from '../catalog';

/** How a stand-in misbehaves, for tests of retries. */
export type Fault =
  | { mode: 'none' }
  /** Every connection is destroyed before an answer, as a host that is down or unreachable. */
  | { mode: 'down' }
  /** POSTs are answered with this status (and Retry-After, in seconds, when given). */
  | { mode: 'status'; status: number; retryAfter?: number }
  /** POSTs are never answered (the client's own timeout has to give up). */
  | { mode: 'hang' }
  /**
   * Each request fails with probability `rate` (0 to 1), answered `status` (500 when absent, with
   * Retry-After when given); the rest are answered normally. With a `seed` the choices repeat from run to run (a
   * seeded generator), else they come from Math.random.
   */
  | { mode: 'flaky'; rate: number; status?: number; retryAfter?: number; seed?: number };

/** One request a stand-in read, whatever it answered. */
export interface Received {
  /** 1-based, per stand-in, in arrival order. */
  n: number;
  standIn: string;
  /** ISO-8601 time of arrival. */
  at: string;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** What the stand-in answered; null while a `hang` fault holds the request. */
  status: number | null;
  /** Why the stand-in refused the request (a 4xx), in its own words. */
  reason?: string;
  /** The fault that decided the answer, if any. */
  fault?: Fault['mode'];
}

/** What a vendor's handler answers to one request that passed the fault modes. */
export interface Reply {
  status: number;
  json?: unknown;
  reason?: string;
  headers?: Record<string, string>;
}

/** The vendor-specific part of a stand-in: a request (body already parsed, and its raw text) in, a reply out. */
export type VendorHandler = (req: { method: string; path: string; headers: IncomingHttpHeaders; body: unknown; raw: string }) => Reply;

export interface StandIn {
  readonly name: string;
  /** Its base URL ("http://127.0.0.1:PORT/"), once started. */
  readonly url: string;
  /** Every request read, oldest first. */
  readonly received: Received[];
  /** The fault mode in force. */
  readonly currentFault: Fault;
  /** Sets the fault mode; `{mode: 'none'}` heals it. `times` limits it to that many requests. */
  fault(f: Fault, times?: number): void;
  /** Forgets what was received (between tests). */
  clear(): void;
  /** The raw Node handler, for mounting the stand-in elsewhere. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Listens on 127.0.0.1:port (0 for an ephemeral port) and resolves with `url`. */
  start(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** What a stand-in may need from the demo: the catalog its recommendations come from. */
export interface StandInContext {
  catalog: Product[];
}

export type StandInFactory = (ctx: StandInContext) => StandIn;
