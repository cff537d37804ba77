// Builds the peers' minimal uses with shoptrack's own browser settings (esbuild.config.mjs: bundle,
// minify, es2021, iife) and sizes every script min+gzip the way the size gate does.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

export interface Script {
  name: string;
  /** What was bundled, for the table. */
  what: string;
  file: string;
  /** Run in the browser rounds (the Rudder default entry is sized only: it loads its plugins remotely). */
  run: boolean;
  bytes?: number;
  gzip?: number;
}

export const SCRIPTS: Script[] = [
  { name: 'shoptrack', what: 'dist/shoptrack.js (tracking; its widgets chunk, shoptrack-widgets.js, comes beside it on a home page)', file: 'dist/shoptrack.js', run: true },
  { name: 'shoptrack-core', what: 'dist/shoptrack-core.js (tracking only)', file: 'dist/shoptrack-core.js', run: true },
  { name: 'snowplow', what: '@snowplow/browser-tracker: newTracker + trackPageView + trackSelfDescribingEvent', file: 'bench/dist/snowplow.js', run: true },
  { name: 'rudderstack', what: '@rudderstack/analytics-js/bundled: load + page + track', file: 'bench/dist/rudderstack.js', run: true },
  { name: 'segment', what: '@segment/analytics-next: AnalyticsBrowser.load + page + track', file: 'bench/dist/segment.js', run: true },
  {
    name: 'rudderstack (default entry)',
    what: '@rudderstack/analytics-js: load + page + track; its plugins come from cdn.rudderlabs.com at run time, not counted',
    file: 'bench/dist/rudderstack-default.js',
    run: false,
  },
];

const PEERS = ['snowplow', 'segment', 'rudderstack', 'rudderstack-default'];

export async function buildPeers(): Promise<Script[]> {
  await Promise.all(
    PEERS.map((p) =>
      build({
        entryPoints: [`bench/entries/${p}.ts`],
        outfile: `bench/dist/${p}.js`,
        bundle: true,
        minify: true,
        target: ['es2021'],
        format: 'iife',
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
  return SCRIPTS.map((s) => {
    const src = readFileSync(s.file);
    return { ...s, bytes: src.length, gzip: gzipSync(src, { level: 9 }).length };
  });
}
