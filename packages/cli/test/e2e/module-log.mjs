// Loaded with `node --import`: appends the URL of every module the process resolves (ESM imports,
// static and dynamic) to the file named by QUANTPROOF_MODULE_LOG. The start-up test reads it to
// see which packages a command loaded.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.QUANTPROOF_MODULE_LOG, result.url + '\\n');
  return result;
}`)}`,
);
