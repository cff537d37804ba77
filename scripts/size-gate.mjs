// Fails when a browser bundle is over its min+gzip budget (GATES in esbuild.config.mjs).
import { GATES, gz } from '../esbuild.config.mjs';

let failed = 0;
for (const [file, max] of Object.entries(GATES)) {
  const size = gz(file);
  const ok = size <= max;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${file.padEnd(26)} ${size} bytes min+gzip (gate ${max})`);
}
console.log(`size gates: ${Object.keys(GATES).length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
