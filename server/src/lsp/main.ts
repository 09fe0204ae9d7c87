// Placeholder until the language-server issue lands.
process.stderr.write('flero language server: not implemented yet\n');
process.exitCode = 2;
