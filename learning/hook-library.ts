/**
 * The hook library: the ad angles the agent may launch, kept as user-editable JSON.
 *
 * Angle and visual style are separate fields so each can be scored on its own (see
 * scoring.ts). This is the only file in learning/ that does I/O, and only in loadHookLibrary.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const kebabCase = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const hexColour = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** Zod schema for one hook; exported so tools and tests can validate fragments. */
export const HookSchema = z.object({
  id: z.string().regex(kebabCase, 'must be kebab-case, e.g. "free-trial-urgency"'),
  angle: z.string().regex(kebabCase, 'must be kebab-case, e.g. "social-proof"'),
  headline: z.string().min(1).max(80),
  primaryText: z.string().min(1).max(125, 'must be at most 125 characters (Meta truncates after that)'),
  overlayText: z.string().min(1).max(60, 'must be at most 60 characters to fit a 9:16 overlay'),
  visualStyle: z.string().regex(kebabCase, 'must be kebab-case, e.g. "bold-gradient"'),
  /** Extra styles this hook may be rendered in; the chooser picks among them by Thompson sampling. */
  altStyles: z.array(z.string().regex(kebabCase, 'must be kebab-case')).optional(),
  gradientScheme: z.object({
    from: z.string().regex(hexColour, 'must be a hex colour like "#1a2b3c"'),
    to: z.string().regex(hexColour, 'must be a hex colour like "#1a2b3c"'),
    angle: z.number().min(0).max(360),
  }),
  formats: z
    .array(z.enum(['image', 'video']))
    .min(1, 'must list at least one format')
    .refine((f) => new Set(f).size === f.length, 'must not repeat a format'),
  videoPrompt: z.string().min(1).optional(),
});

/** Zod schema for the whole library file. */
export const HookLibrarySchema = z
  .object({
    offer: z.string().min(1),
    hooks: z.array(HookSchema).min(1, 'must contain at least one hook'),
  })
  .superRefine((lib, ctx) => {
    const seen = new Set<string>();
    lib.hooks.forEach((hook, i) => {
      if (seen.has(hook.id)) {
        ctx.addIssue({ code: 'custom', path: ['hooks', i, 'id'], message: `duplicate hook id "${hook.id}"` });
      }
      seen.add(hook.id);
    });
  });

/** One hook (angle + copy + look) the agent can turn into creatives. */
export type Hook = z.infer<typeof HookSchema>;
/** A creative format a hook may be rendered in. */
export type CreativeFormat = Hook['formats'][number];
/** The parsed library file. */
export type HookLibrary = z.infer<typeof HookLibrarySchema>;

/** Thrown when the library JSON is unreadable or invalid; `issues` names every bad field. */
export class HookLibraryError extends Error {
  override readonly name = 'HookLibraryError';
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`Invalid hook library ${source}:\n  - ${issues.join('\n  - ')}`);
  }
}

/** Validates already-parsed JSON; lists every problem at once, each with its field path. */
export function parseHookLibrary(json: unknown, source = '<inline>'): HookLibrary {
  const result = HookLibrarySchema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const hooks = (json as { hooks?: Array<{ id?: unknown }> } | null)?.hooks;
    const index = issue.path[0] === 'hooks' && typeof issue.path[1] === 'number' ? issue.path[1] : -1;
    const hookId = index >= 0 ? hooks?.[index]?.id : undefined;
    const where = typeof hookId === 'string' ? ` (hook "${hookId}")` : '';
    return `${path.replace(/^\./, '') || '<root>'}${where}: ${issue.message}`;
  });
  throw new HookLibraryError(source, issues);
}

/** Reads and validates a library file and returns its hooks (the one I/O function of learning/). */
export function loadHookLibrary(path: string): Hook[] {
  return loadHookLibraryFile(path).hooks;
}

/** Reads and validates a library file, keeping the offer text next to the hooks. */
export function loadHookLibraryFile(path: string): HookLibrary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HookLibraryError(path, [`cannot read file: ${(err as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HookLibraryError(path, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseHookLibrary(json, path);
}

/** Styles a hook may be rendered in: its own style first, then any alternates. */
export function hookStyles(hook: Hook): string[] {
  return [hook.visualStyle, ...(hook.altStyles ?? []).filter((s) => s !== hook.visualStyle)];
}
