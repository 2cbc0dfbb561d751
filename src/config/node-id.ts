import { hostname } from 'node:os';

// Host names, container names, pod names and `host-port` all fit; nothing that would need
// quoting in a log line, a terminal or a URL.
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/**
 * A node's name in the node status table: 1 to 128 letters, digits, `.`, `_`, `:`, `@` or `-`,
 * starting with a letter or digit.
 */
export function isNodeId(text: string): boolean {
  return NODE_ID.test(text);
}

/**
 * The name of a node that was not given one: `<host>-<port>` for a fixed listen port (the same
 * name after a restart), `<host>-<process ID>` otherwise (port 0, or no port known).
 */
export function defaultNodeId(port?: number, hostName: string = hostname()): string {
  const host =
    hostName
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 100) || 'node';
  return `${host}-${port === undefined || port === 0 ? process.pid : port}`;
}
