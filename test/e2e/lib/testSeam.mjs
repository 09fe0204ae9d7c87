// What the e2e test seam looks like inside a bundle: strings only the TEST BUILD of the extension contains
// (client/src/testBuild/: the scripted prompts' messages, the test API's methods), plus the retired environment
// switch and an unreplaced build flag. The shipped extension must contain none of them; the test build must contain
// the `present` ones (so a check that finds nothing proves something). Used by test/unit/client-bundle.test.ts and
// by lib/build.mjs on the packaged .vsix.

/** Each of these is in the test build's extension.js. */
export const TEST_BUILD_MARKERS = ['scripted answer', 'answeredPrompts', 'pendingAnswers'];
/** None of these may be anywhere in a shipped bundle. */
export const FORBIDDEN_IN_PRODUCTION = [...TEST_BUILD_MARKERS, 'FLERO_TEST_HOOKS', '__FLERO_TEST_BUILD__'];

/** The forbidden markers found in `text`. */
export function testSeamIn(text) {
  return FORBIDDEN_IN_PRODUCTION.filter((m) => text.includes(m));
}
