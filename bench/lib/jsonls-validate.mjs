// The cold-lint bench's baseline (bench/lint.bench.ts): what VS Code's JSON language service costs as a whole fresh
// process. `node jsonls-validate.mjs <schema.json> <file>…` loads vscode-json-languageservice, reads the schema (the
// output of `flero schema`) and each file, and runs doValidation on each; prints the number of problems and exits 0
// (1 if any). Plain JavaScript, so nothing is transformed on the fly: it runs as npm installed it.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import jsonls from 'vscode-json-languageservice';

const { getLanguageService, TextDocument } = jsonls;

const [schemaFile, ...files] = process.argv.slice(2);
if (!schemaFile || !files.length) {
  process.stderr.write('usage: jsonls-validate.mjs <schema.json> <file>…\n');
  process.exit(2);
}
const ls = getLanguageService({});
ls.configure({
  validate: true,
  allowComments: true,
  schemas: [
    {
      uri: 'https://flero.ai/schemas/workflow.json',
      fileMatch: ['*.flero.json'],
      schema: JSON.parse(readFileSync(schemaFile, 'utf8')),
    },
  ],
});
let problems = 0;
for (const file of files) {
  const td = TextDocument.create(pathToFileURL(file).href, 'json', 1, readFileSync(file, 'utf8'));
  const diagnostics = await ls.doValidation(td, ls.parseJSONDocument(td), { schemaValidation: 'error' });
  problems += diagnostics.length;
}
process.stdout.write(`${problems}\n`);
process.exitCode = problems ? 1 : 0;
