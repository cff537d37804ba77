// DOM helpers: every vendor string reaches the page as text or a checked attribute, never as HTML.
import { warn } from '../browser/console';

export const doc = document;

type Attrs = { [k: string]: unknown };

export const attr = (e: Element, k: string) => e.getAttribute(k);

/** An element with a class, parent, text and attributes (null ones left out), each optional. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, parent?: Element, text?: unknown, a?: Attrs | ''): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const k in a as Attrs) (a as Attrs)[k] != null && e.setAttribute(k, String((a as Attrs)[k]));
  if (text != null) e.textContent = String(text);
  parent && parent.append(e);
  return e;
}

/** The absolute URL when `u` is http(s) or relative, else '' (javascript:, data:, anything else). */
export function safeUrl(u: unknown): string {
  try {
    // Resolved first: the URL parser drops the tabs and newlines that "java\tscript:" hides behind.
    const url = new URL(u as string, doc.baseURI);
    if (u && typeof u == 'string' && /^https?:$/.test(url.protocol)) return url.href;
  } catch {
    // Not a URL at all.
  }
  return '';
}

/** A link when `href` is safe, else a plain element of the same class. */
export function link(href: unknown, cls: string, parent?: Element): HTMLElement {
  const u = safeUrl(href);
  return el(u ? 'a' : 'div', cls, parent, null, { href: u || null });
}

const warned = new WeakSet<Element>();

/** One console warning per placeholder, however many of its attributes are wrong. */
export function bad(e: Element, msg: unknown = 'invalid attribute'): void {
  if (!warned.has(e)) warn(msg + ' in ' + (e.cloneNode() as Element).outerHTML);
  warned.add(e);
}

/** Runs `fn` on every element matching `sel`; one placeholder failing leaves the others drawn. */
export function each(sel: string, fn: (e: HTMLElement) => void): void {
  doc.querySelectorAll<HTMLElement>(sel).forEach((e) => {
    try {
      fn(e);
    } catch (err) {
      bad(e, err);
    }
  });
}

/** Hides a placeholder that has nothing to show (and nothing more coming), shows it again when it has. */
export const empty = (e: Element, yes: unknown) => e.classList.toggle('dc-e', !!yes);
