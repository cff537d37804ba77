// DataCue's browser events through the relay (issue 14): the browser's DataCue destination posts to
// <base>/datacue instead of events.datacue.co (config `events_url`), in DataCue's own body (seeds/001,
// "Sending other events"), and the relay takes those events like the others: on disk first, once per
// event, forwarded with the public key. A page view or search whose answer the widgets need is passed on
// at once and DataCue's recommendations go back to the page; when DataCue is slow or down the page gets
// none (204, never an error) and the event waits in the relay like any other.
import { createHash } from 'node:crypto';
import { retryable, succeeded } from '../events/policy';
import type { ShopEvent, TrackedEvent } from '../events/types';
import { answersWithRecs } from '../vendors/datacue';
import type { Forwarder } from './forward';
import type { VendorContext, VendorRoute } from './vendor';
import { vendorRequest } from './vendor-http';

/** Where the browser posts DataCue's events under the relay's base path (`events_url: '/relay/datacue'`). */
export const DATACUE_EVENTS_PATH = '/datacue';
/** Requests to DataCue at once: one event a request, as the seed shows and their PHP library sends. */
export const DATACUE_EVENTS_PARALLEL = 8;
/**
 * How long a page view or search waits in the relay for DataCue's answer before the page gets none:
 * recommendations that come later than this come after the shopper has looked at the page.
 */
export const DATACUE_ANSWER_WAIT_MS = 3000;
/** Events one request may carry: the browser sends at most DATACUE_BATCH (src/browser/dest-datacue.ts). */
export const DATACUE_MAX_EVENTS = 500;

export interface DataCueEventsSettings {
  /** DataCue's events endpoint (seeds/001; notes/vendors.md): https://events.datacue.co/ */
  url: string;
  /** The shop's public API key: the browser's requests must carry it, and the relay forwards with it. */
  apiKey: string;
  timeoutMs?: number;
  answerWaitMs?: number;
}

/** One event as the relay keeps it: DataCue's body, and the shopper's User-Agent to forward with it. */
export interface DataCueJob {
  key: string;
  body: { [k: string]: unknown };
  ua?: string;
}

/** A DataCue body dressed as an event for the relay's store, which deduplicates by `id`. */
type Carrier = TrackedEvent & { datacue: DataCueJob };

/** `Authorization: Basic base64(api_key + ":")`, as the browser sends it (seeds/001, Authentication). */
export const datacueBasic = (apiKey: string): string => 'Basic ' + Buffer.from(apiKey + ':', 'utf8').toString('base64');

/**
 * The event's key in the relay. DataCue's body carries no event id, but the browser writes the same bytes
 * for an event every time it sends it (its ids, its time to the millisecond, the event): their digest is
 * the event's id. Two different events never share all of that.
 */
export const datacueKey = (body: unknown): string => 'dc-' + createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 40);

const isObj = (v: unknown): v is { [k: string]: unknown } => typeof v == 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v == 'string' && v !== '';

/** The reason a body is not a DataCue browser request (seeds/001: user with an id, event with a type), or undefined. */
export function datacueBodyProblem(v: unknown, at: string): string | undefined {
  if (!isObj(v)) return at + ': must be an object {user, event, timestamp?}';
  if (!isObj(v.user) || !(str(v.user.anonymous_id) || str(v.user.user_id))) return at + '.user: needs anonymous_id or user_id';
  if (!isObj(v.event) || !str(v.event.type)) return at + '.event.type: must be a non-empty string';
}

export interface DataCueEvents {
  forwarder: Forwarder;
  /** POST <base>/datacue. */
  route: VendorRoute;
  /**
   * The events of one request, as the store takes them; `ua` is the shopper's User-Agent. Throws an
   * error naming the field for a body DataCue would refuse.
   */
  carriers(parsed: unknown, ua: string | undefined, now: number): Carrier[];
  /** DataCue's answer (its JSON text) to the event with this key, once sent; undefined after `waitMs`. */
  answer(key: string): Promise<string | undefined>;
  /** Whether the page waits for DataCue's answer to this event (home and product page views, searches). */
  answers(c: Carrier): boolean;
}

export function datacueEvents(s: DataCueEventsSettings, ctx: VendorContext): DataCueEvents {
  const waiting = new Map<string, (answer: string | undefined) => void>();
  const auth = datacueBasic(s.apiKey);
  const forwarder: Forwarder = {
    name: 'datacue',
    max: 1,
    parallel: DATACUE_EVENTS_PARALLEL,
    // The browser's TrackedEvents at /events are not DataCue's: the browser sends those to /datacue.
    plan: (t) => ({ jobs: (t as Carrier).datacue ? [(t as Carrier).datacue] : [] }),
    async send([payload]) {
      const job = payload as DataCueJob;
      // The shopper's User-Agent, which DataCue reads into the event's context (seeds/001, "Context");
      // no other header about the shopper (not the address: DataCue documents no header for it).
      const headers: Record<string, string> = { 'content-type': 'application/json', authorization: auth };
      if (job.ua) headers['user-agent'] = job.ua;
      const a = await vendorRequest(s.url, { method: 'POST', headers, body: JSON.stringify(job.body) }, s.timeoutMs);
      if (succeeded(a.status)) {
        waiting.get(job.key)?.(a.body);
        return { ok: true };
      }
      if (retryable(a.status)) return { retry: 'datacue answered ' + (a.status || a.error), after: a.retryAfter };
      return { error: 'datacue answered ' + a.status + ': ' + a.body.slice(0, 300) };
    },
  };
  const events: DataCueEvents = {
    forwarder,
    route: {
      path: DATACUE_EVENTS_PATH,
      method: 'POST',
      async handle(_query, _rest, req) {
        // Another key is refused as DataCue refuses it (seeds/001, Errors: 401).
        if (req.headers.authorization != auth) return { status: 401, body: { error: "not this shop's DataCue API key" } };
        let carriers: Carrier[];
        try {
          carriers = events.carriers(JSON.parse(req.body), req.headers['user-agent'], ctx.now());
        } catch (err) {
          const error = err instanceof SyntaxError ? 'the body must be JSON: {user, event, timestamp?} or an array of them' : (err as Error).message;
          return { status: 400, body: { error } };
        }
        let known: Set<string>;
        try {
          known = await ctx.store.accept(carriers, [forwarder], ctx.now());
        } catch (err) {
          ctx.log('error', 'the outbox could not write events', { error: String(err) });
          return { status: 503, body: { error: 'the relay could not store the events; send them again later' } };
        }
        const fresh = carriers.filter((c) => !known.has(c.id));
        // A page view or search alone: the page waits for DataCue's recommendations, which the
        // forwarder asks for at once.
        const answer = carriers.length == 1 && fresh.length == 1 && events.answers(fresh[0]) ? events.answer(fresh[0].id) : undefined;
        if (fresh.length) ctx.wake();
        const text = await answer;
        const json = text ? attemptParse(text) : undefined;
        // Stored (or known already), and no recommendations: what DataCue answers for such events.
        return json === undefined ? { status: 204, body: undefined } : { status: 200, body: json };
      },
    },
    carriers(parsed, ua, now) {
      const items = Array.isArray(parsed) ? parsed : [parsed];
      if (!items.length) throw new Error('body: must not be an empty array');
      if (items.length > DATACUE_MAX_EVENTS) throw new Error('body: at most ' + DATACUE_MAX_EVENTS + ' events a request');
      return items.map((body, i) => {
        const problem = datacueBodyProblem(body, Array.isArray(parsed) ? '[' + i + ']' : 'body');
        if (problem) throw new Error(problem);
        const b = body as { user: { anonymous_id?: string; user_id?: string }; event: ShopEvent };
        const key = datacueKey(body);
        return {
          id: key,
          ts: now,
          aid: b.user.anonymous_id || b.user.user_id || '',
          sid: '',
          uid: b.user.user_id || null,
          url: '',
          e: b.event,
          datacue: { key, body: b as unknown as DataCueJob['body'], ua },
        };
      });
    },
    answer(key) {
      return new Promise((resolve) => {
        const done = (answer: string | undefined) => {
          clearTimeout(timer);
          waiting.delete(key);
          resolve(answer);
        };
        const timer = setTimeout(done, s.answerWaitMs ?? DATACUE_ANSWER_WAIT_MS);
        waiting.set(key, done);
      });
    },
    answers: (c) => answersWithRecs(c.e),
  };
  return events;
}

const attemptParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
