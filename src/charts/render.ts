/**
 * Renders a Vega-Lite spec to an SVG string with no browser (Vega's headless view, renderer
 * 'none'): the same spec the app renders live. Works in Node and in a page or worker alike.
 */
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './specs.ts';

/** The SVG text of a spec (data inlined in the spec; nothing is fetched). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const vg = compile(spec as any).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
