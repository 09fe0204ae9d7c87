// `node --import ./test/helpers/loadedModules.mjs …` with FLERO_LOADED_MODULES=<file>: appends the URL of every ES
// module the process loads to that file, one a line (a module-loader hook; nothing else changes). The bundle tests
// use it to see which chunks of dist/flero.mjs a command really loads.
import { register } from 'node:module';

if (process.env.FLERO_LOADED_MODULES)
  register('./loadedModulesHook.mjs', import.meta.url, { data: { file: process.env.FLERO_LOADED_MODULES } });
