// The oldest Node.js kspan runs on: the first 22.x that strips TypeScript types without a flag and has
// module.registerHooks (bin/strip-cache.js), as package.json's "engines" says.
export const MIN_NODE = [22, 18, 0];

/** Why kspan cannot run on Node.js `version` ("22.18.0"), or undefined when it can. */
export function unsupportedNode(version) {
  const have = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < MIN_NODE.length; i++) {
    if ((have[i] ?? 0) > MIN_NODE[i]) return undefined;
    if ((have[i] ?? 0) < MIN_NODE[i])
      return `needs Node.js ${MIN_NODE.join('.')} or newer (npm ci in a clone installs one for npm start and npx kspan)`;
  }
  return undefined;
}
