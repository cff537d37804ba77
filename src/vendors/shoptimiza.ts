// Shoptimiza's sales file (seeds/004_037bf42be56d43f5.txt) and its X-Shoptimiza-Auth header (their
// authentication page, as notes/vendors.md records it). Pure: the two digests come from the caller
// (node:crypto in the relay), so this file needs no platform.

/**
 * The seed names only the path (`$API_KEY/sales-file`); notes/vendors.md shows their API host as
 * `api.shoptimiza.com`. Assumed, and configurable (`shoptimizaUrl`).
 */
export const SHOPTIMIZA_URL = 'https://api.shoptimiza.com';

/** "You should upload the file every 7 days"; they fetch a published one every 7 days too (seeds/004). */
export const SHOPTIMIZA_UPLOAD_EVERY_MS = 7 * 24 * 3600 * 1000;

/** "The last 6 months/1 year sales" (seeds/004): a year by default. */
export const SALES_FILE_MONTHS = 12;

/**
 * How far the header's time may be from ours, either way. Their page does not say (notes/vendors.md):
 * five minutes covers clocks kept by NTP and a slow request, and keeps a captured header short-lived.
 */
export const SHOPTIMIZA_MAX_SKEW_MINUTES = 5;

/** The upload's URL: `<host>/$API_KEY/sales-file` (seeds/004). */
export const salesFileUploadUrl = (host: string, apiKey: string): string => host.replace(/\/+$/, '') + '/' + encodeURIComponent(apiKey) + '/sales-file';

// ---------------------------------------------------------------------------------------------------
// X-Shoptimiza-Auth

/** The header's digests, each as base64; the relay passes node:crypto's. */
export interface ShoptimizaDigests {
  /** base64 of HMAC-SHA256 of `message` keyed with `secret`. */
  hmacSha256(secret: string, message: string): string;
}

/** Verbs signed without a body, and with one (the body's SHA-1 joins the signed string). */
const WITHOUT_BODY = ['GET', 'HEAD', 'DELETE'];
const WITH_BODY = ['POST', 'PUT'];

export interface ShoptimizaRequest {
  /** GET, HEAD, DELETE, POST or PUT (any case). */
  verb: string;
  /** The full URL; the protocol is not signed ("api.shoptimiza.com/some_function"). */
  url: string;
  /** For POST and PUT: base64 of the SHA-1 of the body bytes. */
  bodySha1?: string;
}

/** The URL as it is signed: without `http://` or `https://`. */
export const urlWithoutProtocol = (url: string): string => url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');

/** Whether the verb signs a body (POST, PUT) or not (GET, HEAD, DELETE); throws for any other verb. */
function signsBody(verb: string): boolean {
  const v = verb.toUpperCase();
  if (WITHOUT_BODY.includes(v)) return false;
  if (WITH_BODY.includes(v)) return true;
  throw new Error('X-Shoptimiza-Auth: verb must be one of ' + WITHOUT_BODY.concat(WITH_BODY).join(', ') + ', got ' + verb);
}

/**
 * The string the signature covers: `<apiKey>.<time>.<VERB>.<url without protocol>`, and for POST and
 * PUT `.<bodySha1>` after it.
 */
export function shoptimizaSignedString(apiKey: string, unixTime: number, r: ShoptimizaRequest): string {
  const s = apiKey + '.' + unixTime + '.' + r.verb.toUpperCase() + '.' + urlWithoutProtocol(r.url);
  if (!signsBody(r.verb)) return s;
  if (!r.bodySha1) throw new Error('X-Shoptimiza-Auth: a ' + r.verb.toUpperCase() + ' signs the SHA-1 of its body; bodySha1 is required');
  return s + '.' + r.bodySha1;
}

/**
 * The header's value: `<apiKey>.<time>.<signature>` for GET, HEAD and DELETE;
 * `<apiKey>.<time>.<bodySha1>.<signature>` for POST and PUT. `unixTime` is in seconds.
 */
export function shoptimizaAuth(apiKey: string, secret: string, unixTime: number, r: ShoptimizaRequest, d: ShoptimizaDigests): string {
  const signature = d.hmacSha256(secret, shoptimizaSignedString(apiKey, unixTime, r));
  return apiKey + '.' + unixTime + '.' + (signsBody(r.verb) ? r.bodySha1 + '.' : '') + signature;
}

export interface ShoptimizaCheck {
  apiKey: string;
  secret: string;
  /** Our time, in ms since the epoch. */
  now: number;
  /** The clock-skew window, either way; SHOPTIMIZA_MAX_SKEW_MINUTES by default. */
  maxSkewMinutes?: number;
}

/** Comparison whose time does not depend on where two strings first differ. */
function sameString(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i % (a.length || 1)) || 0) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Why a request's X-Shoptimiza-Auth does not check out, or undefined when it does: the key is ours, the
 * time within the window, the body's SHA-1 (POST, PUT) that of the body received, and the signature
 * the one we compute.
 */
export function shoptimizaAuthInvalid(header: string | undefined, r: ShoptimizaRequest, c: ShoptimizaCheck, d: ShoptimizaDigests): string | undefined {
  if (!header) return 'X-Shoptimiza-Auth is missing';
  // The key comes first and may itself hold dots; the rest is split.
  if (!header.startsWith(c.apiKey + '.')) return 'X-Shoptimiza-Auth: not signed with this shop\'s API key';
  const body = signsBody(r.verb);
  const parts = header.slice(c.apiKey.length + 1).split('.');
  if (parts.length != (body ? 3 : 2)) return 'X-Shoptimiza-Auth: must be <apiKey>.<time>.' + (body ? '<bodySha1>.' : '') + '<signature>';
  const time = parts[0];
  if (!/^\d{1,12}$/.test(time)) return 'X-Shoptimiza-Auth: the time must be a UNIX time in seconds';
  const skewMs = (c.maxSkewMinutes ?? SHOPTIMIZA_MAX_SKEW_MINUTES) * 60000;
  const age = c.now - +time * 1000;
  if (age > skewMs) return 'X-Shoptimiza-Auth: stale (signed ' + Math.round(age / 1000) + ' s ago; the window is ' + skewMs / 1000 + ' s)';
  if (-age > skewMs) return 'X-Shoptimiza-Auth: from the future (' + Math.round(-age / 1000) + ' s ahead; the window is ' + skewMs / 1000 + ' s)';
  if (body && !sameString(parts[1], r.bodySha1 || '')) return 'X-Shoptimiza-Auth: the body signature is not the SHA-1 of the body received';
  const expected = d.hmacSha256(c.secret, shoptimizaSignedString(c.apiKey, +time, { ...r, bodySha1: body ? parts[1] : undefined }));
  if (!sameString(parts[parts.length - 1], expected)) return 'X-Shoptimiza-Auth: wrong signature';
}

// ---------------------------------------------------------------------------------------------------
// The sales file

/** What a sales-file line needs of an order (data/types.ts Order). */
export interface SalesOrder {
  order_id: string;
  status?: string;
  /** ISO 8601. */
  created_at: string;
  lines: { product_id: string }[];
}

/** One line of the file: `key` the order id, `items` its distinct product ids, all strings (seeds/004). */
export interface SalesLine {
  key: string;
  items: string[];
}

/** The start of the file's window: `months` before `now`, in ms since the epoch. */
export function salesFileSince(now: number, months = SALES_FILE_MONTHS): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/**
 * An order's line, or undefined for an order that is no sale of the window: placed before `since`,
 * cancelled (never sold), or without products. Returned orders stay: they were bought together.
 * "We are only interested in the different products, not their quantities" (seeds/004).
 */
export function salesLine(o: SalesOrder, since: number): SalesLine | undefined {
  if (o.status == 'cancelled') return;
  const placed = Date.parse(o.created_at);
  if (!(placed >= since)) return;
  const items: string[] = [];
  for (const l of o.lines) {
    const id = String(l.product_id);
    if (!items.includes(id)) items.push(id);
  }
  return items.length ? { key: String(o.order_id), items } : undefined;
}

/** The sales file as it is read: one JSON line an order of the window, never the whole file at once. */
export async function* salesFile(orders: AsyncIterable<SalesOrder> | Iterable<SalesOrder>, since: number): AsyncGenerator<string> {
  for await (const o of orders) {
    const line = salesLine(o, since);
    if (line) yield JSON.stringify(line) + '\n';
  }
}
