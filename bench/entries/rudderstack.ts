// The minimal RudderStack use: load + page + track. The `bundled` build, because the default build
// fetches its plugins (XhrQueue, which delivers events) from cdn.rudderlabs.com at run time; the source
// config comes from the local collector (configUrl), events go to the local data plane.
import { RudderAnalytics } from '@rudderstack/analytics-js/bundled';
import { benchWindow } from './env';

const w = benchWindow();
const analytics = new RudderAnalytics();
analytics.load('benchkey', w.benchCollector + '/rs', { configUrl: w.benchCollector + '/rs-config' });
analytics.page();
w.benchTrack = (i) => analytics.track('Product Clicked', { product_id: 'p' + i, i });
