import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { conformance } from './conformance.js';

// The file source: lines appended to a file come out of its topic.
conformance('FileStreamSource', {
  kind: 'source',
  config: (h, id) => ({
    'connector.class': 'FileStreamSource',
    file: path.join(h.dir, `${id}.txt`),
    topic: `out-${id}`,
    'poll.interval.ms': 20,
  }),
  input: async (h, id, values) => {
    await appendFile(path.join(h.dir, `${id}.txt`), values.map((v) => `${v}\n`).join(''));
  },
  output: async (h, id) => {
    if (!h.client) return [];
    return (await h.readTopic(`out-${id}`)).map((r) => r.value ?? '');
  },
});

// The file sink: records produced to its topic come out as lines of its file.
conformance('FileStreamSink', {
  kind: 'sink',
  config: (h, id) => ({
    'connector.class': 'FileStreamSink',
    topics: `in-${id}`,
    file: path.join(h.dir, `${id}.out`),
  }),
  input: (h, id, values) => h.produce(`in-${id}`, values),
  output: async (h, id) => {
    const text = await readFile(path.join(h.dir, `${id}.out`), 'utf8').catch(() => '');
    return text === '' ? [] : text.replace(/\n$/, '').split('\n');
  },
});
