// Delivery from hostile pages: Prototype.js's toJSON, a broken fetch wrapper, a patched JSON.stringify,
// `default-src 'self'`, the page's own window.datacue stub, a long URL; and the back-forward cache kept
// (test/faults/scenarios.ts). Run `npm run build` first.
import { faultTests } from '../faults/vitest';

faultTests(['Prototype.js toJSON', 'broken fetch wrapper', 'patched JSON.stringify', 'strict CSP', 'own window.datacue stub first', 'long page URL', 'bfcache kept']);
