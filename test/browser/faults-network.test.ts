// Delivery under network faults in real Chromium (test/faults/scenarios.ts; `npm run test:faults` runs
// them at full size): a steady stream, offline, DataCue answering 500 or 429 with Retry-After.
// Run `npm run build` first.
import { faultTests } from '../faults/vitest';

faultTests(['steady', 'offline', 'datacue 500', 'datacue 429 + Retry-After']);
