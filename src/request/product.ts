/**
 * The products KeyFence answers for: the API version each is routed by, and the service code its
 * calls are decided under. A request names a version; the version names the product. The
 * Alibaba products, and `Keyfence`: KeyFence's own actions, for what Alibaba's API has no action.
 */
export const PRODUCTS = {
  Ims: '2019-08-15',
  Ram: '2015-05-01',
  Sts: '2015-04-01',
  Actiontrail: '2020-07-06',
  Keyfence: '2026-12-01',
} as const;

export type Product = keyof typeof PRODUCTS;

/** The service code a product's calls are decided under (`--exempt-service` takes these). */
export const SERVICE_OF: Readonly<Record<Product, string>> = Object.freeze({
  Ims: 'ims',
  Ram: 'ram',
  Sts: 'sts',
  Actiontrail: 'actiontrail',
  Keyfence: 'keyfence',
});

/**
 * Whether a product is Alibaba's (its endpoints and troubleshooting pages know it) rather than
 * KeyFence's own. A Record, so that a new product must say which it is.
 */
const ALIBABA_PRODUCT: Readonly<Record<Product, boolean>> = Object.freeze({
  Ims: true,
  Ram: true,
  Sts: true,
  Actiontrail: true,
  Keyfence: false,
});

export const isAlibabaProduct = (product: Product): boolean => ALIBABA_PRODUCT[product];

const productByVersion: ReadonlyMap<string, Product> = new Map(
  (Object.entries(PRODUCTS) as [Product, string][]).map(([product, version]) => [version, product]),
);

/** The product an API version belongs to, or undefined for a version KeyFence does not serve. */
export function productOfVersion(version: string | undefined): Product | undefined {
  return version === undefined ? undefined : productByVersion.get(version);
}
