// Validate AsyncAPI documents with the official parser (run by `nox -s spec`).
// Usage: node validate.mjs FILE...  Prints every diagnostic; exits 1 if any is an error
// (or a document does not parse at all), 0 otherwise. Warnings are printed, not fatal.
import { Parser, fromFile, DiagnosticSeverity } from '@asyncapi/parser';

const parser = new Parser();
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate.mjs FILE...');
  process.exit(2);
}
let errors = 0;
for (const file of files) {
  const { document, diagnostics } = await fromFile(parser, file).parse();
  for (const d of diagnostics) {
    const severity = DiagnosticSeverity[d.severity] ?? String(d.severity);
    const where = d.path.length ? d.path.join('/') : '(document)';
    const line = d.range ? `:${d.range.start.line + 1}` : '';
    console.log(`${file}${line}: ${severity.toLowerCase()}: ${d.code}: ${where}: ${d.message}`);
    if (d.severity === DiagnosticSeverity.Error) errors += 1;
  }
  if (document === undefined && errors === 0) {
    console.log(`${file}: error: the parser returned no document`);
    errors += 1;
  }
  if (document !== undefined) {
    console.log(`${file}: valid AsyncAPI ${document.version()} (${diagnostics.length} diagnostic(s), none an error)`);
  }
}
process.exit(errors ? 1 : 0);
