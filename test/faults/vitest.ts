// The fast fault scenarios as vitest tests (test/browser/faults-*.test.ts): the same code as
// `npm run test:faults`, at the fast size, each scenario one test that fails on its first bad figure.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Browser, launch } from './harness';
import { byName } from './scenarios';

export function faultTests(names: string[]): void {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  for (const name of names) {
    const s = byName(name);
    if (!s.fast) throw new Error(name + ' is not a fast scenario');
    it(`${name}: every event reaches DataCue, and Quarticon and Aqurate exactly once; nothing lost`, async () => {
      const r = await s.run({ browser, full: false });
      expect(r.problems).toEqual([]);
      expect(r.tracked).toBeGreaterThan(0);
      expect({ lost: r.lost, relayDoubled: r.relayDoubled, phantom: r.phantom }).toEqual({ lost: 0, relayDoubled: 0, phantom: 0 });
      expect([r.datacue, r.relay]).toEqual([r.tracked, r.tracked]);
      // No page died in a fast scenario: DataCue got every event once.
      expect(r.doubled).toBe(0);
    });
  }
}
