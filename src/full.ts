// dist/shoptrack.js: tracking, and the recommendation widgets loaded as a chunk where the page has use
// for them.
import { install } from './browser/install';
import { loadWidgets } from './widgets/load';

install(window as never, loadWidgets);
