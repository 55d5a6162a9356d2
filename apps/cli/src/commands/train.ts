import type { Command } from 'commander';

// Placeholder until the command is implemented: it refuses to run rather than pretend.
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('not implemented yet')
    .action(() => {
      throw new Error('tunelab train is not implemented yet');
    });
}
