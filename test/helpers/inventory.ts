import type { NodeInfo } from '../../src/types.js';

/** Loads a fixture's node inventory. Replaced by the real inventory loader once node coverage lands. */
export function loadFixtureInventory(_file: string): NodeInfo[] | undefined {
  throw new Error('node inventories are not supported yet');
}
