// DataCue's backend API behind the relay (seeds/001, Authentication, Products, Users, Orders, Batch):
// every request signed with the API secret, which stays in the relay's config and its log scrubber.
import { createHmac } from 'node:crypto';
import { DATACUE_API_URL, DATACUE_BATCH_MAX, DATACUE_ENTITIES, type DataCueRequest, planDataCue, readMultiStatus } from '../vendors/datacue-backend';
import type { SyncEntry } from './store';
import type { DataSender, RecordResult } from './sync';
import type { VendorModule } from './vendor';
import { datacueEvents } from './datacue-events';
import { datacueEventsUrl } from '../vendors/datacue';
import { retryable } from '../events/policy';
import { vendorRequest } from './vendor-http';

export interface DataCueBackendSettings {
  url: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
}

/** Times DataCue may refuse one item of a batch (a 207 "error") before it is reported as failed. */
export const DATACUE_ITEM_TRIES = 3;

/** The password: hex HMAC-SHA256 of the exact body bytes, keyed with the API secret; "" for no body. */
export const datacueSignature = (secret: string, body: string): string => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

/** `Authorization: Basic base64(api_key + ":" + signature)` (seeds/001, Authentication). */
export const datacueBackendAuth = (apiKey: string, secret: string, body: string): string =>
  'Basic ' + Buffer.from(apiKey + ':' + datacueSignature(secret, body), 'utf8').toString('base64');

type ItemResult = RecordResult;

/** Sends one request; one result per item it carries. */
async function sendRequest(s: DataCueBackendSettings, req: DataCueRequest, entries: SyncEntry[]): Promise<ItemResult[]> {
  // The bytes signed are the bytes sent.
  const body = req.body === undefined ? '' : JSON.stringify(req.body);
  const headers: Record<string, string> = { authorization: datacueBackendAuth(s.apiKey, s.apiSecret, body) };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  const a = await vendorRequest(s.url + req.path, { method: req.method, headers, body: req.body === undefined ? undefined : body }, s.timeoutMs);
  const why = 'datacue answered ' + (a.status || a.error) + ' to ' + req.method + ' ' + req.path + (a.body ? ': ' + a.body.slice(0, 300) : '');
  const all = (r: ItemResult) => req.owners.map(() => r);
  // A record already gone is what a delete wants.
  if (req.method == 'DELETE' && !req.batch && a.status == 404) return all({ ok: true });
  // A wrong key or secret is the shop's to fix: keep the records until it is.
  if (retryable(a.status) || a.status == 401 || a.status == 403) return all({ retry: why, after: a.retryAfter });
  if (a.status < 200 || a.status >= 300) return all({ error: why });
  if (!req.batch || a.status != 207) return all({ ok: true });
  let answer: unknown;
  try {
    answer = JSON.parse(a.body);
  } catch {
    return all({ retry: 'datacue answered 207 without a JSON body to ' + req.method + ' ' + req.path });
  }
  const items = (req.body as { batch: { [k: string]: unknown }[] }).batch;
  return readMultiStatus(answer, items).map((r, i) => {
    if ('ok' in r) return r;
    // A create retried after a partial success (another variant of the product failed) finds it there.
    if (req.method == 'POST' && /already exists/i.test(r.error)) return { ok: true };
    const entry = entries[req.owners[i]];
    const error = 'datacue refused ' + req.method + ' ' + req.path + ' item: ' + r.error;
    return entry.tries >= DATACUE_ITEM_TRIES ? { error } : { retry: error };
  });
}

/** The worse of two results: refused, then retry, then delivered. */
const worse = (a: RecordResult, b: RecordResult): RecordResult => ('error' in a ? a : 'error' in b ? b : 'retry' in a ? a : b);

export function datacueSender(s: DataCueBackendSettings): DataSender {
  return {
    entities: DATACUE_ENTITIES,
    batch: DATACUE_BATCH_MAX,
    async send(entries) {
      const plan = planDataCue(entries.map((e) => ({ entity: e.entity, op: e.op, record: JSON.parse(e.record), delivered: e.delivered })));
      const results: RecordResult[] = entries.map(() => ({ ok: true }));
      for (const { index, error } of plan.invalid) results[index] = { error };
      for (const req of plan.requests) {
        const items = await sendRequest(s, req, entries);
        req.owners.forEach((owner, i) => (results[owner] = worse(results[owner], items[i])));
      }
      return results;
    },
  };
}

/** DataCue's keys in the relay's config: the backend API needs the key and the secret. */
export interface DataCueConfig {
  datacueApiUrl: string;
  datacueApiKey?: string;
  datacueApiSecret?: string;
  datacueEventsUrl: string;
}

export const datacueModule: VendorModule<DataCueConfig> = {
  name: 'datacue',
  fields: {
    datacueApiUrl: { kind: 'url', default: DATACUE_API_URL },
    // The public key: alone it turns on DataCue's browser events through the relay (datacue-events.ts);
    // with the secret, the shop's records too (the backend API).
    datacueApiKey: { kind: 'str' },
    datacueApiSecret: { kind: 'secret' },
    datacueEventsUrl: { kind: 'url', default: datacueEventsUrl() },
  },
  check: (c) => (c.datacueApiSecret && !c.datacueApiKey ? ['datacueApiSecret: needs datacueApiKey'] : []),
  create(c, ctx) {
    if (!c.datacueApiKey) return undefined;
    const events = datacueEvents({ url: c.datacueEventsUrl, apiKey: c.datacueApiKey, timeoutMs: ctx.timeoutMs }, ctx);
    return {
      forwarder: events.forwarder,
      routes: [events.route],
      sender: c.datacueApiSecret ? datacueSender({ url: c.datacueApiUrl, apiKey: c.datacueApiKey, apiSecret: c.datacueApiSecret, timeoutMs: ctx.timeoutMs }) : undefined,
    };
  },
};
