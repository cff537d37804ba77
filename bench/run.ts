// `npm run bench`: sizes shoptrack and the peers, runs each in headless Chromium for ROUNDS rounds
// (SDK order rotated every round, a fresh browser context per page load), writes bench/results.md,
// bench/results.svg and bench/results.png, and prints the table.
import { cpus, totalmem, platform, release } from 'node:os';
import { writeFileSync } from 'node:fs';
import { launch } from '../test/browser/chromium';
import { startBlocker } from './blocker';
import { buildPeers } from './build';
import { startCollector } from './collector';
import { measure, type Run } from './measure';
import { startPages } from './page';
import { chart, markdown, summarise, table } from './report';

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;

const scripts = await buildPeers();
const runnable = scripts.filter((s) => s.run);
const collector = await startCollector();
const blocker = await startBlocker();
const pages = await startPages(collector.origin, { none: '', ...Object.fromEntries(runnable.map((s) => [s.name, s.file])) });
const browser = await launch();
const order = ['none', ...runnable.map((s) => s.name)];
const runs: Run[] = [];
const started = Date.now();
try {
  for (let round = 0; round < ROUNDS; round++) {
    const rotated = order.slice(round % order.length).concat(order.slice(0, round % order.length));
    for (const sdk of rotated) {
      const r = await measure(browser, blocker, collector, pages.origin, sdk);
      runs.push(r);
      process.stderr.write(`round ${round + 1}/${ROUNDS} ${sdk.padEnd(15)} ${r.delivered}/1000 delivered in ${Math.round(r.deliveredMs) || '-'} ms\n`);
    }
  }
  const version = browser.version();
  const summary = summarise(scripts, runs);
  const machine = {
    cpu: cpus()[0].model,
    cores: cpus().length,
    memoryGb: totalmem() / 2 ** 30,
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium: version,
    date: new Date().toISOString(),
    rounds: ROUNDS,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const svg = chart(summary);
  writeFileSync('bench/results.svg', svg);
  writeFileSync('bench/results.md', markdown(summary, machine, collector.unknown));
  // The chart as a person sees it, rendered by the same browser.
  const page = await browser.newPage({ viewport: { width: 960, height: 200 } });
  await page.setContent(`<body style="margin:0">${svg}</body>`);
  await page.locator('svg').screenshot({ path: 'bench/results.png' });
  await page.close();
  console.log(table(summary));
  console.log(`\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb.toFixed(1)} GB; node ${machine.node}; Chromium ${version}; ${ROUNDS} rounds in ${machine.seconds} s`);
  console.log('Written: bench/results.md, bench/results.svg, bench/results.png');
} finally {
  await browser.close();
  await pages.close();
  await blocker.close();
  await collector.close();
}
