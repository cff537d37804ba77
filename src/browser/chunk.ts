// The script tag's chunks: files beside the script itself that it loads without blocking the page
// (dist/shoptrack-send.js, the outbox's sending half). A chunk calls back the <script> element that
// loaded it with what it brings, so nothing goes through the page's globals.
import { VERSION } from './version';

/** A chunk's <script> element; the chunk calls `loaded` as it runs. */
export interface ChunkScript extends HTMLScriptElement {
  loaded?: (exports: never) => void;
}

/**
 * Loads `file` from where the script `me` came from (document.currentScript, read while it ran), under
 * the same CSP nonce (a nonce that let this script run lets its chunk run too; so does
 * `strict-dynamic`). The release is in the query, so a cached chunk of another release is never used
 * with this script. `renderBlocking`: asked for while the document's <head> is still being parsed,
 * the page is not painted before the chunk has run (the HTML `blocking="render"` attribute).
 */
export function loadChunk<T>(file: string, me: HTMLScriptElement | null, renderBlocking?: boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    if (!me?.src) return reject('cannot tell where ' + file + ' is (the script has no src)');
    const script: ChunkScript = document.createElement('script');
    script.src = new URL(file + '?v=' + VERSION, me.src).href;
    script.nonce = me.nonce;
    // A DOMTokenList that takes a string (PutForwards); where browsers lack it, an unused property.
    if (renderBlocking) (script as { blocking: unknown }).blocking = 'render';
    script.loaded = resolve as never;
    script.onerror = () => reject(script.src + ' did not load');
    document.head.append(script);
  });
}
