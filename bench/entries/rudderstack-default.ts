// RudderStack's default entry, as anchors.md measured it: sized only, never run (it loads its plugins,
// including the one that delivers events, from cdn.rudderlabs.com).
import { RudderAnalytics } from '@rudderstack/analytics-js';
import { benchWindow } from './env';

const w = benchWindow();
const analytics = new RudderAnalytics();
analytics.load('benchkey', w.benchCollector + '/rs', { configUrl: w.benchCollector + '/rs-config' });
analytics.page();
w.benchTrack = (i) => analytics.track('Product Clicked', { product_id: 'p' + i, i });
