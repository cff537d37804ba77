// dist/shoptrack.js: tracking and the recommendation widgets.
import { install } from './browser/install';
import { mountWidgets } from './widgets';

install(window as never, mountWidgets);
