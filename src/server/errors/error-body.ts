import { isAlibabaProduct, type Product } from '../../request/product.js';
import type { ApiError } from './api-error.js';

/**
 * An error in Alibaba's JSON shape: `RequestId`, `HostId`, `Code`, `Message`,
 * `Recommend`, then the error's own detail fields (e.g. `AccessDeniedDetail`). The SDKs read
 * `Code`, `Message`, `RequestId` and `AccessDeniedDetail`; `Recommend` points at Alibaba's
 * troubleshooting page for the code, as Alibaba's own errors do, naming the product only when it
 * is one of Alibaba's (that page knows nothing of KeyFence's own).
 */
export function errorBody(
  requestId: string,
  hostId: string,
  error: Pick<ApiError, 'code' | 'message' | 'detail'>,
  product: Product | null,
): Record<string, unknown> {
  const productQuery = product !== null && isAlibabaProduct(product) ? `&product=${product}` : '';
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}${productQuery}&requestId=${requestId}`,
    ...error.detail,
  };
}
