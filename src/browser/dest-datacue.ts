// DataCue's browser events endpoint, reached directly: its key is public by design (seeds/001).
import { stringify } from '../events/json';
import { toDataCue } from '../vendors/datacue';
import type { Destination } from './destination';
import { attempt } from './attempt';
import { outcome, post } from './transport';

/**
 * Events per request. DataCue takes an array of events (their PHP library's batchTrack) and documents
 * no limit for it; their backend batch endpoints take 500, and 50 keeps a batch well inside the
 * keepalive budget.
 */
export const DATACUE_BATCH = 50;

/**
 * `Authorization: Basic base64(api_key + ":")`: the public key, an empty password (seeds/001). Here, not
 * in vendors/datacue.ts: btoa is the browser's, and vendors/ is platform-free.
 */
export const datacueAuth = (apiKey: string): string => 'Basic ' + btoa(unescape(encodeURIComponent(apiKey + ':')));

export const datacue = (url: string, apiKey: string, parse: (s: string) => unknown): Destination => ({
  name: 'dc',
  max: DATACUE_BATCH,
  // Everything but impressions (Quarticon's alone); checked on every track(), so without building the body.
  accepts: (t) => t.e.type != 'impression',
  async send(batch, keepalive) {
    const bodies = batch.map(toDataCue);
    const a = await post(url, stringify(bodies.length > 1 ? bodies : bodies[0]), { 'Content-Type': 'application/json', Authorization: datacueAuth(apiKey) }, keepalive);
    const o = outcome(a, 'DataCue');
    return {
      outcomes: batch.map(() => o),
      status: a.status,
      retryAfter: a.retryAfter,
      // A 2xx without JSON (204, or an HTML page from a proxy) answers nothing to render.
      answer: o == 'ok' && a.body ? attempt(() => parse(a.body!)) : undefined,
    };
  },
});
