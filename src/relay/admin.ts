// The admin API for the shop's backend hooks (docs/sync.md): upserts, deletes and order cancels of the
// shop's records, one or a batch, each answered accepted or invalid with the field and the rule; and
// GET /admin/status. A bearer token from the config, compared in constant time; any request a browser
// makes (Origin or Sec-Fetch-Site headers) is refused, so no page can reach it whatever its origin.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Entity } from '../data/types';
import type { SyncEngine, SyncInput } from './sync';

/** Records one request may carry: two DataCue batches' worth. */
export const ADMIN_MAX_RECORDS = 1000;

/** The admin paths' collection names. */
const COLLECTIONS: { [name: string]: Entity } = {
  products: 'product',
  variants: 'variant',
  categories: 'category',
  customers: 'customer',
  orders: 'order',
};

export interface AdminAnswer {
  status: number;
  body: unknown;
}

/** Why a request is refused before its body is read, or undefined when it may go on. */
export function adminRefusal(req: IncomingMessage, token: string | undefined): AdminAnswer | undefined {
  if (!token) return { status: 404, body: { error: 'the admin API is off: set adminToken in the relay config' } };
  // A browser sends Origin on every cross-origin or non-GET request, and Sec-Fetch-Site on every one
  // (Node's fetch sends Sec-Fetch-Mode too, so that one does not tell a browser apart).
  if (req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined)
    return { status: 403, body: { error: 'the admin API takes no request from a browser' } };
  const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
  // Digests of equal length, so that the comparison takes the same time whatever the given token is.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!m || !timingSafeEqual(digest(m[1]), digest(token))) return { status: 401, body: { error: 'Authorization: Bearer <adminToken> required' } };
}

/**
 * The changes a request asks for, or the problem with the request itself:
 *   POST   /admin/<collection>                    one record, an array, or {"records": [...]}: upserts
 *   POST   /admin/<collection>/delete             the same with id fields: deletes
 *   DELETE /admin/<collection>/<id>               one delete (variants: /admin/variants/<product_id>/<variant_id>)
 *   POST   /admin/orders/cancel                   [{"order_id"}]: cancels
 *   POST   /admin/orders/<id>/cancel              one cancel
 */
export function adminChanges(method: string, path: string, body: unknown): SyncInput[] | { status: number; error: string } {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const entity = COLLECTIONS[parts[1]];
  if (parts[0] != 'admin' || !entity) return { status: 404, error: 'not found; the admin API has /admin/' + Object.keys(COLLECTIONS).join(', /admin/') + ' and /admin/status' };
  const list = (): unknown[] | undefined => {
    const records = Array.isArray(body) ? body : body && typeof body == 'object' && 'records' in body ? (body as { records: unknown }).records : [body];
    return Array.isArray(records) ? records : undefined;
  };
  const many = (op: SyncInput['op']): SyncInput[] | { status: number; error: string } => {
    const records = list();
    if (!records) return { status: 400, error: 'records: must be an array' };
    if (records.length > ADMIN_MAX_RECORDS) return { status: 413, error: 'at most ' + ADMIN_MAX_RECORDS + ' records a request' };
    return records.map((record) => ({ entity, op, record }));
  };
  const rest = parts.slice(2);
  if (method == 'POST' && !rest.length) return many('upsert');
  if (method == 'POST' && rest.length == 1 && rest[0] == 'delete') return many('delete');
  if (method == 'POST' && entity == 'order' && rest.length == 1 && rest[0] == 'cancel') return many('cancel');
  if (method == 'POST' && entity == 'order' && rest.length == 2 && rest[1] == 'cancel') return [{ entity, op: 'cancel', record: { order_id: rest[0] } }];
  if (method == 'DELETE' && entity == 'variant' && rest.length == 2) return [{ entity, op: 'delete', record: { product_id: rest[0], variant_id: rest[1] } }];
  if (method == 'DELETE' && entity != 'variant' && rest.length == 1) return [{ entity, op: 'delete', record: { [entity + '_id']: rest[0] } }];
  return { status: 405, error: method + ' ' + path + ' is not an admin endpoint (docs/sync.md, "Admin API")' };
}

/** Handles one authorised admin request whose body has been read. */
export async function adminRequest(engine: SyncEngine, method: string, path: string, text: string, extraStatus: () => Promise<unknown>): Promise<AdminAnswer> {
  if (path == '/admin/status') {
    if (method != 'GET') return { status: 405, body: { error: '/admin/status takes GET' } };
    const sync = await engine.status();
    return { status: 200, body: { sync: sync.counts, errors: sync.errors, events: await extraStatus() } };
  }
  let body: unknown;
  // A cancel of one order needs no body.
  if (method == 'POST' && text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      return { status: 400, body: { error: 'the body must be JSON: a record, an array of records, or {"records": [...]}' } };
    }
  }
  const changes = adminChanges(method, path, body);
  if (!Array.isArray(changes)) return { status: changes.status, body: { error: changes.error } };
  const results = await engine.submit(changes);
  return { status: 200, body: { results } };
}
