import { defineConfig } from '@hey-api/openapi-ts';

// Regenerate with `make generate`; the output under src/generated is committed and never edited by hand.
export default defineConfig({
  input: './openapi.json',
  output: {
    path: './src/generated',
    // NodeNext resolution: relative imports get explicit `.js` extensions, so the build runs in Node
    // ESM as well as in bundlers.
    module: { extension: '.js' },
  },
  plugins: [
    '@hey-api/client-fetch',
    '@hey-api/typescript',
    '@hey-api/sdk',
    '@tanstack/react-query',
  ],
});
