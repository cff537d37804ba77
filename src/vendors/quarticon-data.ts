// Quarticon's catalog and profiles (seeds/002_b9effc4c9bb4f847.txt): POST /data/product for products,
// POST /collectprofile and POST /contact for customers, one object a request. Pure: queued changes of
// canonical records (data/types.ts) in, the requests out. Ids are checked against Quarticon's
// [a-zA-Z0-9-_] here, so a bad id is a local error naming the field, never a vendor 4xx.
import type { Customer, Product } from '../data/types';
import { type Change, type Plan, VendorRuleError, emptyPlan } from './plan';
import { QUARTICON_ID } from '../events/policy';
import { quarticonCookie } from './quarticon';

/** The Product object (seeds/002, "Schema Definitions"). */
export interface QuarticonProduct {
  id: string;
  title?: string;
  image?: string;
  description?: string;
  url?: string;
  /** "Product price after discount". */
  price?: number;
  /** "Product price before discount". */
  priceOld?: number;
  custom1?: string;
  custom2?: string;
  custom3?: string;
  /** "Is it visible and can we recommend it". */
  status: boolean;
  /** Category ids are integers in the seed. */
  categories?: { id: number; name: string }[];
  catalogSymbol?: string;
}

/** CollectProfile (seeds/002): one profile a request. */
export interface QuarticonProfile {
  userId: string;
  cookie: string;
  email?: string;
  agreement?: boolean;
}

/** Create or update Contact (seeds/002). */
export interface QuarticonContact {
  email: string;
  cookie?: string;
  agreements?: { t: string; c: string; s: boolean }[];
  tags?: { n: string; v: string }[];
}

export interface QuarticonDataOptions {
  /** "Symbol of the catalog containing the product", when the account has several catalogs. */
  catalogSymbol?: string;
  /**
   * The text of the shop's newsletter consent. /contact's agreements need it ("c", required); without
   * it no agreement is sent, and email_subscriber reaches Quarticon through /collectprofile only.
   */
  newsletterConsent?: string;
  /**
   * Send first_name and last_name as the tags "firstname" and "lastname" (the seed's example). Off by
   * default: "We only accept existing tags (they must first be created in control panel)".
   */
  nameTags?: boolean;
}

/** custom1 to custom3: "Additional product description". */
const CUSTOM_FIELDS = 3;
const INTEGER = /^\d{1,15}$/;

const checkId = (field: string, id: string): string => {
  if (!QUARTICON_ID.test(id)) throw new VendorRuleError(field, 'Quarticon allows [a-zA-Z0-9-_] only, got ' + JSON.stringify(id));
  return id;
};

/**
 * A product as /data/product: its first variant's prices (priceOld only when it is a discount), the
 * first three attribute values as custom1-3, status for sale when the product and a variant are, and
 * the categories whose ids are integers (the seed types Category.id as integer; others are left out).
 */
export function quarticonProduct(p: Product, o: QuarticonDataOptions = {}): QuarticonProduct {
  const first = p.variants[0];
  const custom = Object.values(p.attributes || {}).slice(0, CUSTOM_FIELDS);
  const categories = p.categories.filter((c) => INTEGER.test(c.category_id)).map((c) => ({ id: Number(c.category_id), name: c.name }));
  const out: { [field: string]: unknown } = {
    id: checkId('product.product_id', p.product_id),
    title: p.name,
    image: p.photo_url,
    description: p.description,
    url: p.link,
    price: first.price,
    priceOld: first.full_price !== undefined && first.full_price > first.price ? first.full_price : undefined,
    custom1: custom[0],
    custom2: custom[1],
    custom3: custom[2],
    status: p.available !== false && p.variants.some((v) => v.available ?? true),
    categories: categories.length ? categories : undefined,
    catalogSymbol: o.catalogSymbol,
  };
  for (const k in out) if (out[k] === undefined) delete out[k];
  return out as unknown as QuarticonProduct;
}

/**
 * A deleted product: /data/product has no delete, so the product goes out with status false ("can we
 * recommend it": no). Only id is required by the schema.
 */
export function quarticonProductGone(productId: string, o: QuarticonDataOptions = {}): QuarticonProduct {
  const out: QuarticonProduct = { id: checkId('product.product_id', productId), status: false };
  if (o.catalogSymbol) out.catalogSymbol = o.catalogSymbol;
  return out;
}

/** /collectprofile for a customer with a browser cookie (userId and cookie are required), else undefined. */
export function quarticonProfile(c: Customer): QuarticonProfile | undefined {
  const cookie = c.anonymous_id ? quarticonCookie(c.anonymous_id) : undefined;
  if (!cookie) return;
  const out: QuarticonProfile = { userId: checkId('customer.customer_id', c.customer_id), cookie };
  if (c.email) out.email = c.email;
  if (c.email_subscriber !== undefined) out.agreement = c.email_subscriber;
  return out;
}

/** /contact for a customer with an email (required), else undefined. */
export function quarticonContact(c: Customer, o: QuarticonDataOptions = {}): QuarticonContact | undefined {
  if (!c.email) return;
  const out: QuarticonContact = { email: c.email };
  const cookie = c.anonymous_id ? quarticonCookie(c.anonymous_id) : undefined;
  if (cookie) out.cookie = cookie;
  if (o.newsletterConsent && c.email_subscriber !== undefined) out.agreements = [{ t: 'newsletter', c: o.newsletterConsent, s: c.email_subscriber }];
  if (o.nameTags) {
    const tags: { n: string; v: string }[] = [];
    if (c.first_name) tags.push({ n: 'firstname', v: c.first_name });
    if (c.last_name) tags.push({ n: 'lastname', v: c.last_name });
    if (tags.length) out.tags = tags;
  }
  return out;
}

export type QuarticonDataBody = QuarticonProduct | QuarticonProfile | QuarticonContact;

/**
 * The requests for a claim of changes, one object each ("We can send only one single profile object
 * per request"; the product example is one object too). A customer goes to /collectprofile when the
 * shop knows the browser's anonymous id and to /contact when it has an email; one with neither is
 * reported. Quarticon keeps no categories, orders or customer deletes: those have nothing to send.
 */
export function planQuarticonData(changes: Change[], o: QuarticonDataOptions = {}): Plan<QuarticonDataBody> {
  const plan = emptyPlan<QuarticonDataBody>();
  changes.forEach((c, i) => {
    try {
      if (c.entity == 'product') {
        const body = c.op == 'delete' ? quarticonProductGone(String(c.record.product_id), o) : quarticonProduct(c.record as unknown as Product, o);
        plan.requests.push({ method: 'POST', path: '/data/product', body, owners: [i] });
      } else if (c.entity == 'customer' && c.op == 'upsert') {
        const customer = c.record as unknown as Customer;
        const profile = quarticonProfile(customer);
        const contact = quarticonContact(customer, o);
        if (!profile && !contact) throw new VendorRuleError('customer.email', 'is required by Quarticon /contact (or anonymous_id, for /collectprofile)');
        if (profile) plan.requests.push({ method: 'POST', path: '/collectprofile', body: profile, owners: [i] });
        if (contact) plan.requests.push({ method: 'POST', path: '/contact', body: contact, owners: [i] });
      } else plan.nothing.push(i);
    } catch (err) {
      if (!(err instanceof VendorRuleError)) throw err;
      plan.invalid.push({ index: i, error: err.message });
    }
  });
  return plan;
}
