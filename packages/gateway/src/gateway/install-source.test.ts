import { describe, expect, it } from 'vitest';

import { GatewayErrorCode } from './errors.js';
import { classifySource } from './install-source.js';
import { serverFolder } from './install.js';

describe('install sources', () => {
  it('classifies npm names, tarballs and git URLs, deriving a server name', () => {
    expect(classifySource('@scope/mcp-thing@1.2.3', '/w')).toEqual({
      kind: 'npm',
      spec: '@scope/mcp-thing@1.2.3',
      packageName: '@scope/mcp-thing',
      name: 'mcp-thing',
    });
    expect(classifySource('pkgs/tiny-server-1.0.0.tgz', '/w')).toEqual({
      kind: 'tarball',
      path: '/w/pkgs/tiny-server-1.0.0.tgz',
      name: 'tiny-server',
    });
    expect(classifySource('git+https://github.com/o/repo.git', '/w')).toEqual({
      kind: 'git',
      url: 'https://github.com/o/repo.git',
      name: 'repo',
    });
    expect(classifySource('file:///srv/repos/local', '/w', 'mine')).toEqual({
      kind: 'git',
      url: 'file:///srv/repos/local',
      name: 'mine',
    });
  });

  it.each([
    '-g',
    '--registry=x',
    'a b',
    'x\u0000y',
    '../x',
    'https://user:pw@host/x.git',
    'https://host/file.tgz',
    '',
    'foo@--tag',
    '../../../../etc/x.tgz',
    'a.tgz/../../../x.tgz',
    'git+ssh://-oProxyCommand=touch/a.git',
    'git+https://-c/x.git',
    'git+https://host/-upload-pack/x.git',
    'git+https://host/o/r.git#--upload-pack=x',
    'git+https://host/o/r.git?--config=x',
    'git+https://host/o/r.git#;rm',
    'git+https://host/o/%E0%A4%A.git',
  ])('refuses %j', (source) => {
    expect(() => classifySource(source, '/w')).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.SourceRefused }) as Error,
    );
  });

  it('refuses names that would escape the install folder', () => {
    expect(() => classifySource('left-pad', '/w', '..')).toThrow(/server name/);
    expect(() => serverFolder('/state/servers', '../x')).toThrow(/escapes the install folder/);
    expect(serverFolder('/state/servers', 'ok')).toBe('/state/servers/ok');
  });
});
