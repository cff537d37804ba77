// Canonical events -> Quarticon's POST /track/event bodies (seeds/002_b9effc4c9bb4f847.txt): one row per
// event, the expected payload beside it.
import { describe, expect, it } from 'vitest';
import type { ShopEvent, TrackedEvent } from '../../../src/events/types';
import { QUARTICON_ID } from '../../../src/events/policy';
import { VendorRuleError } from '../../../src/vendors/plan';
import { quarticonCookie, quarticonError, toQuarticon } from '../../../src/vendors/quarticon';

const TS = Date.UTC(2026, 10, 23, 12, 0, 0, 789);
const SECONDS = Math.floor(TS / 1000);
const AID = '5f0b6a2e-9c1d-4e3f-8a7b-2c4d6e8f0a1b';
const t = (e: ShopEvent, extra: Partial<TrackedEvent> = {}): TrackedEvent => ({
  id: 'ev1',
  ts: TS,
  aid: AID,
  sid: 's1',
  uid: null,
  url: 'https://shop.example/p/1',
  e,
  ...extra,
});
const base = { customer: 'shop-1', timestamp: SECONDS, cookie: AID };

const ROWS: [string, TrackedEvent, object | null][] = [
  ['product page view -> eventProductView', t({ type: 'pageview', subtype: 'product', product_id: 'P1', variant_id: 'V1' }), { ...base, eventType: 'eventProductView', productId: 'P1' }],
  [
    'a Quarticon recommendation shown -> eventProductView',
    t({ type: 'impression', subtype: 'product', product_id: 'P2', source: 'quarticon', tracking_string: 'TS2' }),
    { ...base, eventType: 'eventProductView', productId: 'P2' },
  ],
  [
    'click on a Quarticon recommendation -> eventClick with its trackingString',
    t({ type: 'click', subtype: 'related', product_id: 'P3', source: 'quarticon', tracking_string: 'abc123' }, { ref: 'https://shop.example/p/1' }),
    { ...base, eventType: 'eventClick', productId: 'P3', trackingString: 'abc123', referrer: 'https://shop.example/p/1' },
  ],
  [
    'order completed -> eventTransaction with the basket, logged-in user as userId',
    t(
      {
        type: 'order',
        subtype: 'completed',
        order_id: 'O-7',
        cart: [
          { product_id: 'P1', variant_id: 'V1', quantity: 2, unit_price: 9.5, currency: 'EUR' },
          { product_id: 'P4', quantity: 1 },
          { product_id: 'P5', quantity: 0, unit_price: 3 },
          { product_id: 'P6', quantity: 0.4, unit_price: 20 },
        ],
      },
      { uid: '42' },
    ),
    {
      ...base,
      userId: '42',
      eventType: 'eventTransaction',
      transactionId: 'O-7',
      basket: [
        { productId: 'P1', price: 9.5, quantity: 2 },
        { productId: 'P4', quantity: 1 },
        { productId: 'P6', price: 20, quantity: 1 },
      ],
    },
  ],
  [
    'guest order: the billing email in uid becomes userEmail',
    t({ type: 'order', subtype: 'completed', order_id: 'O-8', cart: [{ product_id: 'P1', quantity: 1, unit_price: 5 }] }, { uid: 'ann@example.com' }),
    { ...base, userEmail: 'ann@example.com', eventType: 'eventTransaction', transactionId: 'O-8', basket: [{ productId: 'P1', price: 5, quantity: 1 }] },
  ],
  [
    "the profile's email is userEmail beside a userId",
    t({ type: 'pageview', subtype: 'product', product_id: 'P1' }, { uid: '42', profile: { email: 'bob@example.com' } }),
    { ...base, userId: '42', userEmail: 'bob@example.com', eventType: 'eventProductView', productId: 'P1' },
  ],
  [
    'a user id Quarticon would refuse is left out; the cookie still names the shopper',
    t({ type: 'pageview', subtype: 'product', product_id: 'P1' }, { uid: 'ann smith' }),
    { ...base, eventType: 'eventProductView', productId: 'P1' },
  ],
  ['click on a DataCue recommendation -> nothing', t({ type: 'click', subtype: 'related', product_id: 'P3', source: 'datacue' }), null],
  ['click on a Quarticon item without its trackingString -> nothing', t({ type: 'click', subtype: 'product', product_id: 'P3', source: 'quarticon' }), null],
  ['an impression of another vendor -> nothing', t({ type: 'impression', subtype: 'product', product_id: 'P2', source: 'aqurate' }), null],
  ['cart update -> nothing', t({ type: 'cart', subtype: 'update', cart: [{ product_id: 'P1', quantity: 1 }], cart_link: '/cart' }), null],
  ['home page view -> nothing', t({ type: 'pageview', subtype: 'home' }), null],
  ['wishlist add -> nothing', t({ type: 'wishlist', subtype: 'add', product_id: 'P1' }), null],
];

describe('toQuarticon', () => {
  it.each(ROWS)('%s', (_name, event, expected) => {
    expect(toQuarticon(event, 'shop-1')).toEqual(expected);
  });

  it('sends integer UNIX seconds, not milliseconds', () => {
    const body = toQuarticon(ROWS[0][1], 'shop-1')!;
    expect(Number.isInteger(body.timestamp)).toBe(true);
    expect(body.timestamp).toBe(SECONDS);
  });

  const order = (order_id: string, cart: { product_id: string; quantity: number }[]) => t({ type: 'order', subtype: 'completed', order_id, cart });
  const REFUSED: [string, TrackedEvent, string][] = [
    ['an order whose lines all have quantity 0 or less', order('O-1', [{ product_id: 'P1', quantity: 0 }, { product_id: 'P2', quantity: -1 }]), 'cart: no line with a quantity above 0'],
    ['an order without lines', order('O-2', []), 'cart: no line with a quantity above 0'],
    ['a product view of an id with a space', t({ type: 'pageview', subtype: 'product', product_id: 'P 1' }), 'product_id: Quarticon allows [a-zA-Z0-9-_] only, got "P 1"'],
    [
      'a click on a recommendation with a slash in its id',
      t({ type: 'click', subtype: 'related', product_id: 'a/b', source: 'quarticon', tracking_string: 'x' }),
      'product_id: Quarticon allows [a-zA-Z0-9-_] only, got "a/b"',
    ],
    ['an order line with a dot in its product id', order('O-3', [{ product_id: 'P1', quantity: 1 }, { product_id: 'P.2', quantity: 1 }]), 'cart[1].product_id: Quarticon allows [a-zA-Z0-9-_] only, got "P.2"'],
    ['an order id with #', order('#1001', [{ product_id: 'P1', quantity: 1 }]), 'order_id: Quarticon allows [a-zA-Z0-9-_] only, got "#1001"'],
  ];
  it.each(REFUSED)('refuses %s before sending, naming the field and the rule', (_name, event, message) => {
    let err: unknown;
    try {
      toQuarticon(event, 'shop-1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VendorRuleError);
    expect((err as Error).message.startsWith(message)).toBe(true);
  });

  it('keeps only [a-zA-Z0-9-_] in the cookie, and leaves it out when nothing is left', () => {
    expect(quarticonCookie('a.b:c/d_e-f')).toBe('abcd_e-f');
    expect(quarticonCookie('...')).toBeUndefined();
    expect(QUARTICON_ID.test(quarticonCookie(AID)!)).toBe(true);
  });
});

describe('quarticonError', () => {
  it('reads the error envelope as "error_code: error_message"', () => {
    expect(quarticonError({ status: 'ERROR', timestamp: 1486987017, data: { error_code: 'http.status.405', error_message: 'Invalid data' } })).toBe(
      'http.status.405: Invalid data',
    );
  });
  it('finds no error in an OK envelope, and calls anything else an error', () => {
    expect(quarticonError({ status: 'OK', timestamp: 1486987017 })).toBeUndefined();
    expect(quarticonError('<html>')).toBe('not a Quarticon envelope');
  });
});
