import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { install } from '../../../src/browser/install';
import { ShoptrackError } from '../../../src/events/validate';

const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

describe('README', () => {
  it('starts with exactly the two commands', () => {
    const block = readme.match(/```sh\n([\s\S]*?)```/)!;
    expect(readme.indexOf(block[0])).toBeLessThan(readme.indexOf('\n\n', 15) + 3);
    expect(block[1].trim().split('\n')).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
  });

  it('documents a stub snippet whose calls the script replays in order, settling their promises', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const snippet = readme.split('<!-- stub -->')[1].match(/<script>\n([\s\S]*?)\n<\/script>/)![1];
    const w: Record<string, unknown> = { shoptrackConfig: {} };
    new Function('window', snippet.replace('(window)', '(arguments[0])'))(w);
    const stub = w.shoptrack as { identify: (u: string) => Promise<void>; track: (e: object) => Promise<unknown> };
    expect(w.datacue).toBe(stub);
    const identified = stub.identify('u1');
    const tracked = stub.track({ type: 'login' });
    const refused = stub.track({ type: 'wishlist', subtype: 'add' }).catch((e: unknown) => e);
    const t = install(w)!;
    expect(w.shoptrack).toBe(t);
    await expect(identified).resolves.toBeUndefined();
    await expect(tracked).resolves.toBeUndefined();
    expect(await refused).toBeInstanceOf(ShoptrackError);
    expect((await refused as ShoptrackError).field).toBe('event.product_id');
  });
});
