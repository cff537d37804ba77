// The Quarticon and Aqurate stand-ins refuse what their seeds do not allow, so a relay test that passes
// against them says something about the real APIs.
import { describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../demo/catalog';
import { AQURATE_DEMO_TOKEN, createAqurateStandIn, websiteEventInvalid } from '../../demo/standins/aqurate';
import { quarticonEventInvalid } from '../../demo/standins/quarticon';

const q = { customer: 'demo-shop', eventType: 'eventProductView', timestamp: 1795000000, cookie: 'abc-1', productId: 'P1' };
const QUARTICON: [string, object, string | undefined][] = [
  ['a valid eventProductView', q, undefined],
  ['another customer', { ...q, customer: 'x' }, 'customer must be "demo-shop", got "x"'],
  ['an unknown event type', { ...q, eventType: 'eventCart' }, 'eventType must be one of eventClick, eventProductView, eventTransaction'],
  ['milliseconds', { ...q, timestamp: 1795000000000 }, 'timestamp must be in seconds, got 1795000000000'],
  ['a string timestamp', { ...q, timestamp: '1795000000' }, 'timestamp must be an integer UNIX time'],
  ['a cookie with a dot', { ...q, cookie: 'a.b' }, 'cookie allows [a-zA-Z0-9-_] only'],
  ['a field of another type', { ...q, trackingString: 'x' }, 'trackingString: not a field of eventProductView'],
  ['a click without trackingString', { ...q, eventType: 'eventClick' }, 'trackingString (from /recommendation) is required on eventClick'],
  ['an empty basket', { customer: 'demo-shop', eventType: 'eventTransaction', timestamp: 1795000000, cookie: 'c', transactionId: 'O1', basket: [] }, 'basket must be a non-empty array of TransactionProduct'],
  [
    'a fractional quantity',
    { customer: 'demo-shop', eventType: 'eventTransaction', timestamp: 1795000000, cookie: 'c', transactionId: 'O1', basket: [{ productId: 'P', quantity: 1.5 }] },
    'basket[0].quantity must be an integer of at least 1',
  ],
];

const row = { timestamp: '2026-11-23T12:00:00.789Z', session_id: 's', cookie_id: 'c', product_id: 'P1', page_type: 'detail_page', event: 'page_view' };
const AQURATE: [string, object, string | undefined][] = [
  ['a valid row', row, undefined],
  ['link_click on the null page', { ...row, page_type: null, event: 'link_click' }, undefined],
  ['purchase on a detail page', { ...row, event: 'purchase' }, '(detail_page, purchase) is not a valid (page_type, event) pair'],
  ['page_view at checkout', { ...row, page_type: 'checkout' }, '(checkout, page_view) is not a valid (page_type, event) pair'],
  ['a local time', { ...row, timestamp: '2026-11-23 12:00:00' }, 'timestamp must be ISO 8601 in UTC, got "2026-11-23 12:00:00"'],
  ['no session', { ...row, session_id: '' }, 'session_id is required (a non-empty string)'],
  ['an unknown column', { ...row, variant_id: 'v' }, 'variant_id: not a column of website_events'],
];

describe('the Quarticon stand-in', () => {
  it.each(QUARTICON)('%s', (_n, body, reason) => expect(quarticonEventInvalid(body, 'demo-shop')).toBe(reason));
});

describe('the Aqurate stand-in', () => {
  it.each(AQURATE)('%s', (_n, r, reason) => expect(websiteEventInvalid(r)).toBe(reason));

  it('answers 429 to a second request within a second, and refuses a wrong token', async () => {
    const s = createAqurateStandIn({ catalog: PRODUCTS });
    const url = (await s.start()) + 'input/website_events';
    const post = (token = AQURATE_DEMO_TOKEN) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': token }, body: JSON.stringify([row]) });
    try {
      expect((await post('wrong-token')).status).toBe(401);
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(429);
      expect(s.rows()).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
