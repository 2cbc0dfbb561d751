/** An error the console API answered with: the same `{Code, Message, RequestId}` the RPC API uses. */
export class ConsoleApiError extends Error {
  readonly code: string;
  readonly requestId: string | undefined;
  readonly status: number;
  /** The whole answer, for codes that carry more (RetryAfterSeconds, SetupRequired…). */
  readonly body: Readonly<Record<string, unknown>>;

  constructor(status: number, body: Readonly<Record<string, unknown>>) {
    const code = typeof body.Code === 'string' ? body.Code : 'ConsoleUnreachable';
    const message = typeof body.Message === 'string' ? body.Message : `The console answered HTTP ${status}.`;
    super(message);
    this.name = 'ConsoleApiError';
    this.code = code;
    this.status = status;
    this.requestId = typeof body.RequestId === 'string' ? body.RequestId : undefined;
    this.body = body;
  }
}
