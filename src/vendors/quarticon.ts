// Quarticon's Store REST API (seeds/002_b9effc4c9bb4f847.txt: "Event", "Recommendation", envelope and
// errors; notes/vendors.md). Pure: a canonical event in, the body of POST /track/event out.
import { NOT_QUARTICON_ID, QUARTICON_ID } from '../events/policy';
import type { TrackedEvent } from '../events/types';
import { VendorRuleError } from './plan';

// The id rule lives in events/policy.ts (the browser checks it too); the data mappers import it from here.
export { QUARTICON_ID };

/** The Store REST API; its x-api-key is secret, so only the relay calls it (notes/vendors.md). */
export const QUARTICON_URL = 'https://restapi.quartic.pl/store';

/** TransactionProduct (seeds/002). */
export interface QuarticonBasketItem {
  productId: string;
  price?: number;
  quantity: number;
}

/** Event, EventClick, EventProductView, EventTransaction (seeds/002). */
export interface QuarticonEvent {
  customer: string;
  eventType: 'eventClick' | 'eventProductView' | 'eventTransaction';
  userId?: string;
  userEmail?: string;
  timestamp: number;
  referrer?: string;
  cookie?: string;
  productId?: string;
  trackingString?: string;
  transactionId?: string;
  basket?: QuarticonBasketItem[];
}

/** The envelope of every answer: `status: "ERROR"` with `data.error_code` on errors (seeds/002). */
export interface QuarticonEnvelope {
  status: string;
  timestamp?: number | string;
  data?: unknown;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** The anonymous id as a Quarticon cookie: characters it does not allow are left out. */
export const quarticonCookie = (aid: string): string | undefined => aid.replace(NOT_QUARTICON_ID, '') || undefined;

/** The id, when Quarticon allows it ([a-zA-Z0-9-_], notes/vendors.md); else a VendorRuleError naming the event's field. */
export function quarticonIdOf(field: string, id: string | undefined): string {
  if (typeof id != 'string' || !QUARTICON_ID.test(id)) throw new VendorRuleError(field, 'Quarticon allows [a-zA-Z0-9-_] only, got ' + JSON.stringify(id));
  return id;
}

/**
 * Quarticon's body for an event, or null for an event Quarticon does not take. An event Quarticon would
 * refuse throws a VendorRuleError naming the field and the rule: an id outside [a-zA-Z0-9-_], or an order
 * without a line to put in eventTransaction's basket. Nothing is sent for it.
 */
export function toQuarticon(t: TrackedEvent, customer: string): QuarticonEvent | null {
  const e = t.e;
  const kind = e.type + '/' + e.subtype;
  let body: Partial<QuarticonEvent>;
  if (kind == 'pageview/product' || (kind == 'impression/product' && e.source == 'quarticon'))
    body = { eventType: 'eventProductView', productId: quarticonIdOf('product_id', e.product_id) };
  else if (e.type == 'click' && e.source == 'quarticon' && e.product_id && e.tracking_string)
    body = { eventType: 'eventClick', productId: quarticonIdOf('product_id', e.product_id), trackingString: e.tracking_string };
  else if (kind == 'order/completed' && e.order_id) {
    const basket: QuarticonBasketItem[] = [];
    const lines = e.cart || [];
    for (let i = 0; i < lines.length; i++) {
      const c = lines[i];
      if (!(c.quantity > 0)) continue;
      // The seed types quantity as an integer; a fractional quantity (by weight) still counts as sold.
      const item: QuarticonBasketItem = { productId: quarticonIdOf('cart[' + i + '].product_id', c.product_id), quantity: Math.ceil(c.quantity) };
      if (typeof c.unit_price == 'number') item.price = c.unit_price;
      basket.push(item);
    }
    // A transaction of nothing would count as an order in Quarticon's figures.
    if (!basket.length) throw new VendorRuleError('cart', 'no line with a quantity above 0: Quarticon gets no eventTransaction with an empty basket');
    body = { eventType: 'eventTransaction', transactionId: quarticonIdOf('order_id', e.order_id), basket };
  } else return null;

  const q: QuarticonEvent = { customer, eventType: body.eventType!, timestamp: Math.floor(t.ts / 1000) };
  // A guest's order confirmation carries the billing email as the user id (notes/vendors.md).
  if (t.uid && EMAIL.test(t.uid)) q.userEmail = t.uid;
  // An id Quarticon would refuse would cost the whole event; the cookie still names the shopper.
  else if (t.uid && QUARTICON_ID.test(t.uid)) q.userId = t.uid;
  const email = t.profile && t.profile.email;
  if (!q.userEmail && typeof email == 'string' && EMAIL.test(email)) q.userEmail = email;
  if (t.ref) q.referrer = t.ref;
  const cookie = quarticonCookie(t.aid);
  if (cookie) q.cookie = cookie;
  return Object.assign(q, body);
}

/** The error of an envelope, as "error_code: error_message", or undefined for an OK one. */
export function quarticonError(answer: unknown): string | undefined {
  const a = answer as QuarticonEnvelope | null;
  if (!a || typeof a != 'object') return 'not a Quarticon envelope';
  if (a.status == 'OK') return;
  const d = (a.data || {}) as { error_code?: unknown; error_message?: unknown };
  return String(d.error_code ?? 'status ' + a.status) + ': ' + String(d.error_message ?? '');
}
