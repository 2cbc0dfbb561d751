import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import { KeyFenceError } from '../../common/keyfence-error.js';
import type { ListenerConfig } from '../../config/keyfence-config.js';
import { listenUrl } from '../../config/listen-address.js';
import { type ConnectionOrigin, proxiedOrigin, tcpOrigin } from '../../request/source/connection-origin.js';
import type { ProxyFault, ProxyProtocolMode } from '../../request/source/proxy-protocol/proxy-header.js';
import { ProxyHeaderDecoder } from '../../request/source/proxy-protocol/proxy-header-decoder.js';
import type { TrustedProxies } from '../../request/source/trusted-proxies.js';
import { loadServerContext } from './tls-credentials.js';

/** What a listener hands every request and every refused connection to; shared by all listeners. */
export interface ListenerHandlers {
  readonly request: (
    req: IncomingMessage,
    res: ServerResponse,
    origin: ConnectionOrigin<ListenerConfig>,
  ) => void;
  readonly clientError: (error: NodeJS.ErrnoException, socket: Socket) => void;
  /** A connection closed because its PROXY header was missing, bad or late. */
  readonly proxyFault: (fault: ProxyFault, socket: Socket, listener: ListenerConfig) => void;
}

export interface ListenerSettings {
  readonly http: ServerOptions;
  /** How long a connection on a PROXY-protocol listener may take to send its header. */
  readonly proxyHeaderTimeoutMs: number;
  /** VPC endpoint ID (PROXY v2 AWS TLV) → VPC ID. */
  readonly vpcEndpoints: ReadonlyMap<string, string>;
}

type Accept = (socket: Socket) => void;

/**
 * node:http enforces `requestTimeout` (and `headersTimeout`) only when it checks its connections,
 * every `connectionsCheckingInterval`: 30 s by default, so a 30 s timeout cut a slow request after
 * 30 to 60 s. Checking every tenth of the timeout (at most every second) cuts it within 10 % of the
 * configured time, for the price of a walk over the open connections that often.
 */
function timeoutCheckInterval(requestTimeoutMs: number | undefined): number {
  if (requestTimeoutMs === undefined || requestTimeoutMs <= 0) return 1000;
  return Math.max(10, Math.min(1000, Math.ceil(requestTimeoutMs / 10)));
}

/**
 * The longest a TLS handshake may take, however long `requestTimeout`: a handshake that never
 * finishes would otherwise hold its connection open for good (node:http's own timeouts can only
 * answer it, and no answer goes out before the handshake ends).
 */
const MAX_HANDSHAKE_MS = 10_000;

/**
 * One bound address of the server: its own node:http server (so node's request and header
 * timeouts and idle-connection tracking work per socket as usual), learning each connection's
 * origin before the first request on it is parsed. With `tls`, each accepted TCP connection
 * (after its PROXY header, when the listener takes one) is wrapped in a server TLSSocket before
 * node:http sees it: the PROXY header travels in the clear ahead of the TLS handshake, as load
 * balancers send it, and the origin is known for the very socket requests arrive on.
 */
export class Listener {
  readonly config: ListenerConfig;
  readonly #http: Server;
  readonly #settings: ListenerSettings;
  readonly #handlers: ListenerHandlers;
  readonly #origins = new WeakMap<Socket, ConnectionOrigin<ListenerConfig>>();
  /** Connections still sending their PROXY header: node:http does not know them yet. */
  readonly #awaitingHeader = new Set<Socket>();
  /** TLS connections still in their handshake: node:http cannot answer them, close() cuts them. */
  readonly #handshaking = new Set<TLSSocket>();
  readonly #handshakeTimeoutMs: number;
  /** The certificate and key new connections get; replaced by reloadTls. */
  #tls: SecureContext | undefined;
  /** The last reload requested; the next waits for it. */
  #reloading: Promise<void> = Promise.resolve();
  #closing = false;

  /**
   * A listener, not yet bound, with its TLS pair loaded when it has one. Rejects with
   * `Server.ProxyProtocolUntrusted` for a PROXY-protocol listener that names no peer in
   * `proxyProtocolFrom` (it would refuse every connection, health checks included), and with a
   * TlsFileError naming the file when `tls` is not a usable pair.
   */
  static async create(
    config: ListenerConfig,
    settings: ListenerSettings,
    handlers: ListenerHandlers,
  ): Promise<Listener> {
    if (config.proxyProtocol !== 'off' && (config.proxyProtocolFrom?.size ?? 0) === 0) {
      throw new KeyFenceError(
        'Server.ProxyProtocolUntrusted',
        `listener ${config.address.host}:${config.address.port} takes the PROXY protocol from nobody: ` +
          'proxyProtocolFrom must name the load balancer',
      );
    }
    const tls = config.tls === undefined ? undefined : await loadServerContext(config.tls);
    return new Listener(config, settings, handlers, tls);
  }

  private constructor(
    config: ListenerConfig,
    settings: ListenerSettings,
    handlers: ListenerHandlers,
    tls: SecureContext | undefined,
  ) {
    this.config = config;
    this.#tls = tls;
    this.#settings = settings;
    this.#handlers = handlers;
    this.#handshakeTimeoutMs = Math.min(settings.http.requestTimeout || MAX_HANDSHAKE_MS, MAX_HANDSHAKE_MS);
    const http = {
      connectionsCheckingInterval: timeoutCheckInterval(settings.http.requestTimeout),
      ...settings.http,
    };
    this.#http = createHttpServer(http, (req, res) => {
      const origin = this.#origins.get(req.socket);
      // Every accepted socket has its origin before node:http sees it; a request without one is
      // not answered rather than attributed to a guess.
      if (origin === undefined) req.socket.destroy();
      else handlers.request(req, res, origin);
    });
    // node keeps only the first 1000 headers in req.headers and headersDistinct by default: a
    // header repeated after them would go unseen (request-headers.ts). maxHeaderSize bounds them.
    this.#http.maxHeadersCount = 0;
    this.#http.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      // An answer written before the handshake ends would wait for it, maybe for ever.
      if (this.#handshaking.has(socket as TLSSocket)) socket.destroy();
      else handlers.clientError(error, socket);
    });
    // node:http starts parsing in its own 'connection' listener; it is held back until the origin
    // is known (after the PROXY header, if any), then handed the socket, or its TLS wrapping.
    const accept = this.#http.listeners('connection') as Accept[];
    this.#http.removeAllListeners('connection');
    const mode = config.proxyProtocol;
    if (mode === 'off') {
      this.#http.on('connection', (socket: Socket) =>
        this.#accept(socket, tcpOrigin(socket, config), accept),
      );
    } else {
      const from = config.proxyProtocolFrom!;
      this.#http.on('connection', (socket: Socket) => this.#readProxyHeader(socket, mode, from, accept));
    }
  }

  /**
   * Reads `config.tls` again for the connections accepted from now on; those open keep the pair
   * they began with. Throws (TlsFileError) and keeps the current pair when the files are not a
   * usable pair. Does nothing on a listener without TLS. Reloads run one after another, each
   * reading the files once the one before is done: the last requested leaves its pair in use
   * (when usable), never an older one that took longer to read.
   */
  reloadTls(): Promise<void> {
    const files = this.config.tls;
    if (files === undefined) return Promise.resolve();
    const reload = this.#reloading.then(async () => {
      this.#tls = await loadServerContext(files);
    });
    this.#reloading = reload.catch(() => {});
    return reload;
  }

  /** Binds the configured address; resolves with the URL it serves. */
  listen(): Promise<string> {
    const { host, port } = this.config.address;
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.#http.once('error', fail);
      this.#http.listen(port, host, () => {
        this.#http.off('error', fail);
        resolve(listenUrl(this.#http.address() as AddressInfo, this.#tls === undefined ? 'http' : 'https'));
      });
    });
  }

  /**
   * Stops accepting, closes idle keep-alive connections and those still without their PROXY
   * header or in their TLS handshake; resolves once every connection has ended (immediately when
   * it never listened).
   */
  close(): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#http.closeIdleConnections();
    for (const socket of this.#awaitingHeader) socket.destroy();
    for (const socket of this.#handshaking) socket.destroy();
    return closed;
  }

  /** Cuts every connection, in flight or not. */
  closeAllConnections(): void {
    this.#http.closeAllConnections();
  }

  #readProxyHeader(
    socket: Socket,
    mode: ProxyProtocolMode,
    from: TrustedProxies,
    accept: readonly Accept[],
  ): void {
    if (!from.contains(socket.remoteAddress ?? '')) {
      if (!this.#closing) {
        this.#handlers.proxyFault(
          {
            code: 'ProxyProtocol.UntrustedPeer',
            message: 'a PROXY header is believed only from a trusted proxy, and this peer is not one',
          },
          socket,
          this.config,
        );
      }
      socket.destroy();
      return;
    }
    const decoder = new ProxyHeaderDecoder(mode);
    this.#awaitingHeader.add(socket);
    const settle = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onClosed);
      socket.off('close', onClosed);
      socket.off('error', onError);
      this.#awaitingHeader.delete(socket);
    };
    const refuse = (fault: ProxyFault) => {
      settle();
      // Reported first, while the socket still knows its peer. Connections cut by close() are
      // not the client's fault.
      if (!this.#closing) this.#handlers.proxyFault(fault, socket, this.config);
      socket.destroy();
    };
    const onData = (chunk: Buffer) => {
      const step = decoder.push(chunk);
      if (step.kind === 'incomplete') return;
      if (step.kind === 'fault') return refuse(step.fault);
      settle();
      if (this.#closing) {
        socket.destroy();
        return;
      }
      socket.pause();
      if (step.rest.length > 0) socket.unshift(step.rest);
      const origin = proxiedOrigin(socket, this.config, step.header, this.#settings.vpcEndpoints);
      // A TLSSocket reads what waits in the paused socket itself; a plain one is resumed.
      if (this.#accept(socket, origin, accept) === socket) socket.resume();
    };
    const onClosed = () =>
      refuse({
        code: 'ProxyProtocol.Closed',
        message: 'the connection ended before its PROXY header was complete',
      });
    const timer = setTimeout(
      () =>
        refuse({
          code: 'ProxyProtocol.Timeout',
          message: `no complete PROXY header within ${this.#settings.proxyHeaderTimeoutMs} ms`,
        }),
      this.#settings.proxyHeaderTimeoutMs,
    );
    // A reset while waiting is followed by 'close'; an 'error' without a listener would throw.
    const onError = () => {};
    socket.on('error', onError);
    socket.on('data', onData);
    socket.on('end', onClosed);
    socket.on('close', onClosed);
  }

  /** Hands a connection whose origin is known to node:http; returns the socket it was given. */
  #accept(socket: Socket, origin: ConnectionOrigin<ListenerConfig>, accept: readonly Accept[]): Socket {
    const connection = this.#tls === undefined ? socket : this.#handshake(socket, this.#tls);
    this.#origins.set(connection, origin);
    for (const listener of accept) listener.call(this.#http, connection);
    return connection;
  }

  /** Wraps a connection in TLS, cut when its handshake has not finished in time. */
  #handshake(socket: Socket, secureContext: SecureContext): TLSSocket {
    const connection = new TLSSocket(socket, { isServer: true, secureContext });
    this.#handshaking.add(connection);
    const settle = () => {
      clearTimeout(timer);
      this.#handshaking.delete(connection);
    };
    const timer = setTimeout(() => connection.destroy(), this.#handshakeTimeoutMs);
    connection.once('secure', settle);
    connection.once('close', settle);
    return connection;
  }
}
