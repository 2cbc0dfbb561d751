import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ListenerConfig } from '../../config/keyfence-config.js';
import { type ConnectionOrigin, tcpOrigin } from '../source/connection-origin.js';
import { listenUrl } from './listen-address.js';

/** What a listener hands every request and every unparsable one to; shared by all listeners. */
export interface ListenerHandlers {
  readonly request: (req: IncomingMessage, res: ServerResponse, origin: ConnectionOrigin) => void;
  readonly clientError: (error: NodeJS.ErrnoException, socket: Socket) => void;
}

/**
 * One bound address of the server: its own node:http server (so node's request and header
 * timeouts and idle-connection tracking work per socket as usual), learning each connection's
 * origin before the first request on it is parsed.
 */
export class Listener {
  readonly config: ListenerConfig;
  readonly #http: Server;
  readonly #origins = new WeakMap<Socket, ConnectionOrigin>();

  constructor(config: ListenerConfig, options: ServerOptions, handlers: ListenerHandlers) {
    this.config = config;
    this.#http = createHttpServer(options, (req, res) => {
      const origin = this.#origins.get(req.socket);
      // Every accepted socket has its origin before node:http sees it; a request without one is
      // not answered rather than attributed to a guess.
      if (origin === undefined) req.socket.destroy();
      else handlers.request(req, res, origin);
    });
    this.#http.on('clientError', handlers.clientError);
    this.#http.prependListener('connection', (socket: Socket) => {
      this.#origins.set(socket, tcpOrigin(socket, config));
    });
  }

  /** Binds the configured address; resolves with the URL it serves. */
  listen(): Promise<string> {
    const { host, port } = this.config.address;
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.#http.once('error', fail);
      this.#http.listen(port, host, () => {
        this.#http.off('error', fail);
        resolve(listenUrl(this.#http.address() as AddressInfo));
      });
    });
  }

  /**
   * Stops accepting and closes idle keep-alive connections; resolves once every connection has
   * ended (immediately when it never listened).
   */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#http.closeIdleConnections();
    return closed;
  }

  /** Cuts every connection, in flight or not. */
  closeAllConnections(): void {
    this.#http.closeAllConnections();
  }
}
