import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { root } from '../bench/dist.js';

/**
 * The source of a connector module as a user writes one: a source emitting `count` numbered records and then
 * reporting the end of its input. It imports the compiled sluice the CLI runs, as a package would import `sluice`.
 */
export function numbersConnectorModule(exportName: string, connectorName: string): string {
  const sluice = pathToFileURL(`${root}/dist/src/index.js`).href;
  // The module lives in a temporary folder with no node_modules: zod is named by where this checkout has it.
  const zod = pathToFileURL(createRequire(`${root}/package.json`).resolve('zod')).href;
  return `import { z } from '${zod}';
import { defineSourceConnector, EndOfInputError, field } from '${sluice}';

export const ${exportName} = defineSourceConnector({
  name: '${connectorName}',
  kind: 'source',
  version: '1.0.0',
  description: 'numbers for a test',
  config: z.strictObject({
    topic: field.string('where the numbers go'),
    count: field.int(3, 'how many', 1),
  }),
  taskConfigs: (config) => [config],
  createTask() {
    let next = 0;
    let config;
    return {
      async start(c, context) {
        config = c;
        const committed = await context.offsetReader.offset({ numbers: 'all' });
        next = committed ? Number(committed.next) : 0;
      },
      async poll() {
        if (next >= config.count) throw new EndOfInputError('every number was written');
        const n = next++;
        return [{ topic: config.topic, key: String(n), value: { n }, sourcePartition: { numbers: 'all' }, sourceOffset: { next } }];
      },
      async stop() {},
    };
  },
});
`;
}
