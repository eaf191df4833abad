import { Command } from 'commander';
import { accountsCommand } from './commands/accounts.js';
import { adminCommand } from './commands/admin.js';
import { clientsCommand } from './commands/clients.js';
import { connectionsCommand } from './commands/connections.js';
import { demoCommand } from './commands/demo.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { logsCommand } from './commands/logs.js';
import { providersCommand } from './commands/providers.js';
import { serveCommand } from './commands/serve.js';
import { webhooksCommand } from './commands/webhooks.js';

export function buildProgram(): Command {
  const program = new Command('latchkey')
    .description('Latchkey — self-hosted agent auth gateway (Scalekit SDK compatible)')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(serveCommand());
  program.addCommand(clientsCommand());
  program.addCommand(connectionsCommand());
  program.addCommand(providersCommand());
  program.addCommand(accountsCommand());
  program.addCommand(demoCommand());
  program.addCommand(logsCommand());
  program.addCommand(webhooksCommand());
  program.addCommand(adminCommand());
  registerEmulatorCommand(program);
  return program;
}
