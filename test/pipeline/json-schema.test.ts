import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pipelineJsonSchema } from '../../src/pipeline/json-schema.js';

describe('pipeline › json schema', () => {
  it('the shipped schema is the one generated from the validator (run `npm run schema` after a change)', () => {
    const shipped = JSON.parse(
      readFileSync(new URL('../../schema/pipeline.schema.json', import.meta.url), 'utf8'),
    );
    expect(shipped).toEqual(pipelineJsonSchema());
  });

  it('describes steps and rejects unknown top-level keys for editors', () => {
    const schema = pipelineJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(JSON.stringify(schema.properties.streams)).toContain('"aggregate"');
  });
});
