import { z } from 'zod';
import { pipelineSchema, stepSchema, streamSchema } from './schema.js';

/**
 * The JSON Schema of a pipeline file, generated from the zod schema the validator uses (with the steps spelled
 * out, which validation checks one by one for better messages). Shipped as `schema/pipeline.schema.json` so that
 * editors with the YAML language server complete and check pipelines.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  const forEditors = pipelineSchema.extend({
    streams: z.array(streamSchema.extend({ steps: z.array(stepSchema).default([]) })).default([]),
  });
  const schema = z.toJSONSchema(forEditors, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: 'sluice pipeline',
    description: 'A sluice pipeline: log, sources, streams, sinks and tests',
  };
}
