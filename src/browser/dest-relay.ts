// The shop's first-party relay, which holds Quarticon's and Aqurate's secret keys and forwards to them
// (ARCHITECTURE.md). It deduplicates by event id, so beacons at pagehide may be resent safely.
import { stringify } from '../events/json';
import { RELAY_EVENTS_PATH, type RelayAnswer, type RelayBatch } from '../events/policy';
import type { TrackedEvent } from '../events/types';
import type { Destination, Outcome } from './destination';
import { attempt } from './attempt';
import { beacon, outcome, post } from './transport';

/** Events per request: the relay takes up to RELAY_MAX_EVENTS a batch, a beacon at most 64 KiB. */
export const RELAY_BATCH = 100;

export function relay(base: string, parse: (s: string) => unknown): Destination {
  const url = base.replace(/\/+$/, '') + RELAY_EVENTS_PATH;
  const body = (batch: TrackedEvent[]) => stringify({ events: batch } satisfies RelayBatch);
  return {
    name: 'relay',
    max: RELAY_BATCH,
    accepts: () => true,
    async send(batch, keepalive) {
      // text/plain keeps the request simple, so a relay on another origin needs no preflight.
      const a = await post(url, body(batch), { 'Content-Type': 'text/plain;charset=UTF-8' }, keepalive);
      const all = outcome(a, 'relay');
      const byId: { [id: string]: Outcome } = {};
      // Not the relay's answer (a proxy's page, say): nothing was taken.
      if (all == 'ok')
        attempt(() => {
          for (const r of (parse(a.body!) as RelayAnswer).results) byId[r.id] = r.status == 'invalid' ? { error: 'relay: ' + r.error } : 'ok';
        });
      // An event a 2xx answer does not mention was not taken: it is sent again.
      return { outcomes: batch.map((t) => (all == 'ok' ? byId[t.id] || 'retry' : all)), retryAfter: a.retryAfter };
    },
    beacon: (batch) => beacon(url, body(batch)),
  };
}
