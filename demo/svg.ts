// Product and banner pictures drawn on request, so the demo has no image files and no external host.
import { CATEGORIES, type Product } from './catalog';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');

export function productSvg(p: Product): string {
  const initials = p.name.split(/\s+/).map((w) => w[0]).join('').slice(0, 2);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">
<rect width="400" height="400" fill="hsl(${p.hue} 45% 88%)"/>
<circle cx="200" cy="170" r="110" fill="hsl(${p.hue} 50% 62%)"/>
<text x="200" y="200" font-family="sans-serif" font-size="84" font-weight="700" text-anchor="middle" fill="#fff">${esc(initials)}</text>
<text x="200" y="350" font-family="sans-serif" font-size="28" text-anchor="middle" fill="hsl(${p.hue} 40% 25%)">${esc(p.name)}</text>
</svg>`;
}

/** B1 is the wide main banner (1200x720, DataCue's size); B2.. the narrow sub banners (480x720). */
export function bannerSvg(id: string): string | undefined {
  const n = Number(id.slice(1));
  if (!/^B\d+$/.test(id) || n < 1 || n > CATEGORIES.length + 1) return;
  const wide = n == 1;
  const [w, h] = wide ? [1200, 720] : [480, 720];
  const title = wide ? 'Summer outdoors' : CATEGORIES[n - 2].name;
  const hue = (n * 67) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 60% 55%)"/><stop offset="1" stop-color="hsl(${hue + 40} 60% 35%)"/></linearGradient></defs>
<rect width="${w}" height="${h}" fill="url(#g)"/>
<text x="${w / 2}" y="${h / 2}" font-family="sans-serif" font-size="${wide ? 96 : 56}" font-weight="700" text-anchor="middle" fill="#fff">${esc(title)}</text>
</svg>`;
}
