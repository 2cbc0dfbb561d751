import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { findDuplicateKeys } from '../policy/find-duplicate-keys.js';
import type { Problems } from './config-values.js';

/**
 * Reads a configuration file: YAML (`.yaml`, `.yml`) or JSON (`.json`), by its name. A key given
 * twice in one object is refused in both (JSON.parse would keep the last silently). `source`
 * names where the file name came from (`--config`, `KEYFENCE_CONFIG`) for problems about the
 * file as a whole. Undefined when it cannot be used; an empty YAML file is an empty object.
 */
export async function readConfigFile(file: string, source: string, problems: Problems): Promise<unknown> {
  const kind = extname(file).toLowerCase();
  if (kind !== '.yaml' && kind !== '.yml' && kind !== '.json') {
    return problems.add('Config.Unreadable', source, `${file}: the name must end in .yaml, .yml or .json`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return problems.add('Config.Unreadable', source, `cannot read ${file} (${code})`);
  }
  return kind === '.json' ? parseJson(text, file, source, problems) : parseYaml(text, file, source, problems);
}

function parseJson(text: string, file: string, source: string, problems: Problems): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return problems.add('Config.Syntax', source, `${file} is not valid JSON: ${(error as Error).message}`);
  }
  const duplicates = findDuplicateKeys(text);
  for (const path of duplicates) problems.add('Config.DuplicateKey', path, 'the key appears more than once');
  return duplicates.length > 0 ? undefined : value;
}

function parseYaml(text: string, file: string, source: string, problems: Problems): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const where = `${file}, line ${line}, column ${col}`;
      if (error.code === 'DUPLICATE_KEY')
        problems.add('Config.DuplicateKey', source, `${where}: a key appears more than once`);
      else problems.add('Config.Syntax', source, `${where}: ${error.message}`);
    }
    return undefined;
  }
  return document.toJS() ?? {};
}
