import type { Command } from 'commander';

// Placeholder until the command is implemented: it refuses to run rather than pretend.
export function registerVectors(program: Command): void {
  program
    .command('vectors')
    .description('not implemented yet')
    .action(() => {
      throw new Error('tunelab vectors is not implemented yet');
    });
}
