// Guards for the script-tag build (esbuild.config.mjs): property names it shortens must not be the
// names of built-ins that the browser code reads.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The source files that end up in the script-tag bundles, as esbuild resolves them (not node_modules). */
async function bundledSources(): Promise<string[]> {
  const r = await build({ entryPoints: ['src/full.ts', 'src/core.ts', 'src/send.ts', 'src/widgets-chunk.ts'], bundle: true, write: false, metafile: true, outdir: 'unused', logLevel: 'silent' });
  return Object.keys(r.metafile.inputs).filter((f) => f.startsWith('src/'));
}

describe('script-tag build', () => {
  it('shortens no name that the browser code also reads on a built-in (Set.clear, iterators\' next...)', async () => {
    const config = readFileSync('esbuild.config.mjs', 'utf8');
    const shortened = /const INTERNAL_PROPS =\s*\/\^\((.*)\)\$\/;/.exec(config)![1].split('|');
    // The methods the browser code may call on the platform's objects (iterators, Storage and the
    // prototypes of the built-in classes). Static ones (Object.entries, String.raw) are called on their
    // constructor by name, which the build does not shorten.
    const builtins = new Set<string>(['next', 'clear', 'getItem', 'setItem', 'removeItem', 'key']);
    for (const o of [Object, Array, Map, Set, Promise, String, Number, Date, Error])
      for (const n of Object.getOwnPropertyNames(o.prototype)) builtins.add(n);
    const risky = shortened.filter((n) => builtins.has(n));
    // These are shortened on purpose, so the browser code must never read them on a built-in.
    expect(risky.sort()).toEqual(['entries', 'next']);
    const browserCode = await bundledSources();
    expect(browserCode).toContain('src/browser/tracker.ts');
    expect(browserCode).toContain('src/browser/sending.ts');
    expect(browserCode).toContain('src/widgets/index.ts');
    const uses = browserCode.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => [f + ':' + (i + 1), line] as const)
        .filter(([, line]) => !/^\s*(\/\/|\*|\/\*)/.test(line) && new RegExp('\\.(' + risky.join('|') + ')\\b').test(line.replace(/\.\.\.\w+/g, ''))),
    );
    expect(uses).toEqual([]);
  });

  it("shortens none of the public Tracker's names: a script-tag user calls them by name", () => {
    const config = readFileSync('esbuild.config.mjs', 'utf8');
    const shortened = new Set(/const INTERNAL_PROPS =\s*\/\^\((.*)\)\$\//.exec(config)![1].split('|'));
    const tracker = readFileSync('src/browser/tracker.ts', 'utf8');
    const body = /export interface Tracker \{([\s\S]*?)\n\}/.exec(tracker)![1];
    // Members at the interface's own indentation: `name(`, `name:` or `readonly name:`.
    const members = [...body.matchAll(/^ {2}(?:readonly )?(\w+)[(:]/gm)].map((m) => m[1]);
    expect(members).toEqual(expect.arrayContaining(['track', 'identify', 'onAnswer', 'anonymousId']));
    expect(members.filter((n) => shortened.has(n))).toEqual([]);
  });

  it('has every shortened property name in the committed mangle.json', () => {
    const config = readFileSync('esbuild.config.mjs', 'utf8');
    const names = /const INTERNAL_PROPS =\s*\/\^\((.*)\)\$\/;/.exec(config)![1].split('|');
    const committed = JSON.parse(readFileSync('mangle.json', 'utf8')).props;
    expect(names.filter((n) => !(n in committed))).toEqual([]);
    // One short name per property: two sharing one would overwrite each other.
    const short = Object.values(committed);
    expect(new Set(short).size).toBe(short.length);
  });
});
