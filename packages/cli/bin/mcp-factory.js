#!/usr/bin/env node
// Checked in (not built) so that npm can link the bin on a fresh clone before the build has run;
// the command itself lives in ../dist/cli.js.
import '../dist/cli.js';
