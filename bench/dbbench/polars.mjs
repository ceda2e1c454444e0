// One db-benchmark question on Polars (nodejs-polars; POLARS_MAX_THREADS
// set by `run`): the columns it needs are read from the CSV into a
// DataFrame (`read_s`), then the question runs as a lazy query collected
// with collectSync() (`query_s`), as db-benchmark's polars solution does.
// Prints read_s, query_s and `digest: n=ROWS col=SUM ...` (sums of the
// value columns, nulls and NaN skipped).
// Usage: node polars.mjs q1..q10 G.csv | j1..j5 X.csv Y.csv
import pl from 'nodejs-polars';
import { cols, outs } from './questions.mjs';

const [q, file, file2] = process.argv.slice(2);
const c = pl.col;
const ids = ['id1', 'id2', 'id3', 'id4', 'id5', 'id6'];
const by = (keys, ...aggs) => (x) => x.groupBy(keys).agg(...aggs);
const join = (on, how) => (x, y) => x.join(y, { on, how });
const query = {
  q1: by('id1', c('v1').sum()),
  q2: by(['id1', 'id2'], c('v1').sum()),
  q3: by('id3', c('v1').sum(), c('v3').mean()),
  q4: by('id4', c('v1').mean(), c('v2').mean(), c('v3').mean()),
  q5: by('id6', c('v1').sum(), c('v2').sum(), c('v3').sum()),
  q6: by(['id4', 'id5'], c('v3').median().alias('median_v3'), c('v3').std().alias('sd_v3')),
  q7: by('id3', c('v1').max().sub(c('v2').min()).alias('range_v1_v2')),
  // No top_k on the Node binding's Expr: sort, then the first two of each group.
  q8: (x) => x.dropNulls('v3').sort('v3', true).groupBy('id6').head(2)
    .select('id6', c('v3').alias('largest2_v3')),
  q9: by(['id2', 'id4'], pl.pearsonCorr('v1', 'v2').pow(2).alias('r2')),
  q10: by(ids, c('v3').sum(), pl.len().alias('count')),
  j1: join('id1', 'inner'),
  j2: join('id2', 'inner'),
  j3: join('id2', 'left'),
  j4: join('id5', 'inner'),
  j5: join('id3', 'inner'),
}[q];

let t0 = performance.now();
const x = q.startsWith('j') ? pl.readCSV(file) : pl.readCSV(file, { columns: cols[q] });
const y = file2 ? pl.readCSV(file2) : null;
const readS = (performance.now() - t0) / 1000;
t0 = performance.now();
const ans = query(x.lazy(), y?.lazy()).collectSync();
const queryS = (performance.now() - t0) / 1000;

const sums = ans.select(...outs[q].map((o) => c(o).cast(pl.Float64).fillNan(null).sum())).row(0);
const digest = [`n=${ans.height}`, ...outs[q].map((o, i) => `${o}=${Number(sums[i] ?? 0).toPrecision(17)}`)];
console.log(`read_s: ${readS.toFixed(3)}\nquery_s: ${queryS.toFixed(3)}\ndigest: ${digest.join(' ')}`);
