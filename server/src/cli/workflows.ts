// `flero workflows list|push|pull|delete`: a server's workflows. `push` takes files and folders of *.flero.json,
// checks each one locally first, and creates, updates or leaves it (unchanged documents are not written, so a push
// is idempotent and says what changed).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { FleroClient } from '../apiClient/client';
import { FleroApiError } from '../apiClient/transport';
import { graphProblems, type Workflow, WorkflowSchema } from '../core/workflow';
import { type Command, CommandError, defineCommand } from './command';
import { expandFolders } from './files';
import { UsageError } from './parser';
import { connect, note, out, printJson, printTable, REMOTE_ENV, REMOTE_OPTIONS, when } from './remote';

const ID = { min: 1, max: 1, name: '<workflow-id>' };

const listCmd = defineCommand(
  {
    name: 'workflows list',
    summary: 'List the workflows the key may see.',
    options: REMOTE_OPTIONS,
    sections: [REMOTE_ENV],
  },
  async ({ values }) => {
    const list = await connect(values).call('listWorkflows');
    if (values.json) {
      printJson(list);
      return 0;
    }
    printTable(
      ['ID', 'NAME', 'NODES', 'UPDATED'],
      list.map((w) => [w.id, w.name, String(w.nodeCount), when(w.updatedAt)]),
      'No workflows (that this key may see). Upload some: flero workflows push ./workflows',
    );
    return 0;
  },
);

/** The *.flero.json files named (folders searched); a path that does not exist is a usage error. */
function workflowFiles(paths: string[]): string[] {
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  return expandFolders(paths);
}

/** Reads and checks one workflow file; the error names the file and the field. */
function readWorkflow(file: string): Workflow {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CommandError(
      `${file}: ${e instanceof SyntaxError ? `not valid JSON (${e.message})` : (e as Error).message}`,
    );
  }
  const parsed = WorkflowSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new CommandError(`${file}: ${i.path.join('.') || '(document)'}: ${i.message}`);
  }
  const problems = graphProblems(parsed.data);
  if (problems.length) throw new CommandError(`${file}: ${problems[0]!.message}`);
  return parsed.data;
}

/** JSON with sorted keys, for "is the server's copy the same document?". */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

type Change = 'created' | 'updated' | 'unchanged';

async function pushOne(api: FleroClient, doc: Workflow, dryRun: boolean): Promise<Change> {
  const current = await api.request('getWorkflow', { params: { id: doc.id }, accept: [404] });
  if (current.status !== 404 && canonical(current.body) === canonical(doc)) return 'unchanged';
  if (!dryRun) await api.call('putWorkflow', { params: { id: doc.id }, body: doc });
  return current.status === 404 ? 'created' : 'updated';
}

const push = defineCommand(
  {
    name: 'workflows push',
    usage: '<files or folders…> [options]',
    summary:
      'Create or update workflows from *.flero.json files (folders are searched); unchanged ones are left alone. Prints what changed.',
    options: {
      'dry-run': { type: 'boolean', description: 'Only say what would change' },
      ...REMOTE_OPTIONS,
    },
    positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: 'the files or folders to push' },
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals }) => {
    const files = workflowFiles(positionals);
    if (!files.length) throw new CommandError(`no *.flero.json files in ${positionals.join(', ')}`);
    const api = connect(values);
    const results: { file: string; id?: string; change?: Change; error?: string }[] = [];
    const seen = new Map<string, string>();
    for (const file of files) {
      const rel = relative(process.cwd(), file) || file;
      try {
        const doc = readWorkflow(rel);
        const first = seen.get(doc.id);
        if (first) throw new CommandError(`${rel}: workflow id "${doc.id}" is also in ${first}`);
        seen.set(doc.id, rel);
        results.push({ file: rel, id: doc.id, change: await pushOne(api, doc, values['dry-run'] === true) });
      } catch (e) {
        if (e instanceof FleroApiError && e.kind !== 'http') throw e; // the server is gone: stop
        const msg = e instanceof FleroApiError ? `${rel}: ${e.message}` : (e as Error).message;
        results.push({ file: rel, error: msg });
      }
    }
    if (values.json) printJson(results);
    else {
      const verb = values['dry-run'] ? 'would be ' : '';
      for (const r of results)
        if (r.error) process.stderr.write(`✗ ${r.error}\n`);
        else
          out(
            `${r.change === 'unchanged' ? '=' : r.change === 'created' ? '+' : '~'} ${r.id}  ${verb}${r.change}  (${r.file})\n`,
          );
      const count = (c: Change) => results.filter((r) => r.change === c).length;
      const failed = results.filter((r) => r.error).length;
      note(
        `${count('created')} ${verb}created, ${count('updated')} ${verb}updated, ${count('unchanged')} unchanged${failed ? `, ${failed} failed` : ''}`,
      );
    }
    return results.some((r) => r.error) ? 1 : 0;
  },
);

const pull = defineCommand(
  {
    name: 'workflows pull',
    usage: '<workflow-id> [options]',
    summary: 'Print a workflow document (or write it to a file).',
    options: {
      output: { type: 'string', short: 'o', value: 'FILE', description: 'Write it to FILE (e.g. deploy.flero.json)' },
      server: REMOTE_OPTIONS.server,
    },
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const doc = await connect(values).call('getWorkflow', { params: { id: id! } });
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (values.output === undefined) out(text);
    else {
      writeFileSync(values.output, text);
      note(`Wrote ${id} to ${values.output}`);
    }
    return 0;
  },
);

const remove = defineCommand(
  {
    name: 'workflows delete',
    usage: '<workflow-id> [options]',
    summary: 'Delete a workflow (its executions are kept).',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    await connect(values).call('deleteWorkflow', { params: { id: id! } });
    note(`Deleted ${id}.`);
    return 0;
  },
);

export const SUBCOMMANDS: Record<string, Command> = { list: listCmd, push, pull, delete: remove };
