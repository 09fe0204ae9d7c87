// The walkthrough's and the extension page's pictures (media/walkthrough/*.png, packaged in the .vsix) are the UI
// suite's screenshots of the same steps: after a UI run, run.mjs copies each from test/e2e/screenshots/, so they never
// drift from what the extension looks like; test/unit/walkthrough.test.ts checks they are byte-identical.
export const WALKTHROUGH_PICTURES = {
  'run-workflow.png': '12-run-workflow.png',
  'edit-code-node.png': '16-edit-code-node.png',
  'workflow-graph.png': '17-workflow-graph.png',
  'language-status.png': '18-language-status.png',
  'accounts.png': '19-accounts-sign-in-menu.png',
  'other-extension.png': '20-accounts-other-extension-allow.png',
};
