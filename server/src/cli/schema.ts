import { workflowJsonSchema } from '../core/workflow';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'Usage: flero schema\n\nPrints the JSON Schema of *.flero.json workflow files (generated from the schema the server validates with).\n',
    );
    return 0;
  }
  if (argv.length) {
    process.stderr.write(`flero schema: unexpected argument "${argv[0]}"\n`);
    return 2;
  }
  process.stdout.write(`${JSON.stringify(workflowJsonSchema(), null, 2)}\n`);
  return 0;
}
