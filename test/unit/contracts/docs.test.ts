import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { allTopicNames, topicSpecs } from '../../../contracts/topics';
import { asyncApiFile, schemaFile, staleFiles } from '../../../docs/contracts';

const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url));

const describeDiagnostic = (d: Diagnostic) =>
  `${DiagnosticSeverity[d.severity]} ${String(d.code)} at ${d.path.join('.') || '(root)'}: ${d.message}`;

describe('contract docs (docs/asyncapi.yaml, docs/schemas)', () => {
  let diagnostics: Diagnostic[] = [];
  let document: AsyncAPIDocumentInterface | undefined;

  // The parser validates against the AsyncAPI 3.0 schema and runs its lint rules; it takes a few seconds.
  beforeAll(async () => {
    ({ document, diagnostics } = await new Parser().parse(readFileSync(`${docsDir}${asyncApiFile}`, 'utf8'), {
      source: `${docsDir}${asyncApiFile}`,
    }));
  }, 60_000);

  it('is a valid AsyncAPI document', () => {
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map(describeDiagnostic), 'the AsyncAPI parser reported errors').toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('has a channel for every topic, carrying exactly the messages its spec lists', () => {
    const channels = new Map(
      document
        ?.channels()
        .all()
        .map((channel) => [channel.address(), channel]),
    );
    expect(
      allTopicNames().filter((topic) => !channels.has(topic)),
      'topics without a channel',
    ).toEqual([]);
    for (const spec of topicSpecs) {
      const carried = channels
        .get(spec.name)
        ?.messages()
        .all()
        .map((message) => message.name())
        .sort();
      expect(carried, spec.name).toEqual(Object.keys(spec.messages).sort());
    }
  });

  it('has a schema file for every message type', () => {
    const types = [...new Set(topicSpecs.flatMap((spec) => Object.keys(spec.messages)))];
    expect(
      types.filter((type) => !existsSync(`${docsDir}${schemaFile(type)}`)),
      'message types without a schema file',
    ).toEqual([]);
  });

  it('is what the contracts generate now', () => {
    const stale = staleFiles(docsDir).map(({ path, problem }) => `docs/${path}: ${problem}`);
    expect(stale, 'the contract docs are stale; run npm run contracts:docs and commit the result').toEqual([]);
  });
});
