// Validation of the shop's records (types.ts). Pure: returns a normalised copy or throws the first
// problem as a ShoptrackError naming the field and the rule, as browser events do (events/validate.ts).
// Numbers may come as numeric strings and booleans as "true"/"false"/"1"/"0" (a CSV cell is text);
// ids may be numbers (shop databases print both). Unknown fields are refused: they are usually typos.
import { ShoptrackError, asNum, isObj } from '../events/validate';
import { ENTITIES, type Entity, ORDER_STATUSES, type Records, STOCK_TYPES } from './types';

/** Longest id: well past any shop's ids, short enough to keep the queue's keys small. */
export const MAX_ID_LENGTH = 256;
/** Longest text field (a product description is the longest in practice). */
export const MAX_TEXT_LENGTH = 64 * 1024;
/** Variants a product, lines an order, categories a product: bounds what one record can weigh. */
export const MAX_LIST_LENGTH = 1000;
/** Aqurate's categories table has a main category and four subcategory levels (seeds/000). */
export const MAX_CATEGORY_DEPTH = 5;

type Check = (v: unknown, at: string) => unknown;
/** A field's check; a name ending in "?" is optional (absent, null or "" leave it out). */
type Shape = { [field: string]: Check };

const fail = (field: string, rule: string): never => {
  throw new ShoptrackError(field, rule);
};

const id: Check = (v, at) => {
  const s = typeof v == 'number' && Number.isFinite(v) ? String(v) : v;
  if (typeof s != 'string' || !s.trim()) return fail(at, 'must be a non-empty string');
  if (s.length > MAX_ID_LENGTH) return fail(at, 'must be at most ' + MAX_ID_LENGTH + ' characters');
  return s;
};
const text: Check = (v, at) => {
  if (typeof v != 'string') return fail(at, 'must be a string');
  if (v.length > MAX_TEXT_LENGTH) return fail(at, 'must be at most ' + MAX_TEXT_LENGTH + ' characters');
  return v;
};
const name: Check = (v, at) => (typeof v == 'string' && v.trim() ? text(v, at) : fail(at, 'must be a non-empty string'));
const amount: Check = (v, at) => {
  const n = asNum(v);
  return n !== undefined && n >= 0 ? n : fail(at, 'must be a number of at least 0');
};
const positive: Check = (v, at) => {
  const n = asNum(v);
  return n !== undefined && n > 0 ? n : fail(at, 'must be a number greater than 0');
};
const whole: Check = (v, at) => {
  const n = asNum(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : fail(at, 'must be a whole number of at least 0');
};
const bool: Check = (v, at) => {
  if (typeof v == 'boolean') return v;
  if (v === 'true' || v === '1' || v === 1) return true;
  if (v === 'false' || v === '0' || v === 0) return false;
  return fail(at, 'must be true or false');
};
const currency: Check = (v, at) => (typeof v == 'string' && /^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : fail(at, 'must be a 3-letter currency code such as EUR'));
// ISO 8601 as the vendors accept it: a date, optionally a time, optionally a zone (seeds/003 "Data formats").
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const date: Check = (v, at) =>
  typeof v == 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T')))
    ? v
    : fail(at, 'must be an ISO 8601 date such as 2024-03-01T12:00:00Z');
const oneOf =
  (values: readonly string[]): Check =>
  (v, at) =>
    typeof v == 'string' && values.includes(v.toLowerCase()) ? v.toLowerCase() : fail(at, 'must be one of ' + values.join(', '));
const strings: Check = (v, at) => {
  if (!isObj(v)) return fail(at, 'must be an object of strings');
  const out: { [k: string]: string } = {};
  for (const k in v) out[k] = text(typeof v[k] == 'number' ? String(v[k]) : v[k], at + '.' + k) as string;
  return out;
};
const json: Check = (v, at) => (isObj(v) ? v : fail(at, 'must be an object'));
const listOf =
  (item: Check, min = 0): Check =>
  (v, at) => {
    if (!Array.isArray(v)) return fail(at, 'must be an array');
    if (v.length < min) return fail(at, 'must hold at least ' + min + ' item' + (min > 1 ? 's' : ''));
    if (v.length > MAX_LIST_LENGTH) return fail(at, 'must hold at most ' + MAX_LIST_LENGTH + ' items');
    return v.map((x, i) => item(x, at + '[' + i + ']'));
  };
const shape = (fields: Shape): Check => {
  // Read once: the import checks each shape a hundred thousand times.
  const specs = Object.keys(fields).map((spec) => ({ name: spec.replace('?', ''), optional: spec.endsWith('?'), check: fields[spec] }));
  const known = new Set(specs.map((f) => f.name));
  const expected = 'unknown field; expected one of ' + [...known].join(', ');
  return (v, at) => {
    if (!isObj(v)) return fail(at, 'must be an object');
    const out: { [k: string]: unknown } = {};
    for (const f of specs) {
      const x = v[f.name];
      if (x === undefined || x === null || x === '') {
        if (!f.optional) fail(at + '.' + f.name, 'is required');
        continue;
      }
      out[f.name] = f.check(x, at + '.' + f.name);
    }
    for (const k in v) if (!known.has(k)) fail(at + '.' + k, expected);
    return out;
  };
};

const categoryRef = shape({ category_id: id, name });

const VARIANT: Shape = {
  variant_id: id,
  'sku?': text,
  'name?': text,
  price: amount,
  'full_price?': amount,
  stock: whole,
  'stock_type?': oneOf(STOCK_TYPES),
  'available?': bool,
  'color?': text,
  'size?': text,
  'photo_url?': text,
  'link?': text,
  'attributes?': strings,
};

const CHECKS: { [E in Entity]: Check } = {
  category: shape({
    category_id: id,
    name,
    'parents?': (v, at) => {
      const list = listOf(categoryRef)(v, at) as unknown[];
      return list.length < MAX_CATEGORY_DEPTH ? list : fail(at, 'must hold at most ' + (MAX_CATEGORY_DEPTH - 1) + ' ancestors (Aqurate keeps five levels)');
    },
    'link?': text,
  }),
  product: shape({
    product_id: id,
    name,
    'description?': text,
    'brand?': text,
    link: name,
    photo_url: name,
    categories: listOf(categoryRef, 1),
    'currency?': currency,
    'available?': bool,
    'owner_id?': id,
    'attributes?': strings,
    'extra?': json,
    variants: listOf(shape(VARIANT), 1),
  }),
  variant: shape({ product_id: id, ...VARIANT }),
  customer: shape({
    customer_id: id,
    'email?': (v, at) => (typeof v == 'string' && /^[^\s@]+@[^\s@]+$/.test(v) ? v : fail(at, 'must be an email address')),
    'title?': text,
    'first_name?': text,
    'last_name?': text,
    'phone?': text,
    'anonymous_id?': id,
    'profile?': strings,
    'email_subscriber?': bool,
    'wishlist?': listOf(id),
    'created_at?': date,
  }),
  order: shape({
    order_id: id,
    customer_id: id,
    status: oneOf(ORDER_STATUSES),
    created_at: date,
    'modified_at?': date,
    'completed_at?': date,
    currency,
    'total?': amount,
    'email?': text,
    'first_name?': text,
    'last_name?': text,
    'phone?': text,
    'city?': text,
    'country?': text,
    'zip_code?': text,
    lines: listOf(
      shape({
        product_id: id,
        variant_id: id,
        'sku?': text,
        'name?': text,
        quantity: positive,
        unit_price: amount,
        'subtotal?': amount,
        'total?': amount,
        'subtotal_tax?': amount,
        'total_tax?': amount,
        'tax_class?': text,
      }),
      1,
    ),
  }),
};

/** Whether `s` names an entity. */
export const isEntity = (s: unknown): s is Entity => typeof s == 'string' && (ENTITIES as readonly string[]).includes(s);

/**
 * Checks a record of `entity`; returns a normalised copy (numbers as numbers, ids as strings, empty
 * optional fields left out) or throws a ShoptrackError such as `product.variants[0].price: must be a
 * number of at least 0`.
 */
export function validateRecord<E extends Entity>(entity: E, input: unknown): Records[E] {
  if (!isEntity(entity)) fail('entity', 'must be one of ' + ENTITIES.join(', '));
  const out = CHECKS[entity](input, entity) as { [k: string]: unknown };
  if (entity == 'product') {
    const seen = new Set<string>();
    (out.variants as { variant_id: string }[]).forEach((v, i) => {
      if (seen.has(v.variant_id)) fail('product.variants[' + i + '].variant_id', 'must be unique within the product');
      seen.add(v.variant_id);
    });
  }
  return out as unknown as Records[E];
}

/** The id fields a delete names: the record's id, and for a variant its product's id too. */
export function validateKey(entity: Entity, input: unknown): { [field: string]: string } {
  if (!isEntity(entity)) fail('entity', 'must be one of ' + ENTITIES.join(', '));
  if (!isObj(input)) return fail(entity, 'must be an object');
  const fields = entity == 'variant' ? ['product_id', 'variant_id'] : [entity + '_id'];
  const out: { [field: string]: string } = {};
  for (const f of fields) out[f] = id(input[f] ?? fail(entity + '.' + f, 'is required'), entity + '.' + f) as string;
  return out;
}
