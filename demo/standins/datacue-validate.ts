// DataCue's browser event payload, checked from the seed itself (seeds/001_32de60bf4a85c92b.txt, "Browser
// Events": the parameter tables) and written apart from src/events/validate.ts on purpose: the stand-in
// is the second opinion that catches the script and its own validation agreeing on a mistake.

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v == 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v == 'string' && v !== '';
const num = (v: unknown): v is number => typeof v == 'number' && Number.isFinite(v);

/** "An ISO-8601 date string in UTC": the seed writes "2017-11-01 00:29:03.123Z"; a "T" is ISO too. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** The four objects of a request ("There are 4 main objects in each request"). */
const TOP = ['user', 'event', 'context', 'timestamp'];

/** Thrown with the field and the rule, sent back as the 400's reason. */
class Invalid extends Error {}
const fail = (field: string, rule: string): never => {
  throw new Invalid(field + ' ' + rule);
};

function need(e: Obj, field: string, at: string): void {
  if (!str(e[field])) fail(at + '.' + field, 'is required and must be a non-empty string');
}
function optional(e: Obj, field: string, at: string): void {
  if (e[field] != null && !str(e[field])) fail(at + '.' + field, 'must be a non-empty string when present');
}

/** "Cart contents as an array of product, variant, unit price, quantity and currency". */
function cartItems(e: Obj, at: string): void {
  if (!Array.isArray(e.cart)) return fail(at + '.cart', 'is required and must be an array');
  e.cart.forEach((item, i) => {
    const a = at + '.cart[' + i + ']';
    if (!isObj(item)) return fail(a, 'must be an object');
    need(item, 'product_id', a);
    // The "cart items" table marks variant_id required; the checkout example spells it "variant".
    if (!str(item.variant_id) && !str(item.variant)) fail(a + '.variant_id', 'is required and must be a non-empty string');
    if (!num(item.quantity) || item.quantity < 0) fail(a + '.quantity', 'must be a number of at least 0');
    if (!num(item.unit_price)) fail(a + '.unit_price', 'must be a number');
    need(item, 'currency', a);
  });
}

/** The fields of product_update the seed lists ("supported at this time"), and the ids of each item. */
const PRODUCT_UPDATE = ['product_id', 'variant_id', 'name', 'price', 'full_price', 'photo_url', 'available', 'stock', 'main_category', 'categories', 'brand'];

function productUpdate(v: unknown, at: string): void {
  const items = Array.isArray(v) ? v : [v];
  items.forEach((item, i) => {
    if (!isObj(item)) return fail(at + '[' + i + ']', 'must be an object');
    for (const k of Object.keys(item)) if (!PRODUCT_UPDATE.includes(k)) fail(at + '[' + i + '].' + k, 'is not a field of product_update');
  });
}

function cart(e: Obj, at: string): void {
  cartItems(e, at);
  need(e, 'cart_link', at);
}

/** Required fields per event, by the seed's "Request parameters" tables. */
const EVENTS: { [kind: string]: (e: Obj, at: string) => void } = {
  'pageview/home': () => {},
  'pageview/product': (e, at) => {
    need(e, 'product_id', at);
    optional(e, 'variant_id', at);
    if (e.product_update != null) productUpdate(e.product_update, at + '.product_update');
  },
  'pageview/category': (e, at) => need(e, 'category_name', at),
  'pageview/cart': () => {},
  'pageview/search': () => {},
  'pageview/404': () => {},
  // Not in the seed's list; DataCue's plugins print this page type (notes/vendors.md).
  'pageview/checkout': () => {},
  'cart/update': cart,
  'wishlist/add': (e, at) => {
    need(e, 'product_id', at);
    optional(e, 'variant_id', at);
  },
  'wishlist/remove': (e, at) => {
    need(e, 'product_id', at);
    optional(e, 'variant_id', at);
  },
  'checkout/started': cart,
  login: () => {},
  search: (e, at) => need(e, 'term', at),
  'click/banner': (e, at) => need(e, 'banner_id', at),
  // The seed's example says "product", its table "related", "similar" or "recent".
  'click/product': (e, at) => need(e, 'product_id', at),
  'click/related': (e, at) => need(e, 'product_id', at),
  'click/similar': (e, at) => need(e, 'product_id', at),
  'click/recent': (e, at) => need(e, 'product_id', at),
  // Not in the seed's browser list: the order-confirmation page's order (notes/vendors.md).
  'order/completed': (e, at) => {
    need(e, 'order_id', at);
    cartItems(e, at);
  },
};

export const eventKind = (e: Obj): string => (e.type == 'login' || e.type == 'search' ? String(e.type) : e.type + '/' + e.subtype);

function item(v: unknown, at: string): void {
  if (!isObj(v)) return fail(at, 'must be an object {user, event, timestamp?, context?}');
  for (const k of Object.keys(v)) if (!TOP.includes(k)) fail(at + '.' + k, 'is not one of ' + TOP.join(', '));
  const u = v.user;
  if (!isObj(u)) return fail(at + '.user', 'is required and must be an object');
  optional(u, 'user_id', at + '.user');
  optional(u, 'anonymous_id', at + '.user');
  if (!str(u.user_id) && !str(u.anonymous_id)) fail(at + '.user', 'needs user_id (logged in) or anonymous_id (not logged in)');
  if (u.profile != null && !isObj(u.profile)) fail(at + '.user.profile', 'must be an object');
  if (v.context != null) {
    if (!isObj(v.context)) return fail(at + '.context', 'must be an object');
    optional(v.context, 'ip', at + '.context');
    optional(v.context, 'user_agent', at + '.context');
  }
  if (v.timestamp != null && !(typeof v.timestamp == 'string' && ISO_UTC.test(v.timestamp) && !isNaN(Date.parse(v.timestamp.replace(' ', 'T')))))
    fail(at + '.timestamp', 'must be an ISO-8601 date string in UTC such as "2017-11-01 00:29:03.123Z"');
  const e = v.event;
  if (!isObj(e)) return fail(at + '.event', 'is required and must be an object');
  need(e, 'type', at + '.event');
  const check = EVENTS[eventKind(e)];
  if (!check) return fail(at + '.event', 'has unknown type/subtype "' + eventKind(e) + '"');
  check(e, at + '.event');
}

/** The reason a body is not a valid DataCue browser request, or undefined when it is. */
export function invalidReason(body: unknown): string | undefined {
  try {
    if (Array.isArray(body)) {
      if (!body.length) fail('body', 'must not be an empty array');
      body.forEach((b, i) => item(b, '[' + i + ']'));
    } else item(body, 'body');
  } catch (err) {
    if (err instanceof Invalid) return err.message;
    throw err;
  }
}
