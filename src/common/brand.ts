declare const brand: unique symbol;

/** A nominal type: a `Brand<string, 'AccountId'>` cannot be passed where another ID is expected. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };
