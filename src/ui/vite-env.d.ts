/// <reference types="vite/client" />

/** Build facts for a run's provenance (vite.config.ts `define`): this package's version and the result-relevant packages'. */
declare const __MIRAGE_BUILD__: { mirageLab: string; packages: Record<string, string> };
