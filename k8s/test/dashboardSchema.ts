/**
 * The Grafana dashboard against Grafana's own dashboard model: `Dashboard` from `@grafana/schema`,
 * the TypeScript generated from Grafana's CUE schema (the package ships no JSON Schema). This file
 * is checked by `tsc` (the k8s `typecheck` script), not run by vitest: a field of the wrong type, a
 * missing required field or a field the schema does not have fails the type-check.
 */
import type { Dashboard } from '@grafana/schema';
import dashboard from '../dashboards/cioscale-worker.json' with { type: 'json' };

/**
 * TypeScript types an imported JSON file with widened literals (`"query"` is `string`, `0` is
 * `number`), so the schema's string unions and enums are widened the same way: what is checked is
 * every field's presence and type, not which member of an enum it holds.
 */
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer Item)[]
        ? Widen<Item>[]
        : T extends object
          ? { [Key in keyof T]: Widen<T[Key]> }
          : T;

/** Every key of every member of a union (`keyof (A | B)` is only the keys they share). */
type AnyKey<T> = T extends unknown ? keyof T : never;
type FieldOf<T, Key> = T extends unknown ? (Key extends keyof T ? Exclude<T[Key], null | undefined> : never) : never;

/**
 * An imported value gets no excess-property check, so a misspelt optional field would pass
 * `Widen<Dashboard>` unseen: this turns every field of `Json` that `Schema` lacks into `never`.
 * Where the schema leaves a value free-form (a panel's `options`, `unknown`), any field is allowed.
 */
type OnlySchemaFields<Json, Schema> = unknown extends Schema
  ? Json
  : string extends AnyKey<Schema>
    ? Json
    : Json extends readonly (infer Item)[]
      ? OnlySchemaFields<Item, Schema extends readonly (infer Field)[] ? Field : never>[]
      : Json extends object
        ? { [Key in keyof Json]: Key extends AnyKey<Schema> ? OnlySchemaFields<Json[Key], FieldOf<Schema, Key>> : never }
        : Json;

type GrafanaDashboard<Json> = Widen<Dashboard> & OnlySchemaFields<Json, Dashboard>;

export const grafanaDashboard: GrafanaDashboard<typeof dashboard> = dashboard;

// The check can fail: a gridPos that is not { h, w, x, y } numbers, or a field Grafana does not have.
const wrongGridPos = { ...dashboard, panels: dashboard.panels.map((panel) => ({ ...panel, gridPos: 'full width' })) };
// @ts-expect-error gridPos must be a grid position
export const withWrongGridPos: GrafanaDashboard<typeof wrongGridPos> = wrongGridPos;
const misspeltField = { ...dashboard, panels: dashboard.panels.map((panel) => ({ ...panel, fieldconfig: {} })) };
// @ts-expect-error a panel has fieldConfig, not fieldconfig
export const withMisspeltField: GrafanaDashboard<typeof misspeltField> = misspeltField;
