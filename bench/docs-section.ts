import { readFileSync, writeFileSync } from 'node:fs';

const TEMPLATE = `# Benchmarks

Numbers from the benchmarks in \`bench/\`. Each section is rewritten by the script named in it on
every run; compare numbers within one run (ratios), since the machine may be shared.
`;

/**
 * Replaces the text between `start` and `end` in docs/benchmarks.md, keeping everything else;
 * a section not there yet is appended.
 */
export function writeDocsSection(start: string, end: string, section: string): void {
  const url = new URL('../docs/benchmarks.md', import.meta.url);
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch {
    text = TEMPLATE;
  }
  if (text.indexOf(start) < 0 || text.indexOf(end) < text.indexOf(start)) {
    text = `${text.trimEnd()}\n\n${start}\n${end}\n`;
  }
  const from = text.indexOf(start) + start.length;
  writeFileSync(url, `${text.slice(0, from)}\n${section}\n${text.slice(text.indexOf(end))}`);
}
