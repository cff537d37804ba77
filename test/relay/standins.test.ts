// The Quarticon and Aqurate stand-ins refuse what their seeds do not allow, so a relay test that passes
// against them says something about the real APIs; and the flaky fault mode every stand-in has fails its
// share of requests.
import { describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../demo/catalog';
import { AQURATE_DEMO_TOKEN, createAqurateStandIn, websiteEventInvalid } from '../../demo/standins/aqurate';
import { quarticonEventInvalid } from '../../demo/standins/quarticon';
import { seededRandom, standIn } from '../../demo/standins/serve';
import { startDemo } from '../../demo/server';

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

describe('the flaky fault mode (every stand-in: serve.ts)', () => {
  /** A stand-in that answers 204 to every request the fault lets through. */
  async function probe() {
    const s = standIn({ name: 'probe', handle: () => ({ status: 204 }), allowHeaders: ['Content-Type'] });
    const url = await s.start();
    const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return { s, post };
  }
  /** The statuses of `n` requests, one after another. */
  const statuses = async (post: () => Promise<Response>, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await post()).status);
    return out;
  };

  it('fails about `rate` of the requests with its status, answers the rest, and records which', async () => {
    const { s, post } = await probe();
    try {
      s.fault({ mode: 'flaky', rate: 0.4, status: 500, seed: 1 });
      const got = await statuses(post, 400);
      const failed = got.filter((x) => x == 500).length;
      expect(got.filter((x) => x != 500 && x != 204)).toEqual([]);
      // Seeded: the same share every run; 160 expected, the bounds are ±4 standard deviations of chance.
      expect(failed).toBeGreaterThan(120);
      expect(failed).toBeLessThan(200);
      expect(s.received.filter((r) => r.fault == 'flaky').map((r) => r.status)).toEqual(got.filter((x) => x == 500));
      expect(s.received.filter((r) => r.status == 204).every((r) => r.fault === undefined)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('fails the same requests again with the same seed, other ones with another', async () => {
    const { s, post } = await probe();
    try {
      s.fault({ mode: 'flaky', rate: 0.5, seed: 42 });
      const first = await statuses(post, 60);
      s.fault({ mode: 'flaky', rate: 0.5, seed: 42 });
      const again = await statuses(post, 60);
      s.fault({ mode: 'flaky', rate: 0.5, seed: 43 });
      const other = await statuses(post, 60);
      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
      // Without a status the failures are 500s.
      expect(new Set(first)).toEqual(new Set([204, 500]));
    } finally {
      await s.close();
    }
  });

  it('fails nothing at rate 0 and everything at rate 1, with Retry-After when given; refuses a rate past 1', async () => {
    const { s, post } = await probe();
    try {
      s.fault({ mode: 'flaky', rate: 0 });
      expect(await statuses(post, 20)).toEqual(Array(20).fill(204));
      s.fault({ mode: 'flaky', rate: 1, status: 503, retryAfter: 3 });
      const r = await post();
      expect([r.status, r.headers.get('retry-after')]).toEqual([503, '3']);
      expect(() => s.fault({ mode: 'flaky', rate: 1.5 })).toThrow(/rate must be from 0 to 1/);
    } finally {
      await s.close();
    }
  });

  it('is set through the demo inspector, 40 % when no rate is given; a rate past 1 is refused', async () => {
    const demo = await startDemo();
    try {
      const set = (body: object) => fetch(demo.url + '/inspector/fault', { method: 'POST', body: JSON.stringify(body) });
      expect((await set({ standIn: 'datacue', mode: 'flaky', status: 503 })).status).toBe(204);
      expect(demo.standIns.datacue.currentFault).toEqual({ mode: 'flaky', rate: 0.4, status: 503, retryAfter: undefined });
      expect((await set({ standIn: 'datacue', mode: 'flaky', rate: 2 })).status).toBe(400);
      expect(demo.standIns.datacue.currentFault).toMatchObject({ mode: 'flaky', rate: 0.4 });
    } finally {
      await demo.close();
    }
  });
});

describe('seededRandom', () => {
  it('repeats for a seed and spreads evenly over [0, 1)', () => {
    const a = seededRandom(9), b = seededRandom(9);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const tenths = Array(10).fill(0);
    for (const x of xs) tenths[Math.floor(x * 10)]++;
    for (const n of tenths) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});
