// `flero schema`: the JSON Schema of workflow files, generated from the schema the server validates with.
import { workflowJsonSchema } from '../core/workflow';
import { defineCommand } from './command';

export const command = defineCommand(
  {
    name: 'schema',
    summary:
      'Print the JSON Schema of *.flero.json workflow files (generated from the schema the server validates with).',
    options: {},
  },
  () => {
    process.stdout.write(`${JSON.stringify(workflowJsonSchema(), null, 2)}\n`);
    return 0;
  },
);

export const run = (argv: string[]) => command.run(argv);
