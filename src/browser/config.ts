// Reads the page's config: window.datacueConfig exactly as DataCue's plugins print it
// (fixtures/datacue-config, notes/vendors.md), with window.shoptrackConfig on top of it.
import type { CartItem, Dict, RecProduct } from '../events/types';
import { EVENT_KINDS, ShoptrackError, asId, isObj } from '../events/validate';
import { datacueEventsUrl } from '../vendors/datacue';

export type Consent = 'pending' | 'granted' | 'denied';

/** The config as the rest of the script uses it: every field checked, every variant normalised. */
export interface Config {
  apiKey?: string;
  userId: string | null;
  pageType?: string;
  productId?: string;
  variantId?: string;
  /** Always an array: the plugins print one item per variant, the docs a single object. */
  productUpdate: RecProduct[];
  categoryId?: string;
  categoryName?: string;
  term?: string;
  orderId?: string;
  order?: { order_status?: string; cart: CartItem[] };
  /** DataCue's browser events endpoint: production, staging, or the config's `events_url`. */
  eventsUrl: string;
  /** The shop's first-party relay (for Quarticon and Aqurate); no relay when absent. */
  relayUrl?: string;
  cookieDomain?: string;
  consent: Consent;
  onError?: (err: Error, event?: unknown) => void;
  /** Everything the page printed, for the widgets' options. */
  raw: Dict;
}

/** The page types: those of DataCue's page views (events/validate.ts), and the order confirmation. */
const PAGE_TYPES = EVENT_KINDS.filter((k) => k.startsWith('pageview/'))
  .map((k) => k.slice('pageview/'.length))
  .concat('order confirmation');
export const CONSENTS: Consent[] = ['pending', 'granted', 'denied'];
const KEY_RULE = 'must be a non-empty string (the DataCue API key)';
/** A check of a value against a list: true, or the rule naming the list. */
export const oneOf = (list: string[]) => (v: unknown): true | string => list.includes(v as string) || 'must be one of ' + list.join(', ');
const isStr = (v: unknown) => typeof v == 'string' || 'must be a string';
/** An id: a string or a number, as the plugins print both ("" is a guest's user id). */
const isId = (v: unknown) => v === '' || !!asId(v) || 'must be a string or a number';
const isUrl = (v: unknown) => /^(https?:\/\/|\/)/.test(v as string) || 'must be an http(s) URL or a /path';

/**
 * Normalises a raw config. Problems are reported through `warn` (one per field, naming the rule) and
 * the field is left out; everything else keeps working.
 */
export function readConfig(raw: unknown, warn: (e: ShoptrackError) => void): Config {
  const bad = (field: string, rule: string): undefined => warn(new ShoptrackError('config' + field, rule)) as undefined;
  const c: Dict = isObj(raw) ? raw : (bad('', 'must be an object'), {});
  /** The field when absent or valid by `check` (which returns true or the rule), else a warning. */
  const get = <T = string>(key: string, check: (v: unknown) => true | string): T | undefined => {
    const v = c[key];
    const ok = v == null || check(v);
    return ok === true ? (v as T) : bad('.' + key, ok);
  };
  const id = (key: string) => asId(get(key, isId));
  const opts = get<Dict>('options', (v) => isObj(v) || 'must be an object') || {};

  const cfg: Config = {
    // Missing or wrong, a warning: without it nothing goes to DataCue (init(apiKey) may still bring it).
    apiKey: typeof c.api_key == 'string' && c.api_key ? c.api_key : bad('.api_key', KEY_RULE),
    userId: id('user_id') || null,
    pageType: get('page_type', oneOf(PAGE_TYPES)),
    productId: id('product_id'),
    variantId: id('variant_id'),
    productUpdate: [],
    categoryId: id('category_id'),
    term: get('term', isStr),
    orderId: id('order_id'),
    eventsUrl: get('events_url', isUrl) || datacueEventsUrl(opts._staging === true),
    relayUrl: get('relay_url', isUrl),
    cookieDomain: get('cookie_domain', isStr),
    consent: get<Consent>('consent', oneOf(CONSENTS)) || 'granted',
    categoryName: get('category_name', isStr),
    raw: c,
  };

  const pu = c.product_update;
  if (pu != null) {
    const items = Array.isArray(pu) ? pu : [pu];
    cfg.productUpdate = items.filter(isObj) as RecProduct[];
    if (cfg.productUpdate.length < items.length) bad('.product_update', 'must be an object or an array of objects');
  }
  // The product and variant on view: the config's, else the first variant the plugin printed.
  const first = cfg.productUpdate[0];
  if (first) {
    cfg.productId ||= asId(first.product_id);
    cfg.variantId ||= asId(first.variant_id);
  }

  const cu = c.category_update;
  if (cu != null) cfg.categoryName = asId(isObj(cu) && cu.name) || bad('.category_update.name', 'must be a non-empty string') || cfg.categoryName;

  const od = c.order_details;
  if (isObj(od) && Array.isArray(od.cart)) {
    cfg.order = { cart: od.cart as CartItem[] };
    if (typeof od.order_status == 'string') cfg.order.order_status = od.order_status;
  } else if (od != null) bad('.order_details.cart', 'must be an array of cart items');

  // Quoted: the page's own key, kept by the build's shortening of the internal `onError`.
  const onError = c['onError'];
  if (typeof onError == 'function') cfg.onError = onError as Config['onError'];
  return cfg;
}

/** The page's config: shoptrackConfig's fields over datacueConfig's, so a shop can add to a plugin's. */
export function pageConfig(w: { shoptrackConfig?: unknown; datacueConfig?: unknown }): unknown {
  const dc = w.datacueConfig;
  const st = w.shoptrackConfig;
  return isObj(dc) && isObj(st) ? { ...dc, ...st } : st ?? dc;
}
