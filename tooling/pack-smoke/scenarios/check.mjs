// The one assertion helper of the smoke scenarios: a failed check exits 1 with its message.
import process from 'node:process';

/**
 * Exits the scenario with status 1 and `message` unless `condition` holds.
 * @param {boolean} condition
 * @param {string} message
 */
export function check(condition, message) {
  if (!condition) {
    process.stderr.write(`check failed: ${message}\n`);
    process.exit(1);
  }
}
