// Delivery when IndexedDB is missing, refuses to open, runs out of quota or loses its connection; and
// with consent pending, granted and denied (test/faults/scenarios.ts). Run `npm run build` first.
import { faultTests } from '../faults/vitest';

faultTests(['IndexedDB missing', 'IndexedDB missing + reloads', 'IndexedDB open throws', 'IndexedDB quota exceeded', 'IndexedDB connection lost', 'consent pending, then granted / denied']);
