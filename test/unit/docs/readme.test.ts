import { readFileSync, readdirSync } from 'node:fs';
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

describe('README and docs agree with the code and the build (issue 9, item 14)', () => {
  it('shows the sizes of the build in dist/, in the outputs table and the benchmark table', async () => {
    // @ts-expect-error: a plain .mjs script without declarations
    const { render } = await import('../../../scripts/readme-sizes.mjs');
    // @ts-expect-error: a plain .mjs script without declarations
    const { OUTPUTS, gz } = await import('../../../esbuild.config.mjs');
    const sizes = Object.fromEntries((OUTPUTS as { file: string; size?: boolean }[]).filter((o) => o.size).map((o) => [o.file, gz(o.file)]));
    expect(render(readme, sizes)).toBe(readme);
    // One figure for the full bundle, wherever the README gives it.
    const full = (sizes['dist/shoptrack.js'] / 1024).toFixed(2) + ' KB';
    expect(readme.match(/\| `dist\/shoptrack\.js` \|[^\n]*/)![0]).toContain(full);
    expect(readme.match(/\| shoptrack \(full\) \|[^\n]*/)![0]).toContain(full);
  });

  it('states the outbox cap as the code counts it: entries, one per event and destination', async () => {
    const { MAX_ENTRIES } = await import('../../../src/browser/sending');
    expect(readme).toContain('at most ' + MAX_ENTRIES.toLocaleString('en') + ' entries, one per\n  event and destination');
  });

  it('lists no order_details field the config does not read', () => {
    const row = readme.match(/\| `order_id`, `order_details: \{([^}]*)\}`/)![1].split(', ');
    const source = readFileSync(join(__dirname, '../../../src/browser/config.ts'), 'utf8');
    for (const field of row) expect(source, field).toMatch(new RegExp('od\\.' + field + '\\b'));
  });

  it('demo/README.md names every file of the demo', () => {
    const demoDir = join(__dirname, '../../../demo');
    const doc = readFileSync(join(demoDir, 'README.md'), 'utf8');
    const names = [...readdirSync(demoDir), ...readdirSync(join(demoDir, 'standins')).map((f) => 'standins/' + f)].filter((f) => f.endsWith('.ts'));
    for (const f of names) expect(doc, f).toMatch(new RegExp('`' + f.replace(/[./]/g, '\\$&') + '`|`' + f.split('/').pop()!.replace('.', '\\.') + '`'));
    expect(doc).not.toContain('Add `\'/relay\'');
  });
});
