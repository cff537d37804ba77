// Aqurate's website_events input table (seeds/000_e974799954d6ed8c.txt, "Website Events";
// notes/vendors.md). Pure: a canonical event and the shopper's previous cart in, table rows out.
import type { CartItem, TrackedEvent } from '../events/types';

/**
 * Neither the seed nor notes/vendors.md names Aqurate's API host: this is assumed, and every relay
 * deployment should set its own `aqurateUrl` from the shop's Aqurate account.
 */
export const AQURATE_URL = 'https://api.aqurate.ai';

/** "The API is rate-limited to ONE request per second" for the whole shop (notes/vendors.md). */
export const AQURATE_MIN_INTERVAL_MS = 1000;

export type AqurateEventName = 'page_view' | 'add_to_cart' | 'add_to_wishlist' | 'purchase' | 'link_click';
export type AqurateEventPage = 'detail_page' | 'checkout' | null;

/** A website_events row (seeds/000). */
export interface WebsiteEvent {
  /** ISO 8601, UTC. */
  timestamp: string;
  session_id: string;
  cookie_id: string;
  user_id?: string;
  product_id: string;
  page_type: AqurateEventPage;
  event: AqurateEventName;
}

/**
 * The only valid (page_type, event) pairs. The seed lists page types detail_page and checkout and
 * events page_view, add_to_cart, add_to_wishlist, purchase; the `null` page with `link_click` comes from
 * notes/vendors.md (their integrations send it), which the seed does not list.
 */
export const AQURATE_PAIRS: { [page: string]: AqurateEventName[] } = {
  detail_page: ['page_view', 'add_to_cart', 'add_to_wishlist'],
  checkout: ['add_to_cart', 'add_to_wishlist', 'purchase'],
  null: ['link_click'],
};

/** What the relay keeps per shopper between events: the last cart seen, and when. */
export interface AqurateState {
  ts: number;
  cart: { [productId: string]: number };
}

/** Quantity per product, variants summed: the table has no variant column. */
export const cartQuantities = (cart: CartItem[]): { [productId: string]: number } => {
  const q: { [productId: string]: number } = {};
  for (const c of cart) q[c.product_id] = (q[c.product_id] || 0) + c.quantity;
  return q;
};

/** Products whose quantity grew from one cart to the next, in the new cart's order. */
export const cartGrowth = (prev: { [productId: string]: number }, next: { [productId: string]: number }): string[] =>
  Object.keys(next).filter((p) => next[p] > (prev[p] || 0));

const CLICKS = ['product', 'related', 'similar', 'recent'];

/**
 * user_id is the shop's customer id (seeds/000). A guest's order confirmation carries the billing email
 * in uid (notes/vendors.md): an id field never gets it, and anything with an @ is taken for one.
 */
export const aqurateUserId = (uid: string | null | undefined): string | undefined => (uid && !uid.includes('@') ? uid : undefined);

/** The rows for an event, and the shopper's state after it (unchanged when the event does not touch it). */
export function toAqurate(t: TrackedEvent, prev: AqurateState | undefined): { rows: WebsiteEvent[]; state?: AqurateState } {
  const e = t.e;
  const row = (product_id: string, page_type: AqurateEventPage, event: AqurateEventName): WebsiteEvent => {
    const r: WebsiteEvent = { timestamp: new Date(t.ts).toISOString(), session_id: t.sid, cookie_id: t.aid, product_id, page_type, event };
    const userId = aqurateUserId(t.uid);
    if (userId) r.user_id = userId;
    return r;
  };
  // Adding from a product page happens on the detail page; from anywhere else (cart, checkout, a list)
  // the only other page type the table knows is checkout.
  const addPage: AqurateEventPage = t.page == 'product' ? 'detail_page' : 'checkout';
  const kind = e.type + '/' + e.subtype;

  if (kind == 'pageview/product' && e.product_id) return { rows: [row(e.product_id, 'detail_page', 'page_view')] };
  if (kind == 'wishlist/add' && e.product_id) return { rows: [row(e.product_id, addPage, 'add_to_wishlist')] };
  if (e.type == 'click' && CLICKS.includes(e.subtype!) && e.product_id) return { rows: [row(e.product_id, null, 'link_click')] };
  if (kind == 'cart/update' && e.cart) {
    const next = cartQuantities(e.cart);
    const rows = cartGrowth(prev ? prev.cart : {}, next).map((p) => row(p, addPage, 'add_to_cart'));
    // A cart older than the one kept (a late beacon) is compared, but does not replace the newer one.
    return { rows, state: prev && prev.ts > t.ts ? prev : { ts: t.ts, cart: next } };
  }
  if (kind == 'order/completed' && e.cart) {
    const q = cartQuantities(e.cart);
    const rows = Object.keys(q).filter((p) => q[p] > 0).map((p) => row(p, 'checkout', 'purchase'));
    // The order empties the cart: what the shopper adds next is growth again.
    return { rows, state: prev && prev.ts > t.ts ? prev : { ts: t.ts, cart: {} } };
  }
  return { rows: [] };
}
