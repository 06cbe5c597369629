import type { Command } from 'commander';

/** Adds one module's commands to the program. */
export type RegisterCommands = (program: Command) => void;

/** A folder's commands, loaded only when one of them runs (or for the full help), so a missing folder breaks only its own. */
export interface CommandModule {
  /** The commands the module registers, in help order. */
  readonly commands: readonly string[];
  /** The module's source, named in the message when it cannot be loaded. */
  readonly source: string;
  /** Imports the module and returns its registration function. */
  readonly load: () => Promise<RegisterCommands>;
}

/** Every command of `kspan`, by the module that defines it. */
export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    commands: ['demo'],
    source: 'cli/demo-command.ts',
    load: async () => (await import('./demo-command.ts')).registerDemoCommand,
  },
  {
    commands: ['replay'],
    source: 'cli/replay-command.ts',
    load: async () => (await import('./replay-command.ts')).registerReplayCommand,
  },
  {
    commands: ['scenarios'],
    source: 'cli/scenarios-command.ts',
    load: async () => (await import('./scenarios-command.ts')).registerScenariosCommand,
  },
  {
    commands: ['run'],
    source: 'driver/commands.ts',
    load: async () => (await import('../driver/commands.ts')).registerRunCommand,
  },
  {
    commands: ['simulate', 'accuracy'],
    source: 'simulator/commands.ts',
    load: async () => (await import('../simulator/commands.ts')).registerSimulatorCommands,
  },
];
