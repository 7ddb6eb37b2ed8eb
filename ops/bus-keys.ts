import { parseArgs } from 'node:util';
import { KafkaService } from '../contracts/principals';
import { topicSpecs } from '../contracts/topics';
import { busKeySettings, ensureLocalBusKeys, rotateBusKey } from '../platform/bus';
import { ConfigError, loadConfig } from '../platform/config';

const usage = `usage: npm run bus:keys -- init [--dir <folder>]
       npm run bus:keys -- rotate (--service <service> | --topic <topic>) [--dir <folder>]
  The folder is BUS_KEYS_DIR, else DATA_DIR/bus-keys. init creates what is missing (every service's
  signing key, every topic's data key), to provision processes from; rotate adds a new active key and
  keeps the old ones verifiable. Restart consumers before producers.`;

/** The bus keys' operator command line: create a key folder, rotate a service's or a topic's key. */
function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { dir: { type: 'string' }, service: { type: 'string' }, topic: { type: 'string' } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const { positionals, values } = parsed;
  const dir = values.dir ?? busKeySettings(loadConfig()).dir;
  const [command] = positionals;
  if (command === 'init' && positionals.length === 1) {
    ensureLocalBusKeys(dir);
    process.stdout.write(`bus keys in ${dir}\n`);
    return 0;
  }
  if (command === 'rotate' && positionals.length === 1 && Boolean(values.service) !== Boolean(values.topic)) {
    if (values.service !== undefined) {
      const service = KafkaService.safeParse(values.service);
      if (!service.success) {
        process.stderr.write(`--service: must be one of ${KafkaService.options.join(', ')}\n`);
        return 2;
      }
      process.stdout.write(`${rotateBusKey(dir, { service: service.data })} is now active\n`);
      return 0;
    }
    if (!topicSpecs.some((spec) => spec.name === values.topic)) {
      process.stderr.write(`--topic: must be one of ${topicSpecs.map((s) => s.name).join(', ')}\n`);
      return 2;
    }
    process.stdout.write(`${rotateBusKey(dir, { topic: values.topic! })} is now active\n`);
    return 0;
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String((err as Error).stack ?? err)}\n`);
  process.exitCode = 1;
}
