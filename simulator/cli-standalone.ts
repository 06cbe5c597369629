import { Command } from 'commander';
import { registerSimulatorCommands } from './commands.ts';

/** The simulator commands on their own (`node simulator/cli-standalone.ts accuracy …`), until cli/main.ts wires them. */
const program = new Command('kspan-sim');
registerSimulatorCommands(program);
program.parse();
