// Sends a vendor mapper's plan (src/vendors/plan.ts) and turns the answers into one result a queued
// record: a record is delivered when every request that carries it was, and refused records are
// reported with the mapper's field and rule.
import { retryable, succeeded } from '../events/policy';
import type { Plan, PlannedRequest } from '../vendors/plan';
import type { SyncEntry } from './store';
import type { RecordResult } from './sync';
import type { VendorAnswer } from './vendor-http';

/** The worse of two results: refused, then retry, then delivered. */
export const worse = (a: RecordResult, b: RecordResult): RecordResult => ('error' in a ? a : 'error' in b ? b : 'retry' in a ? a : b);

/** A vendor's answer as a result: 2xx delivered; no answer, 408, 429 and 5xx retried; other 4xx refused. */
export function answerResult(vendor: string, req: { method: string; path: string }, a: VendorAnswer): RecordResult {
  if (succeeded(a.status)) return { ok: true };
  const why = vendor + ' answered ' + (a.status || a.error) + ' to ' + req.method + ' ' + req.path + (a.body ? ': ' + a.body.slice(0, 300) : '');
  // A wrong key is the shop's to fix: keep the records until it is.
  return retryable(a.status) || a.status == 401 || a.status == 403 ? { retry: why, after: a.retryAfter } : { error: why };
}

/** The queued entries as the pure mappers read them. */
export const changesOf = (entries: SyncEntry[]) =>
  entries.map((e) => ({ entity: e.entity, op: e.op, record: JSON.parse(e.record) as { [field: string]: unknown }, delivered: e.delivered }));

/**
 * Sends the plan's requests one after another; one result per entry. Once a request asks to wait
 * (a retry), the later ones are not sent in this claim: they would meet the same limit.
 */
export async function sendPlan<B>(count: number, plan: Plan<B>, send: (req: PlannedRequest<B>) => Promise<RecordResult>): Promise<RecordResult[]> {
  const results: RecordResult[] = Array.from({ length: count }, () => ({ ok: true }));
  for (const { index, error } of plan.invalid) results[index] = { error };
  let held: RecordResult | undefined;
  for (const req of plan.requests) {
    const r = held || (await send(req));
    if ('retry' in r) held = r;
    for (const owner of req.owners) results[owner] = worse(results[owner], r);
  }
  return results;
}
