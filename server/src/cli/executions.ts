// `flero executions list|show|cancel|delete`: a server's executions (run records, masked by the server).
import { EXECUTION_STATUSES } from '../core/apiSchemas';
import type { ExecutionView } from '../core/operations';
import { WORKFLOW_ID_PATTERN } from '../core/workflow';
import { type Command, defineCommand } from './command';
import { didYouMean, UsageError } from './parser';
import { connect, note, out, printJson, printTable, REMOTE_ENV, REMOTE_OPTIONS, when } from './remote';

const ID = { min: 1, max: 1, name: '<execution-id>' };
const ms = (d: number | undefined) =>
  d === undefined ? '-' : d < 1000 ? `${Math.round(d)} ms` : `${(d / 1000).toFixed(1)} s`;

const MARK: Record<string, string> = { succeeded: '✓', failed: '✗', cancelled: '■', skipped: '-', running: '…' };

/** An execution for people: the run, then one line per node with its (masked) error and logs. */
export function executionText(ex: ExecutionView): string {
  const lines = [
    `${MARK[ex.status] ?? '?'} ${ex.id}  ${ex.workflowId}  ${ex.status}  started ${when(ex.startedAt)}  ${ms(ex.durationMs)}`,
  ];
  if (ex.error) lines.push(`  error: ${ex.error}`);
  for (const n of ex.nodes) {
    lines.push(
      `  ${MARK[n.status] ?? '?'} ${n.id} (${n.type}) ${n.status} ${ms(n.durationMs)}${n.error ? `: ${n.error}` : ''}`,
    );
    for (const l of n.logs) lines.push(`      [${l.level}] ${l.message}`);
  }
  return `${lines.join('\n')}\n`;
}

const listCmd = defineCommand(
  {
    name: 'executions list',
    summary: 'List executions, newest first (of the workflows the key may see).',
    options: {
      workflow: { type: 'string', value: 'ID', description: 'Only executions of this workflow' },
      status: { type: 'string', value: 'STATUS', description: `Only in this state: ${EXECUTION_STATUSES.join(', ')}` },
      limit: { type: 'string', value: 'N', description: 'At most N (default 20; pages are followed)' },
      ...REMOTE_OPTIONS,
    },
    sections: [REMOTE_ENV],
  },
  async ({ values }) => {
    if (values.status !== undefined && !(EXECUTION_STATUSES as readonly string[]).includes(values.status))
      throw new UsageError(
        `--status: unknown state "${values.status}"${didYouMean(values.status, EXECUTION_STATUSES)}`,
      );
    if (values.workflow !== undefined && !WORKFLOW_ID_PATTERN.test(values.workflow))
      throw new UsageError('--workflow: not a workflow id (letters, digits, _ . -, at most 64)');
    if (
      values.limit !== undefined &&
      (!/^\d+$/.test(values.limit) || Number(values.limit) < 1 || Number(values.limit) > 10_000)
    )
      throw new UsageError('--limit must be a whole number from 1 to 10000');
    const limit = Number(values.limit ?? 20);
    const api = connect(values);
    const found: ExecutionView[] = [];
    const query = {
      limit: Math.min(limit, 500),
      ...(values.workflow ? { workflowId: values.workflow } : {}),
      ...(values.status ? { status: values.status as (typeof EXECUTION_STATUSES)[number] } : {}),
    };
    for await (const page of api.pages('listExecutions', { query })) {
      found.push(...page);
      if (found.length >= limit) break;
    }
    const list = found.slice(0, limit);
    if (values.json) {
      printJson(list);
      return 0;
    }
    printTable(
      ['ID', 'WORKFLOW', 'STATUS', 'STARTED', 'DURATION', 'ERROR'],
      list.map((e) => [e.id, e.workflowId, e.status, when(e.startedAt), ms(e.durationMs), e.error ?? '']),
      'No executions match.',
    );
    return 0;
  },
);

const show = defineCommand(
  {
    name: 'executions show',
    usage: '<execution-id> [options]',
    summary: 'Show an execution: status, each node’s status, time, error and (masked) logs; --json for the record.',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const ex = await connect(values).call('getExecution', { params: { id: id! } });
    if (values.json) printJson(ex);
    else out(executionText(ex));
    return 0;
  },
);

const cancel = defineCommand(
  {
    name: 'executions cancel',
    usage: '<execution-id> [options]',
    summary: 'Cancel a running execution.',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const ex = await connect(values).call('cancelExecution', { params: { id: id! } });
    if (values.json) printJson(ex);
    else note(`${ex.id}: ${ex.status}`);
    return 0;
  },
);

const remove = defineCommand(
  {
    name: 'executions delete',
    usage: '<execution-id> [options]',
    summary: 'Delete a finished execution.',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    await connect(values).call('deleteExecution', { params: { id: id! } });
    note(`Deleted ${id}.`);
    return 0;
  },
);

export const SUBCOMMANDS: Record<string, Command> = { list: listCmd, show, cancel, delete: remove };
