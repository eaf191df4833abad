import { Command } from 'commander';
import { createAdminAccounts } from '../../dashboard/auth/admins.js';
import { createLogger } from '../../log/logger.js';
import { addStoreOptions, withStore } from '../context.js';
import { printJson, printLines } from '../output.js';
import { readSecret } from '../secret-input.js';

/** `latchkey admin create`: a dashboard admin. The password comes from a file or stdin, never argv. */
export function adminCommand(): Command {
  const cmd = new Command('admin').description('Manage dashboard admins');
  addStoreOptions(
    cmd
      .command('create')
      .description('Create a dashboard admin; the password is read from standard input (or --password-file)')
      .requiredOption('--email <email>', "the admin's email (their sign-in name)")
      .option('--password-file <path>', 'read the password from this file instead of standard input')
      .option('--json', 'print {"id","email"}'),
    { urls: true },
  ).action(async (opts: { email: string; passwordFile?: string; json?: boolean }, sub: Command) => {
    const password =
      (await readSecret('password', opts.passwordFile ? undefined : '-', opts.passwordFile)) ?? '';
    await withStore(sub, async (store, config) => {
      const admins = createAdminAccounts({
        store,
        log: createLogger('warn'),
        publicUrl: config.publicUrl,
        attempts: config.dashboard.signInAttempts,
        windowMs: config.dashboard.signInWindowMs,
      });
      const admin = await admins.create(opts.email, password);
      if (opts.json) return printJson({ id: admin.id, email: admin.email });
      printLines(
        `Created dashboard admin ${admin.email} (${admin.id}).`,
        `Sign in at ${config.publicUrl}/sign-in`,
      );
    });
  });
  return cmd;
}
