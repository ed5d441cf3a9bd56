// A kysely instance over one checked-out pg client, so that the store's kysely helpers and
// statements only the raw client speaks (COPY FROM STDIN) share one transaction.
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Database } from './db-types.js';

export function kyselyOnClient(client: pg.PoolClient): Kysely<Database> {
  // The client stays checked out by the caller; kysely "releases" it into nothing.
  const borrowed = { query: client.query.bind(client), release: () => {} };
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: { connect: async () => borrowed, end: async () => {} } as never }),
  });
}
