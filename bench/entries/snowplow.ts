// The minimal Snowplow use the issue names: newTracker + trackPageView + one custom (self-describing) event.
import { newTracker, trackPageView, trackSelfDescribingEvent } from '@snowplow/browser-tracker';
import { benchWindow } from './env';

const w = benchWindow();
newTracker('sp', w.benchCollector + '/sp', { appId: 'bench', eventMethod: 'post' });
trackPageView();
w.benchTrack = (i) =>
  trackSelfDescribingEvent({ event: { schema: 'iglu:com.example/product_click/jsonschema/1-0-0', data: { product_id: 'p' + i, i } } });
