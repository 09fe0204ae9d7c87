// `flero whoami`: the key in FLERO_API_KEY as the server sees it (`GET /api/me`).
import { defineCommand } from './command';
import { connect, out, printJson, REMOTE_ENV, REMOTE_OPTIONS, when } from './remote';

export const command = defineCommand(
  {
    name: 'whoami',
    summary: 'Show the API key in use (FLERO_API_KEY): its name, id, scopes, workflows and expiry.',
    options: REMOTE_OPTIONS,
    sections: [REMOTE_ENV],
  },
  async ({ values }) => {
    const api = connect(values);
    const me = await api.call('whoami');
    if (values.json) {
      printJson(me);
      return 0;
    }
    out(
      [
        `${me.name} (${me.id}, ${me.start}…) on ${api.baseUrl}`,
        `scopes:    ${me.scopes.join(', ')}`,
        `workflows: ${me.workflows === 'all' ? 'all' : me.workflows.join(', ')}`,
        `expires:   ${me.expiresAt ? when(me.expiresAt) : 'never'}`,
      ].join('\n') + '\n',
    );
    return 0;
  },
);
