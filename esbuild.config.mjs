// Builds the browser bundles (and the relay's command) and prints each script's min+gzip size.
import { build } from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';
import { execFileSync } from 'node:child_process';

/**
 * The size gates (bytes, min+gzip): npm test fails past them. Each script tag blocks the page on 6 KB
 * at most; its chunks come without blocking: the sending half on every page, the widgets where a page
 * has use for them.
 */
export const GATES = {
  'dist/shoptrack-core.js': 6 * 1024,
  'dist/shoptrack.js': 6 * 1024,
  'dist/shoptrack-send.js': 2 * 1024,
  'dist/shoptrack-widgets.js': 5 * 1024,
};

/**
 * What the build writes, in the order of the README's table, which scripts/readme-sizes.mjs writes from
 * this list: `size` shows the file's min+gzip size (and its gate, if any); `bench` names the row of the
 * README's benchmark table whose size cell is this file's. A new output (a widget chunk, say) is a row here.
 */
export const OUTPUTS = [
  { file: 'dist/shoptrack.js', what: 'script tag: tracking, and the widgets loaded where a page has use for them', size: true, bench: 'shoptrack (full)' },
  { file: 'dist/shoptrack-core.js', what: 'script tag: tracking only', size: true, bench: 'shoptrack-core' },
  { file: 'dist/shoptrack-send.js', what: "chunk beside either script tag: the outbox's sending half, loaded without blocking", size: true },
  { file: 'dist/shoptrack-widgets.js', what: "chunk beside `shoptrack.js`: the widgets, loaded without blocking on pages with a placeholder or recommendations", size: true },
  { file: 'dist/shoptrack.mjs', what: 'ESM for bundlers: `createTracker`, with type declarations', size: true },
  { file: 'dist/relay.mjs', what: "`import { createRelay } from 'shoptrack/relay'`: the relay for Node, with type declarations" },
  { file: 'dist/relay-cli.js', what: '`npx shoptrack-relay`: the relay server' },
];

// Internal property names, shortened in the script-tag bundles (the ESM build keeps them: its types are
// public). None is a DOM, JSON or wire-format name; `config` fields are internal to the script tag.
// `next` and `entries` are also built-ins' names (iterators, Object.entries): the browser code must not
// call those, which test/unit/build/build.test.ts checks.
const INTERNAL_PROPS =
  /^(outcomes|retryAfter|answer|written|accepts|beacon|solo|hold|persist|session|productUpdate|productId|variantId|categoryId|categoryName|orderId|eventsUrl|relayUrl|cookieDomain|pageType|apiKey|userId|ready|next|entries|dests|store|lock|order|raw|auto|destinations|lease|unload|pageId|del|forget|onError|loaded|deps|counts|mine|inFlight|unwritten|dueAgain|drop|sendBatch|upAt|lib|opened)$/;

const browser = {
  bundle: true,
  minify: true,
  // ES2021 (logical assignment kept as written): Chrome 85, Firefox 79, Safari 14.
  target: ['es2021'],
  legalComments: 'none',
  logLevel: 'warning',
};

// Measured as `gzip -9 -c FILE | wc -c` (the gzip header holds the file name): the stricter of the usual
// readings, and the one the team's checks print.
export const gz = (file) => execFileSync('gzip', ['-9', '-c', file]).length;

/**
 * A script-tag bundle: esbuild bundles and minifies, then terser minifies again. Terser's deeper
 * passes (top-level names, 4 passes) save another 6 % min+gzip on this code that esbuild leaves.
 * `inline: 1` (simple functions only) compresses better here than full inlining; `unsafe_arrows` turns
 * function expressions that use no `this` into arrows (none of this code calls `new` on one).
 */
async function scriptTag(entry, outfile, mangleCache) {
  const r = await build({ ...browser, entryPoints: [entry], format: 'iife', mangleProps: INTERNAL_PROPS, mangleCache, write: false });
  const out = await minify(r.outputFiles[0].text, { ecma: 2021, toplevel: true, compress: { passes: 4, inline: 1, unsafe_arrows: true }, mangle: { toplevel: true } });
  writeFileSync(outfile, out.code);
  return r.mangleCache;
}

/**
 * The shortened property names, committed (Preact's mangle.json is the model): a name never changes
 * from one release to the next (`hold` and `solo` are kept in stored outbox entries), and every
 * script-tag bundle uses the same. A new internal name gets the next free short one, added here by the
 * build: commit it with the change (test/unit/build/build.test.ts checks that none is missing).
 */
const MANGLE_FILE = 'mangle.json';

/** The script-tag bundles, one after another so that each adds its new names to the shared map. */
async function scriptTags() {
  let cache = existsSync(MANGLE_FILE) ? JSON.parse(readFileSync(MANGLE_FILE, 'utf8')).props : {};
  for (const [entry, outfile] of [
    // The core first: its gate is the tighter, and names are handed out by how often a bundle uses them.
    ['src/core.ts', 'dist/shoptrack-core.js'],
    ['src/full.ts', 'dist/shoptrack.js'],
    ['src/send.ts', 'dist/shoptrack-send.js'],
    ['src/widgets-chunk.ts', 'dist/shoptrack-widgets.js'],
  ])
    cache = await scriptTag(entry, outfile, cache);
  const sorted = Object.fromEntries(Object.entries(cache).sort(([a], [b]) => a.localeCompare(b)));
  const text = JSON.stringify({ props: sorted }, null, 2) + '\n';
  if (!existsSync(MANGLE_FILE) || readFileSync(MANGLE_FILE, 'utf8') != text) writeFileSync(MANGLE_FILE, text);
}

const relayNode = {
  bundle: true,
  platform: 'node',
  target: ['node20'],
  format: 'esm',
  external: ['better-sqlite3', 'pg'],
  logLevel: 'warning',
};

export async function buildAll() {
  await Promise.all([
    scriptTags(),
    build({ ...browser, entryPoints: ['src/index.ts'], format: 'esm', outfile: 'dist/shoptrack.mjs' }),
    // The relay for Node: `import { createRelay } from 'shoptrack/relay'` and the `npx shoptrack-relay`
    // command. Not size-gated. Its pure-JS dependencies (proxy-addr) are bundled, so a shop that installs
    // shoptrack for the browser script installs nothing for the relay; the storage drivers stay outside,
    // optional peer dependencies loaded when a store opens: better-sqlite3 (a native addon) and pg.
    build({ ...relayNode, entryPoints: ['src/relay/index.ts'], outfile: 'dist/relay.mjs' }),
    build({ ...relayNode, entryPoints: ['src/relay/cli.ts'], banner: { js: '#!/usr/bin/env node' }, outfile: 'dist/relay-cli.js' }),
  ]);
  return OUTPUTS.filter((o) => o.size).map((o) => [o.file, gz(o.file)]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [f, size] of await buildAll()) console.log(`${f.padEnd(26)} ${(size / 1024).toFixed(2)} KB min+gzip`);
}
