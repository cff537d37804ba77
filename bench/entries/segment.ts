// The minimal Segment use: AnalyticsBrowser.load + page + track. The CDN is the local stub (cdnURL); the
// settings it serves point the Segment.io destination at the local collector.
import { AnalyticsBrowser } from '@segment/analytics-next';
import { benchWindow } from './env';

const w = benchWindow();
const analytics = AnalyticsBrowser.load({ writeKey: 'benchkey', cdnURL: w.benchCollector + '/seg-cdn' });
analytics.page();
w.benchTrack = (i) => analytics.track('Product Clicked', { product_id: 'p' + i, i });
