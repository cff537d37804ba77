// The package as a shop gets it (issue 9, item 2): `npm pack`, the tarball installed into an empty
// project with nothing compiled, `createTracker` bundled with esbuild for the browser, the relay imported
// in Node from `shoptrack/relay` (types included), and a clear error when its SQLite driver is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
/** npm pack, the install and a type check take seconds each on a busy machine. */
const SLOW_MS = 120_000;

let dir: string;
let app: string;
let packed: { filename: string; files: { path: string }[] };

const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const node = (code: string): string => execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  // `npm test` builds before the tests run; on its own, this test builds first.
  if (!existsSync(join(ROOT, 'dist/relay.mjs')) || !existsSync(join(ROOT, 'dist/types/relay/index.d.ts'))) npm(['run', 'build'], ROOT);
  dir = mkdtempSync(join(tmpdir(), 'shoptrack-pack-'));
  // --ignore-scripts: prepack would build again; dist is fresh.
  packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT))[0];
  app = join(dir, 'shop');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  // Nothing to fetch: the package has no dependencies, and its peers (better-sqlite3, pg) are optional.
  npm(['install', '--no-audit', '--no-fund', '--offline', join(dir, packed.filename)], app);
}, SLOW_MS);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack, then npm install into an empty project', () => {
  it('ships the browser builds, the relay for Node and their types', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['dist/shoptrack.mjs', 'dist/shoptrack.js', 'dist/relay.mjs', 'dist/relay-cli.js', 'dist/types/index.d.ts', 'dist/types/relay/index.d.ts'])
      expect(files, f).toContain(f);
  });

  it('installs nothing else and compiles nothing: better-sqlite3 is an optional peer dependency', () => {
    expect(readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['shoptrack']);
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/shoptrack/package.json'), 'utf8'));
    expect(pkg.dependencies || {}).toEqual({});
    expect(pkg.peerDependenciesMeta['better-sqlite3']).toEqual({ optional: true });
  });

  it('bundles createTracker for the browser with esbuild', async () => {
    writeFileSync(join(app, 'entry.js'), "import { createTracker, VERSION } from 'shoptrack';\nwindow.shop = { createTracker, VERSION };\n");
    const out = await build({ absWorkingDir: app, entryPoints: ['entry.js'], bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent' });
    const text = out.outputFiles[0].text;
    expect(text).not.toMatch(/better-sqlite3|node:http|proxy-addr/);
    // The bundle runs and hands the page the tracker's factory.
    const page: { shop?: { createTracker: unknown; VERSION: string } } = {};
    new Function('window', 'navigator', 'document', text)(page, {}, undefined);
    expect(typeof page.shop!.createTracker).toBe('function');
    expect(page.shop!.VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  }, SLOW_MS);

  it('imports the relay in Node from shoptrack/relay, and says which package its SQLite store needs', () => {
    const missing = node(
      "import { createRelay, readRelayConfig } from 'shoptrack/relay';\n" +
        "try { createRelay(readRelayConfig({}, { dbPath: 'relay.sqlite' })); console.log('no error'); } catch (e) { console.log(e.message); }",
    );
    expect(missing).toMatch(/^the relay's SQLite outbox needs the better-sqlite3 package: run `npm install better-sqlite3`/);
  }, SLOW_MS);

  it('runs the relay from shoptrack/relay once better-sqlite3 is installed beside it', () => {
    // The repository's own copy, already built for this Node: the same as `npm install better-sqlite3`.
    symlinkSync(join(ROOT, 'node_modules/better-sqlite3'), join(app, 'node_modules/better-sqlite3'), 'dir');
    const health = node(
      "import { startRelay, readRelayConfig } from 'shoptrack/relay';\n" +
        "const r = await startRelay(readRelayConfig({}, { port: 0, dbPath: 'data/relay.sqlite', aqurateToken: 'a-token-of-the-test', aqurateUrl: 'http://127.0.0.1:9' }), { log: () => {} });\n" +
        "console.log(await (await fetch(r.url + '/relay/health')).text());\n" +
        'await r.close();',
    );
    expect(JSON.parse(health)).toEqual({ status: 'ok', vendors: { aqurate: { waiting: 0, failed: 0 } } });
  }, SLOW_MS);

  it('gives TypeScript the relay\'s types through the export map', () => {
    writeFileSync(
      join(app, 'server.ts'),
      "import { createRelay, readRelayConfig, type RelayConfig } from 'shoptrack/relay';\n" +
        "import { createTracker } from 'shoptrack';\n" +
        "const config: RelayConfig = readRelayConfig({}, { basePath: '/relay' });\n" +
        'export const relay = createRelay(config);\n' +
        'export const tracker: typeof createTracker = createTracker;\n' +
        '// @ts-expect-error: trustProxy takes hops or addresses\n' +
        "export const bad: RelayConfig = { ...config, trustProxy: 'yes' };\n",
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const args = ['server.ts', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--lib', 'es2022,dom'];
    // @types/node from the repository: the relay's types name node:http's request and response.
    try {
      execFileSync(process.execPath, [tsc, ...args, '--typeRoots', join(ROOT, 'node_modules/@types'), '--types', 'node'], { cwd: app, encoding: 'utf8' });
    } catch (err) {
      throw new Error('tsc found errors:\n' + (err as { stdout?: string }).stdout);
    }
  }, SLOW_MS);
});
