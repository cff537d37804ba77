// Delivery while DataCue is down, while the relay's vendors are down, and from three tabs sharing one
// outbox (test/faults/scenarios.ts). Run `npm run build` first.
import { faultTests } from '../faults/vitest';

faultTests(['datacue down', 'vendors down behind the relay', 'three tabs', 'three tabs, no Web Locks']);
