/**
 * What the page's workers bundle in place of the `@tensorflow/tfjs` union package (an alias in
 * vite.config.ts): tfjs-core with the WASM backend (tf-browser.ts), the `cpu` backend for the
 * fallback, and tfjs-layers' seeded initialisers, the only part of layers the learners use. The
 * union package also brings the WebGL backend, tfjs-data and the converter, which no run uses
 * (about 1.2 MB of code per worker bundle). Same kernels, same results: Node keeps the union
 * package and the browser test holds a page run's weights equal to Node's.
 */
export * from '@tensorflow/tfjs-core';
// What the union package registers on import: every op's gradient (the learners train with
// variableGrads) and the chained ops (tensor.add(…) and kin).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
// The initialisers' own module, not the package index: the index drags in every layer and model class.
export * as initializers from '@tensorflow/tfjs-layers/dist/exports_initializers';
