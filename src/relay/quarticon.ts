// Quarticon behind the relay: events to POST /track/event with the secret x-api-key, and the widgets'
// recommendations from GET /recommendation (seeds/002_b9effc4c9bb4f847.txt).
import { QUARTICON_ID, QUARTICON_REC_PARAMS, type QuarticonRecQuery, RELAY_QUARTICON_RECS, retryable, succeeded } from '../events/policy';
import type { TrackedEvent } from '../events/types';
import { VendorRuleError } from '../vendors/plan';
import { QUARTICON_URL, type QuarticonEvent, quarticonError, toQuarticon } from '../vendors/quarticon';
import type { Forwarder } from './forward';
import { quarticonDataSender } from './quarticon-data';
import type { VendorModule } from './vendor';
import { vendorRequest } from './vendor-http';

export interface QuarticonSettings {
  url: string;
  customer: string;
  apiKey: string;
  acceptVersion?: string;
  timeoutMs?: number;
}

/** Quarticon takes one event a request; a few at once keep a busy shop's queue short. */
export const QUARTICON_PARALLEL = 4;

const parse = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/** The body for an event, null when Quarticon takes nothing for it, or why Quarticon would refuse it. */
function bodyFor(t: TrackedEvent, customer: string): QuarticonEvent | null | { refused: string } {
  try {
    return toQuarticon(t, customer);
  } catch (err) {
    if (err instanceof VendorRuleError) return { refused: err.message };
    throw err;
  }
}

export function quarticonForwarder(s: QuarticonSettings): Forwarder {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': s.apiKey };
  if (s.acceptVersion) headers['accept-version'] = s.acceptVersion;
  return {
    name: 'quarticon',
    max: 1,
    parallel: QUARTICON_PARALLEL,
    plan(t) {
      const body = bodyFor(t, s.customer);
      return { jobs: body && !('refused' in body) ? [body] : [] };
    },
    refusal(t) {
      const body = bodyFor(t, s.customer);
      return body && 'refused' in body ? body.refused : undefined;
    },
    async send([body]) {
      const a = await vendorRequest(s.url + '/track/event', { method: 'POST', headers, body: JSON.stringify(body) }, s.timeoutMs);
      if (retryable(a.status)) return { retry: 'quarticon answered ' + (a.status || a.error), after: a.retryAfter };
      // The error envelope (status "ERROR", data.error_code) may come with any status, 200 included.
      const err = a.body ? quarticonError(parse(a.body)) : undefined;
      if (succeeded(a.status) && !err) return { ok: true };
      return { error: 'quarticon answered ' + a.status + ': ' + (err || a.body.slice(0, 200)) };
    },
  };
}

const MAX_PARAM = 200;
const PARAMS = Object.keys(QUARTICON_REC_PARAMS) as (keyof QuarticonRecQuery)[];

/** Checks the widget's query (QUARTICON_REC_PARAMS): the problem, or the query to pass on. */
export function quarticonRecQuery(q: URLSearchParams): { error: string } | { query: QuarticonRecQuery } {
  const out: Partial<QuarticonRecQuery> = {};
  for (const k of q.keys()) if (!PARAMS.includes(k as keyof QuarticonRecQuery)) return { error: k + ': unknown parameter; expected ' + PARAMS.join(', ') };
  for (const k of PARAMS) {
    const v = q.get(k);
    if (v == null || v === '') continue;
    if (v.length > MAX_PARAM) return { error: k + ': longer than ' + MAX_PARAM + ' characters' };
    if (QUARTICON_REC_PARAMS[k] == 'id' && !QUARTICON_ID.test(v)) return { error: k + ': allows [a-zA-Z0-9-_] only' };
    if (/[\u0000-\u001f]/.test(v)) return { error: k + ': control characters are not allowed' };
    out[k] = v;
  }
  if (!out.placementId) return { error: 'placementId: required' };
  if (!out.cookie) return { error: 'cookie: required (the anonymous id)' };
  return { query: out as QuarticonRecQuery };
}

/** Quarticon's recommendation envelope, as it answered (seeds/002), with the status to answer. */
export async function quarticonRecs(s: QuarticonSettings, query: QuarticonRecQuery): Promise<{ status: number; body: unknown }> {
  const params = new URLSearchParams({ customer: s.customer, ...(query as unknown as Record<string, string>) });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (s.acceptVersion) headers['accept-version'] = s.acceptVersion;
  const a = await vendorRequest(s.url + '/recommendation?' + params, { method: 'GET', headers }, s.timeoutMs);
  const body = parse(a.body);
  if (succeeded(a.status) && body && typeof body == 'object') return { status: 200, body };
  if (body && typeof body == 'object' && (body as { status?: unknown }).status == 'ERROR') return { status: 502, body };
  const why = a.status ? 'quarticon answered ' + a.status : 'quarticon unreachable: ' + a.error;
  return { status: 502, body: { status: 'ERROR', timestamp: Math.floor(Date.now() / 1000), data: { error_code: 'relay.upstream', error_message: why } } };
}

/** Quarticon's keys in the relay's config. */
export interface QuarticonConfig {
  quarticonUrl: string;
  quarticonCustomer?: string;
  quarticonApiKey?: string;
  quarticonAcceptVersion?: string;
  /** The catalog's symbol in /data/product, when the account has several catalogs. */
  quarticonCatalogSymbol?: string;
  /** The shop's newsletter consent text, sent as /contact's agreement (its "c" is required). */
  quarticonNewsletterConsent?: string;
  /** Send first and last names as /contact tags firstname, lastname (the tags must exist in Quarticon's panel). */
  quarticonNameTags: boolean;
}

export const quarticonModule: VendorModule<QuarticonConfig> = {
  name: 'quarticon',
  fields: {
    quarticonUrl: { kind: 'url', default: QUARTICON_URL },
    quarticonCustomer: { kind: 'str' },
    quarticonCatalogSymbol: { kind: 'str' },
    quarticonNewsletterConsent: { kind: 'str' },
    quarticonNameTags: { kind: 'bool', default: false },
    quarticonApiKey: { kind: 'secret' },
    quarticonAcceptVersion: { kind: 'str' },
  },
  check(c) {
    const problems: string[] = [];
    if (c.quarticonCustomer && !QUARTICON_ID.test(c.quarticonCustomer)) problems.push('quarticonCustomer: allows [a-zA-Z0-9-_] only');
    if (!!c.quarticonCustomer != !!c.quarticonApiKey) problems.push('quarticonCustomer and quarticonApiKey: set both, or neither');
    return problems;
  },
  create(c, ctx) {
    if (!c.quarticonCustomer || !c.quarticonApiKey) return undefined;
    const s: QuarticonSettings = { url: c.quarticonUrl, customer: c.quarticonCustomer, apiKey: c.quarticonApiKey, acceptVersion: c.quarticonAcceptVersion, timeoutMs: ctx.timeoutMs };
    return {
      forwarder: quarticonForwarder(s),
      sender: quarticonDataSender({
        url: s.url,
        apiKey: s.apiKey,
        acceptVersion: s.acceptVersion,
        timeoutMs: s.timeoutMs,
        catalogSymbol: c.quarticonCatalogSymbol,
        newsletterConsent: c.quarticonNewsletterConsent,
        nameTags: c.quarticonNameTags,
      }),
      routes: [
        {
          path: RELAY_QUARTICON_RECS,
          async handle(query) {
            const q = quarticonRecQuery(query);
            if ('error' in q) return { status: 400, body: { error: q.error } };
            return quarticonRecs(s, q.query);
          },
        },
      ],
    };
  },
};
