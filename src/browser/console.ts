// The script's one voice on the page: console warnings, prefixed so a shop knows whose they are.
import { attempt } from './attempt';

/** A console warning; a console that throws is not worth breaking the page for. */
export const warn = (msg: string): void => attempt(() => console.warn('[shoptrack] ' + msg));
