import { describe, expect, it } from 'vitest';
import { configMapHashSuffix } from '../../src/kustomize/index.js';
import { goJson } from '../../src/kustomize/hash.js';

describe('the generated ConfigMap name suffix', () => {
  it('is the one kubectl gives a known ConfigMap', () => {
    // The data of fixtures/generated-configmap's `settings` generator. The expected suffix is from
    // `kubectl kustomize k8s/test/kustomize/fixtures/generated-configmap` on kubectl v1.32.4
    // (kustomize v5.5.0): ConfigMap `settings-88k6742dcm`. The `<`, `&` and `>` in HTML only give
    // this hash when escaped as Go does.
    const data = {
      PLAIN: 'value',
      INDENTED: 'leading spaces go',
      URL: 'redis://host:6379/0?a=b',
      EMPTY: '',
      BARE: '',
      TRAILING: 'spaces kept  ',
      QUOTES: '"not removed"',
      QUOTED: 'kept inside',
      HTML: 'a<b && c>d',
    };
    expect(configMapHashSuffix(data)).toBe('88k6742dcm');
  });

  it('is the one kubectl gives a ConfigMap without data', () => {
    // From the same kubectl output: ConfigMap `empty-6ct58987ht`, generated from an empty env file.
    expect(configMapHashSuffix(undefined)).toBe('6ct58987ht');
  });

  it('changes with any value, so a changed setting rolls the pods', () => {
    expect(configMapHashSuffix({ A: '1' })).not.toBe(configMapHashSuffix({ A: '2' }));
    expect(configMapHashSuffix({ A: '1' })).toMatch(/^[0-9a-z]{10}$/);
  });
});

describe('Go-style JSON', () => {
  it('sorts keys and escapes <, > and & as Go’s encoding/json does', () => {
    expect(goJson({ b: '<&>', a: ['x\u2028'], c: 1 })).toBe('{"a":["x\\u2028"],"b":"\\u003c\\u0026\\u003e","c":1}');
  });
});
