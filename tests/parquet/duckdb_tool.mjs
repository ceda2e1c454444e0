// The DuckDB side of the Parquet interop tests (test_duckdb_interop.cpp):
//   node duckdb_tool.mjs JOB.json OUT.json
// JOB: {"setup": [sql...], "writes": [{"select": sql, "path": p, "options": "COMPRESSION zstd, ..."}],
//       "dumps": [path...]}
// Runs the setup, writes every file with COPY ... TO (FORMAT parquet, ...),
// then reads every dumped file back with DuckDB and writes to OUT, per file:
// its columns, DuckDB's types, the rows as text (numbers as DuckDB prints
// them, times as epoch nanoseconds, decimals as DOUBLE) and each column's
// encodings from parquet_metadata.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync } from 'node:fs';

const [jobPath, outPath] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobPath, 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const quote = (p) => `'${p.replaceAll("'", "''")}'`;
const ident = (n) => `"${n.replaceAll('"', '""')}"`;

// What a column becomes in the dump, by DuckDB's type.
function asText(name, type) {
  const c = ident(name);
  if (type === 'DATE') return `epoch_ns(${c}::TIMESTAMP)::VARCHAR`;
  if (type.startsWith('TIMESTAMP')) return `epoch_ns(${c})::VARCHAR`;
  if (type.startsWith('DECIMAL') || type === 'FLOAT') return `${c}::DOUBLE::VARCHAR`;
  return `${c}::VARCHAR`;
}

async function dump(path) {
  const described = await rows(`DESCRIBE SELECT * FROM read_parquet(${quote(path)})`);
  const columns = described.map((d) => d.column_name);
  const types = described.map((d) => d.column_type);
  const select = columns.map((n, i) => `${asText(n, types[i])} AS ${ident(n)}`).join(', ');
  const reader = await con.runAndReadAll(`SELECT ${select} FROM read_parquet(${quote(path)})`);
  const encodings = {};
  for (const r of await rows(`SELECT path_in_schema p, encodings e FROM parquet_metadata(${quote(path)})`))
    encodings[r.p] = [...new Set([...(encodings[r.p] ?? []), ...r.e.split(', ')])];
  return { columns, types, rows: reader.getRows(), encodings };
}

for (const sql of job.setup ?? []) await con.run(sql);
for (const w of job.writes ?? [])
  await con.run(`COPY (${w.select}) TO ${quote(w.path)} (FORMAT parquet${w.options ? ', ' + w.options : ''})`);
const out = {};
for (const p of job.dumps ?? []) out[p] = await dump(p);
writeFileSync(outPath, JSON.stringify(out));
