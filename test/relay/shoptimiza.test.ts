// Shoptimiza (seeds/004_037bf42be56d43f5.txt; notes/vendors.md): the X-Shoptimiza-Auth header computed
// and checked as their authentication page defines it, and the sales file's lines.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeDigests, sha1Base64 } from '../../src/relay/shoptimiza';
import {
  type SalesOrder,
  salesFile,
  salesFileSince,
  salesFileUploadUrl,
  salesLine,
  shoptimizaAuth,
  shoptimizaAuthInvalid,
  shoptimizaSignedString,
} from '../../src/vendors/shoptimiza';

const KEY = 'shop-key-1';
const SECRET = 'shared-secret-0123456789';
const T = 1795000000;
const NOW = T * 1000;
const GET = { verb: 'GET', url: 'https://shop.example/relay/shoptimiza/sales-file' };
const BODY = '{"key":"122","items":["508","563"]}\n';
const POST = { verb: 'POST', url: 'https://api.shoptimiza.com/shop-key-1/sales-file', bodySha1: sha1Base64(BODY) };
const hmac = (s: string) => createHmac('sha256', SECRET).update(s).digest('base64');
const check = (now = NOW, maxSkewMinutes?: number) => ({ apiKey: KEY, secret: SECRET, now, maxSkewMinutes });

describe('X-Shoptimiza-Auth', () => {
  it('signs <apiKey>.<time>.<VERB>.<url without protocol> for GET, HEAD and DELETE', () => {
    expect(shoptimizaSignedString(KEY, T, GET)).toBe('shop-key-1.1795000000.GET.shop.example/relay/shoptimiza/sales-file');
    expect(shoptimizaSignedString(KEY, T, { ...GET, verb: 'head' })).toBe('shop-key-1.1795000000.HEAD.shop.example/relay/shoptimiza/sales-file');
    expect(shoptimizaAuth(KEY, SECRET, T, GET, nodeDigests)).toBe(
      'shop-key-1.1795000000.' + hmac('shop-key-1.1795000000.GET.shop.example/relay/shoptimiza/sales-file'),
    );
    expect(shoptimizaAuth(KEY, SECRET, T, { verb: 'DELETE', url: 'http://api.shoptimiza.com/x?y=1' }, nodeDigests)).toBe(
      'shop-key-1.1795000000.' + hmac('shop-key-1.1795000000.DELETE.api.shoptimiza.com/x?y=1'),
    );
  });

  it('adds the base64 SHA-1 of the body for POST and PUT, in the value and in the signed string', () => {
    const bodySha1 = createHash('sha1').update(BODY).digest('base64');
    expect(POST.bodySha1).toBe(bodySha1);
    expect(shoptimizaAuth(KEY, SECRET, T, POST, nodeDigests)).toBe(
      'shop-key-1.1795000000.' + bodySha1 + '.' + hmac('shop-key-1.1795000000.POST.api.shoptimiza.com/shop-key-1/sales-file.' + bodySha1),
    );
    expect(shoptimizaSignedString(KEY, T, { ...POST, verb: 'PUT' })).toBe('shop-key-1.1795000000.PUT.api.shoptimiza.com/shop-key-1/sales-file.' + bodySha1);
  });

  it('refuses to sign an unknown verb, or a POST without its body digest', () => {
    expect(() => shoptimizaAuth(KEY, SECRET, T, { verb: 'PATCH', url: 'https://x/y' }, nodeDigests)).toThrow('verb must be one of GET, HEAD, DELETE, POST, PUT, got PATCH');
    expect(() => shoptimizaAuth(KEY, SECRET, T, { verb: 'POST', url: 'https://x/y' }, nodeDigests)).toThrow('bodySha1 is required');
  });

  const valid = shoptimizaAuth(KEY, SECRET, T, GET, nodeDigests);
  const validPost = shoptimizaAuth(KEY, SECRET, T, POST, nodeDigests);
  const CASES: [string, string | undefined, object, number, string | undefined][] = [
    ['a valid GET header', valid, GET, NOW, undefined],
    ['a valid header signed 4 minutes ago', valid, GET, NOW + 4 * 60000, undefined],
    ['a valid header from a clock 4 minutes ahead', valid, GET, NOW - 4 * 60000, undefined],
    ['a valid POST header', validPost, POST, NOW, undefined],
    ['a valid HEAD header', shoptimizaAuth(KEY, SECRET, T, { ...GET, verb: 'HEAD' }, nodeDigests), { ...GET, verb: 'HEAD' }, NOW, undefined],
    ['no header', undefined, GET, NOW, 'X-Shoptimiza-Auth is missing'],
    ['another shop\'s key', shoptimizaAuth('other-key', SECRET, T, GET, nodeDigests), GET, NOW, "X-Shoptimiza-Auth: not signed with this shop's API key"],
    ['signed with another secret', shoptimizaAuth(KEY, 'another-secret-0123456789', T, GET, nodeDigests), GET, NOW, 'X-Shoptimiza-Auth: wrong signature'],
    ['signed for another URL', shoptimizaAuth(KEY, SECRET, T, { ...GET, url: 'https://shop.example/other' }, nodeDigests), GET, NOW, 'X-Shoptimiza-Auth: wrong signature'],
    ['signed for another verb', shoptimizaAuth(KEY, SECRET, T, { ...GET, verb: 'DELETE' }, nodeDigests), GET, NOW, 'X-Shoptimiza-Auth: wrong signature'],
    ['its time changed after signing', valid.replace('.1795000000.', '.1795000001.'), GET, NOW, 'X-Shoptimiza-Auth: wrong signature'],
    ['a static key instead of a signature', KEY, GET, NOW, "X-Shoptimiza-Auth: not signed with this shop's API key"],
    ['a GET header without a signature', KEY + '.' + T, GET, NOW, 'X-Shoptimiza-Auth: must be <apiKey>.<time>.<signature>'],
    ['a time in milliseconds', KEY + '.' + NOW + '.sig', GET, NOW, 'X-Shoptimiza-Auth: the time must be a UNIX time in seconds'],
    ['a time that is not a number', KEY + '.yesterday.sig', GET, NOW, 'X-Shoptimiza-Auth: the time must be a UNIX time in seconds'],
    ['stale: signed 6 minutes ago', valid, GET, NOW + 6 * 60000, 'X-Shoptimiza-Auth: stale (signed 360 s ago; the window is 300 s)'],
    ['future: signed 6 minutes ahead', valid, GET, NOW - 6 * 60000, 'X-Shoptimiza-Auth: from the future (360 s ahead; the window is 300 s)'],
    ['a POST header for another body', validPost, { ...POST, bodySha1: sha1Base64(BODY + 'x') }, NOW, 'X-Shoptimiza-Auth: the body signature is not the SHA-1 of the body received'],
    ['a GET header on a POST', valid, POST, NOW, 'X-Shoptimiza-Auth: must be <apiKey>.<time>.<bodySha1>.<signature>'],
  ];
  it.each(CASES)('%s', (_name, header, req, now, reason) => {
    expect(shoptimizaAuthInvalid(header, req as typeof GET, check(now), nodeDigests)).toBe(reason);
  });

  it('takes the clock-skew window from the check, in minutes', () => {
    expect(shoptimizaAuthInvalid(valid, GET, check(NOW + 6 * 60000, 10), nodeDigests)).toBeUndefined();
    expect(shoptimizaAuthInvalid(valid, GET, check(NOW + 2 * 60000, 1), nodeDigests)).toBe('X-Shoptimiza-Auth: stale (signed 120 s ago; the window is 60 s)');
  });

  it('takes an API key that holds dots', () => {
    const h = shoptimizaAuth('a.b.c', SECRET, T, GET, nodeDigests);
    expect(shoptimizaAuthInvalid(h, GET, { ...check(), apiKey: 'a.b.c' }, nodeDigests)).toBeUndefined();
  });
});

describe('the sales file', () => {
  const NOW_MS = Date.UTC(2026, 10, 30, 12);
  const SINCE = salesFileSince(NOW_MS);
  const order = (order_id: string, created_at: string, products: string[], status = 'completed'): SalesOrder => ({
    order_id,
    status,
    created_at,
    lines: products.map((product_id) => ({ product_id })),
  });

  it('starts its window 12 months before now by default', () => {
    expect(new Date(SINCE).toISOString()).toBe('2025-11-30T12:00:00.000Z');
    expect(new Date(salesFileSince(NOW_MS, 6)).toISOString()).toBe('2026-05-30T12:00:00.000Z');
  });

  const LINES: [string, SalesOrder, object | undefined][] = [
    ['the seed\'s order 122 -> its four products', order('122', '2026-11-01T10:00:00Z', ['508', '563', '572', '807']), { key: '122', items: ['508', '563', '572', '807'] }],
    ['1000 units of one product -> one item (the seed\'s order 888)', { ...order('888', '2026-11-01T10:00:00Z', []), lines: Array.from({ length: 1000 }, () => ({ product_id: '123' })) }, { key: '888', items: ['123'] }],
    ['two variants of a product -> the product once', order('O-7', '2026-06-01T00:00:00+02:00', ['P1', 'P2', 'P1']), { key: 'O-7', items: ['P1', 'P2'] }],
    ['numeric ids from a loose source -> strings', order(122 as unknown as string, '2026-11-01T10:00:00Z', [508 as unknown as string]), { key: '122', items: ['508'] }],
    ['a returned order -> kept (bought together)', order('R1', '2026-11-01T10:00:00Z', ['P1'], 'returned'), { key: 'R1', items: ['P1'] }],
    ['a processing order -> kept', order('R2', '2026-11-01T10:00:00Z', ['P1'], 'processing'), { key: 'R2', items: ['P1'] }],
    ['a cancelled order -> no line (no sale)', order('C1', '2026-11-01T10:00:00Z', ['P1'], 'cancelled'), undefined],
    ['placed 13 months ago -> no line', order('OLD', '2025-10-30T12:00:00Z', ['P1']), undefined],
    ['placed right at the window\'s start -> kept', order('EDGE', '2025-11-30T12:00:00Z', ['P1']), { key: 'EDGE', items: ['P1'] }],
    ['no lines -> no line', order('E', '2026-11-01T10:00:00Z', []), undefined],
    ['an unreadable date -> no line', order('D', 'yesterday', ['P1']), undefined],
  ];
  it.each(LINES)('%s', (_name, o, line) => expect(salesLine(o, SINCE)).toEqual(line));

  it('streams one JSON object a line from an async source, pulling orders only as lines are read', async () => {
    let pulled = 0;
    async function* orders() {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield order(String(i), '2026-11-01T10:00:00Z', ['P' + (i % 3), 'P' + (i % 5)]);
      }
    }
    const file = salesFile(orders(), SINCE);
    const first: string[] = [];
    for await (const line of file) {
      first.push(line);
      if (first.length == 3) break;
    }
    expect(first).toEqual(['{"key":"0","items":["P0"]}\n', '{"key":"1","items":["P1"]}\n', '{"key":"2","items":["P2"]}\n']);
    expect(pulled).toBe(3);
  });

  it('leaves out the orders outside the window', async () => {
    const lines: string[] = [];
    for await (const l of salesFile([order('1', '2020-01-01T00:00:00Z', ['A']), order('2', '2026-11-01T00:00:00Z', ['B'])], SINCE)) lines.push(l);
    expect(lines).toEqual(['{"key":"2","items":["B"]}\n']);
  });

  it('uploads to <host>/$API_KEY/sales-file', () => {
    expect(salesFileUploadUrl('https://api.shoptimiza.com/', 'k 1')).toBe('https://api.shoptimiza.com/k%201/sales-file');
  });
});
