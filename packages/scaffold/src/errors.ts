/**
 * The scaffold's one error class. Match on `code`; `details` carries what a caller needs to print
 * a precise message (the offending name, the entries of a non-empty folder, the valid choices).
 *
 * @module
 */

/** Why scaffolding failed. */
export const ScaffoldErrorCode = {
  /** The project name is not a valid, safe npm package name. */
  InvalidName: 'INVALID_NAME',
  /** The target folder exists and is not empty (and `force` was not given). */
  TargetNotEmpty: 'TARGET_NOT_EMPTY',
  /** The target path exists and is not a folder. */
  TargetNotDirectory: 'TARGET_NOT_DIRECTORY',
  /** No template of that name. */
  UnknownTemplate: 'UNKNOWN_TEMPLATE',
  /** An answer is not one of the option's choices, or an option is unknown. */
  InvalidAnswer: 'INVALID_ANSWER',
  /** A template's `template.json` or a preset's `preset.json` is malformed. */
  InvalidManifest: 'INVALID_MANIFEST',
  /** Packing the runtime into the project failed. */
  RuntimePackFailed: 'RUNTIME_PACK_FAILED',
  /** A project's `.mcp-factory.json` is missing or malformed. */
  InvalidRecord: 'INVALID_RECORD',
} as const;

export type ScaffoldErrorCode = (typeof ScaffoldErrorCode)[keyof typeof ScaffoldErrorCode];

/** A scaffolding failure with a message meant for the user. */
export class ScaffoldError extends Error {
  override readonly name = 'ScaffoldError';
  readonly code: ScaffoldErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ScaffoldErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}
