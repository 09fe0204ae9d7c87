// The id patterns of the workflow document (server/src/core/workflow.ts re-exports them), with no dependency: the extension imports them (a Code node's id names
// its view's folder and file) without pulling the schema library into its bundle.
export const WORKFLOW_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Node ids are used as `$node.<id>` in expressions, so they are identifiers. */
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const CONNECTOR_TYPE_PATTERN = /^[a-z][a-zA-Z0-9]*\.[a-zA-Z][a-zA-Z0-9]*$/;
