// Validation of the events a shop tracks, by DataCue's "Request parameters" tables (seeds/001).
// Pure: returns a normalised copy or throws the first problem, naming the field and the rule.
import type { CartItem, Dict, ShopEvent } from './types';
import { asId, asNum, isObj } from './values';

/** A problem with an event or the config: the field and the rule it breaks. */
export class ShoptrackError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(field + ': ' + rule);
    this.name = 'ShoptrackError';
  }
}

export { asId, asNum, isObj } from './values';

const fail = (field: string, rule = 'must be a non-empty string'): never => {
  throw new ShoptrackError(field, rule);
};

/** What a field must hold: returns its normalised value, or throws a ShoptrackError naming `path`. */
type Check = (value: unknown, path: string) => unknown;

/** A non-empty string, or a number turned into a string (shop plugins print both). */
const ID: Check = (value, path) => asId(value) ?? fail(path);
/** An id, or absent (undefined or null, left as it is): DataCue marks variant_id optional wherever it appears. */
const OPTIONAL_ID: Check = (value, path) => (value == null ? value : ID(value, path));
/** A non-empty string. */
const TEXT: Check = (value, path) => (typeof value == 'string' && value ? value : fail(path));
/** A number of at least 0, or a numeric string such as "12.00" turned into a number. */
const AMOUNT: Check = (value, path) => {
  const n = asNum(value);
  return n != null && n >= 0 ? n : fail(path, 'must be a number of at least 0');
};
/** An array of cart lines, each checked by CART_LINE. */
const CART: Check = (value, path) =>
  Array.isArray(value) ? value.map((line, i) => checkCartLine(line, path + '[' + i + ']')) : fail(path, 'must be an array of cart items');

/** The fields an event (or a cart line) must have, in the order they are checked; other fields are kept. */
type Fields = { [field: string]: Check };

// The fields each kind of event ("type/subtype") must have, and what each must hold.
const RULES: { [kind: string]: Fields } = {
  'pageview/home': {},
  'pageview/product': { product_id: ID, variant_id: OPTIONAL_ID },
  'pageview/category': { category_name: TEXT },
  'pageview/search': {},
  'pageview/cart': {},
  'pageview/404': {},
  'pageview/checkout': {},
  'cart/update': { cart: CART, cart_link: TEXT },
  'wishlist/add': { product_id: ID, variant_id: OPTIONAL_ID },
  'wishlist/remove': { product_id: ID, variant_id: OPTIONAL_ID },
  'checkout/started': { cart: CART, cart_link: TEXT },
  login: {},
  search: { term: TEXT },
  'click/banner': { banner_id: ID },
  'click/product': { product_id: ID },
  'click/related': { product_id: ID },
  'click/similar': { product_id: ID },
  'click/recent': { product_id: ID },
  // Not in DataCue's browser list: the order of the order-confirmation page (notes/vendors.md), and a
  // recommended item shown to the shopper (Quarticon's eventProductView for recommendations, seeds/002).
  'order/completed': { order_id: ID, cart: CART },
  'impression/product': { product_id: ID },
};

// A cart line: seed 001's "cart items" table marks product_id, variant_id, unit_price and quantity
// required, and its browser events carry "an array of product, variant, unit price, quantity and currency".
const CART_LINE: Fields = { product_id: ID, variant_id: ID, quantity: AMOUNT, unit_price: AMOUNT, currency: TEXT };

/** The event types shoptrack knows, as "type/subtype" (or "type" alone when it has no subtype). */
export const EVENT_KINDS = Object.keys(RULES);

export const kindOf = (e: { type?: unknown; subtype?: unknown }): string =>
  e.subtype == null || e.type == 'login' || e.type == 'search' ? '' + e.type : e.type + '/' + e.subtype;

/** A copy of `input`, which must be an object: the checks normalise the copy, never the shop's object. */
function copyOf(input: unknown, path: string): Dict {
  if (!isObj(input)) fail(path, 'must be an object');
  return { ...(input as object) };
}

/**
 * Checks the fields `fields` names in `copy`, in order, and replaces each with its normalised value.
 * An optional field that is absent stays absent.
 */
function checkFields(copy: Dict, fields: Fields, path: string): void {
  for (const name in fields) {
    const value = fields[name](copy[name], path + '.' + name);
    if (value != null) copy[name] = value;
  }
}

function checkCartLine(input: unknown, path: string): CartItem {
  const line = copyOf(input, path);
  // The seed's checkout example says "variant" where every other place says "variant_id".
  line.variant_id ??= line.variant;
  delete line.variant;
  checkFields(line, CART_LINE, path);
  return line as CartItem;
}

/** Checks an event against its kind's rules; returns a normalised copy or throws a ShoptrackError. */
export function validateEvent(input: unknown): ShopEvent {
  const e = copyOf(input, 'event');
  TEXT(e.type, 'event.type');
  const kind = kindOf(e);
  // Not `RULES[kind]`: "constructor" or "__proto__" would find what every object inherits.
  if (!EVENT_KINDS.includes(kind))
    fail('event.' + (e.subtype == null ? 'type' : 'subtype'), 'unknown event "' + kind + '"; expected one of ' + EVENT_KINDS.join(', '));
  checkFields(e, RULES[kind], 'event');
  return e as ShopEvent;
}
