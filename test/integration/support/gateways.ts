/**
 * Real nginx and Caddy, each started with the configuration docs/forward-auth.md documents, in a
 * temporary directory of its own (pid, logs, temp files, Caddy's data), on an unprivileged port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { documentedConfig, type Ports } from './documented-config.js';
import { type Started, startListening } from './processes.js';

export interface RunningGateway {
  readonly port: number;
  /** `127.0.0.1:PORT`: what openapi-core takes as its endpoint. */
  readonly endpoint: string;
  output(): string;
  stop(): Promise<void>;
}

function running(port: number, started: Started, dir: string): RunningGateway {
  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    output: started.output,
    stop: async () => {
      await started.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startNginx(ports: Ports): Promise<RunningGateway> {
  const nginx = requireBinary('nginx');
  const dir = mkdtempSync(join(tmpdir(), 'keyfence-nginx-'));
  const conf = [
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log info;`,
    'worker_processes 1;',
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${dir}/access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (temp) => `  ${temp}_temp_path ${dir}/${temp};`,
    ),
    documentedConfig('nginx', ports),
    '}',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const started = await startListening(
    'nginx',
    nginx,
    ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', `${dir}/error.log`, '-g', 'daemon off;'],
    ports.gateway,
  );
  return running(ports.gateway, started, dir);
}

export async function startCaddy(ports: Ports): Promise<RunningGateway> {
  const caddy = requireBinary('caddy');
  const dir = mkdtempSync(join(tmpdir(), 'keyfence-caddy-'));
  writeFileSync(join(dir, 'Caddyfile'), documentedConfig('caddy', ports));
  const started = await startListening(
    'caddy',
    caddy,
    ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    ports.gateway,
    {
      cwd: dir,
      env: {
        ...process.env,
        HOME: dir,
        XDG_DATA_HOME: join(dir, 'data'),
        XDG_CONFIG_HOME: join(dir, 'config'),
      },
    },
  );
  return running(ports.gateway, started, dir);
}
