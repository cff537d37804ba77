// The widgets' loader, in the script tag: the widget code itself is a chunk (dist/shoptrack-widgets.js,
// src/widgets-chunk.ts) that comes without blocking, and only to pages that have a placeholder or a page
// event whose answer brings recommendations.
import { loadChunk } from '../browser/chunk';
import { pageEvents } from '../browser/page';
import type { Tracker } from '../browser/tracker';
import { warn } from '../browser/console';
import { answersWithRecs } from '../vendors/datacue';
import type { mountWidgets } from './index';
import { PRICED } from './selectors';

export const WIDGETS_FILE = 'shoptrack-widgets.js';

/** What the chunk brings: mounts the widgets, drawing the answer that came before them. */
export type MountWidgets = typeof mountWidgets;

/** `me`: the script tag, beside which the chunk is. */
export function loadWidgets(t: Tracker, me: HTMLScriptElement | null): void {
  // The answer that comes before the widgets do, for them to draw.
  let answer: unknown;
  let chunk: Promise<void> | undefined;
  t.onAnswer((a) => (answer = a));
  // A chunk that does not load says so, naming its URL.
  const load = () => (chunk ||= loadChunk<MountWidgets>(WIDGETS_FILE, me, true).then((mount) => mount(t, answer), warn));
  // Now, for a page whose own events answer with recommendations (the widgets come beside them) or
  // whose placeholders are there already; else once the page is parsed, if it has one. Banners come
  // only in such an answer: without one, a banner placeholder stays empty, so it asks for nothing.
  const look = () => (pageEvents(t.config).some(answersWithRecs) || document.querySelector(PRICED)) && load();
  look();
  document.addEventListener('DOMContentLoaded', look);
}
