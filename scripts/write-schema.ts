// Regenerates schema/pipeline.schema.json from the pipeline's zod schema (npm run schema).
import { writeFileSync } from 'node:fs';
import { pipelineJsonSchema } from '../src/pipeline/json-schema.js';

writeFileSync(
  new URL('../schema/pipeline.schema.json', import.meta.url),
  `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`,
);
