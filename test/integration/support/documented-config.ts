/**
 * The gateway configurations of docs/forward-auth.md, as the integration tests run them: the
 * fenced block after `<!-- config: NAME -->`, with the documented addresses (gateway 8000,
 * KeyFence 8080, service 9000, all on 127.0.0.1) replaced by the ports of this run. What the
 * documentation shows is what is tested.
 */
import { readFileSync } from 'node:fs';

export interface Ports {
  readonly gateway: number;
  readonly keyfence: number;
  readonly service: number;
}

export function documentedConfig(name: 'nginx' | 'caddy' | 'envoy', ports: Ports): string {
  const text = readFileSync(new URL('../../../docs/forward-auth.md', import.meta.url), 'utf8');
  const marker = text.indexOf(`<!-- config: ${name} -->`);
  if (marker < 0) throw new Error(`docs/forward-auth.md has no <!-- config: ${name} --> block`);
  const open = text.indexOf('```', marker);
  const start = text.indexOf('\n', open) + 1;
  const end = text.indexOf('\n```', start);
  return text
    .slice(start, end + 1)
    .replaceAll('127.0.0.1:8000', `127.0.0.1:${ports.gateway}`)
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.keyfence}`)
    .replaceAll('127.0.0.1:9000', `127.0.0.1:${ports.service}`)
    .replaceAll('port_value: 8000', `port_value: ${ports.gateway}`)
    .replaceAll('port_value: 8080', `port_value: ${ports.keyfence}`)
    .replaceAll('port_value: 9000', `port_value: ${ports.service}`);
}
