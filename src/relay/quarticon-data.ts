// Quarticon's catalog and profiles behind the relay (seeds/002_b9effc4c9bb4f847.txt): /data/product,
// /collectprofile and /contact with the secret x-api-key, one object a request, the envelope read on
// every answer (a 200 with status "ERROR" is a refusal).
import { quarticonError } from '../vendors/quarticon';
import { type QuarticonDataOptions, planQuarticonData } from '../vendors/quarticon-data';
import { answerResult, changesOf, sendPlan } from './plan-send';
import type { DataSender, RecordResult } from './sync';
import { vendorRequest } from './vendor-http';

export interface QuarticonDataSettings extends QuarticonDataOptions {
  url: string;
  apiKey: string;
  acceptVersion?: string;
  timeoutMs?: number;
}

/** Records a claim takes: each is its own request (one or two for a customer), sent one after another. */
export const QUARTICON_DATA_CLAIM = 50;

const parse = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

export function quarticonDataSender(s: QuarticonDataSettings): DataSender {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': s.apiKey };
  if (s.acceptVersion) headers['accept-version'] = s.acceptVersion;
  return {
    entities: ['product', 'customer'],
    batch: QUARTICON_DATA_CLAIM,
    async send(entries) {
      return sendPlan(entries.length, planQuarticonData(changesOf(entries), s), async (req): Promise<RecordResult> => {
        const a = await vendorRequest(s.url + req.path, { method: 'POST', headers, body: JSON.stringify(req.body) }, s.timeoutMs);
        const answer = parse(a.body);
        // Every answer is an envelope; one that says ERROR is a refusal whatever the status.
        const envelope = answer && typeof answer == 'object' ? quarticonError(answer) : undefined;
        const r = answerResult('quarticon', req, a);
        if (envelope && !('retry' in r)) return { error: 'quarticon refused ' + req.path + ': ' + envelope };
        return r;
      });
    },
  };
}

/** GET /contact: what Quarticon holds for an email (seeds/002, "GET /contact"), its envelope's data. */
export async function quarticonGetContact(s: QuarticonDataSettings, email: string): Promise<{ status: number; body: unknown }> {
  const a = await vendorRequest(s.url + '/contact?' + new URLSearchParams({ email }), { method: 'GET', headers: { 'x-api-key': s.apiKey } }, s.timeoutMs);
  const answer = parse(a.body);
  const error = quarticonError(answer);
  if (a.status == 200 && !error) return { status: 200, body: (answer as { data?: unknown }).data ?? null };
  return { status: a.status == 404 ? 404 : 502, body: { error: 'quarticon answered ' + (a.status || a.error) + (error ? ': ' + error : '') } };
}
