// The demo shop's catalog: what its pages list and what the stand-ins recommend from. Images are SVGs
// drawn by svg.ts, so the demo needs no file and no external host.

export interface Category {
  id: string;
  slug: string;
  name: string;
}

export interface Product {
  id: string;
  slug: string;
  name: string;
  brand: string;
  description: string;
  categoryId: string;
  price: number;
  /** Set when the product is discounted: the price before the discount. */
  fullPrice?: number;
  stock: number;
  /** Sizes or colours, each its own variant id; none means DataCue's "no-variants". */
  variants?: { id: string; label: string; stock: number }[];
  /** Products often bought with this one, DataCue's related_product_skus; absent gives null there. */
  boughtWith?: string[];
  /** Hue of its picture. */
  hue: number;
}

export const CURRENCY = 'EUR';
/** DataCue's variant id for a product without variants (their WooCommerce plugin). */
export const NO_VARIANTS = 'no-variants';

export const CATEGORIES: Category[] = [
  { id: '11', slug: 'kitchen', name: 'Kitchen' },
  { id: '12', slug: 'living-room', name: 'Living Room' },
  { id: '13', slug: 'outdoors', name: 'Outdoors' },
  { id: '14', slug: 'clothing', name: 'Clothing' },
];

const sizes = (id: string, stock: number[]) =>
  ['S', 'M', 'L'].map((label, i) => ({ id: id + '-' + label.toLowerCase(), label, stock: stock[i] }));

export const PRODUCTS: Product[] = [
  { id: '101', slug: 'enamel-mug', name: 'Enamel Mug', brand: 'Campfire', description: 'A mug that survives the trail.', categoryId: '11', price: 12, stock: 140, boughtWith: ['102', '104'], hue: 20 },
  { id: '102', slug: 'pour-over-kettle', name: 'Pour-over Kettle', brand: 'Brewline', description: 'Gooseneck, 1 litre.', categoryId: '11', price: 49.9, fullPrice: 64.9, stock: 9, boughtWith: ['101'], hue: 200 },
  { id: '103', slug: 'chef-knife', name: 'Chef Knife', brand: 'Edgeworks', description: 'Twenty centimetres of carbon steel.', categoryId: '11', price: 89, stock: 21, hue: 0 },
  { id: '104', slug: 'linen-tea-towels', name: 'Linen Tea Towels', brand: 'Northwind', description: 'A set of three.', categoryId: '11', price: 19.5, fullPrice: 24, stock: 60, hue: 90 },
  { id: '201', slug: 'wool-throw', name: 'Wool Throw', brand: 'Northwind', description: 'Warm, heavy, undyed.', categoryId: '12', price: 129, stock: 7, boughtWith: ['202', '204'], hue: 35 },
  { id: '202', slug: 'floor-lamp', name: 'Floor Lamp', brand: 'Lumen', description: 'Brass and linen shade.', categoryId: '12', price: 189, fullPrice: 239, stock: 4, hue: 50 },
  { id: '203', slug: 'oak-side-table', name: 'Oak Side Table', brand: 'Grain', description: 'Solid oak, oiled.', categoryId: '12', price: 249, stock: 3, hue: 28 },
  { id: '204', slug: 'cushion-cover', name: 'Cushion Cover', brand: 'Northwind', description: 'Washed linen, 50 × 50 cm.', categoryId: '12', price: 29, stock: 0, hue: 330 },
  { id: '301', slug: 'camping-chair', name: 'Camping Chair', brand: 'Campfire', description: 'Folds to the size of an umbrella.', categoryId: '13', price: 59, fullPrice: 79, stock: 18, boughtWith: ['302'], hue: 140 },
  { id: '302', slug: 'lantern', name: 'Lantern', brand: 'Lumen', description: 'Rechargeable, 300 lumens.', categoryId: '13', price: 34, stock: 44, hue: 45 },
  { id: '303', slug: 'picnic-blanket', name: 'Picnic Blanket', brand: 'Campfire', description: 'Waterproof underside.', categoryId: '13', price: 45, stock: 25, hue: 110 },
  { id: '304', slug: 'garden-hammock', name: 'Garden Hammock', brand: 'Grain', description: 'Cotton, with a spreader bar.', categoryId: '13', price: 1299, fullPrice: 1499, stock: 2, hue: 170 },
  { id: '401', slug: 'linen-shirt', name: 'Linen Shirt', brand: 'Northwind', description: 'Breathable linen.', categoryId: '14', price: 39.9, fullPrice: 49.9, stock: 12, variants: sizes('401', [5, 7, 0]), boughtWith: ['403'], hue: 210 },
  { id: '402', slug: 'wool-socks', name: 'Wool Socks', brand: 'Campfire', description: 'Merino, two pairs.', categoryId: '14', price: 16, stock: 80, variants: sizes('402', [30, 30, 20]), hue: 260 },
  { id: '403', slug: 'canvas-tote', name: 'Canvas Tote', brand: 'Grain', description: 'Carries a week of groceries.', categoryId: '14', price: 22, stock: 33, hue: 75 },
  { id: '404', slug: 'rain-jacket', name: 'Rain Jacket', brand: 'Northwind', description: 'Sealed seams, packable hood.', categoryId: '14', price: 149, stock: 6, variants: sizes('404', [2, 0, 4]), hue: 190 },
];

export const productById = (id: string): Product | undefined => PRODUCTS.find((p) => p.id == id);
export const productBySlug = (slug: string): Product | undefined => PRODUCTS.find((p) => p.slug == slug);
export const categoryById = (id: string): Category | undefined => CATEGORIES.find((c) => c.id == id);
export const categoryBySlug = (slug: string): Category | undefined => CATEGORIES.find((c) => c.slug == slug);

export const productLink = (p: Product): string => '/product/' + p.slug;
export const categoryLink = (c: Category): string => '/category/' + c.slug;
export const productImage = (p: Product): string => '/img/product/' + p.id + '.svg';
export const bannerImage = (id: string): string => '/img/banner/' + id + '.svg';

/** A product's variant ids as DataCue expects them: its own, or "no-variants". */
export const variantIds = (p: Product): string[] => (p.variants ? p.variants.map((v) => v.id) : [NO_VARIANTS]);

/** Case-insensitive match on name, brand and description. */
export const searchProducts = (term: string): Product[] => {
  const t = term.trim().toLowerCase();
  return t ? PRODUCTS.filter((p) => (p.name + ' ' + p.brand + ' ' + p.description).toLowerCase().includes(t)) : [];
};
