// DOM helpers: every vendor string reaches the page as text or a checked attribute, never as HTML.
import { warn } from '../browser/console';

export const doc = document;

type Attrs = { [k: string]: unknown };

export const attr = (e: Element, k: string) => e.getAttribute(k);

/** What an element gets: a class, its text, attributes (null ones left out), and where it goes. */
export interface ElementParts {
  className?: string;
  text?: unknown;
  attrs?: Attrs;
  parent?: Element;
}

/** A new element with the parts given (vendor strings as text and attributes, never as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, parts: ElementParts = {}): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (parts.className) e.className = parts.className;
  const attrs = parts.attrs || {};
  for (const name in attrs) if (attrs[name] != null) e.setAttribute(name, String(attrs[name]));
  if (parts.text != null) e.textContent = String(parts.text);
  if (parts.parent) parts.parent.append(e);
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
export function link(href: unknown, className: string, parent?: Element): HTMLElement {
  const url = safeUrl(href);
  return el(url ? 'a' : 'div', { className, parent, attrs: { href: url || null } });
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
export const empty = (e: Element, hidden: boolean) => e.classList.toggle('dc-e', hidden);
