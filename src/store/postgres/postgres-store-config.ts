export interface PostgresStoreConfig {
  readonly dialect: 'postgres';
  /** e.g. `postgres://user:password@host:5432/keyfence` */
  readonly connectionString: string;
  /** Connections per process; default 10. */
  readonly poolSize?: number;
}
