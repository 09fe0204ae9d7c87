// The language server's edge: the environment is read here (and only here), then the server runs over stdio.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { codeWorkersFrom } from '../cli/config';
import { configureSandbox } from '../engine/sandbox';
import { startServer } from './server';

configureSandbox({ workers: codeWorkersFrom(process.env) });
startServer(createConnection(ProposedFeatures.all));
