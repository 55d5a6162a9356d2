// A stand-in for `npm start` in the fault drills (supervisor.test.ts): the same Supervisor and
// shutdown order, with small stand-ins for the service, web app and worker that log what happens
// to them in the events file (argv[2]). Run as the leader of its own process group.

import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { Supervisor, stopInOrder } from '../supervisor.ts';

const events = process.argv[2] as string;
const note = (line: string) => appendFileSync(events, `${line}\n`);

/** A child that logs its start, each signal it gets, and (for the worker) its last state on SIGTERM. */
function standIn(name: string, recordsState: boolean): string {
  return `
const { appendFileSync } = require('node:fs');
const note = (l) => appendFileSync(${JSON.stringify(events)}, l + '\\n');
note('${name}-started ' + process.pid);
process.on('SIGINT', () => note('${name}-got-SIGINT'));
process.on('SIGTERM', () => {
  note('${name}-got-SIGTERM');
  setTimeout(() => { ${recordsState ? `note('${name}-recorded-state');` : ''} process.exit(0); }, 300);
});
setInterval(() => {}, 1000);`;
}

// The service in its own group, as services.ts starts PostgreSQL and Redis.
const service = spawn(process.execPath, ['-e', standIn('service', false)], {
  detached: true,
  stdio: 'ignore',
});
const serviceExited = new Promise<void>((resolve) => service.once('exit', () => resolve()));
const supervisor = new Supervisor({
  log: (line) => note(`log ${line}`),
  backoffMs: 50,
  onGiveUp: () => note('gave-up'),
});
for (const name of ['web', 'worker']) {
  supervisor.start({ name, command: process.execPath, args: ['-e', standIn(name, name === 'worker')] });
}
let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  note(`driver-got-${signal}`);
  await stopInOrder(
    supervisor,
    [
      {
        name: 'service',
        started: true,
        stop: async () => {
          service.kill('SIGTERM');
          await serviceExited;
          note('service-stopped');
        },
      },
    ],
    note,
  );
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
note('driver-ready');
