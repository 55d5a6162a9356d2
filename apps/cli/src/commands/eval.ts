import type { Command } from 'commander';

// Placeholder until the command is implemented: it refuses to run rather than pretend.
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('not implemented yet')
    .action(() => {
      throw new Error('tunelab eval is not implemented yet');
    });
}
