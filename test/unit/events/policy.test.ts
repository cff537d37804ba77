// The retry policy and wire rules the browser and the relay share (src/events/policy.ts).
import { describe, expect, it } from 'vitest';
import {
  AQURATE_REC_KINDS,
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  backoff,
  isAqurateRecKind,
  quarticonId,
  retryAfterMs,
  retryable,
  succeeded,
} from '../../../src/events/policy';

const NOW = Date.UTC(2026, 10, 30, 20, 0, 0);

describe('retryAfterMs', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5000],
    // An HTTP-date (RFC 9110, IMF-fixdate): the wait until then.
    ['Mon, 30 Nov 2026 20:00:30 GMT', 30_000],
    // A date already past, or nothing readable: no wait beyond the backoff.
    ['Mon, 30 Nov 2026 19:59:00 GMT', 0],
    ['soon', 0],
    ['-5', 0],
    ['', 0],
    [null, 0],
    [undefined, 0],
  ])('reads %j as %i ms', (header, ms) => {
    expect(retryAfterMs(header, NOW)).toBe(ms);
  });
});

describe('retryable', () => {
  it.each([
    [0, true],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [599, true],
    [400, false],
    [401, false],
    [404, false],
    [413, false],
    [200, false],
  ])('status %i: %s', (status, expected) => {
    expect(retryable(status)).toBe(expected);
  });

  it('takes 2xx, and only 2xx, as delivered', () => {
    expect([199, 200, 204, 299, 300].map(succeeded)).toEqual([false, true, true, true, false]);
  });
});

describe('backoff', () => {
  it('doubles from a second to five minutes, within ±50 % jitter', () => {
    expect(backoff(1, 0.5)).toBe(BACKOFF_BASE_MS);
    expect(backoff(2, 0.5)).toBe(2 * BACKOFF_BASE_MS);
    expect(backoff(1, 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoff(1, 0.999)).toBeLessThan(1.5 * BACKOFF_BASE_MS);
    expect(backoff(30, 0.5)).toBe(BACKOFF_MAX_MS);
  });
});

describe('vendor rules', () => {
  it("keeps an id Quarticon takes and leaves out one it would refuse", () => {
    expect(quarticonId('user_7-A')).toBe('user_7-A');
    expect(quarticonId('ann@shop.example')).toBeUndefined();
    expect(quarticonId('')).toBeUndefined();
    expect(quarticonId(null)).toBeUndefined();
  });

  it("knows Aqurate's item-to-item kinds", () => {
    expect(AQURATE_REC_KINDS.filter(isAqurateRecKind)).toEqual(['upsell', 'cross-sell', 'substitutes']);
    expect(isAqurateRecKind('toString')).toBe(false);
    expect(isAqurateRecKind('bestsellers')).toBe(false);
  });
});
