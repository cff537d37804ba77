// The rules the browser and the relay share, defined once: when to try again and how long to wait,
// what the relay's endpoints take and answer, which vendors recommend, and the vendors' id and kind
// rules that both sides check. Platform-free: no DOM, no Node (tsconfig.pure.json checks that).
import type { TrackedEvent } from './types';

/** Retry backoff: 1 s doubling to 5 min, with ±50 % jitter so tabs, shoppers and relays do not retry in step. */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 5 * 60 * 1000;

/** The wait before try number `tries + 1`; `random` in [0, 1) gives the jitter. */
export const backoff = (tries: number, random: number): number =>
  Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (tries - 1)) * (0.5 + random);

/** Whether the same request may succeed later: no answer (0), 408, 429 or 5xx (RFC 9110). */
export const retryable = (status: number): boolean => !status || status == 408 || status == 429 || status >= 500;

/** A 2xx status. */
export const succeeded = (status: number): boolean => status >= 200 && status < 300;

/**
 * A Retry-After header in milliseconds from `now`: either form of RFC 9110 (delay-seconds, which
 * 429 and 503 answers mostly use, or an HTTP-date); 0 when absent, past or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number {
  if (!header) return 0;
  const ms = +header >= 0 ? +header * 1000 : Date.parse(header) - now;
  return ms > 0 ? ms : 0;
}

/** The vendors whose recommendations the widgets show, and that clicks and impressions name. */
export const REC_SOURCES = ['datacue', 'quarticon', 'aqurate'] as const;
export type RecSource = (typeof REC_SOURCES)[number];

/** Quarticon's cookie, device, user, placement and product ids allow these characters only (seeds/002). */
export const QUARTICON_ID = /^[\w-]+$/;
/** The characters a Quarticon id may not hold. */
export const NOT_QUARTICON_ID = /[^\w-]/g;
/** The value when Quarticon would take it as an id (an email as user id, say, it would refuse). */
export const quarticonId = (v: string | null | undefined): string | undefined => (v && QUARTICON_ID.test(v) ? v : undefined);

/** Aqurate's item-to-item recommendation kinds (notes/vendors.md). */
export const AQURATE_REC_KINDS = ['upsell', 'cross-sell', 'substitutes'] as const;
export type AqurateRecKind = (typeof AQURATE_REC_KINDS)[number];
export const isAqurateRecKind = (v: unknown): v is AqurateRecKind => AQURATE_REC_KINDS.includes(v as AqurateRecKind);

// The relay's wire format (src/relay/handler.ts serves it, src/browser and src/widgets call it).

/** POST <relay>/events takes this body. */
export const RELAY_EVENTS_PATH = '/events';
export interface RelayBatch {
  events: TrackedEvent[];
}
/** Events one request may carry. */
export const RELAY_MAX_EVENTS = 500;
/** The relay's verdict on one event of a batch. */
export interface RelayResult {
  id: string;
  status: 'accepted' | 'duplicate' | 'invalid';
  error?: string;
}
/** The relay's answer to POST <relay>/events: one result per event, in the order sent. */
export interface RelayAnswer {
  results: RelayResult[];
}

/** GET <relay>/recs/quarticon?<query>: Quarticon's /recommendation envelope, passed on (seeds/002). */
export const RELAY_QUARTICON_RECS = '/recs/quarticon';
/** The query the widgets send, as Quarticon's /recommendation names it. */
export interface QuarticonRecQuery {
  placementId: string;
  cookie: string;
  userId?: string;
  filterProduct?: string;
  filterCategory?: string;
}
/** Which of those are Quarticon ids (the rest is free text). */
export const QUARTICON_REC_PARAMS: { [k in keyof QuarticonRecQuery]-?: 'id' | 'text' } = {
  placementId: 'id',
  cookie: 'id',
  userId: 'id',
  filterProduct: 'id',
  filterCategory: 'text',
};

/** GET <relay>/recs/aqurate/<kind>?product_id=<id> answers this. */
export const RELAY_AQURATE_RECS = '/recs/aqurate/';
export interface AqurateRecsAnswer {
  items: AqurateRecItem[];
}
/** A recommended item as the relay passes it on and the widgets draw it. */
export interface AqurateRecItem {
  product_id: string;
  name?: string;
  price?: number;
  photo_url?: string;
  link?: string;
}
