// The script tag as it was before the widgets became a chunk: tracking and the widgets in one blocking
// script. Built by bench/first-card.ts only, to compare how soon the first card appears.
import { install } from '../../src/browser/install';
import { mountWidgets } from '../../src/widgets';

install(window as never, (t) => mountWidgets(t));
