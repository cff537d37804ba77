// Aqurate's input tables behind the relay (seeds/000_e974799954d6ed8c.txt): the shop's records to
// POST /input/{table} with the secret X-Auth-Token, through the shop's ONE Aqurate budget (one request
// a second, paused after a 429), the same one website_events uses (src/relay/budget.ts).
import { AQURATE_TABLE_MAX_ROWS, planAqurateTables } from '../vendors/aqurate-tables';
import type { VendorBudget } from './budget';
import { answerResult, changesOf, sendPlan } from './plan-send';
import type { DataSender } from './sync';

export interface AqurateTablesSettings {
  url: string;
  token: string;
  budget: VendorBudget;
  timeoutMs?: number;
}

/** The records Aqurate's tables take (a variant alone has nothing to send: the items table names products). */
export const AQURATE_TABLE_ENTITIES = ['category', 'product', 'customer', 'order'] as const;

/**
 * Records a claim takes: a full orders request (an order is one orders row), so that a 100,000-order
 * backfill takes 10 orders requests and as many line_items requests as its lines need.
 */
export const AQURATE_TABLE_CLAIM = AQURATE_TABLE_MAX_ROWS;

export function aqurateTablesSender(s: AqurateTablesSettings): DataSender {
  return {
    entities: AQURATE_TABLE_ENTITIES,
    batch: AQURATE_TABLE_CLAIM,
    async send(entries) {
      const plan = planAqurateTables(changesOf(entries));
      return sendPlan(entries.length, plan, async (req) => {
        // The seed defines the tables' columns, not the request body: a JSON array of rows, as website_events.
        const a = await s.budget.request(
          s.url + req.path,
          { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': s.token }, body: JSON.stringify(req.body) },
          s.timeoutMs,
        );
        return answerResult('aqurate', req, a);
      });
    },
  };
}
