// Canonical products and customers -> Quarticon's /data/product, /collectprofile and /contact
// (seeds/002_b9effc4c9bb4f847.txt): one row per case, the expected body beside it.
import { describe, expect, it } from 'vitest';
import { planQuarticonData, quarticonContact, quarticonProduct, quarticonProfile } from '../../../src/vendors/quarticon-data';
import { customer, order, product, remove, upsert } from './vendor-records';

const PRODUCT = {
  id: 'P1',
  title: 'Linen Shirt',
  image: 'https://shop.example/img/p1.jpg',
  description: 'A shirt of linen',
  url: 'https://shop.example/product/linen-shirt',
  price: 39.9,
  priceOld: 49.9,
  status: true,
  categories: [
    { id: 10, name: 'Shirts' },
    { id: 20, name: 'Bestsellers' },
  ],
};

const PRODUCTS: [string, object, object, object | string][] = [
  ['a product -> every field the seed defines that the shop has', product(), {}, PRODUCT],
  ['with a catalog symbol', product(), { catalogSymbol: 'main' }, { ...PRODUCT, catalogSymbol: 'main' }],
  [
    'attributes -> custom1..3',
    product({ attributes: { material: 'linen', fit: 'slim', collar: 'kent', sleeve: 'long' } }),
    {},
    { ...PRODUCT, custom1: 'linen', custom2: 'slim', custom3: 'kent' },
  ],
  ['no discount -> no priceOld', product({ variants: [{ variant_id: 'V', price: 20, full_price: 20, stock: 1 }] }), {}, { ...PRODUCT, price: 20, priceOld: undefined }],
  ['off sale -> status false', product({ available: false }), {}, { ...PRODUCT, status: false }],
  [
    'non-integer category ids are left out (Category.id is an integer)',
    product({ categories: [{ category_id: 'shirts', name: 'Shirts' }, { category_id: '20', name: 'Bestsellers' }] }),
    {},
    { ...PRODUCT, categories: [{ id: 20, name: 'Bestsellers' }] },
  ],
  ['an id with a dot -> refused locally', product({ product_id: 'P.1' }), {}, 'product.product_id: Quarticon allows [a-zA-Z0-9-_] only, got "P.1"'],
];

const PROFILES: [string, object, object | undefined][] = [
  ['a customer with a browser id -> userId, cookie, email', customer(), { userId: 'C1', cookie: 'anon-1', email: 'ann@example.com' }],
  ['a subscriber -> agreement true', customer({ email_subscriber: true }), { userId: 'C1', cookie: 'anon-1', email: 'ann@example.com', agreement: true }],
  ['no browser id -> no profile (cookie is required)', customer({ anonymous_id: undefined }), undefined],
  ['characters Quarticon does not allow are left out of the cookie, as for events', customer({ anonymous_id: 'a.b:c' }), { userId: 'C1', cookie: 'abc', email: 'ann@example.com' }],
];

const CONTACTS: [string, object, object, object | undefined][] = [
  ['a customer with an email -> email and cookie', customer(), {}, { email: 'ann@example.com', cookie: 'anon-1' }],
  ['the consent text configured -> a newsletter agreement', customer({ email_subscriber: false }), { newsletterConsent: 'Yes, send me news' }, { email: 'ann@example.com', cookie: 'anon-1', agreements: [{ t: 'newsletter', c: 'Yes, send me news', s: false }] }],
  ['name tags switched on -> firstname, lastname', customer(), { nameTags: true }, { email: 'ann@example.com', cookie: 'anon-1', tags: [{ n: 'firstname', v: 'Ann' }, { n: 'lastname', v: 'Lee' }] }],
  ['no email -> no contact (email is required)', customer({ email: undefined }), {}, undefined],
];

describe('Quarticon /data/product', () => {
  it.each(PRODUCTS)('%s', (_name, p, options, expected) => {
    if (typeof expected == 'string') expect(() => quarticonProduct(p as never, options)).toThrow(expected);
    else expect(quarticonProduct(p as never, options)).toEqual(JSON.parse(JSON.stringify(expected)));
  });
});

describe('Quarticon /collectprofile', () => {
  it.each(PROFILES)('%s', (_name, c, expected) => expect(quarticonProfile(c as never)).toEqual(expected));
  it('refuses a customer id Quarticon does not allow', () => {
    expect(() => quarticonProfile(customer({ customer_id: 'ann@example.com' }))).toThrow('customer.customer_id: Quarticon allows [a-zA-Z0-9-_] only');
  });
});

describe('Quarticon /contact', () => {
  it.each(CONTACTS)('%s', (_name, c, options, expected) => expect(quarticonContact(c as never, options)).toEqual(expected));
});

describe('planQuarticonData', () => {
  it('one request an object: a product, a customer\'s profile and contact; a deleted product with status false', () => {
    const plan = planQuarticonData([upsert('product', product()), upsert('customer', customer()), remove('product', { product_id: 'P2' }), upsert('order', order())]);
    expect(plan.requests.map((r) => [r.path, r.owners])).toEqual([
      ['/data/product', [0]],
      ['/collectprofile', [1]],
      ['/contact', [1]],
      ['/data/product', [2]],
    ]);
    expect(plan.requests[3].body).toEqual({ id: 'P2', status: false });
    expect(plan.nothing).toEqual([3]);
  });

  it('reports bad ids and customers it cannot reach, and sends the rest', () => {
    const plan = planQuarticonData([
      upsert('product', product({ product_id: 'P 1' })),
      upsert('customer', customer({ email: undefined, anonymous_id: undefined })),
      upsert('product', product({ product_id: 'P2' })),
    ]);
    expect(plan.invalid).toEqual([
      { index: 0, error: 'product.product_id: Quarticon allows [a-zA-Z0-9-_] only, got "P 1"' },
      { index: 1, error: 'customer.email: is required by Quarticon /contact (or anonymous_id, for /collectprofile)' },
    ]);
    expect(plan.requests.map((r) => r.owners)).toEqual([[2]]);
  });
});
