// A queue worker process for the queue suite: `node queue-worker.mjs <redis-url> <pair.json>
// [options-json]` decides boxes of the pair in pair.json ({ fp32: MlpJson, int8: QMlpJson }) with
// the built package (like the cli's `quantproof worker`), prints `ready` once it listens, and exits
// 0 when closed by SIGTERM, 2 when it refused a box of another run.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { mlpFromJson } from '@quantproof/nn';
import { qmlpFromJson } from '@quantproof/quant';
import { parseQueueUrl, startQueueWorker } from '@quantproof/smt-verify/queue';

const [url, pairFile, optionsJson] = process.argv.slice(2);
const pair = JSON.parse(readFileSync(pairFile, 'utf8'));
const options = optionsJson === undefined ? {} : JSON.parse(optionsJson);
const worker = await startQueueWorker(mlpFromJson(pair.fp32).mlp, qmlpFromJson(pair.int8).model, {
  connection: parseQueueUrl(url),
  ...options,
});
process.once('SIGTERM', () => void worker.close());
process.stdout.write(`ready ${worker.fingerprint}\n`);
worker.stopped.then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.name}: ${error.message}\n`);
    process.exit(2);
  },
);
