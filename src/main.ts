#!/usr/bin/env -S node --max-semi-space-size=4
import { runCommand } from './cli/run.js';

/** Process entry: run the CLI; a failing command exits non-zero after one clear line. */
const code = await runCommand(process.argv);
if (code !== 0) process.exit(code);
