// dist/shoptrack-core.js: tracking only.
import { install } from './browser/install';

install(window as never);
