// The canonical shape of the shop's data: what the admin API, the import and the Node API take, what the
// sync queue stores, and what each vendor's data mapper reads. It is the union of what the vendor
// documents ask for (docs/sync.md lists every field and which vendor uses it):
//   DataCue products / users / orders (seeds/001), Aqurate's orders, line_items, items, item_categories,
//   categories, stock and customers tables (seeds/000), Quarticon /data/product, /collectprofile and
//   /contact (seeds/002), engage's order fields (seeds/003), Shoptimiza's sales file key/items (seeds/004).
// Field names follow DataCue's where DataCue has the field. Pure types; validate.ts checks them.

/** The kinds of record the sync engine keeps. A variant is also sent on its own (DataCue PUT per variant). */
export const ENTITIES = ['category', 'product', 'variant', 'customer', 'order'] as const;
export type Entity = (typeof ENTITIES)[number];

/** Order statuses: DataCue's completed / cancelled (seeds/001) and Aqurate's processing / returned (seeds/000). */
export const ORDER_STATUSES = ['processing', 'completed', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Aqurate's stock table: stock_type (seeds/000). */
export const STOCK_TYPES = ['own', 'dropshipping', 'at_supplier'] as const;
export type StockType = (typeof STOCK_TYPES)[number];

/** A category as a product or a parent names it: Quarticon's categories [{id, name}] (seeds/002). */
export interface CategoryRef {
  category_id: string;
  name: string;
}

/** A category of the shop's tree (Aqurate categories: main category and up to four subcategory levels). */
export interface Category {
  category_id: string;
  name: string;
  /** The ancestors from the main (top) category down to the direct parent; none for a main category. */
  parents?: CategoryRef[];
  /** The category page. */
  link?: string;
}

/** One purchasable version of a product: DataCue's unit of a product (product_id + variant_id). */
export interface Variant {
  /** Unique within the product; a shop without variants uses one constant such as "no-variants" (seeds/001). */
  variant_id: string;
  sku?: string;
  /** The variant's own name ("Linen Shirt, L"); the product's name when absent. */
  name?: string;
  /** Current price including discounts. */
  price: number;
  /** Price without discount; the price when absent (no discount). */
  full_price?: number;
  /** Units in stock, a whole number (DataCue requires it; Aqurate's stock table). */
  stock: number;
  stock_type?: StockType;
  /** For sale (DataCue available, Aqurate is_active, Quarticon status); defaults to the product's. */
  available?: boolean;
  color?: string;
  size?: string;
  photo_url?: string;
  link?: string;
  /** Further attributes by name (Aqurate attribute_N_name / _value). */
  attributes?: { [name: string]: string };
}

export interface Product {
  product_id: string;
  name: string;
  description?: string;
  brand?: string;
  /** The product page, absolute or relative ("/product/p1"). */
  link: string;
  /** The main photo's URL. */
  photo_url: string;
  /** Its categories, the most specific (DataCue main_category, Aqurate is_primary) first; at least one. */
  categories: CategoryRef[];
  /** ISO 4217 code of the prices (Aqurate items.currency). */
  currency?: string;
  /** For sale; true when absent. */
  available?: boolean;
  /** A marketplace's seller (DataCue owner_id). */
  owner_id?: string;
  /** Attributes shared by every variant (Aqurate attribute_N, Quarticon custom1-3). */
  attributes?: { [name: string]: string };
  /** Anything else to show on the site (DataCue extra). */
  extra?: { [key: string]: unknown };
  /** At least one. */
  variants: Variant[];
}

/** A variant sent on its own: the variant and the product it belongs to. */
export interface VariantRecord extends Variant {
  product_id: string;
}

export interface Customer {
  customer_id: string;
  email?: string;
  /** Salutation: Mr, Ms, Dr. */
  title?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  /** The browser's anonymous id before the customer signed up (DataCue anonymous_id, Quarticon cookie). */
  anonymous_id?: string;
  /** Segmentation: sex, segment, location and any other string (DataCue profile). */
  profile?: { [key: string]: string };
  /** Consented to marketing email (DataCue email_subscriber, Quarticon agreement). */
  email_subscriber?: boolean;
  /** Product ids on the wishlist. */
  wishlist?: string[];
  /** When the account was created, ISO 8601. */
  created_at?: string;
}

/** A line of an order: DataCue cart items, Aqurate line_items, engage line_items. */
export interface OrderLine {
  product_id: string;
  variant_id: string;
  sku?: string;
  name?: string;
  /** More than 0. */
  quantity: number;
  /** The price of one unit including discounts. */
  unit_price: number;
  /** engage line_item_subtotal / _total / _subtotal_tax / _total_tax / _tax_class. */
  subtotal?: number;
  total?: number;
  subtotal_tax?: number;
  total_tax?: number;
  tax_class?: string;
}

export interface Order {
  order_id: string;
  /** Who ordered: the customer's id, or the shop's id for a guest (DataCue user_id, Aqurate customer_id). */
  customer_id: string;
  status: OrderStatus;
  /** When the order was placed, ISO 8601 (Aqurate order_date, engage date_created_gmt). */
  created_at: string;
  modified_at?: string;
  completed_at?: string;
  /** ISO 4217 code of every price in the order. */
  currency: string;
  /** The order's value (engage order_value); the sum of the lines when absent. */
  total?: number;
  /** The buyer as engage asks for them (seeds/003). */
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  city?: string;
  country?: string;
  zip_code?: string;
  /** At least one. */
  lines: OrderLine[];
}

/** The record of each entity. */
export interface Records {
  category: Category;
  product: Product;
  variant: VariantRecord;
  customer: Customer;
  order: Order;
}
export type AnyRecord = Records[Entity];

/** The field that identifies each entity's record. */
export const ID_FIELD: { [E in Entity]: string } = {
  category: 'category_id',
  product: 'product_id',
  variant: 'variant_id',
  customer: 'customer_id',
  order: 'order_id',
};

/**
 * The queue's key of a record: its id, and for a variant "product_id/variant_id" (a variant id is unique
 * only within its product). A "/" inside an id is escaped so that two keys never collide.
 */
export function recordKey<E extends Entity>(entity: E, record: Records[E]): string {
  if (entity == 'variant') {
    const v = record as VariantRecord;
    return escapeKey(v.product_id) + '/' + escapeKey(v.variant_id);
  }
  return String((record as unknown as { [k: string]: unknown })[ID_FIELD[entity]]);
}

const escapeKey = (id: string) => id.replace(/%/g, '%25').replace(/\//g, '%2F');
