import { Command } from 'commander';
import { SERVE_NODE_FLAGS, tuneGcForRequests, youngGenerationCapped } from '../../http/gc-tuning.js';
import { createLogger } from '../../log/logger.js';
import { startLatchkey } from '../../runtime.js';
import type { DevCertificate } from '../../tls/dev-cert.js';
import { addStoreOptions, configFrom } from '../context.js';
import { onShutdownSignal } from '../signals.js';

/** What each SDK needs to trust the generated CA, ready to paste into a shell. */
export function sdkEnvironment(publicUrl: string, cert: DevCertificate): string {
  return [
    `TLS: self-signed certificate for ${cert.hosts.join(', ')}, issued by the local CA ${cert.caFile}`,
    'Trust it in your app (these lines are all the SDKs need):',
    `  export SCALEKIT_ENV_URL=${publicUrl}`,
    `  export NODE_EXTRA_CA_CERTS=${cert.caFile}          # Node SDK`,
    `  export GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=${cert.caFile}  # Python SDK (gRPC)`,
    `  export REQUESTS_CA_BUNDLE=${cert.caFile}           # Python SDK (HTTP)`,
    '',
  ].join('\n');
}

/** `latchkey serve`: every protocol on one port until SIGINT/SIGTERM, then a graceful shutdown. */
export function serveCommand(): Command {
  return addStoreOptions(
    new Command('serve')
      .description('Run the Latchkey server (gRPC, REST, /proxy, auth pages) on one port')
      .option('--port <port>', 'port to listen on (env LATCHKEY_PORT, default 8080; 0 = any free port)')
      .option('--host <host>', 'interface to bind (env LATCHKEY_HOST, default 127.0.0.1)')
      .option('--public-url <url>', 'URL users and apps reach Latchkey at (env LATCHKEY_PUBLIC_URL)')
      .option(
        '--tls-self-signed',
        'serve HTTPS with a local CA and certificate created under <data dir>/tls/ (env LATCHKEY_TLS_SELF_SIGNED); prints the SDK variables',
      ),
  ).action(
    async (
      opts: { port?: string; host?: string; publicUrl?: string; tlsSelfSigned?: boolean },
      cmd: Command,
    ) => {
      const config = configFrom(cmd, {
        port: opts.port === undefined ? undefined : Number(opts.port),
        host: opts.host,
        publicUrl: opts.publicUrl,
        tlsSelfSigned: opts.tlsSelfSigned,
      });
      const log = createLogger(config.logLevel);
      // This process serves requests from now on (src/http/gc-tuning.ts).
      tuneGcForRequests();
      if (!youngGenerationCapped(process.execArgv, process.env.NODE_OPTIONS))
        log.info(
          { nodeFlags: SERVE_NODE_FLAGS },
          'Node.js started without these flags (`latchkey` and `npm start` pass them): the proxy uses more memory and, under heavy load, more CPU (docs/configuration.md)',
        );
      const running = await startLatchkey(config, log);
      const db = running.config.databaseUrl.startsWith('sqlite:') ? running.config.databaseUrl : 'postgres';
      process.stdout.write(
        `Latchkey listening on ${running.url} (public URL ${running.config.publicUrl}; database ${db})\n`,
      );
      if (running.devCert) process.stdout.write(sdkEnvironment(running.config.publicUrl, running.devCert));
      // Serving has begun: a database hiccup while preparing the dashboard's set-up link costs the
      // link (a restart prints a new one), never the running server.
      const setupUrl = await running.server.services.dashboard.admins.prepareSetup().catch((err: unknown) => {
        log.warn({ err }, 'could not prepare the dashboard set-up link; restart to get one');
        return undefined;
      });
      if (setupUrl) {
        process.stdout.write(
          `Dashboard: no admin yet. Create one with this one-time link (or \`latchkey admin create --email …\`):\n  ${setupUrl}\n`,
        );
      }
      log.info({ url: running.url, publicUrl: running.config.publicUrl }, 'listening');
      // A stray rejection must never take the process (and its in-memory token commits) down.
      process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
      const stop = async (signal: string) => {
        const graceMs = running.config.shutdownGraceMs;
        log.info({ signal, graceMs }, 'draining: no new connections; finishing requests and refreshes');
        const force = setTimeout(() => process.exit(1), graceMs + 5_000);
        force.unref();
        const { unfinishedRefreshes } = await running.close(graceMs);
        log.info({ unfinishedRefreshes }, 'stopped');
        process.exit(unfinishedRefreshes > 0 ? 1 : 0);
      };
      onShutdownSignal(
        (signal) => void stop(signal),
        (signal) => {
          log.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        },
      );
    },
  );
}
