// The zip reader the e2e harness uses (test/e2e/lib/zip.mjs): one implementation for both suites.
export { zipEntries as readZip } from '../../e2e/lib/zip.mjs';
