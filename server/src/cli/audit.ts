// `flero audit [--event E] [--since T] [--limit N]`: the server's audit log, newest first (`GET /api/audit`).
import { AUDIT_EVENTS } from '../core/apiSchemas';
import { DURATION_FORMAT, parseDuration } from '../core/duration';
import { defineCommand } from './command';
import { didYouMean, UsageError } from './parser';
import { connect, printJson, printTable, REMOTE_ENV, REMOTE_OPTIONS, when } from './remote';

/** `--since`: a date-time, or a duration meaning "that long ago" (24h). */
export function sinceOf(text: string): string {
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(Date.now() - ago).toISOString();
  if (/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/.test(text) && !Number.isNaN(Date.parse(text)))
    return new Date(text.length === 10 ? `${text}T00:00:00Z` : text).toISOString();
  throw new UsageError(
    `--since takes a date-time (2027-01-31T00:00:00Z), a date (2027-01-31) or a duration ago (${DURATION_FORMAT})`,
  );
}

function detailText(d: Record<string, unknown> | null): string {
  if (!d) return '';
  return Object.entries(d)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export const command = defineCommand(
  {
    name: 'audit',
    summary: 'Read the audit log, newest first (needs audit:read).',
    options: {
      event: { type: 'string', value: 'EVENT', description: `Only this event: ${AUDIT_EVENTS.join(', ')}` },
      since: {
        type: 'string',
        value: 'TIME',
        description: 'Only entries since a date-time, a date, or a duration ago (24h, 7d)',
      },
      limit: { type: 'string', value: 'N', description: 'At most N entries (1–1000, default 100)' },
      ...REMOTE_OPTIONS,
    },
    sections: [REMOTE_ENV],
  },
  async ({ values }) => {
    const query: { event?: (typeof AUDIT_EVENTS)[number]; since?: string; limit?: number } = {};
    if (values.event !== undefined) {
      if (!(AUDIT_EVENTS as readonly string[]).includes(values.event))
        throw new UsageError(`--event: unknown event "${values.event}"${didYouMean(values.event, AUDIT_EVENTS)}`);
      query.event = values.event as (typeof AUDIT_EVENTS)[number];
    }
    if (values.since !== undefined) query.since = sinceOf(values.since);
    if (values.limit !== undefined) {
      if (!/^\d+$/.test(values.limit) || Number(values.limit) < 1 || Number(values.limit) > 1000)
        throw new UsageError('--limit must be a whole number from 1 to 1000');
      query.limit = Number(values.limit);
    }
    const api = connect(values);
    const entries = await api.call('listAudit', { query });
    if (values.json) {
      printJson(entries);
      return 0;
    }
    printTable(
      ['AT', 'EVENT', 'KEY', 'TARGET', 'IP', 'DETAIL'],
      entries.map((e) => [when(e.at), e.event, e.keyId ?? '-', e.target ?? '-', e.ip ?? '-', detailText(e.detail)]),
      'No audit entries match (or none this key may see).',
    );
    return 0;
  },
);
