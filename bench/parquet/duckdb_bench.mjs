// DuckDB's side of bench/run parquet, on one thread like Shoal's:
//   node duckdb_bench.mjs gen ROWS OUT_DIR      writes data.csv and duckdb.parquet
//   node duckdb_bench.mjs q1|q3|q10|proj FILE   times the query, prints seconds and a digest
// The data is db-benchmark's groupby table (G1_<rows>_1e2_0_0): id1, id2
// of 100 strings, id3 of rows/100 strings, id4, id5 of 100 ints, id6 of
// rows/100 ints, v1 in 1..5, v2 in 1..15, v3 in [0, 100).
import { DuckDBInstance } from '@duckdb/node-api';

const [cmd, a, b] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
const q = (s) => con.runAndReadAll(s);

if (cmd === 'gen') {
  const n = Number(a), k = 100, g = Math.max(1, Math.floor(n / k));
  await con.run('SELECT setseed(0.42)');
  await con.run(`CREATE TABLE x AS SELECT
      'id' || lpad((floor(random() * ${k}) + 1)::BIGINT::VARCHAR, 3, '0') AS id1,
      'id' || lpad((floor(random() * ${k}) + 1)::BIGINT::VARCHAR, 3, '0') AS id2,
      'id' || lpad((floor(random() * ${g}) + 1)::BIGINT::VARCHAR, 10, '0') AS id3,
      (floor(random() * ${k}) + 1)::BIGINT AS id4, (floor(random() * ${k}) + 1)::BIGINT AS id5,
      (floor(random() * ${g}) + 1)::BIGINT AS id6,
      (floor(random() * 5) + 1)::BIGINT AS v1, (floor(random() * 15) + 1)::BIGINT AS v2,
      round(random() * 100, 6) AS v3
    FROM range(${n})`);
  await con.run(`COPY x TO '${b}/data.csv' (HEADER)`);
  await con.run(`COPY x TO '${b}/duckdb.parquet' (FORMAT parquet, COMPRESSION snappy)`);
  process.exit(0);
}

const sql = {
  q1: `SELECT id1, sum(v1) FROM read_parquet('${a}') GROUP BY id1`,
  q3: `SELECT id3, sum(v1), avg(v3) FROM read_parquet('${a}') GROUP BY id3`,
  q10: `SELECT id1, id2, id3, id4, id5, id6, sum(v3), count(v1) FROM read_parquet('${a}') GROUP BY ALL`,
  proj: `SELECT sum(v3) FROM read_parquet('${a}')`,
}[cmd];
// The result is materialized in DuckDB, as Shoal's is: counting rows of
// the bare query would let the optimizer drop aggregates nobody reads.
const t0 = process.hrtime.bigint();
await con.run(`CREATE TEMP TABLE r AS ${sql}`);
const rows = (await q('SELECT count(*) AS n FROM r')).getRows();
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`result: ${rows[0][0]} rows\nseconds: ${s.toFixed(3)}`);
