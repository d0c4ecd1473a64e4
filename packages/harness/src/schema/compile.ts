/**
 * Compiles a tool's `inputSchema` with ajv, in the dialect it declares: draft 2020-12 (MCP's
 * default) unless its `$schema` names draft-07 (or draft-04/06, which draft-07 reads).
 *
 * @module
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`: under NodeNext the default import is the module.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (
  ajv: Ajv | Ajv2020,
) => unknown;

/** The dialect a schema is compiled as. */
export type Dialect = 'draft-2020-12' | 'draft-07';

/** The outcome of compiling one schema. */
export type Compiled =
  | { readonly ok: true; readonly dialect: Dialect; readonly validate: ValidateFunction }
  | { readonly ok: false; readonly dialect: Dialect; readonly error: string };

/** Which dialect `schema` declares. */
export function dialectOf(schema: unknown): Dialect {
  const declared =
    typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  return typeof declared === 'string' && /draft-0[4-7]/.test(declared) ? 'draft-07' : 'draft-2020-12';
}

function makeAjv(dialect: Dialect): Ajv | Ajv2020 {
  const options = { strict: false, allErrors: true, validateSchema: true, validateFormats: true };
  const ajv = dialect === 'draft-07' ? new Ajv(options) : new Ajv2020(options);
  addFormats(ajv);
  return ajv;
}

/** Compiles `schema`; never throws. */
export function compileSchema(schema: unknown): Compiled {
  const dialect = dialectOf(schema);
  try {
    const ajv = makeAjv(dialect);
    // Strip a draft-04/06 `$schema` that the draft-07 meta-schema set does not know by URI.
    const copy =
      typeof schema === 'object' && schema !== null && dialect === 'draft-07'
        ? { ...(schema as Record<string, unknown>), $schema: 'http://json-schema.org/draft-07/schema#' }
        : schema;
    if (typeof copy !== 'object' || copy === null) return { ok: false, dialect, error: 'the schema is not an object' };
    return { ok: true, dialect, validate: ajv.compile(copy) };
  } catch (error) {
    return { ok: false, dialect, error: error instanceof Error ? error.message : String(error) };
  }
}
