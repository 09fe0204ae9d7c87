// `flero/runWorkflow`: runs a workflow document (the open text, else the file on disk) in this process through the
// engine, streaming `flero/runProgress`; cancelling the request aborts the run.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ResponseError } from 'vscode-languageserver';
import { RunProgressNotification, RunWorkflowRequest } from '../protocol';
import { RunError, runDocument } from '../run';
import type { ServerContext } from './context';

export function registerRun({ connection, documents, ctx }: ServerContext): void {
  connection.onRequest(RunWorkflowRequest, async (params, token) => {
    if (!params || typeof params.uri !== 'string' || typeof params.runId !== 'string')
      throw new ResponseError(-32602, 'flero/runWorkflow needs { uri, runId }');
    const text = documents.get(params.uri)?.getText() ?? (await readDisk(params.uri));
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      return await runDocument(params, {
        text,
        credentials: ctx.credentials ?? [],
        signal: controller.signal,
        onProgress: (event) => {
          void connection.sendNotification(RunProgressNotification, { runId: params.runId, event });
        },
      });
    } catch (err) {
      if (err instanceof RunError) throw new ResponseError(-32602, err.message);
      throw new ResponseError(-32603, 'the run failed inside the language server');
    } finally {
      sub.dispose();
    }
  });
}

async function readDisk(uri: string): Promise<string> {
  try {
    return await readFile(fileURLToPath(uri), 'utf8');
  } catch {
    throw new ResponseError(-32602, `cannot read ${uri}: open it in the editor or save it first`);
  }
}
