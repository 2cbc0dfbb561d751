import { readFileSync, writeFileSync } from 'node:fs';
import { formatAlibabaTime } from '../src/common/alibaba-time.js';
import type { Machine } from './machine.js';

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

export interface SectionHead {
  /** The section's heading, without the command. */
  readonly title: string;
  /** The npm script that runs the bench, `bench:…`. */
  readonly script: string;
  /** What the npm script runs. */
  readonly runs: string;
  readonly machine: Machine;
  readonly started: Date;
  /** Said after the machine (a sentence, with its leading space). */
  readonly setting?: string;
}

/** The opening lines of a bench's section: heading, when and on what it last ran, the command. */
export function sectionHead(head: SectionHead): string[] {
  const { machine } = head;
  return [
    `## ${head.title} (\`npm run ${head.script}\`)`,
    '',
    `Last run: ${formatAlibabaTime(head.started)}. ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB,`,
    `Node.js ${machine.node}; load average at start ${machine.loadAverage}.${head.setting ?? ''}`,
    '',
    '```sh',
    `npm run ${head.script}`,
    `# = ${head.runs}`,
    '```',
    '',
  ];
}

export interface BenchResult {
  readonly start: string;
  readonly end: string;
  /** Whether the bench ran with its default settings: only then is its section written. */
  readonly full: boolean;
  /** What differs from the default when not `full`, e.g. `duration/connections`. */
  readonly settings: string;
  readonly markdown: () => string;
  /** The one-line JSON summary, printed and quoted at the end of the section. */
  readonly summary: unknown;
}

/**
 * A bench's last words: its section (the markdown, then the summary line) written to
 * docs/benchmarks.md when it ran with the default settings, and the summary line printed.
 */
export function publishResult(result: BenchResult): void {
  const line = JSON.stringify(result.summary);
  if (result.full) {
    writeDocsSection(
      result.start,
      result.end,
      `${result.markdown()}\n\nSummary line printed by the run:\n\n\`\`\`json\n${line}\n\`\`\``,
    );
  } else {
    console.log(`(not the default ${result.settings}: docs/benchmarks.md not written)`);
  }
  console.log(line);
}
