/**
 * A service code as routes, exemptions and decisions name a service: lower case, like Alibaba's
 * product codes (`ims`, `ecs`, `actiontrail`).
 */
const SERVICE_CODE = /^[a-z][a-z0-9-]{0,62}$/;

export function isServiceCode(text: string): boolean {
  return SERVICE_CODE.test(text);
}
