/**
 * `images:` — rewrites the `image` of every element of any `containers` or `initContainers` list in
 * any object but a CustomResourceDefinition, as kustomize's image tag transformer does. That
 * transformer runs two filters one after the other: a legacy one that walks the whole object, then
 * one over its field specs (the lists under `spec` and `spec.template.spec`). An image in those lists
 * is therefore rewritten twice, which shows only with `tagSuffix` (kubectl 1.32 turns `nginx:1.2`
 * into `nginx:1.2-sfx-sfx`); the renderer does the same, so it renders what kubectl renders.
 */
import type { ImageOverride } from './kustomization.js';
import { isObject, type Resource } from './types.js';

export function applyImages(resources: readonly Resource[], images: readonly ImageOverride[]): void {
  for (const override of images) {
    for (const { object } of resources) {
      if (object.kind === 'CustomResourceDefinition') continue;
      visit(object, override);
      for (const podSpec of [object['spec'], isObject(object['spec']) && isObject(object['spec']['template']) ? object['spec']['template']['spec'] : undefined]) {
        if (isObject(podSpec)) for (const key of ['containers', 'initContainers']) replaceInList(podSpec[key], override);
      }
    }
  }
}

function replaceInList(list: unknown, override: ImageOverride): void {
  if (!Array.isArray(list)) return;
  for (const container of list) {
    if (isObject(container) && typeof container['image'] === 'string') container['image'] = replaceImage(container['image'], override);
  }
}

function visit(node: unknown, override: ImageOverride): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, override);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      visit(value, override);
      if (key === 'containers' || key === 'initContainers') replaceInList(value, override);
    }
  }
}

/** `image` after `override`, or unchanged when its name is not the override's (image.IsImageMatched). */
export function replaceImage(image: string, override: ImageOverride): string {
  // kustomize builds this pattern from the name without escaping it; so does this, to match alike.
  if (!new RegExp(`^${override.name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`).test(image)) return image;
  let { name, tag, digest } = splitImage(image);
  if (override.newName) name = override.newName;
  // A new tag or digest replaces both the old tag and the old digest.
  if (override.newTag && override.digest) [tag, digest] = [override.newTag, override.digest];
  else if (override.newTag) [tag, digest] = [override.newTag, ''];
  else if (override.digest) [tag, digest] = ['', override.digest];
  else if (override.tagSuffix) [tag, digest] = [tag + override.tagSuffix, ''];
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** Name, tag and digest of `[host[:port]/]path[:tag][@digest]` (image.Split): a `:` before the first `/` is a port. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = Math.max(image.indexOf('/'), 0);
  const rest = image.slice(slash);
  const at = rest.indexOf('@');
  const colon = rest.indexOf(':');
  if (at < 0 && colon < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (colon < 0 || at < colon)) return { name: image.slice(0, slash + at), tag: '', digest: image.slice(slash + at + 1) };
  if (at >= 0) return { name: image.slice(0, slash + colon), tag: image.slice(slash + colon + 1, slash + at), digest: image.slice(slash + at + 1) };
  return { name: image.slice(0, slash + colon), tag: image.slice(slash + colon + 1), digest: '' };
}
