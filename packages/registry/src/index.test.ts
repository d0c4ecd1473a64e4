import { describe, expect, it } from 'vitest';

import * as registry from './index.js';

describe('@mcp-factory/registry public API', () => {
  it('exposes exactly the documented runtime names', () => {
    expect(Object.keys(registry).sort()).toEqual(
      [
        'Catalog',
        'EXPORT_FORMATS',
        'MAX_NAME_LENGTH',
        'RegistryError',
        'RegistryErrorCode',
        'RegistryStore',
        'STORE_VERSION',
        'ServerEntrySchema',
        'applyInspection',
        'canonicalTool',
        'claudeDesktopConfigPath',
        'comparePins',
        'connectTarget',
        'countTokens',
        'defaultClientConfigs',
        'discover',
        'factoryStateHome',
        'hashTool',
        'headerEnvName',
        'inspectTarget',
        'isRegistryError',
        'lineDiff',
        'mergeExport',
        'missingConfig',
        'nameProblem',
        'parseStore',
        'projectStorePath',
        'renderExport',
        'resolveEntry',
        'resolveServer',
        'tailLines',
        'toServerName',
        'userStorePath',
        'validateName',
        'writeExport',
      ].sort(),
    );
  });

  it('counts cl100k_base tokens', async () => {
    expect(await registry.countTokens('hello world')).toBe(2);
  });
});
