// What the extension says when a credential rotation or a key roll is refused (the API's problem codes). Pure: no
// vscode.

export interface ProblemLike {
  status?: number;
  problem?: { code?: string; detail?: unknown; title?: string };
}

/** The verdict of a refused rotation as a sentence ("HTTP 401 Unauthorized"), from the problem's detail. */
function verdictText(detail: unknown): string {
  if (typeof detail === 'string') return detail.trim().replace(/\.$/, '');
  if (detail && typeof detail === 'object') {
    const d = detail as { detail?: unknown; status?: unknown; message?: unknown };
    const said = typeof d.detail === 'string' && d.detail ? d.detail : typeof d.message === 'string' ? d.message : '';
    const status = typeof d.status === 'number' && d.status ? `HTTP ${d.status}` : '';
    return [status, said].filter(Boolean).join(': ').replace(/\.$/, '') || 'the test call failed';
  }
  return 'the test call failed';
}

export type RotationRefusal =
  | { kind: 'testFailed'; message: string }
  | { kind: 'unchanged'; message: string }
  | { kind: 'reused'; message: string };

/** A 409 of `PATCH /api/credentials/{id}` with a value, in the user's words; undefined for any other error. */
export function rotationRefusal(e: ProblemLike, id: string): RotationRefusal | undefined {
  if (e.status !== 409) return undefined;
  switch (e.problem?.code) {
    case 'rotation_test_failed':
      return {
        kind: 'testFailed',
        message: `The service refused the new value for "${id}": ${verdictText(e.problem.detail)}. Nothing was changed.`,
      };
    case 'value_unchanged':
      return {
        kind: 'unchanged',
        message: `The new value for "${id}" is the value it already has. Nothing was changed.`,
      };
    case 'value_reused':
      return {
        kind: 'reused',
        message: `The new value for "${id}" is one it had before: rotate to a fresh value. Nothing was changed.`,
      };
    default:
      return undefined;
  }
}

/** After a rotation: "Rotated cred_x (version 3)". */
export function rotatedText(id: string, version: number | undefined): string {
  return `Rotated ${id}${version ? ` (version ${version})` : ''}.`;
}
