import { describe, expect, it } from 'vitest';
import type { ShopEvent, TrackedEvent } from '../../../src/events/types';
import { datacueAuth } from '../../../src/browser/dest-datacue';
import { answersWithRecs, toDataCue } from '../../../src/vendors/datacue';

const at = Date.UTC(2026, 10, 2, 9, 14, 27, 123);
const tracked = (e: ShopEvent, over: Partial<TrackedEvent> = {}): TrackedEvent => ({
  id: 'evt1', ts: at, aid: '07d35b1a-5776-4ddf-8f1c-dd0d2db9c502', sid: 's1', uid: null, url: 'https://s.example/', e, ...over,
});
const anon = { anonymous_id: '07d35b1a-5776-4ddf-8f1c-dd0d2db9c502' };
const timestamp = '2026-11-02 09:14:27.123Z';
const cart = [{ product_id: 'p1', variant_id: 'v1', quantity: 1, unit_price: 24, currency: 'USD' }];

// One row per event type: the canonical event and the body DataCue receives (seeds/001).
const rows: [string, ShopEvent, object][] = [
  ['home page view', { type: 'pageview', subtype: 'home' }, { type: 'pageview', subtype: 'home' }],
  ['product page view', { type: 'pageview', subtype: 'product', product_id: 'p1', variant_id: 'v1' }, { type: 'pageview', subtype: 'product', product_id: 'p1', variant_id: 'v1' }],
  ['category page view', { type: 'pageview', subtype: 'category', category_name: 'living-room' }, { type: 'pageview', subtype: 'category', category_name: 'living-room' }],
  ['cart page view', { type: 'pageview', subtype: 'cart' }, { type: 'pageview', subtype: 'cart' }],
  ['404 page view', { type: 'pageview', subtype: '404' }, { type: 'pageview', subtype: '404' }],
  ['cart update', { type: 'cart', subtype: 'update', cart, cart_link: 'https://myshop.com/cart/123' }, { type: 'cart', subtype: 'update', cart, cart_link: 'https://myshop.com/cart/123' }],
  ['wishlist add', { type: 'wishlist', subtype: 'add', product_id: 'p1', variant_id: 'v2' }, { type: 'wishlist', subtype: 'add', product_id: 'p1', variant_id: 'v2' }],
  ['wishlist remove', { type: 'wishlist', subtype: 'remove', product_id: 'p1' }, { type: 'wishlist', subtype: 'remove', product_id: 'p1' }],
  ['checkout started', { type: 'checkout', subtype: 'started', cart, cart_link: '/cart' }, { type: 'checkout', subtype: 'started', cart, cart_link: '/cart' }],
  ['login', { type: 'login' }, { type: 'login' }],
  ['search', { type: 'search', term: 'tables' }, { type: 'search', term: 'tables' }],
  ['banner click', { type: 'click', subtype: 'banner', banner_id: 'b1' }, { type: 'click', subtype: 'banner', banner_id: 'b1' }],
  ['click on a Quarticon item (vendor fields stripped)', { type: 'click', subtype: 'related', product_id: 'p2', source: 'quarticon', tracking_string: 'abc' }, { type: 'click', subtype: 'related', product_id: 'p2' }],
  ['order completed', { type: 'order', subtype: 'completed', order_id: 'o1', order_status: 'completed', cart }, { type: 'order', subtype: 'completed', order_id: 'o1', order_status: 'completed', cart }],
];

describe('toDataCue', () => {
  it.each(rows)('maps a %s', (_, e, event) => {
    expect(toDataCue(tracked(e))).toEqual({ user: anon, event, timestamp });
  });
  it('sends the user id beside the anonymous id, and the profile, when known', () => {
    const body = toDataCue(tracked({ type: 'login' }, { uid: '019mr8mf4r', profile: { segment: 'platinum' } }));
    expect(body!.user).toEqual({ ...anon, user_id: '019mr8mf4r', profile: { segment: 'platinum' } });
  });
  it('sends nothing for an impression, which DataCue does not take', () => {
    expect(toDataCue(tracked({ type: 'impression', subtype: 'product', product_id: 'p' }))).toBeNull();
  });
  it('does not change the tracked event', () => {
    const e: ShopEvent = { type: 'click', subtype: 'product', product_id: 'p', source: 'datacue' };
    toDataCue(tracked(e));
    expect(e.source).toBe('datacue');
  });
});

describe('DataCue auth and answers', () => {
  it('authenticates with the public key and an empty password', () => {
    expect(datacueAuth('wc-demo-key')).toBe('Basic ' + Buffer.from('wc-demo-key:').toString('base64'));
    expect(datacueAuth('ключ')).toBe('Basic ' + Buffer.from('ключ:').toString('base64'));
  });
  it('expects recommendations for home and product views and searches only', () => {
    expect(answersWithRecs({ type: 'pageview', subtype: 'home' })).toBe(true);
    expect(answersWithRecs({ type: 'pageview', subtype: 'product', product_id: 'p' })).toBe(true);
    expect(answersWithRecs({ type: 'search', term: 't' })).toBe(true);
    expect(answersWithRecs({ type: 'pageview', subtype: 'category' })).toBe(false);
    expect(answersWithRecs({ type: 'cart', subtype: 'update' })).toBe(false);
  });
});
