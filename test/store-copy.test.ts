import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { copyText, PointCopyBuffer, pointLine } from '../src/store/copy-rows.js';
import { testEngines, useTestStore } from './helpers/engines.js';

describe.each(testEngines())('COPY FROM STDIN on $name', (engine) => {
  const db = useTestStore(engine);

  it('copies rows in, inside a transaction, and a bad row fails the statement without ending the session', async () => {
    const client = await db.store.pool.connect();
    try {
      await client.query('CREATE TABLE copy_probe (series_id integer, t integer, value integer, second integer)');
      await client.query('BEGIN');
      const lines = Array.from({ length: 5000 }, (_, i) => pointLine(1, 8_000_000 + i, i % 7, i % 2 ? null : -1)).join('');
      await copyText(client, 'copy_probe', 'series_id, t, value, second', lines);
      await client.query('COMMIT');
      const { rows } = await client.query('SELECT count(*)::int AS n, count(second)::int AS s, sum(value)::int AS v FROM copy_probe');
      expect(rows[0]).toEqual({ n: 5000, s: 2500, v: Array.from({ length: 5000 }, (_, i) => i % 7).reduce((a, b) => a + b) });

      await expect(copyText(client, 'copy_probe', 'series_id, t, value, second', '1\t2\tx\t\\N\n')).rejects.toThrow(/invalid input syntax for type integer/);
      expect((await client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      client.release();
    }
  });

  it('gives an error for a COPY the client abandons (CopyFail), and the session goes on', async () => {
    const client = await db.store.pool.connect();
    try {
      await client.query('CREATE TABLE copy_abandoned (a integer, b integer, c integer, d integer)');
      const failing = new Readable({
        read() {
          this.push('1\t2\t3\t4\n');
          this.destroy(new Error('source broke'));
        },
      });
      await expect(pipeline(failing, client.query(copyFrom('COPY copy_abandoned FROM STDIN')))).rejects.toThrow();
      expect((await client.query('SELECT count(*)::int AS n FROM copy_abandoned')).rows).toEqual([{ n: 0 }]);
    } finally {
      client.release();
    }
  });
});

describe('PointCopyBuffer', () => {
  it('writes the same COPY text as pointLine, for every digit count and both int32 ends', () => {
    const values = [0, 7, -7, 10, 99, 100, 12345, -98765, 999_999_999, 1_000_000_000, 2_147_483_647, -2_147_483_648];
    const buffer = new PointCopyBuffer();
    let expected = '';
    // enough rows to make the buffer grow past its first 64 kB
    for (let i = 0; i < 5000; i++) {
      const v = values[i % values.length]!;
      const second = i % 3 === 0 ? null : values[(i + 5) % values.length]!;
      buffer.add(i, 8_000_000 + i, v, second);
      expected += pointLine(i, 8_000_000 + i, v, second);
    }
    expect(buffer.rows).toBe(5000);
    expect(buffer.bytes().toString('utf8')).toBe(expected);
    buffer.clear();
    buffer.add(1, 2, 3, null);
    expect(buffer.bytes().toString('utf8')).toBe('1\t2\t3\t\\N\n');
  });
});
