import { describe, expect, it } from 'vitest';
import { replaceImage, splitImage } from '../../src/kustomize/images.js';

describe('image references', () => {
  it.each([
    ['nginx', { name: 'nginx', tag: '', digest: '' }],
    ['nginx:1.2', { name: 'nginx', tag: '1.2', digest: '' }],
    ['nginx@sha256:abc', { name: 'nginx', tag: '', digest: 'sha256:abc' }],
    ['reg.io:5000/x/nginx:1.0@sha256:abc', { name: 'reg.io:5000/x/nginx', tag: '1.0', digest: 'sha256:abc' }],
  ])('splits %s as kustomize does, a port not being a tag', (image, parts) => {
    expect(splitImage(image)).toEqual(parts);
  });

  it('replaces name, tag and digest only of the image named, with or without a tag', () => {
    expect(replaceImage('app:1', { name: 'app', newName: 'reg/app', newTag: '2' })).toBe('reg/app:2');
    expect(replaceImage('app@sha256:abc', { name: 'app', newTag: '2' })).toBe('app:2');
    expect(replaceImage('app:1', { name: 'app', digest: 'sha256:def' })).toBe('app@sha256:def');
    expect(replaceImage('app:1', { name: 'app', tagSuffix: '-x' })).toBe('app:1-x');
    expect(replaceImage('application:1', { name: 'app', newTag: '2' })).toBe('application:1');
  });
});
