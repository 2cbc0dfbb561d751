import type { PolicyConfirmation } from '../../../../store/index.js';

/**
 * What the Get actions add about a commit-confirmed change (docs/server.md): `AutoRevertAt` while
 * it awaits confirmation, `FirstAllowedCall` once a call confirmed it; nothing otherwise, so an
 * SDK's answer keeps its shape.
 */
export function confirmationBody(confirmation: PolicyConfirmation): Record<string, unknown> {
  const { autoRevertAt, firstPass } = confirmation;
  return {
    ...(autoRevertAt === null ? {} : { AutoRevertAt: autoRevertAt.toISOString() }),
    ...(firstPass === null
      ? {}
      : {
          FirstAllowedCall: {
            RequestId: firstPass.requestId,
            Time: firstPass.at.toISOString(),
            AccessKeyId: firstPass.accessKeyId,
            SourceIp: firstPass.sourceIp,
            ...(firstPass.vpcId === null ? {} : { VpcId: firstPass.vpcId }),
          },
        }),
  };
}
