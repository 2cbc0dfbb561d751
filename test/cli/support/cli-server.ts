import { type CheckServer, startCheckServer } from '../../server/actions/support/check-server.js';
import type { DialectFixture } from '../../store/support/dialects.js';

export interface CliServer extends CheckServer {
  /** The variables a `keyfence` command run against this server signs with: the root key's. */
  readonly env: Readonly<Record<string, string>>;
}

/** A server for the `keyfence` commands that ask one (startCheckServer's), with their credentials. */
export async function startCliServer(fixture: DialectFixture): Promise<CliServer> {
  const server = await startCheckServer(fixture);
  return {
    ...server,
    env: {
      ALIBABA_CLOUD_ACCESS_KEY_ID: server.root.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: server.root.accessKeySecret,
    },
  };
}
