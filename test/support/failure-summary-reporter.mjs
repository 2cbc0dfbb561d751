/**
 * A test reporter that prints nothing until the run ends, then one line per failed test (its file,
 * line and name, and the first line of its error). The TAP report before it runs to tens of
 * thousands of lines, and a CI log cut to its last part would otherwise not show which test failed.
 * Plain JavaScript: node loads reporters before `--import tsx` can compile them.
 */

/** @param {{ message?: string, cause?: unknown } | undefined} error */
function firstLine(error) {
  const cause = error?.cause;
  const message = cause instanceof Error ? cause.message : (error?.message ?? '');
  return message.split('\n').find((line) => line.trim() !== '') ?? '';
}

/** @param {AsyncIterable<{ type: string, data: any }>} source */
export default async function* failureSummary(source) {
  const failed = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, nesting, file, line, details } = event.data;
    const message = firstLine(details.error);
    // A suite fails with its tests: the tests are the lines worth reading.
    if (/^\d+ subtests? failed/.test(message)) continue;
    const where = file === undefined ? '' : `${file.replace(`${process.cwd()}/`, '')}:${line ?? 0} `;
    failed.push(`# FAILED ${where}${'  '.repeat(nesting)}${name}: ${message}`);
  }
  yield failed.length === 0
    ? '# no test failed\n'
    : `# ${failed.length} failed (details in the report above):\n${failed.join('\n')}\n`;
}
