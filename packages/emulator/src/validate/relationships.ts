/**
 * `cio_relationships`: the relationships between people and objects, from either side.
 *
 * - From the person's side (v1 identify, v2 person identify and add/delete_relationships) each entry
 *   names an object: `{identifiers: {object_type_id, object_id} | {cio_object_id}, relationship_attributes?}`.
 * - From the object's side (v2 object identify and add/delete_relationships) each entry names a person:
 *   `{identifiers: {id} | {email} | {cio_id}, relationship_attributes?}`.
 *
 * Both follow the schemas of the official OpenAPI document; `relationship_attributes` are held to the
 * "Object and relationship limits" table (see {@link checkRelationshipAttributes}).
 */
import type { ObjectRef, PersonIdentifierKind, RelatedObject, RelatedPerson, RelationshipChange } from '../commands.js';
import type { Problem } from './common.js';
import { checkRelationshipAttributes, identifierText, isProblem, isRecord, problem } from './common.js';

/** `{object_type_id, object_id}` or `{cio_object_id}`. */
export function objectRef(value: unknown, field: string): ObjectRef | Problem {
  if (!isRecord(value)) return problem('required', field, `${field} must name an object`);
  if (value['cio_object_id'] !== undefined) {
    const id = identifierText(value['cio_object_id'], `${field}.cio_object_id`);
    return isProblem(id) ? id : { key: `cio:${id}` };
  }
  const typeId = identifierText(value['object_type_id'], `${field}.object_type_id`);
  if (isProblem(typeId)) return typeId;
  const objectId = identifierText(value['object_id'], `${field}.object_id`);
  if (isProblem(objectId)) return objectId;
  return { key: `${typeId}:${objectId}` };
}

/** A person-side `cio_relationships` array: the objects a person is related to. */
export function relatedObjects(value: unknown, field = 'cio_relationships'): RelatedObject[] | Problem {
  if (!Array.isArray(value)) return problem(value === undefined ? 'required' : 'invalid', field, `${field} must be an array`);
  const objects: RelatedObject[] = [];
  for (let index = 0; index < value.length; index++) {
    const entry: unknown = value[index];
    const at = `${field}[${index}]`;
    if (!isRecord(entry)) return problem('invalid', at, `${at} must be an object`);
    const object = objectRef(entry['identifiers'], `${at}.identifiers`);
    if (isProblem(object)) return object;
    const attributes = checkRelationshipAttributes(entry['relationship_attributes'], `${at}.relationship_attributes`);
    if (isProblem(attributes)) return attributes;
    objects.push({ key: object.key, attributes });
  }
  return objects;
}

/**
 * The v1 identify form, an object rather than an array: `{action: "add_relationships" |
 * "delete_relationships", relationships: […]}` (the v1 identify schema's `cio_relationships`).
 */
export function v1RelationshipChange(value: unknown): RelationshipChange | Problem {
  if (!isRecord(value)) return problem('invalid', 'cio_relationships', 'cio_relationships must be an object {action, relationships}');
  const action = value['action'] ?? 'add_relationships';
  if (action !== 'add_relationships' && action !== 'delete_relationships') {
    return problem('invalid', 'cio_relationships.action', `cio_relationships.action must be add_relationships or delete_relationships; received ${JSON.stringify(action)}`);
  }
  const objects = relatedObjects(value['relationships'], 'cio_relationships.relationships');
  return isProblem(objects) ? objects : { adding: action === 'add_relationships', objects };
}

/** Identifier kinds an object's relationship may name a person by (the schema has no `phone` here). */
const RELATED_PERSON_KINDS: readonly PersonIdentifierKind[] = ['id', 'email', 'cio_id'];

/** An object-side `cio_relationships` array: the people an object is related to. */
export function relatedPeople(value: unknown, field = 'cio_relationships'): RelatedPerson[] | Problem {
  if (!Array.isArray(value)) return problem(value === undefined ? 'required' : 'invalid', field, `${field} must be an array`);
  const people: RelatedPerson[] = [];
  for (let index = 0; index < value.length; index++) {
    const entry: unknown = value[index];
    const at = `${field}[${index}]`;
    if (!isRecord(entry) || !isRecord(entry['identifiers'])) return problem('required', `${at}.identifiers`, `${at}.identifiers must name a person by id, email or cio_id`);
    const identifiers = entry['identifiers'];
    const kinds = RELATED_PERSON_KINDS.filter((kind) => identifiers[kind] !== undefined);
    const kind = kinds[0];
    if (kind === undefined || kinds.length !== 1) {
      return problem('invalid', `${at}.identifiers`, `${at}.identifiers must hold exactly one of id, email, cio_id; received ${kinds.length}`);
    }
    // "Object and relationship limits": a person id of at most 150 bytes, checked by identifierText.
    const text = identifierText(identifiers[kind], `${at}.identifiers.${kind}`);
    if (isProblem(text)) return text;
    const attributes = checkRelationshipAttributes(entry['relationship_attributes'], `${at}.relationship_attributes`);
    if (isProblem(attributes)) return attributes;
    people.push({ person: { kind, value: text }, attributes });
  }
  return people;
}

/** An anonymous object's `cio_relationships`: `[{identifiers: {anonymous_id}, relationship_attributes?}]`. */
export function relatedAnonymous(value: unknown, field = 'cio_relationships'): number | Problem {
  if (value === undefined) return 0;
  if (!Array.isArray(value)) return problem('invalid', field, `${field} must be an array`);
  for (let index = 0; index < value.length; index++) {
    const entry: unknown = value[index];
    const at = `${field}[${index}]`;
    const identifiers = isRecord(entry) ? entry['identifiers'] : undefined;
    const anonymousId = identifierText(isRecord(identifiers) ? identifiers['anonymous_id'] : undefined, `${at}.identifiers.anonymous_id`, 'strings only');
    if (isProblem(anonymousId)) return anonymousId;
    const attributes = checkRelationshipAttributes((entry as Record<string, unknown>)['relationship_attributes'], `${at}.relationship_attributes`);
    if (isProblem(attributes)) return attributes;
  }
  return value.length;
}
