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
    ['impression/product', { type: 'impression', subtype: 'product', product_id: 'p3' }, ['product_id']],
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
    expect(rows.length).toBe(17 + 3 * CART_FIELDS.length);
    expect(EVENT_KINDS.filter((k) => !/^pageview\/(home|search|cart|404|checkout)$|^login$/.test(k)).sort()).toEqual(complete.map(([k]) => k).sort());
  });

  it('turns numeric ids and prices into what DataCue expects', () => {
    const e = validateEvent({
      type: 'checkout', subtype: 'started', cart_link: '/c',
      cart: [{ product_id: 875, variant: 'v', quantity: '2', unit_price: '12.00', currency: 'EUR' }],
    });
    expect(e.cart).toEqual([{ product_id: '875', variant_id: 'v', quantity: 2, unit_price: 12, currency: 'EUR' }]);
  });

  it('lists every kind it knows in the error for an unknown one', () => {
    expect.assertions(3);
    expect(EVENT_KINDS).toContain('order/completed');
    try {
      validateEvent({ type: 'x' });
    } catch (e) {
      expect((e as ShoptrackError).field).toBe('event.type');
      expect((e as ShoptrackError).rule).toContain('cart/update');
    }
  });

  /** The ShoptrackError validateEvent throws for `e`, or undefined. */
  const errorOf = (e: unknown): ShoptrackError | undefined => {
    try {
      validateEvent(e);
    } catch (x) {
      if (!(x instanceof ShoptrackError)) throw x;
      return x;
    }
  };
  const checkout = (...cart: unknown[]) => ({ type: 'checkout', subtype: 'started', cart_link: '/c', cart });

  it('takes variant_id as optional on product views and wishlists: absent stays absent, null stays null', () => {
    for (const [type, subtype] of [['pageview', 'product'], ['wishlist', 'add'], ['wishlist', 'remove']]) {
      const absent = validateEvent({ type, subtype, product_id: 'p1' });
      expect('variant_id' in absent).toBe(false);
      expect(validateEvent({ type, subtype, product_id: 'p1', variant_id: null }).variant_id).toBe(null);
      expect(validateEvent({ type, subtype, product_id: 'p1', variant_id: 7 }).variant_id).toBe('7');
      expect(errorOf({ type, subtype, product_id: 'p1', variant_id: '' })?.message).toBe('event.variant_id: must be a non-empty string');
      expect(errorOf({ type, subtype, product_id: 'p1', variant_id: {} })?.field).toBe('event.variant_id');
    }
  });

  it('requires variant_id on every cart line', () => {
    expect(errorOf(checkout({ ...LINE, variant_id: null }))?.message).toBe('event.cart[0].variant_id: must be a non-empty string');
  });

  it('turns numeric ids into strings and refuses other values', () => {
    const e = validateEvent({ type: 'order', subtype: 'completed', order_id: 1001, cart: [{ ...LINE, product_id: 0, variant_id: 2.5 }] });
    expect(e.order_id).toBe('1001');
    expect(e.cart![0]).toMatchObject({ product_id: '0', variant_id: '2.5' });
    expect(validateEvent({ type: 'click', subtype: 'banner', banner_id: 3 }).banner_id).toBe('3');
    for (const bad of [NaN, Infinity, true, [], {}, ''])
      expect(errorOf({ type: 'click', subtype: 'product', product_id: bad })?.message).toBe('event.product_id: must be a non-empty string');
  });

  it('takes only non-empty strings for links, names, terms and currencies, not numbers', () => {
    expect(errorOf({ type: 'pageview', subtype: 'category', category_name: 5 })?.field).toBe('event.category_name');
    expect(errorOf({ type: 'search', term: 42 })?.message).toBe('event.term: must be a non-empty string');
    expect(errorOf({ type: 'cart', subtype: 'update', cart: [], cart_link: 1 })?.field).toBe('event.cart_link');
    expect(errorOf(checkout({ ...LINE, currency: 978 }))?.message).toBe('event.cart[0].currency: must be a non-empty string');
    expect(errorOf(checkout({ ...LINE, currency: '' }))?.field).toBe('event.cart[0].currency');
  });

  it('takes quantities and prices as numbers of at least 0 or numeric strings, turned into numbers', () => {
    const [line] = validateEvent(checkout({ ...LINE, quantity: '0', unit_price: ' 1e3 ' })).cart!;
    expect(line.quantity).toBe(0);
    expect(line.unit_price).toBe(1000);
    expect(validateEvent(checkout({ ...LINE, quantity: 0, unit_price: 0.5 })).cart![0]).toMatchObject({ quantity: 0, unit_price: 0.5 });
    for (const bad of [-1, '-0.01', '', ' ', 'twelve', NaN, Infinity, '1/2', null, true])
      expect(errorOf(checkout(LINE, { ...LINE, unit_price: bad }))?.message).toBe('event.cart[1].unit_price: must be a number of at least 0');
    expect(errorOf(checkout({ ...LINE, quantity: -2 }))?.field).toBe('event.cart[0].quantity');
  });

  it('names a cart line that is not an object by its index', () => {
    expect(errorOf(checkout(LINE, LINE, 'p1'))?.message).toBe('event.cart[2]: must be an object');
    expect(errorOf(checkout([LINE]))?.message).toBe('event.cart[0]: must be an object');
  });

  it('checks the fields in the order of its rules and reports the first problem', () => {
    expect(errorOf({ type: 'order', subtype: 'completed', cart: 'none' })?.field).toBe('event.order_id');
    expect(errorOf({ type: 'cart', subtype: 'update', cart: 'none' })?.field).toBe('event.cart');
    expect(errorOf(checkout({ currency: 1, unit_price: -1, quantity: -1, variant_id: '', product_id: '' }))?.field).toBe('event.cart[0].product_id');
    expect(errorOf(checkout({ product_id: 'p', currency: 1, unit_price: -1, quantity: -1 }))?.field).toBe('event.cart[0].variant_id');
    expect(errorOf(checkout({ product_id: 'p', variant_id: 'v', currency: 1, unit_price: -1 }))?.field).toBe('event.cart[0].quantity');
    expect(errorOf(checkout({ product_id: 'p', variant_id: 'v', currency: 1, quantity: 1 }))?.field).toBe('event.cart[0].unit_price');
  });

  it('keeps fields it has no rule for, on the event and on cart lines', () => {
    const e = validateEvent({ type: 'cart', subtype: 'update', cart_link: '/c', coupon: 'X', cart: [{ ...LINE, name: 'Sofa', extra: { a: 1 } }] });
    expect(e.coupon).toBe('X');
    expect(e.cart![0]).toEqual({ ...LINE, name: 'Sofa', extra: { a: 1 } });
    expect(validateEvent({ type: 'login', subtype: 'email', user: 'u' })).toEqual({ type: 'login', subtype: 'email', user: 'u' });
  });

  it('takes a cart line\'s "variant" as its variant_id, unless it has one', () => {
    const [a, b] = validateEvent(checkout({ ...LINE, variant_id: undefined, variant: 5 }, { ...LINE, variant: 'ignored' })).cart!;
    expect(a.variant_id).toBe('5');
    expect('variant' in a).toBe(false);
    expect(b.variant_id).toBe('v1');
    expect('variant' in b).toBe(false);
  });

  it('returns a copy and leaves the shop\'s objects as they were', () => {
    const line = { product_id: 875, variant: 'v', quantity: '2', unit_price: '12.00', currency: 'EUR' };
    const input = { type: 'checkout', subtype: 'started', cart_link: '/c', cart: [line] };
    const before = structuredClone(input);
    const e = validateEvent(input);
    expect(input).toEqual(before);
    expect(e).not.toBe(input);
    expect(e.cart).not.toBe(input.cart);
    expect(e.cart![0]).not.toBe(line);
    const view = { type: 'pageview', subtype: 'home' };
    expect(validateEvent(view)).not.toBe(view);
  });

  it('refuses a type that is not a non-empty string and kinds that are only Object.prototype\'s names', () => {
    for (const type of [5, 0, true, '', null, {}]) {
      const err = errorOf({ type, subtype: 'home' });
      expect(err?.message).toBe('event.type: must be a non-empty string');
    }
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(errorOf({ type })?.message).toMatch(new RegExp('^event.type: unknown event "' + type + '"'));
    expect(errorOf({ type: 'pageview', subtype: 'toString' })?.field).toBe('event.subtype');
  });

  it('names the subtype of an unknown "type/subtype", and the type when it has no subtype', () => {
    expect(errorOf({ type: 'purchase', subtype: 'done' })?.field).toBe('event.subtype');
    expect(errorOf({ type: 'pageview' })?.message).toMatch(/^event\.type: unknown event "pageview"; expected one of pageview\/home, /);
    expect(errorOf({ type: 'pageview', subtype: null })?.field).toBe('event.type');
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
