import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { conformance } from './conformance.js';

let files = 0;

// The CSV source: each input is a new CSV file (one column, v) dropped into the folder; ExtractField turns each
// row back into the bare value the suite compares.
conformance('csv source', {
  kind: 'source',
  config: (h, id) => ({
    'connector.class': 'csv',
    topic: `out-${id}`,
    'input.path': path.join(h.dir, `${id}-in`),
    'empty.poll.wait.ms': 20,
  }),
  transforms: {
    chain: ['v', '*'],
    config: {
      'transforms.v.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
      'transforms.v.field': 'v',
    },
  },
  input: async (h, id, values) => {
    const dir = path.join(h.dir, `${id}-in`);
    await mkdir(dir, { recursive: true });
    // Written under a dot-name (not matched) and renamed in, so the source never sees half a file.
    const name = `${String(files++).padStart(6, '0')}.csv`;
    await writeFile(path.join(dir, `.${name}`), `v\n${values.join('\n')}\n`);
    await rename(path.join(dir, `.${name}`), path.join(dir, name));
  },
  output: async (h, id) => {
    if (!h.client) return [];
    return (await h.readTopic(`out-${id}`)).map((r) => r.value ?? '');
  },
});

// The CSV sink: HoistField wraps each text value in a one-field row; the suite reads the completed files back in
// offset order (their names carry their first offset).
conformance('csv sink', {
  kind: 'sink',
  config: (h, id) => ({
    'connector.class': 'csv-sink',
    topics: `in-${id}`,
    'output.path': path.join(h.dir, `${id}-out`),
  }),
  transforms: {
    chain: ['*', 'row'],
    config: {
      'transforms.row.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.row.field': 'v',
    },
  },
  input: (h, id, values) => h.produce(`in-${id}`, values),
  output: async (h, id) => {
    const dir = path.join(h.dir, `${id}-out`);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.csv')).sort();
    const out: string[] = [];
    for (const name of names) {
      const rows = parse(await readFile(path.join(dir, name), 'utf8'), { columns: true }) as { v: string }[];
      out.push(...rows.map((r) => r.v));
    }
    return out;
  },
});
