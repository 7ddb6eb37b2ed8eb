import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generatedFiles, staleFiles } from './contracts';

const usage = `usage: tsx docs/generate.ts [--check]
  (no option)  write docs/asyncapi.yaml and docs/schemas/<MessageType>.json from contracts/, removing stale schema files
  --check      write nothing; exit 1 listing the files that are missing, differ or should not exist`;

const docsDir = dirname(fileURLToPath(import.meta.url));
const shown = (path: string) => relative(process.cwd(), join(docsDir, path)) || path;

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }

  const files = generatedFiles();
  const stale = staleFiles(docsDir, files);
  if (parsed.values.check) {
    if (stale.length === 0) {
      process.stdout.write(`Contract docs are up to date (${files.size} files).\n`);
      return 0;
    }
    process.stderr.write(
      `Contract docs are stale; run npm run contracts:docs:\n${stale.map((f) => `  ${shown(f.path)}: ${f.problem}`).join('\n')}\n`,
    );
    return 1;
  }

  // Only the stale files are touched, so an up-to-date tree keeps its timestamps.
  for (const { path, problem } of stale) {
    const file = join(docsDir, path);
    if (problem === 'not generated') {
      rmSync(file);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, files.get(path) ?? '');
    }
    process.stdout.write(
      `${problem === 'not generated' ? 'removed' : problem === 'missing' ? 'created' : 'updated'} ${shown(path)}\n`,
    );
  }
  const changed =
    stale.length === 0 ? 'already up to date' : `${stale.length} ${stale.length === 1 ? 'file' : 'files'} changed`;
  process.stdout.write(`Contract docs: AsyncAPI document and ${files.size - 1} message schemas, ${changed}.\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
