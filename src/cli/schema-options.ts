/**
 * Commander options generated from one field of a zod object schema, so a flag's help, default,
 * allowed values and range are written once, in the schema: the description from `.describe()`,
 * the default from `.default()`, the choices from `z.enum` (or a registry's list), the range from
 * `.min()`/`.max()`. The value is parsed through the same type and range, and a bad one is an
 * InputError naming the flag (exit 2).
 */
import { Option } from 'commander';
import { z } from 'zod';
import { decimalNumber, parseOption, wholeNumber } from './input.ts';

/** The JSON-schema view of one field (what z.toJSONSchema gives for it). */
interface FieldSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: FieldSchema[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
  description?: string;
}

/** How to present one schema field on the command line. */
export interface FieldOptions {
  /** The flag; default `--` + the key in kebab case (`anchorBudget` → `--anchor-budget`). */
  readonly flag?: string;
  /** The value's name in help (`--episodes <n>`); default the key. */
  readonly arg?: string;
  /** Replaces the schema's description (keep it for options whose CLI meaning differs). */
  readonly description?: string;
  /** The allowed values, when a registry holds them (world ids, learner ids); default: the schema's enum. */
  readonly choices?: readonly string[];
  /** A mandatory option (commander exits 2 when it is missing). */
  readonly required?: boolean;
}

/** A CLI option made from one schema field, and the parser of its value. */
export interface SchemaOption<T> {
  readonly flag: string;
  readonly option: Option;
  /** Parses the option's text through the field's type, range or choices; errors name the flag. */
  parse(raw: string): T;
}

const jsonSchemas = new WeakMap<z.ZodType, Record<string, FieldSchema>>();

function fieldsOf(schema: z.ZodType): Record<string, FieldSchema> {
  let fields = jsonSchemas.get(schema);
  if (!fields) {
    fields = (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, FieldSchema> }).properties ?? {};
    jsonSchemas.set(schema, fields);
  }
  return fields;
}

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The field's enum, also inside a union (`feedback`: a channel id or a full channel config). */
function enumOf(f: FieldSchema): string[] | undefined {
  const values = f.enum ?? f.anyOf?.find((a) => a.enum)?.enum;
  return values?.map(String);
}

/** Help text from a schema description in the CLI's style: lower case, no trailing full stop (commander appends the default). */
const helpText = (text: string): string => {
  const t = text.replace(/\.$/, '');
  // Keep acronyms (GT, ID) as written.
  return /^[A-Z][a-z]/.test(t) ? t[0]!.toLowerCase() + t.slice(1) : t;
};

/** The option for `schema.shape[key]`; see FieldOptions. */
export function schemaOption<S extends z.ZodObject, K extends keyof S['shape'] & string>(schema: S, key: K, opts: FieldOptions = {}): SchemaOption<NonNullable<z.output<S['shape'][K]>>> {
  const f = fieldsOf(schema)[key];
  if (!f) throw new Error(`schemaOption: no field '${key}' in the schema`);
  const flag = opts.flag ?? `--${kebab(key)}`;
  const choices = opts.choices ?? enumOf(f);
  const type = f.type ?? f.anyOf?.find((a) => a.type !== 'object')?.type;
  let description = helpText(opts.description ?? f.description ?? key);
  if (choices) description += ` (one of ${choices.join(' | ')})`;
  else if ((type === 'integer' || type === 'number') && f.minimum !== undefined && f.maximum !== undefined && f.maximum < Number.MAX_SAFE_INTEGER) description += ` [${f.minimum}, ${f.maximum}]`;
  const option = new Option(`${flag} <${opts.arg ?? key}>`, description);
  if (f.default !== undefined && typeof f.default !== 'object') option.default(String(f.default));
  if (opts.required) option.makeOptionMandatory();

  let parser: z.ZodType;
  if (choices) parser = z.enum(choices as [string, ...string[]]);
  else if (type === 'integer') parser = wholeNumber(flag, f.minimum ?? -Number.MAX_SAFE_INTEGER, f.maximum ?? Number.MAX_SAFE_INTEGER);
  else if (type === 'number') parser = f.minimum !== undefined && f.maximum !== undefined ? decimalNumber(f.minimum, f.maximum) : z.coerce.number().refine(Number.isFinite, 'a finite number');
  else parser = z.string();
  return { flag, option, parse: (raw) => parseOption(flag, parser, raw) as NonNullable<z.output<S['shape'][K]>> };
}
