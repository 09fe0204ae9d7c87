// What the extension needs to know of a workflow file to run it. Pure: no vscode.

export interface WorkflowFacts {
  id?: string;
  name?: string;
  /** Credential ids the nodes reference, in order of first use. */
  credentials: string[];
  /** The parsed document (for PUT on "Run on server"), undefined when it does not parse. */
  document?: unknown;
  parseError?: string;
}

export function workflowFacts(text: string): WorkflowFacts {
  // Workflow files are strict JSON (the schema's own format); JSON.parse keeps the extension bundle free of parsers.
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { credentials: [], parseError: 'the file is not a JSON object (see Problems)' };
  }
  const d = doc as Record<string, unknown>;
  const creds: string[] = [];
  if (Array.isArray(d.nodes)) {
    for (const n of d.nodes) {
      const c = (n as Record<string, unknown> | null)?.credential;
      if (typeof c === 'string' && c && !creds.includes(c)) creds.push(c);
    }
  }
  return {
    id: typeof d.id === 'string' ? d.id : undefined,
    name: typeof d.name === 'string' ? d.name : undefined,
    credentials: creds,
    document: doc,
  };
}

/** Validates the text of "Run Workflow with Input…": a JSON value (an object, usually). */
export function parseRunInput(text: string): { value: unknown } | { error: string } {
  const t = text.trim();
  if (!t) return { value: {} };
  try {
    return { value: JSON.parse(t) };
  } catch (e) {
    return { error: `Not JSON: ${(e as Error).message}` };
  }
}
