// dist/shoptrack-widgets.js: the recommendation widgets, a chunk the script tag loads where a page has
// a placeholder (widgets/load.ts).
import { attempt } from './browser/attempt';
import type { ChunkScript } from './browser/chunk';
import { mountWidgets } from './widgets/index';

attempt(() => (document.currentScript as ChunkScript).loaded!(mountWidgets as never));
