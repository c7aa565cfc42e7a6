import { describe, expect, it } from 'vitest';
import { connectorCatalog } from '../../src/pipeline/catalog.js';
import { formatDiagnostic } from '../../src/pipeline/diagnostic.js';
import { SourceFile } from '../../src/pipeline/source-file.js';
import { validatePipeline } from '../../src/pipeline/validate.js';

const cdc = (tables: string) => `
sources:
  - name: changes
    connector: postgres-cdc
    config:
      connection.url: postgres://127.0.0.1/test
      topic.prefix: cdc
      table.include.list: ${tables}
streams:
  - name: s
    from: cdc.public.orders
    to: out
`;

describe('pipeline › catalog › topics a source writes', () => {
  it('knows the topic of each table a CDC source lists by name', () => {
    const catalog = connectorCatalog();
    expect(
      catalog.topicsWritten?.(
        'postgres-cdc',
        { 'topic.prefix': 'cdc', 'table.include.list': 'public.orders,app.users' },
        undefined,
      ),
    ).toEqual(['cdc.public.orders', 'cdc.app.users']);
    const { diagnostics } = validatePipeline(SourceFile.parse('p.yaml', cdc('public.orders')), catalog);
    expect(diagnostics).toEqual([]);
  });

  it('does not guess from a pattern: the stream reading it is reported', () => {
    const { diagnostics } = validatePipeline(
      SourceFile.parse('p.yaml', cdc('public.ord.*')),
      connectorCatalog(),
    );
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'p.yaml:11:11: streams.0.from: nothing in this pipeline writes topic "cdc.public.orders" (declare it under topics: if it is fed from outside)',
    ]);
  });
});
