// engage behind the relay (seeds/003_ba2d3b352c11da7d.txt): the shop's orders to POST /v1/orders with
// the Bearer token, in batches of at most 250. "Sending two orders with identical order_id will
// overwrite the first record": a retried batch is safe.
import { ENGAGE_MAX_BATCH, ENGAGE_URL, planEngage } from '../vendors/engage';
import { answerResult, changesOf, sendPlan } from './plan-send';
import type { DataSender } from './sync';
import type { VendorModule } from './vendor';
import { vendorRequest } from './vendor-http';

export interface EngageSettings {
  url: string;
  token: string;
  timeoutMs?: number;
}

export function engageSender(s: EngageSettings): DataSender {
  return {
    entities: ['order'],
    batch: ENGAGE_MAX_BATCH,
    async send(entries) {
      return sendPlan(entries.length, planEngage(changesOf(entries)), async (req) => {
        const a = await vendorRequest(
          s.url + req.path,
          { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + s.token }, body: JSON.stringify(req.body) },
          s.timeoutMs,
        );
        return answerResult('engage', req, a);
      });
    },
  };
}

/** engage's keys in the relay's config. */
export interface EngageConfig {
  engageUrl: string;
  /** The user token of the Order History API source ("Log in to retrieve your user token"). */
  engageToken?: string;
}

export const engageModule: VendorModule<EngageConfig> = {
  name: 'engage',
  fields: {
    engageUrl: { kind: 'url', default: ENGAGE_URL },
    engageToken: { kind: 'secret' },
  },
  create: (c, ctx) => (c.engageToken ? { sender: engageSender({ url: c.engageUrl, token: c.engageToken, timeoutMs: ctx.timeoutMs }) } : undefined),
};
