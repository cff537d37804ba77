// What a vendor is to the relay: one module that declares its config fields (and which are secret),
// and from a config builds its browser-event forwarder, its data sender and its routes. The config
// loader, the handler, the log scrubber and the status endpoint read these; none of them names a
// vendor. docs/relay.md, "Adding a vendor".
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { VendorBudget } from './budget';
import type { Forwarder } from './forward';
import type { Log } from './log';
import type { RelayStore } from './store';
import type { DataSender } from './sync';

/** How a config field is read: `secret` is a string kept out of the log and every answer. */
export type FieldKind = 'str' | 'secret' | 'url' | 'int' | 'bool';

export interface VendorField {
  kind: FieldKind;
  /** The value when the field is not set; without one the field is optional (undefined). */
  default?: string | number | boolean;
}

/** What a vendor's parts may use from the relay. */
export interface VendorContext {
  store: RelayStore;
  log: Log;
  now: () => number;
  /** The relay's timeout for a vendor request (config.vendorTimeoutMs). */
  timeoutMs: number;
  /** The shop's one request budget for `vendor` (interval and 429 pauses), shared by all its senders. */
  budget(vendor: string, intervalMs: number): VendorBudget;
  /** New jobs are in the store: the forwarders send them now. */
  wake(): void;
}

/** An answer of a vendor route, sent as JSON. */
export interface RouteAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a POST route gets of its request: the headers, and the body (at most maxBodyBytes). */
export interface RouteRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A route under the relay's base path: a GET answered as JSON (the widgets' recommendations) or served
 * by the vendor itself with the request's headers at hand (Shoptimiza's streamed sales file), or a POST
 * answered as JSON (DataCue's browser events; a relay that is closing answers those with 503).
 */
export interface VendorRoute {
  /** The path under the base path; a prefix when it ends with "/" (the rest is in `rest`). */
  path: string;
  method?: 'GET' | 'POST';
  handle?(query: URLSearchParams, rest: string, request: RouteRequest): Promise<RouteAnswer>;
  /** Answers a GET or HEAD itself: its own status, headers and (streamed) body. */
  serve?(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** A configured vendor's parts; each is optional. */
export interface VendorParts {
  /** Browser events to the vendor, through the outbox. */
  forwarder?: Forwarder;
  /** The shop's records to the vendor, through the sync queue. */
  sender?: DataSender;
  routes?: VendorRoute[];
  /** Work of its own beside the queues (Shoptimiza's upload every 7 days): started with the relay. */
  start?(): void;
  /** Ends that work; the relay waits for it before closing the store. */
  stop?(): Promise<void>;
}

export interface VendorModule<C = { [key: string]: unknown }> {
  /** The vendor's name in the store, the log and the status ("datacue"). */
  readonly name: string;
  /** Its config keys (the keys of C), each starting with the vendor's name ("datacueApiSecret"). */
  readonly fields: { readonly [key: string]: VendorField };
  /** Problems of its fields taken together ("set both, or neither"), each naming the fields. */
  check?(config: C): string[];
  /** Its parts when the config turns it on, undefined when it is not configured. */
  create(config: C, ctx: VendorContext): VendorParts | undefined;
}
