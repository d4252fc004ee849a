/**
 * What a world looks like, as plain data: static geometry plus the bodies its trajectory
 * channels move. One generic renderer (src/ui/) draws every world from this, so a new world
 * needs no UI code. Coordinates are world metres, x to the right, y up.
 *
 * Bodies name existing trajectory channels (never renamed: trajectories are hashed into the
 * golden digests); the checker verifies that every named channel exists in a recorded episode.
 */
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'a finite number');

/** Drawing roles: the renderer picks colours by role, so worlds never choose colours. */
export const VIEW_ROLES = ['ground', 'wall', 'zone', 'target', 'hazard', 'hoop', 'marker', 'launcher'] as const;

/** One static shape: a rectangle (centre, size, angle), a segment or a circle. */
export const viewShapeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rect'), role: z.enum(VIEW_ROLES), x: finite, y: finite, w: finite.pipe(z.number().min(0)), h: finite.pipe(z.number().min(0)), angle: finite.optional() }),
  z.strictObject({ kind: z.literal('line'), role: z.enum(VIEW_ROLES), x1: finite, y1: finite, x2: finite, y2: finite }),
  z.strictObject({ kind: z.literal('circle'), role: z.enum(VIEW_ROLES), x: finite, y: finite, r: finite.pipe(z.number().min(0)) }),
]);
/** One static shape of a view. */
export type ViewShape = z.infer<typeof viewShapeSchema>;

/**
 * A body the trajectory moves: its shape (a circle of radius `r`, or a `w`×`h` box) and the
 * channels that give its position (and angle, in radians, when there is one). A channel given
 * as a number is a constant (a paddle that only moves in x keeps y fixed).
 */
export const viewBodySchema = z.strictObject({
  name: z.string().min(1).max(40),
  shape: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('circle'), r: finite.pipe(z.number().positive()) }),
    z.strictObject({ kind: z.literal('box'), w: finite.pipe(z.number().positive()), h: finite.pipe(z.number().positive()) }),
  ]),
  x: z.union([z.string().min(1), finite]),
  y: z.union([z.string().min(1), finite]),
  angle: z.union([z.string().min(1), finite]).optional(),
  /** Draw a fading trail of this body (the thrown body: yes; a paddle: no). */
  trail: z.boolean().default(true),
});
/** One moving body of a view. */
export type ViewBody = z.infer<typeof viewBodySchema>;

/** A world's view of one task: the region to show, static shapes and moving bodies. */
export const worldViewSchema = z.strictObject({
  bounds: z.strictObject({ x0: finite, x1: finite, y0: finite, y1: finite }).refine((b) => b.x1 > b.x0 && b.y1 > b.y0, 'x1 > x0 and y1 > y0'),
  shapes: z.array(viewShapeSchema).max(200),
  bodies: z.array(viewBodySchema).min(1).max(8),
});
/** A world's view of one task (plain data). */
export type WorldView = z.input<typeof worldViewSchema>;

/** The trajectory channels a view reads (for the checker and the renderer). */
export function viewChannels(view: WorldView): string[] {
  const out = new Set<string>();
  for (const b of view.bodies) for (const c of [b.x, b.y, b.angle]) if (typeof c === 'string') out.add(c);
  return [...out];
}
