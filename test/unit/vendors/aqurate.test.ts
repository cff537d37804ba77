// Canonical events -> Aqurate's website_events rows (seeds/000_e974799954d6ed8c.txt): one row per event,
// the shopper's previous cart and the expected rows beside it.
import { describe, expect, it } from 'vitest';
import type { ShopEvent, TrackedEvent } from '../../../src/events/types';
import { AQURATE_PAIRS, type AqurateState, cartGrowth, toAqurate } from '../../../src/vendors/aqurate';
import { normaliseAqurateRecs } from '../../../src/relay/aqurate';

const TS = Date.UTC(2026, 10, 23, 12, 0, 0, 789);
const ISO = '2026-11-23T12:00:00.789Z';
const t = (e: ShopEvent, extra: Partial<TrackedEvent> = {}): TrackedEvent => ({
  id: 'ev1',
  ts: TS,
  aid: 'cookie-1',
  sid: 'session-1',
  uid: null,
  url: 'https://shop.example/',
  e,
  ...extra,
});
const r = (product_id: string, page_type: string | null, event: string, extra: object = {}) => ({
  timestamp: ISO,
  session_id: 'session-1',
  cookie_id: 'cookie-1',
  ...extra,
  product_id,
  page_type,
  event,
});
const cart = (...lines: [string, number, string?][]) => ({
  type: 'cart',
  subtype: 'update',
  cart_link: '/cart',
  cart: lines.map(([product_id, quantity, variant_id]) => (variant_id ? { product_id, quantity, variant_id } : { product_id, quantity })),
});
const prev = (c: { [p: string]: number }, ts = TS - 1000): AqurateState => ({ ts, cart: c });

const ROWS: [string, TrackedEvent, AqurateState | undefined, object[]][] = [
  ['product page view -> (detail_page, page_view)', t({ type: 'pageview', subtype: 'product', product_id: 'P1' }, { page: 'product' }), undefined, [r('P1', 'detail_page', 'page_view')]],
  ['a logged-in shopper -> user_id', t({ type: 'pageview', subtype: 'product', product_id: 'P1' }, { uid: '42' }), undefined, [r('P1', 'detail_page', 'page_view', { user_id: '42' })]],
  ['first cart on a product page -> add_to_cart on detail_page', t(cart(['P1', 1]), { page: 'product' }), undefined, [r('P1', 'detail_page', 'add_to_cart')]],
  ['cart grown on the cart page -> add_to_cart on checkout for the grown product only', t(cart(['P1', 1], ['P2', 3]), { page: 'cart' }), prev({ P1: 1, P2: 1 }), [r('P2', 'checkout', 'add_to_cart')]],
  ['a new product in the cart on a category page -> add_to_cart on checkout', t(cart(['P1', 1], ['P3', 1]), { page: 'category' }), prev({ P1: 1 }), [r('P3', 'checkout', 'add_to_cart')]],
  ['quantities summed over variants', t(cart(['P1', 1, 'S'], ['P1', 1, 'M']), { page: 'product' }), prev({ P1: 1 }), [r('P1', 'detail_page', 'add_to_cart')]],
  ['cart shrunk -> no rows', t(cart(['P1', 1]), { page: 'cart' }), prev({ P1: 2, P2: 1 }), []],
  ['cart unchanged -> no rows', t(cart(['P1', 2]), { page: 'checkout' }), prev({ P1: 2 }), []],
  ['wishlist add on a product page -> (detail_page, add_to_wishlist)', t({ type: 'wishlist', subtype: 'add', product_id: 'P1' }, { page: 'product' }), undefined, [r('P1', 'detail_page', 'add_to_wishlist')]],
  ['wishlist add elsewhere -> (checkout, add_to_wishlist)', t({ type: 'wishlist', subtype: 'add', product_id: 'P1' }, { page: 'cart' }), undefined, [r('P1', 'checkout', 'add_to_wishlist')]],
  [
    'order completed -> (checkout, purchase), one row per product',
    t(
      { type: 'order', subtype: 'completed', order_id: 'O1', cart: [{ product_id: 'P1', quantity: 1, variant_id: 'S' }, { product_id: 'P1', quantity: 1, variant_id: 'M' }, { product_id: 'P2', quantity: 2 }] },
      { page: 'order confirmation', uid: 'ann@example.com' },
    ),
    prev({ P1: 2, P2: 2 }),
    // A guest's billing email in uid: never in user_id, an id field.
    [r('P1', 'checkout', 'purchase'), r('P2', 'checkout', 'purchase')],
  ],
  [
    "a logged-in shopper's order -> user_id",
    t({ type: 'order', subtype: 'completed', order_id: 'O2', cart: [{ product_id: 'P1', quantity: 1 }] }, { page: 'order confirmation', uid: 'c-77' }),
    undefined,
    [r('P1', 'checkout', 'purchase', { user_id: 'c-77' })],
  ],
  ['an email as uid on any event -> no user_id', t({ type: 'pageview', subtype: 'product', product_id: 'P1' }, { uid: 'Ann.Smith+shop@mail.example' }), undefined, [r('P1', 'detail_page', 'page_view')]],
  ['click on a product link -> (null, link_click)', t({ type: 'click', subtype: 'product', product_id: 'P1' }), undefined, [r('P1', null, 'link_click')]],
  ['click on a recommendation -> (null, link_click)', t({ type: 'click', subtype: 'similar', product_id: 'P9', source: 'aqurate' }), undefined, [r('P9', null, 'link_click')]],
  ['click on a banner -> no rows (no product)', t({ type: 'click', subtype: 'banner', banner_id: 'B1' }), undefined, []],
  ['wishlist remove -> no rows', t({ type: 'wishlist', subtype: 'remove', product_id: 'P1' }), undefined, []],
  ['home page view -> no rows', t({ type: 'pageview', subtype: 'home' }), undefined, []],
  ['impression -> no rows', t({ type: 'impression', subtype: 'product', product_id: 'P1', source: 'quarticon', tracking_string: 'x' }), undefined, []],
];

describe('toAqurate', () => {
  it.each(ROWS)('%s', (_name, event, state, expected) => {
    expect(toAqurate(event, state).rows).toEqual(expected);
  });

  it('makes only the (page_type, event) pairs the table allows', () => {
    for (const [, event, state] of ROWS)
      for (const row of toAqurate(event, state).rows) expect(AQURATE_PAIRS[String(row.page_type)]).toContain(row.event);
  });

  it('keeps the new cart as the shopper state, and empties it with an order', () => {
    expect(toAqurate(t(cart(['P1', 2])), prev({ P1: 1 })).state).toEqual({ ts: TS, cart: { P1: 2 } });
    expect(toAqurate(t({ type: 'order', subtype: 'completed', order_id: 'O', cart: [{ product_id: 'P1', quantity: 1 }] }), prev({ P1: 1 })).state).toEqual({ ts: TS, cart: {} });
    expect(toAqurate(t({ type: 'pageview', subtype: 'product', product_id: 'P1' }), prev({ P1: 1 })).state).toBeUndefined();
  });

  it('compares a late (older) cart but keeps the newer one', () => {
    const newer = prev({ P1: 1 }, TS + 5000);
    const out = toAqurate(t(cart(['P1', 1], ['P2', 1]), { page: 'cart' }), newer);
    expect(out.rows).toEqual([r('P2', 'checkout', 'add_to_cart')]);
    expect(out.state).toBe(newer);
  });

  it('finds growth per product, new products included', () => {
    expect(cartGrowth({ A: 1, B: 2 }, { A: 2, B: 2, C: 1 })).toEqual(['A', 'C']);
    expect(cartGrowth({ A: 3 }, { A: 1 })).toEqual([]);
  });
});

describe('normaliseAqurateRecs', () => {
  it('turns the designed answer into the widgets\' items', () => {
    expect(
      normaliseAqurateRecs({
        recommendations: [
          { product_id: 'P1', name: 'Mug', price: '12.50', photo_url: '/p1.svg', item_uri: '/product/mug' },
          { product_id: 7, name: 'Pot' },
          { name: 'no id' },
        ],
      }),
    ).toEqual([
      { product_id: 'P1', name: 'Mug', price: 12.5, photo_url: '/p1.svg', link: '/product/mug' },
      { product_id: '7', name: 'Pot' },
    ]);
  });
  it('takes a bare array and answers nothing for anything else', () => {
    expect(normaliseAqurateRecs([{ product_id: 'A', link: '/a' }])).toEqual([{ product_id: 'A', link: '/a' }]);
    expect(normaliseAqurateRecs({ error: 'x' })).toEqual([]);
    expect(normaliseAqurateRecs(null)).toEqual([]);
  });
});
