// Aqurate behind the relay: website_events rows from every shopper, pushed with the secret X-Auth-Token
// at most once a second for the whole shop (seeds/000_e974799954d6ed8c.txt; notes/vendors.md), and the
// widgets' item-to-item recommendations.
import { asNum } from '../events/validate';
import type { TrackedEvent } from '../events/types';
import { AQURATE_REC_KINDS, type AqurateRecItem, type AqurateRecKind, type AqurateRecsAnswer, RELAY_AQURATE_RECS, isAqurateRecKind, retryable, succeeded } from '../events/policy';
import { AQURATE_MIN_INTERVAL_MS, AQURATE_URL, type AqurateState, toAqurate } from '../vendors/aqurate';
import type { VendorBudget } from './budget';
import type { Forwarder } from './forward';
import { aqurateTablesSender } from './aqurate-tables';
import type { VendorModule } from './vendor';
import { vendorRequest } from './vendor-http';

export interface AqurateSettings {
  url: string;
  token: string;
  recsToken?: string;
  /** The shop's one Aqurate budget (one request a second, paused after a 429): every request goes through it. */
  budget: VendorBudget;
  timeoutMs?: number;
}

/**
 * Rows per request. The seed gives no batch limit; this keeps a request well under a megabyte
 * (a row is about 200 bytes), and at one request a second it still carries 30,000 rows a minute.
 */
export const AQURATE_MAX_ROWS = 500;

/** Only cart updates and orders read or change the shopper's previous cart. */
const USES_CART = (t: TrackedEvent) => (t.e.type == 'cart' && t.e.subtype == 'update') || (t.e.type == 'order' && t.e.subtype == 'completed');

export function aqurateForwarder(s: AqurateSettings): Forwarder {
  return {
    name: 'aqurate',
    max: AQURATE_MAX_ROWS,
    parallel: 1,
    budget: s.budget,
    stateKey: (t) => (USES_CART(t) ? t.aid : undefined),
    plan(t, state) {
      const r = toAqurate(t, state ? (JSON.parse(state) as AqurateState) : undefined);
      return { jobs: r.rows, state: r.state && JSON.stringify(r.state) };
    },
    async send(rows) {
      // The seed defines the table's columns, not the request body: a JSON array of rows.
      const a = await s.budget.request(
        s.url + '/input/website_events',
        { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': s.token }, body: JSON.stringify(rows) },
        s.timeoutMs,
      );
      if (succeeded(a.status)) return { ok: true };
      const why = 'aqurate answered ' + (a.status || a.error) + (a.body ? ': ' + a.body.slice(0, 200) : '');
      return retryable(a.status) ? { retry: why, after: a.retryAfter } : { error: why };
    },
  };
}

/**
 * Aqurate's item-recommendation request is not in the seed. Designed from notes/vendors.md (kinds
 * upsell, cross-sell, substitutes, queried by product_id, a key with read:item_recs):
 *   GET <aqurateUrl>/recommendations/items/<kind>?product_id=<id>   X-Auth-Token: <key>
 *   200 {"recommendations": [{"product_id", "name", "price", "photo_url", "item_uri"}]}
 * with the items table's column names (seeds/000). The normaliser also takes a bare array or an
 * `items` list, and skips entries without a product_id.
 */
export function normaliseAqurateRecs(answer: unknown): AqurateRecItem[] {
  const a = answer as { recommendations?: unknown; items?: unknown } | unknown[] | null;
  const list = Array.isArray(a) ? a : a && typeof a == 'object' ? (a.recommendations ?? a.items) : undefined;
  if (!Array.isArray(list)) return [];
  const out: AqurateRecItem[] = [];
  for (const x of list) {
    if (!x || typeof x != 'object') continue;
    const r = x as { [k: string]: unknown };
    const id = typeof r.product_id == 'number' ? String(r.product_id) : r.product_id;
    if (typeof id != 'string' || !id) continue;
    const item: AqurateRecItem = { product_id: id };
    if (typeof r.name == 'string') item.name = r.name;
    const price = asNum(r.price);
    if (price !== undefined) item.price = price;
    if (typeof r.photo_url == 'string') item.photo_url = r.photo_url;
    const link = r.item_uri ?? r.link;
    if (typeof link == 'string') item.link = link;
    out.push(item);
  }
  return out;
}

export async function aqurateRecs(
  s: AqurateSettings,
  kind: AqurateRecKind,
  productId: string,
): Promise<{ status: number; body: AqurateRecsAnswer | { error: string }; retryAfterS?: number }> {
  // Recommendations are not queued behind the table pushes' interval (a page waits for them), but while
  // Aqurate has asked the shop to wait, nothing is sent to it.
  const paused = await s.budget.pausedUntil();
  if (paused) return { status: 503, body: { error: 'aqurate asked to wait until ' + new Date(paused).toISOString() }, retryAfterS: Math.ceil((paused - Date.now()) / 1000) };
  const a = await vendorRequest(
    s.url + '/recommendations/items/' + kind + '?' + new URLSearchParams({ product_id: productId }),
    { method: 'GET', headers: { accept: 'application/json', 'x-auth-token': s.recsToken || s.token } },
    s.timeoutMs,
  );
  if (a.status == 429 && a.retryAfter) await s.budget.pause(Date.now() + a.retryAfter);
  if (!succeeded(a.status)) return { status: 502, body: { error: a.status ? 'aqurate answered ' + a.status : 'aqurate unreachable: ' + a.error } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(a.body);
  } catch {
    return { status: 502, body: { error: 'aqurate answered with something other than JSON' } };
  }
  return { status: 200, body: { items: normaliseAqurateRecs(parsed) } };
}

/** Aqurate's keys in the relay's config. */
export interface AqurateConfig {
  aqurateUrl: string;
  aqurateToken?: string;
  /** A key with read:item_recs, when the write key lacks it; defaults to aqurateToken. */
  aqurateRecsToken?: string;
  /** Least time between two Aqurate requests; never below their 1 s limit. */
  aqurateIntervalMs: number;
}

export const aqurateModule: VendorModule<AqurateConfig> = {
  name: 'aqurate',
  fields: {
    aqurateUrl: { kind: 'url', default: AQURATE_URL },
    aqurateToken: { kind: 'secret' },
    aqurateRecsToken: { kind: 'secret' },
    aqurateIntervalMs: { kind: 'int', default: AQURATE_MIN_INTERVAL_MS },
  },
  check: (c) =>
    c.aqurateIntervalMs < AQURATE_MIN_INTERVAL_MS ? ['aqurateIntervalMs: Aqurate allows one request a second; must be at least ' + AQURATE_MIN_INTERVAL_MS] : [],
  create(c, ctx) {
    if (!c.aqurateToken) return undefined;
    const s: AqurateSettings = {
      url: c.aqurateUrl,
      token: c.aqurateToken,
      recsToken: c.aqurateRecsToken,
      budget: ctx.budget('aqurate', c.aqurateIntervalMs),
      timeoutMs: ctx.timeoutMs,
    };
    return {
      forwarder: aqurateForwarder(s),
      // The tables go through the same budget as website_events: one request a second for the shop.
      sender: aqurateTablesSender({ url: s.url, token: s.token, budget: s.budget, timeoutMs: s.timeoutMs }),
      routes: [
        {
          path: RELAY_AQURATE_RECS,
          async handle(query, kind) {
            if (!isAqurateRecKind(kind)) return { status: 404, body: { error: 'unknown kind; expected ' + AQURATE_REC_KINDS.join(', ') } };
            const pid = query.get('product_id');
            if (!pid || pid.length > 200 || /[\u0000-\u001f]/.test(pid)) return { status: 400, body: { error: 'product_id: required, at most 200 characters' } };
            const a = await aqurateRecs(s, kind, pid);
            return { status: a.status, body: a.body, headers: a.retryAfterS ? { 'retry-after': String(a.retryAfterS) } : undefined };
          },
        },
      ],
    };
  },
};
