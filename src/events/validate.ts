// Validation of the events a shop tracks, by DataCue's "Request parameters" tables (seeds/001).
// Pure: returns a normalised copy or throws the first problem, naming the field and the rule.
import type { ShopEvent } from './types';

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

const NON_EMPTY = 'must be a non-empty string';

// Required fields by "type/subtype". `cart` is a cart, `*_link`, `*_name` and `term` are strings, the
// rest are ids: non-empty strings, or numbers turned into strings (shop plugins print both). A trailing
// "?" marks an optional field: DataCue marks variant_id optional wherever it appears.
const RULES: { [kind: string]: string } = {
  'pageview/home': '',
  'pageview/product': 'product_id variant_id?',
  'pageview/category': 'category_name',
  'pageview/search': '',
  'pageview/cart': '',
  'pageview/404': '',
  'pageview/checkout': '',
  'cart/update': 'cart cart_link',
  'wishlist/add': 'product_id variant_id?',
  'wishlist/remove': 'product_id variant_id?',
  'checkout/started': 'cart cart_link',
  login: '',
  search: 'term',
  'click/banner': 'banner_id',
  'click/product': 'product_id',
  'click/related': 'product_id',
  'click/similar': 'product_id',
  'click/recent': 'product_id',
  // Not in DataCue's browser list: the order of the order-confirmation page (notes/vendors.md), and a
  // recommended item shown to the shopper (Quarticon's eventProductView for recommendations, seeds/002).
  'order/completed': 'order_id cart',
  'impression/product': 'product_id',
};

/** The event types shoptrack knows, as "type/subtype" (or "type" alone when it has no subtype). */
export const EVENT_KINDS = Object.keys(RULES);

export const kindOf = (e: { type?: unknown; subtype?: unknown }): string =>
  e.subtype == null || e.type == 'login' || e.type == 'search' ? '' + e.type : e.type + '/' + e.subtype;

export const isObj = (v: unknown): v is { [k: string]: unknown } => typeof v == 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v == 'number' && isFinite(v);
/** A non-empty string, or a finite number as a string. */
export const asId = (v: unknown): string | undefined => ((typeof v == 'string' && v) || isNum(v) ? '' + v : undefined);
/** A number, or a numeric string such as "12.00" as shop plugins print prices. */
export const asNum = (v: unknown): number | undefined =>
  isNum(v) ? v : typeof v == 'string' && v.trim() && isNum(+v) ? +v : undefined;

const fail = (field: string, rule = NON_EMPTY): never => {
  throw new ShoptrackError(field, rule);
};

// A cart line: seed 001's "cart items" table marks product_id, variant_id, unit_price and quantity
// required, and its browser events carry "an array of product, variant, unit price, quantity and
// currency". # a number (numeric strings accepted).
const CART_ITEM = 'product_id variant_id quantity# unit_price# currency';

/**
 * Checks the fields `spec` names on a copy of `input`: `cart` a cart, `*_link`, `*_name`, `term` and
 * `currency` non-empty strings, `#` numbers, the rest ids; "?" marks an optional field.
 */
function fields<T extends { [k: string]: unknown }>(input: unknown, spec: string, at: string): T {
  if (!isObj(input)) fail(at, 'must be an object');
  const e = { ...(input as T) } as { [k: string]: unknown };
  // The seed's checkout example says "variant" where every other place says "variant_id".
  if (spec == CART_ITEM) {
    e.variant_id ??= e.variant;
    delete e.variant;
  }
  for (const rule of spec.split(' ')) {
    const f = rule.replace(/\W/g, '');
    const v = e[f];
    const path = at + '.' + f;
    if (!f || (rule.endsWith('?') && v == null)) continue;
    e[f] =
      f == 'cart'
        ? Array.isArray(v) ? v.map((item, i) => fields(item, CART_ITEM, path + '[' + i + ']')) : fail(path, 'must be an array of cart items')
        : rule.includes('#')
          ? asNum(v)! >= 0 ? asNum(v) : fail(path, 'must be a number of at least 0')
          : /link|name|term|currency/.test(f)
            ? typeof v == 'string' && v ? v : fail(path)
            : asId(v) ?? fail(path);
  }
  return e as T;
}

/** Checks an event against its type's rules; returns a normalised copy or throws a ShoptrackError. */
export function validateEvent(input: unknown): ShopEvent {
  const kind = isObj(input) && typeof input.type == 'string' && input.type ? kindOf(input) : '';
  const spec = RULES[kind];
  if (spec == null)
    isObj(input) && kind
      ? fail('event.' + (input.subtype == null ? 'type' : 'subtype'), 'unknown event "' + kind + '"; expected one of ' + EVENT_KINDS.join(', '))
      : fields(input, 'type', 'event');
  const e = fields<ShopEvent>(input, spec, 'event');
  return e;
}
