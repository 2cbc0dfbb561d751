/**
 * Alibaba VPC IDs are `vpc-` and a lower-case alphanumeric suffix (`vpc-bp1234567890abcdef`,
 * about 17-22 characters after the dash; AWS's `vpc-0123456789abcdef0` has the same shape). The
 * suffix is bounded at 32 to leave room for other platforms' IDs while keeping stored values
 * small. Upper case is refused rather than folded: the decision compares VPC IDs exactly, so a
 * `Value` that differs from the real ID only in case would silently never match.
 */
const VPC_ID = /^vpc-[a-z0-9]{1,32}$/;

export function isVpcId(text: string): boolean {
  return VPC_ID.test(text);
}
