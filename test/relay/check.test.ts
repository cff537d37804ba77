import { describe, expect, it } from 'vitest';
import { checkTracked } from '../../src/relay/check';

const base = { id: 'abcDEF123_-', ts: 1_790_000_000_000, aid: 'anon-1', sid: 'sess-1', uid: null, url: 'https://shop.example/', e: { type: 'login' } };

describe('checkTracked', () => {
  it('takes an event from a page with a very long URL, cutting the URL and referrer to 4,096 characters', () => {
    const long = 'https://shop.example/search?f=' + 'colour-blue,'.repeat(5000);
    const t = checkTracked({ ...base, url: long, ref: long });
    expect(t.url).toBe(long.slice(0, 4096));
    expect(t.ref).toBe(long.slice(0, 4096));
    expect(t.e).toEqual({ type: 'login' });
  });
  it('still refuses a URL that is not a non-empty string', () => {
    expect(() => checkTracked({ ...base, url: '' })).toThrow('url: must be a non-empty string');
    expect(() => checkTracked({ ...base, url: 5 })).toThrow('url: must be a non-empty string');
  });
  it('still refuses an over-long id', () => {
    expect(() => checkTracked({ ...base, aid: 'x'.repeat(300) })).toThrow('aid: must be at most 256 characters');
  });
});
