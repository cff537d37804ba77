import { describe, expect, it } from 'vitest';
import { stringify } from '../../../src/events/json';
import { EVENT_KINDS, ShoptrackError, validateEvent } from '../../../src/events/validate';

/** A cart line with every field seed 001 asks for. */
const LINE: { [k: string]: unknown } = { product_id: 'p1', variant_id: 'v1', quantity: 1, unit_price: 24, currency: 'USD' };

describe('validateEvent', () => {
  const valid: [string, object][] = [
    ['home page view', { type: 'pageview', subtype: 'home' }],
    ['product page view', { type: 'pageview', subtype: 'product', product_id: 'p1', variant_id: 'v1' }],
    ['category page view', { type: 'pageview', subtype: 'category', category_name: 'living-room' }],
    ['search page view', { type: 'pageview', subtype: 'search' }],
    ['cart page view', { type: 'pageview', subtype: 'cart' }],
    ['404 page view', { type: 'pageview', subtype: '404' }],
    ['checkout page view', { type: 'pageview', subtype: 'checkout' }],
    ['cart update', { type: 'cart', subtype: 'update', cart: [{ product_id: 'p1', variant_id: 'v1', quantity: 1, unit_price: 24, currency: 'USD' }], cart_link: 'https://s.example/cart' }],
    ['wishlist add', { type: 'wishlist', subtype: 'add', product_id: 'p1', variant_id: 'v2' }],
    ['wishlist remove', { type: 'wishlist', subtype: 'remove', product_id: 'p1' }],
    ['checkout started', { type: 'checkout', subtype: 'started', cart: [], cart_link: '/cart' }],
    ['login', { type: 'login' }],
    ['search', { type: 'search', term: 'tables' }],
    ['banner click', { type: 'click', subtype: 'banner', banner_id: 'b1' }],
    ['product click', { type: 'click', subtype: 'product', product_id: 'p2' }],
    ['related click', { type: 'click', subtype: 'related', product_id: 'p2' }],
    ['order completed', { type: 'order', subtype: 'completed', order_id: 'o1', cart: [{ product_id: 'p', variant_id: 'no-variants', quantity: 2, unit_price: 3, currency: 'EUR' }] }],
    ['impression', { type: 'impression', subtype: 'product', product_id: 'p', source: 'quarticon', tracking_string: 'x' }],
  ];
  it.each(valid)('accepts a %s', (_, e) => {
    expect(validateEvent(e)).toEqual(e);
  });

  const invalid: [string, unknown, string][] = [
    ['a non-object', 'pageview', 'event: must be an object'],
    ['a missing type', { subtype: 'home' }, 'event.type: must be a non-empty string'],
    ['an unknown subtype', { type: 'pageview', subtype: 'blog' }, 'event.subtype: unknown event "pageview/blog"'],
    ['an unknown type', { type: 'purchase' }, 'event.type: unknown event "purchase"'],
    ['a product view without product_id', { type: 'pageview', subtype: 'product' }, 'event.product_id: must be a non-empty string'],
    ['an empty product_id', { type: 'wishlist', subtype: 'add', product_id: '' }, 'event.product_id: must be a non-empty string'],
    ['a cart that is not an array', { type: 'cart', subtype: 'update', cart: {}, cart_link: '/c' }, 'event.cart: must be an array of cart items'],
    ['a cart without cart_link', { type: 'cart', subtype: 'update', cart: [] }, 'event.cart_link: must be a non-empty string'],
    ['a cart line without quantity', { type: 'cart', subtype: 'update', cart: [{ product_id: 'p', variant_id: 'v' }], cart_link: '/c' }, 'event.cart[0].quantity: must be a number of at least 0'],
    ['a cart line with a bad price', { type: 'checkout', subtype: 'started', cart: [LINE, { ...LINE, unit_price: 'free' }], cart_link: '/c' }, 'event.cart[1].unit_price: must be a number'],
    ['a search without term', { type: 'search' }, 'event.term: must be a non-empty string'],
    ['a banner click without banner_id', { type: 'click', subtype: 'banner' }, 'event.banner_id: must be a non-empty string'],
  ];
  it.each(invalid)('refuses %s, naming the field and the rule', (_, e, message) => {
    expect(() => validateEvent(e)).toThrow(ShoptrackError);
    expect(() => validateEvent(e)).toThrow(message);
  });

  // Every required field of seed 001's "Request parameters" tables (and its "cart items" table for each
  // line of a cart update, a checkout cart and an order), one row each: a complete event without it.
  const CART_FIELDS = ['product_id', 'variant_id', 'quantity', 'unit_price', 'currency'];
  const complete: [string, { [k: string]: unknown }, string[]][] = [
    ['pageview/product', { type: 'pageview', subtype: 'product', product_id: 'p1' }, ['product_id']],
    ['pageview/category', { type: 'pageview', subtype: 'category', category_name: 'Sofas' }, ['category_name']],
    ['cart/update', { type: 'cart', subtype: 'update', cart: [LINE], cart_link: '/cart' }, ['cart', 'cart_link']],
    ['wishlist/add', { type: 'wishlist', subtype: 'add', product_id: 'p1' }, ['product_id']],
    ['wishlist/remove', { type: 'wishlist', subtype: 'remove', product_id: 'p1' }, ['product_id']],
    ['checkout/started', { type: 'checkout', subtype: 'started', cart: [LINE], cart_link: '/cart' }, ['cart', 'cart_link']],
    ['search', { type: 'search', term: 'tables' }, ['term']],
    ['click/banner', { type: 'click', subtype: 'banner', banner_id: 'b1' }, ['banner_id']],
    ['click/product', { type: 'click', subtype: 'product', product_id: 'p2' }, ['product_id']],
    ['click/related', { type: 'click', subtype: 'related', product_id: 'p2' }, ['product_id']],
    ['click/similar', { type: 'click', subtype: 'similar', product_id: 'p2' }, ['product_id']],
    ['click/recent', { type: 'click', subtype: 'recent', product_id: 'p2' }, ['product_id']],
    ['order/completed', { type: 'order', subtype: 'completed', order_id: 'o1', cart: [LINE] }, ['order_id', 'cart']],
  ];
  const rows: [string, string, unknown][] = [];
  for (const [kind, e, required] of complete) {
    for (const f of required) {
      const { [f]: _, ...without } = e;
      rows.push([kind, 'event.' + f, without]);
    }
    if (e.cart)
      for (const f of CART_FIELDS) {
        const { [f]: _, ...line } = LINE;
        rows.push([kind, 'event.cart[1].' + f, { ...e, cart: [LINE, line] }]);
      }
  }
  it.each(complete)('accepts a complete %s', (_, e) => {
    expect(() => validateEvent(e)).not.toThrow();
  });
  it.each(rows)('refuses %s without %s, naming it', (_, field, e) => {
    let err: unknown;
    try {
      validateEvent(e);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(ShoptrackError);
    expect((err as ShoptrackError).field).toBe(field);
  });
  it('has a row for every required field of every kind it knows with required fields', () => {
    expect(rows.length).toBe(16 + 3 * CART_FIELDS.length);
    expect(EVENT_KINDS.filter((k) => !/^pageview\/(home|search|cart|404|checkout)$|^login$|^impression/.test(k)).sort()).toEqual(complete.map(([k]) => k).sort());
  });

  it('turns numeric ids and prices into what DataCue expects', () => {
    const e = validateEvent({
      type: 'checkout', subtype: 'started', cart_link: '/c',
      cart: [{ product_id: 875, variant: 'v', quantity: '2', unit_price: '12.00', currency: 'EUR' }],
    });
    expect(e.cart).toEqual([{ product_id: '875', variant_id: 'v', quantity: 2, unit_price: 12, currency: 'EUR' }]);
  });

  it('lists every kind it knows in the error for an unknown one', () => {
    expect(EVENT_KINDS).toContain('order/completed');
    try {
      validateEvent({ type: 'x' });
    } catch (e) {
      expect((e as ShoptrackError).field).toBe('event.type');
      expect((e as ShoptrackError).rule).toContain('cart/update');
    }
  });
});

describe('stringify', () => {
  it('matches JSON.stringify on plain data', () => {
    const v = { a: [1, 'two', null, true, { b: 'q"\\\n\u2028' }], n: -1.5e-7, s: '\u0001', e: [] };
    expect(JSON.parse(stringify(v))).toEqual(v);
    expect(stringify(v)).toContain('\\u2028');
    expect(stringify(new Date(Date.UTC(2026, 0, 2)))).toBe('"2026-01-02T00:00:00.000Z"');
    expect(stringify(new Date(NaN))).toBe('null');
  });
  it('leaves out undefined and functions in objects, writes null for them in arrays', () => {
    expect(stringify({ a: undefined, f: () => 1, b: 1 })).toBe('{"b":1}');
    expect(stringify([undefined, NaN, Infinity])).toBe('[null,null,null]');
    // eslint-disable-next-line no-sparse-arrays
    expect(stringify([1, , true, false, () => 1])).toBe(JSON.stringify([1, , true, false, () => 1]));
    expect(stringify({ t: true, f: false, n: null, u: undefined })).toBe('{"t":true,"f":false,"n":null}');
  });
  it('ignores Array.prototype.toJSON as Prototype.js defines it', () => {
    const proto = Array.prototype as unknown as { toJSON?: () => string };
    proto.toJSON = function () {
      return 'broken';
    };
    try {
      expect(stringify({ cart: [1, 2] })).toBe('{"cart":[1,2]}');
    } finally {
      delete proto.toJSON;
    }
  });
  it('does not call a patched JSON.stringify', () => {
    const orig = JSON.stringify;
    JSON.stringify = () => 'patched';
    try {
      expect(stringify({ a: 1 })).toBe('{"a":1}');
    } finally {
      JSON.stringify = orig;
    }
  });
  it('skips inherited properties', () => {
    const o = Object.create({ inherited: 1 });
    o.own = 2;
    expect(stringify(o)).toBe('{"own":2}');
  });
});
