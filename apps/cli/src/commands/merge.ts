import type { Command } from 'commander';

// Placeholder until the command is implemented: it refuses to run rather than pretend.
export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('not implemented yet')
    .action(() => {
      throw new Error('tunelab merge is not implemented yet');
    });
}
