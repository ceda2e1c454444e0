// One db-benchmark question on DuckDB (@duckdb/node-api, 2 threads, in
// memory): the columns it needs are loaded from the CSV into a table
// (`read_s`), then the question's SQL makes the answer table (`query_s`),
// as db-benchmark's duckdb solution does. Prints read_s, query_s and
// `digest: n=ROWS col=SUM ...` (sums of the value columns, nulls and NaN
// skipped). Usage: node duckdb.mjs q1..q10 G.csv | j1..j5 X.csv Y.csv
import { DuckDBInstance } from '@duckdb/node-api';
import { cols, outs } from './questions.mjs';

const [q, file, file2] = process.argv.slice(2);
const keys = 'id1, id2, id3, id4, id5, id6';
const sql = {
  q1: 'SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1',
  q2: 'SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2',
  q3: 'SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3',
  q4: 'SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4',
  q5: 'SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6',
  q6: 'SELECT id4, id5, median(v3) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5',
  q7: 'SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3',
  q8: `SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER
         (PARTITION BY id6 ORDER BY v3 DESC) AS r FROM x WHERE v3 IS NOT NULL) WHERE r <= 2`,
  q9: 'SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4',
  q10: `SELECT ${keys}, sum(v3) AS v3, count(*) AS count FROM x GROUP BY ${keys}`,
  // The joins name the right table's other columns apart, as db-benchmark does.
  j1: 'SELECT x.*, y.id4 AS y_id4, v2 FROM x JOIN y USING (id1)',
  j2: 'SELECT x.*, y.id1 AS y_id1, y.id4 AS y_id4, y.id5 AS y_id5, v2 FROM x JOIN y USING (id2)',
  j3: 'SELECT x.*, y.id1 AS y_id1, y.id4 AS y_id4, y.id5 AS y_id5, v2 FROM x LEFT JOIN y USING (id2)',
  j4: 'SELECT x.*, y.id1 AS y_id1, y.id2 AS y_id2, y.id4 AS y_id4, v2 FROM x JOIN y USING (id5)',
  j5: `SELECT x.*, y.id1 AS y_id1, y.id2 AS y_id2, y.id4 AS y_id4, y.id5 AS y_id5,
         y.id6 AS y_id6, v2 FROM x JOIN y USING (id3)`,
}[q];

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
let t0 = performance.now();
const select = q.startsWith('j') ? '*' : cols[q].join(', ');
await con.run(`CREATE TABLE x AS SELECT ${select} FROM read_csv('${file}')`);
if (file2) await con.run(`CREATE TABLE y AS SELECT * FROM read_csv('${file2}')`);
const readS = (performance.now() - t0) / 1000;
t0 = performance.now();
await con.run(`CREATE TABLE ans AS ${sql}`);
const queryS = (performance.now() - t0) / 1000;

const sums = outs[q].map((c) => `sum(${c}::DOUBLE) FILTER (WHERE NOT isnan(${c}::DOUBLE))`);
const row = (await con.runAndReadAll(`SELECT count(*), ${sums.join(', ')} FROM ans`)).getRows()[0];
const digest = [`n=${row[0]}`, ...outs[q].map((c, i) => `${c}=${Number(row[i + 1] ?? 0).toPrecision(17)}`)];
console.log(`read_s: ${readS.toFixed(3)}\nquery_s: ${queryS.toFixed(3)}\ndigest: ${digest.join(' ')}`);
