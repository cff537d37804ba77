// dist/shoptrack-send.js: the outbox's sending half, a chunk the script tag loads (browser/chunk.ts).
import { attempt } from './browser/attempt';
import type { ChunkScript } from './browser/chunk';
import { startSending } from './browser/sending';

attempt(() => (document.currentScript as ChunkScript).loaded!(startSending as never));
