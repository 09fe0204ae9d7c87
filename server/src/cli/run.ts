// Placeholder until its issue lands.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('flero run: not implemented yet\n');
  return 2;
}
