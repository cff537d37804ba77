// A local stand-in of Shoptimiza's Sales File API (seeds/004_037bf42be56d43f5.txt; notes/vendors.md):
// POST /$API_KEY/sales-file with the file as the body and X-Shoptimiza-Auth checked as their
// authentication page defines it (key, a fresh time, the body's SHA-1, the signature recomputed);
// every line must be a JSON object {key: string, items: distinct strings}. It also plays Shoptimiza's
// fetcher of a published file: fetchPublished() GETs a URL with the header Shoptimiza sends.
import { nodeDigests, sha1Base64 } from '../../src/relay/shoptimiza';
import { shoptimizaAuth, shoptimizaAuthInvalid } from '../../src/vendors/shoptimiza';
import { standIn } from './serve';
import type { Reply, StandIn } from './types';

export const SHOPTIMIZA_DEMO_KEY = 'demo-shoptimiza-key';
export const SHOPTIMIZA_DEMO_SECRET = 'demo-shoptimiza-shared-secret';
/** A year of a large shop's orders; the stand-in's own cap (the seed states none). */
const MAX_FILE = 64 * 1024 * 1024;

type Obj = { [k: string]: unknown };

/** Why a line of a sales file breaks the seed, or undefined when it does not. */
export function salesLineInvalid(text: string): string | undefined {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    return 'not a JSON object';
  }
  if (typeof line != 'object' || line === null || Array.isArray(line)) return 'not a JSON object';
  const l = line as Obj;
  for (const k in l) if (k != 'key' && k != 'items') return k + ': not a field of a sales line (key, items)';
  if (typeof l.key != 'string' || !l.key) return 'key must be the order id as a string';
  if (!Array.isArray(l.items) || !l.items.length) return 'items must be a non-empty array of product ids';
  if (l.items.some((i) => typeof i != 'string' || !i)) return 'items must be product ids as strings';
  if (new Set(l.items).size != l.items.length) return 'items must be distinct ("only interested in the different products")';
}

export interface ShoptimizaStandIn extends StandIn {
  /** Every file uploaded and accepted: its lines, parsed, and when it arrived. */
  uploads(): { at: number; lines: { key: string; items: string[] }[] }[];
  /** GETs a published sales file as Shoptimiza does, with a header signed now (or at `unixTime`). */
  fetchPublished(url: string, o?: { unixTime?: number; secret?: string }): Promise<Response>;
}

export function createShoptimizaStandIn(_ctx?: unknown, o: { apiKey?: string; secret?: string } = {}): ShoptimizaStandIn {
  const apiKey = o.apiKey || SHOPTIMIZA_DEMO_KEY;
  const secret = o.secret || SHOPTIMIZA_DEMO_SECRET;
  const uploads: { at: number; lines: { key: string; items: string[] }[] }[] = [];
  const error = (status: number, reason: string): Reply => ({ status, reason, json: { error: reason } });

  const handle = (r: { method: string; path: string; headers: { [k: string]: unknown }; raw: string }): Reply => {
    const path = new URL(r.path, 'http://shoptimiza.invalid').pathname;
    if (path != '/' + encodeURIComponent(apiKey) + '/sales-file') return error(404, r.method + ' ' + path + ' is not an endpoint of this stand-in');
    if (r.method != 'POST') return error(405, 'the sales file is POSTed');
    const header = r.headers['x-shoptimiza-auth'];
    // Signed over the URL the shop posted to, without the protocol.
    const why = shoptimizaAuthInvalid(typeof header == 'string' ? header : undefined, { verb: 'POST', url: s.url.replace(/\/$/, '') + r.path, bodySha1: sha1Base64(r.raw) }, { apiKey, secret, now: Date.now() }, nodeDigests);
    if (why) return error(401, why);
    const lines: { key: string; items: string[] }[] = [];
    const texts = r.raw.split('\n');
    if (texts[texts.length - 1] === '') texts.pop();
    for (const [i, text] of texts.entries()) {
      const bad = salesLineInvalid(text);
      if (bad) return error(400, 'line ' + (i + 1) + ': ' + bad);
      lines.push(JSON.parse(text));
    }
    uploads.push({ at: Date.now(), lines });
    return { status: 200, json: { status: 'ok', orders: lines.length } };
  };

  const s = standIn({ name: 'shoptimiza', handle, allowHeaders: ['Content-Type', 'X-Shoptimiza-Auth'], maxBody: MAX_FILE });
  return Object.assign(s, {
    uploads: () => uploads,
    fetchPublished(url: string, f: { unixTime?: number; secret?: string } = {}) {
      const time = f.unixTime ?? Math.floor(Date.now() / 1000);
      return fetch(url, { headers: { 'x-shoptimiza-auth': shoptimizaAuth(apiKey, f.secret ?? secret, time, { verb: 'GET', url }, nodeDigests) } });
    },
    clear() {
      s.received.length = 0;
      uploads.length = 0;
    },
  });
}
