/** The oldest Node.js kspan runs on, as [major, minor, patch]. */
export const MIN_NODE: readonly [number, number, number];
/** Why kspan cannot run on Node.js `version` ("22.18.0"), or undefined when it can. */
export function unsupportedNode(version: string): string | undefined;
